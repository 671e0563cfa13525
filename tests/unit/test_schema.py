"""The editor schema: generated from the models, checked in, and branching on `kind`."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import nearer
from nearer.ritual.model import KINDS, OUTCOMES, WHO
from nearer.ritual.schema import render, ritual_schema

ROOT = Path(__file__).resolve().parents[2]
CHECKED_IN = ROOT / "rituals" / "ritual.v1.schema.json"
FIXTURES = ROOT / "tests" / "fixtures"


def test_checked_in_schema_equals_the_generated_one():
    assert CHECKED_IN.read_text() == render(), (
        "rituals/ritual.v1.schema.json is stale: run "
        "`python -m nearer.ritual.schema > rituals/ritual.v1.schema.json`"
    )


def test_module_prints_the_schema():
    env = {"PYTHONPATH": str(Path(nearer.__file__).parents[1])}
    result = subprocess.run(
        [sys.executable, "-m", "nearer.ritual.schema"],
        capture_output=True, text=True, env=env, check=True,
    )
    assert result.stdout == render()


def test_each_kind_is_an_if_then_branch_that_refuses_unknown_keys():
    items = ritual_schema()["properties"]["step"]["items"]
    assert "anyOf" not in items
    branches = {b["if"]["properties"]["kind"]["const"]: b["then"] for b in items["allOf"]}
    assert list(branches) == list(KINDS)
    for kind, then in branches.items():
        struct = KINDS[kind]
        assert then["additionalProperties"] is False
        assert set(then["properties"]) == {"kind", *struct.__struct_fields__}
        assert {"kind", "id", "phase"} <= set(then["required"])
        on = then["properties"]["on"]
        if OUTCOMES[kind]:
            assert on["propertyNames"]["enum"] == list(OUTCOMES[kind])
        else:
            assert on["maxProperties"] == 0
        if kind in WHO:
            assert then["properties"]["who"]["enum"] == list(WHO[kind])


def test_schema_says_nothing_toml_cannot_hold():
    text = CHECKED_IN.read_text()
    assert '"null"' not in text
    assert "$defs" not in text


def test_ritual_files_point_at_the_schema():
    for path in sorted((ROOT / "rituals").glob("*.toml")):
        assert path.read_text().startswith("#:schema ./ritual.v1.schema.json\n"), path.name


def _validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(CHECKED_IN.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_a_validator_accepts_good_rituals():
    validator = _validator()
    for path in [*FIXTURES.joinpath("good").glob("*.toml"), *ROOT.joinpath("rituals").glob("*.toml")]:
        data = tomllib.loads(path.read_text())
        assert list(validator.iter_errors(data)) == [], path.name


def test_a_validator_points_at_the_wrong_key():
    validator = _validator()
    data = tomllib.loads((FIXTURES / "broken" / "e072_who_for_kind.toml").read_text())
    errors = list(validator.iter_errors(data))
    assert [list(error.absolute_path) for error in errors] == [["step", 2, "who"]]
