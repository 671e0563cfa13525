"""nearer in a real terminal: tmux runs `python -m nearer`, we type keys and read the screen.

Each test gets its own tmux server (`tmux -L <unique>`), so nothing touches a tmux you are using.
Every wait polls `capture-pane` until the text appears or a timeout passes; no fixed sleeps.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from nearer.settings import Settings, save_settings

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
]

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 100, 30
PROMPT = "e2e$ "
PROMPT_SEEN = PROMPT.strip()  # capture-pane drops trailing spaces
TIMEOUT = 20.0


class Terminal:
    """One tmux session with a plain shell in it, 100x30."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"nearer-e2e-{uuid.uuid4().hex[:10]}"
        self.session = "nearer"
        self.env = env
        self.tmux(
            "new-session", "-d", "-s", self.session, "-x", str(WIDTH), "-y", str(HEIGHT),
            "sh", "-i",
        )
        self.wait_for(PROMPT_SEEN)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env, timeout=10
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def type(self, line: str) -> None:
        """Type a line literally and press enter."""
        self.tmux("send-keys", "-t", self.session, "-l", line)
        self.tmux("send-keys", "-t", self.session, "Enter")

    def press(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.session, key)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def everything(self) -> str:
        """The visible screen and all the scrollback the shell has printed."""
        return self.tmux("capture-pane", "-p", "-S", "-", "-t", self.session)

    def wait_for(self, text: str, timeout: float = TIMEOUT, gone: str | None = None) -> str:
        """Poll until `text` is on screen (and `gone`, if given, is not); return the screen."""
        def shown(screen: str) -> str | None:
            if text in screen and (gone is None or gone not in screen):
                return screen
            return None

        return self.poll(shown, timeout)

    def poll(self, found, timeout: float = TIMEOUT):
        """Poll until `found(screen)` is truthy; return what it returned."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            result = found(screen)
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError(f"waited {timeout}s; the screen shows:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env)


def about_title(screen: str) -> str:
    """The first line inside the home screen's About pane: the highlighted ritual's title."""
    lines = screen.splitlines()
    for index, line in enumerate(lines):
        column = line.find("╭─ About")
        if column >= 0 and index + 2 < len(lines):
            return lines[index + 2][column + 1 :].strip(" │")
    return ""


def nearer_command() -> str:
    return f"cd {shlex.quote(str(ROOT))} && PYTHONPATH=src {shlex.quote(sys.executable)} -m nearer"


@pytest.fixture
def terminal(tmp_path: Path):
    config, data = tmp_path / "config", tmp_path / "data"
    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True), config / "settings.toml")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TMUX", "NEARER_", "PYTEST", "TEXTUAL"))
    }
    env.update(
        NEARER_CONFIG_DIR=str(config),
        NEARER_DATA_DIR=str(data),
        TZ="UTC",
        PS1=PROMPT,
        ENV="",  # no shell start-up file: the prompt is exactly PROMPT
        TERM="xterm-256color",
    )
    term = Terminal(env)
    try:
        yield term
    finally:
        term.close()


def step(term: Terminal, key: str, now_showing: str, was_showing: str | None = None) -> str:
    """Press `key` and wait for the next screen."""
    term.press(key)
    return term.wait_for(now_showing, gone=was_showing)


def quit_cleanly(term: Terminal) -> None:
    term.press("C-q")
    term.wait_for(PROMPT_SEEN, gone="palette")
    term.type('echo "nearer exited with $?"')
    term.wait_for("nearer exited with 0")
    assert "Traceback" not in term.everything()


def test_consent_pause_resume_quit_and_pick_up_again(terminal: Terminal):
    term = terminal
    term.type(nearer_command())
    # The list fills just after the first paint, so wait for a ritual, not only the greeting.
    home = term.wait_for("A vulnerable chat")
    assert "Hello, Sam and Alex" in home and "Rituals" in home
    print("\n--- home, in tmux ---\n" + home)

    # Move down the list, one ritual at a time, until the About pane describes the vulnerable chat.
    showing = about_title(home)
    for _ in range(12):
        if showing == "A vulnerable chat":
            break
        term.press("Down")
        before = showing
        showing = term.poll(lambda screen: about_title(screen) not in ("", before) and about_title(screen))
    term.wait_for("Take turns sharing")
    step(term, "Enter", "Who would like to go first?")  # a dialog over home
    first = step(term, "Enter", "Find a quiet spot", "Who would like to go first?")
    print("\n--- ritual, first step, in tmux ---\n" + first)
    assert "A vulnerable chat" in first and "Arrive" in first

    step(term, "Enter", "There is nothing to fix here", "Find a quiet spot")
    consent = step(term, "Enter", "is now a good time to go", "There is nothing to fix here")
    assert "Yes, Sam is ready" in consent and "Yes, Alex is ready" in consent
    print("\n--- consent step, in tmux ---\n" + consent)
    step(term, "y", "Sam said yes", "Yes, Sam is ready")
    listen = step(term, "y", "it's your turn to listen", "is now a good time to go")
    assert "Check in" in listen

    paused = step(term, "C-t", "Taking a break")  # a dialog over the ritual
    assert "20:00" in paused or "19:5" in paused
    term.press("r")
    back = term.wait_for("it's your turn to listen", gone="Taking a break")
    assert "Alex, it's your turn to listen" in back

    quit_cleanly(term)

    # A second run offers the unfinished ritual on the home screen.
    term.type("clear")
    term.type(nearer_command())
    again = term.wait_for("Unfinished")
    print("\n--- home again, with the unfinished ritual, in tmux ---\n" + again)
    assert "Pick up" in again and "just now." in again
    # Tab from the list to "Pick up": the ritual comes back at the step it was left on.
    term.press("Tab")
    resumed = step(term, "Enter", "Alex, it's your turn to listen", "Unfinished")
    assert "● Check in" in resumed
    quit_cleanly(term)
