"""Two partners, two Unix users, two real terminals: `nearer host --partner` and `nearer join`.

Runs as root: it makes three test users if they are missing (host, guest and a stranger), starts
each partner's nearer under its own uid with `setpriv` inside its own tmux session, and drives
both screens by keys: who starts, a yes from each, a reveal where each answer stays hidden until
both are in, and the end. A connection from the third uid is refused by the host. Each user
gets its own config, data and runtime directories; nothing is shared but the host's 0711 socket
directory.

Other users cannot run the venv's interpreter (it lives under /root), so each partner runs the
system Python 3.11 with the venv's site-packages on PYTHONPATH: the same packages, the same code.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "e2e_together.toml"
SITE = ROOT / ".venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
PYTHON = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
USERS = {"host": "nearer-e2e-h", "guest": "nearer-e2e-g", "stranger": "nearer-e2e-x"}
TIMEOUT = 25.0


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create test users and switch uids with setpriv"
    for tool in ("tmux", "setpriv", "useradd"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not Path(PYTHON).exists():
        return f"{PYTHON} (the system Python matching the venv) is not installed"
    return None


pytestmark = [pytest.mark.e2e, pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")]


def ensure_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True, capture_output=True,
        )
        return pwd.getpwnam(name)


class Pane:
    """One partner's terminal: a tmux session whose program runs as that partner's uid."""

    def __init__(self, server: str, name: str, user: pwd.struct_passwd, env: dict[str, str], argv: list[str]) -> None:
        self.server, self.name = server, name
        command = [
            "setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
            "env", "-i", *(f"{k}={v}" for k, v in env.items()), PYTHON, "-m", "nearer", *argv,
        ]
        self.tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "34", *command)
        self.tmux("set-option", "-t", name, "remain-on-exit", "on")

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.server, *args], capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def settle(self, quiet: float = 0.5, timeout: float = TIMEOUT) -> None:
        """Poll until the screen has not changed for `quiet` seconds: a view that arrives just
        after a reconnect may rebuild the step, and keys typed into the old one are gone."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: the screen never settled")
            time.sleep(0.05)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()

    def wait_for(self, pattern: str, timeout: float = TIMEOUT, gone: str | None = None) -> re.Match:
        """Poll until `pattern` is on screen (and `gone`, if given, is not)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            found = re.search(pattern, screen)
            if found and (gone is None or gone not in screen):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: never showed {pattern!r}; the screen was:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def world():
    users = {role: ensure_user(name) for role, name in USERS.items()}
    base = Path(tempfile.mkdtemp(prefix="nre2e", dir="/tmp"))
    os.chmod(base, 0o755)
    runtime = base / "run"
    runtime.mkdir()
    os.chmod(runtime, 0o1777)  # like /tmp: each user makes its own nearer-<uid> inside
    ritual = base / "e2e_together.toml"
    shutil.copy(FIXTURE, ritual)
    os.chmod(ritual, 0o644)
    homes = {}
    for role, user in users.items():
        home = base / role
        home.mkdir()
        os.chown(home, user.pw_uid, user.pw_gid)
        os.chmod(home, 0o700)
        homes[role] = home
    settings = homes["host"] / "config"
    settings.mkdir()
    (settings / "settings.toml").write_text('partner_a = "Sam"\npartner_b = "Alex"\nseen_intro = true\n')
    for path in (settings, settings / "settings.toml"):
        os.chown(path, users["host"].pw_uid, users["host"].pw_gid)
    server = f"nearer-share-{uuid.uuid4().hex[:8]}"

    def env(role: str) -> dict[str, str]:
        return {
            "HOME": str(homes[role]), "TERM": "xterm-256color", "LANG": "C.UTF-8", "TZ": "UTC",
            "PYTHONPATH": f"{SITE}:{ROOT / 'src'}", "NEARER_RUNTIME_DIR": str(runtime),
            "NEARER_CONFIG_DIR": str(homes[role] / "config"), "NEARER_DATA_DIR": str(homes[role] / "data"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    yield {"users": users, "runtime": runtime, "ritual": ritual, "homes": homes, "server": server, "env": env}
    subprocess.run(["tmux", "-L", server, "kill-server"], capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


def stranger_knocks(world, socket_path: Path) -> str:
    """The third uid connects straight to the socket and says hello; returns the host's reply."""
    user = world["users"]["stranger"]
    script = (
        "import socket,sys\n"
        "s=socket.socket(socket.AF_UNIX)\n"
        f"s.connect({str(socket_path)!r})\n"
        "s.sendall(b'{\"type\":\"hello\",\"proto\":1,\"code\":\"AAAA-AAAA\"}\\n')\n"
        "print(s.makefile('rb').readline().decode().strip())\n"
    )
    done = subprocess.run(
        ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", PYTHON, "-c", script],
        capture_output=True, text=True, timeout=10,
    )
    return done.stdout + done.stderr


