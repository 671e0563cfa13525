"""The journal: one private SQLite file with your sessions, what you wrote, cards drawn and plans.

Durability: WAL with `synchronous=FULL` for everything a person wrote or decided (sessions,
entries, cards, plans): each commit is fsynced, so what the screen calls saved survives a power
cut, and it costs about 0.2 ms here (a few ms on a slow laptop disk) on writes that happen a few
times a session. The resume snapshot, written on every step, commits with `NORMAL`: still safe
from a crash or kill -9 (the WAL is in the OS already), only a power cut could lose the last step,
and the step transition stays free of an fsync.

Versions: `PRAGMA user_version` counts the scripts in MIGRATIONS that have run. A journal from a
newer nearer is refused with a sentence and never written to, not even its journal mode.

Privacy: every read that shows words takes a reader ("a", "b", or None for both of you) and
returns only what that reader may see (`_VISIBLE`); a private entry's text never leaves SQLite
for anyone else. Only an entry's author changes or deletes it. Deleting leaves no copy in the
files: secure_delete zeroes freed pages, the FTS5 index is merged, the WAL is checkpointed and
truncated; forgetting everything also VACUUMs.

Search: an FTS5 index over entries' text and prompts, kept by triggers, when this Python's
SQLite has FTS5; otherwise LIKE, and `Journal.full_text` is False so the screen can say so.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import msgspec

from nearer import paths
from nearer.fsutil import StorageError, ensure_private_dir, ensure_private_file, storage_error

Kind = Literal["reflection", "answer"]
Author = Literal["a", "b", "both"]
Viewer = Literal["a", "b"]
Outcome = Literal["end", "reschedule", "left", "abandoned"]

KINDS = ("reflection", "answer")
AUTHORS = ("a", "b", "both")
OUTCOMES = ("end", "reschedule", "left", "abandoned")

MIGRATIONS: list[str] = [
    # 1: the first journal.
    """
    CREATE TABLE sessions (
        id           INTEGER PRIMARY KEY,
        ritual_id    TEXT NOT NULL,
        ritual_title TEXT NOT NULL,
        practice     TEXT NOT NULL,
        started      REAL NOT NULL,
        ended        REAL,
        outcome      TEXT CHECK (outcome IN ('end', 'reschedule', 'left', 'abandoned'))
    );
    CREATE INDEX sessions_by_start ON sessions (started);
    CREATE INDEX sessions_done ON sessions (ritual_id, ended) WHERE outcome = 'end';

    CREATE TABLE entries (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        step_id     TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('reflection', 'answer')),
        author      TEXT NOT NULL CHECK (author IN ('a', 'b', 'both')),
        author_name TEXT NOT NULL,
        prompt      TEXT NOT NULL,
        text        TEXT NOT NULL,
        private     INTEGER NOT NULL CHECK (private IN (0, 1)),
        created     REAL NOT NULL
    );
    CREATE INDEX entries_by_session ON entries (session_id, created);
    CREATE INDEX entries_by_time ON entries (created);

    -- The card's own text is kept (not an index) so editing a deck never
    -- makes an old card count as unseen, or a new one as seen.
    CREATE TABLE drawn_cards (
        id         INTEGER PRIMARY KEY,
        session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
        ritual_id  TEXT NOT NULL,
        deck       TEXT NOT NULL,
        card       TEXT NOT NULL,
        drawn_at   REAL NOT NULL
    );
    CREATE INDEX drawn_cards_by_deck ON drawn_cards (deck);

    CREATE TABLE plans (
        id           INTEGER PRIMARY KEY,
        session_id   INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
        ritual_id    TEXT NOT NULL,
        ritual_title TEXT NOT NULL,
        when_text    TEXT NOT NULL,
        created      REAL NOT NULL,
        done         INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
    );

    CREATE TABLE snapshot (
        only        INTEGER PRIMARY KEY CHECK (only = 1),
        ritual_id   TEXT NOT NULL,
        ritual_path TEXT NOT NULL,
        state_json  TEXT NOT NULL,
        saved       REAL NOT NULL
    );
    """,
    # 2: prompts in their own table (a prompt repeats across hundreds of entries; an export
    # fetches its id instead of its text), tags on entries (agreements), line endings as \n,
    # and the view that full-text search indexes.
    """
    CREATE TABLE prompts (
        id   INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE
    );
    INSERT INTO prompts (text) SELECT prompt FROM entries GROUP BY prompt ORDER BY MIN(id);

    CREATE TABLE entries_v2 (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        step_id     TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('reflection', 'answer')),
        author      TEXT NOT NULL CHECK (author IN ('a', 'b', 'both')),
        author_name TEXT NOT NULL,
        prompt_id   INTEGER NOT NULL REFERENCES prompts (id),
        text        TEXT NOT NULL,
        private     INTEGER NOT NULL CHECK (private IN (0, 1)),
        created     REAL NOT NULL
    );
    INSERT INTO entries_v2
        SELECT e.id, e.session_id, e.step_id, e.kind, e.author, e.author_name, p.id,
               replace(replace(e.text, char(13, 10), char(10)), char(13), char(10)),
               e.private, e.created
        FROM entries e JOIN prompts p ON p.text = e.prompt ORDER BY e.id;
    DROP TABLE entries;
    ALTER TABLE entries_v2 RENAME TO entries;
    CREATE INDEX entries_by_session ON entries (session_id, created);
    CREATE INDEX entries_by_time ON entries (created);
    CREATE INDEX entries_by_author ON entries (author_name, author);

    CREATE TABLE entry_tags (
        entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
        tag      TEXT NOT NULL,
        PRIMARY KEY (tag, entry_id)
    ) WITHOUT ROWID;
    CREATE INDEX entry_tags_by_entry ON entry_tags (entry_id);

    CREATE VIEW searchable AS
        SELECT e.id AS id, e.text AS text, p.text AS prompt
        FROM entries e JOIN prompts p ON p.id = e.prompt_id;
    """,
    # 3: plans from a `plan` step carry what you will do, and the ritual for afterwards.
    """
    ALTER TABLE plans ADD COLUMN what TEXT NOT NULL DEFAULT '';
    ALTER TABLE plans ADD COLUMN offer TEXT NOT NULL DEFAULT '';
    """,
]
VERSION = len(MIGRATIONS)


class JournalError(Exception):
    """The journal cannot be opened at all; `str(error)` is a sentence to show as it is."""


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """Something one of you (or both) wrote during a session."""

    id: int
    session_id: int
    step_id: str
    kind: Kind
    author: Author
    author_name: str
    prompt: str
    text: str
    private: bool
    created: float
    tags: tuple[str, ...] = ()


class SessionRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One run of a ritual; `ended`/`outcome` are None while it is still going (or was cut off).

    `entries` are those the reader may see; `hidden` names the author of each private entry left
    out for this reader (its text never leaves the database)."""

    id: int
    ritual_id: str
    ritual_title: str
    practice: str
    started: float
    ended: float | None
    outcome: Outcome | None
    entries: list[Entry]
    hidden: tuple[str, ...] = ()


class SessionSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A line of the history list: the session, how many entries the reader may see, and the
    first of them."""

    id: int
    ritual_id: str
    ritual_title: str
    practice: str
    started: float
    ended: float | None
    outcome: Outcome | None
    entries: int
    first_text: str


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    """An entry that matched a search, with the session it belongs to."""

    entry: Entry
    ritual_title: str
    started: float


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    """A "not now, but then" from a reschedule step (no `what`: you come back to the ritual), or
    a "yes, then" from a plan step (`what` you will do; `offer`, a ritual for afterwards)."""

    id: int
    session_id: int | None
    ritual_id: str
    ritual_title: str
    when_text: str
    created: float
    done: bool
    what: str = ""
    offer: str = ""


class Snapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Where an unfinished ritual stood, for resuming after a crash."""

    ritual_id: str
    ritual_path: str
    state_json: str
    saved: float


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    """What the history shows: every field None means "any"; times are [since, until)."""

    practice: str | None = None
    ritual_id: str | None = None
    since: float | None = None
    until: float | None = None


_ENTRY_COLUMNS = (
    "e.id, e.session_id, e.step_id, e.kind, e.author, e.author_name, p.text, e.text, e.private,"
    " e.created"
)
_ENTRY_FROM = "entries e JOIN prompts p ON p.id = e.prompt_id"
_PLAN_COLUMNS = "id, session_id, ritual_id, ritual_title, when_text, created, done, what, offer"
_SESSION_COLUMNS = "s.id, s.ritual_id, s.ritual_title, s.practice, s.started, s.ended, s.outcome"
# Who may read an entry: everyone if shared; only its author if private ("both" wrote it together).
# `?viewer` is "a", "b", or NULL for the two of you reading together (shared entries only).
_VISIBLE = "(e.private = 0 OR e.author = 'both' OR e.author IS :viewer)"
_SEARCH_TRIGGERS = ("entries_fts_insert", "entries_fts_delete", "entries_fts_update")
_ALL_TABLES = ("entry_tags", "entries", "prompts", "drawn_cards", "plans", "sessions", "snapshot")


