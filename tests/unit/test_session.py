"""The local session: the engine plus the journal, as the screens use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearer.engine import events as ev
from nearer.fsutil import StorageError
from nearer.journal.store import Journal
from nearer.ritual.load import load_file


def load_ritual(path):
    """Engine fixtures skip the consent checks on purpose; the format is still validated."""
    ritual = load_file(path).ritual
    assert ritual is not None
    return ritual
from nearer.session import LocalSession, NotSaved

FIXTURES = Path(__file__).parent.parent / "fixtures" / "engine"
NAMES = {"a": "Sam", "b": "Alex"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.sqlite3") as opened:
        yield opened


def play_deck_ritual(journal, seed: int) -> list[str]:
    """One session of the deck fixture: every card of the `small` deck drawn, in order."""
    session = LocalSession(load_ritual(FIXTURES / "deck.toml"), None, journal, NAMES, clock=Clock())
    view = session.start("a", seed=seed)
    drawn = []
    while view.status != "ended":
        if view.kind == "deck" and view.deck_title == "small":
            drawn.append(view.card)
            view = session.send(ev.Draw(partner=view.actors[0]))
        elif view.kind == "deck":
            for partner in view.actors:
                view = session.send(ev.Stop(partner=partner))
        else:
            raise AssertionError(view.kind)
    return drawn


def test_a_forever_deck_never_repeats_a_card_until_it_is_used_up_across_sessions(journal):
    history: list[str] = []
    for seed in range(6):
        history += play_deck_ritual(journal, seed)
    assert len(history) == 24
    # Five cards: every run of five draws from the start of a cycle holds each card once.
    for start in range(0, 20, 5):
        assert sorted(history[start : start + 5]) == ["five", "four", "one", "three", "two"]


def test_words_that_cannot_be_saved_keep_the_step_on_screen(journal, monkeypatch):
    session = LocalSession(load_ritual(FIXTURES / "reflect.toml"), None, journal, NAMES, clock=Clock())
    view = session.start("a", seed=1)
    while view.kind != "reflect":
        view = session.send(ev.Done(partner=view.actors[0]))
    step = view.step_id

    def disk_full(*args, **kwargs):
        raise StorageError("Your disk is full, so nearer could not save your reflection.")

    monkeypatch.setattr(journal, "add_entry", disk_full)
    writer = view.waiting_on[0]
    with pytest.raises(NotSaved, match="disk is full"):
        session.send(ev.Answer(partner=writer, text="keep me"))
    assert session.view.step_id == step
    assert writer in session.view.waiting_on, "the reflection was not taken as written"
    monkeypatch.undo()
    view = session.send(ev.Answer(partner=writer, text="keep me"))
    saved = [e.text for s in journal.recent_sessions() for e in s.entries]
    assert saved == ["keep me"]


def test_resume_continues_at_the_same_step_with_the_same_roles(journal):
    ritual = load_ritual(FIXTURES / "reflect.toml")
    first = LocalSession(ritual, None, journal, NAMES, clock=Clock())
    view = first.start("b", seed=1)
    view = first.send(ev.Done(partner=view.actors[0]))
    snapshot = journal.load_snapshot()
    assert snapshot is not None
    again = LocalSession.resume(ritual, None, journal, snapshot.state_json, clock=Clock())
    assert again.view.step_id == view.step_id
    assert again.view.speaker == "b"
    assert again.session_id == first.session_id



def test_resume_in_a_both_step_does_not_ask_the_one_who_already_wrote(journal):
    ritual = load_ritual(FIXTURES / "reflect.toml")
    first = LocalSession(ritual, None, journal, NAMES, clock=Clock())
    view = first.start("a", seed=1)
    first.send(ev.Answer(partner=view.waiting_on[0], text="written before the power cut"))
    waiting = first.view.waiting_on
    again = LocalSession.resume(ritual, None, journal, journal.load_snapshot().state_json, clock=Clock())
    assert again.view.waiting_on == waiting
    again.send(ev.Answer(partner=waiting[0], text="and the other"))
    texts = [e.text for s in journal.recent_sessions() for e in s.entries]
    assert sorted(texts) == ["and the other", "written before the power cut"]


def test_without_a_journal_a_reflection_is_not_silently_dropped():
    session = LocalSession(load_ritual(FIXTURES / "reflect.toml"), None, None, NAMES, clock=Clock())
    view = session.start("a", seed=1)
    writer = view.waiting_on[0]
    with pytest.raises(NotSaved, match="cannot be kept"):
        session.send(ev.Answer(partner=writer, text="nowhere to keep this"))
    assert writer in session.view.waiting_on, "the words stay on screen"
    session.send(ev.Skip(partner=writer))
    assert writer not in session.view.waiting_on, "skipping still moves on"
