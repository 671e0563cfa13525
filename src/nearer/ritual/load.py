"""Reading ritual and deck files: TOML -> the typed model, with every problem named by file and line.

This is the first half of the checker's stages: syntax (E001), format version (E002), the shape of
each table (E003, E004) and imports. `check.py` runs the rest on what this returns. Nothing here
raises on a bad file; problems become `Diagnostic`s. `load_ritual` is the one call that raises,
with a `RitualError` carrying the diagnostics, for callers that want a ritual or nothing.

Imports: `imports = ["decks/tender.toml"]` is looked up in the built-in rituals folder, then the
user's rituals folder, then beside the ritual itself. Every copy found is read, most general first;
a later copy of a deck with the same name adds its cards (and any `draw`, `no_repeat` or `title` it
sets replaces the earlier one). That is how a user extends a built-in deck without copying it. A
ritual's own `[decks.<name>]` replaces an imported deck of the same name outright.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec

from nearer.ritual.locate import Locator, Path as DataPath, parse_json_path
from nearer.ritual.model import (
    FORMAT_VERSION,
    KINDS,
    Deck,
    DeckFile,
    Ritual,
    decode_ritual,
)


class Diagnostic(msgspec.Struct, frozen=True, kw_only=True):
    """One problem in one file, said so that someone who is not a programmer can fix it."""

    path: str
    line: int
    severity: Literal["error", "warning"]
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        """gcc style, so editors and terminals can jump to the line; the hint goes underneath.
        Control characters from the file (a newline in an id, a terminal escape) are shown
        escaped, so each problem stays on its own line and cannot restyle the terminal."""
        text = f"{_visible(self.path)}:{self.line}: {self.severity} {self.code} "
        text += _visible(self.message)
        if self.hint:
            text += "\n" + "\n".join("    " + _visible(line) for line in self.hint.splitlines())
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


class RitualError(Exception):
    """A ritual that cannot be used as written; `diagnostics` says why, with files and lines."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        first = next((d for d in self.diagnostics if d.is_error), None)
        super().__init__(first.format() if first else "the ritual could not be loaded")


class Source:
    """One file's text and parsed table; lines are worked out only when a problem needs one."""

    def __init__(self, display: str, text: str, data: dict[str, Any], raw: bytes) -> None:
        self.display = display
        self.text = text
        self.data = data
        self.raw = raw
        self._locator: Locator | None = None

    def line(self, path: str | Iterable[str | int] = ()) -> int:
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator.line_of(path)

    def diagnostic(
        self,
        path: str | Iterable[str | int],
        code: str,
        message: str,
        hint: str = "",
    ) -> Diagnostic:
        severity: Literal["error", "warning"] = "warning" if code.startswith("W") else "error"
        return Diagnostic(
            path=self.display,
            line=self.line(path),
            severity=severity,
            code=code,
            message=message,
            hint=hint,
        )


class DeckOrigin(msgspec.Struct):
    """Where a deck was (last) defined, so a problem with it points at the right file and line."""

    source: Source
    path: DataPath


class Loaded(msgspec.Struct, kw_only=True):
    """What reading one ritual file gave: the ritual (None if its shape is wrong), where each part
    came from, and the problems found so far."""

    source: Source | None
    ritual: Ritual | None
    diagnostics: list[Diagnostic] = msgspec.field(default_factory=list)
    deck_origins: dict[str, DeckOrigin] = msgspec.field(default_factory=dict)
    imported: list[Source] = msgspec.field(default_factory=list)
    missing_imports: list[str] = msgspec.field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """sha256 of the ritual file and every deck file it pulled in, in the order they were
        read: the engine stores it so a saved run is never resumed against a changed ritual."""
        import hashlib  # OpenSSL costs a few ms to load; only the engine asks for this

        digest = hashlib.sha256()
        for source in [self.source, *self.imported]:
            if source is not None:
                digest.update(len(source.raw).to_bytes(8, "big"))
                digest.update(source.raw)
        return digest.hexdigest()


# -- public entry points ------------------------------------------------------------------------


def load_ritual(path: str | os.PathLike[str], *, search_dirs: Sequence[Path] | None = None) -> Ritual:
    """The ritual in `path`, fully checked; raises `RitualError` if it has any error."""
    from nearer.ritual.check import check_loaded  # check builds on this module

    loaded = load_file(path, search_dirs=search_dirs)
    diagnostics = loaded.diagnostics + check_loaded(loaded)
    if loaded.ritual is None or any(d.is_error for d in diagnostics):
        raise RitualError(diagnostics)
    return loaded.ritual