def test_two_users_consent_reveal_and_end_and_a_stranger_is_refused(world):
    users, env = world["users"], world["env"]
    host = Pane(world["server"], "host", users["host"], env("host"),
                ["host", str(world["ritual"]), "--partner", users["guest"].pw_name])
    command = host.wait_for(r"nearer join (\S+) ([0-9A-Z]{4}-[0-9A-Z]{4})")
    assert command.group(1) == users["host"].pw_name
    code = command.group(2)

    directory = world["runtime"] / f"nearer-{users['host'].pw_uid}"
    info = directory.stat()
    assert oct(info.st_mode & 0o777) == "0o711" and info.st_uid == users["host"].pw_uid
    socket_path = directory / f"{code[:4]}.sock"
    assert '"code":"uid"' in stranger_knocks(world, socket_path)

    guest = Pane(world["server"], "guest", users["guest"], env("guest"), ["join", users["host"].pw_name, code])
    guest.wait_for(r"Waiting for Sam to start")
    host.wait_for(r"Who would like to go first\?")
    host.press("Enter")  # Sam

    host.wait_for(r"Yes, I'm ready")
    guest.wait_for(r"Yes, I'm ready")
    guest.wait_for(r"Sam is connected")
    host.wait_for(r"Alex is connected")
    host.press("y")
    guest.wait_for(r"Sam said yes")
    host.wait_for(r"Alex's turn")
    guest.press("y")

    host.wait_for(r"Write one thing you appreciate")
    guest.wait_for(r"Write one thing you appreciate")
    host.type("your patient questions")
    host.press("Enter")
    guest.wait_for(r"Sam has answered")
    assert "patient questions" not in guest.screen()
    guest.type("the tea you made")
    guest.press("Enter")
    guest.wait_for(r"your patient questions")
    host.wait_for(r"the tea you made")

    host.press("Enter")  # Continue, on the revealed answers
    host.wait_for(r"Thank you, Sam and Alex")
    guest.wait_for(r"Thank you, Sam and Alex")

    # Each journal is its owner's own file, private, and holds both revealed answers.
    for role in ("host", "guest"):
        journal = world["homes"][role] / "data" / "journal.sqlite3"
        stat = journal.stat()
        assert stat.st_uid == users[role].pw_uid and stat.st_mode & 0o077 == 0
        import sqlite3

        with sqlite3.connect(journal) as db:
            texts = {row[0] for row in db.execute("select text from entries")}
        assert {"your patient questions", "the tea you made"} <= texts, (role, texts)


def kill_pane_program(pane: Pane) -> None:
    """kill -9 the partner's nearer, as a dropped SSH session or a crash would end it."""
    pid = int(pane.tmux("display-message", "-p", "-t", pane.name, "#{pane_pid}").strip())
    os.kill(pid, 9)


def test_killed_guest_rejoins_and_killed_host_resumes_with_nothing_typed_lost(world):
    users, env = world["users"], world["env"]
    host = Pane(world["server"], "host", users["host"], env("host"),
                ["host", str(world["ritual"]), "--partner", users["guest"].pw_name])
    code = host.wait_for(r"nearer join \S+ ([0-9A-Z]{4}-[0-9A-Z]{4})").group(1)
    join = ["join", users["host"].pw_name, code]
    guest = Pane(world["server"], "guest", users["guest"], env("guest"), join)
    host.wait_for(r"Who would like to go first\?")
    host.press("Enter")
    guest.wait_for(r"Yes, I'm ready")
    host.press("y")
    guest.wait_for(r"Sam said yes")
    guest.press("y")
    guest.wait_for(r"Write one thing you appreciate")
    guest.type("the tea you made")
    guest.press("Enter")
    host.wait_for(r"Alex has answered")

    kill_pane_program(guest)
    host.wait_for(r"Alex is not connected")
    host.wait_for(r"The ritual paused itself")
    again = Pane(world["server"], "guest2", users["guest"], env("guest"), join)
    again.wait_for(r"The ritual paused itself")
    host.wait_for(r"Alex is connected")
    again.press("r")  # after a drop either partner may carry on
    again.wait_for(r"Your answer is in", gone="Taking a break")  # the seat, and the answer, were kept
    host.wait_for(r"Your turn")

    kill_pane_program(host)
    again.wait_for(r"Not connected to Sam's nearer")
    host2 = Pane(world["server"], "host2", users["host"], env("host"), ["host", "--resume"])
    host2.wait_for(r"Alex is connected")  # the guest found the same socket and took its seat back
    again.wait_for(r"Sam is connected")
    host2.press("r")
    # The unrevealed answer died with the host (it never touches disk), so it is asked again.
    again.wait_for(r"Type your answer", gone="Taking a break")
    again.settle()
    again.type("the tea you made")
    again.wait_for("•" * len("the tea you made"))  # in the box (hidden), before enter
    again.press("Enter")
    host2.wait_for(r"Alex has answered", gone="Taking a break")
    host2.type("your patient questions")
    host2.press("Enter")
    again.wait_for(r"your patient questions")
    host2.wait_for(r"the tea you made")
