"""`nearer new NAME [--from RITUAL]`: start a ritual of your own in your rituals folder.

Writes `NAME.toml` there — a commented starting ritual that passes `nearer check --strict`, or a
copy of another ritual renamed to NAME — and prints its path. Never overwrites a file. The copy of
the editor schema beside your rituals is written or refreshed, so the `#:schema` line at the top of
the file resolves from there and your editor flags mistakes as you type. A copied ritual's
`imports` keep resolving: built-in deck files are found in the built-in folder, and deck files
that sat beside a ritual given by path are copied along (never over one of yours).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

SCHEMA_NAME = "ritual.v1.schema.json"
SCHEMA_LINE = f"#:schema ./{SCHEMA_NAME}"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ID_MAX = 40
_TOP_ID = re.compile(r'^(id\s*=\s*)(["\']).*?\2', re.M)

STARTER = '''\
{schema}
# {title}: a ritual of your own. Lines starting with # are notes for you; nearer skips them.
#
#   nearer check {path}          says precisely what is wrong, with the line
#   nearer run --watch {path}    plays it, and follows every change you save
#
# docs/authoring.md explains every key and every kind of step.

format = 1                  # the version of the ritual format: leave it at 1
id = "{name}"{id_pad}# must be the file's name without .toml
title = "{title}"
practice = "custom"         # curiosity, vulnerability, conflict, novelty, photos,
                            # affection, therapy, checkin or custom
summary = "One sentence that says what you will do together."
duration_min = 10           # about how long it takes, in minutes
phases = ["initiate", "consent", "share", "reflect"]   # the stages shown at the top

[meta]
author = ""                 # anything you like: who wrote it, where the idea came from

# Each [[step]] is one screen. Steps play in the order they are written here,
# unless a step says where to go next.

[[step]]
id = "arrive"
phase = "initiate"
kind = "text"               # words to read together, then go on
text = "Sit somewhere comfortable, close to each other, with your phones out of reach."

[[step]]
id = "check_in"
phase = "consent"
kind = "consent"            # both of you answer: yes, or not now
text = "{{speaker}}, ask {{listener}}: is now a good time for this?"
on.yes = "share"            # where "yes" leads
on.not_now = "later"        # where "not now" leads: not a failure, just another time

[[step]]
id = "share"
phase = "share"
kind = "prompt"             # one of you speaks, the other listens
who = "speaker"
text = """
{{speaker}}, tell {{listener}} about a moment this week when you felt close. \\
{{listener}}, just listen."""

[[step]]
id = "swap"
phase = "share"
kind = "swap_roles"         # the listener becomes the speaker...
loop_to = "share"           # ...and you go back to "share" for the other turn
rounds = 2

[[step]]
id = "remember"
phase = "reflect"
kind = "reflect"            # each of you may write a few words for your journal
text = "What do you want to remember from this?"
next = "end"                # "end" finishes the ritual

[[step]]
id = "later"
phase = "consent"
kind = "reschedule"         # pick another time together; the plan is kept
text = "That is fine. When would be a better time?"
suggest = ["tonight", "tomorrow", "this weekend"]
'''


def run_new(args: argparse.Namespace) -> int:
    from nearer.fsutil import StorageError, ensure_private_dir
    from nearer.paths import config_dir, user_rituals_dir

    name = args.name
    problem = name_problem(name)
    if problem:
        print(f"nearer new: {problem}", file=sys.stderr)
        return 2
    folder = user_rituals_dir()
    target = folder / f"{name}.toml"
    if target.exists():
        print(
            f"nearer new: there is already a ritual at {target}, and nearer never writes over "
            "one. Choose another name, or open that file to edit it.",
            file=sys.stderr,
        )
        return 1
    if args.source:
        found = _source_file(args.source)
        if isinstance(found, str):
            print(f"nearer new: {found}", file=sys.stderr)
            return 2
        text = copy_text(found.read_text(encoding="utf-8"), name)
    else:
        found = None
        text = starter_text(name, target)
    try:
        ensure_private_dir(config_dir())
        ensure_private_dir(folder)
        refresh_schema(folder)
        if found is not None:
            _copy_imports(found, folder)
        with open(target, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        print(f"nearer new: {target} appeared just now; nearer did not touch it.", file=sys.stderr)
        return 1
    except StorageError as error:
        print(f"nearer new: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        print(f"nearer new: nearer could not write {target} ({reason}).", file=sys.stderr)
        return 1
    print(target)
    if name in _builtin_ids():
        print(
            f'Your "{name}" takes the place of the built-in ritual with that name.',
            file=sys.stderr,
        )
    return 0


def name_problem(name: str) -> str | None:
    """A sentence when `name` cannot be a ritual id (and so a file name), else None."""
    if _ID.match(name) and len(name) <= _ID_MAX and name != "end":
        return None
    if name == "end":
        return '"end" is taken: it means the end of a ritual. Choose another name.'
    suggestion = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    suggestion = re.sub(r"^[0-9_]+", "", suggestion)[:_ID_MAX].rstrip("_")
    sentence = (
        f'"{name}" cannot be a ritual name: use lower-case letters, digits and _, starting '
        f"with a letter, at most {_ID_MAX} characters."
    )
    if suggestion and suggestion != "end":
        sentence += f" For example: nearer new {suggestion}"
    return sentence


def starter_text(name: str, path: Path) -> str:
    title = name.replace("_", " ").capitalize()
    pad = " " * max(1, 25 - len(f'id = "{name}"'))
    shown = _shown(path)
    return STARTER.format(schema=SCHEMA_LINE, name=name, id_pad=pad, title=title, path=shown)


def copy_text(text: str, name: str) -> str:
    """`text` with its top-level id set to `name` and a `#:schema` line that resolves from the
    user's rituals folder; everything else, comments included, as it was."""
    head, _, body = text.partition("\n[")
    head = _TOP_ID.sub(lambda m: f'{m.group(1)}"{name}"', head, count=1)
    text = head + ("\n[" + body if _ else "")
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("#:schema"):
        lines[0] = SCHEMA_LINE + "\n"
    else:
        lines.insert(0, SCHEMA_LINE + "\n")
    return "".join(lines)


