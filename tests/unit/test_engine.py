"""The ritual engine, one behaviour per test, on small rituals in tests/fixtures/engine/."""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec
import pytest

from nearer.engine import apply, dumps, loads, new_state, view
from nearer.engine.events import (
    Answer,
    Choose,
    Consent,
    Done,
    Draw,
    Leave,
    Pause,
    Plan,
    Resume,
    Skip,
    Start,
    Stop,
    Tick,
)
from nearer.ritual.model import Ritual, decode_ritual

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"
NAMES = {"a": "Ana", "b": "Ben"}


def ritual(name: str) -> Ritual:
    return decode_ritual(tomllib.loads((FIXTURES / f"{name}.toml").read_text(encoding="utf-8")))


def started(r: Ritual, first: str = "a", seed: int = 1, seen: dict | None = None, at: float = 0.0):
    state = new_state(r)
    return apply(r, state, Start(first_speaker=first, names=NAMES, seed=seed, seen_cards=seen or {}, at=at))


def play(r: Ritual, state, *events):
    for event in events:
        state = apply(r, state, event)
    return state


def view_strings(v) -> str:
    """Everything a View carries, as one string, so a secret anywhere in it is found."""
    return msgspec.json.encode(v).decode()


# -- consent ------------------------------------------------------------------------------


def test_consent_both_waits_for_the_second_yes():
    r = ritual("consent")
    s = play(r, started(r), Consent(partner="a", answer="yes"))
    assert s.step == "ask"
    assert view(r, s).waiting_on == ["b"]
    s = play(r, s, Consent(partner="b", answer="yes"))
    assert s.step == "go"


def test_consent_second_yes_from_the_same_partner_does_not_count():
    r = ritual("consent")
    s = play(r, started(r), Consent(partner="a", answer="yes"), Consent(partner="a", answer="yes"))
    assert s.step == "ask"


@pytest.mark.parametrize("who", ["a", "b"])
def test_consent_not_now_from_either_partner_jumps_to_on_not_now(who):
    r = ritual("consent")
    s = play(r, started(r), Consent(partner=who, answer="not_now"))
    assert s.step == "later"


def test_not_now_after_the_other_said_yes_still_jumps_to_on_not_now():
    r = ritual("consent")
    s = play(r, started(r), Consent(partner="a", answer="yes"), Consent(partner="b", answer="not_now"))
    assert s.step == "later"


# -- reschedule ---------------------------------------------------------------------------


def test_reschedule_records_the_plan_and_ends_with_outcome_reschedule():
    r = ritual("consent")
    s = play(r, started(r), Consent(partner="b", answer="not_now"), Plan(partner="a", when="  tomorrow  "))
    assert (s.status, s.outcome, s.plan, s.step) == ("ended", "reschedule", "tomorrow", "end")
    assert view(r, s).plan == "tomorrow"


def test_reschedule_with_an_empty_plan_keeps_asking():
    r = ritual("consent")
    s = play(r, started(r), Consent(partner="b", answer="not_now"), Plan(partner="a", when="  "))
    assert (s.status, s.step) == ("running", "later")


# -- prompt -------------------------------------------------------------------------------


def test_prompt_for_the_speaker_ignores_the_listener():
    r = ritual("prompts")
    s = play(r, started(r, first="b"), Tick(now=100), Done(partner="a"))
    assert s.step == "timed"
    s = play(r, s, Done(partner="b"))
    assert s.step == "together"


def test_prompt_min_seconds_refuses_done_before_the_time():
    r = ritual("prompts")
    s = play(r, started(r, at=1000.0), Done(partner="a", at=1029.0))
    assert s.step == "timed"
    assert view(r, s).ready_at == 1030.0
    s = play(r, s, Done(partner="a", at=1030.0))
    assert s.step == "together"


def test_prompt_min_seconds_counts_time_from_ticks():
    r = ritual("prompts")
    s = play(r, started(r), Tick(now=10), Done(partner="a"))
    assert s.step == "timed"
    s = play(r, s, Tick(now=31), Done(partner="a"))
    assert s.step == "together"


