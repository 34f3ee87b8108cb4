"""Property tests of the decision logic (hypothesis), over random policies and requests.

The properties are the ones reference_policies_evaluation-logic.html implies
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
a Deny only ever removes access, an Allow only ever adds it, a permissions boundary only ever
caps it, and an explicit deny is reported exactly when an applicable Deny exists.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iamspec
from iamspec.engine.compiled import PolicyRole, compile_policy
from iamspec.engine.context import ContextValue, RequestContext, ValueType
from iamspec.engine.evaluator import Decision, Request, evaluate, trace_statement
from iamspec.errors import InvalidInputError
from iamspec.policy.model import Effect
from iamspec.policy.parser import PolicyKind, parse_policy

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "connect:DescribeUser",
    "connect:UpdateUserHierarchy",
    "ec2:RunInstances",
]
ACTION_PATTERNS = [
    *ACTIONS,
    "*",
    "s3:*",
    "s3:Get*",
    "s3:?etObject",
    "S3:getobject",
    "connect:UpdateUser*",
    "connect:*User*",
    "ec2:Run*",
]
AGENT = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/u1"
RESOURCES = [
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/secret/k",
    "arn:aws:s3:::b/alice/k",
    "arn:aws:s3:::c",
    AGENT,
    "*",
]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::b/secret/*",
    "arn:aws:s3:::?",
    "arn:aws:connect:*:*:instance/*/agent/*",
    "arn:aws:connect:us-*-1:111122223333:instance/i-?/*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::b/${aws:username, 'alice'}/*",
    "arn:aws:s3:::b/${*}",
]

# (key, ContextKeyType, request values, policy values, operators)
KEYS = {
    "aws:ResourceTag/Department": (
        "string",
        ["Test", "Prod", "test", "*"],
        ["Test", "Prod", "T*", "${aws:username}"],
        [
            "StringEquals",
            "StringNotEquals",
            "StringLike",
            "StringNotLike",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
        ],
    ),
    "aws:TagKeys": (
        "stringList",
        ["Owner", "Department", "owner"],
        ["Owner", "Department", "Own*"],
        ["StringEquals", "StringNotEquals", "StringLike"],
    ),
    "s3:max-keys": (
        "numeric",
        ["5", "10", "12.5", "-1"],
        ["10", "5.0", "abc"],
        ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericGreaterThanEquals"],
    ),
    "aws:CurrentTime": (
        "date",
        ["2019-04-25T11:00:00Z", "2030-01-01T00:00:00Z", "1556190000"],
        ["2020-01-01T00:00:00Z", "2019", "not-a-date"],
        ["DateEquals", "DateNotEquals", "DateGreaterThan", "DateLessThanEquals"],
    ),
    "aws:SecureTransport": ("boolean", ["true", "false"], ["true", "false", "yes"], ["Bool"]),
    "aws:SourceIp": (
        "ip",
        ["203.0.113.7", "10.1.2.3", "2001:db8::1"],
        ["203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32", "bad"],
        ["IpAddress", "NotIpAddress"],
    ),
    "aws:PrincipalArn": (
        "string",
        ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::444455556666:role/x"],
        ["arn:aws:iam::111122223333:*", "arn:aws:iam::*:role/*", "not-an-arn"],
        ["ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"],
    ),
    "aws:username": ("string", ["alice", "bob"], ["alice", "a*"], ["StringEquals", "StringLike"]),
}


@st.composite
def conditions(draw):
    block = {}
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from(sorted(KEYS)))
        _, _, policy_values, operators = KEYS[key]
        if draw(st.integers(0, 5)) == 0:
            operator = "Null"
            values = draw(st.sampled_from(["true", "false", True]))
        else:
            operator = draw(st.sampled_from(operators))
            operator = draw(st.sampled_from(["", "ForAnyValue:", "ForAllValues:"])) + operator
            operator += draw(st.sampled_from(["", "", "IfExists"]))
            values = draw(st.lists(st.sampled_from(policy_values), min_size=1, max_size=3))
        block.setdefault(operator, {})[key] = values
    return block


@st.composite
def statements(draw, effect=None):
    statement = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    statement["NotAction" if draw(st.integers(0, 6)) == 0 else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    statement["NotResource" if draw(st.integers(0, 6)) == 0 else "Resource"] = resources
    condition = draw(conditions())
    if condition:
        statement["Condition"] = condition
    return statement


def policy_docs(min_size=0):
    return st.lists(statements(), min_size=min_size, max_size=5)


@st.composite
def contexts(draw):
    values = []
    for key in draw(st.lists(st.sampled_from(sorted(KEYS)), unique=True, max_size=5)):
        kind, request_values, _, _ = KEYS[key]
        multi = kind.endswith("List") or draw(st.integers(0, 8)) == 0
        count = draw(st.integers(0 if multi else 1, 3 if multi else 1))
        chosen = tuple(draw(st.sampled_from(request_values)) for _ in range(count))
        values.append(ContextValue(key, chosen, ValueType(kind.removesuffix("List")), multi))
    return RequestContext(values)


@st.composite
def requests(draw):
    return Request(
        draw(st.sampled_from(ACTIONS)), draw(st.sampled_from(RESOURCES)), draw(contexts())
    )


def _compile(doc_statements, role=PolicyRole.IDENTITY, source="PolicyInputList.1"):
    kind = PolicyKind.BOUNDARY if role is PolicyRole.BOUNDARY else PolicyKind.IDENTITY
    text = json.dumps({"Version": "2012-10-17", "Statement": doc_statements})
    return compile_policy(parse_policy(text, source, kind=kind), source, "IAM Policy", role)


def _decide(doc_statements, request, boundary=None):
    identity = [_compile(doc_statements)] if doc_statements else []
    bounds = [_compile(boundary, PolicyRole.BOUNDARY, "B.1")] if boundary is not None else []
    return evaluate(request, identity, bounds)


@pytest.mark.slow
@SETTINGS
@given(policy_docs(), requests())
def test_engine_never_crashes_and_explains(doc_statements, request):
    evaluation = _decide(doc_statements, request)
    assert evaluation.decision in set(Decision)
    assert len(evaluation.traces) == len(doc_statements)
    text = evaluation.explain()
    assert text.startswith(f"{request.action} on {request.resource}: {evaluation.decision.value}")


@pytest.mark.slow
@SETTINGS
@given(policy_docs(), statements(effect="Deny"), requests())
def test_adding_a_deny_never_turns_a_deny_into_an_allow(doc_statements, deny, request):
    before = _decide(doc_statements, request).decision
    after = _decide([*doc_statements, deny], request).decision
    if before is not Decision.ALLOWED:
        assert after is not Decision.ALLOWED
    if before is Decision.EXPLICIT_DENY:
        assert after is Decision.EXPLICIT_DENY


@pytest.mark.slow
@SETTINGS
@given(policy_docs(min_size=1), st.data(), requests())
def test_removing_an_allow_never_turns_a_deny_into_an_allow(doc_statements, data, request):
    allows = [i for i, s in enumerate(doc_statements) if s["Effect"] == "Allow"]
    if not allows:
        return
    drop = data.draw(st.sampled_from(allows))
    before = _decide(doc_statements, request).decision
    after = _decide([s for i, s in enumerate(doc_statements) if i != drop], request).decision
    if before is not Decision.ALLOWED:
        assert after is not Decision.ALLOWED
    assert not (before is Decision.EXPLICIT_DENY and after is not Decision.EXPLICIT_DENY)


@pytest.mark.slow
@SETTINGS
@given(policy_docs(), statements(effect="Allow"), requests())
def test_adding_an_allow_never_turns_allowed_into_a_deny(doc_statements, allow, request):
    before = _decide(doc_statements, request).decision
    after = _decide([*doc_statements, allow], request).decision
    if before is Decision.ALLOWED:
        assert after is Decision.ALLOWED
    # an Allow cannot create or remove an explicit deny either
    assert (before is Decision.EXPLICIT_DENY) == (after is Decision.EXPLICIT_DENY)


@pytest.mark.slow
@SETTINGS
@given(policy_docs(), requests())
def test_explicit_deny_iff_an_applicable_deny(doc_statements, request):
    evaluation = _decide(doc_statements, request)
    applicable = [t for t in evaluation.traces if t.applies]
    denies = [t for t in applicable if t.effect is Effect.DENY]
    allows = [t for t in applicable if t.effect is Effect.ALLOW]
    assert (evaluation.decision is Decision.EXPLICIT_DENY) == bool(denies)
    assert (evaluation.decision is Decision.ALLOWED) == (not denies and bool(allows))
    assert list(evaluation.deciding) == (denies or allows)


@pytest.mark.slow
@SETTINGS
@given(policy_docs(), policy_docs(min_size=1), requests())
def test_a_boundary_only_ever_caps(doc_statements, boundary, request):
    without = _decide(doc_statements, request).decision
    evaluation = _decide(doc_statements, request, boundary)
    if without is not Decision.ALLOWED:
        assert evaluation.decision is not Decision.ALLOWED
    if evaluation.decision is Decision.ALLOWED:
        assert evaluation.allowed_by_boundary is True


@pytest.mark.slow
@SETTINGS
@given(policy_docs(min_size=1), st.lists(requests(), min_size=2, max_size=6))
def test_memoised_evaluation_equals_direct_tracing(doc_statements, request_list):
    # The evaluator memoises per-action and per-resource work on the compiled policy; every
    # answer must equal tracing each statement afresh, whatever was evaluated before.
    policy = _compile(doc_statements)
    for request in [*request_list, *reversed(request_list)]:
        evaluation = evaluate(request, [policy])
        direct = [trace_statement(policy, s, request) for s in policy.statements]
        assert [t.explain() for t in evaluation.traces] == [t.explain() for t in direct]
        assert [t.applies for t in evaluation.traces] == [t.applies for t in direct]


CONTEXT_TYPES = [
    "string",
    "stringList",
    "numeric",
    "numericList",
    "boolean",
    "booleanList",
    "date",
    "dateList",
    "ip",
    "ipList",
    "binary",
    "binaryList",
]


@st.composite
def context_entries(draw):
    entries = []
    for key in draw(st.lists(st.sampled_from(sorted(KEYS)), unique=True, max_size=4)):
        kind = draw(st.sampled_from([KEYS[key][0], *CONTEXT_TYPES]))
        pool = [*KEYS[key][1], "aGVsbG8=", "1", "true", "", "x y"]
        values = draw(st.lists(st.sampled_from(pool), max_size=3))
        entries.append({"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": kind})
    return entries


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(policy_docs(min_size=1), min_size=1, max_size=3),
    st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3),
    st.lists(st.sampled_from(RESOURCES[:-1]), max_size=3),
    context_entries(),
    st.integers(1, 4),
)
def test_simulate_custom_policy_answers_or_refuses_with_invalid_input(
    docs, actions, resources, entries, max_items
):
    texts = [json.dumps({"Version": "2012-10-17", "Statement": d}) for d in docs]
    kwargs = {
        "PolicyInputList": texts,
        "ActionNames": actions,
        "ContextEntries": entries,
        "MaxItems": max_items,
    }
    if resources:
        kwargs["ResourceArns"] = resources
    try:
        results, marker = [], None
        while True:
            page = iamspec.simulate_custom_policy(
                **kwargs, **({"Marker": marker} if marker else {})
            )
            results += page["EvaluationResults"]
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
    except InvalidInputError as err:
        refused = err.message
    else:
        refused = None
    if refused is not None:
        assert refused.startswith("ContextEntries")  # only the random context can be bad
        return
    assert [r["EvalActionName"] for r in results] == actions
    for result in results:
        assert result["EvalDecision"] in {"allowed", "implicitDeny", "explicitDeny"}
        assert len(result["ResourceSpecificResults"]) == max(len(resources), 1)
