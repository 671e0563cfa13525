"""The ritual state machine: `apply(ritual, state, event) -> state` and `view(...)`, both pure.

An event that does not fit the moment (a second "yes", a card drawn on a timer step, anything
but resume while paused) leaves the state unchanged: the engine never raises on a well-typed
event, so a stray key press or a hostile peer cannot break a ritual.
"""

from __future__ import annotations

import hashlib
import random
import re

from msgspec.structs import replace

from nearer.engine import events as ev
from nearer.engine.events import Partner, other
from nearer.engine.state import DrawnCard, Entry, PlanMade, RunState
from nearer.engine.view import BreathView, View
from nearer.ritual import model as m

_PLACEHOLDER = re.compile(r"\{(speaker|listener|a|b)\}")


def new_state(ritual: m.Ritual, ritual_hash: str = "") -> RunState:
    return RunState(ritual_id=ritual.id, ritual_hash=ritual_hash)


# -- who acts -------------------------------------------------------------------------------


def _resolve_who(who: str, state: RunState) -> list[Partner]:
    if who == "both":
        return ["a", "b"]
    if who == "speaker":
        return [state.speaker]
    if who == "listener":
        return [other(state.speaker)]
    if who in ("a", "b"):
        return [who]  # type: ignore[list-item]
    return ["a", "b"]


def actors(ritual: m.Ritual, state: RunState) -> list[Partner]:
    """The partners the current step waits on."""
    step = ritual.step_by_id(state.step)
    if step is None or state.status == "ended":
        return []
    if isinstance(step, m.DeckStep):
        if step.who == "alternate":
            return [state.turn]
        return _resolve_who(step.who, state)
    who = getattr(step, "who", "both")
    if isinstance(step, (m.RevealStep,)):
        return ["a", "b"]
    if isinstance(step, (m.TextStep, m.TimerStep, m.SwapRolesStep, m.ChoiceStep, m.RescheduleStep, m.PlanStep)):
        return ["a", "b"]
    return _resolve_who(who, state)


def _waiting_on(ritual: m.Ritual, state: RunState) -> list[Partner]:
    step = ritual.step_by_id(state.step)
    acting = actors(ritual, state)
    if isinstance(step, m.ConsentStep):
        return [p for p in acting if p not in state.consents]
    if isinstance(step, m.RevealStep):
        return [p for p in acting if p not in state.hidden and p not in state.revealed]
    if isinstance(step, (m.PromptStep, m.ReflectStep)):
        return [p for p in acting if p not in state.done]
    return acting


# -- moving between steps -------------------------------------------------------------------


def _shuffled(cards: list[str], seed: int, deck: str, salt: int) -> list[str]:
    order = list(cards)
    digest = hashlib.sha256(f"{seed}:{deck}:{salt}".encode()).digest()
    random.Random(digest).shuffle(order)
    return order


def _current_cycle(history: list[str], cards: list[str]) -> list[str]:
    """The cards drawn since the deck was last used up, from a history in the order drawn.

    `Start.seen_cards` may be every card ever drawn from a `forever` deck (the journal keeps them
    all): walking it and starting over each time every card has been seen keeps the no-repeat
    promise in every cycle, not just the first."""
    deck = set(cards)
    current: list[str] = []
    for card in history:
        if card in deck and card not in current:
            current.append(card)
            if len(current) == len(deck):
                current = []
    return current


def _deal(ritual: m.Ritual, state: RunState, step: m.DeckStep) -> RunState:
    deck = ritual.decks.get(step.deck)
    if deck is None or not deck.cards:
        return replace(state, hand=[], card=0)
    want = max(1, min(step.draw or deck.draw, len(deck.cards)))
    used = _current_cycle(state.deck_used.get(step.deck, []), deck.cards)
    fresh = [c for c in deck.cards if c not in set(used)]
    hand = _shuffled(fresh, state.seed, step.deck, len(used))[:want]
    if len(hand) < want:
        # Every card has been seen: start the deck over, without repeating this hand. Only the
        # cards of the new cycle count as used in it.
        restart = [c for c in deck.cards if c not in set(hand)]
        used = _shuffled(restart, state.seed, step.deck, 7919)[: want - len(hand)]
        hand = hand + used
    else:
        used = used + hand
    deck_used = dict(state.deck_used)
    deck_used[step.deck] = used
    drawn = state.cards_drawn + [DrawnCard(deck=step.deck, text=card) for card in hand]
    return replace(state, hand=hand, card=0, deck_used=deck_used, cards_drawn=drawn)


