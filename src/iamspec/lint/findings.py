"""The linter's vocabulary: severities, rules and findings.

Severities follow IAM Access Analyzer policy validation, which sorts its findings into
errors, security warnings, general warnings and suggestions
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
A :class:`Finding` is plain data: where (path, 1-based line and column, columns counted in
characters), how bad, which stable code and a message a person can act on. The harness, the
CLI formats and the living documentation all render the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = ["Finding", "Rule", "Severity"]

ACCESS_ANALYZER_CHECKS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
)


class Severity(Enum):
    """How bad a finding is; ``value`` is the spelling used in diagnostics and options."""

    ERROR = "error"
    SECURITY_WARNING = "security-warning"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        """Larger is worse: error 3, security-warning 2, warning 1, suggestion 0."""
        return _RANKS[self]

    def at_least(self, threshold: Severity) -> bool:
        """True when this severity is ``threshold`` or worse."""
        return self.rank >= threshold.rank


_RANKS = {
    Severity.ERROR: 3,
    Severity.SECURITY_WARNING: 2,
    Severity.WARNING: 1,
    Severity.SUGGESTION: 0,
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One check's stable identity: its code, default severity, a one-line summary and the
    page that explains the underlying IAM behaviour (for SARIF ``helpUri``)."""

    code: str
    severity: Severity
    summary: str
    help_uri: str = ACCESS_ANALYZER_CHECKS


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect in one policy text.

    ``path`` is the source name given to the linter (a file path, or a label such as
    ``PolicyInputList.1``). ``line``/``column`` are 1-based and count characters of the text
    as given. ``code`` is stable across releases; ``message`` is for people.
    """

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        """True for ``error`` findings: IAM would reject the policy, or a statement cannot do
        what it says. The harness stops a scenario on these and shows the rest."""
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity.value} {self.code}: "
            f"{self.message}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: path, line, column, severity, code, message."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Source order: path, line, column, then code and message for a stable tie-break."""
        return (self.path, self.line, self.column, self.code, self.message)
