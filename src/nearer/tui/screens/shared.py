"""The shared session on screen: the host waiting for a partner, the guest joining, and the ritual
screen each partner sees (their own turn, the other's presence, a pause both follow).

`SharedRitualScreen` is the ritual screen with three differences: it redraws when the other
partner acts (the session calls back), it says "your turn" or "<name>'s turn" and whether the
partner is connected and typing, and the pause follows the shared state rather than this keyboard.
Partner text arrives inside Views and is drawn as rich Text, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from nearer.engine import events as ev
from nearer.engine.view import View
from nearer.tui.screens.pause import PauseScreen
from nearer.tui.screens.ritual import RitualScreen, TICK_SECONDS
from nearer.tui.steps.base import buttons, muted, step_text

REMOTE = "remote"
"""A pause screen closed because the ritual resumed elsewhere, not by this keyboard."""


def shared_turn_line(view: View) -> str:
    """Whose turn it is, said to the person at this screen, and who has the floor."""
    me = view.viewer
    if view.status == "ended" or me is None:
        return ""
    other = ev.other(me)
    them = view.name(other)
    if view.status == "paused":
        who = "you" if view.paused_by == me else view.name(view.paused_by)
        return f"Paused by {who}"
    if view.kind == "prompt" and view.actors == [view.speaker]:
        turn = "Your turn to share" if view.speaker == me else f"{view.speaker_name}'s turn to share · you listen"
    elif view.kind == "deck" and view.asker is not None:
        turn = "Your turn to ask" if view.asker == me else f"{view.name(view.asker)}'s turn to ask"
    elif view.kind in ("text", "swap_roles", "timer", "choice", "reschedule") or view.revealed:
        turn = "Either of you can go on"
    elif me in view.waiting_on and other in view.waiting_on:
        turn = f"Your turn, and {them}'s"
    elif me in view.waiting_on:
        turn = "Your turn"
    elif other in view.waiting_on:
        turn = f"{them}'s turn"
    else:
        turn = "Either of you can go on"
    floor = "you have the floor" if view.speaker == me else f"{view.speaker_name} has the floor"
    return f"{turn} · {floor}"


class SharedPauseScreen(PauseScreen):
    """The pause, with who asked for it; it closes by itself when the ritual resumes elsewhere."""

    def on_mount(self) -> None:
        self.query_one("#pause-box").mount(Static("", id="pause-who", classes="who-line"), before="#pause-clock")

    def say_who(self, sentence: str) -> None:
        for widget in self.query("#pause-who"):
            widget.update(Text(sentence))


class SharedRitualScreen(RitualScreen):
    DEFAULT_CSS = """
    #partner { color: $text-muted; padding: 0 2; height: auto; }
    """

    def __init__(self, session) -> None:
        super().__init__(session)
        self._pause: SharedPauseScreen | None = None
        self._resumed_from: View | None = None
        self._notes_seen = session.note_seq
        self._unwatch = None

    def on_mount(self, event) -> None:
        event.prevent_default()  # the local screen's mount reads engine state; a guest has none
        self.mount(Static("", id="partner"), after=self.query_one("#turn"))
        self._unwatch = self.session.watch(self._changed)
        self.set_interval(TICK_SECONDS, self._tick)
        self.show(self.session.view)

    def on_unmount(self) -> None:
        if self._unwatch is not None:
            self._unwatch()

    def _changed(self) -> None:
        if self.is_mounted:
            self.show(self.session.view)

    # -- drawing --------------------------------------------------------------------------

    def show(self, view: View) -> None:
        widget = self._widget
        if widget is not None and not widget.is_mounted:
            # The step just drawn has not composed yet (the partner moved twice in a blink): it
            # will compose from the newest view, so hand it over rather than update children
            # that do not exist yet.
            widget.update_view = lambda newer, w=widget: setattr(w, "view", newer)
            try:
                self._show(view)
            finally:
                del widget.update_view
            return
        self._show(view)

    def _show(self, view: View) -> None:
        drafts = self._drafts(view)
        before = self._widget
        super().show(view)
        if not self.is_attached:
            return
        if drafts and self._widget is not before and self._widget is not None:
            self.call_after_refresh(self._restore, self._widget, drafts)
        turn = shared_turn_line(view)
        if view.status == "paused" and getattr(self.session, "auto_paused", False):
            turn = "Paused until you are both here"
        self.query_one("#turn", Static).update(turn)
        self._partner_line()
        self._sync_pause(view)
        session = self.session
        if session.note_seq != self._notes_seen:
            self._notes_seen = session.note_seq
            self.notify(session.note, timeout=8)
        if session.warning:
            self.notify(session.warning, title="Your journal", severity="warning", timeout=12)
            session.warning = None

    def _partner_line(self) -> None:
        for line in self.query("#partner"):
            line.update(Text(self.session.partner_line()))

    def _tick(self) -> None:
        super()._tick()
        self._partner_line()
        if self._pause is not None:
            self._pause.say_who(self._pause_sentence(self.session.view))

    def _drafts(self, view: View) -> dict[str, str]:
        """What this partner has typed on the step being redrawn: the other partner's move must
        not wipe it (it rebuilds the step widget)."""
        widget = self._widget
        if widget is None or self._key is None or self._key[:2] != (view.visit, view.step_id):
            return {}
        found = {}
        for box in widget.query("Input, TextArea"):
            text = box.value if isinstance(box, Input) else box.text
            if box.id and text:
                found[box.id] = text
        return found

    def _restore(self, widget, drafts: dict[str, str]) -> None:
        for box_id, text in drafts.items():
            for box in widget.query(f"#{box_id}"):
                if isinstance(box, Input) and not box.value:
                    box.value = text
                elif isinstance(box, TextArea) and not box.text:
                    box.load_text(text)

    # -- typing -------------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typed(self) -> None:
        self.session.typing()

    # -- the pause both screens follow ------------------------------------------------------------

    def _sync_pause(self, view: View) -> None:
        if view.status == "paused":
            if self._pause is None and view is not self._resumed_from:
                self._open_pause()
            if self._pause is not None:
                self._pause.say_who(self._pause_sentence(view))
        elif self._pause is not None:
            screen, self._pause = self._pause, None
            screen.dismiss(REMOTE)

    def _pause_sentence(self, view: View) -> str:
        me = view.viewer
        if getattr(self.session, "auto_paused", False):
            return (
                f"The ritual paused itself. {self.session.partner_line()}. "
                "Either of you can carry on once you are both here."
            )
        if view.paused_by in (me, None):  # None: our own pause, before the host confirms it
            return "You asked for this break, so you are the one to end it."
        name = view.name(view.paused_by)
        return f"{name} asked for this break. {name} will end it when ready."

    def _open_pause(self) -> None:
        if self._pause is not None:
            return
        screen = SharedPauseScreen(self.app.settings.break_minutes, self.app.clock)
        self._pause = screen
        screen.call_after_refresh(lambda: screen.say_who(self._pause_sentence(self.session.view)))

        def closed(result: object = None) -> None:
            if self._pause is screen:
                self._pause = None
            if result == REMOTE:
                return
            me = self.session.view.viewer
            blocker = self.session.resume_blocker(me)
            if blocker:
                self.notify(blocker, timeout=8)
                self.call_after_refresh(self._open_pause)
                return
            self._resumed_from = self.session.view
            self.send(ev.Resume(partner=me))

        self.app.push_screen(screen, closed)

    def action_pause(self) -> None:
        view = self.session.view
        if view.status == "running" and self.send(ev.Pause(partner=view.viewer)):
            self._open_pause()


# -- the host -----------------------------------------------------------------------------------------


class _DoorScreen(Screen[None]):
    """What the host's waiting screen and the guest's joining screen share: one centred box."""

    DEFAULT_CSS = """
    _DoorScreen { align: center middle; }
    _DoorScreen #share-box { width: 72; height: auto; border: round $primary; padding: 1 2; }
    _DoorScreen #join-command { text-style: bold; padding: 1 0; }
    _DoorScreen #host-rituals { height: 12; }
    """


class HostScreen(_DoorScreen):
    """Waiting for the partner, with the exact command they type; then the ritual."""

    BINDINGS = [Binding("escape", "app.quit", "Quit", id="share-quit")]

    def __init__(self, plan, *, ritual: str | None = None, resume_json: str | None = None) -> None:
        super().__init__()
        self.plan = plan
        self.ritual_id = ritual
        self.resume_json = resume_json
        self.session = None
        self.server = None

    def compose(self) -> ComposeResult:
        with Vertical(id="share-box") as box:
            box.border_title = "Together, from two terminals"
            yield Static("", id="share-status")
            yield Static(Text(self.plan.join_command), id="join-command")
            yield muted("Each of you sees your own screen. Answers you keep private stay on your own side.")
            yield OptionList(id="host-rituals")
        yield Footer()

    async def on_mount(self) -> None:
        library = self.app.library or self.app.load_library()
        picker = self.query_one("#host-rituals", OptionList)
        if self.resume_json is not None:
            picker.display = False
            await self._resume(library)
            return
        if self.ritual_id:
            picker.display = False
            entry = library.get(self.ritual_id)
            if entry is None or entry.ritual is None:
                self._status(f'There is no ritual called "{self.ritual_id}" that can run. `nearer list` shows them.')
                return
            await self._open(entry)
            return
        for entry in library.entries:
            if entry.ritual is not None:
                picker.add_option(Option(Text(entry.ritual.title), id=entry.ritual.id))
        picker.border_title = "Choose a ritual to do together"
        picker.focus()

    @on(OptionList.OptionSelected, "#host-rituals")
    async def _picked(self, event: OptionList.OptionSelected) -> None:
        entry = self.app.library.get(event.option.id)
        event.option_list.display = False
        await self._open(entry)

    async def _open(self, entry) -> None:
        from nearer.session import HostSession

        self.entry = entry
        session = HostSession(
            entry.ritual, entry.path, self.app.open_journal(), self.app.names,
            ritual_hash=getattr(entry, "content_hash", ""), clock=self.app.clock,
        )
        await self._serve(session)
        self._status(f"Waiting for {session.guest_name} to join. On their own terminal, they type:")

    async def _resume(self, library) -> None:
        import json

        from nearer.session import HostSession

        ritual_id = json.loads(self.resume_json)["state"]["ritual_id"]
        entry = library.get(ritual_id)
        if entry is None or entry.ritual is None:
            self._status("The ritual you were doing together is no longer available, so it cannot be resumed.")
            return
        self.entry = entry
        try:
            session = HostSession.resume(entry.ritual, entry.path, self.app.open_journal(), self.resume_json,
                                         clock=self.app.clock)
        except (ValueError, KeyError) as error:
            self._status(str(error))
            return
        await self._serve(session)
        self._enter_ritual()

    async def _serve(self, session) -> None:
        from nearer.share.server import SessionServer

        session.share.update(self.plan.share)
        self.session = session
        self.server = SessionServer(
            self.plan.listener, session, allowed_uids=self.plan.allowed_uids, code=self.plan.code,
            token_sha256=session.share.get("token_sha256"),
        )
        session.publish = self.server.publish
        session.watch(self._changed)
        await self.server.start()

    def _status(self, sentence: str) -> None:
        self.query_one("#share-status", Static).update(Text(sentence))

    def _changed(self) -> None:
        session = self.session
        if session is None or not self.is_current:
            return
        if session.note:
            self._status(session.note)
        if session.presence == "here" and session.state.status == "new":
            self._choose_first()

    def _choose_first(self) -> None:
        if getattr(self, "_choosing", False):
            return
        self._choosing = True
        ritual = self.entry.ritual
        first = ritual.roles.first_speaker
        if first in ("a", "b"):
            self._start(first)
        elif first == "random":
            self._start(self.app.rng.choice(("a", "b")))
        else:
            from nearer.tui.screens.dialogs import WhoStartsScreen

            def chosen(partner) -> None:
                self._choosing = False
                if partner is not None:
                    self._start(partner)

            self.app.push_screen(WhoStartsScreen(self.session.names, ritual.title), chosen)

    def _start(self, first: str) -> None:
        self._choosing = False
        self.session.start(first, seed=self.app.rng.getrandbits(32))
        self._enter_ritual()

    def _enter_ritual(self) -> None:
        self.app.push_screen(SharedRitualScreen(self.session), self._ritual_closed)

    def _ritual_closed(self, _: object = None) -> None:
        self._close_and_exit()

    @work(exclusive=True)
    async def _close_and_exit(self) -> None:
        if self.server is not None:
            await self.server.close("the host closed nearer")
        self.app.exit(0)

    async def on_unmount(self) -> None:
        if self.server is not None and not self.server.closing:
            await self.server.close("the host closed nearer")


# -- the guest ----------------------------------------------------------------------------------------


class JoinScreen(_DoorScreen):
    """Joining: asks for the code when one is needed, and says plainly why a join failed."""

    BINDINGS = [Binding("escape", "app.quit", "Quit", id="join-quit")]

    def __init__(self, plan) -> None:
        super().__init__()
        self.plan = plan
        self.session = None

    def compose(self) -> ComposeResult:
        with Vertical(id="share-box") as box:
            box.border_title = f"Joining {self.plan.host_user}"
            yield Static("", id="share-status")
            yield Input(placeholder="The join code, like K7Q2-9XTR, then enter", id="join-code", max_length=20)
            yield buttons(Button("Join", id="join", variant="primary"))
        yield Footer()

    def on_mount(self) -> None:
        if self.plan.path is None:
            self._ask("Type the code your partner's screen shows.")
        else:
            self._asking(False)
            self._join()

    def _status(self, sentence: str) -> None:
        self.query_one("#share-status", Static).update(Text(sentence))

    def _asking(self, shown: bool) -> None:
        self.query_one("#join-code").display = shown
        self.query_one("#join").display = shown

    def _ask(self, sentence: str) -> None:
        self._status(sentence)
        self._asking(True)
        box = self.query_one("#join-code", Input)
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#join-code")
    @on(Button.Pressed, "#join")
    def _code_given(self) -> None:
        from nearer.share.setup import with_code

        code = self.query_one("#join-code", Input).value.strip()
        if not code:
            return
        with_code(self.plan, code)
        self._asking(False)
        self._join()

    @work(exclusive=True)
    async def _join(self) -> None:
        from nearer.session import GuestSession
        from nearer.share.auth import ShareError
        from nearer.share.client import Refusal, SessionClient
        from nearer.share.setup import remember

        plan = self.plan
        self._status(f"Joining {plan.host_user}'s session…")
        memory = plan.memory
        client = SessionClient(
            plan.path, host_uid=plan.host_uid, code=plan.code, token=memory.get("token"),
            entries_from=int(memory.get("entries_from") or 0),
        )
        try:
            welcome = await client.connect()
        except Refusal as refusal:
            if refusal.code == "wrong_code":
                self._ask(str(refusal))
            else:
                self._status(f"{refusal} Press escape to close nearer.")
            return
        except ShareError as problem:
            if plan.needs_code and "No session is waiting" in str(problem):
                self._ask("No session is waiting with that code. Check it with your partner and type it again.")
            else:
                self._status(f"{problem} Press escape to close nearer.")
            return
        path = plan.path
        self.session = GuestSession(
            client, welcome, self.app.open_journal(), clock=self.app.clock,
            session_id=memory.get("session_id"), remember=lambda data: remember(path, data),
        )
        self.session.watch(self._changed)
        self._status(f"Joined. Waiting for {welcome.host_name or plan.host_user} to start.")

    def _changed(self) -> None:
        session = self.session
        if session is None or not self.is_current or not session.has_view:
            return
        if session.view.status != "new":
            self.app.push_screen(SharedRitualScreen(session), self._ritual_closed)
        elif session.link != "here":
            self._status(session.note)

    def _ritual_closed(self, _: object = None) -> None:
        self._close_and_exit()

    @work(exclusive=True)
    async def _close_and_exit(self) -> None:
        if self.session is not None:
            await self.session.close()
        self.app.exit(0)