def _enter(ritual: m.Ritual, state: RunState, step_id: str) -> RunState:
    state = replace(
        state,
        step=step_id,
        step_started=state.now,
        consents={},
        done=[],
        answers={},
        hidden={},
        revealed={},
        hand=[],
        card=0,
        timer_paused=0.0,
        history=state.history + [step_id],
    )
    if step_id == m.END:
        return replace(state, status="ended", outcome=state.outcome or "end")
    step = ritual.step_by_id(step_id)
    if isinstance(step, m.DeckStep):
        state = replace(state, turn=state.speaker)
        state = _deal(ritual, state, step)
    return state


def _finish(ritual: m.Ritual, state: RunState, outcome: str) -> RunState:
    index = ritual.index_of(state.step)
    return _enter(ritual, state, m.outcome_target(ritual, index, outcome))


# -- apply ----------------------------------------------------------------------------------


def apply(ritual: m.Ritual, state: RunState, event: ev.Event) -> RunState:
    """The next state after `event`. Never raises for a well-typed event."""
    if event.at is not None and event.at > state.now:
        state = replace(state, now=event.at)
    if isinstance(event, ev.Tick):
        if event.now > state.now:
            state = replace(state, now=event.now)
        return _on_time(ritual, state)
    if state.status == "ended":
        return state
    if isinstance(event, ev.Start):
        return _start(ritual, state, event)
    if state.status == "new":
        return state
    if isinstance(event, ev.Leave):
        return replace(state, status="ended", outcome="left", paused_by=None, paused_at=None)
    if isinstance(event, ev.Pause):
        if state.status == "paused":
            return state
        return replace(state, status="paused", paused_by=event.partner, paused_at=state.now)
    if isinstance(event, ev.Resume):
        return _resume(ritual, state, event.partner)
    if state.status == "paused":
        return state
    step = ritual.step_by_id(state.step)
    if step is None:
        return state
    return _on_step(ritual, state, step, event)


def _start(ritual: m.Ritual, state: RunState, event: ev.Start) -> RunState:
    if state.status != "new" or not ritual.step:
        return state
    known = {deck: list(cards) for deck, cards in event.seen_cards.items() if deck in ritual.decks}
    for deck, used in known.items():
        cards = set(ritual.decks[deck].cards)
        known[deck] = [c for c in used if c in cards]
        if ritual.decks[deck].no_repeat != "forever":
            known[deck] = []
    state = replace(
        state,
        status="running",
        speaker=event.first_speaker,
        turn=event.first_speaker,
        names={k: v for k, v in event.names.items() if k in ("a", "b")},
        seed=event.seed,
        deck_used=known,
        review={name: [line for line in lines if line.strip()] for name, lines in event.review.items()},
    )
    return _enter(ritual, state, ritual.step[0].id)


def _resume(ritual: m.Ritual, state: RunState, partner: Partner) -> RunState:
    if state.status != "paused" or partner != state.paused_by:
        return state
    paused_for = max(0.0, state.now - (state.paused_at or state.now))
    step = ritual.step_by_id(state.step)
    extra = paused_for if isinstance(step, m.TimerStep) else 0.0
    return replace(
        state,
        status="running",
        paused_by=None,
        paused_at=None,
        timer_paused=state.timer_paused + extra,
        step_started=state.step_started + (0.0 if extra else paused_for),
    )


def _on_time(ritual: m.Ritual, state: RunState) -> RunState:
    if state.status != "running":
        return state
    step = ritual.step_by_id(state.step)
    if isinstance(step, m.TimerStep) and _timer_remaining(step, state) <= 0:
        return _finish(ritual, state, "done")
    return state


def _timer_remaining(step: m.TimerStep, state: RunState) -> float:
    elapsed = state.now - state.step_started - state.timer_paused
    if state.status == "paused" and state.paused_at is not None:
        elapsed -= state.now - state.paused_at
    return max(0.0, step.seconds - elapsed)


