"""What every step widget shares: the view it shows, and a message to act on the ritual."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from nearer.engine.events import Event, Partner
from nearer.engine.view import View


class StepWidget(Vertical):
    """One step kind on screen. Rebuilt when the step, the turn or the card changes; between
    those, `update_view` refreshes what moves with time (a countdown, a pacer)."""

    DEFAULT_CLASSES = "step"

    class Act(Message):
        """Ask the screen to send `event` to the session."""

        def __init__(self, event: Event) -> None:
            super().__init__()
            self.event = event

    def __init__(self, view: View, *, reduced_motion: bool = False) -> None:
        super().__init__()
        self.view = view
        self.reduced_motion = reduced_motion

    def on_mount(self) -> None:
        # Focus lands inside the step, so its keys (y, n, enter) work without a click.
        self.call_after_refresh(self.focus_first)

    def act(self, event: Event) -> None:
        self.post_message(self.Act(event))

    def update_view(self, view: View) -> None:
        self.view = view

    @property
    def current(self) -> Partner:
        """The partner who acts next at this keyboard: in a shared session, always its own."""
        view = self.view
        if view.viewer is not None:
            return view.viewer
        if view.waiting_on:
            return view.waiting_on[0]
        if view.actors:
            return view.actors[0]
        return view.speaker

    def focus_first(self) -> None:
        for widget in self.query("Input, TextArea, Button"):
            if widget.focusable and not widget.disabled:
                widget.focus()
                return


def step_text(text: str) -> Static:
    """A step's own words. Plain text: a ritual file cannot inject markup."""
    return Static(Text(text.strip()), classes="step-text")


def muted(text: str, **kwargs) -> Static:
    return Static(Text(text), classes="who-line", **kwargs)


def buttons(*items: Button) -> Horizontal:
    row = Horizontal(classes="step-buttons")
    for item in items:
        row.compose_add_child(item)
    return row
