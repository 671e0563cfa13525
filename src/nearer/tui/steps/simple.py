"""Steps with one thing to do: read and go on (text), or swap who shares (swap_roles)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text

# A text step's `show`: the heading of each box, and what it says when the journal has none.
SHOWN: dict[str, tuple[str, str]] = {
    "agreements": (
        "What you agreed last time",
        "No agreements saved yet. After you regroup from a fight, what you each chose to do "
        "next time will be here.",
    ),
    "plans": ("Plans you made", "No plans waiting. Anything you plan will be here until you mark it done."),
}


class TextStepWidget(StepWidget):
    def compose(self) -> ComposeResult:
        yield step_text(self.view.text)
        for name, lines in self.view.shown.items():
            heading, nothing = SHOWN.get(name, (name.capitalize(), ""))
            with Vertical(classes="review", id=f"show-{name}") as box:
                box.border_title = heading
                # Words from the journal: plain text, never markup.
                yield Static(Text("\n".join(f"• {line}" for line in lines) if lines else nothing))
        yield buttons(Button("Continue", id="continue", variant="primary"))

    @on(Button.Pressed, "#continue")
    def go_on(self) -> None:
        self.act(ev.Done(partner=self.current))


class SwapRolesWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        yield step_text(
            view.text
            or f"Time to swap. {view.listener_name}, it's your turn to share, "
            f"and {view.speaker_name} listens."
        )
        if view.rounds > 1:
            yield muted(f"Round {view.round} of {view.rounds}")
        yield buttons(Button("Swap and go on", id="continue", variant="primary"))

    @on(Button.Pressed, "#continue")
    def go_on(self) -> None:
        self.act(ev.Done(partner=self.current))
