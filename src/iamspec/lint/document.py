"""The linter's view of one policy text: JSON recovered where possible, read leniently.

The parser (:func:`iamspec.policy.parser.parse_policy`) stops at the first defect, which is
right for evaluation and wrong for a linter: an author wants every defect of a file in one
run. So this module

1. recovers from the JSON defects that published examples actually have, each repair keeping
   every other character where it was so that later positions stay exact: a trailing comma
   (blanked), a missing comma between two values (written over the blank between them),
   a missing closing brace or bracket at the end (appended), a statement fragment without
   its ``{"Version": ..., "Statement": [...]}`` wrapper (a wrapper is put around it; columns
   on line 1 are shifted back). Each repaired defect is still reported. When no repair
   applies, the file gets its JSON findings and no others;
2. runs the parser once for the first grammar defect (reported as such);
3. reads statements leniently from the JSON tree, so that the other checks see every
   statement, even in a fragment or next to a grammar defect.

Offsets inside this module are offsets into the *recovered* text; :meth:`LintDocument.finding`
maps them back to (line, column) of the text as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from iamspec.catalog import Catalog
from iamspec.errors import PolicyParseError
from iamspec.lint.findings import Finding, Rule, Severity
from iamspec.policy.jsontext import (
    JsonArray,
    JsonBool,
    JsonNumber,
    JsonObject,
    JsonString,
    JsonValue,
    LineIndex,
    parse_json,
    parse_json_prefix,
)
from iamspec.policy.model import ConditionClause, Located, Position
from iamspec.policy.parser import STATEMENT_ELEMENTS, PolicyKind, parse_policy

__all__ = [
    "Clause",
    "LintDocument",
    "StatementView",
    "SyntaxProblem",
    "Value",
    "load_document",
]

_WS = " \t\r\n"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_REPAIRS = 20
# Put before a fragment so that it parses as a policy (the closers are computed).
_STATEMENT_WRAPPER = '{"Statement":[{'
_OBJECT_WRAPPER = "{"
_LIST_WRAPPER = '{"Statement":['
_VALUE_START = frozenset('"{[-0123456789tfn')


@dataclass(frozen=True, slots=True)
class Value:
    """A scalar of the policy: its text as IAM compares it, and the JSON node it came from."""

    text: str
    node: JsonValue

    @property
    def offset(self) -> int:
        """Offset of the value's first character (the opening quote of a string)."""
        return self.node.start_offset

    def located(self) -> Located:
        return Located(self.text, self.node.start)


@dataclass(frozen=True, slots=True)
class Clause:
    """One (operator, key, values) of a Condition block."""

    operator: Value
    key: Value
    values: tuple[Value, ...]

    def to_model(self) -> ConditionClause:
        """The parser's shape, for the engine's condition compiler."""
        return ConditionClause(
            self.operator.located(), self.key.located(), tuple(v.located() for v in self.values)
        )


