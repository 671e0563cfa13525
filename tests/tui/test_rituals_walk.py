"""Every built-in ritual, walked from the home screen to its end by two partners, then the journal
read back with sqlite: what a couple would find there afterwards.

(photo_show_and_tell has its own walk in test_photos.py, with real photo files.)
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from textual.widgets import Input, OptionList, Switch, TextArea

from nearer.journal.store import Journal
from nearer.tui.app import NearerApp
from nearer.tui.screens.dialogs import WhoStartsScreen
from nearer.tui.screens.home import HomeScreen
from nearer.tui.screens.pause import PauseScreen
from nearer.tui.screens.ritual import RitualScreen

from .conftest import START, journal_path
from .drive import home_filled, ritual_screen, settled_step, take_step, type_into

SIZE = (100, 34)
NAMES = {"a": "Sam", "b": "Alex"}


async def open_from_home(pilot, ritual_id: str, first: str = "a"):
    """Highlight the ritual on home and press enter; answer "who starts" when it is asked
    (rituals with `first_speaker = "random"` do not ask)."""
    await home_filled(pilot)
    options = pilot.app.screen.query_one("#rituals", OptionList)
    options.highlighted = options.get_option_index(ritual_id)
    await pilot.press("enter")
    await pilot.pause()
    if isinstance(pilot.app.screen, WhoStartsScreen):
        await pilot.click(f"#{first}")
        await pilot.pause()
    return ritual_screen(pilot)


async def arriving(pilot, first: str = "a"):
    """The ritual screen a button opened (a plan's Start, an end screen's offer), answering
    "who starts" on the way when that is asked."""
    for _ in range(100):
        screen = pilot.app.screen
        if isinstance(screen, WhoStartsScreen):
            await pilot.click(f"#{first}")
        elif isinstance(screen, RitualScreen):
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"no ritual opened; on {pilot.app.screen!r}")


def words_for(step_id: str, partner: str) -> str:
    return f"{NAMES[partner]} on {step_id}"


async def walk(pilot, clock, choose: dict[str, list[int]], plan_what: str = "", private: set[str] = frozenset()):
    """Play the ritual to its end the way a willing couple would. `choose` gives, per choice
    step, the option to take on each visit; `private` names reflect steps where Sam keeps the
    words private. Returns the step ids visited, in order."""
    screen = ritual_screen(pilot)
    visited: list[str] = []
    visits: dict[str, int] = {}
    for _ in range(150):
        view = screen.session.view
        if view.status == "ended":
            return visited
        if not visited or visited[-1] != view.step_id or view.kind in ("deck",):
            visited.append(view.step_id)
        step = await settled_step(pilot)
        if view.kind == "choice":
            visit = visits.get(view.step_id, 0)
            visits[view.step_id] = visit + 1
            await pilot.click(step.query_one(f"#option-{choose[view.step_id][visit]}"))
            await pilot.pause()
        elif view.kind == "plan":
            await type_into(pilot, step.query_one("#plan-what", Input), plan_what)
            await pilot.click(step.query_one("#suggest-0"))
            await pilot.pause()
        elif view.kind == "reflect":
            writer = view.waiting_on[0]
            await type_into(pilot, step.query_one(TextArea), words_for(view.step_id, writer))
            if view.private_mode == "ask":
                step.query_one(Switch).value = writer == "a" and view.step_id in private
            await pilot.press("ctrl+s")
            await pilot.pause()
        else:
            await take_step(pilot, clock, {p: words_for(view.step_id, p) for p in ("a", "b")})
    raise AssertionError(f"the ritual did not end; went through {visited}")


@dataclass
class Journalled:
    sessions: list[tuple]
    entries: list[tuple]
    tags: dict[str, set[str]]
    plans: list[tuple]
    cards: dict[str, int] = field(default_factory=dict)


def read_journal() -> Journalled:
    with sqlite3.connect(journal_path()) as db:
        sessions = db.execute("SELECT ritual_id, outcome FROM sessions ORDER BY id").fetchall()
        entries = db.execute(
            "SELECT step_id, kind, author, text, private FROM entries ORDER BY id"
        ).fetchall()
        tags: dict[str, set[str]] = {}
        for step_id, tag in db.execute(
            "SELECT e.step_id, t.tag FROM entry_tags t JOIN entries e ON e.id = t.entry_id"
        ):
            tags.setdefault(step_id, set()).add(tag)
        plans = db.execute("SELECT ritual_id, what, when_text, offer, done FROM plans ORDER BY id").fetchall()
        cards = dict(db.execute("SELECT deck, COUNT(*) FROM drawn_cards GROUP BY deck").fetchall())
    return Journalled(sessions, entries, tags, plans, cards)


def both_wrote(step_id: str, kind: str, private_a: bool = False) -> set[tuple]:
    return {
        (step_id, kind, "a", words_for(step_id, "a"), int(private_a)),
        (step_id, kind, "b", words_for(step_id, "b"), 0),
    }


# -- one walk per ritual ----------------------------------------------------------------------


async def test_curious_questions_deep_needs_a_second_yes_and_draws_four_deep_cards(named, clock):
    app = NearerApp(clock=clock, seed=21)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_home(pilot, "curious_questions")
        visited = await walk(pilot, clock, {"depth": [2], "more": [1]}, private={"remember"})
    assert visited[:5] == ["arrive", "check_in", "how_to_ask", "depth", "deep_check"]
    assert visited.count("deep") == 4 and "light" not in visited
    got = read_journal()
    assert got.sessions == [("curious_questions", "end")]
    assert set(got.entries) == both_wrote("remember", "reflection", private_a=True)
    assert got.tags == {"remember": {"curiosity"}}
    assert got.cards == {"curious_deep": 4}
    assert got.plans == []


async def test_daily_check_in_gives_each_day_its_turn(named, clock):
    app = NearerApp(clock=clock, seed=22)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "daily_check_in", first="b")
        speakers = []
        for _ in range(2):
            await _until(pilot, clock, screen, "specific")
            speakers.append(screen.session.view.speaker)
            await take_step(pilot, clock)
        await walk(pilot, clock, {})
    assert speakers == ["b", "a"], "Alex's day first, then Sam's"
    got = read_journal()
    assert got.sessions == [("daily_check_in", "end")]
    assert set(got.entries) == both_wrote("remember", "reflection")
    assert got.cards == {"daily": 4}, "two questions about each day"


async def _until(pilot, clock, screen, step_id: str) -> list[str]:
    seen = []
    for _ in range(40):
        if screen.session.view.step_id == step_id:
            await settled_step(pilot)
            return seen
        here = screen.session.view.step_id
        seen.append(here)
        await take_step(pilot, clock, {p: words_for(here, p) for p in ("a", "b")})
    raise AssertionError(f"never reached {step_id}: {seen}")


async def test_vulnerable_chat_both_share_and_both_remember(named, clock):
    app = NearerApp(clock=clock, seed=23)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_home(pilot, "vulnerable_chat")
        visited = await walk(pilot, clock, {}, private={"remember"})
    assert visited.count("share") == 2 and visited.count("ready") == 2
    got = read_journal()
    assert got.sessions == [("vulnerable_chat", "end")]
    assert set(got.entries) == both_wrote("appreciate", "answer") | both_wrote(
        "remember", "reflection", private_a=True
    )
    assert got.tags == {"remember": {"vulnerability", "listening"}}
    assert got.cards == {"listening": 6}


async def test_take_a_break_then_the_end_screen_starts_the_regroup(named, clock):
    app = NearerApp(clock=clock, seed=24)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "take_a_break")
        visited = await walk(pilot, clock, {"when_back": [0]})
        assert visited == ["stop", "agree", "when_back", "break_20", "back", "what_helped", "regroup"]
        assert clock.now - START >= 20 * 60, "the break lasted the twenty minutes agreed"
        await settled_step(pilot)
        offer = screen.query_one("#offer")
        assert "Regroup after a fight" in str(offer.label)
        await pilot.click(offer)
        assert (await arriving(pilot)).session.ritual.id == "regroup_after_a_fight"
    got = read_journal()
    assert got.sessions[0] == ("take_a_break", "end")
    assert got.sessions[1][0] == "regroup_after_a_fight"
    assert set(got.entries) == both_wrote("what_helped", "reflection")
    assert got.tags == {"what_helped": {"break"}}


async def test_take_a_break_ended_early_offers_more_time(named, clock):
    app = NearerApp(clock=clock, seed=25)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "take_a_break")
        await _until(pilot, clock, screen, "break_20")
        step = await settled_step(pilot)
        await pilot.click(step.query_one("#stop"))
        await pilot.pause()
        assert screen.session.view.step_id == "early"
        visited = await walk(pilot, clock, {"early": [1]})
    assert visited[:2] == ["early", "break_20"], "another twenty minutes, when you ask for it"
    assert read_journal().sessions == [("take_a_break", "end")]


async def test_regroup_after_a_fight_saves_agreements_that_home_shows(named, clock):
    app = NearerApp(clock=clock, seed=26)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_home(pilot, "regroup_after_a_fight")
        visited = await walk(pilot, clock, {})
        assert visited.count("side") == 2 and visited.count("summary") == 2
        assert visited.count("hardest") == 2 and visited.count("helped") == 2
        await pilot.click("#home")
        await pilot.pause()
        await home_filled(pilot)
        agreed = " ".join(str(w.render()) for w in app.screen.query("#agreements Static"))
        assert "Sam: Sam on next_time" in agreed and "Alex: Alex on next_time" in agreed
    got = read_journal()
    assert got.sessions == [("regroup_after_a_fight", "end")]
    assert set(got.entries) == both_wrote("felt", "answer") | both_wrote("next_time", "reflection")
    assert got.tags == {"next_time": {"agreement"}}


async def test_new_together_plans_and_goes_on_then_home_starts_the_debrief(named, clock):
    app = NearerApp(clock=clock, seed=27)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "new_together")
        visited = await walk(pilot, clock, {"what_kind": [0]}, plan_what="A salsa class")
        assert visited == ["arrive", "check_in", "what_kind", "movement", "movement", "movement", "pick", "afterwards"]
        view = screen.session.view
        assert (view.status, view.outcome) == ("ended", "end"), "a plan is not a 'not now'"
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Thank you, Sam and Alex" in shown and "Not now" not in shown
        await pilot.click("#home")
        await pilot.pause()
        await home_filled(pilot)
        assert isinstance(app.screen, HomeScreen)
        plans = " ".join(str(w.render()) for w in app.screen.query("#plans Static"))
        assert "A salsa class, this weekend" in plans
        assert "Afterwards: Talk about something new" in plans
        plan_id = read_journal_plan_id()
        await pilot.click(f"#plan-start-{plan_id}")
        assert (await arriving(pilot)).session.ritual.id == "new_together_debrief"
    got = read_journal()
    assert got.sessions[0] == ("new_together", "end")
    assert got.plans == [("new_together", "A salsa class", "this weekend", "new_together_debrief", 1)]
    assert got.cards == {"new_movement": 3}
    assert got.entries == []


def read_journal_plan_id() -> int:
    with sqlite3.connect(journal_path()) as db:
        return db.execute("SELECT id FROM plans").fetchone()[0]


async def test_new_together_debrief_both_look_back(named, clock):
    app = NearerApp(clock=clock, seed=28)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_home(pilot, "new_together_debrief")
        await walk(pilot, clock, {})
    got = read_journal()
    assert got.sessions == [("new_together_debrief", "end")]
    assert set(got.entries) == (
        both_wrote("beginner", "answer") | both_wrote("surprise", "answer") | both_wrote("remember", "reflection")
    )
    assert got.tags == {"remember": {"novelty"}}


async def test_five_minute_hug_runs_its_five_minutes(named, clock):
    app = NearerApp(clock=clock, seed=29)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_home(pilot, "five_minute_hug")
        visited = await walk(pilot, clock, {}, private={"remember"})
    assert visited == ["arrive", "check_in", "settle", "hug", "after", "remember"], "no 'early' after a full hug"
    assert clock.now - START >= 300
    got = read_journal()
    assert got.sessions == [("five_minute_hug", "end")]
    assert set(got.entries) == both_wrote("remember", "reflection", private_a=True)


async def test_considering_therapy_says_how_to_export_for_a_first_session(named, clock):
    app = NearerApp(clock=clock, seed=30)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "considering_therapy")
        await _until(pilot, clock, screen, "journal")
        assert "nearer export --for-therapy" in screen.session.view.text
        assert "Soon" not in screen.session.view.text
        await walk(pilot, clock, {})
    got = read_journal()
    assert got.sessions == [("considering_therapy", "end")]
    assert set(got.entries) == both_wrote("hopes", "answer") | both_wrote("next_step", "reflection")
    assert got.tags == {"next_step": {"therapy"}}


async def test_weekly_check_in_shows_last_agreements_and_plans_and_makes_a_new_plan(named, clock):
    with Journal.open(journal_path()) as journal:
        fight = journal.start_session("regroup_after_a_fight", "Regroup after a fight", "conflict", START - 86_400)
        journal.add_entry(fight, "next_time", "reflection", "a", "Sam", "Next time?", "Ask for a break sooner",
                          False, START - 86_000, tags=["agreement"])
        journal.end_session(fight, "end", START - 85_000)
        journal.add_plan(None, "new_together", "Something new together", "this weekend", START - 80_000,
                         what="A pottery class", offer="new_together_debrief")
    app = NearerApp(clock=clock, seed=31)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "weekly_check_in")
        await _until(pilot, clock, screen, "photos")
        step = await settled_step(pilot)
        await pilot.click(step.query_one("#option-1"))  # not this week
        await pilot.pause()
        step = await settled_step(pilot)
        assert screen.session.view.step_id == "agreements"
        agreed = str(step.query_one("#show-agreements Static").render())
        planned = str(step.query_one("#show-plans Static").render())
        assert "Sam: Ask for a break sooner" in agreed
        assert "A pottery class, this weekend" in planned
        await walk(pilot, clock, {"new_kind": [0]}, plan_what="A climbing taster")
    got = read_journal()
    assert got.sessions[-1] == ("weekly_check_in", "end")
    assert got.plans[-1] == ("weekly_check_in", "A climbing taster", "this weekend", "new_together_debrief", 0)
    weekly = [e for e in got.entries if e[0] != "next_time"]
    assert set(weekly) == both_wrote("thanks", "answer") | both_wrote("remember", "reflection")
    assert got.cards == {"curious_light": 2, "curious_deeper": 2, "new_movement": 3}


async def test_weekly_check_in_with_nothing_saved_yet_says_so_kindly(named, clock):
    app = NearerApp(clock=clock, seed=32)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "weekly_check_in")
        await walk_until_choice(pilot, clock, screen)
        step = await settled_step(pilot)
        assert "No agreements saved yet" in str(step.query_one("#show-agreements Static").render())
        assert "No plans waiting" in str(step.query_one("#show-plans Static").render())


async def walk_until_choice(pilot, clock, screen) -> None:
    await _until(pilot, clock, screen, "photos")
    step = await settled_step(pilot)
    await pilot.click(step.query_one("#option-1"))
    await pilot.pause()


# -- the pause offers a proper break ------------------------------------------------------------


async def test_a_proper_break_from_the_pause_keeps_the_place_of_the_ritual_it_paused(named, clock):
    app = NearerApp(clock=clock, seed=33)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "vulnerable_chat")
        await _until(pilot, clock, screen, "share")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        await pilot.click("#proper-break")
        await pilot.pause()
        assert (await arriving(pilot)).session.ritual.id == "take_a_break"
        await walk(pilot, clock, {"when_back": [0]})
        await pilot.click("#home")
        await pilot.pause()
        await home_filled(pilot)
        assert app.screen.query_one("#resume-banner"), "the chat waits to be picked up"
        await pilot.click("#resume")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen), "picked up where it was: paused"
        await pilot.press("r")
        await pilot.pause()
        view = ritual_screen(pilot).session.view
        assert (view.ritual_id, view.step_id, view.status) == ("vulnerable_chat", "share", "running")
    got = read_journal()
    assert got.sessions == [("vulnerable_chat", None), ("take_a_break", "end")]


async def test_the_break_ritual_itself_offers_no_second_break(named, clock):
    app = NearerApp(clock=clock, seed=34)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "take_a_break")
        await _until(pilot, clock, screen, "break_20")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert not app.screen.query("#proper-break")


async def test_a_plan_needs_a_what_and_can_be_left_for_now(named, clock):
    app = NearerApp(clock=clock, seed=35)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(pilot, "new_together")
        await _until(pilot, clock, screen, "what_kind")
        step = await settled_step(pilot)
        await pilot.click(step.query_one("#option-5"))  # we already have an idea
        await pilot.pause()
        step = await settled_step(pilot)
        await pilot.click(step.query_one("#suggest-0"))
        await pilot.pause()
        assert screen.session.view.step_id == "pick", "no plan without a what"
        await pilot.click(step.query_one("#no-plan"))
        await pilot.pause()
        assert screen.session.view.step_id == "afterwards"
    assert read_journal().plans == []
