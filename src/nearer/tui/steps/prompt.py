"""A prompt: someone shares, spoken aloud (the app waits) or typed into a box."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Static

from nearer.engine import events as ev
from nearer.tui.format import mmss
from nearer.tui.steps.answer import AnswerBox
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class PromptWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        yield step_text(view.text)
        if view.answer_mode == "typed":
            yield AnswerBox(f"{view.name(self.current)}, write here.")
            return
        yield muted(self._wait_text(), id="min-time")
        yield buttons(
            Button("We're done", id="done", variant="primary", disabled=self._waiting),
            Button("Skip", id="skip"),
        )

    @property
    def _waiting(self) -> bool:
        return self.view.ready_at > self.view.now

    def _wait_text(self) -> str:
        if self._waiting:
            return f"Take your time. You can move on in {mmss(self.view.ready_at - self.view.now)}."
        return "Take all the time you need."

    def update_view(self, view) -> None:
        super().update_view(view)
        # A tick can arrive before the children are mounted; compose will use the new view.
        if view.answer_mode == "typed" or not self.query("#min-time"):
            return
        self.query_one("#min-time", Static).update(self._wait_text())
        self.query_one("#done", Button).disabled = self._waiting

    @on(Button.Pressed, "#done")
    def done(self) -> None:
        self.act(ev.Done(partner=self.current))

    @on(Button.Pressed, "#skip")
    @on(AnswerBox.Skipped)
    def skip(self) -> None:
        self.act(ev.Skip(partner=self.current))

    @on(AnswerBox.Saved)
    def saved(self, event: AnswerBox.Saved) -> None:
        self.act(ev.Answer(partner=self.current, text=event.text))