class Journal:
    """The journal file. Open with `Journal.open()`; every method is safe to call from any thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None, full_text: bool):
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.notice = notice
        """A sentence for the screen when opening had to make the files private again."""
        self.full_text = full_text
        """True when search uses SQLite's FTS5 index; False when this Python's SQLite lacks FTS5
        and search falls back to matching the exact letters (slower, no word prefixes)."""

    @classmethod
    def open(
        cls, path: Path | None = None, *, busy_timeout: float = 5.0, full_text: bool | None = None
    ) -> Journal:
        """Open (creating or upgrading) the journal. Raises JournalError or StorageError.

        `full_text=False` forces the LIKE fallback (tests); None uses FTS5 when SQLite has it."""
        path = path or paths.journal_path()
        notices = [ensure_private_dir(path.parent)]
        if path.exists():
            _refuse_if_newer(path)
        else:
            _create_private(path)
        for suffix in ("", "-wal", "-shm"):
            notices.append(ensure_private_file(path.with_name(path.name + suffix)))
        try:
            conn = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise _open_error(exc, path) from exc
        try:
            _prepare(conn)
            _migrate(conn, path)
            if full_text is None:
                full_text = _has_fts5(conn)
            _index_for_search(conn, full_text)
        except sqlite3.Error as exc:
            conn.close()
            raise _open_error(exc, path) from exc
        except BaseException:
            conn.close()
            raise
        notice = " ".join(n for n in dict.fromkeys(notices) if n) or None
        return cls(conn, path, notice, full_text)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Sessions ---------------------------------------------------------------------------------

    def start_session(self, ritual_id: str, ritual_title: str, practice: str, started: float) -> int:
        with self._write("save the start of this session") as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (ritual_id, ritual_title, practice, started)"
                " VALUES (?, ?, ?, ?)",
                (ritual_id, ritual_title, practice, started),
            )
            return _rowid(cursor)

    def end_session(self, session_id: int, outcome: str, ended: float) -> None:
        _check(outcome, OUTCOMES, "outcome")
        with self._write("save the end of this session") as conn:
            cursor = conn.execute(
                "UPDATE sessions SET outcome = ?, ended = ? WHERE id = ?",
                (outcome, ended, session_id),
            )
            if cursor.rowcount == 0:
                raise ValueError(f"no session {session_id} in the journal")

    def add_entry(
        self,
        session_id: int,
        step_id: str,
        kind: str,
        author: str,
        author_name: str,
        prompt: str,
        text: str,
        private: bool,
        created: float,
        tags: Iterable[str] = (),
    ) -> int:
        """Save an entry. Line endings become "\\n", so every export quotes it the same way."""
        _check(kind, KINDS, "kind")
        _check(author, AUTHORS, "author")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        with self._write("save what you wrote") as conn:
            conn.execute("INSERT OR IGNORE INTO prompts (text) VALUES (?)", (prompt,))
            cursor = conn.execute(
                "INSERT INTO entries (session_id, step_id, kind, author, author_name, prompt_id,"
                " text, private, created)"
                " SELECT ?, ?, ?, ?, ?, id, ?, ?, ? FROM prompts WHERE text = ?",
                (session_id, step_id, kind, author, author_name, text, int(private), created, prompt),
            )
            entry_id = _rowid(cursor)
            conn.executemany(
                "INSERT OR IGNORE INTO entry_tags (entry_id, tag) VALUES (?, ?)",
                [(entry_id, tag) for tag in tags],
            )
            return entry_id

    def entries_for(self, session_id: int, viewer: Viewer | None = None, *, everything: bool = True) -> list[Entry]:
        """The session's entries in the order written: all of them, or (everything=False) those
        `viewer` may read."""
        where = "e.session_id = :session" + ("" if everything else f" AND {_VISIBLE}")
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM {_ENTRY_FROM} WHERE {where} ORDER BY e.created, e.id",
                {"session": session_id, "viewer": viewer},
            ).fetchall()
            return _with_tags(conn, rows)

    def session(self, session_id: int, viewer: Viewer | None) -> SessionRecord | None:
        """One session as `viewer` ("a", "b", or None for both of you together) may read it."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE s.id = ?", (session_id,)
            ).fetchone()
            if row is None:
                return None
            params = {"session": session_id, "viewer": viewer}
            rows = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM {_ENTRY_FROM}"
                f" WHERE e.session_id = :session AND {_VISIBLE} ORDER BY e.created, e.id",
                params,
            ).fetchall()
            hidden = conn.execute(
                f"SELECT e.author FROM entries e WHERE e.session_id = :session AND NOT {_VISIBLE}"
                " ORDER BY e.created, e.id",
                params,
            ).fetchall()
            entries = _with_tags(conn, rows)
        return _session(row, entries, tuple(author for (author,) in hidden))

    def recent_sessions(self, limit: int = 50) -> list[SessionRecord]:
        """The newest sessions first, each with every entry in the order they were written."""
        with self._read() as conn:
            sessions = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s ORDER BY s.started DESC, s.id DESC LIMIT ?",
                (limit,),
            ).fetchall()
            entries = _entries_by_session(conn, [row[0] for row in sessions])
        return [_session(row, entries.get(row[0], [])) for row in sessions]

    def history(
        self,
        filters: Filters = Filters(),
        viewer: Viewer | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
    ) -> list[SessionSummary]:
        """Sessions newest first, filtered, each with what `viewer` may see of it in brief."""
        where, params = _session_filter(filters)
        params.update(viewer=viewer, limit=limit, offset=offset)
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_SESSION_COLUMNS},"
                f" (SELECT COUNT(*) FROM entries e WHERE e.session_id = s.id AND {_VISIBLE}),"
                f" (SELECT e.text FROM entries e WHERE e.session_id = s.id AND {_VISIBLE}"
                "   ORDER BY e.created, e.id LIMIT 1)"
                f" FROM sessions s WHERE {where}"
                " ORDER BY s.started DESC, s.id DESC LIMIT :limit OFFSET :offset",
                params,
            ).fetchall()
        return [
            SessionSummary(
                id=r[0], ritual_id=r[1], ritual_title=r[2], practice=r[3], started=r[4],
                ended=r[5], outcome=r[6], entries=r[7], first_text=r[8] or "",
            )
            for r in rows
        ]

    def rituals_done(self) -> list[tuple[str, str, str]]:
        """(ritual id, its latest title, practice) for every ritual in the journal, by title."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT ritual_id, ritual_title, practice, MAX(started) FROM sessions"
                " GROUP BY ritual_id ORDER BY ritual_title COLLATE NOCASE"
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def sessions_since(
        self,
        since: float | None = None,
        *,
        with_entries: bool = True,
        ritual_id: str | None = None,
        viewer: Viewer | None = None,
    ) -> list[SessionRecord]:
        """Every session started at or after `since` (all when None), oldest first, for export,
        each with the entries `viewer` may read."""
        where, params = _session_filter(Filters(since=since, ritual_id=ritual_id))
        params["viewer"] = viewer
        with self._read() as conn:
            sessions = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions s WHERE {where} ORDER BY s.started, s.id",
                params,
            ).fetchall()
            rows = []
            if with_entries:
                # One pass over the entries in session order beats one query per session.
                rows = conn.execute(
                    f"SELECT {_ENTRY_COLUMNS} FROM {_ENTRY_FROM} WHERE {_VISIBLE} AND e.session_id"
                    f" IN (SELECT s.id FROM sessions s WHERE {where})"
                    " ORDER BY e.session_id, e.created, e.id",
                    params,
                ).fetchall()
            entries = _with_tags(conn, rows)
        by_session: dict[int, list[Entry]] = {}
        for entry in entries:
            by_session.setdefault(entry.session_id, []).append(entry)
        return [_session(row, by_session.get(row[0], [])) for row in sessions]

    def left_out(
        self, since: float | None = None, *, ritual_id: str | None = None, viewer: Viewer | None = None
    ) -> dict[str, int]:
        """Author -> how many private entries an export for `viewer` leaves out."""
        where, params = _session_filter(Filters(since=since, ritual_id=ritual_id))
        params["viewer"] = viewer
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT e.author, COUNT(*) FROM entries e WHERE NOT {_VISIBLE} AND e.session_id"
                f" IN (SELECT s.id FROM sessions s WHERE {where}) GROUP BY e.author",
                params,
            ).fetchall()
        return dict(rows)

    def markdown_bodies(
        self,
        name_lines: Callable[[str, str], tuple[str, str]],
        prompt_lines: Callable[[str], tuple[str, str]],
        quote: Callable[[str], str],
        since: float | None = None,
        *,
        ritual_id: str | None = None,
        viewer: Viewer | None = None,
    ) -> dict[int, bytes]:
        """Session id -> the Markdown (UTF-8) of the entries `viewer` may read, put together by
        SQLite.

        Fetching 100,000 entries' columns into Python and formatting them there took ~250 ms;
        here Python formats each distinct name and prompt once (a few hundred at most), and
        SQLite joins those to every entry and concatenates each session's entries into one string.
        `name_lines(name, author)` gives (shared, private) heading starts; `prompt_lines(prompt)`
        gives (answering, reflecting) heading ends; a one-line text becomes "> text\\n" here and
        any other (several lines, or empty) goes through `quote`.
        """
        where, params = _session_filter(Filters(since=since, ritual_id=ritual_id))
        in_sessions = f" AND e.session_id IN (SELECT s.id FROM sessions s WHERE {where})" if params else ""
        params.update(viewer=viewer, newline="\n")
        with self._read() as conn:
            conn.create_function("nearer_quote", 1, quote, deterministic=True)
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS md_prompts"
                " (id INTEGER PRIMARY KEY, answering TEXT, reflecting TEXT)"
            )
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS md_names"
                " (name TEXT, author TEXT, shared TEXT, private TEXT, PRIMARY KEY (name, author))"
            )
            try:
                prompts = conn.execute("SELECT id, text FROM prompts").fetchall()
                conn.executemany(
                    "INSERT INTO temp.md_prompts VALUES (?, ?, ?)",
                    [(pid, *prompt_lines(text)) for pid, text in prompts],
                )
                names = conn.execute("SELECT DISTINCT author_name, author FROM entries").fetchall()
                conn.executemany(
                    "INSERT INTO temp.md_names VALUES (?, ?, ?, ?)",
                    [(name, author, *name_lines(name, author)) for name, author in names],
                )
                # As UTF-8 bytes: decoding 25 MB into Python strings and encoding them again
                # for the file cost more than all the formatting. Grouping straight off the
                # entries_by_session index needs no sort, and hands each group its rows in that
                # index's order, (created, id): the order they were written, as on screen
                # (tests/unit/test_journal_privacy.py checks it). An ordered subquery would add
                # a sort of every entry (~30 ms at 100,000).
                rows = conn.execute(
                    "SELECT e.session_id, CAST(group_concat("
                    "    iif(e.private, n.private, n.shared)"
                    "    || iif(e.kind = 'answer', p.answering, p.reflecting)"
                    "    || iif(e.text = '' OR instr(e.text, :newline), nearer_quote(e.text),"
                    "           '> ' || e.text || :newline), '') AS BLOB)"
                    " FROM entries e INDEXED BY entries_by_session"
                    " JOIN temp.md_prompts p ON p.id = e.prompt_id"
                    " JOIN temp.md_names n ON n.name = e.author_name AND n.author = e.author"
                    f" WHERE {_VISIBLE}{in_sessions} GROUP BY e.session_id",
                    params,
                ).fetchall()
            finally:
                conn.execute("DELETE FROM temp.md_prompts")
                conn.execute("DELETE FROM temp.md_names")
        return dict(rows)

    def search(
        self,
        words: str,
        viewer: Viewer | None = None,
        filters: Filters = Filters(),
        *,
        limit: int = 100,
    ) -> list[SearchHit]:
        """Entries `viewer` may read whose text or prompt has every word, newest first.

        With FTS5 each word matches as a word prefix ("walk" finds "walked"), case and accents
        aside; without it, each word must appear as written (ASCII case aside)."""
        where, params = _session_filter(filters)
        params.update(viewer=viewer, limit=limit)
        columns = f"{_ENTRY_COLUMNS}, s.ritual_title, s.started"
        if self.full_text:
            tokens = _WORD.findall(words)
            if not tokens:
                return []
            params["match"] = " ".join(f'"{token}"*' for token in tokens)
            sql = (
                f"SELECT {columns} FROM entries_fts f"
                " JOIN entries e ON e.id = f.rowid JOIN prompts p ON p.id = e.prompt_id"
                " JOIN sessions s ON s.id = e.session_id"
                f" WHERE entries_fts MATCH :match AND {_VISIBLE} AND {where}"
                " ORDER BY f.rowid DESC LIMIT :limit"
            )
        else:
            tokens = words.split()
            if not tokens:
                return []
            conditions = []
            for number, token in enumerate(tokens):
                escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params[f"w{number}"] = f"%{escaped}%"
                conditions.append(
                    f"(e.text LIKE :w{number} ESCAPE '\\' OR p.text LIKE :w{number} ESCAPE '\\')"
                )
            sql = (
                f"SELECT {columns} FROM {_ENTRY_FROM} JOIN sessions s ON s.id = e.session_id"
                f" WHERE {' AND '.join(conditions)} AND {_VISIBLE} AND {where}"
                " ORDER BY e.created DESC, e.id DESC LIMIT :limit"
            )
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
            entries = _with_tags(conn, [row[:10] for row in rows])
        return [
            SearchHit(entry=entry, ritual_title=row[10], started=row[11])
            for entry, row in zip(entries, rows)
        ]

    def last_done(self) -> dict[str, float]:
        """Ritual id -> when it was last finished (outcome "end")."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT ritual_id, MAX(ended) FROM sessions WHERE outcome = 'end' GROUP BY ritual_id"
            ).fetchall()
        return dict(rows)

    def tagged(self, tag: str, viewer: Viewer | None = None) -> list[Entry]:
        """The entries with `tag` from the latest session that has any `viewer` may read."""
        params = {"tag": tag, "viewer": viewer}
        with self._read() as conn:
            latest = conn.execute(
                f"SELECT e.session_id FROM entry_tags t JOIN entries e ON e.id = t.entry_id"
                f" WHERE t.tag = :tag AND {_VISIBLE} ORDER BY e.created DESC, e.id DESC LIMIT 1",
                params,
            ).fetchone()
            if latest is None:
                return []
            params["session"] = latest[0]
            rows = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM {_ENTRY_FROM} JOIN entry_tags t ON t.entry_id = e.id"
                f" WHERE t.tag = :tag AND e.session_id = :session AND {_VISIBLE}"
                " ORDER BY e.created, e.id",
                params,
            ).fetchall()
            return _with_tags(conn, rows)

    # Changing and forgetting ------------------------------------------------------------------

    def set_private(self, entry_id: int, private: bool, by: str) -> None:
        """Make an entry private or shared; only its author (`by`) may. Raises ValueError else."""
        with self._write("change who can read this") as conn:
            cursor = conn.execute(
                "UPDATE entries SET private = ? WHERE id = ? AND author IN (?, 'both')",
                (int(private), entry_id, by),
            )
            if cursor.rowcount == 0:
                raise ValueError(f"entry {entry_id} is not one {by!r} wrote")

    def delete_entry(self, entry_id: int, by: str) -> None:
        """Delete an entry for good; only its author (`by`) may. Raises ValueError else."""
        with self._write("delete this entry") as conn:
            cursor = conn.execute(
                "DELETE FROM entries WHERE id = ? AND author IN (?, 'both')", (entry_id, by)
            )
            if cursor.rowcount == 0:
                raise ValueError(f"entry {entry_id} is not one {by!r} wrote")
            self._scrub(conn)
        self._checkpoint()

    def delete_session(self, session_id: int) -> None:
        """Delete a session with everything written in it, its cards and plans."""
        with self._write("delete this session") as conn:
            conn.execute("DELETE FROM drawn_cards WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM plans WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            self._scrub(conn)
        self._checkpoint()

    def forget_everything(self) -> bool:
        """Delete every row, then rebuild the file and empty its WAL so no old page survives.

        Returns False when another copy of nearer kept part of the WAL in use (its pages are
        overwritten by the next checkpoint); True when the files hold nothing of the old journal.
        """
        with self._write("forget everything") as conn:
            if self.full_text:
                # Emptying the index at once beats a trigger per entry; the triggers come back.
                for name in _SEARCH_TRIGGERS:
                    conn.execute(f"DROP TRIGGER IF EXISTS {name}")
                conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('delete-all')")
            for table in _ALL_TABLES:
                conn.execute(f"DELETE FROM {table}")
            if self.full_text:
                for statement in _statements(_SEARCH_INDEX):
                    conn.execute(statement)
        with self._lock:
            try:
                # VACUUM writes a fresh copy of the (now empty) database; the checkpoint moves it
                # into the main file and cuts the WAL, which held the old pages, to zero bytes.
                self._conn.execute("VACUUM")
                busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                raise _write_error(exc, "finish forgetting (clearing the old pages)", self.path) from exc
        return busy == 0

    def _scrub(self, conn: sqlite3.Connection) -> None:
        """Merge the search index into one segment: FTS5 otherwise keeps a deleted entry's words
        in older segments until some later merge. secure_delete zeroes the freed pages."""
        if self.full_text:
            conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('optimize')")

    def _checkpoint(self) -> None:
        """Copy the WAL into the main file and empty it, so deleted words leave no old page there.
        Best effort: a reader in another nearer may hold it, and the next checkpoint finishes."""
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error:
                pass

    # Cards ------------------------------------------------------------------------------------

    def record_cards(
        self, session_id: int, ritual_id: str, deck: str, cards: list[str], drawn_at: float
    ) -> None:
        with self._write("remember which cards you drew") as conn:
            conn.executemany(
                "INSERT INTO drawn_cards (session_id, ritual_id, deck, card, drawn_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(session_id, ritual_id, deck, card, drawn_at) for card in cards],
            )

    def seen_cards(self, deck: str) -> list[str]:
        """Every card drawn from the deck with this name, in the order drawn, repeats kept
        (until `forget_cards`). Insertion order, not the clock, is the draw order: a clock can
        be set back. The engine walks this history to find where the current cycle
        through the deck began, so no card repeats until every card has been seen."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT card FROM drawn_cards WHERE deck = ? ORDER BY rowid", (deck,)
            )
            return [row[0] for row in rows]

    def forget_cards(self, deck: str) -> None:
        """Start the deck's cycle again once every card has been seen."""
        with self._write("start this deck afresh") as conn:
            conn.execute("DELETE FROM drawn_cards WHERE deck = ?", (deck,))

    # Plans ------------------------------------------------------------------------------------

    def add_plan(
        self,
        session_id: int | None,
        ritual_id: str,
        ritual_title: str,
        when_text: str,
        created: float,
        *,
        what: str = "",
        offer: str = "",
    ) -> int:
        with self._write("save your plan") as conn:
            cursor = conn.execute(
                "INSERT INTO plans (session_id, ritual_id, ritual_title, when_text, created, what, offer)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_id, ritual_id, ritual_title, when_text, created, what, offer),
            )
            return _rowid(cursor)

    def open_plans(self) -> list[Plan]:
        """Plans not yet done, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_PLAN_COLUMNS} FROM plans WHERE done = 0 ORDER BY created, id"
            ).fetchall()
        return [_plan(row) for row in rows]

    def plans_for(self, session_ids: list[int]) -> dict[int, list[Plan]]:
        """Plans made in these sessions, done or not, for export."""
        with self._read() as conn:
            rows = _in_chunks(
                conn,
                f"SELECT {_PLAN_COLUMNS} FROM plans WHERE session_id IN ({{}}) ORDER BY created, id",
                session_ids,
            )
        by_session: dict[int, list[Plan]] = {}
        for row in rows:
            by_session.setdefault(row[1], []).append(_plan(row))
        return by_session

    def complete_plan(self, plan_id: int) -> None:
        with self._write("mark your plan as done") as conn:
            conn.execute("UPDATE plans SET done = 1 WHERE id = ?", (plan_id,))

    # Resume snapshot --------------------------------------------------------------------------

    def save_snapshot(self, ritual_id: str, ritual_path: str, state_json: str, saved: float) -> None:
        with self._write("remember where you are in this ritual", durable=False) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO snapshot (only, ritual_id, ritual_path, state_json, saved)"
                " VALUES (1, ?, ?, ?, ?)",
                (ritual_id, ritual_path, state_json, saved),
            )

    def load_snapshot(self) -> Snapshot | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT ritual_id, ritual_path, state_json, saved FROM snapshot"
            ).fetchone()
        if row is None:
            return None
        return Snapshot(ritual_id=row[0], ritual_path=row[1], state_json=row[2], saved=row[3])

    def clear_snapshot(self) -> None:
        with self._write("clear the saved place in this ritual", durable=False) as conn:
            conn.execute("DELETE FROM snapshot")

    # Plumbing ---------------------------------------------------------------------------------

    @contextmanager
    def _write(self, doing: str, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; any SQLite failure becomes a StorageError that says what was lost."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise _write_error(exc, doing, self.path) from exc

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise _read_error(exc, self.path) from exc


def _rowid(cursor: sqlite3.Cursor) -> int:
    rowid = cursor.lastrowid
    assert rowid is not None
    return rowid


def _check(value: str, allowed: tuple[str, ...], name: str) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def _entry(row: tuple, tags: tuple[str, ...] = ()) -> Entry:
    return Entry(
        id=row[0],
        session_id=row[1],
        step_id=row[2],
        kind=row[3],
        author=row[4],
        author_name=row[5],
        prompt=row[6],
        text=row[7],
        private=bool(row[8]),
        created=row[9],
        tags=tags,
    )


def _with_tags(conn: sqlite3.Connection, rows: list[tuple]) -> list[Entry]:
    """Entries from `_ENTRY_COLUMNS` rows, each with its tags (few entries have any)."""
    tags: dict[int, list[str]] = {}
    if rows and conn.execute("SELECT 1 FROM entry_tags LIMIT 1").fetchone():
        for entry_id, tag in _in_chunks(
            conn,
            "SELECT entry_id, tag FROM entry_tags WHERE entry_id IN ({}) ORDER BY tag",
            [row[0] for row in rows],
        ):
            tags.setdefault(entry_id, []).append(tag)
    return [_entry(row, tuple(tags.get(row[0], ()))) for row in rows]


def _session(row: tuple, entries: list[Entry], hidden: tuple[str, ...] = ()) -> SessionRecord:
    return SessionRecord(
        id=row[0],
        ritual_id=row[1],
        ritual_title=row[2],
        practice=row[3],
        started=row[4],
        ended=row[5],
        outcome=row[6],
        entries=entries,
        hidden=hidden,
    )


def _session_filter(filters: Filters) -> tuple[str, dict[str, object]]:
    """A WHERE clause over `sessions s` and its parameters."""
    clauses = ["1"]
    params: dict[str, object] = {}
    if filters.practice is not None:
        clauses.append("s.practice = :practice")
        params["practice"] = filters.practice
    if filters.ritual_id is not None:
        clauses.append("s.ritual_id = :ritual_id")
        params["ritual_id"] = filters.ritual_id
    if filters.since is not None:
        clauses.append("s.started >= :since")
        params["since"] = filters.since
    if filters.until is not None:
        clauses.append("s.started < :until")
        params["until"] = filters.until
    return " AND ".join(clauses), params


def _plan(row: tuple) -> Plan:
    return Plan(
        id=row[0],
        session_id=row[1],
        ritual_id=row[2],
        ritual_title=row[3],
        when_text=row[4],
        created=row[5],
        done=bool(row[6]),
        what=row[7],
        offer=row[8],
    )


def _in_chunks(conn: sqlite3.Connection, sql: str, ids: list[int]) -> list[tuple]:
    """Run `sql` with `IN ({})` filled for `ids`, in chunks below SQLite's variable limit."""
    rows: list[tuple] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows.extend(conn.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall())
    return rows


def _entries_by_session(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[Entry]]:
    rows = _in_chunks(
        conn,
        f"SELECT {_ENTRY_COLUMNS} FROM {_ENTRY_FROM} WHERE e.session_id IN ({{}})"
        " ORDER BY e.created, e.id",
        ids,
    )
    by_session: dict[int, list[Entry]] = {}
    for entry in _with_tags(conn, rows):
        by_session.setdefault(entry.session_id, []).append(entry)
    return by_session


def _create_private(path: Path) -> None:
    """Create the empty file 0600 ourselves: SQLite would create it 0644 (less the umask)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise storage_error(exc, "create your journal", path) from exc
    os.close(fd)


def _refuse_if_newer(path: Path) -> None:
    """Refuse a journal from a newer nearer without writing a byte (not even a -wal file)."""
    version = _stored_version(path)
    if version > VERSION:
        raise JournalError(
            f"Your journal at {path} was written by a newer version of nearer "
            f"(journal version {version}; this nearer reads up to {VERSION}). "
            "Update nearer to open it; nearer has left the file exactly as it was."
        )


def _stored_version(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        # A live or crashed WAL may hold a newer header than the main file: ask SQLite, read-only.
        from urllib.parse import quote

        try:
            conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
            try:
                return conn.execute("PRAGMA user_version").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _open_error(exc, path) from exc
    # Otherwise the header says it all: user_version is the big-endian int at byte 60.
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError as exc:
        raise storage_error(exc, "open your journal", path) from exc
    if not header:
        return 0
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise JournalError(
            f"The file at {path} is not a journal nearer can read. nearer has not changed it; "
            "move it somewhere else and nearer will start a new journal."
        )
    return int.from_bytes(header[60:64], "big")


def _prepare(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted rows (a cleared snapshot, forgotten cards) are overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    # Sorts and temporary tables stay in memory: SQLite would otherwise spill them (with your
    # words in them) to files in the system's temporary directory.
    conn.execute("PRAGMA temp_store = MEMORY")


_WORD = re.compile(r"\w+")


def _has_fts5(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.fts5_probe")
    return True


def _index_for_search(conn: sqlite3.Connection, full_text: bool) -> None:
    """Keep the FTS5 index of entries (text and prompt) in step with them, through triggers.

    The index is not part of the numbered migrations because it depends on how this Python's
    SQLite was built. Without FTS5, the triggers are dropped so writing still works (the stale
    index is left alone); a nearer with FTS5 then finds them missing and rebuilds the index.
    """
    present = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'entries_fts_%'"
        )
    }
    if full_text and present == set(_SEARCH_TRIGGERS):
        return
    if not full_text and not present:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name in present:
            conn.execute(f"DROP TRIGGER {name}")
        if full_text:
            for statement in _statements(_SEARCH_INDEX):
                conn.execute(statement)
            conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('rebuild')")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


_SEARCH_INDEX = """
CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5 (
    text, prompt, content = 'searchable', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, text, prompt)
    VALUES (new.id, new.text, (SELECT text FROM prompts WHERE id = new.prompt_id));
END;
CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, text, prompt)
    VALUES ('delete', old.id, old.text, (SELECT text FROM prompts WHERE id = old.prompt_id));
