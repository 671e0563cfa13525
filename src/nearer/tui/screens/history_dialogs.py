"""The journal's questions: delete this for good?, and forget everything after typing it out."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from nearer.tui.steps.base import buttons, muted, step_text

FORGET_WORDS = "forget everything"


class ConfirmDeleteScreen(ModalScreen[bool]):
    """Ask once before deleting an entry or a session; deleting cannot be undone."""

    HELP = "Delete removes these words from the journal for good.\n\n  escape   keep them"
    BINDINGS = [Binding("escape", "keep", "Keep", id="confirm-delete-keep")]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield step_text(self.question)
            yield muted("This cannot be undone.")
            yield buttons(
                Button("Keep", id="keep", variant="primary"),
                Button("Delete", id="delete", variant="error"),
            )

    @on(Button.Pressed, "#delete")
    def delete(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)


class ForgetScreen(ModalScreen[bool]):
    """"Forget everything": only after the words are typed out, and it says if it could not.

    `forget` does the deleting and raises OSError with a sentence; the typed words stay in the
    box so trying again is one key."""

    HELP = (
        f'Type "{FORGET_WORDS}" and press Forget to delete the whole journal from this computer.'
        "\n\n  escape   keep everything"
    )
    BINDINGS = [Binding("escape", "keep", "Keep", id="forget-keep")]

    def __init__(self, forget: Callable[[], str | None]) -> None:
        super().__init__()
        self.forget = forget

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="forget-box") as box:
            box.border_title = "Forget everything"
            yield step_text(
                "This deletes every session, every word either of you saved, every plan and "
                "the cards you have drawn, and leaves no copy of them in the journal's files. "
                "Exports you saved elsewhere stay where they are."
            )
            yield muted(f'To go ahead, type "{FORGET_WORDS}".')
            yield Input(placeholder=FORGET_WORDS, id="forget-words")
            yield Static("", id="forget-problem", classes="warning-text")
            yield buttons(
                Button("Keep everything", id="keep", variant="primary"),
                Button("Forget", id="forget", variant="error", disabled=True),
            )

    def on_mount(self) -> None:
        self.query_one("#forget-words", Input).focus()

    @on(Input.Changed, "#forget-words")
    def check_words(self, event: Input.Changed) -> None:
        self.query_one("#forget", Button).disabled = not _typed(event.value)

    @on(Input.Submitted, "#forget-words")
    @on(Button.Pressed, "#forget")
    def do_forget(self) -> None:
        if not _typed(self.query_one("#forget-words", Input).value):
            return
        try:
            self.forget()
        except OSError as error:
            self.query_one("#forget-problem", Static).update(Text(str(error)))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)


def _typed(value: str) -> bool:
    return " ".join(value.split()).casefold() == FORGET_WORDS
