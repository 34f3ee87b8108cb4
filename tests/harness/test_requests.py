"""The request builder: tag applicability, exceptions, wildcard expansion, typo guard, batches."""

from __future__ import annotations

import pytest

from iamspec.errors import (
    MalformedArnError,
    UnknownActionError,
    UnknownContextKeyError,
    UnknownServiceError,
)
from iamspec.harness.errors import ScenarioInputError, TagKeyTypoError
from iamspec.harness.requests import TAG_EXCEPTIONS, Expansion, plan
from tests.harness.kit import INSTANCE_ID, make_world


@pytest.fixture
def world(tmp_path):
    w = make_world(tmp_path)
    w.add_principal("IAM user", "admin", ["allow-all.json"])
    return w


def _entries(call_part):
    return {e.name: (e.values, e.type) for e in call_part.context}


# (declare resource: kind, name, extra kwargs), action, is aws:ResourceTag/Department sent?
APPLICABILITY = [
    (("Connect user", "u", {}), "connect:DescribeUser", True),
    (("Connect user", "u", {}), "connect:UpdateUserIdentityInfo", True),
    (("Connect user", "u", {}), "connect:DeleteUser", True),
    (("hierarchy group", "g", {}), "connect:UpdateUserHierarchyGroupName", True),
    (("Connect instance", "main", {}), "connect:UpdateUserHierarchyStructure", True),
    (("Connect instance", "main", {}), "connect:ListUsers", True),
    (("queue", "q", {}), "connect:DescribeQueue", True),
    (("queue", "q", {}), "connect:ListQueues", False),  # wildcard-queue carries no tag key
    (("outbound campaign", "c", {}), "connect-campaigns:DescribeCampaign", True),
    (("outbound campaign", "c", {}), "connect-campaigns:StartCampaign", True),
    (("outbound campaign", "c", {}), "connect-campaigns:GetCampaignStateBatch", False),
    (("event integration", "e", {}), "app-integrations:GetEventIntegration", True),
    (("Wisdom assistant", "a", {}), "wisdom:GetAssistant", True),
    (("KMS key", "k", {}), "kms:DescribeKey", True),
]


@pytest.mark.parametrize(("declared", "action", "sent"), APPLICABILITY, ids=lambda v: str(v))
def test_resource_tags_only_where_the_catalog_lists_them(world, declared, action, sent):
    kind, name, extra = declared
    if kind == "Connect instance":
        world.add_resource(kind, name, tags="Department=Test")
    else:
        world.add_resource(kind, name, tags="Department=Test", **extra)
    resource = world.resource(kind, name)
    (call,) = world.builder.build(world.caller("admin"), action, resources=[resource])
    (part,) = call.parts
    entries = _entries(part)
    assert ("aws:ResourceTag/Department" in entries) is sent
    if sent:
        assert entries["aws:ResourceTag/Department"] == (("Test",), "string")
        assert part.notes == ()
    else:
        assert any("aws:ResourceTag/Department not sent" in n for n in part.notes)


def test_exceptions_table_cites_the_seed():
    assert set(TAG_EXCEPTIONS) == {
        "connect-campaigns:listcampaigns",
        "connect-campaigns:getcampaignstatebatch",
    }
    for exception in TAG_EXCEPTIONS.values():
        assert "cannot be restricted by Tag" in exception.source
        assert "security_iam_id-based-policy-examples.html" in exception.source


def test_list_campaigns_has_no_resource_and_no_tags(world):
    world.add_resource("outbound campaign", "c", owner="main")
    (call,) = world.builder.build(world.caller("admin"), "connect-campaigns:ListCampaigns")
    assert call.parts[0].resource == "*"
    assert not any(e.name.startswith("aws:ResourceTag") for e in call.parts[0].context)
    with pytest.raises(ScenarioInputError, match="takes no resource type"):
        world.builder.build(
            world.caller("admin"),
            "connect-campaigns:ListCampaigns",
            resources=[world.resource("outbound campaign", "c")],
        )


