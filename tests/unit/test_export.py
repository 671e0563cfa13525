"""`nearer export` gives a Markdown or JSON journal a person can read, filter and keep."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from nearer.cli import main
from nearer.journal.store import VERSION, Journal


def local(*args: int) -> float:
    return dt.datetime(*args).timestamp()


@pytest.fixture
def journal_path(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEARER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "journal.sqlite3"


@pytest.fixture
def filled(journal_path):
    with Journal.open() as journal:
        old = journal.start_session("hug", "A long hug", "affection", local(2026, 10, 3, 20, 0))
        journal.end_session(old, "end", local(2026, 10, 3, 20, 10))
        chat = journal.start_session(
            "chat", "A vulnerable chat", "vulnerability", local(2026, 11, 26, 21, 4)
        )
        journal.add_entry(
            chat, "share", "answer", "a", "Sam", "What has felt heavy lately?",
            "Work has been a lot.\nReally.\n\nAnd I miss my sister.", False, local(2026, 11, 26, 21, 10),
        )
        journal.add_entry(
            chat, "journal", "reflection", "b", "Alex", "What do you want to remember?",
            "That Sam trusted me.", True, local(2026, 11, 26, 21, 30),
        )
        journal.end_session(chat, "end", local(2026, 11, 26, 21, 36))
        later = journal.start_session("chat", "A vulnerable chat", "vulnerability", local(2026, 11, 27, 19, 0))
        journal.add_plan(later, "chat", "A vulnerable chat", "tomorrow evening", local(2026, 11, 27, 19, 1))
        journal.end_session(later, "reschedule", local(2026, 11, 27, 19, 1))
    return journal_path


def export(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_markdown_reads_on_its_own(filled, capsys):
    code, out, err = export(capsys, "--as", "b")
    assert code == 0 and err == ""
    assert out.startswith("# Our nearer journal\n")
    assert ": 3 sessions." in out
    # Oldest first, like a diary.
    assert out.index("## A long hug") < out.index("## A vulnerable chat")
    assert "Saturday 3 October 2026, 20:00 · finished after 10 minutes" in out
    assert "Thursday 26 November 2026, 21:04 · finished after 32 minutes" in out
    assert (
        "**Sam**, answering “What has felt heavy lately?”\n\n"
        "> Work has been a lot.  \n> Really.\n>\n> And I miss my sister.\n"
    ) in out
    assert (
        "**Alex** (private, written by Alex), reflecting on “What do you want to remember?”\n\n"
        "> That Sam trusted me.\n"
    ) in out
    assert "moved to another time" in out
    assert "You planned to come back to this tomorrow evening (still to do)." in out


def test_private_entries_go_only_to_their_author(filled, capsys):
    _, together, err = export(capsys)
    assert "That Sam trusted me" not in together
    assert "Work has been a lot." in together
    assert err == (
        "Left out 1 of Partner B's private entry: private words are for their writer. "
        "`--as a` includes Partner A's, `--as b` Partner B's.\n"
    )
    _, as_sam, err = export(capsys, "--as", "a")
    assert "That Sam trusted me" not in as_sam
    assert "since they are not yours" in err
    _, as_alex, _ = export(capsys, "--as", "B")
    assert "That Sam trusted me" in as_alex
    _, as_json, _ = export(capsys, "--format", "json")
    assert "That Sam trusted me" not in as_json
    _, as_json, _ = export(capsys, "--format", "json", "--as", "b")
    assert "That Sam trusted me" in as_json


def test_as_takes_a_name_and_refuses_a_stranger(filled, capsys):
    from nearer.settings import Settings, save_settings

    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True))
    _, out, _ = export(capsys, "--as", "alex")
    assert "That Sam trusted me" in out
    code, out, err = export(capsys, "--as", "Kim")
    assert (code, out) == (2, "")
    assert err == "'Kim' is not one of you; write --as a (Sam) or --as b (Alex).\n"


def test_ritual_keeps_only_that_rituals_sessions(filled, capsys):
    _, out, _ = export(capsys, "--ritual", "hug")
    assert "## A long hug" in out and "A vulnerable chat" not in out
    code, out, err = export(capsys, "--ritual", "nope")
    assert (code, out) == (0, "")
    assert err == "There are no sessions of nope in your journal yet.\n"


@pytest.mark.parametrize("form", ["md", "json"])
def test_out_folder_writes_one_private_file_per_session(filled, capsys, tmp_path, form):
    folder = tmp_path / "exports"
    code, out, err = export(capsys, "--format", form, "--as", "b", "--out", f"{folder}/")
    assert code == 0 and out == ""
    assert err.startswith(f"Exported 3 sessions to {folder}, one file each")
    files = sorted(folder.iterdir())
    assert [f.name.split("-", 4)[-1] for f in files] == [
        f"hug-1.{form}", f"chat-2.{form}", f"chat-3.{form}"
    ]
    chat = files[1].read_text()
    if form == "md":
        assert chat.startswith("# A vulnerable chat\n\nThursday 26 November 2026, 21:04")
        assert "> That Sam trusted me.\n" in chat and "A long hug" not in chat
    else:
        assert [e["text"] for e in json.loads(chat)["sessions"][0]["entries"]][1] == "That Sam trusted me."
    if os.name == "posix":
        assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_json_has_the_same_data(filled, capsys):
    code, out, _ = export(capsys, "--format", "json", "--as", "b")
def test_since_keeps_sessions_from_that_day_on(filled, capsys):
    code, out, _ = export(capsys, "--since", "2026-11-26")
    assert code == 0
    assert "## A long hug" not in out
    assert out.count("## A vulnerable chat") == 2
    assert "2 sessions from Thursday 26 November 2026 on" in out
    _, out, _ = export(capsys, "--format", "json", "--since", "2026-11-27")
    assert [s["outcome"] for s in json.loads(out)["sessions"]] == ["reschedule"]


@pytest.mark.parametrize("bad", ["yesterday", "2026-02-30", "27/11/2026", "20261127"])
def test_a_bad_since_is_a_sentence_and_exit_2(filled, capsys, bad):
    code, out, err = export(capsys, "--since", bad)
    assert code == 2 and out == ""
    assert err == f"'{bad}' is not a date nearer understands; write it as YYYY-MM-DD, for example 2026-11-27.\n"


def test_nothing_since_a_date_is_said_kindly(filled, capsys):
    code, out, err = export(capsys, "--since", "2030-01-01")
    assert (code, out) == (0, "")
    assert err == "There are no sessions in your journal since 2030-01-01.\n"


def test_an_empty_journal_is_said_kindly_and_not_created(journal_path, capsys):
    code, out, err = export(capsys)
    assert (code, out) == (0, "")
    assert err == "Your journal is empty so far, so there is nothing to export yet.\n"
    assert not journal_path.exists()
    code, out, _ = export(capsys, "--format", "json")
    assert code == 0 and json.loads(out)["sessions"] == []


def test_out_writes_a_private_file(filled, capsys, tmp_path):
    target = tmp_path / "journal.md"
    code, out, err = export(capsys, "--out", str(target))
    assert code == 0 and out == ""
    assert err.startswith(f"Exported 3 sessions to {target}")
    assert target.read_text().startswith("# Our nearer journal")
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_out_into_a_missing_folder_is_a_sentence(filled, capsys, tmp_path):
    code, _, err = export(capsys, "--out", str(tmp_path / "nope" / "j.md"))
    assert code == 1
    assert err.startswith("nearer could not write the export to ")


def test_a_journal_from_a_newer_nearer_is_a_sentence(filled, capsys):
    conn = sqlite3.connect(filled)
    conn.execute(f"PRAGMA user_version = {VERSION + 1}")
    conn.close()
    code, out, err = export(capsys)
    assert code == 1 and out == ""
    assert "newer version of nearer" in err


def test_names_and_titles_cannot_reshape_the_markdown(journal_path, capsys):
    with Journal.open() as journal:
        session = journal.start_session("x", "# *Big* night", "custom", local(2026, 1, 1, 9, 0))
        journal.add_entry(session, "s", "answer", "a", "**Sam**", "", "hi", False, local(2026, 1, 1, 9, 1))
    _, out, _ = export(capsys)
    assert "## \\# \\*Big\\* night\n" in out
    assert "**\\*\\*Sam\\*\\***\n\n> hi\n" in out


def test_export_never_imports_textual(filled):
    code = (
        "import sys; from nearer.cli import main; rc = main(['export', '--format', 'json']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["sessions"]) == 3


def test_unnamed_partners_and_empty_answers_still_read_well(journal_path, capsys):
    with Journal.open() as journal:
        session = journal.start_session("x", "Hug", "affection", local(2026, 1, 1, 9, 0))
        journal.add_entry(session, "s", "reflection", "both", "", "", "", False, local(2026, 1, 1, 9, 1))
    _, out, _ = export(capsys)
    assert "\n**Both of you**\n\n>\n" in out
    assert "not finished" in out


def test_a_plan_from_a_plan_step_says_what_you_planned(journal_path, capsys):
    with Journal.open() as journal:
        new = journal.start_session("new_together", "Something new together", "novelty", local(2026, 11, 20, 19, 0))
        journal.add_plan(new, "new_together", "Something new together", "this weekend", local(2026, 11, 20, 19, 9),
                         what="A salsa class", offer="new_together_debrief")
        journal.end_session(new, "end", local(2026, 11, 20, 19, 10))
    code, out, _ = export(capsys)
    assert code == 0
    assert "You planned: A salsa class, this weekend (still to do)." in out
    code, out, _ = export(capsys, "--format", "json")
    assert json.loads(out)["sessions"][0]["plans"][0]["what"] == "A salsa class"
