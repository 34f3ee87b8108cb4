"""In process and through moto, iamspec gives the same answer (README: iamspec.moto).

``iamspec.simulate_custom_policy(**request)`` must equal what boto3 parses from moto's
response to the same request, ResponseMetadata aside: the serialisation through botocore's
IAM output shape must neither drop nor add anything. For SimulatePrincipalPolicy the two
sides also read the principal differently (boto3 Get*/List* calls versus moto's backend), so
equality checks MotoPolicyReader against Boto3PolicyReader as well.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

import iamspec
from iamspec.simulate.context_keys import (
    get_context_keys_for_custom_policy,
    get_context_keys_for_principal_policy,
)
from tests.moto.cases import (
    AGENT_ARN,
    ALLOW_ALL_SCP,
    CAMPAIGN_ARN,
    CAMPAIGN_OWNER_POLICY,
    DENY_UPDATE_POLICY,
    DEPARTMENT_POLICY,
    DESCRIBE_ONLY_BOUNDARY,
    INSTANCE_ARN,
    OWNER_REQUEST_TAG_POLICY,
    TRUST_POLICY,
    VIEW_OWN_USER_POLICY,
    role_arn,
    tag,
    user_arn,
    without_metadata,
)

TYPED_CONDITIONS_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "connect:DescribeUser",
                "Resource": "*",
                "Condition": {
                    "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                    "Bool": {"aws:SecureTransport": "true"},
                    "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
                    "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["Owner", "Department"]},
                },
            }
        ],
    }
)
BUCKET_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": user_arn("auditor")},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::reports/*",
            }
        ],
    }
)
TYPED_CONTEXT = [
    tag("aws:MultiFactorAuthAge", "120", key_type="numeric"),
    tag("aws:SecureTransport", "true", key_type="boolean"),
    tag("aws:CurrentTime", "2026-01-01T00:00:00Z", key_type="date"),
    tag("aws:SourceIp", "203.0.113.7", key_type="ip"),
    tag("aws:TagKeys", "Owner", "Department", key_type="stringList"),
]
PERCENT_POLICY = """{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": "connect:CreateUser",
        "Resource": "*",
        "Condition": {"StringLike": {"aws:RequestTag/Discount": "50%*"}}
    }]
}"""
UPDATES = ["connect:UpdateUserHierarchy", "connect:UpdateUserPhoneConfig"]

CUSTOM_CORPUS: dict[str, dict[str, Any]] = {
    "department-test-agent": {
        "PolicyInputList": [DEPARTMENT_POLICY],
        "ActionNames": ["connect:DescribeUser", *UPDATES],
        "ResourceArns": [AGENT_ARN],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
    },
    "department-prod-star": {
        "PolicyInputList": [DEPARTMENT_POLICY],
        "ActionNames": ["connect:DescribeUser", "connect:DeleteUser"],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Prod")],
    },
    "request-tag-missing": {
        "PolicyInputList": [OWNER_REQUEST_TAG_POLICY, DEPARTMENT_POLICY],
        "ActionNames": ["connect:CreateUser", "connect:TagResource"],
    },
    "campaigns-two-resources": {
        "PolicyInputList": [CAMPAIGN_OWNER_POLICY],
        "ActionNames": ["connect-campaigns:DescribeCampaign", "connect-campaigns:GetCampaignState"],
        "ResourceArns": [CAMPAIGN_ARN, CAMPAIGN_ARN.replace("cccc", "dddd")],
        "ContextEntries": [tag("aws:ResourceTag/owner", INSTANCE_ARN)],
    },
    "explicit-deny": {
        "PolicyInputList": [DEPARTMENT_POLICY, DENY_UPDATE_POLICY],
        "ActionNames": ["connect:DescribeUser", *UPDATES],
        "ResourceArns": [AGENT_ARN],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
    },
    "boundary": {
        "PolicyInputList": [DEPARTMENT_POLICY],
        "PermissionsBoundaryPolicyInputList": [DESCRIBE_ONLY_BOUNDARY],
        "ActionNames": ["connect:DescribeUser", *UPDATES],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
    },
    "resource-policy": {
        "PolicyInputList": [DEPARTMENT_POLICY],
        "ActionNames": ["s3:GetObject"],
        "ResourceArns": ["arn:aws:s3:::reports/2026/q1.csv"],
        "ResourcePolicy": BUCKET_POLICY,
        "CallerArn": user_arn("auditor"),
    },
    "username-variable": {
        "PolicyInputList": [VIEW_OWN_USER_POLICY],
        "ActionNames": ["iam:GetUser", "iam:ListUsers"],
        "ResourceArns": [user_arn("alice"), user_arn("bob")],
        "ContextEntries": [tag("aws:username", "alice")],
    },
    "typed-context": {
        "PolicyInputList": [TYPED_CONDITIONS_POLICY],
        "ActionNames": ["connect:DescribeUser"],
        "ContextEntries": TYPED_CONTEXT,
    },
    "empty-context-values": {
        "PolicyInputList": [OWNER_REQUEST_TAG_POLICY],
        "ActionNames": ["connect:CreateUser"],
        "ContextEntries": [tag("aws:RequestTag/Owner", key_type="stringList")],
    },
    "organization": {
        "PolicyInputList": [DEPARTMENT_POLICY],
        "ActionNames": ["connect:DescribeUser", *UPDATES],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
        "OrderedOrganizationPolicyInputList": [
            {"ServiceControlPolicyInputList": [ALLOW_ALL_SCP]},
            {"ServiceControlPolicyInputList": [ALLOW_ALL_SCP, DENY_UPDATE_POLICY]},
        ],
    },
    "first-page": {
        "PolicyInputList": [DEPARTMENT_POLICY],
        "ActionNames": ["connect:DescribeUser", *UPDATES],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
        "MaxItems": 2,
    },
}


@pytest.mark.parametrize("name", list(CUSTOM_CORPUS))
def test_custom_policy_answer_is_the_same_in_process_and_through_moto(iam, name):
    request = CUSTOM_CORPUS[name]
    assert without_metadata(iam.simulate_custom_policy(**request)) == (
        iamspec.simulate_custom_policy(**request)
    )


def test_second_page_is_the_same_in_process_and_through_moto(iam):
    request = CUSTOM_CORPUS["first-page"]
    local = iamspec.simulate_custom_policy(**request)
    remote = iam.simulate_custom_policy(**request)
    assert remote["Marker"] == local["Marker"]
    assert without_metadata(iam.simulate_custom_policy(Marker=remote["Marker"], **request)) == (
        iamspec.simulate_custom_policy(Marker=local["Marker"], **request)
    )


@pytest.mark.parametrize("name", list(CUSTOM_CORPUS))
def test_context_keys_are_the_same_in_process_and_through_moto(iam, name):
    policies = CUSTOM_CORPUS[name]["PolicyInputList"]
    assert without_metadata(iam.get_context_keys_for_custom_policy(PolicyInputList=policies)) == (
        get_context_keys_for_custom_policy(PolicyInputList=policies)
    )


@pytest.fixture
def principals(iam: Any) -> dict[str, str]:
    """A user with own, group and managed policies, and a role with a boundary."""
    iam.create_user(UserName="test-admin")
    iam.put_user_policy(UserName="test-admin", PolicyName="deny", PolicyDocument=DENY_UPDATE_POLICY)
    dept = iam.create_policy(PolicyName="DeptAdmin", PolicyDocument=DEPARTMENT_POLICY)
    iam.attach_user_policy(UserName="test-admin", PolicyArn=dept["Policy"]["Arn"])
    iam.create_group(GroupName="creators")
    iam.put_group_policy(
        GroupName="creators", PolicyName="create", PolicyDocument=OWNER_REQUEST_TAG_POLICY
    )
    campaigns = iam.create_policy(PolicyName="Campaigns", PolicyDocument=CAMPAIGN_OWNER_POLICY)
    iam.attach_group_policy(GroupName="creators", PolicyArn=campaigns["Policy"]["Arn"])
    iam.add_user_to_group(GroupName="creators", UserName="test-admin")
    iam.create_role(RoleName="admin-role", AssumeRolePolicyDocument=TRUST_POLICY)
    iam.put_role_policy(RoleName="admin-role", PolicyName="dept", PolicyDocument=DEPARTMENT_POLICY)
    boundary = iam.create_policy(PolicyName="DescribeOnly", PolicyDocument=DESCRIBE_ONLY_BOUNDARY)
    iam.put_role_permissions_boundary(
        RoleName="admin-role", PermissionsBoundary=boundary["Policy"]["Arn"]
    )
    # A literal "%" must survive both readers (GetUserPolicy URL-encodes, moto stores raw).
    iam.put_user_policy(UserName="test-admin", PolicyName="percent", PolicyDocument=PERCENT_POLICY)
    return {"user": user_arn("test-admin"), "role": role_arn("admin-role")}


PRINCIPAL_REQUEST = {
    "ActionNames": [
        "connect:DescribeUser",
        *UPDATES,
        "connect:CreateUser",
        "connect-campaigns:DescribeCampaign",
    ],
    "ContextEntries": [
        tag("aws:ResourceTag/Department", "Test"),
        tag("aws:RequestTag/Owner", "TeamA"),
        tag("aws:ResourceTag/owner", INSTANCE_ARN),
        tag("aws:RequestTag/Discount", "50%off"),
    ],
}


@pytest.mark.parametrize("who", ["user", "role"])
def test_principal_answer_is_the_same_through_the_boto3_reader_and_moto(iam, principals, who):
    request = {"PolicySourceArn": principals[who], **PRINCIPAL_REQUEST}
    remote = without_metadata(iam.simulate_principal_policy(**request))
    assert remote == iamspec.simulate_principal_policy(iam, **request)
    keys = {"PolicySourceArn": principals[who]}
    assert without_metadata(iam.get_context_keys_for_principal_policy(**keys)) == (
        get_context_keys_for_principal_policy(iam, **keys)
    )


@pytest.mark.parametrize(
    "request_",
    [
        {"PolicyInputList": ['{"Version": "2012-10-17", "Statement": ['], "ActionNames": ["a:b"]},
        {"PolicyInputList": [DEPARTMENT_POLICY], "ActionNames": ["connect:DescribeUsr"]},
        {"PolicyInputList": [DEPARTMENT_POLICY], "ActionNames": ["connect:*"]},
        {
            "PolicyInputList": [DEPARTMENT_POLICY],
            "ActionNames": ["connect:DescribeUser"],
            "ContextEntries": [tag("aws:MultiFactorAuthAge", "soon", key_type="numeric")],
        },
        {
            "PolicyInputList": [DEPARTMENT_POLICY],
            "ActionNames": ["connect:DescribeUser"],
            "ResourcePolicy": BUCKET_POLICY,
        },
    ],
    ids=["unparsable", "unknown-action", "wildcard-action", "bad-numeric", "no-caller"],
)
def test_errors_are_the_same_in_process_and_through_moto(iam, request_):
    with pytest.raises(iamspec.SimulatorAPIError) as local:
        iamspec.simulate_custom_policy(**request_)
    with pytest.raises(ClientError) as remote:
        iam.simulate_custom_policy(**request_)
    error = remote.value.response["Error"]
    assert (error["Code"], error["Message"]) == (local.value.code, local.value.message)
    assert remote.value.response["ResponseMetadata"]["HTTPStatusCode"] == local.value.http_status
