"""The home screen in each built-in theme, at 100x30 with fixed names, clock and seed.

Each SVG was looked at (converted to PNG) before it was accepted: dusk (the default, warm dark),
dawn (light), contrast (black, white text, bright accents) and ansi (only the terminal's 16
colours). To refresh after a deliberate change: `pytest tests/tui/test_themes_snapshots.py
--snapshot-update`, then look at each again.
"""

from __future__ import annotations

import pytest

from nearer.settings import Settings, save_settings
from nearer.tui.app import NearerApp

from .drive import home_filled, steady_cursors

SIZE = (100, 30)


@pytest.mark.parametrize("theme", ["nearer-dusk", "nearer-dawn", "nearer-contrast", "nearer-ansi"])
def test_home_in_each_builtin_theme(home, clock, snap_compare, theme):
    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True, theme=theme))

    async def settle(pilot):
        await home_filled(pilot)
        assert pilot.app.theme == theme
        steady_cursors(pilot)

    assert snap_compare(NearerApp(clock=clock, seed=11), terminal_size=SIZE, run_before=settle)
