"""A policy document under several ids (a group's policy, seen through each of its groups)
compiles its statements once; every id still reports itself, and a statement's memo of action
matches serves each policy that shares it with its own traces."""

from __future__ import annotations

import json

from iamspec.engine.compiled import PolicyRole, compile_policy
from iamspec.engine.context import ContextValue, RequestContext
from iamspec.engine.evaluator import Decision, Request, evaluate
from iamspec.policy.parser import PolicyKind, parse_policy

TEXT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": "connect:Describe*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
            },
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "connect:DeleteUser", "Resource": "*"},
        ],
    }
)
ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/jdoe"


def _context(department: str) -> RequestContext:
    return RequestContext([ContextValue("aws:ResourceTag/Department", (department,))])


def test_the_same_text_under_two_ids_shares_statements_but_reports_each_id() -> None:
    policy = parse_policy(TEXT, "a.json", kind=PolicyKind.IDENTITY)
    again = parse_policy(TEXT, "a.json", kind=PolicyKind.IDENTITY)
    one = compile_policy(policy, "a.json (via IAM group one)", "IAM Policy", PolicyRole.IDENTITY)
    two = compile_policy(again, "a.json (via IAM group two)", "IAM Policy", PolicyRole.IDENTITY)
    assert one is not two
    assert one.statements is two.statements
    for action, compiled, other in (
        ("connect:DescribeUser", one, two),
        ("connect:DeleteUser", two, one),
        ("connect:DescribeUser", two, one),
    ):
        evaluation = evaluate(Request(action, ARN, _context("Test")), [compiled])
        assert {t.policy.policy_id for t in evaluation.traces} == {compiled.policy_id}
        assert compiled.policy_id in evaluation.explain()
        assert other.policy_id not in evaluation.explain()
    denied = evaluate(Request("connect:DeleteUser", ARN, _context("Test")), [one])
    assert denied.decision is Decision.EXPLICIT_DENY
    assert [t.label for t in denied.deciding] == [
        "a.json (via IAM group one) statement 2 (NoDelete)"
    ]


def test_decisions_do_not_depend_on_which_id_asked_first() -> None:
    policy = parse_policy(TEXT, "b.json", kind=PolicyKind.IDENTITY)
    compiled = [
        compile_policy(policy, f"b.json (via IAM group g{i})", "IAM Policy", PolicyRole.IDENTITY)
        for i in range(5)
    ]
    for department, expected in (("Test", Decision.ALLOWED), ("Prod", Decision.IMPLICIT_DENY)):
        for policy_set in compiled:
            request = Request("connect:DescribeUser", ARN, _context(department))
            assert evaluate(request, [policy_set]).decision is expected
