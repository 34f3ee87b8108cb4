"""The AWS-shaped contract of iamspec.simulate_custom_policy / simulate_principal_policy.

Sources: botocore's IAM model 1.44.8 (``SimulateCustomPolicyRequest``,
``SimulatePolicyResponse``, ``EvaluationResult``, ``ResourceSpecificResult``,
``ContextEntry``, ``PolicyIdentifier``); the API reference pages
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html and
API_SimulatePrincipalPolicy.html; the AWS CLI examples ``awscli/examples/iam/
simulate-custom-policy.rst`` and ``simulate-principal-policy.rst`` (positions);
docs/iam-semantics.md section 1.
"""

import json

import boto3
import pytest
from moto import mock_aws

import iamspec
from iamspec.errors import InvalidInputError, NoSuchEntityError, ValidationError
from iamspec.simulate.context_keys import (
    get_context_keys_for_custom_policy,
    get_context_keys_for_principal_policy,
)

ACCOUNT = "123456789012"  # moto's default account
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
INSTANCE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/11111111-2222-3333-4444-555555555555"
AGENT_1 = f"{INSTANCE}/agent/jdoe"
AGENT_2 = f"{INSTANCE}/agent/asmith"
CONNECT_USER_TEMPLATE = (
    "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}"
)


def _doc(*statements, indent=None):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=indent)


