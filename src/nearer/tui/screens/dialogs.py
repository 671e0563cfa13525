"""Small questions: who starts, and whether to leave a ritual for now or end it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from nearer.tui.steps.base import buttons, muted, step_text


class WhoStartsScreen(ModalScreen[str | None]):
    HELP = "Choose who speaks first. The other listens first; you will swap later.\n\n  escape   back"
    BINDINGS = [Binding("escape", "cancel", "Back", id="who-back")]

    def __init__(self, names: dict[str, str], title: str) -> None:
        super().__init__()
        self.names = names
        self.ritual_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.ritual_title
            yield step_text("Who would like to go first?")
            yield muted("The other listens first. You will swap later.")
            yield buttons(
                Button(self.names["a"], id="a", variant="primary"),
                Button(self.names["b"], id="b", variant="primary"),
                Button("Back", id="cancel"),
            )

    @on(Button.Pressed, "#a, #b")
    def chosen(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class LeaveScreen(ModalScreen[str | None]):
    HELP = "Leave for now keeps your place for later. End stops this ritual.\n\n  escape   stay"
    BINDINGS = [Binding("escape", "stay", "Stay", id="leave-stay")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Leave this ritual?"
            yield step_text(
                "You can leave for now and pick up at this same step later, "
                "from the home screen. Or you can end it here."
            )
            yield buttons(
                Button("Stay", id="stay", variant="primary"),
                Button("Leave for now", id="keep"),
                Button("End it", id="end", variant="error"),
            )

    @on(Button.Pressed, "#keep, #end")
    def chosen(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    @on(Button.Pressed, "#stay")
    def action_stay(self) -> None:
        self.dismiss(None)
