"""Fixtures for driving the real app: private config/data dirs, fixed names, a clock we move."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from nearer.settings import Settings, save_settings

START = 1_790_000_000.0  # a fixed moment (2026-09-21) so screens and snapshots do not drift


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Empty config and data directories, as on a fresh machine."""
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEARER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    return tmp_path


@pytest.fixture
def named(home: Path) -> Path:
    """A couple who have already told nearer their names."""
    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True))
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def journal_path() -> Path:
    return Path(os.environ["NEARER_DATA_DIR"]) / "journal.sqlite3"