def refresh_schema(folder: Path) -> None:
    """Put the current editor schema beside the user's rituals, unless it is already there."""
    from nearer.fsutil import write_atomic
    from nearer.resources import builtin_rituals_dir

    schema = (builtin_rituals_dir() / SCHEMA_NAME).read_bytes()
    target = folder / SCHEMA_NAME
    try:
        if target.read_bytes() == schema:
            return
    except OSError:
        pass
    write_atomic(target, schema, 0o644, doing="copy the editor schema")


def _source_file(wanted: str) -> Path | str:
    """The file of the ritual to copy, or a sentence saying it is not there."""
    from nearer.paths import user_rituals_dir
    from nearer.resources import builtin_rituals_dir

    if wanted.endswith(".toml") or os.sep in wanted:
        path = Path(wanted).expanduser()
        return path if path.is_file() else f"there is no ritual file at {wanted}."
    for folder in (user_rituals_dir(), builtin_rituals_dir()):
        path = folder / f"{wanted}.toml"
        if path.is_file():
            return path
    known = sorted(_builtin_ids())
    from nearer.ritual.load import did_you_mean

    return (
        f'there is no ritual called "{wanted}".{did_you_mean(wanted, known)} '
        "`nearer list` shows the ones there are."
    )


def _copy_imports(source: Path, folder: Path) -> None:
    """Deck files a ritual imports that would not be found from the user's folder (they sat
    beside the ritual copied) are copied along; a deck file of the same name already there wins."""
    import shutil
    import tomllib

    from nearer.resources import builtin_rituals_dir

    try:
        imports = tomllib.loads(source.read_text(encoding="utf-8")).get("imports", [])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return
    if not isinstance(imports, list):
        return
    for name in imports:
        if not isinstance(name, str):
            continue
        beside = source.parent / name
        if not beside.is_file():
            continue
        if (builtin_rituals_dir() / name).is_file() or (folder / name).exists():
            continue
        target = folder / name
        if folder.resolve() not in target.resolve().parents:
            continue  # an import reaching outside the folder stays where it is
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(beside, target)


def _builtin_ids() -> set[str]:
    from nearer.resources import builtin_rituals_dir

    return {path.stem for path in builtin_rituals_dir().glob("*.toml")}


def _shown(path: Path) -> str:
    """The path as someone would type it: with ~ for the home folder."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return os.fspath(path)
