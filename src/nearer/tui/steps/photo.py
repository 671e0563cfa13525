"""A photo step: one of you shows a photo and tells its story. Until images are drawn in the
terminal, the photo is shown on a phone or laptop and its name can be noted here."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input

from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class PhotoWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        yield step_text(view.text)
        yield muted(
            f"{view.name(self.current)}, show the photo on whatever is at hand and tell its story. "
            "If you like, note which photo it was, so you can find it again."
        )
        yield Input(placeholder="The photo's name (optional), then enter", id="photo-name")
        yield buttons(
            Button("We're done", id="done", variant="primary"),
            Button("Skip", id="skip"),
        )

    @on(Input.Submitted, "#photo-name")
    @on(Button.Pressed, "#done")
    def done(self) -> None:
        name = self.query_one("#photo-name", Input).value.strip()
        if name:
            self.act(ev.Answer(partner=self.current, text=name))
        else:
            self.act(ev.Done(partner=self.current))

    @on(Button.Pressed, "#skip")
    def skip(self) -> None:
        self.act(ev.Skip(partner=self.current))
