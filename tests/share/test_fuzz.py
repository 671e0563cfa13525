"""Hostile bytes at a live host: random bytes, huge lines, NaN, deep nesting, wrong types.

The host runs in its own thread and event loop for the whole module, as it would for a whole
evening; hypothesis throws lines at it over real connections. Every connection must get error
replies (or, for a line over 64 KiB, a closed connection), never a crash, and the host must
still take a real guest afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearer.engine import events as ev
from nearer.share import protocol as p

from .conftest import ritual
from .helpers import OPEN, guest_does, host, join

HELLO = p.encode(p.Hello(proto=p.PROTO))
PING = p.encode(p.Ping())


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LiveHost:
    def __init__(self, library) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="nf", dir="/tmp"))
        os.environ["NEARER_RUNTIME_DIR"] = str(self.base)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.session, self.server = self.call(self._start(ritual(library)))
        self.path = str(self.server.listener.path)

    async def _start(self, the_ritual):
        session, server = await host(the_ritual, ping_seconds=60, frozen_seconds=600)
        OPEN.remove(server)  # it lives for the module, in this thread's loop
        session.start("a", seed=5)
        return session, server

    def call(self, coroutine, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.call(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def live(library):
    recorder = Recorder()
    logging.getLogger("nearer.share").addHandler(recorder)
    saved = os.environ.get("NEARER_RUNTIME_DIR")
    live_host = LiveHost(library)
    live_host.recorder = recorder
    yield live_host
    live_host.close()
    logging.getLogger("nearer.share").removeHandler(recorder)
    if saved is None:
        os.environ.pop("NEARER_RUNTIME_DIR", None)
    else:
        os.environ["NEARER_RUNTIME_DIR"] = saved


def exchange(live: LiveHost, payload: bytes) -> list:
    """Say hello, send `payload` and a ping; return what came back until the pong or the close."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(live.path)
    try:
        sock.sendall(HELLO)
        try:
            sock.sendall(payload + b"\n" + PING)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the host already closed on an oversized line
        replies, buffer = [], b""
        while True:
            try:
                chunk = sock.recv(1 << 16)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                replies.append("closed")
                return replies
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = p.decode_server(line)
                replies.append(message)
                if isinstance(message, p.Pong):
                    return replies
    finally:
        sock.close()


def check(live: LiveHost, replies: list) -> None:
    assert isinstance(replies[0], p.Welcome), replies[:2]
    assert isinstance(replies[-1], p.Pong) or replies[-1] == "closed", replies[-3:]
    assert not live.recorder.records, live.recorder.records[0].getMessage()
    live.session.view  # the host's own screen can still be drawn


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(live, payload):
    check(live, exchange(live, payload))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(min_value=p.MAX_LINE - 64, max_value=3 * p.MAX_LINE))
def test_huge_lines_close_only_their_own_connection(live, size):
    replies = exchange(live, b"x" * size)
    check(live, replies)
    if size > p.MAX_LINE:
        assert replies[-1] == "closed"
        assert any(isinstance(r, p.Error) and r.code == "too_long" for r in replies)


@FUZZ
@given(st.integers(min_value=1, max_value=30_000), st.sampled_from([b"[", b'{"a":']))
def test_deep_nesting(live, depth, opener):
    closer = b"]" if opener == b"[" else b"}"
    body = b'{"type":"intent","event":' + opener * depth + b"1" + closer * depth + b"}"
    replies = exchange(live, body)
    check(live, replies)
    assert any(isinstance(r, p.Error) for r in replies) or replies[-1] == "closed"


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=20)
FIELDS = ["partner", "text", "answer", "option", "when", "private", "at", "now", "names", "seed", "first_speaker"]


@FUZZ
@given(
    st.sampled_from(["intent", "typing", "ping", "hello", "welcome", "snapshot", "nonsense"]),
    st.sampled_from([*p.INTENTS, "start", "tick", "nope"]),
    st.dictionaries(st.sampled_from(FIELDS), values | st.sampled_from(["a", "b", "yes", "not_now"]), max_size=5),
)
def test_wrong_types_and_nan(live, kind, event_kind, fields):
    if event_kind == "leave":
        event_kind = "nope"  # a well-formed leave would end the evening; that is tested elsewhere
    body = json.dumps({"type": kind, "event": {"type": event_kind, **fields}, **fields}, allow_nan=True).encode()
    check(live, exchange(live, body))


async def test_the_host_still_serves_a_real_guest_after_all_that(live):
    """Last in the module: a proper guest joins the same host and moves the ritual on."""
    assert live.session.state.status in ("running", "paused")

    async def visit():
        guest = await join(live.server)
        OPEN.remove(guest)
        try:
            if guest.view.status == "paused":
                await guest_does(guest, ev.Resume(partner="b"))
            return guest.view.status
        finally:
            await guest.close()

    status = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(visit(), live.loop))
    assert status == "running"
    assert not live.recorder.records
