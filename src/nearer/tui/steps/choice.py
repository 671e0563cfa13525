"""A choice: pick one of the ritual's options; each leads somewhere of its own."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, step_text


class ChoiceWidget(StepWidget):
    def compose(self) -> ComposeResult:
        yield step_text(self.view.text)
        for index, label in enumerate(self.view.options):
            yield Button(f"{index + 1}. {label}", id=f"option-{index}", classes="choice")

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.view.options):
                event.stop()
                self.act(ev.Choose(partner=self.current, option=index))

    @on(Button.Pressed, ".choice")
    def chose(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "option-0").rpartition("-")[2])
        self.act(ev.Choose(partner=self.current, option=index))
