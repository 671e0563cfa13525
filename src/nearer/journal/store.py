"""The journal: one private SQLite file with your sessions, what you wrote, cards drawn and plans.

Durability: WAL with `synchronous=FULL` for everything a person wrote or decided (sessions,
entries, cards, plans): each commit is fsynced, so what the screen calls saved survives a power
cut, and it costs about 0.2 ms here (a few ms on a slow laptop disk) on writes that happen a few
times a session. The resume snapshot, written on every step, commits with `NORMAL`: still safe
from a crash or kill -9 (the WAL is in the OS already), only a power cut could lose the last step,
and the step transition stays free of an fsync.

Versions: `PRAGMA user_version` counts the scripts in MIGRATIONS that have run. A journal from a
newer nearer is refused with a sentence and never written to, not even its journal mode.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import msgspec

from nearer import paths
from nearer.fsutil import StorageError, ensure_private_dir, ensure_private_file, storage_error

Kind = Literal["reflection", "answer"]
Author = Literal["a", "b", "both"]
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


class SessionRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One run of a ritual; `ended`/`outcome` are None while it is still going (or was cut off)."""

    id: int
    ritual_id: str
    ritual_title: str
    practice: str
    started: float
    ended: float | None
    outcome: Outcome | None
    entries: list[Entry]


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    """A "not now, but then" from a reschedule step."""

    id: int
    session_id: int | None
    ritual_id: str
    ritual_title: str
    when_text: str
    created: float
    done: bool


class Snapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Where an unfinished ritual stood, for resuming after a crash."""

    ritual_id: str
    ritual_path: str
    state_json: str
    saved: float


EntryText = tuple[int, str, str, int, str, str, str]
"""(session_id, kind, author, private, author_name, prompt, text): an entry as an export shows it."""

_ENTRY_COLUMNS = "id, session_id, step_id, kind, author, author_name, prompt, text, private, created"
_SESSION_COLUMNS = "id, ritual_id, ritual_title, practice, started, ended, outcome"


class Journal:
    """The journal file. Open with `Journal.open()`; every method is safe to call from any thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None):
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.notice = notice
        """A sentence for the screen when opening had to make the files private again."""

    @classmethod
    def open(cls, path: Path | None = None, *, busy_timeout: float = 5.0) -> Journal:
        """Open (creating or upgrading) the journal. Raises JournalError or StorageError."""
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
        except sqlite3.Error as exc:
            conn.close()
            raise _open_error(exc, path) from exc
        except BaseException:
            conn.close()
            raise
        notice = " ".join(n for n in dict.fromkeys(notices) if n) or None
        return cls(conn, path, notice)

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
    ) -> int:
        _check(kind, KINDS, "kind")
        _check(author, AUTHORS, "author")
        with self._write("save what you wrote") as conn:
            cursor = conn.execute(
                "INSERT INTO entries (session_id, step_id, kind, author, author_name, prompt,"
                " text, private, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, step_id, kind, author, author_name, prompt, text, int(private), created),
            )
            return _rowid(cursor)

    def entries_for(self, session_id: int) -> list[Entry]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE session_id = ? ORDER BY created, id",
                (session_id,),
            ).fetchall()
        return [_entry(row) for row in rows]

    def recent_sessions(self, limit: int = 50) -> list[SessionRecord]:
        """The newest sessions first, each with its entries in the order they were written."""
        with self._read() as conn:
            sessions = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY started DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
            entries = _entries_by_session(conn, [row[0] for row in sessions])
        return [_session(row, entries.get(row[0], [])) for row in sessions]

    def sessions_since(
        self, since: float | None = None, *, with_entries: bool = True
    ) -> list[SessionRecord]:
        """Every session started at or after `since` (all when None), oldest first, for export."""
        start = since if since is not None else float("-inf")
        with self._read() as conn:
            sessions = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE started >= ? ORDER BY started, id",
                (start,),
            ).fetchall()
            # One pass over the entries in session order beats one query per session.
            rows = (
                conn.execute(
                    f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE session_id IN"
                    " (SELECT id FROM sessions WHERE started >= ?)"
                    " ORDER BY session_id, created, id",
                    (start,),
                ).fetchall()
                if with_entries
                else []
            )
        by_session: dict[int, list[Entry]] = {}
        for row in rows:
            by_session.setdefault(row[1], []).append(_entry(row))
        return [_session(row, by_session.get(row[0], [])) for row in sessions]

    def entry_texts_since(self, since: float | None = None) -> list[EntryText]:
        """Just what a Markdown export shows of each entry, in session order.

        Rows of (session_id, kind, author, private, author_name, prompt, text). Whole records cost
        three times as much to fetch: at 100,000 entries each extra column is ~15 ms.
        """
        start = since if since is not None else float("-inf")
        with self._read() as conn:
            return conn.execute(
                "SELECT session_id, kind, author, private, author_name, prompt, text FROM entries"
                " WHERE session_id IN (SELECT id FROM sessions WHERE started >= ?)"
                " ORDER BY session_id, created, id",
                (start,),
            ).fetchall()

    def search_entries(self, words: str, limit: int = 100) -> list[Entry]:
        """Entries whose text or prompt contains `words` (ASCII case-insensitive), newest first."""
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM entries"
                " WHERE text LIKE ?1 ESCAPE '\\' OR prompt LIKE ?1 ESCAPE '\\'"
                " ORDER BY created DESC, id DESC LIMIT ?2",
                (pattern, limit),
            ).fetchall()
        return [_entry(row) for row in rows]

    def last_done(self) -> dict[str, float]:
        """Ritual id -> when it was last finished (outcome "end")."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT ritual_id, MAX(ended) FROM sessions WHERE outcome = 'end' GROUP BY ritual_id"
            ).fetchall()
        return dict(rows)

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
        self, session_id: int | None, ritual_id: str, ritual_title: str, when_text: str, created: float
    ) -> int:
        with self._write("save your plan") as conn:
            cursor = conn.execute(
                "INSERT INTO plans (session_id, ritual_id, ritual_title, when_text, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, ritual_id, ritual_title, when_text, created),
            )
            return _rowid(cursor)

    def open_plans(self) -> list[Plan]:
        """Plans not yet done, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, session_id, ritual_id, ritual_title, when_text, created, done"
                " FROM plans WHERE done = 0 ORDER BY created, id"
            ).fetchall()
        return [_plan(row) for row in rows]

    def plans_for(self, session_ids: list[int]) -> dict[int, list[Plan]]:
        """Plans made in these sessions, done or not, for export."""
        with self._read() as conn:
            rows = _in_chunks(
                conn,
                "SELECT id, session_id, ritual_id, ritual_title, when_text, created, done"
                " FROM plans WHERE session_id IN ({}) ORDER BY created, id",
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


def _entry(row: tuple) -> Entry:
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
    )


def _session(row: tuple, entries: list[Entry]) -> SessionRecord:
    return SessionRecord(
        id=row[0],
        ritual_id=row[1],
        ritual_title=row[2],
        practice=row[3],
        started=row[4],
        ended=row[5],
        outcome=row[6],
        entries=entries,
    )


def _plan(row: tuple) -> Plan:
    return Plan(
        id=row[0],
        session_id=row[1],
        ritual_id=row[2],
        ritual_title=row[3],
        when_text=row[4],
        created=row[5],
        done=bool(row[6]),
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
        f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE session_id IN ({{}}) ORDER BY created, id",
        ids,
    )
    by_session: dict[int, list[Entry]] = {}
    for row in rows:
        by_session.setdefault(row[1], []).append(_entry(row))
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
