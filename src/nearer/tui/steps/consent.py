"""A consent step: each person asked says yes, or a kind "not now"."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button

from nearer import words
from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text


class ConsentWidget(StepWidget):
    BINDINGS = [
        Binding("y", "yes", "Yes", id="consent-yes"),
        Binding("n", "not_now", "Not now", id="consent-not-now"),
    ]

    def compose(self) -> ComposeResult:
        view = self.view
        yield step_text(view.text)
        if len(view.actors) > 1:
            said = [f"{view.name(p)} said yes" for p in view.actors if view.consents.get(p) == "yes"]
            if said:
                yield muted(" · ".join(said))
        # A shared screen asks only its own partner; one screen for two asks each in turn.
        asked = view.waiting_on if view.viewer is None else [p for p in view.waiting_on if p == view.viewer]
        items = [
            Button(f"Yes, {view.name(p)} is ready" if len(view.actors) > 1 and view.viewer is None
                   else "Yes, I'm ready", id=f"yes-{p}", variant="primary")
            for p in asked
        ]
        items.append(Button("Not now", id="not-now"))
        yield buttons(*items)
        if "not now" not in view.text.lower():  # said once, not twice when the ritual says it
            yield muted(words.NOT_NOW_KIND)

    @on(Button.Pressed, "#yes-a, #yes-b")
    def pressed_yes(self, event: Button.Pressed) -> None:
        partner = (event.button.id or "yes-a")[-1]
        self.act(ev.Consent(partner=partner, answer="yes"))

    @on(Button.Pressed, "#not-now")
    def action_not_now(self) -> None:
        self.act(ev.Consent(partner=self.current, answer="not_now"))

    def action_yes(self) -> None:
        self.act(ev.Consent(partner=self.current, answer="yes"))
