"""The command palette (ctrl+p): start any ritual, open a screen, choose a theme, reduced motion.

`ThemePicker` feeds the theme picker (`NearerApp.search_themes`), which previews each theme as
it is highlighted: the current theme comes first, so opening the picker changes nothing.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.theme import BUILTIN_THEMES


class NearerCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        commands: list[tuple[str, object, str]] = [
            ("Open the journal", app.action_journal, "Everything you have saved, newest first"),
            ("Help", app.action_help, "Keys and a few words about this screen"),
        ]
        library = getattr(app, "library", None)
        if library is not None and hasattr(app, "start_entry"):
            for entry in library.entries:
                if entry.ritual is not None:
                    commands.append(
                        (f"Start: {entry.ritual.title}", partial(app.start_entry, entry), entry.ritual.summary)
                    )
        if hasattr(app, "choose_theme"):
            commands.append(
                ("Choose a theme", app.search_themes, "See each theme as you move through the list")
            )
        if hasattr(app, "toggle_reduced_motion"):
            on = app.settings.reduced_motion
            commands.append(
                (
                    f"Reduced motion: turn {'off' if on else 'on'}",
                    app.toggle_reduced_motion,
                    "Words instead of a moving breathing bar, and no animations",
                )
            )
        return commands

    async def discover(self) -> Hits:
        for title, action, help_text in self._commands():
            yield DiscoveryHit(title, action, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), action, help=help_text)


class ThemePicker(Provider):
    """nearer's themes (built-in and your own from the themes folder), the current one first."""

    def _themes(self) -> list[str]:
        app = self.app
        names = sorted(name for name in app.available_themes if name not in BUILTIN_THEMES)
        current = app.theme
        return sorted(names, key=lambda name: name != current)

    def _help(self, name: str) -> str:
        return "the theme you have now" if name == self.app.theme else ""

    async def discover(self) -> Hits:
        for name in self._themes():
            yield DiscoveryHit(name, partial(self.app.choose_theme, name), text=name, help=self._help(name))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in self._themes():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self.app.choose_theme, name), text=name, help=self._help(name))
