"""Action and Resource matching (iamspec.engine.matching), with AWS's own examples.

Sources (IAM User Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/):
- reference_policies_elements_action.html: prefix and name case-insensitive; ``*``/``?``.
- reference_policies_elements_notaction.html: NotAction is still scoped by Resource.
- reference_policies_elements_resource.html: ARN wildcards per segment, the S3 example table,
  "In the Resource element, the IAM user name is case sensitive".
- reference_policies_elements_notresource.html.
- reference_policies_variables.html: variables in the resource part; only 2012-10-17.
"""

import json

import pytest

from iamspec.engine.compiled import PolicyRole, compile_policy
from iamspec.engine.context import ContextValue, RequestContext
from iamspec.engine.evaluator import Decision, Request, evaluate
from iamspec.engine.matching import compile_action_pattern, compile_resource_pattern
from iamspec.policy.parser import parse_policy

ACCOUNT = "111122223333"
EMPTY = RequestContext()


def _policy(*statements, version="2012-10-17"):
    doc = {"Statement": list(statements)}
    if version is not None:
        doc = {"Version": version, **doc}
    text = json.dumps(doc)
    return compile_policy(
        parse_policy(text, "PolicyInputList.1"),
        "PolicyInputList.1",
        "IAM Policy",
        PolicyRole.IDENTITY,
    )


def _decide(policy, action, resource="*", context=EMPTY):
    return evaluate(Request(action, resource, context), [policy])


def _ctx(**pairs):
    return RequestContext([ContextValue(k.replace("__", ":"), (v,)) for k, v in pairs.items()])


# -- Action (reference_policies_elements_action.html) ----------------------------------------

ACTION_CASES = [
    # The Action page: "iam:ListAccessKeys" is the same as "IAM:listaccesskeys".
    ("iam:ListAccessKeys", "IAM:listaccesskeys", True),
    ("IAM:listaccesskeys", "iam:ListAccessKeys", True),
    ("iam:ListAccessKeys", "iam:ListAccessKey", False),
    # Anchored: a name is not a prefix match.
    ("s3:GetObject", "s3:GetObjectAcl", False),
    # "*" anywhere in the name, any run including empty (the page's iam:*AccessKey*).
    ("iam:*AccessKey*", "iam:CreateAccessKey", True),
    ("iam:*AccessKey*", "iam:ListAccessKeys", True),
    ("iam:*AccessKey*", "iam:AccessKey", True),
    ("iam:*AccessKey*", "iam:ListUsers", False),
    ("s3:Get*", "s3:GetObject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:*Object", "s3:GetObject", True),
    # "?" is exactly one character.
    ("s3:Get?bject", "s3:GetObject", True),
    ("s3:Get?bject", "s3:Getbject", False),
    ("s3:Get?bject", "s3:GetOObject", False),
    # "*" alone is every action of every service.
    ("*", "connect:DescribeUser", True),
    ("*", "s3:GetObject", True),
    # The service prefix is part of the match: s3:* is not s3express:*.
    ("s3:*", "s3express:CreateSession", False),
    ("s3:*", "S3:GetObject", True),
    ("*:Describe*", "ec2:DescribeInstances", True),
    # The seed page's wildcard over the nine connect:UpdateUser* actions.
    ("connect:UpdateUser*", "connect:UpdateUserHierarchy", True),
    ("connect:UpdateUser*", "connect:UpdateUserSecurityProfiles", True),
    ("connect:UpdateUser*", "connect:DescribeUser", False),
]


@pytest.mark.parametrize(("pattern", "action", "expected"), ACTION_CASES)
def test_action_matching_per_the_action_page(pattern, action, expected):
    assert compile_action_pattern(pattern).matches(action) is expected


@pytest.mark.parametrize(("pattern", "action", "expected"), ACTION_CASES)
def test_action_matching_decides_the_statement(pattern, action, expected):
    policy = _policy({"Effect": "Allow", "Action": pattern, "Resource": "*"})
    decision = _decide(policy, action).decision
    assert decision is (Decision.ALLOWED if expected else Decision.IMPLICIT_DENY)


