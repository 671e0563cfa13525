"""The journal as text you own: Markdown that reads well on its own, and JSON with the same data.

An export is made for one reader: both of you (shared entries only), or one partner (shared
entries and their own private ones, marked "(private, written by NAME)"). docs/privacy.md explains
the choice. The store picks the entries; this module only decides how they read.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import msgspec

from nearer.journal.store import Journal, Plan, SessionRecord

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
    bodies: dict[int, bytes],
    plans: dict[int, list[Plan]],
    *,
    exported: float,
    since: dt.date | None = None,
) -> bytes:
    """One UTF-8 document: a heading per session (ritual and date), then who wrote what, to which
    prompt.

    `sessions` need no entries of their own; `bodies` are `markdown_bodies()`, each session's
    entries already in Markdown.
    """
    count = f"{len(sessions)} session{'' if len(sessions) == 1 else 's'}"
    scope = f" from {_day(since)} on" if since else ""
    out = [
        f"# Our nearer journal\n\nExported on {_day(dt.date.fromtimestamp(exported))}: "
        f"{count}{scope}.\n".encode()
    ]
    titles: dict[str, str] = {}
    append = out.append
    for session in sessions:
        title = titles.get(session.ritual_title)
        if title is None:
            title = titles[session.ritual_title] = _escape(session.ritual_title)
        heading = f"\n## {title}\n\n{_when(session.started)} · {_how_it_went(session)}\n"
        append(heading.encode())
        append(bodies.get(session.id, b""))
        if session.id in plans:
            append(_plans(plans[session.id]).encode())
    return b"".join(out)


def render_session_markdown(session: SessionRecord, body: bytes, plans: list[Plan]) -> bytes:
    """One session as a document of its own, for `nearer export --out DIR`."""
    heading = f"# {_escape(session.ritual_title)}\n\n{_when(session.started)} · {_how_it_went(session)}\n"
    return heading.encode() + body + _plans(plans).encode()


def markdown_bodies(
    journal: Journal,
    since: float | None = None,
    *,
    ritual_id: str | None = None,
    viewer: str | None = None,
) -> dict[int, bytes]:
    """Session id -> its entries in Markdown, as `viewer` may read them (see Journal.markdown_bodies)."""
    return journal.markdown_bodies(
        _name_lines, _prompt_lines, _quote, since, ritual_id=ritual_id, viewer=viewer
    )


def _name_lines(name: str, author: str) -> tuple[str, str]:
    shown = _escape(name) or _FALLBACK_NAMES[author]
    return f"\n**{shown}**", f"\n**{shown}** (private, written by {shown})"


def _prompt_lines(prompt: str) -> tuple[str, str]:
    if not prompt:
        return "\n\n", "\n\n"
    shown = _escape(prompt)
    return f", answering “{shown}”\n\n", f", reflecting on “{shown}”\n\n"


def _plans(plans) -> str:
    return "".join(
        (
            f"\nYou planned: {_escape(plan.what)}, {_escape(plan.when_text)} "
            if plan.what
            else f"\nYou planned to come back to this {_escape(plan.when_text)} "
        )
        + f"({'done' if plan.done else 'still to do'}).\n"
        for plan in plans
    )


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
                        "tags": list(e.tags),
                        "created": _iso(e.created),
                    }
                    for e in s.entries
                ],
                "plans": [
                    {"when": p.when_text, "what": p.what, "created": _iso(p.created), "done": p.done}
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


# -- for a first session with a couples therapist ----------------------------------------------

AGREEMENT = "agreement"


def chosen_for_therapy(sessions: list[SessionRecord], *, answers: bool = False) -> list[SessionRecord]:
    """The sessions with something to bring, each with only those entries: reflections (your
    agreements among them) and, with `answers`, what you answered during the rituals. The
    store has already left out any private entry that is not the reader's own."""
    kinds = ("reflection", "answer") if answers else ("reflection",)
    chosen = []
    for session in sessions:
        entries = [e for e in session.entries if e.kind in kinds and e.text.strip()]
        if entries:
            chosen.append(msgspec.structs.replace(session, entries=entries))
    return chosen


def render_for_therapy(
    sessions: list[SessionRecord],
    *,
    exported: float,
    since: dt.date,
    private_of: str | None = None,
) -> bytes:
    """One Markdown document to bring to a first session: a short, warm word on what it is,
    your agreements together, then the reflections ritual by ritual, oldest first.

    `sessions` come from `chosen_for_therapy`; `private_of` names the partner whose private
    entries are in it (`--as`), so the header can say so."""
    today = dt.date.fromtimestamp(exported)
    out = [
        "# For your first session\n\n",
        f"Gathered from nearer on {_day(today)}.\n\n",
        f"These are things the two of you wrote in nearer between {_day(since)} and {_day(today)}: "
        "the agreements you made after hard moments, and what you reflected on afterwards. "
        "You might bring it to a first session with a couples therapist, to help you say where "
        "you are and what you hope for. It's a starting point for talking, not a record of who "
        "was right.\n\n",
        "Read it through together before you share it, and leave out anything you'd rather say "
        "in person, or not at all. It's yours.\n",
    ]
    if private_of:
        who = _escape(private_of)
        out.append(
            f"\nIt also holds {who}'s private reflections, marked as private. Only {who} has read "
            f"them until now, so {who} decides whether they go.\n"
        )
    agreements = [
        (session, entry) for session in sessions for entry in session.entries if AGREEMENT in entry.tags
    ]
    if agreements:
        out.append("\n## What you agreed\n\n")
        for session, entry in agreements:
            out.append(
                f"- **{_author(entry)}**, {_short_day(entry.created)} "
                f"({_escape(session.ritual_title)}): {_inline(entry.text)}\n"
            )
    reflections = [
        (session, [e for e in session.entries if AGREEMENT not in e.tags]) for session in sessions
    ]
    reflections = [(session, entries) for session, entries in reflections if entries]
    if reflections:
        out.append("\n## What you reflected on\n")
        for session, entries in reflections:
            out.append(f"\n### {_escape(session.ritual_title)}, {_when(session.started)}\n")
            for entry in entries:
                mark = " (private)" if entry.private else ""
                prompt = f": “{_escape(entry.prompt)}”" if entry.prompt else ""
                out.append(f"\n**{_author(entry)}**{mark}{prompt}\n\n{_quote(entry.text)}")
    return "".join(out).encode()


def _author(entry) -> str:
    return _escape(entry.author_name) or _FALLBACK_NAMES.get(entry.author, entry.author)


def _inline(text: str) -> str:
    """A text on one list line: its own line breaks become spaces."""
    return _escape(text)


def _short_day(timestamp: float) -> str:
    day = dt.date.fromtimestamp(timestamp)
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
