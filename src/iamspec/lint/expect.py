"""Assertions on findings for scenarios and tests; a failure shows what the linter reported.

The step definitions of :mod:`iamspec.harness.steps.lint` call these, one call per step. Every
helper hides itself from pytest tracebacks, so a failure points at the feature's step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from iamspec.lint.findings import Finding

__all__ = ["expect_exactly", "expect_finding", "expect_nothing", "findings_table", "table_rows"]

_COLUMNS = ("position", "severity", "code", "mentions")


def findings_table(findings: Sequence[Finding]) -> str:
    """The findings as a Gherkin-style table (position, severity, code, message)."""
    if not findings:
        return "  (no findings)"
    rows = [("position", "severity", "code", "message")] + [
        (f"{f.line}:{f.column}", f.severity.value, f.code, f.message) for f in findings
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  | "
        + " | ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True))
        + f" | {row[3]}"
        for row in rows
    )


def expect_nothing(findings: Sequence[Finding]) -> None:
    """Fail unless there are no findings."""
    __tracebackhide__ = True
    if findings:
        raise AssertionError(
            f"expected no findings; the linter reports:\n{findings_table(findings)}"
        )


def expect_finding(findings: Sequence[Finding], code: str, line: int, column: int) -> Finding:
    """The finding with ``code`` at ``line:column``; fail (listing all findings) if none."""
    __tracebackhide__ = True
    for finding in findings:
        if (finding.code, finding.line, finding.column) == (code, line, column):
            return finding
    raise AssertionError(
        f"expected {code!r} at {line}:{column}; the linter reports:\n{findings_table(findings)}"
    )


def table_rows(table: Sequence[Sequence[str]]) -> list[dict[str, str]]:
    """A data table (header row first) as dicts; columns: position, code, and optionally
    severity and mentions (text the message must contain)."""
    __tracebackhide__ = True
    if not table:
        raise ValueError("the table is empty: give a header row (position | code | ...)")
    header = [cell.strip() for cell in table[0]]
    unknown = [name for name in header if name not in _COLUMNS]
    if unknown or "position" not in header or "code" not in header:
        raise ValueError(
            f"table columns must include position and code, from {', '.join(_COLUMNS)}; "
            f"found {', '.join(header)}"
        )
    return [dict(zip(header, (c.strip() for c in row), strict=True)) for row in table[1:]]


def _matches(finding: Finding, row: Mapping[str, str]) -> bool:
    return (
        f"{finding.line}:{finding.column}" == row["position"]
        and finding.code == row["code"]
        and row.get("severity", finding.severity.value) == finding.severity.value
        and row.get("mentions", "") in finding.message
    )


def expect_exactly(findings: Sequence[Finding], rows: Sequence[Mapping[str, str]]) -> None:
    """Fail unless the findings are exactly ``rows``, in order (see :func:`table_rows`)."""
    __tracebackhide__ = True
    if len(findings) == len(rows) and all(
        _matches(f, row) for f, row in zip(findings, rows, strict=True)
    ):
        return
    expected = "\n".join(
        "  | " + " | ".join(row.get(c, "") for c in _COLUMNS if c in row) for row in rows
    )
    raise AssertionError(
        f"expected exactly:\n{expected or '  (no findings)'}\n"
        f"the linter reports:\n{findings_table(findings)}"
    )
