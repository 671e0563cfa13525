"""Start the app from the command line."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(ritual: str | None = None, *, watch: bool = False) -> int:
    from nearer.tui.app import NearerApp

    extra: tuple[Path, ...] = ()
    start = ritual
    if watch:
        if not ritual:
            print(
                "nearer run --watch needs the ritual file to watch, such as: "
                "nearer run --watch my_ritual.toml",
                file=sys.stderr,
            )
            return 2
        ritual = _ritual_file(ritual)
    if ritual and (ritual.endswith(".toml") or "/" in ritual):
        path = Path(ritual).expanduser()
        if not path.is_file():
            print(f"nearer: there is no ritual file at {path}.", file=sys.stderr)
            return 2
        extra = (path.resolve(),)
        start = path.stem
    app = NearerApp(start_ritual=start, extra_paths=extra, watch=extra[0] if watch else None)
    app.run()
    # A crash has already been reported in a sentence by NearerApp._fatal_error.
    return app.return_code or 0


def _ritual_file(ritual: str) -> str:
    """`--watch` follows a file: a ritual id stands for your file of that name, else the
    built-in one."""
    if ritual.endswith(".toml") or "/" in ritual:
        return ritual
    from nearer.paths import user_rituals_dir
    from nearer.resources import builtin_rituals_dir

    for folder in (user_rituals_dir(), builtin_rituals_dir()):
        if (folder / f"{ritual}.toml").is_file():
            return str(folder / f"{ritual}.toml")
    return f"{ritual}.toml"
