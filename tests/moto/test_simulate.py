"""moto's IAM answers the simulator API through iamspec (issue 3), over mock_aws and HTTP.

Decisions follow the IAM policy evaluation logic
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
explicit deny wins, an allow is needed, a permissions boundary caps identity policies, a
user's group policies add to its own. Error codes and statuses come from botocore's IAM
model (docs/iam-semantics.md section 1.4).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import iamspec
import iamspec.moto.responses
from tests.moto.cases import (
    ACCOUNT,
    AGENT_ARN,
    ALLOW_ALL_SCP,
    CAMPAIGN_ARN,
    CAMPAIGN_OWNER_POLICY,
    DENY_UPDATE_POLICY,
    DEPARTMENT_POLICY,
    DESCRIBE_ONLY_BOUNDARY,
    INSTANCE_ARN,
    OWNER_REQUEST_TAG_POLICY,
    REGION,
    TRUST_POLICY,
    VIEW_OWN_USER_POLICY,
    group_arn,
    role_arn,
    tag,
    user_arn,
)

UPDATE_ACTIONS = [
    "connect:UpdateUserHierarchy",
    "connect:UpdateUserIdentityInfo",
    "connect:UpdateUserPhoneConfig",
    "connect:UpdateUserRoutingProfile",
    "connect:UpdateUserSecurityProfiles",
]


def decisions(response: dict[str, Any]) -> dict[str, str]:
    return {r["EvalActionName"]: r["EvalDecision"] for r in response["EvaluationResults"]}


def error_of(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = info.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def create_managed(iam: Any, name: str, document: str) -> str:
    return str(iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"])


def create_role(iam: Any, name: str) -> None:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_POLICY)


# --- SimulateCustomPolicy --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("department", "expected"), [("Test", "allowed"), ("Prod", "implicitDeny")]
)
def test_department_tag_decides_describe_and_every_update_user_action(iam, department, expected):
    response = iam.simulate_custom_policy(
        PolicyInputList=[DEPARTMENT_POLICY],
        ActionNames=["connect:DescribeUser", *UPDATE_ACTIONS],
        ResourceArns=[AGENT_ARN],
        ContextEntries=[tag("aws:ResourceTag/Department", department)],
    )
    assert set(decisions(response).values()) == {expected}
    first = response["EvaluationResults"][0]
    assert first["ResourceSpecificResults"][0]["EvalResourceName"] == AGENT_ARN
    if expected == "allowed":
        assert first["MatchedStatements"] == [
            {
                "SourcePolicyId": "PolicyInputList.1",
                "SourcePolicyType": "IAM Policy",
                "StartPosition": {"Line": 3, "Column": 17},
                "EndPosition": {"Line": 9, "Column": 6},
            }
        ]
    else:
        assert first["MatchedStatements"] == []


def test_department_policy_does_not_grant_delete(iam):
    response = iam.simulate_custom_policy(
        PolicyInputList=[DEPARTMENT_POLICY],
        ActionNames=["connect:DeleteUser"],
        ResourceArns=[AGENT_ARN],
        ContextEntries=[tag("aws:ResourceTag/Department", "Test")],
    )
    assert decisions(response) == {"connect:DeleteUser": "implicitDeny"}


@pytest.mark.parametrize(("owner", "expected"), [("TeamA", "allowed"), ("TeamB", "implicitDeny")])
def test_request_tag_owner_decides_create_and_tag(iam, owner, expected):
    response = iam.simulate_custom_policy(
        PolicyInputList=[OWNER_REQUEST_TAG_POLICY],
        ActionNames=["connect:CreateUser", "connect:TagResource"],
        ContextEntries=[tag("aws:RequestTag/Owner", owner)],
    )
    assert decisions(response) == {
        "connect:CreateUser": expected,
        "connect:TagResource": expected,
    }


def test_missing_request_tag_is_reported_and_denied(iam):
    response = iam.simulate_custom_policy(
        PolicyInputList=[OWNER_REQUEST_TAG_POLICY], ActionNames=["connect:CreateUser"]
    )
    result = response["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["aws:RequestTag/Owner"]


@pytest.mark.parametrize(
    ("owner", "expected"),
    [(INSTANCE_ARN, "allowed"), (INSTANCE_ARN.replace("1111", "9999"), "implicitDeny")],
)
def test_campaign_owner_tag_decides(iam, owner, expected):
    response = iam.simulate_custom_policy(
        PolicyInputList=[CAMPAIGN_OWNER_POLICY],
        ActionNames=["connect-campaigns:DescribeCampaign", "connect-campaigns:GetCampaignState"],
        ResourceArns=[CAMPAIGN_ARN],
        ContextEntries=[tag("aws:ResourceTag/owner", owner)],
    )
    assert set(decisions(response).values()) == {expected}


def test_explicit_deny_overrides_allow(iam):
    response = iam.simulate_custom_policy(
        PolicyInputList=[DEPARTMENT_POLICY, DENY_UPDATE_POLICY],
        ActionNames=["connect:DescribeUser", "connect:UpdateUserHierarchy"],
        ResourceArns=[AGENT_ARN],
        ContextEntries=[tag("aws:ResourceTag/Department", "Test")],
    )
    assert decisions(response) == {
        "connect:DescribeUser": "allowed",
        "connect:UpdateUserHierarchy": "explicitDeny",
    }
    matched = response["EvaluationResults"][1]["MatchedStatements"]
    assert "PolicyInputList.2" in {m["SourcePolicyId"] for m in matched}


def test_permissions_boundary_caps_custom_policies(iam):
    response = iam.simulate_custom_policy(
        PolicyInputList=[DEPARTMENT_POLICY],
        PermissionsBoundaryPolicyInputList=[DESCRIBE_ONLY_BOUNDARY],
        ActionNames=["connect:DescribeUser", "connect:UpdateUserHierarchy"],
        ResourceArns=[AGENT_ARN],
        ContextEntries=[tag("aws:ResourceTag/Department", "Test")],
    )
    describe, update = response["EvaluationResults"]
    assert describe["EvalDecision"] == "allowed"
    assert describe["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert update["EvalDecision"] == "implicitDeny"
    assert update["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


# --- SimulatePrincipalPolicy -----------------------------------------------------------------


def attach(iam: Any, how: str) -> tuple[str, str]:
    """Give the department policy to a principal in one of six ways; (source ARN, policy id)."""
    if how.startswith("user"):
        iam.create_user(UserName="test-admin")
        if how == "user-inline":
            iam.put_user_policy(
                UserName="test-admin", PolicyName="dept", PolicyDocument=DEPARTMENT_POLICY
            )
            return user_arn("test-admin"), "user_test-admin_dept"
        arn = create_managed(iam, "DeptAdmin", DEPARTMENT_POLICY)
        iam.attach_user_policy(UserName="test-admin", PolicyArn=arn)
        return user_arn("test-admin"), "DeptAdmin"
    if how.startswith("group"):
        iam.create_user(UserName="test-admin")
        iam.create_group(GroupName="admins")
        iam.add_user_to_group(GroupName="admins", UserName="test-admin")
        if how == "group-inline":
            iam.put_group_policy(
                GroupName="admins", PolicyName="dept", PolicyDocument=DEPARTMENT_POLICY
            )
            return user_arn("test-admin"), "group_admins_dept"
        arn = create_managed(iam, "DeptAdmin", DEPARTMENT_POLICY)
        iam.attach_group_policy(GroupName="admins", PolicyArn=arn)
        return user_arn("test-admin"), "DeptAdmin"
    create_role(iam, "admin-role")
    if how == "role-inline":
        iam.put_role_policy(
            RoleName="admin-role", PolicyName="dept", PolicyDocument=DEPARTMENT_POLICY
        )
        return role_arn("admin-role"), "role_admin-role_dept"
    arn = create_managed(iam, "DeptAdmin", DEPARTMENT_POLICY)
    iam.attach_role_policy(RoleName="admin-role", PolicyArn=arn)
    return role_arn("admin-role"), "DeptAdmin"


@pytest.mark.parametrize(
    "how",
    ["user-inline", "user-managed", "group-inline", "group-managed", "role-inline", "role-managed"],
)
@pytest.mark.parametrize(
    ("department", "expected"), [("Test", "allowed"), ("Prod", "implicitDeny")]
)
def test_principal_policies_are_gathered(iam, how, department, expected):
    source, policy_id = attach(iam, how)
    response = iam.simulate_principal_policy(
        PolicySourceArn=source,
        ActionNames=["connect:DescribeUser", "connect:UpdateUserPhoneConfig"],
        ResourceArns=[AGENT_ARN],
        ContextEntries=[tag("aws:ResourceTag/Department", department)],
    )
    assert set(decisions(response).values()) == {expected}
    matched = response["EvaluationResults"][0]["MatchedStatements"]
    assert [m["SourcePolicyId"] for m in matched] == ([policy_id] if expected == "allowed" else [])
    if expected == "allowed":
        # Positions count into the document as moto stores it (here: as sent).
        assert matched[0]["StartPosition"] == {"Line": 3, "Column": 17}


def test_group_policies_add_up(iam):
    iam.create_user(UserName="lead")
    iam.create_user(UserName="agent")
    for group, document in [
        ("describers", DEPARTMENT_POLICY),
        ("creators", OWNER_REQUEST_TAG_POLICY),
    ]:
        iam.create_group(GroupName=group)
        iam.put_group_policy(GroupName=group, PolicyName="p", PolicyDocument=document)
        iam.add_user_to_group(GroupName=group, UserName="lead")
    iam.add_user_to_group(GroupName="describers", UserName="agent")
    request = {
        "ActionNames": ["connect:DescribeUser", "connect:CreateUser"],
        "ContextEntries": [
            tag("aws:ResourceTag/Department", "Test"),
            tag("aws:RequestTag/Owner", "TeamA"),
        ],
    }
    lead = iam.simulate_principal_policy(PolicySourceArn=user_arn("lead"), **request)
    agent = iam.simulate_principal_policy(PolicySourceArn=user_arn("agent"), **request)
    assert decisions(lead) == {"connect:DescribeUser": "allowed", "connect:CreateUser": "allowed"}
    assert decisions(agent) == {
        "connect:DescribeUser": "allowed",
        "connect:CreateUser": "implicitDeny",
    }
    creators = iam.simulate_principal_policy(PolicySourceArn=group_arn("creators"), **request)
    assert decisions(creators) == {
        "connect:DescribeUser": "implicitDeny",
        "connect:CreateUser": "allowed",
    }


def test_explicit_deny_on_the_user_overrides_its_group_allow(iam):
    source, _ = attach(iam, "group-managed")
    iam.put_user_policy(
        UserName="test-admin", PolicyName="no-update", PolicyDocument=DENY_UPDATE_POLICY
    )
    response = iam.simulate_principal_policy(
        PolicySourceArn=source,
        ActionNames=["connect:DescribeUser", "connect:UpdateUserHierarchy"],
        ResourceArns=[AGENT_ARN],
        ContextEntries=[tag("aws:ResourceTag/Department", "Test")],
    )
    assert decisions(response) == {
        "connect:DescribeUser": "allowed",
        "connect:UpdateUserHierarchy": "explicitDeny",
    }
    matched = response["EvaluationResults"][1]["MatchedStatements"]
    assert "user_test-admin_no-update" in {m["SourcePolicyId"] for m in matched}


def test_role_permissions_boundary_caps_its_policies(iam):
    source, _ = attach(iam, "role-managed")
    boundary = create_managed(iam, "DescribeOnly", DESCRIBE_ONLY_BOUNDARY)
    iam.put_role_permissions_boundary(RoleName="admin-role", PermissionsBoundary=boundary)
    response = iam.simulate_principal_policy(
        PolicySourceArn=source,
        ActionNames=["connect:DescribeUser", "connect:UpdateUserHierarchy"],
        ResourceArns=[AGENT_ARN],
        ContextEntries=[tag("aws:ResourceTag/Department", "Test")],
    )
    describe, update = response["EvaluationResults"]
    assert describe["EvalDecision"] == "allowed"
    assert describe["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert update["EvalDecision"] == "implicitDeny"
    assert update["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    # The boundary's statements never appear among MatchedStatements.
    assert [m["SourcePolicyId"] for m in describe["MatchedStatements"]] == ["DeptAdmin"]


def test_supplied_boundary_caps_a_user(iam):
    # moto stores no user boundaries, so a user's boundary is supplied with the request.
    source, _ = attach(iam, "user-inline")
    response = iam.simulate_principal_policy(
        PolicySourceArn=source,
        PermissionsBoundaryPolicyInputList=[DESCRIBE_ONLY_BOUNDARY],
        ActionNames=["connect:UpdateUserHierarchy"],
        ContextEntries=[tag("aws:ResourceTag/Department", "Test")],
    )
    result = response["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


@pytest.mark.parametrize(("who", "expected"), [("alice", "allowed"), ("bob", "implicitDeny")])
def test_view_own_user_info_with_username_variable(iam, who, expected):
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="self", PolicyDocument=VIEW_OWN_USER_POLICY)
    response = iam.simulate_principal_policy(
        PolicySourceArn=user_arn("alice"),
        ActionNames=["iam:GetUser", "iam:ListUserPolicies"],
        ResourceArns=[user_arn(who)],
        ContextEntries=[tag("aws:username", "alice")],
    )
    assert set(decisions(response).values()) == {expected}


@pytest.fixture
def aws_managed_policies(monkeypatch):
    """moto loads its copy of AWS's managed policies only when asked to."""
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


