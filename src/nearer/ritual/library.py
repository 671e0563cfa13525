"""Finding rituals: the built-ins, then the user's own, then any named on the command line.

Every file found becomes an entry, broken or not: a broken ritual is listed with its problems (the
home screen shows it with its first error) instead of raising. A user ritual with a built-in's id
shadows the built-in and takes its place in the list, and says so — even when the user's copy is
broken, because it is the one being edited. Paths named on the command line shadow both.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

from nearer.ritual.check import check_file
from nearer.ritual.load import Diagnostic, default_search_dirs, display_path
from nearer.ritual.model import Ritual

if TYPE_CHECKING:
    from nearer.ritual.cache import RitualCache

Origin = Literal["builtin", "user", "path"]


class RitualEntry(msgspec.Struct, kw_only=True):
    """One ritual file and what came of reading it."""

    id: str
    path: Path
    source: Origin
    ritual: Ritual | None
    diagnostics: list[Diagnostic] = msgspec.field(default_factory=list)
    shadows_builtin: bool = False

    @property
    def ok(self) -> bool:
        """Whether it can be played: it loaded and has no errors (warnings are fine)."""
        return self.ritual is not None

    @property
    def first_error(self) -> Diagnostic | None:
        return next((d for d in self.diagnostics if d.is_error), None)


class Library(msgspec.Struct):
    """The rituals nearer can offer, one entry per id, built-ins first."""

    entries: list[RitualEntry] = msgspec.field(default_factory=list)

    def __iter__(self) -> Iterator[RitualEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, ritual_id: str) -> RitualEntry | None:
        return next((entry for entry in self.entries if entry.id == ritual_id), None)

    @property
    def broken(self) -> list[RitualEntry]:
        return [entry for entry in self.entries if not entry.ok]


def discover(
    extra_paths: Iterable[str | os.PathLike[str]] = (), *, cache: RitualCache | None = None
) -> Library:
    """Every ritual nearer can find. `extra_paths` are files or folders (their top-level
    `*.toml`); a path that does not exist is simply not there — `nearer list` checks first.
    With a `cache` (the app's), a ritual file unchanged since the last run is not checked again."""
    search_dirs = default_search_dirs()
    builtin_dir, user_dir = search_dirs
    library = Library()
    found: list[tuple[Path, Origin]] = []
    found += [(path, "builtin") for path in _toml_files(builtin_dir)]
    found += [(path, "user") for path in _toml_files(user_dir)]
    for extra in extra_paths:
        path = Path(extra)
        files = _toml_files(path) if path.is_dir() else [path]
        found += [(file, "path") for file in files]
    position: dict[str, int] = {}
    for path, origin in found:
        display = os.fspath(path) if origin == "path" else display_path(path)
        check = cache.check if cache is not None else check_file
        ritual, diagnostics = check(path, search_dirs=search_dirs, display=display)
        entry = RitualEntry(
            id=ritual.id if ritual is not None else _id_of(path),
            path=path,
            source=origin,
            ritual=ritual,
            diagnostics=diagnostics,
        )
        earlier = position.get(entry.id)
        if earlier is None:
            position[entry.id] = len(library.entries)
            library.entries.append(entry)
            continue
        replaced = library.entries[earlier]
        if replaced.source == "builtin" and origin == "builtin":
            continue  # two built-ins cannot share an id (the file stem); keep the first
        entry.shadows_builtin = replaced.source == "builtin" or replaced.shadows_builtin
        library.entries[earlier] = entry
    if cache is not None:
        cache.save()
    return library


def _toml_files(folder: Path) -> list[Path]:
    """Top-level `*.toml` only: `decks/` beside them holds deck files, not rituals."""
    try:
        return sorted(path for path in folder.glob("*.toml") if path.is_file())
    except OSError:
        return []


def _id_of(path: Path) -> str:
    """A broken ritual's id: the file's stem, which a sound ritual's id must equal anyway."""
    return path.stem
