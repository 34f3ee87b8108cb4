"""The drift page's view model: where the backend and the local evaluator disagreed.

Built only for a run with ``--compare-local`` (:attr:`~iamspec.records.results.RunRecord.
compare_local`), from :func:`iamspec.records.drift.drift_report`, so that the page shows the
same disagreements, known differences and counts as the JSON drift report and the terminal
summary. Each scenario's report is also built on its own, so that every disagreement and known
difference links to exactly the scenario (and Examples row) it came from on its feature page.
Entries follow the site's order (feature file, scenario line, Examples row), not the order
the scenarios happened to run in, so the page does not change between parallel runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iamspec.livingdoc.calls import CallView
from iamspec.livingdoc.coverage import ScenarioLink
from iamspec.livingdoc.features import FeatureView
from iamspec.livingdoc.labels import Label, decision_label, plural
from iamspec.records.drift import (
    NOT_COMPARED_REASON,
    Disagreement,
    DriftReport,
    KnownDifferenceOutcome,
    drift_report,
)
from iamspec.records.results import RunRecord

__all__ = [
    "NOT_COMPARED_REASON",
    "ContextEntryView",
    "DisagreementView",
    "DriftView",
    "KnownDifferenceView",
    "build_drift",
]


@dataclass(frozen=True)
class ContextEntryView:
    """One AWS ContextEntry as sent: key, type and values as text."""

    key: str
    type: str
    values: tuple[str, ...]

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> ContextEntryView:
        """Read a ContextEntry dict; missing parts show as empty rather than failing a page."""
        values = entry.get("ContextKeyValues") or []
        return cls(
            key=str(entry.get("ContextKeyName", "")),
            type=str(entry.get("ContextKeyType", "")),
            values=tuple(str(v) for v in values),
        )


@dataclass(frozen=True)
class DisagreementView:
    """One request the two backends decided differently, linked to its scenario."""

    record: Disagreement
    number: int
    scenario: ScenarioLink
    decision: Label
    local_decision: Label
    context: tuple[ContextEntryView, ...]
    known_anchor: str | None

    @property
    def anchor(self) -> str:
        return f"d-{self.number}"

    @property
    def known_difference(self) -> str | None:
        return self.record.known_difference


@dataclass(frozen=True)
class KnownDifferenceView:
    """A declared known difference, its scenario, and the disagreements this run saw in it."""

    record: KnownDifferenceOutcome
    number: int
    scenario: ScenarioLink
    disagreements: tuple[int, ...]

    @property
    def anchor(self) -> str:
        return f"k-{self.number}"

    @property
    def reason(self) -> str:
        return self.record.reason

    @property
    def seen(self) -> bool:
        return self.record.drift_seen


@dataclass(frozen=True)
class DriftView:
    """Everything the drift page shows, plus look-ups the feature pages link with."""

    report: DriftReport
    disagreements: tuple[DisagreementView, ...]
    known_differences: tuple[KnownDifferenceView, ...]

    @property
    def page(self) -> str:
        return "drift"

    @property
    def backend(self) -> str:
        return self.report.backend

    @property
    def not_compared_reason(self) -> str:
        return NOT_COMPARED_REASON

    @property
    def unexplained(self) -> tuple[DisagreementView, ...]:
        """Disagreements no scenario declared: each fails the run."""
        return tuple(d for d in self.disagreements if d.known_difference is None)

    @property
    def declared(self) -> tuple[DisagreementView, ...]:
        """Disagreements in scenarios that declare a known difference."""
        return tuple(d for d in self.disagreements if d.known_difference is not None)

    @property
    def stale(self) -> tuple[KnownDifferenceView, ...]:
        """Declared differences this run did not see."""
        return tuple(k for k in self.known_differences if not k.seen)

    @property
    def summary(self) -> str:
        """One line for the index: how many disagreements, how many declared, what is stale."""
        if self.disagreements:
            declared = len(self.declared)
            text = (
                f"{plural(len(self.disagreements), 'disagreement')} between {self.backend} "
                f"and the local evaluator, "
                + (f"{declared} declared as known" if declared else "none declared as known")
            )
        else:
            text = f"no drift in {plural(self.report.requests_compared, 'compared request')}"
        if self.stale:
            text += f"; {plural(len(self.stale), 'declared known difference')} not seen in this run"
        return text

    @property
    def attention(self) -> bool:
        """Something for a reader to act on: an unexplained disagreement or a stale declaration."""
        return bool(self.unexplained or self.stale)

    def known_for(self, page: str, anchor: str) -> KnownDifferenceView | None:
        """The known difference declared by the scenario shown at ``page#anchor``."""
        for known in self.known_differences:
            if (known.scenario.page, known.scenario.anchor) == (page, anchor):
                return known
        return None

    def for_call(self, page: str, anchor: str, call: CallView) -> DisagreementView | None:
        """The first disagreement about a request of ``call``, in the scenario at ``page#anchor``
        (a feature page's drift note links to it)."""
        sent = {(r.record.action, r.record.resource) for r in call.requests}
        for d in self.disagreements:
            if (d.scenario.page, d.scenario.anchor) == (page, anchor) and (
                d.record.action,
                d.record.resource,
            ) in sent:
                return d
        return None


def build_drift(run: RunRecord, features: Sequence[FeatureView]) -> DriftView:
    """The drift view of ``run``, whose scenarios ``features`` show (every one of them)."""
    disagreements: list[DisagreementView] = []
    known: list[KnownDifferenceView] = []
    for feature in features:
        for view in feature.scenarios:
            link = ScenarioLink(feature.name, feature.page, view.anchor, view.title)
            part = drift_report(dataclasses.replace(run, scenarios=[view.record]))
            # a scenario may declare several known differences: one anchor each, and each
            # disagreement links to the declaration whose reason excused it
            first = len(known) + 1
            anchors: dict[str, str] = {}
            for offset, k in enumerate(part.known_differences):
                anchors.setdefault(k.reason, f"k-{first + offset}")
            excused: dict[str, list[int]] = {}
            for record in part.disagreements:
                number = len(disagreements) + 1
                reason = record.known_difference
                if reason is not None:
                    excused.setdefault(reason, []).append(number)
                disagreements.append(
                    DisagreementView(
                        record=record,
                        number=number,
                        scenario=link,
                        decision=decision_label(record.decision),
                        local_decision=decision_label(record.local_decision),
                        context=tuple(ContextEntryView.of(e) for e in record.context_entries),
                        known_anchor=anchors.get(reason) if reason is not None else None,
                    )
                )
            for offset, k in enumerate(part.known_differences):
                numbers = tuple(excused.get(k.reason, ()))
                known.append(KnownDifferenceView(k, first + offset, link, numbers))
    return DriftView(drift_report(run), tuple(disagreements), tuple(known))
