"""Bad input through the real app: broken rituals, broken settings, a journal that will not save.

Each is something a person can cause (a typo in a file, a full disk), so each must end in a
sentence on screen and a working app, never a traceback and never lost words.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tomllib
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static, TextArea

from nearer.fsutil import StorageError
from nearer.journal.store import Journal
from nearer.tui.app import NearerApp
from nearer.tui.screens.first_run import FirstRunScreen
from nearer.tui.screens.home import HomeScreen
from nearer.tui.screens.ritual import RitualScreen

from .conftest import journal_path
from tests.conftest import mounted_tmpfs

from .drive import home_filled, open_ritual, ritual_screen, settled_step, take_step, type_into, walk_to

SIZE = (100, 34)

BROKEN_RITUAL = """\
format = 1
id = "x"
title = "Our own ritual"
practice = "custom"
summary = "One we wrote ourselves."
duration_min = 10
phases = ["initiate", "consent", "share", "follow_up", "reflect"]

[[step]]
id = "hello"
phase = "initiate"
kind = "txt"
text = "Hello."
"""


def notes(app) -> list[tuple[str, str, str]]:
    """Every notification raised so far: (severity, title, message)."""
    return [(n.severity, n.title, n.message) for n in app._notifications]


def shown_text(widget) -> str:
    return " ".join(str(static.render()) for static in widget.query(Static))


def no_traceback(text: str) -> None:
    """A sentence for people: no traceback, no exception class names."""
    assert "Traceback" not in text and not re.search(r"\b\w+(Error|Exception)\b", text), text


# -- a broken ritual in the user's rituals folder ------------------------------------------------


@pytest.fixture
def broken_ritual(named: Path) -> Path:
    folder = Path(os.environ["NEARER_CONFIG_DIR"]) / "rituals"
    folder.mkdir(parents=True)
    path = folder / "x.toml"
    path.write_text(BROKEN_RITUAL, encoding="utf-8")
    return path


async def test_broken_ritual_is_listed_as_needing_fixing_with_its_first_error(broken_ritual, clock):
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen), "a broken file must not stop nearer starting"
        await home_filled(pilot)
        options = app.screen.query_one("#rituals", OptionList)
        index = options.get_option_index("x")
        assert "needs fixing" in str(options.get_option_at_index(index).prompt)
        assert options.get_option_index("vulnerable_chat") is not None, "the good ones are still there"

        options.highlighted = index
        await pilot.pause()
        detail = str(app.screen.query_one("#detail", Static).render())
        assert "Line 12:" in detail, detail
        assert '"txt"' in detail and 'Did you mean "text"' in detail

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), "enter on a broken ritual stays home"
        errors = [n for n in notes(app) if n[0] == "error"]
        assert len(errors) == 1, notes(app)
        message = errors[0][2]
        assert message.startswith("This ritual can't start because its file has a problem: x.toml, line 12: ")
        assert 'Did you mean "text"?' in message
        no_traceback(message)


# -- settings.toml that is not TOML ---------------------------------------------------------------


async def test_corrupt_settings_are_reported_kept_as_backup_and_replaced(home, clock):
    config = home / "config"
    config.mkdir(mode=0o700)
    (config / "settings.toml").write_text('partner_a = "Sam\npartner_b = Alex\n', encoding="utf-8")
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen), "without readable names, nearer asks again"
        warnings = [n for n in notes(app) if n[0] == "warning"]
        assert len(warnings) == 1, notes(app)
        message = warnings[0][2]
        assert "could not be read" in message and "settings.toml.broken-" in message
        no_traceback(message)
    backups = list(config.glob("settings.toml.broken-*"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8").startswith('partner_a = "Sam'), "kept as it was"
    fresh = tomllib.loads((config / "settings.toml").read_text(encoding="utf-8"))
    assert fresh["partner_a"] == "" and fresh["seen_intro"] is False, "replaced by readable defaults"


# -- a journal that cannot be written during the reflect step --------------------------------------


async def reach_reflect(pilot, clock):
    screen = await open_ritual(pilot, first="a")
    await walk_to(pilot, clock, "reflect")
    return screen


async def save_reflection_that_fails_then_succeeds(pilot, screen, fault_on, fault_off) -> str:
    """Type a reflection, save it while the journal cannot be written, then again once it can.
    Returns the words typed."""
    app = pilot.app
    writer = screen.session.view.waiting_on[0]
    words = "The way you held my hand when I got to the hard part."
    step = await settled_step(pilot)
    await type_into(pilot, step.query_one(TextArea), words)

    fault_on()
    await pilot.press("ctrl+s")
    await pilot.pause()
    errors = [n for n in notes(app) if n[0] == "error"]
    assert errors, f"no error on screen: {notes(app)}"
    message = errors[-1][2]
    assert "could not save" in message and "still here on the screen" in message, message
    no_traceback(message)
    assert app.is_running and app.screen is screen, "the app keeps running on the ritual"
    view = screen.session.view
    assert view.kind == "reflect" and view.waiting_on[0] == writer, "still on the reflect step"
    assert step.is_mounted and step.query_one(TextArea).text == words, "the words are still in the box"

    fault_off()
    await pilot.press("ctrl+s")
    await pilot.pause()
    view = screen.session.view
    assert view.kind != "reflect" or view.waiting_on[0] != writer, "saving again moves on"
    return words


def journal_copies(text: str) -> int:
    with sqlite3.connect(journal_path()) as db:
        return db.execute("select count(*) from entries where text = ?", (text,)).fetchone()[0]


async def test_journal_write_fails_during_reflect_keeps_words_and_saves_once_later(
    named, clock, monkeypatch
):
    real_add_entry = Journal.add_entry

    def disk_full(*args, **kwargs):
        raise StorageError(
            "Your disk is full, so nearer could not save what you wrote. Free some space and try again."
        )

    app = NearerApp(clock=clock, seed=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_reflect(pilot, clock)
        words = await save_reflection_that_fails_then_succeeds(
            pilot,
            screen,
            fault_on=lambda: monkeypatch.setattr(Journal, "add_entry", disk_full),
            fault_off=lambda: monkeypatch.setattr(Journal, "add_entry", real_add_entry),
        )
        assert "Your disk is full" in [n for n in notes(app) if n[0] == "error"][-1][2]
    assert journal_copies(words) == 1


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 16 MiB tmpfs of our own, to fill up for real."""
    with mounted_tmpfs(tmp_path / "disk", "16m") as mountpoint:
        yield mountpoint


