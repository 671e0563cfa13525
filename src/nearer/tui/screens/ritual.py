"""The ritual screen: title, where you are among the phases, whose turn it is, and the step."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from nearer import words
from nearer.engine import events as ev
from nearer.engine.view import View
from nearer.session import LocalSession, NotSaved
from nearer.tui.steps import StepWidget, widget_for

TICK_SECONDS = 0.25
WATCH_SECONDS = 0.5


class PhaseBar(Static):
    """Arrive · Check in · ● Share · Go deeper · Reflect"""

    def show(self, view: View) -> None:
        line = Text()
        for index, phase in enumerate(view.phases):
            if index:
                line.append("  ·  ", style="dim")
            label = words.PHASE_LABELS.get(phase, phase.replace("_", " ").capitalize())
            if index == view.phase_index:
                line.append(f"● {label}", style="bold reverse")
            elif index < view.phase_index:
                line.append(f"✓ {label}", style="dim")
            else:
                line.append(label, style="dim")
        self.update(line)


def turn_line(view: View) -> str:
    """Whose turn it is, by name."""
    if view.status == "ended":
        return ""
    if view.kind == "prompt" and view.actors == [view.speaker]:
        return f"{view.speaker_name}'s turn to share · {view.listener_name} listens"
    if view.kind == "deck" and view.asker is not None:
        return f"{view.name(view.asker)}'s turn to ask"
    if len(view.actors) == 1:
        return f"{view.name(view.actors[0])}'s turn"
    if len(view.waiting_on) == 1 and view.kind in ("consent", "reflect", "reveal", "prompt"):
        return f"Both of you · now {view.name(view.waiting_on[0])}"
    return "Both of you"


class RitualScreen(Screen[None]):
    HELP = words.HELP_RITUAL
    BINDINGS = [
        Binding("ctrl+t", "pause", "Pause", id="pause", priority=True),
        Binding("escape", "leave", "Leave", id="leave"),
        Binding("question_mark", "app.help", "Help", id="help-ritual", key_display="?", show=False),
    ]

    def __init__(self, session: LocalSession, watch: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self._key: tuple | None = None
        self._widget: StepWidget | None = None
        self.watch = watch
        """The ritual file to reload on save (`nearer run --watch`); None never reloads."""
        self._stamps: dict[Path, tuple[int, int]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="ritual-header"):
            yield Static(Text(self.session.ritual.title), classes="title", id="ritual-title")
        yield PhaseBar()
        yield Static("", id="turn")
        if self.watch is not None:
            yield Static("", id="watch-problems", markup=False)
        yield VerticalScroll(id="step-area")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.session.view)
        self.set_interval(TICK_SECONDS, self._tick)
        if self.watch is not None:
            self._stamps = _stamps([self.watch])
            self.set_interval(WATCH_SECONDS, self._check_watched)
        if self.session.state.status == "paused":
            self.call_after_refresh(self._open_pause)

    # -- drawing --------------------------------------------------------------------------

    def show(self, view: View) -> None:
        if view.status == "ended" and view.outcome == "left":
            self.dismiss()
            return
        self.query_one(PhaseBar).show(view)
        self.query_one("#turn", Static).update(turn_line(view))
        key = (view.visit, view.step_id, view.status == "ended", tuple(view.waiting_on),
               view.card_number, bool(view.revealed), tuple(sorted(view.consents)))
        if key == self._key and self._widget is not None:
            self._widget.update_view(view)
            return
        self._key = key
        area = self.query_one("#step-area", VerticalScroll)
        area.remove_children()
        self._widget = widget_for(view, reduced_motion=self.app.settings.reduced_motion)
        area.mount(self._widget)
        area.scroll_home(animate=False)

    def _tick(self) -> None:
        view = self.session.view
        if view.status != "running":
            return
        if view.kind == "timer" or (view.kind == "prompt" and view.ready_at > view.now - 1):
            self.show(self.session.tick())

    # -- acting ---------------------------------------------------------------------------

    @on(StepWidget.Act)
    def act(self, message: StepWidget.Act) -> None:
        message.stop()
        self.send(message.event)

    def send(self, event: ev.Event) -> bool:
        try:
            view = self.session.send(event)
        except NotSaved as problem:
            self.notify(
                f"{problem.message} {words.ERRORS['journal_write']}",
                title="Not saved yet",
                severity="error",
                timeout=20,
            )
            return False
        if self.session.warning:
            self.notify(self.session.warning, title="Your journal", severity="warning", timeout=12)
            self.session.warning = None
        self.show(view)
        return True

    def action_pause(self) -> None:
        view = self.session.view
        if view.status != "running":
            return
        partner = view.waiting_on[0] if view.waiting_on else view.speaker
        if self.send(ev.Pause(partner=partner)):
            self._open_pause()

    def _open_pause(self) -> None:
        from nearer.tui.screens.pause import BREAK, PauseScreen

        def resumed(choice: str | None = None) -> None:
            if choice == BREAK:
                # This ritual stays paused with its place saved (home offers to pick it up).
                self.dismiss()
                self.app.call_later(self.app.start_break)  # asked by the app: this screen is leaving
                return
            paused_by = self.session.state.paused_by
            if paused_by is not None:
                self.send(ev.Resume(partner=paused_by))

        breaking = self.app.BREAK_RITUAL
        offer_break = self.session.ritual.id != breaking and self.app.can_start(breaking)
        self.app.push_screen(
            PauseScreen(self.app.settings.break_minutes, self.app.clock, offer_break=offer_break), resumed
        )

    def action_leave(self) -> None:
        if self.session.ended:
            self.dismiss()
            return
        from nearer.tui.screens.dialogs import LeaveScreen

        def chosen(choice: str | None) -> None:
            if choice == "keep":
                self.dismiss()
            elif choice == "end":
                self.send(ev.Leave(partner=self.session.view.speaker))

        self.app.push_screen(LeaveScreen(), chosen)

    # -- nearer run --watch -----------------------------------------------------------------

    def _check_watched(self) -> None:
        """Reload when the ritual file (or a deck file it imports) changed on disk. Polling
        the modification times twice a second costs a few stat calls and needs no new
        dependency; a ritual file is small enough to read and check within the timer."""
        stamps = _stamps(self._stamps or [self.watch])
        if stamps == self._stamps:
            return
        self._stamps = stamps
        self.reload_ritual()

    def reload_ritual(self) -> None:
        """Read the watched file again: when it is sound, carry on with it at the same step;
        when it has mistakes, keep the running version and show them in a panel."""
        from nearer.ritual.check import check_loaded
        from nearer.ritual.load import default_search_dirs, display_path, load_file

        assert self.watch is not None
        try:
            loaded = load_file(self.watch, search_dirs=default_search_dirs(),
                               display=display_path(self.watch))
            diagnostics = loaded.diagnostics + check_loaded(loaded)
        except Exception as error:  # noqa: BLE001 - a fault in nearer is shown, not raised
            loaded, diagnostics = None, []
            problem = f"nearer could not check this file ({type(error).__name__}: {error})."
        else:
            errors = [d for d in diagnostics if d.is_error]
            problem = "\n".join(d.format() for d in errors) if errors else ""
            if not problem and loaded.ritual is None:
                problem = "nearer could not read this file as a ritual."
        watched = [self.watch] + [Path(source.display) for source in getattr(loaded, "imported", [])]
        self._stamps = _stamps(watched)
        panel = self.query_one("#watch-problems", Static)
        if problem:
            panel.update(
                "Your last save has a mistake, so the ritual carries on as it was. "
                "Save again once it is fixed.\n\n" + problem
            )
            panel.border_title = "Not reloaded"
            panel.add_class("shown")
            return
        panel.remove_class("shown")
        panel.update("")
        view = self.session.replace_ritual(loaded.ritual)
        self.query_one("#ritual-title", Static).update(Text(loaded.ritual.title))
        self._key = None  # draw the step again, with its new words
        self.show(view)
        self.notify("Reloaded your changes.", timeout=2)


def _stamps(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    """Modification time and size of each file (a missing file is (0, 0): a save in
    progress, or an import not there)."""
    stamps = {}
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamps[path] = (0, 0)
        else:
            stamps[path] = (info.st_mtime_ns, info.st_size)
    return stamps
