"""HostSession + SessionServer + SessionClient + GuestSession, without screens."""

from __future__ import annotations

import asyncio
import os

import pytest

from nearer.engine import events as ev
from nearer.session import PRIVATE_MARK, HostSession, NotSaved
from nearer.share import protocol as p
from nearer.share.auth import ShareError
from nearer.share.client import Refusal, SessionClient

from .conftest import ritual
from .helpers import NAMES, StepClock, guest_does, host, join, move, settle


async def test_a_whole_ritual_together_with_private_reflections_kept_apart(sockdir, library, journals):
    host_journal, guest_journal = journals
    session, server = await host(ritual(library), host_journal)
    guest = await join(server, guest_journal)
    session.start("a", seed=3)
    await settle(lambda: guest.view.status == "running")
    kinds = []
    for _ in range(100):
        view = session.view
        if view.status == "ended":
            break
        kinds.append(view.kind)
        private = view.kind == "reflect"
        if "a" in view.waiting_on or not view.waiting_on:
            rev = guest.rev
            session.send(move(view, private=private))
            await settle(lambda: guest.rev > rev)
        else:
            assert "b" in guest.view.waiting_on, view
            await guest_does(guest, move(guest.view, private=private))
    assert guest.view.status == "ended" and guest.view.outcome == "end"
    assert {"consent", "prompt", "deck", "reveal", "timer", "reflect", "swap_roles"} <= set(kinds)

    host_texts = [e.text for e in host_journal.entries_for(session.session_id)]
    guest_texts = [e.text for e in guest_journal.entries_for(guest.session_id)]
    assert "Sam remembers, privately" in host_texts
    assert "Alex remembers, privately" not in host_texts and PRIVATE_MARK not in host_texts
    assert "Alex remembers, privately" in guest_texts
    assert "Sam remembers, privately" not in guest_texts
    for shared in ("Sam's hidden words", "Alex's hidden words"):
        assert shared in host_texts and shared in guest_texts
    assert "Alex remembers, privately" not in host_journal.load_snapshot().state_json if host_journal.load_snapshot() else True
    await guest.close()
    await server.close()


async def walk_to(session, guest, kind):
    for _ in range(60):
        if session.view.kind == kind:
            return
        view = session.view
        if "a" in view.waiting_on or not view.waiting_on:
            rev = guest.rev
            session.send(move(view))
            await settle(lambda: guest.rev > rev)
        else:
            await guest_does(guest, move(guest.view))
    raise AssertionError(f"never reached {kind}")


async def test_reveal_answers_stay_hidden_from_the_guest_until_both_are_in(sockdir, library):
    session, server = await host(ritual(library))
    guest = await join(server)
    session.start("a", seed=3)
    await walk_to(session, guest, "reveal")
    rev = guest.rev
    session.send(ev.Answer(partner="a", text="Sam's secret appreciation"))
    await settle(lambda: guest.rev > rev)
    seen = guest.view
    assert seen.answered == {"a": True, "b": False}
    assert seen.revealed == {} and seen.own_answer == ""
    assert "Sam's secret" not in repr(seen)
    await guest_does(guest, ev.Answer(partner="b", text="Alex's secret appreciation"))
    assert guest.view.revealed == {"a": "Sam's secret appreciation", "b": "Alex's secret appreciation"}
    await guest.close()
    await server.close()


async def test_consent_needs_both_and_either_not_now_reschedules_both(sockdir, library):
    session, server = await host(ritual(library))
    guest = await join(server)
    session.start("a", seed=3)
    await walk_to(session, guest, "consent")
    rev = guest.rev
    session.send(ev.Consent(partner="a", answer="yes"))
    await settle(lambda: guest.rev > rev)
    assert session.view.kind == "consent" and guest.view.waiting_on == ["b"]
    await guest_does(guest, ev.Consent(partner="b", answer="not_now"))
    assert session.view.kind == guest.view.kind == "reschedule"


async def test_the_guest_cannot_act_for_the_host(sockdir, library):
    session, server = await host(ritual(library))
    guest = await join(server)
    session.start("a", seed=3)
    await walk_to(session, guest, "consent")
    await guest_does(guest, ev.Consent(partner="a", answer="yes"))  # sent as "a", taken as "b"
    assert session.state.consents == {"b": "yes"}


