"""Start the app from the command line, and turn any failure into a sentence, never a traceback."""

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
    result = app.run()
    if app.return_code not in (0, None):
        print(
            "nearer stopped because of a problem it did not expect. Nothing you saved is lost; "
            "start nearer again to pick up where you were.",
            file=sys.stderr,
        )
        return app.return_code or 1
    return result or 0
