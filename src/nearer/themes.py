"""Themes from TOML files: every colour checked before Textual sees it, every problem one sentence.

An invalid colour passes `Theme()` and `register_theme()` and only crashes the app when the theme
is applied, so each value goes through `Color.parse` first and a broken file is reported and
skipped. In `[variables]`, names ending in `-style` are text styles (such as "bold"); every other
variable is a colour, or Textual's `auto` / `auto 87%` contrast colour.

Textual is imported inside the functions only: `nearer check`, `list` and `export` import this
package's neighbours and must stay free of Textual.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nearer import paths, resources

if TYPE_CHECKING:
    from textual.theme import Theme

COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
_OTHER_KEYS = ("name", "dark", "ansi", "luminosity_spread", "text_alpha", "variables")
_AUTO = re.compile(r"auto( \d+(\.\d+)?%)?")


class _ThemeFileError(Exception):
    """One sentence (without the file name) saying what is wrong with a theme file."""


def builtin_theme_dirs() -> list[Path]:
    """Where themes come from, in order: a user's theme with a built-in's name replaces it."""
    return [resources.builtin_themes_dir(), paths.user_themes_dir()]


def load_themes(dirs: list[Path]) -> tuple[list[Theme], list[str]]:
    """Read every `*.toml` in `dirs`; return the themes and one sentence per broken file.

    Never raises for a bad file. A later directory's theme replaces an earlier one of the same
    name; two files with one name in the same directory keep the first and report the second.
    """
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    for directory in dirs:
        seen_here: dict[str, Path] = {}
        try:
            files = sorted(directory.glob("*.toml"))
        except OSError:
            continue
        for path in files:
            try:
                theme = _load_theme(path)
            except _ThemeFileError as exc:
                errors.append(f"{_display(path)}: {exc}")
                continue
            if theme.name in seen_here:
                errors.append(
                    f"{_display(path)}: the name '{theme.name}' is already used by "
                    f"{seen_here[theme.name].name}, so nearer kept that one."
                )
                continue
            seen_here[theme.name] = path
            themes[theme.name] = theme
    return list(themes.values()), errors


def load_theme_named(name: str, dirs: list[Path]) -> Theme | None:
    """The theme in `<name>.toml` (a later directory first), if that file is sound and really
    holds that theme; None otherwise, and the caller loads every theme to find out why."""
    for directory in reversed(dirs):
        path = directory / f"{name}.toml"
        if path.is_file():
            try:
                theme = _load_theme(path)
            except _ThemeFileError:
                return None
            return theme if theme.name == name else None
    return None


def _load_theme(path: Path) -> Theme:
    from textual.theme import Theme

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise _ThemeFileError(f"nearer could not read this file ({reason})") from exc
    except UnicodeDecodeError as exc:
        raise _ThemeFileError("this file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc).replace("(", "").replace(")", "")
        raise _ThemeFileError(f"this is not valid TOML ({reason[:1].lower()}{reason[1:]})") from exc

    for key in data:
        if key not in COLOUR_KEYS and key not in _OTHER_KEYS:
            raise _ThemeFileError(f"'{key}' is not a theme key{_did_you_mean(key)}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _ThemeFileError("'name' is missing; give the theme a name in quotes")
    if "primary" not in data:
        raise _ThemeFileError("'primary' is missing; every theme needs a primary colour")
    colours = {key: _colour(key, data[key]) for key in COLOUR_KEYS if key in data}
    options: dict[str, Any] = {}
    for key in ("dark", "ansi"):
        if key in data:
            if not isinstance(data[key], bool):
                raise _ThemeFileError(f"'{key}' should be true or false, not {data[key]!r}")
            options[key] = data[key]
    for key in ("luminosity_spread", "text_alpha"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise _ThemeFileError(f"'{key}' should be a number from 0 to 1, not {value!r}")
            options[key] = float(value)
    variables = _variables(data.get("variables", {}))

    theme = Theme(name=name, **colours, **options, variables=variables)
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # a last guard: Textual found something the checks above missed
        raise _ThemeFileError(f"Textual could not use this theme ({exc})") from exc
    return theme


def _colour(key: str, value: object) -> str:
    from textual.color import Color, ColorParseError

    if not isinstance(value, str):
        raise _ThemeFileError(f"'{key}' should be a colour in quotes, not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise _ThemeFileError(f"'{key}' is not a colour: '{value}'") from None
    return value


def _variables(table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        raise _ThemeFileError("[variables] should be a table of names and values in quotes")
    variables: dict[str, str] = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise _ThemeFileError(f"variable '{key}' should be a value in quotes, not {value!r}")
        if not key.endswith("-style") and not _AUTO.fullmatch(value):
            _colour(f"variables.{key}", value)
        variables[key] = value
    return variables


def _did_you_mean(key: str) -> str:
    close = difflib.get_close_matches(key, [*COLOUR_KEYS, *_OTHER_KEYS], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _display(path: Path) -> str:
    """A path as a person would type it: relative to home when it is under it."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)