def _allow(action="s3:GetObject", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _deny(action="s3:GetObject", resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def _entry(name, values, kind="string"):
    values = [values] if isinstance(values, str) else list(values)
    return {"ContextKeyName": name, "ContextKeyValues": values, "ContextKeyType": kind}


def _simulate(policies, actions, **kwargs):
    return iamspec.simulate_custom_policy(
        PolicyInputList=list(policies), ActionNames=list(actions), **kwargs
    )


def _result(response, index=0):
    return response["EvaluationResults"][index]


def _positions(statement):
    start, end = statement["StartPosition"], statement["EndPosition"]
    return (start["Line"], start["Column"]), (end["Line"], end["Column"])


DEPARTMENT = _doc(
    {
        "Effect": "Allow",
        "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
    }
)


# -- result shape -----------------------------------------------------------------------------


def test_one_evaluation_result_per_action_with_several_resources():
    # botocore 1.44.8: "The simulator now returns a single EvaluationResult per action,
    # regardless of how many resource ARNs are provided".
    response = _simulate(
        [DEPARTMENT],
        ["connect:DescribeUser", "connect:DeleteUser"],
        ResourceArns=[AGENT_1, AGENT_2],
        ContextEntries=[_entry("aws:ResourceTag/Department", "Test")],
    )
    assert [r["EvalActionName"] for r in response["EvaluationResults"]] == [
        "connect:DescribeUser",
        "connect:DeleteUser",
    ]
    assert response["IsTruncated"] is False
    assert "Marker" not in response
    describe = _result(response)
    assert [
        (r["EvalResourceName"], r["EvalResourceDecision"])
        for r in describe["ResourceSpecificResults"]
    ] == [(AGENT_1, "allowed"), (AGENT_2, "allowed")]
    assert _result(response, 1)["EvalDecision"] == "implicitDeny"


def test_top_level_decision_is_the_most_restrictive_across_resources():
    policy = _doc(
        _allow("s3:GetObject", "arn:aws:s3:::b/*"),
        _deny("s3:GetObject", "arn:aws:s3:::b/secret/*"),
    )
    resources = ["arn:aws:s3:::b/public/x", "arn:aws:s3:::c/x", "arn:aws:s3:::b/secret/x"]
    result = _result(_simulate([policy], ["s3:GetObject"], ResourceArns=resources))
    per_resource = [r["EvalResourceDecision"] for r in result["ResourceSpecificResults"]]
    assert per_resource == ["allowed", "implicitDeny", "explicitDeny"]
    assert result["EvalDecision"] == "explicitDeny"
    two = _result(_simulate([policy], ["s3:GetObject"], ResourceArns=resources[:2]))
    assert two["EvalDecision"] == "implicitDeny"
    one = _result(_simulate([policy], ["s3:GetObject"], ResourceArns=resources[:1]))
    assert one["EvalDecision"] == "allowed"


@pytest.mark.parametrize(
    ("action", "resources", "expected"),
    [
        # EvalResourceName is "the ARN template for the simulated resource type ... or *"
        ("connect:DescribeUser", [AGENT_1], CONNECT_USER_TEMPLATE),
        ("connect:DescribeUser", [AGENT_1, AGENT_2], CONNECT_USER_TEMPLATE),
        ("s3:GetObject", ["arn:aws:s3:::b/k"], "arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
        # an action with no ARN format (connect:ListInstances has no resource types)
        ("connect:ListInstances", [INSTANCE], "*"),
        # resources omitted or "*": the simulated resource is "*"
        ("connect:DescribeUser", None, "*"),
        ("connect:DescribeUser", ["*"], "*"),
    ],
)
def test_eval_resource_name_is_the_arn_template(action, resources, expected):
    kwargs = {} if resources is None else {"ResourceArns": resources}
    result = _result(_simulate([DEPARTMENT], [action], **kwargs))
    assert result["EvalResourceName"] == expected
    concrete = [r["EvalResourceName"] for r in result["ResourceSpecificResults"]]
    assert concrete == (resources or ["*"])


def test_eval_action_name_is_echoed_as_given():
    result = _result(
        _simulate(
            [DEPARTMENT],
            ["CONNECT:describeuser"],
            ResourceArns=[AGENT_1],
            ContextEntries=[_entry("aws:ResourceTag/Department", "Test")],
        )
    )
    assert result["EvalActionName"] == "CONNECT:describeuser"
    assert result["EvalDecision"] == "allowed"


def test_eval_decision_details_present_and_empty_only_with_resource_arns():
    # EvaluationResult.EvalDecisionDetails: same account with a resource ARN -> present and
    # empty; with "*" -> not returned.
    with_arn = _result(_simulate([DEPARTMENT], ["connect:DescribeUser"], ResourceArns=[AGENT_1]))
    assert with_arn["EvalDecisionDetails"] == {}
    assert with_arn["ResourceSpecificResults"][0]["EvalDecisionDetails"] == {}
    star = _result(_simulate([DEPARTMENT], ["connect:DescribeUser"]))
    assert "EvalDecisionDetails" not in star


# -- MatchedStatements ------------------------------------------------------------------------


def test_matched_statement_positions_single_statement_object_cli_example():
    # simulate-custom-policy.rst, example 1: Start (1,38), End (1,167), PolicyInputList.1.
    policy = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
        '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
    )
    response = _simulate(
        [policy],
        ["dynamodb:CreateBackup"],
        ContextEntries=[_entry("aws:CurrentTime", "2019-04-25T11:00:00Z", "date")],
    )
    result = _result(response)
    assert result["EvalResourceName"] == "*"
    assert result["EvalDecision"] == "allowed"
    assert result["MissingContextValues"] == []
    (statement,) = result["MatchedStatements"]
    assert statement["SourcePolicyId"] == "PolicyInputList.1"
    assert _positions(statement) == ((1, 38), (1, 167))
    # example 2: an earlier date is implicitly denied with no matched statements
    earlier = _simulate(
        [policy],
        ["dynamodb:CreateBackup"],
        ContextEntries=[_entry("aws:CurrentTime", "2014-04-25T11:00:00Z", "date")],
    )
    assert _result(earlier)["EvalDecision"] == "implicitDeny"
    assert _result(earlier)["MatchedStatements"] == []


def test_matched_statement_positions_compact_array():
    # docs/iam-semantics.md 1.3: in {"Version":"2012-10-17","Statement":[ the '[' is column 37, so
    # the first statement starts at (1,38); the next starts where the previous ends.
    first = _allow("s3:GetObject")
    second = _allow("s3:*")
    policy = _doc(first, second).replace(" ", "")
    assert policy.startswith('{"Version":"2012-10-17","Statement":[{')
    (one, two) = _result(_simulate([policy], ["s3:GetObject"]))["MatchedStatements"]
    first_text = json.dumps(first).replace(" ", "")
    assert _positions(one) == ((1, 38), (1, 38 + len(first_text)))
    assert _positions(two)[0] == _positions(one)[1]
    assert _positions(two)[1] == (1, len(policy) - 1)


def test_matched_statement_positions_pretty_printed_cli_example():
    # simulate-principal-policy.rst, example 1: the stored policy's statement spans
    # (3,19) - (9,10): line 3 is '    "Statement": [' and line 9 is '        }'.
    policy = _doc(_allow("codecommit:ListRepositories", Sid="GrantListRepo"), indent=4)
    assert policy.splitlines()[2] == '    "Statement": ['
    assert policy.splitlines()[8] == "        }"
    (statement,) = _result(_simulate([policy], ["codecommit:ListRepositories"]))[
        "MatchedStatements"
    ]
    assert _positions(statement) == ((3, 19), (9, 10))


def test_source_policy_id_and_type():
    response = _simulate(
        [_doc(_allow("s3:PutObject")), _doc(_allow("s3:GetObject"))], ["s3:GetObject"]
    )
    (statement,) = _result(response)["MatchedStatements"]
    assert statement["SourcePolicyId"] == "PolicyInputList.2"
    assert statement["SourcePolicyType"] == "IAM Policy"


def test_matched_statements_union_and_explicit_deny_lists_only_the_deny():
    policy = _doc(
        _allow("s3:GetObject", "arn:aws:s3:::b/*"),
        _allow("s3:GetObject", "arn:aws:s3:::c/*"),
        _deny("s3:GetObject", "arn:aws:s3:::c/secret/*"),
    )
    two = _result(
        _simulate([policy], ["s3:GetObject"], ResourceArns=["arn:aws:s3:::b/x", "arn:aws:s3:::c/x"])
    )
    starts = [_positions(s)[0] for s in two["MatchedStatements"]]
    assert len(starts) == 2
    assert len(set(starts)) == 2
    denied = _result(
        _simulate([policy], ["s3:GetObject"], ResourceArns=["arn:aws:s3:::c/secret/x"])
    )
    (only,) = denied["MatchedStatements"]
    assert only == denied["ResourceSpecificResults"][0]["MatchedStatements"][0]
    assert _positions(only)[1] == (1, len(policy) - 1)  # the last statement: the Deny


def test_resource_policy_statements_are_reported_as_resource_policy():
    resource_policy = _doc({**_allow(), "Principal": {"AWS": USER}})
    result = _result(
        _simulate(
            [_doc(_allow("s3:PutObject"))],
            ["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::b/k"],
            ResourcePolicy=resource_policy,
            CallerArn=USER,
        )
    )
    assert result["EvalDecision"] == "allowed"
    (statement,) = result["MatchedStatements"]
    assert statement["SourcePolicyId"] == "ResourcePolicy"
    assert statement["SourcePolicyType"] == "Resource Policy"


def test_resource_policy_allow_for_a_user_is_final_despite_the_boundary():
    result = _result(
        _simulate(
            [_doc(_allow("s3:PutObject"))],
            ["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::b/k"],
            ResourcePolicy=_doc({**_allow(), "Principal": {"AWS": USER}}),
            CallerArn=USER,
            PermissionsBoundaryPolicyInputList=[_doc(_allow("s3:PutObject"))],
        )
    )
    assert result["EvalDecision"] == "allowed"
    assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


@pytest.mark.parametrize(
    ("boundary", "action", "decision", "allowed_by_boundary"),
    [
        # docs/iam-semantics.md 2: identity allows s3:*, the boundary only s3:GetObject.
        (_allow("s3:GetObject"), "s3:GetObject", "allowed", True),
        (_allow("s3:GetObject"), "s3:PutObject", "implicitDeny", False),
        (_deny("s3:GetObject"), "s3:GetObject", "explicitDeny", False),
    ],
)
def test_permissions_boundary_decision_detail(boundary, action, decision, allowed_by_boundary):
    response = _simulate(
        [_doc(_allow("s3:*"))],
        [action],
        ResourceArns=["arn:aws:s3:::b/k"],
        PermissionsBoundaryPolicyInputList=[_doc(boundary)],
    )
    result = _result(response)
    detail = {"AllowedByPermissionsBoundary": allowed_by_boundary}
    assert result["EvalDecision"] == decision
    assert result["PermissionsBoundaryDecisionDetail"] == detail
    assert result["ResourceSpecificResults"][0]["PermissionsBoundaryDecisionDetail"] == detail


def test_no_boundary_no_boundary_detail():
    result = _result(
        _simulate([_doc(_allow())], ["s3:GetObject"], ResourceArns=["arn:aws:s3:::b/k"])
    )
    assert "PermissionsBoundaryDecisionDetail" not in result
    assert "PermissionsBoundaryDecisionDetail" not in result["ResourceSpecificResults"][0]


def test_missing_context_values_top_level_and_per_resource():
    # boto3#3111: keys of every statement count, Resource variables included.
    policy = _doc(
        _allow("s3:ListBucket", "arn:aws:s3:::b"),
        _allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"),
    )
    result = _result(_simulate([policy], ["s3:ListBucket"], ResourceArns=["arn:aws:s3:::b"]))
    assert result["EvalDecision"] == "allowed"
    assert result["MissingContextValues"] == ["aws:username"]
    assert result["ResourceSpecificResults"][0]["MissingContextValues"] == ["aws:username"]
    supplied = _result(
        _simulate(
            [policy],
            ["s3:ListBucket"],
            ResourceArns=["arn:aws:s3:::b"],
            ContextEntries=[_entry("aws:username", "alice")],
        )
    )
    assert supplied["MissingContextValues"] == []


# -- ContextEntries and ContextKeyType ----------------------------------------------------------

CONTEXT_TYPES = [
    # ContextKeyType, values, a condition that reads them, expected decision
    ("string", ["Test"], {"StringEquals": {"aws:ResourceTag/Department": "Test"}}, "allowed"),
    (
        "stringList",
        ["Department", "Owner"],
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "Owner"}},
        "allowed",
    ),
    ("numeric", ["5"], {"NumericLessThan": {"s3:max-keys": "10"}}, "allowed"),
    ("numeric", ["12.5"], {"NumericLessThan": {"s3:max-keys": "10"}}, "implicitDeny"),
    ("numericList", ["1", "2"], {"ForAllValues:NumericLessThan": {"s3:max-keys": "3"}}, "allowed"),
    ("boolean", ["true"], {"Bool": {"aws:SecureTransport": "true"}}, "allowed"),
    ("boolean", ["false"], {"Bool": {"aws:SecureTransport": "true"}}, "implicitDeny"),
    (
        "booleanList",
        ["false", "true"],
        {"ForAnyValue:Bool": {"aws:SecureTransport": "true"}},
        "allowed",
    ),
    (
        "date",
        ["2019-04-25T11:00:00Z"],
        {"DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
        "allowed",
    ),
    (
        "date",
        ["1556190000"],  # epoch seconds: 2019-04-25
        {"DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
        "allowed",
    ),
    (
        "dateList",
        ["2017-01-01T00:00:00Z", "2019-01-01T00:00:00Z"],
        {"ForAnyValue:DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
        "allowed",
    ),
    ("ip", ["203.0.113.7"], {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "allowed"),
    ("ip", ["2001:db8::1"], {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, "allowed"),
    ("ip", ["198.51.100.1"], {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "implicitDeny"),
    (
        "ipList",
        ["198.51.100.1", "203.0.113.7"],
        {"ForAnyValue:IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        "allowed",
    ),
    ("binary", ["aGVsbG8="], {"BinaryEquals": {"s3:x-amz-meta-key": "aGVsbG8="}}, "allowed"),
    (
        "binaryList",
        ["d29ybGQ=", "aGVsbG8="],
        {"ForAnyValue:BinaryEquals": {"s3:x-amz-meta-key": "aGVsbG8="}},
        "allowed",
    ),
]


@pytest.mark.parametrize(("kind", "values", "condition", "decision"), CONTEXT_TYPES)
def test_every_context_key_type_is_accepted_and_reaches_the_conditions(
    kind, values, condition, decision
):
    ((_, block),) = condition.items()
    ((key, _),) = block.items()
    policy = _doc(_allow("s3:GetObject", Condition=condition))
    result = _result(
        _simulate([policy], ["s3:GetObject"], ContextEntries=[_entry(key, values, kind)])
    )
    assert result["EvalDecision"] == decision


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("numeric", ["abc"], "'abc' is not a number"),
        ("numeric", ["NaN"], "'NaN' is not a number"),
        ("numericList", ["1", "x"], "'x' is not a number"),
        ("boolean", ["yes"], "'yes' is not a boolean"),
        ("booleanList", ["true", "1"], "'1' is not a boolean"),
        ("date", ["yesterday"], "'yesterday' is not a date"),
        ("dateList", ["2019-04-25 11:00"], "'2019-04-25 11:00' is not a date"),
        ("ip", ["300.1.1.1"], "'300.1.1.1' is not an IPv4 or IPv6 address"),
        ("ip", ["203.0.113.0/24"], "is not an IPv4 or IPv6 address"),
        ("ipList", ["10.0.0.1", "nope"], "'nope' is not an IPv4 or IPv6 address"),
        ("binary", ["not base64!"], "is not valid base64"),
        ("binaryList", ["aGVsbG8=", "%%"], "is not valid base64"),
        ("integer", ["1"], "unknown ContextKeyType 'integer'"),
        ("String", ["x"], "unknown ContextKeyType 'String'"),
    ],
)
def test_bad_context_values_are_invalid_input(kind, values, message):
    with pytest.raises(InvalidInputError, match=r"ContextEntries\.1") as caught:
        _simulate(
            [DEPARTMENT], ["s3:GetObject"], ContextEntries=[_entry("aws:SomeKey", values, kind)]
        )
    assert message in caught.value.message
    assert caught.value.code == "InvalidInput"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"ContextKeyName": "aws:SomeKey", "ContextKeyValues": ["x"]}], "unknown ContextKeyType"),
        ([_entry("aws:username", "a"), _entry("AWS:UserName", "b")], "given more than once"),
        (["aws:username=alice"], "must be a ContextEntry structure"),
        (
            [
                {
                    "ContextKeyName": "aws:username",
                    "ContextKeyValues": "alice",
                    "ContextKeyType": "string",
                }
            ],
            "must be a list of strings",
        ),
    ],
)
def test_malformed_context_entries(entries, message):
    with pytest.raises(InvalidInputError, match=message):
        _simulate([DEPARTMENT], ["s3:GetObject"], ContextEntries=entries)