def test_prompt_min_seconds_does_not_count_a_pause():
    r = ritual("prompts")
    s = play(r, started(r), Pause(partner="a", at=10), Resume(partner="a", at=100), Done(partner="a", at=110))
    assert s.step == "timed"
    s = play(r, s, Done(partner="a", at=120))
    assert s.step == "together"


def test_prompt_for_both_waits_for_both():
    r = ritual("prompts")
    s = play(r, started(r), Tick(now=30), Done(partner="a"), Answer(partner="a", text="tired"))
    assert s.step == "together"
    assert view(r, s).waiting_on == ["b"]
    s = play(r, s, Answer(partner="b", text="glad"))
    assert s.step == "after"
    assert [(e.author, e.text) for e in s.entries] == [("a", "tired"), ("b", "glad")]


# -- swap_roles ---------------------------------------------------------------------------


def speakers_of_share(r: Ritual, first: str = "a"):
    """Play the swap fixture to the end, recording who was speaker each time `share` came up."""
    s = play(r, started(r, first=first), Done(partner="a"))
    speakers = []
    for _ in range(20):
        if s.step == "share":
            speakers.append(s.speaker)
            s = play(r, s, Done(partner=s.speaker))
        elif s.step == "swap":
            s = play(r, s, Done(partner="a"))
        else:
            break
    return speakers, s


def test_swap_roles_with_two_rounds_plays_the_body_twice_then_falls_through():
    speakers, s = speakers_of_share(ritual("swap2"))
    assert speakers == ["a", "b"]
    assert s.step == "after"


def test_swap_roles_swaps_starting_from_the_first_speaker():
    speakers, _ = speakers_of_share(ritual("swap2"), first="b")
    assert speakers == ["b", "a"]


def test_swap_roles_with_three_rounds_plays_the_body_three_times():
    speakers, s = speakers_of_share(ritual("swap3"))
    assert speakers == ["a", "b", "a"]
    assert s.step == "after"


def test_swap_roles_view_counts_the_round():
    r = ritual("swap2")
    s = play(r, started(r), Done(partner="a"), Done(partner="a"))
    assert (view(r, s).round, view(r, s).rounds) == (1, 2)
    s = play(r, s, Done(partner="a"), Done(partner="b"))
    assert s.step == "swap"
    assert view(r, s).round == 2


# -- deck ---------------------------------------------------------------------------------


def draw_all(r: Ritual, s):
    """Draw through every deck step, asked by whoever's turn it is."""
    askers = []
    for _ in range(50):
        v = view(r, s)
        if v.kind != "deck":
            break
        askers.append((s.step, v.asker))
        s = play(r, s, Draw(partner=v.waiting_on[0]))
    return askers, s


def test_deck_draws_the_decks_number_of_cards():
    r = ritual("deck")
    s = started(r)
    assert view(r, s).card_count == 2
    assert len(s.hand) == 2


def test_deck_alternates_the_asker_starting_with_the_speaker():
    r = ritual("deck")
    askers, _ = draw_all(r, started(r, first="b"))
    assert askers[:4] == [("ask", "b"), ("ask", "a"), ("again", "b"), ("again", "a")]


def test_deck_ignores_a_draw_from_the_partner_who_is_not_asking():
    r = ritual("deck")
    s = play(r, started(r), Draw(partner="b"))
    assert s.card == 0


def test_deck_never_repeats_a_card_within_a_session():
    r = ritual("deck")
    for seed in range(30):
        _, s = draw_all(r, started(r, seed=seed))
        small = [c.text for c in s.cards_drawn if c.deck == "small"]
        assert len(small) == 4
        assert len(set(small)) == 4, (seed, small)


def test_deck_stop_ends_the_step_early():
    r = ritual("deck")
    s = play(r, started(r), Stop(partner="a"))
    assert s.step == "again"


def test_deck_typed_answer_is_saved_against_the_card():
    r = ritual("deck")
    s = started(r)
    s = play(r, s, Stop(partner="a"), Stop(partner="a"))
    assert s.step == "colours"
    card = view(r, s).card
    s = play(r, s, Answer(partner="b", text="the sea"))
    assert [(e.prompt, e.author, e.text) for e in s.entries] == [(card, "b", "the sea")]


