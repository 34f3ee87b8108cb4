"""The policies the site shows: their text, their statements and where each one stands.

A :class:`PolicyView` is one policy file as the scenarios used it: the text with its
``{{placeholders}}`` filled (the text every answerer received, so the simulator's
``StartPosition``/``EndPosition`` refer to it), parsed with :func:`iamspec.parse_policy`, and
split into line :class:`Segment` s so that each statement can be shown as a block with its own
anchor. Texts written with several statements on one line (the published examples are one
line each) are re-indented first; statements keep their index, so links still land.

:class:`PolicyLibrary` loads views by the path a results file records (relative to the project
root, e.g. ``policies/connect/view-users.json``), from texts handed to it or from disk, once
each. A missing or unparseable file still yields a view, with ``error`` set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from iamspec.errors import IamSpecError
from iamspec.policy.model import Policy, Statement
from iamspec.policy.parser import PolicyKind, parse_policy

__all__ = ["Line", "PolicyLibrary", "PolicyView", "Segment", "StatementView", "slugify"]

_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A lowercase ``a-z0-9-`` form of ``text`` for file names and anchors (never empty)."""
    slug = _SLUG.sub("-", text.lower()).strip("-")
    return slug or "x"


def policy_slug(display: str) -> str:
    """``connect-view-users`` for ``policies/connect/view-users.json``."""
    name = display.removesuffix(".json")
    name = name.split("/", 1)[1] if name.startswith("policies/") else name
    return slugify(name)


@dataclass(frozen=True)
class Line:
    """One line of a shown policy text (1-based ``number``)."""

    number: int
    text: str


@dataclass(frozen=True)
class StatementView:
    """One statement: identity, position in the text as evaluated, lines in the text shown.

    ``start``/``end`` are (line, column) in the evaluated text, as the simulator reports them;
    ``first_line``/``last_line`` delimit the statement in :attr:`PolicyView.lines`.
    """

    index: int
    sid: str | None
    effect: str
    start: tuple[int, int]
    end: tuple[int, int]
    first_line: int
    last_line: int
    anchor: str
    action_patterns: tuple[str, ...]
    not_action: bool

    @property
    def number(self) -> int:
        """1-based, as explanations count statements."""
        return self.index + 1

    @property
    def label(self) -> str:
        """``statement 2 (AllowDescribe)``."""
        return f"statement {self.number}" + (f" ({self.sid})" if self.sid else "")


@dataclass(frozen=True)
class Segment:
    """Consecutive lines of a shown policy: one statement's, or text between statements."""

    lines: tuple[Line, ...]
    statement: StatementView | None = None


@dataclass(frozen=True)
class PolicyView:
    """One policy as the site shows it.

    ``display`` is its path relative to the project root (the results file's name for it);
    ``text`` the evaluated text (None when it could not be read); ``lines`` the text shown
    (``reformatted`` says whether it was re-indented); ``error`` why it has no statements.
    """

    display: str
    slug: str
    kind: str
    origin: str
    text: str | None
    lines: tuple[Line, ...]
    statements: tuple[StatementView, ...]
    reformatted: bool = False
    error: str | None = None

    @property
    def anchor(self) -> str:
        return f"p-{self.slug}"

    @property
    def page(self) -> str:
        """The policy's own page (without extension)."""
        return f"policy-{self.slug}"

    def statement(self, index: int) -> StatementView | None:
        """The statement with 0-based ``index``."""
        return self.statements[index] if 0 <= index < len(self.statements) else None

    def statement_at(
        self, start: tuple[int, int] | None, end: tuple[int, int] | None
    ) -> StatementView | None:
        """The statement the simulator names by StartPosition/EndPosition.

        An exact start wins; then an exact end; then the statement whose span holds the start.
        """
        if start is not None:
            for st in self.statements:
                if st.start == start:
                    return st
        if end is not None:
            for st in self.statements:
                if st.end == end:
                    return st
        if start is not None:
            for st in self.statements:
                if st.start <= start < st.end:
                    return st
        return None

    def segments(self) -> tuple[Segment, ...]:
        """The shown lines cut into statement blocks and the text around them."""
        out: list[Segment] = []
        pending: list[Line] = []
        cursor = 1
        by_line = {line.number: line for line in self.lines}
        for st in self.statements:
            if st.first_line < cursor or st.last_line < st.first_line:
                continue  # cannot be shown as its own block (overlap); still has an anchor
            pending.extend(by_line[n] for n in range(cursor, st.first_line) if n in by_line)
            if pending:
                out.append(Segment(tuple(pending)))
                pending = []
            block = tuple(
                by_line[n] for n in range(st.first_line, st.last_line + 1) if n in by_line
            )
            out.append(Segment(block, st))
            cursor = st.last_line + 1
        pending.extend(line for line in self.lines if line.number >= cursor)
        if pending:
            out.append(Segment(tuple(pending)))
        return tuple(out)

    @property
    def unplaced(self) -> tuple[StatementView, ...]:
        """Statements that :meth:`segments` could not show as their own block."""
        placed = {seg.statement.index for seg in self.segments() if seg.statement is not None}
        return tuple(st for st in self.statements if st.index not in placed)