@pytest.mark.slow
def test_aws_managed_policy_known_to_moto(aws_managed_policies, iam):
    iam.create_user(UserName="reader")
    iam.attach_user_policy(
        UserName="reader", PolicyArn="arn:aws:iam::aws:policy/AmazonConnectReadOnlyAccess"
    )
    response = iam.simulate_principal_policy(
        PolicySourceArn=user_arn("reader"),
        ActionNames=["connect:DescribeUser", "connect:UpdateUserHierarchy"],
    )
    assert decisions(response) == {
        "connect:DescribeUser": "allowed",
        "connect:UpdateUserHierarchy": "implicitDeny",
    }
    matched = response["EvaluationResults"][0]["MatchedStatements"]
    assert [m["SourcePolicyId"] for m in matched] == ["AmazonConnectReadOnlyAccess"]


# --- Paging ----------------------------------------------------------------------------------


def test_custom_policy_paging_with_marker_and_paginator(iam):
    request = {
        "PolicyInputList": [DEPARTMENT_POLICY],
        "ActionNames": ["connect:DescribeUser", *UPDATE_ACTIONS],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
    }
    whole = iam.simulate_custom_policy(**request)["EvaluationResults"]
    assert len(whole) == 6
    collected, marker = [], None
    while True:
        page = iam.simulate_custom_policy(
            MaxItems=1, **request, **({"Marker": marker} if marker else {})
        )
        collected += page["EvaluationResults"]
        assert len(page["EvaluationResults"]) == 1
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
    assert collected == whole
    paginator = iam.get_paginator("simulate_custom_policy")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}, **request))
    assert len(pages) == 6
    assert [r for p in pages for r in p["EvaluationResults"]] == whole
    built = paginator.paginate(PaginationConfig={"PageSize": 2}, **request).build_full_result()
    assert built["EvaluationResults"] == whole