def sessions(r: Ritual, count: int, seed0: int = 0):
    """Play `count` sessions in a row, feeding each one every card drawn before, as the journal does."""
    history: list[str] = []
    hands = []
    for n in range(count):
        _, s = draw_all(r, started(r, seed=seed0 + n, seen={"small": list(history)}))
        hand = [c.text for c in s.cards_drawn if c.deck == "small"]
        hands.append(hand)
        history.extend(hand)
    return hands, history


def cycles(history: list[str], deck: set[str]) -> list[list[str]]:
    """Split a card history into runs that each end when every card has been seen."""
    out, current, seen = [], [], set()
    for card in history:
        current.append(card)
        seen.add(card)
        if seen == deck:
            out.append(current)
            current, seen = [], set()
    return out + ([current] if current else [])


def test_deck_forever_does_not_repeat_across_sessions_until_the_deck_is_used_up():
    r = ritual("deck")
    hands, history = sessions(r, 2)
    # Five cards, four a session: the second session must first finish the deck.
    assert set(hands[1][:1]) == {"one", "two", "three", "four", "five"} - set(hands[0])


@pytest.mark.parametrize("seed0", range(0, 100, 10))
def test_deck_forever_starts_over_once_used_up_and_never_repeats_within_a_cycle(seed0):
    r = ritual("deck")
    deck = set(r.decks["small"].cards)
    _, history = sessions(r, 12, seed0)
    runs = cycles(history, deck)
    assert len(runs) >= 8
    for run in runs:
        assert len(run) == len(set(run)), run


def test_deck_forever_ignores_cards_no_longer_in_the_deck():
    r = ritual("deck")
    _, s = draw_all(r, started(r, seen={"small": ["gone", "one", "two", "three"]}))
    small = [c.text for c in s.cards_drawn if c.deck == "small"]
    assert set(small[:2]) == {"four", "five"}


def test_deck_session_mode_forgets_earlier_sessions():
    r = ritual("deck")
    seen = {"fresh": ["red", "green", "blue"]}
    hands = set()
    for seed in range(20):
        s = play(r, started(r, seed=seed, seen=seen), Stop(partner="a"), Stop(partner="a"))
        hands.add(tuple(s.hand))
    assert any(set(h) & {"red", "green", "blue"} for h in hands)


def test_deck_same_seed_same_hand():
    r = ritual("deck")
    assert draw_all(r, started(r, seed=42))[1].cards_drawn == draw_all(r, started(r, seed=42))[1].cards_drawn


def test_deck_different_seeds_usually_give_different_hands():
    r = ritual("deck")
    hands = {tuple(c.text for c in draw_all(r, started(r, seed=seed))[1].cards_drawn) for seed in range(20)}
    assert len(hands) > 5


# -- timer --------------------------------------------------------------------------------


def test_timer_finishes_on_a_tick_past_its_seconds():
    r = ritual("timer")
    s = play(r, started(r, at=100.0), Tick(now=159.0))
    assert s.step == "hold"
    assert view(r, s).remaining == 1.0
    s = play(r, s, Tick(now=160.0))
    assert s.step == "after"


def test_timer_stop_ends_it_early():
    r = ritual("timer")
    s = play(r, started(r), Tick(now=5), Stop(partner="b"))
    assert s.step == "after"


def test_timer_does_not_count_a_pause():
    r = ritual("timer")
    s = play(r, started(r), Tick(now=10), Pause(partner="a"))
    assert view(r, s).remaining == 50
    s = play(r, s, Tick(now=500))
    assert (s.status, view(r, s).remaining) == ("paused", 50)
    s = play(r, s, Resume(partner="a"))
    assert (s.step, view(r, s).remaining) == ("hold", 50)
    s = play(r, s, Tick(now=549))
    assert s.step == "hold"
    s = play(r, s, Tick(now=550))
    assert s.step == "after"