def loads_ritual(
    text: str,
    *,
    path: str | os.PathLike[str] = "<string>",
    search_dirs: Sequence[Path] | None = None,
) -> Ritual:
    """Like `load_ritual`, from text (tests, the editor preview); `path` names it in messages
    and is where relative imports are looked up."""
    from nearer.ritual.check import check_loaded

    loaded = load_text(text, path=path, search_dirs=search_dirs)
    diagnostics = loaded.diagnostics + check_loaded(loaded)
    if loaded.ritual is None or any(d.is_error for d in diagnostics):
        raise RitualError(diagnostics)
    return loaded.ritual


def content_hash(path: str | os.PathLike[str], *, search_dirs: Sequence[Path] | None = None) -> str:
    return load_file(path, search_dirs=search_dirs).content_hash


def load_file(
    path: str | os.PathLike[str],
    *,
    search_dirs: Sequence[Path] | None = None,
    display: str | None = None,
) -> Loaded:
    """Read a ritual file through the shape stages; never raises for a bad file."""
    display = display if display is not None else os.fspath(path)
    source, problems = read_source(Path(path), display)
    if source is None:
        return Loaded(source=None, ritual=None, diagnostics=problems)
    return load_source(source, Path(path), search_dirs)


def load_text(
    text: str,
    *,
    path: str | os.PathLike[str] = "<string>",
    search_dirs: Sequence[Path] | None = None,
) -> Loaded:
    display = os.fspath(path)
    source, problems = parse_source(display, text, text.encode("utf-8"))
    if source is None:
        return Loaded(source=None, ritual=None, diagnostics=problems)
    return load_source(source, Path(path), search_dirs)


def decode_deck_file(
    source: Source,
) -> tuple[dict[str, DeckOrigin], dict[str, Deck], list[Diagnostic]]:
    """A parsed deck file through the version and shape stages: where each deck is, the decks,
    and the problems (no decks at all when there is any)."""
    return _decode_deck_file(source)


