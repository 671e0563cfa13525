"""The shared-session wire format: versioned JSON lines, one message per line, tagged by `type`.

The host is the authority. A guest sends a `hello`, then intents (ritual events with the partner
left for the host to fill in), `typing` and `ping`; the host answers with a `welcome` and then full
`snapshot`s of the guest's own View, each with a higher `rev`. No deltas: a snapshot that arrives
late or twice is harmless, because only the highest `rev` counts.

Everything a peer sends is untrusted: `decode_client` turns any line (bad JSON, NaN, deep nesting,
wrong types, control characters, oversized answers) into either a message or a `ProtocolError`
whose text is the `error` reply, and never raises anything else.
"""

from __future__ import annotations

import re
from typing import Literal, Union

import msgspec
from msgspec import Struct

from nearer.engine import events as ev
from nearer.engine.state import Entry
from nearer.engine.view import View

PROTO = 1
MAX_LINE = 64 * 1024
"""A line longer than this closes the connection: no honest message comes near it."""
MAX_TEXT = 8000
"""The longest answer one partner may send, in characters (about four typed pages)."""
MAX_SHORT = 200
"""A plan's "when", a name, a code."""
HANDSHAKE_SECONDS = 5.0
PING_SECONDS = 5.0
FROZEN_SECONDS = 15.0
TYPING_SECONDS = 3.0
"""How long "typing" shows after the last key, and so how often a client may say it."""

INTENTS = ("consent", "answer", "done", "skip", "draw", "stop", "choose", "plan", "pause", "resume", "leave")
"""The events a guest may ask for. `start` and `tick` belong to the host alone."""

# C0 controls but tab and newline, DEL and C1 controls: a partner's words are shown as they are,
# so an escape sequence in them must never reach the other terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class ProtocolError(Exception):
    """A message the host will not act on. `code` is stable; `str()` is a sentence."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- guest -> host ------------------------------------------------------------------------------


class Hello(Struct, tag="hello", kw_only=True):
    proto: int
    code: str | None = None
    """The join code (two users); None when host and guest are the same Unix user."""
    token: str | None = None
    """The resume token from an earlier `welcome`: takes the seat back after a drop."""
    entries_from: int = 0
    """The first journal entry the guest still needs (it saved the ones before)."""


class Intent(Struct, tag="intent", kw_only=True):
    event: ev.Event


class Typing(Struct, tag="typing", kw_only=True):
    pass


class Ping(Struct, tag="ping", kw_only=True):
    pass


class Bye(Struct, tag="bye", kw_only=True):
    reason: str = ""


ClientMessage = Union[Hello, Intent, Typing, Ping, Bye]

# -- host -> guest ------------------------------------------------------------------------------


class RitualInfo(Struct, frozen=True, kw_only=True):
    id: str
    title: str
    practice: str = "custom"


class Welcome(Struct, tag="welcome", kw_only=True):
    proto: int
    seat: ev.Partner
    token: str
    ritual: RitualInfo
    host_name: str = ""


class Peer(Struct, kw_only=True):
    """How the other partner is doing, as the receiver should show it."""

    connected: bool = True
    typing: bool = False
    note: str = ""
    """A sentence about a fault ("Sam's nearer stopped responding"), or empty."""


class Snapshot(Struct, tag="snapshot", kw_only=True):
    rev: int
    view: View
    peer: Peer
    entries: list[tuple[int, Entry]] = []
    """Journal entries for the guest's own journal, with their index in the run."""
    auto_paused: bool = False
    """The pause came from a fault (a drop, a freeze, a restart): either partner may resume."""


class Error(Struct, tag="error", kw_only=True):
    code: str
    message: str


class Refused(Struct, tag="refused", kw_only=True):
    """The handshake failed; the host closes the connection after this."""

    code: Literal["proto", "wrong_code", "locked", "taken", "uid", "timeout", "ended"]
    message: str


class Pong(Struct, tag="pong", kw_only=True):
    pass


ServerMessage = Union[Welcome, Snapshot, Error, Refused, Pong, Ping, Bye]

_client_decoder = msgspec.json.Decoder(ClientMessage)
_server_decoder = msgspec.json.Decoder(ServerMessage)
_encoder = msgspec.json.Encoder()


def encode(message: Struct) -> bytes:
    return _encoder.encode(message) + b"\n"


def decode_server(line: bytes) -> Struct:
    """A host's message, for the guest. Raises ProtocolError on anything malformed."""
    try:
        return _server_decoder.decode(line)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as error:
        raise ProtocolError("bad_message", f"nearer could not read the host's message ({error}).") from None


def decode_client(line: bytes) -> Struct:
    """A guest's message, checked. Raises ProtocolError and nothing else for any input."""
    try:
        message = _client_decoder.decode(line)
    except RecursionError:
        raise ProtocolError("too_deep", "That message is nested too deeply to read.") from None
    except msgspec.ValidationError as error:
        raise ProtocolError("bad_message", f"That message does not fit the protocol: {error}.") from None
    except msgspec.DecodeError as error:
        raise ProtocolError("bad_json", f"That line is not JSON nearer can read: {error}.") from None
    except Exception:  # noqa: BLE001 - a hostile line must never take the host down
        raise ProtocolError("bad_message", "That message could not be read.") from None
    if isinstance(message, Intent):
        return Intent(event=_checked_event(message.event))
    if isinstance(message, Hello):
        for value in (message.code, message.token):
            if value is not None and len(value) > MAX_SHORT:
                raise ProtocolError("bad_message", "That hello is too long.")
        if message.entries_from < 0:
            raise ProtocolError("bad_message", "entries_from cannot be negative.")
    return message


def _checked_event(event: ev.Event) -> ev.Event:
    kind = type(event).__struct_config__.tag
    if kind not in INTENTS:
        raise ProtocolError("not_allowed", f"A guest cannot send a {kind} event.")
    changes: dict[str, object] = {"at": None}
    if isinstance(event, ev.Answer):
        changes["text"] = clean_text(event.text, MAX_TEXT, "answer")
    elif isinstance(event, ev.Plan):
        changes["when"] = clean_text(event.when, MAX_SHORT, "plan")
    elif isinstance(event, ev.Choose) and not 0 <= event.option < 1000:
        raise ProtocolError("bad_message", "There is no such option.")
    return msgspec.structs.replace(event, **changes)


def clean_text(text: str, limit: int, what: str) -> str:
    """`text` without control characters; ProtocolError when too long or not valid Unicode."""
    if len(text) > limit:
        raise ProtocolError("too_long", f"That {what} is longer than {limit:,} characters, so it was not sent.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ProtocolError("bad_text", f"That {what} is not valid text.") from None
    return _CONTROL.sub("", text)
