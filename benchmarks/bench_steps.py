"""Step transitions: from a partner's key press or button click to the next step painted.

In one process, `app.run_test()` plays the vulnerable_chat ritual over and over from the home
screen, acting as a couple does (tests/tui/drive.py): "y" on a consent, ctrl+s after writing an
answer or a reflection, enter after a hidden answer, a click on Continue / We're done / Next card.
Each such action that brings a new step widget (a new step, the other partner's turn, the next
card) is one transition. Waiting out a timer is not an action and is not counted.

How a transition is timed. t0 is when the input reaches the app: just before the key is handed
to the driver's queue (`pilot.press`, which adds no pause before it), or just before the mouse-up
and click are forwarded to the screen (the mouse-down goes first, untimed, as a finger rests on the
button). The end is when the screen's compositor has finished rendering a frame that contains the
new step widget and its children: `RitualScreen._compositor_refresh` of this one screen instance
is wrapped to take the time when it returns with the new widget visible. Headless, that frame is
rendered into strips but not written to a terminal (escape codes for ~100x34 cells; well under a
millisecond). So the figure includes everything nearer does on the way (binding, message,
`session.send`, the journal write, building and mounting the widget, layout, render).

Two ways to reach the paint, alternating transition by transition in the same run:

- natural: nothing is forced. Textual repaints a changed screen on its own 60 Hz update timer,
  so this is what a person at a terminal gets, including a wait of 0-16.7 ms for the next tick.
- forced: right after the input, `pilot.pause()` waits until the app is idle and then repaints at
  once. This is the work alone, without the frame wait, plus the Pilot's own waiting.

The Pilot's overhead is measured in the same run: an empty `pilot.pause()` on an idle screen after
each transition (no messages, nothing to repaint) is printed as the baseline.

    .venv/bin/python benchmarks/bench_steps.py [--transitions 300]

Budget (DESIGN.md §8): p99 <= 16 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, median, percentile  # noqa: E402

BUDGET_P99_MS = 16.0
SIZE = (100, 34)
RITUAL = "vulnerable_chat"
START = 1_790_000_000.0


class FakeClock:
    """The ritual's clock, moved on by hand so a timer or a minimum time takes no real time."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class PaintProbe:
    """Notes when the screen finishes rendering a frame that shows a step widget it did not
    show when `arm()` was called, and how long `session.send` took on the way."""

    def __init__(self, screen) -> None:
        self.screen = screen
        self.before = None
        self.armed = False
        self.painted_at = 0.0
        self.send_ms = 0.0
        self.done = asyncio.Event()
        render = screen._compositor_refresh
        send = screen.session.send

        def timed_send(event):
            began = time.perf_counter()
            try:
                return send(event)
            finally:
                self.send_ms += (time.perf_counter() - began) * 1000

        screen.session.send = timed_send

        def render_and_look() -> None:
            render()
            if self.armed and self._new_step_visible():
                self.painted_at = time.perf_counter()
                self.armed = False
                self.done.set()

        screen._compositor_refresh = render_and_look

    def _new_step_visible(self) -> bool:
        widget = self.screen._widget
        if widget is None or widget is self.before or not widget.is_mounted:
            return False
        visible = self.screen._compositor.visible_widgets
        return widget in visible and all(child in visible for child in widget.children
                                         if child.display)

    def arm(self) -> None:
        self.before = self.screen._widget
        self.armed = True
        self.send_ms = 0.0
        self.done.clear()

    async def wait(self, timeout: float = 2.0) -> bool:
        try:
            await asyncio.wait_for(self.done.wait(), timeout)
        except TimeoutError:
            self.armed = False
            return False
        return True


async def release_click(pilot, selector: str) -> float:
    """A click as the driver delivers it: mouse-down (untimed), then mouse-up and click.
    Returns t0, taken just before the mouse-up."""
    from textual.events import Click, MouseDown, MouseUp
    from textual.pilot import _get_mouse_message_arguments

    screen = pilot.app.screen
    widget = screen.query_one(selector)
    arguments = _get_mouse_message_arguments(widget, (0, 0), button=1)
    pilot.app.mouse_position = (arguments["x"], arguments["y"])
    screen._forward_event(MouseDown(**arguments))
    await pilot.pause()
    began = time.perf_counter()
    screen._forward_event(MouseUp(**arguments))
    screen._forward_event(Click(**{**arguments, "chain": 1}))
    return began


async def write(pilot, widget, text: str) -> None:
    from textual.widgets import TextArea

    widget.focus()
    await pilot.pause()
    if isinstance(widget, TextArea):
        widget.insert(text)
    else:
        widget.value = text
    await pilot.pause()