def test_principal_policy_paging_with_paginator(iam):
    source, _ = attach(iam, "group-inline")
    request = {
        "PolicySourceArn": source,
        "ActionNames": ["connect:DescribeUser", *UPDATE_ACTIONS],
        "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
    }
    whole = iam.simulate_principal_policy(**request)["EvaluationResults"]
    paginator = iam.get_paginator("simulate_principal_policy")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}, **request))
    assert [len(p["EvaluationResults"]) for p in pages] == [1] * 6
    assert [r for p in pages for r in p["EvaluationResults"]] == whole
    assert set(decisions({"EvaluationResults": whole}).values()) == {"allowed"}


def test_marker_from_another_request_is_refused(iam):
    first = iam.simulate_custom_policy(
        PolicyInputList=[DEPARTMENT_POLICY], ActionNames=UPDATE_ACTIONS, MaxItems=1
    )
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[OWNER_REQUEST_TAG_POLICY],
            ActionNames=UPDATE_ACTIONS,
            MaxItems=1,
            Marker=first["Marker"],
        )
    assert error_of(info)[:2] == ("InvalidInput", 400)


# --- GetContextKeysFor*Policy ----------------------------------------------------------------


def test_context_keys_for_custom_policy(iam):
    response = iam.get_context_keys_for_custom_policy(
        PolicyInputList=[DEPARTMENT_POLICY, OWNER_REQUEST_TAG_POLICY, VIEW_OWN_USER_POLICY]
    )
    assert sorted(response["ContextKeyNames"]) == sorted(
        ["aws:ResourceTag/Department", "aws:RequestTag/Owner", "aws:username"]
    )


