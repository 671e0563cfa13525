"""`nearer graph`: a ritual's flow as text and as a Mermaid state diagram."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearer.cli import main
from nearer.ritual import load_ritual
from nearer.ritual.graph import Edge, edges, render_mermaid, render_text
from nearer.ritual.model import OUTCOMES, kind_of

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"
BUILTINS = sorted((ROOT / "rituals").glob("*.toml"))
BROKEN = ROOT / "tests" / "fixtures" / "broken" / "e012_dangling_target.toml"


@pytest.fixture(autouse=True)
def no_user_rituals(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["graph", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_reads_top_to_bottom_by_phase(capsys):
    code, out, err = run(capsys, str(GOOD))
    assert code == 0 and err == ""
    assert out == (
        "A vulnerable chat (vulnerable_chat): 8 steps\n"
        "\n"
        "initiate\n"
        "  welcome    text        -> check_in\n"
        "consent\n"
        "  check_in   consent     yes -> share · not_now -> later\n"
        "share\n"
        "  share      prompt      -> swap\n"
        "  swap       swap_roles  again -> share (1 more round) · -> questions\n"
        "follow_up\n"
        "  questions  deck        -> hug\n"
        "reflect\n"
        "  hug        timer       -> journal\n"
        "  journal    reflect     -> end\n"
        "consent\n"
        "  later      reschedule  -> end (records a plan)\n"
    )


def test_mermaid_is_a_state_diagram(capsys):
    code, out, _ = run(capsys, "--mermaid", str(GOOD))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert '    state "check_in (consent)" as check_in' in lines
    assert "    [*] --> welcome" in lines
    assert "    check_in --> share : yes" in lines
    assert "    check_in --> later : not_now" in lines
    assert "    swap --> share : again (1 more round)" in lines
    assert "    journal --> [*]" in lines
    assert "    later --> [*] : records a plan" in lines


def test_a_builtin_by_id(capsys):
    code, out, _ = run(capsys, "five_minute_hug")
    assert code == 0 and out.startswith("A five-minute hug (five_minute_hug)")


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_every_step_of_every_builtin_is_drawn_with_somewhere_to_go(path):
    ritual = load_ritual(path)
    found = edges(ritual)
    sources = {edge.source for edge in found}
    assert sources == {step.id for step in ritual.step}
    ids = {step.id for step in ritual.step} | {"end"}
    assert all(edge.target in ids for edge in found)
    mermaid = render_mermaid(ritual)
    assert mermaid.count(" --> ") == len(found) + 1
    assert len(render_text(ritual).splitlines()) >= len(ritual.step) + 2


def test_outcomes_going_different_ways_are_each_labelled():
    ritual = load_ritual(GOOD)
    by_step = {}
    for edge in edges(ritual):
        by_step.setdefault(edge.source, []).append(edge)
    assert by_step["check_in"] == [Edge("check_in", "share", ("yes",)), Edge("check_in", "later", ("not_now",))]
    for step in ritual.step:
        if len(by_step[step.id]) > 1 and kind_of(step) in OUTCOMES and kind_of(step) != "swap_roles":
            assert all(edge.on for edge in by_step[step.id])


def test_each_choice_option_is_an_edge_labelled_with_its_words():
    ritual = load_ritual(ROOT / "rituals" / "new_together.toml")
    choices = [step for step in ritual.step if kind_of(step) == "choice"]
    assert choices
    for choice in choices:
        drawn = [edge for edge in edges(ritual) if edge.source == choice.id]
        assert drawn == [Edge(choice.id, o.next, (o.label,)) for o in choice.options]


def test_a_step_called_state_does_not_break_mermaid():
    text = GOOD.read_text().replace('"journal"', '"state"')
    from nearer.ritual import loads_ritual

    ritual = loads_ritual(text, path=GOOD)
    mermaid = render_mermaid(ritual)
    assert '    state "state (reflect)" as state_' in mermaid
    assert "    hug --> state_" in mermaid


def test_a_broken_ritual_prints_its_errors_and_exit_1(capsys):
    code, out, err = run(capsys, str(BROKEN))
    assert code == 1 and out == ""
    assert f"{BROKEN}:" in err and "E012" in err
    assert err.endswith("nearer graph: fix these first; `nearer check` says more.\n")


def test_an_unknown_ritual_is_a_sentence(capsys):
    code, out, err = run(capsys, "five_minute_hugs")
    assert code == 2 and out == ""
    assert 'there is no ritual called "five_minute_hugs". Did you mean "five_minute_hug"?' in err
