"""A photo step: one of you shows a photo from a folder on this computer and tells its story.

The photos are drawn in the terminal by textual-image (Kitty or Sixel graphics where the
terminal has them, half blocks elsewhere; settings can choose). Listing the folder and decoding
happen in worker threads, and each photo is decoded only as large as the frame it fills, so a
40-megapixel photo or a folder of 500 never holds up a key press. "This one" records the file's
name as the step's entry, so it is in the journal beside the reflection.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.app import ComposeResult
from textual.containers import Center
from textual.widgets import Button, Static
from textual.worker import get_current_worker

from nearer.engine import events as ev
from nearer.tui.steps.base import StepWidget, buttons, muted, step_text

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from textual.widget import Widget

MIN_FRAME_ROWS = 5
CACHE_SIZE = 12
"""Decoded photos kept (each at most the frame's size, a few hundred KB)."""


class PhotoWidget(StepWidget):
    BINDINGS = [
        Binding("left", "previous", "Previous photo", id="photo-previous"),
        Binding("right", "next", "Next photo", id="photo-next"),
        Binding("o", "choose_folder", "Choose folder", id="photo-folder"),
    ]

    def __init__(self, view, *, reduced_motion: bool = False) -> None:
        super().__init__(view, reduced_motion=reduced_motion)
        self.folder: Path | None = None
        self.photos: list[Path] = []
        self.index = 0
        self._wanted: Path | None = None
        self._shown: Path | None = None
        self._image: Widget | None = None
        self._image_class: type[Widget] | None = None
        self._cache: OrderedDict[tuple[Path, tuple[int, int]], PILImage] = OrderedDict()

    def compose(self) -> ComposeResult:
        view = self.view
        teller = view.name(self.current)
        yield step_text(view.text)
        yield muted(
            f"{teller}, choose a photo with ← and →, press “This one”, and tell its story.",
            id="photo-how",
        )
        with Center(id="photo-frame"):
            yield Static("", id="photo-note")
        yield Static("", id="photo-caption")
        yield Static("", id="photo-skipped")
        yield buttons(
            Button("← Previous", id="previous"),
            Button("This one", id="this-one", variant="primary"),
            Button("We're done", id="done", variant="primary"),
            Button("Next →", id="next"),
            Button("Choose folder", id="choose-folder"),
            Button("Skip", id="skip"),
        )

    def on_mount(self) -> None:
        self._set_photos_shown(False)
        self._skipped("")
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        from nearer.tui.photos import image_widget_class

        render = self.app.settings.photo_render
        self._image_class = image_widget_class(render, self.app)
        self.open_folder(self._starting_folder())
        self._fit_frame()
        self.focus_first()

    def on_resize(self) -> None:
        self._fit_frame()

    def _fit_frame(self) -> None:
        """Let the photo take the height the step leaves free, so the step's words, the photo
        and its buttons fit on one screen without scrolling (at least a few rows of photo)."""
        area = self.parent
        if area is None or not area.size.height:
            return
        frame = self.query_one("#photo-frame", Center)
        others = self.outer_size.height - frame.outer_size.height
        height = max(MIN_FRAME_ROWS, area.scrollable_content_region.height - others)
        if frame.styles.height is None or frame.styles.height.value != height:
            frame.styles.height = height

    def _starting_folder(self) -> Path | None:
        """The ritual's folder if it names one (relative to the ritual's file), else the one
        chosen last time."""
        if self.view.folder:
            folder = Path(self.view.folder).expanduser()
            if not folder.is_absolute():
                ritual_path = getattr(getattr(self.screen, "session", None), "ritual_path", None)
                base = Path(ritual_path).parent if ritual_path else Path.cwd()
                folder = base / folder
            return folder
        remembered = self.app.settings.photo_folder
        return Path(remembered).expanduser() if remembered else None

    def focus_first(self) -> None:
        for selector in ("#this-one", "#done"):
            button = self.query_one(selector, Button)
            if button.display and not button.disabled:
                button.focus()
                return
        super().focus_first()

    # -- the folder -------------------------------------------------------------------------

    def open_folder(self, folder: Path | None) -> None:
        self.folder = folder
        self.photos = []
        self._wanted = None
        self._set_photos_shown(False)
        self._skipped("")
        if folder is None:
            self._say(
                "No folder of photos is chosen yet. Press o or “Choose folder” to pick the "
                "folder your photos are in. Or show a photo on a phone and press “We're done”."
            )
            return
        self._say(f"Looking for photos in {_short(folder)}…")
        self._list(folder)

    @work(thread=True, exclusive=True, group="photo-list")
    def _list(self, folder: Path) -> None:
        from nearer.tui.photos import list_photos

        try:
            photos, problem = list_photos(folder), None
        except FileNotFoundError:
            photos, problem = [], f"The folder {_short(folder)} is not there any more."
        except NotADirectoryError:
            photos, problem = [], f"{_short(folder)} is a file, not a folder."
        except OSError as error:
            reason = (error.strerror or str(error)).lower()
            photos, problem = [], f"nearer could not open the folder {_short(folder)} ({reason})."
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._listed, folder, photos, problem)

    def _listed(self, folder: Path, photos: list[Path], problem: str | None) -> None:
        if not self.is_mounted or folder != self.folder:
            return
        if problem:
            self._say(f"{problem} Press o or “Choose folder” to pick another.")
            return
        if not photos:
            self._say(
                f"There are no photos in {_short(folder)} yet (nearer shows .jpg, .png, .gif "
                "and .webp files). Press o or “Choose folder” to pick another folder, or show "
                "a photo another way and press “We're done”."
            )
            return
        self.photos = photos
        self.show_photo(0)

    def action_choose_folder(self) -> None:
        from nearer.tui.screens.folder import FolderScreen

        start = self.folder if self.folder is not None and self.folder.is_dir() else Path.home()

        def chosen(folder: Path | None) -> None:
            if folder is None or not self.is_mounted:
                return
            settings = self.app.settings
            if settings.photo_folder != str(folder):
                from msgspec.structs import replace

                self.app.save_settings(replace(settings, photo_folder=str(folder)))
            self.open_folder(folder)
            self.focus_first()

        self.app.push_screen(FolderScreen(start), chosen)

    # -- one photo ----------------------------------------------------------------------------

    def show_photo(self, index: int) -> None:
        if not self.photos:
            return
        self.index = index % len(self.photos)
        path = self.photos[self.index]
        self._wanted = path
        self._caption()
        if self._image_class is None:
            self._say("Photos are not drawn here (photo_render is \"off\" in your settings).")
            self._set_photos_shown(True, frame=False)
            return
        size = self._pixel_size()
        cached = self._cache.get((path, size))
        if cached is not None:
            self._cache.move_to_end((path, size))
            self._put(path, cached)
        neighbours = [self.photos[(self.index + step) % len(self.photos)] for step in (1, -1)]
        wanted = [p for p in [path, *neighbours] if (p, size) not in self._cache]
        if wanted:
            self._decode(list(dict.fromkeys(wanted)), size)

    @work(thread=True, exclusive=True, group="photo-decode")
    def _decode(self, paths: list[Path], size: tuple[int, int]) -> None:
        """Decode the wanted photo, then its neighbours, so the next one is ready when asked
        for. A newer request cancels this one between photos, never in the middle of one."""
        from nearer.tui.photos import PhotoProblem, decode

        worker = get_current_worker()
        for path in paths:
            if worker.is_cancelled:
                return
            try:
                image, problem = decode(path, size), None
            except PhotoProblem as error:
                image, problem = None, str(error)
            try:
                self.app.call_from_thread(self._decoded, path, size, image, problem)
            except RuntimeError:
                return  # the app is closing

    def _decoded(self, path: Path, size: tuple[int, int], image: PILImage | None,
                 problem: str | None) -> None:
        if not self.is_mounted:
            return
        if problem is not None:
            self._skip_broken(path, problem)
            return
        self._cache[(path, size)] = image
        self._cache.move_to_end((path, size))
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if path == self._wanted:
            self._put(path, image)

    def _skip_broken(self, path: Path, sentence: str) -> None:
        """Leave an unreadable photo out and say so; the next one takes its place."""
        self._skipped(sentence)
        if path not in self.photos:
            return
        position = self.photos.index(path)
        self.photos.remove(path)
        if not self.photos:
            self._wanted = None
            self._set_photos_shown(False)
            self._say(
                f"None of the files in {_short(self.folder)} could be shown. Press o or "
                "“Choose folder” to pick another folder, or show a photo another way and "
                "press “We're done”."
            )
            self.focus_first()
            return
        if position < self.index or self.index >= len(self.photos):
            self.index = (self.index - (position < self.index)) % len(self.photos)
        if path == self._wanted:
            self.show_photo(self.index)
        else:
            self._caption()

    def _put(self, path: Path, image: PILImage) -> None:
        if self._image is None:
            assert self._image_class is not None
            self._image = self._image_class(image, id="photo-image")
            self.query_one("#photo-frame", Center).mount(self._image)
        else:
            self._image.image = image
        self._shown = path
        self._set_photos_shown(True)
        self._caption()

    def _caption(self) -> None:
        path = self.photos[self.index]
        waiting = "" if path == self._shown or self._image_class is None else " (opening…)"
        self.query_one("#photo-caption", Static).update(
            Text(f"{self.index + 1} of {len(self.photos)} · {path.name}{waiting}  ·  "
                 f"in {_short(self.folder)}")
        )

    def _skipped(self, sentence: str) -> None:
        line = self.query_one("#photo-skipped", Static)
        line.update(Text(sentence))
        line.display = bool(sentence)

    def _pixel_size(self) -> tuple[int, int]:
        """The terminal's size in pixels of the chosen renderer: the photo never needs more,
        and unlike the frame's size it does not move while the step lays itself out."""
        from nearer.tui.photos import cell_pixels

        columns, rows = self.app.size
        across, down = cell_pixels(self._image_class)
        return max(1, columns) * across, max(1, rows) * down

    def _say(self, sentence: str) -> None:
        note = self.query_one("#photo-note", Static)
        note.update(Text(sentence))
        note.display = True
        if self._image is not None:
            self._image.display = False

    def _set_photos_shown(self, shown: bool, *, frame: bool = True) -> None:
        """Buttons for moving through photos when there are some; "We're done" when not."""
        browse = [self.query_one(selector, Button) for selector in ("#previous", "#next", "#this-one")]
        done = self.query_one("#done", Button)
        hidden = [done] if shown else browse
        for button in browse:
            button.display = shown
        done.display = not shown
        if self.app.focused in hidden and self.screen is self.app.screen:
            # Move the focus now: a hidden button's focus would pass to its neighbour.
            self.screen.set_focus(self.query_one("#this-one" if shown else "#done", Button))
        self.query_one("#photo-caption", Static).display = shown
        if shown and frame:
            self.query_one("#photo-note", Static).display = False
            if self._image is not None:
                self._image.display = True

    # -- acting -------------------------------------------------------------------------------

    @on(Button.Pressed, "#previous")
    def action_previous(self) -> None:
        if len(self.photos) > 1:
            self.show_photo(self.index - 1)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if len(self.photos) > 1:
            self.show_photo(self.index + 1)

    @on(Button.Pressed, "#choose-folder")
    def choose_folder(self) -> None:
        self.action_choose_folder()

    @on(Button.Pressed, "#this-one")
    def this_one(self) -> None:
        if self.photos:
            self.act(ev.Answer(partner=self.current, text=self.photos[self.index].name))

    @on(Button.Pressed, "#done")
    def done(self) -> None:
        self.act(ev.Done(partner=self.current))

    @on(Button.Pressed, "#skip")
    def skip(self) -> None:
        self.act(ev.Skip(partner=self.current))


def _short(folder: Path | None) -> str:
    """A folder as a person would write it: ~ for the home folder."""
    if folder is None:
        return ""
    try:
        inside = folder.relative_to(Path.home())
    except ValueError:
        return str(folder)
    return "~" if inside == Path() else f"~/{inside}"
