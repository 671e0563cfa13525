"""The app's ritual cache: an unchanged file is not checked again; any change that could alter
its check (the file, a deck file it could import, a photo folder, nearer itself) is noticed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import nearer.ritual.cache as cache_module
from nearer.ritual.cache import RitualCache
from nearer.ritual.library import discover

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"


@pytest.fixture
def user_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEARER_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "config" / "rituals"
    folder.mkdir(parents=True)
    for name in ("one", "two"):
        (folder / f"{name}.toml").write_text(GOOD.read_text().replace('"vulnerable_chat"', f'"{name}"'))
    return folder


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The files actually checked (not taken from the cache)."""
    import nearer.ritual.check as check

    checked: list[str] = []
    original = check.check_file

    def counting(path, **kwargs):
        checked.append(Path(path).name)
        return original(path, **kwargs)

    monkeypatch.setattr(check, "check_file", counting)
    return checked


def _summary(library):
    return [(e.id, e.ritual, e.diagnostics, e.source, e.shadows_builtin) for e in library]


def test_a_second_start_checks_nothing_and_finds_the_same(user_dir, checks):
    first = discover(cache=RitualCache.default())
    assert "one.toml" in checks and len(checks) == len(first)
    checks.clear()
    second = discover(cache=RitualCache.default())
    assert checks == []
    assert _summary(second) == _summary(first) == _summary(discover())
    cache_file = Path(os.environ["NEARER_DATA_DIR"]) / "cache" / "rituals.msgpack"
    assert cache_file.stat().st_mode & 0o077 == 0


def test_an_edited_file_is_checked_again(user_dir, checks):
    discover(cache=RitualCache.default())
    checks.clear()
    path = user_dir / "one.toml"
    path.write_text(path.read_text().replace("A vulnerable chat", "Our chat"))
    library = discover(cache=RitualCache.default())
    assert checks == ["one.toml"]
    assert library.get("one").ritual.title == "Our chat"


def test_a_deck_file_appearing_where_an_import_could_be_found_is_noticed(user_dir, checks):
    for name in ("one", "two"):
        path = user_dir / f"{name}.toml"
        path.write_text(path.read_text().replace("phases = [", 'imports = ["decks/listening.toml"]\nphases = ['))
    discover(cache=RitualCache.default())
    checks.clear()
    (user_dir / "decks").mkdir()
    (user_dir / "decks" / "listening.toml").write_text('[decks.listening]\ncards = ["Mine?"]\n')
    library = discover(cache=RitualCache.default())
    # The built-in vulnerable_chat imports that deck file too: it is extended as well.
    assert sorted(checks) == ["one.toml", "two.toml", "vulnerable_chat.toml"]
    assert library.get("one").ritual.decks["listening"].cards[-1] == "Mine?"


def test_a_broken_ritual_is_always_checked_again(user_dir, checks):
    (user_dir / "two.toml").write_text('format = 1\nid = "two"\n')
    discover(cache=RitualCache.default())
    checks.clear()
    library = discover(cache=RitualCache.default())
    assert checks == ["two.toml"]
    assert library.get("two").first_error.code == "E003"


def test_a_change_to_nearer_throws_the_cache_away(user_dir, checks, monkeypatch):
    discover(cache=RitualCache.default())
    checks.clear()
    monkeypatch.setattr(cache_module, "_made_by", lambda: "another nearer")
    library = discover(cache=RitualCache.default())
    assert len(checks) == len(library)


def test_an_unreadable_cache_is_ignored(user_dir, checks):
    discover(cache=RitualCache.default())
    cache_file = Path(os.environ["NEARER_DATA_DIR"]) / "cache" / "rituals.msgpack"
    cache_file.write_bytes(b"\x00not msgpack")
    checks.clear()
    library = discover(cache=RitualCache.default())
    assert len(checks) == len(library) and library.get("one").ok
