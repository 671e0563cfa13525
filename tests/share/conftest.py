"""Shared-session fixtures: a short socket directory (sun_path is 107 bytes, so not tmp_path),
a host session over a built-in ritual, and a journal of one's own for each partner."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from nearer.journal.store import Journal
from nearer.ritual.library import discover

NAMES = {"a": "Sam", "b": "Alex"}


@pytest.fixture
def sockdir(monkeypatch) -> Path:
    base = Path(tempfile.mkdtemp(prefix="nr", dir="/tmp"))
    monkeypatch.setenv("NEARER_RUNTIME_DIR", str(base))
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def library():
    return discover(())


def ritual(library, ritual_id: str = "vulnerable_chat"):
    entry = library.get(ritual_id)
    assert entry is not None and entry.ritual is not None
    return entry.ritual


@pytest.fixture
def journals(tmp_path):
    with Journal.open(tmp_path / "host" / "journal.sqlite3") as host, Journal.open(
        tmp_path / "guest" / "journal.sqlite3"
    ) as guest:
        yield host, guest


@pytest.fixture(autouse=True)
async def close_everything():
    from .helpers import OPEN

    yield
    while OPEN:
        await OPEN.pop().close()
