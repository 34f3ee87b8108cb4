"""Record assembly: a scenario's world and answers turned into the run's records.

The records themselves (their classes and their format) belong to :mod:`iamspec.records`; this
module knows the harness's side of them. When the run keeps records (``--iam-results``, an API
backend, the living docs), :func:`begin` starts a scenario's
:class:`~iamspec.records.results.ScenarioRecord` before its first step, each step is marked as
it ends (those two through :class:`RecordingHooks`, registered only then), :func:`finish`
fills in what the scenario declared and asked from its
:class:`~iamspec.harness.world.World`, and :func:`attach` sends the record, as JSON, with the
scenario's test report (so that pytest-xdist workers deliver it to the controller's
:class:`~iamspec.harness.reporting.ResultsCollector`).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from iamspec.harness.errors import ScenarioFailure
from iamspec.harness.locations import feature_path
from iamspec.harness.outcome import CallResult
from iamspec.harness.reporting import POLICIES_PROPERTY, SCENARIO_PROPERTY
from iamspec.harness.session import WORLD, session_of
from iamspec.harness.world import World
from iamspec.records.results import (
    CallRecord,
    DeselectedScenarioRecord,
    KnownDifferenceRecord,
    LintWarningRecord,
    PolicyRefRecord,
    PolicyTextRecord,
    PrincipalRecord,
    RequestRecord,
    ResourceRecord,
    ScenarioRecord,
    StepRecord,
    timestamp,
)

__all__ = [
    "RecordingHooks",
    "attach",
    "begin",
    "call_record",
    "deselected_record",
    "finish",
    "register_hooks",
    "step_failed",
    "step_passed",
    "world_created",
]

_RECORD = pytest.StashKey[ScenarioRecord]()
_TEXTS = pytest.StashKey[list[PolicyTextRecord]]()
_CALLS_BEFORE = pytest.StashKey[int]()
_RETRIES_BEFORE = pytest.StashKey[int]()
_STARTED = pytest.StashKey[float]()


class RecordingHooks:
    """The pytest-bdd hooks that only fill records: registered (:func:`register_hooks`) only
    when the run keeps records, so that a plain run does not call them for every step."""

    def pytest_bdd_before_scenario(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any
    ) -> None:
        begin(request, feature, scenario)

    def pytest_bdd_after_step(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any
    ) -> None:
        step_passed(request, scenario, step)


_HOOKS = "iamspec-recording"


def register_hooks(config: pytest.Config) -> None:
    """At session start: register :class:`RecordingHooks` when the run keeps records
    (``--iam-results``, an API backend, the living docs), once."""
    if session_of(config).collecting and not config.pluginmanager.has_plugin(_HOOKS):
        config.pluginmanager.register(RecordingHooks(), _HOOKS)


def begin(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    """Start the scenario's record (when the run keeps records), its steps not run yet."""
    state = session_of(request.config)
    if not state.collecting:
        return
    node = request.node
    example = (
        node.callspec.params.get("_pytest_bdd_example", {}) if hasattr(node, "callspec") else {}
    )
    node.stash[_RECORD] = ScenarioRecord(
        feature=feature.name,
        feature_file=feature_path(request.config, feature.filename),
        feature_description=feature.description or "",
        scenario=scenario.name,
        line=scenario.line_number,
        tags=sorted(set(scenario.tags) | set(getattr(feature, "tags", ()))),
        nodeid=node.nodeid,
        example={str(k): str(v) for k, v in dict(example).items()},
        backend=state.backend_name,
        started_at=timestamp(),
        steps=[StepRecord(s.keyword, s.name, s.line_number) for s in scenario.steps],
    )
    node.stash[_STARTED] = time.perf_counter()


def world_created(node: pytest.Item, world: World) -> None:
    """Note the backend's counters when the scenario's world is made: the record counts the
    Simulate* calls and retries made from here on."""
    node.stash[_CALLS_BEFORE] = world.backend.simulate_calls
    node.stash[_RETRIES_BEFORE] = world.backend.retries