def test_context_keys_for_principal_policy_include_groups(iam):
    source, _ = attach(iam, "group-managed")
    iam.put_user_policy(
        UserName="test-admin", PolicyName="create", PolicyDocument=OWNER_REQUEST_TAG_POLICY
    )
    response = iam.get_context_keys_for_principal_policy(
        PolicySourceArn=source, PolicyInputList=[CAMPAIGN_OWNER_POLICY]
    )
    assert sorted(response["ContextKeyNames"]) == sorted(
        ["aws:ResourceTag/Department", "aws:RequestTag/Owner", "aws:ResourceTag/owner"]
    )


# --- Errors ----------------------------------------------------------------------------------

BROKEN_POLICY = """{
  "Version": "2012-10-17",
  "Statement": {
    "Sid": "AllowConnectCampaignsReadOnlyOperations",
    "Effect": "Allow",
    "Action": ["connect-campaigns:DescribeCampaign"],
    "Resource": "*",
  }
}"""


@pytest.mark.parametrize(
    "source",
    [user_arn("nobody"), role_arn("nobody"), group_arn("nobody")],
    ids=["user", "role", "group"],
)
def test_unknown_principal_is_no_such_entity(iam, source):
    kind = source.split(":")[-1].split("/")[0]
    for call in (iam.simulate_principal_policy, iam.get_context_keys_for_principal_policy):
        kwargs = (
            {"ActionNames": ["connect:DescribeUser"]}
            if call == iam.simulate_principal_policy
            else {}
        )
        with pytest.raises(ClientError) as info:
            call(PolicySourceArn=source, **kwargs)
        assert error_of(info) == (
            "NoSuchEntity",
            404,
            f"The {kind} with name nobody cannot be found.",
        )


