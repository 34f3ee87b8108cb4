"""The drift report: where AWS's simulator (or moto) and the local evaluator disagree.

Built from a run's records (:class:`~iamspec.records.results.RunRecord`) when the run asked
both backends (``--compare-local``), so the same data feeds the JSON report, the terminal
summary and the living documentation. Every disagreement carries both answers and the request
exactly as sent. A disagreement in a scenario that declares a known difference is listed with
its reason and does not fail the run; every other one does. Requests the local evaluator cannot
answer (deployed principals: their policies live in the account) are counted as not compared.

The JSON drift report (``--drift-report FILE``; this is its one description),
``schema_version`` 1::

    schema_version, backend, account_id, region, started_at, finished_at, state, signal,
    scenarios, requests_compared, requests_not_compared, unexplained,
    disagreements: [{scenario, feature_file, line, nodeid, step, known_difference,
                     request: {principal, principal_arn, action, resource, target,
                               context_entries},
                     answers: {<backend>: {decision, explanation},
                               local: {decision, explanation}}}],
    known_differences: [{scenario, feature_file, line, nodeid, actions, reason, drift_seen}]

``state`` and ``signal`` are the run's (:data:`~iamspec.records.results.RUN_STATES`; added
later, so older reports lack them): the report of an interrupted run compared only the
scenarios that ran, and says so; one written at the start of a run says ``running``.

A declaration covers the actions it names: a disagreement on another action of the same
scenario is unexplained. It is listed for each scenario that asked one of its actions;
``drift_seen`` false marks one this run did not see there: perhaps AWS has changed, perhaps the
declaration is stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamspec.engine.matching import compile_action_pattern
from iamspec.files import write_file
from iamspec.records.results import CallRecord, KnownDifferenceRecord, RunRecord, ScenarioRecord

__all__ = [
    "DRIFT_SCHEMA_VERSION",
    "NOT_COMPARED_REASON",
    "Disagreement",
    "DriftReport",
    "KnownDifferenceOutcome",
    "drift_report",
]

DRIFT_SCHEMA_VERSION = 1

NOT_COMPARED_REASON = (
    "deployed principals (the local evaluator does not know the account's policies) and "
    "principals with no policy (nothing is sent: IAM denies by default)"
)
"""Why a request has no local answer to compare with."""


@dataclass(frozen=True)
class Disagreement:
    """One request the two backends decided differently."""

    scenario: str
    feature_file: str
    line: int
    nodeid: str
    step: str | None
    known_difference: str | None
    principal: str
    principal_arn: str
    action: str
    resource: str
    target: str
    context_entries: list[dict[str, Any]]
    backend: str
    decision: str
    explanation: str
    local_decision: str
    local_explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "feature_file": self.feature_file,
            "line": self.line,
            "nodeid": self.nodeid,
            "step": self.step,
            "known_difference": self.known_difference,
            "request": {
                "principal": self.principal,
                "principal_arn": self.principal_arn,
                "action": self.action,
                "resource": self.resource,
                "target": self.target,
                "context_entries": self.context_entries,
            },
            "answers": {
                self.backend: {"decision": self.decision, "explanation": self.explanation},
                "local": {"decision": self.local_decision, "explanation": self.local_explanation},
            },
        }

    def summary(self) -> str:
        """One line: where, what, both decisions."""
        known = " (known difference)" if self.known_difference else ""
        return (
            f"{self.feature_file}:{self.line} {self.scenario}: {self.principal} "
            f"{self.action} on {self.resource}: {self.backend} says {self.decision}, "
            f"local says {self.local_decision}{known}"
        )


@dataclass(frozen=True)
class KnownDifferenceOutcome:
    """A scenario's declaration that AWS answers some actions otherwise, and whether this run
    saw a disagreement on them. Listed only for scenarios that asked one of those actions."""

    scenario: str
    feature_file: str
    line: int
    nodeid: str
    reason: str
    drift_seen: bool
    actions: tuple[str, ...] = ("*",)


@dataclass
class DriftReport:
    """Every disagreement of a run, with what was compared."""

    backend: str
    account_id: str
    region: str
    started_at: str
    finished_at: str | None
    scenarios: int = 0
    requests_compared: int = 0
    requests_not_compared: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    known_differences: list[KnownDifferenceOutcome] = field(default_factory=list)
    state: str | None = None
    signal: str | None = None

    @property
    def unexplained(self) -> list[Disagreement]:
        """The disagreements no scenario declared: each one fails the run."""
        return [d for d in self.disagreements if d.known_difference is None]

    @property
    def stale(self) -> list[KnownDifferenceOutcome]:
        """Declared differences this run did not see."""
        return [k for k in self.known_differences if not k.drift_seen]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": DRIFT_SCHEMA_VERSION,
            "backend": self.backend,
            "account_id": self.account_id,
            "region": self.region,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "state": self.state,
            "signal": self.signal,
            "scenarios": self.scenarios,
            "requests_compared": self.requests_compared,
            "requests_not_compared": self.requests_not_compared,
            "unexplained": len(self.unexplained),
            "disagreements": [d.to_dict() for d in self.disagreements],
            "known_differences": [
                {
                    "scenario": k.scenario,
                    "feature_file": k.feature_file,
                    "line": k.line,
                    "nodeid": k.nodeid,
                    "actions": list(k.actions),
                    "reason": k.reason,
                    "drift_seen": k.drift_seen,
                }
                for k in self.known_differences
            ],
        }

    def write(self, path: Path) -> bool:
        """Write the JSON report atomically (parents created); return whether a file was
        replaced. Raises UnsafePathError (:mod:`iamspec.files`) for a symbolic link or a
        write that fails."""
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_file(path, json.dumps(self.to_dict(), indent=2) + "\n")


def _declarations(scenario: ScenarioRecord) -> list[KnownDifferenceRecord]:
    """The scenario's declarations; a file from before they were scoped covers every action."""
    if scenario.known_differences:
        return scenario.known_differences
    if scenario.known_difference is not None:
        return [KnownDifferenceRecord(["*"], scenario.known_difference)]
    return []