def _on_step(ritual: m.Ritual, state: RunState, step: m.Step, event: ev.Event) -> RunState:
    acting = actors(ritual, state)
    partner = getattr(event, "partner", None)
    if partner not in acting:
        return state

    if isinstance(step, m.ConsentStep):
        if not isinstance(event, ev.Consent) or partner in state.consents:
            return state
        if event.answer == "not_now":
            return _finish(ritual, state, "not_now")
        consents = {**state.consents, partner: "yes"}
        state = replace(state, consents=consents)
        if all(p in consents for p in acting):
            return _finish(ritual, state, "yes")
        return state

    if isinstance(step, (m.TextStep, m.SwapRolesStep)):
        if not isinstance(event, ev.Done):
            return state
        if isinstance(step, m.SwapRolesStep):
            return _swap(ritual, state, step)
        return _finish(ritual, state, "done")

    if isinstance(step, m.PromptStep):
        return _on_prompt(ritual, state, step, event, partner)

    if isinstance(step, m.ReflectStep):
        return _on_reflect(ritual, state, step, event, partner)

    if isinstance(step, m.DeckStep):
        return _on_deck(ritual, state, step, event, partner)

    if isinstance(step, m.TimerStep):
        if isinstance(event, ev.Stop):
            return _finish(ritual, state, "stop")
        return state

    if isinstance(step, m.PhotoStep):
        if isinstance(event, ev.Skip):
            return _finish(ritual, state, "skip")
        if isinstance(event, ev.Answer) and event.text.strip():
            entry = Entry(step_id=step.id, kind="answer", author=partner, prompt=_fill(step.text, state), text=event.text)
            return _finish(ritual, replace(state, entries=state.entries + [entry]), "done")
        if isinstance(event, ev.Done):
            return _finish(ritual, state, "done")
        return state

    if isinstance(step, m.RevealStep):
        return _on_reveal(ritual, state, step, event, partner)

    if isinstance(step, m.ChoiceStep):
        if isinstance(event, ev.Choose) and 0 <= event.option < len(step.options):
            return _enter(ritual, state, step.options[event.option].next)
        return state

    if isinstance(step, m.PlanStep):
        if isinstance(event, ev.Plan) and event.what.strip() and event.when.strip():
            made = PlanMade(step_id=step.id, what=event.what.strip(), when=event.when.strip(), offer=step.offer)
            return _finish(ritual, replace(state, plans=state.plans + [made]), "planned")
        if isinstance(event, ev.Skip):
            return _finish(ritual, state, "skip")
        return state

    if isinstance(step, m.RescheduleStep):
        if isinstance(event, ev.Plan) and event.when.strip():
            state = replace(state, plan=event.when.strip(), outcome="reschedule")
            return _enter(ritual, state, m.END)
        if isinstance(event, (ev.Skip, ev.Done)):
            return _enter(ritual, replace(state, outcome="reschedule"), m.END)
        return state
    return state


def _min_time_left(step: m.PromptStep, state: RunState) -> bool:
    return state.now < state.step_started + step.min_seconds


def _on_prompt(ritual, state, step: m.PromptStep, event, partner: Partner) -> RunState:
    if isinstance(event, ev.Skip):
        return _finish(ritual, state, "skip")
    if partner in state.done or _min_time_left(step, state):
        return state
    entries = state.entries
    answers = state.answers
    if isinstance(event, ev.Answer):
        text = event.text.strip()
        if not text:
            return state
        answers = {**answers, partner: text}
        if step.save:
            entry = Entry(step_id=step.id, kind="answer", author=partner, prompt=_fill(step.text, state), text=text)
            entries = entries + [entry]
    elif not isinstance(event, ev.Done):
        return state
    state = replace(state, done=state.done + [partner], answers=answers, entries=entries)
    if all(p in state.done for p in actors(ritual, state)):
        return _finish(ritual, state, "done")
    return state


def _on_reflect(ritual, state, step: m.ReflectStep, event, partner: Partner) -> RunState:
    if partner in state.done:
        return state
    if isinstance(event, ev.Skip):
        state = replace(state, done=state.done + [partner])
    elif isinstance(event, ev.Answer) and event.text.strip():
        if step.private == "ask":
            private = bool(event.private)
        else:
            private = step.private == "private"
        entry = Entry(
            step_id=step.id,
            kind="reflection",
            author=partner,
            prompt=_fill(step.text, state),
            text=event.text.strip(),
            private=private,
            tags=list(step.tags),
        )
        answers = {**state.answers, partner: entry.text}
        state = replace(state, done=state.done + [partner], answers=answers, entries=state.entries + [entry])
    else:
        return state
    if all(p in state.done for p in actors(ritual, state)):
        # Only what was written on this visit counts: a loop may bring the step back.
        return _finish(ritual, state, "saved" if state.answers else "skip")
    return state


def _on_deck(ritual, state, step: m.DeckStep, event, partner: Partner) -> RunState:
    if isinstance(event, ev.Stop):
        return _finish(ritual, state, "stop")
    if isinstance(event, ev.Answer):
        text = event.text.strip()
        if not text or not state.hand:
            return state
        entry = Entry(step_id=step.id, kind="answer", author=partner, prompt=state.hand[state.card], text=text)
        state = replace(state, entries=state.entries + [entry])
    elif not isinstance(event, (ev.Draw, ev.Done)):
        return state
    if state.card + 1 >= len(state.hand):
        return _finish(ritual, state, "done")
    turn = other(state.turn) if step.who == "alternate" else state.turn
    return replace(state, card=state.card + 1, turn=turn)


