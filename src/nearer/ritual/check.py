"""Static checks of ritual files, staged like a compiler, each problem a sentence with a line.

Stages: syntax (E001) -> format version (E002) -> the shape of every table (E003, E004) — these
three live in `load.py` — then names (E010-E013) -> the step graph, only once names resolve
(W020-W022, E030-E032) -> decks (E040-W042) -> timers (E050) -> phases (E060, W061) ->
placeholders (E070) -> role swaps (E071) -> `who` (E072) -> files on disk (W080). `EXPLAIN` says
what each code means in a few plain sentences; `docs/checks.md` is generated from it.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

from msgspec.structs import replace

from nearer.ritual.load import (
    Diagnostic,
    Loaded,
    RitualError,
    Source,
    decode_deck_file,
    did_you_mean,
    load_source,
    read_source,
)
from nearer.ritual.model import (
    END,
    OUTCOMES,
    PLACEHOLDERS,
    VULNERABLE_KINDS,
    WHO,
    ChoiceStep,
    ConsentStep,
    Deck,
    DeckStep,
    PhotoStep,
    PlanStep,
    RescheduleStep,
    Ritual,
    SwapRolesStep,
    TimerStep,
    kind_of,
    outcome_target,
)

__all__ = [
    "EXPLAIN",
    "Diagnostic",
    "RitualError",
    "check_file",
    "check_loaded",
    "check_path",
    "check_text",
    "explain_markdown",
    "ritual_files",
]

EXPLAIN: dict[str, str] = {
    "E001": "The file could not be read as TOML, the plain-text format rituals are written in. "
    "Usually a quote or bracket is not closed, or a key has no `=` after it. The line shown is "
    "where the reader got lost; the mistake is often on that line or the one before.",
    "E002": "Every ritual starts with `format = 1`, the version of the ritual format it is written "
    "in. The line is missing, or it names a version this nearer does not read.",
    "E003": "A table has a key nearer does not know (often a typo: nearer suggests the closest "
    "known key), is missing a key it needs, or a value is the wrong type, such as text where a "
    "number belongs. Unknown keys are errors so that a typo is never silently ignored.",
    "E004": "A step has no `kind`, or one nearer does not know. The kinds are: "
    "text, consent, prompt, deck, timer, photo, reflect, swap_roles, reveal, choice, "
    "reschedule and plan (docs/authoring.md says what each does).",
    "E010": "Two steps have the same `id`. Jumps name steps by id, so each id must be unique.",
    "E011": "An id is not written the way ids must be: lower-case letters, digits and `_`, "
    "starting with a letter, at most 40 characters. `end` is taken: it means the end of the "
    "ritual. The ritual's own id must also be its file name without `.toml`, and an `offer` "
    "names another ritual by its id.",
    "E012": "A step jumps (with `next`, `on.<outcome>`, an option's `next` or `loop_to`) to an id "
    "that is no step in this ritual. nearer suggests the closest id when there is one.",
    "E013": "A step says where an outcome leads (`on.<outcome>`), but that kind of step never has "
    "that outcome, so the jump would never happen. The message lists the outcomes it does have.",
    "W020": "No path from the first step leads to this step, so nobody will ever see it. Point a "
    "`next` or `on.<outcome>` at it, or remove it.",
    "E021": "Some steps lead only to one another in a circle, with no way to reach the end. "
    "Give one of them a way out, such as `next = \"end\"` or a jump to a later step. (A "
    "`swap_roles` loop is fine: it runs a set number of rounds.)",
    "W022": "The last step in the file does not say where to go, so the ritual would end silently "
    "after it. If that is what you mean, write `next = \"end\"` to say so.",
    "E030": "Consent comes first: a step in the share phase, or one where someone opens up "
    "(prompt, deck, reveal, photo), can be reached without both of you having said yes at a "
    "consent step. Put a consent step before it and lead its `on.yes` there.",
    "E031": "A consent step must say where \"not now\" leads (`on.not_now`). \"Not now\" is a kind "
    "answer, never a failure; it usually leads to a reschedule step to pick another time.",
    "E032": "The ritual has no consent step at all. Every ritual asks, before anything else, "
    "whether now is a good time.",
    "E040": "A deck step names a deck that is neither defined in this ritual (`[decks.<name>]`) "
    "nor in a file it imports.",
    "E041": "A deck has no cards, or asks to draw fewer than 1 card or more cards than it has.",
    "W042": "The ritual defines a deck that no step uses. Use it in a deck step, or remove it.",
    "E050": "A timer's numbers are out of bounds: `seconds` must be 1 to 3600 (an hour); each cue's "
    "`at` must lie within the timer and the cues must be in time order; breathing counts must be "
    "1 to 20 seconds (`hold` may be 0).",
    "E060": "A step's `phase` is not one of the phases the ritual lists in `phases`.",
    "W061": "Phases should run in the order `phases` lists them. A step leads forward to a step in "
    "an earlier phase, or a listed phase has no steps.",
    "E070": "A text uses a name in braces that nearer cannot fill in. The names are {speaker}, "
    "{listener}, {a} and {b}. To show a brace itself, write it twice: {{ or }}.",
    "E071": "A `swap_roles` step's `loop_to` must be a step before it (the step to go back to for "
    "the next round), and `rounds` must be 1 to 4.",
    "E072": "A step's `who` is not one that kind of step allows. The message lists the choices.",
    "W080": "A file or folder the ritual refers to is not there: a photo step's `folder`, or a "
    "deck file named in `imports`. A missing import is a warning because only the decks matter: "
    "if a step uses one of its decks, that is reported as E040.",
}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ID_MAX = 40
_SECONDS = (1, 3600)
_BREATH = (1, 20)
_ROUNDS = (1, 4)


# -- public entry points ------------------------------------------------------------------------


def check_path(
    path: str | os.PathLike[str], *, search_dirs: Sequence[Path] | None = None
) -> list[Diagnostic]:
    """Every problem in a ritual file, a deck file, or a folder of them. Never raises."""
    diagnostics: list[Diagnostic] = []
    for file in ritual_files(Path(path)) if Path(path).is_dir() else [Path(path)]:
        diagnostics += check_file(file, search_dirs=search_dirs)[1]
    return diagnostics


def ritual_files(folder: Path) -> list[Path]:
    """The rituals in a folder (`*.toml`) and the deck files in its `decks/` folder."""
    files = sorted(p for p in folder.glob("*.toml") if p.is_file())
    files += sorted(p for p in (folder / "decks").glob("*.toml") if p.is_file())
    return files


def check_file(
    path: Path,
    *,
    search_dirs: Sequence[Path] | None = None,
    display: str | None = None,
) -> tuple[Ritual | None, list[Diagnostic]]:
    """The ritual in `path` (None unless it has no errors) and every problem found in it or the
    deck files it imports. A deck file is checked as one. Never raises: a failure inside nearer
    itself becomes an E001 for that file rather than a traceback."""
    display = display if display is not None else os.fspath(path)
    try:
        source, problems = read_source(path, display)
        if source is None:
            return None, problems
        if _is_deck_file(path, source):
            return None, _check_deck_source(source)
        return _finish(load_source(source, path, search_dirs))
    except Exception as error:  # noqa: BLE001 - a checker must report, not crash
        return None, [
            Diagnostic(
                path=display,
                line=1,
                severity="error",
                code="E001",
                message=f"nearer could not finish checking this file ({type(error).__name__}: "
                f"{error}).",
                hint="This is a fault in nearer, not in your file; please report it.",
            )
        ]


def check_text(
    text: str,
    *,
    path: str | os.PathLike[str] = "<string>",
    search_dirs: Sequence[Path] | None = None,
) -> list[Diagnostic]:
    from nearer.ritual.load import load_text

    return _finish(load_text(text, path=path, search_dirs=search_dirs))[1]


def check_loaded(loaded: Loaded) -> list[Diagnostic]:
    """The checks after the shape stages, on a ritual that loaded (none if it did not)."""
    if loaded.ritual is None or loaded.source is None:
        return []
    return _RitualCheck(loaded).run()


def explain_markdown() -> str:
    """docs/checks.md: every code and what it means (a test keeps the file equal to this)."""
    lines = [
        "# What `nearer check` reports",
        "",
        "`nearer check` reads ritual files the way a compiler reads code, in stages: the file "
        "itself, its format version, the keys of every table, the names of steps, the path "
        "through the steps, decks, timers, phases, placeholders, role swaps and the files a "
        "ritual refers to. Each problem is printed as `file:line: error CODE sentence` (or "
        "`warning`); errors stop a ritual from being offered, warnings do not (unless you run "
        "`nearer check --strict`).",
        "",
        "This page is generated from `nearer/ritual/check.py` (`EXPLAIN`); a test keeps it "
        "up to date.",
        "",
    ]
    for code, text in EXPLAIN.items():
        severity = "warning" if code.startswith("W") else "error"
        lines += [f"## {code} ({severity})", "", text, ""]
    return "\n".join(lines)


# -- helpers ------------------------------------------------------------------------------------


def _finish(loaded: Loaded) -> tuple[Ritual | None, list[Diagnostic]]:
    diagnostics = loaded.diagnostics + check_loaded(loaded)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    return loaded.ritual, diagnostics


def _is_deck_file(path: Path, source: Source) -> bool:
    if path.parent.name == "decks":
        return True
    data = source.data
    return "decks" in data and "step" not in data and "id" not in data


def _check_deck_source(source: Source) -> list[Diagnostic]:
    origins, decks, problems = decode_deck_file(source)
    if problems:
        return problems
    for name, deck in decks.items():
        origin = origins[name]
        if "draw" not in source.data.get("decks", {}).get(name, {}):
            # A deck file that leaves `draw` out may be adding a few cards to a built-in deck
            # of the same name, which sets it; a ritual importing it checks the merged deck.
            deck = replace(deck, draw=1)
        problems += _deck_problems(origin.source, origin.path, name, deck)
    return problems


def _deck_problems(source: Source, path: tuple, name: str, deck: Deck) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    if not deck.cards:
        problems.append(
            source.diagnostic(
                path + ("cards",),
                "E041",
                f'deck "{name}" has no cards, so there would be nothing to draw.',
                hint='Add some: cards = ["A first question?", "A second one?"]',
            )
        )
    elif not 1 <= deck.draw <= len(deck.cards):
        problems.append(
            source.diagnostic(
                path + ("draw",),
                "E041",
                f'deck "{name}" draws {deck.draw} cards at a time, but it has '
                f"{_count(len(deck.cards), 'card')}.",
                hint=f"Set draw to a number from 1 to {len(deck.cards)}, or add cards.",
            )
        )
    problems += _placeholder_problems(source, path + ("title",), f'the title of deck "{name}"',
                                      deck.title)
    for index, card in enumerate(deck.cards):
        problems += _placeholder_problems(
            source, path + ("cards", index), f'card {index + 1} of deck "{name}"', card
        )
    return problems


def _placeholder_problems(source: Source, path: tuple, where: str, text: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for problem in _brace_problems(text):
        problems.append(
            source.diagnostic(
                path,
                "E070",
                f"{where} {problem}",
                hint="The names nearer fills in are {speaker}, {listener}, {a} and {b}. "
                "To show a brace itself, write {{ or }}.",
            )
        )
    return problems


def _brace_problems(text: str) -> Iterator[str]:
    """Unknown `{names}` and lone braces; `{{` and `}}` are a literal brace."""
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "{":
            if text.startswith("{{", index):
                index += 2
                continue
            close = text.find("}", index + 1)
            opening = text.find("{", index + 1)
            if close == -1 or (opening != -1 and opening < close):
                yield 'has a "{" that is never closed. To show a brace, write {{.'
                index += 1
                continue
            name = text[index + 1 : close]
            if name not in PLACEHOLDERS:
                guess = did_you_mean(name, PLACEHOLDERS).replace('"', "")
                guess = re.sub(r"Did you mean (\w+)\?", r"Did you mean {\1}?", guess)
                yield f"uses {{{name}}}, which nearer cannot fill in.{guess}"
            index = close + 1
        elif char == "}":
            if text.startswith("}}", index):
                index += 2
                continue
            yield 'has a "}" that does not close anything. To show a brace, write }}.'
            index += 1
        else:
            index += 1


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _quoted_list(words: Sequence[str], conjunction: str = "or") -> str:
    quoted = [f'"{word}"' for word in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + f" {conjunction} " + quoted[-1]


# -- the ritual stages --------------------------------------------------------------------------


class _RitualCheck:
    def __init__(self, loaded: Loaded) -> None:
        assert loaded.ritual is not None and loaded.source is not None
        self.loaded = loaded
        self.ritual: Ritual = loaded.ritual
        self.source: Source = loaded.source
        self.steps = self.ritual.step
        self.index: dict[str, int] = {}
        for position, step in enumerate(self.steps):
            self.index.setdefault(step.id, position)
        self.problems: list[Diagnostic] = []
        self.edge_cache: dict[tuple[int, bool, bool], list[str]] = {}

    def add(self, path: tuple, code: str, message: str, hint: str = "") -> None:
        self.problems.append(self.source.diagnostic(path, code, message, hint))

    def run(self) -> list[Diagnostic]:
        if not self.steps:
            self.add(
                ("step",),
                "E003",
                "this ritual has no steps, so there is nothing to do.",
                hint='Add a step: [[step]] with an id, a phase and a kind, such as kind = "text".',
            )
            return self.problems
        self.choices()
        names_resolve = self.names()
        if names_resolve:
            self.graph()
        self.consent_steps()
        self.decks()
        self.timers()
        self.phases(with_graph=names_resolve)
        self.placeholders()
        self.swaps()
        self.who()
        self.files()
        return self.problems

    def choices(self) -> None:
        for position, step in enumerate(self.steps):
            if isinstance(step, ChoiceStep) and len(step.options) < 2:
                self.add(
                    ("step", position, "options"),
                    "E003",
                    f'choice step "{step.id}" has {_count(len(step.options), "option")}; a '
                    "choice needs at least two.",
                )

    # names: E010 E011 E012 E013 ------------------------------------------------------------

    def names(self) -> bool:
        before = len(self.problems)
        self.ritual_id()
        seen: dict[str, int] = {}
        for position, step in enumerate(self.steps):
            path = ("step", position, "id")
            if step.id in seen:
                other = self.source.line(("step", seen[step.id], "id"))
                self.add(
                    path,
                    "E010",
                    f'two steps are called "{step.id}" (the other one is on line {other}). '
                    "Each step needs its own id.",
                )
            else:
                seen[step.id] = position
            problem = _id_problem(step.id)
            if problem:
                self.add(path, "E011", f'the step id "{step.id}" {problem}')
        for position, step in enumerate(self.steps):
            self.targets(position, step)
            self.outcomes(position, step)
        resolved = len(self.problems) == before
        self.offers()  # names no step, so it does not hold back the graph checks
        return resolved

    def offers(self) -> None:
        """`offer` names another ritual by its id. Whether that ritual is there is only known
        where the rituals are played (the screen leaves the button out when it is not)."""
        offers = [(("offer",), "the ritual", self.ritual.offer)] + [
            (("step", position, "offer"), f'step "{step.id}"', step.offer)
            for position, step in enumerate(self.steps)
            if isinstance(step, PlanStep)
        ]
        for path, who, offer in offers:
            problem = _id_problem(offer) if offer is not None else ""
            if problem:
                self.add(path, "E011", f'{who} offers the ritual "{offer}", but that id {problem}')

    def ritual_id(self) -> None:
        ritual_id = self.ritual.id
        problem = _id_problem(ritual_id)
        if problem:
            # The ritual's id is not a jump target, so a bad one does not stop the graph checks;
            # it is recorded straight into the problems the caller sees.
            self.problems.append(
                self.source.diagnostic(("id",), "E011", f'the ritual id "{ritual_id}" {problem}')
            )
            return
        display = self.source.display
        if display.startswith("<"):
            return
        stem = Path(display).stem
        if stem != ritual_id:
            self.problems.append(
                self.source.diagnostic(
                    ("id",),
                    "E011",
                    f'the ritual id is "{ritual_id}", but the file is called "{stem}.toml". '
                    f"They must match, so that `nearer run {ritual_id}` finds this file.",
                    hint=f'Rename the file to "{ritual_id}.toml", or set id = "{stem}".',
                )
            )

    def targets(self, position: int, step) -> None:
        jumps: list[tuple[tuple, str, str]] = []
        if step.next is not None:
            jumps.append((("step", position, "next"), step.next, "jumps to {}"))
        for outcome, target in step.on.items():
            jumps.append(
                (("step", position, "on", outcome), target, f'jumps to {{}} on "{outcome}"')
            )
        if isinstance(step, ChoiceStep):
            for number, option in enumerate(step.options):
                jumps.append(
                    (
                        ("step", position, "options", number, "next"),
                        option.next,
                        f'has an option "{option.label}" that leads to {{}}',
                    )
                )
        if isinstance(step, SwapRolesStep) and step.loop_to is not None:
            if step.loop_to == END:
                self.add(
                    ("step", position, "loop_to"),
                    "E012",
                    f'step "{step.id}" loops back to "end", but loop_to must name an earlier step.',
                )
            else:
                jumps.append((("step", position, "loop_to"), step.loop_to, "loops back to {}"))
        for path, target, verb in jumps:
            if target == END or target in self.index:
                continue
            guess = did_you_mean(target, [*self.index, END])
            quoted = f'"{target}"'
            self.add(
                path,
                "E012",
                f'step "{step.id}" {verb.format(quoted)}, but there is no step called {quoted}.'
                f"{guess}",
                hint='A jump names the id of a step in this ritual, or "end" to finish.',
            )

    def outcomes(self, position: int, step) -> None:
        kind = kind_of(step)
        allowed = OUTCOMES[kind]
        for outcome in step.on:
            if outcome in allowed:
                continue
            path = ("step", position, "on", outcome)
            if isinstance(step, ChoiceStep):
                message = (
                    f'step "{step.id}" is a choice, so each option says where it leads; '
                    f'on.{outcome} would never be used.'
                )
                hint = 'Give the option a next = "..." instead.'
            elif isinstance(step, RescheduleStep):
                message = (
                    f'step "{step.id}" is a reschedule step, which always ends the ritual; '
                    f"on.{outcome} would never be used."
                )
                hint = ""
            else:
                guess = did_you_mean(outcome, allowed)
                message = (
                    f'step "{step.id}" is a {kind} step, which never has the outcome '
                    f'"{outcome}".{guess}'
                )
                hint = f"A {kind} step's outcomes are: {_quoted_list(allowed)}."
            self.add(path, "E013", message, hint)

    # graph: W020 E021 W022 E030 ----------------------------------------------------------------

    def edges(self, position: int, *, consent_yes: bool = True, loops: bool = True) -> list[str]:
        """Where the step at `position` can lead. `consent_yes=False` leaves out consent `yes`
        answers; `loops=False` leaves out role-swap loops, which run a set number of rounds."""
        key = (position, consent_yes, loops)
        targets = self.edge_cache.get(key)
        if targets is None:
            targets = self.edge_cache[key] = self._edges(position, consent_yes, loops)
        return targets

    def _edges(self, position: int, consent_yes: bool, loops: bool) -> list[str]:
        step = self.steps[position]
        kind = kind_of(step)
        targets: list[str] = []
        if isinstance(step, ChoiceStep):
            targets = [option.next for option in step.options]
        elif isinstance(step, RescheduleStep):
            targets = [END]
        else:
            for outcome in OUTCOMES[kind]:
                if not consent_yes and kind == "consent" and outcome == "yes":
                    continue
                targets.append(outcome_target(self.ritual, position, outcome))
            if loops and isinstance(step, SwapRolesStep) and step.loop_to is not None:
                targets.append(step.loop_to)
        return targets

    def reach(self, *, consent_yes: bool = True) -> dict[int, int | None]:
        """Steps reachable from the first, each with the step it was first reached from."""
        if not self.steps:
            return {}
        parents: dict[int, int | None] = {0: None}
        queue = deque([0])
        while queue:
            position = queue.popleft()
            for target in self.edges(position, consent_yes=consent_yes):
                if target == END:
                    continue
                following = self.index[target]
                if following not in parents:
                    parents[following] = position
                    queue.append(following)
        return parents

    def graph(self) -> None:
        reached = self.reach()
        self.reachable = set(reached)
        for position, step in enumerate(self.steps):
            if position not in reached:
                self.add(
                    ("step", position),
                    "W020",
                    f'step "{step.id}" can never be reached: no path from the first step leads '
                    "to it.",
                    hint="Point a next or on.<outcome> at it, or remove it.",
                )
        self.endless_loops(reached)
        self.falls_off(reached)
        self.consent_first()

    def endless_loops(self, reached: dict[int, int | None]) -> None:
        finishing: set[int] = set()
        changed = True
        while changed:
            changed = False
            for position in range(len(self.steps)):
                if position in finishing:
                    continue
                for target in self.edges(position):
                    if target == END or self.index[target] in finishing:
                        finishing.add(position)
                        changed = True
                        break
        stuck = [position for position in sorted(reached) if position not in finishing]
        reported: set[int] = set()
        for position in stuck:
            if position in reported:
                continue
            ahead = self.forward(position)
            if position not in ahead:
                continue  # it leads into a circle reported at the circle's first step
            circle = sorted(p for p in ahead if position in self.forward(p))
            reported.update(circle)
            names = _quoted_list([self.steps[p].id for p in circle], "and")
            self.add(
                ("step", position),
                "E021",
                f"steps {names} lead only to one another, in a circle with no way to reach "
                "the end." if len(circle) > 1 else
                f'step "{self.steps[position].id}" leads only back to itself, with no way to '
                "reach the end.",
                hint='Give one of them a way out, such as next = "end" or a jump to a later step.',
            )

    def forward(self, start: int) -> set[int]:
        """Steps reachable from `start` in one or more moves, not counting bounded loops."""
        seen: set[int] = set()
        queue = deque([start])
        while queue:
            position = queue.popleft()
            for target in self.edges(position, loops=False):
                if target == END:
                    continue
                following = self.index[target]
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
        return seen

    def falls_off(self, reached: dict[int, int | None]) -> None:
        if not self.steps:
            return
        last = len(self.steps) - 1
        step = self.steps[last]
        if last not in reached or isinstance(step, (ChoiceStep, RescheduleStep)):
            return
        if step.next is not None:
            return
        if all(outcome in step.on for outcome in OUTCOMES[kind_of(step)]):
            return
        self.add(
            ("step", last),
            "W022",
            f'step "{step.id}" is the last in the file and does not say where to go next, so the '
            "ritual would end silently after it.",
            hint='If that is what you mean, add next = "end" to say so.',
        )

    def consent_first(self) -> None:
        if not any(isinstance(step, ConsentStep) for step in self.steps):
            return  # E032 says it once, rather than E030 for every step
        unconsented = self.reach(consent_yes=False)
        for position, parent in unconsented.items():
            if not self.needs_consent(position):
                continue
            if parent is not None and self.needs_consent(parent):
                continue  # report where the unconsented path first enters, not every step after
            step = self.steps[position]
            trail = [position]
            while unconsented[trail[-1]] is not None:
                trail.append(unconsented[trail[-1]])  # type: ignore[arg-type]
            route = " → ".join(self.steps[p].id for p in reversed(trail))
            kind = kind_of(step)
            why = (
                "is in the share phase"
                if step.phase == "share"
                else f"is a {kind} step, where someone opens up,"
            )
            self.add(
                ("step", position),
                "E030",
                f'step "{step.id}" {why} but it can be reached without a consent "yes": {route}.',
                hint="Put a consent step before it and lead its on.yes here.",
            )

    def needs_consent(self, position: int) -> bool:
        step = self.steps[position]
        if isinstance(step, ConsentStep):
            return False
        return step.phase == "share" or kind_of(step) in VULNERABLE_KINDS

    def consent_steps(self) -> None:
        consents = [p for p, step in enumerate(self.steps) if isinstance(step, ConsentStep)]
        if not consents:
            self.add(
                ("step", 0) if self.steps else (),
                "E032",
                "this ritual has no consent step, so nothing asks you both whether now is a "
                "good time.",
                hint='Add a step with kind = "consent" near the start, with on.yes and '
                "on.not_now.",
            )
        for position in consents:
            step = self.steps[position]
            if "not_now" not in step.on:
                self.add(
                    ("step", position),
                    "E031",
                    f'consent step "{step.id}" does not say where "not now" leads. Saying not '
                    "now must always be possible, and kind.",
                    hint='Add on.not_now = "..." naming a step, usually a reschedule step.',
                )

    # decks: E040 E041 W042 ---------------------------------------------------------------------

    def decks(self) -> None:
        decks = self.ritual.decks
        used: set[str] = set()
        for position, step in enumerate(self.steps):
            if not isinstance(step, DeckStep):
                continue
            used.add(step.deck)
            deck = decks.get(step.deck)
            if deck is None:
                guess = did_you_mean(step.deck, decks)
                hint = (
                    "These imports could not be found: "
                    + ", ".join(self.loaded.missing_imports)
                    + "."
                    if self.loaded.missing_imports
                    else f"Define it with [decks.{step.deck}], or import a deck file with "
                    'imports = ["decks/....toml"].'
                )
                self.add(
                    ("step", position, "deck"),
                    "E040",
                    f'step "{step.id}" draws from the deck "{step.deck}", which is not defined.'
                    f"{guess}",
                    hint=hint,
                )
                continue
            if step.draw is not None and deck.cards and not 1 <= step.draw <= len(deck.cards):
                self.add(
                    ("step", position, "draw"),
                    "E041",
                    f'step "{step.id}" draws {step.draw} cards, but the deck "{step.deck}" has '
                    f"{_count(len(deck.cards), 'card')}.",
                    hint=f"Set draw to a number from 1 to {len(deck.cards)}.",
                )
        for name, deck in decks.items():
            origin = self.loaded.deck_origins.get(name)
            if origin is None:
                continue
            problems = _deck_problems(origin.source, origin.path, name, deck)
            if origin.source is not self.source:
                # An imported deck is checked as it stands after merging, but its placeholders
                # are reported only when its own file is checked, so they are not repeated.
                problems = [p for p in problems if p.code != "E070"]
            self.problems += problems
            if origin.source is self.source and name not in used:
                self.add(
                    origin.path,
                    "W042",
                    f'the deck "{name}" is defined here but no step uses it.',
                    hint="Use it in a deck step (deck = \"" + name + "\"), or remove it.",
                )

    # timers: E050 ------------------------------------------------------------------------------

    def timers(self) -> None:
        low, high = _SECONDS
        for position, step in enumerate(self.steps):
            if not isinstance(step, TimerStep):
                continue
            where = ("step", position)
            if not low <= step.seconds <= high:
                self.add(
                    where + ("seconds",),
                    "E050",
                    f'timer "{step.id}" runs for {step.seconds} seconds, but a timer runs for '
                    f"{low} to {high} seconds (up to an hour).",
                )
            previous = -1
            for number, cue in enumerate(step.cues):
                cue_path = where + ("cues", number, "at")
                if not 0 <= cue.at <= step.seconds:
                    self.add(
                        cue_path,
                        "E050",
                        f'a cue of timer "{step.id}" comes at {cue.at} seconds, outside the '
                        f"timer's 0 to {step.seconds} seconds.",
                    )
                elif cue.at <= previous:
                    self.add(
                        cue_path,
                        "E050",
                        f'the cues of timer "{step.id}" are not in time order: {cue.at} seconds '
                        f"comes after {previous}.",
                        hint="List the cues from the earliest to the latest.",
                    )
                previous = max(previous, cue.at)
            if step.breath is not None:
                breath_low, breath_high = _BREATH
                for name in ("inhale", "hold", "exhale"):
                    value = getattr(step.breath, name)
                    floor = 0 if name == "hold" else breath_low
                    if not floor <= value <= breath_high:
                        self.add(
                            where + ("breath", name),
                            "E050",
                            f'timer "{step.id}" asks to {name} for {value} seconds; that must be '
                            f"{floor} to {breath_high}.",
                        )

    # phases: E060 W061 -------------------------------------------------------------------------

    def phases(self, *, with_graph: bool) -> None:
        phases = self.ritual.phases
        order = {name: number for number, name in enumerate(phases)}
        for position, step in enumerate(self.steps):
            if step.phase not in order:
                guess = did_you_mean(step.phase, phases)
                self.add(
                    ("step", position, "phase"),
                    "E060",
                    f'step "{step.id}" is in the phase "{step.phase}", which is not one of this '
                    f"ritual's phases.{guess}",
                    hint="The phases are: " + ", ".join(phases) + ".",
                )
        used = {step.phase for step in self.steps}
        for number, name in enumerate(phases):
            if name not in used:
                self.add(
                    ("phases", number),
                    "W061",
                    f'the phase "{name}" is listed, but no step is in it.',
                    hint="Remove it from phases, or put a step in it.",
                )
        if not with_graph:
            return
        reported: set[int] = set()
        for position, step in enumerate(self.steps):
            if position not in self.reachable or step.phase not in order:
                continue
            for target in self.edges(position):
                if target == END:
                    continue
                following = self.index[target]
                later = self.steps[following]
                if (
                    following <= position  # a loop goes back on purpose
                    or following in reported
                    or isinstance(later, RescheduleStep)  # ends the ritual; no phase follows
                    or later.phase not in order
                    or order[later.phase] >= order[step.phase]
                ):
                    continue
                reported.add(following)
                self.add(
                    ("step", following, "phase"),
                    "W061",
                    f'step "{later.id}" is in the phase "{later.phase}" but comes after step '
                    f'"{step.id}" in "{step.phase}", a later phase.',
                    hint="Phases run in the order listed: " + ", ".join(phases) + ".",
                )

    # placeholders: E070 ------------------------------------------------------------------------

    def placeholders(self) -> None:
        source = self.source
        self.problems += _placeholder_problems(source, ("title",), "the title", self.ritual.title)
        self.problems += _placeholder_problems(
            source, ("summary",), "the summary", self.ritual.summary
        )
        for position, step in enumerate(self.steps):
            base = ("step", position)
            where = f'the text of step "{step.id}"'
            text = getattr(step, "text", "")
            self.problems += _placeholder_problems(source, base + ("text",), where, text)
            if isinstance(step, TimerStep):
                for number, cue in enumerate(step.cues):
                    self.problems += _placeholder_problems(
                        source,
                        base + ("cues", number, "text"),
                        f'cue {number + 1} of step "{step.id}"',
                        cue.text,
                    )
            if isinstance(step, ChoiceStep):
                for number, option in enumerate(step.options):
                    self.problems += _placeholder_problems(
                        source,
                        base + ("options", number, "label"),
                        f'option {number + 1} of step "{step.id}"',
                        option.label,
                    )
            if isinstance(step, (RescheduleStep, PlanStep)):
                for number, suggestion in enumerate(step.suggest):
                    self.problems += _placeholder_problems(
                        source,
                        base + ("suggest", number),
                        f'suggestion {number + 1} of step "{step.id}"',
                        suggestion,
                    )

    # swaps: E071 -------------------------------------------------------------------------------

    def swaps(self) -> None:
        low, high = _ROUNDS
        for position, step in enumerate(self.steps):
            if not isinstance(step, SwapRolesStep):
                continue
            target = step.loop_to
            if target is not None and target in self.index and self.index[target] >= position:
                self.add(
                    ("step", position, "loop_to"),
                    "E071",
                    f'step "{step.id}" loops to "{target}", which is not before it. A role swap '
                    "goes back to an earlier step for the next round.",
                )
            if not low <= step.rounds <= high:
                self.add(
                    ("step", position, "rounds"),
                    "E071",
                    f'step "{step.id}" asks for {step.rounds} rounds; a role swap runs {low} to '
                    f"{high} rounds.",
                )

    # who: E072 ---------------------------------------------------------------------------------

    def who(self) -> None:
        for position, step in enumerate(self.steps):
            kind = kind_of(step)
            allowed = WHO.get(kind)
            who = getattr(step, "who", None)
            if allowed is None or who is None or who in allowed:
                continue
            guess = did_you_mean(who, allowed)
            self.add(
                ("step", position, "who"),
                "E072",
                f'step "{step.id}" has who = "{who}", which a {kind} step does not allow.{guess}',
                hint=f"For a {kind} step, who can be: {_quoted_list(allowed)}.",
            )

    # files: W080 -------------------------------------------------------------------------------

    def files(self) -> None:
        display = self.source.display
        base = Path.cwd() if display.startswith("<") else Path(display).parent
        for position, step in enumerate(self.steps):
            if not isinstance(step, PhotoStep) or not step.folder:
                continue
            folder = Path(step.folder).expanduser()
            if not folder.is_absolute():
                folder = base / folder
            if not folder.is_dir():
                self.add(
                    ("step", position, "folder"),
                    "W080",
                    f'step "{step.id}" shows photos from the folder "{step.folder}", which does '
                    "not exist here.",
                    hint="Check the spelling, or leave folder out to pick a folder each time.",
                )


def _id_problem(identifier: str) -> str:
    if identifier == END:
        return 'is taken: "end" means the end of the ritual.'
    if len(identifier) > _ID_MAX:
        return f"is {len(identifier)} characters long; ids are at most {_ID_MAX}."
    if not _ID.match(identifier):
        return (
            "is not a valid id: use lower-case letters, digits and _, starting with a letter."
        )
    return ""