END;
CREATE TRIGGER entries_fts_update AFTER UPDATE OF text, prompt_id ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, text, prompt)
    VALUES ('delete', old.id, old.text, (SELECT text FROM prompts WHERE id = old.prompt_id));
    INSERT INTO entries_fts (rowid, text, prompt)
    VALUES (new.id, new.text, (SELECT text FROM prompts WHERE id = new.prompt_id));
END;
"""


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again inside the lock: another nearer may have upgraded the file meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:
            raise JournalError(
                f"Your journal at {path} was just upgraded by a newer version of nearer; "
                "update this nearer to keep using it."
            )
        for number in range(version, VERSION):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements: `executescript` would commit our transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"unfinished SQL statement in a migration: {buffer.strip()[:60]}")


def _code(exc: sqlite3.Error) -> int:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF


_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def _write_error(exc: sqlite3.Error, doing: str, path: Path) -> StorageError:
    code = _code(exc)
    if code == _SQLITE_FULL:
        sentence = f"Your disk is full, so nearer could not {doing}. Free some space and try again."
    elif code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
        sentence = (
            f"nearer could not {doing}: the journal at {path} is read-only or its folder is not "
            "yours. Make it writable and try again."
        )
    elif code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        sentence = (
            f"Another copy of nearer is busy with the journal, so this one could not {doing}. "
            "Try again in a moment."
        )
    else:
        sentence = f"nearer could not {doing} ({exc}). Try again in a moment."
    return StorageError(sentence, path=path)


def _read_error(exc: sqlite3.Error, path: Path) -> StorageError:
    if _code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StorageError(
            "Another copy of nearer is busy with the journal; try again in a moment.", path=path
        )
    return StorageError(f"nearer could not read your journal at {path} ({exc}).", path=path)


def _open_error(exc: sqlite3.Error, path: Path) -> Exception:
    code = _code(exc)
    if code in (_SQLITE_NOTADB, _SQLITE_CORRUPT):
        return JournalError(
            f"The file at {path} is not a journal nearer can read ({exc}). nearer has not "
            "changed it; move it somewhere else and nearer will start a new journal."
        )
    return _write_error(exc, "open your journal", path)