@dataclass(frozen=True, slots=True)
class StatementView:
    """A statement read leniently: an element of the wrong type is simply absent here (the
    grammar finding reports it), and non-string entries of a list are skipped."""

    index: int
    node: JsonObject
    effect: str | None
    actions: tuple[Value, ...] | None
    not_actions: tuple[Value, ...] | None
    resources: tuple[Value, ...] | None
    not_resources: tuple[Value, ...] | None
    conditions: tuple[Clause, ...]
    element_offsets: dict[str, int] = field(default_factory=dict)

    @property
    def action_values(self) -> tuple[Value, ...]:
        """The Action or NotAction entries."""
        return (self.actions or ()) + (self.not_actions or ())

    def element_offset(self, name: str) -> int:
        """Offset of the element's name (e.g. ``"NotAction"``), else of the statement."""
        return self.element_offsets.get(name, self.node.start_offset)


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A JSON defect met by the recovery: offset into the text as given, and why."""

    offset: int
    reason: str


@dataclass
class LintDocument:
    """One policy text prepared for the checks.

    ``root`` is None when the JSON could not be recovered; then ``statements`` is empty and
    only the JSON findings are reported. ``is_policy`` is true when the root is a policy
    object (it has a ``Statement`` element); ``wrapped`` when that object was supplied by the
    recovery around a fragment. ``placeholders`` are the ``{{name}}`` names the caller fills
    (None: it fills none).
    """

    source: str
    text: str
    recovered: str
    prefix: int
    root: JsonValue | None
    syntax_problems: tuple[SyntaxProblem, ...]
    grammar_error: PolicyParseError | None
    statements: tuple[StatementView, ...]
    version: Value | None
    version_node: JsonValue | None
    is_policy: bool
    wrapped: bool
    catalog: Catalog
    kind: PolicyKind
    placeholders: frozenset[str] | None
    _lines: LineIndex | None = field(default=None, init=False, repr=False)
    _recovered_starts: list[int] | None = field(default=None, init=False, repr=False)

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are on only under Version 2012-10-17 (docs/iam-semantics.md §6)."""
        return self.version is not None and self.version.text == "2012-10-17"

    # -- positions --------------------------------------------------------------------------

    def original_offset(self, offset: int) -> int:
        """Map an offset of the recovered text to the text as given (clamped into it)."""
        return min(max(offset - self.prefix, 0), len(self.text))

    def position(self, offset: int) -> Position:
        """(line, column) in the text as given of a recovered-text offset."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.position(self.original_offset(offset))

    def offset_of(self, line: int, column: int) -> int:
        """Recovered-text offset of a (line, column) of the recovered text."""
        if self._recovered_starts is None:
            self._recovered_starts = _line_starts(self.recovered)
        starts = self._recovered_starts
        line = min(max(line, 1), len(starts))
        return min(starts[line - 1] + column - 1, len(self.recovered))

    def char_offset(self, value: Value, index: int) -> int:
        """Offset of character ``index`` of a string value's text.

        Exact when the string literal has no escapes (its text is then the source text);
        otherwise the opening quote, which is never wrong, only less precise.
        """
        node = value.node
        if isinstance(node, JsonString):
            raw = self.recovered[node.start_offset + 1 : node.end_offset - 1]
            if raw == value.text:
                return node.start_offset + 1 + index
        return node.start_offset

    # -- findings ---------------------------------------------------------------------------

    def finding(
        self, rule: Rule, offset: int, message: str, severity: Severity | None = None
    ) -> Finding:
        """A finding of ``rule`` at a recovered-text offset, positioned in the original."""
        pos = self.position(offset)
        return Finding(
            self.source, pos.line, pos.column, severity or rule.severity, rule.code, message
        )

    def finding_at_original(self, rule: Rule, original_offset: int, message: str) -> Finding:
        """A finding at an offset of the text as given (JSON recovery reports these)."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        pos = self._lines.position(min(max(original_offset, 0), len(self.text)))
        return Finding(self.source, pos.line, pos.column, rule.severity, rule.code, message)

    # -- tree walks -------------------------------------------------------------------------

    def strings(self) -> Iterator[Value]:
        """Every string of the document, member names included, in source order."""
        if self.root is not None:
            yield from _strings(self.root)


def _strings(node: JsonValue) -> Iterator[Value]:
    if isinstance(node, JsonString):
        yield Value(node.value, node)
    elif isinstance(node, JsonObject):
        for member in node.members:
            yield Value(member.key.value, member.key)
            yield from _strings(member.value)
    elif isinstance(node, JsonArray):
        for item in node.items:
            yield from _strings(item)


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


# ------------------------------------------------------------------------------------------
# JSON recovery


@dataclass
class _Recovery:
    text: str
    prefix: str = ""
    problems: list[SyntaxProblem] = field(default_factory=list)


def _error_offset(text: str, error: PolicyParseError) -> int:
    starts = _line_starts(text)
    line = min(max(error.line, 1), len(starts))
    return min(starts[line - 1] + error.column - 1, len(text))


def _fragment_wrapper(text: str, source: str) -> tuple[str, int, str] | None:
    """For text that starts with ``"Name":`` (no opening brace): the wrapper that makes it
    JSON, the offset of the name, and the reason to report."""
    if not text.lstrip(_WS).startswith('"'):
        return None
    try:
        first = parse_json_prefix(text, source).root
    except PolicyParseError:
        return None
    if not isinstance(first, JsonString) or not text[first.end_offset :].lstrip(_WS).startswith(
        ":"
    ):
        return None
    if first.value in STATEMENT_ELEMENTS:
        reason = (
            f"the text starts with the statement element {first.value!r} instead of '{{': "
            'a statement fragment without its {"Version": ..., "Statement": [{...}]} wrapper'
        )
        return _STATEMENT_WRAPPER, first.start_offset, reason
    reason = (
        f"the text starts with the member name {first.value!r} instead of '{{' "
        "(is the opening brace missing?)"
    )
    return _OBJECT_WRAPPER, first.start_offset, reason


