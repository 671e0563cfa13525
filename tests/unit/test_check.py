"""`nearer check` on real files: every broken fixture reports exactly the problems it declares."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from nearer.cli import main
from nearer.ritual.check import EXPLAIN, check_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BROKEN = sorted((FIXTURES / "broken").rglob("*.toml"))
GOOD = sorted((FIXTURES / "good").glob("*.toml"))
BUILTIN = Path(__file__).resolve().parents[2] / "rituals"
EXPECT = re.compile(r"^# expect: ([EW]\d{3}) line (\d+)$", re.M)
REPORTED = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<severity>error|warning) (?P<code>[EW]\d{3}) ")


@pytest.fixture(autouse=True)
def no_user_rituals(tmp_path, monkeypatch):
    """The checks must not depend on what is in the real user's config folder."""
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def expectations(path: Path) -> list[tuple[str, int]]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return sorted((code, int(line)) for code, line in EXPECT.findall(text))


def test_there_are_plenty_of_broken_fixtures():
    assert len(BROKEN) >= 60


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_fixture_reports_exactly_what_it_expects(path, capsys):
    expected = expectations(path)
    assert expected, f"{path.name} has no `# expect:` line"
    assert path.stem[:4].upper() in {code for code, _ in expected}, "named for its code"
    code, out, _ = run(capsys, str(path))
    reported = sorted(
        (match["code"], int(match["line"]))
        for match in map(REPORTED.match, out.splitlines())
        if match
    )
    assert reported == expected, out
    for match in map(REPORTED.match, out.splitlines()):
        if match:
            assert match["path"] == str(path)
            assert (match["severity"] == "warning") == match["code"].startswith("W")
    has_error = any(c.startswith("E") for c, _ in expected)
    assert code == (1 if has_error else 0)


def test_every_code_has_a_broken_fixture():
    named = {path.stem[:4].upper() for path in BROKEN}
    assert set(EXPLAIN) <= named, sorted(set(EXPLAIN) - named)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_fixture_is_clean_even_when_strict(path, capsys):
    code, out, _ = run(capsys, "--strict", str(path))
    assert code == 0, out
    assert out == "Checked 1 file: no problems found.\n"


def test_builtin_rituals_and_decks_are_clean_when_strict(capsys):
    code, out, _ = run(capsys, "--strict", str(BUILTIN))
    assert code == 0, out
    assert "no problems found" in out


def test_default_is_the_users_rituals_and_the_builtins(tmp_path, capsys):
    user = tmp_path / "config" / "rituals"
    user.mkdir(parents=True)
    (user / "mine.toml").write_text("format = 1\nid = \"mine\"\n")
    code, out, _ = run(capsys)
    assert code == 1
    assert "mine.toml:1: error E003" in out
    builtins = len(list(BUILTIN.glob("*.toml"))) + len(list(BUILTIN.glob("decks/*.toml")))
    assert f"Checked {builtins + 1} files" in out


def test_hint_is_indented_under_its_message(capsys):
    _, out, _ = run(capsys, str(FIXTURES / "broken" / "e012_dangling_target.toml"))
    lines = out.splitlines()
    assert 'but there is no step called "shar". Did you mean "share"?' in lines[0]
    assert lines[1].startswith("    A jump names")
    assert lines[-1] == "Checked 1 file: 1 error, 0 warnings."


def test_warnings_fail_only_when_strict(capsys):
    path = str(FIXTURES / "broken" / "w020_unreachable.toml")
    assert run(capsys, path)[0] == 0
    assert run(capsys, "--strict", path)[0] == 1


def test_json_format_is_a_list_of_diagnostics(capsys):
    path = FIXTURES / "broken" / "e040_undefined_deck.toml"
    code, out, _ = run(capsys, "--format", "json", str(path))
    assert code == 1
    items = json.loads(out)
    assert [(d["code"], d["line"], d["severity"]) for d in items] == [
        ("W042", 15, "warning"),
        ("E040", 59, "error"),
    ]
    assert set(items[0]) == {"path", "line", "severity", "code", "message", "hint"}
    assert items[1]["path"] == str(path)


def test_missing_path_is_a_sentence_and_exit_2(capsys):
    code, out, err = run(capsys, "no/such/ritual.toml")
    assert code == 2
    assert out == ""
    assert err == 'nearer check: there is no file or folder at "no/such/ritual.toml".\n'


def test_folder_checks_rituals_and_their_deck_files(tmp_path, capsys):
    shutil.copy(GOOD[0], tmp_path / GOOD[0].name)
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "extra.toml").write_text('[decks.extra]\ncards = []\n')
    code, out, _ = run(capsys, str(tmp_path))
    assert code == 1
    assert f"{tmp_path}/decks/extra.toml:2: error E041" in out
    assert "Checked 2 files: 1 error, 0 warnings." in out


def test_a_fault_inside_nearer_is_a_diagnostic_not_a_traceback(monkeypatch, capsys):
    import nearer.ritual.check as check

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "load_source", explode)
    code, out, err = run(capsys, str(GOOD[0]))
    assert code == 1
    assert ":1: error E001 nearer could not finish checking this file (RuntimeError: boom)." in out
    assert "Traceback" not in out + err


def test_an_imported_deck_shared_by_two_rituals_is_reported_once(tmp_path, capsys):
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "shared.toml").write_text(
        '[decks.shared]\ndraw = 1\ncards = ["Hello {you}?"]\n'
    )
    text = GOOD[0].read_text().replace(
        'phases = [', 'imports = ["decks/shared.toml"]\nphases = ['
    )
    for name in ("one", "two"):
        (tmp_path / f"{name}.toml").write_text(
            text.replace('id = "vulnerable_chat"', f'id = "{name}"')
        )
    code, out, _ = run(capsys, str(tmp_path))
    assert out.count("E070") == 1, out
    assert f"{tmp_path}/decks/shared.toml:3: error E070" in out


def test_check_path_on_a_file_returns_diagnostics():
    diagnostics = check_path(FIXTURES / "broken" / "e050_timer_too_long.toml")
    assert [(d.code, d.line) for d in diagnostics] == [("E050", 65)]
    assert diagnostics[0].format().startswith(
        f"{FIXTURES / 'broken' / 'e050_timer_too_long.toml'}:65: error E050 timer \"hug\""
    )