def _covers(declaration: KnownDifferenceRecord, action: str) -> bool:
    """Matched as a policy's Action element matches (the engine's own patterns)."""
    return any(compile_action_pattern(p).matches(action) for p in declaration.actions)


def _call_known(scenario: ScenarioRecord, call: CallRecord) -> str | None:
    """The declared reason covering this call (older files: the scenario's, if any)."""
    if call.known_difference is not None or scenario.known_differences:
        return call.known_difference
    return scenario.known_difference


def _scenario_drift(report: DriftReport, scenario: ScenarioRecord) -> set[str]:
    """Adds the scenario's disagreements; returns the actions that drifted."""
    drifted: set[str] = set()
    for call in scenario.calls:
        known = _call_known(scenario, call)
        for request in call.requests:
            if request.local_decision is None:
                report.requests_not_compared += 1
                continue
            report.requests_compared += 1
            if not request.drift:
                continue
            drifted.add(call.action)
            report.disagreements.append(
                Disagreement(
                    scenario=scenario.scenario,
                    feature_file=scenario.feature_file,
                    line=scenario.line,
                    nodeid=scenario.nodeid,
                    step=call.step,
                    known_difference=known,
                    principal=call.principal,
                    principal_arn=call.principal_arn,
                    action=request.action,
                    resource=request.resource,
                    target=request.target,
                    context_entries=request.context_entries,
                    backend=call.backend,
                    decision=request.decision,
                    explanation=request.explanation,
                    local_decision=request.local_decision,
                    local_explanation=request.local_explanation or "",
                )
            )
    return drifted


def drift_report(run: RunRecord) -> DriftReport:
    """The drift report of ``run`` (scenarios in the order they ran)."""
    report = DriftReport(
        backend=run.backend,
        account_id=run.account_id,
        region=run.region,
        started_at=run.started_at,
        finished_at=run.finished_at,
        scenarios=len(run.scenarios),
        state=run.state,
        signal=run.signal,
    )
    for scenario in run.scenarios:
        drifted = _scenario_drift(report, scenario)
        asked = {call.action for call in scenario.calls}
        for declaration in _declarations(scenario):
            if not any(_covers(declaration, action) for action in asked):
                continue  # e.g. a Background declaration in a scenario that never asks it
            report.known_differences.append(
                KnownDifferenceOutcome(
                    scenario=scenario.scenario,
                    feature_file=scenario.feature_file,
                    line=scenario.line,
                    nodeid=scenario.nodeid,
                    reason=declaration.reason,
                    drift_seen=any(_covers(declaration, action) for action in drifted),
                    actions=tuple(declaration.actions),
                )
            )
    return report
