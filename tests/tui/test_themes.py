"""How nearer looks, your way: the theme picker previews as you move and saves on enter, your
own themes join the built-ins, a broken theme is a notice (never a crash), reduced motion is one
command away, and keys remapped in settings.toml work (a bad one is a notice)."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from nearer.settings import Settings, load_settings, save_settings
from nearer.tui.app import NearerApp
from nearer.tui.screens.pause import PauseScreen
from nearer.tui.steps.timer import BreathPacer

from .drive import open_ritual, walk_to

THEMES = ["nearer-ansi", "nearer-contrast", "nearer-dawn", "nearer-dusk"]


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def themes_dir(home: Path) -> Path:
    folder = home / "config" / "themes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def palette_names(pilot) -> list[str]:
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.pause(0.3)
    options = palette.query_one("CommandList")
    return [str(options.get_option_at_index(i).hit.text) for i in range(options.option_count)]


async def test_the_picker_previews_on_highlight_and_escape_goes_back(named, clock):
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        app.search_themes()
        names = await palette_names(pilot)
        assert names[0] == "nearer-dusk", "the current theme first: opening changes nothing"
        assert sorted(names) == THEMES
        assert app.theme == "nearer-dusk"
        await pilot.press("down")
        await pilot.pause()
        assert app.theme == names[1], "the highlighted theme shows at once"
        assert load_settings()[0].theme == "nearer-dusk", "a preview is not saved"
        await pilot.press("escape")
        await pilot.pause()
        assert app.theme == "nearer-dusk"
        assert load_settings()[0].theme == "nearer-dusk"


async def test_enter_keeps_the_theme_and_saves_it(named, clock):
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        app.search_themes()
        await palette_names(pilot)
        await pilot.press(*"contrast")
        await pilot.pause(0.3)
        assert app.theme == "nearer-contrast"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        assert app.theme == "nearer-contrast"
    assert load_settings()[0].theme == "nearer-contrast"
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30)):
        assert app.theme == "nearer-contrast", "the next start uses it"


async def test_the_main_palette_leads_to_the_picker(named, clock):
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"choose a theme")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause(0.4)
        assert sorted(await palette_names(pilot)) == THEMES


async def test_a_user_theme_is_offered_and_a_broken_one_is_a_notice(named, clock):
    folder = themes_dir(named)
    (folder / "ours.toml").write_text(
        'name = "ours"\ndark = false\nprimary = "#7A4E9C"\nbackground = "#FBF6EE"\n'
    )
    (folder / "oops.toml").write_text('name = "oops"\nprimary = "#12345"\n')
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert any("oops.toml: 'primary' is not a colour: '#12345'" in n for n in notices(app))
        assert app.screen.id != "_default" and app.screen.query("#rituals"), "home is shown"
        app.search_themes()
        names = await palette_names(pilot)
        assert "ours" in names and "oops" not in names
        await pilot.press(*"ours", "enter")
        await pilot.pause()
        assert app.theme == "ours"
    assert load_settings()[0].theme == "ours"


async def test_a_saved_theme_that_is_gone_falls_back_with_a_notice(home, clock):
    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True, theme="gone"))
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "nearer-dusk"
        assert 'The theme "gone" was not found, so nearer is using its own.' in notices(app)


async def test_reduced_motion_from_the_palette_turns_the_pacer_into_words(named, clock):
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        app.start_ritual_by_id("five_minute_hug")  # its first speaker is random: no question
        await pilot.pause()
        await walk_to(pilot, clock, "timer")
        pacer = app.screen.query_one(BreathPacer)
        assert "━" in str(pacer.render())
        await pilot.press("ctrl+p")
        await pilot.press(*"reduced motion")
        await pilot.pause(0.4)
        await pilot.press("enter")
        clock.advance(1)
        await pilot.pause(0.6)
        assert app.settings.reduced_motion and load_settings()[0].reduced_motion
        assert app.animation_level == "none"
        assert "━" not in str(pacer.render())
        assert str(pacer.render()).strip() in ("Breathe in", "Hold", "Breathe out")


async def test_reduced_motion_from_settings_at_start(home, clock):
    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True, reduced_motion=True))
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30)):
        assert app.animation_level == "none"


async def test_a_remapped_key_works_and_a_bad_one_is_a_notice(home, clock):
    save_settings(
        Settings(
            partner_a="Sam", partner_b="Alex", seen_intro=True,
            keys={"pause": "f5", "jurnal": "k", "leave": "ctrl+nope"},
        )
    )
    app = NearerApp(clock=clock, seed=1)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        (notice,) = [n for n in notices(app) if "settings.toml" in n]
        assert notice == (
            'In the keys of your settings.toml: "jurnal" is not a key nearer has. Did you mean '
            '"journal"? "ctrl+nope" for leave is not a key name (such as "f5", "ctrl+t" or '
            '"p"), so it keeps its usual key.'
        )
        screen = await open_ritual(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert not isinstance(app.screen, PauseScreen), "ctrl+t is now f5"
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        assert screen.session.state.status == "paused"