def _open_brackets(text: str) -> tuple[list[tuple[str, int]], bool]:
    """The closers still owed at the end of ``text`` (with the offset of each opener), and
    whether the text ends inside a string."""
    stack: list[tuple[str, int]] = []
    in_string = False
    escaped = False
    for offset, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            stack.append(("}", offset))
        elif ch == "[":
            stack.append(("]", offset))
        elif ch in "}]" and stack and stack[-1][0] == ch:
            stack.pop()
    return stack, in_string


def _unclosed(text: str) -> str | None:
    """The closers that would balance ``text``; None when it ends inside a string."""
    stack, in_string = _open_brackets(text)
    if in_string:
        return None
    return "".join(closer for closer, _ in reversed(stack))


def _wrapper_suffix(prefix: str, text: str) -> str:
    """Close what the wrapper opened and the text left open: a fragment of statement
    members needs ``}]}``; one that ends with its statement's ``}`` needs ``]}``. Brackets
    the text itself leaves open are not closed here (they are the text's defects)."""
    stack, _ = _open_brackets(prefix + text)
    return "".join(closer for closer, at in reversed(stack) if at < len(prefix))


def _previous_non_blank(text: str, offset: int) -> int:
    index = offset - 1
    while index >= 0 and text[index] in _WS:
        index -= 1
    return index


def _next_non_blank(text: str, offset: int) -> int:
    index = offset
    while index < len(text) and text[index] in _WS:
        index += 1
    return index


def _repair(state: _Recovery, offset: int, source: str) -> str | None:
    """Apply one position-preserving repair at a JSON error offset.

    Returns which repair was made (``"end"``, ``"comma"``, ``"wrap"``), or None when none fits.
    """
    text = state.text
    if offset >= len(text.rstrip(_WS)):
        closers = _unclosed(text)
        if not closers:
            return None
        state.text = text + closers
        return "end"
    ch = text[offset]
    if ch == ",":
        after = _next_non_blank(text, offset + 1)
        if after < len(text) and text[after] in "]}":
            state.text = text[:offset] + " " + text[offset + 1 :]
            return "comma"
        if not state.prefix and text.lstrip(_WS).startswith("{"):
            # Several statement objects separated by commas, without a list around them.
            try:
                first = parse_json_prefix(text, source).root
            except PolicyParseError:
                return None
            if isinstance(first, JsonObject) and first.end_offset <= offset:
                state.prefix = _LIST_WRAPPER
                state.text = _LIST_WRAPPER + text + _wrapper_suffix(_LIST_WRAPPER, text)
                return "wrap"
        return None
    if ch in _VALUE_START and offset > 0 and text[offset - 1] in _WS:
        before = _previous_non_blank(text, offset)
        if before >= 0 and (text[before] in '"}]' or text[before].isalnum()):
            state.text = text[: offset - 1] + "," + text[offset:]
            return "comma"
    return None


_LINE_1_COLUMN = re.compile(r"line 1, column (\d+)")


def _unshift_reason(reason: str, prefix: int) -> str:
    """A parser message may name another position ("the object opened with '{' at line 1,
    column 15"); on line 1 of a wrapped fragment that column counts the wrapper too."""
    if not prefix:
        return reason
    return _LINE_1_COLUMN.sub(
        lambda m: f"line 1, column {max(int(m.group(1)) - prefix, 1)}", reason
    )


def _recover(text: str, source: str) -> tuple[_Recovery, JsonValue | None]:
    state = _Recovery(text)
    wrapper = _fragment_wrapper(text, source)
    if wrapper is not None:
        prefix, at, reason = wrapper
        state.problems.append(SyntaxProblem(at, reason))
        state.prefix = prefix
        state.text = prefix + text + _wrapper_suffix(prefix, text)
    last_repair = -1
    for _ in range(_MAX_REPAIRS):
        try:
            return state, parse_json(state.text, source).root
        except PolicyParseError as err:
            offset = _error_offset(state.text, err)
            if offset <= last_repair:
                # The previous repair did not move past its defect: it was a guess that
                # failed, so nothing after it can be trusted.
                return state, None
            reason = _unshift_reason(err.reason, len(state.prefix))
            state.problems.append(SyntaxProblem(offset - len(state.prefix), reason))
            prefix_before = len(state.prefix)
            repair = _repair(state, offset, source)
            if repair is None:
                return state, None
            # A later defect lies after this one, except after closing the text at its end,
            # which can reveal a defect just before (``{"a": 1,`` then needs its comma gone).
            last_repair = -1 if repair == "end" else offset + len(state.prefix) - prefix_before
    return state, None