def test_action_reason_names_the_matching_pattern():
    policy = _policy({"Effect": "Allow", "Action": ["s3:Put*", "s3:Get*"], "Resource": "*"})
    trace = _decide(policy, "s3:GetObject").traces[0]
    assert trace.action.reason == "s3:GetObject matches 's3:Get*'"
    trace = _decide(policy, "s3:DeleteObject").traces[0]
    assert trace.action.reason == "s3:DeleteObject matches none of 's3:Put*', 's3:Get*'"


# -- NotAction (reference_policies_elements_notaction.html) ----------------------------------

NOT_ACTION_ALLOW = {
    "Effect": "Allow",
    "NotAction": "s3:DeleteBucket",
    "Resource": "arn:aws:s3:::*",
}


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        # "grants the other S3 actions on S3 resources"
        ("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/key", Decision.ALLOWED),
        ("s3:PutBucketPolicy", "arn:aws:s3:::amzn-s3-demo-bucket", Decision.ALLOWED),
        # the listed action is excluded
        ("s3:DeleteBucket", "arn:aws:s3:::amzn-s3-demo-bucket", Decision.IMPLICIT_DENY),
        ("S3:deletebucket", "arn:aws:s3:::amzn-s3-demo-bucket", Decision.IMPLICIT_DENY),
        # "It does not grant s3:ListAllMyBuckets, which needs *" - the Resource still scopes it
        ("s3:ListAllMyBuckets", "*", Decision.IMPLICIT_DENY),
        # nor actions of other services, whose resources are not S3 ARNs
        ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/mallory", Decision.IMPLICIT_DENY),
        ("ec2:RunInstances", "*", Decision.IMPLICIT_DENY),
    ],
)
def test_not_action_allow_is_scoped_by_resource(action, resource, expected):
    assert _decide(_policy(NOT_ACTION_ALLOW), action, resource).decision is expected


def test_not_action_deny_denies_everything_else():
    # NotAction page: "Deny" + NotAction denies every action not listed.
    policy = _policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"},
    )
    assert _decide(policy, "iam:CreateUser").decision is Decision.ALLOWED
    assert _decide(policy, "s3:GetObject").decision is Decision.EXPLICIT_DENY


def test_not_action_reasons():
    policy = _policy(NOT_ACTION_ALLOW)
    excluded = _decide(policy, "s3:DeleteBucket", "arn:aws:s3:::b").traces[0]
    assert excluded.action.matched is False
    assert excluded.action.reason == "s3:DeleteBucket is excluded by NotAction 's3:DeleteBucket'"
    other = _decide(policy, "s3:GetObject", "arn:aws:s3:::b/k").traces[0]
    assert other.action.reason == "s3:GetObject is not in NotAction"


# -- Resource (reference_policies_elements_resource.html) ------------------------------------

BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket"


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        # The Resource page's example for "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*":
        # matches ...
        (f"{BUCKET}/1/test/object.jpg", True),
        (f"{BUCKET}/1/2/3/test/4/object.jpg", True),
        (f"{BUCKET}/1///test///object.jpg", True),
        (f"{BUCKET}//test/object.jpg", True),
        (f"{BUCKET}/1/test/", True),
        # ... and does not match
        (f"{BUCKET}/1-test/object.jpg", False),
        (f"{BUCKET}/test/object.jpg", False),
        (f"{BUCKET}/1/2/test.jpg", False),
    ],
)
def test_resource_page_s3_wildcard_table(arn, expected):
    pattern = compile_resource_pattern(f"{BUCKET}/*/test/*", variables_enabled=True)
    assert pattern.match(arn, EMPTY)[0] is expected