def test_policy_that_does_not_parse_is_invalid_input_with_position(iam):
    with pytest.raises(iamspec.InvalidInputError) as local:
        iamspec.simulate_custom_policy(
            PolicyInputList=[DEPARTMENT_POLICY, BROKEN_POLICY], ActionNames=["connect:DescribeUser"]
        )
    for call in (
        lambda: iam.simulate_custom_policy(
            PolicyInputList=[DEPARTMENT_POLICY, BROKEN_POLICY], ActionNames=["connect:DescribeUser"]
        ),
        lambda: iam.get_context_keys_for_custom_policy(
            PolicyInputList=[DEPARTMENT_POLICY, BROKEN_POLICY]
        ),
    ):
        with pytest.raises(ClientError) as info:
            call()
        code, status, message = error_of(info)
        assert (code, status) == ("InvalidInput", 400)
        # The trailing comma after "Resource": "*" (line 7, column 20), as in the seed page.
        assert message.startswith("PolicyInputList.2:7:20:")
        assert message == local.value.message


def test_model_constraint_is_validation_error_over_the_wire(iam):
    """botocore checks only minimum lengths on the client; a 129-character action name reaches
    the server, which answers ValidationError 400 as AWS does (cloud-custodian#4769)."""
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[DEPARTMENT_POLICY], ActionNames=["connect:" + "D" * 121]
        )
    code, status, message = error_of(info)
    assert (code, status) == ("ValidationError", 400)
    assert message.startswith("1 validation error detected: Value 'connect:DDD")
    assert "at 'actionNames' failed to satisfy constraint: Member must satisfy" in message