async def test_pause_from_the_guest_only_the_guest_resumes(sockdir, library):
    session, server = await host(ritual(library))
    guest = await join(server)
    session.start("a", seed=3)
    await settle(lambda: guest.view.status == "running")
    await guest_does(guest, ev.Pause(partner="b"))
    assert session.view.status == "paused" and session.view.paused_by == "b"
    session.send(ev.Resume(partner="a"))
    assert session.view.status == "paused"
    assert "Alex asked for this break" in session.note
    assert guest.resume_blocker() is None
    await guest_does(guest, ev.Resume(partner="b"))
    assert session.view.status == "running"


async def test_a_dropped_guest_pauses_the_ritual_and_takes_its_seat_back(sockdir, library, journals):
    session, server = await host(ritual(library), journals[0])
    guest = await join(server, journals[1])
    session.start("a", seed=3)
    await walk_to(session, guest, "reveal")
    await guest_does(guest, ev.Answer(partner="b", text="written before the drop"))
    guest.client.drop()
    await settle(lambda: session.presence == "gone")
    assert session.view.status == "paused" and session.auto_paused
    assert "Alex" in session.partner_line() and "not connected" in session.partner_line()
    await settle(lambda: session.presence == "here")  # the client retries with its token
    await settle(lambda: guest.link == "here")
    assert guest.view.own_answer == "written before the drop"
    assert guest.view.status == "paused" and guest.auto_paused
    await guest_does(guest, ev.Resume(partner="b"))
    assert session.view.status == "running"


async def test_a_new_guest_process_resumes_with_the_token(sockdir, library):
    session, server = await host(ritual(library))
    guest = await join(server)
    session.start("a", seed=3)
    await settle(lambda: guest.view.status == "running")
    token = guest.client.token
    await guest.close()
    await settle(lambda: session.presence == "gone")
    again = await join(server, token=token)
    assert session.presence == "here" and again.view.status == "paused"
    with pytest.raises(Refusal):
        await join(server, token=token)  # a token works once; the seat now has a new one


async def test_wrong_codes_are_refused_and_five_lock_the_door(sockdir, library):
    session, server = await host(ritual(library), code="K7Q2-9XTR")
    for tries_left in (4, 3, 2, 1):
        with pytest.raises(Refusal) as refused:
            await join(server, code="K7Q2-AAAA")
        assert refused.value.code == "wrong_code" and f"{tries_left} tries left" in str(refused.value)
    with pytest.raises(Refusal) as refused:
        await join(server, code="nope")
    assert refused.value.code == "locked"
    assert "five times" in session.note
    with pytest.raises(Refusal) as refused:
        await join(server, code="K7Q2-9XTR")
    assert refused.value.code == "locked"
    await server.close()


async def test_the_right_code_in_any_spelling_joins(sockdir, library):
    session, server = await host(ritual(library), code="K7Q2-9XTR")
    guest = await join(server, code="k7q2 9xtr")
    assert session.presence == "here" and guest.seat == "b"
    with pytest.raises(Refusal) as refused:
        await join(server, code="K7Q2-9XTR")
    assert refused.value.code == "taken"


async def test_a_user_off_the_allowlist_is_refused(sockdir, library):
    session, server = await host(ritual(library))
    server.allowed_uids = {os.geteuid() + 4242}
    with pytest.raises(Refusal) as refused:
        await join(server)
    assert refused.value.code == "uid"
    assert server.refused_uids == [os.geteuid()]


async def test_the_guest_refuses_a_host_run_by_someone_else(sockdir, library):
    session, server = await host(ritual(library))
    client = SessionClient(server.listener.path, host_uid=os.geteuid() + 4242)
    with pytest.raises(ShareError, match="not by"):
        await client.connect()
    assert session.presence == "waiting"


async def raw(server):
    return await asyncio.open_unix_connection(server.listener.path, limit=1 << 20)


async def hello(reader, writer):
    writer.write(p.encode(p.Hello(proto=p.PROTO)))
    welcome = p.decode_server(await reader.readline())
    assert isinstance(welcome, p.Welcome)
    return welcome


async def test_silence_after_connecting_is_cut_off(sockdir, library):
    session, server = await host(ritual(library), handshake_seconds=0.2)
    reader, writer = await raw(server)
    message = p.decode_server(await reader.readline())
    assert isinstance(message, p.Refused) and message.code == "timeout"
    assert await reader.readline() == b""


