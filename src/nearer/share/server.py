"""The host's `SessionServer`: one guest seat on a Unix socket, in the app's own asyncio loop.

The server knows the protocol and the door (uids, code, lockout, resume token), not the ritual:
it asks its `seat` (the host's session) for the guest's view and entries, and hands it the
guest's intents. Anything a connection does wrong ends with an `error` reply or a closed
connection; nothing a peer sends can raise out of a handler.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Iterable
from typing import Protocol

from nearer.engine import events as ev
from nearer.engine.state import Entry
from nearer.engine.view import View
from nearer.share import protocol as p
from nearer.share.auth import (
    MAX_WRONG,
    Listener,
    code_matches,
    new_token,
    peer_uid,
    token_digest,
)

log = logging.getLogger(__name__)

SLOW_READER_BYTES = 4 * 1024 * 1024
"""A guest that leaves this much unread is not reading: drop it rather than buffer forever."""


class Seat(Protocol):
    """What the server needs from the host's session (HostSession implements it)."""

    guest_seat: ev.Partner
    ritual_info: p.RitualInfo
    host_name: str
    auto_paused: bool

    def guest_view(self) -> View: ...
    def guest_entries(self, start: int) -> list[tuple[int, Entry]]: ...
    def guest_intent(self, event: ev.Event) -> str | None: ...
    def guest_typing(self) -> None: ...
    def guest_joined(self, token_sha256: str) -> None: ...
    def guest_gone(self, reason: str) -> None: ...
    def peer_for_guest(self) -> p.Peer: ...
    def door_note(self, sentence: str) -> None: ...


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.last_seen = time.monotonic()
        self.frozen = False
        self.entries_next = 0
        self.closed = False

    def send(self, message) -> None:
        if self.closed or self.writer.is_closing():
            return
        self.writer.write(p.encode(message))
        if self.writer.transport.get_write_buffer_size() > SLOW_READER_BYTES:
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.writer.close()


