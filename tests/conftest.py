"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def mounted_tmpfs(mountpoint: Path, size: str) -> Iterator[Path]:
    """A real, small tmpfs at `mountpoint`, for a disk that is truly full or read-only.
    Skips the test where mounting is not allowed (it needs root)."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mountpoint.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", f"nearer-{uuid.uuid4().hex[:8]}", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        # Lazy: an SQLite connection may still hold a file open until it is collected.
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (room for a journal's schema, little more)."""
    with mounted_tmpfs(tmp_path / "tiny", "1m") as mountpoint:
        yield mountpoint
