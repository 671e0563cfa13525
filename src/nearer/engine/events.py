"""Events: everything that can happen to a running ritual, as plain data.

Each event may carry `at` (seconds, wall clock, supplied by the adapter): the engine has no clock,
so time only moves when an event says so. Events are msgspec structs tagged by `type`, so the
shared session can send them over a socket as JSON unchanged.
"""

from __future__ import annotations

from typing import Literal, Union

from msgspec import Struct

Partner = Literal["a", "b"]
PARTNERS: tuple[Partner, Partner] = ("a", "b")


def other(partner: Partner) -> Partner:
    return "b" if partner == "a" else "a"


class _Event(Struct, tag_field="type", frozen=True, kw_only=True):
    at: float | None = None


class Start(_Event, tag="start", kw_only=True):
    """Begin the ritual. `seen_cards` lists cards already drawn in earlier sessions (per deck),
    so `no_repeat = "forever"` decks continue where they left off."""

    first_speaker: Partner
    names: dict[str, str]
    seed: int
    seen_cards: dict[str, list[str]] = {}
    review: dict[str, list[str]] = {}
    """What the journal holds for `text` steps with `show` (agreements, plans), one line each:
    the engine has no journal, so the session reads it and passes it in."""


class Consent(_Event, tag="consent", kw_only=True):
    partner: Partner
    answer: Literal["yes", "not_now"]


class Answer(_Event, tag="answer", kw_only=True):
    """A typed answer (prompt, deck, reveal, reflect). `private` only matters for reflect."""

    partner: Partner
    text: str
    private: bool | None = None


class Done(_Event, tag="done", kw_only=True):
    """The partner has finished this step (spoken answer given, text read, card talked over)."""

    partner: Partner


class Skip(_Event, tag="skip", kw_only=True):
    partner: Partner


class Draw(_Event, tag="draw", kw_only=True):
    """Next card in a deck step."""

    partner: Partner


class Stop(_Event, tag="stop", kw_only=True):
    """End a deck or a timer early: no guilt, the ritual moves on."""

    partner: Partner


class Choose(_Event, tag="choose", kw_only=True):
    partner: Partner
    option: int


class Plan(_Event, tag="plan", kw_only=True):
    """A reschedule step's answer (when to come back to this ritual), or a plan step's (what
    you will do, and when)."""

    partner: Partner
    when: str
    what: str = ""


class Pause(_Event, tag="pause", kw_only=True):
    partner: Partner


class Resume(_Event, tag="resume", kw_only=True):
    partner: Partner


class Leave(_Event, tag="leave", kw_only=True):
    partner: Partner


class Tick(_Event, tag="tick", kw_only=True):
    """Time passes. Only timers and minimum times care."""

    now: float


Event = Union[
    Start, Consent, Answer, Done, Skip, Draw, Stop, Choose, Plan, Pause, Resume, Leave, Tick
]
