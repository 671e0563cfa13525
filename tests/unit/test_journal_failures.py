"""When the journal cannot be written, the person gets a sentence and nothing saved is lost."""

from __future__ import annotations

import os
import sqlite3
import subprocess

import pytest

from nearer.fsutil import StorageError
from nearer.journal.store import Journal




def write_first_entry(journal: Journal) -> int:
    session = journal.start_session("chat", "A vulnerable chat", "vulnerability", 1.0)
    journal.add_entry(session, "share", "answer", "a", "Sam", "P", "kept safe", False, 2.0)
    return session


def texts(journal: Journal) -> list[str]:
    return [entry.text for s in journal.recent_sessions() for entry in s.entries]


def test_full_database_is_a_sentence_and_the_retry_works(tmp_path):
    # SQLite reports a page limit exactly as it reports a full disk (SQLITE_FULL).
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        session = write_first_entry(journal)
        pages = journal._conn.execute("PRAGMA page_count").fetchone()[0]
        journal._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageError) as caught:
            journal.add_entry(session, "s", "reflection", "b", "Alex", "P", "x" * 50_000, False, 3.0)
        assert str(caught.value) == (
            "Your disk is full, so nearer could not save what you wrote. "
            "Free some space and try again."
        )
        assert texts(journal) == ["kept safe"]
        journal._conn.execute("PRAGMA max_page_count = 1073741823")
        journal.add_entry(session, "s", "reflection", "b", "Alex", "P", "retried", False, 3.0)
        assert texts(journal) == ["kept safe", "retried"]


def test_real_full_disk_is_a_sentence_and_nothing_is_lost(tiny_tmpfs):
    with Journal.open(tiny_tmpfs / "data" / "j.sqlite3") as journal:
        session = write_first_entry(journal)
        filler = tiny_tmpfs / "filler"
        with open(filler, "wb", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError:
                pass
        with pytest.raises(StorageError, match="^Your disk is full, so nearer could not save"):
            journal.add_entry(session, "s", "reflection", "b", "Alex", "P", "x" * 100_000, False, 3.0)
        filler.unlink()
        journal.add_entry(session, "s", "reflection", "b", "Alex", "P", "retried", False, 3.0)
    with Journal.open(tiny_tmpfs / "data" / "j.sqlite3") as journal:
        assert texts(journal) == ["kept safe", "retried"]


def test_read_only_disk_is_a_sentence_and_nothing_is_lost(tiny_tmpfs):
    path = tiny_tmpfs / "data" / "j.sqlite3"
    with Journal.open(path) as journal:
        write_first_entry(journal)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
    try:
        with pytest.raises(StorageError, match="read-only"):
            Journal.open(path)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_tmpfs)], check=True)
    with Journal.open(path) as journal:
        assert texts(journal) == ["kept safe"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores mode bits")
def test_read_only_folder_is_a_sentence_and_nothing_is_lost(tmp_path):
    folder = tmp_path / "data"
    path = folder / "j.sqlite3"
    with Journal.open(path) as journal:
        write_first_entry(journal)
    path.chmod(0o400)
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="read-only or its folder is not yours"):
            with Journal.open(path) as journal:
                journal.start_session("hug", "Hug", "affection", 5.0)
    finally:
        folder.chmod(0o700)
        path.chmod(0o600)
    with Journal.open(path) as journal:
        assert texts(journal) == ["kept safe"]


def test_a_journal_locked_by_another_nearer_is_a_sentence(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path, busy_timeout=0.05) as journal:
        session = write_first_entry(journal)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StorageError, match="^Another copy of nearer is busy"):
                journal.end_session(session, "end", 9.0)
        finally:
            other.execute("ROLLBACK")
            other.close()
        journal.end_session(session, "end", 9.0)
        assert journal.last_done() == {"chat": 9.0}
