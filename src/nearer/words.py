"""The app's own words: greetings, help, safety and error sentences, kept in one place.

Plain strings only, with no Textual import and no markup, so any screen or command can
use them, and so they can be read and revised like any other writing. Ritual and card
text lives in the ritual files, not here.
"""

from __future__ import annotations

# --- First run ----------------------------------------------------------------------------

WELCOME_TITLE = "Welcome to nearer"

# Shown once, above the two name fields.
WELCOME = (
    "nearer walks the two of you through short, guided conversations "
    "that help you feel closer. "
    "To begin, tell it what to call each of you; the names stay on this computer."
)

# Said once, kindly, on the first run and in the help for the therapy ritual.
NOT_THERAPY = (
    "nearer is a set of guided conversations, not therapy. "
    "If things between you feel stuck or heavy, a couples therapist can help, "
    "and you don't have to wait for a crisis to go."
)

# For anyone who is afraid of their partner. No phone numbers: nearer works offline
# in every country, and a wrong number is worse than none.
SAFETY = (
    "If either of you is afraid of the other, or someone is hurting you, "
    "these exercises are not the right tool, and that is not your fault. "
    "Talking to someone on your own, where it is safe, comes first: "
    "a domestic abuse helpline, or emergency services if you are in danger. "
    'Searching for "domestic abuse helpline" and your country will find one; '
    "if you can, search on a phone or computer that is only yours."
)

# --- Help, one text per screen (plain text, no markup) ------------------------------------

HELP_HOME = """\
Home

Pick a ritual and start when you are both ready.

  enter      start the ritual you have chosen
  j          open your journal
  ctrl+p     command palette: themes, rituals and more
  ? or f1    this help
  q          quit

Everything you write stays on this computer."""

HELP_RITUAL = """\
During a ritual

The screen always says whose turn it is. Go at your own pace.

  enter or space   continue
  y                yes
  n                not now (a kind answer; you'll pick another time)
  ctrl+t           pause for a break ("time out"), even while typing
  ctrl+s           save what you have typed
  escape           go back, or leave; your place is saved

A pause never ends the ritual. When you come back, you start
again from the same step."""

HELP_PAUSE = """\
Taking a break

When a talk gets heated, a break helps more than pushing on.
A break lasts at least 20 minutes by default; you can change this in settings.
Before you step away, agree together when you will come back.

  r          resume, when you are both ready

The ritual waits for you, exactly where you left it."""

HELP_JOURNAL = """\
Journal

Your reflections from past rituals, kept on this computer.

  arrow keys   move through your entries
  escape       back"""

HELP_FIRST_RUN = """\
Getting started

Type the names nearer should use for each of you.

  tab          next field
  shift+tab    previous field
  enter        continue

You can change the names later."""

# --- The mid-fight break -------------------------------------------------------------------

PAUSE_TITLE = "Taking a break"

PAUSE_TEXT = (
    "Breathe slowly, and let your body settle. "
    "Do something soothing on your own: a walk, some music, a cup of tea. "
    "If things got heated, try not to replay them or plan what you will say; let it rest. "
    "Come back at the time you agreed, and pick up from here."
)

# Shown whenever someone chooses "not now".
NOT_NOW_KIND = (
    '"Not now" is a kind answer. It means you care enough to wait for a better moment.'
)

# --- Labels --------------------------------------------------------------------------------

# Phase names as shown in the ritual's progress line.
PHASE_LABELS: dict[str, str] = {
    "initiate": "Arrive",
    "consent": "Check in",
    "share": "Share",
    "follow_up": "Go deeper",
    "reflect": "Reflect",
}

# Headings for the nine practices (model.PRACTICES), used to group rituals on the home screen.
PRACTICE_LABELS: dict[str, str] = {
    "curiosity": "Stay curious",
    "vulnerability": "Open up",
    "conflict": "Come back together",
    "novelty": "Try something new",
    "photos": "Show and tell",
    "affection": "Hold each other",
    "therapy": "Find support",
    "checkin": "Check in",
    "custom": "Your own rituals",
}

# One line under each heading.
PRACTICE_BLURBS: dict[str, str] = {
    "curiosity": "Ask open questions and learn something new about each other.",
    "vulnerability": "Share something a little risky to say, and be met with care.",
    "conflict": "After a fight, talk about what happened and what would help next time.",
    "novelty": "Do something new together, and laugh at being beginners.",
    "photos": "Swap old photos and the stories behind them.",
    "affection": "Slow down with a long hug, a held hand, a few shared breaths.",
    "therapy": "When you want more than a ritual can give, find someone to help.",
    "checkin": "A short, regular moment to ask how you are both really doing.",
    "custom": "Rituals you have written or added yourselves.",
}

# --- Errors a person can see: what happened, and what to do ----------------------------------

ERRORS: dict[str, str] = {
    "journal_write": (
        "Your reflection could not be saved just now. "
        "It is still here on the screen, so you can try again or copy it somewhere safe."
    ),
    # Followed by the checker's own sentence about what is wrong in the file.
    "broken_ritual": "This ritual can't start because its file has a problem: ",
    "settings_reset": (
        "Your settings file could not be read, so nearer started with fresh settings. "
        "The old file was kept beside it as a backup."
    ),
    "name_missing": "Please type a name for each of you.",
    "name_same": "The two names are the same. Please choose names that tell you apart.",
}
