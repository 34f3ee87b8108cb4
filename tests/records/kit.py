"""Hand-built records for the records tests: a run that uses every record class.

Built from :mod:`iamspec.records` alone (no harness, no living docs), so that these tests say
what the results format is, whoever writes or reads it.
"""

from __future__ import annotations

from typing import Any

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
    RunRecord,
    ScenarioRecord,
    StepRecord,
    text_sha256,
)

ACCOUNT = "111122223333"
T0 = "2026-11-30T07:47:00.123456+00:00"
T1 = "2026-11-30T07:47:03.000000+00:00"
DEPT = "policies/connect/dept.json"
DEPT_TEXT = (
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
    '      "Action": "connect:DescribeUser",\n      "Resource": "*"\n    }\n  ]\n}\n'
)
BOUNDARY = "policies/boundary.json"
BOUNDARY_TEXT = DEPT_TEXT.replace("connect:DescribeUser", "connect:*")

_PLAIN = {
    "allowed": "allowed",
    "implicitDeny": "implicitly denied",
    "explicitDeny": "explicitly denied",
}


def _statement(source: str) -> dict[str, Any]:
    return {
        "SourcePolicyId": source,
        "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": 4, "Column": 5},
        "EndPosition": {"Line": 8, "Column": 6},
    }


def user_arn(name: str) -> str:
    return f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/main/agent/{name}"


def call(
    action: str,
    decision: str,
    *,
    local: str | None = None,
    known: str | None = None,
    expected: str | None = "same",
) -> CallRecord:
    """A call on the Connect user jdoe; ``local`` is the local evaluator's answer too."""
    wanted = _PLAIN[decision] if expected == "same" else expected
    return CallRecord(
        step="features/dept.feature:9",
        principal="admin",
        principal_arn=f"arn:aws:iam::{ACCOUNT}:user/admin",
        action=action,
        target='the Connect user "jdoe"',
        request_tags={"Team": "blue"},
        decision=decision,
        expected=wanted,
        passed=None if wanted is None else _PLAIN[decision] == wanted,
        backend="live" if local is not None else "local",
        asked_at=T0,
        requests=[
            RequestRecord(
                action=action,
                resource=user_arn("jdoe"),
                target='the Connect user "jdoe"',
                context_entries=[
                    {
                        "ContextKeyName": "aws:ResourceTag/Department",
                        "ContextKeyValues": ["Test"],
                        "ContextKeyType": "string",
                    }
                ],
                notes=["aws:RequestTag/Team left out: the action takes no request tags"],
                decision=decision,
                matched_statements=[_statement(DEPT)] if decision != "implicitDeny" else [],
                missing_context_values=[],
                explanation=f"{action} on {user_arn('jdoe')}: {decision}",
                local_decision=local,
                drift=local is not None and local != decision,
                local_explanation=None if local is None else f"local: {local}",
                boundary_statements=[_statement(BOUNDARY)] if local is not None else None,
            )
        ],
        known_difference=known,
    )


