"""docs/checks.md is generated from EXPLAIN, and every code the checker can emit is explained."""

from __future__ import annotations

import re
from pathlib import Path

from nearer.ritual import check, load
from nearer.ritual.check import EXPLAIN, explain_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_checks_page_is_generated_from_explain():
    page = (ROOT / "docs" / "checks.md").read_text()
    assert page == explain_markdown(), (
        "docs/checks.md is stale: regenerate it with "
        "`python -c 'from nearer.ritual.check import explain_markdown as m; print(m(), end=\"\")'"
        " > docs/checks.md`"
    )


def test_every_code_the_checker_emits_is_explained():
    source = Path(check.__file__).read_text() + Path(load.__file__).read_text()
    emitted = set(re.findall(r'"([EW]\d{3})"', source))
    assert emitted, "found no codes in the checker's source"
    assert emitted <= set(EXPLAIN), sorted(emitted - set(EXPLAIN))


def test_each_explanation_is_a_few_plain_sentences():
    for code, text in EXPLAIN.items():
        assert re.fullmatch(r"[EW]\d{3}", code)
        assert text.endswith((".", ")")), code
        assert 1 <= text.count(". ") + 1 <= 6, code
        assert "Traceback" not in text and "msgspec" not in text, code


def test_codes_are_listed_in_stage_order():
    numbers = [int(code[1:]) for code in EXPLAIN]
    assert numbers == sorted(numbers)


def test_explain_prints_the_meaning_of_a_code(capsys):
    from nearer.cli import main

    assert main(["check", "--explain", "e012"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("E012")
    assert "step" in out


def test_explain_of_an_unknown_code_lists_the_real_ones(capsys):
    from nearer.cli import main

    assert main(["check", "--explain", "E999"]) == 2
    assert "E012" in capsys.readouterr().err
