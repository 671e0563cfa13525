"""The state of one ritual in progress: plain data, serialisable to JSON for resume and sharing.

Answers to a `reveal` step that are not yet revealed live in `hidden` and are never serialised:
an answer nobody has seen yet must not touch the disk or the wire.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from msgspec import Struct

from nearer.engine.events import Partner

Status = Literal["new", "running", "paused", "ended"]


class Entry(Struct, frozen=True, kw_only=True):
    """Something a partner wrote that the journal keeps."""

    step_id: str
    kind: Literal["reflection", "answer"]
    author: Partner
    prompt: str
    text: str
    private: bool = False
    tags: list[str] = []
    """The step's tags (a reflect step's `tags`), so the journal can find agreements later."""


class PlanMade(Struct, frozen=True, kw_only=True):
    """A plan step's answer, for the journal's plans (the home screen shows them)."""

    step_id: str
    what: str
    when: str
    offer: str | None = None


class DrawnCard(Struct, frozen=True, kw_only=True):
    deck: str
    text: str


class RunState(Struct, kw_only=True):
    ritual_id: str
    ritual_hash: str = ""
    status: Status = "new"
    step: str = ""
    names: dict[str, str] = {}
    speaker: Partner = "a"
    now: float = 0.0
    step_started: float = 0.0
    loops: dict[str, int] = {}
    consents: dict[str, str] = {}
    done: list[str] = []
    answers: dict[str, str] = {}
    hidden: dict[str, str] = {}
    revealed: dict[str, str] = {}
    seed: int = 0
    deck_used: dict[str, list[str]] = {}
    hand: list[str] = []
    card: int = 0
    turn: Partner = "a"
    timer_paused: float = 0.0
    paused_by: Partner | None = None
    paused_at: float | None = None
    outcome: str | None = None
    plan: str | None = None
    plans: list[PlanMade] = []
    review: dict[str, list[str]] = {}
    entries: list[Entry] = []
    cards_drawn: list[DrawnCard] = []
    history: list[str] = []


def dumps(state: RunState) -> bytes:
    """JSON for the resume snapshot and the wire, without unrevealed answers."""
    return msgspec.json.encode(msgspec.structs.replace(state, hidden={}))


def loads(data: bytes | str) -> RunState:
    return msgspec.json.decode(data, type=RunState)
