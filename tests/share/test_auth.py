"""The door: the socket directory checked like tmux, the lock before binding, the codes."""

from __future__ import annotations

import os
import socket
import stat

import pytest

from nearer.share import auth


def test_codes_look_like_the_docs_and_ignore_spelling():
    code = auth.new_code()
    assert len(code) == 9 and code[4] == "-"
    assert set(code.replace("-", "")) <= set(auth.ALPHABET)
    assert auth.code_matches(code.lower().replace("-", " "), code)
    assert not auth.code_matches("K7Q2-9XTS", "K7Q2-9XTR")
    assert auth.door_of("k7q2-9xtr") == "K7Q2"


def test_the_directory_is_made_private_and_opened_a_crack_for_a_partner(sockdir):
    mine = auth.ensure_socket_dir(auth.socket_dir(for_others=False), for_others=False)
    assert stat.S_IMODE(os.lstat(mine).st_mode) == 0o700
    assert mine == sockdir / f"nearer-{os.geteuid()}"
    auth.ensure_socket_dir(mine, for_others=True)
    assert stat.S_IMODE(os.lstat(mine).st_mode) == 0o711


def test_a_symlinked_or_writable_directory_is_refused(sockdir):
    target = sockdir / "elsewhere"
    target.mkdir()
    link = sockdir / f"nearer-{os.geteuid()}"
    link.symlink_to(target)
    with pytest.raises(auth.ShareError, match="not a plain directory"):
        auth.ensure_socket_dir(link, for_others=False)
    link.unlink()
    link.mkdir()
    os.chmod(link, 0o777)
    with pytest.raises(auth.ShareError, match="Others can write"):
        auth.ensure_socket_dir(link, for_others=False)
    with pytest.raises(auth.ShareError, match="Others can write"):
        auth.check_host_dir(link, os.geteuid())


def test_the_guest_refuses_a_directory_the_host_does_not_own(sockdir):
    mine = auth.ensure_socket_dir(auth.socket_dir(for_others=False), for_others=False)
    with pytest.raises(auth.ShareError, match="does not belong to the host"):
        auth.check_host_dir(mine, os.geteuid() + 4242)


def test_a_live_session_is_never_replaced_and_a_stale_socket_is(sockdir):
    directory = auth.ensure_socket_dir(auth.socket_dir(for_others=False), for_others=False)
    first = auth.open_listener(directory, "ABCD", for_others=False)
    assert stat.S_IMODE(os.lstat(first.path).st_mode) == 0o600
    assert auth.live_sessions([directory]) == [first.path]
    with pytest.raises(auth.ShareError, match="already being hosted"):
        auth.open_listener(directory, "ABCD", for_others=False)
    # The host dies without cleaning up: the socket file stays, the lock is released.
    os.close(first.lock_fd)
    first.sock.close()
    assert first.path.exists() and auth.live_sessions([directory]) == []
    second = auth.open_listener(directory, "ABCD", for_others=False)
    probe = socket.socket(socket.AF_UNIX)
    probe.connect(str(second.path))
    probe.close()
    second.close()
    assert not second.path.exists()


def test_a_partners_socket_is_reachable_but_the_path_never_abstract(sockdir):
    directory = auth.ensure_socket_dir(auth.socket_dir(for_others=True), for_others=True)
    listener = auth.open_listener(directory, "WXYZ", for_others=True)
    assert stat.S_IMODE(os.lstat(listener.path).st_mode) == 0o666
    assert not str(listener.path).startswith("\0")
    listener.close()


def test_a_socket_path_too_long_for_sun_path_is_a_sentence(tmp_path):
    deep = tmp_path / ("x" * 120)
    with pytest.raises(auth.ShareError, match="too long"):
        auth.check_path_length(deep / "ABCD.sock")


def test_with_an_admin_made_group_the_door_closes_to_everyone_else(sockdir):
    group = os.getegid()  # any group we are in stands for the couple's group
    directory = auth.ensure_socket_dir(auth.socket_dir(for_others=True), for_others=True, group=group)
    assert stat.S_IMODE(os.lstat(directory).st_mode) == 0o710 and os.lstat(directory).st_gid == group
    listener = auth.open_listener(directory, "GRUP", for_others=True, group=group)
    info = os.lstat(listener.path)
    assert stat.S_IMODE(info.st_mode) == 0o660 and info.st_gid == group
    listener.close()
