"""Choosing a folder of photos: a tree of folders to walk, or a path to type."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Static

from nearer.tui.steps.base import buttons, muted


class FolderTree(DirectoryTree):
    """Folders only, without hidden ones: photos are chosen on the photo step itself."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        shown = []
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                if path.is_dir():
                    shown.append(path)
            except OSError:
                continue
        return shown


class FolderScreen(ModalScreen[Path | None]):
    HELP = (
        "Choose the folder your photos are in. Walk the tree with the arrow keys and enter, "
        "or type a path and press enter.\n\n  escape   back"
    )
    BINDINGS = [Binding("escape", "cancel", "Back", id="folder-back")]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="folder-dialog") as box:
            box.border_title = "Choose a folder of photos"
            yield muted("Pick a folder below, or type its path and press enter.")
            yield Input(str(self.start), id="folder-path")
            yield FolderTree(self.start, id="folder-tree")
            yield Static("", id="folder-note")
            yield buttons(
                Button("Use this folder", id="use", variant="primary"),
                Button("Up a level", id="up"),
                Button("Back", id="cancel"),
            )

    def on_mount(self) -> None:
        self.query_one("#folder-tree", FolderTree).focus()

    @property
    def typed(self) -> Path:
        return Path(self.query_one("#folder-path", Input).value.strip() or ".").expanduser()

    def _say(self, sentence: str) -> None:
        self.query_one("#folder-note", Static).update(Text(sentence))

    @on(DirectoryTree.DirectorySelected)
    @on(DirectoryTree.NodeHighlighted)
    def follow_tree(self, event: DirectoryTree.DirectorySelected | DirectoryTree.NodeHighlighted) -> None:
        path = getattr(event, "path", None)
        if path is None and event.node.data is not None:
            path = event.node.data.path
        if path is not None:
            self.query_one("#folder-path", Input).value = str(path)
            self._say("")

    @on(Input.Submitted, "#folder-path")
    def go_to_typed(self) -> None:
        folder = self.typed
        if not folder.is_dir():
            self._say(f"There is no folder at {folder}. Check the spelling, or pick one below.")
            return
        self._open(folder.resolve())

    @on(Button.Pressed, "#up")
    def up(self) -> None:
        tree = self.query_one("#folder-tree", FolderTree)
        self._open(Path(tree.path).resolve().parent)

    def _open(self, folder: Path) -> None:
        tree = self.query_one("#folder-tree", FolderTree)
        tree.path = folder
        self.query_one("#folder-path", Input).value = str(folder)
        self._say("")
        tree.focus()

    @on(Button.Pressed, "#use")
    def use(self) -> None:
        folder = self.typed
        if not folder.is_dir():
            self._say(f"There is no folder at {folder}. Check the spelling, or pick one below.")
            return
        self.dismiss(folder.resolve())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
