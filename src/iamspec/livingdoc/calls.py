"""The view of one call: who asked for which action on what, each request, what decided it.

A :class:`CallView` is one row of a scenario's call table; its :class:`RequestView` entries are
the (action, resource) requests as sent, each linked to the statements that decided it
(:class:`StatementLink`).
"""

from __future__ import annotations

from dataclasses import dataclass

from iamspec.livingdoc.labels import Label, decision_label
from iamspec.records.results import CallRecord, RequestRecord

__all__ = ["CallView", "RequestView", "StatementLink"]


@dataclass(frozen=True)
class StatementLink:
    """A link to a statement: on the feature page (``anchor``) and its policy's page."""

    policy: str
    page: str
    anchor: str
    number: int
    sid: str | None
    effect: str

    @property
    def label(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.policy} statement {self.number}{sid}"


@dataclass(frozen=True)
class RequestView:
    """One (action, resource) request as sent, with its answer."""

    record: RequestRecord
    decision: Label
    deciding: tuple[StatementLink, ...]
    unresolved: tuple[str, ...]
    resource_tags: str
    decisive: frozenset[tuple[str, str]] = frozenset()
    """The tags that decided it, as (scope, key): see
    :mod:`~iamspec.livingdoc.decisive_tags`."""

    @property
    def local_decision(self) -> Label | None:
        local = self.record.local_decision
        return decision_label(local) if local is not None else None


@dataclass(frozen=True)
class CallView:
    """One action a step asked about: who, on what, expected and actual decision, why."""

    record: CallRecord
    decision: Label
    expected: str
    mismatch: bool
    requests: tuple[RequestView, ...]
    resource_tags: str
    request_tags: str
    caller_tags: str = ""
    """The caller's own tags (``aws:PrincipalTag``), ``Department=Sales``; "" for none."""

    @property
    def deciding(self) -> tuple[StatementLink, ...]:
        return tuple(dict.fromkeys(link for r in self.requests for link in r.deciding))

    @property
    def unresolved(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for r in self.requests for u in r.unresolved))

    @property
    def drift(self) -> bool:
        return any(r.record.drift for r in self.requests)

    @property
    def allowed(self) -> bool:
        """Some request of the call was allowed (the call's decision is the most restrictive)."""
        return any(r.record.decision == "allowed" for r in self.requests)

    @property
    def interesting(self) -> bool:
        """Shown in full even in a large scenario: not as specified, drifted, or allowed (a
        grant, the rare answer of a sweep that checks everything is denied)."""
        return self.mismatch or self.drift or self.allowed

    @property
    def service(self) -> str:
        """The service prefix of the action (``connect`` of ``connect:DescribeUser``)."""
        return self.record.action.partition(":")[0]
