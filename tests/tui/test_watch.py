"""`nearer run --watch`: save the ritual file and the screen follows; save a mistake and the old
version carries on, with the mistake shown in a panel. Without --watch nothing is reloaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Static

from nearer.ritual import load_ritual, loads_ritual
from nearer.session import LocalSession
from nearer.tui.app import NearerApp
from nearer.tui.screens.ritual import RitualScreen

from .drive import open_ritual, take_step

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"
WELCOME = "Sit facing each other, phones face down."


@pytest.fixture
def ritual_file(named, tmp_path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    path = folder / "vulnerable_chat.toml"
    path.write_text(GOOD.read_text())
    return path.resolve()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    # Some filesystems keep whole seconds: make the change visible to the poll regardless.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def step_text(screen: RitualScreen) -> str:
    return " ".join(str(widget.render()) for widget in screen.query("#step-area Static"))


async def wait_for(pilot, condition, seconds: float = 3.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    assert condition()


async def test_a_save_changes_the_step_text_in_place(ritual_file, clock):
    app = NearerApp(clock=clock, seed=3, extra_paths=(ritual_file,), watch=ritual_file)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_ritual(pilot, "vulnerable_chat", first="a")
        assert screen.watch == ritual_file
        assert WELCOME in step_text(screen)
        edit(ritual_file, WELCOME, "Sit side by side and take three slow breaths.")
        await wait_for(pilot, lambda: "three slow breaths" in step_text(screen))
        assert pilot.app.screen is screen
        assert screen.session.view.step_id == "welcome"
        assert not screen.query_one("#watch-problems", Static).has_class("shown")


async def test_a_broken_save_shows_the_error_and_the_ritual_keeps_running(ritual_file, clock):
    app = NearerApp(clock=clock, seed=3, extra_paths=(ritual_file,), watch=ritual_file)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_ritual(pilot, "vulnerable_chat", first="a")
        await take_step(pilot, clock)
        assert screen.session.view.step_id == "check_in"
        edit(ritual_file, 'on.yes = "share"', 'on.yes = "shar"')
        panel = screen.query_one("#watch-problems", Static)
        await wait_for(pilot, lambda: panel.has_class("shown"))
        shown = str(panel.render())
        assert "Your last save has a mistake, so the ritual carries on as it was." in shown
        assert 'error E012 step "check_in" jumps to "shar"' in shown
        assert panel.region.height > 0, "the panel is on screen"
        # The old version still runs: both saying yes leads on to the share step as before.
        await take_step(pilot, clock)
        await take_step(pilot, clock)
        assert screen.session.view.step_id == "share"
        # Fixing the file hides the panel again.
        edit(ritual_file, 'on.yes = "shar"', 'on.yes = "share"')
        await wait_for(pilot, lambda: not panel.has_class("shown"))
        assert screen.session.view.step_id == "share"


async def test_without_watch_nothing_is_reloaded(ritual_file, clock):
    app = NearerApp(clock=clock, seed=3, extra_paths=(ritual_file,))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_ritual(pilot, "vulnerable_chat", first="a")
        assert screen.watch is None and not screen.query("#watch-problems")
        edit(ritual_file, WELCOME, "Something else entirely.")
        await pilot.pause(1.2)
        assert WELCOME in step_text(screen)


# -- LocalSession.replace_ritual ------------------------------------------------------------


def session_at(step_id: str, clock) -> LocalSession:
    session = LocalSession(load_ritual(GOOD), GOOD, None, {"a": "Sam", "b": "Alex"}, clock=clock)
    session.start("a", seed=1)
    for _ in range(20):
        if session.view.step_id == step_id:
            return session
        view = session.view
        from nearer.engine import events as ev

        if view.kind == "consent":
            for partner in view.waiting_on:
                session.send(ev.Consent(partner=partner, answer="yes"))
        else:
            for partner in view.waiting_on or [view.speaker]:
                session.send(ev.Done(partner=partner))
    raise AssertionError(session.view.step_id)


def test_replace_keeps_the_same_step_id(clock):
    session = session_at("share", clock)
    new = loads_ritual(GOOD.read_text().replace("share what has felt heavy", "say what weighs"), path=GOOD)
    view = session.replace_ritual(new)
    assert view.step_id == "share" and "say what weighs" in view.text


def test_replace_goes_to_the_nearest_earlier_step_still_there(clock):
    session = session_at("share", clock)
    text = GOOD.read_text().replace('on.yes = "share"', 'on.yes = "swap"')
    text = text.replace('loop_to = "share"\nrounds = 2\n', "")
    start = text.index('[[step]]\nid = "share"')
    end = text.index("[[step]]", start + 1)
    new = loads_ritual(text[:start] + text[end:], path=GOOD)
    view = session.replace_ritual(new)
    assert view.step_id == "check_in"
    assert view.kind == "consent" and sorted(view.waiting_on) == ["a", "b"], "entered afresh"
