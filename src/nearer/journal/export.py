"""The journal as text you own: Markdown that reads well on its own, and JSON with the same data.

Both partners share one journal on one terminal, so an export holds every entry; private ones are
marked "(private, written by NAME)" so whoever reads the file knows whose they are. docs/privacy.md
explains the choice.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from itertools import groupby
from operator import itemgetter
from typing import Any

import msgspec

from nearer.journal.store import EntryText, Plan, SessionRecord

EXPORT_FORMAT = 1
"""Bumped when the JSON shape changes in a way a script reading it would notice."""

_OUTCOMES = {
    "end": "finished",
    "reschedule": "moved to another time",
    "left": "one of you stepped away",
    "abandoned": "not finished",
}
_FALLBACK_NAMES = {"a": "Partner A", "b": "Partner B", "both": "Both of you"}
# English names whatever the locale, to match the rest of the text.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#<>|])")


def render_markdown(
    sessions: list[SessionRecord],
    entries: list[EntryText],
    plans: dict[int, list[Plan]],
    *,
    exported: float,
    since: dt.date | None = None,
) -> str:
    """One document: a heading per session (ritual and date), then who wrote what, to which prompt.

    `sessions` need no entries of their own; `entries` are `Journal.entry_texts_since` rows.
    Names and prompts repeat across thousands of entries, so each distinct "who, answering what"
    line is built once (benchmarks/bench_journal.py measures a 100,000-entry journal).
    """
    count = f"{len(sessions)} session{'' if len(sessions) == 1 else 's'}"
    scope = f" from {_day(since)} on" if since else ""
    out = [
        "# Our nearer journal\n\n",
        f"Exported on {_day(dt.date.fromtimestamp(exported))}: {count}{scope}.\n",
    ]
    by_session = {sid: list(rows) for sid, rows in groupby(entries, key=itemgetter(0))}
    headings: dict[tuple[str, str, int, str, str], str] = {}
    append = out.append
    for session in sessions:
        append(f"\n## {_escape(session.ritual_title)}\n\n")
        append(f"{_when(session.started)} · {_how_it_went(session)}\n")
        for row in by_session.get(session.id, ()):
            key = row[1:6]
            heading = headings.get(key)
            if heading is None:
                heading = headings[key] = _heading(*key)
            append(heading)
            text = row[6]
            append(_quote(text) if "\n" in text or "\r" in text or not text else f"> {text}\n")
        for plan in plans.get(session.id, ()):
            state = "done" if plan.done else "still to do"
            append(f"\nYou planned to come back to this {_escape(plan.when_text)} ({state}).\n")
    return "".join(out)


def _heading(kind: str, author: str, private: int, name: str, prompt: str) -> str:
    shown = _escape(name) or _FALLBACK_NAMES[author]
    line = f"**{shown}**"
    if private:
        line += f" (private, written by {shown})"
    if prompt:
        verb = "answering" if kind == "answer" else "reflecting on"
        line += f", {verb} “{_escape(prompt)}”"
    return f"\n{line}\n\n"


def render_json(
    sessions: list[SessionRecord],
    plans: dict[int, list[Plan]],
    *,
    exported: float,
    since: dt.date | None = None,
) -> str:
    """The same data as the Markdown, times in ISO 8601 with the local offset."""
    document: dict[str, Any] = {
        "nearer_export": EXPORT_FORMAT,
        "exported": _iso(exported),
        "since": since.isoformat() if since else None,
        "sessions": [
            {
                "id": s.id,
                "ritual_id": s.ritual_id,
                "ritual_title": s.ritual_title,
                "practice": s.practice,
                "started": _iso(s.started),
                "ended": _iso(s.ended) if s.ended is not None else None,
                "outcome": s.outcome,
                "entries": [
                    {
                        "step_id": e.step_id,
                        "kind": e.kind,
                        "author": e.author,
                        "author_name": e.author_name,
                        "prompt": e.prompt,
                        "text": e.text,
                        "private": e.private,
                        "created": _iso(e.created),
                    }
                    for e in s.entries
                ],
                "plans": [
                    {"when": p.when_text, "created": _iso(p.created), "done": p.done}
                    for p in plans.get(s.id, ())
                ],
            }
            for s in sessions
        ],
    }
    return msgspec.json.format(msgspec.json.encode(document), indent=2).decode("utf-8") + "\n"


def _quote(text: str) -> str:
    """A blockquote that keeps the writer's line breaks (two trailing spaces are a hard break)."""
    lines = text.splitlines() or [""]
    quoted = []
    for line, following in zip(lines, [*lines[1:], ""]):
        if not line:
            quoted.append(">\n")
        else:
            quoted.append(f"> {line}  \n" if following else f"> {line}\n")
    return "".join(quoted)


def _how_it_went(session: SessionRecord) -> str:
    outcome = _OUTCOMES.get(session.outcome or "", "not finished")
    if session.ended is None or session.outcome != "end":
        return outcome
    minutes = round((session.ended - session.started) / 60)
    if minutes < 1:
        return f"{outcome} in under a minute"
    return f"{outcome} after {minutes} minute{'' if minutes == 1 else 's'}"


def _day(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _when(timestamp: float) -> str:
    moment = time.localtime(timestamp)
    weekday, month = _WEEKDAYS[moment.tm_wday], _MONTHS[moment.tm_mon - 1]
    return (
        f"{weekday} {moment.tm_mday} {month} {moment.tm_year}, "
        f"{moment.tm_hour:02d}:{moment.tm_min:02d}"
    )


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def _escape(text: str) -> str:
    """Names and titles come from people: keep a stray * or # from reshaping the document."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