SEGMENT_CASES = [
    # A wildcard inside one of the first five segments stays inside that segment ...
    (
        "arn:aws:ec2:us-*-1:111122223333:instance/*",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        True,
    ),
    (
        "arn:aws:ec2:us-*-1:111122223333:instance/*",
        "arn:aws:ec2:us-x:y-1:111122223333:instance/i-1",
        False,
    ),
    (
        "arn:aws:sqs:us-east-?:111122223333:queue1",
        "arn:aws:sqs:us-east-2:111122223333:queue1",
        True,
    ),
    (
        "arn:aws:sqs:us-east-?:111122223333:queue1",
        "arn:aws:sqs:us-east-10:111122223333:queue1",
        False,
    ),
    (
        "arn:aws:sqs:us-east?2:111122223333:queue1",
        "arn:aws:sqs:us-east:2:111122223333:queue1",
        False,
    ),
    # ... unless the '*' is the last character of the segment: then it may run past colons.
    (
        "arn:aws:ec2:us-*:111122223333:instance/*",
        "arn:aws:ec2:us-x:y-1:111122223333:instance/i-1",
        True,
    ),
    ("arn:aws:iam::*:user/Bob", "arn:aws:iam::111122223333:user/Bob", True),
    ("arn:aws:iam::*:user/Bob", "arn:aws:iam::111122223333:user/Alice", False),
    ("arn:aws:sqs:*:*:queue1", "arn:aws:sqs:us-east-2:111122223333:queue1", True),
    # In the resource part '*' matches every character, '/' and ':' included.
    (
        "arn:aws:logs:us-east-1:111122223333:log-group:*",
        "arn:aws:logs:us-east-1:111122223333:log-group:app/web:log-stream:s1",
        True,
    ),
    (
        "arn:aws:iam::111122223333:user/accounting/*",
        "arn:aws:iam::111122223333:user/accounting/a/b",
        True,
    ),
    (
        "arn:aws:iam::111122223333:user/accounting/*",
        "arn:aws:iam::111122223333:user/sales/a",
        False,
    ),
    # No wildcard: the whole ARN must be equal.
    (
        "arn:aws:sqs:us-east-2:111122223333:queue1",
        "arn:aws:sqs:us-east-2:111122223333:queue1",
        True,
    ),
    (
        "arn:aws:sqs:us-east-2:111122223333:queue1",
        "arn:aws:sqs:us-east-2:111122223333:queue10",
        False,
    ),
    (
        "arn:aws:sqs:us-east-2:111122223333:queue1",
        "arn:aws:sqs:us-east-1:111122223333:queue1",
        False,
    ),
    # "*" matches anything, even the simulator's "all resources".
    ("*", "arn:aws:sqs:us-east-2:111122223333:queue1", True),
    ("*", "*", True),
    # A specific ARN does not match the simulated resource "*" (ResourceArns omitted).
    ("arn:aws:s3:::amzn-s3-demo-bucket/*", "*", False),
]


@pytest.mark.parametrize(("pattern", "arn", "expected"), SEGMENT_CASES)
def test_resource_segment_rules(pattern, arn, expected):
    assert (
        compile_resource_pattern(pattern, variables_enabled=True).match(arn, EMPTY)[0] is expected
    )


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        # "In the Resource element, the IAM user name is case sensitive."
        ("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/Bob", True),
        ("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob", False),
        ("arn:aws:iam::111122223333:user/B*", "arn:aws:iam::111122223333:user/bob", False),
        ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/key", False),
        # [INF] the rest of the ARN is compared case-sensitively too.
        ("arn:aws:S3:::bucket/*", "arn:aws:s3:::bucket/key", False),
    ],
)
def test_resource_matching_is_case_sensitive(pattern, arn, expected):
    assert (
        compile_resource_pattern(pattern, variables_enabled=True).match(arn, EMPTY)[0] is expected
    )


def test_resource_reasons():
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [f"{BUCKET}/a/*", f"{BUCKET}/b/*"],
        }
    )
    hit = _decide(policy, "s3:GetObject", f"{BUCKET}/b/x").traces[0]
    assert hit.resource.reason == f"{BUCKET}/b/x matches '{BUCKET}/b/*'"
    miss = _decide(policy, "s3:GetObject", f"{BUCKET}/c/x").traces[0]
    assert miss.resource.reason == (f"{BUCKET}/c/x matches none of '{BUCKET}/a/*', '{BUCKET}/b/*'")


# -- NotResource (reference_policies_elements_notresource.html) -----------------------------


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("arn:aws:s3:::public/report.pdf", Decision.ALLOWED),
        ("arn:aws:s3:::secret/report.pdf", Decision.IMPLICIT_DENY),
        ("arn:aws:s3:::secret", Decision.ALLOWED),  # not covered by secret/*
    ],
)
def test_not_resource_allow_grants_everything_else(resource, expected):
    policy = _policy({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})
    assert _decide(policy, "s3:GetObject", resource).decision is expected


