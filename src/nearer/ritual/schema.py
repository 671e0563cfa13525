"""JSON Schema for ritual files, generated from the msgspec models, for editors (Taplo, Tombi).

msgspec describes the steps as an `anyOf` of eleven kinds; on a wrong key an editor can then only
say "not valid under any schema" about the whole step. Here each kind becomes an `if kind is X,
then X's keys` branch, so the editor points at the wrong key's line. The schema also carries the
bounds `check.py` enforces where JSON Schema can say them (ids, seconds, rounds, outcomes, who).

    python -m nearer.ritual.schema > rituals/ritual.v1.schema.json

A test keeps the checked-in file equal to this output. Ritual files point at it with a first
line `#:schema ./ritual.v1.schema.json`.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from nearer.ritual.check import _BREATH, _ID, _ID_MAX, _ROUNDS, _SECONDS
from nearer.ritual.model import END, FORMAT_VERSION, KINDS, OUTCOMES, WHO, Ritual

def ritual_schema() -> dict[str, Any]:
    generated = msgspec.json.schema(Ritual)
    definitions: dict[str, Any] = _rewrite(generated["$defs"])
    root = definitions.pop("Ritual")
    steps = {kind: definitions.pop(struct.__name__) for kind, struct in KINDS.items()}
    id_rule = {"type": "string", "pattern": _ID.pattern, "maxLength": _ID_MAX}
    properties = root["properties"]
    properties["format"] = {
        "const": FORMAT_VERSION,
        "description": "The version of the ritual format this file is written in.",
    }
    properties["id"] = {**id_rule, "description": "The ritual's id; also the file's name."}
    offer_rule = {**id_rule, "not": {"const": END}}
    properties["offer"] = {**offer_rule, "description": "A ritual the end screen offers to start next."}
    properties["step"]["items"] = _step_items(steps, id_rule, offer_rule)
    definitions["Breath"]["properties"] = {
        name: {
            "type": "integer",
            "minimum": 0 if name == "hold" else _BREATH[0],
            "maximum": _BREATH[1],
        }
        for name in ("inhale", "hold", "exhale")
    }
    definitions["Cue"]["properties"]["at"]["minimum"] = 0
    definitions["Deck"]["properties"]["draw"]["minimum"] = 1
    # `[meta]` is free-form; said outright, Tombi's strict mode stops flagging each key in it.
    properties["meta"]["additionalProperties"] = True
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        **root,
        "title": "nearer ritual, format 1",
        "description": "A ritual for nearer: a flat list of [[step]] tables in playing order. "
        "See docs/authoring.md.",
        "definitions": definitions,
    }


def _step_items(steps: dict[str, Any], id_rule: dict[str, Any], offer_rule: dict[str, Any]) -> dict[str, Any]:
    branches = []
    for kind, schema in steps.items():
        properties = schema["properties"]
        properties["kind"] = {"const": kind}
        properties["id"] = {**id_rule, "not": {"const": END}}
        outcomes = OUTCOMES[kind]
        if outcomes:
            properties["on"]["propertyNames"] = {"enum": list(outcomes)}
        else:
            properties["on"]["maxProperties"] = 0
        if kind in WHO:
            properties["who"] = {"enum": list(WHO[kind]), "default": properties["who"]["default"]}
        if kind == "timer":
            properties["seconds"].update(minimum=_SECONDS[0], maximum=_SECONDS[1])
        if kind == "swap_roles":
            properties["rounds"].update(minimum=_ROUNDS[0], maximum=_ROUNDS[1])
        if kind == "deck":
            properties["draw"]["minimum"] = 1
        if kind == "choice":
            properties["options"]["minItems"] = 2
        if kind == "plan":
            properties["offer"] = {
                **offer_rule,
                "description": "A ritual the plan's Start button opens on the home screen.",
            }
        schema.pop("title", None)
        branches.append(
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": schema,
            }
        )
    return {
        "type": "object",
        "required": ["kind", "id", "phase"],
        "properties": {"kind": {"enum": list(steps)}},
        # The branch for the step's kind refuses unknown keys; said here too, Tombi's strict
        # mode would flag every key of every step.
        "additionalProperties": True,
        "allOf": branches,
    }


def _rewrite(node: Any) -> Any:
    """msgspec's schema, said for TOML: `$defs` becomes draft-07 `definitions`, and an optional
    value is just the value (TOML has no null)."""
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "anyOf" in node:
        options = [option for option in node["anyOf"] if option != {"type": "null"}]
        if len(options) == 1:
            rest = {k: v for k, v in node.items() if k not in ("anyOf", "default")}
            if node.get("default") is not None:
                rest["default"] = node["default"]
            return _rewrite({**options[0], **rest})
    out = {}
    for key, value in node.items():
        if key == "$ref":
            out[key] = value.replace("#/$defs/", "#/definitions/")
        else:
            out[key] = _rewrite(value)
    return out


def render() -> str:
    return json.dumps(ritual_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
