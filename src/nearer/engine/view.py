"""What one partner may see right now. Screens render a View; they never read the engine state.

`viewer = None` is the one-screen view of a local session: both people look at the same screen,
so nothing private to either of them (an unrevealed answer) is in it.
"""

from __future__ import annotations

from msgspec import Struct

from nearer.engine.events import Partner
from nearer.engine.state import Status


class BreathView(Struct, frozen=True, kw_only=True):
    inhale: int
    hold: int
    exhale: int


class View(Struct, kw_only=True):
    ritual_id: str
    title: str
    status: Status
    viewer: Partner | None
    step_id: str
    kind: str
    phase: str
    phases: list[str]
    phase_index: int
    text: str
    names: dict[str, str]
    speaker: Partner
    listener: Partner
    actors: list[Partner]
    """Whose turn it is: the partners this step waits on (both, or one)."""
    waiting_on: list[Partner]
    """Of the actors, those who have not acted yet."""
    now: float
    visit: int = 0
    """How many steps have been entered so far: a new visit means a fresh screen."""
    answer_mode: str | None = None
    ready_at: float = 0.0
    """A prompt with `min_seconds` cannot be finished before this time."""
    consents: dict[str, str] = {}
    deck_title: str = ""
    card: str = ""
    card_number: int = 0
    card_count: int = 0
    asker: Partner | None = None
    seconds: int = 0
    remaining: float = 0.0
    breath: BreathView | None = None
    cue: str = ""
    private_mode: str = ""
    round: int = 0
    rounds: int = 0
    answered: dict[str, bool] = {}
    revealed: dict[str, str] = {}
    own_answer: str = ""
    options: list[str] = []
    suggestions: list[str] = []
    shown: dict[str, list[str]] = {}
    """A text step's `show`: each name (agreements, plans) with its lines from the journal."""
    offer: str | None = None
    """A ritual to offer next: on the end screen, or with a plan step's plan."""
    folder: str | None = None
    paused_by: Partner | None = None
    paused_at: float | None = None
    outcome: str | None = None
    plan: str | None = None

    def name(self, partner: Partner | None) -> str:
        if partner is None:
            return ""
        return self.names.get(partner) or partner.upper()

    @property
    def speaker_name(self) -> str:
        return self.name(self.speaker)

    @property
    def listener_name(self) -> str:
        return self.name(self.listener)
