"""Steps with one thing to do: read and go on (text), or swap who shares (swap_roles)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class TextStepWidget(StepWidget):
    def compose(self) -> ComposeResult:
        yield step_text(self.view.text)
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
