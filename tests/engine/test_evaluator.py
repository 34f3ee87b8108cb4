"""The decision (iamspec.engine.evaluator): explicit deny, allow, implicit deny, and why.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
(and ..._policy-eval-denyallow.html): within one account, an applicable Deny in any policy
wins; otherwise an identity-based or resource-based Allow is needed; a permissions boundary
caps identity-based Allows; a resource-based Allow naming an IAM user is final, while one
naming a role is still capped by the boundary.
"""

import json

import pytest

from iamspec.engine.compiled import PolicyRole, compile_policy
from iamspec.engine.context import ContextValue, RequestContext
from iamspec.engine.evaluator import Decision, Request, evaluate, most_restrictive
from iamspec.policy.parser import PolicyKind, parse_policy

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
OTHER_USER = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/report.csv"

_KINDS = {
    PolicyRole.IDENTITY: PolicyKind.IDENTITY,
    PolicyRole.BOUNDARY: PolicyKind.BOUNDARY,
    PolicyRole.RESOURCE: PolicyKind.RESOURCE,
}


def _compile(statements, role=PolicyRole.IDENTITY, policy_id="PolicyInputList.1"):
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    policy = parse_policy(text, policy_id, kind=_KINDS[role])
    policy_type = "Resource Policy" if role is PolicyRole.RESOURCE else "IAM Policy"
    return compile_policy(policy, policy_id, policy_type, role)