class SessionServer:
    def __init__(
        self,
        listener: Listener,
        seat: Seat,
        *,
        allowed_uids: Iterable[int],
        code: str | None = None,
        token_sha256: str | None = None,
        ping_seconds: float = p.PING_SECONDS,
        frozen_seconds: float = p.FROZEN_SECONDS,
        handshake_seconds: float = p.HANDSHAKE_SECONDS,
    ) -> None:
        self.listener = listener
        self.seat = seat
        self.allowed_uids = set(allowed_uids)
        self.code = code
        self.token_sha256 = token_sha256
        """The guest's resume token, hashed: a restarted host reads it back from its snapshot."""
        self.ping_seconds = ping_seconds
        self.frozen_seconds = frozen_seconds
        self.handshake_seconds = handshake_seconds
        self.wrong_codes = 0
        self.rev = 0
        self.guest: _Connection | None = None
        self.refused_uids: list[int] = []
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[_Connection] = set()
        self.closing = False
        self._heartbeat: asyncio.Task | None = None

    @property
    def locked(self) -> bool:
        return self.wrong_codes >= MAX_WRONG

    @property
    def guest_connected(self) -> bool:
        return self.guest is not None and not self.guest.closed

    async def start(self) -> None:
        self._server = await asyncio.start_unix_server(
            self._serve, sock=self.listener.sock, limit=p.MAX_LINE
        )
        self._heartbeat = asyncio.create_task(self._beat())

    async def close(self, reason: str = "") -> None:
        self.closing = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self.guest is not None:
            self.guest.send(p.Bye(reason=reason))
            self.guest.close()
        if self._server is not None:
            self._server.close()
        for conn in list(self._connections):
            conn.close()
        self.listener.close()

    def publish(self) -> None:
        """Send the guest a fresh snapshot of its view (after any change on the host)."""
        guest = self.guest
        if guest is None or guest.closed:
            return
        self.rev += 1
        entries = self.seat.guest_entries(guest.entries_next)
        if entries:
            guest.entries_next = entries[-1][0] + 1
        guest.send(
            p.Snapshot(
                rev=self.rev,
                view=self.seat.guest_view(),
                peer=self.seat.peer_for_guest(),
                entries=entries,
                auto_paused=self.seat.auto_paused,
            )
        )

    # -- one connection ---------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = _Connection(reader, writer)
        self._connections.add(conn)
        try:
            if await self._handshake(conn):
                await self._read(conn)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a peer must never take the host down
            log.exception("shared session connection failed")
        finally:
            conn.close()
            self._connections.discard(conn)
            if self.guest is conn:
                self.guest = None
                if not self.closing:
                    self.seat.guest_gone("dropped")

    async def _handshake(self, conn: _Connection) -> bool:
        uid = peer_uid(conn.writer.get_extra_info("socket"))
        if uid not in self.allowed_uids:
            self.refused_uids.append(uid)
            conn.send(p.Refused(code="uid", message="This session is not open to your user account."))
            return False
        try:
            line = await asyncio.wait_for(conn.reader.readline(), self.handshake_seconds)
        except TimeoutError:
            conn.send(p.Refused(code="timeout", message="No hello within 5 seconds."))
            return False
        except ValueError:
            conn.send(p.Error(code="too_long", message="That line is longer than 64 KiB."))
            return False
        try:
            hello = p.decode_client(line)
        except p.ProtocolError as error:
            conn.send(p.Error(code=error.code, message=error.message))
            return False
        if not isinstance(hello, p.Hello):
            conn.send(p.Error(code="no_hello", message="Say hello first."))
            return False
        if hello.proto != p.PROTO:
            conn.send(
                p.Refused(
                    code="proto",
                    message=f"This nearer speaks version {p.PROTO} of the session protocol and yours "
                    f"speaks {hello.proto}; both of you need the same version of nearer.",
                )
            )
            return False
        resuming = (
            hello.token is not None
            and self.token_sha256 is not None
            and secrets.compare_digest(token_digest(hello.token), self.token_sha256)
        )
        if not resuming:
            refusal = self._check_code(hello.code)
            if refusal is not None:
                conn.send(refusal)
                return False
            if self.guest_connected and not self.guest.frozen:  # type: ignore[union-attr]
                conn.send(p.Refused(code="taken", message="Someone has already joined this session."))
                return False
        if self.guest is not None:
            old, self.guest = self.guest, None
            old.close()
        token = new_token()
        self.token_sha256 = token_digest(token)
        conn.entries_next = hello.entries_from
        self.guest = conn
        seat = self.seat
        conn.send(
            p.Welcome(proto=p.PROTO, seat=seat.guest_seat, token=token,
                      ritual=seat.ritual_info, host_name=seat.host_name)
        )
        seat.guest_joined(self.token_sha256)
        self.publish()
        return True

    def _check_code(self, given: str | None) -> p.Refused | None:
        if self.code is None:
            return None
        if self.locked:
            return p.Refused(
                code="locked",
                message="Too many wrong codes were typed, so this session takes no more. "
                "Ask your partner to start a new one.",
            )
        if given is not None and code_matches(given, self.code):
            return None
        self.wrong_codes += 1
        left = MAX_WRONG - self.wrong_codes
        if left <= 0:
            self.seat.door_note(
                "Someone typed a wrong join code five times, so this session takes no more codes. "
                "Start a new one with nearer host."
            )
            return p.Refused(code="locked", message="That code is not right, and that was the last try.")
        return p.Refused(
            code="wrong_code",
            message=f"That code is not right. Check it with your partner ({left} tries left).",
        )

    async def _read(self, conn: _Connection) -> None:
        while not conn.closed:
            try:
                line = await conn.reader.readline()
            except ValueError:
                conn.send(p.Error(code="too_long", message="That line is longer than 64 KiB."))
                return
            if not line:
                return
            conn.last_seen = time.monotonic()
            if conn.frozen:
                conn.frozen = False
                self.seat.guest_joined(self.token_sha256 or "")
                self.publish()
            if not line.strip():
                continue
            try:
                message = p.decode_client(line)
            except p.ProtocolError as error:
                conn.send(p.Error(code=error.code, message=error.message))
                continue
            try:
                if not self._dispatch(conn, message):
                    return
            except Exception:  # noqa: BLE001
                log.exception("shared session message failed")
                conn.send(p.Error(code="internal", message="The host could not act on that."))

    def _dispatch(self, conn: _Connection, message) -> bool:
        if isinstance(message, p.Ping):
            conn.send(p.Pong())
        elif isinstance(message, p.Typing):
            self.seat.guest_typing()
        elif isinstance(message, p.Intent):
            refusal = self.seat.guest_intent(message.event)
            if refusal:
                conn.send(p.Error(code="refused", message=refusal))
        elif isinstance(message, p.Bye):
            if self.guest is conn:
                self.guest = None
                self.seat.guest_gone("left")
            return False
        elif isinstance(message, p.Hello):
            conn.send(p.Error(code="hello_twice", message="You have already said hello."))
        return True

    async def _beat(self) -> None:
        """Ping the guest, and pause the ritual when it has gone quiet for too long."""
        step = min(1.0, self.ping_seconds / 2)
        last_ping = 0.0
        while True:
            await asyncio.sleep(step)
            guest = self.guest
            if guest is None or guest.closed:
                continue
            now = time.monotonic()
            if now - last_ping >= self.ping_seconds:
                last_ping = now
                guest.send(p.Ping())
            if not guest.frozen and now - guest.last_seen > self.frozen_seconds:
                guest.frozen = True
                self.seat.guest_gone("frozen")
