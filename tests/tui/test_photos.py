"""The photo step with real photos: a folder of pictures, moving through them, "This one" into
the journal, a broken file skipped with a sentence, an empty or missing folder, the picker."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from PIL import Image
from textual.widgets import Input, Static

from nearer.settings import Settings, load_settings, save_settings
from nearer.tui.app import NearerApp
from nearer.tui.photos import PhotoProblem, decode, list_photos
from nearer.tui.screens.folder import FolderScreen
from nearer.tui.steps.photo import PhotoWidget

from .conftest import journal_path
from .drive import open_ritual, settled_step, take_step, walk_to

SIZE = (100, 34)
COLOURS = {"beach.jpg": (40, 120, 200), "Garden.PNG": (60, 160, 70), "kitchen.webp": (200, 120, 40)}


def make_photos(folder: Path, names=COLOURS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, colour in names.items():
        image = Image.new("RGB", (320, 240), colour)
        # A darker band, so a photo is more than one flat colour on screen.
        image.paste(tuple(c // 2 for c in colour), (0, 160, 320, 240))
        image.save(folder / name)
    (folder / "notes.txt").write_text("not a photo")
    return folder


def use_photos(home: Path, folder: Path, render: str = "halfblock") -> None:
    save_settings(Settings(partner_a="Sam", partner_b="Alex", seen_intro=True,
                           photo_folder=str(folder), photo_render=render))


async def photos_shown(pilot, widget: PhotoWidget, timeout: float = 5.0) -> None:
    """Wait until the decoding worker has handed over the photo the widget wants, at the size
    the frame has now, and has nothing left to decode."""
    deadline = time.monotonic() + timeout

    def settled() -> bool:
        if not widget.photos or widget._shown != widget.photos[widget.index]:
            return False
        if any(worker.is_running and worker.node is widget for worker in widget.workers):
            return False
        return (widget._shown, widget._pixel_size()) in widget._cache or widget._image_class is None

    while not settled():
        if time.monotonic() > deadline:
            raise AssertionError(f"photo never shown: {widget.photos!r} {widget._shown!r}")
        await pilot.pause(0.02)
    await pilot.pause()


async def sentence_shown(pilot, widget: PhotoWidget, selector: str, words: str) -> str:
    deadline = time.monotonic() + 5
    while words not in (text := str(widget.query_one(selector, Static).render())):
        if time.monotonic() > deadline:
            raise AssertionError(f"{words!r} never shown in {selector}: {text!r}")
        await pilot.pause(0.02)
    return text


# -- loading ------------------------------------------------------------------------------------


def test_list_photos_keeps_pictures_sorted_without_case(tmp_path):
    folder = make_photos(tmp_path / "pics")
    (folder / ".hidden.jpg").write_bytes(b"")
    (folder / "sub.jpg").mkdir()
    assert [p.name for p in list_photos(folder)] == ["beach.jpg", "Garden.PNG", "kitchen.webp"]


def test_decode_shrinks_and_turns_upright(tmp_path):
    big = Image.new("RGB", (4000, 3000), (10, 20, 30))
    exif = big.getexif()
    exif[0x0112] = 6  # taken with the camera on its side: shown rotated 90 degrees
    big.save(tmp_path / "side.jpg", exif=exif)
    small = decode(tmp_path / "side.jpg", (200, 200))
    assert small.mode == "RGB"
    assert max(small.size) <= 200
    assert small.size[0] < small.size[1], "portrait after the EXIF rotation"


def test_decode_says_what_is_wrong(tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    with pytest.raises(PhotoProblem, match="broken.jpg could not be opened"):
        decode(tmp_path / "broken.jpg", (100, 100))
    with pytest.raises(PhotoProblem, match="gone.jpg is no longer in the folder"):
        decode(tmp_path / "gone.jpg", (100, 100))


# -- the ritual, from home to the journal ---------------------------------------------------------


async def test_photo_show_and_tell_from_home_to_journal(home, clock, tmp_path):
    folder = make_photos(tmp_path / "photos")
    use_photos(home, folder)
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot, "photo_show_and_tell", first="b")
        chosen = []
        for turn in range(2):
            await walk_to(pilot, clock, "photo")
            widget = await settled_step(pilot)
            assert isinstance(widget, PhotoWidget)
            await photos_shown(pilot, widget)
            assert [p.name for p in widget.photos] == ["beach.jpg", "Garden.PNG", "kitchen.webp"]
            caption = str(widget.query_one("#photo-caption").render())
            assert "1 of 3 · beach.jpg" in caption
            # Alex (b) goes first: the one telling the story is named.
            teller = "Alex" if turn == 0 else "Sam"
            assert teller in str(widget.query_one("#photo-how").render())
            for _ in range(turn + 1):
                await pilot.press("right")
            await photos_shown(pilot, widget)
            if turn == 1:
                await pilot.click("#previous")
                await pilot.click("#next")
                await photos_shown(pilot, widget)
            name = widget.photos[widget.index].name
            chosen.append(name)
            assert name in str(widget.query_one("#photo-caption").render())
            await pilot.click("#this-one")
            await pilot.pause()
        assert chosen == ["Garden.PNG", "kitchen.webp"]
        for _ in range(40):
            view = screen.session.view
            if view.status == "ended":
                break
            await take_step(pilot, clock, answers={"a": "Sam's grandmother's kitchen", "b": "Alex at the sea"})
        assert screen.session.view.status == "ended"

    with sqlite3.connect(journal_path()) as db:
        rows = db.execute(
            "SELECT e.step_id, e.kind, e.author, e.text FROM entries e JOIN sessions s "
            "ON s.id = e.session_id WHERE s.ritual_id = 'photo_show_and_tell' ORDER BY e.id"
        ).fetchall()
    photos = [(step, author, text) for step, kind, author, text in rows if step == "show"]
    assert photos == [("show", "b", "Garden.PNG"), ("show", "a", "kitchen.webp")]
    reflections = {text for step, kind, _, text in rows if kind == "reflection"}
    assert {"Sam's grandmother's kitchen", "Alex at the sea"} <= reflections


# -- what goes wrong --------------------------------------------------------------------------


async def test_unreadable_and_vanished_photos_are_skipped_with_a_sentence(home, clock, tmp_path):
    folder = make_photos(tmp_path / "photos")
    (folder / "ancient.jpg").write_bytes(b"\xff\xd8\xff\xe0 torn in half")
    use_photos(home, folder)
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await open_ritual(pilot, "photo_show_and_tell")
        await walk_to(pilot, clock, "photo")
        widget = await settled_step(pilot)
        await photos_shown(pilot, widget)
        assert widget.photos[0].name == "ancient.jpg" or "ancient.jpg" not in [p.name for p in widget.photos]
        text = await sentence_shown(pilot, widget, "#photo-skipped", "ancient.jpg could not be opened")
        assert "skipped" in text
        assert [p.name for p in widget.photos] == ["beach.jpg", "Garden.PNG", "kitchen.webp"]
        # A photo deleted while the step is open is skipped the same way.
        (folder / "Garden.PNG").unlink()
        widget._cache.clear()
        await pilot.press("right")
        await sentence_shown(pilot, widget, "#photo-skipped", "Garden.PNG is no longer in the folder")
        await photos_shown(pilot, widget)
        assert widget.photos[widget.index].name == "kitchen.webp"
        assert app.screen is pilot.app.screen  # no error screen, the ritual carries on


async def test_no_folder_yet_is_a_kind_sentence_and_done_still_works(named, clock):
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot, "photo_show_and_tell")
        await walk_to(pilot, clock, "photo")
        widget = await settled_step(pilot)
        text = await sentence_shown(pilot, widget, "#photo-note", "No folder of photos is chosen yet")
        assert "Choose folder" in text
        assert not widget.query_one("#this-one").display
        await pilot.click("#done")
        await pilot.pause()
        assert screen.session.view.kind == "deck"


async def test_empty_folder_says_how_to_pick_another(home, clock, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    use_photos(home, empty)
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await open_ritual(pilot, "photo_show_and_tell")
        await walk_to(pilot, clock, "photo")
        widget = await settled_step(pilot)
        await sentence_shown(pilot, widget, "#photo-note", "There are no photos in")


async def test_folder_picker_chooses_and_remembers(home, clock, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    folder = make_photos(tmp_path / "holidays")
    use_photos(home, empty)
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await open_ritual(pilot, "photo_show_and_tell")
        await walk_to(pilot, clock, "photo")
        widget = await settled_step(pilot)
        await sentence_shown(pilot, widget, "#photo-note", "There are no photos in")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, FolderScreen)
        await pilot.pause(0.2)  # the tree has listed its folder and highlighted it
        path_box = app.screen.query_one("#folder-path", Input)
        path_box.value = str(tmp_path / "nowhere")
        await pilot.click("#use")
        await pilot.pause()
        assert "There is no folder at" in str(app.screen.query_one("#folder-note").render())
        path_box.value = str(folder)
        await pilot.pause(0.3)  # a button ignores a second click while it still shows the first
        await pilot.click("#use")
        deadline = time.monotonic() + 5
        while isinstance(app.screen, FolderScreen):
            assert time.monotonic() < deadline, "the picker never closed"
            await pilot.pause(0.02)
        await photos_shown(pilot, widget)
        assert len(widget.photos) == 3
    settings, _ = load_settings()
    assert settings.photo_folder == str(folder)


async def test_render_off_lists_names_without_drawing(home, clock, tmp_path):
    folder = make_photos(tmp_path / "photos")
    use_photos(home, folder, render="off")
    app = NearerApp(clock=clock, seed=3)
    async with app.run_test(size=SIZE) as pilot:
        await open_ritual(pilot, "photo_show_and_tell")
        await walk_to(pilot, clock, "photo")
        widget = await settled_step(pilot)
        await sentence_shown(pilot, widget, "#photo-caption", "beach.jpg")
        assert not widget.query("#photo-image")
        await pilot.press("right")
        assert "Garden.PNG" in str(widget.query_one("#photo-caption").render())
