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
        yield buttons(
            Button("Back home", id="home", variant="primary"),
            Button("Open the journal", id="journal"),
        )

    @on(Button.Pressed, "#home")
    def home(self) -> None:
        self.screen.dismiss()

    @on(Button.Pressed, "#journal")
    def journal(self) -> None:
        self.screen.dismiss()
        self.app.action_journal()
