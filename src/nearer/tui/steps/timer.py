"""A timer: a calm countdown, a breathing pacer that follows the ritual's rhythm, gentle cues."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Static

from nearer.engine import events as ev
from nearer.engine.view import BreathView
from nearer.tui.format import mmss
from nearer.tui.steps.base import StepWidget, buttons, step_text

PACER_WIDTH = 41


def breath_phase(breath: BreathView, elapsed: float) -> tuple[str, float]:
    """Where in one breath `elapsed` falls: the instruction and how full the lungs are (0..1)."""
    cycle = breath.inhale + breath.hold + breath.exhale
    if cycle <= 0:
        return "Breathe", 1.0
    t = elapsed % cycle
    if t < breath.inhale:
        return "Breathe in", t / breath.inhale
    t -= breath.inhale
    if t < breath.hold:
        return "Hold", 1.0
    t -= breath.hold
    return "Breathe out", 1.0 - t / max(breath.exhale, 1)


class BreathPacer(Static):
    """A bar that grows as you breathe in and shrinks as you breathe out. With reduced
    motion it is words only."""

    def show(self, breath: BreathView, elapsed: float, reduced_motion: bool) -> None:
        instruction, fullness = breath_phase(breath, elapsed)
        if reduced_motion:
            self.update(Text(instruction, style="bold", justify="center"))
            return
        half = PACER_WIDTH // 2
        filled = max(1, round(fullness * half))
        bar = Text(" " * (half - filled))
        bar.append("━" * filled * 2 + "━", style="bold")
        bar.append(" " * (half - filled))
        self.update(Text.assemble(bar, "\n", (instruction, "italic"), justify="center"))


class TimerWidget(StepWidget):
    def compose(self) -> ComposeResult:
        view = self.view
        if view.text:
            yield step_text(view.text)
        yield Static("", id="countdown")
        if view.breath is not None:
            yield BreathPacer()
        yield Static("", id="cue")
        yield buttons(Button("End early", id="stop"))

    def on_mount(self) -> None:
        self.update_view(self.view)

    def update_view(self, view) -> None:
        super().update_view(view)
        if not self.query("#countdown"):
            return  # not mounted yet; on_mount draws the latest view
        self.query_one("#countdown", Static).update(mmss(view.remaining))
        self.query_one("#cue", Static).update(Text(view.cue))
        if view.breath is not None:
            elapsed = view.seconds - view.remaining
            self.query_one(BreathPacer).show(view.breath, elapsed, self.reduced_motion)

    @on(Button.Pressed, "#stop")
    def stop(self) -> None:
        self.act(ev.Stop(partner=self.current))
