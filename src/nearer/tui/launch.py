"""Start the app from the command line."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(ritual: str | None = None) -> int:
    from nearer.tui.app import NearerApp

    extra: tuple[Path, ...] = ()
    start = ritual
    if ritual and (ritual.endswith(".toml") or "/" in ritual):
        path = Path(ritual).expanduser()
        if not path.is_file():
            print(f"nearer: there is no ritual file at {path}.", file=sys.stderr)
            return 2
        extra = (path.resolve(),)
        start = path.stem
    app = NearerApp(start_ritual=start, extra_paths=extra)
    app.run()
    # A crash has already been reported in a sentence by NearerApp._fatal_error.
    return app.return_code or 0