def test_not_resource_deny_denies_everything_else():
    policy = _policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
    )
    assert _decide(policy, "s3:GetObject", "arn:aws:s3:::b/k").decision is Decision.ALLOWED
    denied = _decide(policy, "s3:GetObject", "arn:aws:s3:::c/k")
    assert denied.decision is Decision.EXPLICIT_DENY
    assert denied.deciding[0].resource.reason == "arn:aws:s3:::c/k is not in NotResource"
    allowed = _decide(policy, "s3:GetObject", "arn:aws:s3:::b/k").traces[1]
    assert allowed.resource.reason == (
        "arn:aws:s3:::b/k is excluded by NotResource 'arn:aws:s3:::b/*'"
    )


# -- Variables in the resource part (reference_policies_variables.html) ---------------------

OWN_USER = {
    "Sid": "ViewOwnUserInfo",
    "Effect": "Allow",
    "Action": "iam:GetUser",
    "Resource": "arn:aws:iam::*:user/${aws:username}",
}


@pytest.mark.parametrize(
    ("context", "arn", "expected"),
    [
        (_ctx(aws__username="alice"), f"arn:aws:iam::{ACCOUNT}:user/alice", True),
        (_ctx(aws__username="alice"), f"arn:aws:iam::{ACCOUNT}:user/bob", False),
        # key names are case-insensitive
        (_ctx(AWS__UserName="alice"), f"arn:aws:iam::{ACCOUNT}:user/alice", True),
        # the variable resolves to nothing: that entry matches no resource at all
        (EMPTY, f"arn:aws:iam::{ACCOUNT}:user/alice", False),
        (EMPTY, f"arn:aws:iam::{ACCOUNT}:user/" + "${aws:username}", False),
    ],
)
def test_variable_in_resource(context, arn, expected):
    assert _decide(_policy(OWN_USER), "iam:GetUser", arn, context).traces[0].applies is expected


def test_variable_in_resource_explains_its_value():
    present = _decide(
        _policy(OWN_USER),
        "iam:GetUser",
        f"arn:aws:iam::{ACCOUNT}:user/alice",
        _ctx(aws__username="alice"),
    ).traces[0]
    assert present.resource.reason == (
        f"arn:aws:iam::{ACCOUNT}:user/alice matches 'arn:aws:iam::*:user/"
        "${aws:username}' (with ${aws:username} = 'alice')"
    )
    absent = _decide(_policy(OWN_USER), "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/alice").traces[
        0
    ]
    assert "matches no resource because aws:username is absent from the request context" in (
        absent.resource.reason
    )


def test_substituted_star_is_literal_in_resource():
    # The variables page: a value substituted for a variable is matched literally.
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/${aws:username}/*",
        }
    )
    star = _ctx(aws__username="*")
    assert _decide(policy, "s3:GetObject", "arn:aws:s3:::b/*/x", star).decision is Decision.ALLOWED
    assert _decide(policy, "s3:GetObject", "arn:aws:s3:::b/bob/x", star).decision is (
        Decision.IMPLICIT_DENY
    )


@pytest.mark.parametrize("version", ["2008-10-17", None])
def test_variables_are_literal_text_before_2012_10_17(version):
    # The Version page and the variables page: only 2012-10-17 turns ${...} into a variable;
    # "Version" absent means 2008-10-17.
    policy = _policy(OWN_USER, version=version)
    alice = _ctx(aws__username="alice")
    literal = f"arn:aws:iam::{ACCOUNT}:user/" + "${aws:username}"
    assert _decide(policy, "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/alice", alice).decision is (
        Decision.IMPLICIT_DENY
    )
    assert _decide(policy, "iam:GetUser", literal, alice).decision is Decision.ALLOWED
    # and it is not a context key the policy reads
    assert policy.referenced_keys == ()


def test_not_resource_entry_whose_variable_is_absent_excludes_nothing():
    # [INF, docs/iam-semantics.md section 6] the entry matches no resource, so it excludes none.
    policy = _policy(
        {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::home/${aws:username}/*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    )
    arn = "arn:aws:s3:::home/alice/x"
    assert _decide(policy, "s3:GetObject", arn, _ctx(aws__username="alice")).decision is (
        Decision.ALLOWED
    )
    assert _decide(policy, "s3:GetObject", arn).decision is Decision.EXPLICIT_DENY