def test_timer_cues_appear_once_their_time_has_passed():
    r = ritual("timer")
    s = started(r)
    assert view(r, s).cue == ""
    s = play(r, s, Tick(now=19.5))
    assert view(r, s).cue == ""
    s = play(r, s, Tick(now=20))
    assert view(r, s).cue == "Keep breathing, Ana."
    s = play(r, s, Tick(now=45))
    assert view(r, s).cue == "Almost there."


def test_timer_view_carries_the_breath():
    r = ritual("timer")
    b = view(r, started(r)).breath
    assert (b.inhale, b.hold, b.exhale) == (4, 2, 6)


# -- reflect ------------------------------------------------------------------------------


def test_reflect_ask_keeps_each_authors_choice_of_privacy():
    r = ritual("reflect")
    s = play(r, started(r), Answer(partner="a", text="mine", private=True), Answer(partner="b", text="ours"))
    assert s.step == "shared"
    assert [(e.author, e.text, e.private, e.kind) for e in s.entries] == [
        ("a", "mine", True, "reflection"),
        ("b", "ours", False, "reflection"),
    ]


def test_reflect_shared_and_private_force_privacy():
    r = ritual("reflect")
    s = play(
        r,
        started(r),
        Skip(partner="a"),
        Answer(partner="b", text="x"),
        Answer(partner="a", text="s", private=True),
        Answer(partner="b", text="t", private=True),
        Answer(partner="a", text="p", private=False),
        Answer(partner="b", text="q"),
    )
    assert s.status == "ended"
    forced = {e.text: e.private for e in s.entries if e.step_id != "ask"}
    assert forced == {"s": False, "t": False, "p": True, "q": True}


def test_reflect_waits_for_both():
    r = ritual("reflect")
    s = play(r, started(r), Answer(partner="a", text="one"))
    assert (s.step, view(r, s).waiting_on) == ("ask", ["b"])


def test_reflect_skipped_by_both_saves_nothing_and_takes_the_skip_outcome():
    r = ritual("reflect")
    s = play(r, started(r), Skip(partner="a"), Skip(partner="b"))
    assert s.entries == []
    assert s.step == "skipped"


def test_reflect_ignores_a_blank_answer():
    r = ritual("reflect")
    s = play(r, started(r), Answer(partner="a", text="   "))
    assert s.entries == [] and s.done == []


def test_reflect_skipped_on_a_second_pass_takes_the_skip_outcome():
    r = ritual("reflect_loop")
    s = play(r, started(r), Answer(partner="a", text="first pass"), Skip(partner="b"))
    assert s.step == "thanks"
    s = play(r, s, Done(partner="a"), Done(partner="a"))
    assert s.step == "note"
    s = play(r, s, Skip(partner="a"), Skip(partner="b"))
    assert s.step == "no_worries"


# -- reveal -------------------------------------------------------------------------------

SECRET_A = "I secretly hope for the mountains"
SECRET_B = "Dinner at Luigi's"


def test_reveal_hides_one_answer_from_the_shared_screen_and_the_other_partner():
    r = ritual("reveal")
    s = play(r, started(r), Answer(partner="a", text=SECRET_A))
    for viewer in (None, "b"):
        v = view(r, s, viewer)
        assert SECRET_A not in view_strings(v), viewer
        assert v.answered == {"a": True, "b": False}
        assert v.revealed == {}


def test_reveal_shows_the_author_their_own_answer():
    r = ritual("reveal")
    s = play(r, started(r), Answer(partner="a", text=SECRET_A))
    assert view(r, s, "a").own_answer == SECRET_A


def test_reveal_after_both_answers_shows_both():
    r = ritual("reveal")
    s = play(r, started(r), Answer(partner="b", text=SECRET_B), Answer(partner="a", text=SECRET_A))
    for viewer in (None, "a", "b"):
        assert view(r, s, viewer).revealed == {"a": SECRET_A, "b": SECRET_B}
    assert s.step == "guess"
    s = play(r, s, Done(partner="b"))
    assert s.step == "after"


def test_reveal_an_answer_cannot_be_changed_once_given():
    r = ritual("reveal")
    s = play(r, started(r), Answer(partner="a", text=SECRET_A), Answer(partner="a", text="other"))
    assert view(r, s, "a").own_answer == SECRET_A


