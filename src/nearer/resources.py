"""Where the built-in rituals and themes live, in a wheel and in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # A wheel carries the folders inside the package (pyproject force-include);
    # a source checkout or an editable install keeps them at the repository root.
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / name


def builtin_rituals_dir() -> Path:
    return _data_dir("rituals")


def builtin_themes_dir() -> Path:
    return _data_dir("themes")
