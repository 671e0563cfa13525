"""Privacy in the journal: private words reach only their author; changing, deleting and forgetting
leave no copy in the database files; the schema migrates forward with what was written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nearer.engine import events as ev
from nearer.journal import store
from nearer.journal.export import markdown_bodies
from nearer.journal.store import Filters, Journal
from nearer.ritual.load import load_file
from nearer.session import LocalSession

FIXTURES = Path(__file__).parent.parent / "fixtures" / "engine"
WORD = "Zanzibarquetzal"  # one word nobody else writes, to look for in the files' bytes


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "data" / "journal.sqlite3"


def on_disk(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file())


def chat(journal: Journal) -> tuple[int, int, int]:
    session = journal.start_session("chat", "A vulnerable chat", "vulnerability", 100.0)
    shared = journal.add_entry(session, "share", "answer", "a", "Sam", "Heavy?", "Work.", False, 110.0)
    secret = journal.add_entry(
        session, "journal", "reflection", "b", "Alex", "Remember?", f"My {WORD} secret.", True, 120.0
    )
    journal.end_session(session, "end", 130.0)
    return session, shared, secret


def test_private_words_reach_only_their_author_everywhere(path):
    with Journal.open(path) as journal:
        session, _, secret = chat(journal)
        for reader in (None, "a"):
            seen = journal.session(session, reader)
            assert [e.text for e in seen.entries] == ["Work."]
            assert seen.hidden == ("b",)
            assert journal.search(WORD, reader) == []
            assert journal.history(viewer=reader)[0].entries == 1
            assert all(WORD.encode() not in body for body in markdown_bodies(journal, viewer=reader).values())
            assert all(e.id != secret for s in journal.sessions_since(viewer=reader) for e in s.entries)
        assert journal.left_out(viewer="a") == {"b": 1}
        assert [e.id for e in journal.session(session, "b").entries][-1] == secret
        assert [hit.entry.id for hit in journal.search(WORD, "b")] == [secret]


def test_only_the_author_changes_or_deletes_an_entry(path):
    with Journal.open(path) as journal:
        session, shared, secret = chat(journal)
        with pytest.raises(ValueError):
            journal.set_private(secret, False, "a")
        with pytest.raises(ValueError):
            journal.delete_entry(secret, "a")
        journal.set_private(secret, False, "b")
        assert WORD in journal.session(session, "a").entries[-1].text
        journal.set_private(shared, True, "a")
        assert [e.text for e in journal.session(session, "b").entries] == [f"My {WORD} secret."]
        together = journal.start_session("hug", "Hug", "affection", 200.0)
        both = journal.add_entry(together, "s", "reflection", "both", "Both", "P", "Us", True, 201.0)
        journal.set_private(both, False, "a")  # written together: either may change it
        journal.delete_entry(both, "b")
        assert journal.entries_for(together) == []


def test_deleting_an_entry_leaves_no_copy_in_the_files(path):
    with Journal.open(path) as journal:
        _, _, secret = chat(journal)
        assert WORD.encode() in on_disk(path)
        journal.delete_entry(secret, "b")
        assert WORD.encode() not in on_disk(path), "not in the table, the search index or the WAL"
        assert journal.search(WORD, "b") == []


def test_deleting_a_session_takes_its_entries_tags_cards_and_plans(path):
    with Journal.open(path) as journal:
        session, _, _ = chat(journal)
        journal.add_entry(session, "agree", "reflection", "a", "Sam", "Next time?", "Pause.", False, 125.0,
                          tags=["agreement"])
        journal.record_cards(session, "chat", "tender", ["A card"], 121.0)
        journal.add_plan(session, "chat", "A vulnerable chat", "tomorrow", 129.0)
        journal.delete_session(session)
        assert journal.history() == [] and journal.tagged("agreement") == []
        assert journal.seen_cards("tender") == [] and journal.open_plans() == []
        assert WORD.encode() not in on_disk(path)


def test_forget_everything_leaves_no_rows_and_no_text(path):
    with Journal.open(path) as journal:
        chat(journal)
        journal.save_snapshot("chat", "/r/chat.toml", f'{{"said": "{WORD}"}}', 140.0)
        assert journal.forget_everything() is True
        conn = sqlite3.connect(path)
        try:
            for table in store._ALL_TABLES:
                assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            conn.close()
        data = on_disk(path)
        for text in (WORD, "Work.", "Remember?", "A vulnerable chat", "Alex"):
            assert text.encode() not in data, text
        assert path.with_name(path.name + "-wal").stat().st_size == 0
        # The journal carries on, search included.
        session = journal.start_session("hug", "Hug", "affection", 300.0)
        journal.add_entry(session, "s", "reflection", "a", "Sam", "P", "after", False, 301.0)
        assert [h.entry.text for h in journal.search("after")] == ["after"]


def test_markdown_keeps_the_order_written_even_when_ids_disagree(path):
    with Journal.open(path) as journal:
        session = journal.start_session("chat", "Chat", "curiosity", 1.0)
        journal.add_entry(session, "s", "answer", "a", "Sam", "P", "second", False, 20.0)
        journal.add_entry(session, "s", "answer", "b", "Alex", "P", "first", False, 10.0)
        journal.add_entry(session, "s", "answer", "b", "Alex", "P", "third", False, 20.0)
        body = markdown_bodies(journal)[session].decode()
        assert body.index("first") < body.index("second") < body.index("third")
        assert [e.text for e in journal.entries_for(session)] == ["first", "second", "third"]


def test_history_filters_and_pages(path):
    with Journal.open(path) as journal:
        for day in range(60):
            ritual = ("hug", "Hug", "affection") if day % 2 else ("chat", "Chat", "curiosity")
            journal.start_session(*ritual, started=day * 86_400.0)
        newest = journal.history(limit=50)
        assert len(newest) == 50 and newest[0].started == 59 * 86_400.0
        assert [s.started for s in journal.history(limit=50, offset=50)][-1] == 0.0
        hugs = journal.history(Filters(practice="affection"))
        assert {s.ritual_id for s in hugs} == {"hug"} and len(hugs) == 30
        assert len(journal.history(Filters(ritual_id="chat", since=40 * 86_400.0))) == 10
        assert journal.rituals_done() == [("chat", "Chat", "curiosity"), ("hug", "Hug", "affection")]


def test_a_reflect_steps_tags_reach_the_journal(path, tmp_path):
    source = (FIXTURES / "reflect.toml").read_text()
    tagged = source.replace('private = "shared"\n', 'private = "shared"\ntags = ["agreement"]\n')
    (tmp_path / "reflect.toml").write_text(tagged)
    ritual = load_file(tmp_path / "reflect.toml").ritual
    assert ritual is not None
    times = iter(range(1000, 2000))
    with Journal.open(path) as journal:
        session = LocalSession(ritual, None, journal, {"a": "Sam", "b": "Alex"}, clock=lambda: next(times))
        view = session.start("a", seed=1)
        for _ in range(20):
            if view.status == "ended":
                break
            view = session.send(ev.Answer(partner=view.waiting_on[0], text=f"From {view.step_id}"))
        agreed = journal.tagged("agreement")
        assert {e.text for e in agreed} == {"From shared"} and agreed[0].tags == ("agreement",)


def test_a_first_journal_migrates_forward_with_every_word(path, monkeypatch):
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:1])
    monkeypatch.setattr(store, "VERSION", 1)
    with Journal.open(path, full_text=False) as journal:
        session = journal.start_session("chat", "Chat", "curiosity", 1.0)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO entries (session_id, step_id, kind, author, author_name, prompt, text,"
            " private, created) VALUES (?, 's', 'answer', ?, ?, ?, ?, ?, ?)",
            [(session, "a", "Sam", "Why?", "Line one\r\nline two", 0, 2.0),
             (session, "b", "Alex", "Why?", "Mine", 1, 3.0),
             (session, "a", "Sam", "When?", "Soon", 0, 4.0)],
        )
    conn.close()
    monkeypatch.undo()
    with Journal.open(path) as journal:
        entries = journal.entries_for(session)
        assert [(e.prompt, e.text, e.private) for e in entries] == [
            ("Why?", "Line one\nline two", False), ("Why?", "Mine", True), ("When?", "Soon", False)
        ]
        assert [h.entry.text for h in journal.search("line")] == ["Line one\nline two"]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.VERSION
        assert conn.execute("SELECT COUNT(*) FROM prompts").fetchone()[0] == 2
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
