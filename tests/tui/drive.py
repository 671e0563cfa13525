"""Drive a ritual through the real screen the way a couple would: press what they would press."""

from __future__ import annotations

import time

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea

from nearer.tui.screens.ritual import RitualScreen


def ritual_screen(pilot: Pilot) -> RitualScreen:
    screen = pilot.app.screen
    assert isinstance(screen, RitualScreen), f"expected the ritual screen, got {screen!r}"
    return screen


async def type_into(pilot: Pilot, widget, text: str) -> None:
    widget.focus()
    await pilot.pause()
    if isinstance(widget, TextArea):
        widget.insert(text)
    else:
        widget.value = text
    await pilot.pause()


def _step_key(view) -> tuple:
    """What makes the ritual screen build a new step widget (see RitualScreen.show)."""
    return (view.visit, view.step_id, view.status, tuple(view.waiting_on), view.card_number,
            bool(view.revealed), tuple(sorted(view.consents)))


async def settled_step(pilot: Pilot, timeout: float = 5.0):
    """The step widget for the step the session is on, once it is mounted and holds the focus.

    A step's widget is rebuilt after each action; acting before the new one is in place would
    press a button that is on its way out (or find none), so a busy machine made drivers flaky.
    """
    screen = ritual_screen(pilot)
    deadline = time.monotonic() + timeout
    while True:
        children = list(screen.query_one("#step-area").children)
        focused = pilot.app.focused
        if (
            len(children) == 1
            and children[0].is_mounted
            and _step_key(children[0].view) == _step_key(screen.session.view)
            and focused is not None
            and children[0] in focused.ancestors_with_self
        ):
            return children[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"the step widget never settled: {children!r}, focus on {focused!r}")
        await pilot.pause(0.01)


async def take_step(pilot: Pilot, clock, answers: dict[str, str] | None = None) -> str:
    """Do what the current step asks, through the UI. Returns the kind that was handled."""
    screen = ritual_screen(pilot)
    step = await settled_step(pilot)
    view = screen.session.view
    kind = "end" if view.status == "ended" else view.kind
    if kind in ("text", "swap_roles"):
        await pilot.click(step.query_one("#continue"))
    elif kind == "consent":
        await pilot.press("y")
    elif kind == "prompt" and view.answer_mode == "spoken":
        await pilot.click(step.query_one("#done"))
    elif kind == "deck":
        await pilot.click(step.query_one("#next"))
    elif kind == "reveal" and view.revealed:
        await pilot.click(step.query_one("#continue"))
    elif kind == "reveal":
        writer = view.waiting_on[0]
        box = step.query_one("#hidden-answer", Input)
        await type_into(pilot, box, (answers or {}).get(writer, f"{view.name(writer)} noticed you listened"))
        await pilot.press("enter")
    elif kind == "timer":
        clock.advance(view.remaining + 1)
        await pilot.pause(0.4)
    elif kind == "choice":
        await pilot.click(step.query_one("#option-0"))
    elif kind == "plan":
        await type_into(pilot, step.query_one("#plan-what", Input), (answers or {}).get("plan", "A pottery class"))
        await pilot.click(step.query_one("#suggest-0"))
    elif kind in ("reflect", "prompt"):
        writer = view.waiting_on[0]
        box = step.query_one(TextArea)
        await type_into(pilot, box, (answers or {}).get(writer, f"A thought from {view.name(writer)}"))
        await pilot.press("ctrl+s")
    else:
        raise AssertionError(f"no driver for {kind}")
    await pilot.pause()
    return kind


async def home_filled(pilot: Pilot, timeout: float = 10.0) -> None:
    """Wait for home to list the rituals: they are read just after the first paint."""
    for _ in range(int(timeout / 0.05)):
        if getattr(pilot.app.screen, "filled", False):
            await pilot.pause()  # one more refresh, so what was mounted has its place on screen
            return
        await pilot.pause(0.05)
    raise AssertionError("the home screen never listed the rituals")


async def open_ritual(pilot: Pilot, ritual_id: str = "vulnerable_chat", first: str = "a") -> RitualScreen:
    """From home: highlight the ritual, press enter, and choose who starts."""
    await home_filled(pilot)
    options = pilot.app.screen.query_one("#rituals", OptionList)
    options.highlighted = options.get_option_index(ritual_id)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.click(f"#{first}")
    await pilot.pause()
    return ritual_screen(pilot)


async def walk_to(pilot: Pilot, clock, kind: str, *, limit: int = 80) -> RitualScreen:
    """Take steps until the ritual shows a step of `kind` (or its end, for "end")."""
    screen = ritual_screen(pilot)
    seen: list[str] = []
    for _ in range(limit):
        view = screen.session.view
        current = "end" if view.status == "ended" else view.kind
        if current == kind:
            await settled_step(pilot)
            return screen
        seen.append(f"{view.step_id}:{view.status}")
        await take_step(pilot, clock)
    raise AssertionError(f"never reached a {kind} step; went through {seen}")


def steady_cursors(pilot: Pilot) -> None:
    """Stop text cursors blinking, so a screenshot does not depend on when it was taken."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
