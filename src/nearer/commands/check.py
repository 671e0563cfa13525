"""`nearer check PATH...`: check ritual files and say precisely what is wrong, gcc style.

Prints `path:line: error CODE sentence` for each problem (a hint, if any, indented underneath)
and a summary line. Exit status: 0 clean, 1 errors (or warnings with `--strict`), 2 when a path
given does not exist. `--format json` prints a JSON list of the diagnostics instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def run_check(args: argparse.Namespace) -> int:
    from nearer.ritual.check import check_file, ritual_files
    from nearer.ritual.load import Diagnostic, display_path

    if args.explain:
        return _explain(args.explain)
    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing:
        for path in missing:
            print(f'nearer check: there is no file or folder at "{path}".', file=sys.stderr)
        return 2

    files: list[tuple[Path, str]] = []
    if args.paths:
        for given in args.paths:
            path = Path(given)
            if path.is_dir():
                files += [(file, os.fspath(file)) for file in ritual_files(path)]
            else:
                files.append((path, given))
    else:
        files = [(file, display_path(file)) for file in _default_files()]

    seen: set[Diagnostic] = set()
    diagnostics: list[Diagnostic] = []
    for path, display in files:
        found = check_file(path, display=display)[1]
        order = {name: number for number, name in enumerate(dict.fromkeys(d.path for d in found))}
        for diagnostic in sorted(found, key=lambda d: (order[d.path], d.line)):
            # A deck file imported by several rituals is reported once.
            if diagnostic not in seen:
                seen.add(diagnostic)
                diagnostics.append(diagnostic)

    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    if args.output == "json":
        import msgspec

        sys.stdout.write(msgspec.json.format(msgspec.json.encode(diagnostics)).decode() + "\n")
    else:
        lines = [d.format() for d in diagnostics]
        lines.append(_summary(len(files), errors, warnings))
        sys.stdout.write("\n".join(lines) + "\n")
    failed = errors > 0 or (args.strict and warnings > 0)
    return 1 if failed else 0


def _default_files() -> list[Path]:
    """The user's rituals, then the built-ins (with their deck files)."""
    from nearer.paths import user_rituals_dir
    from nearer.resources import builtin_rituals_dir
    from nearer.ritual.check import ritual_files

    files: list[Path] = []
    for folder in (user_rituals_dir(), builtin_rituals_dir()):
        if folder.is_dir():
            files += ritual_files(folder)
    return files


def _summary(files: int, errors: int, warnings: int) -> str:
    def count(number: int, noun: str) -> str:
        return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

    checked = f"Checked {count(files, 'file')}"
    if not files:
        return "No ritual files found to check."
    if not errors and not warnings:
        return f"{checked}: no problems found."
    return f"{checked}: {count(errors, 'error')}, {count(warnings, 'warning')}."


def _explain(code: str) -> int:
    from nearer.ritual.check import EXPLAIN

    wanted = code.strip().upper()
    if wanted not in EXPLAIN:
        codes = ", ".join(sorted(EXPLAIN))
        print(f'nearer check: there is no check called "{code}". The codes are: {codes}.', file=sys.stderr)
        return 2
    print(f"{wanted}\n\n{EXPLAIN[wanted]}")
    return 0
