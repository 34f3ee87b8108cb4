"""Labels and formatting: how decisions, statuses, counts, dates and tags read on a page.

Decisions and statuses always carry a word and a symbol besides their colour
(:class:`Label`), so the site reads in print and for colour-blind readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Label",
    "decision_label",
    "expected_words",
    "format_date",
    "paragraphs",
    "plural",
    "status_label",
    "tags_text",
]


@dataclass(frozen=True)
class Label:
    """How a decision or status is shown: CSS class, symbol and words (never colour alone)."""

    css: str
    symbol: str
    word: str
    title: str = ""

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.word}"


_DECISIONS = {
    "allowed": Label("allowed", "\u2713", "allowed", "allowed"),
    "implicitDeny": Label("implicit", "\u2717", "implicitly denied", "implicitDeny"),
    "explicitDeny": Label("explicit", "\u2298", "explicitly denied", "explicitDeny"),
}
_EXPECTED = {
    "allowed": "allowed",
    "denied": "denied (either kind)",
    "implicitly denied": "implicitly denied",
    "explicitly denied": "explicitly denied",
}
_STATUSES = {
    "passed": Label("passed", "\u2713", "passed"),
    "failed": Label("failed", "\u2717", "failed"),
    "error": Label("error", "\u26a0", "error"),
    "skipped": Label("skipped", "\u2013", "skipped"),
    "not run": Label("notrun", "\u2013", "not run"),
    "partly run": Label("notrun", "\u25d0", "partly run"),
}


def decision_label(decision: str) -> Label:
    """The label of an EvalDecision value (unknown values are shown as written)."""
    return _DECISIONS.get(decision, Label("unknown", "?", decision, decision))


def status_label(status: str) -> Label:
    """The label of a scenario or step status."""
    return _STATUSES.get(status, Label("unknown", "?", status))


def expected_words(expected: str | None) -> str:
    """What a Then-step expected, in words ("not checked" for None)."""
    return "not checked" if expected is None else _EXPECTED.get(expected, expected)


def plural(count: int, noun: str) -> str:
    """``1 request``, ``2 requests``: a count with its noun (regular English plurals)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def format_date(text: str | None) -> str:
    """``2026-11-30 07:47 UTC`` of an ISO 8601 time (``unknown`` for none; as written if
    it does not parse)."""
    if not text:
        return "unknown"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    zone = moment.tzname() or ""
    zone = "UTC" if zone in ("UTC", "UTC+00:00") else zone
    return moment.strftime("%Y-%m-%d %H:%M") + (f" {zone}" if zone else "")


def paragraphs(text: str) -> tuple[str, ...]:
    """A narrative's paragraphs, each on one line (blank lines separate them)."""
    out: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return tuple(out)


def tags_text(tags: Mapping[str, str]) -> str:
    """``Department=Test, Team=blue``."""
    return ", ".join(f"{k}={v}" for k, v in tags.items())
