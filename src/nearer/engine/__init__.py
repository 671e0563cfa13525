"""The ritual engine: a pure state machine over plain data (no Textual, no files, no clock)."""

from nearer.engine.events import PARTNERS, Partner, other
from nearer.engine.machine import actors, apply, new_state, view
from nearer.engine.state import DrawnCard, Entry, RunState, dumps, loads
from nearer.engine.view import View

__all__ = [
    "PARTNERS",
    "DrawnCard",
    "Entry",
    "Partner",
    "RunState",
    "View",
    "actors",
    "apply",
    "dumps",
    "loads",
    "new_state",
    "other",
    "view",
]
