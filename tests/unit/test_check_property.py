"""Random damage to valid ritual files never crashes `nearer check`: it always answers with
well-formed diagnostics and exit code 0 or 1, and never reports a fault of its own."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearer.cli import main

ROOT = Path(__file__).resolve().parents[2]
BASES = [
    ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml",
    *sorted((ROOT / "rituals").glob("*.toml")),
]
SUMMARY = re.compile(r"^(Checked \d+ files?: .+\.|No ritual files found to check\.)$")

VALUES = st.sampled_from(
    [
        "0", "-1", "1", "3601", "99999999999999999999", "1.5", "true", '""', '"end"',
        '"share"', '"{oops}"', '"{"', '"}"', '"x"', "[]", '["a"]', "[1, 2]", "{}",
        '{ inhale = 40 }', '{ at = 5, text = "x" }', "1979-05-27", '"""multi\nline"""',
        "'literal'", '"\\u00e9"', "[[1]]", "inf", "nan",
    ]
)


@pytest.fixture(scope="module")
def workdir():
    folder = Path(tempfile.mkdtemp(prefix="nearer-prop-"))
    shutil.copytree(ROOT / "rituals" / "decks", folder / "decks")
    old = os.environ.get("NEARER_CONFIG_DIR")
    os.environ["NEARER_CONFIG_DIR"] = str(folder / "config")
    yield folder
    if old is None:
        del os.environ["NEARER_CONFIG_DIR"]
    else:
        os.environ["NEARER_CONFIG_DIR"] = old
    shutil.rmtree(folder)


@st.composite
def damaged(draw):
    base = draw(st.sampled_from(BASES))
    text = base.read_text()
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        mutation = draw(
            st.sampled_from(["delete", "duplicate", "swap", "value", "truncate", "insert"])
        )
        if mutation == "delete" and len(lines) > 1:
            del lines[draw(st.integers(0, len(lines) - 1))]
            text = "\n".join(lines)
        elif mutation == "duplicate":
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            text = "\n".join(lines)
        elif mutation == "swap" and len(text) > 2:
            index = draw(st.integers(0, len(text) - 2))
            text = text[:index] + text[index + 1] + text[index] + text[index + 2 :]
        elif mutation == "value":
            candidates = [n for n, line in enumerate(lines) if "=" in line]
            if candidates:
                index = draw(st.sampled_from(candidates))
                key = lines[index].split("=", 1)[0]
                lines[index] = f"{key}= {draw(VALUES)}"
                text = "\n".join(lines)
        elif mutation == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        elif mutation == "insert":
            index = draw(st.integers(0, len(text)))
            text = text[:index] + draw(st.text(alphabet='[]{}"\'=.,#\n \\abcxyz019_', max_size=6)) + text[index:]
    return base.name, text


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=damaged())
def test_damaged_rituals_never_crash_check(workdir, case):
    name, text = case
    path = workdir / name
    path.write_text(text)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(path)])
    assert code in (0, 1)
    lines = out.getvalue().splitlines()
    assert lines and SUMMARY.match(lines[-1]), lines
    message = re.compile(rf"^{re.escape(str(path))}:\d+: (error|warning) [EW]\d{{3}} ")
    imported = re.compile(r"^.+/decks/[a-z_]+\.toml:\d+: (error|warning) [EW]\d{3} ")
    for line in lines[:-1]:
        assert message.match(line) or imported.match(line) or line.startswith("    "), line
    assert "could not finish checking" not in out.getvalue(), out.getvalue()
    assert (code == 1) == any(" error E" in line for line in lines[:-1])
