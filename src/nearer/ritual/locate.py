"""Where things are in a TOML file: maps a JSON path such as `$.step[8].seconds` to a line.

`tomllib` gives values but no positions, so this small scanner walks the text once and records the
line of every table header, key, array element and inline-table key under the same path the parsed
data has. It understands `[[step]]` arrays of tables, `[decks.tender]` tables, dotted keys
(`on.yes = ...`), quoted keys, inline tables, multi-line arrays and strings, and comments.

It is only asked about files `tomllib` has already accepted, but it never raises: on anything it
does not follow it stops and answers from what it has seen, falling back to the nearest enclosing
table's line, then to line 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PathPart = str | int
Path = tuple[PathPart, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}\n#")
_JSON_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[\.\.\.\]")


def parse_json_path(json_path: str) -> Path:
    """`$.step[8].seconds` -> ("step", 8, "seconds"). A `[...]` (msgspec's way of saying "some
    key of a table") ends the path there, so the answer is the enclosing table."""
    parts: list[PathPart] = []
    position = 1 if json_path.startswith("$") else 0
    while position < len(json_path):
        match = _JSON_PATH_PART.match(json_path, position)
        if match is None or match.group(0) == "[...]":
            break
        key, index = match.groups()
        parts.append(key if key is not None else int(index))
        position = match.end()
    return tuple(parts)


class Locator:
    """The line of each path in one TOML text."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        scanner = _Scanner(text, self.lines)
        try:
            scanner.document()
        except _Stop:
            pass

    def line_of(self, path: str | Iterable[PathPart]) -> int:
        """The 1-based line of `path`, else of the nearest enclosing table or key that has one."""
        parts = parse_json_path(path) if isinstance(path, str) else tuple(path)
        while parts:
            line = self.lines.get(parts)
            if line is not None:
                return line
            parts = parts[:-1]
        return 1


class _Stop(Exception):
    """The scanner met text it does not follow; what it has recorded so far stands."""


class _Scanner:
    def __init__(self, text: str, lines: dict[Path, int]) -> None:
        self.text = text
        self.end = len(text)
        self.pos = 0
        self.line = 1
        self.lines = lines
        self.table: Path = ()
        # How many tables each array of tables has had so far, by its resolved path.
        self.array_counts: dict[Path, int] = {}

    # -- characters ---------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < self.end else ""

    def advance(self, count: int = 1) -> None:
        stop = min(self.pos + count, self.end)
        self.line += self.text.count("\n", self.pos, stop)
        self.pos = stop

    def skip_blanks(self) -> None:
        """Spaces and tabs only: a newline ends a key/value pair."""
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def skip_blanks_newlines_comments(self) -> None:
        while True:
            char = self.peek()
            if char in (" ", "\t", "\r"):
                self.pos += 1
            elif char == "\n":
                self.pos += 1
                self.line += 1
            elif char == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        newline = self.text.find("\n", self.pos)
        self.pos = self.end if newline == -1 else newline

    def skip_to_next_line(self) -> None:
        newline = self.text.find("\n", self.pos)
        if newline == -1:
            self.pos = self.end
        else:
            self.pos = newline + 1
            self.line += 1

    # -- document -----------------------------------------------------------------------------

    def document(self) -> None:
        while True:
            self.skip_blanks_newlines_comments()
            if self.pos >= self.end:
                return
            if self.peek() == "[":
                self.header()
            else:
                self.key_value(self.table)
            self.skip_blanks()
            if self.peek() == "#":
                self.skip_comment()
            if self.pos < self.end and self.peek() not in ("\n", "\r"):
                raise _Stop
            self.skip_to_next_line()

    def header(self) -> None:
        line = self.line
        is_array = self.peek(1) == "["
        self.advance(2 if is_array else 1)
        self.skip_blanks()
        keys = self.dotted_key()
        self.skip_blanks()
        closing = "]]" if is_array else "]"
        if self.text[self.pos : self.pos + len(closing)] != closing:
            raise _Stop
        self.advance(len(closing))
        resolved = self.resolve(keys[:-1]) + (keys[-1],)
        if is_array:
            index = self.array_counts.get(resolved, -1) + 1
            self.array_counts[resolved] = index
            self.lines.setdefault(resolved, line)
            self.table = resolved + (index,)
        else:
            self.table = self.resolve(keys)
        self.lines[self.table] = line

    def resolve(self, keys: tuple[str, ...]) -> Path:
        """A header's keys as a data path: an array of tables named on the way means its last
        table, as in TOML."""
        path: Path = ()
        for key in keys:
            path = path + (key,)
            count = self.array_counts.get(path)
            if count is not None:
                path = path + (count,)
        return path

    def key_value(self, table: Path) -> None:
        line = self.line
        keys = self.dotted_key()
        for depth in range(1, len(keys)):
            self.lines.setdefault(table + keys[:depth], line)
        path = table + keys
        self.lines[path] = line
        self.skip_blanks()
        if self.peek() != "=":
            raise _Stop
        self.advance()
        self.skip_blanks()
        self.value(path)

    def dotted_key(self) -> tuple[str, ...]:
        keys = [self.simple_key()]
        while True:
            self.skip_blanks()
            if self.peek() != ".":
                return tuple(keys)
            self.advance()
            self.skip_blanks()
            keys.append(self.simple_key())

    def simple_key(self) -> str:
        char = self.peek()
        if char in ('"', "'"):
            start = self.pos
            self.string()
            return _unquote(self.text[start : self.pos])
        start = self.pos
        while self.peek() in _BARE_KEY and self.peek() != "":
            self.pos += 1
        if self.pos == start:
            raise _Stop
        return self.text[start : self.pos]

    # -- values -------------------------------------------------------------------------------

    def value(self, path: Path) -> None:
        char = self.peek()
        if char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        elif char in ('"', "'"):
            self.string()
        else:
            start = self.pos
            while self.pos < self.end and self.text[self.pos] not in _SCALAR_END:
                self.pos += 1
            if self.pos == start:
                raise _Stop

    def array(self, path: Path) -> None:
        self.advance()
        index = 0
        while True:
            self.skip_blanks_newlines_comments()
            if self.pos >= self.end:
                raise _Stop
            if self.peek() == "]":
                self.advance()
                return
            self.lines[path + (index,)] = self.line
            self.value(path + (index,))
            self.skip_blanks_newlines_comments()
            if self.peek() == ",":
                self.advance()
            index += 1

    def inline_table(self, path: Path) -> None:
        self.advance()
        while True:
            self.skip_blanks()
            if self.pos >= self.end or self.peek() == "\n":
                raise _Stop
            if self.peek() == "}":
                self.advance()
                return
            self.key_value(path)
            self.skip_blanks()
            if self.peek() == ",":
                self.advance()

    def string(self) -> None:
        quote = self.peek()
        triple = self.text[self.pos : self.pos + 3] == quote * 3
        if triple:
            self.advance(3)
            while True:
                close = self.text.find(quote * 3, self.pos)
                if close == -1:
                    raise _Stop
                if quote == '"' and _escaped(self.text, close):
                    self.advance(close + 1 - self.pos)
                    continue
                # Up to two quotes may sit right before the closing three.
                while self.text[close + 3 : close + 4] == quote and close + 3 < self.end:
                    close += 1
                self.advance(close + 3 - self.pos)
                return
        self.advance()
        while True:
            char = self.peek()
            if char in ("", "\n"):
                raise _Stop
            if char == "\\" and quote == '"':
                self.pos += 2
                continue
            self.pos += 1
            if char == quote:
                return


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` follows an odd number of backslashes."""
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _unquote(token: str) -> str:
    if token.startswith("'"):
        return token[1:-1]
    import json

    try:
        return json.loads(token)
    except ValueError:
        return token[1:-1]
