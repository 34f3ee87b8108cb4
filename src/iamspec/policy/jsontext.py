"""A small JSON parser that remembers where every value is.

Python's :mod:`json` drops source positions, collapses duplicate keys and turns numbers
into floats. IAM needs all three kept: the simulator reports statement positions, IAM
rejects duplicate keys (so the grammar layer must see them), and condition values are
compared as strings in their original spelling. This module parses strict JSON (RFC 8259)
into a tree of nodes that keep their character offsets and 1-based (line, column)
positions, and reports defects with human messages at the offending character.

Lines end at LF, CRLF or a lone CR; columns count characters (code points).

Hostile input is refused with a positioned error, never a crash: nesting deeper than
:data:`MAX_DEPTH` (the parser recurses once per level; IAM's grammar never nests deeper than
six), and an escape that denotes no character (a lone surrogate such as ``"\\ud800"``, which
no encoder can write). A caller may also restrict which characters an escape may denote
(``allowed``): the policy parser applies IAM's character rule to ``\\uXXXX`` exactly as to
raw characters.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from iamspec.errors import PolicyParseError
from iamspec.policy.model import Position

__all__ = [
    "MAX_DEPTH",
    "JsonArray",
    "JsonBool",
    "JsonDocument",
    "JsonMember",
    "JsonNull",
    "JsonNumber",
    "JsonObject",
    "JsonString",
    "JsonValue",
    "LineIndex",
    "describe",
    "parse_json",
    "parse_json_prefix",
]

_WHITESPACE = " \t\n\r"
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
# Characters that make up a bare word such as a misspelt literal (``True``, ``None``).
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.+-")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The characters that end a run of plain string content.
_STRING_STOP = re.compile(r'["\\\x00-\x1f]')
_CONTROL_NAMES = {"\t": "tab", "\n": "line feed", "\r": "carriage return"}

MAX_DEPTH = 64
"""How deeply arrays and objects may nest. An IAM policy needs six levels (policy, Statement
list, statement, Condition, operator, value list); 64 leaves room for any JSON a policy tool
writes while keeping the recursive descent far from Python's recursion limit."""

CharacterRule = Callable[[str], str | None]
"""Given a character an escape denotes, None when allowed, else why it is not."""


