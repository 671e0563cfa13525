"""The command palette (ctrl+p): start any ritual, open a screen, switch theme."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


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
        for name in sorted(app.available_themes):
            if name.startswith("nearer-"):
                commands.append((f"Theme: {name}", partial(setattr, app, "theme", name), "Change how nearer looks"))
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
