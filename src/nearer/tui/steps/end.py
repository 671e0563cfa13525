"""The end of a ritual: a warm close, and the way home or to the journal."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class EndWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        if view.outcome == "reschedule":
            if view.plan:
                yield step_text(f"Your plan: {view.plan}. It will be waiting on the home screen.")
            else:
                yield step_text("That's all right. This ritual will be here whenever you want it.")
        else:
            yield step_text(
                f"Thank you, {view.name('a')} and {view.name('b')}, for making time for each other."
            )
            yield muted("Anything you saved is in your journal.")
        items = [Button("Back home", id="home", variant="primary"), Button("Open the journal", id="journal")]
        offered = self._offered()
        if offered is not None:
            items.insert(1, Button(f"Start “{offered.ritual.title}”", id="offer"))
        yield buttons(*items)

    def _offered(self):
        """The ritual this one offers next (its `offer`), when it is there to be played."""
        offer = self.view.offer
        library = getattr(self.app, "library", None)
        if not offer or library is None:
            return None
        entry = library.get(offer)
        return entry if entry is not None and entry.ritual is not None else None

    @on(Button.Pressed, "#offer")
    def start_offered(self) -> None:
        offer = self.view.offer
        self.screen.dismiss()
        if offer:
            # From the app, not from this widget: a "who starts" question answers to whoever
            # asked it, and this widget is on its way out.
            self.app.call_later(self.app.start_ritual_by_id, offer)

    @on(Button.Pressed, "#home")
    def home(self) -> None:
        self.screen.dismiss()

    @on(Button.Pressed, "#journal")
    def journal(self) -> None:
        self.screen.dismiss()
        self.app.action_journal()
