"""A box for typed words: the prompt, deck and reflect steps all use it the same way."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, Switch, TextArea

from nearer.tui.steps.base import buttons, muted


class AnswerBox(Vertical):
    """A labelled text box with Save (ctrl+s) and an optional Skip and privacy switch."""

    DEFAULT_CSS = "AnswerBox { height: auto; }"
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="save-answer", priority=True)]

    class Saved(Message):
        def __init__(self, text: str, private: bool) -> None:
            super().__init__()
            self.text = text
            self.private = private

    class Skipped(Message):
        pass

    def __init__(
        self,
        label: str,
        *,
        skip_label: str | None = "Skip",
        ask_private: bool = False,
        save_label: str = "Save",
    ) -> None:
        super().__init__()
        self.label = label
        self.skip_label = skip_label
        self.ask_private = ask_private
        self.save_label = save_label

    def compose(self) -> ComposeResult:
        yield muted(self.label)
        yield TextArea(classes="answer-box", soft_wrap=True, show_line_numbers=False, id="answer")
        if self.ask_private:
            with Horizontal(classes="private-row"):
                yield Switch(value=False, id="private")
                yield Label("Keep this private: only its author sees it in the journal")
        items = [Button(f"{self.save_label} (ctrl+s)", id="save", variant="primary")]
        if self.skip_label:
            items.append(Button(self.skip_label, id="skip"))
        yield buttons(*items)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        text = self.text.strip()
        if not text:
            self.notify("There is nothing written yet. Type a few words, or skip.", timeout=4)
            return
        private = self.query_one(Switch).value if self.ask_private else False
        self.post_message(self.Saved(text, private))

    @on(Button.Pressed, "#skip")
    def skip(self) -> None:
        self.post_message(self.Skipped())
