"""The pause: a calm screen for a break, with a countdown to the time you agreed to return."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from nearer import words
from nearer.tui.format import mmss
from nearer.tui.steps.base import buttons, muted, step_text


BREAK = "break"
"""What the pause screen returns when you choose a proper break (the take_a_break ritual)."""


class PauseScreen(ModalScreen[str | None]):
    """The ritual waits here, at the same step, until you resume, or until you choose a
    proper break instead (`offer_break`), which keeps this ritual's place to pick up later."""

    HELP = words.HELP_PAUSE
    BINDINGS = [
        Binding("r", "resume", "Resume", id="resume"),
        Binding("escape", "resume", "Resume", show=False, id="resume-escape"),
    ]

    def __init__(
        self, minutes: int, clock: Callable[[], float] = time.time, *, offer_break: bool = False
    ) -> None:
        super().__init__()
        self.minutes = minutes
        self.clock = clock
        self.offer_break = offer_break
        # A deadline, not a count of ticks: a busy machine must not stretch the break.
        self.back_at = clock() + minutes * 60

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pause-box") as box:
            box.border_title = words.PAUSE_TITLE
            yield step_text(words.PAUSE_TEXT)
            yield Static("", id="pause-clock")
            yield muted(
                f"Agree on a time to come back: about "
                f"{time.strftime('%H:%M', time.localtime(self.back_at))} "
                f"is {self.minutes} minutes from now.",
                id="back-at",
            )
            items = [Button("We're ready to come back", id="resume", variant="primary")]
            if self.offer_break:
                items.append(Button("Take a proper break", id="proper-break"))
            yield buttons(*items)
            if self.offer_break:
                yield muted(
                    "If it got heated, a proper break walks you both through calming down and "
                    "agreeing when to come back. This ritual keeps its place for later.",
                    id="break-note",
                )
        # Its own footer, so the keys shown are the break's (r), not the ritual's under it.
        yield Footer()

    def on_mount(self) -> None:
        self._update()
        self.set_interval(1, self._update)

    def _update(self) -> None:
        left = self.back_at - self.clock()
        clock = self.query_one("#pause-clock", Static)
        if left > 0:
            clock.update(Text(mmss(left)))
        else:
            clock.update(Text("Your break is over when you're both ready."))

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#proper-break")
    def proper_break(self) -> None:
        self.dismiss(BREAK)