def _on_reveal(ritual, state, step: m.RevealStep, event, partner: Partner) -> RunState:
    if state.revealed:
        if isinstance(event, ev.Done):
            return _finish(ritual, state, "done")
        return state
    if not isinstance(event, ev.Answer) or partner in state.hidden or not event.text.strip():
        return state
    hidden = {**state.hidden, partner: event.text.strip()}
    if len(hidden) < 2:
        return replace(state, hidden=hidden)
    prompt = _fill(step.text, state)
    entries = state.entries + [
        Entry(step_id=step.id, kind="answer", author=p, prompt=prompt, text=hidden[p]) for p in ("a", "b")
    ]
    return replace(state, hidden={}, revealed=hidden, entries=entries)


def _swap(ritual, state, step: m.SwapRolesStep) -> RunState:
    swapped = replace(state, speaker=other(state.speaker))
    if step.loop_to is None:
        return _finish(ritual, swapped, "done")
    played = state.loops.get(step.id, 0)
    if played < step.rounds - 1:
        loops = {**state.loops, step.id: played + 1}
        return _enter(ritual, replace(swapped, loops=loops), step.loop_to)
    loops = {**state.loops, step.id: 0}
    return _finish(ritual, replace(state, loops=loops), "done")


# -- view -----------------------------------------------------------------------------------


def _fill(text: str, state: RunState) -> str:
    names = {
        "a": state.names.get("a") or "A",
        "b": state.names.get("b") or "B",
    }
    names["speaker"] = names[state.speaker]
    names["listener"] = names[other(state.speaker)]
    return _PLACEHOLDER.sub(lambda match: names[match.group(1)], text)


def view(ritual: m.Ritual, state: RunState, viewer: Partner | None = None) -> View:
    """What `viewer` may see now (None: the shared screen of a local session)."""
    step = ritual.step_by_id(state.step)
    kind = m.kind_of(step) if step is not None else ("end" if state.step == m.END else "")
    phase = step.phase if step is not None else ""
    phases = list(ritual.phases)
    phase_index = phases.index(phase) if phase in phases else (len(phases) if state.step == m.END else -1)
    result = View(
        ritual_id=ritual.id,
        title=ritual.title,
        status=state.status,
        viewer=viewer,
        step_id=state.step,
        kind=kind,
        phase=phase,
        phases=phases,
        phase_index=phase_index,
        text=_fill(getattr(step, "text", ""), state) if step is not None else "",
        names={"a": state.names.get("a") or "A", "b": state.names.get("b") or "B"},
        speaker=state.speaker,
        listener=other(state.speaker),
        actors=actors(ritual, state),
        waiting_on=_waiting_on(ritual, state),
        now=state.now,
        visit=len(state.history),
        consents=dict(state.consents),
        paused_by=state.paused_by,
        paused_at=state.paused_at,
        outcome=state.outcome,
        plan=state.plan,
        offer=ritual.offer if state.step == m.END and state.outcome == "end" else None,
    )
    if isinstance(step, m.PromptStep):
        result.answer_mode = step.answer
        result.ready_at = state.step_started + step.min_seconds
    elif isinstance(step, m.DeckStep):
        deck = ritual.decks.get(step.deck)
        result.answer_mode = step.answer
        result.deck_title = (deck.title if deck else "") or step.deck
        if state.hand:
            result.card = state.hand[state.card]
            result.card_number = state.card + 1
            result.card_count = len(state.hand)
        result.asker = state.turn if step.who == "alternate" else None
    elif isinstance(step, m.TimerStep):
        result.seconds = step.seconds
        result.remaining = _timer_remaining(step, state)
        if step.breath is not None:
            result.breath = BreathView(inhale=step.breath.inhale, hold=step.breath.hold, exhale=step.breath.exhale)
        elapsed = step.seconds - result.remaining
        passed = [cue for cue in step.cues if cue.at <= elapsed]
        result.cue = _fill(passed[-1].text, state) if passed else ""
    elif isinstance(step, m.ReflectStep):
        result.private_mode = step.private
        result.answer_mode = "typed"
    elif isinstance(step, m.SwapRolesStep):
        result.round = state.loops.get(step.id, 0) + 1
        result.rounds = step.rounds
    elif isinstance(step, m.RevealStep):
        result.answer_mode = "typed"
        result.answered = {p: (p in state.hidden or p in state.revealed) for p in ("a", "b")}
        result.revealed = dict(state.revealed)
        if viewer is not None:
            result.own_answer = state.hidden.get(viewer, state.revealed.get(viewer, ""))
    elif isinstance(step, m.ChoiceStep):
        result.options = [_fill(option.label, state) for option in step.options]
    elif isinstance(step, (m.RescheduleStep, m.PlanStep)):
        result.suggestions = list(step.suggest)
        if isinstance(step, m.PlanStep):
            result.offer = step.offer
    elif isinstance(step, m.TextStep) and step.show:
        result.shown = {name: list(state.review.get(name, [])) for name in step.show}
    elif isinstance(step, m.PhotoStep):
        result.folder = step.folder
    return result
