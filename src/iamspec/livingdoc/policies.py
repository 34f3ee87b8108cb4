"""The policies the site shows: their text, their statements and where each one stands.

A :class:`PolicyView` is one policy file as the scenarios used it: the text with its
``{{placeholders}}`` filled (the text every backend received, so the simulator's
``StartPosition``/``EndPosition`` refer to it), parsed with :func:`iamspec.parse_policy`, and
split into line :class:`Segment` s so that each statement can be shown as a block with its own
anchor. Texts written with several statements on one line (the published examples are one
line each) are re-indented first; statements keep their index, so links still land.

:class:`PolicyLibrary` loads views by the path a results file records (relative to the project
root, e.g. ``policies/connect/view-users.json``), from texts handed to it or from disk, once
each. A missing or unparseable file still yields a view, with ``error`` set.

Recorded texts. A results file records every text the run evaluated (``RunRecord.policies``):
those are shown, never the file as it is now, because the simulator's positions refer to
them. Each recorded text is compared with the file on disk (filled the same way); a file that
changed since the run, or is not there, is said so on the view (:attr:`PolicyView.notes`).
Should the run have evaluated several texts of one path (the file changed during the run),
each gets its own view: the first under the path, the others under :func:`variant_label`,
and every scenario is mapped to the text it evaluated (:meth:`PolicyLibrary.key_for`).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from iamspec.errors import IamSpecError
from iamspec.files import UnsafePathError, read_inside
from iamspec.policy.model import Policy, Statement
from iamspec.policy.parser import PolicyKind, parse_policy
from iamspec.project.placeholders import fill
from iamspec.records.results import text_sha256

__all__ = [
    "Line",
    "PolicyLibrary",
    "PolicyView",
    "RecordedText",
    "Segment",
    "StatementView",
    "slugify",
    "variant_label",
]

_SLUG = re.compile(r"[^a-z0-9]+")

MAX_POLICY_FILE_BYTES = 4 * 131_072
"""The largest policy file read from disk (131,072 characters, SimulateCustomPolicy's limit,
at most four UTF-8 bytes each); checked before reading."""

_OUTSIDE = "not read: outside the policy folder"


def slugify(text: str) -> str:
    """A lowercase ``a-z0-9-`` form of ``text`` for file names and anchors (never empty)."""
    slug = _SLUG.sub("-", text.lower()).strip("-")
    return slug or "x"


def policy_slug(display: str) -> str:
    """``connect-view-users`` for ``policies/connect/view-users.json``."""
    name = display.removesuffix(".json")
    name = name.split("/", 1)[1] if name.startswith("policies/") else name
    return slugify(name)


def variant_label(path: str, sha256: str) -> str:
    """How the site names a second (third, ...) text of one file: ``p.json (sha256 0a1b..)``."""
    return f"{path} (sha256 {sha256[:12]})"


@dataclass(frozen=True)
class RecordedText:
    """A policy text the run recorded (``RunRecord.policies``): exactly what was evaluated."""

    text: str
    sha256: str


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

    ``display`` is its path relative to the project root (the results file's name for it), or
    :func:`variant_label` for another text of a file the run evaluated more than once;
    ``text`` the evaluated text (None when it could not be read); ``lines`` the text shown
    (``reformatted`` says whether it was re-indented); ``error`` why it has no statements.

    For a text the results file recorded: ``sha256`` its hash; ``disk`` how the file in the
    project compares (``same``, ``changed``, ``missing``, or ``not compared``; None for a view
    read from disk), ``disk_diff`` a unified diff from the evaluated text to the file now;
    ``notes`` what the reader must know before trusting the text (each shown as a warning);
    ``others`` (label, page) of the other texts of the same file the run evaluated.
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
    file: str = ""
    sha256: str | None = None
    disk: str | None = None
    disk_diff: str = ""
    notes: tuple[str, ...] = ()
    others: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        """The policy file's path (``display`` names a text of it when there are several)."""
        return self.file or self.display

    @property
    def changed(self) -> bool:
        """The recorded text is not what the project's file says now (changed or gone)."""
        return self.disk in ("changed", "missing")

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

    ``recorded`` are the texts the run evaluated (``RunRecord.policies``), per path in the
    order recorded; ``texts`` more evaluated texts known up front (path -> text). Any other
    path is read from ``root / display`` and its ``{{placeholders}}`` filled with ``values``
    (``None``: left as written). ``evaluated_on`` (the run's date) words the notes.

    ``folder`` is the project's policy folder (None: ``root``): the only place files are read
    from, regular files of a bounded size after resolving symbolic links. A path that leaves
    it (absolute, ``../``, a link out) is shown as not readable, and a recorded text under
    such a path is shown without comparing it with anything on disk.
    """

    root: Path
    values: Mapping[str, str] | None = None
    texts: Mapping[str, str] = field(default_factory=dict)
    recorded: Mapping[str, Sequence[RecordedText]] = field(default_factory=dict)
    evaluated_on: str = ""
    folder: Path | None = None
    _views: dict[str, PolicyView] = field(default_factory=dict)
    _slugs: dict[str, str] = field(default_factory=dict)
    _texts_of: dict[str, tuple[RecordedText, ...]] = field(default_factory=dict)
    _keys: dict[str, tuple[str, RecordedText]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        merged: dict[str, dict[str, RecordedText]] = {}
        for path, items in self.recorded.items():
            for item in items:
                merged.setdefault(path, {}).setdefault(item.sha256, item)
        for path, text in self.texts.items():
            if path not in merged:
                item = RecordedText(text, text_sha256(text))
                merged[path] = {item.sha256: item}
        for path, by_hash in merged.items():
            self._texts_of[path] = tuple(by_hash.values())
            for n, item in enumerate(by_hash.values()):
                key = path if n == 0 else variant_label(path, item.sha256)
                self._keys[key] = (path, item)

    def key_for(self, path: str, sha256: str) -> str:
        """The display of the view showing the text ``sha256`` of ``path``.

        ``path`` itself for its first (usually only) recorded text, and for a hash the run did
        not record; :func:`variant_label` for the others.
        """
        for n, item in enumerate(self._texts_of.get(path, ())):
            if item.sha256 == sha256:
                return path if n == 0 else variant_label(path, item.sha256)
        return path

    def variants(self, path: str) -> tuple[str, ...]:
        """The displays of every recorded text of ``path`` (more than one: it changed)."""
        return tuple(self.key_for(path, item.sha256) for item in self._texts_of.get(path, ()))

    def _slug(self, display: str) -> str:
        found = self._slugs.get(display)
        if found is not None:
            return found
        entry = self._keys.get(display)
        base = policy_slug(display)
        if entry is not None and display != entry[0]:
            base = f"{policy_slug(entry[0])}-{entry[1].sha256[:12]}"
        taken = set(self._slugs.values())
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        self._slugs[display] = slug
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

    def _read(self, display: str) -> str:
        """The text of the project's file ``display`` (a path relative to the root).

        Only a regular file inside the policy folder (after resolving symbolic links), of at
        most :data:`MAX_POLICY_FILE_BYTES`, is read: a results file names paths, and one from
        elsewhere may name ``/proc/self/environ`` or ``../.aws/credentials``. Raises
        UnsafePathError, whose reason never quotes the file.
        """
        folder = self.folder if self.folder is not None else self.root
        target = Path(display) if Path(display).is_absolute() else self.root / display
        inside = os.path.relpath(target, folder)
        if inside.split(os.sep)[0] == os.pardir or Path(inside).is_absolute():
            raise UnsafePathError(display, f"{_OUTSIDE} ({self._where(folder)})")
        try:
            return read_inside(folder, inside, limit=MAX_POLICY_FILE_BYTES, shown=display)
        except UnsafePathError as err:
            if err.reason.startswith("resolves outside"):
                raise UnsafePathError(
                    display, f"{_OUTSIDE} ({self._where(folder)}, symbolic links followed)"
                ) from None
            raise

    def _where(self, folder: Path) -> str:
        try:
            return f"{folder.relative_to(self.root).as_posix()}/"
        except ValueError:
            return f"{folder.as_posix()}/"

    def _fill(self, raw: str, display: str) -> str:
        """``raw`` with its placeholders filled as the run filled them (as written if not)."""
        if self.values is None:
            return raw
        try:
            return fill(raw, self.values, display).text
        except IamSpecError:
            return raw

    def _load(self, display: str, kind: PolicyKind) -> PolicyView:
        entry = self._keys.get(display)
        if entry is not None:
            return self._recorded(display, entry[0], entry[1], kind)
        slug = self._slug(display)
        try:
            raw = self._read(display)
        except UnsafePathError as err:
            return PolicyView(display, slug, kind.value, "missing", None, (), (), error=str(err))
        return build_view(display, self._fill(raw, display), kind, "file", slug)

    def _compare(self, path: str, text: str) -> tuple[str, str, str]:
        """How the project's file compares with the evaluated ``text``: (status, diff, why)."""
        try:
            raw = self._read(path)
        except UnsafePathError as err:
            if err.reason == "no such file":
                return "missing", "", err.reason
            return "not compared", "", err.reason
        if self.values is None and "{{" in raw:
            return "not compared", "", "this project's placeholder values could not be read"
        now = self._fill(raw, path)
        if now == text:
            return "same", "", ""
        diff = difflib.unified_diff(
            text.splitlines(),
            now.splitlines(),
            f"{path} (evaluated)",
            f"{path} (now)",
            lineterm="",
            n=2,
        )
        return "changed", "\n".join(diff), ""

    def _recorded(
        self, display: str, path: str, recorded: RecordedText, kind: PolicyKind
    ) -> PolicyView:
        """A recorded text's view, with what the reader must know about it in its notes."""
        view = build_view(display, recorded.text, kind, "results file", self._slug(display))
        disk, diff, why = self._compare(path, recorded.text)
        when = f"as evaluated on {self.evaluated_on}" if self.evaluated_on else "as evaluated"
        notes = []
        if disk == "changed":
            notes.append(
                f"Shown {when}; the file has changed since: {path} in this project now reads "
                "otherwise (with its placeholders filled as in the run). The statements and "
                "links below are those of the text evaluated."
            )
        elif disk == "missing":
            notes.append(f"Shown {when}; {path} is not in this project now ({why}).")
        elif disk == "not compared":
            notes.append(f"Shown {when}; not compared with {path} in this project: {why}.")
        if recorded.sha256 != text_sha256(recorded.text):
            notes.append(
                "The sha256 the results file gives for this text does not match the text: "
                "the results file was edited after the run."
            )
        siblings = self.variants(path)
        if len(siblings) > 1:
            notes.append(
                f"The run evaluated {len(siblings)} different texts of {path} (the file changed "
                f"during the run); this is the one with sha256 {recorded.sha256[:12]}. Each "
                "scenario links the statements of the text it evaluated."
            )
        others = tuple((key, f"policy-{self._slug(key)}") for key in siblings if key != display)
        return dataclasses.replace(
            view,
            file=path,
            sha256=recorded.sha256,
            disk=disk,
            disk_diff=diff,
            notes=tuple(notes),
            others=others,
        )
