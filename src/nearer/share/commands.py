"""`nearer host` and `nearer join`: get the door ready on the terminal, then open the app.

Textual is imported only here, inside the commands, so `check`, `list` and `export` stay free
of it. Problems before the screen opens (no such user, an unsafe directory, nobody hosting) are
one sentence on stderr and exit status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def run_host(args) -> int:
    from nearer.share.auth import ShareError
    from nearer.share.setup import prepare_host

    resume_json = None
    share = None
    extra: tuple[Path, ...] = ()
    if args.resume:
        snapshot = _shared_snapshot()
        if snapshot is None:
            print(
                "nearer: there is no shared session to carry on. Start one with nearer host.",
                file=sys.stderr,
            )
            return 1
        resume_json = snapshot.state_json
        share = json.loads(resume_json).get("share")
        if snapshot.ritual_path and Path(snapshot.ritual_path).is_file():
            extra = (Path(snapshot.ritual_path),)  # a ritual file of your own, not a built-in
    ritual = args.ritual
    if ritual and (ritual.endswith(".toml") or "/" in ritual):
        path = Path(ritual).expanduser()
        if not path.is_file():
            print(f"nearer: there is no ritual file at {path}.", file=sys.stderr)
            return 2
        extra, ritual = extra + (path.resolve(),), path.stem
    try:
        plan = prepare_host(partner=args.partner, group=args.group, share=share)
    except ShareError as problem:
        print(f"nearer: {problem}", file=sys.stderr)
        return 1
    plan.ritual = ritual
    plan.resume_json = resume_json
    print(f"Your partner joins with:  {plan.join_command}", flush=True)
    try:
        from nearer.tui.app import NearerApp

        app = NearerApp(share=plan, extra_paths=extra)
        app.run()
        return app.return_code or 0
    finally:
        plan.listener.close()


def run_join(args) -> int:
    from nearer.share.auth import ShareError
    from nearer.share.setup import prepare_join

    try:
        plan = prepare_join(args.host_user, args.code)
    except ShareError as problem:
        print(f"nearer: {problem}", file=sys.stderr)
        return 1
    from nearer.tui.app import NearerApp

    app = NearerApp(share=plan)
    app.run()
    return app.return_code or 0


def _shared_snapshot():
    """The journal's snapshot, if it is of a shared session (it records the door)."""
    from nearer.journal.store import Journal

    try:
        with Journal.open() as journal:
            snapshot = journal.load_snapshot()
    except Exception:  # noqa: BLE001 - an unreadable journal means there is nothing to resume
        return None
    if snapshot is None or '"share"' not in snapshot.state_json:
        return None
    return snapshot
