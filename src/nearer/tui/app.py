"""The nearer Textual app: loads settings, themes, the journal and the rituals, then shows home."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from nearer import words
from nearer.settings import Settings, load_settings, save_settings
from nearer.tui.commands import NearerCommands

if TYPE_CHECKING:  # the engine package costs ~8 ms to import; home does not need it
    from nearer.engine.events import Partner

DEFAULT_THEME = "nearer-dusk"


class NearerApp(App[int]):
    """Guided rituals for two people at one terminal."""

    BREAK_RITUAL = "take_a_break"
    """What "Take a proper break" on the pause screen starts."""
    # Absolute, so subclasses defined elsewhere (tests, benchmarks) find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "nearer"
    COMMANDS = App.COMMANDS | {NearerCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", key_display="F1"),
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False, priority=True),
    ]

    def __init__(
        self,
        *,
        start_ritual: str | None = None,
        extra_paths: tuple[Path, ...] = (),
        clock: Callable[[], float] = time.time,
        seed: int | None = None,
        share=None,
        watch: Path | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.rng = random.Random(seed)
        self.seed = seed
        self.start_ritual = start_ritual
        self.extra_paths = extra_paths
        self.share = share
        """`nearer host` / `nearer join`: a HostPlan or JoinPlan, whose screen opens instead of home."""
        self.watch = watch
        """A ritual file to reload on save (`nearer run --watch`): only its ritual screen does."""
        self.settings, self._settings_notice = load_settings()
        self.journal = None
        self.journal_problem: str | None = None
        self.library = None
        self.theme_problems: list[str] = []
        self._theme_before_preview: str | None = None
        """The theme to go back to while the theme picker previews others."""
        self._load_themes()
        self._apply_look_settings()

    # -- startup --------------------------------------------------------------------------

    def _load_themes(self) -> None:
        """Register the chosen theme now and the others just after the first paint: reading
        and checking every theme file costs a few milliseconds nobody needs to wait for."""
        from nearer.themes import builtin_theme_dirs, load_theme_named

        wanted = self.settings.theme or DEFAULT_THEME
        theme = load_theme_named(wanted, builtin_theme_dirs())
        if theme is not None:
            self.register_theme(theme)
            self._use_theme(wanted)
            self._other_themes_later = True
            return
        self._other_themes_later = False
        self._load_all_themes()

    def _load_all_themes(self) -> list[str]:
        """Register every theme; returns the sentences for broken theme files."""
        from nearer.themes import builtin_theme_dirs, load_themes

        themes, problems = load_themes(builtin_theme_dirs())
        for theme in themes:
            self.register_theme(theme)
        self.theme_problems = problems
        wanted = self.settings.theme
        if wanted in self.available_themes:
            if self.theme != wanted:
                self._use_theme(wanted)
        else:
            if wanted and wanted != DEFAULT_THEME:
                self.theme_problems.append(
                    f'The theme "{wanted}" was not found, so nearer is using its own.'
                )
            if DEFAULT_THEME in self.available_themes:
                self._use_theme(DEFAULT_THEME)
        return self.theme_problems

    def _register_other_themes(self) -> None:
        if not self._other_themes_later:
            return  # already done (the picker asked for them first)
        self._other_themes_later = False
        for problem in self._load_all_themes():
            self.notify(problem, severity="warning", timeout=12)

    def _use_theme(self, name: str) -> None:
        """Choose the starting theme without a second parse of all CSS.

        Assigning `self.theme` makes Textual reparse every stylesheet once the app runs (~8 ms
        of start-up), but the first parse has not happened yet and will use this theme anyway.
        So set it quietly and do the rest of what Textual's theme watcher does (8.2.8).
        """
        self.set_reactive(NearerApp.theme, name)
        self.stylesheet.set_variables(self.get_css_variables())
        dark = self.current_theme.dark
        self.update_classes(
            {f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark}, update=False
        )
        self._refresh_truecolor_filter(self.ansi_theme)

    def open_journal(self):
        """The journal, opened on first use; None (with a sentence in journal_problem) if it
        cannot be opened, so rituals still run."""
        if self.journal is None and self.journal_problem is None:
            from nearer.journal.store import Journal

            try:
                self.journal = Journal.open()
            except Exception as error:  # noqa: BLE001 - any failure is told, never raised
                self.journal_problem = str(error) or "nearer could not open your journal."
            else:
                if self.journal.notice:  # the files were readable by others and made private
                    self.notify(self.journal.notice, title="Your journal", severity="warning", timeout=15)
        return self.journal

    def load_library(self):
        from nearer.ritual.cache import RitualCache
        from nearer.ritual.library import discover

        # Files unchanged since the last start are not checked again (0.7 ms each otherwise).
        self.library = discover(self.extra_paths, cache=RitualCache.default())
        return self.library

    def get_default_screen(self):
        """The usual start (a couple who have told nearer their names) paints home as the
        first screen, rather than a blank default screen with home pushed over it."""
        if self.share is None and self.settings.named:
            from nearer.tui.screens.home import HomeScreen

            return HomeScreen()
        return super().get_default_screen()

    def on_mount(self) -> None:
        for notice in [self._settings_notice, *self.theme_problems]:
            if notice:
                self.notify(notice, severity="warning", timeout=12)
        if self._other_themes_later:
            self.call_after_refresh(self._register_other_themes)
        if self.share is not None and hasattr(self.share, "host_uid"):
            self._open_share()  # a guest needs no names of its own: the host's are used
            return
        if not self.settings.named:
            from nearer.tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen())
            return
        self.show_home()

    def show_home(self) -> None:
        if self.share is not None:
            self._open_share()
            return
        from nearer.tui.screens.home import HomeScreen

        # Importing the first-run screen costs ~20 ms (it pulls in every step widget), so only
        # look for it when it has been imported: otherwise it cannot be on screen.
        first_run = sys.modules.get("nearer.tui.screens.first_run")
        if isinstance(self.screen, HomeScreen):
            pass  # home is already the first screen (get_default_screen)
        elif first_run is not None and isinstance(self.screen, first_run.FirstRunScreen):
            self.switch_screen(HomeScreen())
        else:
            self.push_screen(HomeScreen())
        if self.start_ritual:
            wanted, self.start_ritual = self.start_ritual, None
            self.call_after_refresh(self.start_ritual_by_id, wanted)

    def _open_share(self) -> None:
        from nearer.tui.screens.shared import HostScreen, JoinScreen

        plan, self.share = self.share, None
        if hasattr(plan, "host_uid"):
            screen = JoinScreen(plan)
        else:
            screen = HostScreen(plan, ritual=plan.ritual, resume_json=plan.resume_json)
        first_run = sys.modules.get("nearer.tui.screens.first_run")
        if first_run is not None and isinstance(self.screen, first_run.FirstRunScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    # -- settings ---------------------------------------------------------------------------

    @property
    def names(self) -> dict[str, str]:
        return {"a": self.settings.partner_a, "b": self.settings.partner_b}

    def save_settings(self, settings: Settings) -> bool:
        self.settings = settings
        try:
            notice = save_settings(settings)
        except OSError as error:
            self.notify(str(error), title="Settings not saved", severity="error", timeout=15)
            return False
        if notice:
            self.notify(notice, severity="warning")
        return True

    def watch_theme(self, theme: str) -> None:
        if self._theme_before_preview is not None:
            return  # a preview in the theme picker: saved only when chosen
        if self.settings.theme != theme and theme in self.available_themes:
            self.save_settings(_replace(self.settings, theme=theme))

    # -- rituals ----------------------------------------------------------------------------

    def start_ritual_by_id(self, ritual_id: str) -> None:
        library = self.library or self.load_library()
        entry = library.get(ritual_id)
        if entry is None:
            self.notify(
                f'There is no ritual called "{ritual_id}". `nearer list` shows the ones there are.',
                severity="error",
                timeout=10,
            )
            return
        self.start_entry(entry)

    def can_start(self, ritual_id: str) -> bool:
        library = self.library or self.load_library()
        entry = library.get(ritual_id)
        return entry is not None and entry.ritual is not None

    def start_break(self) -> None:
        """A proper break, on top of a paused ritual: that ritual's saved place is kept, so the
        break saves none of its own (the journal keeps one place to pick up)."""
        library = self.library or self.load_library()
        entry = library.get(self.BREAK_RITUAL)
        if entry is not None:
            self.start_entry(entry, keep_place=False)

    def start_entry(self, entry, *, keep_place: bool = True) -> None:
        if entry.ritual is None:
            first = entry.first_error or next(iter(entry.diagnostics), None)
            where = entry.path.name
            if first is not None:
                where += f", line {first.line}: {first.message}"
            self.notify(words.ERRORS["broken_ritual"] + where, severity="error", timeout=15)
            return
        ritual = entry.ritual
        first = ritual.roles.first_speaker
        if first in ("a", "b"):
            self._begin(entry, first, keep_place=keep_place)
        elif first == "random":
            self._begin(entry, self.rng.choice(("a", "b")), keep_place=keep_place)
        else:
            from nearer.tui.screens.dialogs import WhoStartsScreen

            def chosen(partner: Partner | None) -> None:
                if partner is not None:
                    self._begin(entry, partner, keep_place=keep_place)

            self.push_screen(WhoStartsScreen(self.names, ritual.title), chosen)

    def _begin(self, entry, first_speaker: Partner, *, keep_place: bool = True) -> None:
        from nearer.session import LocalSession
        from nearer.tui.screens.ritual import RitualScreen

        journal = self.open_journal()
        session = LocalSession(
            entry.ritual,
            entry.path,
            journal,
            self.names,
            ritual_hash=getattr(entry, "content_hash", ""),
            clock=self.clock,
            keep_place=keep_place,
        )
        session.start(first_speaker, seed=self.rng.getrandbits(32))
        self._warn_storage(session)
        watch = self.watch if self.watch is not None and entry.path == self.watch else None
        self.push_screen(RitualScreen(session, watch=watch))

    def resume_snapshot(self) -> None:
        from nearer.session import LocalSession
        from nearer.tui.screens.ritual import RitualScreen

        journal = self.open_journal()
        snapshot = journal.load_snapshot() if journal else None
        if snapshot is None:
            return
        library = self.library or self.load_library()
        entry = library.get(snapshot.ritual_id)
        if entry is None or entry.ritual is None:
            self.notify(
                "The ritual you left is no longer available, so it cannot be resumed.",
                severity="warning",
            )
            journal.clear_snapshot()
            return
        try:
            session = LocalSession.resume(
                entry.ritual, entry.path, journal, snapshot.state_json, clock=self.clock
            )
        except (ValueError, KeyError) as error:
            journal.clear_snapshot()
            self.notify(str(error), severity="warning", timeout=10)
            self.start_entry(entry)
            return
        self.push_screen(RitualScreen(session))

    def _warn_storage(self, session) -> None:
        problem = self.journal_problem or session.warning
        if problem:
            self.notify(problem, title="Your journal", severity="warning", timeout=12)
            session.warning = None

    # -- the unexpected -----------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """A bug must not greet a couple with a traceback: keep the details in a file for a bug
        report and say, in one sentence, that nothing saved is lost. (Overrides Textual's
        private hook; run_test still re-raises the exception, so tests see it.)"""
        from rich.text import Text

        where = _write_crash_report(self._exception)
        self.bell()
        self._exit_renderables.append(
            Text(
                "nearer stopped because of a problem it did not expect. Nothing you saved is "
                "lost: start nearer again to pick up where you were."
                + (f"\nDetails for a bug report: {where}" if where else "")
            )
        )
        self._close_messages_no_wait()

    # -- look and keys ------------------------------------------------------------------------

    def _apply_look_settings(self) -> None:
        """Reduced motion and remapped keys from settings; a key nearer cannot use is told in
        the settings notice and left at its default, never fatal."""
        if self.settings.reduced_motion:
            self.animation_level = "none"
        if not self.settings.keys:
            return
        keymap, problems = _checked_keymap(self.settings.keys)
        self.set_keymap(keymap)
        if problems:
            from rich.markup import escape  # the keys are the user's words; notices use markup

            notice = "In the keys of your settings.toml: " + escape(" ".join(problems))
            self._settings_notice = " ".join(filter(None, [self._settings_notice, notice]))

    def search_themes(self) -> None:
        """The theme picker: Textual's "Theme" command and ours open it. Moving through the list
        shows each theme at once; enter keeps it (saved in settings), escape goes back."""
        from textual.command import CommandPalette

        from nearer.tui.commands import ThemePicker

        self._register_other_themes()

        self._theme_before_preview = self.theme
        self.push_screen(
            CommandPalette(providers=[ThemePicker], placeholder="Choose a theme: each one shows as you move to it")
        )

    @on(CommandPalette.OptionHighlighted)
    def _preview_theme(self, message: CommandPalette.OptionHighlighted) -> None:
        if self._theme_before_preview is None:
            return
        name = getattr(getattr(message.highlighted_event.option, "hit", None), "text", None)
        if name in self.available_themes and name != self.theme:
            self.theme = name

    @on(CommandPalette.Closed)
    def _end_preview(self, message: CommandPalette.Closed) -> None:
        before, self._theme_before_preview = self._theme_before_preview, None
        if before is not None and not message.option_selected and before in self.available_themes:
            self.theme = before

    def choose_theme(self, name: str) -> None:
        """Use the theme `name` from now on, and remember it in settings."""
        self._theme_before_preview = None
        self.theme = name
        if self.settings.theme != name:
            self.save_settings(_replace(self.settings, theme=name))

    def toggle_reduced_motion(self) -> None:
        """Reduced motion on or off: the breathing pacer shows words instead of a moving bar,
        and Textual's own animations stop. Saved in settings; the current step follows."""
        from nearer.tui.steps.base import StepWidget

        reduced = not self.settings.reduced_motion
        self.animation_level = "none" if reduced else "full"
        for widget in self.screen.query(StepWidget):
            widget.reduced_motion = reduced
        if self.save_settings(_replace(self.settings, reduced_motion=reduced)):
            self.notify("Reduced motion is on." if reduced else "Reduced motion is off.", timeout=3)

    # -- actions ----------------------------------------------------------------------------

    def action_help(self) -> None:
        from nearer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        text = getattr(self.screen, "HELP", None) or words.HELP_HOME
        self.push_screen(HelpScreen(text))

    def action_journal(self) -> None:
        from nearer.tui.screens.journal import JournalScreen

        if not isinstance(self.screen, JournalScreen):
            self.push_screen(JournalScreen())


