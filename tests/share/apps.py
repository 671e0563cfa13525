"""Two nearer apps in one process, host and guest, each with its own settings and journal."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path

from textual.widgets import Input, Switch, TextArea

from nearer.journal.store import Journal
from nearer.settings import Settings, save_settings
from nearer.share import auth
from nearer.share.setup import HostPlan, JoinPlan, prepare_host, prepare_join
from nearer.tui.app import NearerApp
from nearer.tui.screens.shared import SharedPauseScreen, SharedRitualScreen

SIZE = (100, 40)


class Clock:
    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


def make_app(root: Path, who: str, share, clock) -> NearerApp:
    """An app whose settings and journal live under root/who (env is read at construction)."""
    config, data = root / who / "config", root / who / "data"
    os.environ["NEARER_CONFIG_DIR"] = str(config)
    os.environ["NEARER_DATA_DIR"] = str(data)
    if who == "host":
        save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True))
    app = NearerApp(share=share, clock=clock, seed=7)
    app.journal = Journal.open(data / "journal.sqlite3")
    return app


def coded_host(ritual: str, code: str) -> HostPlan:
    """A host that asks for a code, as for another Unix user, but open to our own uid (tests)."""
    directory = auth.ensure_socket_dir(auth.socket_dir(for_others=True), for_others=True)
    listener = auth.open_listener(directory, auth.door_of(code), for_others=True)
    me = auth.user_name(os.geteuid())
    return HostPlan(listener, {os.geteuid()}, code, f"nearer join {me} {code}", ritual=ritual,
                    share={"door": auth.door_of(code), "code": code})


def coded_join() -> JoinPlan:
    return JoinPlan(os.geteuid(), auth.user_name(os.geteuid()), None, needs_code=True,
                    directory=auth.socket_dir(for_others=True))


@asynccontextmanager
async def together(root: Path, ritual: str = "vulnerable_chat", *, host_plan=None, join_plan=None, clock=None):
    clock = clock or Clock()
    if host_plan is None:
        host_plan = prepare_host()
        host_plan.ritual = ritual
    host_app = make_app(root, "host", host_plan, clock)
    try:
        async with host_app.run_test(size=SIZE) as host:
            await host.pause()
            guest_app = make_app(root, "guest", join_plan or prepare_join(None, None), clock)
            async with guest_app.run_test(size=SIZE) as guest:
                yield host, guest
    finally:
        host_plan.listener.close()


async def until(condition, *pilots, timeout: float = 5.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting")
        for pilot in pilots:
            await pilot.pause()
        await asyncio.sleep(0.01)


def ritual_screen(pilot) -> SharedRitualScreen:
    for screen in reversed(pilot.app.screen_stack):
        if isinstance(screen, SharedRitualScreen):
            return screen
    raise AssertionError(f"no shared ritual screen on {pilot.app.screen_stack}")


def has_ritual(pilot) -> bool:
    return any(isinstance(s, SharedRitualScreen) for s in pilot.app.screen_stack)


async def start(host, guest, first: str = "a") -> None:
    """The guest has joined; the host picks who starts; both screens open the ritual."""
    await until(lambda: type(host.app.screen).__name__ == "WhoStartsScreen", host, guest)
    await host.click(f"#{first}")
    await until(lambda: has_ritual(host) and has_ritual(guest), host, guest)


def screen_text(pilot) -> str:
    """Every word on the app's current screens, as drawn."""
    parts = []
    for screen in pilot.app.screen_stack:
        for widget in screen.query("Static, Button, Label"):
            parts.append(str(widget.render()))
    return "\n".join(parts)


async def type_into(pilot, widget, text: str) -> None:
    widget.focus()
    await pilot.pause()
    if isinstance(widget, TextArea):
        widget.insert(text)
    else:
        widget.value = text
    await pilot.pause()


async def act(pilot, *, private: bool = False, text: str | None = None) -> None:
    """Do what this partner's screen asks, the way they would."""
    screen = ritual_screen(pilot)
    view = screen.session.view
    name = view.name(view.viewer)
    kind = "end" if view.status == "ended" else view.kind
    if kind in ("text", "swap_roles"):
        await pilot.click("#continue")
    elif kind == "consent":
        await pilot.press("y")
    elif kind == "prompt" and view.answer_mode == "spoken":
        await pilot.click("#done")
    elif kind == "deck":
        await pilot.click("#next")
    elif kind == "reveal" and view.revealed:
        await pilot.click("#continue")
    elif kind == "reveal":
        await type_into(pilot, screen.query_one("#hidden-answer", Input), text or f"{name}'s hidden words")
        await pilot.press("enter")
    elif kind == "timer":
        await pilot.click("#stop")
    elif kind in ("reflect", "prompt"):
        await type_into(pilot, screen.query_one(TextArea), text or f"{name} remembers")
        if private:
            screen.query_one(Switch).value = True
        await pilot.press("ctrl+s")
    elif kind == "reschedule":
        await pilot.click("#suggest-0")
    else:
        raise AssertionError(f"no driver for {kind}")
    await pilot.pause()


def paused_screen(pilot):
    screen = pilot.app.screen
    return screen if isinstance(screen, SharedPauseScreen) else None