async def test_another_protocol_version_is_refused_with_a_sentence(sockdir, library):
    session, server = await host(ritual(library))
    reader, writer = await raw(server)
    writer.write(b'{"type":"hello","proto":99}\n')
    message = p.decode_server(await reader.readline())
    assert isinstance(message, p.Refused) and message.code == "proto" and "version" in message.message


async def test_bad_lines_get_errors_and_a_huge_line_closes_only_that_connection(sockdir, library):
    session, server = await host(ritual(library))
    session.start("a", seed=3)
    reader, writer = await raw(server)
    await hello(reader, writer)
    await reader.readline()  # the first snapshot
    for bad in (b"{nope\n", b'{"type":"intent","event":{"type":"answer","partner":"b","text":NaN}}\n',
                b"[" * 5000 + b"]" * 5000 + b"\n", b'{"type":"intent","event":{"type":"start"}}\n'):
        writer.write(bad)
        reply = p.decode_server(await reader.readline())
        assert isinstance(reply, p.Error), reply
    writer.write(b"x" * (p.MAX_LINE + 10) + b"\n")
    lines = []
    while line := await reader.readline():
        lines.append(p.decode_server(line))
    assert any(isinstance(m, p.Error) and m.code == "too_long" for m in lines)
    await settle(lambda: session.presence == "gone")
    guest = await join(server)
    assert guest.view.step_id == session.view.step_id


async def test_a_frozen_guest_pauses_the_ritual_and_is_welcomed_back(sockdir, library):
    session, server = await host(ritual(library), ping_seconds=0.1, frozen_seconds=0.3)
    session.start("a", seed=3)
    reader, writer = await raw(server)
    await hello(reader, writer)
    await settle(lambda: session.presence == "frozen", timeout=3)
    assert session.view.status == "paused" and "not answered for 15 seconds" in session.note
    writer.write(p.encode(p.Ping()))
    await settle(lambda: session.presence == "here")
    assert session.resume_blocker("a") is None


async def test_the_guest_notices_a_frozen_host(sockdir, library):
    session, server = await host(ritual(library), ping_seconds=60)
    guest = await join(server, ping_seconds=0.05, frozen_seconds=0.2)
    server.guest.writer.transport.pause_reading()  # as if the host were stopped (kill -STOP)
    await settle(lambda: guest.link == "frozen")
    assert "not responding" in guest.partner_line()


async def test_a_restarted_host_takes_its_guest_back_paused(sockdir, library, journals):
    host_journal, _ = journals
    first, server = await host(ritual(library), host_journal, door="DOOR")
    guest = await join(server)
    first.start("a", seed=3)
    await walk_to(first, guest, "prompt")
    step = first.view.step_id
    await server.close()  # the host dies; the client starts retrying
    await settle(lambda: guest.link == "lost")
    assert "trying again" in guest.partner_line()
    snapshot = host_journal.load_snapshot()
    second = HostSession.resume(ritual(library), None, host_journal, snapshot.state_json, clock=StepClock())
    assert second.view.status == "paused" and second.auto_paused
    _, server2 = await host(ritual(library), door="DOOR", session=second,
                            token_sha256=second.share["token_sha256"])
    await settle(lambda: guest.link == "here" and guest.view.status == "paused")
    assert guest.view.step_id == step
    assert "restarted" in guest.note
    await guest_does(guest, ev.Resume(partner="b"))
    assert second.view.status == "running"


async def test_a_guest_who_is_offline_keeps_its_words(sockdir, library):
    session, server = await host(ritual(library))
    guest = await join(server)
    session.start("a", seed=3)
    await settle(lambda: guest.view.status == "running")
    await server.close()
    await settle(lambda: guest.link == "lost")
    with pytest.raises(NotSaved, match="not connected"):
        guest.send(ev.Done(partner="b"))


async def test_typing_shows_on_the_other_side(sockdir, library):
    session, server = await host(ritual(library))
    guest = await join(server)
    session.start("a", seed=3)
    guest.typing()
    await settle(lambda: "typing" in session.partner_line())
    rev = guest.rev
    session.typing()
    await settle(lambda: guest.rev > rev)
    assert "Sam is connected · typing" in guest.partner_line()
