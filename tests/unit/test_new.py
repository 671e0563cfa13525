"""`nearer new`: a starting ritual (or a copy) in your rituals folder, never over a file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nearer.cli import main
from nearer.ritual.check import check_file

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "rituals" / "ritual.v1.schema.json"


@pytest.fixture
def user_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config" / "rituals"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_starter_is_written_printed_and_clean_when_strict(user_dir, capsys):
    code, out, err = run(capsys, "new", "sunday_walk")
    path = user_dir / "sunday_walk.toml"
    assert (code, out, err) == (0, f"{path}\n", "")
    text = path.read_text()
    assert text.startswith("#:schema ./ritual.v1.schema.json\n")
    assert 'id = "sunday_walk"' in text and 'title = "Sunday walk"' in text
    assert text.count("#") > 20, "the starter teaches with comments"
    assert run(capsys, "check", "--strict", str(path))[:2] == (
        0, "Checked 1 file: no problems found.\n"
    )


def test_the_schema_line_resolves_beside_the_users_rituals(user_dir, capsys):
    run(capsys, "new", "mine")
    assert (user_dir / "ritual.v1.schema.json").read_bytes() == SCHEMA.read_bytes()


def test_a_stale_schema_copy_is_refreshed(user_dir, capsys):
    user_dir.mkdir(parents=True)
    (user_dir / "ritual.v1.schema.json").write_text("{}")
    run(capsys, "new", "mine")
    assert json.loads((user_dir / "ritual.v1.schema.json").read_text()) == json.loads(
        SCHEMA.read_text()
    )


def test_it_never_overwrites(user_dir, capsys):
    user_dir.mkdir(parents=True)
    path = user_dir / "mine.toml"
    path.write_text("# my own words\n")
    code, out, err = run(capsys, "new", "mine")
    assert code == 1 and out == ""
    assert err == (
        f"nearer new: there is already a ritual at {path}, and nearer never writes over one. "
        "Choose another name, or open that file to edit it.\n"
    )
    assert path.read_text() == "# my own words\n"


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("Sunday Walk", "sunday_walk"), ("2nd-try", "nd_try"), ("x" * 41, "x" * 40)],
)
def test_a_name_that_cannot_be_an_id_is_a_sentence(user_dir, capsys, name, suggestion):
    code, out, err = run(capsys, "new", name)
    assert code == 2 and out == ""
    assert err.startswith(f'nearer new: "{name}" cannot be a ritual name: use lower-case letters')
    assert err.endswith(f"For example: nearer new {suggestion}\n")
    assert not user_dir.exists()


def test_end_is_taken(user_dir, capsys):
    code, _, err = run(capsys, "new", "end")
    assert code == 2 and "it means the end of a ritual" in err


def test_a_copy_of_a_builtin_is_renamed_and_its_imports_still_resolve(user_dir, capsys):
    code, out, err = run(capsys, "new", "our_chat", "--from", "vulnerable_chat")
    path = user_dir / "our_chat.toml"
    assert (code, out, err) == (0, f"{path}\n", "")
    original = (ROOT / "rituals" / "vulnerable_chat.toml").read_text()
    copied = path.read_text()
    assert copied == original.replace('id = "vulnerable_chat"', 'id = "our_chat"', 1)
    ritual, diagnostics = check_file(path)
    assert diagnostics == [] and ritual is not None
    assert "listening" in ritual.decks, "decks/listening.toml comes from the built-in folder"


def test_a_copy_with_a_builtins_name_says_it_takes_its_place(user_dir, capsys):
    code, _, err = run(capsys, "new", "vulnerable_chat", "--from", "vulnerable_chat")
    assert code == 0
    assert err == 'Your "vulnerable_chat" takes the place of the built-in ritual with that name.\n'


def test_a_copy_of_a_file_brings_its_deck_files_along(user_dir, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "decks").mkdir(parents=True)
    (elsewhere / "decks" / "ours.toml").write_text('[decks.ours]\ndraw = 1\ncards = ["Why?"]\n')
    good = (ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml").read_text()
    text = good.replace('phases = [', 'imports = ["decks/ours.toml"]\nphases = [').replace(
        'deck = "tender"', 'deck = "ours"'
    ).replace("[decks.tender]", "[decks.unused]")
    source = elsewhere / "vulnerable_chat.toml"
    source.write_text(text)
    code, out, _ = run(capsys, "new", "copied", "--from", str(source))
    assert code == 0
    assert (user_dir / "decks" / "ours.toml").read_text() == (
        elsewhere / "decks" / "ours.toml"
    ).read_text()
    copied = (user_dir / "copied.toml").read_text()
    assert copied.startswith("#:schema ./ritual.v1.schema.json\n")
    ritual, diagnostics = check_file(user_dir / "copied.toml")
    assert ritual is not None and ritual.decks["ours"].cards == ["Why?"]


def test_an_unknown_source_is_a_sentence(user_dir, capsys):
    code, _, err = run(capsys, "new", "mine", "--from", "vulnerabel_chat")
    assert code == 2
    assert err == (
        'nearer new: there is no ritual called "vulnerabel_chat". Did you mean '
        '"vulnerable_chat"? `nearer list` shows the ones there are.\n'
    )
    assert not (user_dir / "mine.toml").exists()


def test_the_new_ritual_is_on_the_list(user_dir, capsys):
    run(capsys, "new", "sunday_walk")
    code, out, _ = run(capsys, "list", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["sunday_walk"]["ok"] and rows["sunday_walk"]["source"] == "user"
    assert os.stat(user_dir).st_mode & 0o077 == 0


def test_new_graph_and_upgrade_never_import_textual(tmp_path):
    """Like check and list, the authoring commands open no screen and stay instant."""
    import subprocess
    import sys

    script = (
        "import contextlib, io, sys\n"
        "from nearer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['new', 'mine'])\n"
        "    main(['graph', 'mine', '--mermaid'])\n"
        f"    main(['upgrade', {str(tmp_path / 'config' / 'rituals')!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NEARER_CONFIG_DIR": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
