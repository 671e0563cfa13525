"""Drive a ritual through the real screen the way a couple would: press what they would press."""

from __future__ import annotations

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


async def take_step(pilot: Pilot, clock, answers: dict[str, str] | None = None) -> str:
    """Do what the current step asks, through the UI. Returns the kind that was handled."""
    screen = ritual_screen(pilot)
    view = screen.session.view
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
        writer = view.waiting_on[0]
        box = screen.query_one("#hidden-answer", Input)
        await type_into(pilot, box, (answers or {}).get(writer, f"{view.name(writer)} noticed you listened"))
        await pilot.press("enter")
    elif kind == "timer":
        clock.advance(view.remaining + 1)
        await pilot.pause(0.4)
    elif kind in ("reflect", "prompt"):
        writer = view.waiting_on[0]
        box = screen.query_one(TextArea)
        await type_into(pilot, box, (answers or {}).get(writer, f"A thought from {view.name(writer)}"))
        await pilot.press("ctrl+s")
    else:
        raise AssertionError(f"no driver for {kind}")
    await pilot.pause()
    return kind


async def open_ritual(pilot: Pilot, ritual_id: str = "vulnerable_chat", first: str = "a") -> RitualScreen:
    """From home: highlight the ritual, press enter, and choose who starts."""
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
            return screen
        seen.append(f"{view.step_id}:{view.status}")
        await take_step(pilot, clock)
    raise AssertionError(f"never reached a {kind} step; went through {seen}")


def steady_cursors(pilot: Pilot) -> None:
    """Stop text cursors blinking, so a screenshot does not depend on when it was taken."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
