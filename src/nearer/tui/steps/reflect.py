"""Reflect: each person writes what they want to remember, shared or kept private."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult

from nearer.engine import events as ev
from nearer.tui.steps.answer import AnswerBox
from nearer.tui.steps.base import StepWidget, muted, step_text


class ReflectWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        yield step_text(view.text)
        if view.private_mode == "private":
            yield muted("What you write here stays private to you.")
        elif view.private_mode == "shared":
            yield muted("What you write here is shared with both of you.")
        yield AnswerBox(
            f"{view.name(self.current)}, this is yours to write.",
            skip_label="Nothing to add",
            ask_private=view.private_mode == "ask",
            save_label="Save to the journal",
        )

    @on(AnswerBox.Saved)
    def saved(self, event: AnswerBox.Saved) -> None:
        self.act(ev.Answer(partner=self.current, text=event.text, private=event.private))

    @on(AnswerBox.Skipped)
    def skipped(self) -> None:
        self.act(ev.Skip(partner=self.current))
