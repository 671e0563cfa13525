"""The commands that open no screen never import Textual (DESIGN.md §1.6, §8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nearer

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import contextlib, io, sys
import nearer.cli
assert "textual" not in sys.modules, "import nearer.cli"
with contextlib.redirect_stdout(io.StringIO()):
    nearer.cli.main(["check", {good!r}])
    nearer.cli.main(["check"])
    nearer.cli.main(["list"])
    nearer.cli.main(["list", "--json"])
import nearer.ritual, nearer.ritual.schema
nearer.ritual.discover, nearer.ritual.load_ritual
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(leaked)
"""


def test_check_and_list_do_not_import_textual(tmp_path):
    good = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(nearer.__file__).parents[1]),
        "NEARER_CONFIG_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(good=str(good))],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
