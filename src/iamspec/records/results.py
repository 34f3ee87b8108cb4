"""The results of a run: every scenario, its steps, and every request as sent and answered.

Plain dataclasses of str/int/float/bool/list/dict, written by ``pytest --iam-results FILE``
(:meth:`RunRecord.write`) and read back with :func:`iamspec.records.loading.load_results`
(checked against the schema first) or :meth:`RunRecord.from_dict`. The living documentation
renders them; a drift report (:mod:`iamspec.records.drift`) compares the two answers they hold.

The format — every property, its type, what it means and when it was added, the versioning
rule — is described in one place: ``results.schema.json`` beside this module (JSON Schema
draft 2020-12, :func:`iamspec.records.loading.results_schema`). A test holds these dataclasses
and the schema to the same properties and types.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iamspec.files import write_file

__all__ = [
    "RUN_STATES",
    "SCHEMA_VERSION",
    "CallRecord",
    "ClaimRecord",
    "DeselectedScenarioRecord",
    "KnownDifferenceRecord",
    "LintWarningRecord",
    "PolicyRefRecord",
    "PolicyTextRecord",
    "PrincipalRecord",
    "RequestRecord",
    "ResourceRecord",
    "RunRecord",
    "ScenarioRecord",
    "StepRecord",
    "text_sha256",
    "timestamp",
]

SCHEMA_VERSION = 1

RUN_STATES = ("running", "complete", "interrupted", "crashed")
"""How a run ended (``RunRecord.state``): ``running`` is written when it starts, so a run killed
outright (SIGKILL) leaves ``running``, never an earlier run's ``complete``; ``interrupted`` by
a signal (``signal``) or stopped early (``state_reason``: ``-x``, the call cap); ``crashed``
by an internal error; ``complete`` when every selected scenario ran."""


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
"""Each record class's field names, read once (a run converts thousands of records)."""


def _plain(value: Any) -> Any:
    """Dataclasses, lists and dicts to plain JSON values (faster than dataclasses.asdict)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def timestamp(epoch: float | None = None) -> str:
    """ISO 8601 UTC, e.g. ``2026-11-30T07:47:00.123456+00:00``."""
    moment = datetime.now(UTC) if epoch is None else datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat()


def text_sha256(text: str) -> str:
    """The hex SHA-256 of ``text`` as UTF-8: how a results file names one policy text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class RequestRecord:
    """One (action, resource) request as sent to the backend, with the answer."""

    action: str
    resource: str
    target: str
    context_entries: list[dict[str, Any]]
    notes: list[str]
    decision: str
    matched_statements: list[dict[str, Any]]
    missing_context_values: list[str]
    explanation: str
    local_decision: str | None = None
    drift: bool = False
    local_explanation: str | None = None
    boundary_statements: list[dict[str, Any]] | None = None
    """[] none applied, None not known (see the schema's ``boundary_statements``)."""


@dataclass
class CallRecord:
    """One action a step asked about, on one or more resources."""

    step: str | None
    principal: str
    principal_arn: str
    action: str
    target: str
    request_tags: dict[str, str]
    decision: str
    expected: str | None
    passed: bool | None
    backend: str
    asked_at: str
    requests: list[RequestRecord] = field(default_factory=list)
    known_difference: str | None = None


@dataclass
class KnownDifferenceRecord:
    """A scenario's declaration that AWS answers ``actions`` otherwise, with its reason."""

    actions: list[str]
    reason: str


@dataclass
class LintWarningRecord:
    """A linter finding below error severity on a policy the scenario loaded."""

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str


@dataclass
class PolicyRefRecord:
    """Which text of a policy file a scenario evaluated (a key into :attr:`RunRecord.policies`).

    Scenarios name their policies by path; the hash says which text that was, so a file that
    changed during a run (two texts under one path) still maps each scenario to its own.
    """

    path: str
    kind: str
    sha256: str


@dataclass
class PolicyTextRecord:
    """A policy text exactly as every backend received it, recorded once per run.

    The living documentation shows this text, not the file as it is later: the simulator's
    statement positions refer to it, and the file may have changed (or be absent) by then.
    """

    path: str
    kind: str
    sha256: str
    text: str

    @property
    def key(self) -> tuple[str, str, str]:
        """(path, kind, sha256): what makes two records the same."""
        return (self.path, self.kind, self.sha256)


@dataclass
class StepRecord:
    """A step of the scenario and how it went."""

    keyword: str
    text: str
    line: int
    status: str = "not run"
    error: str | None = None


@dataclass
class PrincipalRecord:
    """An IAM identity the scenario declared."""

    name: str
    kind: str
    arn: str
    policies: list[str]
    groups: list[str]
    boundary: str | None
    tags: dict[str, str]
    deployed: bool = False
    """It exists in the AWS account (``Given the deployed principal``): the account's policies
    decide, not files under policies/."""


@dataclass
class ResourceRecord:
    """A resource the scenario declared."""

    kind: str
    name: str
    arn: str
    tags: dict[str, str]


