"""A bare Textual hello-world, one App with one Static: the baseline nearer's start-up is held to.

    .venv/bin/python benchmarks/hello_app.py
"""

from textual.app import App, ComposeResult
from textual.widgets import Static


class HelloApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello, world")


if __name__ == "__main__":
    HelloApp().run()