def _allow(action="s3:GetObject", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _deny(action="s3:GetObject", resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def _for(principal, statement):
    return {**statement, "Principal": principal}


def _run(
    identity=(),
    boundary=None,
    resource=None,
    caller=USER,
    action="s3:GetObject",
    arn=OBJECT,
    context=None,
):
    identity_policies = [_compile(list(identity))] if identity else []
    boundary_policies = (
        [_compile(boundary, PolicyRole.BOUNDARY, "PermissionsBoundaryPolicyInputList.1")]
        if boundary is not None
        else []
    )
    resource_policy = (
        _compile(resource, PolicyRole.RESOURCE, "ResourcePolicy") if resource is not None else None
    )
    request = Request(action, arn, context or RequestContext(), caller)
    return evaluate(request, identity_policies, boundary_policies, resource_policy)


ALLOWED, IMPLICIT, EXPLICIT = Decision.ALLOWED, Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY

DECISION_TABLE = [
    # id, identity, boundary, resource policy, caller, decision, AllowedByPermissionsBoundary
    ("nothing allows: implicit deny", [], None, None, USER, IMPLICIT, None),
    ("identity allows", [_allow()], None, None, USER, ALLOWED, None),
    ("other action only", [_allow("s3:PutObject")], None, None, USER, IMPLICIT, None),
    # explicit deny overrides any allow, wherever the Deny is
    ("deny in identity", [_allow(), _deny()], None, None, USER, EXPLICIT, None),
    ("deny in boundary", [_allow()], [_allow(), _deny()], None, USER, EXPLICIT, False),
    ("deny in resource policy", [_allow()], None, [_for("*", _deny())], USER, EXPLICIT, None),
    (
        "identity deny beats resource allow",
        [_deny()],
        None,
        [_for("*", _allow())],
        USER,
        EXPLICIT,
        None,
    ),
    (
        "boundary deny beats resource allow",
        [],
        [_allow(), _deny()],
        [_for({"AWS": USER}, _allow())],
        USER,
        EXPLICIT,
        False,
    ),
    # the permissions boundary caps identity-based allows
    (
        "identity allows, boundary does not",
        [_allow()],
        [_allow("s3:PutObject")],
        None,
        USER,
        IMPLICIT,
        False,
    ),
    ("boundary allows, identity does not", [], [_allow()], None, USER, IMPLICIT, True),
    ("identity and boundary allow", [_allow()], [_allow("s3:*")], None, USER, ALLOWED, True),
    (
        "empty-ish boundary allows nothing",
        [_allow()],
        [_allow("ec2:*")],
        None,
        USER,
        IMPLICIT,
        False,
    ),
    # a resource-based Allow naming an IAM user is final (identity and boundary notwithstanding)
    ("resource allow, IAM user", [], None, [_for({"AWS": USER}, _allow())], USER, ALLOWED, None),
    (
        "resource allow, IAM user, boundary silent",
        [],
        [_allow("s3:PutObject")],
        [_for({"AWS": USER}, _allow())],
        USER,
        ALLOWED,
        False,
    ),
    # ... but for a role it is still capped by the boundary
    (
        "resource allow, role, boundary silent",
        [],
        [_allow("s3:PutObject")],
        [_for({"AWS": ROLE}, _allow())],
        ROLE,
        IMPLICIT,
        False,
    ),
    (
        "resource allow, role, boundary allows",
        [],
        [_allow()],
        [_for({"AWS": ROLE}, _allow())],
        ROLE,
        ALLOWED,
        True,
    ),
    (
        "resource allow, role, no boundary",
        [],
        None,
        [_for({"AWS": ROLE}, _allow())],
        ROLE,
        ALLOWED,
        None,
    ),
    # principal matching
    (
        "resource allow names someone else",
        [],
        None,
        [_for({"AWS": OTHER_USER}, _allow())],
        USER,
        IMPLICIT,
        None,
    ),
    ("resource allow to everyone", [], None, [_for("*", _allow())], USER, ALLOWED, None),
    (
        'resource allow to {"AWS": "*"}',
        [],
        None,
        [_for({"AWS": "*"}, _allow())],
        USER,
        ALLOWED,
        None,
    ),
    (
        "resource allow to a service",
        [],
        None,
        [_for({"Service": "ec2.amazonaws.com"}, _allow())],
        USER,
        IMPLICIT,
        None,
    ),
    (
        "principal lists are OR-ed",
        [],
        None,
        [_for({"AWS": [OTHER_USER, USER]}, _allow())],
        USER,
        ALLOWED,
        None,
    ),
    # The Principal page: "*" cannot match part of a principal ARN.
    (
        "partial wildcard principal",
        [],
        None,
        [_for({"AWS": f"arn:aws:iam::{ACCOUNT}:user/*"}, _allow())],
        USER,
        IMPLICIT,
        None,
    ),
    # An account principal names every principal of the account; an Allow only delegates
    # to the account's identity policies [INF, Principal page], a Deny applies to all of it.
    (
        "resource allow to the account only delegates",
        [],
        None,
        [_for({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, _allow())],
        USER,
        IMPLICIT,
        None,
    ),
    (
        "account delegation plus identity allow",
        [_allow()],
        None,
        [_for({"AWS": ACCOUNT}, _allow())],
        USER,
        ALLOWED,
        None,
    ),
    (
        "resource deny to the account",
        [_allow()],
        None,
        [_for({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, _deny())],
        USER,
        EXPLICIT,
        None,
    ),
    (
        "resource deny to another account",
        [_allow()],
        None,
        [_for({"AWS": "444455556666"}, _deny())],
        USER,
        ALLOWED,
        None,
    ),
    (
        "NotPrincipal deny hits everyone else",
        [_allow()],
        None,
        [{**_deny(), "NotPrincipal": {"AWS": OTHER_USER}}],
        USER,
        EXPLICIT,
        None,
    ),
    (
        "NotPrincipal deny spares the listed",
        [_allow()],
        None,
        [{**_deny(), "NotPrincipal": {"AWS": USER}}],
        USER,
        ALLOWED,
        None,
    ),
]


@pytest.mark.parametrize(
    ("identity", "boundary", "resource", "caller", "decision", "by_boundary"),
    [pytest.param(*row[1:], id=row[0]) for row in DECISION_TABLE],
)
def test_evaluation_logic(identity, boundary, resource, caller, decision, by_boundary):
    evaluation = _run(identity, boundary, resource, caller)
    assert evaluation.decision is decision, evaluation.explain()
    assert evaluation.allowed_by_boundary is by_boundary


def test_explicit_deny_lists_only_the_denying_statements():
    # botocore's model: "the deny statement is the only entry included in the result".
    evaluation = _run([_allow(), _deny(Sid="NoReports")])
    assert [t.label for t in evaluation.deciding] == ["PolicyInputList.1 statement 2 (NoReports)"]


def test_allow_lists_every_allowing_statement():
    evaluation = _run([_allow(Sid="One"), _allow("s3:*", Sid="Two"), _allow("ec2:*")])
    assert [t.label for t in evaluation.deciding] == [
        "PolicyInputList.1 statement 1 (One)",
        "PolicyInputList.1 statement 2 (Two)",
    ]
    assert evaluation.summary == (
        "allowed by PolicyInputList.1 statement 1 (One), PolicyInputList.1 statement 2 (Two)"
    )


def test_implicit_deny_has_no_deciding_statements():
    evaluation = _run([_allow("s3:PutObject")])
    assert evaluation.deciding == ()
    assert evaluation.summary == "implicitly denied: no statement allows it"


@pytest.mark.parametrize(
    ("identity", "boundary", "resource", "caller", "summary"),
    [
        (
            [_allow()],
            [_allow("s3:PutObject")],
            None,
            USER,
            "implicitly denied: an identity-based policy allows it, "
            "but the permissions boundary does not",
        ),
        (
            [],
            [_allow()],
            None,
            USER,
            "implicitly denied: the permissions boundary allows it, "
            "but no identity-based policy does",
        ),
        (
            [],
            [_allow("s3:PutObject")],
            [_for({"AWS": ROLE}, _allow())],
            ROLE,
            "implicitly denied: the resource-based policy allows it, but the caller is not an "
            "IAM user and the permissions boundary does not allow it",
        ),
    ],
)
def test_boundary_summaries(identity, boundary, resource, caller, summary):
    assert _run(identity, boundary, resource, caller).summary == summary


# -- explanations: the text a user reads ------------------------------------------------------

DEPARTMENT_POLICY = [
    {
        "Sid": "DescribeTest",
        "Effect": "Allow",
        "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
    },
    {
        "Effect": "Deny",
        "Action": "connect:DeleteUser",
        "Resource": "arn:aws:connect:*:*:instance/*/agent/*",
    },
]
AGENT = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/i-1/agent/jdoe"


def _department(value):
    return RequestContext([ContextValue("aws:ResourceTag/Department", (value,))])


def test_explanation_of_a_failed_condition():
    evaluation = _run(
        DEPARTMENT_POLICY, action="connect:DescribeUser", arn=AGENT, context=_department("Prod")
    )
    assert evaluation.decision is IMPLICIT
    assert evaluation.explain() == "\n".join(
        [
            f"connect:DescribeUser on {AGENT}: implicitDeny",
            "implicitly denied: no statement allows it",
            "PolicyInputList.1 statement 1 (DescribeTest): does not apply",
            "  action: connect:DescribeUser matches 'connect:DescribeUser'",
            f"  resource: {AGENT} matches '*'",
            "  condition FAILED: aws:ResourceTag/Department is 'Prod'; StringEquals expects 'Test'",
        ]
    )


def test_explanation_of_an_allow():
    evaluation = _run(
        DEPARTMENT_POLICY,
        action="connect:UpdateUserHierarchy",
        arn=AGENT,
        context=_department("Test"),
    )
    text = evaluation.explain()
    assert text.splitlines()[:3] == [
        f"connect:UpdateUserHierarchy on {AGENT}: allowed",
        "allowed by PolicyInputList.1 statement 1 (DescribeTest)",
        "PolicyInputList.1 statement 1 (DescribeTest): Allow applies",
    ]
    assert "  action: connect:UpdateUserHierarchy matches 'connect:UpdateUser*'" in text
    assert (
        "  condition ok: aws:ResourceTag/Department is 'Test'; StringEquals matches 'Test'" in text
    )


def test_explanation_of_an_explicit_deny():
    evaluation = _run(DEPARTMENT_POLICY, action="connect:DeleteUser", arn=AGENT)
    assert evaluation.decision is EXPLICIT
    assert evaluation.explain().splitlines()[:5] == [
        f"connect:DeleteUser on {AGENT}: explicitDeny",
        "explicitly denied by PolicyInputList.1 statement 2",
        "PolicyInputList.1 statement 2: Deny applies",
        "  action: connect:DeleteUser matches 'connect:DeleteUser'",
        f"  resource: {AGENT} matches 'arn:aws:connect:*:*:instance/*/agent/*'",
    ]


def test_explanation_of_an_absent_key_and_missing_values():
    evaluation = _run(DEPARTMENT_POLICY, action="connect:DescribeUser", arn=AGENT)
    text = evaluation.explain()
    assert "  condition FAILED: aws:ResourceTag/Department is absent; StringEquals needs it" in text
    assert text.splitlines()[-1] == (
        "context keys the policies read but the request lacks: aws:ResourceTag/Department"
    )


def test_explanation_when_no_action_matches():
    evaluation = _run(DEPARTMENT_POLICY, action="s3:GetObject")
    assert evaluation.explain().splitlines()[2] == "no statement's Action matches s3:GetObject"


def test_explanation_of_principal():
    evaluation = _run(resource=[_for({"AWS": OTHER_USER}, _allow())])
    trace = evaluation.traces[0]
    assert trace.principal is not None
    assert trace.principal.reason == f"{USER} is not a listed Principal (AWS {OTHER_USER})"
    wildcard = _run(resource=[_for({"AWS": f"arn:aws:iam::{ACCOUNT}:user/*"}, _allow())])
    assert wildcard.traces[0].principal.reason.endswith(
        "; a wildcard cannot match part of a principal ARN"
    )
    account = _run(resource=[_for({"AWS": ACCOUNT}, _allow())]).traces[0]
    assert account.applies is False
    assert account.principal.reason == (
        f"{USER} belongs to the account named by Principal '{ACCOUNT}'; an Allow for an "
        "account only delegates to that account's identity-based policies, which must allow "
        "the request themselves"
    )
    root = f"arn:aws:iam::{ACCOUNT}:root"
    deny = _run([_allow()], resource=[_for({"AWS": root}, _deny())]).traces[1]
    assert deny.applies is True
    assert deny.principal.reason == (
        f"{USER} belongs to the account named by Principal '{root}', "
        "and a Deny for an account covers all of it"
    )


def test_statements_whose_action_does_not_match_are_traced_but_not_reached():
    evaluation = _run([_allow("s3:PutObject", Sid="Put"), _allow(Sid="Get")])
    skipped, reached = evaluation.traces
    assert skipped.action.matched is False
    assert (skipped.resource, skipped.principal, skipped.conditions) == (None, None, ())
    assert reached.resource is not None
    assert reached.resource.matched


def test_repeated_evaluations_are_independent_of_the_memo():
    # The evaluator memoises per-action matches on the compiled policy; the answers and the
    # explanations must be the same whatever was evaluated before.
    policy = [_compile(DEPARTMENT_POLICY)]
    requests = [
        Request("connect:DescribeUser", AGENT, _department(v)) for v in ("Test", "Prod", "Test")
    ]
    first = [evaluate(r, policy) for r in requests]
    second = [evaluate(r, policy) for r in reversed(requests)][::-1]
    assert [e.decision for e in first] == [ALLOWED, IMPLICIT, ALLOWED]
    assert [e.explain() for e in first] == [e.explain() for e in second]


# -- MissingContextValues (boto/boto3#3111) ---------------------------------------------------

KEYS_POLICY = [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
    {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/${aws:username}/*",
    },
    {
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:RequestTag/Owner": "TeamA"},
            "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
        },
    },
]


def test_missing_context_values_include_keys_of_other_statements_and_resource_variables():
    # boto3#3111: simulating s3:ListBucket reported aws:username, which only a GetObject
    # statement's Resource used; maintainers closed it as expected behaviour.
    evaluation = _run(KEYS_POLICY, action="s3:ListBucket", arn="arn:aws:s3:::b")
    assert evaluation.decision is ALLOWED
    assert evaluation.missing_context_keys == (
        "aws:username",
        "aws:RequestTag/Owner",
        "aws:SourceIp",
    )


def test_supplied_keys_are_not_missing_whatever_their_case():
    context = RequestContext(
        [ContextValue("AWS:USERNAME", ("alice",)), ContextValue("aws:sourceip", ("10.1.1.1",))]
    )
    evaluation = _run(KEYS_POLICY, action="s3:ListBucket", arn="arn:aws:s3:::b", context=context)
    assert evaluation.missing_context_keys == ("aws:RequestTag/Owner",)


def test_missing_context_values_come_from_identity_and_resource_policies_only():
    # botocore's model: "Only context keys referenced by identity-based and resource-based
    # policies appear here" - not the boundary's.
    boundary = [_allow("s3:*", Condition={"Bool": {"aws:SecureTransport": "true"}})]
    resource = [_for("*", _allow(Condition={"StringEquals": {"s3:x-amz-acl": "private"}}))]
    evaluation = _run([_allow()], boundary, resource)
    assert evaluation.missing_context_keys == ("s3:x-amz-acl",)


def test_most_restrictive():
    assert most_restrictive([ALLOWED, IMPLICIT, ALLOWED]) is IMPLICIT
    assert most_restrictive([IMPLICIT, EXPLICIT, ALLOWED]) is EXPLICIT
    assert most_restrictive([ALLOWED]) is ALLOWED


def test_conditions_are_not_reached_when_the_resource_does_not_match():
    statement = _allow(
        resource="arn:aws:s3:::other/*",
        Condition={"StringEquals": {"aws:ResourceTag/Department": "Test"}},
    )
    evaluation = _run([statement])
    (trace,) = evaluation.traces
    assert trace.conditions == ()
    assert trace.explain().splitlines()[-2:] == [
        f"  resource: {OBJECT} matches none of 'arn:aws:s3:::other/*'",
        "  conditions: not evaluated, the resource does not match",
    ]
    # the key is still reported as missing: MissingContextValues is policy-wide
    assert evaluation.missing_context_keys == ("aws:ResourceTag/Department",)
