"""Run the checks over a text, a file, or folders of files.

:func:`lint_text` is the programmatic entry point (the BDD harness calls it on every policy a
scenario loads); :func:`lint_file` and :func:`lint_paths` add file handling for the CLI. A bad
*policy* never raises: it yields findings. Only input that cannot be read at all (a path
that does not exist, a permission error) raises :class:`LintInputError`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from iamspec.catalog import Catalog, default_catalog
from iamspec.errors import IamSpecError
from iamspec.lint.checks import CHECKS
from iamspec.lint.checks.structure import JSON_SYNTAX
from iamspec.lint.document import load_document
from iamspec.lint.findings import Finding, Severity
from iamspec.policy.jsontext import LineIndex
from iamspec.policy.parser import PolicyKind

__all__ = ["LintInputError", "LintRun", "lint_file", "lint_paths", "lint_text"]


class LintInputError(IamSpecError):
    """A path the linter cannot read: missing, not a file or folder, or unreadable."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def lint_text(
    text: str,
    source: str = "<policy>",
    *,
    kind: PolicyKind = PolicyKind.IDENTITY,
    placeholders: Collection[str] | None = None,
    catalog: Catalog | None = None,
) -> list[Finding]:
    """Every finding for one policy text, in source order.

    ``source`` names the text in findings (a path, ``PolicyInputList.1``...). ``kind`` is the
    policy kind the grammar check applies. ``placeholders`` are the ``{{name}}`` names the
    caller will fill before use; other ``{{...}}`` are reported as ``unfilled-placeholder``,
    and with ``None`` every one is. Positions are those of ``text`` as given.

    For the harness: lint the file text *as written*, with
    ``placeholders=settings.placeholder_values().keys()``; the checks read a ``{{name}}`` as
    "some value", so the positions are the file's and nothing needs mapping back. (Linting a
    filled text works too; then map positions with ``Filled.original_position``.)

    Guarantees: never raises for a bad policy; a text that is not JSON yields its
    ``json-syntax`` findings and, after a repair the recovery could make, the findings of the
    other checks; ``Finding.is_error`` tells which findings should stop a scenario.
    """
    document = load_document(
        text,
        source,
        catalog if catalog is not None else default_catalog(),
        kind=kind,
        placeholders=None if placeholders is None else frozenset(placeholders),
    )
    found: dict[Finding, None] = {}
    for check in CHECKS:
        for finding in check.run(document):
            found.setdefault(finding, None)
    return sorted(found, key=lambda f: f.sort_key)


def _decode(data: bytes, source: str) -> str | Finding:
    """The file's text, or a finding where it stops being UTF-8 (IAM policies are UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        pos = LineIndex(before).position(len(before))
        return Finding(
            source,
            pos.line,
            pos.column,
            JSON_SYNTAX.severity,
            JSON_SYNTAX.code,
            f"byte 0x{data[error.start]:02X} is not UTF-8; IAM policies are UTF-8 text",
        )


def lint_file(
    path: str | Path,
    *,
    kind: PolicyKind = PolicyKind.IDENTITY,
    placeholders: Collection[str] | None = None,
    catalog: Catalog | None = None,
) -> list[Finding]:
    """:func:`lint_text` over a file, named in findings by ``str(path)``.

    Raises LintInputError when the file cannot be read.
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LintInputError(source, f"cannot read: {error.strerror or error}") from error
    text = _decode(data, source)
    if isinstance(text, Finding):
        return [text]
    return lint_text(text, source, kind=kind, placeholders=placeholders, catalog=catalog)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _files(paths: Iterable[str | Path], exclude: Collection[Path]) -> Iterator[Path | None]:
    """The files to lint; None for each one skipped because ``exclude`` holds it."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            here = path.resolve()
            # a folder named inside an excluded one is linted: naming it asks for it
            skip = [e for e in exclude if not _inside(here, e)]
            for found in sorted(p for p in path.rglob("*.json") if p.is_file()):
                resolved = found.resolve()
                yield None if any(_inside(resolved, e) for e in skip) else found
        elif path.is_file():
            yield path
        elif path.exists():
            raise LintInputError(str(path), "neither a file nor a folder")
        else:
            raise LintInputError(str(path), "no such file or folder")


@dataclass
class LintRun:
    """The outcome of linting several files: every finding and how many files were read."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    skipped: int = 0
    """Files found in folders but not linted: inside a ``lint_exclude`` path."""

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def worst(self) -> Severity | None:
        """The most severe severity among the findings, or None when there are none."""
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def fails(self, threshold: Severity | None) -> bool:
        """True when some finding is at ``threshold`` or worse (never, for ``None``)."""
        return threshold is not None and any(f.severity.at_least(threshold) for f in self.findings)

    def summary(self) -> str:
        """E.g. ``12 files, 3 errors, 1 warning`` (for people, on stderr)."""
        parts = [f"{self.files} file{'s' if self.files != 1 else ''}"]
        for severity in Severity:
            n = self.count(severity)
            if n:
                parts.append(f"{n} {severity.value}{'s' if n != 1 else ''}")
        if not self.findings:
            parts.append("no findings")
        text = ", ".join(parts)
        if self.skipped:
            many = "s" if self.skipped != 1 else ""
            text += f"; {self.skipped} file{many} skipped (lint_exclude)"
        return text


def lint_paths(
    paths: Iterable[str | Path],
    *,
    kind: PolicyKind = PolicyKind.IDENTITY,
    placeholders: Collection[str] | None = None,
    catalog: Catalog | None = None,
    exclude: Collection[Path] = (),
    resource_policies: Collection[Path] = (),
) -> LintRun:
    """Lint files and folders (a folder: every ``*.json`` below it, sorted).

    ``exclude`` holds absolute, resolved files and folders (a project's ``lint_exclude``)
    that a folder's walk skips and counts in :attr:`LintRun.skipped`; a path named in
    ``paths`` itself, or a folder named inside an excluded one, is linted all the same.
    A file inside one of ``resource_policies`` (absolute, resolved: a project's
    ``resource_policies``) is linted as a resource-based policy, every other one as ``kind``.
    Raises LintInputError for a path that does not exist or cannot be read.
    """
    run = LintRun()
    for path in _files(paths, exclude):
        if path is None:
            run.skipped += 1
            continue
        resolved = path.resolve()
        as_kind = (
            PolicyKind.RESOURCE if any(_inside(resolved, r) for r in resource_policies) else kind
        )
        run.findings.extend(
            lint_file(path, kind=as_kind, placeholders=placeholders, catalog=catalog)
        )
        run.files += 1
    return run