def test_principal_context_entries(world):
    world.add_principal("IAM role", "ops", ["allow-all.json"], tags="Team=Blue")
    world.tag_principal("admin", "Team=Red")
    user = world.caller("admin")
    role = world.caller("ops")
    (user_call,) = world.builder.build(user, "connect:ListInstances")
    (role_call,) = world.builder.build(role, "connect:ListInstances")
    user_entries = _entries(user_call.parts[0])
    role_entries = _entries(role_call.parts[0])
    assert user_entries["aws:username"] == (("admin",), "string")
    assert user_entries["aws:PrincipalArn"] == (("arn:aws:iam::111122223333:user/admin",), "string")
    assert user_entries["aws:PrincipalAccount"] == (("111122223333",), "string")
    assert user_entries["aws:PrincipalTag/Team"] == (("Red",), "string")
    assert "aws:username" not in role_entries
    assert role_entries["aws:PrincipalTag/Team"] == (("Blue",), "string")
    assert role_entries["aws:PrincipalArn"] == (("arn:aws:iam::111122223333:role/ops",), "string")


def test_connect_instance_id_comes_from_the_resource(world):
    world.add_resource("Connect user", "u")
    (call,) = world.builder.build(
        world.caller("admin"),
        "connect:DescribeUser",
        resources=[world.resource("Connect user", "u")],
    )
    assert _entries(call.parts[0])["connect:InstanceId"] == ((INSTANCE_ID,), "string")


def test_request_tags_become_request_tag_and_tag_keys(world):
    user = world.parse_resources('the Connect user "new"', new=True)
    (call,) = world.builder.build(
        world.caller("admin"),
        "connect:CreateUser",
        resources=user,
        request_tags={"Owner": "TeamA", "Cost": "1"},
    )
    entries = _entries(call.parts[0])
    assert entries["aws:RequestTag/Owner"] == (("TeamA",), "string")
    assert entries["aws:RequestTag/Cost"] == (("1",), "string")
    assert entries["aws:TagKeys"] == (("Owner", "Cost"), "stringList")


def test_untag_resource_gets_tag_keys_only(world):
    world.add_resource("Connect user", "u")
    (call,) = world.builder.build(
        world.caller("admin"),
        "connect:UntagResource",
        resources=[world.resource("Connect user", "u")],
        request_tags={"Owner": "x"},
    )
    entries = _entries(call.parts[0])
    assert "aws:RequestTag/Owner" not in entries
    assert entries["aws:TagKeys"] == (("Owner",), "stringList")


def test_request_tags_on_an_action_without_them_are_an_error(world):
    world.add_resource("Connect user", "u")
    with pytest.raises(ScenarioInputError, match="takes no request tags"):
        world.builder.build(
            world.caller("admin"),
            "connect:DescribeUser",
            resources=[world.resource("Connect user", "u")],
            request_tags={"Owner": "x"},
        )


def test_unknown_actions_are_refused_with_a_suggestion(world):
    with pytest.raises(UnknownActionError) as info:
        world.builder.build(world.caller("admin"), "connect-campaigns:UpdateOutboundCallConfig")
    assert "connect-campaigns:UpdateCampaignOutboundCallConfig" in info.value.suggestions
    with pytest.raises(UnknownServiceError) as service:
        world.builder.build(world.caller("admin"), "app-integartions:DeleteEventIntegration")
    assert "app-integrations" in service.value.suggestions
    with pytest.raises(UnknownActionError) as doubled:
        world.builder.build(world.caller("admin"), "app-integrations::ListEventIntegrations")
    assert doubled.value.suggestions == ("app-integrations:ListEventIntegrations",)


