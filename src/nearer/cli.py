"""The `nearer` command line: argparse only, each subcommand imported when it runs.

`check`, `list` and `export` must never import Textual (they stay instant and work over SSH
without a terminal); only the commands that open a screen import `nearer.tui`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nearer import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nearer",
        description="Guided rituals that help two people grow closer. "
        "Run with no command to open the home screen.",
    )
    parser.add_argument("--version", action="version", version=f"nearer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="open nearer, or go straight into one ritual")
    run.add_argument("ritual", nargs="?", help="a ritual id (see `nearer list`) or a .toml path")
    run.add_argument(
        "--watch",
        action="store_true",
        help="reload the ritual file each time you save it (for writing your own)",
    )

    check = sub.add_parser("check", help="check ritual files and say precisely what is wrong")
    check.add_argument("paths", nargs="*", help="ritual files or folders (default: your rituals)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json"), default="text", dest="output")
    check.add_argument("--explain", metavar="CODE", help="say what a message code means and how to fix it")

    listing = sub.add_parser("list", help="list the rituals nearer can find")
    listing.add_argument("paths", nargs="*", help="extra ritual files or folders to include")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

    export = sub.add_parser("export", help="export your journal as Markdown or JSON")
    export.add_argument("--format", choices=("md", "json"), default="md", dest="output")
    export.add_argument("--since", metavar="DATE", help="only sessions on or after YYYY-MM-DD")
    export.add_argument(
        "--out", metavar="PATH", help="write to a file, or to a folder (PATH/) one file per session"
    )
    export.add_argument("--ritual", metavar="ID", help="only sessions of this ritual")
    export.add_argument(
        "--as", dest="reader", metavar="a|b",
        help="include this partner's private entries (by default an export holds shared ones only)",
    )
    export.add_argument(
        "--for-therapy", action="store_true",
        help="one Markdown file to bring to a first session with a couples therapist: your shared "
        "reflections and agreements of the last weeks (default file: nearer-for-therapy-DATE.md)",
    )
    export.add_argument(
        "--weeks", type=int, default=8, metavar="N",
        help="with --for-therapy: how many weeks back to gather (default 8; --since overrides it)",
    )
    export.add_argument(
        "--answers", action="store_true",
        help="with --for-therapy: also what you answered during rituals, not only reflections",
    )

    new = sub.add_parser("new", help="start a ritual of your own, ready to edit")
    new.add_argument("name", help="its name: lower-case letters, digits and _")
    new.add_argument("--from", dest="source", metavar="RITUAL", help="copy this ritual instead")

    graph = sub.add_parser("graph", help="show a ritual's flow from step to step")
    graph.add_argument("ritual", help="a ritual id or a .toml path")
    graph.add_argument("--mermaid", action="store_true", help="print a Mermaid state diagram")

    upgrade = sub.add_parser("upgrade", help="bring ritual files up to the newest format")
    upgrade.add_argument("paths", nargs="+", help="ritual or deck files, or folders of them")

    host = sub.add_parser("host", help="do a ritual together, each partner at their own terminal")
    host.add_argument("ritual", nargs="?", help="a ritual id (or choose on screen)")
    host.add_argument("--partner", metavar="USER", help="your partner's Unix user, when it is not yours")
    host.add_argument("--group", metavar="GROUP", help="a group you both belong to, made by an admin")
    host.add_argument("--resume", action="store_true", help="carry on after nearer stopped, paused where you were")

    join = sub.add_parser("join", help="join the session your partner is hosting")
    join.add_argument("host_user", nargs="?", metavar="HOSTUSER", help="your partner's Unix user")
    join.add_argument("code", nargs="?", metavar="CODE", help="the join code on their screen")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        if command == "check":
            from nearer.commands.check import run_check

            return run_check(args)
        if command == "list":
            from nearer.commands.listing import run_list

            return run_list(args)
        if command == "export":
            from nearer.commands.export import run_export

            return run_export(args)
        if command == "new":
            from nearer.commands.new import run_new

            return run_new(args)
        if command == "graph":
            from nearer.commands.graph import run_graph

            return run_graph(args)
        if command == "upgrade":
            from nearer.commands.upgrade import run_upgrade

            return run_upgrade(args)
        if command in ("host", "join"):
            from nearer.share.commands import run_host, run_join

            return run_host(args) if command == "host" else run_join(args)
        from nearer.tui.launch import run_app

        return run_app(getattr(args, "ritual", None), watch=getattr(args, "watch", False))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `nearer list | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0
