"""One widget per step kind; `widget_for(view)` picks the one a view needs."""

from __future__ import annotations

from nearer.engine.view import View
from nearer.tui.steps.base import StepWidget
from nearer.tui.steps.choice import ChoiceWidget
from nearer.tui.steps.consent import ConsentWidget
from nearer.tui.steps.deck import DeckWidget
from nearer.tui.steps.end import EndWidget
from nearer.tui.steps.photo import PhotoWidget
from nearer.tui.steps.plan import PlanWidget
from nearer.tui.steps.prompt import PromptWidget
from nearer.tui.steps.reflect import ReflectWidget
from nearer.tui.steps.reschedule import RescheduleWidget
from nearer.tui.steps.reveal import RevealWidget
from nearer.tui.steps.simple import SwapRolesWidget, TextStepWidget
from nearer.tui.steps.timer import TimerWidget

WIDGETS: dict[str, type[StepWidget]] = {
    "text": TextStepWidget,
    "consent": ConsentWidget,
    "prompt": PromptWidget,
    "deck": DeckWidget,
    "timer": TimerWidget,
    "photo": PhotoWidget,
    "reflect": ReflectWidget,
    "swap_roles": SwapRolesWidget,
    "reveal": RevealWidget,
    "choice": ChoiceWidget,
    "reschedule": RescheduleWidget,
    "plan": PlanWidget,
    "end": EndWidget,
}


def widget_for(view: View, *, reduced_motion: bool = False) -> StepWidget:
    kind = "end" if view.status == "ended" else view.kind
    return WIDGETS.get(kind, TextStepWidget)(view, reduced_motion=reduced_motion)
