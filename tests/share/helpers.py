"""Drive a shared session without screens: a host, a guest, and one partner's move at a time."""

from __future__ import annotations

import asyncio
import os

from nearer.engine import events as ev
from nearer.session import GuestSession, HostSession
from nearer.share.auth import ensure_socket_dir, new_door, open_listener, socket_dir
from nearer.share.client import SessionClient
from nearer.share.server import SessionServer

NAMES = {"a": "Sam", "b": "Alex"}
OPEN: list = []
"""Servers and guests to close after each test (conftest), so no task outlives its loop."""


class StepClock:
    """Each reading is 100 s after the last: minimum times pass, timers do not run out alone."""

    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        self.now += 100
        return self.now


async def host(ritual, journal=None, *, code=None, door=None, token_sha256=None, session=None, **server_options):
    directory = ensure_socket_dir(socket_dir(for_others=False), for_others=False)
    listener = open_listener(directory, door or new_door(), for_others=False)
    session = session or HostSession(ritual, None, journal, NAMES, clock=StepClock())
    server = SessionServer(
        listener, session, allowed_uids={os.geteuid()}, code=code, token_sha256=token_sha256, **server_options
    )
    session.publish = server.publish
    await server.start()
    OPEN.append(server)
    return session, server


async def join(server, journal=None, *, code=None, token=None, entries_from=0, **client_options):
    client = SessionClient(
        server.listener.path, host_uid=os.geteuid(), code=code, token=token, entries_from=entries_from,
        retry_seconds=0.05, **client_options,
    )
    welcome = await client.connect()
    guest = GuestSession(client, welcome, journal, clock=StepClock())
    OPEN.append(guest)
    await settle(lambda: guest.has_view)
    return guest


async def settle(condition, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.005)


def move(view, *, private: bool = False) -> ev.Event | None:
    """What a willing partner does on `view` (partner is filled in by the session)."""
    p = view.viewer
    kind = view.kind
    if kind == "consent":
        return ev.Consent(partner=p, answer="yes")
    if kind in ("text", "swap_roles"):
        return ev.Done(partner=p)
    if kind == "prompt":
        return ev.Answer(partner=p, text=f"{view.name(p)} shared") if view.answer_mode == "typed" else ev.Done(partner=p)
    if kind == "deck":
        return ev.Draw(partner=p)
    if kind == "reveal":
        if view.revealed:
            return ev.Done(partner=p)
        return ev.Answer(partner=p, text=f"{view.name(p)}'s hidden words")
    if kind == "timer":
        return ev.Stop(partner=p)
    if kind == "reflect":
        return ev.Answer(partner=p, text=f"{view.name(p)} remembers, privately" if private else f"{view.name(p)} remembers", private=private)
    if kind == "reschedule":
        return ev.Plan(partner=p, when="tomorrow evening")
    if kind == "choice":
        return ev.Choose(partner=p, option=0)
    return ev.Done(partner=p)


async def guest_does(guest: GuestSession, event: ev.Event) -> None:
    rev = guest.rev
    guest.send(event)
    await settle(lambda: guest.rev > rev)
