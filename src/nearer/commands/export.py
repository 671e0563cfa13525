"""`nearer export`: the journal as Markdown or JSON, on the terminal or into a private file."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

from nearer import paths

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def run_export(args: argparse.Namespace) -> int:
    since: dt.date | None = None
    if args.since is not None:
        since = _parse_date(args.since)
        if since is None:
            _say(
                f"'{args.since}' is not a date nearer understands; "
                "write it as YYYY-MM-DD, for example 2026-11-27."
            )
            return 2

    from nearer.fsutil import StorageError, write_atomic
    from nearer.journal.export import render_json, render_markdown
    from nearer.journal.store import Journal, JournalError

    sessions, entries, plans = [], [], {}
    journal_file = paths.journal_path()
    if journal_file.exists():  # exporting never creates a journal
        try:
            with Journal.open(journal_file) as journal:
                if journal.notice:
                    _say(journal.notice)
                start = dt.datetime.combine(since, dt.time()).timestamp() if since else None
                markdown = args.output == "md"
                sessions = journal.sessions_since(start, with_entries=not markdown)
                entries = journal.entry_texts_since(start) if markdown else []
                plans = journal.plans_for([s.id for s in sessions])
        except (JournalError, StorageError) as exc:
            _say(str(exc))
            return 1

    if not sessions:
        if since:
            _say(f"There are no sessions in your journal since {since.isoformat()}.")
        else:
            _say("Your journal is empty so far, so there is nothing to export yet.")
        if args.output == "md":
            return 0  # JSON still prints an empty document, so scripts reading it keep working

    if args.output == "md":
        text = render_markdown(sessions, entries, plans, exported=time.time(), since=since)
    else:
        text = render_json(sessions, plans, exported=time.time(), since=since)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out).expanduser()
    try:
        write_atomic(out, text.encode("utf-8"), doing=f"write the export to {out}")
    except StorageError as exc:
        _say(str(exc))
        return 1
    count = f"{len(sessions)} session{'' if len(sessions) == 1 else 's'}"
    private = " (only you can read it)" if os.name == "posix" else ""
    _say(f"Exported {count} to {out}{private}.")
    return 0


def _parse_date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _say(sentence: str) -> None:
    print(sentence, file=sys.stderr)
