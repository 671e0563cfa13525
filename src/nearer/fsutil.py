"""Careful file writing: private directories, atomic replaces, and errors a person can read.

Every file nearer owns is written whole or not at all (temp file in the same directory, fsync,
rename, fsync the directory), so a crash or a full disk never leaves half a settings file. When a
write fails, the caller gets a `StorageError` whose text is one plain sentence for the screen; the
caller keeps whatever the person typed so they can try again.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

_POSIX = os.name == "posix"

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class StorageError(OSError):
    """Saving or opening a file failed; `str(error)` is a sentence to show as it is."""

    def __init__(self, sentence: str, *, code: int | None = None, path: Path | None = None):
        super().__init__(sentence)
        self.sentence = sentence
        self.errno = code
        self.filename = None if path is None else str(path)

    def __str__(self) -> str:
        return self.sentence


def storage_error(exc: OSError, doing: str, path: Path) -> StorageError:
    """Turn an OSError into a StorageError that says what failed and what to do.

    `doing` completes "nearer could not …", e.g. "save your settings".
    """
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        sentence = f"Your disk is full, so nearer could not {doing}. Free some space and try again."
    elif code == errno.EROFS:
        sentence = (
            f"The disk that holds {path} is read-only, so nearer could not {doing}. "
            "Make it writable and try again."
        )
    elif code in (errno.EACCES, errno.EPERM):
        sentence = (
            f"nearer is not allowed to write to {path}, so it could not {doing}. "
            "Check that the folder belongs to you and try again."
        )
    elif code in (errno.EEXIST, errno.ENOTDIR):
        sentence = (
            f"Something that is not a folder is in the way at {path}, so nearer could not "
            f"{doing}. Move it aside and start nearer again."
        )
    else:
        reason = exc.strerror or str(exc)
        sentence = f"nearer could not {doing} ({reason.lower()}). Try again in a moment."
    return StorageError(sentence, code=code, path=path)


def ensure_private_dir(path: Path) -> str | None:
    """Create `path` (and parents) with the directory itself 0700; repair a looser mode.

    Returns a sentence for the screen when an existing directory was readable by others and has
    been made private, else None. Raises StorageError when the directory cannot be created.
    """
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, "create its folder", path) from exc
    if not _POSIX:
        return None  # Windows keeps per-user folders private through ACLs, not mode bits.
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 == 0:
        return None
    try:
        os.chmod(path, PRIVATE_DIR_MODE)
    except OSError:
        return (
            f"Other people on this computer can read nearer's folder {path}, and nearer could "
            "not change that; run `chmod 700` on it to make it private."
        )
    return (
        f"Other people on this computer could read nearer's folder {path}; "
        "nearer has made it private to you again."
    )


def ensure_private_file(path: Path) -> str | None:
    """Make an existing file 0600 if it is readable by others; a sentence when it had to."""
    if not _POSIX:
        return None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if mode & 0o077 == 0:
        return None
    try:
        os.chmod(path, PRIVATE_FILE_MODE)
    except OSError:
        return (
            f"Other people on this computer can read {path}, and nearer could not change that; "
            "run `chmod 600` on it to make it private."
        )
    return (
        f"Other people on this computer could read {path}; "
        "nearer has made it private to you again."
    )


def write_atomic(
    path: Path, data: bytes, mode: int = PRIVATE_FILE_MODE, *, doing: str | None = None
) -> None:
    """Replace `path` with `data` all at once: the old file stays intact until the new one is safe.

    Temp file in the same directory (so the rename cannot cross disks), fsync, `os.replace`, then
    fsync the directory so the rename itself survives a power cut. Raises StorageError.
    """
    doing = doing or f"save {path.name}"
    directory = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise storage_error(exc, doing, directory) from exc
    tmp = Path(tmp_name)
    try:
        try:
            if _POSIX:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise storage_error(exc, doing, path) from exc
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    if not _POSIX:
        return  # Windows cannot open a directory for fsync; NTFS journals the rename itself.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # Some filesystems refuse fsync on directories; the data itself is already safe.
    finally:
        os.close(dir_fd)
