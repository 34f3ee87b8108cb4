"""Policy errata: the linter's diagnostics for every published example, placed in its text.

The published examples are verbatim copies of the AWS page (``<policy_dir>/published/*.json``).
Each becomes an :class:`Erratum`: its findings from :func:`iamspec.lint.lint_text` (numbered,
with a short excerpt around the position) and its text cut into :class:`Piece` s so that a
numbered marker can stand exactly where each finding points.

When the linter cannot be imported the page still renders and says so
(:attr:`Errata.available` is False, :attr:`Errata.reason` says why).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from iamspec.files import UnsafePathError, read_inside
from iamspec.livingdoc.policies import MAX_POLICY_FILE_BYTES as _MAX_BYTES
from iamspec.livingdoc.policies import slugify

__all__ = ["Errata", "Erratum", "FindingView", "Piece", "collect_errata", "erratum"]

_CONTEXT = 32


@dataclass(frozen=True)
class FindingView:
    """One linter finding, numbered within its file, with an excerpt around its position.

    The excerpt is ``before`` + ``at`` (the character pointed at, or empty at the end of the
    text) + ``after``, all from the same line.
    """

    number: int
    line: int
    column: int
    severity: str
    code: str
    message: str
    anchor: str
    before: str
    at: str
    after: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class Piece:
    """A run of the text, preceded by the markers of the findings that point at its start."""

    markers: tuple[FindingView, ...]
    text: str


@dataclass(frozen=True)
class Erratum:
    """One published example: its text, its findings, and the text with markers."""

    name: str
    display: str
    slug: str
    text: str
    findings: tuple[FindingView, ...]
    pieces: tuple[Piece, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def others(self) -> int:
        return len(self.findings) - self.errors


@dataclass(frozen=True)
class Errata:
    """The errata page's content."""

    available: bool
    directory: str
    items: tuple[Erratum, ...] = ()
    reason: str | None = None

    @property
    def findings(self) -> int:
        return sum(len(item.findings) for item in self.items)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def erratum(display: str, text: str, findings: Sequence[object]) -> Erratum:
    """An Erratum from a text and its findings (objects shaped like ``iamspec.lint.Finding``)."""
    slug = slugify(Path(display).stem)
    starts = _line_starts(text)
    views: list[tuple[int, FindingView]] = []
    for number, finding in enumerate(findings, 1):
        line = max(1, int(getattr(finding, "line", 1)))
        column = max(1, int(getattr(finding, "column", 1)))
        line_start = starts[min(line, len(starts)) - 1]
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end == -1 else line_end
        offset = min(line_start + column - 1, line_end)
        severity = getattr(finding, "severity", "error")
        view = FindingView(
            number=number,
            line=line,
            column=column,
            severity=str(getattr(severity, "value", severity)),
            code=str(getattr(finding, "code", "")),
            message=str(getattr(finding, "message", finding)),
            anchor=f"e-{slug}-f{number}",
            before=text[max(line_start, offset - _CONTEXT) : offset],
            at=text[offset : offset + 1] if offset < line_end else "",
            after=text[offset + 1 : min(line_end, offset + 1 + _CONTEXT)]
            if offset < line_end
            else "",
        )
        views.append((offset, view))
    views.sort(key=lambda pair: (pair[0], pair[1].number))
    offsets = sorted({offset for offset, _ in views})
    pieces: list[Piece] = []
    if not offsets or offsets[0] > 0:
        pieces.append(Piece((), text[: offsets[0] if offsets else len(text)]))
    for i, offset in enumerate(offsets):
        end = offsets[i + 1] if i + 1 < len(offsets) else len(text)
        markers = tuple(view for at, view in views if at == offset)
        pieces.append(Piece(markers, text[offset:end]))
    return Erratum(
        name=Path(display).name,
        display=display,
        slug=slug,
        text=text,
        findings=tuple(sorted((view for _, view in views), key=lambda v: v.number)),
        pieces=tuple(pieces),
    )


def collect_errata(
    published: Path, root: Path, placeholders: Collection[str] | None = None
) -> Errata:
    """Lint every ``*.json`` in ``published`` (sorted by name) with the project's linter.

    ``placeholders`` are the ``{{name}}`` names the project fills, as ``iamspec lint`` passes
    them. A missing folder gives an empty page; a missing linter a page that says so.
    """
    try:
        display_dir = published.relative_to(root).as_posix()
    except ValueError:
        display_dir = published.as_posix()
    try:
        from iamspec.lint import lint_text
    except ImportError as err:
        return Errata(False, display_dir, reason=f"the linter is not available ({err})")
    if not published.is_dir():
        return Errata(True, display_dir, reason=f"{display_dir}/ does not exist")
    items = []
    for path in sorted(published.glob("*.json")):
        display = f"{display_dir}/{path.name}"
        try:  # inside the folder, a regular file of a bounded size: never a link out of it
            text = read_inside(published, path.name, limit=_MAX_BYTES, shown=display)
        except UnsafePathError as err:
            items.append(erratum(display, "", [_Unreadable(str(err))]))
            continue
        findings = lint_text(text, display, placeholders=placeholders)
        items.append(erratum(display, text, findings))
    return Errata(True, display_dir, tuple(items))


@dataclass(frozen=True)
class _Unreadable:
    message: str
    line: int = 1
    column: int = 1
    severity: str = "error"
    code: str = "unreadable"