def test_first_policy_that_does_not_parse_is_named(iam):
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=['{"Version": '], ActionNames=["connect:DescribeUser"]
        )
    code, status, message = error_of(info)
    assert (code, status) == ("InvalidInput", 400)
    assert message.startswith("PolicyInputList.1:1:")


def test_assumed_role_source_is_invalid_input(iam):
    source = f"arn:aws:sts::{ACCOUNT}:assumed-role/admin-role/session"
    with pytest.raises(ClientError) as info:
        iam.simulate_principal_policy(PolicySourceArn=source, ActionNames=["connect:DescribeUser"])
    assert error_of(info) == ("InvalidInput", 400, f"Invalid Entity Arn: {source}")


def test_source_in_another_account_is_invalid_input(iam):
    iam.create_user(UserName="test-admin")
    with pytest.raises(ClientError) as info:
        iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::111122223333:user/test-admin",
            ActionNames=["connect:DescribeUser"],
        )
    code, status, message = error_of(info)
    assert (code, status) == ("InvalidInput", 400)
    assert message.startswith("Invalid Policy Source Arn")


def test_unknown_action_is_invalid_input_with_suggestion(iam):
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[DEPARTMENT_POLICY], ActionNames=["connect:DescribeUsr"]
        )
    code, status, message = error_of(info)
    assert (code, status) == ("InvalidInput", 400)
    assert "connect:DescribeUsr" in message
    assert "did you mean" in message
    assert "connect:DescribeUser" in message


def test_organization_levels_reach_the_engine(iam):
    response = iam.simulate_custom_policy(
        PolicyInputList=[DEPARTMENT_POLICY],
        ActionNames=["connect:DescribeUser", "connect:UpdateUserHierarchy"],
        ContextEntries=[tag("aws:ResourceTag/Department", "Test")],
        OrderedOrganizationPolicyInputList=[
            {"ServiceControlPolicyInputList": [ALLOW_ALL_SCP]},
            {"ServiceControlPolicyInputList": [ALLOW_ALL_SCP, DENY_UPDATE_POLICY]},
        ],
    )
    assert decisions(response) == {
        "connect:DescribeUser": "allowed",
        "connect:UpdateUserHierarchy": "explicitDeny",
    }
    assert [r["OrganizationsDecisionDetail"] for r in response["EvaluationResults"]] == [
        {"AllowedByOrganizations": True},
        {"AllowedByOrganizations": False},
    ]


def test_parameter_iamspec_does_not_take_is_refused_not_ignored(iam, monkeypatch):
    def without_resource_owner(*, PolicyInputList, ActionNames):
        raise AssertionError("must not be called")

    monkeypatch.setattr(iamspec.moto.responses, "simulate_custom_policy", without_resource_owner)
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[DEPARTMENT_POLICY],
            ActionNames=["connect:DescribeUser"],
            ResourceOwner="arn:aws:iam::111122223333:root",
        )
    code, status, message = error_of(info)
    assert (code, status) == ("InvalidInput", 400)
    assert message == "ResourceOwner is not supported by iamspec's simulator"


def test_policy_evaluation_error_keeps_code_and_status(iam, monkeypatch):
    def cannot_evaluate(**_: Any) -> dict[str, Any]:
        raise iamspec.PolicyEvaluationError("cannot evaluate")

    monkeypatch.setattr(iamspec.moto.responses, "simulate_custom_policy", cannot_evaluate)
    # HTTP 500 is retried by botocore; one attempt keeps the test fast.
    client = boto3.client(
        "iam",
        region_name=REGION,
        endpoint_url=iam.meta.endpoint_url,
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(ClientError) as info:
        client.simulate_custom_policy(
            PolicyInputList=[DEPARTMENT_POLICY], ActionNames=["connect:DescribeUser"]
        )
    assert error_of(info) == ("PolicyEvaluation", 500, "cannot evaluate")
