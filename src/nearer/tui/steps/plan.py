"""A plan: what you will do and when, kept on the home screen while the ritual goes on."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input

from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text

WHAT_MAX = 200


class PlanWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        yield step_text(view.text)
        yield Input(placeholder="What you'll do, in a few words", id="plan-what", max_length=WHAT_MAX)
        yield muted("When?", id="plan-when")
        with Horizontal(classes="suggestions"):
            for index, suggestion in enumerate(view.suggestions):
                yield Button(suggestion, id=f"suggest-{index}", classes="suggestion")
        yield Input(placeholder="Or write your own time, then enter", id="own-time")
        yield buttons(Button("No plan for now", id="no-plan"))

    @property
    def what(self) -> str:
        return self.query_one("#plan-what", Input).value.strip()

    def _plan(self, when: str) -> None:
        if not self.what:
            self.notify("Write what you'll do first, in a few words; then choose when.", timeout=5)
            self.query_one("#plan-what", Input).focus()
            return
        self.act(ev.Plan(partner=self.current, what=self.what, when=when))

    @on(Input.Submitted, "#plan-what")
    def what_written(self) -> None:
        if self.what:
            self.focus_next()

    @on(Button.Pressed, ".suggestion")
    def picked(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "suggest-0").rpartition("-")[2])
        self._plan(self.view.suggestions[index])

    @on(Input.Submitted, "#own-time")
    def typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._plan(event.value.strip())

    @on(Button.Pressed, "#no-plan")
    def no_plan(self) -> None:
        self.act(ev.Skip(partner=self.current))
