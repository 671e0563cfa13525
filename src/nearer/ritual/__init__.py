"""The ritual format: read, check and find ritual files. Pure: no Textual, no screen.

The names below are imported lazily (PEP 562), so `import nearer.ritual` costs nothing until one
is used:

    load_ritual(path, *, search_dirs=None) -> Ritual        # fully checked, or RitualError
    loads_ritual(text, *, path="<string>", search_dirs=None) -> Ritual
    content_hash(path, *, search_dirs=None) -> str          # sha256 of the file and its imports
    check_path(path, *, search_dirs=None) -> list[Diagnostic]
    discover(extra_paths=()) -> Library                     # built-in, user and given rituals
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Diagnostic": "nearer.ritual.load",
    "RitualError": "nearer.ritual.load",
    "content_hash": "nearer.ritual.load",
    "load_ritual": "nearer.ritual.load",
    "loads_ritual": "nearer.ritual.load",
    "EXPLAIN": "nearer.ritual.check",
    "check_file": "nearer.ritual.check",
    "check_path": "nearer.ritual.check",
    "Library": "nearer.ritual.library",
    "RitualEntry": "nearer.ritual.library",
    "discover": "nearer.ritual.library",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nearer.ritual' has no attribute {name!r}")
    return getattr(import_module(module), name)
