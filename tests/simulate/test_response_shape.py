"""The shape of a Simulate* response: one ``EvaluationResult`` per action, the most
restrictive decision on top, ``EvalResourceName`` the ARN template, and the decision details
(``EvalDecisionDetails``, ``PermissionsBoundaryDecisionDetail``, ``MissingContextValues``).

Sources: botocore's IAM model 1.44.8 (``SimulatePolicyResponse``, ``EvaluationResult``,
``ResourceSpecificResult``); the API reference page
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html;
docs/iam-semantics.md section 1.
"""

from __future__ import annotations

import pytest

from tests.simulate.kit import (
    AGENT_1,
    AGENT_2,
    CONNECT_USER_TEMPLATE,
    DEPARTMENT,
    INSTANCE,
    allow,
    context_entry,
    deny,
    doc,
    evaluation_result,
    simulate_custom,
)


def test_one_evaluation_result_per_action_with_several_resources():
    # botocore 1.44.8: "The simulator now returns a single EvaluationResult per action,
    # regardless of how many resource ARNs are provided".
    response = simulate_custom(
        [DEPARTMENT],
        ["connect:DescribeUser", "connect:DeleteUser"],
        ResourceArns=[AGENT_1, AGENT_2],
        ContextEntries=[context_entry("aws:ResourceTag/Department", "Test")],
    )
    assert [r["EvalActionName"] for r in response["EvaluationResults"]] == [
        "connect:DescribeUser",
        "connect:DeleteUser",
    ]
    assert response["IsTruncated"] is False
    assert "Marker" not in response
    describe = evaluation_result(response)
    assert [
        (r["EvalResourceName"], r["EvalResourceDecision"])
        for r in describe["ResourceSpecificResults"]
    ] == [(AGENT_1, "allowed"), (AGENT_2, "allowed")]
    assert evaluation_result(response, 1)["EvalDecision"] == "implicitDeny"


def test_top_level_decision_is_the_most_restrictive_across_resources():
    policy = doc(
        allow("s3:GetObject", "arn:aws:s3:::b/*"),
        deny("s3:GetObject", "arn:aws:s3:::b/secret/*"),
    )
    resources = ["arn:aws:s3:::b/public/x", "arn:aws:s3:::c/x", "arn:aws:s3:::b/secret/x"]
    result = evaluation_result(simulate_custom([policy], ["s3:GetObject"], ResourceArns=resources))
    per_resource = [r["EvalResourceDecision"] for r in result["ResourceSpecificResults"]]
    assert per_resource == ["allowed", "implicitDeny", "explicitDeny"]
    assert result["EvalDecision"] == "explicitDeny"
    two = evaluation_result(simulate_custom([policy], ["s3:GetObject"], ResourceArns=resources[:2]))
    assert two["EvalDecision"] == "implicitDeny"
    one = evaluation_result(simulate_custom([policy], ["s3:GetObject"], ResourceArns=resources[:1]))
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
    result = evaluation_result(simulate_custom([DEPARTMENT], [action], **kwargs))
    assert result["EvalResourceName"] == expected
    concrete = [r["EvalResourceName"] for r in result["ResourceSpecificResults"]]
    assert concrete == (resources or ["*"])


def test_eval_action_name_is_echoed_as_given():
    result = evaluation_result(
        simulate_custom(
            [DEPARTMENT],
            ["CONNECT:describeuser"],
            ResourceArns=[AGENT_1],
            ContextEntries=[context_entry("aws:ResourceTag/Department", "Test")],
        )
    )
    assert result["EvalActionName"] == "CONNECT:describeuser"
    assert result["EvalDecision"] == "allowed"


def test_eval_decision_details_present_and_empty_only_with_resource_arns():
    # EvaluationResult.EvalDecisionDetails: same account with a resource ARN -> present and
    # empty; with "*" -> not returned.
    with_arn = evaluation_result(
        simulate_custom([DEPARTMENT], ["connect:DescribeUser"], ResourceArns=[AGENT_1])
    )
    assert with_arn["EvalDecisionDetails"] == {}
    assert with_arn["ResourceSpecificResults"][0]["EvalDecisionDetails"] == {}
    star = evaluation_result(simulate_custom([DEPARTMENT], ["connect:DescribeUser"]))
    assert "EvalDecisionDetails" not in star


@pytest.mark.parametrize(
    ("boundary", "action", "decision", "allowed_by_boundary"),
    [
        # docs/iam-semantics.md 2: identity allows s3:*, the boundary only s3:GetObject.
        (allow("s3:GetObject"), "s3:GetObject", "allowed", True),
        (allow("s3:GetObject"), "s3:PutObject", "implicitDeny", False),
        (deny("s3:GetObject"), "s3:GetObject", "explicitDeny", False),
    ],
)
def test_permissions_boundary_decision_detail(boundary, action, decision, allowed_by_boundary):
    response = simulate_custom(
        [doc(allow("s3:*"))],
        [action],
        ResourceArns=["arn:aws:s3:::b/k"],
        PermissionsBoundaryPolicyInputList=[doc(boundary)],
    )
    result = evaluation_result(response)
    detail = {"AllowedByPermissionsBoundary": allowed_by_boundary}
    assert result["EvalDecision"] == decision
    assert result["PermissionsBoundaryDecisionDetail"] == detail
    assert result["ResourceSpecificResults"][0]["PermissionsBoundaryDecisionDetail"] == detail


def test_no_boundary_no_boundary_detail():
    result = evaluation_result(
        simulate_custom([doc(allow())], ["s3:GetObject"], ResourceArns=["arn:aws:s3:::b/k"])
    )
    assert "PermissionsBoundaryDecisionDetail" not in result
    assert "PermissionsBoundaryDecisionDetail" not in result["ResourceSpecificResults"][0]


def test_missing_context_values_top_level_and_per_resource():
    # boto3#3111: keys of every statement count, Resource variables included.
    policy = doc(
        allow("s3:ListBucket", "arn:aws:s3:::b"),
        allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"),
    )
    result = evaluation_result(
        simulate_custom([policy], ["s3:ListBucket"], ResourceArns=["arn:aws:s3:::b"])
    )
    assert result["EvalDecision"] == "allowed"
    assert result["MissingContextValues"] == ["aws:username"]
    assert result["ResourceSpecificResults"][0]["MissingContextValues"] == ["aws:username"]
    supplied = evaluation_result(
        simulate_custom(
            [policy],
            ["s3:ListBucket"],
            ResourceArns=["arn:aws:s3:::b"],
            ContextEntries=[context_entry("aws:username", "alice")],
        )
    )
    assert supplied["MissingContextValues"] == []
