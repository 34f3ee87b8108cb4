"""The drift report: built from a compared run's records, both answers and the request."""

from __future__ import annotations

from iamspec.records.drift import drift_report
from iamspec.records.results import CallRecord, RequestRecord, RunRecord, ScenarioRecord


def _request(decision: str, local: str | None) -> RequestRecord:
    return RequestRecord(
        action="connect:DescribeUser",
        resource="arn:aws:connect:us-east-1:111122223333:instance/i/agent/a",
        target='the Connect user "a"',
        context_entries=[
            {
                "ContextKeyName": "aws:username",
                "ContextKeyValues": ["u"],
                "ContextKeyType": "string",
            }
        ],
        notes=[],
        decision=decision,
        matched_statements=[],
        missing_context_values=[],
        explanation=f"live: {decision}",
        local_decision=local,
        drift=local is not None and local != decision,
        local_explanation=None if local is None else f"local: {local}",
    )


def _scenario(name: str, requests: list[RequestRecord], known: str | None = None):
    return ScenarioRecord(
        feature="f",
        feature_file="features/f.feature",
        feature_description="",
        scenario=name,
        line=3,
        tags=[],
        nodeid=f"features/test_features.py::test_{name}",
        example={},
        backend="live",
        started_at="2026-11-30T00:00:00+00:00",
        calls=[
            CallRecord(
                step="features/f.feature:5",
                principal="u",
                principal_arn="arn:aws:iam::111122223333:user/u",
                action="connect:DescribeUser",
                target='the Connect user "a"',
                request_tags={},
                decision=requests[0].decision,
                expected="allowed",
                passed=True,
                backend="live",
                asked_at="2026-11-30T00:00:00+00:00",
                requests=requests,
            )
        ],
        known_difference=known,
    )


def test_the_drift_report_lists_both_answers_and_the_request():
    run = RunRecord(
        iamspec_version="0",
        iam_data_version="0",
        iam_data_updated_at="",
        backend="live",
        account_id="111122223333",
        region="us-east-1",
        partition="aws",
        started_at="2026-11-30T00:00:00+00:00",
        compare_local=True,
        scenarios=[
            _scenario("agree", [_request("allowed", "allowed")]),
            _scenario("drifts", [_request("allowed", "implicitDeny")]),
            _scenario("known", [_request("explicitDeny", "allowed")], "AWS reads it otherwise"),
            _scenario("stale", [_request("allowed", "allowed")], "fixed by AWS in 2026"),
            _scenario("deployed", [_request("allowed", None)]),
        ],
    )
    report = drift_report(run)
    assert (report.requests_compared, report.requests_not_compared) == (4, 1)
    assert [d.scenario for d in report.disagreements] == ["drifts", "known"]
    assert [d.scenario for d in report.unexplained] == ["drifts"]
    assert [(k.scenario, k.drift_seen) for k in report.known_differences] == [
        ("known", True),
        ("stale", False),
    ]
    data = report.to_dict()
    assert data["unexplained"] == 1
    first = data["disagreements"][0]
    assert first["answers"] == {
        "live": {"decision": "allowed", "explanation": "live: allowed"},
        "local": {"decision": "implicitDeny", "explanation": "local: implicitDeny"},
    }
    assert first["request"]["action"] == "connect:DescribeUser"
    assert first["request"]["context_entries"][0]["ContextKeyName"] == "aws:username"
    assert first["step"] == "features/f.feature:5"
    assert report.disagreements[1].summary().endswith("(known difference)")
