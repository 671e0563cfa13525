"""Snapshot of the photo step showing a photo in half-block characters (the renderer chosen
explicitly: there is no terminal to ask in a test). The SVG was looked at, converted to PNG,
before it was accepted; refresh with `--snapshot-update` and look again."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from nearer.settings import Settings, save_settings
from nearer.tui.app import NearerApp

from .drive import open_ritual, settled_step, steady_cursors, walk_to
from .test_photos import photos_shown

SIZE = (100, 34)


def seaside(path: Path) -> None:
    """A small drawn picture with shapes a person can recognise: sky, sun, sea, a boat."""
    image = Image.new("RGB", (480, 320))
    draw = ImageDraw.Draw(image)
    for y in range(200):
        draw.line([(0, y), (480, y)], fill=(90 + y // 4, 150 + y // 4, 230))
    draw.ellipse((340, 40, 420, 120), fill=(255, 210, 80))
    draw.rectangle((0, 200, 480, 320), fill=(30, 90, 160))
    draw.polygon([(140, 250), (260, 250), (240, 280), (160, 280)], fill=(150, 70, 40))
    draw.polygon([(200, 245), (200, 160), (250, 245)], fill=(245, 245, 240))
    image.save(path)


def test_photo_in_half_blocks(home, clock, tmp_path, snap_compare, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # the folder line reads "From ~/photos" every run
    folder = tmp_path / "photos"
    folder.mkdir()
    seaside(folder / "seaside.png")
    Image.new("RGB", (60, 40), (200, 80, 80)).save(folder / "zz_red.png")
    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True,
                           photo_folder=str(folder), photo_render="halfblock"))

    async def to_photo(pilot):
        await open_ritual(pilot, "photo_show_and_tell", first="a")
        await walk_to(pilot, clock, "photo")
        widget = await settled_step(pilot)
        await photos_shown(pilot, widget)
        steady_cursors(pilot)
        await pilot.hover("#photo-caption")  # no button lit by a mouse resting on it
        await pilot.pause()

    assert snap_compare(NearerApp(clock=clock, seed=11), terminal_size=SIZE, run_before=to_photo)
