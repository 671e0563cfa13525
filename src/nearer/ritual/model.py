"""The ritual format, v1, as typed msgspec structs: the one source of truth for keys and kinds.

A ritual file is a flat list of `[[step]]` tables. Each step's `kind` picks its struct (a tagged
union), so a wrong key or a wrong type is caught by msgspec with a JSON path that the loader maps
back to a line. Checks that need the whole ritual (names, graph, phases, placeholders) live in
`check.py`; the facts they rely on (outcomes per kind, who per kind) live here beside the structs.
"""

from __future__ import annotations

from typing import Any, Literal, Union, get_args

import msgspec
from msgspec import Struct

FORMAT_VERSION = 1
END = "end"
"""The reserved final state: a jump to `end` finishes the ritual."""

DEFAULT_PHASES = ("initiate", "consent", "share", "follow_up", "reflect")

Practice = Literal[
    "curiosity",
    "vulnerability",
    "conflict",
    "novelty",
    "photos",
    "affection",
    "therapy",
    "checkin",
    "custom",
]
PRACTICES: tuple[str, ...] = get_args(Practice)
"""The practices in the order the home screen groups them."""
Answer = Literal["spoken", "typed"]


class _Table(Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Every table in a ritual refuses unknown keys, so a typo is an error, not a silent no-op."""


class Breath(_Table, kw_only=True):
    """A breathing pacer: seconds to breathe in, hold, and breathe out."""

    inhale: int
    hold: int = 0
    exhale: int


class Cue(_Table, kw_only=True):
    """A gentle line shown once the timer has run for `at` seconds."""

    at: int
    text: str


class Option(_Table, kw_only=True):
    """One answer to a `choice` step and the step it leads to."""

    label: str
    next: str


class Deck(_Table, kw_only=True):
    """A named set of cards drawn in a shuffled order without repeats."""

    cards: list[str] = []
    draw: int = 3
    no_repeat: Literal["session", "forever"] = "session"
    title: str = ""


class Roles(_Table, kw_only=True):
    first_speaker: Literal["a", "b", "ask", "random"] = "ask"


class StepBase(_Table, tag_field="kind", kw_only=True):
    """Fields every step has. `on` maps an outcome to the id of the step it jumps to."""

    id: str
    phase: str
    next: str | None = None
    on: dict[str, str] = {}


class TextStep(StepBase, tag="text", kw_only=True):
    text: str
    show: list[Literal["agreements", "plans"]] = []
    """What the journal holds to show under the text: the latest agreements, the open plans."""


class ConsentStep(StepBase, tag="consent", kw_only=True):
    text: str
    who: str = "both"


class PromptStep(StepBase, tag="prompt", kw_only=True):
    text: str
    who: str = "speaker"
    answer: Answer = "spoken"
    min_seconds: int = 0
    save: bool = False


class DeckStep(StepBase, tag="deck", kw_only=True):
    deck: str
    draw: int | None = None
    who: str = "alternate"
    answer: Answer = "spoken"
    text: str = ""


class TimerStep(StepBase, tag="timer", kw_only=True):
    seconds: int
    text: str = ""
    breath: Breath | None = None
    cues: list[Cue] = []


class PhotoStep(StepBase, tag="photo", kw_only=True):
    text: str
    who: str = "speaker"
    folder: str | None = None


class ReflectStep(StepBase, tag="reflect", kw_only=True):
    text: str
    who: str = "both"
    private: Literal["ask", "shared", "private"] = "ask"
    tags: list[str] = []


class SwapRolesStep(StepBase, tag="swap_roles", kw_only=True):
    loop_to: str | None = None
    rounds: int = 1
    text: str = ""


class RevealStep(StepBase, tag="reveal", kw_only=True):
    text: str


class ChoiceStep(StepBase, tag="choice", kw_only=True):
    text: str
    options: list[Option]


class RescheduleStep(StepBase, tag="reschedule", kw_only=True):
    text: str
    suggest: list[str] = []


class PlanStep(StepBase, tag="plan", kw_only=True):
    """Choose what you will do and when; the plan waits on the home screen and the ritual goes on.

    Not a `reschedule` with a `next`: that one is "not now" (it ends the session as a kind no,
    and plans to come back to the same ritual), this one is a "yes, then" with a what of its own.
    """

    text: str
    suggest: list[str] = []
    offer: str | None = None
    """A ritual the plan's Start button opens on the home screen (a debrief, say)."""


Step = Union[
    TextStep,
    ConsentStep,
    PromptStep,
    DeckStep,
    TimerStep,
    PhotoStep,
    ReflectStep,
    SwapRolesStep,
    RevealStep,
    ChoiceStep,
    RescheduleStep,
    PlanStep,
]
STEP_TYPES: tuple[type[StepBase], ...] = Step.__args__  # type: ignore[attr-defined]
KINDS: dict[str, type[StepBase]] = {t.__struct_config__.tag: t for t in STEP_TYPES}

OUTCOMES: dict[str, tuple[str, ...]] = {
    "text": ("done",),
    "consent": ("yes", "not_now"),
    "prompt": ("done", "skip"),
    "deck": ("done", "stop"),
    "timer": ("done", "stop"),
    "photo": ("done", "skip"),
    "reflect": ("saved", "skip"),
    "swap_roles": ("done",),
    "reveal": ("done",),
    "choice": (),  # one outcome per option, named by the option's own `next`
    "reschedule": (),  # terminal: records a plan, then `end`
    "plan": ("planned", "skip"),
}
"""The outcomes each kind can produce; `on.<outcome>` keys must be among them (E013)."""

WHO: dict[str, tuple[str, ...]] = {
    "consent": ("both", "speaker", "listener"),
    "prompt": ("speaker", "listener", "both", "a", "b"),
    "deck": ("alternate", "speaker", "listener", "both"),
    "photo": ("speaker", "listener", "a", "b"),
    "reflect": ("both", "speaker", "listener", "a", "b"),
}
"""The values `who` may take per kind (E072)."""

PLACEHOLDERS = ("speaker", "listener", "a", "b")
"""Names that may appear in braces in any text: `{speaker}`, `{listener}`, `{a}`, `{b}`."""

VULNERABLE_KINDS = ("prompt", "deck", "reveal", "photo")
"""Kinds where someone opens up; reaching one in the share phase needs a consent `yes` (E030)."""


class Ritual(_Table, kw_only=True):
    """One ritual file."""

    format: int
    id: str
    title: str
    practice: Practice
    summary: str
    step: list[Step]
    duration_min: int = 15
    phases: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_PHASES))
    roles: Roles = msgspec.field(default_factory=Roles)
    decks: dict[str, Deck] = {}
    imports: list[str] = []
    offer: str | None = None
    """A ritual the end screen offers to start next (take_a_break offers the regroup)."""
    meta: dict[str, Any] = {}

    def step_by_id(self, step_id: str) -> Step | None:
        for step in self.step:
            if step.id == step_id:
                return step
        return None

    def index_of(self, step_id: str) -> int:
        for index, step in enumerate(self.step):
            if step.id == step_id:
                return index
        raise KeyError(step_id)


class DeckFile(_Table, kw_only=True):
    """A file of decks that rituals pull in with `imports = ["decks/name.toml"]`."""

    format: int = FORMAT_VERSION
    decks: dict[str, Deck] = {}
    meta: dict[str, Any] = {}


def kind_of(step: StepBase) -> str:
    return type(step).__struct_config__.tag  # type: ignore[return-value]


def outcome_target(ritual: Ritual, index: int, outcome: str) -> str:
    """Where `outcome` of the step at `index` leads: `on.<outcome>`, else `next`, else the
    following step, else `end` (DESIGN.md §3)."""
    step = ritual.step[index]
    if isinstance(step, ChoiceStep):
        for option in step.options:
            if option.next == outcome or option.label == outcome:
                return option.next
    if isinstance(step, RescheduleStep):
        return END
    if outcome in step.on:
        return step.on[outcome]
    if step.next is not None:
        return step.next
    if index + 1 < len(ritual.step):
        return ritual.step[index + 1].id
    return END


def decode_ritual(data: dict[str, Any]) -> Ritual:
    """Turn parsed TOML into a Ritual; raises msgspec.ValidationError with a `$.` path."""
    return msgspec.convert(data, Ritual, strict=True)