def _offsets(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _offset(starts: list[int], line: int, column: int) -> int:
    return starts[min(line, len(starts)) - 1] + column - 1


def _line_of(starts: list[int], offset: int) -> int:
    line = 1
    for number, begin in enumerate(starts, 1):
        if begin <= offset:
            line = number
        else:
            break
    return line


def _spans(text: str, policy: Policy) -> list[tuple[int, int, bool]]:
    """Per statement: (first line, last line, alone on its lines?)."""
    starts = _offsets(text)
    out: list[tuple[int, int, bool]] = []
    for st in policy.statements:
        begin = _offset(starts, st.start.line, st.start.column)
        brace = text.find("{", begin)
        brace = begin if brace == -1 else brace
        close = max(_offset(starts, st.end.line, st.end.column) - 1, brace)
        first, last = _line_of(starts, brace), _line_of(starts, close)
        line_start = starts[first - 1]
        line_end = starts[last] - 1 if last < len(starts) else len(text)
        before = text[line_start:brace]
        after = text[close + 1 : line_end]
        alone = before.strip() in ("", ",") and after.strip() in ("", ",")
        out.append((first, last, alone))
    return out


def _clean(spans: list[tuple[int, int, bool]]) -> bool:
    previous = 0
    for first, last, alone in spans:
        if not alone or first <= previous:
            return False
        previous = last
    return True


def _statement_view(st: Statement, slug: str, first: int, last: int) -> StatementView:
    patterns = tuple(p.text for p in st.action_patterns)
    return StatementView(
        index=st.index,
        sid=st.sid,
        effect=st.effect.value,
        start=(st.start.line, st.start.column),
        end=(st.end.line, st.end.column),
        first_line=first,
        last_line=last,
        anchor=f"p-{slug}-s{st.index + 1}",
        action_patterns=patterns,
        not_action=st.not_actions is not None,
    )


def _lines(text: str) -> tuple[Line, ...]:
    """The text's lines, without the empty "line" after a final line break."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return tuple(Line(n, line.rstrip("\r")) for n, line in enumerate(lines, 1))


def build_view(display: str, text: str, kind: PolicyKind, origin: str, slug: str) -> PolicyView:
    """Parse ``text`` and lay it out; a text that does not parse is shown as it is."""
    try:
        policy = parse_policy(text, display, kind=kind)
    except IamSpecError as err:
        return PolicyView(display, slug, kind.value, origin, text, _lines(text), (), error=str(err))
    spans = _spans(text, policy)
    shown, reformatted = text, False
    if not _clean(spans):
        try:
            pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
            again = parse_policy(pretty, display, kind=kind)
        except (ValueError, IamSpecError):
            again = None
        if again is not None and len(again.statements) == len(policy.statements):
            shown, reformatted = pretty, True
            spans = _spans(pretty, again)
    statements = tuple(
        _statement_view(st, slug, first, last)
        for st, (first, last, _alone) in zip(policy.statements, spans, strict=True)
    )
    return PolicyView(
        display, slug, kind.value, origin, text, _lines(shown), statements, reformatted=reformatted
    )


@dataclass
class PolicyLibrary:
    """Policy views by display path, loaded once each.

    ``texts`` are evaluated texts known up front (e.g. recorded by the harness); any other
    path is read from ``root / display`` and its ``{{placeholders}}`` filled with ``values``
    (``None``: left as written).
    """

    root: Path
    values: Mapping[str, str] | None = None
    texts: Mapping[str, str] = field(default_factory=dict)
    _views: dict[str, PolicyView] = field(default_factory=dict)
    _slugs: set[str] = field(default_factory=set)

    def _slug(self, display: str) -> str:
        base = policy_slug(display)
        slug, n = base, 2
        while slug in self._slugs:
            slug, n = f"{base}-{n}", n + 1
        self._slugs.add(slug)
        return slug

    def get(self, display: str, kind: PolicyKind = PolicyKind.IDENTITY) -> PolicyView:
        """The view of ``display`` (loaded on first use; later calls ignore ``kind``)."""
        found = self._views.get(display)
        if found is not None:
            return found
        view = self._load(display, kind)
        self._views[display] = view
        return view

    def find(self, display: str) -> PolicyView | None:
        """A view already loaded, or None."""
        return self._views.get(display)

    @property
    def views(self) -> tuple[PolicyView, ...]:
        """Every loaded view, in loading order."""
        return tuple(self._views.values())

    def _load(self, display: str, kind: PolicyKind) -> PolicyView:
        slug = self._slug(display)
        if display in self.texts:
            return build_view(display, self.texts[display], kind, "results file", slug)
        path = Path(display) if Path(display).is_absolute() else self.root / display
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            reason = "no such file" if isinstance(err, FileNotFoundError) else str(err)
            return PolicyView(
                display, slug, kind.value, "missing", None, (), (), error=f"{path}: {reason}"
            )
        text = raw
        if self.values is not None:
            from iamspec.harness.placeholders import fill

            try:
                text = fill(raw, self.values, display).text
            except IamSpecError:
                text = raw
        return build_view(display, text, kind, "file", slug)