def test_context_key_names_match_case_insensitively():
    # docs/iam-semantics.md 1.2: a blog passed aws:principalarn and it drove aws:PrincipalArn.
    result = _result(
        _simulate(
            [DEPARTMENT],
            ["connect:DescribeUser"],
            ContextEntries=[_entry("AWS:RESOURCETAG/department", "Test")],
        )
    )
    assert result["EvalDecision"] == "allowed"


# -- paging: MaxItems and Marker --------------------------------------------------------------

ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:GetBucketTagging",
]


def test_paging_collects_every_result_once():
    policy = _doc(_allow("s3:Get*"))
    full = _simulate([policy], ACTIONS)
    assert len(full["EvaluationResults"]) == 5
    pages, marker = [], None
    while True:
        kwargs = {"MaxItems": 2, **({"Marker": marker} if marker else {})}
        page = _simulate([policy], ACTIONS, **kwargs)
        pages.append(page)
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
        assert isinstance(marker, str)
        assert 1 <= len(marker) <= 320
    assert [len(p["EvaluationResults"]) for p in pages] == [2, 2, 1]
    assert [r for p in pages for r in p["EvaluationResults"]] == full["EvaluationResults"]


def test_max_items_default_is_100():
    actions = ["s3:GetObject"] * 101
    page = _simulate([_doc(_allow())], actions)
    assert len(page["EvaluationResults"]) == 100
    assert page["IsTruncated"] is True
    rest = _simulate([_doc(_allow())], actions, Marker=page["Marker"])
    assert len(rest["EvaluationResults"]) == 1
    assert rest["IsTruncated"] is False


