"""`nearer list`: the rituals nearer can find, as a table or as JSON; broken ones say why."""

from __future__ import annotations

import argparse
import os
import sys

_SOURCE_WORDS = {"builtin": "built-in", "user": "yours", "path": "given path"}


def run_list(args: argparse.Namespace) -> int:
    from nearer.ritual.library import discover

    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing:
        for path in missing:
            print(f'nearer list: there is no file or folder at "{path}".', file=sys.stderr)
        return 2
    library = discover(args.paths)
    if args.json:
        import msgspec

        rows = []
        for entry in library:
            ritual = entry.ritual
            first = entry.first_error
            rows.append(
                {
                    "id": entry.id,
                    "title": ritual.title if ritual else None,
                    "practice": ritual.practice if ritual else None,
                    "summary": ritual.summary if ritual else None,
                    "duration_min": ritual.duration_min if ritual else None,
                    "path": os.fspath(entry.path),
                    "source": entry.source,
                    "shadows_builtin": entry.shadows_builtin,
                    "ok": entry.ok,
                    "problem": first.format().splitlines()[0] if first else None,
                }
            )
        sys.stdout.write(msgspec.json.format(msgspec.json.encode(rows)).decode() + "\n")
        return 0

    if not library.entries:
        print("No rituals found.")
        return 0
    table = [("ID", "PRACTICE", "TIME", "TITLE", "SOURCE")]
    for entry in library:
        source = _SOURCE_WORDS[entry.source]
        if entry.shadows_builtin:
            source += ", replaces built-in"
        ritual = entry.ritual
        if ritual is None:
            first = entry.first_error
            where = "see nearer check"
            if first is not None:
                elsewhere = os.path.basename(first.path) != entry.path.name
                place = f" in {first.path}" if elsewhere else ""
                where = f"{first.code}{place}, line {first.line}"
            table.append((entry.id, "-", "-", f"BROKEN ({where})", source))
        else:
            table.append(
                (ritual.id, ritual.practice, f"{ritual.duration_min} min", ritual.title, source)
            )
    widths = [max(len(row[column]) for row in table) for column in range(len(table[0]) - 1)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        print("  ".join(cells).rstrip())
    broken = len(library.broken)
    if broken:
        noun = "ritual has" if broken == 1 else "rituals have"
        print(f"\n{broken} {noun} problems; run `nearer check` to see them.")
    return 0
