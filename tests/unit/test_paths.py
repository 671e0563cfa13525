"""Where files live, private folders, and atomic writes that fail with a sentence, not a mess."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from nearer import paths
from nearer.fsutil import StorageError, ensure_private_dir, ensure_private_file, write_atomic

posix_only = pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)




def test_overrides_point_config_and_data_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("NEARER_DATA_DIR", str(tmp_path / "d"))
    assert paths.settings_path() == tmp_path / "c" / "settings.toml"
    assert paths.journal_path() == tmp_path / "d" / "journal.sqlite3"
    assert paths.user_themes_dir() == tmp_path / "c" / "themes"


@posix_only
def test_private_dir_is_created_0700(tmp_path):
    target = tmp_path / "a" / "b"
    assert ensure_private_dir(target) is None
    assert mode(target) == 0o700


@posix_only
def test_looser_dir_is_repaired_with_a_notice(tmp_path):
    target = tmp_path / "open"
    target.mkdir()
    target.chmod(0o755)
    notice = ensure_private_dir(target)
    assert mode(target) == 0o700
    assert notice and "private" in notice and str(target) in notice


@posix_only
def test_a_0644_file_is_repaired_with_a_notice(tmp_path):
    target = tmp_path / "journal.sqlite3"
    target.write_bytes(b"x")
    target.chmod(0o644)
    notice = ensure_private_file(target)
    assert mode(target) == 0o600
    assert notice and "private" in notice
    assert ensure_private_file(target) is None


@posix_only
def test_write_atomic_writes_0600_and_replaces(tmp_path):
    target = tmp_path / "f.toml"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.toml"]


def test_injected_disk_full_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "f.toml"
    write_atomic(target, b"precious")

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full)
        with pytest.raises(StorageError) as caught:
            write_atomic(target, b"new", doing="save your settings")
    assert str(caught.value) == (
        "Your disk is full, so nearer could not save your settings. "
        "Free some space and try again."
    )
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.toml"]


def test_injected_fsync_failure_is_a_sentence(tmp_path, monkeypatch):
    target = tmp_path / "f.toml"
    target.write_bytes(b"precious")

    def broken(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", broken)
        with pytest.raises(StorageError, match=r"^nearer could not save f\.toml \(.*\)\."):
            write_atomic(target, b"new")
    assert target.read_bytes() == b"precious"


def test_real_full_disk_keeps_the_old_file(tiny_tmpfs):
    target = tiny_tmpfs / "f.toml"
    write_atomic(target, b"precious")
    _fill(tiny_tmpfs)
    with pytest.raises(StorageError, match="^Your disk is full"):
        write_atomic(target, b"x" * 64_000)
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tiny_tmpfs.iterdir()) == ["f.toml", "filler"]


def test_read_only_disk_keeps_the_old_file(tiny_tmpfs):
    target = tiny_tmpfs / "f.toml"
    write_atomic(target, b"precious")
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
    with pytest.raises(StorageError, match="is read-only, so nearer could not save f.toml"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"precious"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores mode bits")
def test_folder_we_may_not_write_is_a_sentence(tmp_path):
    target = tmp_path / "f.toml"
    write_atomic(target, b"precious")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="not allowed to write"):
            write_atomic(target, b"new")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_bytes() == b"precious"


def _fill(directory: Path) -> None:
    with open(directory / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_storage_modules_do_not_import_textual():
    code = (
        "import sys, nearer.paths, nearer.fsutil, nearer.settings, nearer.journal.store, "
        "nearer.journal.export, nearer.commands.export, nearer.themes; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
