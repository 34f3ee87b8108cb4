"""``simulate_principal_policy`` through boto3 against moto: the principal's inline,
attached and group policies, its boundary, ``PolicyExclusionList``, ``PolicyInputList`` added,
unknown or foreign entities.

Sources: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html;
the AWS CLI example ``awscli/examples/iam/simulate-principal-policy.rst``; botocore's IAM
model 1.44.8 (``SimulatePrincipalPolicyRequest``, ``PolicyIdentifier``).
"""

from __future__ import annotations

import json

import pytest

from iamspec.errors import InvalidInputError, NoSuchEntityError, ValidationError
from iamspec.simulate.context_keys import (
    get_context_keys_for_principal_policy,
)
from tests.simulate.kit import (
    ACCOUNT,
    GROUP_INLINE,
    INLINE,
    ROLE,
    USER,
    allow,
    context_entry,
    decisions,
    doc,
    evaluation_result,
    positions,
    simulate_principal,
)


def test_principal_policy_gathers_inline_attached_and_group_policies(iam):
    response = simulate_principal(
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
        ContextEntries=[context_entry("aws:ResourceTag/Department", "Test")],
    )
    assert decisions(response) == {
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
    (statement,) = evaluation_result(simulate_principal(iam, ["codecommit:ListRepositories"]))[
        "MatchedStatements"
    ]
    # the CLI example's pretty-printed stored policy: (3,19) - (9,10)
    assert positions(statement) == ((3, 19), (9, 10))


def test_principal_policy_role_boundary(iam):
    response = simulate_principal(iam, ["s3:GetObject", "s3:PutObject"], source=ROLE)
    assert decisions(response) == {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"}
    details = [r["PermissionsBoundaryDecisionDetail"] for r in response["EvaluationResults"]]
    assert details == [
        {"AllowedByPermissionsBoundary": True},
        {"AllowedByPermissionsBoundary": False},
    ]


def test_supplied_boundary_replaces_the_entitys_own(iam):
    response = simulate_principal(
        iam,
        ["s3:GetObject", "s3:PutObject"],
        source=ROLE,
        PermissionsBoundaryPolicyInputList=[doc(allow("s3:PutObject"))],
    )
    assert decisions(response) == {"s3:GetObject": "implicitDeny", "s3:PutObject": "allowed"}
    (statement,) = response["EvaluationResults"][1]["MatchedStatements"]
    assert statement["SourcePolicyId"] == "role_app_s3all"


def test_policy_input_list_adds_to_the_principals_policies(iam):
    response = simulate_principal(iam, ["ec2:RunInstances"], PolicyInputList=[doc(allow("ec2:*"))])
    (statement,) = evaluation_result(response)["MatchedStatements"]
    assert statement["SourcePolicyId"] == "PolicyInputList.1"


def test_group_as_policy_source(iam):
    response = simulate_principal(
        iam,
        ["sqs:SendMessage", "codecommit:ListRepositories"],
        source=f"arn:aws:iam::{ACCOUNT}:group/devs",
    )
    assert decisions(response) == {
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
    response = simulate_principal(
        iam, list(expected), ResourceArns=["arn:aws:s3:::b/k"], PolicyExclusionList=exclusions
    )
    assert decisions(response) == expected


def test_policy_exclusion_of_the_boundary(iam):
    response = simulate_principal(
        iam,
        ["s3:PutObject"],
        source=ROLE,
        PolicyExclusionList=[{"PolicyType": "permission-boundary"}],
    )
    result = evaluation_result(response)
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
        simulate_principal(iam, ["s3:GetObject"], PolicyExclusionList=[identifier])


def test_inline_exclusion_matches_the_policy_name_exactly(iam):
    iam.put_user_policy(UserName="alice", PolicyName="old_codecommit", PolicyDocument=GROUP_INLINE)
    response = simulate_principal(
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
    assert evaluation_result(response)["EvalDecision"] == "implicitDeny"
    other = simulate_principal(
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
    assert evaluation_result(other)["EvalDecision"] == "allowed"


def test_no_such_entity(iam):
    with pytest.raises(NoSuchEntityError) as caught:
        simulate_principal(iam, ["s3:GetObject"], source=f"arn:aws:iam::{ACCOUNT}:user/nobody")
    assert (caught.value.code, caught.value.http_status) == ("NoSuchEntity", 404)
    with pytest.raises(NoSuchEntityError):
        simulate_principal(iam, ["s3:GetObject"], source=f"arn:aws:iam::{ACCOUNT}:role/nothing")


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
        simulate_principal(iam, ["s3:GetObject"], source=source)


def test_entity_of_another_account_is_invalid_input(iam):
    # docs/iam-semantics.md 1.2 [OBS]: InvalidInput "Invalid Policy Source Arn: caller's account <A>
    # does not have access to policies in account <B>" - not a simulation of the local alice.
    with pytest.raises(InvalidInputError) as caught:
        simulate_principal(iam, ["s3:GetObject"], source="arn:aws:iam::999999999999:user/alice")
    assert caught.value.message == (
        f"Invalid Policy Source Arn: caller's account {ACCOUNT} does not have access to "
        "policies in account 999999999999"
    )


def test_principal_with_resource_policy_and_caller(iam):
    resource_policy = doc({**allow("s3:PutObject"), "Principal": {"AWS": USER}})
    response = simulate_principal(
        iam,
        ["s3:PutObject"],
        ResourceArns=["arn:aws:s3:::b/k"],
        ResourcePolicy=resource_policy,
    )
    assert evaluation_result(response)["EvalDecision"] == "allowed"
    with pytest.raises(InvalidInputError, match="Caller must be an IAM user"):
        simulate_principal(iam, ["s3:PutObject"], source=ROLE, ResourcePolicy=resource_policy)


def test_principal_policy_paging(iam):
    actions = ["s3:GetObject", "sqs:SendMessage", "ec2:RunInstances"]
    first = simulate_principal(iam, actions, MaxItems=2)
    assert first["IsTruncated"] is True
    rest = simulate_principal(iam, actions, MaxItems=2, Marker=first["Marker"])
    assert [
        r["EvalActionName"] for r in first["EvaluationResults"] + rest["EvaluationResults"]
    ] == (actions)


def test_principal_policy_checks_resource_handling_option_like_custom(iam):
    """botocore's model limits ResourceHandlingOption to 1-64 characters for both Simulate*
    operations (SimulatePrincipalPolicyRequest and SimulateCustomPolicyRequest)."""
    with pytest.raises(ValidationError, match="at 'resourceHandlingOption'"):
        simulate_principal(iam, ["s3:GetObject"], ResourceHandlingOption="x" * 65)
    assert decisions(
        simulate_principal(iam, ["s3:GetObject"], ResourceHandlingOption="EC2-VPC-EBS")
    )


@pytest.mark.parametrize(
    "source", ["arn:aws:iam::1:u/x", "arn:aws:iam::111122223333:user/" + "x" * 2020]
)
def test_policy_source_arn_length_is_a_validation_error(iam, source):
    """The model's arnType bounds PolicySourceArn to 20-2048 characters for both principal
    operations; AWS answers ValidationError, as for the other model constraints."""
    for call in (
        lambda: simulate_principal(iam, ["s3:GetObject"], source=source),
        lambda: get_context_keys_for_principal_policy(iam, PolicySourceArn=source),
    ):
        with pytest.raises(ValidationError, match="at 'policySourceArn' failed to satisfy"):
            call()
    with pytest.raises(InvalidInputError, match="PolicySourceArn is required"):
        get_context_keys_for_principal_policy(iam)