def _step_index(scenario: Any, step: Any) -> int | None:
    for index, candidate in enumerate(scenario.steps):
        if candidate is step:
            return index
    return None


def _mark_step(
    request: pytest.FixtureRequest, scenario: Any, step: Any, status: str, error: str | None
) -> None:
    record = request.node.stash.get(_RECORD, None)
    if record is None:  # the run keeps no records
        return
    index = _step_index(scenario, step)
    if index is not None and index < len(record.steps):
        record.steps[index].status = status
        record.steps[index].error = error


def step_passed(request: pytest.FixtureRequest, scenario: Any, step: Any) -> None:
    """Mark ``step`` passed in the scenario's record."""
    _mark_step(request, scenario, step, "passed", None)


def step_failed(
    request: pytest.FixtureRequest, scenario: Any, step: Any, exception: BaseException
) -> None:
    """Mark ``step`` failed in the scenario's record, with the error's type and message."""
    _mark_step(request, scenario, step, "failed", f"{type(exception).__name__}: {exception}")


def finish(request: pytest.FixtureRequest) -> None:
    """Complete the record from the scenario's world: calls, principals, resources, policies
    (and their linter warnings), known differences, Simulate* calls and retries, claims."""
    node = request.node
    record = node.stash.get(_RECORD, None)
    if record is None:
        return
    record.finished_at = timestamp()
    record.duration = round(time.perf_counter() - node.stash.get(_STARTED, time.perf_counter()), 6)
    world = node.stash.get(WORLD, None)
    if world is None:
        return
    record.calls = [call_record(r) for r in world.results]
    record.principals = [
        PrincipalRecord(
            name=p.name,
            kind=p.kind.value,
            arn=p.arn,
            policies=[f.display for f in p.policies],
            groups=list(p.groups),
            boundary=p.boundary.display if p.boundary else None,
            tags=dict(p.tags),
            deployed=p.deployed,
        )
        for p in world.declared_principals()
    ]
    record.resources = [
        ResourceRecord(kind=r.kind.phrase, name=r.name, arn=r.arn, tags=dict(r.tags))
        for r in world.declared_resources()
    ]
    loaded = world.loaded_policies()
    record.policy_warnings = [
        LintWarningRecord(
            path=w.path,
            line=w.line,
            column=w.column,
            severity=w.severity.value,
            code=w.code,
            message=w.message,
        )
        for f in loaded
        for w in f.lint_warnings
    ]
    state = session_of(request.config)
    texts = [
        PolicyTextRecord(f.display, f.kind.value, state.policy_sha256(f), f.text) for f in loaded
    ]
    record.evaluated_policies = [PolicyRefRecord(t.path, t.kind, t.sha256) for t in texts]
    node.stash[_TEXTS] = texts
    record.simulate_calls = world.backend.simulate_calls - node.stash.get(_CALLS_BEFORE, 0)
    record.simulate_retries = world.backend.retries - node.stash.get(_RETRIES_BEFORE, 0)
    record.known_differences = [
        KnownDifferenceRecord(list(k.actions), k.reason) for k in world.known_differences
    ]
    record.known_difference = (
        "; ".join(f"{', '.join(k.actions)}: {k.reason}" for k in world.known_differences) or None
    )
    record.claims = list(world.claims)


def attach(
    item: pytest.Item,
    report: pytest.TestReport,
    error: BaseException | None,
    error_text: str | None,
) -> None:
    """Give the record its outcome and send it with the call phase's ``report``.

    ``error`` is what failed the scenario (None when it did not fail), ``error_text`` the
    clean text of it the record keeps. A :class:`ScenarioFailure` is ``failed``; any other
    error is ``error``.
    """
    record = item.stash.get(_RECORD, None)
    if record is None:
        return
    if error is not None:
        record.status = "failed" if isinstance(error, ScenarioFailure) else "error"
        record.error = error_text
    else:
        record.status = report.outcome
    report.user_properties.append((SCENARIO_PROPERTY, json.dumps(record.to_dict())))
    _attach_policy_texts(item, report)
    del item.stash[_RECORD]  # sent: the item, kept until the run ends, need not keep it
    if _TEXTS in item.stash:
        del item.stash[_TEXTS]


