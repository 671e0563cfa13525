"""What the screens talk to: a running ritual plus the journal that remembers it.

`LocalSession` is the one-terminal session. It applies events to the pure engine and writes what
the engine produced (entries, drawn cards, plans, the resume snapshot) to the journal. Anything a
partner wrote is saved *before* the new state is adopted: if the disk is full, `send` raises
`NotSaved` and the ritual stays on the same step, so the words are still on screen to retry.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from nearer.engine import events as ev
from nearer.engine import machine
from nearer.engine.state import RunState, dumps, loads
from nearer.engine.view import View
from nearer.ritual.model import Ritual

if TYPE_CHECKING:
    from nearer.journal.store import Journal


class NotSaved(Exception):
    """A partner's words could not be written. `message` is a sentence for the screen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LocalSession:
    """One ritual at one terminal, with both partners at the keyboard."""

    def __init__(
        self,
        ritual: Ritual,
        ritual_path: Path | None,
        journal: Journal | None,
        names: dict[str, str],
        *,
        ritual_hash: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ritual = ritual
        self.ritual_path = ritual_path
        self.journal = journal
        self.names = names
        self.clock = clock
        self.state: RunState = machine.new_state(ritual, ritual_hash)
        self.session_id: int | None = None
        self.warning: str | None = None
        """The last problem that did not stop the ritual (a snapshot that could not be saved)."""

    # -- lifecycle ----------------------------------------------------------------------

    def start(self, first_speaker: ev.Partner, seed: int | None = None) -> View:
        now = self.clock()
        seen: dict[str, list[str]] = {}
        if self.journal is not None:
            for name, deck in self.ritual.decks.items():
                if deck.no_repeat == "forever":
                    seen[name] = self._guard(lambda n=name: self.journal.seen_cards(n), [])
            self.session_id = self._guard(
                lambda: self.journal.start_session(
                    self.ritual.id, self.ritual.title, self.ritual.practice, now
                ),
                None,
            )
        start = ev.Start(
            first_speaker=first_speaker,
            names=self.names,
            seed=seed if seed is not None else secrets.randbits(32),
            seen_cards=seen,
            at=now,
        )
        return self.send(start)

    @classmethod
    def resume(
        cls,
        ritual: Ritual,
        ritual_path: Path | None,
        journal: Journal | None,
        snapshot_json: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> LocalSession:
        """Continue a ritual from its snapshot, at the same step. Raises ValueError when the
        snapshot does not fit the ritual any more (the file changed under it)."""
        payload = json.loads(snapshot_json)
        state = loads(json.dumps(payload["state"]))
        if state.ritual_id != ritual.id or ritual.step_by_id(state.step) is None:
            raise ValueError("The ritual changed since you left it, so it starts from the beginning.")
        session = cls(ritual, ritual_path, journal, dict(state.names), clock=clock)
        now = clock()
        # Time away does not count: a timer or a minimum time starts again from now.
        from msgspec.structs import replace

        session.state = replace(state, now=now, step_started=now, timer_paused=0.0)
        if state.status == "paused" and state.paused_at is not None:
            session.state = replace(session.state, paused_at=now)
        session.session_id = payload.get("session_id")
        return session

    # -- events ---------------------------------------------------------------------------

    @property
    def view(self) -> View:
        return machine.view(self.ritual, self.state)

    @property
    def ended(self) -> bool:
        return self.state.status == "ended"

    def tick(self) -> View:
        return self.send(ev.Tick(now=self.clock()))

    def send(self, event: ev.Event) -> View:
        """Apply `event`; persist what it produced; return the new view.

        Raises NotSaved (and keeps the old state) when written words could not be stored.
        """
        if event.at is None and not isinstance(event, ev.Tick):
            event = _with_time(event, self.clock())
        before = self.state
        after = machine.apply(self.ritual, before, event)
        if after is before:
            return self.view
        self._save_words(before, after)
        self.state = after
        # Any change but the passing of time is saved, so a half-finished "both" step (one
        # partner has written, the other not yet) resumes without asking the first again.
        if not isinstance(event, ev.Tick) or after.step != before.step:
            self._save_progress(before, after)
        return self.view

    # -- persistence ----------------------------------------------------------------------

    def _save_words(self, before: RunState, after: RunState) -> None:
        if self.journal is None or self.session_id is None:
            return
        from nearer.fsutil import StorageError

        new_entries = after.entries[len(before.entries) :]
        new_cards = after.cards_drawn[len(before.cards_drawn) :]
        try:
            for entry in new_entries:
                self.journal.add_entry(
                    self.session_id,
                    entry.step_id,
                    entry.kind,
                    entry.author,
                    self.names.get(entry.author, entry.author),
                    entry.prompt,
                    entry.text,
                    entry.private,
                    after.now,
                )
        except StorageError as error:
            raise NotSaved(str(error)) from error
        if new_cards:
            by_deck: dict[str, list[str]] = {}
            for card in new_cards:
                by_deck.setdefault(card.deck, []).append(card.text)
            for deck, cards in by_deck.items():
                self._guard(
                    lambda d=deck, c=cards: self.journal.record_cards(
                        self.session_id, self.ritual.id, d, c, after.now
                    ),
                    None,
                )

    def _save_progress(self, before: RunState, after: RunState) -> None:
        journal = self.journal
        if journal is None:
            return
        if after.status == "ended":
            if self.session_id is not None:
                if after.outcome == "reschedule" and after.plan:
                    self._guard(
                        lambda: journal.add_plan(
                            self.session_id, self.ritual.id, self.ritual.title, after.plan, after.now
                        ),
                        None,
                    )
                self._guard(lambda: journal.end_session(self.session_id, after.outcome or "end", after.now), None)
            self._guard(journal.clear_snapshot, None)
            return
        payload = json.dumps({"session_id": self.session_id, "state": json.loads(dumps(after))})
        path = str(self.ritual_path) if self.ritual_path else ""
        self._guard(lambda: journal.save_snapshot(self.ritual.id, path, payload, after.now), None)

    def _guard(self, action, fallback):
        """Run a journal write that must not stop the ritual; remember its sentence if it fails."""
        from nearer.fsutil import StorageError

        try:
            return action()
        except StorageError as error:
            self.warning = str(error)
            return fallback


def _with_time(event: ev.Event, now: float) -> ev.Event:
    from msgspec.structs import replace

    return replace(event, at=now)
