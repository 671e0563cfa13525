"""Your settings: partner names, theme, motion and break length, kept in settings.toml.

The file is plain TOML you may edit. A file nearer cannot read is never thrown away: it is set
aside as `settings.toml.broken-<time>` and the app says so in one sentence, keeping every value
from it that still made sense.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from nearer import paths
from nearer.fsutil import StorageError, ensure_private_dir, ensure_private_file, write_atomic

BREAK_MIN = 20
BREAK_MAX = 240


class Settings(msgspec.Struct, kw_only=True):
    """What nearer remembers between runs."""

    partner_a: str = ""
    partner_b: str = ""
    theme: str = "nearer-dusk"
    reduced_motion: bool = False
    # Research on flooding says a break needs at least 20 minutes to calm the body.
    break_minutes: Annotated[int, msgspec.Meta(ge=BREAK_MIN, le=BREAK_MAX)] = BREAK_MIN
    seen_intro: bool = False
    keys: dict[str, str] = {}
    """Binding id -> key, for remapping keys."""
    photo_folder: str = ""
    """The folder the photo step last showed; empty until one is chosen."""
    photo_render: Literal["auto", "kitty", "sixel", "halfblock", "off"] = "auto"
    """How photos are drawn: as the terminal allows (auto), one way always, or not at all."""

    @property
    def named(self) -> bool:
        """True once both partners have a name."""
        return bool(self.partner_a.strip() and self.partner_b.strip())


_EXPECTED = {
    "partner_a": "a name in quotes",
    "partner_b": "a name in quotes",
    "theme": "a theme name in quotes",
    "reduced_motion": "true or false",
    "break_minutes": f"a whole number of minutes from {BREAK_MIN} to {BREAK_MAX}",
    "seen_intro": "true or false",
    "keys": "a table of binding names and keys, all in quotes",
    "photo_folder": "a folder path in quotes",
    "photo_render": '"auto", "kitty", "sixel", "halfblock" or "off"',
}

_HEADER = b"# nearer settings. You may edit this file while nearer is closed.\n\n"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Read settings; the str is a sentence for the screen when the file had to be repaired."""
    path = path or paths.settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        return Settings(), (
            f"nearer could not read your settings at {path} ({reason}), "
            "so it is using default settings for now."
        )
    privacy = ensure_private_file(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        what = f"Your settings file could not be read ({_toml_reason(exc)})"
        return Settings(), _join(privacy, _set_aside(path, Settings(), what, "default settings"))
    try:
        return msgspec.convert(data, Settings), privacy
    except msgspec.ValidationError:
        pass
    settings, bad = _salvage(data)
    problems = "; ".join(f"{key} should be {_EXPECTED[key]}" for key in bad)
    what = f"Some of your settings could not be used ({problems})"
    return settings, _join(privacy, _set_aside(path, settings, what, "the default for those"))


def save_settings(settings: Settings, path: Path | None = None) -> str | None:
    """Write settings atomically (0600). Returns a notice if the folder's mode had to be repaired.

    Raises StorageError with a sentence when the disk is full, read-only or not ours.
    """
    path = path or paths.settings_path()
    notice = ensure_private_dir(path.parent)
    write_atomic(path, _encode(settings), doing="save your settings")
    return notice


def _encode(settings: Settings) -> bytes:
    import tomli_w

    return _HEADER + tomli_w.dumps(msgspec.to_builtins(settings)).encode("utf-8")


def _salvage(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Keep each value that is valid on its own; name the ones that are not."""
    good: dict[str, Any] = {}
    bad: list[str] = []
    for key, value in data.items():
        if key not in _EXPECTED:
            continue
        try:
            msgspec.convert({key: value}, Settings)
        except msgspec.ValidationError:
            bad.append(key)
        else:
            good[key] = value
    return msgspec.convert(good, Settings), bad


def _set_aside(path: Path, replacement: Settings, what: str, used: str) -> str:
    """Move the unreadable file to a backup, write `replacement`, and say what happened."""
    stem = f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}"
    backup = path.with_name(stem)
    counter = 1
    while backup.exists():
        counter += 1
        backup = path.with_name(f"{stem}-{counter}")
    try:
        path.replace(backup)
        write_atomic(path, _encode(replacement), doing="save your settings")
    except StorageError as exc:
        return f"{what}, so nearer is using {used} for now. {exc}"
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        return (
            f"{what}, so nearer is using {used} for now; it could not set the file aside "
            f"({reason})."
        )
    return f"{what}, so nearer is using {used}. Your old file is kept as {backup.name}."


def _toml_reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    message = str(exc).replace("(", "").replace(")", "")
    return message[:1].lower() + message[1:]


def _join(*notices: str | None) -> str | None:
    present = [notice for notice in notices if notice]
    return " ".join(present) or None
