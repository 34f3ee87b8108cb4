"""Which permissions-boundary statements applied: the local backend records them from its
traces, moto and live copy them from their local reference, and the results file keeps them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamspec.engine.evaluator import Decision
from iamspec.harness.backends import ApiOptions, LocalBackend, MotoBackend
from iamspec.harness.outcome import Outcome
from iamspec.harness.recording import call_record
from iamspec.harness.world import World
from iamspec.livingdoc import validate_results
from iamspec.policy.parser import parse_policy
from iamspec.records.results import RequestRecord, RunRecord, ScenarioRecord
from tests.harness.kit import make_world, write_policy

BOUNDARY = "boundary.json"
BOUNDARY_DISPLAY = f"policies/{BOUNDARY}"
BOUNDARY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ManageUsers",
            "Effect": "Allow",
            "Action": ["connect:DescribeUser", "connect:DeleteUser"],
            "Resource": "*",
        },
        {"Sid": "NeverUsed", "Effect": "Allow", "Action": "wisdom:*", "Resource": "*"},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "connect:DeleteUser", "Resource": "*"},
    ],
}
ACTIONS = ("connect:DescribeUser", "connect:DeleteUser", "connect:UpdateUserHierarchy")


def _spans(root: Path) -> list[tuple[dict[str, int], dict[str, int]]]:
    text = (root / "policies" / BOUNDARY).read_text(encoding="utf-8")
    return [
        (
            {"Line": st.start.line, "Column": st.start.column},
            {"Line": st.end.line, "Column": st.end.column},
        )
        for st in parse_policy(text, BOUNDARY_DISPLAY).statements
    ]


def _bounded_world(root: Path) -> World:
    """A user and a role with an allow-all identity policy and BOUNDARY_POLICY (moto stores
    no user boundaries: it is asked about the role), and a user without a boundary."""
    write_policy(root, BOUNDARY, BOUNDARY_POLICY)
    world = make_world(root)
    world.add_principal("IAM user", "bounded", ["allow-all.json"])
    world.set_boundary("bounded", BOUNDARY)
    world.add_principal("IAM role", "bounded-role", ["allow-all.json"])
    world.set_boundary("bounded-role", BOUNDARY)
    world.add_principal("IAM user", "free", ["allow-all.json"])
    world.add_resource("Connect user", "jdoe", tags="Department=Test")
    return world


def _ask(world: World, backend: Any, caller: str = "bounded") -> Outcome:
    calls = [
        call
        for action in ACTIONS
        for call in world.builder.build(
            world.caller(caller), action, resources=[world.resource("Connect user", "jdoe")]
        )
    ]
    result: Outcome = backend.ask(calls)
    return result


def _answers(outcome: Outcome) -> dict[str, Any]:
    return {r.call.action: r.parts[0].answer for r in outcome.results}


def _indexes(statements: Any, root: Path) -> list[int]:
    spans = _spans(root)
    found = []
    for item in statements:
        assert item["SourcePolicyId"] == BOUNDARY_DISPLAY
        assert set(item) == {"SourcePolicyId", "SourcePolicyType", "StartPosition", "EndPosition"}
        found.append(spans.index((item["StartPosition"], item["EndPosition"])))
    return found


def test_local_records_the_boundary_statements_that_applied(tmp_path):
    world = _bounded_world(tmp_path)
    answers = _answers(_ask(world, world.backend))
    describe, delete, update = (answers[a] for a in ACTIONS)
    assert describe.decision is Decision.ALLOWED
    assert _indexes(describe.boundary_statements, tmp_path) == [0]  # ManageUsers let it through
    assert delete.decision is Decision.EXPLICIT_DENY
    assert _indexes(delete.boundary_statements, tmp_path) == [0, 2]  # and NoDeletes denied it
    # the simulator's MatchedStatements never name boundary statements: no double count
    assert all(m["SourcePolicyId"] != BOUNDARY_DISPLAY for m in delete.matched_statements)
    assert update.decision is Decision.IMPLICIT_DENY
    assert update.boundary_statements == ()  # known: none applied
    # NeverUsed (index 1) applied to nothing
    assert 1 not in {i for a in answers.values() for i in _indexes(a.boundary_statements, tmp_path)}


def test_local_records_none_applied_without_a_boundary(tmp_path):
    world = _bounded_world(tmp_path)
    for answer in _answers(_ask(world, world.backend, "free")).values():
        assert answer.boundary_statements == ()


@pytest.mark.parametrize("compare_local", [False, True], ids=["alone", "compare-local"])
def test_moto_copies_them_from_its_local_reference_only(tmp_path, fake_aws, compare_local):
    pytest.importorskip("iamspec.moto")
    world = _bounded_world(tmp_path)
    local = _answers(_ask(world, LocalBackend(world.catalog, world.settings), "bounded-role"))
    assert _indexes(local["connect:DeleteUser"].boundary_statements, tmp_path) == [0, 2]
    moto = MotoBackend(world.catalog, world.settings, ApiOptions(compare_local=compare_local))
    moto.start()
    try:
        moto.begin_scenario()
        answers = _answers(_ask(world, moto, "bounded-role"))
    finally:
        moto.close()
    assert set(answers) == set(ACTIONS)
    for action, answer in answers.items():
        assert answer.backend == "moto"
        assert answer.decision is local[action].decision
        if compare_local:
            assert answer.reference is not None
            assert answer.boundary_statements == answer.reference.boundary_statements
            assert answer.boundary_statements == local[action].boundary_statements
        else:
            assert answer.reference is None
            assert answer.boundary_statements is None  # not known: AWS never says


def _scenario(outcome: Outcome) -> ScenarioRecord:
    return ScenarioRecord(
        feature="F",
        feature_file="features/f.feature",
        feature_description="",
        scenario="S",
        line=3,
        tags=[],
        nodeid="features/test_features.py::test_s",
        example={},
        backend=outcome.backend,
        started_at="2026-11-30T07:47:00+00:00",
        calls=[call_record(r) for r in outcome.results],
    )


def _run(scenario: ScenarioRecord) -> RunRecord:
    return RunRecord(
        iamspec_version="0.1.0",
        iam_data_version="0.1.202610271",
        iam_data_updated_at="2026-10-27T04:50:33.626Z",
        backend=scenario.backend,
        account_id="111122223333",
        region="us-east-1",
        partition="aws",
        started_at="2026-11-30T07:47:00+00:00",
        finished_at="2026-11-30T07:47:01+00:00",
        scenarios=[scenario],
    )


def test_the_record_keeps_them_round_trips_and_validates(tmp_path):
    world = _bounded_world(tmp_path)
    scenario = _scenario(_ask(world, world.backend))
    requests = {c.action: c.requests[0] for c in scenario.calls}
    assert _indexes(requests["connect:DeleteUser"].boundary_statements, tmp_path) == [0, 2]
    assert requests["connect:UpdateUserHierarchy"].boundary_statements == []
    run = _run(scenario)
    data = json.loads(run.to_json())
    validate_results(data, "results.json")
    assert RunRecord.from_dict(data) == run


def test_not_known_is_null_and_an_older_file_reads_as_not_known(tmp_path):
    request = RequestRecord(
        "connect:DescribeUser", "*", "t", [], [], "allowed", [], [], "moto says allowed"
    )
    assert request.boundary_statements is None
    world = _bounded_world(tmp_path)
    scenario = _scenario(_ask(world, world.backend))
    scenario.calls[0].requests = [request]
    data = json.loads(_run(scenario).to_json())
    assert data["scenarios"][0]["calls"][0]["requests"][0]["boundary_statements"] is None
    validate_results(data, "results.json")
    for call in data["scenarios"][0]["calls"]:  # as written before the field existed
        for item in call["requests"]:
            del item["boundary_statements"]
    validate_results(data, "old.json")
    old = RunRecord.from_dict(data)
    assert all(r.boundary_statements is None for c in old.scenarios[0].calls for r in c.requests)