def fill(disk: Path) -> Path:
    """Write a file until the disk says ENOSPC; removing the file frees the disk again."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as file:
        for chunk in (1 << 20, 4096, 1):
            try:
                while True:
                    file.write(b"\0" * chunk)
            except OSError:
                continue
    return filler


async def test_journal_on_a_really_full_disk_keeps_words_and_saves_once_later(
    named, clock, tiny_disk, monkeypatch
):
    monkeypatch.setenv("NEARER_DATA_DIR", str(tiny_disk / "data"))
    app = NearerApp(clock=clock, seed=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reach_reflect(pilot, clock)
        assert app.journal is not None and Path(app.journal.path).is_relative_to(tiny_disk)
        filler: list[Path] = []
        words = await save_reflection_that_fails_then_succeeds(
            pilot,
            screen,
            fault_on=lambda: filler.append(fill(tiny_disk)),
            fault_off=lambda: filler.pop().unlink(),
        )
        assert "disk is full" in [n for n in notes(app) if n[0] == "error"][-1][2]
        app.journal.close()
    assert journal_copies(words) == 1


# -- a ritual that does not exist, and a journal that cannot even be opened -------------------------


async def test_run_with_an_unknown_ritual_says_so_and_stays_home(named, clock):
    app = NearerApp(start_ritual="no_such_ritual", clock=clock, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        errors = [n for n in notes(app) if n[0] == "error"]
        assert len(errors) == 1, notes(app)
        message = errors[0][2]
        assert message == (
            'There is no ritual called "no_such_ritual". `nearer list` shows the ones there are.'
        )


async def test_ritual_runs_with_a_warning_when_the_journal_cannot_be_opened(named, clock, monkeypatch):
    data = Path(os.environ["NEARER_DATA_DIR"])
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("not a folder\n", encoding="utf-8")
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await home_filled(pilot)
        banner = shown_text(app.screen.query_one("#banners"))
        assert "could not create its folder" in banner, banner
        screen = await open_ritual(pilot, first="b")
        warnings = [n for n in notes(app) if n[0] == "warning" and n[1] == "Your journal"]
        assert len(warnings) == 1, notes(app)
        assert "could not create its folder" in warnings[0][2]
        no_traceback(warnings[0][2])
        await walk_to(pilot, clock, "prompt")
        await take_step(pilot, clock)
        assert ritual_screen(pilot) is screen and isinstance(screen, RitualScreen)
        assert screen.session.view.status == "running"
        assert screen.session.view.kind == "deck", "it went on past the consent and the share"
    assert data.read_text(encoding="utf-8") == "not a folder\n", "the file in the way is untouched"
