"""Theme files load into Textual themes; a broken file is one sentence and never a crash."""

from __future__ import annotations

import pytest

from nearer import resources
from nearer.themes import builtin_theme_dirs, load_themes

GOOD = """
name = "fixture-night"
dark = true
primary = "#FFB870"
secondary = "rgb(138, 216, 255)"
accent = "ansi_yellow"
background = "#101018"
warning = "orange"
error = "#FF9A8F"
success = "hsl(120, 60%, 70%)"

[variables]
"footer-key-foreground" = "#FFD166"
"block-cursor-text-style" = "bold"
"block-cursor-foreground" = "auto 87%"
"""


def write(directory, name, text):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    return path


def test_a_good_file_becomes_a_theme(tmp_path):
    write(tmp_path, "night.toml", GOOD)
    themes, errors = load_themes([tmp_path])
    assert errors == []
    (theme,) = themes
    assert theme.name == "fixture-night"
    assert theme.dark is True
    assert theme.primary == "#FFB870"
    assert theme.secondary == "rgb(138, 216, 255)"
    assert theme.surface is None
    assert theme.variables["block-cursor-text-style"] == "bold"


def test_a_bad_colour_is_reported_and_skipped(tmp_path):
    write(tmp_path, "night.toml", GOOD)
    bad = write(tmp_path, "x.toml", 'name = "x"\nprimary = "#12345"\n')
    themes, errors = load_themes([tmp_path])
    assert [t.name for t in themes] == ["fixture-night"]
    assert errors == [f"{bad}: 'primary' is not a colour: '#12345'"]


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ('name = "x"\nprimary = "red"\nbackround = "black"\n',
         "'backround' is not a theme key (did you mean 'background'?)"),
        ('primary = "red"\n', "'name' is missing; give the theme a name in quotes"),
        ('name = "x"\n', "'primary' is missing; every theme needs a primary colour"),
        ('name = "x"\nprimary = 12\n', "'primary' should be a colour in quotes, not 12"),
        ('name = "x"\nprimary = "red"\ndark = "yes"\n', "'dark' should be true or false, not 'yes'"),
        ('name = "x"\nprimary = "red"\n[variables]\nborder = "#zz"\n',
         "'variables.border' is not a colour: '#zz'"),
        ('name = "x"\nprimary = "red"\n[variables]\nborder = 3\n',
         "variable 'border' should be a value in quotes, not 3"),
        ('name = "x"\nprimary = "red"\ntext_alpha = 2\n',
         "'text_alpha' should be a number from 0 to 1, not 2"),
        ('name = "x"\nprimary = \n', "this is not valid TOML (invalid value at line 2, column 11)"),
    ],
)
def test_each_mistake_is_one_sentence(tmp_path, text, sentence):
    path = write(tmp_path, "broken.toml", text)
    themes, errors = load_themes([tmp_path])
    assert themes == []
    assert errors == [f"{path}: {sentence}"]


def test_missing_folders_are_fine(tmp_path):
    assert load_themes([tmp_path / "nope"]) == ([], [])


def test_a_users_theme_replaces_a_built_in_of_the_same_name(tmp_path):
    write(tmp_path / "builtin", "night.toml", GOOD)
    write(tmp_path / "user", "mine.toml", GOOD.replace("#FFB870", "#00FF00"))
    themes, errors = load_themes([tmp_path / "builtin", tmp_path / "user"])
    assert errors == []
    assert [(t.name, t.primary) for t in themes] == [("fixture-night", "#00FF00")]


def test_two_files_with_one_name_in_one_folder_keep_the_first(tmp_path):
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.toml", GOOD.replace("#FFB870", "#00FF00"))
    themes, errors = load_themes([tmp_path])
    assert [t.primary for t in themes] == ["#FFB870"]
    assert errors == [
        f"{tmp_path / 'b.toml'}: the name 'fixture-night' is already used by a.toml, "
        "so nearer kept that one."
    ]


def test_theme_dirs_are_built_ins_then_the_users(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path))
    assert builtin_theme_dirs() == [resources.builtin_themes_dir(), tmp_path / "themes"]


def test_the_shipped_themes_all_load():
    themes, errors = load_themes([resources.builtin_themes_dir()])
    assert errors == []
    names = {t.name for t in themes}
    if not names:
        pytest.skip("no built-in themes written yet")
    assert "nearer-dusk" in names  # the default in settings
    assert any(not t.dark for t in themes), "a light theme ships"
