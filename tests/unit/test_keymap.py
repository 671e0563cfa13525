"""Keys remapped in settings.toml (`[keys] pause = "f5"`): which ids exist, which keys are keys."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import nearer.tui
from nearer.tui.app import _binding_ids, _checked_keymap, _is_key


def _bindings_in_code() -> set[str]:
    """Every Binding id of every class in nearer.tui, found by importing it all."""
    from textual.binding import Binding

    ids: set[str] = set()
    for module in pkgutil.walk_packages(nearer.tui.__path__, "nearer.tui."):
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            for binding in getattr(value, "BINDINGS", None) or []:
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def test_the_ids_read_from_source_are_the_ids_in_the_code():
    assert _binding_ids() == _bindings_in_code()
    assert {"pause", "help", "quit", "journal", "consent-yes", "save-answer"} <= _binding_ids()


@pytest.mark.parametrize(
    "key",
    ["f5", "ctrl+t", "p", "P", "?", "question_mark", "escape", "enter", "space", "shift+tab",
     "alt+enter", "pageup", "f24", "slash", "plus", "ctrl+shift+x"],
)
def test_keys_textual_knows(key):
    assert _is_key(key)


@pytest.mark.parametrize("key", ["", "ctrl+", "ctrl+banana", "cmd+t", "pause", "f5 f6", "Ctrl-T"])
def test_things_that_are_not_keys(key):
    assert not _is_key(key)


def test_a_keymap_keeps_what_works_and_says_what_does_not():
    keymap, problems = _checked_keymap(
        {"pause": "f5, ctrl+t", "journal": "k", "helpp": "f2", "leave": "f5,nope"}
    )
    assert keymap == {"pause": "f5,ctrl+t", "journal": "k"}
    assert problems == [
        '"helpp" is not a key nearer has. Did you mean "help"?',
        '"nope" for leave is not a key name (such as "f5", "ctrl+t" or "p"), so it keeps its '
        "usual key.",
    ]