@pytest.mark.parametrize("max_items", ["2", True, 2.0])
def test_bad_max_items(max_items):
    with pytest.raises(InvalidInputError, match="MaxItems"):
        _simulate([_doc(_allow())], ACTIONS, MaxItems=max_items)


@pytest.mark.parametrize("marker", ["garbage", "!!!", "MjpiYWQ="])
def test_bad_marker(marker):
    with pytest.raises(InvalidInputError, match="Marker"):
        _simulate([_doc(_allow())], ACTIONS, MaxItems=2, Marker=marker)


def test_marker_from_another_request_is_refused():
    marker = _simulate([_doc(_allow())], ACTIONS, MaxItems=2)["Marker"]
    with pytest.raises(InvalidInputError, match="does not belong to this request"):
        _simulate([_doc(_allow("s3:*"))], ACTIONS, MaxItems=2, Marker=marker)
    with pytest.raises(InvalidInputError, match="does not belong to this request"):
        _simulate([_doc(_allow())], ACTIONS[:4], MaxItems=2, Marker=marker)


def test_boto3_paginator_shape():
    # paginators-1.json: input_token Marker, limit_key MaxItems, more_results IsTruncated,
    # output_token Marker, result_key EvaluationResults.
    page = _simulate([_doc(_allow())], ACTIONS, MaxItems=4)
    assert set(page) == {"EvaluationResults", "IsTruncated", "Marker"}


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "position"),
    [
        (
            '{"Version":"2012-10-17",\n"Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
            '"Resource":"*",}]}',
            "PolicyInputList.2:2:70:",
        ),
        (
            '{"Version":"2012-10-17",\n  "Statement":[{"Effect":"Allow",'
            '"Action":["s3:GetObject" "s3:PutObject"],"Resource":"*"}]}',
            "PolicyInputList.2:2:59:",
        ),
        (
            '"Sid": "X", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }',
            "PolicyInputList.2:1:1:",
        ),
    ],
)
def test_policy_that_does_not_parse_is_invalid_input_with_its_position(bad, position):
    with pytest.raises(InvalidInputError) as caught:
        _simulate([_doc(_allow()), bad], ["s3:GetObject"])
    assert caught.value.message.startswith(position)
    assert caught.value.http_status == 400


