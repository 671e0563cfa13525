"""Photos for the photo step: which files in a folder are pictures, and decoding one small.

Everything here blocks (a folder listing, a 40-megapixel JPEG) and is called from worker
threads, never on the UI thread. Pillow and textual-image are imported inside the functions:
a session that never reaches a photo step pays for neither.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from textual.app import App
    from textual.widget import Widget

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
HEIF_SUFFIXES = frozenset({".heic", ".heif"})


class PhotoProblem(Exception):
    """A photo that cannot be shown, with a sentence that says so."""


def suffixes() -> frozenset[str]:
    """The file endings nearer shows: the common ones, and HEIC where Pillow has a plugin
    for it (pillow-heif registers one; plain Pillow cannot read HEIC)."""
    from PIL import Image

    Image.init()
    known = Image.registered_extensions()
    return PHOTO_SUFFIXES | {suffix for suffix in HEIF_SUFFIXES if suffix in known}


def list_photos(folder: Path) -> list[Path]:
    """The pictures directly in `folder`, sorted by name (case-insensitive). Hidden files and
    sub-folders are left out. Raises OSError when the folder cannot be read."""
    wanted = suffixes()
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if Path(entry.name).suffix.lower() not in wanted:
                continue
            try:
                if not entry.is_file():
                    continue
            except OSError:
                continue
            found.append(Path(entry.path))
    found.sort(key=lambda path: (path.name.casefold(), path.name))
    return found


def decode(path: Path, size: tuple[int, int]) -> PILImage:
    """Open `path` and return it no larger than `size` pixels, upright and in RGB, fully
    decoded (so nothing is left to do on the UI thread).

    JPEG's `draft` lets the decoder skip most of the pixels of a large photo (a 40-megapixel
    file decodes at 1/8 scale), and `thumbnail` does the rest. Raises PhotoProblem.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = path.name
    try:
        with Image.open(path) as image:
            image.draft("RGB", size)
            image.thumbnail(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
            small = ImageOps.exif_transpose(image)
            if small.mode != "RGB":
                small = _flatten(small)
            small.load()
            return small
    except FileNotFoundError:
        raise PhotoProblem(f"{name} is no longer in the folder, so it was skipped.") from None
    except PermissionError:
        raise PhotoProblem(f"nearer may not open {name}, so it was skipped.") from None
    except Image.DecompressionBombError:
        raise PhotoProblem(f"{name} is too large to show, so it was skipped.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        # Pillow reports a damaged or truncated file in any of these.
        raise PhotoProblem(f"{name} could not be opened as a picture, so it was skipped.") from None


def _flatten(image: PILImage) -> PILImage:
    """RGB from any mode; transparent parts (a PNG, a GIF) go on white like paper."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, (255, 255, 255))
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return image.convert("RGB")


# -- drawing ------------------------------------------------------------------------------------


def image_widget_class(render: str, app: App) -> type[Widget] | None:
    """The textual-image widget for the `photo_render` setting; None for "off".

    Importing textual-image asks the terminal whether it speaks Sixel or the Kitty graphics
    protocol and waits up to 0.1 s for each answer. While Textual runs, its input thread would
    read those answers as key presses (a stray "?" opens help), so the first import happens
    with the app suspended: the terminal is the probe's alone for that moment.
    """
    if render == "off":
        return None
    if "textual_image.widget" not in sys.modules:
        _import_probing(app)
    from textual_image import widget

    if render == "kitty":
        return widget.TGPImage
    if render == "sixel":
        return widget.SixelImage
    if render == "halfblock":
        return widget.HalfcellImage
    from textual_image import renderable

    if renderable.Image is renderable.UnicodeImage:
        # Not a terminal at all (a pipe, a test): grey blocks say nothing of a photo.
        return widget.HalfcellImage
    return widget.Image


def _import_probing(app: App) -> None:
    from textual.app import SuspendNotSupported

    stdout = sys.__stdout__
    if stdout is not None and stdout.isatty() and app.is_running:
        try:
            with app.suspend():
                import textual_image.widget  # noqa: F401
            return
        except SuspendNotSupported:
            pass
    import textual_image.widget  # noqa: F401


def cell_pixels(image_class: type[Widget]) -> tuple[int, int]:
    """Pixels per terminal cell that `image_class` can show: a half-block cell holds 1x2,
    a graphics protocol as many as the terminal's font cell has."""
    from textual_image import widget
    from textual_image._terminal import get_cell_size

    if image_class is widget.HalfcellImage:
        return 1, 2
    cell = get_cell_size()
    return max(1, cell.width), max(1, cell.height)
