"""The journal: past sessions and what you wrote, newest first."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from nearer import words
from nearer.tui.format import clock_time

OUTCOMES = {
    "end": "finished",
    "reschedule": "moved to another time",
    "left": "ended early",
    "abandoned": "left unfinished",
}


class JournalScreen(Screen[None]):
    HELP = words.HELP_JOURNAL
    BINDINGS = [
        Binding("escape", "back", "Back", id="journal-back"),
        Binding("question_mark", "app.help", "Help", id="help-journal", key_display="?", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="ritual-header"):
            yield Static("Your journal", classes="title")
        yield VerticalScroll(id="journal-list", can_focus=True)
        yield Footer()

    def on_mount(self) -> None:
        self.fill()
        self.query_one("#journal-list").focus()

    def fill(self) -> None:
        area = self.query_one("#journal-list", VerticalScroll)
        journal = self.app.open_journal()
        if journal is None:
            area.mount(Static(Text(self.app.journal_problem or ""), classes="warning-text"))
            return
        try:
            sessions = journal.recent_sessions(50)
        except Exception as error:  # noqa: BLE001 - shown as a sentence, never a traceback
            area.mount(Static(Text(str(error)), classes="warning-text"))
            return
        if not sessions:
            area.mount(
                Static(
                    Text(
                        "Nothing here yet. When you finish a ritual, what you chose to keep "
                        "will be waiting for you here."
                    ),
                    classes="muted",
                )
            )
            return
        area.mount_all(self._session_box(session) for session in sessions)

    def _session_box(self, session) -> Vertical:
        box = Vertical(classes="journal-session")
        box.border_title = session.ritual_title
        box.border_subtitle = (
            f"{clock_time(session.started)} · {OUTCOMES.get(session.outcome or '', 'in progress')}"
        )
        if not session.entries:
            box.compose_add_child(Static(Text("Nothing written down this time.", style="dim")))
        prompt = None
        for entry in session.entries:
            if entry.prompt != prompt:
                prompt = entry.prompt
                box.compose_add_child(Static(Text(prompt, style="italic dim"), classes="journal-prompt"))
            box.compose_add_child(_entry_widget(entry))
        return box

    @on(Button.Pressed, ".show-private")
    def show_private(self, event: Button.Pressed) -> None:
        entry_id = (event.button.id or "").rpartition("-")[2]
        self.query_one(f"#text-{entry_id}", Static).display = True
        event.button.parent.display = False

    def action_back(self) -> None:
        self.dismiss()


def _entry_widget(entry) -> Vertical:
    """One entry; a private one stays covered until its author chooses to show it."""
    wrapper = Vertical(classes="journal-entry")
    heading = Text(entry.author_name or entry.author, style="bold")
    if entry.private:
        heading.append(" (private)", style="italic dim")
    wrapper.compose_add_child(Static(heading))
    if entry.private:
        wrapper.compose_add_child(
            Horizontal(
                Static(Text(f"Only {entry.author_name or entry.author} should open this.", style="dim")),
                Button("Show", id=f"show-{entry.id}", classes="show-private"),
                classes="plan-row",
            )
        )
        covered = Static(Text(entry.text), id=f"text-{entry.id}")
        covered.display = False
        wrapper.compose_add_child(covered)
    else:
        wrapper.compose_add_child(Static(Text(entry.text)))
    return wrapper
