"""Checked rituals remembered between runs, so the home screen need not re-read every file.

Reading and checking a ritual file costs about 0.7 ms (tomllib is most of it); with 500 rituals
of your own that is a third of a second before the home screen can paint. Here a sound ritual is
remembered with the modification time and size of everything its check depended on: its own
file, every place each import could be found (a deck file appearing in your folder extends a
built-in deck), and each photo folder it names. When all of those are unchanged, the remembered
ritual and warnings are used as they are; otherwise the file is checked again. A ritual with
errors is always checked again (there are few, and their messages must be fresh).

The cache also remembers which nearer made it (its version and the times of the format's own
modules), so a change to the checks throws it away. It is a cache: a file that cannot be read or
written is ignored, and nothing is lost without it. `nearer check` and `nearer list` never use it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import msgspec

from nearer.ritual.load import Diagnostic
from nearer.ritual.model import PhotoStep, Ritual

Stamp = tuple[str, int, int]


class _Entry(msgspec.Struct, array_like=True):
    display: str
    stamps: list[Stamp]
    ritual: Ritual
    diagnostics: list[Diagnostic]


class _CacheFile(msgspec.Struct):
    made_by: str
    entries: dict[str, _Entry] = {}


class RitualCache:
    """`check(path, ...)` like `check_file`, remembering sound rituals in `path` between runs;
    `save()` writes what changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._made_by = _made_by()
        self._entries: dict[str, _Entry] | None = None
        self._seen: set[str] = set()
        self._dirty = False

    @classmethod
    def default(cls) -> RitualCache:
        from nearer.paths import data_dir

        return cls(data_dir() / "cache" / "rituals.msgpack")

    def check(
        self, path: Path, *, search_dirs: Sequence[Path], display: str
    ) -> tuple[Ritual | None, list[Diagnostic]]:
        from nearer.ritual.check import check_file

        entries = self._load()
        key = os.fspath(path)
        self._seen.add(key)
        entry = entries.get(key)
        if entry is not None and entry.display == display and _fresh(entry.stamps):
            return entry.ritual, entry.diagnostics
        ritual, diagnostics = check_file(path, search_dirs=search_dirs, display=display)
        if ritual is not None:
            stamps = _stamps(_depends_on(path, ritual, search_dirs))
            entries[key] = _Entry(display, stamps, ritual, diagnostics)
            self._dirty = True
        elif entries.pop(key, None) is not None:
            self._dirty = True
        return ritual, diagnostics

    def save(self) -> None:
        """Write the cache if anything changed, forgetting files that were not asked about."""
        entries = self._load()
        for key in [key for key in entries if key not in self._seen]:
            del entries[key]
            self._dirty = True
        if not self._dirty:
            return
        from nearer.fsutil import StorageError, ensure_private_dir, write_atomic

        data = msgspec.msgpack.encode(_CacheFile(self._made_by, entries))
        try:
            ensure_private_dir(self.path.parent.parent)
            ensure_private_dir(self.path.parent)
            write_atomic(self.path, data, doing="remember your rituals")
        except (StorageError, OSError):
            return  # only a cache: the next start checks the files again
        self._dirty = False

    def _load(self) -> dict[str, _Entry]:
        if self._entries is None:
            self._entries = {}
            try:
                cached = msgspec.msgpack.decode(self.path.read_bytes(), type=_CacheFile)
            except (OSError, msgspec.DecodeError, msgspec.ValidationError):
                return self._entries
            if cached.made_by == self._made_by:
                self._entries = cached.entries
        return self._entries


def _depends_on(path: Path, ritual: Ritual, search_dirs: Sequence[Path]) -> list[Path]:
    """Every path whose presence or contents could change what checking `path` says."""
    found = [path]
    dirs = [*search_dirs, path.parent]
    for name in ritual.imports:
        found += [folder / name for folder in dirs]
    for step in ritual.step:
        if isinstance(step, PhotoStep) and step.folder:
            folder = Path(step.folder).expanduser()
            found.append(folder if folder.is_absolute() else path.parent / folder)
    return found


def _stamps(paths: list[Path]) -> list[Stamp]:
    stamps = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamps.append((os.fspath(path), 0, 0))
        else:
            stamps.append((os.fspath(path), info.st_mtime_ns, info.st_size))
    return stamps


def _fresh(stamps: list[Stamp]) -> bool:
    return _stamps([Path(path) for path, _, _ in stamps]) == [tuple(s) for s in stamps]


def _made_by() -> str:
    """Which nearer's checks made the cache: its version and when the format's modules changed."""
    from nearer import __version__

    here = Path(__file__).parent
    times = []
    for name in ("model.py", "load.py", "check.py", "cache.py"):
        try:
            times.append(str((here / name).stat().st_mtime_ns))
        except OSError:
            times.append("0")
    return ":".join([__version__, *times])