def test_wildcards(world):
    world.add_resource("Connect user", "u", tags="Department=Test")
    user = world.resource("Connect user", "u")
    caller = world.caller("admin")
    with pytest.raises(ScenarioInputError, match="is a wildcard"):
        world.builder.build(caller, "connect:UpdateUser*", resources=[user])
    with pytest.raises(ScenarioInputError) as info:
        world.builder.build(
            caller, "connect:UpdateUser*", resources=[user], expansion=Expansion.EACH
        )
    text = str(info.value)
    assert "connect:UpdateUserHierarchyGroupName does not act on" in text
    assert "connect:UpdateUserHierarchyStructure does not act on" in text
    assert "hierarchy-group (required)" in text
    assert "instance (required)" in text
    calls = world.builder.build(
        caller, "connect:UpdateUser*", resources=[user], expansion=Expansion.APPLICABLE
    )
    assert [c.action for c in calls] == [
        "connect:UpdateUserHierarchy",
        "connect:UpdateUserIdentityInfo",
        "connect:UpdateUserNotificationStatus",
        "connect:UpdateUserPhoneConfig",
        "connect:UpdateUserProficiencies",
        "connect:UpdateUserRoutingProfile",
        "connect:UpdateUserSecurityProfiles",
    ]
    with pytest.raises(ScenarioInputError, match="matches no IAM action"):
        world.builder.build(caller, "connect:Nothing*", expansion=Expansion.EACH)


def test_actions_with_a_required_resource_need_one(world):
    with pytest.raises(ScenarioInputError, match="acts on user: name the resource"):
        world.builder.build(world.caller("admin"), "connect:DescribeUser")
    (call,) = world.builder.build(world.caller("admin"), "connect:DescribeUser", any_resource=True)
    assert call.parts[0].resource == "*"


def test_a_resource_of_the_wrong_type_names_the_types_the_action_takes(world):
    world.add_resource("KMS key", "k")
    with pytest.raises(
        ScenarioInputError, match=r"does not act on the KMS key \"k\".*it takes user"
    ):
        world.builder.build(
            world.caller("admin"),
            "connect:DescribeUser",
            resources=[world.resource("KMS key", "k")],
        )


def test_groups_cannot_call(world):
    world.add_principal("IAM group", "g", ["allow-all.json"])
    with pytest.raises(ScenarioInputError, match="groups cannot make requests"):
        world.builder.build(world.caller("g"), "connect:ListInstances")


@pytest.mark.parametrize(
    ("policy", "where", "key", "meant"),
    [
        ("department.json", "resource", "Departmnt", "Department"),
        ("department.json", "resource", "department", "Department"),
        ("department.json", "resource", "Depratment", "Department"),
        ("owner-request-tag.json", "request", "owner", "Owner"),
        ("owner-request-tag.json", "request", "Ownr", "Owner"),
        ("principal-tag.json", "principal", "env", "Env"),
        ("principal-tag.json", "resource", "Envs", "Env"),
    ],
)
def test_typo_guard(tmp_path, policy, where, key, meant):
    world = make_world(tmp_path)
    world.add_principal("IAM user", "p", [policy])
    resources = []
    tags = {}
    if where == "resource":
        world.add_resource("Connect user", "u", tags=f"{key}=x")
        resources = [world.resource("Connect user", "u")]
        action = "connect:DescribeUser"
    elif where == "request":
        resources = list(world.parse_resources('the Connect user "n"', new=True))
        tags = {key: "TeamA"}
        action = "connect:CreateUser"
    else:
        world.tag_principal("p", f"{key}=x")
        action = "connect:ListInstances"
    with pytest.raises(TagKeyTypoError) as info:
        world.builder.build(world.caller("p"), action, resources=resources, request_tags=tags)
    assert info.value.meant == meant
    assert f"did you mean {meant!r}" in str(info.value)


@pytest.mark.parametrize("key", ["Department", "CostCenter", "Team", "Owner"])
def test_typo_guard_lets_exact_and_unrelated_keys_pass(tmp_path, key):
    world = make_world(tmp_path)
    world.add_principal("IAM user", "p", ["department.json"])
    world.add_resource("Connect user", "u", tags=f"{key}=Test")
    world.builder.build(
        world.caller("p"), "connect:DescribeUser", resources=[world.resource("Connect user", "u")]
    )


def test_the_campaign_owner_tag_set_by_the_harness_is_not_guarded(tmp_path):
    world = make_world(tmp_path)
    world.add_principal("IAM user", "p", ["owner-request-tag.json"])  # reads "Owner"
    world.add_resource("outbound campaign", "c", owner="main")  # tags "owner"
    world.builder.build(
        world.caller("p"),
        "connect-campaigns:DescribeCampaign",
        resources=[world.resource("outbound campaign", "c")],
    )


