"""Getting ready to host or join, before any screen opens: users, directories, the socket, codes.

`nearer host` binds its socket here (so a problem is a sentence on the terminal, not a screen),
prints the command the partner types, and hands the bound `Listener` to the app. `nearer join`
works out where the host's socket is and whether this guest held the seat before.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from nearer.share import auth


@dataclass
class HostPlan:
    listener: auth.Listener
    allowed_uids: set[int]
    code: str | None
    """The join code (a partner who is another user), else None."""
    join_command: str
    partner_user: str | None = None
    ritual: str | None = None
    resume_json: str | None = None
    """The journal's snapshot, for `nearer host --resume`."""
    share: dict = field(default_factory=dict)
    """What the snapshot remembers of this session's door, for the next --resume."""


@dataclass
class JoinPlan:
    host_uid: int
    host_user: str
    path: Path | None
    """None until the code is known (it names the door)."""
    code: str | None = None
    needs_code: bool = False
    directory: Path | None = None
    memory: dict = field(default_factory=dict)
    """What this guest kept from an earlier join of the same session (token, entries, journal id)."""


def me() -> str:
    return auth.user_name(os.geteuid())


def prepare_host(*, partner: str | None = None, group: str | None = None, share: dict | None = None) -> HostPlan:
    """Bind the session's socket. `share` is the snapshot's record of an earlier run (--resume):
    the same door and code, so a waiting guest finds it again."""
    share = dict(share or {})
    partner = partner or share.get("partner_user")
    gid = None
    if group or share.get("group"):
        import grp

        name = group or share["group"]
        try:
            gid = grp.getgrnam(name).gr_gid
        except KeyError:
            raise auth.ShareError(f'There is no group called "{name}" on this computer.') from None
    for_others = partner is not None and partner != me()
    if for_others:
        partner_uid = auth.uid_of(partner)
        code = share.get("code") or auth.new_code()
        door = auth.door_of(code)
        allowed = {partner_uid}
        command = f"nearer join {me()} {code}"
    else:
        partner, code = None, None
        door = share.get("door") or auth.new_door()
        allowed = {os.geteuid()}
        command = "nearer join"
    directory = auth.ensure_socket_dir(auth.socket_dir(for_others=for_others), for_others=for_others, group=gid)
    listener = auth.open_listener(directory, door, for_others=for_others, group=gid)
    if not for_others and len(auth.live_sessions(auth.own_socket_dirs())) > 1:
        command = f"nearer join {door}"
    record = {"door": door, "code": code, "partner_user": partner, "group": group or share.get("group")}
    return HostPlan(listener, allowed, code, command, partner, share=record)


def prepare_join(host_user: str | None, code: str | None) -> JoinPlan:
    """Find the session: our own (same user, no code needed) or `host_user`'s (by the code)."""
    if host_user is not None and code is None and _looks_like_code(host_user):
        host_user, code = None, host_user
    if host_user is None or host_user == me():
        sessions = auth.live_sessions(auth.own_socket_dirs())
        if code:
            sessions = [s for s in sessions if s.stem == auth.door_of(code)]
        if not sessions:
            raise auth.ShareError(
                "Nobody is hosting a session for you right now. Ask your partner to run nearer host."
                if host_user is None
                else "No session of yours is waiting with that code."
            )
        if len(sessions) > 1:
            doors = ", ".join(f"nearer join {s.stem}" for s in sessions)
            raise auth.ShareError(f"More than one session is waiting; say which: {doors}.")
        plan = JoinPlan(os.geteuid(), me(), sessions[0], directory=sessions[0].parent)
    else:
        host_uid = auth.uid_of(host_user)
        directory = auth.socket_dir(for_others=True, uid=host_uid)
        auth.check_host_dir(directory, host_uid)
        plan = JoinPlan(host_uid, host_user, None, directory=directory, needs_code=True)
        if code:
            plan.code = auth.normalize_code(code)
            plan.path = directory / f"{auth.door_of(code)}.sock"
    if plan.path is not None:
        plan.memory = recall(plan.path)
    return plan


def with_code(plan: JoinPlan, code: str) -> JoinPlan:
    assert plan.directory is not None
    plan.code = auth.normalize_code(code)
    plan.path = plan.directory / f"{auth.door_of(code)}.sock"
    plan.memory = recall(plan.path)
    return plan


def _looks_like_code(text: str) -> bool:
    plain = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(plain) not in (4, 8) or not set(plain) <= set(auth.ALPHABET):
        return False
    try:
        auth.uid_of(text)
    except auth.ShareError:
        return True
    return False


# -- the guest's memory of its seat -----------------------------------------------------------------


def _memory_path(socket_path: Path) -> Path:
    directory = auth.ensure_socket_dir(auth.socket_dir(for_others=False), for_others=False)
    digest = hashlib.sha256(os.fsencode(socket_path)).hexdigest()[:16]
    return directory / f"joined-{digest}.json"


def recall(socket_path: Path) -> dict:
    """The seat this guest held in the session at `socket_path`, if it did and it has not ended."""
    try:
        data = json.loads(_memory_path(socket_path).read_text())
    except (OSError, ValueError, auth.ShareError):
        return {}
    return {} if not isinstance(data, dict) or data.get("ended") else data


def remember(socket_path: Path, memory: dict) -> None:
    """Keep the resume token where only this user can read it (the private socket directory)."""
    from nearer.fsutil import StorageError, write_atomic

    try:
        write_atomic(_memory_path(socket_path), json.dumps(memory).encode())
    except (StorageError, auth.ShareError):
        pass  # only a later `nearer join` after a crash needs it; the link itself keeps the seat
