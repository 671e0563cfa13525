"""`nearer graph RITUAL [--mermaid]`: a ritual's flow, as text or as a Mermaid state diagram.

RITUAL is an id (see `nearer list`) or a path to a .toml file. A ritual with mistakes has no
trustworthy flow, so its problems are printed instead (as `nearer check` would), with exit 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def run_graph(args: argparse.Namespace) -> int:
    from nearer.ritual.graph import render_mermaid, render_text

    found = find_ritual(args.ritual)
    if isinstance(found, str):
        print(f"nearer graph: {found}", file=sys.stderr)
        return 2
    ritual, diagnostics = found
    if ritual is None:
        for diagnostic in diagnostics:
            if diagnostic.is_error:
                print(diagnostic.format(), file=sys.stderr)
        print("nearer graph: fix these first; `nearer check` says more.", file=sys.stderr)
        return 1
    sys.stdout.write(render_mermaid(ritual) if args.mermaid else render_text(ritual))
    return 0


def find_ritual(wanted: str):
    """(ritual or None, diagnostics) for an id or a path; a sentence when there is no such
    ritual. An id is looked up the way the home screen finds it: yours shadow built-ins."""
    from nearer.ritual.check import check_file
    from nearer.ritual.load import did_you_mean

    if wanted.endswith(".toml") or os.sep in wanted:
        path = Path(wanted).expanduser()
        if not path.is_file():
            return f"there is no ritual file at {wanted}."
        return check_file(path, display=wanted)
    from nearer.paths import user_rituals_dir
    from nearer.ritual.load import default_search_dirs, display_path
    from nearer.resources import builtin_rituals_dir

    # A ritual's id is its file's stem, so no other file needs reading.
    folders = (user_rituals_dir(), builtin_rituals_dir())
    for folder in folders:
        path = folder / f"{wanted}.toml"
        if path.is_file():
            return check_file(path, search_dirs=default_search_dirs(), display=display_path(path))
    known = sorted({p.stem for folder in folders for p in folder.glob("*.toml")})
    guess = did_you_mean(wanted, known)
    return f'there is no ritual called "{wanted}".{guess} `nearer list` shows the ones there are.'