def test_dumps_never_contains_an_unrevealed_answer():
    r = ritual("reveal")
    s = play(r, started(r), Answer(partner="a", text=SECRET_A))
    assert SECRET_A.encode() not in dumps(s)
    s = play(r, s, Pause(partner="b"))
    assert SECRET_A.encode() not in dumps(s)


def test_reveal_done_before_both_answered_is_ignored():
    r = ritual("reveal")
    s = play(r, started(r), Answer(partner="a", text=SECRET_A), Done(partner="a"), Done(partner="b"))
    assert s.step == "guess"


# -- choice, photo ------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "target"), [(0, "walk"), (1, "talk")])
def test_choice_jumps_to_the_options_next(option, target):
    r = ritual("choice")
    s = play(r, started(r), Choose(partner="b", option=option))
    assert s.step == target


@pytest.mark.parametrize("option", [-1, 2, 99])
def test_choice_ignores_an_option_out_of_range(option):
    r = ritual("choice")
    s = play(r, started(r), Choose(partner="a", option=option))
    assert s.step == "pick"


def test_choice_view_fills_placeholders_in_option_labels():
    r = ritual("choice")
    assert view(r, started(r, first="b")).options == ["A walk with Ben", "A talk"]


# -- pause, resume, leave -----------------------------------------------------------------

IGNORED_WHILE_PAUSED = [
    Consent(partner="a", answer="yes"),
    Consent(partner="b", answer="not_now"),
    Done(partner="a"),
    Skip(partner="b"),
    Answer(partner="a", text="x"),
    Draw(partner="a"),
    Stop(partner="a"),
    Choose(partner="a", option=0),
    Plan(partner="a", when="now"),
    Pause(partner="b"),
]


@pytest.mark.parametrize("event", IGNORED_WHILE_PAUSED, ids=lambda e: type(e).__name__)
def test_while_paused_every_other_event_is_ignored(event):
    r = ritual("consent")
    s = play(r, started(r), Pause(partner="a"))
    assert apply(r, s, event) == s


def test_resume_only_by_the_partner_who_paused():
    r = ritual("consent")
    s = play(r, started(r), Consent(partner="a", answer="yes"), Pause(partner="b"), Resume(partner="a"))
    assert (s.status, s.paused_by) == ("paused", "b")
    s = play(r, s, Resume(partner="b"))
    assert (s.status, s.paused_by, s.step) == ("running", None, "ask")


def test_resume_lands_on_the_same_step_with_progress_kept():
    r = ritual("consent")
    s = play(r, started(r), Consent(partner="a", answer="yes"), Pause(partner="a"), Resume(partner="a"))
    s = play(r, s, Consent(partner="b", answer="yes"))
    assert s.step == "go"


def test_pause_view_says_who_paused():
    r = ritual("consent")
    s = play(r, started(r), Pause(partner="b", at=12.0))
    v = view(r, s, "a")
    assert (v.status, v.paused_by, v.paused_at) == ("paused", "b", 12.0)


@pytest.mark.parametrize("paused", [False, True])
def test_leave_ends_with_outcome_left(paused):
    r = ritual("consent")
    s = started(r)
    if paused:
        s = play(r, s, Pause(partner="a"))
    s = play(r, s, Leave(partner="b"))
    assert (s.status, s.outcome, s.paused_by) == ("ended", "left", None)


def test_nothing_happens_after_the_end():
    r = ritual("consent")
    s = play(r, started(r), Leave(partner="a"))
    for event in [*IGNORED_WHILE_PAUSED, Resume(partner="a"), Leave(partner="b")]:
        assert apply(r, s, event).status == "ended"
        assert apply(r, s, event).outcome == "left"


def test_events_before_start_are_ignored():
    r = ritual("consent")
    s = new_state(r)
    for event in IGNORED_WHILE_PAUSED:
        assert apply(r, s, event) == s


def test_time_never_goes_backwards():
    r = ritual("timer")
    s = play(r, started(r), Tick(now=30), Tick(now=10), Done(partner="a", at=5))
    assert s.now == 30


# -- serialisation ------------------------------------------------------------------------


