"""The journal: your sessions newest first, filtered or searched, and one session read in full.

Whoever is reading is chosen at the top: both of you (shared words only), or one partner (shared
words and their own private ones). Only an entry's author can make it private or shared again, or
delete it. Partner text is shown as plain text, never as markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from nearer import words
from nearer.tui.format import clock_time
from nearer.tui.screens.history_dialogs import ConfirmDeleteScreen, ForgetScreen

OUTCOMES = {
    "end": "finished",
    "reschedule": "moved to another time",
    "left": "ended early",
    "abandoned": "left unfinished",
}
PAGE = 50
MORE = "more"
TOGETHER = "both"

HELP = """\
Journal

Your sessions, newest first. Pick one to read everything you saved.

  Reading as   both of you see shared words; choose your name to
               see your private ones too, and to change or delete
               what you wrote
  search       finds words in what you wrote and the questions
  filters      practice, ritual, and a first day (YYYY-MM-DD)
  tab          move between the list, the session and the filters
  escape       back"""


class JournalScreen(Screen[None]):
    HELP = HELP
    BINDINGS = [
        Binding("escape", "back", "Back", id="journal-back"),
        Binding("ctrl+f", "search", "Search", id="journal-search"),
        Binding("question_mark", "app.help", "Help", id="help-journal", key_display="?", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.reader: str | None = None
        self.shown_session: int | None = None
        self._loaded = 0
        self._retry: Callable[[], None] | None = None
        self._pattern: re.Pattern[str] | None = None

    def compose(self) -> ComposeResult:
        names = self.app.names
        with Horizontal(id="ritual-header"):
            yield Static("Your journal", classes="title", id="journal-title")
            yield Select(
                [("Both of you", TOGETHER), (names["a"], "a"), (names["b"], "b")],
                value=TOGETHER,
                allow_blank=False,
                prompt="Reading as",
                id="reader",
            )
            yield Button("Forget everything", id="forget")
        with Horizontal(id="history-filters"):
            yield Input(placeholder="Search what you wrote", id="search")
            yield Select([], prompt="Every practice", id="practice")
            yield Select([], prompt="Every ritual", id="ritual")
            yield Input(placeholder="From YYYY-MM-DD", id="since", max_length=10)
        with Horizontal(id="history-problem-row"):
            yield Static("", id="history-problem", classes="warning-text")
            yield Button("Try again", id="retry")
        yield Static("", id="history-notice", classes="muted")
        with Horizontal(id="history-body"):
            yield OptionList(id="history-list", markup=False)
            yield VerticalScroll(id="session-view", can_focus=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reader", Select).border_title = "Reading as"
        self.query_one("#history-problem-row").display = False
        journal = self.app.open_journal()
        notice = self.query_one("#history-notice", Static)
        if journal is None:
            notice.update(Text(self.app.journal_problem or ""))
            notice.set_class(True, "warning-text")
            return
        if not journal.full_text:
            notice.update(
                "This Python's SQLite has no full-text search, so search matches the exact "
                "letters you type."
            )
        else:
            notice.display = False
        self._fill_filters()
        self.reload()
        self.query_one("#history-list", OptionList).focus()

    # -- what is shown ------------------------------------------------------------------------

    @property
    def journal(self):
        return self.app.open_journal()

    def _fill_filters(self) -> None:
        rituals = self._read(self.journal.rituals_done) or []
        practices = dict.fromkeys(practice for _, _, practice in rituals)
        self.query_one("#practice", Select).set_options(
            (words.PRACTICE_LABELS.get(p, p.title()), p) for p in practices
        )
        self.query_one("#ritual", Select).set_options((title, rid) for rid, title, _ in rituals)

    def _filters(self):
        from nearer.journal.store import Filters

        practice = self.query_one("#practice", Select).value
        ritual = self.query_one("#ritual", Select).value
        since = None
        text = self.query_one("#since", Input).value.strip()
        if text:
            try:
                since = dt.datetime.combine(dt.date.fromisoformat(text), dt.time()).timestamp()
            except ValueError:
                self._say_notice("Write the first day as YYYY-MM-DD, for example 2026-11-27.")
        return Filters(
            practice=practice if isinstance(practice, str) else None,
            ritual_id=ritual if isinstance(ritual, str) else None,
            since=since,
        )

    def reload(self, keep: str | None = None) -> None:
        """Fill the list again (after a filter, a search or a change), keeping the highlight."""
        options = self.query_one("#history-list", OptionList)
        keep = keep or (options.highlighted_option.id if options.highlighted_option else None)
        options.clear_options()
        self._loaded = 0
        query = self.query_one("#search", Input).value.strip()
        journal = self.journal
        self._pattern = _highlighter(query, journal.full_text) if query and journal else None
        if query:
            self._show_hits(query)
        else:
            self._show_page()
        if options.option_count == 0:
            self._show_session(None)
            return
        index = 0
        if keep:
            try:
                index = options.get_option_index(keep)
            except Exception:  # noqa: BLE001 - the kept option may have gone (deleted)
                index = 0
        options.highlighted = index
        self._show_option(options.get_option_at_index(index))

    def _show_page(self) -> None:
        options = self.query_one("#history-list", OptionList)
        sessions = self._read(
            lambda: self.journal.history(self._filters(), self.reader, limit=PAGE, offset=self._loaded)
        )
        if sessions is None:
            return
        if self._loaded == 0 and not sessions:
            options.add_option(Option(Text(_empty_sentence(self._filters()), style="dim"), disabled=True))
            return
        if self._loaded and options.option_count and options.get_option_at_index(-1).id == MORE:
            options.remove_option(MORE)
        options.add_options(Option(_session_line(s), id=f"s{s.id}") for s in sessions)
        self._loaded += len(sessions)
        if len(sessions) == PAGE:
            options.add_option(Option(Text("Show older sessions…", style="italic"), id=MORE))

    def _show_hits(self, query: str) -> None:
        options = self.query_one("#history-list", OptionList)
        hits = self._read(lambda: self.journal.search(query, self.reader, self._filters()))
        if hits is None:
            return
        if not hits:
            options.add_option(
                Option(Text(f"Nothing you can read here mentions “{query}”.", style="dim"), disabled=True)
            )
            return
        options.add_options(
            Option(_hit_line(hit, self._pattern), id=f"e{hit.entry.id}-s{hit.entry.session_id}") for hit in hits
        )

    @on(OptionList.OptionHighlighted, "#history-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_option(event.option)

    @on(OptionList.OptionSelected, "#history-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == MORE:
            options = self.query_one("#history-list", OptionList)
            first_new = options.option_count - 1
            self._show_page()
            options.highlighted = first_new
            return
        self.query_one("#session-view").focus()

    def _show_option(self, option: Option | None) -> None:
        if option is not None and option.id == MORE:
            return
        if option is None or option.id is None:
            # Never leave an earlier reader's session on screen under "nothing found".
            self._show_session(None)
            return
        session_id = int(option.id.rpartition("s")[2])
        entry_id = int(option.id[1:].partition("-")[0]) if option.id.startswith("e") else None
        self._show_session(session_id, entry_id)

    def _show_session(self, session_id: int | None, entry_id: int | None = None) -> None:
        """Read one session in full, as the current reader may see it."""
        view = self.query_one("#session-view", VerticalScroll)
        view.remove_children()
        self.shown_session = session_id
        if session_id is None:
            return
        session = self._read(lambda: self.journal.session(session_id, self.reader))
        if session is None:
            return
        view.mount(self._session_box(session))
        if entry_id is not None:
            self.call_after_refresh(self._scroll_to, entry_id)

    def _scroll_to(self, entry_id: int) -> None:
        for widget in self.query(".journal-entry"):
            if getattr(widget, "entry_id", None) == entry_id:
                self.query_one("#session-view", VerticalScroll).scroll_to_widget(widget, top=True)
                return

    def _session_box(self, session) -> Vertical:
        # No ids inside: the old session may still be leaving as this one arrives.
        box = Vertical(classes="journal-session")
        box.border_title = session.ritual_title
        box.border_subtitle = (
            f"{clock_time(session.started)} · {OUTCOMES.get(session.outcome or '', 'in progress')}"
        )
        names = self.app.names
        if not session.entries:
            box.compose_add_child(Static(Text("Nothing written down that you can read here.", style="dim")))
        prompt = None
        for entry in session.entries:
            if entry.prompt != prompt:
                prompt = entry.prompt
                if prompt:
                    box.compose_add_child(
                        Static(Text(prompt, style="italic dim"), classes="journal-prompt")
                    )
            box.compose_add_child(self._entry_widget(entry))
        for author in dict.fromkeys(session.hidden):
            count = session.hidden.count(author)
            name = names.get(author, author)
            things = "one thing" if count == 1 else f"{count} things"
            box.compose_add_child(
                Static(
                    Text(f"{name} kept {things} private here.", style="italic dim"),
                    classes="journal-hidden",
                )
            )
        row = Horizontal(classes="session-actions")
        delete = Button("Delete this session", classes="session-delete", compact=True)
        delete.session_id = session.id
        row.compose_add_child(delete)
        box.compose_add_child(row)
        return box

    def _entry_widget(self, entry) -> Vertical:
        wrapper = Vertical(classes="journal-entry")
        wrapper.entry_id = entry.id
        heading = Text(entry.author_name or self.app.names.get(entry.author, entry.author), style="bold")
        if entry.private:
            heading.append("  private", style="italic dim")
        if "agreement" in entry.tags:
            heading.append("  agreement", style="italic dim")
        wrapper.compose_add_child(Static(heading))
        text = Text(entry.text)
        if self._pattern is not None:
            text.highlight_regex(self._pattern, style="reverse")
        wrapper.compose_add_child(Static(text, classes="journal-text"))
        if self.reader is not None and entry.author in (self.reader, "both"):
            actions = Horizontal(classes="entry-actions")
            label = "Share it" if entry.private else "Make private"
            privacy = Button(label, classes="entry-privacy", compact=True)
            delete = Button("Delete", classes="entry-delete", compact=True)
            privacy.entry_id = delete.entry_id = entry.id
            actions.compose_add_child(privacy)
            actions.compose_add_child(delete)
            wrapper.compose_add_child(actions)
        return wrapper

    # -- filters and reader --------------------------------------------------------------------

    @on(Select.Changed, "#reader")
    def reader_changed(self, event: Select.Changed) -> None:
        self.reader = None if event.value == TOGETHER else str(event.value)
        self.reload()

    @on(Select.Changed, "#practice, #ritual")
    def filter_changed(self) -> None:
        self.reload()

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#since")
    @on(Input.Changed, "#since")
    def since_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self._say_notice(None)
            self.reload()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    # -- changes -------------------------------------------------------------------------------

    @on(Button.Pressed, ".entry-privacy")
    def toggle_privacy(self, event: Button.Pressed) -> None:
        entry_id = event.button.entry_id
        make_private = str(event.button.label) == "Make private"
        reader = self.reader
        self._change(
            lambda: self.journal.set_private(entry_id, make_private, reader),
            "It is now private: only you will see it." if make_private else "It is shared with both of you now.",
        )

    @on(Button.Pressed, ".entry-delete")
    def delete_entry(self, event: Button.Pressed) -> None:
        entry_id = event.button.entry_id
        reader = self.reader

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(lambda: self.journal.delete_entry(entry_id, reader), "Deleted.")

        self.app.push_screen(
            ConfirmDeleteScreen("Delete this entry?", "Delete what you wrote here for good?"), answered
        )

    @on(Button.Pressed, ".session-delete")
    def delete_session(self, event: Button.Pressed) -> None:
        session_id = event.button.session_id

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(
                    lambda: self.journal.delete_session(session_id),
                    "The session is deleted.",
                    keep=None,
                )

        self.app.push_screen(
            ConfirmDeleteScreen(
                "Delete this session?",
                "Delete this session and everything both of you saved in it, private words too?",
            ),
            answered,
        )

    @on(Button.Pressed, "#forget")
    def forget(self) -> None:
        outcome: list[bool] = []

        def forget_now() -> None:
            outcome.append(self.journal.forget_everything())

        def answered(done: bool | None) -> None:
            if not done:
                return
            if outcome and not outcome[0]:
                self.app.notify(
                    "Everything is deleted. Another nearer still had the journal open, so some old "
                    "pages stay in its working file until that one closes.",
                    title="Your journal",
                    severity="warning",
                    timeout=15,
                )
            else:
                self.app.notify("Everything is forgotten. The journal is empty.", title="Your journal")
            self._fill_filters()
            self.reload()

        if self.journal is not None:
            self.app.push_screen(ForgetScreen(forget_now), answered)

    @on(Button.Pressed, "#retry")
    def retry(self) -> None:
        if self._retry is not None:
            self._retry()

    def _change(self, action: Callable[[], None], done: str, keep: str | None = "") -> None:
        """Run a change; on a storage failure say so, keep everything as it was, offer a retry."""
        try:
            action()
        except OSError as error:
            self._retry = lambda: self._change(action, done, keep)
            self._say_problem(str(error))
            return
        except ValueError as error:  # not this reader's entry: the buttons should prevent it
            self._say_problem(str(error))
            return
        self._retry = None
        self._say_problem(None)
        self.app.notify(done, title="Your journal", timeout=4)
        self.reload(keep or None)

    def _say_problem(self, sentence: str | None) -> None:
        row = self.query_one("#history-problem-row")
        row.display = sentence is not None
        self.query_one("#history-problem", Static).update(Text(sentence or ""))
        self.query_one("#retry", Button).display = self._retry is not None

    def _say_notice(self, sentence: str | None) -> None:
        notice = self.query_one("#history-notice", Static)
        notice.update(Text(sentence or ""))
        notice.display = sentence is not None

    def _read(self, action):
        """Read for display; a failure is a sentence on screen rather than a crash."""
        journal = self.journal
        if journal is None:
            return None
        try:
            return action()
        except OSError as error:
            self._say_problem(str(error))
            return None

    def action_back(self) -> None:
        self.dismiss()


def _session_line(session) -> Text:
    line = Text()
    line.append(session.ritual_title, style="bold")
    line.append(f"\n{clock_time(session.started)} · {OUTCOMES.get(session.outcome or '', 'in progress')}", style="dim")
    if session.first_text:
        first = " ".join(session.first_text.split())
        line.append(f"\n{first[:80]}", style="italic")
    line.append("\n")
    return line


def _hit_line(hit, pattern: re.Pattern[str] | None) -> Text:
    line = Text()
    line.append(hit.entry.author_name or hit.entry.author, style="bold")
    line.append(f" · {hit.ritual_title}\n{clock_time(hit.started)}", style="dim")
    text = Text("\n" + " ".join(hit.entry.text.split()))
    if pattern is not None:
        text.highlight_regex(pattern, style="reverse")
    line.append_text(text)
    line.append("\n")
    return line


def _highlighter(query: str, full_text: bool) -> re.Pattern[str] | None:
    tokens = re.findall(r"\w+", query) if full_text else query.split()
    if not tokens:
        return None
    # With FTS each word is a prefix ("walk" finds "walked"), so light up the rest of the word.
    tail = r"\w*" if full_text else ""
    return re.compile("|".join(re.escape(t) + tail for t in tokens), re.IGNORECASE)


def _empty_sentence(filters) -> str:
    if filters.practice or filters.ritual_id or filters.since:
        return "No sessions match these filters."
    return (
        "Nothing here yet. When you finish a ritual, what you chose to keep will be "
        "waiting for you here."
    )
