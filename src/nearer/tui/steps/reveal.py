"""Reveal: each writes in turn with the words hidden, then both answers appear together."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from nearer.engine import events as ev
from nearer.engine.events import other
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class RevealWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        yield step_text(view.text)
        if view.revealed:
            with Horizontal(classes="reveal-answers"):
                for partner in ("a", "b"):
                    box = Static(Text(view.revealed.get(partner, "")), classes="reveal-answer")
                    box.border_title = view.name(partner)
                    yield box
            yield buttons(Button("Continue", id="continue", variant="primary"))
            return
        if view.viewer is not None and view.answered.get(view.viewer):
            # A shared screen: this partner's words are in, and stay hidden until the other's are.
            yield muted(f"Your answer is in, hidden until {view.name(other(view.viewer))} has answered too.")
            return
        done = [view.name(p) for p, answered in view.answered.items() if answered]
        if done:
            yield muted(f"{' and '.join(done)} has answered. Their words stay hidden for now.")
        writer = self.current
        if view.viewer is not None:
            yield muted(f"Type your answer. {view.name(other(writer))} sees it only once you have both answered.")
        else:
            yield muted(
                f"{view.name(writer)}, type your answer; it stays hidden as you type. "
                f"{view.name(other(writer))}, look away for a moment."
            )
        yield Input(password=True, placeholder="Your answer, then enter", id="hidden-answer")
        yield buttons(Button("Save my answer", id="save", variant="primary"))

    @on(Input.Submitted, "#hidden-answer")
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        text = self.query_one("#hidden-answer", Input).value.strip()
        if not text:
            self.notify("Write a few words first; nobody sees them until you both have.", timeout=4)
            return
        self.act(ev.Answer(partner=self.current, text=text))

    @on(Button.Pressed, "#continue")
    def go_on(self) -> None:
        self.act(ev.Done(partner=self.current))
