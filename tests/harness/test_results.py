"""The results model: JSON-serialisable and read back unchanged."""

from __future__ import annotations

import json

from iamspec.harness import decisions
from iamspec.harness.recording import call_record
from iamspec.records.results import RunRecord, ScenarioRecord, StepRecord
from tests.harness.kit import make_world


def test_round_trip(tmp_path):
    world = make_world(tmp_path)
    world.add_principal("IAM user", "u", ["department.json"])
    world.add_resource("Connect user", "x", tags="Department=Test")
    world.step = "features/a.feature:7"
    outcome = world.ask("u", "connect:DescribeUser", on='the Connect user "x"')
    decisions.expect(outcome, "allowed")
    record = ScenarioRecord(
        feature="F",
        feature_file="features/a.feature",
        feature_description="d",
        scenario="S",
        line=3,
        tags=[],
        nodeid="n",
        example={},
        backend="local",
        started_at="t",
        steps=[StepRecord("Given", "x", 4, "passed")],
        calls=[call_record(r) for r in outcome.results],
    )
    run = RunRecord(
        iamspec_version="0",
        iam_data_version="v",
        iam_data_updated_at="u",
        backend="local",
        account_id="111122223333",
        region="us-east-1",
        partition="aws",
        started_at="t",
        scenarios=[record],
    )
    text = run.to_json()
    data = json.loads(text)
    call = data["scenarios"][0]["calls"][0]
    assert call["step"] == "features/a.feature:7"
    assert call["decision"] == "allowed"
    assert call["expected"] == "allowed"
    assert call["passed"] is True
    request = call["requests"][0]
    assert request["action"] == "connect:DescribeUser"
    assert {
        "ContextKeyName": "aws:ResourceTag/Department",
        "ContextKeyValues": ["Test"],
        "ContextKeyType": "string",
    } in request["context_entries"]
    assert request["matched_statements"][0]["SourcePolicyId"] == "policies/department.json"
    assert RunRecord.from_dict(data) == run
    path = tmp_path / "out" / "results.json"
    run.write(path)
    assert RunRecord.read(path) == run
