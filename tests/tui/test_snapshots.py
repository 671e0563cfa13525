"""Snapshot tests: how each main screen looks, at 100x30, with fixed names, clock and seed.

Each SVG under __snapshots__/ was looked at (converted to PNG) before it was accepted. To refresh
one after a deliberate change: `pytest tests/tui/test_snapshots.py --snapshot-update`, then look
at it again. The app is built inside each test, after the fixtures have pointed the config and
data directories at a temp dir, since `snap_compare` runs the app itself (so the tests are sync).
"""

from __future__ import annotations

from textual.widgets import Input, Switch, TextArea

from nearer.tui.app import NearerApp
from nearer.tui.screens.help import HelpScreen
from nearer.tui.screens.journal import JournalScreen
from nearer.tui.screens.pause import PauseScreen

from .drive import home_filled, open_ritual, settled_step, steady_cursors, take_step, type_into, walk_to

SIZE = (100, 30)


def app_for(clock) -> NearerApp:
    return NearerApp(clock=clock, seed=11)


def test_home(named, clock, snap_compare):
    async def settle(pilot):
        await home_filled(pilot)
        steady_cursors(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=settle)


def test_first_run(home, clock, snap_compare):
    async def settle(pilot):
        steady_cursors(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=settle)


def test_help_on_home(named, clock, snap_compare):
    async def open_help(pilot):
        await home_filled(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=open_help)


def test_consent_step(named, clock, snap_compare):
    async def to_consent(pilot):
        await open_ritual(pilot, first="a")
        await walk_to(pilot, clock, "consent")
        steady_cursors(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=to_consent)


def test_timer_step_mid_countdown_with_pacer(named, clock, snap_compare):
    async def to_timer(pilot):
        screen = await open_ritual(pilot, first="a")
        await walk_to(pilot, clock, "timer")
        # 37 s into the hold: 1:23 left, one second into a breath in (4-2-6 rhythm).
        clock.advance(37)
        await pilot.pause(0.4)
        assert screen.session.view.remaining == 83

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=to_timer)


def test_reveal_one_answered_hidden(named, clock, snap_compare):
    async def one_in(pilot):
        screen = await open_ritual(pilot, first="a")
        await walk_to(pilot, clock, "reveal")
        await take_step(pilot, clock, {"a": "You never once looked at your phone"})
        view = screen.session.view
        assert view.kind == "reveal" and not view.revealed and view.waiting_on == ["b"]
        # The second partner has begun typing: the words show as dots.
        step = await settled_step(pilot)
        await type_into(pilot, step.query_one("#hidden-answer", Input), "You let me")
        steady_cursors(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=one_in)


def test_reveal_both_shown(named, clock, snap_compare):
    async def both_in(pilot):
        screen = await open_ritual(pilot, first="a")
        await walk_to(pilot, clock, "reveal")
        answers = {"a": "You never once looked at your phone", "b": "You let me finish every sentence"}
        await take_step(pilot, clock, answers)
        await take_step(pilot, clock, answers)
        assert screen.session.view.revealed
        await settled_step(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=both_in)


def test_pause_screen(named, clock, snap_compare):
    async def pause(pilot):
        await open_ritual(pilot, first="a")
        await walk_to(pilot, clock, "prompt")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PauseScreen)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=pause)


def test_journal_with_a_finished_session(named, clock, snap_compare):
    async def finish_then_open_journal(pilot):
        screen = await open_ritual(pilot, first="a")
        answers = {"a": "You never once looked at your phone", "b": "You let me finish every sentence"}
        for _ in range(80):
            view = screen.session.view
            if view.status == "ended":
                break
            if view.kind == "reflect":
                writer = view.waiting_on[0]
                words = {"a": "That I can say the scary thing first.", "b": "How calm Sam's voice was."}
                step = await settled_step(pilot)
                await type_into(pilot, step.query_one(TextArea), words[writer])
                step.query_one(Switch).value = writer == "a"
                await pilot.press("ctrl+s")
                await pilot.pause()
                continue
            await take_step(pilot, clock, answers)
        assert screen.session.view.status == "ended"
        await pilot.click("#journal")
        await pilot.pause()
        assert isinstance(pilot.app.screen, JournalScreen)
        steady_cursors(pilot)

    assert snap_compare(app_for(clock), terminal_size=SIZE, run_before=finish_then_open_journal)

