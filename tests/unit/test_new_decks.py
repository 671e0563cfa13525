"""Decks in their own files: one deck file shared by several rituals, and a user's deck file
extending a built-in deck, seen the way the app sees them (through `discover()`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearer.cli import main
from nearer.ritual.library import discover
from nearer.ritual.load import content_hash, load_file

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_LISTENING = ROOT / "rituals" / "decks" / "listening.toml"


@pytest.fixture
def user_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    folder = tmp_path / "config" / "rituals"
    (folder / "decks").mkdir(parents=True)
    return folder


def _builtin_cards(name: str) -> list[str]:
    import tomllib

    return tomllib.loads(BUILTIN_LISTENING.read_text())["decks"][name]["cards"]


def test_a_user_deck_file_extends_the_builtin_deck_in_every_ritual_using_it(user_dir, capsys):
    (user_dir / "decks" / "listening.toml").write_text(
        '[decks.listening]\ncards = ["What did I miss that you wanted me to hear?"]\n'
    )
    # A copy of the built-in, and the built-in itself, both draw from the extended deck.
    assert main(["new", "our_chat", "--from", "vulnerable_chat"]) == 0
    library = discover()
    builtin_cards = _builtin_cards("listening")
    for ritual_id in ("vulnerable_chat", "our_chat"):
        deck = library.get(ritual_id).ritual.decks["listening"]
        assert deck.cards == [*builtin_cards, "What did I miss that you wanted me to hear?"]
        assert deck.draw == 3, "settings the user's copy does not write are the built-in's"
    assert main(["check", "--strict"]) == 0, capsys.readouterr().out


def test_one_deck_file_shared_by_two_of_your_rituals(user_dir, capsys):
    (user_dir / "decks" / "ours.toml").write_text(
        'format = 1\n\n[decks.ours]\ndraw = 1\ncards = ["What made you laugh today?"]\n'
    )
    for name in ("morning", "evening"):
        assert main(["new", name]) == 0
        path = user_dir / f"{name}.toml"
        text = path.read_text().replace(
            "phases = [", 'imports = ["decks/ours.toml"]\nphases = ['
        ).replace(
            'kind = "reflect"',
            'kind = "deck"\ndeck = "ours"\n\n[[step]]\nid = "closing"\n'
            'phase = "reflect"\nkind = "reflect"',
        )
        path.write_text(text)
    capsys.readouterr()
    assert main(["check", "--strict", str(user_dir)]) == 0, capsys.readouterr().out
    library = discover()
    for name in ("morning", "evening"):
        assert library.get(name).ritual.decks["ours"].cards == ["What made you laugh today?"]
    before = content_hash(user_dir / "morning.toml")
    (user_dir / "decks" / "ours.toml").write_text(
        'format = 1\n\n[decks.ours]\ndraw = 1\ncards = ["What surprised you today?"]\n'
    )
    assert content_hash(user_dir / "morning.toml") != before, "a saved run sees the deck changed"
    loaded = load_file(user_dir / "evening.toml")
    assert loaded.ritual.decks["ours"].cards == ["What surprised you today?"]


def test_a_mistake_in_a_shared_deck_file_is_reported_once_at_its_line(user_dir, capsys):
    (user_dir / "decks" / "listening.toml").write_text('\n[decks.listening]\ndraw = "two"\n')
    assert main(["check", str(user_dir / "decks" / "listening.toml")]) == 1
    out = capsys.readouterr().out
    assert out.count("error E003") == 1
    assert f"{user_dir / 'decks' / 'listening.toml'}:3: error E003" in out


def test_a_deck_file_without_draw_is_checked_as_merged_where_it_is_used(user_dir, capsys):
    deck = user_dir / "decks" / "solo.toml"
    deck.write_text('[decks.solo]\ncards = ["Only one?"]\n')
    assert main(["check", "--strict", str(deck)]) == 0, "alone, it may be extending another"
    assert main(["new", "mine"]) == 0
    path = user_dir / "mine.toml"
    path.write_text(
        path.read_text()
        .replace("phases = [", 'imports = ["decks/solo.toml"]\nphases = [')
        .replace('kind = "reflect"', 'kind = "deck"\ndeck = "solo"\n\n[[step]]\nid = "closing"\n'
                 'phase = "reflect"\nkind = "reflect"')
    )
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{deck}:1: error E041 deck \"solo\" draws 3 cards at a time, but it has 1 card." in out