def test_stated_context(world):
    world.add_resource("Connect user", "u")
    user = world.resource("Connect user", "u")
    (call,) = world.builder.build(
        world.caller("admin"),
        "connect:DescribeUser",
        resources=[user],
        context=[
            ("aws:SourceIp", "203.0.113.7"),
            ("aws:MultiFactorAuthPresent", "true"),
            ("aws:CalledVia", "a"),
            ("aws:CalledVia", "b"),
        ],
    )
    entries = _entries(call.parts[0])
    assert entries["aws:SourceIp"] == (("203.0.113.7",), "ip")
    assert entries["aws:MultiFactorAuthPresent"] == (("true",), "boolean")
    assert entries["aws:CalledVia"] == (("a", "b"), "stringList")
    with pytest.raises(UnknownContextKeyError) as info:
        world.builder.build(
            world.caller("admin"),
            "connect:DescribeUser",
            resources=[user],
            context=[("aws:SorceIp", "1.2.3.4")],
        )
    assert "aws:SourceIp" in info.value.suggestions
    with pytest.raises(ScenarioInputError, match="comes from the scenario"):
        world.builder.build(
            world.caller("admin"),
            "connect:DescribeUser",
            resources=[user],
            context=[("aws:ResourceTag/Department", "Test")],
        )
    with pytest.raises(ScenarioInputError, match="single-valued"):
        world.builder.build(
            world.caller("admin"),
            "connect:DescribeUser",
            resources=[user],
            context=[("aws:SourceIp", "1.2.3.4"), ("aws:SourceIp", "1.2.3.5")],
        )
    with pytest.raises(ScenarioInputError, match="do not carry kms:ViaService"):
        world.builder.build(
            world.caller("admin"),
            "connect:DescribeUser",
            resources=[user],
            context=[("kms:ViaService", "x")],
        )


def test_malformed_arn(world):
    with pytest.raises(MalformedArnError, match="expected arn:partition"):
        world.parse_resources('the ARN "arn:aws:connect:us-east-1"')
    with pytest.raises(MalformedArnError, match="not 12 digits"):
        world.parse_resources('the ARN "arn:aws:connect:us-east-1:1234:instance/x"')


def test_raw_arns_take_their_type_from_the_action(world):
    (resource,) = world.parse_resources(
        f'the ARN "arn:aws:connect:us-east-1:111122223333:instance/{INSTANCE_ID}/agent/x"'
    )
    (call,) = world.builder.build(
        world.caller("admin"), "connect:DescribeUser", resources=[resource]
    )
    assert _entries(call.parts[0])["connect:InstanceId"] == ((INSTANCE_ID,), "string")


def test_batches_group_by_context_and_actions(world):
    world.add_resource("Connect user", "a", tags="Department=Test")
    world.add_resource("Connect user", "b", tags="Department=Test")
    world.add_resource("routing profile", "rp", tags="Department=Prod")
    caller = world.caller("admin")
    users = [world.resource("Connect user", "a")]
    calls = world.builder.build(
        caller, "connect:UpdateUser*", resources=users, expansion=Expansion.APPLICABLE
    )
    batches = plan(p for c in calls for p in c.parts)
    assert len(batches) == 1
    assert len(batches[0].actions) == 7
    two = world.builder.build(
        caller,
        "connect:UpdateUserRoutingProfile",
        resources=[world.resource("Connect user", "a"), world.resource("routing profile", "rp")],
    )
    batches = plan(p for c in two for p in c.parts)
    assert len(batches) == 2  # different aws:ResourceTag/Department values
    same = world.builder.build(
        caller, "connect:DescribeUser", resources=[world.resource("Connect user", "b")]
    )
    star = world.builder.build(caller, "connect:DescribeUser", any_resource=True)
    batches = plan(p for c in (*calls, *same, *star) for p in c.parts)
    assert sorted(len(b.resources) for b in batches) == [1, 1, 1]
    assert all("*" not in b.resources or b.resources == ("*",) for b in batches)
