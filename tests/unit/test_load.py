"""Loading rituals: lines found by the TOML scanner, imports, deck extension and the content hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearer.ritual.load import (
    RitualError,
    content_hash,
    display_path,
    load_file,
    load_ritual,
    loads_ritual,
)
from nearer.ritual.locate import Locator, parse_json_path

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "vulnerable_chat.toml"


def line_of(text: str, needle: str, start_after: str | None = None) -> int:
    """1-based line of the first line containing `needle` (after `start_after`, if given)."""
    lines = text.splitlines()
    begin = 0
    if start_after is not None:
        begin = next(n for n, line in enumerate(lines) if start_after in line)
    return next(n for n, line in enumerate(lines) if n >= begin and needle in line) + 1


# -- locate -------------------------------------------------------------------------------------


def test_json_paths_parse():
    assert parse_json_path("$.step[8].seconds") == ("step", 8, "seconds")
    assert parse_json_path("$.decks.tender.cards[2]") == ("decks", "tender", "cards", 2)
    assert parse_json_path("$") == ()
    assert parse_json_path("$.decks[...].cards[0]") == ("decks",)


@pytest.mark.parametrize(
    ("path", "needle", "after"),
    [
        ("$.format", "format = 1", None),
        ("$.phases", "phases = [", None),
        ("$.roles.first_speaker", 'first_speaker = "ask"', None),
        ("$.roles", "[roles]", None),
        ("$.decks.tender", "[decks.tender]", None),
        ("$.decks.tender.cards[0]", "last feel really seen", None),
        ("$.decks.tender.cards[2]", '"""What would you like more', None),
        ("$.decks.tender.cards[3]", "'What is a worry", None),
        ("$.step[0]", "[[step]]", None),
        ("$.step[1].on.yes", 'on.yes = "share"', None),
        ("$.step[1].on.not_now", 'on.not_now = "later"', None),
        ("$.step[1].on", 'on.yes = "share"', None),
        ("$.step[5].seconds", "seconds = 300", None),
        ("$.step[5].breath.exhale", "breath = { inhale", None),
        ("$.step[5].cues[0].at", "cues = [{ at = 240", None),
        ("$.step[7].suggest[2]", "suggest = [", None),
        ("$.step[7]", "[[step]]", 'id = "journal"'),
        # Not in the file: the nearest enclosing table answers.
        ("$.step[5].missing", "[[step]]", 'id = "questions"'),
        ("$.decks.tender.title", "[decks.tender]", None),
    ],
)
def test_locate_on_the_good_fixture(path, needle, after):
    text = GOOD.read_text()
    expected = line_of(text, needle, after)
    if path.startswith("$.step[") and path.count(".") == 1 and after is None:
        expected = line_of(text, "[[step]]")
    assert Locator(text).line_of(path) == expected


def test_locate_handles_the_awkward_corners():
    text = "\n".join(
        [
            "# a comment with [brackets] and = signs",  # 1
            'title = "a # not a comment [x]"',  # 2
            "'quoted key' = 1",  # 3
            '"dotted.key".inner = 2',  # 4
            "list = [",  # 5
            "  # a comment inside",  # 6
            "  [1, 2],  # nested",  # 7
            "  { a = 1, b = { c = 2 } },",  # 8
            "]",  # 9
            "text = '''",  # 10
            'it has """ and ] in it',  # 11
            "'''",  # 12
            "after = true",  # 13
            "[[step]]",  # 14
            "id = 'a'",  # 15
            "[[step.cues]]",  # 16
            "at = 1",  # 17
            "[[step]]",  # 18
            'id = "b" # trailing',  # 19
            "[roles]",  # 20
            "x.y.z = 3",  # 21
            'escaped = "a \\" b"',  # 22
            "d = 1979-05-27 07:32:00Z",  # 23
        ]
    )
    locate = Locator(text).line_of
    assert locate("$.title") == 2
    assert locate("$['quoted key']") == 1  # not a form msgspec uses: falls back to the top
    assert locate(("quoted key",)) == 3
    assert locate(("dotted.key", "inner")) == 4
    assert locate("$.list[0][1]") == 7
    assert locate("$.list[1].b.c") == 8
    assert locate("$.text") == 10
    assert locate("$.after") == 13
    assert locate("$.step[0].cues[0].at") == 17
    assert locate("$.step[1].id") == 19
    assert locate("$.step[1]") == 18
    assert locate("$.roles.x.y") == 21
    assert locate("$.roles.escaped") == 22
    assert locate("$.roles.d") == 23


def test_locate_never_raises_on_text_it_does_not_follow():
    locator = Locator('a = 1\nb = [1,\n"unclosed\n[[step]]\nid = 2\n')
    assert locator.line_of("$.a") == 1
    assert locator.line_of("$.step[0].id") == 1


# -- loading ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_user_rituals(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))


def test_load_ritual_reads_the_good_fixture():
    ritual = load_ritual(GOOD)
    assert ritual.id == "vulnerable_chat"
    assert [step.id for step in ritual.step] == [
        "welcome", "check_in", "share", "swap", "questions", "hug", "journal", "later",
    ]
    assert len(ritual.decks["tender"].cards) == 4
    assert ritual.step[5].breath.exhale == 6


def test_load_ritual_raises_with_file_and_line():
    broken = ROOT / "tests" / "fixtures" / "broken" / "e012_dangling_target.toml"
    with pytest.raises(RitualError) as caught:
        load_ritual(broken)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.code) == (str(broken), 36, "E012")
    assert str(caught.value).startswith(f"{broken}:36: error E012 ")