def test_unparseable_boundary_and_resource_policy_name_their_parameter():
    with pytest.raises(
        InvalidInputError, match=r"^InvalidInput: PermissionsBoundaryPolicyInputList\.1:1:"
    ):
        _simulate([_doc(_allow())], ["s3:GetObject"], PermissionsBoundaryPolicyInputList=["{"])
    with pytest.raises(InvalidInputError, match=r"^InvalidInput: ResourcePolicy:1:"):
        _simulate([_doc(_allow())], ["s3:GetObject"], ResourcePolicy="{", CallerArn=USER)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"PolicyInputList": [_doc(_allow())]}, "ActionNames is required"),
        (
            {"PolicyInputList": [_doc(_allow())], "ActionNames": []},
            "ActionNames must be a non-empty",
        ),
        (
            {"PolicyInputList": [_doc(_allow())], "ActionNames": "s3:GetObject"},
            "ActionNames must be a non-empty list",
        ),
        ({"ActionNames": ["s3:GetObject"]}, "PolicyInputList is required"),
        (
            {"PolicyInputList": [{"Version": "2012-10-17"}], "ActionNames": ["s3:GetObject"]},
            "must be a policy document string",
        ),
        # SimulateCustomPolicy page: wildcards are not supported in action names
        (
            {"PolicyInputList": [_doc(_allow())], "ActionNames": ["s3:*"]},
            "wildcards are not supported",
        ),
        (
            {"PolicyInputList": [_doc(_allow())], "ActionNames": ["s3:Get?bject"]},
            "wildcards are not supported",
        ),
        # a ResourceArn must be an ARN
        (
            {
                "PolicyInputList": [_doc(_allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["not-an-arn"],
            },
            "is not an ARN",
        ),
        (
            {
                "PolicyInputList": [_doc(_allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["arn:aws:s3"],
            },
            "is not an ARN",
        ),
        (
            {
                "PolicyInputList": [_doc(_allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["arn:aws:s3:::"],
            },
            "is not an ARN",
        ),
        (
            {
                "PolicyInputList": [_doc(_allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["arn:aws::::thing"],
            },
            "is not an ARN",
        ),
        # one boundary at most
        (
            {
                "PolicyInputList": [_doc(_allow())],
                "ActionNames": ["s3:GetObject"],
                "PermissionsBoundaryPolicyInputList": [_doc(_allow()), _doc(_allow())],
            },
            "at most one policy",
        ),
        # characters outside tab, LF, CR and U+0020-U+00FF
        (
            {
                "PolicyInputList": [_doc(_allow(Sid="Caf\u00e9\u2019"))],
                "ActionNames": ["s3:GetObject"],
            },
            "PolicyInputList.1:1:",
        ),
    ],
)
def test_invalid_input(kwargs, message):
    with pytest.raises(InvalidInputError, match=message.replace("?", r"\?")):
        iamspec.simulate_custom_policy(**kwargs)


_LONG_POLICY = '{"Version":"2012-10-17","Statement":[]}' + " " * 131_072


@pytest.mark.parametrize(
    ("kwargs", "field", "constraint"),
    [
        ({"ActionNames": ["s3"]}, "actionNames", "greater than or equal to 3"),
        ({"ActionNames": ["s3:" + "A" * 126]}, "actionNames", "less than or equal to 128"),
        (
            {"ResourceArns": ["arn:aws:s3:::b/" + "k" * 2034]},
            "resourceArns",
            "less than or equal to 2048",
        ),
        ({"ResourceHandlingOption": "x" * 65}, "resourceHandlingOption", "or equal to 64"),
        ({"ResourceHandlingOption": ""}, "resourceHandlingOption", "greater than or equal to 1"),
        ({"MaxItems": 0}, "maxItems", "value greater than or equal to 1"),
        ({"MaxItems": 1001}, "maxItems", "value less than or equal to 1000"),
        (
            {"ContextEntries": [_entry("aws:", "x")]},
            "contextEntries.1.member.contextKeyName",
            "greater than or equal to 5",
        ),
        (
            {"ContextEntries": [_entry("aws:" + "k" * 253, "x")]},
            "contextEntries.1.member.contextKeyName",
            "less than or equal to 256",
        ),
        ({"PolicyInputList": [_LONG_POLICY]}, "policyInputList", "less than or equal to 131072"),
        ({"PolicyInputList": [""]}, "policyInputList", "greater than or equal to 1"),
    ],
)
def test_model_constraints_are_validation_errors(kwargs, field, constraint):
    """AWS checks the model's lengths and ranges before the operation and answers
    ValidationError, not InvalidInput ("1 validation error detected: Value '...' at
    'actionNames' failed to satisfy constraint: ...", cloud-custodian/cloud-custodian#4769)."""
    request = {"PolicyInputList": [_doc(_allow())], "ActionNames": ["s3:GetObject"], **kwargs}
    with pytest.raises(ValidationError) as caught:
        iamspec.simulate_custom_policy(**request)
    error = caught.value
    assert (error.code, error.http_status) == ("ValidationError", 400)
    assert error.message.startswith("1 validation error detected: Value '")
    assert f"' at '{field}' failed to satisfy constraint: " in error.message
    assert constraint in error.message


@pytest.mark.parametrize(
    ("action", "fragments"),
    [
        # a typo is an error with a suggestion, never a quiet "denied"
        (
            "connect:UpdateUser",
            ["unknown IAM action 'connect:UpdateUser'", "'connect:UpdateUserHierarchy'"],
        ),
        (
            "connect-campaigns:UpdateOutboundCallConfig",
            ["did you mean 'connect-campaigns:UpdateCampaignOutboundCallConfig'?"],
        ),
        (
            "connect-campaigns:UpdateDialerConfig",
            ["did you mean 'connect-campaigns:UpdateCampaignDialerConfig'?"],
        ),
        (
            "app-integartions:DeleteEventIntegration",
            [
                "unknown service prefix 'app-integartions'",
                "'app-integrations'",
                "did you mean the action 'app-integrations:DeleteEventIntegration'?",
            ],
        ),
        (
            "app-integrations::ListEventIntegrations",
            ["did you mean 'app-integrations:ListEventIntegrations'?", "2 colons"],
        ),
        ("s3GetObject", ["no ':' between service prefix and action"]),
    ],
)
def test_unknown_action_is_invalid_input_with_a_suggestion(action, fragments):
    with pytest.raises(InvalidInputError) as caught:
        _simulate([_doc(_allow())], ["s3:GetObject", action])
    assert caught.value.message.startswith("ActionNames.2: ")
    for fragment in fragments:
        assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("caller", "message"),
    [
        (None, "CallerArn is required when ResourcePolicy is given"),
        # ScottLogic/blog#308: a role caller with a ResourcePolicy
        (ROLE, "Invalid caller - Caller must be an IAM user in this context."),
        (f"arn:aws:iam::{ACCOUNT}:group/devs", "Invalid caller - Caller must be an IAM user"),
        # CallerArn: "You cannot specify the ARN of an assumed role, federated user, or a
        # service principal."
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session", "Invalid Entity Arn"),
    ],
)
def test_resource_policy_needs_an_iam_user_caller(caller, message):
    kwargs = {} if caller is None else {"CallerArn": caller}
    with pytest.raises(InvalidInputError, match=message):
        _simulate(
            [_doc(_allow())],
            ["s3:GetObject"],
            ResourcePolicy=_doc({**_allow(), "Principal": "*"}),
            **kwargs,
        )


def test_errors_are_aws_coded():
    with pytest.raises(InvalidInputError) as caught:
        _simulate([_doc(_allow())], ["s3:*"])
    assert (caught.value.code, caught.value.http_status) == ("InvalidInput", 400)
    assert isinstance(caught.value, iamspec.SimulatorAPIError)
    assert isinstance(caught.value, iamspec.IamSpecError)


# -- get_context_keys_for_custom_policy ---------------------------------------------------------


def test_get_context_keys_for_custom_policy():
    policies = [
        _doc(
            _allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"),
            _allow(
                Condition={
                    "StringEquals": {
                        "aws:ResourceTag/Department": "Test",
                        "AWS:RESOURCETAG/department": "x",
                    }
                }
            ),
        ),
        _doc(_allow(Condition={"StringLike": {"s3:prefix": "${aws:PrincipalTag/team}/*"}})),
    ]
    assert get_context_keys_for_custom_policy(PolicyInputList=policies) == {
        "ContextKeyNames": [
            "aws:username",
            "aws:ResourceTag/Department",
            "s3:prefix",
            "aws:PrincipalTag/team",
        ]
    }


def test_get_context_keys_for_custom_policy_errors():
    with pytest.raises(InvalidInputError, match="PolicyInputList is required"):
        get_context_keys_for_custom_policy()
    with pytest.raises(InvalidInputError, match=r"PolicyInputList\.1:1:"):
        get_context_keys_for_custom_policy(PolicyInputList=["{"])


# -- simulate_principal_policy through boto3 against moto ---------------------------------------

INLINE = _doc(_allow("codecommit:ListRepositories", Sid="GrantListRepo"), indent=4)
MANAGED = _doc(_allow("s3:GetObject", "arn:aws:s3:::b/*"))
GROUP_INLINE = _doc(_allow("sqs:SendMessage"))
GROUP_MANAGED = _doc(
    _allow(
        "connect:DescribeUser", Condition={"StringEquals": {"aws:ResourceTag/Department": "Test"}}
    )
)
DENY_DELETE = _doc(_deny("s3:DeleteObject"))


@pytest.fixture
def iam():
    with mock_aws():
        client = boto3.client("iam", region_name="us-east-1")
        client.create_user(UserName="alice")
        client.put_user_policy(UserName="alice", PolicyName="codecommit", PolicyDocument=INLINE)
        managed = client.create_policy(PolicyName="ReadB", PolicyDocument=MANAGED)["Policy"]["Arn"]
        client.attach_user_policy(UserName="alice", PolicyArn=managed)
        client.create_group(GroupName="devs")
        client.add_user_to_group(GroupName="devs", UserName="alice")
        client.put_group_policy(GroupName="devs", PolicyName="queues", PolicyDocument=GROUP_INLINE)
        group_managed = client.create_policy(PolicyName="ConnectTest", PolicyDocument=GROUP_MANAGED)
        client.attach_group_policy(GroupName="devs", PolicyArn=group_managed["Policy"]["Arn"])
        deny = client.create_policy(PolicyName="NoDelete", PolicyDocument=DENY_DELETE)
        client.attach_group_policy(GroupName="devs", PolicyArn=deny["Policy"]["Arn"])
        # a role with a permissions boundary (moto models role boundaries)
        boundary = client.create_policy(
            PolicyName="OnlyGet", PolicyDocument=_doc(_allow("s3:GetObject"))
        )["Policy"]["Arn"]
        client.create_role(
            RoleName="app",
            AssumeRolePolicyDocument=_doc(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
            PermissionsBoundary=boundary,
        )
        client.put_role_policy(
            RoleName="app", PolicyName="s3all", PolicyDocument=_doc(_allow("s3:*"))
        )
        yield client


def _principal(iam, actions, source=USER, **kwargs):
    return iamspec.simulate_principal_policy(
        iam, PolicySourceArn=source, ActionNames=list(actions), **kwargs
    )


def _decisions(response):
    return {r["EvalActionName"]: r["EvalDecision"] for r in response["EvaluationResults"]}


def test_principal_policy_gathers_inline_attached_and_group_policies(iam):
    response = _principal(
        iam,
        [
            "codecommit:ListRepositories",
            "s3:GetObject",
            "sqs:SendMessage",
            "connect:DescribeUser",
            "s3:DeleteObject",
            "ec2:RunInstances",
        ],
        ResourceArns=["arn:aws:s3:::b/k"],
        ContextEntries=[_entry("aws:ResourceTag/Department", "Test")],
    )
    assert _decisions(response) == {
        "codecommit:ListRepositories": "allowed",  # user inline
        "s3:GetObject": "allowed",  # user attached managed
        "sqs:SendMessage": "allowed",  # group inline
        "connect:DescribeUser": "allowed",  # group attached managed
        "s3:DeleteObject": "explicitDeny",  # group attached Deny
        "ec2:RunInstances": "implicitDeny",
    }
    ids = {
        r["EvalActionName"]: [s["SourcePolicyId"] for s in r["MatchedStatements"]]
        for r in response["EvaluationResults"]
    }
    # docs/iam-semantics.md 1.3: inline <user|group|role>_<entity>_<policy>; managed by name
    assert ids["codecommit:ListRepositories"] == ["user_alice_codecommit"]
    assert ids["s3:GetObject"] == ["ReadB"]
    assert ids["sqs:SendMessage"] == ["group_devs_queues"]
    assert ids["connect:DescribeUser"] == ["ConnectTest"]
    assert ids["s3:DeleteObject"] == ["NoDelete"]


def test_principal_policy_positions_count_into_the_stored_document(iam):
    stored = iam.get_user_policy(UserName="alice", PolicyName="codecommit")["PolicyDocument"]
    assert stored == json.loads(INLINE)
    (statement,) = _result(_principal(iam, ["codecommit:ListRepositories"]))["MatchedStatements"]
    # the CLI example's pretty-printed stored policy: (3,19) - (9,10)
    assert _positions(statement) == ((3, 19), (9, 10))


def test_principal_policy_role_boundary(iam):
    response = _principal(iam, ["s3:GetObject", "s3:PutObject"], source=ROLE)
    assert _decisions(response) == {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"}
    details = [r["PermissionsBoundaryDecisionDetail"] for r in response["EvaluationResults"]]
    assert details == [
        {"AllowedByPermissionsBoundary": True},
        {"AllowedByPermissionsBoundary": False},
    ]


def test_supplied_boundary_replaces_the_entitys_own(iam):
    response = _principal(
        iam,
        ["s3:GetObject", "s3:PutObject"],
        source=ROLE,
        PermissionsBoundaryPolicyInputList=[_doc(_allow("s3:PutObject"))],
    )
    assert _decisions(response) == {"s3:GetObject": "implicitDeny", "s3:PutObject": "allowed"}
    (statement,) = response["EvaluationResults"][1]["MatchedStatements"]
    assert statement["SourcePolicyId"] == "role_app_s3all"


def test_policy_input_list_adds_to_the_principals_policies(iam):
    response = _principal(iam, ["ec2:RunInstances"], PolicyInputList=[_doc(_allow("ec2:*"))])
    (statement,) = _result(response)["MatchedStatements"]
    assert statement["SourcePolicyId"] == "PolicyInputList.1"


def test_group_as_policy_source(iam):
    response = _principal(
        iam,
        ["sqs:SendMessage", "codecommit:ListRepositories"],
        source=f"arn:aws:iam::{ACCOUNT}:group/devs",
    )
    assert _decisions(response) == {
        "sqs:SendMessage": "allowed",
        "codecommit:ListRepositories": "implicitDeny",
    }


@pytest.mark.parametrize(
    ("exclusions", "expected"),
    [
        (
            [{"PolicyType": "inline"}],
            {
                "codecommit:ListRepositories": "implicitDeny",
                "sqs:SendMessage": "implicitDeny",
                "s3:GetObject": "allowed",
            },
        ),
        (
            [{"PolicyType": "user-managed"}],
            {
                "codecommit:ListRepositories": "allowed",
                "sqs:SendMessage": "allowed",
                "s3:GetObject": "implicitDeny",
            },
        ),
        (
            [{"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/Read?"}],
            {
                "codecommit:ListRepositories": "allowed",
                "sqs:SendMessage": "allowed",
                "s3:GetObject": "implicitDeny",
            },
        ),
        (
            [
                {
                    "InlinePolicyIdentifier": {
                        "PolicyName": "queues",
                        "AttachmentType": "group",
                        "AttachmentName": "d*",
                    }
                }
            ],
            {
                "codecommit:ListRepositories": "allowed",
                "sqs:SendMessage": "implicitDeny",
                "s3:GetObject": "allowed",
            },
        ),
        # a valid identifier that matches nothing is ignored
        (
            [
                {
                    "InlinePolicyIdentifier": {
                        "PolicyName": "queues",
                        "AttachmentType": "user",
                        "AttachmentName": "devs",
                    }
                },
                {"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/Nothing"},
                {"PolicyType": "scp"},
            ],
            {
                "codecommit:ListRepositories": "allowed",
                "sqs:SendMessage": "allowed",
                "s3:GetObject": "allowed",
            },
        ),
    ],
)
def test_policy_exclusion_list(iam, exclusions, expected):
    response = _principal(
        iam, list(expected), ResourceArns=["arn:aws:s3:::b/k"], PolicyExclusionList=exclusions
    )
    assert _decisions(response) == expected


def test_policy_exclusion_of_the_boundary(iam):
    response = _principal(
        iam,
        ["s3:PutObject"],
        source=ROLE,
        PolicyExclusionList=[{"PolicyType": "permission-boundary"}],
    )
    result = _result(response)
    assert result["EvalDecision"] == "allowed"
    assert "PermissionsBoundaryDecisionDetail" not in result


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ({"PolicyType": "managed"}, "PolicyType 'managed' is not one of"),
        ({"PolicyType": "inline", "PolicyArn": "x"}, "exactly one identifier"),
        ({}, "exactly one identifier"),
        ({"PolicyName": "x"}, "unknown identifier 'PolicyName'"),
        ({"PolicyArn": "arn:aws:s3:::b"}, "is not a managed policy ARN"),
        ({"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/*a*"}, "at most one '\\*'"),
        (
            {
                "InlinePolicyIdentifier": {
                    "PolicyName": "q",
                    "AttachmentType": "Group",
                    "AttachmentName": "devs",
                }
            },
            "AttachmentType must be",
        ),
        (
            {"InlinePolicyIdentifier": {"AttachmentType": "group", "AttachmentName": "devs"}},
            "PolicyName is required",
        ),
        (
            {
                "InlinePolicyIdentifier": {
                    "PolicyName": "q",
                    "AttachmentType": "group",
                    "AttachmentName": "d*v*",
                }
            },
            "at most one '\\*'",
        ),
    ],
)
def test_bad_policy_exclusion_identifiers_are_invalid_input(iam, identifier, message):
    with pytest.raises(InvalidInputError, match=message):
        _principal(iam, ["s3:GetObject"], PolicyExclusionList=[identifier])


def test_inline_exclusion_matches_the_policy_name_exactly(iam):
    iam.put_user_policy(UserName="alice", PolicyName="old_codecommit", PolicyDocument=GROUP_INLINE)
    response = _principal(
        iam,
        ["codecommit:ListRepositories"],
        PolicyExclusionList=[
            {
                "InlinePolicyIdentifier": {
                    "PolicyName": "codecommit",
                    "AttachmentType": "user",
                    "AttachmentName": "alice",
                }
            }
        ],
    )
    assert _result(response)["EvalDecision"] == "implicitDeny"
    other = _principal(
        iam,
        ["codecommit:ListRepositories"],
        PolicyExclusionList=[
            {
                "InlinePolicyIdentifier": {
                    "PolicyName": "commit",
                    "AttachmentType": "user",
                    "AttachmentName": "alice",
                }
            }
        ],
    )
    assert _result(other)["EvalDecision"] == "allowed"


def test_no_such_entity(iam):
    with pytest.raises(NoSuchEntityError) as caught:
        _principal(iam, ["s3:GetObject"], source=f"arn:aws:iam::{ACCOUNT}:user/nobody")
    assert (caught.value.code, caught.value.http_status) == ("NoSuchEntity", 404)
    with pytest.raises(NoSuchEntityError):
        _principal(iam, ["s3:GetObject"], source=f"arn:aws:iam::{ACCOUNT}:role/nothing")


@pytest.mark.parametrize(
    "source",
    [
        # newrelic/newrelic-lambda-cli#96: InvalidInput "Invalid Entity Arn"
        f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session-1",
        f"arn:aws:iam::{ACCOUNT}:policy/ReadB",
        "arn:aws:s3:::amzn-s3-demo-bucket",
    ],
)
def test_non_entity_policy_source_is_invalid_input(iam, source):
    with pytest.raises(InvalidInputError, match="Invalid Entity Arn"):
        _principal(iam, ["s3:GetObject"], source=source)


def test_entity_of_another_account_is_invalid_input(iam):
    # docs/iam-semantics.md 1.2 [OBS]: InvalidInput "Invalid Policy Source Arn: caller's account <A>
    # does not have access to policies in account <B>" - not a simulation of the local alice.
    with pytest.raises(InvalidInputError) as caught:
        _principal(iam, ["s3:GetObject"], source="arn:aws:iam::999999999999:user/alice")
    assert caught.value.message == (
        f"Invalid Policy Source Arn: caller's account {ACCOUNT} does not have access to "
        "policies in account 999999999999"
    )


def test_principal_with_resource_policy_and_caller(iam):
    resource_policy = _doc({**_allow("s3:PutObject"), "Principal": {"AWS": USER}})
    response = _principal(
        iam,
        ["s3:PutObject"],
        ResourceArns=["arn:aws:s3:::b/k"],
        ResourcePolicy=resource_policy,
    )
    assert _result(response)["EvalDecision"] == "allowed"
    with pytest.raises(InvalidInputError, match="Caller must be an IAM user"):
        _principal(iam, ["s3:PutObject"], source=ROLE, ResourcePolicy=resource_policy)


def test_principal_policy_paging(iam):
    actions = ["s3:GetObject", "sqs:SendMessage", "ec2:RunInstances"]
    first = _principal(iam, actions, MaxItems=2)
    assert first["IsTruncated"] is True
    rest = _principal(iam, actions, MaxItems=2, Marker=first["Marker"])
    assert [
        r["EvalActionName"] for r in first["EvaluationResults"] + rest["EvaluationResults"]
    ] == (actions)


def test_get_context_keys_for_principal_policy(iam):
    keys = get_context_keys_for_principal_policy(
        iam,
        PolicySourceArn=USER,
        PolicyInputList=[_doc(_allow(Condition={"Bool": {"aws:SecureTransport": "true"}}))],
    )
    assert keys == {"ContextKeyNames": ["aws:ResourceTag/Department", "aws:SecureTransport"]}
    with pytest.raises(NoSuchEntityError):
        get_context_keys_for_principal_policy(iam, PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/x")
    with pytest.raises(InvalidInputError, match="Invalid Entity Arn"):
        get_context_keys_for_principal_policy(
            iam, PolicySourceArn=f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s"
        )


# -- simulator-specific behaviour (docs/iam-semantics.md 1.6) ------------------------------


@pytest.mark.parametrize(
    "action", ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "STS:assumerolewithsaml"]
)
def test_trust_policy_is_ignored_for_assume_role(action):
    # aws/aws-cli#10314: a ResourcePolicy carrying a Deny for the caller still yields
    # "allowed" for sts:AssumeRole*; the verdict comes from the identity policies alone.
    trust = _doc({"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "sts:*"})
    result = _result(
        _simulate(
            [_doc(_allow("sts:*"))],
            [action],
            ResourceArns=[ROLE],
            ResourcePolicy=trust,
            CallerArn=USER,
        )
    )
    assert result["EvalDecision"] == "allowed"
    assert [s["SourcePolicyId"] for s in result["MatchedStatements"]] == ["PolicyInputList.1"]


def test_trust_policy_is_still_parsed_for_assume_role():
    with pytest.raises(InvalidInputError, match=r"ResourcePolicy:1:"):
        _simulate([_doc(_allow("sts:*"))], ["sts:AssumeRole"], ResourcePolicy="{", CallerArn=USER)


def test_resource_policy_still_applies_to_other_sts_actions():
    trust = _doc({"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "sts:*"})
    result = _result(
        _simulate(
            [_doc(_allow("sts:*"))],
            ["sts:TagSession"],
            ResourceArns=[ROLE],
            ResourcePolicy=trust,
            CallerArn=USER,
        )
    )
    assert result["EvalDecision"] == "explicitDeny"


# -- OrderedOrganizationPolicyInputList (botocore 1.44.8) -------------------------------------

FULL_ACCESS = _doc(_allow("*"))


def _org(*levels):
    return [{"ServiceControlPolicyInputList": list(level)} for level in levels]


@pytest.mark.parametrize(
    ("levels", "action", "decision", "allowed_by_organizations"),
    [
        ([[FULL_ACCESS], [FULL_ACCESS]], "s3:GetObject", "allowed", True),
        # every level needs an Allow: the account level allows only s3:PutObject
        ([[FULL_ACCESS], [_doc(_allow("s3:PutObject"))]], "s3:GetObject", "implicitDeny", False),
        ([[FULL_ACCESS], [_doc(_allow("s3:PutObject"))]], "s3:PutObject", "allowed", True),
        # any Deny denies
        (
            [[FULL_ACCESS, _doc(_deny("s3:GetObject"))], [FULL_ACCESS]],
            "s3:GetObject",
            "explicitDeny",
            False,
        ),
        # the SCPs only cap: they grant nothing the identity policy does not
        ([[FULL_ACCESS]], "ec2:RunInstances", "implicitDeny", True),
    ],
)
def test_organization_levels(levels, action, decision, allowed_by_organizations):
    result = _result(
        _simulate(
            [_doc(_allow("s3:*"))],
            [action],
            ResourceArns=["arn:aws:s3:::b/k"],
            OrderedOrganizationPolicyInputList=_org(*levels),
        )
    )
    assert result["EvalDecision"] == decision
    assert result["OrganizationsDecisionDetail"] == {
        "AllowedByOrganizations": allowed_by_organizations
    }
    statements = result["MatchedStatements"]
    # SCP statements are never included in MatchedStatements
    assert all(s["SourcePolicyId"] == "PolicyInputList.1" for s in statements)
    if not allowed_by_organizations:
        assert statements == []
        # "If an Organizations SCP ... denies access, the simulation ends ... this parameter
        # is not returned."
        assert "EvalDecisionDetails" not in result


def test_organization_keys_are_never_missing_context_values():
    scp = _doc(_allow("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-123"}}))
    result = _result(
        _simulate(
            [_doc(_allow("s3:*"))],
            ["s3:GetObject"],
            OrderedOrganizationPolicyInputList=_org([scp]),
        )
    )
    # the SCP condition is evaluated against the absent key (aws-cli#10525)
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == []


def test_no_organization_no_organizations_detail():
    assert "OrganizationsDecisionDetail" not in _result(_simulate([FULL_ACCESS], ["s3:GetObject"]))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (_org(*[[FULL_ACCESS]] * 8), "at most 7 levels"),
        (["{}"], "must be a structure"),
        ([{"ServiceControlPolicies": [FULL_ACCESS]}], "must be a structure"),
        (
            _org(["{"]),
            r"OrderedOrganizationPolicyInputList\.1\.ServiceControlPolicyInputList\.1:1:",
        ),
    ],
)
def test_bad_organization_input(value, message):
    with pytest.raises(InvalidInputError, match=message):
        _simulate([FULL_ACCESS], ["s3:GetObject"], OrderedOrganizationPolicyInputList=value)


def test_marker_survives_context_entry_key_order():
    """A paged request re-sent with ContextEntry keys in another order keeps its marker.

    boto3's paginator re-sends the same parameters; serialisers may reorder dict keys.
    """
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"connect:DescribeUser","Resource":"*"}]}'
    )
    entry = {
        "ContextKeyName": "aws:ResourceTag/Department",
        "ContextKeyValues": ["Test"],
        "ContextKeyType": "string",
    }
    reordered = dict(reversed(list(entry.items())))
    actions = ["connect:DescribeUser", "connect:ListUsers"]
    first = iamspec.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=actions, ContextEntries=[entry], MaxItems=1
    )
    second = iamspec.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=actions,
        ContextEntries=(reordered,),
        MaxItems=1,
        Marker=first["Marker"],
    )
    assert [r["EvalActionName"] for r in second["EvaluationResults"]] == ["connect:ListUsers"]