@dataclass
class ClaimRecord:
    """A universal claim a step stated, and how the prover answered it.

    ``status`` is the prover's answer (``proven``, ``refuted``, ``unknown``, ``cannot
    prove``); ``expected`` what the step wanted (``proven``, or ``refuted`` for a refutation
    the feature expects); ``passed`` whether the step got it. A refuted claim carries the
    request that breaks it (``counterexample``: action, resource, boto3 ContextEntries), its
    decision under the claim's (first) policies, and the request as a scenario.
    """

    step: str | None
    text: str
    form: str
    status: str
    expected: str
    passed: bool
    statement: str
    principal: str | None = None
    actions: list[str] = field(default_factory=list)
    resource_kind: str | None = None
    policies: list[str] = field(default_factory=list)
    boundary: str | None = None
    compared: list[str] = field(default_factory=list)
    seconds: float = 0.0
    vacuous: bool = False
    counterexample: dict[str, Any] | None = None
    decision: str | None = None
    scenario: str | None = None
    explanation: str = ""
    unsupported: list[str] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)
    backend_decision: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ScenarioRecord:
    """One scenario (one Examples row of an outline) of one run."""

    feature: str
    feature_file: str
    feature_description: str
    scenario: str
    line: int
    tags: list[str]
    nodeid: str
    example: dict[str, str]
    backend: str
    started_at: str
    status: str = "passed"
    error: str | None = None
    finished_at: str | None = None
    duration: float = 0.0
    simulate_calls: int = 0
    principals: list[PrincipalRecord] = field(default_factory=list)
    resources: list[ResourceRecord] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    policy_warnings: list[LintWarningRecord] = field(default_factory=list)
    known_difference: str | None = None
    simulate_retries: int = 0
    known_differences: list[KnownDifferenceRecord] = field(default_factory=list)
    evaluated_policies: list[PolicyRefRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    """The universal claims the scenario's steps stated (claim steps), in order."""

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _plain(self)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioRecord:
        """Rebuild from :meth:`to_dict` output (e.g. sent across pytest-xdist workers)."""
        values = dict(data)
        values["principals"] = [PrincipalRecord(**p) for p in data.get("principals", [])]
        values["resources"] = [ResourceRecord(**r) for r in data.get("resources", [])]
        values["steps"] = [StepRecord(**s) for s in data.get("steps", [])]
        values["calls"] = [
            CallRecord(**{**c, "requests": [RequestRecord(**r) for r in c.get("requests", [])]})
            for c in data.get("calls", [])
        ]
        values["known_differences"] = [
            KnownDifferenceRecord(**k) for k in data.get("known_differences", [])
        ]
        values["policy_warnings"] = [
            LintWarningRecord(**w) for w in data.get("policy_warnings", [])
        ]
        values["evaluated_policies"] = [
            PolicyRefRecord(**r) for r in data.get("evaluated_policies", [])
        ]
        claim_fields = {f.name for f in fields(ClaimRecord)}
        values["claims"] = [
            ClaimRecord(**{k: v for k, v in c.items() if k in claim_fields})
            for c in data.get("claims", [])
        ]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass
class DeselectedScenarioRecord:
    """A scenario (one Examples row of an outline) the run collected and did not run.

    An offline run deselects ``@live`` scenarios; ``-m``, ``-k`` and ``--deselect`` deselect
    others. They are part of the specification: the living documentation shows them, with
    their steps and ``reason``, as not run in this run (never as passed).
    """

    feature: str
    feature_file: str
    feature_description: str
    scenario: str
    line: int
    tags: list[str]
    nodeid: str
    example: dict[str, str]
    steps: list[StepRecord]
    cause: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _plain(self)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeselectedScenarioRecord:
        """Rebuild from :meth:`to_dict` output (e.g. sent by a pytest-xdist worker)."""
        values = dict(data)
        values["steps"] = [StepRecord(**s) for s in data.get("steps", [])]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass
class RunRecord:
    """A whole run: what produced it and every scenario."""

    iamspec_version: str
    iam_data_version: str
    iam_data_updated_at: str
    backend: str
    account_id: str
    region: str
    partition: str
    started_at: str
    finished_at: str | None = None
    simulate_calls: int = 0
    scenarios: list[ScenarioRecord] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
    compare_local: bool = False
    simulate_retries: int = 0
    policies: list[PolicyTextRecord] = field(default_factory=list)
    deselected: list[DeselectedScenarioRecord] = field(default_factory=list)
    state: str | None = None
    """How the run ended (:data:`RUN_STATES`); None: not recorded (a file from before)."""
    signal: str | None = None
    """The signal that interrupted the run (``SIGINT``, ``SIGTERM``), or None."""
    state_reason: str | None = None
    """Why an interrupted or crashed run stopped, in words (``stopping after 1 failures``)."""

    @property
    def complete(self) -> bool:
        """The run ran every scenario it selected (or is from before ``state`` existed)."""
        return self.state in (None, "complete")

    def describe_state(self) -> str:
        """``complete``; ``interrupted (SIGTERM)``; ``running`` ... — how the run ended."""
        if self.state is None:
            return "complete"
        if self.state == "interrupted" and self.signal:
            return f"interrupted ({self.signal})"
        if self.state_reason:
            return f"{self.state} ({self.state_reason})"
        return self.state

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _plain(self)
        return result

    def add_policy(self, record: PolicyTextRecord) -> bool:
        """Keep ``record`` unless the run has it already (same path, kind and text).

        Returns whether it was new. Two texts under one path are both kept: the run evaluated
        both, and the reader must be told rather than shown one of them.
        """
        if any(p.key == record.key for p in self.policies):
            return False
        self.policies.append(record)
        return True

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    def write(self, path: Path) -> bool:
        """Write the JSON file atomically (parents created); return whether a file was
        replaced. Raises UnsafePathError (:mod:`iamspec.files`) for a target that is a
        symbolic link or not a regular file, or a write that fails."""
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_file(path, self.to_json() + "\n")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        values = dict(data)
        values["scenarios"] = [ScenarioRecord.from_dict(s) for s in data.get("scenarios", [])]
        values["policies"] = [PolicyTextRecord(**p) for p in data.get("policies", [])]
        values["deselected"] = [
            DeselectedScenarioRecord.from_dict(d) for d in data.get("deselected", [])
        ]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    @classmethod
    def read(cls, path: Path) -> RunRecord:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: not an iamspec results file")
        return cls.from_dict(data)
