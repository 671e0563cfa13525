"""Where nearer keeps your files: platformdirs locations, overridable for tests and portable use.

NEARER_CONFIG_DIR and NEARER_DATA_DIR replace the platform locations (tests point them at a temp
directory; someone can keep nearer on a USB stick).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "nearer"


def config_dir() -> Path:
    override = os.environ.get("NEARER_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_config_path(APP, appauthor=False)


def data_dir() -> Path:
    override = os.environ.get("NEARER_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path(APP, appauthor=False)


def user_rituals_dir() -> Path:
    return config_dir() / "rituals"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def journal_path() -> Path:
    return data_dir() / "journal.sqlite3"
