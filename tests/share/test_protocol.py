"""The wire format: every hostile line becomes a ProtocolError, never anything else."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearer.engine import events as ev
from nearer.share import protocol as p


def line(obj) -> bytes:
    return msgspec.json.encode(obj)


def test_an_answer_intent_round_trips_without_its_time():
    message = p.decode_client(line({"type": "intent", "event": {"type": "answer", "partner": "a", "text": "hi", "at": 5}}))
    assert isinstance(message, p.Intent)
    assert message.event == ev.Answer(partner="a", text="hi")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{", "bad_json"),
        (b'{"type":"intent","event":{"type":"answer","partner":"b","text":"x","at":NaN}}', "bad_json"),
        (b'{"type":"intent","event":{"type":"choose","partner":"b","option":1e400}}', "bad_message"),
        (b'{"type":"intent","event":{"type":"choose","partner":"b","option":99999999999999999999}}', "bad_message"),
        (b'{"type":"intent","event":{"type":"start","first_speaker":"b","names":{},"seed":1}}', "not_allowed"),
        (b'{"type":"intent","event":{"type":"tick","now":1e12}}', "not_allowed"),
        (b'{"type":"intent","event":{"type":"answer","partner":"b","text":5}}', "bad_message"),
        (b'{"type":"intent","event":{"type":"answer","partner":"c","text":"x"}}', "bad_message"),
        (b'{"type":"launch"}', "bad_message"),
        (b'[' * 20000 + b']' * 20000, "bad_message"),
        (b'{"type":"hello","proto":1,"x":' + b'[' * 20000 + b']' * 20000 + b'}', "too_deep"),
        (b'{"type":"intent","event":{"type":"answer","partner":"b","text":"' + b'x' * (p.MAX_TEXT + 1) + b'"}}', "too_long"),
        (b'{"type":"intent","event":{"type":"answer","partner":"b","text":"\\ud800"}}', "bad_json"),
        (b'\xff\xfe', "bad_json"),
    ],
    ids=["open", "nan", "inf", "bigint", "start", "tick", "type", "partner", "unknown", "deep-list",
         "deep-field", "long", "surrogate", "bytes"],
)
def test_hostile_lines_are_refused_with_a_code(raw, code):
    with pytest.raises(p.ProtocolError) as caught:
        p.decode_client(raw)
    assert caught.value.code == code
    assert caught.value.message


def test_control_characters_never_reach_the_other_screen():
    raw = line({"type": "intent", "event": {"type": "answer", "partner": "b", "text": "hi\x1b[31m\x07 there\nyou\x9b"}})
    assert p.decode_client(raw).event.text == "hi[31m there\nyou"


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_only_ever_raise_protocol_errors(raw):
    try:
        p.decode_client(raw)
    except p.ProtocolError:
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["hello", "intent", "typing", "ping", "bye", "nope"]),
    st.sampled_from(list(p.INTENTS) + ["start", "tick", "x"]),
    st.dictionaries(st.sampled_from(["partner", "text", "answer", "option", "when", "private", "at", "proto", "code", "token", "entries_from"]), json_values, max_size=6),
)
def test_random_shaped_messages_only_ever_raise_protocol_errors(kind, event_kind, fields):
    import json

    body = {"type": kind, **fields, "event": {"type": event_kind, **fields}}
    raw = json.dumps(body, allow_nan=True).encode()
    try:
        message = p.decode_client(raw)
    except p.ProtocolError:
        return
    if isinstance(message, p.Intent):
        assert type(message.event).__struct_config__.tag in p.INTENTS
        assert message.event.at is None
