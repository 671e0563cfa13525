"""Two nearer apps in one process, host and guest, over a real socket: what each partner sees."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from nearer.session import PRIVATE_MARK
from nearer.tui.screens.shared import SharedPauseScreen, SharedRitualScreen

from .apps import (
    act,
    coded_host,
    coded_join,
    paused_screen,
    ritual_screen,
    screen_text,
    start,
    together,
    type_into,
    until,
)


@pytest.fixture
def env(sockdir, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "unused"))
    monkeypatch.setenv("NEARER_DATA_DIR", str(tmp_path / "unused"))
    return tmp_path


def sessions(host, guest):
    return ritual_screen(host).session, ritual_screen(guest).session


async def step(host, guest, **kwargs) -> None:
    """Whoever the ritual waits on acts, on their own screen; wait until both screens agree."""
    hs, gs = sessions(host, guest)
    view = hs.view
    acting = host if ("a" in view.waiting_on or not view.waiting_on) else guest
    before = (len(hs.state.history), hs.state.status, len(hs.state.entries), dict(hs.state.consents),
              dict(hs.state.hidden), dict(hs.state.revealed), hs.state.card, list(hs.state.done))
    await act(acting, **kwargs)
    await until(lambda: (len(hs.state.history), hs.state.status, len(hs.state.entries), dict(hs.state.consents),
                         dict(hs.state.hidden), dict(hs.state.revealed), hs.state.card, list(hs.state.done)) != before,
                host, guest)
    await until(lambda: gs.view.step_id == hs.view.step_id and gs.view.status == hs.view.status
                and gs.view.waiting_on == hs.view.waiting_on, host, guest)


async def test_a_whole_ritual_together_each_on_their_own_screen(env):
    async with together(env) as (host, guest):
        await start(host, guest, first="b")
        hs, gs = sessions(host, guest)
        turn_lines = set()
        for _ in range(80):
            if hs.view.status == "ended":
                break
            turn_lines.add(str(ritual_screen(guest).query_one("#turn").render()))
            await step(host, guest, private=hs.view.kind == "reflect")
        assert hs.view.status == gs.view.status == "ended"
        assert "Your turn to share · you have the floor" in turn_lines
        assert "Sam's turn to share · you listen · Sam has the floor" in turn_lines
        assert "Alex is connected" in str(ritual_screen(host).query_one("#partner").render())
        assert "Sam is connected" in str(ritual_screen(guest).query_one("#partner").render())
        host_texts = [e.text for e in host.app.journal.entries_for(hs.session_id)]
        guest_texts = [e.text for e in guest.app.journal.entries_for(gs.session_id)]
    assert "Sam remembers" in host_texts and "Sam remembers" not in guest_texts
    assert "Alex remembers" in guest_texts and "Alex remembers" not in host_texts
    assert PRIVATE_MARK not in host_texts
    for shared in ("Sam's hidden words", "Alex's hidden words"):
        assert shared in host_texts and shared in guest_texts


async def walk_to(host, guest, kind: str) -> None:
    hs, _ = sessions(host, guest)
    for _ in range(60):
        if hs.view.kind == kind:
            return
        await step(host, guest)
    raise AssertionError(f"never reached {kind}")


async def test_hidden_answers_stay_hidden_on_the_guests_screen_until_both_are_in(env):
    async with together(env) as (host, guest):
        await start(host, guest)
        await walk_to(host, guest, "reveal")
        hs, gs = sessions(host, guest)
        await act(host, text="the way you nodded")
        await until(lambda: gs.view.answered.get("a"), host, guest)
        assert "the way you nodded" not in repr(gs.view)
        assert "the way you nodded" not in screen_text(guest)
        assert "Sam has answered" in screen_text(guest)
        assert "Your answer is in" in screen_text(host)
        await act(guest, text="you stayed with me")
        await until(lambda: gs.view.revealed, host, guest)
        await until(lambda: "the way you nodded" in screen_text(guest), host, guest)
        assert "you stayed with me" in screen_text(host)


async def test_consent_needs_both_and_a_not_now_reschedules_both(env):
    async with together(env) as (host, guest):
        await start(host, guest)
        await walk_to(host, guest, "consent")
        hs, gs = sessions(host, guest)
        await host.press("y")
        await until(lambda: gs.view.consents == {"a": "yes"}, host, guest)
        assert hs.view.kind == "consent" and "Sam said yes" in screen_text(guest)
        assert str(ritual_screen(guest).query_one("#turn").render()).startswith("Your turn")
        assert str(ritual_screen(host).query_one("#turn").render()).startswith("Alex's turn")
        await guest.click("#not-now")
        await until(lambda: gs.view.kind == "reschedule" and hs.view.kind == "reschedule", host, guest)


async def test_pause_from_the_guest_shows_on_both_and_only_the_guest_ends_it(env):
    async with together(env) as (host, guest):
        await start(host, guest)
        hs, gs = sessions(host, guest)
        await guest.press("ctrl+t")
        await until(lambda: paused_screen(host) and paused_screen(guest), host, guest)
        assert hs.view.paused_by == "b"
        await until(lambda: "Alex asked for this break" in screen_text(host), host, guest)
        assert "You asked for this break" in screen_text(guest)
        assert "Paused by Alex" in str(ritual_screen(host).query_one("#turn").render())
        await host.click("#resume")
        await until(lambda: paused_screen(host), host, guest)
        assert hs.view.status == "paused"
        await guest.click("#resume")
        await until(lambda: hs.view.status == "running" and not paused_screen(host) and not paused_screen(guest),
                    host, guest)


async def test_a_dropped_guest_pauses_both_rejoins_and_loses_nothing(env):
    async with together(env) as (host, guest):
        await start(host, guest)
        await walk_to(host, guest, "reveal")
        hs, gs = sessions(host, guest)
        screen = ritual_screen(guest)
        await type_into(guest, screen.query_one("#hidden-answer", Input), "half a thought")
        await until(lambda: "typing" in hs.partner_line(), host, guest)
        gs.client.drop()
        await until(lambda: hs.presence == "gone" and paused_screen(host), host, guest)
        assert "not connected" in str(ritual_screen(host).query_one("#partner").render())
        await until(lambda: gs.link == "lost", host, guest)
        await until(lambda: gs.link == "here" and hs.presence == "here", host, guest)
        await until(lambda: paused_screen(guest), host, guest)
        assert screen.query_one("#hidden-answer", Input).value == "half a thought"
        await guest.click("#resume")  # after a drop, either partner may carry on
        await until(lambda: hs.view.status == "running" and not paused_screen(guest), host, guest)
        assert ritual_screen(guest).query_one("#hidden-answer", Input).value == "half a thought"


async def test_joining_again_after_the_guest_quit_takes_the_seat_back(env):
    from .apps import make_app, Clock
    from nearer.share.setup import prepare_join

    async with together(env) as (host, guest):
        await start(host, guest)
        await walk_to(host, guest, "reveal")
        hs, _ = sessions(host, guest)
        await act(guest, text="already written")
        await until(lambda: hs.state.hidden.get("b") == "already written", host, guest)
        await ritual_screen(guest).session.client.close()
        await until(lambda: hs.presence == "gone", host, guest)
        again = make_app(env, "guest", prepare_join(None, None), Clock())
        async with again.run_test(size=(100, 40)) as guest2:
            await until(lambda: hs.presence == "here", host, guest2)
            await until(lambda: any(isinstance(s, SharedRitualScreen) for s in guest2.app.screen_stack),
                        host, guest2)
            assert "Your answer is in" in screen_text(guest2)


async def test_a_wrong_code_is_refused_and_five_lock_the_session(env):
    plan = coded_host("vulnerable_chat", "K7Q2-9XTR")
    async with together(env, host_plan=plan, join_plan=coded_join()) as (host, guest):
        box = guest.app.screen.query_one("#join-code", Input)
        for left in (4, 3, 2, 1):
            await type_into(guest, box, "K7Q2-AAAA")
            await guest.press("enter")
            await until(lambda: f"{left} tries left" in screen_text(guest), host, guest)
        await type_into(guest, box, "K7Q2-BBBB")
        await guest.press("enter")
        await until(lambda: "last try" in screen_text(guest), host, guest)
        await until(lambda: "five times" in screen_text(host), host, guest)
        assert not any(isinstance(s, SharedRitualScreen) for s in guest.app.screen_stack)


async def test_the_right_code_joins(env):
    plan = coded_host("vulnerable_chat", "K7Q2-9XTR")
    async with together(env, host_plan=plan, join_plan=coded_join()) as (host, guest):
        assert "nearer join" in screen_text(host) and "K7Q2-9XTR" in screen_text(host)
        await type_into(guest, guest.app.screen.query_one("#join-code", Input), "k7q2 9xtr")
        await guest.press("enter")
        await start(host, guest)


async def test_partner_text_is_shown_as_typed_never_as_markup(env):
    async with together(env) as (host, guest):
        await start(host, guest)
        await walk_to(host, guest, "reveal")
        hostile = "[@click=app.quit]press me[/] [b]bold?[/b]"
        await act(guest, text=hostile)
        await act(host, text="plain")
        _, gs = sessions(host, guest)
        await until(lambda: gs.view.revealed, host, guest)
        await until(lambda: hostile in screen_text(host), host, guest)
        assert host.app.is_running


async def test_two_moves_in_a_blink_redraw_with_the_newest_view(env):
    """The other partner can move twice before a step widget has even composed: the second
    redraw must neither update children that do not exist yet nor wait for them forever."""
    async with together(env) as (host, guest):
        await start(host, guest)
        screen = ritual_screen(guest)

        def twice() -> None:
            screen._key = None  # as if the step had changed: a new widget is mounted
            screen.show(screen.session.view)
            screen.show(screen.session.view)  # before that widget has composed

        guest.app.call_later(twice)
        await until(lambda: screen._widget is not None and screen._widget.is_mounted, host, guest)
        assert screen._widget.view is screen.session.view
        await step(host, guest)
