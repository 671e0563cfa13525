"""`nearer upgrade`: nothing to do for format 1; a future migration keeps comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import nearer.commands.upgrade as upgrade
from nearer.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["upgrade", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def ritual(tmp_path) -> Path:
    path = tmp_path / "vulnerable_chat.toml"
    shutil.copy(GOOD, path)
    return path


def test_format_1_has_nothing_to_do_and_the_file_is_untouched(ritual, capsys):
    before = ritual.read_bytes(), ritual.stat().st_mtime_ns
    code, out, err = run(capsys, str(ritual))
    assert (code, err) == (0, "")
    assert out == f"{ritual}: already format 1, the newest there is. Nothing to do.\n"
    assert (ritual.read_bytes(), ritual.stat().st_mtime_ns) == before
    assert sorted(p.name for p in ritual.parent.iterdir()) == [ritual.name]


def test_every_builtin_and_deck_file_is_up_to_date(capsys):
    code, out, _ = run(capsys, str(ROOT / "rituals"))
    assert code == 0
    assert out.count("Nothing to do.") == len(list((ROOT / "rituals").rglob("*.toml")))


def test_a_newer_format_is_a_sentence(ritual, capsys):
    ritual.write_text(ritual.read_text().replace("format = 1", "format = 3"))
    code, out, err = run(capsys, str(ritual))
    assert code == 1 and out == ""
    assert "written for format 3, newer than this nearer knows (format 1)" in err


def test_a_file_that_is_not_toml_is_a_sentence(tmp_path, capsys):
    path = tmp_path / "x.toml"
    path.write_text('title = "unclosed\n')
    code, _, err = run(capsys, str(path))
    assert code == 1 and f"`nearer check {path}` says what is wrong" in err


def test_a_missing_path_is_a_sentence(capsys):
    assert run(capsys, "no/such.toml") == (
        2, "", 'nearer upgrade: there is no file or folder at "no/such.toml".\n'
    )


# A pretend format 2 shows how a real migration slots in: it renames `duration_min` to
# `minutes`. tomlkit keeps every comment and blank line of the person's file.


def _rename_duration(document) -> list[str]:
    document["minutes"] = document.pop("duration_min")
    return ["`duration_min` is now called `minutes`."]


@pytest.fixture
def format_2(monkeypatch):
    monkeypatch.setattr(upgrade, "CURRENT", 2)
    monkeypatch.setattr(upgrade, "MIGRATIONS", {1: _rename_duration})
    checked: list[str] = []

    def validate(text, path, *, deck_file):
        checked.append(text)
        return []

    monkeypatch.setattr(upgrade, "validate", validate)
    return checked


def test_a_migration_keeps_comments_and_the_original(ritual, capsys, format_2):
    original = "# my note at the top\n" + ritual.read_text().replace(
        "duration_min = 30", "duration_min = 30  # half an hour, roughly"
    )
    ritual.write_text(original)
    code, out, err = run(capsys, str(ritual))
    assert (code, err) == (0, "")
    assert out == (
        f"{ritual}: upgraded from format 1 to 2; the original is vulnerable_chat.toml.format-1.\n"
        "  `duration_min` is now called `minutes`.\n"
    )
    upgraded = ritual.read_text()
    assert upgraded.startswith("# my note at the top\n")
    assert "format = 2                         # major version;" in upgraded
    assert "minutes = 30  # half an hour, roughly" in upgraded
    assert "duration_min" not in upgraded
    back = upgraded.replace("minutes = 30", "duration_min = 30").replace("format = 2", "format = 1")
    assert sorted(back.splitlines()) == sorted(original.splitlines()), "nothing else changed"
    assert (ritual.parent / "vulnerable_chat.toml.format-1").read_text() == original
    assert format_2 == [upgraded], "the result is checked before it is written"


def test_an_upgrade_that_would_be_broken_is_not_written(ritual, capsys, monkeypatch, format_2):
    monkeypatch.setattr(upgrade, "validate", lambda text, path, *, deck_file: ["x:1: error E003 no"])
    before = ritual.read_text()
    code, _, err = run(capsys, str(ritual))
    assert code == 1
    assert "the upgraded file would still have mistakes, so nearer left it as it was" in err
    assert ritual.read_text() == before


def test_a_format_with_no_migration_is_a_sentence(ritual, capsys, monkeypatch):
    monkeypatch.setattr(upgrade, "CURRENT", 3)
    monkeypatch.setattr(upgrade, "MIGRATIONS", {1: _rename_duration})
    code, _, err = run(capsys, str(ritual))
    assert code == 1 and "nearer does not know how to upgrade format 1" in err