def _write_crash_report(error: BaseException | None) -> str | None:
    import traceback

    from nearer import paths
    from nearer.fsutil import ensure_private_dir, write_atomic

    try:
        folder = paths.data_dir()
        ensure_private_dir(folder)
        report = folder / "crash.log"
        details = "".join(traceback.format_exception(error)) if error else "no details"
        write_atomic(report, details.encode())
        return str(report)
    except OSError:
        return None


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _checked_keymap(keys: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keys from settings that nearer can use, and a sentence for each it cannot."""
    known = _binding_ids()
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in keys.items():
        if binding_id not in known:
            import difflib

            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            guess = f' Did you mean "{close[0]}"?' if close else ""
            problems.append(f'"{binding_id}" is not a key nearer has.{guess}')
            continue
        bad = [key for key in value.split(",") if not _is_key(key.strip())]
        if bad:
            problems.append(
                f'"{bad[0].strip()}" for {binding_id} is not a key name (such as "f5", "ctrl+t" '
                'or "p"), so it keeps its usual key.'
            )
            continue
        keymap[binding_id] = ",".join(key.strip() for key in value.split(","))
    return keymap, problems


def _is_key(key: str) -> bool:
    import string
    import unicodedata

    from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys

    *modifiers, base = key.lower().split("+")
    if not base or any(modifier not in _MODIFIERS for modifier in modifiers):
        return False
    if len(base) == 1 and base.isprintable():
        return True
    names = {member.value.rsplit("+", 1)[-1] for member in Keys}
    names |= {"enter", "space", "tab", "backspace", *KEY_TO_UNICODE_NAME}
    # Punctuation by name, as Textual names it: "question_mark", "slash", "minus".
    for character in string.punctuation:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
        names.add(KEY_NAME_REPLACEMENTS.get(name, name))
    return base in names


def _binding_ids() -> set[str]:
    """Every binding id in nearer's screens, read from their source so that checking a
    keymap imports none of them (most are loaded only when first shown)."""
    import re

    ids: set[str] = set()
    for path in Path(__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for binding in re.findall(r"Binding\((.*?)\)", text, re.S):
            ids.update(re.findall(r'\bid="([a-z0-9_-]+)"', binding))
    return ids


def _replace(settings: Settings, **changes) -> Settings:
    from msgspec.structs import replace

    return replace(settings, **changes)
