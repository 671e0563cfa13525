"""The journal as text you own: Markdown that reads well on its own, and JSON with the same data.

Both partners share one journal on one terminal, so an export holds every entry; private ones are
marked "(private, written by NAME)" so whoever reads the file knows whose they are. docs/privacy.md
explains the choice.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec

from nearer.journal.store import Plan, SessionRecord

EXPORT_FORMAT = 1
"""Bumped when the JSON shape changes in a way a script reading it would notice."""

_OUTCOMES = {
    "end": "finished",
    "reschedule": "moved to another time",
    "left": "one of you stepped away",
    "abandoned": "not finished",
}
_FALLBACK_NAMES = {"a": "Partner A", "b": "Partner B", "both": "Both of you"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#<>|])")


def render_markdown(
    sessions: list[SessionRecord],
    plans: dict[int, list[Plan]],
    *,
    exported: float,
    since: dt.date | None = None,
) -> str:
    """One document: a heading per session (ritual and date), then who wrote what, to which prompt."""
    count = f"{len(sessions)} session{'' if len(sessions) == 1 else 's'}"
    scope = f" from {_day(since)} on" if since else ""
    out = [
        "# Our nearer journal\n\n",
        f"Exported on {_day(dt.date.fromtimestamp(exported))}: {count}{scope}.\n",
    ]
    for session in sessions:
        out.append(f"\n## {_escape(session.ritual_title)}\n\n")
        out.append(f"{_when(session.started)} · {_how_it_went(session)}\n")
        for entry in session.entries:
            name = _escape(entry.author_name or _FALLBACK_NAMES[entry.author])
            who = f"**{name}**"
            if entry.private:
                who += f" (private, written by {name})"
            if entry.prompt:
                verb = "answering" if entry.kind == "answer" else "reflecting on"
                who += f", {verb} “{_escape(entry.prompt)}”"
            out.append(f"\n{who}\n\n{_quote(entry.text)}\n")
        for plan in plans.get(session.id, ()):
            state = "done" if plan.done else "still to do"
            out.append(f"\nYou planned to come back to this {_escape(plan.when_text)} ({state}).\n")
    return "".join(out)


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
            quoted.append(">")
        else:
            quoted.append(f"> {line}  " if following else f"> {line}")
    return "\n".join(quoted)


def _how_it_went(session: SessionRecord) -> str:
    outcome = _OUTCOMES.get(session.outcome or "", "not finished")
    if session.ended is None or session.outcome != "end":
        return outcome
    minutes = round((session.ended - session.started) / 60)
    if minutes < 1:
        return f"{outcome} in under a minute"
    return f"{outcome} after {minutes} minute{'' if minutes == 1 else 's'}"


def _day(day: dt.date) -> str:
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"


def _when(timestamp: float) -> str:
    moment = dt.datetime.fromtimestamp(timestamp)
    return f"{_day(moment.date())}, {moment.strftime('%H:%M')}"


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def _escape(text: str) -> str:
    """Names and titles come from people: keep a stray * or # from reshaping the document."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
