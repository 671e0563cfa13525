"""Who may reach a shared session: the private socket directory, the join code, peer credentials.

The checks follow tmux. The socket lives in a directory we own, that is not a symlink and that no
one else may write to: `$XDG_RUNTIME_DIR/nearer/` (0700), or `nearer-<uid>/` in the system's
temporary directory. For a partner who is another Unix user the directory is 0711 (they may pass
through it, not list it) and the socket is named after the first half of the join code; the host
checks each connection's uid (SO_PEERCRED) against an allowlist and the whole code with
`secrets.compare_digest`, and stops taking codes after five wrong ones. Socket names are not
secret on Linux (/proc/net/unix lists them), which is why the name only carries the half of the
code that finds the door, and the other half is the key.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import pwd
import secrets
import socket
import stat
import struct
import tempfile
from pathlib import Path

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
"""No 0/O, 1/I/L or U: a code read aloud or from a phone is typed right the first time."""
MAX_WRONG = 5
SUN_PATH_MAX = 107


class ShareError(Exception):
    """Hosting or joining cannot go ahead; `str()` is a sentence that says what to do."""


# -- codes ----------------------------------------------------------------------------------------


def new_code() -> str:
    half = lambda: "".join(secrets.choice(ALPHABET) for _ in range(4))  # noqa: E731
    return f"{half()}-{half()}"


def new_door() -> str:
    """A socket name for a same-user session, which needs no code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(4))


def normalize_code(text: str) -> str:
    """`k7q2 9xtr`, `K7Q29XTR` and `K7Q2-9XTR` are the same code."""
    plain = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{plain[:4]}-{plain[4:]}" if len(plain) > 4 else plain


def door_of(code: str) -> str:
    return normalize_code(code)[:4]


def code_matches(given: str, expected: str) -> bool:
    return secrets.compare_digest(normalize_code(given).encode(), normalize_code(expected).encode())


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- directories ----------------------------------------------------------------------------------


def socket_dir(*, for_others: bool, uid: int | None = None) -> Path:
    """Where the host with `uid` keeps its sockets. Another user can only reach the temp-dir one:
    `$XDG_RUNTIME_DIR` is 0700 and belongs to its owner. NEARER_RUNTIME_DIR replaces both."""
    uid = os.geteuid() if uid is None else uid
    override = os.environ.get("NEARER_RUNTIME_DIR")
    if override:
        return Path(override) / f"nearer-{uid}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and not for_others and uid == os.geteuid() and Path(runtime).is_dir():
        return Path(runtime) / "nearer"
    return Path(tempfile.gettempdir()) / f"nearer-{uid}"


def own_socket_dirs() -> list[Path]:
    """Every directory where a session of ours could be (same-user join looks in all)."""
    found = [socket_dir(for_others=False), socket_dir(for_others=True)]
    return list(dict.fromkeys(found))


def ensure_socket_dir(path: Path, *, for_others: bool, group: int | None = None) -> Path:
    """Create or check our socket directory. 0700; 0711 for another user (0710 with a group).

    Refuses (ShareError) a symlink, a directory someone else owns, or one others could write to:
    anything planted in it could stand in for our socket.
    """
    want = 0o700 if not for_others else (0o710 if group is not None else 0o711)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError as error:
        raise ShareError(f"nearer could not create {path} for the session ({error.strerror}).") from error
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ShareError(f"{path} is not a plain directory, so nearer will not use it for a session.")
    if info.st_uid != os.geteuid():
        raise ShareError(
            f"{path} belongs to someone else, so nearer will not put a session in it. "
            "Remove it, or set NEARER_RUNTIME_DIR to a folder of your own."
        )
    if info.st_mode & 0o022:
        raise ShareError(
            f"Others can write to {path}, so nearer will not put a session in it. "
            f"Remove it and try again."
        )
    if group is not None and info.st_gid != group:
        os.chown(path, -1, group)
    if stat.S_IMODE(info.st_mode) != want:
        os.chmod(path, want)
    return path


def check_host_dir(path: Path, host_uid: int) -> None:
    """The guest's side: the directory must be the host user's own and closed to writers."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise ShareError(f"No session is waiting: {path} does not exist.") from None
    except PermissionError:
        raise ShareError(f"nearer may not look into {path}; the host needs to start with --partner.") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise ShareError(f"{path} is not a plain directory, so nearer will not join through it.")
    if info.st_uid != host_uid:
        raise ShareError(f"{path} does not belong to the host, so nearer will not join through it.")
    if info.st_mode & 0o022:
        raise ShareError(f"Others can write to {path}, so nearer will not join through it.")


def uid_of(user: str) -> int:
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        raise ShareError(f'There is no user called "{user}" on this computer.') from None


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def peer_uid(sock) -> int:
    """The uid of the process at the other end of a connected Unix socket (SO_PEERCRED)."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid


# -- the listening socket -------------------------------------------------------------------------


class Listener:
    """A bound, listening socket with its lock held. `close()` removes both files."""

    def __init__(self, sock: socket.socket, path: Path, lock_fd: int, door: str) -> None:
        self.sock = sock
        self.path = path
        self.lock_fd = lock_fd
        self.door = door
        self.closed = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.close()
        finally:
            for leftover in (self.path, self.path.with_suffix(".lock")):
                try:
                    leftover.unlink()
                except OSError:
                    pass
            os.close(self.lock_fd)


def check_path_length(path: Path) -> None:
    if len(os.fsencode(path)) > SUN_PATH_MAX:
        raise ShareError(
            f"The session's socket path {path} is too long for a Unix socket "
            f"({SUN_PATH_MAX} bytes at most). Set NEARER_RUNTIME_DIR to a shorter folder."
        )


def open_listener(directory: Path, door: str, *, for_others: bool, group: int | None = None) -> Listener:
    """Lock `<door>.lock`, then bind `<door>.sock` in `directory` (already checked).

    The lock comes first: binding over a live session's socket would silently steal it, so a
    socket file is only removed by whoever holds its lock.
    """
    path = directory / f"{door}.sock"
    check_path_length(path)
    lock_path = directory / f"{door}.lock"
    try:
        lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise ShareError(f"nearer could not create {lock_path} ({error.strerror}).") from error
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock_fd)
        raise ShareError(f"A session is already being hosted at {path}.") from None
    try:
        try:
            if stat.S_ISSOCK(os.lstat(path).st_mode):
                path.unlink()  # a stale socket: its host died, and we hold its lock now
            else:
                raise ShareError(f"{path} is in the way and is not a socket; remove it and try again.")
        except FileNotFoundError:
            pass
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(os.fsencode(path))
        except OSError as error:
            sock.close()
            raise ShareError(f"nearer could not open a session at {path} ({error.strerror}).") from error
        finally:
            os.umask(old)
        if for_others:
            if group is not None:
                os.chown(path, -1, group)
            # Connecting needs write permission on the socket; the uid allowlist and the code
            # decide who gets further.
            os.chmod(path, 0o660 if group is not None else 0o666)
        else:
            os.chmod(path, 0o600)
        sock.listen(4)
        sock.setblocking(False)
    except BaseException:
        os.close(lock_fd)
        raise
    return Listener(sock, path, lock_fd, door)


def live_sessions(directories: list[Path]) -> list[Path]:
    """Our own sockets whose host is still running (its lock is held)."""
    found: list[Path] = []
    for directory in directories:
        try:
            candidates = sorted(directory.glob("*.sock"))
        except OSError:
            continue
        for path in candidates:
            lock = path.with_suffix(".lock")
            try:
                fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    found.append(path)
            finally:
                os.close(fd)
    return found
