"""The formula against the engine on the documented cases of every operator family.

Each row is a policy fragment, a request and the decision IAM gives (the source in the
row's id); the formula fixed to the request and ``simulate_custom_policy`` must both give it.
The random differential test covers the space; these rows pin the cases the AWS pages spell
out, so a regression names the rule it breaks.
"""

import json

import pytest

from iamspec.engine.evaluator import Decision
from iamspec.errors import SimulationInputError
from iamspec.symbolic.evaluate import Oracle, symbolic_decision
from iamspec.symbolic.policies import PolicySet
from tests.symbolic.cases import engine_decision

ALLOWED = Decision.ALLOWED
DENIED = Decision.IMPLICIT_DENY
ACTION = "connect:DescribeUser"
AGENT = "arn:aws:connect:us-east-1:111122223333:instance/i1/agent/u1"


def _allow(condition=None, resource="*", version="2012-10-17", action="*"):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    document = {"Statement": [statement]}
    if version:
        document["Version"] = version
    return PolicySet.from_texts([json.dumps(document)])


def _both(policy_set, context=None, resource="*", action=ACTION):
    context = context or {}
    found, exact = symbolic_decision(policy_set, action, resource, context)
    assert exact
    return found, _engine(policy_set, action, resource, context)


def _engine(policy_set, action, resource, context):
    arguments = policy_set.simulate_arguments()
    arguments["ActionNames"] = [action]
    if resource != "*":
        arguments["ResourceArns"] = [resource]
    arguments["ContextEntries"] = [
        {
            "ContextKeyName": k,
            "ContextKeyValues": list(v),
            "ContextKeyType": "stringList" if k.lower() in _MULTI else "string",
        }
        for k, v in context.items()
    ]
    import iamspec

    response = iamspec.simulate_custom_policy(**arguments)
    return Decision(response["EvaluationResults"][0]["EvalDecision"])


_MULTI = {"aws:tagkeys", "aws:calledvia"}

