"""A ritual's flow as edges between steps, drawn as readable text or a Mermaid state diagram.

Pure: it reads a `Ritual` and returns strings. Each step's outcomes are resolved the way the
engine resolves them (`model.outcome_target`), and outcomes that lead to the same place are drawn
as one edge labelled with all of them, so a plain step reads as one arrow. A `swap_roles` step
with `loop_to` has two edges: back to `loop_to` while rounds remain, then onwards.
"""

from __future__ import annotations

import msgspec

from nearer.ritual.model import (
    END,
    OUTCOMES,
    ChoiceStep,
    RescheduleStep,
    Ritual,
    SwapRolesStep,
    kind_of,
    outcome_target,
)


class Edge(msgspec.Struct, frozen=True):
    """From one step to another (or `end`), taken on the outcomes in `on`."""

    source: str
    target: str
    on: tuple[str, ...] = ()
    note: str = ""


def edges(ritual: Ritual) -> list[Edge]:
    """Every edge of the flow, in file order of the steps they leave."""
    found: list[Edge] = []
    for index, step in enumerate(ritual.step):
        if isinstance(step, RescheduleStep):
            found.append(Edge(step.id, END, (), "records a plan"))
            continue
        if isinstance(step, ChoiceStep):
            found += [Edge(step.id, option.next, (option.label,)) for option in step.options]
            continue
        if isinstance(step, SwapRolesStep) and step.loop_to is not None and step.rounds > 1:
            rounds = "round" if step.rounds == 2 else "rounds"
            found.append(
                Edge(step.id, step.loop_to, ("again",), f"{step.rounds - 1} more {rounds}")
            )
        targets: dict[str, list[str]] = {}
        for outcome in OUTCOMES[kind_of(step)]:
            targets.setdefault(outcome_target(ritual, index, outcome), []).append(outcome)
        if len(targets) == 1:
            # Every outcome goes the same way: one plain arrow says it.
            found.append(Edge(step.id, next(iter(targets))))
        else:
            found += [Edge(step.id, target, tuple(on)) for target, on in targets.items()]
    return found


def render_text(ritual: Ritual) -> str:
    """The flow as lines a person reads top to bottom: steps grouped by phase, each with where
    it leads.

        Arrive
          welcome        text      -> check_in
        Check in
          check_in       consent   yes -> share · not_now -> later
    """
    by_source: dict[str, list[Edge]] = {}
    for edge in edges(ritual):
        by_source.setdefault(edge.source, []).append(edge)
    width_id = max(len(step.id) for step in ritual.step) if ritual.step else 0
    width_kind = max(len(kind_of(step)) for step in ritual.step) if ritual.step else 0
    steps = "step" if len(ritual.step) == 1 else "steps"
    lines = [f"{ritual.title} ({ritual.id}): {len(ritual.step)} {steps}", ""]
    phase = None
    for step in ritual.step:
        if step.phase != phase:
            phase = step.phase
            lines.append(phase)
        arrows = " · ".join(_arrow(edge) for edge in by_source.get(step.id, []))
        lines.append(f"  {step.id:<{width_id}}  {kind_of(step):<{width_kind}}  {arrows}".rstrip())
    return "\n".join(lines) + "\n"


def _arrow(edge: Edge) -> str:
    label = "/".join(edge.on)
    text = f"{label} -> {edge.target}" if label else f"-> {edge.target}"
    return f"{text} ({edge.note})" if edge.note else text


# Words Mermaid's state-diagram grammar reserves; a step with such an id gets a trailing "_".
_MERMAID_WORDS = frozenset({"state", "note", "direction", "as", "end", "left", "right", "of", "class"})


def render_mermaid(ritual: Ritual) -> str:
    """The flow as a Mermaid `stateDiagram-v2`: `[*]` is the start and the end."""

    def name(step_id: str) -> str:
        if step_id == END:
            return "[*]"
        return f"{step_id}_" if step_id in _MERMAID_WORDS else step_id

    lines = ["stateDiagram-v2", f"    %% {_one_line(ritual.title)} ({ritual.id})"]
    for step in ritual.step:
        lines.append(f'    state "{step.id} ({kind_of(step)})" as {name(step.id)}')
    if ritual.step:
        lines.append(f"    [*] --> {name(ritual.step[0].id)}")
    for edge in edges(ritual):
        label = ", ".join(edge.on)
        if edge.note:
            label = f"{label} ({edge.note})" if label else edge.note
        arrow = f"    {name(edge.source)} --> {name(edge.target)}"
        lines.append(f"{arrow} : {_one_line(label)}" if label else arrow)
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Mermaid labels end at a newline, and `:`/`;`/`%` would be read as syntax."""
    return " ".join(text.split()).replace(";", ",").replace("%", " percent")
