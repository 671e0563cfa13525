"""`nearer upgrade PATH...`: bring ritual and deck files up to the newest format, comments kept.

Format 1 is the only format so far, so today this says there is nothing to do and leaves every
file untouched. When format 2 comes, its migration slots into `MIGRATIONS`: a function that
changes a tomlkit document of format N into format N+1 in place (tomlkit keeps comments, blank
lines and key order, so a person's notes survive) and returns one sentence per change. The result
is checked as a format-`CURRENT` file before anything is written; the file is then replaced
atomically and the original kept beside it as `NAME.toml.format-N`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nearer.ritual.model import FORMAT_VERSION

CURRENT = FORMAT_VERSION

Migration = Callable[[Any], list[str]]
MIGRATIONS: dict[int, Migration] = {}
"""Format N -> the function that turns a format-N tomlkit document into format N+1."""


def run_upgrade(args: argparse.Namespace) -> int:
    from nearer.ritual.check import ritual_files

    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing:
        for path in missing:
            print(f'nearer upgrade: there is no file or folder at "{path}".', file=sys.stderr)
        return 2
    files: list[Path] = []
    for given in args.paths:
        path = Path(given)
        files += ritual_files(path) if path.is_dir() else [path]
    failed = False
    for path in files:
        ok, sentence = upgrade_file(path)
        print(sentence, file=sys.stdout if ok else sys.stderr)
        failed = failed or not ok
    return 1 if failed else 0


def upgrade_file(path: Path) -> tuple[bool, str]:
    """Upgrade one file if it needs it: (whether all went well, a sentence saying what happened)."""
    from nearer.fsutil import StorageError, write_atomic

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False, (
            f"{path}: nearer cannot read this file as TOML, so it cannot upgrade it. "
            f"`nearer check {path}` says what is wrong."
        )
    deck_file = "step" not in data
    # A deck file may leave `format` out; it is then written for format 1.
    version = data.get("format", 1 if deck_file else None)
    if type(version) is not int:
        return False, (
            f"{path}: this file does not say which format it is written in "
            f"(a line `format = {CURRENT}`), so nearer cannot tell what to upgrade."
        )
    if version == CURRENT:
        return True, f"{path}: already format {CURRENT}, the newest there is. Nothing to do."
    if version > CURRENT:
        return False, (
            f"{path}: written for format {version}, newer than this nearer knows "
            f"(format {CURRENT}). A newer nearer reads it."
        )
    steps = [MIGRATIONS.get(number) for number in range(version, CURRENT)]
    if version < 1 or None in steps:
        return False, f"{path}: nearer does not know how to upgrade format {version}."

    import tomlkit  # only when there is something to rewrite

    document = tomlkit.parse(text)
    changes: list[str] = []
    for number, migrate in zip(range(version, CURRENT), steps, strict=True):
        assert migrate is not None
        changes += migrate(document)
        if not deck_file or "format" in document:
            document["format"] = number + 1
    new_text = tomlkit.dumps(document)
    problems = validate(new_text, path, deck_file=deck_file)
    if problems:
        return False, (
            f"{path}: the upgraded file would still have mistakes, so nearer left it as it was:\n"
            + "\n".join(problems)
        )
    backup = path.with_name(f"{path.name}.format-{version}")
    try:
        write_atomic(backup, text.encode("utf-8"), _mode(path), doing="keep a copy of the file")
        write_atomic(path, new_text.encode("utf-8"), _mode(path), doing="save the upgraded file")
    except StorageError as error:
        return False, f"{path}: {error}"
    said = "".join(f"\n  {change}" for change in changes)
    return True, f"{path}: upgraded from format {version} to {CURRENT}; the original is {backup.name}.{said}"


def validate(text: str, path: Path, *, deck_file: bool) -> list[str]:
    """The errors in an upgraded file, as `nearer check` prints them (none: it may be written)."""
    from nearer.ritual.check import check_text
    from nearer.ritual.load import decode_deck_file, parse_source

    if deck_file:
        source, problems = parse_source(str(path), text, text.encode("utf-8"))
        if source is not None:
            problems = decode_deck_file(source)[2]
    else:
        problems = check_text(text, path=path)
    return [d.format() for d in problems if d.is_error]


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o644