CONDITION_CASES = [
    # reference_policies_elements_condition_operators.html: missing keys
    pytest.param(
        {"StringEquals": {"aws:PrincipalTag/Team": "A"}}, {}, DENIED, id="positive-missing"
    ),
    pytest.param(
        {"StringNotEquals": {"aws:PrincipalTag/Team": "A"}}, {}, ALLOWED, id="negated-missing"
    ),
    pytest.param(
        {"StringEqualsIfExists": {"aws:PrincipalTag/Team": "A"}}, {}, ALLOWED, id="ifexists-missing"
    ),
    pytest.param(
        {"StringEqualsIfExists": {"aws:PrincipalTag/Team": "A"}},
        {"aws:PrincipalTag/Team": ("B",)},
        DENIED,
        id="ifexists-present",
    ),
    # several values: OR for positive, NOR for negated (condition-logic page)
    pytest.param(
        {"StringNotEquals": {"aws:PrincipalTag/Team": ["audit", "security"]}},
        {"aws:PrincipalTag/Team": ("audit",)},
        DENIED,
        id="negated-nor",
    ),
    # single-vs-multivalued page: ForAllValues / ForAnyValue on absent and empty sets
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}},
        {},
        ALLOWED,
        id="forall-absent",
    ),
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}},
        {"aws:TagKeys": ("environment", "dept")},
        DENIED,
        id="forall-extra-key",
    ),
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment"]}},
        {"aws:TagKeys": ()},
        ALLOWED,
        id="forall-empty",
    ),
    pytest.param(
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}},
        {"aws:TagKeys": ()},
        DENIED,
        id="foranyvalue-empty",
    ),
    pytest.param(
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}},
        {"aws:TagKeys": ("dept", "environment")},
        ALLOWED,
        id="foranyvalue-one",
    ),
    pytest.param(
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["x"]}},
        {},
        ALLOWED,
        id="forall-negated-absent",
    ),
    pytest.param({"Null": {"aws:TagKeys": "true"}}, {"aws:TagKeys": ()}, ALLOWED, id="null-empty"),
    pytest.param(
        {"Null": {"aws:TagKeys": "false"}}, {"aws:TagKeys": ("a",)}, ALLOWED, id="null-present"
    ),
    # StringLike: * and ? across any character; StringEquals: * literal
    pytest.param(
        {"StringLike": {"aws:username": "Test*"}},
        {"aws:username": ("Testing",)},
        ALLOWED,
        id="like-prefix",
    ),
    pytest.param(
        {"StringEquals": {"aws:username": "Test*"}},
        {"aws:username": ("Testing",)},
        DENIED,
        id="equals-star-literal",
    ),
    pytest.param(
        {"StringLike": {"aws:username": "a?c"}},
        {"aws:username": ("a:c",)},
        ALLOWED,
        id="like-question",
    ),
    # IgnoreCase lower-cases both sides (KELVIN SIGN lowers to k)
    pytest.param(
        {"StringEqualsIgnoreCase": {"aws:username": "kim"}},
        {"aws:username": ("\u212aIM",)},
        ALLOWED,
        id="ignorecase-kelvin",
    ),
    pytest.param(
        {"StringEqualsIgnoreCase": {"aws:username": "i"}},
        {"aws:username": ("\u0130",)},
        DENIED,
        id="ignorecase-dotted-i",
    ),
    # ARN operators: the docs' someservice example (parts matched separately)
    pytest.param(
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:someservice:*:111122223333:finance/*"}},
        {
            "aws:PrincipalArn": (
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
            )
        },
        DENIED,
        id="arnlike-parts",
    ),
    pytest.param(
        {"StringLike": {"aws:PrincipalArn": "arn:aws:someservice:*:111122223333:finance/*"}},
        {
            "aws:PrincipalArn": (
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
            )
        },
        ALLOWED,
        id="stringlike-across-colons",
    ),
    pytest.param(
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}},
        {"aws:PrincipalArn": ("not-an-arn",)},
        DENIED,
        id="arnnotlike-unparseable",
    ),
    # Numeric, Date, Bool, IP, Binary
    pytest.param(
        {"NumericEquals": {"aws:MultiFactorAuthAge": "1"}},
        {"aws:MultiFactorAuthAge": ("1.0",)},
        ALLOWED,
        id="numeric-1.0",
    ),
    pytest.param(
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        {"aws:MultiFactorAuthAge": ("abc",)},
        DENIED,
        id="numeric-unparseable",
    ),
    pytest.param(
        {"NumericNotEquals": {"aws:MultiFactorAuthAge": "3600"}},
        {"aws:MultiFactorAuthAge": ("abc",)},
        DENIED,
        id="numeric-negated-unparseable",
    ),
    pytest.param(
        {"DateLessThan": {"aws:CurrentTime": "2024"}},
        {"aws:CurrentTime": ("2023-12-31T23:59:59Z",)},
        ALLOWED,
        id="date-year",
    ),
    pytest.param(
        {"DateEquals": {"aws:CurrentTime": "2024-01-01T01:00:00+01:00"}},
        {"aws:CurrentTime": ("1704067200",)},
        ALLOWED,
        id="date-offset-epoch",
    ),
    pytest.param(
        {"Bool": {"aws:SecureTransport": "true"}},
        {"aws:SecureTransport": ("TRUE",)},
        ALLOWED,
        id="bool-case",
    ),
    pytest.param(
        {"Bool": {"aws:SecureTransport": "yes"}},
        {"aws:SecureTransport": ("yes",)},
        DENIED,
        id="bool-yes",
    ),
    pytest.param(
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": ("203.0.113.7",)},
        ALLOWED,
        id="ip-in",
    ),
    pytest.param(
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": ("::1",)},
        ALLOWED,
        id="ip-version",
    ),
    pytest.param(
        {"IpAddress": {"aws:SourceIp": "::1"}}, {"aws:SourceIp": ("::1",)}, ALLOWED, id="ipv6-128"
    ),
    pytest.param(
        {"BinaryEquals": {"aws:username": "YQ=="}},
        {"aws:username": ("YR==",)},
        ALLOWED,
        id="binary-trailing-bits",
    ),
    pytest.param(
        {"BinaryEquals": {"aws:username": "YQ=="}},
        {"aws:username": ("YQ",)},
        DENIED,
        id="binary-padding",
    ),
    # policy variables: defaults, constants, absent keys, multivalued keys
    pytest.param(
        {"StringEquals": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}},
        {"aws:ResourceTag/Team": ("A",), "aws:PrincipalTag/Team": ("A",)},
        ALLOWED,
        id="variable-equal",
    ),
    pytest.param(
        {"StringNotEquals": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}},
        {"aws:ResourceTag/Team": ("A",)},
        ALLOWED,
        id="variable-absent-negated",
    ),
    pytest.param(
        {"StringEquals": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team, 'none'}"}},
        {"aws:ResourceTag/Team": ("none",)},
        ALLOWED,
        id="variable-default",
    ),
    pytest.param(
        {"StringEquals": {"aws:username": "${aws:TagKeys}"}},
        {"aws:username": ("a",), "aws:TagKeys": ("a",)},
        DENIED,
        id="variable-multivalued",
    ),
    pytest.param(
        {"StringEquals": {"aws:username": "a${*}b"}},
        {"aws:username": ("a*b",)},
        ALLOWED,
        id="constant-star",
    ),
    pytest.param(
        {"StringLike": {"aws:username": "${aws:PrincipalTag/P}*"}},
        {"aws:username": ("a*b",), "aws:PrincipalTag/P": ("a*",)},
        ALLOWED,
        id="like-variable-literal-star",
    ),
    pytest.param(
        {"StringLike": {"aws:username": "${aws:PrincipalTag/P}*"}},
        {"aws:username": ("axb",), "aws:PrincipalTag/P": ("a*",)},
        DENIED,
        id="like-variable-not-wild",
    ),
    # key names are case-insensitive
    pytest.param(
        {"StringEquals": {"AWS:USERNAME": "a"}}, {"aws:username": ("a",)}, ALLOWED, id="key-case"
    ),
]


@pytest.mark.parametrize(("condition", "context", "expected"), CONDITION_CASES)
def test_condition_cases(condition, context, expected):
    found, engine = _both(_allow(condition), context)
    assert engine is expected
    assert found is expected


RESOURCE_CASES = [
    # reference_policies_elements_resource.html: amzn-s3-demo-bucket/*/test/*
    (
        "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*",
        "arn:aws:s3:::amzn-s3-demo-bucket/1/test/object.jpg",
        ALLOWED,
    ),
    (
        "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*",
        "arn:aws:s3:::amzn-s3-demo-bucket/1/2/3/test/4/object.jpg",
        ALLOWED,
    ),
    (
        "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*",
        "arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg",
        ALLOWED,
    ),
    (
        "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*",
        "arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg",
        DENIED,
    ),
    (
        "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*",
        "arn:aws:s3:::amzn-s3-demo-bucket/test/object.jpg",
        DENIED,
    ),
    # a mid-segment * stays in its segment; a segment-final * crosses colons
    (
        "arn:aws:connect:u*1:*:instance/i1",
        "arn:aws:connect:us:east-1:111122223333:instance/i1",
        DENIED,
    ),
    (
        "arn:aws:connect:us*:*:instance/i1",
        "arn:aws:connect:us:east-1:111122223333:instance/i1",
        ALLOWED,
    ),
    ("arn:aws:connect", "arn:aws:connect:us-east-1:1:instance/i1", DENIED),
    # variables only in the resource part; under 2008-10-17 they are literal text
    ("arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::111122223333:user/alice", ALLOWED),
]


@pytest.mark.parametrize(("pattern", "arn", "expected"), RESOURCE_CASES)
def test_resource_cases(pattern, arn, expected):
    found, engine = _both(_allow(resource=pattern), {"aws:username": ("alice",)}, resource=arn)
    assert engine is expected
    assert found is expected


def test_a_wildcard_in_the_service_segment_is_refused_before_any_question():
    """reference_policies_elements_resource.html: "You can't use a wildcard in the service
    segment". The parser refuses such a Resource at its position, so neither the engine nor
    the symbolic layer ever decides a request under it (it was matched as a glob once)."""
    with pytest.raises(SimulationInputError, match=r"1:1:63: .*wildcard in its service segment"):
        _allow(resource="arn:aws:connect*")


def test_version_2008_keeps_variables_literal():
    """reference_policies_elements_version.html: without 2012-10-17, ${...} is literal text."""
    policies = _allow(
        {"StringEquals": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}}, version=None
    )
    literal = {"aws:ResourceTag/Team": ("${aws:PrincipalTag/Team}",)}
    assert _both(policies, literal) == (ALLOWED, ALLOWED)
    same = {"aws:ResourceTag/Team": ("A",), "aws:PrincipalTag/Team": ("A",)}
    assert _both(policies, same) == (DENIED, DENIED)


def test_boundary_and_scp_levels():
    """Evaluation logic: a boundary and every SCP level must allow; any Deny denies."""
    allow = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
    )
    describe = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "connect:Describe*", "Resource": "*"}],
        }
    )
    deny = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "connect:DeleteUser", "Resource": "*"}],
        }
    )
    with_boundary = PolicySet.from_texts([allow], describe)
    assert _both(with_boundary) == (ALLOWED, ALLOWED)
    assert _both(with_boundary, action="connect:DeleteUser") == (DENIED, DENIED)
    with_scp = PolicySet.from_texts([allow], None, [[allow], [allow, deny]])
    explicit = Decision.EXPLICIT_DENY
    assert _both(with_scp, action="connect:DeleteUser") == (explicit, explicit)
    assert _both(with_scp) == (ALLOWED, ALLOWED)
    one_level_silent = PolicySet.from_texts([allow], None, [[allow], [describe]])
    assert _both(one_level_silent, action="connect:UpdateUserHierarchy") == (DENIED, DENIED)


def test_oracle_rejects_a_request_the_model_cannot_hold():
    oracle = Oracle(_allow({"StringEquals": {"aws:username": "a"}}), [ACTION])
    with pytest.raises(ValueError, match="single-valued"):
        oracle.decide(ACTION, "*", {"aws:username": ("a", "b")})


def test_engine_helper_matches_public_api():
    policies = _allow({"StringEquals": {"aws:username": "a"}})
    assert engine_decision(policies, ACTION, "*", {"aws:username": ("a",)}) is ALLOWED