def test_dumps_loads_round_trip_equals_the_state():
    r = ritual("deck")
    s = play(r, started(r, seed=7), Draw(partner="a"), Pause(partner="b", at=3.25))
    assert loads(dumps(s)) == s


def test_dumps_loads_round_trip_drops_only_the_hidden_answer():
    r = ritual("reveal")
    s = play(r, started(r), Answer(partner="b", text=SECRET_B, at=2.5))
    back = loads(dumps(s))
    assert back.hidden == {}
    assert msgspec.structs.replace(back, hidden=s.hidden) == s


# -- placeholders -------------------------------------------------------------------------


def test_placeholders_are_filled_with_names():
    r = ritual("consent")
    s = play(r, started(r, first="b"), Consent(partner="a", answer="yes"), Consent(partner="b", answer="yes"))
    assert view(r, s).text == "Ana and Ben: Ben speaks first, Ana listens."


def test_placeholders_follow_the_speaker_after_a_swap():
    r = ritual("swap2")
    s = play(r, started(r), Done(partner="a"))
    assert view(r, s).text == "Ana, share; Ben, listen."
    s = play(r, s, Done(partner="a"), Done(partner="b"))
    assert view(r, s).text == "Ben, share; Ana, listen."


def test_placeholders_without_names_fall_back_to_letters():
    r = ritual("consent")
    s = apply(r, new_state(r), Start(first_speaker="a", names={}, seed=0))
    assert view(r, s).text == "A, ask B: is now a good time?"


def test_partner_text_is_not_treated_as_a_placeholder():
    r = ritual("prompts")
    s = play(r, started(r), Tick(now=30), Done(partner="a"), Answer(partner="a", text="{speaker} [b]x[/b]"))
    assert s.entries[0].text == "{speaker} [b]x[/b]"



# -- plan, show, offer ----------------------------------------------------------------------


def test_plan_records_what_and_when_and_goes_on():
    r = ritual("plan")
    s = play(r, started(r), Done(partner="a"))
    assert s.step == "choose" and view(r, s).suggestions == ["this weekend"]
    s = play(r, s, Plan(partner="b", what="  a pottery class ", when="this weekend"))
    assert s.step == "close" and s.status == "running"
    assert [(p.what, p.when, p.offer) for p in s.plans] == [
        ("a pottery class", "this weekend", "new_together_debrief")
    ]
    s = play(r, s, Done(partner="a"))
    assert (s.status, s.outcome) == ("ended", "end"), "a plan is a yes, not a reschedule"


def test_plan_needs_both_what_and_when():
    r = ritual("plan")
    s = play(r, started(r), Done(partner="a"))
    for what, when in (("", "this weekend"), ("a walk", "  "), ("   ", "")):
        assert play(r, s, Plan(partner="a", what=what, when=when)) is s


def test_plan_skip_takes_the_skip_outcome_and_records_nothing():
    r = ritual("plan")
    s = play(r, started(r), Done(partner="a"), Skip(partner="a"))
    assert s.step == "no_plan" and s.plans == []


def test_a_text_step_shows_what_the_session_passed_in():
    r = ritual("plan")
    review = {"agreements": ["Ana: ask for a break sooner", "  "], "plans": []}
    s = apply(r, new_state(r), Start(first_speaker="a", names=NAMES, seed=1, review=review))
    shown = view(r, s).shown
    assert shown == {"agreements": ["Ana: ask for a break sooner"], "plans": []}
    assert list(shown) == ["agreements", "plans"], "in the order the step lists them"
    assert loads(dumps(s)).review == s.review, "a resumed ritual still shows them"
    s = play(r, s, Done(partner="a"))
    assert view(r, s).shown == {}, "only the step that asks for them shows them"


def test_the_offer_is_on_the_end_view_only_after_a_real_end():
    r = ritual("plan")
    s = play(r, started(r), Done(partner="a"))
    assert view(r, s).offer == "new_together_debrief", "the plan step's own offer"
    s = play(r, s, Skip(partner="a"), Done(partner="b"))
    assert view(r, s).offer == "regroup_after_a_fight"
    left = play(r, started(r), Leave(partner="a"))
    assert view(r, left).offer is None
