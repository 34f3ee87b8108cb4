"""The scenario world: ARNs from the catalog's templates, names, tags, instances, owners."""

from __future__ import annotations

import re

import pytest

from iamspec.catalog import default_catalog
from iamspec.harness.errors import ScenarioInputError, UnknownNameError
from iamspec.harness.phrases import parse_context, parse_tags
from iamspec.project.errors import PlaceholderError
from iamspec.resource_kinds import RESOURCE_KINDS
from tests.harness.kit import INSTANCE_ID, make_world

ACCOUNT = "111122223333"


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path)


@pytest.mark.parametrize("kind", RESOURCE_KINDS, ids=lambda k: k.phrase)
def test_every_kind_has_a_template_with_one_own_variable(kind):
    catalog = default_catalog()
    rt = catalog.resource_type(kind.service, kind.resource_type)
    variables = set(re.findall(r"\$\{([^}]*)\}", rt.arn_templates[0]))
    shared = {"Partition", "Region", "Account"}
    if kind.resource_type != "instance":
        shared.add("InstanceId")
    assert len(variables - shared) == 1
    assert ("InstanceId" in variables) is (kind.in_instance or kind.resource_type == "instance")


@pytest.mark.parametrize(
    ("kind", "name", "kwargs", "arn"),
    [
        (
            "Connect instance",
            "main",
            {},
            f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE_ID}",
        ),
        (
            "Connect user",
            "jdoe",
            {},
            f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE_ID}/agent/jdoe",
        ),
        (
            "routing profile",
            "rp",
            {},
            f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE_ID}/routing-profile/rp",
        ),
        (
            "hierarchy group",
            "g",
            {},
            f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE_ID}/agent-group/g",
        ),
        ("outbound campaign", "c", {}, f"arn:aws:connect-campaigns:us-east-1:{ACCOUNT}:campaign/c"),
        (
            "event integration",
            "e",
            {},
            f"arn:aws:app-integrations:us-east-1:{ACCOUNT}:event-integration/e",
        ),
        (
            "data integration",
            "d",
            {},
            f"arn:aws:app-integrations:us-east-1:{ACCOUNT}:data-integration/d",
        ),
        ("Wisdom assistant", "a", {}, f"arn:aws:wisdom:us-east-1:{ACCOUNT}:assistant/a"),
        (
            "KMS key",
            "k",
            {"resource_id": "{{key-id}}"},
            f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
    ],
)
def test_arns(world, kind, name, kwargs, arn):
    resource = (
        world.add_resource(kind, name, **kwargs)
        if kind != "Connect instance"
        else world.resource(kind, name)
    )
    assert resource.arn == arn


def test_principals_are_resources_too(world):
    world.add_principal("IAM user", "alice", tags="Team=A")
    resource = world.resource("IAM user", "alice")
    assert resource.arn == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert resource.tags == (("Team", "A"),)
    with pytest.raises(ScenarioInputError, match="not an IAM role"):
        world.resource("IAM role", "alice")


def test_unknown_names_suggest(world):
    world.add_principal("IAM user", "test-admin")
    with pytest.raises(UnknownNameError, match="did you mean 'test-admin'"):
        world.principal("tset-admin")
    world.add_resource("Connect user", "jdoe")
    with pytest.raises(UnknownNameError, match="did you mean 'jdoe'"):
        world.resource("Connect user", "jdo")
    with pytest.raises(UnknownNameError, match="did you mean 'Connect user'"):
        world.resource("Conect user", "jdoe")
    with pytest.raises(UnknownNameError, match="Connect instance 'backup'") as info:
        world.resource("Connect instance", "backup")
    assert "Given the Connect instance" in "\n".join(info.value.__notes__)


def test_instances(world):
    other = world.add_resource("Connect instance", "other", tags="Department=Test")
    assert other.arn.endswith(":instance/other")
    user = world.add_resource("Connect user", "u", instance="other")
    assert user.instance_id == "other"
    assert user.arn.endswith(":instance/other/agent/u")
    with pytest.raises(ScenarioInputError, match="does not belong to a Connect instance"):
        world.add_resource("KMS key", "k", instance="other")


def test_campaign_owner_tag(world):
    campaign = world.add_resource("outbound campaign", "c", owner="main", tags="Team=A")
    assert dict(campaign.tags) == {
        "owner": f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE_ID}",
        "Team": "A",
    }
    assert campaign.implicit_tag_keys == {"owner"}
    with pytest.raises(ScenarioInputError, match="only outbound campaigns"):
        world.add_resource("Connect user", "u", owner="main")
    with pytest.raises(ScenarioInputError, match="owner tag is set by"):
        world.add_resource("outbound campaign", "d", owner="main", tags="owner=x")


def test_declarations_are_checked(world):
    world.add_principal("IAM group", "g")
    world.add_principal("IAM user", "u")
    with pytest.raises(ScenarioInputError, match="already declared"):
        world.add_principal("IAM role", "u")
    with pytest.raises(ScenarioInputError, match="not a valid IAM user name"):
        world.add_principal("IAM user", "has space")
    with pytest.raises(ScenarioInputError, match="group tags are not principal tags"):
        world.tag_principal("g", "A=B")
    with pytest.raises(ScenarioInputError, match="groups have no permissions boundary"):
        world.set_boundary("g", "allow-all.json")
    with pytest.raises(ScenarioInputError, match="only users join groups"):
        world.add_to_group("g", "g")
    world.set_boundary("u", "allow-all.json")
    with pytest.raises(ScenarioInputError, match="IAM allows one"):
        world.set_boundary("u", "allow-all.json")
    world.add_resource("Connect user", "x")
    with pytest.raises(ScenarioInputError, match="already declared"):
        world.add_resource("Connect user", "x")
    with pytest.raises(ScenarioInputError, match="cannot be the id"):
        world.add_resource("KMS key", "bad", resource_id="a/b")


def test_step_arguments_take_placeholders(world):
    assert world.fill("{{account_id}}") == ACCOUNT
    with pytest.raises(PlaceholderError, match="unknown placeholder"):
        world.fill("{{acount_id}}")


def test_caller_snapshot_includes_groups(world):
    world.add_principal("IAM group", "g", ["department.json"])
    world.add_principal("IAM user", "u", ["allow-all.json"])
    world.add_to_group("u", "g")
    caller = world.caller("u")
    assert [p.name for p, via in caller.identity_policies()] == [
        "allow-all.json",
        "department.json",
    ]
    assert [via for _, via in caller.identity_policies()] == [None, "g"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("Department=Test", {"Department": "Test"}),
        (" A = 1 , B=2 ", {"A": "1", "B": "2"}),
        (
            "owner=arn:aws:connect:us-east-1:1:instance/x",
            {"owner": "arn:aws:connect:us-east-1:1:instance/x"},
        ),
        ("Empty=", {"Empty": ""}),
    ],
)
def test_parse_tags(text, expected):
    assert parse_tags(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("A", "no '='"), ("=x", "empty key"), ("A=1, A=2", "twice"), ("A=1;x", "not allow")],
)
def test_parse_tags_errors(text, message):
    with pytest.raises(ScenarioInputError, match=message):
        parse_tags(text)


def test_parse_context():
    assert parse_context("aws:SourceIp=1.2.3.4, aws:CalledVia=a, aws:CalledVia=b") == (
        ("aws:SourceIp", "1.2.3.4"),
        ("aws:CalledVia", "a"),
        ("aws:CalledVia", "b"),
    )
    with pytest.raises(ScenarioInputError):
        parse_context("aws:SourceIp")
