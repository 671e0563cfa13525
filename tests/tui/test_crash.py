"""A bug must never greet a couple with a traceback: one sentence on screen, details in a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CRASHING_APP = """
from nearer.settings import Settings, save_settings
save_settings(Settings(partner_a="Sam", partner_b="Alex"))
from nearer.tui.app import NearerApp

class Broken(NearerApp):
    def on_ready(self):
        raise RuntimeError("a bug in nearer")

app = Broken()
app.run(headless=True)
raise SystemExit(app.return_code)
"""


def test_an_unexpected_error_is_a_sentence_and_a_crash_report(tmp_path: Path):
    env = dict(os.environ)
    env["NEARER_CONFIG_DIR"] = str(tmp_path / "config")
    env["NEARER_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(Path(__file__).parents[2] / "src")
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_APP], env=env, capture_output=True, text=True, timeout=60
    )
    shown = " ".join((done.stdout + done.stderr).split())  # the console wraps lines
    assert done.returncode == 1
    assert "Traceback" not in shown
    assert "Nothing you saved is lost" in shown
    report = tmp_path / "data" / "crash.log"
    assert "a bug in nearer" in report.read_text()
    assert report.stat().st_mode & 0o777 == 0o600
