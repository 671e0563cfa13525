"""Editors flag mistakes as you type: Taplo and Tombi read the JSON Schema through the `#:schema`
line and point at the line of the mistake (DESIGN.md §3, "Editor support").

Every broken fixture is copied beside the schema with a `#:schema` line on top (so its lines move
down by one). A mistake the schema can describe — a typo in a key, a wrong type, a value out of
bounds, a `who` the kind does not allow — must be reported on the fixture's expected line. A
mistake that needs the whole ritual to see (a dangling jump, a missing consent, an unused deck) is
`nearer check`'s job: there the editors must stay quiet rather than flag something else. The good
fixture and every built-in pass both tools without a word.

Both tools come from PyPI (`pip install taplo tombi`, in the `test` extras); Tombi runs with
`--offline` since it otherwise fetches a schema catalogue. Without them these tests are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "rituals" / "ritual.v1.schema.json"
BROKEN = sorted((ROOT / "tests" / "fixtures" / "broken").glob("*.toml"))
EXPECT = re.compile(r"^# expect: ([EW]\d{3}) line (\d+)$", re.M)

# The broken fixtures whose mistake the schema can describe, by file stem.
SCHEMA_SEES = {
    "e001_key_set_twice",
    "e001_missing_equals",
    "e001_unclosed_string",
    "e002_future_format",
    "e002_no_format",
    "e003_bad_choice_value",
    "e003_breath_without_exhale",
    "e003_bad_practice",
    "e003_choice_with_one_option",
    "e003_cue_at_text",
    "e003_deck_typo",
    "e003_missing_text",
    "e003_on_not_text",
    "e003_top_level_typo",
    "e003_unknown_key_typo",
    "e003_wrong_type",
    "e004_missing_kind",
    "e004_unknown_kind",
    "e011_bad_offer",
    "e011_bad_step_id",
    "e011_id_too_long",
    "e011_reserved_end",
    "e013_on_for_choice",
    "e013_on_for_reschedule",
    "e013_outcome_kind_lacks",
    "e041_deck_draw_zero",
    "e050_breath_too_slow",
    "e050_timer_too_long",
    "e071_too_many_rounds",
    "e072_who_for_consent",
    "e072_who_for_kind",
    "e072_who_for_photo",
}
# Not UTF-8, or no steps at all: neither tool says anything (nearer check does).
NEITHER_SEES = {"e001_not_utf8", "e003_no_steps"}


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed (pip install taplo tombi)")
    return found


def _taplo(files: list[Path], folder: Path) -> tuple[int, dict[str, set[int]]]:
    result = subprocess.run(
        [_tool("taplo"), "check", "--no-auto-config", *[f.name for f in files]],
        cwd=folder, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    lines: dict[str, set[int]] = {}
    for name, line in re.findall(r"┌─ (?:.*/)?([^/:\s]+\.toml):(\d+):\d+", result.stderr):
        lines.setdefault(name, set()).add(int(line))
    return result.returncode, lines


def _tombi(files: list[Path], folder: Path) -> tuple[int, dict[str, set[int]], str]:
    result = subprocess.run(
        [_tool("tombi"), "lint", "--offline", *[f.name for f in files]],
        cwd=folder, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    lines: dict[str, set[int]] = {}
    for name, line in re.findall(r"^\s+at (?:.*/)?([^/:\s]+\.toml):(\d+):\d+", output, re.M):
        lines.setdefault(name, set()).add(int(line))
    return result.returncode, lines, output


@pytest.fixture(scope="module")
def broken_copies(tmp_path_factory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("editors")
    shutil.copy(SCHEMA, folder / SCHEMA.name)
    copies = []
    for path in BROKEN:
        copy = folder / path.name
        copy.write_bytes(b"#:schema ./ritual.v1.schema.json\n" + path.read_bytes())
        copies.append(copy)
    return folder, copies


def _expected(path: Path) -> set[int]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    # Line 1 means the file as a whole (a missing key at the top level): it stays line 1.
    return {int(line) + 1 if line != "1" else 1 for _, line in EXPECT.findall(text)}


def test_the_lists_cover_every_broken_fixture():
    stems = {path.stem for path in BROKEN}
    assert SCHEMA_SEES | NEITHER_SEES <= stems
    assert not SCHEMA_SEES & NEITHER_SEES


@pytest.mark.parametrize("tool", ["taplo", "tombi"])
def test_editors_point_at_the_line_of_each_mistake_the_schema_describes(tool, broken_copies):
    folder, copies = broken_copies
    if tool == "taplo":
        _, reported = _taplo(copies, folder)
    else:
        _, reported, _ = _tombi(copies, folder)
    wrong = {}
    for copy in copies:
        lines = reported.get(copy.name, set())
        if copy.stem in SCHEMA_SEES:
            if not lines & _expected(copy):
                wrong[copy.name] = (sorted(_expected(copy)), sorted(lines))
        elif lines:
            wrong[copy.name] = ("nothing", sorted(lines))
    assert wrong == {}, f"{tool}: file -> (expected lines, reported lines)"


def test_tombi_reports_no_line_but_the_mistakes_own(broken_copies):
    """Tombi is the sharper of the two: it names only the mistake's line, except that a typo in a
    required key also leaves that key missing, which it reports at the top of the table."""
    folder, copies = broken_copies
    _, reported, _ = _tombi(copies, folder)
    extra = {
        c.stem: sorted(reported.get(c.name, set()) - _expected(c))
        for c in copies
        if c.stem in SCHEMA_SEES and reported.get(c.name) != _expected(c)
    }
    assert extra == {"e003_top_level_typo": [1], "e003_unknown_key_typo": [62]}


def _good_files(tmp_path: Path) -> list[Path]:
    shutil.copy(SCHEMA, tmp_path / SCHEMA.name)
    files = []
    good = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"
    for path in [good, *sorted((ROOT / "rituals").glob("*.toml"))]:
        text = path.read_text().split("\n", 1)[1] if path.read_text().startswith("#:schema") else path.read_text()
        copy = tmp_path / path.name
        copy.write_text("#:schema ./ritual.v1.schema.json\n" + text)
        files.append(copy)
    return files


def test_good_rituals_pass_taplo(tmp_path):
    code, reported = _taplo(_good_files(tmp_path), tmp_path)
    assert (code, reported) == (0, {})


def test_good_rituals_pass_tombi_without_a_warning(tmp_path):
    code, reported, output = _tombi(_good_files(tmp_path), tmp_path)
    assert (code, reported) == (0, {}), output
    assert "Warning" not in output


def test_a_new_ritual_passes_both(tmp_path, monkeypatch, capsys):
    from nearer.cli import main

    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path))
    assert main(["new", "sunday_walk"]) == 0
    folder = tmp_path / "rituals"
    files = [folder / "sunday_walk.toml"]
    assert _taplo(files, folder) == (0, {})
    code, reported, output = _tombi(files, folder)
    assert (code, reported) == (0, {}) and "Warning" not in output
