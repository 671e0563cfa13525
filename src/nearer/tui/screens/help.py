"""Help: the keys and a few words for the screen you are on, and where to turn if you are afraid."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from nearer import words
from nearer.tui.steps.base import buttons


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,question_mark,q", "close", "Close", id="help-close"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-box") as box:
            box.border_title = "Help"
            with VerticalScroll():
                yield Static(Text(self.text))
                yield Static(Text("\n" + words.NOT_THERAPY, style="dim"))
                yield Static(Text("\n" + words.SAFETY, style="dim"))
            yield buttons(Button("Close", id="close", variant="primary"))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
