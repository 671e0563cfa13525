"""Snapshots of each practice's most distinctive step, at 100x30 with fixed names, clock and seed.

Each SVG under __snapshots__/ was looked at (converted to PNG) before it was accepted. The
therapy export is a document, not a screen: tests/unit/test_export_therapy.py compares it with a
text fixture. The photo step's half-block snapshot is in test_photos_snapshots.py.
"""

from __future__ import annotations

from textual.widgets import Input

from nearer.journal.store import Journal
from nearer.tui.app import NearerApp

from .conftest import START, journal_path
from .drive import home_filled, settled_step, steady_cursors, take_step, type_into, walk_to

SIZE = (100, 30)


def app_for(clock) -> NearerApp:
    return NearerApp(clock=clock, seed=11)


async def open_any(pilot, ritual_id: str):
    from textual.widgets import OptionList

    from nearer.tui.screens.dialogs import WhoStartsScreen

    await home_filled(pilot)
    options = pilot.app.screen.query_one("#rituals", OptionList)
    options.highlighted = options.get_option_index(ritual_id)
    await pilot.press("enter")
    await pilot.pause()
    if isinstance(pilot.app.screen, WhoStartsScreen):
        await pilot.click("#a")
        await pilot.pause()


def test_break_timer_with_a_cue(named, clock, snap_compare):
    async def into_the_break(pilot):
        await open_any(pilot, "take_a_break")
        screen = await walk_to(pilot, clock, "timer")
        # Five minutes in: the cue about replaying the fight, 15:00 left, a breath out.
        clock.advance(5 * 60 + 7)
        await pilot.pause(0.4)
        view = screen.session.view
        assert view.step_id == "break_20" and view.remaining == 15 * 60 - 7
        assert "replaying the fight" in view.cue

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=into_the_break)


def test_hug_pacer_halfway(named, clock, snap_compare):
    async def into_the_hug(pilot):
        await open_any(pilot, "five_minute_hug")
        screen = await walk_to(pilot, clock, "timer")
        clock.advance(150 + 1)  # halfway, one second into a breath in (4-2-6)
        await pilot.pause(0.4)
        assert screen.session.view.cue.startswith("Halfway")

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=into_the_hug)


def test_deck_card_from_the_deep_questions(named, clock, snap_compare):
    async def to_a_card(pilot):
        await open_any(pilot, "curious_questions")
        screen = await walk_to(pilot, clock, "choice")
        step = await settled_step(pilot)
        await pilot.click(step.query_one("#option-1"))  # deeper
        await pilot.pause()
        await settled_step(pilot)
        await take_step(pilot, clock)  # the first card talked over; the second one is shown
        await settled_step(pilot)
        view = screen.session.view
        assert (view.step_id, view.card_number, view.card_count) == ("deeper", 2, 4)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=to_a_card)


def test_plan_step_with_what_written(named, clock, snap_compare):
    async def to_the_plan(pilot):
        await open_any(pilot, "new_together")
        screen = await walk_to(pilot, clock, "choice")
        step = await settled_step(pilot)
        await pilot.click(step.query_one("#option-5"))  # we already have an idea
        await pilot.pause()
        step = await settled_step(pilot)
        assert screen.session.view.kind == "plan"
        await type_into(pilot, step.query_one("#plan-what", Input), "A salsa class")
        steady_cursors(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=to_the_plan)


def test_weekly_check_in_shows_last_agreements_and_plans(named, clock, snap_compare):
    with Journal.open(journal_path()) as journal:
        fight = journal.start_session("regroup_after_a_fight", "Regroup after a fight", "conflict", START - 86_400)
        for author, name, text in (
            ("a", "Sam", "Ask for a break before my voice rises."),
            ("b", "Alex", "Say what I need, instead of going quiet."),
        ):
            journal.add_entry(fight, "next_time", "reflection", author, name, "Next time?", text, False,
                              START - 86_000, tags=["agreement"])
        journal.end_session(fight, "end", START - 85_000)
        journal.add_plan(None, "new_together", "Something new together", "this weekend", START - 80_000,
                         what="A pottery class", offer="new_together_debrief")

    async def to_the_review(pilot):
        await open_any(pilot, "weekly_check_in")
        screen = await walk_to(pilot, clock, "choice")
        step = await settled_step(pilot)
        await pilot.click(step.query_one("#option-1"))  # no photos this week
        await pilot.pause()
        await settled_step(pilot)
        assert screen.session.view.step_id == "agreements"

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=to_the_review)