class LineIndex:
    """Maps character offsets to 1-based (line, column) positions of one text."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def position(self, offset: int) -> Position:
        """The position of the character at ``offset`` (``len(text)`` is allowed).

        A line break belongs to the line it ends, so the offset just after a value's last
        character is that character's column plus one, even at the end of a line.
        """
        line = bisect.bisect_right(self._starts, offset)
        return Position(line, offset - self._starts[line - 1] + 1)


@dataclass(frozen=True, slots=True)
class _Node:
    """Offsets (``end`` is exclusive) and the matching positions of a value."""

    start_offset: int
    end_offset: int
    start: Position
    end: Position


@dataclass(frozen=True, slots=True)
class JsonString(_Node):
    """A string, with escapes decoded."""

    value: str


@dataclass(frozen=True, slots=True)
class JsonNumber(_Node):
    """A number in its original spelling (IAM compares condition values as text)."""

    text: str


@dataclass(frozen=True, slots=True)
class JsonBool(_Node):
    value: bool


@dataclass(frozen=True, slots=True)
class JsonNull(_Node):
    pass


@dataclass(frozen=True, slots=True)
class JsonMember:
    """One ``"key": value`` pair of an object."""

    key: JsonString
    value: JsonValue


@dataclass(frozen=True, slots=True)
class JsonObject(_Node):
    """An object with every member in source order, duplicates included."""

    members: tuple[JsonMember, ...]

    def get(self, key: str) -> JsonValue | None:
        """The value of the first member named ``key``, if any."""
        for member in self.members:
            if member.key.value == key:
                return member.value
        return None


@dataclass(frozen=True, slots=True)
class JsonArray(_Node):
    """An array with its items in source order."""

    items: tuple[JsonValue, ...]


JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonBool | JsonNull


@dataclass(frozen=True, slots=True)
class JsonDocument:
    """A parsed text: its root value and the line index that positions refer to."""

    root: JsonValue
    lines: LineIndex


def describe(node: JsonValue) -> str:
    """A short name for the kind of a value, for error messages."""
    if isinstance(node, JsonObject):
        return "an object"
    if isinstance(node, JsonArray):
        return "an array"
    if isinstance(node, JsonString):
        return "a string"
    if isinstance(node, JsonNumber):
        return "a number"
    if isinstance(node, JsonBool):
        return "a boolean"
    return "null"


def _show(ch: str) -> str:
    """Render one character for a message: ``'x'`` or ``U+000A (line feed)``."""
    if ch in _CONTROL_NAMES:
        return f"U+{ord(ch):04X} ({_CONTROL_NAMES[ch]})"
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"U+{ord(ch):04X}"
    return repr(ch)


class _Parser:
    """Recursive descent over one text; every method starts at ``self.pos``."""

    def __init__(
        self, text: str, source: str, lines: LineIndex, allowed: CharacterRule | None = None
    ) -> None:
        self.text = text
        self.n = len(text)
        self.source = source
        self.lines = lines
        self.pos = 0
        self.depth = 0
        self.allowed = allowed

    # -- errors -------------------------------------------------------------------------

    def error(self, offset: int, reason: str) -> PolicyParseError:
        pos = self.lines.position(offset)
        return PolicyParseError(self.source, pos.line, pos.column, reason)

    def eof_error(self, expected: str, opener: tuple[str, int] | None = None) -> PolicyParseError:
        """End of input, reported just after the last non-blank character."""
        offset = len(self.text.rstrip(_WHITESPACE))
        reason = f"unexpected end of input: expected {expected}"
        if opener is not None:
            char, at = opener
            closer = "}" if char == "{" else "]"
            where = self.lines.position(at)
            kind = "object" if char == "{" else "array"
            reason += (
                f" (the {kind} opened with {char!r} at line {where.line}, column "
                f"{where.column} is never closed: missing {closer!r}?)"
            )
        return self.error(offset, reason)

    # -- helpers ------------------------------------------------------------------------

    def skip_ws(self) -> None:
        text, pos, n = self.text, self.pos, self.n
        while pos < n and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos

    def node_args(self, start: int, end: int) -> tuple[int, int, Position, Position]:
        return start, end, self.lines.position(start), self.lines.position(end)

    # -- values -------------------------------------------------------------------------

    def value(self, context: str) -> JsonValue:
        """Parse a value at ``self.pos`` (whitespace already skipped)."""
        if self.pos >= self.n:
            raise self.eof_error(context)
        ch = self.text[self.pos]
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.array()
        if ch == '"':
            return self.string()
        if ch == "-" or ch in _DIGITS:
            return self.number()
        return self.literal(context)

    def literal(self, context: str) -> JsonValue:
        start = self.pos
        text = self.text
        for word, make in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, start):
                end = start + len(word)
                if end < self.n and text[end] in _WORD:
                    break  # e.g. ``trueish``: report the whole word below
                self.pos = end
                args = self.node_args(start, end)
                return JsonNull(*args) if make is None else JsonBool(*args, make)
        ch = text[start]
        if ch == "'":
            raise self.error(start, "strings must be enclosed in double quotes, not single quotes")
        end = start
        while end < self.n and text[end] in _WORD:
            end += 1
        if end > start:
            word = text[start:end]
            hint = ""
            if word.lower() in ("true", "false", "null"):
                hint = f"; JSON literals are lower-case: {word.lower()}"
            elif word in ("None", "undefined", "NaN", "Infinity"):
                hint = "; JSON has only true, false and null"
            raise self.error(start, f"invalid literal {word!r}{hint}")
        if ch in "}]":
            raise self.error(start, f"expected {context}, found {ch!r}")
        raise self.error(start, f"expected {context}, found {_show(ch)}")

    def number(self) -> JsonNumber:
        text, n, start = self.text, self.n, self.pos
        pos = start
        if text[pos] == "-":
            pos += 1
        if pos >= n or text[pos] not in _DIGITS:
            raise self.error(pos if pos < n else start, "invalid number: expected a digit")
        if text[pos] == "0":
            pos += 1
            if pos < n and text[pos] in _DIGITS:
                raise self.error(start, "invalid number: leading zeros are not allowed")
        else:
            while pos < n and text[pos] in _DIGITS:
                pos += 1
        if pos < n and text[pos] == ".":
            pos += 1
            if pos >= n or text[pos] not in _DIGITS:
                raise self.error(pos, "invalid number: expected a digit after '.'")
            while pos < n and text[pos] in _DIGITS:
                pos += 1
        if pos < n and text[pos] in "eE":
            pos += 1
            if pos < n and text[pos] in "+-":
                pos += 1
            if pos >= n or text[pos] not in _DIGITS:
                raise self.error(pos, "invalid number: expected a digit in the exponent")
            while pos < n and text[pos] in _DIGITS:
                pos += 1
        if pos < n and text[pos] in _WORD:
            end = pos
            while end < n and text[end] in _WORD:
                end += 1
            raise self.error(start, f"invalid number {text[start:end]!r}")
        self.pos = pos
        return JsonNumber(*self.node_args(start, pos), text[start:pos])

    def string(self) -> JsonString:
        text, n, start = self.text, self.n, self.pos
        pos = start + 1
        chunks: list[str] = []
        while True:
            # Copy the run of plain characters in one slice: the common case.
            stop = _STRING_STOP.search(text, pos)
            run, pos = pos, (stop.start() if stop is not None else n)
            chunks.append(text[run:pos])
            if pos >= n:
                raise self.error(start, "unterminated string: no closing '\"' before end of input")
            ch = text[pos]
            if ch == '"':
                pos += 1
                break
            if ch < " ":
                if ch in "\n\r":
                    raise self.error(
                        start,
                        "unterminated string: the line ends before the closing '\"' "
                        "(a string cannot span lines; write \\n for a line break)",
                    )
                raise self.error(
                    pos, f"control character {_show(ch)} is not allowed inside a string; escape it"
                )
            # Backslash escape.
            if pos + 1 >= n:
                raise self.error(start, "unterminated string: no closing '\"' before end of input")
            esc = text[pos + 1]
            if esc in _ESCAPES:
                chunks.append(self.escaped(pos, ord(_ESCAPES[esc])))
                pos += 2
                continue
            if esc != "u":
                raise self.error(
                    pos,
                    f"invalid escape '\\{esc}' in string "
                    '(valid: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)',
                )
            code = self.hex4(pos)
            escape = pos
            pos += 6
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", pos):
                low = self.hex4(pos)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    pos += 6
            chunks.append(self.escaped(escape, code))
        self.pos = pos
        return JsonString(*self.node_args(start, pos), "".join(chunks))

    def escaped(self, backslash: int, code: int) -> str:
        """The character a ``\\uXXXX`` escape denotes, checked; errors point at the escape."""
        if 0xD800 <= code < 0xE000:
            half = "high" if code < 0xDC00 else "low"
            raise self.error(
                backslash,
                f"invalid \\u escape: \\u{code:04x} is a lone {half} surrogate, not a "
                "character (a surrogate must pair, high \\uD800-\\uDBFF then low "
                "\\uDC00-\\uDFFF)",
            )
        ch = chr(code)
        if self.allowed is not None:
            why = self.allowed(ch)
            if why is not None:
                raise self.error(backslash, f"escaped {why}")
        return ch

    def hex4(self, backslash: int) -> int:
        digits = self.text[backslash + 2 : backslash + 6]
        if len(digits) < 4 or not all(c in _HEX for c in digits):
            raise self.error(backslash, "invalid \\u escape: expected four hex digits after \\u")
        return int(digits, 16)

    def enter(self, start: int) -> None:
        """One level deeper; refuse nesting beyond MAX_DEPTH at the bracket that exceeds it."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                start,
                f"nesting too deep: more than {MAX_DEPTH} levels of arrays and objects "
                "(an IAM policy needs six)",
            )

    def array(self) -> JsonArray:
        text, start = self.text, self.pos
        self.enter(start)
        self.pos += 1
        items: list[JsonValue] = []
        self.skip_ws()
        if self.pos < self.n and text[self.pos] == "]":
            self.pos += 1
            self.depth -= 1
            return JsonArray(*self.node_args(start, self.pos), ())
        opener = ("[", start)
        while True:
            if self.pos >= self.n:
                raise self.eof_error("a value or ']'", opener)
            if text[self.pos] == ",":
                raise self.error(self.pos, "expected a value before ',' (empty array element)")
            items.append(self.value("a value"))
            self.skip_ws()
            if self.pos >= self.n:
                raise self.eof_error("',' or ']'", opener)
            ch = text[self.pos]
            if ch == "]":
                self.pos += 1
                self.depth -= 1
                return JsonArray(*self.node_args(start, self.pos), tuple(items))
            if ch == ",":
                comma = self.pos
                self.pos += 1
                self.skip_ws()
                if self.pos < self.n and text[self.pos] == "]":
                    raise self.error(comma, "trailing comma before ']'")
                continue
            if ch in '{["-0123456789tfn':
                raise self.error(self.pos, "missing comma between array elements")
            if ch == "}":
                raise self.error(self.pos, "expected ',' or ']' after array element, found '}'")
            raise self.error(
                self.pos, f"expected ',' or ']' after array element, found {_show(ch)}"
            )

    def obj(self) -> JsonObject:
        text, start = self.text, self.pos
        self.enter(start)
        self.pos += 1
        members: list[JsonMember] = []
        opener = ("{", start)
        self.skip_ws()
        if self.pos < self.n and text[self.pos] == "}":
            self.pos += 1
            self.depth -= 1
            return JsonObject(*self.node_args(start, self.pos), ())
        while True:
            if self.pos >= self.n:
                raise self.eof_error("'\"' to start a member name", opener)
            ch = text[self.pos]
            if ch != '"':
                if ch == "'":
                    raise self.error(self.pos, "member names must be in double quotes, not single")
                if ch == ",":
                    raise self.error(self.pos, "expected a member name before ','")
                raise self.error(
                    self.pos, f"expected '\"' to start a member name, found {_show(ch)}"
                )
            key = self.string()
            self.skip_ws()
            if self.pos >= self.n:
                raise self.eof_error("':'", opener)
            if text[self.pos] != ":":
                raise self.error(
                    self.pos,
                    f"expected ':' after member name {key.value!r}, found {_show(text[self.pos])}",
                )
            self.pos += 1
            self.skip_ws()
            if self.pos >= self.n:
                raise self.eof_error(f"a value for {key.value!r}", opener)
            members.append(JsonMember(key, self.value(f"a value for {key.value!r}")))
            self.skip_ws()
            if self.pos >= self.n:
                raise self.eof_error("',' or '}'", opener)
            ch = text[self.pos]
            if ch == "}":
                self.pos += 1
                self.depth -= 1
                return JsonObject(*self.node_args(start, self.pos), tuple(members))
            if ch == ",":
                comma = self.pos
                self.pos += 1
                self.skip_ws()
                if self.pos < self.n and text[self.pos] == "}":
                    raise self.error(comma, "trailing comma before '}'")
                continue
            hint = " (missing comma between object members?)" if ch == '"' else ""
            raise self.error(
                self.pos, f"expected ',' or '}}' after object member, found {_show(ch)}{hint}"
            )