# ------------------------------------------------------------------------------------------
# Lenient statements


def _scalar(node: JsonValue) -> Value | None:
    if isinstance(node, JsonString):
        return Value(node.value, node)
    if isinstance(node, JsonNumber):
        return Value(node.text, node)
    if isinstance(node, JsonBool):
        return Value("true" if node.value else "false", node)
    return None


def _string_list(node: JsonValue | None) -> tuple[Value, ...] | None:
    if node is None:
        return None
    items = node.items if isinstance(node, JsonArray) else (node,)
    return tuple(Value(item.value, item) for item in items if isinstance(item, JsonString))


def _conditions(node: JsonValue | None) -> tuple[Clause, ...]:
    if not isinstance(node, JsonObject):
        return ()
    clauses: list[Clause] = []
    for op_member in node.members:
        block = op_member.value
        if not isinstance(block, JsonObject):
            continue
        operator = Value(op_member.key.value, op_member.key)
        for key_member in block.members:
            raw = key_member.value
            items = raw.items if isinstance(raw, JsonArray) else (raw,)
            values = tuple(v for v in (_scalar(item) for item in items) if v is not None)
            clauses.append(Clause(operator, Value(key_member.key.value, key_member.key), values))
    return tuple(clauses)


def _statement(index: int, obj: JsonObject) -> StatementView:
    first: dict[str, JsonValue] = {}
    offsets: dict[str, int] = {}
    for member in obj.members:
        first.setdefault(member.key.value, member.value)
        offsets.setdefault(member.key.value, member.key.start_offset)
    effect = first.get("Effect")
    return StatementView(
        index=index,
        node=obj,
        effect=effect.value if isinstance(effect, JsonString) else None,
        actions=_string_list(first.get("Action")),
        not_actions=_string_list(first.get("NotAction")),
        resources=_string_list(first.get("Resource")),
        not_resources=_string_list(first.get("NotResource")),
        conditions=_conditions(first.get("Condition")),
        element_offsets=offsets,
    )


def _statement_objects(root: JsonValue) -> tuple[bool, list[JsonObject]]:
    """(is the root a policy object, the statement objects) of a recovered tree."""
    if isinstance(root, JsonArray):
        return False, [item for item in root.items if isinstance(item, JsonObject)]
    if not isinstance(root, JsonObject):
        return False, []
    body = root.get("Statement")
    if body is not None:
        if isinstance(body, JsonObject):
            return True, [body]
        if isinstance(body, JsonArray):
            return True, [item for item in body.items if isinstance(item, JsonObject)]
        return True, []
    if any(member.key.value in STATEMENT_ELEMENTS for member in root.members):
        return False, [root]
    return False, []


def load_document(
    text: str,
    source: str,
    catalog: Catalog,
    *,
    kind: PolicyKind = PolicyKind.IDENTITY,
    placeholders: frozenset[str] | None = None,
) -> LintDocument:
    """Recover, parse and read ``text`` for the checks (never raises for a bad policy)."""
    state, root = _recover(text, source)
    grammar_error: PolicyParseError | None = None
    statements: tuple[StatementView, ...] = ()
    is_policy = False
    version: Value | None = None
    version_node: JsonValue | None = None
    if root is not None:
        try:
            parse_policy(state.text, source, kind=kind)
        except PolicyParseError as err:
            grammar_error = err
        is_policy, objects = _statement_objects(root)
        statements = tuple(_statement(i, obj) for i, obj in enumerate(objects))
        if is_policy and isinstance(root, JsonObject):
            version_node = root.get("Version")
            if version_node is not None:
                version = _scalar(version_node)
    return LintDocument(
        source=source,
        text=text,
        recovered=state.text,
        prefix=len(state.prefix),
        root=root,
        syntax_problems=tuple(state.problems),
        grammar_error=grammar_error,
        statements=statements,
        version=version,
        version_node=version_node,
        is_policy=is_policy,
        wrapped=bool(state.prefix),
        catalog=catalog,
        kind=kind,
        placeholders=placeholders,
    )
