"""`nearer export --for-therapy`: one warm Markdown file for a first session with a therapist.

The document itself is compared with tests/fixtures/export/for_therapy.md, which was read
through before it was accepted. After a deliberate change to the wording, regenerate it with
`NEARER_UPDATE_FIXTURES=1 pytest tests/unit/test_export_therapy.py` and read it again.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from pathlib import Path

import pytest

from nearer.cli import main
from nearer.journal.store import Journal

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "for_therapy.md"


def local(*args: int) -> float:
    return dt.datetime(*args).timestamp()


@pytest.fixture
def couple(tmp_path, monkeypatch):
    """Sam and Alex's journal: an old session, a fight and its regroup, a hug, a check-in."""
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEARER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    now = local(2026, 11, 27, 18, 0)
    monkeypatch.setattr("nearer.commands.export.time.time", lambda: now)
    from nearer.settings import Settings, save_settings

    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True))
    with Journal.open() as journal:
        old = journal.start_session("five_minute_hug", "A five-minute hug", "affection", local(2026, 8, 1, 20, 0))
        journal.add_entry(old, "remember", "reflection", "a", "Sam", "What do you want to remember?",
                          "Too long ago to bring.", False, local(2026, 8, 1, 20, 9))
        journal.end_session(old, "end", local(2026, 8, 1, 20, 10))

        fight = journal.start_session("regroup_after_a_fight", "Regroup after a fight", "conflict",
                                      local(2026, 11, 2, 19, 0))
        journal.add_entry(fight, "felt", "answer", "a", "Sam", "What did you feel during the fight?",
                          "Unheard, then stubborn.", False, local(2026, 11, 2, 19, 5))
        next_time = "What's one thing you'll do differently the next time a fight starts?"
        journal.add_entry(fight, "next_time", "reflection", "a", "Sam", next_time,
                          "Ask for a break before my voice rises.", False, local(2026, 11, 2, 19, 40),
                          tags=["agreement"])
        journal.add_entry(fight, "next_time", "reflection", "b", "Alex", next_time,
                          "Say *what* I need,\ninstead of going quiet.", False, local(2026, 11, 2, 19, 41),
                          tags=["agreement"])
        journal.end_session(fight, "end", local(2026, 11, 2, 19, 45))

        hug = journal.start_session("five_minute_hug", "A five-minute hug", "affection", local(2026, 11, 20, 21, 0))
        remember = "What do you want to remember?"
        journal.add_entry(hug, "remember", "reflection", "a", "Sam", remember,
                          "How your breathing slowed before mine did.", False, local(2026, 11, 20, 21, 9))
        journal.add_entry(hug, "remember", "reflection", "b", "Alex", remember,
                          "I still get scared we're drifting.", True, local(2026, 11, 20, 21, 10))
        journal.end_session(hug, "end", local(2026, 11, 20, 21, 11))
    yield tmp_path
    monkeypatch.undo()
    time.tzset()  # the rest of the run keeps its own time zone


def export(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", "--for-therapy", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_document_reads_warmly_and_as_expected(couple, capsys):
    code, out, err = export(capsys, "--out", "-")
    assert code == 0, err
    if os.environ.get("NEARER_UPDATE_FIXTURES"):
        FIXTURE.write_text(out)
    assert out == FIXTURE.read_text()


def test_by_default_shared_reflections_and_agreements_of_the_last_eight_weeks(couple, capsys):
    code, out, _ = export(capsys, "--out", "-")
    assert code == 0
    assert "Ask for a break before my voice rises." in out and "going quiet" in out
    assert "How your breathing slowed" in out
    assert "scared we're drifting" not in out, "Alex's private words stay Alex's"
    assert "Too long ago" not in out, "August is more than eight weeks back"
    assert "Unheard, then stubborn" not in out, "answers only with --answers"


def test_as_adds_your_own_private_ones_and_says_so(couple, capsys):
    code, out, _ = export(capsys, "--out", "-", "--as", "b")
    assert code == 0
    assert "scared we're drifting" in out
    assert "It also holds Alex's private reflections" in out
    assert "**Alex** (private)" in out
    code, out, _ = export(capsys, "--out", "-", "--as", "a")
    assert "scared we're drifting" not in out


def test_since_and_weeks_reach_back_and_answers_come_when_asked(couple, capsys):
    _, out, _ = export(capsys, "--out", "-", "--since", "2026-07-01")
    assert "Too long ago to bring." in out
    _, out, _ = export(capsys, "--out", "-", "--weeks", "1")
    assert "How your breathing slowed" in out and "Ask for a break" not in out
    _, out, _ = export(capsys, "--out", "-", "--answers")
    assert "Unheard, then stubborn." in out


def test_writes_one_private_file_named_for_the_day(couple, capsys, monkeypatch):
    monkeypatch.chdir(couple)
    code, out, err = export(capsys)
    assert code == 0 and out == ""
    written = couple / "nearer-for-therapy-2026-11-27.md"
    assert written.read_text().startswith("# For your first session")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "Gathered 3 entries from 2 sessions into nearer-for-therapy-2026-11-27.md" in err
    assert "`--as a` adds Sam's" in err


def test_nothing_to_gather_is_said_kindly_and_writes_nothing(couple, capsys, monkeypatch):
    monkeypatch.chdir(couple)
    code, _, err = export(capsys, "--since", "2026-11-26")
    assert code == 0
    assert "nothing to gather yet" in err
    assert not list(couple.glob("nearer-for-therapy-*.md"))


@pytest.mark.parametrize("args", [["--format", "json"], ["--ritual", "five_minute_hug"], ["--weeks", "0"]])
def test_options_that_do_not_fit_are_a_sentence(couple, capsys, args):
    code, _, err = export(capsys, *args)
    assert code == 2 and err.strip()