def test_principal_policy_checks_resource_handling_option_like_custom(iam):
    """botocore's model limits ResourceHandlingOption to 1-64 characters for both Simulate*
    operations (SimulatePrincipalPolicyRequest and SimulateCustomPolicyRequest)."""
    with pytest.raises(ValidationError, match="at 'resourceHandlingOption'"):
        _principal(iam, ["s3:GetObject"], ResourceHandlingOption="x" * 65)
    assert _decisions(_principal(iam, ["s3:GetObject"], ResourceHandlingOption="EC2-VPC-EBS"))


@pytest.mark.parametrize(
    "source", ["arn:aws:iam::1:u/x", "arn:aws:iam::111122223333:user/" + "x" * 2020]
)
def test_policy_source_arn_length_is_a_validation_error(iam, source):
    """The model's arnType bounds PolicySourceArn to 20-2048 characters for both principal
    operations; AWS answers ValidationError, as for the other model constraints."""
    for call in (
        lambda: _principal(iam, ["s3:GetObject"], source=source),
        lambda: get_context_keys_for_principal_policy(iam, PolicySourceArn=source),
    ):
        with pytest.raises(ValidationError, match="at 'policySourceArn' failed to satisfy"):
            call()
    with pytest.raises(InvalidInputError, match="PolicySourceArn is required"):
        get_context_keys_for_principal_policy(iam)
