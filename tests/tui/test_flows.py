"""Pilot tests: the paths a couple walks, from the home screen, through the real app."""

from __future__ import annotations

import sqlite3

from textual.widgets import Switch, TextArea

from nearer.tui.app import NearerApp
from nearer.tui.screens.first_run import FirstRunScreen
from nearer.tui.screens.home import HomeScreen
from nearer.tui.screens.journal import JournalScreen
from nearer.tui.screens.pause import PauseScreen

from .conftest import journal_path
from .drive import home_filled, open_ritual, ritual_screen, take_step, type_into

SIZE = (100, 34)


async def test_first_run_asks_names_and_says_not_therapy(home):
    app = NearerApp()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, FirstRunScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "not therapy" in text
        await pilot.click("#continue")
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen), "empty names must not get through"
        await type_into(pilot, app.screen.query_one("#name-a"), "Robin")
        await type_into(pilot, app.screen.query_one("#name-b"), "Robin")
        await pilot.click("#continue")
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen), "two identical names are refused"
        await type_into(pilot, app.screen.query_one("#name-b"), "Kai")
        await pilot.click("#continue")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        greeting = str(app.screen.query_one("#greeting").render())
        assert "Robin and Kai" in greeting
    assert "Robin" in (home / "config" / "settings.toml").read_text()


async def test_vulnerable_chat_from_home_to_journal(named, clock):
    app = NearerApp(clock=clock, seed=7)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot, first="a")
        seen_speakers = []
        kinds = []
        for _ in range(80):
            view = screen.session.view
            if view.status == "ended":
                break
            if view.kind == "prompt":
                seen_speakers.append(view.speaker_name)
            if view.kind == "reflect":
                assert app.screen.query_one(Switch) is not None
                writer = view.waiting_on[0]
                await type_into(pilot, app.screen.query_one(TextArea), f"{view.name(writer)} will remember the quiet")
                if writer == "a":
                    app.screen.query_one(Switch).value = True
                await pilot.press("ctrl+s")
                await pilot.pause()
                kinds.append("reflect")
                continue
            kinds.append(await take_step(pilot, clock))
        assert screen.session.view.status == "ended"
        assert seen_speakers == ["Sam", "Alex"], "both partners share, Sam first"
        for kind in ("consent", "prompt", "deck", "swap_roles", "reveal", "timer", "reflect"):
            assert kind in kinds
        assert "Thank you, Sam and Alex" in " ".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.click("#journal")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Alex will remember the quiet" in shown
        assert "A vulnerable chat" in " ".join(
            str(box.border_title) for box in app.screen.query(".journal-session")
        )
    with sqlite3.connect(journal_path()) as db:
        rows = db.execute("select author, text, private from entries where kind = 'reflection'").fetchall()
        outcome = db.execute("select outcome from sessions").fetchone()[0]
    assert ("a", "Sam will remember the quiet", 1) in rows
    assert ("b", "Alex will remember the quiet", 0) in rows
    assert outcome == "end"


async def test_not_now_becomes_a_plan_on_home(named, clock):
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot)
        while screen.session.view.kind != "consent":
            await take_step(pilot, clock)
        await pilot.press("n")
        await pilot.pause()
        assert screen.session.view.kind == "reschedule"
        await pilot.click("#suggest-1")
        await pilot.pause()
        assert screen.session.view.status == "ended"
        await pilot.click("#home")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        plans = app.screen.query_one("#plans")
        text = " ".join(str(w.render()) for w in plans.query("Static"))
        assert "A vulnerable chat: tomorrow evening" in text


async def test_quit_in_the_middle_and_resume_at_the_same_step(named, clock):
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot, first="b")
        for _ in range(6):
            await take_step(pilot, clock)
        left_at = screen.session.view.step_id
        speaker = screen.session.view.speaker
        assert left_at not in ("", "end")
    again = NearerApp(clock=clock, seed=4)
    async with again.run_test(size=SIZE) as pilot:
        assert isinstance(again.screen, HomeScreen)
        await home_filled(pilot)
        assert again.screen.query_one("#resume-banner")
        await pilot.click("#resume")
        await pilot.pause()
        screen = ritual_screen(pilot)
        assert screen.session.view.step_id == left_at
        assert screen.session.view.speaker == speaker


async def test_pause_works_while_typing_and_resumes_at_the_same_step(named, clock):
    app = NearerApp(clock=clock, seed=5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot)
        while screen.session.view.kind != "reveal":
            await take_step(pilot, clock)
        box = app.screen.query_one("#hidden-answer")
        await type_into(pilot, box, "half a thought")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert screen.session.view.status == "paused"
        clock.advance(25 * 60)
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is screen
        assert screen.session.view.status == "running"
        assert screen.session.view.kind == "reveal"
        assert screen.query_one("#hidden-answer").value == "half a thought", "nothing typed is lost"


async def test_r_on_home_picks_up_the_unfinished_ritual(named, clock):
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot, first="a")
        for _ in range(3):
            await take_step(pilot, clock)
        left_at = screen.session.view.step_id
    again = NearerApp(clock=clock, seed=4)
    async with again.run_test(size=SIZE) as pilot:
        await home_filled(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert ritual_screen(pilot).session.view.step_id == left_at