def _attach_policy_texts(item: pytest.Item, report: pytest.TestReport) -> None:
    """Send with the report the policy texts this process has not sent yet.

    The collector (on the xdist controller, or here) keeps every text it receives; sending each
    once per process keeps the reports small when a thousand scenarios share a policy.
    """
    sent = session_of(item.config).sent_policies
    new = [t for t in item.stash.get(_TEXTS, []) if t.key not in sent]
    if not new:
        return
    sent.update(t.key for t in new)
    payload = [{"path": t.path, "kind": t.kind, "sha256": t.sha256, "text": t.text} for t in new]
    report.user_properties.append((POLICIES_PROPERTY, json.dumps(payload)))


def call_record(result: CallResult) -> CallRecord:
    """The record of one answered call."""
    call = result.call
    return CallRecord(
        step=result.step,
        principal=call.caller.name,
        principal_arn=call.caller.arn,
        action=call.action,
        target=call.target,
        request_tags=dict(call.request_tags),
        decision=result.decision.value,
        expected=result.expected,
        passed=result.passed,
        backend=result.backend,
        asked_at=timestamp(result.asked_at),
        requests=[
            RequestRecord(
                action=part.request.action,
                resource=part.request.resource,
                target=part.request.target,
                context_entries=part.request.context_entries(),
                notes=list(part.request.notes),
                decision=part.answer.decision.value,
                matched_statements=[dict(m) for m in part.answer.matched_statements],
                missing_context_values=list(part.answer.missing_context_values),
                explanation=part.answer.explanation,
                local_decision=(
                    part.answer.reference.decision.value if part.answer.reference else None
                ),
                drift=part.answer.drift,
                local_explanation=(
                    part.answer.reference.explanation if part.answer.reference else None
                ),
                boundary_statements=(
                    [dict(b) for b in part.answer.boundary_statements]
                    if part.answer.boundary_statements is not None
                    else None
                ),
            )
            for part in result.parts
        ],
        known_difference=result.known_difference,
    )


def _scenario_template(item: pytest.Item) -> Any | None:
    """The pytest-bdd scenario (template) an item runs, or None for any other test."""
    function = getattr(item, "obj", None)
    if function is None:
        return None
    try:  # where pytest-bdd's own tools look an item's scenario up
        from pytest_bdd.scenario import scenario_wrapper_template_registry

        found = scenario_wrapper_template_registry.get(function)
    except (ImportError, TypeError):  # an older pytest-bdd; a function that cannot be weak-ref'd
        found = None
    return found if found is not None else getattr(function, "__scenario__", None)


def deselected_record(
    item: pytest.Item, cause: str, reason: str
) -> DeselectedScenarioRecord | None:
    """The record of a scenario the run deselected (its steps not run), or None when ``item``
    is not a pytest-bdd scenario."""
    template = _scenario_template(item)
    if template is None:
        return None
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec is not None else {}
    example = {str(k): str(v) for k, v in dict(example).items()}
    scenario = template.render(example)
    feature = template.feature
    return DeselectedScenarioRecord(
        feature=feature.name,
        feature_file=feature_path(item.config, feature.filename),
        feature_description=feature.description or "",
        scenario=scenario.name,
        line=scenario.line_number,
        tags=sorted(set(template.tags) | set(getattr(feature, "tags", ()))),
        nodeid=item.nodeid,
        example=example,
        steps=[StepRecord(s.keyword, s.name, s.line_number) for s in scenario.steps],
        cause=cause,
        reason=reason,
    )
