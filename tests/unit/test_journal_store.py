"""The journal keeps everything a session produces, privately, and refuses files it does not know."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import threading

import pytest

from nearer.journal import store
from nearer.journal.store import Entry, Journal, JournalError, Plan, Snapshot

posix_only = pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")


@pytest.fixture
def journal_path(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "journal.sqlite3"


@pytest.fixture
def journal(journal_path):
    with Journal.open() as opened:
        yield opened


def fingerprint(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


def test_opens_at_the_platform_data_path(journal, journal_path):
    assert journal.path == journal_path
    assert journal_path.exists()
    assert journal.notice is None


def test_sessions_and_entries_round_trip(journal):
    first = journal.start_session("hug", "A long hug", "affection", started=1000.0)
    second = journal.start_session("chat", "A vulnerable chat", "vulnerability", started=2000.0)
    a = journal.add_entry(second, "share", "answer", "a", "Sam", "What felt heavy?", "Work.", False, 2010.0)
    b = journal.add_entry(second, "journal", "reflection", "b", "Alex", "Remember?", "Us.", True, 2020.0)
    journal.end_session(second, "end", ended=2100.0)
    journal.end_session(first, "left", ended=1100.0)

    recent = journal.recent_sessions()
    assert [s.id for s in recent] == [second, first]
    newest = recent[0]
    assert (newest.ritual_id, newest.ritual_title, newest.practice) == (
        "chat",
        "A vulnerable chat",
        "vulnerability",
    )
    assert (newest.started, newest.ended, newest.outcome) == (2000.0, 2100.0, "end")
    assert newest.entries == [
        Entry(
            id=a, session_id=second, step_id="share", kind="answer", author="a",
            author_name="Sam", prompt="What felt heavy?", text="Work.", private=False,
            created=2010.0,
        ),
        Entry(
            id=b, session_id=second, step_id="journal", kind="reflection", author="b",
            author_name="Alex", prompt="Remember?", text="Us.", private=True, created=2020.0,
        ),
    ]
    assert recent[1].entries == []
    assert journal.entries_for(second) == newest.entries
    assert journal.recent_sessions(limit=1) == recent[:1]


def test_a_session_in_progress_has_no_end(journal):
    session = journal.start_session("hug", "A long hug", "affection", started=5.0)
    (record,) = journal.recent_sessions()
    assert record.id == session and record.ended is None and record.outcome is None


def test_last_done_counts_only_finished_sessions(journal):
    for ritual, outcome, ended in [
        ("hug", "end", 10.0),
        ("hug", "end", 30.0),
        ("hug", "abandoned", 40.0),
        ("chat", "reschedule", 50.0),
    ]:
        session = journal.start_session(ritual, ritual, "custom", started=ended - 1)
        journal.end_session(session, outcome, ended)
    assert journal.last_done() == {"hug": 30.0}


def test_cards_are_remembered_per_deck_until_forgotten(journal):
    session = journal.start_session("chat", "Chat", "curiosity", 1.0)
    journal.record_cards(session, "chat", "tender", ["one", "two"], drawn_at=2.0)
    journal.record_cards(session, "other", "tender", ["two", "three"], drawn_at=3.0)
    journal.record_cards(session, "chat", "light", ["four"], drawn_at=3.0)
    assert journal.seen_cards("tender") == ["one", "two", "two", "three"]
    journal.forget_cards("tender")
    assert journal.seen_cards("tender") == []
    assert journal.seen_cards("light") == ["four"]


def test_plans_stay_open_until_completed(journal):
    session = journal.start_session("chat", "Chat", "vulnerability", 1.0)
    early = journal.add_plan(session, "chat", "Chat", "tomorrow evening", created=2.0)
    late = journal.add_plan(None, "hug", "Hug", "this weekend", created=3.0)
    assert journal.open_plans() == [
        Plan(id=early, session_id=session, ritual_id="chat", ritual_title="Chat",
             when_text="tomorrow evening", created=2.0, done=False),
        Plan(id=late, session_id=None, ritual_id="hug", ritual_title="Hug",
             when_text="this weekend", created=3.0, done=False),
    ]
    journal.complete_plan(early)
    assert [p.id for p in journal.open_plans()] == [late]
    assert [p.done for p in journal.plans_for([session])[session]] == [True]


def test_snapshot_is_a_single_replaceable_row(journal):
    assert journal.load_snapshot() is None
    journal.save_snapshot("hug", "/r/hug.toml", '{"step": "a"}', saved=1.0)
    journal.save_snapshot("chat", "/r/chat.toml", '{"step": "b"}', saved=2.0)
    assert journal.load_snapshot() == Snapshot(
        ritual_id="chat", ritual_path="/r/chat.toml", state_json='{"step": "b"}', saved=2.0
    )
    journal.clear_snapshot()
    assert journal.load_snapshot() is None


def test_everything_survives_closing_and_reopening(journal_path):
    with Journal.open() as journal:
        session = journal.start_session("hug", "Hug", "affection", 1.0)
        journal.add_entry(session, "s", "answer", "both", "Sam & Alex", "P", "T", False, 2.0)
        journal.save_snapshot("hug", "p", "{}", 3.0)
    with Journal.open() as journal:
        assert journal.recent_sessions()[0].entries[0].author_name == "Sam & Alex"
        assert journal.load_snapshot() is not None


def test_search_finds_word_prefixes_in_text_and_prompt_whatever_the_accents(journal):
    assert journal.full_text, "this Python's SQLite has FTS5; the fallback is tested below"
    session = journal.start_session("chat", "Chat", "curiosity", 1.0)
    journal.add_entry(session, "s", "answer", "a", "Sam", "Dreams?", "A trip to Lisbon", False, 2.0)
    journal.add_entry(session, "s", "answer", "b", "Alex", "Joy?", "Our café walks", False, 3.0)
    found = lambda words: [hit.entry.text for hit in journal.search(words)]  # noqa: E731
    assert found("lisbon") == ["A trip to Lisbon"]
    assert found("lis") == ["A trip to Lisbon"], "a word prefix matches as you type"
    assert found("dreams") == ["A trip to Lisbon"], "the prompt is searched too"
    assert found("cafe walk") == ["Our café walks"], "every word, accents aside"
    assert found("trip walk") == []
    # Query syntax typed by a person is just words, never an FTS5 error.
    for odd in ('"', "NEAR(", "a OR", "*", "-lisbon", "^", "lisbon)"):
        found(odd)


@pytest.mark.parametrize("full_text", [True, False])
def test_search_newest_first_and_never_the_partners_private_words(journal_path, full_text):
    with Journal.open(full_text=full_text) as journal:
        session = journal.start_session("chat", "Chat", "curiosity", 1.0)
        journal.add_entry(session, "s", "answer", "a", "Sam", "P", "river walk", False, 2.0)
        journal.add_entry(session, "s", "reflection", "b", "Alex", "P", "river secret", True, 3.0)
        journal.add_entry(session, "s", "answer", "b", "Alex", "P", "river again", False, 4.0)
        found = lambda viewer: [h.entry.text for h in journal.search("river", viewer)]  # noqa: E731
        assert found(None) == ["river again", "river walk"]
        assert found("a") == ["river again", "river walk"]
        assert found("b") == ["river again", "river secret", "river walk"]


def test_without_fts5_search_matches_letters_and_wildcards_literally(journal_path):
    with Journal.open(full_text=False) as journal:
        assert not journal.full_text
        session = journal.start_session("chat", "Chat", "curiosity", 1.0)
        journal.add_entry(session, "s", "answer", "a", "Sam", "Dreams?", "A trip to Lisbon", False, 2.0)
        journal.add_entry(session, "s", "answer", "b", "Alex", "Joy?", "100% you", False, 3.0)
        found = lambda words: [hit.entry.text for hit in journal.search(words)]  # noqa: E731
        assert found("lisbon") == ["A trip to Lisbon"]
        assert found("dreams") == ["A trip to Lisbon"]
        assert found("0%") == ["100% you"]
        assert found("_") == []
    # Back on an SQLite with FTS5, the index is rebuilt with what was written meanwhile.
    with Journal.open() as journal:
        assert [hit.entry.text for hit in journal.search("lisb")] == ["A trip to Lisbon"]


def test_wrong_values_are_refused_before_writing(journal):
    session = journal.start_session("chat", "Chat", "curiosity", 1.0)
    with pytest.raises(ValueError):
        journal.add_entry(session, "s", "note", "a", "Sam", "P", "T", False, 2.0)
    with pytest.raises(ValueError):
        journal.add_entry(session, "s", "answer", "c", "Sam", "P", "T", False, 2.0)
    with pytest.raises(ValueError):
        journal.end_session(session, "finished", 3.0)
    with pytest.raises(ValueError):
        journal.end_session(session + 99, "end", 3.0)
    assert journal.entries_for(session) == []


def test_writes_from_another_thread_work(journal):
    results = []
    worker = threading.Thread(
        target=lambda: results.append(journal.start_session("hug", "Hug", "affection", 1.0))
    )
    worker.start()
    worker.join()
    assert [s.id for s in journal.recent_sessions()] == results


@posix_only
def test_files_are_0600_and_folder_0700(journal, journal_path):
    journal.start_session("hug", "Hug", "affection", 1.0)
    assert stat.S_IMODE(journal_path.parent.stat().st_mode) == 0o700
    for path in journal_path.parent.iterdir():  # journal, -wal and -shm
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@posix_only
def test_a_journal_others_can_read_is_made_private(journal_path):
    Journal.open().close()
    journal_path.chmod(0o644)
    journal_path.parent.chmod(0o755)
    with Journal.open() as journal:
        assert "nearer has made it private to you again" in journal.notice
    assert stat.S_IMODE(journal_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal_path.parent.stat().st_mode) == 0o700


def test_a_new_journal_is_at_the_current_version(journal_path):
    Journal.open().close()
    with sqlite3.connect(journal_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_journal_from_a_newer_nearer_is_refused_and_untouched(journal_path):
    with Journal.open() as journal:
        journal.start_session("hug", "Hug", "affection", 1.0)
    conn = sqlite3.connect(journal_path)
    conn.execute(f"PRAGMA user_version = {store.VERSION + 1}")
    conn.close()
    before = fingerprint(journal_path.parent)
    with pytest.raises(JournalError) as caught:
        Journal.open()
    assert "written by a newer version of nearer" in str(caught.value)
    assert "left the file exactly as it was" in str(caught.value)
    assert fingerprint(journal_path.parent) == before


def test_a_newer_journal_in_rollback_mode_keeps_its_mode(journal_path):
    journal_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(journal_path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = fingerprint(journal_path.parent)
    with pytest.raises(JournalError):
        Journal.open()
    assert fingerprint(journal_path.parent) == before


def test_a_file_that_is_not_a_journal_is_refused_and_untouched(journal_path):
    journal_path.parent.mkdir(parents=True)
    journal_path.write_bytes(b"these are my notes, not a database" * 100)
    before = fingerprint(journal_path.parent)
    with pytest.raises(JournalError, match="is not a journal nearer can read"):
        Journal.open()
    assert fingerprint(journal_path.parent) == before


def test_upgrades_run_only_the_missing_scripts_and_keep_the_data(journal_path, monkeypatch):
    with Journal.open() as journal:
        session = journal.start_session("hug", "Hug", "affection", 1.0)
    monkeypatch.setattr(
        store, "MIGRATIONS", [*store.MIGRATIONS, "ALTER TABLE sessions ADD COLUMN mood TEXT;"]
    )
    monkeypatch.setattr(store, "VERSION", len(store.MIGRATIONS))
    with Journal.open() as journal:
        assert [s.id for s in journal.recent_sessions()] == [session]
    with sqlite3.connect(journal_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.VERSION
        columns = [row[1] for row in conn.execute("PRAGMA table_info(sessions)")]
    assert "mood" in columns


def test_a_failed_upgrade_changes_nothing(journal_path, monkeypatch):
    with Journal.open() as journal:
        journal.start_session("hug", "Hug", "affection", 1.0)
    monkeypatch.setattr(
        store,
        "MIGRATIONS",
        [*store.MIGRATIONS, "CREATE TABLE extra (x);\nTHIS IS NOT SQL;"],
    )
    monkeypatch.setattr(store, "VERSION", len(store.MIGRATIONS))
    with pytest.raises(Exception):
        Journal.open()
    with sqlite3.connect(journal_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.VERSION - 1
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "extra" not in tables


def test_a_newer_version_still_in_the_wal_is_seen(journal_path):
    Journal.open().close()
    other = sqlite3.connect(journal_path)  # a newer nearer, still running
    other.execute(f"PRAGMA user_version = {store.VERSION + 1}")
    other.commit()
    main_file = journal_path.read_bytes()
    try:
        with pytest.raises(JournalError, match="newer version"):
            Journal.open()
        assert journal_path.read_bytes() == main_file
    finally:
        other.close()
