"""Guarantees: universal claims about a principal or an action, shown beside the examples.

The scenarios are examples: "test-admin may describe jdoe, tagged Department=Test". A claim
proven for every request ("test-admin may describe no agent whose Department is not Test")
is a guarantee. The claim steps record each claim they state and the prover's answer
(:class:`~iamspec.records.results.ClaimRecord`); :class:`RecordedGuarantees` reads them from
the run's records and gives each feature page its Guarantees part, and each principal's and
each action's page the claims that mention them
(:attr:`~iamspec.livingdoc.access.PrincipalView.guarantees`,
:attr:`~iamspec.livingdoc.access.ActionView.guarantees`). A run without claims gives no such
section at all, rather than an empty or invented one.

Every answer is shown as the prover gave it: proven, proven but vacuous (no request of the
scope is allowed at all), refuted (with the request that breaks the claim), unknown (the
solver gave up) and "cannot prove" (a construct without an exact encoding); a refutation the
feature states (``the claim ... is refuted by a request like:``) is shown as refuted, with a
note that the feature expects it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from iamspec.engine.matching import ActionPattern, compile_action_pattern
from iamspec.records.results import ClaimRecord, RunRecord

__all__ = [
    "GUARANTEE_STATES",
    "Guarantee",
    "GuaranteeSource",
    "RecordedGuarantees",
    "guarantee_of",
]

GUARANTEE_STATES = ("proven", "vacuous", "refuted", "unknown", "cannot prove")
"""The answers a guarantee can show, in the order the index counts them."""

_VERDICTS = {
    "proven": ("\u2713 proven", "allowed"),
    "vacuous": ("\u2713 proven (vacuous: no request of its scope is allowed)", "allowed"),
    "refuted": ("\u2717 refuted", "explicit"),
    "unknown": ("? unknown (the solver gave up)", "implicit"),
    "cannot prove": ("? cannot prove", "implicit"),
}


@dataclass(frozen=True)
class Guarantee:
    """A universal claim and the prover's answer, with where it is stated.

    ``claim`` in words; ``holds`` whether it was proven; ``source`` where the claim is written
    (a file and line); ``detail`` what supports the verdict (the refuting request, the
    solver's reason, the construct without an encoding), if anything. ``status`` is one of
    :data:`GUARANTEE_STATES` (empty: ``holds`` alone decides); ``scope`` the requests the
    claim is about; ``scenario`` the refuting request as a Gherkin scenario; ``expected`` is
    true for a refutation the feature states; ``passed`` whether the step got what it wanted.
    """

    claim: str
    holds: bool
    source: str
    detail: str = ""
    status: str = ""
    scope: str = ""
    scenario: str = ""
    expected: bool = False
    passed: bool = True

    @property
    def state(self) -> str:
        """One of :data:`GUARANTEE_STATES`."""
        if self.status:
            return self.status
        return "proven" if self.holds else "refuted"

    @property
    def verdict(self) -> str:
        if not self.status:  # a source that gives a verdict only
            return "\u2713 holds" if self.holds else "\u2717 does not hold"
        text = _VERDICTS[self.state][0]
        if self.expected and self.state == "refuted":
            return text + ", as the feature states"
        return text

    @property
    def css(self) -> str:
        return _VERDICTS[self.state][1]


class GuaranteeSource(Protocol):
    """Where the site asks for the guarantees of a principal and of an action."""

    def for_principal(self, feature_file: str, name: str) -> Sequence[Guarantee]:
        """The claims about the principal ``name`` of the feature ``feature_file``."""
        ...

    def for_action(self, action: str) -> Sequence[Guarantee]:
        """The claims about the action ``action`` (``service:Name``)."""
        ...


def _context_text(entries: Iterable[dict[str, Any]]) -> str:
    parts = []
    for entry in entries:
        values = entry.get("ContextKeyValues", [])
        shown = ", ".join(str(v) for v in values) if isinstance(values, list) else str(values)
        parts.append(f"{entry.get('ContextKeyName', '?')}={shown}")
    return "; ".join(parts)


def _detail(record: ClaimRecord) -> str:
    if record.counterexample is not None:
        request = record.counterexample
        text = f"refuted by {request.get('action', '?')} on {request.get('resource', '?')}"
        context = _context_text(request.get("context", []))
        if context:
            text += f" with {context}"
        if record.decision:
            text += f" ({_DECISION_WORDS.get(record.decision, record.decision)})"
        if record.backend_decision and record.backend_decision != record.decision:
            text += (
                f"; the backend answered "
                f"{_DECISION_WORDS.get(record.backend_decision, record.backend_decision)}"
            )
        return text
    if record.status == "cannot prove":
        return "; ".join(record.unsupported) or record.explanation
    if record.status == "unknown":
        return record.explanation
    return ""


_DECISION_WORDS = {
    "allowed": "allowed",
    "implicitDeny": "implicitly denied",
    "explicitDeny": "explicitly denied",
}


def _scope(record: ClaimRecord) -> str:
    actions = ", ".join(record.actions) if record.actions else "every action"
    parts = [f"actions {actions}"]
    if record.resource_kind:
        parts.append(f"on a {record.resource_kind}")
    if record.principal:
        parts.append(f"by {record.principal}")
    if record.policies:
        label = "policy" if len(record.policies) == 1 else "policies"
        parts.append(f"under the {label} {', '.join(record.policies)}")
    if record.boundary:
        parts.append(f"within the boundary {record.boundary}")
    if record.compared:
        parts.append(f"compared with {', '.join(record.compared)}")
    if record.facts:
        facts = ", ".join(f"{k}: {v}" for k, v in record.facts.items() if k != "decision")
        if facts:
            parts.append(f"requests with {facts}")
    return "; ".join(parts)


def guarantee_of(record: ClaimRecord, feature_file: str) -> Guarantee:
    """The guarantee a claim record shows (``feature_file`` when the record names no step)."""
    status = record.status
    if status == "proven" and record.vacuous:
        status = "vacuous"
    if status not in _VERDICTS:
        status = "unknown"  # a status this version does not know is never shown as proven
    return Guarantee(
        claim=record.text,
        holds=record.status == "proven",
        source=record.step or feature_file,
        detail=_detail(record),
        status=status,
        scope=_scope(record),
        scenario=record.scenario or "",
        expected=record.expected == "refuted",
        passed=record.passed,
    )


class RecordedGuarantees:
    """The guarantees of a run, read from its scenario records (a :class:`GuaranteeSource`).

    A claim about a principal belongs to that principal of its feature; a claim mentions an
    action when one of its action patterns matches it (a claim comparing policy files for
    every action mentions every action).
    """

    def __init__(self, run: RunRecord) -> None:
        self._by_feature: dict[str, list[Guarantee]] = {}
        self._entries: list[tuple[str, ClaimRecord, Guarantee]] = []
        self._patterns: dict[str, ActionPattern] = {}
        seen: set[tuple[str, str | None, str, str]] = set()
        for scenario in run.scenarios:
            for record in scenario.claims:
                # an outline's rows state the same claim at the same step: show it once
                key = (scenario.feature_file, record.step, record.text, record.status)
                if key in seen:
                    continue
                seen.add(key)
                shown = guarantee_of(record, scenario.feature_file)
                self._by_feature.setdefault(scenario.feature_file, []).append(shown)
                self._entries.append((scenario.feature_file, record, shown))

    def __bool__(self) -> bool:
        return bool(self._entries)

    def for_feature(self, feature_file: str) -> tuple[Guarantee, ...]:
        """The claims the feature ``feature_file`` states, in the order its steps ran."""
        return tuple(self._by_feature.get(feature_file, ()))

    def for_principal(self, feature_file: str, name: str) -> Sequence[Guarantee]:
        return tuple(g for f, r, g in self._entries if f == feature_file and r.principal == name)

    def for_action(self, action: str) -> Sequence[Guarantee]:
        found = []
        for _, record, shown in self._entries:
            patterns = record.actions or ["*"]
            if any(self._pattern(p).matches(action) for p in patterns):
                found.append(shown)
        return tuple(found)

    def _pattern(self, text: str) -> ActionPattern:
        found = self._patterns.get(text)
        if found is None:
            found = self._patterns[text] = compile_action_pattern(text)
        return found

    def counts(self) -> tuple[tuple[str, int], ...]:
        """(state, claims) for each state some claim has, in :data:`GUARANTEE_STATES` order."""
        states = [g.state for _, _, g in self._entries]
        return tuple((s, states.count(s)) for s in GUARANTEE_STATES if s in states)

    def all(self) -> tuple[Guarantee, ...]:
        return tuple(g for _, _, g in self._entries)
