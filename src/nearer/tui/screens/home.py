"""Home: your plans, an unfinished ritual to pick up, and every ritual grouped by practice."""

from __future__ import annotations


from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from nearer import words
from nearer.ritual.model import PRACTICES
from nearer.tui.format import ago, clock_time

WEEKLY_CHECK_IN = "weekly_check_in"


class HomeScreen(Screen):
    HELP = words.HELP_HOME
    BINDINGS = [
        Binding("j", "app.journal", "Journal", id="journal"),
        Binding("r", "pick_up", "Pick up", id="pick-up"),
        Binding("question_mark", "app.help", "Help", id="help-home", key_display="?", show=False),
        Binding("q", "app.quit", "Quit", id="quit-home"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="home-header"):
            yield Static("nearer", classes="title", id="home-title")
        yield Static("", id="greeting")
        with Horizontal(id="home-body"):
            yield OptionList(id="rituals")
            with Vertical(id="home-side"):
                # Not focusable itself: one tab from the list lands on "Pick up", not on an
                # invisible scroll box (its buttons scroll into view when focused).
                yield VerticalScroll(id="banners", can_focus=False)
                yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#rituals", OptionList)
        options.border_title = "Rituals"
        options.add_option(Option(Text("Finding your rituals…", style="dim italic"), disabled=True))
        self.query_one("#detail", Static).border_title = "About"
        self._greet()
        options.focus()
        self._filled = False
        self.filled = False
        """True once the rituals are listed (they arrive just after the first paint)."""

    async def on_screen_resume(self) -> None:
        # Textual resumes a screen when it is first pushed too. The first time, the screen is
        # painted before the rituals are read and the journal opened (about 20 ms for the
        # built-ins, more with many of your own), so nearer appears at once.
        if not self._filled:
            self._filled = True
            self.call_after_refresh(self.refresh_home)
            return
        await self.refresh_home()

    def _greet(self) -> None:
        names = self.app.names
        self.query_one("#greeting", Static).update(
            Text(f"Hello, {names['a']} and {names['b']}. What would you like to do together?")
        )

    # -- content ------------------------------------------------------------------------------

    async def refresh_home(self) -> None:
        app = self.app
        self._greet()
        journal = app.open_journal()
        last_done: dict[str, float] = {}
        if journal is not None:
            try:
                last_done = journal.last_done()
            except OSError:
                last_done = {}
        self._last_done = last_done
        self._fill_rituals(last_done)
        await self._fill_banners(journal)
        self.filled = True

    def _fill_rituals(self, last_done: dict[str, float]) -> None:
        library = self.app.load_library()
        options = self.query_one("#rituals", OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        self._entries = {}
        by_practice: dict[str, list] = {}
        for entry in library.entries:
            practice = entry.ritual.practice if entry.ritual else "custom"
            by_practice.setdefault(practice, []).append(entry)
        first = True
        for practice in PRACTICES:
            group = by_practice.get(practice)
            if not group:
                continue
            if not first:
                options.add_option(None)
            first = False
            heading = Text(words.PRACTICE_LABELS.get(practice, practice.title()), style="bold")
            options.add_option(Option(heading, disabled=True))
            for entry in sorted(group, key=lambda e: (e.ritual is None, e.id)):
                self._entries[entry.id] = entry
                options.add_option(Option(self._ritual_line(entry, last_done), id=entry.id))
        if highlighted and highlighted in self._entries:
            options.highlighted = options.get_option_index(highlighted)
        elif self._entries:
            options.highlighted = options.get_option_index(next(iter(self._entries)))

    def _ritual_line(self, entry, last_done: dict[str, float]) -> Text:
        line = Text("  ")
        if entry.ritual is None:
            line.append(entry.id, style="bold")
            line.append("  needs fixing", style="italic")
            return line
        line.append(entry.ritual.title)
        line.append(f"  {entry.ritual.duration_min} min", style="dim")
        when = last_done.get(entry.id)
        if when:
            line.append(f"  · {ago(when, self.app.clock())}", style="dim italic")
        return line

    async def _fill_banners(self, journal) -> None:
        banners = self.query_one("#banners", VerticalScroll)
        await banners.remove_children()
        if journal is None:
            problem = self.app.journal_problem or ""
            await banners.mount(Static(Text(problem), classes="warning-text"))
            return
        widgets = []
        snapshot = _quiet(journal.load_snapshot)
        if snapshot is not None:
            entry = self._entries.get(snapshot.ritual_id)
            title = entry.ritual.title if entry and entry.ritual else snapshot.ritual_id
            # Stacked, not side by side: the side column is narrow, and a title beside a button
            # wrapped over four lines.
            box = Vertical(classes="banner", id="resume-banner")
            box.border_title = "Unfinished"
            box.compose_add_child(Static(Text(f"{title}, left {ago(snapshot.saved, self.app.clock())}.")))
            box.compose_add_child(Button("Pick up", id="resume", variant="primary"))
            widgets.append(box)
        plans = _quiet(journal.open_plans) or []
        if plans:
            box = Vertical(classes="banner", id="plans")
            box.border_title = "Plans you made"
            for plan in plans[:5]:
                # The words on a line of their own: the side column is narrow, and a plan
                # from a plan step says what and when, and what comes afterwards.
                row = Vertical(classes="plan-row")
                row.compose_add_child(Static(self._plan_line(plan)))
                actions = Horizontal(classes="plan-buttons")
                if self._plan_ritual(plan) is not None:
                    actions.compose_add_child(Button("Start", id=f"plan-start-{plan.id}", compact=True))
                actions.compose_add_child(Button("Done", id=f"plan-done-{plan.id}", compact=True))
                row.compose_add_child(actions)
                box.compose_add_child(row)
            widgets.append(box)
        self._plans = {plan.id: plan for plan in plans}
        widgets.extend(self._rhythm(journal))
        if widgets:
            await banners.mount(*widgets)
        banners.display = bool(widgets)
        self.refresh_bindings()  # "r Pick up" appears in the footer only with something to pick up

    def _plan_ritual(self, plan) -> str | None:
        """The ritual a plan's Start opens: the one to come back to after a "not now", or the
        one a plan step offers for afterwards (none when it offers nothing, or is not here)."""
        if not plan.what:
            return plan.ritual_id
        entry = self._entries.get(plan.offer)
        return plan.offer if entry is not None and entry.ritual is not None else None

    def _plan_line(self, plan) -> Text:
        if not plan.what:
            return Text(f"{plan.ritual_title}: {plan.when_text}")
        line = Text(f"{plan.what}, {plan.when_text}")
        offered = self._entries.get(plan.offer) if self._plan_ritual(plan) else None
        if offered is not None:
            line.append(f"\nAfterwards: {offered.ritual.title}", style="dim")
        return line

    def _rhythm(self, journal) -> list:
        """What you agreed last time, and a gentle word when the weekly check-in has waited a
        week. No streaks, no counts: only what helps you pick things up again."""
        widgets = []
        agreements = _quiet(lambda: journal.tagged("agreement")) or []
        if agreements:
            box = Vertical(classes="banner", id="agreements")
            box.border_title = "What you agreed"
            for entry in agreements[:4]:
                box.compose_add_child(Static(Text(f"{entry.author_name}: {entry.text}")))
            widgets.append(box)
        last = self._last_done.get(WEEKLY_CHECK_IN)
        if WEEKLY_CHECK_IN in self._entries and last and self.app.clock() - last >= 7 * 86_400:
            box = Vertical(classes="banner", id="checkin")
            box.border_title = "It has been a while"
            box.compose_add_child(
                Static(
                    Text(
                        f"Your last weekly check-in was {ago(last, self.app.clock())}. "
                        "Whenever suits you both."
                    )
                )
            )
            box.compose_add_child(Button("Check in", id="checkin-start", compact=True))
            widgets.append(box)
        return widgets

    # -- events -------------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#rituals")
    def show_detail(self, event: OptionList.OptionHighlighted) -> None:
        entry = self._entries.get(event.option.id or "")
        detail = self.query_one("#detail", Static)
        if entry is None:
            detail.update("")
            return
        if entry.ritual is None:
            text = Text(f"{entry.path}\n\n", style="dim")
            for diagnostic in entry.diagnostics[:3]:
                text.append(f"Line {diagnostic.line}: {diagnostic.message}\n", style="")
            text.append("\nFix the file and nearer will pick it up the next time you come here.")
            text.append("\n`nearer check` lists every mistake.", style="dim")
            detail.update(text)
            return
        ritual = entry.ritual
        text = Text()
        text.append(ritual.title + "\n\n", style="bold")
        text.append(ritual.summary + "\n\n")
        text.append(f"About {ritual.duration_min} minutes.\n", style="dim")
        when = self._last_done.get(entry.id)
        text.append(
            f"Last time: {clock_time(when)}." if when else "You haven't done this one yet.",
            style="dim",
        )
        if getattr(entry, "shadows_builtin", False):
            text.append("\n\nYour own version replaces the built-in one.", style="italic")
        text.append("\n\nPress enter to begin.", style="dim")
        detail.update(text)

    @on(OptionList.OptionSelected, "#rituals")
    def start(self, event: OptionList.OptionSelected) -> None:
        entry = self._entries.get(event.option.id or "")
        if entry is not None:
            self.app.start_entry(entry)

    @on(Button.Pressed, "#checkin-start")
    def start_checkin(self) -> None:
        self.app.start_ritual_by_id(WEEKLY_CHECK_IN)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_up":
            return bool(self.query("#resume"))  # shown in the footer only when there is one
        return True

    def action_pick_up(self) -> None:
        if self.query("#resume"):
            self.app.resume_snapshot()

    @on(Button.Pressed, "#resume")
    def resume(self) -> None:
        self.app.resume_snapshot()

    @on(Button.Pressed, ".plan-buttons Button")
    async def plan_action(self, event: Button.Pressed) -> None:
        action, _, plan_id = (event.button.id or "").rpartition("-")
        plan = self._plans.get(int(plan_id))
        if plan is None:
            return
        journal = self.app.open_journal()
        if journal is not None:
            _quiet(lambda: journal.complete_plan(plan.id))
        if action == "plan-start":
            self.app.start_ritual_by_id(self._plan_ritual(plan) or plan.ritual_id)
        await self.refresh_home()


def _quiet(action):
    """Read from the journal for display; a failure shows as nothing rather than a crash."""
    try:
        return action()
    except Exception:  # noqa: BLE001 - the home screen must always open
        return None
