"""The guest's `SessionClient`: joins a host's socket, sends intents, receives snapshots.

After the first `welcome` it keeps the seat: when the link drops (the host was killed, the
machine was busy) it tries again every second with its resume token, and says so through
`on_link`, until the host takes it back or the guest closes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct

from nearer.share import protocol as p
from nearer.share.auth import ShareError, peer_uid, user_name

READ_LIMIT = 16 * 1024 * 1024
"""The host is trusted more than a guest (it holds the ritual), but a snapshot with many journal
entries can pass 64 KiB; this still bounds a broken host."""


class Refusal(ShareError):
    """The host said no (wrong code, locked, seat taken, another version)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SessionClient:
    def __init__(
        self,
        path: Path,
        *,
        host_uid: int,
        code: str | None = None,
        token: str | None = None,
        entries_from: int = 0,
        ping_seconds: float = p.PING_SECONDS,
        frozen_seconds: float = p.FROZEN_SECONDS,
        retry_seconds: float = 1.0,
    ) -> None:
        self.path = path
        self.host_uid = host_uid
        self.code = code
        self.token = token
        self.entries_from = entries_from
        self.ping_seconds = ping_seconds
        self.frozen_seconds = frozen_seconds
        self.retry_seconds = retry_seconds
        self.on_message: Callable[[Struct], None] = lambda message: None
        self.on_link: Callable[[str, str], None] = lambda state, sentence: None
        """("here" | "lost" | "frozen" | "refused", a sentence for the screen)."""
        self.connected = False
        self.closing = False
        self.last_rx = time.monotonic()
        self._writer: asyncio.StreamWriter | None = None
        self._tasks: set[asyncio.Task] = set()
        self._frozen = False

    # -- connecting -------------------------------------------------------------------------

    async def connect(self) -> p.Welcome:
        """One attempt: connect, check who runs the host, say hello, wait for the welcome."""
        try:
            reader, writer = await asyncio.open_unix_connection(self.path, limit=READ_LIMIT)
        except FileNotFoundError:
            raise ShareError(f"No session is waiting at {self.path}.") from None
        except ConnectionRefusedError:
            raise ShareError("The session is not taking anyone right now (its host has stopped).") from None
        except PermissionError:
            raise ShareError(f"nearer is not allowed to reach {self.path}.") from None
        try:
            uid = peer_uid(writer.get_extra_info("socket"))
            if uid != self.host_uid:
                raise ShareError(
                    f"The session at {self.path} is run by {user_name(uid)}, not by "
                    f"{user_name(self.host_uid)}, so nearer did not join it."
                )
            hello = p.Hello(proto=p.PROTO, code=self.code, token=self.token, entries_from=self.entries_from)
            writer.write(p.encode(hello))
            try:
                line = await asyncio.wait_for(reader.readline(), p.HANDSHAKE_SECONDS)
            except TimeoutError:
                raise ShareError("The host did not answer within 5 seconds.") from None
            if not line:
                raise ShareError("The host closed the connection before saying welcome.")
            message = p.decode_server(line)
            if isinstance(message, p.Refused):
                raise Refusal(message.code, message.message)
            if not isinstance(message, p.Welcome):
                raise ShareError(f"The host answered with {type(message).__name__} instead of welcome.")
        except BaseException:
            writer.close()
            raise
        self.token = message.token
        self._writer = writer
        self.connected = True
        self._frozen = False
        self.last_rx = time.monotonic()
        self._spawn(self._read(reader, writer))
        if not any(t.get_name() == "nearer-ping" for t in self._tasks):
            self._spawn(self._ping(), name="nearer-ping")
        return message

    def _spawn(self, coroutine, name: str | None = None) -> None:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        reason = ""
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                self.last_rx = time.monotonic()
                if self._frozen:
                    self._frozen = False
                    self.on_link("here", "")
                try:
                    message = p.decode_server(line)
                except p.ProtocolError:
                    continue
                if isinstance(message, p.Bye):
                    reason = message.reason
                    break
                elif not isinstance(message, (p.Ping, p.Pong)):
                    self.on_message(message)
        except (ConnectionError, ValueError):
            pass
        finally:
            writer.close()
            if self._writer is writer:
                self._writer = None
                self.connected = False
                if not self.closing:
                    self.on_link("lost", reason)
                    self._spawn(self._reconnect())

    async def _reconnect(self) -> None:
        while not self.closing:
            await asyncio.sleep(self.retry_seconds)
            if self.closing:
                return
            try:
                welcome = await self.connect()
            except Refusal as refusal:
                self.on_link("refused", str(refusal))
                return
            except (OSError, ShareError):
                continue
            self.on_message(welcome)
            self.on_link("here", "")
            return

    async def _ping(self) -> None:
        while not self.closing:
            await asyncio.sleep(self.ping_seconds)
            if not self.connected:
                continue
            self.send(p.Ping())
            if not self._frozen and time.monotonic() - self.last_rx > self.frozen_seconds:
                self._frozen = True
                self.on_link("frozen", "")

    # -- talking ----------------------------------------------------------------------------

    def send(self, message: Struct) -> bool:
        writer = self._writer
        if writer is None or writer.is_closing():
            return False
        writer.write(p.encode(message))
        return True

    async def close(self, reason: str = "") -> None:
        self.closing = True
        writer = self._writer
        if writer is not None and not writer.is_closing():
            writer.write(p.encode(p.Bye(reason=reason)))
            try:
                await asyncio.wait_for(writer.drain(), 1.0)
            except (TimeoutError, ConnectionError):
                pass
            writer.close()
        self._writer = None
        self.connected = False
        for task in list(self._tasks):
            task.cancel()

    def drop(self) -> None:
        """Cut the connection without a goodbye, as a dropped SSH link would (for tests)."""
        writer = self._writer
        if writer is not None:
            writer.transport.abort()
