"""`nearer export`: the journal as Markdown or JSON, on the terminal, into a file, or one file per
session in a folder; private entries only for the partner named with `--as`. `--for-therapy`
gathers your reflections and agreements of the last weeks into one file for a first session."""

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

    from nearer.settings import load_settings

    settings, _ = load_settings()
    names = {"a": settings.partner_a or "Partner A", "b": settings.partner_b or "Partner B"}
    viewer = None
    if getattr(args, "reader", None):
        viewer = _partner(args.reader, names)
        if viewer is None:
            _say(
                f"'{args.reader}' is not one of you; write --as a ({names['a']}) "
                f"or --as b ({names['b']})."
            )
            return 2
    ritual_id = getattr(args, "ritual", None)
    if getattr(args, "for_therapy", False):
        return _for_therapy(args, since, names, viewer)

    from nearer.fsutil import StorageError, ensure_private_dir, write_atomic
    from nearer.journal.export import (
        markdown_bodies,
        render_json,
        render_markdown,
        render_session_markdown,
    )
    from nearer.journal.store import Journal, JournalError

    markdown = args.output == "md"
    sessions, bodies, plans, left_out = [], {}, {}, {}
    journal_file = paths.journal_path()
    if journal_file.exists():  # exporting never creates a journal
        try:
            with Journal.open(journal_file) as journal:
                if journal.notice:
                    _say(journal.notice)
                start = dt.datetime.combine(since, dt.time()).timestamp() if since else None
                scope = {"ritual_id": ritual_id, "viewer": viewer}
                sessions = journal.sessions_since(start, with_entries=not markdown, **scope)
                if markdown:
                    bodies = markdown_bodies(journal, start, **scope)
                plans = journal.plans_for([s.id for s in sessions])
                left_out = journal.left_out(start, **scope)
        except (JournalError, StorageError) as exc:
            _say(str(exc))
            return 1

    if not sessions:
        of = f" of {ritual_id}" if ritual_id else ""
        if since:
            _say(f"There are no sessions{of} in your journal since {since.isoformat()}.")
        elif ritual_id:
            _say(f"There are no sessions of {ritual_id} in your journal yet.")
        else:
            _say("Your journal is empty so far, so there is nothing to export yet.")
        if markdown or args.out is not None:
            return 0  # JSON on the terminal still prints an empty document, for scripts

    out = Path(args.out).expanduser() if args.out is not None else None
    if out is not None and (out.is_dir() or args.out.endswith(("/", os.sep))):
        try:
            ensure_private_dir(out)
            written = 0
            for session in sessions:
                if markdown:
                    data = render_session_markdown(
                        session, bodies.get(session.id, b""), plans.get(session.id, [])
                    )
                else:
                    data = render_json([session], plans, exported=time.time(), since=since).encode()
                target = out / _file_name(session, "md" if markdown else "json")
                write_atomic(target, data, doing=f"write the export to {target}")
                written += 1
        except StorageError as exc:
            _say(str(exc))
            return 1
        _say(f"Exported {_count(written)} to {out}, one file each{_only_you()}.")
        _say_left_out(left_out, names, viewer)
        return 0

    if markdown:
        data = render_markdown(sessions, bodies, plans, exported=time.time(), since=since)
    else:
        data = render_json(sessions, plans, exported=time.time(), since=since).encode()
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        _say_left_out(left_out, names, viewer)
        return 0
    try:
        write_atomic(out, data, doing=f"write the export to {out}")
    except StorageError as exc:
        _say(str(exc))
        return 1
    _say(f"Exported {_count(len(sessions))} to {out}{_only_you()}.")
    _say_left_out(left_out, names, viewer)
    return 0


def _for_therapy(args: argparse.Namespace, since: dt.date | None, names: dict[str, str], viewer: str | None) -> int:
    """One Markdown file to bring to a first session: the shared reflections and agreements of
    the last `--weeks` (or since `--since`), your own private ones too with `--as`."""
    if args.output != "md" or getattr(args, "ritual", None):
        _say("--for-therapy makes one Markdown file of every ritual; leave out --format and --ritual.")
        return 2
    weeks = args.weeks
    if weeks < 1:
        _say("--weeks counts back from today, so it needs to be 1 or more.")
        return 2
    now = time.time()
    if since is None:
        since = dt.date.fromtimestamp(now) - dt.timedelta(weeks=weeks)
    start = dt.datetime.combine(since, dt.time()).timestamp()

    from nearer.fsutil import StorageError, write_atomic
    from nearer.journal.export import chosen_for_therapy, render_for_therapy
    from nearer.journal.store import Journal, JournalError

    sessions = []
    journal_file = paths.journal_path()
    if journal_file.exists():  # exporting never creates a journal
        try:
            with Journal.open(journal_file) as journal:
                if journal.notice:
                    _say(journal.notice)
                sessions = journal.sessions_since(start, viewer=viewer)
        except (JournalError, StorageError) as exc:
            _say(str(exc))
            return 1
    chosen = chosen_for_therapy(sessions, answers=args.answers)
    if not chosen:
        _say(
            f"There is nothing to gather yet: no shared reflections or agreements since "
            f"{since.isoformat()}. --since YYYY-MM-DD reaches further back."
        )
        return 0
    data = render_for_therapy(chosen, exported=now, since=since, private_of=names[viewer] if viewer else None)
    if args.out == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    out = Path(args.out).expanduser() if args.out else Path(f"nearer-for-therapy-{dt.date.fromtimestamp(now).isoformat()}.md")
    if out.is_dir():
        out = out / f"nearer-for-therapy-{dt.date.fromtimestamp(now).isoformat()}.md"
    try:
        write_atomic(out, data, doing=f"write the export to {out}")
    except StorageError as exc:
        _say(str(exc))
        return 1
    entries = sum(len(session.entries) for session in chosen)
    _say(
        f"Gathered {entries} {'entry' if entries == 1 else 'entries'} from {_count(len(chosen))} "
        f"into {out}{_only_you()}. Read it through together before you share it."
    )
    if viewer is None:
        _say(f"Private reflections are not in it; `--as a` adds {names['a']}'s, `--as b` {names['b']}'s.")
    return 0


def _partner(reader: str, names: dict[str, str]) -> str | None:
    wanted = reader.strip().casefold()
    for partner, name in names.items():
        if wanted in (partner, name.casefold()):
            return partner
    return None


def _say_left_out(left_out: dict[str, int], names: dict[str, str], viewer: str | None) -> None:
    """Say that private entries were left out, whose, and how to include your own."""
    if not left_out:
        return
    parts = [f"{count} of {names[a]}'s" for a, count in sorted(left_out.items()) if a in names]
    total = sum(left_out.values())
    noun = "entry" if total == 1 else "entries"
    if viewer is None:
        _say(
            f"Left out {' and '.join(parts)} private {noun}: private words are for their writer. "
            f"`--as a` includes {names['a']}'s, `--as b` {names['b']}'s."
        )
    else:
        _say(f"Left out {' and '.join(parts)} private {noun}, since they are not yours.")


def _file_name(session, suffix: str) -> str:
    stamp = time.strftime("%Y-%m-%d-%H%M", time.localtime(session.started))
    return f"{stamp}-{session.ritual_id}-{session.id}.{suffix}"


def _count(number: int) -> str:
    return f"{number} session{'' if number == 1 else 's'}"


def _only_you() -> str:
    return " (only you can read it)" if os.name == "posix" else ""


def _parse_date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _say(sentence: str) -> None:
    print(sentence, file=sys.stderr)