def scenario(
    name: str,
    calls: list[CallRecord],
    *,
    line: int = 7,
    example: dict[str, str] | None = None,
    known: list[KnownDifferenceRecord] | None = None,
) -> ScenarioRecord:
    """A scenario of features/dept.feature whose user has DEPT and the boundary."""
    failed = any(c.passed is False for c in calls)
    declared = list(known or [])
    return ScenarioRecord(
        feature="Test admins manage Test agents",
        feature_file="features/dept.feature",
        feature_description="Admins of the Test department describe Test agents.",
        scenario=name,
        line=line,
        tags=["connect"],
        nodeid=f"features/test_dept.py::test_{line}",
        example=dict(example or {}),
        backend=calls[0].backend if calls else "local",
        started_at=T0,
        status="failed" if failed else "passed",
        error="ScenarioFailure: not as specified" if failed else None,
        finished_at=T1,
        duration=0.01,
        simulate_calls=len(calls),
        principals=[
            PrincipalRecord(
                name="admin",
                kind="user",
                arn=f"arn:aws:iam::{ACCOUNT}:user/admin",
                policies=[DEPT],
                groups=[],
                boundary=BOUNDARY,
                tags={"Department": "Test"},
            )
        ],
        resources=[
            ResourceRecord("Connect user", "jdoe", user_arn("jdoe"), {"Department": "Test"})
        ],
        steps=[
            StepRecord(
                "Given", f'the IAM user "admin" with the policy "{DEPT}"', line + 1, "passed"
            ),
            StepRecord("When", '"admin" calls the action', line + 2, "passed"),
            StepRecord(
                "Then",
                "the request is as specified",
                line + 3,
                "failed" if failed else "passed",
                "ScenarioFailure: not as specified" if failed else None,
            ),
        ],
        calls=calls,
        policy_warnings=[
            LintWarningRecord(DEPT, 7, 19, "warning", "wildcard-resource", "Resource is *")
        ],
        known_difference="; ".join(f"{', '.join(k.actions)}: {k.reason}" for k in declared) or None,
        simulate_retries=0,
        known_differences=declared,
        evaluated_policies=[
            PolicyRefRecord(DEPT, "identity", text_sha256(DEPT_TEXT)),
            PolicyRefRecord(BOUNDARY, "boundary", text_sha256(BOUNDARY_TEXT)),
        ],
    )


def deselected(line: int = 50) -> DeselectedScenarioRecord:
    """A ``@live`` scenario of a deployed principal that an offline run deselected."""
    return DeselectedScenarioRecord(
        feature="Deployed principals behave as specified",
        feature_file="features/live.feature",
        feature_description="Nightly, against the real account.",
        scenario="the deployed admin reaches only Test agents",
        line=line,
        tags=["live"],
        nodeid=f"features/test_live.py::test_{line}[Test]",
        example={"department": "Test"},
        steps=[
            StepRecord("Given", 'the deployed principal "test-admin"', line + 1),
            StepRecord("When", '"test-admin" calls "connect:DescribeUser"', line + 2),
            StepRecord("Then", "the request is allowed", line + 3),
        ],
        cause="live",
        reason="tagged @live: only --iam-backend=live runs it",
    )


def sample_run() -> RunRecord:
    """Six scenarios, every record class used: an outline of three rows, an explicit deny, a
    failure, and a compared call with a declared known difference; one scenario deselected."""
    outline = [
        scenario(
            "the Department tag decides",
            [call(action, decision)],
            example={"action": action},
        )
        for action, decision in [
            ("connect:DescribeUser", "allowed"),
            ("connect:UpdateUserHierarchy", "allowed"),
            ("connect:ListUsers", "implicitDeny"),
        ]
    ]
    reason = "AWS reads the tag key case-sensitively"
    return RunRecord(
        iamspec_version="0.1.0",
        iam_data_version="0.1.202610271",
        iam_data_updated_at="2026-10-27T04:50:33.626Z",
        backend="local",
        account_id=ACCOUNT,
        region="us-east-1",
        partition="aws",
        started_at=T0,
        finished_at=T1,
        simulate_calls=6,
        scenarios=[
            *outline,
            scenario(
                "nobody deletes an agent", [call("connect:DeleteUser", "explicitDeny")], line=20
            ),
            scenario(
                "phone settings stay with the admins",
                [call("connect:UpdateUserPhoneConfig", "implicitDeny", expected="allowed")],
                line=30,
            ),
            scenario(
                "AWS agrees",
                [call("connect:DescribeUser", "allowed", local="implicitDeny", known=reason)],
                line=40,
                known=[KnownDifferenceRecord(["connect:Describe*"], reason)],
            ),
        ],
        compare_local=True,
        simulate_retries=0,
        policies=[
            PolicyTextRecord(DEPT, "identity", text_sha256(DEPT_TEXT), DEPT_TEXT),
            PolicyTextRecord(BOUNDARY, "boundary", text_sha256(BOUNDARY_TEXT), BOUNDARY_TEXT),
        ],
        deselected=[deselected()],
    )
