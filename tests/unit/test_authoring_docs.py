"""docs/authoring.md cannot drift from the format: its reference is checked against the models
in model.py, and its tutorial ritual is checked by `nearer check --strict`."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from nearer.cli import main
from nearer.ritual import model
from nearer.ritual.model import KINDS, OUTCOMES, PRACTICES, WHO, StepBase

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "authoring.md").read_text()
REFERENCE = DOC[DOC.index("\n## Reference\n"):]

# Reference section heading -> the struct whose keys its table lists.
SECTIONS: dict[str, type] = {
    "### The ritual file": model.Ritual,
    "### `[roles]`": model.Roles,
    "### `[decks.<name>]`": model.Deck,
    "### Deck files": model.DeckFile,
    "### Every step": StepBase,
}
# Tables inside a kind's section, introduced by a line starting with `name`.
SUBTABLES: dict[str, type] = {"breath": model.Breath, "cues": model.Cue, "options": model.Option}


def _section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    level = heading.split(" ")[0]
    rest = text[start + len(heading) + 1:]
    end = re.search(rf"^#{{2,{len(level)}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


def _table_keys(text: str) -> list[str]:
    return re.findall(r"^\| `([a-z_]+)` \|", text, re.M)


def _tables(text: str) -> list[list[str]]:
    """The key column of each table in `text`, in order."""
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("| `"):
            current.append(re.match(r"^\| `([a-z_]+)` \|", line).group(1))
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _all_structs() -> list[type]:
    return [
        value for value in vars(model).values()
        if isinstance(value, type) and issubclass(value, model.Struct) and value.__module__ == model.__name__
        and value is not model._Table
    ]


def test_every_key_of_every_model_is_in_the_reference():
    missing = {
        struct.__name__: sorted(f for f in struct.__struct_fields__ if f"`{f}`" not in REFERENCE)
        for struct in _all_structs()
    }
    assert {name: keys for name, keys in missing.items() if keys} == {}


@pytest.mark.parametrize("heading", SECTIONS, ids=lambda h: h.strip("#` "))
def test_each_table_lists_exactly_its_models_keys(heading):
    struct = SECTIONS[heading]
    keys = _table_keys(_section(REFERENCE, heading))
    expected = list(struct.__struct_fields__)
    if struct is StepBase:
        expected.insert(2, "kind")  # the tag, not a field
    assert sorted(keys) == sorted(expected)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_has_a_section_with_its_own_keys_outcomes_and_who(kind):
    section = _section(REFERENCE, f"#### `{kind}`")
    struct = KINDS[kind]
    own = [f for f in struct.__struct_fields__ if f not in StepBase.__struct_fields__]
    tables = _tables(section)
    assert sorted(tables[0]) == sorted(own)
    for name, sub in SUBTABLES.items():
        if name in own:
            intro = section.index(f"\n`{name}`")
            assert sorted(_tables(section[intro:])[0]) == sorted(sub.__struct_fields__)
    outcomes_line = next(line for line in section.splitlines() if line.startswith("Outcomes:"))
    for outcome in OUTCOMES[kind]:
        assert f"`{outcome}`" in outcomes_line
    if kind in WHO:
        who_row = next(line for line in section.splitlines() if line.startswith("| `who` |"))
        assert re.findall(r"`([a-z]+)`", who_row.split("|")[2]) == list(WHO[kind])


def test_every_kind_is_in_the_reference_in_model_order():
    headings = re.findall(r"^#### `([a-z_]+)`$", REFERENCE, re.M)
    assert headings == list(KINDS)


def test_every_choice_of_every_literal_is_named():
    for struct in _all_structs():
        for name, hint in typing.get_type_hints(struct).items():
            for arg in [hint, *typing.get_args(hint)]:
                if typing.get_origin(arg) is typing.Literal:
                    for value in typing.get_args(arg):
                        assert f"`{value}`" in REFERENCE, (struct.__name__, name, value)
    for practice in PRACTICES:
        assert f"`{practice}`" in REFERENCE


def _tutorial_ritual() -> str:
    blocks = re.findall(r"```toml\n(.*?)```", DOC[: DOC.index("\n## Reference\n")], re.S)
    return "#:schema ./ritual.v1.schema.json\n" + "\n".join(blocks)


def test_the_tutorial_ritual_is_clean_when_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path))
    path = tmp_path / "good_morning.toml"
    path.write_text(_tutorial_ritual())
    assert main(["check", "--strict", str(path)]) == 0, capsys.readouterr().out


def test_the_tutorials_example_error_is_what_check_prints(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path))
    path = tmp_path / "good_morning.toml"
    path.write_text(_tutorial_ritual().replace('on.yes = "wish"', 'on.yes = "wsh"'))
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    shown = re.search(r"```\n(good_morning\.toml:\d+: error E012 .*)\n```", DOC).group(1)
    assert f"{tmp_path}/{shown}" in out.splitlines()


def test_every_command_the_doc_names_exists(capsys):
    for command in sorted(set(re.findall(r"`nearer ([a-z]+)", DOC))):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0, command
    capsys.readouterr()
