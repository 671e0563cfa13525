"""Settings survive a round trip, and a broken file is set aside with a sentence, never lost."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from nearer.fsutil import StorageError
from nearer.settings import Settings, load_settings, save_settings


@pytest.fixture
def settings_file(tmp_path, monkeypatch):
    monkeypatch.setenv("NEARER_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config" / "settings.toml"


def backups(settings_file):
    return sorted(p for p in settings_file.parent.iterdir() if ".broken-" in p.name)


def test_missing_file_gives_defaults_quietly(settings_file):
    assert load_settings() == (Settings(), None)
    assert not settings_file.exists()


def test_round_trip_keeps_every_field(settings_file):
    original = Settings(
        partner_a="Sam",
        partner_b="Alex",
        theme="nearer-dawn",
        reduced_motion=True,
        break_minutes=45,
        seen_intro=True,
        keys={"pause": "ctrl+p"},
    )
    assert save_settings(original) is None
    assert load_settings() == (original, None)
    assert settings_file.read_text().startswith("# nearer settings.")


@pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")
def test_saved_file_and_folder_are_private(settings_file):
    save_settings(Settings())
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings_file.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")
def test_a_file_others_can_read_is_made_private(settings_file):
    save_settings(Settings(partner_a="Sam"))
    settings_file.chmod(0o644)
    settings, notice = load_settings()
    assert settings.partner_a == "Sam"
    assert "nearer has made it private to you again" in notice
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600


def test_named_needs_both_names():
    assert not Settings().named
    assert not Settings(partner_a="Sam", partner_b="  ").named
    assert Settings(partner_a="Sam", partner_b="Alex").named


def test_corrupt_file_is_backed_up_and_replaced_with_defaults(settings_file):
    settings_file.parent.mkdir(parents=True)
    broken = b'partner_a = "Sam"\nbreak_minutes = [1,\ntheme = "x"\n'
    settings_file.write_bytes(broken)
    settings_file.chmod(0o600)
    settings, notice = load_settings()
    assert settings == Settings()
    (backup,) = backups(settings_file)
    assert backup.read_bytes() == broken
    assert notice.startswith("Your settings file could not be read (invalid value at line 3")
    assert "nearer is using default settings" in notice
    assert backup.name in notice
    # The replacement is a good file: the next start is quiet.
    assert load_settings() == (Settings(), None)


def test_invalid_value_keeps_the_good_ones(settings_file):
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text('partner_a = "Sam"\npartner_b = "Alex"\nbreak_minutes = 5\n')
    settings, notice = load_settings()
    assert settings == Settings(partner_a="Sam", partner_b="Alex")
    assert "break_minutes should be a whole number of minutes from 20 to 240" in notice
    assert len(backups(settings_file)) == 1
    assert load_settings() == (settings, None)


def test_file_that_is_not_utf8_is_set_aside(settings_file):
    settings_file.parent.mkdir(parents=True)
    settings_file.write_bytes(b"\xff\xfe\x00")
    settings, notice = load_settings()
    assert settings == Settings()
    assert "it is not UTF-8 text" in notice


def test_two_breakages_in_one_second_keep_both_backups(settings_file):
    settings_file.parent.mkdir(parents=True)
    for text in ("a = [", "b = ["):
        settings_file.write_text(text)
        load_settings()
    assert sorted(p.read_text() for p in backups(settings_file)) == ["a = [", "b = ["]


def test_full_disk_on_save_keeps_the_saved_settings(settings_file, monkeypatch):
    save_settings(Settings(partner_a="Sam", partner_b="Alex"))

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full)
        with pytest.raises(StorageError, match="^Your disk is full, so nearer could not save your settings"):
            save_settings(Settings(partner_a="Kim", partner_b="Alex"))
    assert load_settings()[0].partner_a == "Sam"


def test_read_only_folder_on_save_keeps_the_saved_settings(settings_file, monkeypatch):
    save_settings(Settings(partner_a="Sam", partner_b="Alex"))
    with monkeypatch.context() as patch:
        if os.name == "posix" and os.geteuid() != 0:
            settings_file.parent.chmod(0o500)
            expected = "not allowed to write"
        else:  # root ignores mode bits: inject what a read-only mount reports
            import tempfile

            def read_only(*args, **kwargs):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))

            patch.setattr(tempfile, "mkstemp", read_only)
            expected = "is read-only, so nearer could not save your settings"
        try:
            with pytest.raises(StorageError, match=expected):
                save_settings(Settings(partner_a="Kim", partner_b="Alex"))
        finally:
            settings_file.parent.chmod(0o700)
    assert load_settings()[0].partner_a == "Sam"
