"""Reschedule: "not now" becomes a plan for a better time, shown on the home screen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input

from nearer import words
from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class RescheduleWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        yield muted(words.NOT_NOW_KIND)
        yield step_text(view.text)
        with Horizontal(classes="suggestions"):
            for index, suggestion in enumerate(view.suggestions):
                yield Button(suggestion, id=f"suggest-{index}", classes="suggestion")
        yield Input(placeholder="Or write your own time, then enter", id="own-time")
        yield buttons(Button("No plan for now", id="no-plan"))

    @on(Button.Pressed, ".suggestion")
    def picked(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "suggest-0").rpartition("-")[2])
        self.act(ev.Plan(partner=self.current, when=self.view.suggestions[index]))

    @on(Input.Submitted, "#own-time")
    def typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.act(ev.Plan(partner=self.current, when=event.value.strip()))

    @on(Button.Pressed, "#no-plan")
    def no_plan(self) -> None:
        self.act(ev.Skip(partner=self.current))