def parse_json_prefix(
    text: str, source: str, lines: LineIndex | None = None, *, allowed: CharacterRule | None = None
) -> JsonDocument:
    """Parse the first JSON value of ``text`` and ignore whatever follows it.

    The grammar layer uses this to recognise a statement fragment (``"Sid": ...``) whose
    first value parses but is followed by a colon.
    """
    index = lines if lines is not None else LineIndex(text)
    parser = _Parser(text, source, index, allowed)
    parser.skip_ws()
    if parser.pos >= parser.n:
        raise parser.error(0, "empty document: expected a JSON object")
    return JsonDocument(parser.value("a JSON value"), index)


def parse_json(
    text: str, source: str, lines: LineIndex | None = None, *, allowed: CharacterRule | None = None
) -> JsonDocument:
    """Parse ``text`` as exactly one JSON value, surrounded only by whitespace.

    ``allowed`` restricts the characters an escape may denote. Raises
    :class:`PolicyParseError` naming ``source`` and the offending position.
    """
    index = lines if lines is not None else LineIndex(text)
    parser = _Parser(text, source, index, allowed)
    parser.skip_ws()
    if parser.pos >= parser.n:
        raise parser.error(0, "empty document: expected a JSON object")
    root = parser.value("a JSON value")
    parser.skip_ws()
    if parser.pos < parser.n:
        ch = text[parser.pos]
        raise parser.error(
            parser.pos,
            f"extra data after the end of the JSON document: {_show(ch)}"
            + (" (is a '{' or '[' missing at the start?)" if ch in ",:]}" else ""),
        )
    return JsonDocument(root, index)