# -- stage 1: syntax ----------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_source(path: Path, display: str) -> tuple[Source | None, list[Diagnostic]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [_file_problem(display, f"there is no file at {display}.")]
    except IsADirectoryError:
        return None, [_file_problem(display, f"{display} is a folder, not a ritual file.")]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [_file_problem(display, f"nearer could not read this file ({reason}).")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [
            _file_problem(
                display,
                "this file is not plain UTF-8 text, so it cannot be a ritual.",
                line=line,
                hint="Save it as UTF-8 in your editor.",
            )
        ]
    return parse_source(display, text, raw)


def parse_source(display: str, text: str, raw: bytes) -> tuple[Source | None, list[Diagnostic]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.search(message)
        if match:
            line = int(match.group(1))
        else:  # "(at end of document)"
            line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        reason = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
        return None, [
            _file_problem(
                display,
                f"this line is not valid TOML ({_toml_reason(reason)}).",
                line=line,
                hint="Check the quotes, brackets and `=` signs on this line and the one before.",
            )
        ]
    return Source(display, text, data, raw), []


def _toml_reason(reason: str) -> str:
    known = {
        "Cannot overwrite a value": "a key is set twice",
        "Unterminated string": "a text in quotes is never closed",
        "Invalid value": "a value is missing or not understood",
        "Expected '=' after a key in a key/value pair": "a key has no `=` after it",
        "Invalid statement": "this is neither a key = value line nor a [table] header",
        "Unclosed array": "a list in [brackets] is never closed",
    }
    if reason.startswith("Illegal character '\\n'"):
        return "a text in quotes is never closed before the line ends"
    return known.get(reason, reason[:1].lower() + reason[1:])


def _file_problem(display: str, message: str, *, line: int = 1, hint: str = "") -> Diagnostic:
    return Diagnostic(
        path=display, line=line, severity="error", code="E001", message=message, hint=hint
    )


# -- stages 2 and 3: version and shape ----------------------------------------------------------


def _check_version(source: Source, what: str, *, required: bool) -> list[Diagnostic]:
    data = source.data
    if "format" not in data:
        if not required:
            return []
        return [
            source.diagnostic(
                (),
                "E002",
                f"this {what} does not say which format it is written in.",
                hint=f"Add the line `format = {FORMAT_VERSION}` near the top.",
            )
        ]
    version = data["format"]
    if type(version) is not int:
        return [
            source.diagnostic(
                ("format",),
                "E002",
                f"`format` should be the number {FORMAT_VERSION}, not {_describe_value(version)}.",
            )
        ]
    if version != FORMAT_VERSION:
        newer = "a newer" if version > FORMAT_VERSION else "an unknown"
        return [
            source.diagnostic(
                ("format",),
                "E002",
                f"this {what} is written for format {version}, but this nearer reads format "
                f"{FORMAT_VERSION}.",
                hint=f"It may need {newer} nearer; or change it to `format = {FORMAT_VERSION}`.",
            )
        ]
    return []


def load_source(source: Source, path: Path, search_dirs: Sequence[Path] | None) -> Loaded:
    """A parsed ritual file through the version and shape stages, then its imports."""
    version_problems = _check_version(source, "ritual", required=True)
    if version_problems:
        return Loaded(source=source, ritual=None, diagnostics=version_problems)
    try:
        ritual = decode_ritual(source.data)
    except msgspec.ValidationError as error:
        problems = _shape_problems(source) or [
            _validation_problem(source, str(error), (), "the ritual", Ritual)
        ]
        return Loaded(source=source, ritual=None, diagnostics=problems)
    loaded = Loaded(source=source, ritual=ritual)
    for name in ritual.decks:
        loaded.deck_origins[name] = DeckOrigin(source, ("decks", name))
    if ritual.imports:
        _resolve_imports(loaded, path, search_dirs)
    return loaded


def _shape_problems(source: Source) -> list[Diagnostic]:
    """Every shape problem we can find, not just msgspec's first: each step, each deck and the
    top level are checked apart, so one typo does not hide the next."""
    data = source.data
    problems: list[Diagnostic] = []
    top = dict(data)
    steps = top.get("step")
    decks = top.get("decks")
    if isinstance(steps, list):
        top["step"] = []
    if isinstance(decks, dict):
        top["decks"] = {}
    problems += _table_problems(source, top, Ritual, (), "the ritual")
    if isinstance(steps, list):
        for index, raw in enumerate(steps):
            problems += _step_problems(source, index, raw)
    if isinstance(decks, dict):
        for name, raw in decks.items():
            problems += _table_problems(source, raw, Deck, ("decks", name), f'deck "{name}"')
    return problems


def _step_problems(source: Source, index: int, raw: Any) -> list[Diagnostic]:
    path: DataPath = ("step", index)
    subject = _step_subject(raw, index)
    if not isinstance(raw, dict):
        return [
            source.diagnostic(
                path, "E003", f"{subject} should be a table of keys, written as [[step]]."
            )
        ]
    kind = raw.get("kind")
    if kind is None:
        return [
            source.diagnostic(
                path,
                "E004",
                f"{subject} has no `kind`, so nearer does not know what it should do.",
                hint="Add a line such as `kind = \"text\"`. The kinds are: " + _kinds() + ".",
            )
        ]
    if not isinstance(kind, str) or kind not in KINDS:
        shown = kind if isinstance(kind, str) else _describe_value(kind)
        guess = did_you_mean(str(kind), KINDS)
        return [
            source.diagnostic(
                path + ("kind",),
                "E004",
                f'{subject} has kind "{shown}", which nearer does not know.{guess}',
                hint="The kinds are: " + _kinds() + ".",
            )
        ]
    step_type = KINDS[kind]
    problems = []
    on = raw.get("on")
    if isinstance(on, dict):
        for outcome, target in on.items():
            if not isinstance(target, str):
                problems.append(
                    source.diagnostic(
                        path + ("on", outcome),
                        "E003",
                        f'in {subject}, `on.{outcome}` should be the id of a step in quotes, not '
                        f"{_describe_value(target)}.",
                    )
                )
        if problems:
            raw = {key: value for key, value in raw.items() if key != "on"}
    # The tag is not a field of the struct, so leave it out of the known-key list.
    return problems + _table_problems(source, raw, step_type, path, subject, ignore=("kind",))


def _table_problems(
    source: Source,
    raw: Any,
    struct: type[msgspec.Struct],
    path: DataPath,
    subject: str,
    *,
    ignore: tuple[str, ...] = (),
) -> list[Diagnostic]:
    if not isinstance(raw, dict):
        return [
            source.diagnostic(
                path, "E003", f"{subject} should be a table of keys, not {_describe_value(raw)}."
            )
        ]
    problems = []
    fields = struct.__struct_fields__
    known = {*fields, *ignore}
    unknown = [key for key in raw if key not in known]
    original = raw
    if unknown:
        raw = {key: value for key, value in raw.items() if key not in unknown}
    for key in unknown:
        guess = closest(key, fields)
        problems.append(
            source.diagnostic(
                path + (key,),
                "E003",
                f'{subject} has a key "{key}" that nearer does not know.'
                + (f' Did you mean "{guess}"?' if guess else ""),
                hint="Allowed here: " + ", ".join(fields) + ".",
            )
        )
        if guess is not None and guess not in raw:
            # Read the typo as the key it stands for, so it is not also reported as missing.
            raw[guess] = original[key]
    try:
        msgspec.convert(raw, struct, strict=True)
    except msgspec.ValidationError as error:
        problems.append(_validation_problem(source, str(error), path, subject, struct))
    return problems


_MSGSPEC_ERROR = re.compile(r"^(?P<what>.*?)(?: - at `(?P<at>\$[^`]*)`)?$", re.S)


def _validation_problem(
    source: Source, error: str, base: DataPath, subject: str, struct: type[msgspec.Struct]
) -> Diagnostic:
    """msgspec's terse message, said as a sentence, at the line of the key it is about."""
    match = _MSGSPEC_ERROR.match(error)
    assert match is not None
    what = match.group("what")
    relative = parse_json_path(match.group("at") or "$")
    if struct is not Ritual and struct is not Deck:
        # A step's own struct may carry a `kind` tag error path; keep paths relative to the step.
        pass
    path = base + relative
    missing = re.match(r"Object missing required field `(.+)`", what)
    if missing:
        key = missing.group(1)
        where = f"{_field_name(relative)} in {subject}" if relative else subject
        return source.diagnostic(
            path, "E003", f'{where} needs a "{key}" key, and it has none.'
        )
    expected = re.match(r"Expected `(.+?)`, got `(.+?)`", what)
    if expected:
        wanted = _type_words(expected.group(1))
        got = _type_words(expected.group(2))
        return source.diagnostic(
            path, "E003", f"{_field_phrase(relative, subject)} should be {wanted}, not {got}."
        )
    enum = re.match(r"Invalid enum value '?(.*?)'?$", what)
    if enum:
        value = enum.group(1)
        allowed = _allowed_values(struct, relative)
        hint = "It can be one of: " + ", ".join(f'"{v}"' for v in allowed) + "." if allowed else ""
        return source.diagnostic(
            path,
            "E003",
            f'{_field_phrase(relative, subject)} is "{value}", which is not one of its choices.'
            + did_you_mean(value, allowed),
            hint=hint,
        )
    return source.diagnostic(
        path, "E003", f"{_field_phrase(relative, subject)} is not right: {what}."
    )


def _field_name(relative: DataPath) -> str:
    """("cues", 1, "at") -> '"at" in item 2 of "cues"': innermost first, as people say it."""
    words = ""
    previous: str | int | None = None
    for part in reversed(relative):
        word = f"item {part + 1}" if isinstance(part, int) else f'"{part}"'
        if previous is None:
            words = word
        else:
            words += (" of " if isinstance(previous, int) else " in ") + word
        previous = part
    return words


def _field_phrase(relative: DataPath, subject: str) -> str:
    if not relative:
        return subject[:1].upper() + subject[1:]
    return f"{_field_name(relative)} in {subject}"


_TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "str": "text in quotes",
    "bool": "true or false",
    "array": "a list in [brackets]",
    "object": "a table",
    "null": "nothing",
    "datetime": "a date and time",
    "date": "a date",
    "time": "a time",
}


def _type_words(spec: str) -> str:
    names = [name.strip() for name in spec.split("|") if name.strip() != "null"]
    return " or ".join(_TYPE_WORDS.get(name, name) for name in names) or "nothing"


def _allowed_values(struct: type[msgspec.Struct], relative: DataPath) -> tuple[str, ...]:
    import msgspec.inspect as mi  # only on this error path

    info: Any = mi.type_info(struct)
    for part in relative:
        info = _unwrap(info)
        if isinstance(part, int):
            info = getattr(info, "item_type", None)
        elif isinstance(info, mi.StructType):
            info = next((f.type for f in info.fields if f.name == part), None)
        elif isinstance(info, mi.DictType):
            info = info.value_type
        else:
            return ()
        if info is None:
            return ()
    info = _unwrap(info)
    if isinstance(info, mi.LiteralType):
        return tuple(str(value) for value in info.values)
    return ()


def _unwrap(info: Any) -> Any:
    import msgspec.inspect as mi

    if isinstance(info, mi.UnionType):
        others = [t for t in info.types if not isinstance(t, mi.NoneType)]
        if len(others) == 1:
            return others[0]
    return info


# -- imports ------------------------------------------------------------------------------------


def default_search_dirs() -> list[Path]:
    """Built-in rituals first (the most general), then the user's own rituals folder."""
    from nearer.paths import user_rituals_dir
    from nearer.resources import builtin_rituals_dir

    return [builtin_rituals_dir(), user_rituals_dir()]


def display_path(path: Path) -> str:
    """A path short enough to read: relative to the current folder when it is inside it."""
    try:
        return os.fspath(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return os.fspath(path)


def _resolve_imports(loaded: Loaded, path: Path, search_dirs: Sequence[Path] | None) -> None:
    assert loaded.ritual is not None and loaded.source is not None
    ritual = loaded.ritual
    dirs = list(default_search_dirs() if search_dirs is None else search_dirs)
    dirs.append(path.parent)
    imported: dict[str, Deck] = {}
    origins: dict[str, DeckOrigin] = {}
    for position, name in enumerate(ritual.imports):
        copies = _find_copies(name, dirs)
        if not copies:
            loaded.missing_imports.append(name)
            loaded.diagnostics.append(
                loaded.source.diagnostic(
                    ("imports", position),
                    "W080",
                    f'the import "{name}" cannot be found, so its decks are not available.',
                    hint="Looked in: " + ", ".join(display_path(d) for d in dirs) + ".",
                )
            )
            continue
        for copy in copies:
            source, problems = read_source(copy, display_path(copy))
            loaded.diagnostics.extend(problems)
            if source is None:
                continue
            loaded.imported.append(source)
            file_origins, decks, problems = _decode_deck_file(source)
            loaded.diagnostics.extend(problems)
            for deck_name, deck in decks.items():
                origins[deck_name] = file_origins[deck_name]
                earlier = imported.get(deck_name)
                imported[deck_name] = (
                    deck if earlier is None else _extend(earlier, deck, source, deck_name)
                )
    own = ritual.decks
    merged = {name: deck for name, deck in imported.items() if name not in own}
    merged.update(own)
    ritual.decks = merged
    for name, origin in origins.items():
        if name not in own:
            loaded.deck_origins[name] = origin


def _find_copies(name: str, dirs: Sequence[Path]) -> list[Path]:
    copies: list[Path] = []
    seen: set[Path] = set()
    for folder in dirs:
        candidate = folder / name
        try:
            if not candidate.is_file():
                continue
            resolved = candidate.resolve()
        except OSError:
            continue
        if resolved not in seen:
            seen.add(resolved)
            copies.append(candidate)
    return copies


def _extend(earlier: Deck, later: Deck, source: Source, name: str) -> Deck:
    """A later copy of a deck adds its cards; settings it writes out replace the earlier ones."""
    raw = source.data.get("decks", {}).get(name, {})
    cards = list(earlier.cards)
    cards += [card for card in later.cards if card not in cards]
    return Deck(
        cards=cards,
        draw=later.draw if "draw" in raw else earlier.draw,
        no_repeat=later.no_repeat if "no_repeat" in raw else earlier.no_repeat,
        title=later.title if "title" in raw else earlier.title,
    )


def _decode_deck_file(
    source: Source,
) -> tuple[dict[str, DeckOrigin], dict[str, Deck], list[Diagnostic]]:
    problems = _check_version(source, "deck file", required=False)
    if problems:
        return {}, {}, problems
    try:
        deck_file = msgspec.convert(source.data, DeckFile, strict=True)
    except msgspec.ValidationError:
        top = dict(source.data)
        decks = top.get("decks")
        if isinstance(decks, dict):
            top["decks"] = {}
        problems = _table_problems(source, top, DeckFile, (), "this deck file")
        if isinstance(decks, dict):
            for name, raw in decks.items():
                problems += _table_problems(source, raw, Deck, ("decks", name), f'deck "{name}"')
        return {}, {}, problems
    origins = {name: DeckOrigin(source, ("decks", name)) for name in deck_file.decks}
    return origins, dict(deck_file.decks), []


# -- words --------------------------------------------------------------------------------------


def _kinds() -> str:
    return ", ".join(KINDS)


def _step_subject(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"]:
        return f'step "{raw["id"]}"'
    return f"step {index + 1}"


def closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib  # only when there is a problem to suggest a fix for

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean "x"?' for the closest choice, or nothing when none is close."""
    guess = closest(word, choices)
    return f' Did you mean "{guess}"?' if guess else ""


def _describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    for python_type, words in (
        (int, "a whole number"),
        (float, "a number"),
        (str, "text"),
        (list, "a list"),
        (dict, "a table"),
    ):
        if isinstance(value, python_type):
            return words
    return "a date or time"