async def act(pilot, screen, clock: FakeClock):
    """Get the current step ready as a couple would, then do the action that ends it.
    Returns (what was done, t0), or (what was done, None) for a step that ends by time."""
    from textual.widgets import Input, TextArea

    view = screen.session.view
    kind = view.kind
    if kind == "timer":
        clock.now += view.remaining + 1
        await pilot.pause(0.3)  # the screen's 0.25 s tick sees the time is up
        return "timer", None
    if kind == "consent":
        began = time.perf_counter()
        await pilot.press("y")
        return "key y (consent)", began
    if kind in ("text", "swap_roles") or (kind == "reveal" and view.revealed):
        return "click Continue", await release_click(pilot, "#continue")
    if kind == "deck":
        return "click Next card", await release_click(pilot, "#next")
    if kind == "prompt" and view.answer_mode == "spoken":
        if view.ready_at > clock.now:
            clock.now = view.ready_at + 1
            await pilot.pause(0.3)  # the screen's tick enables "We're done"
        return "click We're done", await release_click(pilot, "#done")
    if kind == "reveal":
        writer = view.waiting_on[0]
        await write(pilot, screen.query_one("#hidden-answer", Input), f"{view.name(writer)} felt heard")
        began = time.perf_counter()
        await pilot.press("enter")
        return "key enter (hidden answer)", began
    if kind in ("reflect", "prompt"):
        writer = view.waiting_on[0]
        await write(pilot, screen.query_one(TextArea), f"A quiet evening, from {view.name(writer)}")
        began = time.perf_counter()
        await pilot.press("ctrl+s")
        return "key ctrl+s (answer)", began
    raise SystemExit(f"bench_steps has no action for a {kind} step ({view.step_id})")


async def open_ritual(pilot):
    from textual.widgets import OptionList

    from nearer.tui.screens.ritual import RitualScreen

    options = pilot.app.screen.query_one("#rituals", OptionList)
    options.highlighted = options.get_option_index(RITUAL)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.click("#a")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, RitualScreen), f"expected the ritual screen, got {screen!r}"
    return screen


async def measure(transitions: int) -> tuple[dict[str, list[float]], list[float], dict, int]:
    from nearer.tui.app import NearerApp

    clock = FakeClock()
    app = NearerApp(clock=clock, seed=7)
    samples: dict[str, list[float]] = {"natural": [], "forced": [], "send": []}
    baseline: list[float] = []
    actions: dict[str, int] = {}
    missed = 0
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        while len(samples["natural"]) + len(samples["forced"]) < transitions:
            screen = await open_ritual(pilot)
            probe = PaintProbe(screen)
            while screen.session.view.status != "ended":
                mode = "natural" if len(samples["natural"]) <= len(samples["forced"]) else "forced"
                probe.arm()
                what, began = await act(pilot, screen, clock)
                if began is None:
                    await pilot.pause()
                    continue
                if mode == "forced":
                    await pilot.pause()
                if not await probe.wait():
                    missed += 1
                    continue
                samples[mode].append((probe.painted_at - began) * 1000)
                samples["send"].append(probe.send_ms)
                actions[what] = actions.get(what, 0) + 1
                await pilot.pause()  # settle: the step's own focus, a pending refresh
                began = time.perf_counter()
                await pilot.pause()
                baseline.append((time.perf_counter() - began) * 1000)
            await pilot.press("escape")  # an ended ritual's screen closes: back home
            await pilot.pause()
    return samples, baseline, actions, missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transitions", type=int, default=300, help="at least this many")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nearer-bench-steps-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    os.environ["NEARER_CONFIG_DIR"] = str(work / "config")
    os.environ["NEARER_DATA_DIR"] = str(work / "data")
    sys.path.insert(0, str(ROOT / "src"))
    from nearer.settings import Settings, save_settings

    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True))

    began = time.perf_counter()
    samples, baseline, actions, missed = asyncio.run(measure(args.transitions))
    elapsed = time.perf_counter() - began

    def line(label: str, values: list[float]) -> str:
        return (f"{label:<34}{len(values):5d}{median(values):9.2f}{percentile(values, 90):9.2f}"
                f"{percentile(values, 99):9.2f}{max(values):9.2f}")

    total = len(samples["natural"]) + len(samples["forced"])
    print(f"{RITUAL}, {total} transitions in {elapsed:.0f} s, headless {SIZE[0]}x{SIZE[1]}; "
          f"python {sys.version.split()[0]}")
    print("actions: " + ", ".join(f"{what} x{count}" for what, count in sorted(actions.items())))
    print(f"{'ms':<34}{'n':>5}{'median':>9}{'p90':>9}{'p99':>9}{'max':>9}")
    natural = samples["natural"]
    print(line("input -> painted, natural 60 Hz", natural))
    print(line("input -> painted, forced repaint", samples["forced"]))
    print(line("  of which session.send", samples["send"]))
    print(line("Pilot baseline: empty pause()", baseline))
    everything = samples["natural"] + samples["forced"]
    print(line("both together", everything))
    if missed:
        print(f"{missed} actions brought no new step within 2 s (not counted)")
    p99 = percentile(natural, 99)
    verdict = "ok" if p99 <= BUDGET_P99_MS else "OVER"
    print(f"budget: p99 <= {BUDGET_P99_MS:.0f} ms (natural, as at a terminal): "
          f"{p99:.2f} ms = {p99 / BUDGET_P99_MS:.2f}x  {verdict}")
    return 0 if p99 <= BUDGET_P99_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
