"""First run: a greeting, your two names, and one kind word about what nearer is not."""

from __future__ import annotations

from msgspec.structs import replace
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from nearer import words
from nearer.tui.steps.base import buttons, step_text

MAX_NAME = 40


class FirstRunScreen(Screen[None]):
    HELP = words.HELP_FIRST_RUN

    def compose(self) -> ComposeResult:
        settings = self.app.settings
        with Center(id="first-run"):
            with Vertical(id="first-run-box") as box:
                box.border_title = words.WELCOME_TITLE
                yield step_text(words.WELCOME)
                yield Label("What should nearer call the first of you?")
                yield Input(settings.partner_a, placeholder="A name", id="name-a", max_length=MAX_NAME)
                yield Label("And the second?")
                yield Input(settings.partner_b, placeholder="Another name", id="name-b", max_length=MAX_NAME)
                yield Static(Text(words.NOT_THERAPY, style="italic"), classes="step-text")
                yield buttons(Button("Continue", id="continue", variant="primary"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name-a", Input).focus()

    @on(Input.Submitted, "#name-a")
    def next_field(self) -> None:
        self.query_one("#name-b", Input).focus()

    @on(Input.Submitted, "#name-b")
    @on(Button.Pressed, "#continue")
    def finish(self) -> None:
        a = self.query_one("#name-a", Input).value.strip()
        b = self.query_one("#name-b", Input).value.strip()
        if not a or not b:
            self.notify(words.ERRORS["name_missing"], severity="warning")
            self.query_one("#name-a" if not a else "#name-b", Input).focus()
            return
        if a.casefold() == b.casefold():
            self.notify(words.ERRORS["name_same"], severity="warning")
            self.query_one("#name-b", Input).focus()
            return
        settings = replace(self.app.settings, partner_a=a, partner_b=b, seen_intro=True)
        self.app.save_settings(settings)
        self.app.show_home()
