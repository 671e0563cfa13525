"""Finding rituals: built-ins, the user's own (which may shadow a built-in), and given paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nearer.cli import main
from nearer.ritual.library import discover

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"
BUILTIN_IDS = sorted(path.stem for path in (ROOT / "rituals").glob("*.toml"))


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    folder = tmp_path / "config" / "rituals"
    folder.mkdir(parents=True)
    return folder


def test_builtins_are_found_and_sound(user_dir):
    library = discover()
    assert sorted(entry.id for entry in library) == BUILTIN_IDS
    for entry in library:
        assert entry.source == "builtin" and entry.ok, entry.diagnostics
        assert not entry.shadows_builtin


def test_a_user_ritual_with_a_builtins_id_shadows_it(user_dir):
    text = GOOD.read_text().replace('title = "A vulnerable chat"', 'title = "Our own version"')
    (user_dir / "vulnerable_chat.toml").write_text(text)
    library = discover()
    entry = library.get("vulnerable_chat")
    assert entry.source == "user"
    assert entry.shadows_builtin
    assert entry.ritual.title == "Our own version"
    assert sum(1 for e in library if e.id == "vulnerable_chat") == 1


def test_a_broken_user_ritual_is_listed_with_its_first_error(user_dir):
    text = GOOD.read_text().replace('id = "vulnerable_chat"', 'id = "ours"')
    text = text.replace('on.yes = "share"', 'on.yes = "shar"')
    (user_dir / "ours.toml").write_text(text)
    (user_dir / "garbage.toml").write_text("this is [not toml\n")
    (user_dir / "decks").mkdir()
    (user_dir / "decks" / "d.toml").write_text("[decks.d]\ncards = ['x']\n")
    library = discover()
    ours = library.get("ours")
    assert not ours.ok and ours.ritual is None
    assert ours.first_error.code == "E012"
    assert ours.first_error.line == text.splitlines().index('on.yes = "shar"') + 1
    garbage = library.get("garbage")
    assert garbage.first_error.code == "E001"
    assert {entry.id for entry in library.broken} == {"ours", "garbage"}
    assert library.get("d") is None  # decks/ holds deck files, not rituals


def test_paths_given_are_added(user_dir, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    text = GOOD.read_text().replace('id = "vulnerable_chat"', 'id = "extra_one"')
    (extra / "extra_one.toml").write_text(text)
    single = tmp_path / "single.toml"
    single.write_text(text.replace('id = "extra_one"', 'id = "single"'))
    library = discover([extra, single])
    assert library.get("extra_one").source == "path"
    assert library.get("single").source == "path"
    assert library.get("single").ok


def test_list_shows_a_table_and_flags_broken_rituals(user_dir, capsys):
    (user_dir / "garbage.toml").write_text("this is [not toml\n")
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "PRACTICE", "TIME", "TITLE", "SOURCE"]
    assert any(row.startswith("vulnerable_chat ") and "built-in" in row for row in rows)
    broken = next(row for row in rows if row.startswith("garbage "))
    assert "BROKEN" in broken and "E001" in broken and "yours" in broken
    assert "1 ritual has problems; run `nearer check` to see them." in out


def test_list_json(user_dir, capsys):
    shutil.copy(GOOD, user_dir / "vulnerable_chat.toml")
    (user_dir / "garbage.toml").write_text("this is [not toml\n")
    assert main(["list", "--json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    chat = rows["vulnerable_chat"]
    assert chat["ok"] and chat["source"] == "user" and chat["shadows_builtin"]
    assert chat["duration_min"] == 30 and chat["practice"] == "vulnerability"
    assert {"id", "title", "practice", "summary", "duration_min", "path", "source", "ok"} <= set(chat)
    assert rows["garbage"]["ok"] is False and "E001" in rows["garbage"]["problem"]


def test_list_with_a_missing_path_is_a_sentence(user_dir, capsys):
    assert main(["list", "nowhere"]) == 2
    assert capsys.readouterr().err == 'nearer list: there is no file or folder at "nowhere".\n'
