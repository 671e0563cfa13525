"""A deck step: one card at a time, the asker named, with a way to stop whenever you like."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Static

from nearer.engine import events as ev
from nearer.engine.events import other
from nearer.tui.steps.answer import AnswerBox
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class DeckWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        if view.text:
            yield step_text(view.text)
        if not view.card:
            yield muted("This deck has no cards, so there is nothing to draw.")
            yield buttons(Button("Go on", id="stop", variant="primary"))
            return
        if view.asker is not None:
            yield muted(f"{view.name(view.asker)}, read this one aloud to {view.name(other(view.asker))}.")
        card = Static(Text(view.card), classes="card", id="card")
        card.border_title = view.deck_title
        card.border_subtitle = f"card {view.card_number} of {view.card_count}"
        yield card
        last = view.card_number >= view.card_count
        if view.answer_mode == "typed":
            yield AnswerBox(f"{view.name(self.current)}, write your answer.", skip_label="Next card")
            yield buttons(Button("That's enough for now", id="stop"))
            return
        yield buttons(
            Button("Go on" if last else "Next card", id="next", variant="primary"),
            Button("That's enough for now", id="stop"),
        )

    @on(Button.Pressed, "#next")
    @on(AnswerBox.Skipped)
    def next_card(self) -> None:
        self.act(ev.Draw(partner=self.current))

    @on(Button.Pressed, "#stop")
    def stop(self) -> None:
        self.act(ev.Stop(partner=self.current))

    @on(AnswerBox.Saved)
    def saved(self, event: AnswerBox.Saved) -> None:
        self.act(ev.Answer(partner=self.current, text=event.text))

