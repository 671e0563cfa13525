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
from nearer.ritual.model import END, Ritual

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
        keep_place: bool = True,
    ) -> None:
        self.ritual = ritual
        self.ritual_path = ritual_path
        self.journal = journal
        self.names = names
        self.clock = clock
        self.keep_place = keep_place
        """False for a ritual started on top of another one's saved place (a break from the pause
        screen): the journal keeps one place to pick up, and it stays the other ritual's."""
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
            review=self._review(),
            at=now,
        )
        return self.send(start)

    def _review(self) -> dict[str, list[str]]:
        """What text steps with `show` put on screen, read from the journal once at the start."""
        wanted = {name for step in self.ritual.step for name in getattr(step, "show", ())}
        journal = self.journal
        if not wanted or journal is None:
            return {}
        review: dict[str, list[str]] = {}
        if "agreements" in wanted:
            agreements = self._guard(lambda: journal.tagged("agreement"), []) or []
            review["agreements"] = [f"{entry.author_name}: {entry.text}" for entry in agreements]
        if "plans" in wanted:
            plans = self._guard(journal.open_plans, []) or []
            review["plans"] = [
                f"{plan.what}, {plan.when_text}" if plan.what else f"{plan.ritual_title}, {plan.when_text}"
                for plan in plans
            ]
        return review

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

    def replace_ritual(self, ritual: Ritual, ritual_hash: str = "") -> View:
        """Carry on with `ritual` (the file was edited under `nearer run --watch`) at the same
        step id, or the nearest earlier step still present. A step whose kind is unchanged
        keeps what was said and drawn on it; any other step is entered afresh."""
        from msgspec.structs import replace

        old = self.ritual
        self.ritual = ritual
        if self.state.status == "new":
            return self.view
        kept = {step.id for step in ritual.step}
        at = self.state.step
        target = at
        if at != END and at not in kept:
            earlier = old.step[: old.index_of(at)] if old.step_by_id(at) else []
            target = next((s.id for s in reversed(earlier) if s.id in kept), ritual.step[0].id)
        before, after = old.step_by_id(at), ritual.step_by_id(target)
        state = replace(self.state, ritual_hash=ritual_hash or self.state.ritual_hash)
        redeal = getattr(before, "deck", None) != getattr(after, "deck", None)
        if target != at or type(before) is not type(after) or redeal:
            # The engine's own way into a step (it has no public name yet): what belonged to
            # the old step is cleared and a deck step deals from its deck.
            state = machine._enter(ritual, state, target)
        self.state = state
        return self.view

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
        new_entries = after.entries[len(before.entries) :]
        if self.journal is None or self.session_id is None:
            if any(entry.kind == "reflection" for entry in new_entries):
                # No journal to write to: keep the reflection on screen to copy, rather than
                # moving on as if it were kept. (Skipping still moves on.)
                raise NotSaved(
                    (self.warning or "Your journal could not be opened.")
                    + " What you wrote cannot be kept right now."
                )
            if new_entries:
                self.warning = "Your journal is not available, so these answers are not kept."
            return
        from nearer.fsutil import StorageError

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
                    tags=entry.tags,
                )
            for plan in after.plans[len(before.plans) :]:
                self.journal.add_plan(
                    self.session_id,
                    self.ritual.id,
                    self.ritual.title,
                    plan.when,
                    after.now,
                    what=plan.what,
                    offer=plan.offer or "",
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
        if not self.keep_place and after.status != "ended":
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
            if self.keep_place:
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


# -- the shared session (DESIGN.md §5) ------------------------------------------------------------

PRIVATE_MARK = "(kept private)"
"""What a guest's private reflection says on the host: the words stay in the guest's process."""

TYPING_THROTTLE = 1.0


class _Watched:
    """Screens watch a shared session for changes they did not make themselves."""

    _watchers: list[Callable[[], None]]

    def watch(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` after every change the screen did not make itself."""
        self._watchers.append(callback)
        return lambda: self._watchers.remove(callback) if callback in self._watchers else None

    def _tell_watchers(self) -> None:
        for callback in list(self._watchers):
            callback()


def _break_is_theirs(name: str) -> str:
    return f"{name} asked for this break, so {name} is the one to end it."


class HostSession(_Watched, LocalSession):
    """The host's side of a shared session. The engine and the host's journal live here; the
    guest acts through a `SessionServer`, which calls the `guest_*` methods and sends the guest
    its own View. The host's screen sees `view` for the host's seat only.

    Privacy: the guest sees no one's private reflections but its own, and its own never reach
    this process (GuestSession saves them and sends `PRIVATE_MARK`); the host's journal keeps
    only the host's own private entries and the shared ones.
    """

    def __init__(
        self,
        ritual: Ritual,
        ritual_path: Path | None,
        journal: Journal | None,
        names: dict[str, str],
        *,
        ritual_hash: str = "",
        clock: Callable[[], float] = time.time,
        seat: ev.Partner = "a",
    ) -> None:
        super().__init__(ritual, ritual_path, journal, names, ritual_hash=ritual_hash, clock=clock)
        self.seat: ev.Partner = seat
        self.auto_paused = False
        """Paused by a fault (a drop, a freeze, a restart): either partner may resume."""
        self.presence = "waiting"
        """The guest: waiting (never joined) | here | gone | frozen."""
        self.share: dict = {}
        """What a restarted host needs to take its guest back (door, code, token digest)."""
        self.publish: Callable[[], None] | None = None
        """Set by the server: send the guest a fresh snapshot."""
        self.note = ""
        self.note_seq = 0
        self.guest_note = ""
        self._watchers: list[Callable[[], None]] = []
        self._guest_typing_at = -1e9
        self._host_typing_at = -1e9
        self._typing_sent = -1e9

    @classmethod
    def resume(cls, ritual, ritual_path, journal, snapshot_json, *, clock=time.time) -> HostSession:
        """`nearer host --resume`: the last snapshot, paused, waiting for the guest to return."""
        session = super().resume(ritual, ritual_path, journal, snapshot_json, clock=clock)
        assert isinstance(session, HostSession)
        session.share = dict(json.loads(snapshot_json).get("share") or {})
        session.seat = session.share.get("seat", "a")
        if session.state.status == "running":
            session.state = machine.apply(ritual, session.state, ev.Pause(partner=session.seat, at=clock()))
        session.auto_paused = session.state.status == "paused"
        session.presence = "gone"
        host = session.names.get(session.seat, "Your partner")
        session.guest_note = f"{host}'s nearer restarted. You are back at the same step, paused."
        return session

    # -- who is who ---------------------------------------------------------------------------

    @property
    def guest_seat(self) -> ev.Partner:
        return ev.other(self.seat)

    @property
    def host_name(self) -> str:
        return self.names.get(self.seat) or self.seat.upper()

    @property
    def guest_name(self) -> str:
        return self.names.get(self.guest_seat) or self.guest_seat.upper()

    @property
    def ritual_info(self):
        from nearer.share.protocol import RitualInfo

        return RitualInfo(id=self.ritual.id, title=self.ritual.title, practice=self.ritual.practice)

    @property
    def view(self) -> View:
        return machine.view(self.ritual, self.state, viewer=self.seat)

    def guest_view(self) -> View:
        return machine.view(self.ritual, self.state, viewer=self.guest_seat)

    # -- the host's own actions ---------------------------------------------------------------

    def send(self, event: ev.Event) -> View:
        if hasattr(event, "partner"):
            event = _replace(event, partner=self.seat)
        if isinstance(event, ev.Resume):
            blocker = self.resume_blocker(self.seat)
            if blocker:
                self._say(blocker)
                self._changed(publish=False)
                return self.view
            event = _replace(event, partner=self.state.paused_by or self.seat)
        return self._apply(event)

    def typing(self) -> None:
        now = time.monotonic()
        if now - self._typing_sent >= TYPING_THROTTLE:
            self._typing_sent = self._host_typing_at = now
            if self.publish is not None:
                self.publish()

    def resume_blocker(self, who: ev.Partner) -> str | None:
        """Why `who` may not end this pause now, as a sentence; None when they may."""
        state = self.state
        if state.status != "paused":
            return None
        if self.auto_paused:
            if self.presence != "here":
                return f"{self.guest_name} is not connected yet. You can carry on together once they are back."
            return None
        if state.paused_by is not None and state.paused_by != who:
            name = self.names.get(state.paused_by) or state.paused_by.upper()
            return _break_is_theirs(name)
        return None

    def partner_line(self) -> str:
        name = self.guest_name
        if self.presence == "waiting":
            return f"Waiting for {name} to join"
        if self.presence == "gone":
            return f"{name} is not connected · the ritual waits, paused, until they are back"
        if self.presence == "frozen":
            return f"{name}'s nearer is not responding · the ritual is paused"
        typing = time.monotonic() - self._guest_typing_at < _typing_seconds()
        return f"{name} is connected" + (" · typing…" if typing else "")

    # -- the guest, through the server ----------------------------------------------------------

    def guest_intent(self, event: ev.Event) -> str | None:
        """Apply what the guest asked for, as the guest. A sentence when it cannot be done."""
        if hasattr(event, "partner"):
            event = _replace(event, partner=self.guest_seat)
        if isinstance(event, ev.Resume):
            blocker = self.resume_blocker(self.guest_seat)
            if blocker:
                return blocker
            event = _replace(event, partner=self.state.paused_by or self.guest_seat)
        if isinstance(event, ev.Answer):
            from nearer.ritual import model as m

            step = self.ritual.step_by_id(self.state.step)
            if isinstance(step, m.ReflectStep) and (
                step.private == "private" or (step.private == "ask" and event.private)
            ):
                event = _replace(event, text=PRIVATE_MARK, private=True)
        try:
            self._apply(event)
        except NotSaved as problem:
            return (
                f"{self.host_name}'s nearer could not save that: {problem.message} "
                "Your words are still on your screen; try again in a moment."
            )
        return None

    def guest_entries(self, start: int) -> list:
        """The shared journal entries from index `start` on: never a private one (the guest's
        own private ones were saved by the guest and are only a mark here)."""
        return [(i, e) for i, e in enumerate(self.state.entries[start:], start) if not e.private]

    def guest_typing(self) -> None:
        self._guest_typing_at = time.monotonic()
        self._changed(publish=False)

    def guest_joined(self, token_sha256: str) -> None:
        before = self.presence
        self.presence = "here"
        self.share["token_sha256"] = token_sha256
        if before == "waiting":
            self._say(f"{self.guest_name} joined.")
        elif before == "gone" or before == "frozen":
            also = " Either of you can carry on when you are ready." if self.auto_paused else ""
            self._say(f"{self.guest_name} is back.{also}")
        if self.state.status not in ("new", "ended"):
            self._save_progress(self.state, self.state)
        self._changed(publish=False)

    def guest_gone(self, reason: str) -> None:
        name = self.guest_name
        self.presence = "frozen" if reason == "frozen" else "gone"
        if reason == "frozen":
            self._say(f"{name}'s nearer has not answered for 15 seconds, so the ritual is paused.")
        elif reason == "left":
            self._say(f"{name} left for now, so the ritual is paused until they join again.")
        else:
            self._say(f"{name}'s connection dropped, so the ritual is paused until they join again.")
        if self.state.status in ("running", "paused"):
            self.auto_paused = True
        if self.state.status == "running":
            self._apply(ev.Pause(partner=self.guest_seat))
        else:
            self._changed()

    def door_note(self, sentence: str) -> None:
        self._say(sentence)
        self._changed(publish=False)

    def peer_for_guest(self):
        from nearer.share.protocol import Peer

        typing = time.monotonic() - self._host_typing_at < _typing_seconds()
        return Peer(connected=True, typing=typing, note=self.guest_note)

    # -- plumbing -----------------------------------------------------------------------------

    def _apply(self, event: ev.Event) -> View:
        before = self.state
        view = LocalSession.send(self, event)
        after = self.state
        if after is not before:
            if after.status != "paused":
                self.auto_paused = False
            same_place = after.step == before.step and after.status == before.status
            if same_place and len(after.entries) > len(before.entries):
                # The guest counts entries by their index: a restart must not reuse one.
                self._save_progress(before, after)
            self._changed()
        return view

    def _changed(self, publish: bool = True) -> None:
        self._tell_watchers()
        if publish and self.publish is not None:
            self.publish()

    def _say(self, sentence: str) -> None:
        self.note = sentence
        self.note_seq += 1

    def _save_words(self, before: RunState, after: RunState) -> None:
        mine = [e for e in after.entries[len(before.entries) :] if e.author == self.seat or not e.private]
        super()._save_words(before, _replace(after, entries=before.entries + mine))

    def _save_progress(self, before: RunState, after: RunState) -> None:
        journal = self.journal
        if journal is None or after.status == "ended":
            super()._save_progress(before, after)
            return
        share = {**self.share, "seat": self.seat}
        payload = json.dumps({"session_id": self.session_id, "state": json.loads(dumps(after)), "share": share})
        path = str(self.ritual_path) if self.ritual_path else ""
        self._guard(lambda: journal.save_snapshot(self.ritual.id, path, payload, after.now), None)


class GuestSession(_Watched):
    """The guest's side: no engine and no ritual file, only the host's snapshots of this
    partner's View, and intents sent back through a `SessionClient`.

    The guest's journal (in the guest's own data directory) gets the shared entries the host
    sends, and the guest's private reflections, which are saved here *before* anything is sent
    and never leave this process.
    """

    def __init__(
        self,
        client,
        welcome,
        journal: Journal | None,
        *,
        clock: Callable[[], float] = time.time,
        session_id: int | None = None,
        remember: Callable[[dict], None] | None = None,
    ) -> None:
        self.client = client
        self.seat: ev.Partner = welcome.seat
        self.ritual = welcome.ritual
        self.host_name = welcome.host_name or "Your partner"
        self.journal = journal
        self.clock = clock
        self.session_id = session_id
        self.remember = remember
        """Called with what a new `nearer join` needs to take the seat back (token, entries)."""
        self.warning: str | None = None
        self.note = ""
        self.note_seq = 0
        self.link = "here"
        """here | lost | frozen | refused"""
        self.rev = 0
        self.auto_paused = False
        self.peer_note = ""
        self._view: View | None = None
        self._watchers: list[Callable[[], None]] = []
        self._peer_typing_at = -1e9
        self._typing_sent = -1e9
        self._private_saved: set[tuple[int, str]] = set()
        self._pending: list = []
        self._ended_saved = False
        self._remembered: dict | None = None
        client.on_message = self._on_message
        client.on_link = self._on_link
        self._remember()

    # -- the surface the ritual screen uses -----------------------------------------------------

    @property
    def view(self) -> View:
        if self._view is None:
            raise RuntimeError("no snapshot from the host yet")
        return self._view

    @property
    def has_view(self) -> bool:
        return self._view is not None

    @property
    def ended(self) -> bool:
        return self._view is not None and self._view.status == "ended"

    def tick(self) -> View:
        return self.view  # the host keeps time; its snapshots carry it

    def send(self, event: ev.Event) -> View:
        """Ask the host for `event`. Raises NotSaved (words kept on screen) when it cannot go."""
        from nearer.share import protocol as p

        if self.link != "here":
            raise NotSaved(
                f"You are not connected to {self.host_name}'s nearer right now, so that was not sent. "
                "Your words are still here; send them again once you are back."
            )
        if hasattr(event, "partner"):
            event = _replace(event, partner=self.seat)
        event = _replace(event, at=None)
        view = self.view
        if isinstance(event, ev.Answer):
            if len(event.text) > p.MAX_TEXT:
                raise NotSaved(f"That is longer than {p.MAX_TEXT:,} characters; shorten it a little and save again.")
            if view.kind == "reflect" and (
                view.private_mode == "private" or (view.private_mode == "ask" and event.private)
            ):
                self._save_private(view, event.text)
                event = _replace(event, text=PRIVATE_MARK, private=True)
        if not self.client.send(p.Intent(event=event)):
            raise NotSaved(
                f"The link to {self.host_name}'s nearer just dropped, so that was not sent. "
                "Your words are still here; send them again once you are back."
            )
        return view

    def typing(self) -> None:
        from nearer.share import protocol as p

        now = time.monotonic()
        if self.link == "here" and now - self._typing_sent >= TYPING_THROTTLE:
            self._typing_sent = now
            self.client.send(p.Typing())

    def resume_blocker(self, who: ev.Partner | None = None) -> str | None:
        view = self._view
        if view is None or view.status != "paused" or self.auto_paused:
            return None
        if view.paused_by is not None and view.paused_by != self.seat:
            name = view.name(view.paused_by)
            return _break_is_theirs(name)
        return None

    def partner_line(self) -> str:
        host = self.host_name
        if self.link == "lost":
            return f"Not connected to {host}'s nearer · trying again"
        if self.link == "frozen":
            return f"{host}'s nearer is not responding"
        if self.link == "refused":
            return f"{host}'s nearer did not take you back"
        typing = time.monotonic() - self._peer_typing_at < _typing_seconds()
        return f"{host} is connected" + (" · typing…" if typing else "")

    async def close(self) -> None:
        await self.client.close()

    # -- from the host ------------------------------------------------------------------------------

    def _on_message(self, message) -> None:
        from nearer.share import protocol as p

        if isinstance(message, p.Welcome):
            self.rev = 0  # a new connection (maybe a restarted host) counts from the start
            self._remember()
            return
        if isinstance(message, p.Error):
            self._say(message.message)
            self._changed()
            return
        if not isinstance(message, p.Snapshot) or message.rev <= self.rev:
            return
        self.rev = message.rev
        self._view = message.view
        self.auto_paused = message.auto_paused
        if message.peer.typing:
            self._peer_typing_at = time.monotonic()
        if message.peer.note and message.peer.note != self.peer_note:
            self.peer_note = message.peer.note
            self._say(message.peer.note)
        self._pending.extend(message.entries)
        self._store()
        self._changed()

    def _on_link(self, state: str, sentence: str) -> None:
        host = self.host_name
        before, self.link = self.link, state
        if state == "here":
            if before != "here":
                self._say(f"Back with {host}.")
        elif state == "lost":
            self._say(
                sentence and f"{host}'s nearer closed ({sentence}). When it runs again you will be back here."
                or f"The link to {host}'s nearer dropped. nearer is trying again; nothing you typed is lost."
            )
        elif state == "frozen":
            self._say(f"{host}'s nearer has not answered for 15 seconds. It may be busy; nearer keeps waiting.")
        else:
            self._say(sentence or f"{host}'s nearer did not take you back.")
        self._changed()

    # -- the guest's own journal ----------------------------------------------------------------------

    def _ensure_session(self) -> int | None:
        if self.journal is None or self.session_id is not None:
            return self.session_id
        ritual = self.ritual
        self.session_id = self._guard(
            lambda: self.journal.start_session(ritual.id, ritual.title, ritual.practice, self.clock()), None
        )
        self._remember()
        return self.session_id

    def _save_private(self, view: View, text: str) -> None:
        key = (view.visit, view.step_id)
        if self.journal is None or key in self._private_saved:
            return
        from nearer.fsutil import StorageError

        session_id = self._ensure_session()
        if session_id is None:
            raise NotSaved(self.warning or "nearer could not open your journal.")
        try:
            self.journal.add_entry(
                session_id, view.step_id, "reflection", self.seat, view.name(self.seat),
                view.text, text.strip(), True, self.clock(),
            )
        except StorageError as error:
            raise NotSaved(str(error)) from error
        self._private_saved.add(key)

    def _store(self) -> None:
        view = self._view
        if self.journal is None or view is None or view.status == "new":
            return
        from nearer.fsutil import StorageError

        session_id = self._ensure_session()
        if session_id is not None:
            while self._pending:
                index, entry = self._pending[0]
                if index >= self.client.entries_from:
                    try:
                        self.journal.add_entry(
                            session_id, entry.step_id, entry.kind, entry.author, view.name(entry.author),
                            entry.prompt, entry.text, entry.private, self.clock(),
                        )
                    except StorageError as error:
                        self.warning = str(error)
                        break
                    self.client.entries_from = index + 1
                self._pending.pop(0)
            self._remember()
        if view.status == "ended" and not self._ended_saved and session_id is not None:
            self._ended_saved = True
            journal = self.journal
            if view.outcome == "reschedule" and view.plan:
                self._guard(
                    lambda: journal.add_plan(session_id, self.ritual.id, self.ritual.title, view.plan, self.clock()),
                    None,
                )
            self._guard(lambda: journal.end_session(session_id, view.outcome or "end", self.clock()), None)

    def _remember(self) -> None:
        memory = {
            "token": self.client.token,
            "entries_from": self.client.entries_from,
            "session_id": self.session_id,
            "ended": self.ended,
        }
        if self.remember is not None and memory != self._remembered:
            self._remembered = memory
            self.remember(memory)

    def _guard(self, action, fallback):
        from nearer.fsutil import StorageError

        try:
            return action()
        except StorageError as error:
            self.warning = str(error)
            return fallback

    def _changed(self) -> None:
        self._tell_watchers()

    def _say(self, sentence: str) -> None:
        self.note = sentence
        self.note_seq += 1


def _replace(struct, **changes):
    from msgspec.structs import replace

    return replace(struct, **changes)


def _typing_seconds() -> float:
    from nearer.share.protocol import TYPING_SECONDS

    return TYPING_SECONDS