def test_loads_ritual_from_a_string_names_it_in_messages():
    text = GOOD.read_text()
    assert loads_ritual(text).title == "A vulnerable chat"
    with pytest.raises(RitualError) as caught:
        loads_ritual(text.replace("seconds = 300", "seconds = 9000"))
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.path == "<string>"
    assert diagnostic.code == "E050"
    assert diagnostic.line == line_of(text, "seconds = 300")


def test_warnings_do_not_stop_a_ritual_loading():
    text = GOOD.read_text().replace('next = "end"\n', 'next = "end"\n\n[[step]]\nid = "lost"\n'
                                    'phase = "reflect"\nkind = "text"\ntext = "Never seen."\n')
    assert loads_ritual(text).step_by_id("lost") is not None


def test_every_shape_problem_is_reported_not_just_the_first():
    text = GOOD.read_text()
    text = text.replace("seconds = 300", 'seconds = "300"').replace('who = "alternate"', "who = 3")
    text = text.replace('title = "A vulnerable chat"', 'title = "A vulnerable chat"\ncolour = "red"')
    loaded = load_file(_write(text))
    assert loaded.ritual is None
    codes = sorted((d.code, d.line) for d in loaded.diagnostics)
    assert codes == sorted(
        [
            ("E003", line_of(text, 'colour = "red"')),
            ("E003", line_of(text, 'seconds = "300"')),
            ("E003", line_of(text, "who = 3")),
        ]
    )


# -- imports ------------------------------------------------------------------------------------

RITUAL_WITH_IMPORT = GOOD.read_text().replace(
    'phases = [', 'imports = ["decks/gentle.toml"]\nphases = ['
).replace('deck = "tender"', 'deck = "gentle"')


def _write(text: str, folder: Path | None = None, name: str = "vulnerable_chat.toml") -> Path:
    import tempfile

    folder = folder or Path(tempfile.mkdtemp(prefix="nearer-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def _deck_file(folder: Path, body: str) -> Path:
    (folder / "decks").mkdir(parents=True, exist_ok=True)
    path = folder / "decks" / "gentle.toml"
    path.write_text("format = 1\n" + body)
    return path


def test_import_is_found_beside_the_ritual(tmp_path):
    _deck_file(tmp_path, '[decks.gentle]\ndraw = 2\ncards = ["One?", "Two?"]\n')
    ritual = load_ritual(_write(RITUAL_WITH_IMPORT, tmp_path), search_dirs=[])
    assert ritual.decks["gentle"].cards == ["One?", "Two?"]


def test_import_falls_back_to_the_builtin_folder_and_a_user_copy_adds_cards(tmp_path):
    builtin, user, elsewhere = tmp_path / "builtin", tmp_path / "user", tmp_path / "elsewhere"
    _deck_file(builtin, '[decks.gentle]\ndraw = 2\nno_repeat = "forever"\ncards = ["One?", "Two?"]\n')
    _deck_file(user, '[decks.gentle]\ncards = ["Two?", "Mine?"]\n\n[decks.more]\ncards = ["x"]\n')
    text = RITUAL_WITH_IMPORT.replace("[decks.tender]", "[decks.tender_unused]")
    path = _write(text, elsewhere)
    loaded = load_file(path, search_dirs=[builtin, user])
    deck = loaded.ritual.decks["gentle"]
    assert deck.cards == ["One?", "Two?", "Mine?"]
    assert (deck.draw, deck.no_repeat) == (2, "forever")  # the user's copy set neither
    assert "more" in loaded.ritual.decks
    assert [s.display for s in loaded.imported] == [
        str(builtin / "decks" / "gentle.toml"), str(user / "decks" / "gentle.toml"),
    ]


def test_a_rituals_own_deck_replaces_an_imported_one(tmp_path):
    _deck_file(tmp_path, '[decks.tender]\ndraw = 1\ncards = ["Imported?"]\n')
    text = GOOD.read_text().replace('phases = [', 'imports = ["decks/gentle.toml"]\nphases = [')
    ritual = load_ritual(_write(text, tmp_path), search_dirs=[])
    assert len(ritual.decks["tender"].cards) == 4
    assert "Imported?" not in ritual.decks["tender"].cards


def test_a_problem_in_an_imported_deck_names_the_deck_file_and_line(tmp_path):
    deck = _deck_file(tmp_path, '\n[decks.gentle]\ndraw = 3\ncards = ["Only one?"]\n')
    with pytest.raises(RitualError) as caught:
        load_ritual(_write(RITUAL_WITH_IMPORT, tmp_path), search_dirs=[])
    problems = [(d.path, d.line, d.code) for d in caught.value.diagnostics if d.is_error]
    assert problems == [(display_path(deck), 4, "E041")]


def test_a_missing_import_is_a_warning_and_its_deck_an_error(tmp_path):
    loaded = load_file(_write(RITUAL_WITH_IMPORT, tmp_path), search_dirs=[])
    from nearer.ritual.check import check_loaded

    codes = [(d.code, d.line) for d in loaded.diagnostics + check_loaded(loaded)]
    assert ("W080", line_of(RITUAL_WITH_IMPORT, "imports = [")) in codes
    assert ("E040", line_of(RITUAL_WITH_IMPORT, 'deck = "gentle"')) in codes


def test_content_hash_covers_the_ritual_and_its_imports(tmp_path):
    deck = _deck_file(tmp_path, '[decks.gentle]\ndraw = 1\ncards = ["One?"]\n')
    path = _write(RITUAL_WITH_IMPORT, tmp_path)
    first = content_hash(path, search_dirs=[])
    assert len(first) == 64 and first == content_hash(path, search_dirs=[])
    deck.write_text(deck.read_text().replace("One?", "Uno?"))
    second = content_hash(path, search_dirs=[])
    assert second != first
    path.write_text(path.read_text() + "\n# a comment changes the bytes too\n")
    assert content_hash(path, search_dirs=[]) not in (first, second)
