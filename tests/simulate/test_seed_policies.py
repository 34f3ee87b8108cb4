"""The seed page's policies, corrected, through simulate_custom_policy.

Page: "Amazon Connect identity-based policy examples"
(https://docs.aws.amazon.com/connect/latest/adminguide/security_iam_id-based-policy-examples.html).
The published JSON has errors; the copies
under policies/ are corrected (each fix is named beside its policy) and their placeholders are
filled with the values of ``[tool.iamspec]`` in pyproject.toml. Each row of
``DECISIONS`` is a promise the page's prose makes, or the plain consequence of the policy.
"""

from pathlib import Path

import pytest

import iamspec
from iamspec.errors import InvalidInputError
from iamspec.harness.policies import PolicyStore
from iamspec.project.settings import load_settings

REGION = "us-east-1"
ACCOUNT = "111122223333"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
OTHER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/ffffffff-0000-0000-0000-000000000000"
INSTANCE = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{INSTANCE_ID}"
OTHER_INSTANCE = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/99999999-0000-0000-0000-000000000000"
AGENT = f"{INSTANCE}/agent/jdoe"
CAMPAIGN = f"arn:aws:connect-campaigns:{REGION}:{ACCOUNT}:campaign/c-1"


_STORE = PolicyStore(load_settings(Path(__file__).resolve().parents[2]))


def _corrected(name):
    """The project's corrected copy under policies/, filled as the scenarios load it.

    The scenarios run these same files, so this table checks the artefacts users deploy, not
    a second copy of them.
    """
    return _STORE.load(name).text


POLICIES = {
    # "Allow IAM users to view their own permissions": valid as published.
    "view-own-permissions": _corrected("iam/view-own-user-info.json"),
    # 'Grant "View User" permissions': valid as published.
    "view-user": _corrected("connect/view-users.json"),
    # "Allow IAM users to integrate with external applications": fixed the misspelt prefix
    # app-integartions (twice) -> app-integrations.
    "app-integrations-all": _corrected("app-integrations/external-applications.json"),
    # "Describe and update Amazon Connect users based on tags": valid as published.
    "describe-update-by-department": _corrected("connect/describe-update-users-by-department.json"),
    # "Create Amazon Connect users based on tags": valid as published.
    "create-by-request-tag": _corrected("connect/create-users-by-request-tag.json"),
    # "Create and view Amazon AppIntegrations resources": fixed the doubled colon in
    # app-integrations::ListEventIntegrations and the trailing comma after it.
    "app-integrations-create-view": _corrected(
        "app-integrations/create-view-event-integrations.json"
    ),
    # "Create and view Amazon Connect Wisdom Assistants": fixed the trailing comma.
    "wisdom-assistants": _corrected("wisdom/assistants.json"),
    # Outbound campaigns "Onboarding permissions": a fragment without the opening
    # {"Version":..., "Statement": [{ wrapper; added it (and the closing ]}).
    "campaigns-onboarding": _corrected("connect-campaigns/onboarding.json"),
    # "To disable outbound campaigns for an instance": added the missing closing '}'.
    "campaigns-disable": _corrected("connect-campaigns/disable.json"),
    # "Management permissions": a bare statement (added the wrapper), a missing comma after
    # GetCampaignState, and two action names IAM does not have:
    # UpdateOutboundCallConfig -> UpdateCampaignOutboundCallConfig and
    # UpdateDialerConfig -> UpdateCampaignDialerConfig.
    "campaigns-management": _corrected("connect-campaigns/management.json"),
    # "ReadOnly permissions": a bare statement (added the wrapper) with a trailing comma.
    "campaigns-read-only": _corrected("connect-campaigns/read-only.json"),
    # "Tag-based permissions": a bare statement (added the wrapper).
    "campaigns-by-owner-tag": _corrected("connect-campaigns/by-owner-tag.json"),
}

UPDATE_USER_ACTIONS = [
    "connect:UpdateUserHierarchy",
    "connect:UpdateUserHierarchyGroupName",
    "connect:UpdateUserHierarchyStructure",
    "connect:UpdateUserIdentityInfo",
    "connect:UpdateUserNotificationStatus",
    "connect:UpdateUserPhoneConfig",
    "connect:UpdateUserProficiencies",
    "connect:UpdateUserRoutingProfile",
    "connect:UpdateUserSecurityProfiles",
]

ALICE = {"aws:username": "alice"}
TEST = {"aws:ResourceTag/Department": "Test"}
PROD = {"aws:ResourceTag/Department": "Prod"}
OWNER = {"aws:ResourceTag/owner": INSTANCE}

A, D = "allowed", "implicitDeny"

DECISIONS = [
    # policy, action, resource, context, decision
    ("view-own-permissions", "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/alice", ALICE, A),
    (
        "view-own-permissions",
        "iam:ListUserPolicies",
        f"arn:aws:iam::{ACCOUNT}:user/alice",
        ALICE,
        A,
    ),
    ("view-own-permissions", "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/bob", ALICE, D),
    ("view-own-permissions", "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/alice", {}, D),
    ("view-own-permissions", "iam:ListUsers", "*", {}, A),
    ("view-own-permissions", "iam:GetPolicy", f"arn:aws:iam::{ACCOUNT}:policy/p", {}, A),
    ("view-own-permissions", "iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/alice", ALICE, D),
    ("view-user", "connect:DescribeUser", AGENT, {}, A),
    ("view-user", "connect:ListUsers", INSTANCE, {}, A),
    ("view-user", "connect:DeleteUser", AGENT, {}, D),
    *[
        ("app-integrations-all", f"app-integrations:{name}", "*", {}, A)
        for name in (
            "ListEventIntegrations",
            "CreateEventIntegration",
            "GetEventIntegration",
            "UpdateEventIntegration",
            "DeleteEventIntegration",
            "ListDataIntegrations",
            "CreateDataIntegration",
            "GetDataIntegration",
            "UpdateDataIntegration",
            "DeleteDataIntegration",
        )
    ],
    # "allows ... only for those Amazon Connect users tagged with ... Department: Test"
    ("describe-update-by-department", "connect:DescribeUser", AGENT, TEST, A),
    *[("describe-update-by-department", a, AGENT, TEST, A) for a in UPDATE_USER_ACTIONS],
    ("describe-update-by-department", "connect:DescribeUser", AGENT, PROD, D),
    ("describe-update-by-department", "connect:UpdateUserHierarchy", AGENT, PROD, D),
    ("describe-update-by-department", "connect:DescribeUser", AGENT, {}, D),
    ("describe-update-by-department", "connect:DeleteUser", AGENT, TEST, D),
    # "the tag Owner: TeamA must be present in the requests"
    ("create-by-request-tag", "connect:CreateUser", AGENT, {"aws:RequestTag/Owner": "TeamA"}, A),
    ("create-by-request-tag", "connect:TagResource", AGENT, {"aws:RequestTag/Owner": "TeamA"}, A),
    ("create-by-request-tag", "connect:CreateUser", AGENT, {"aws:RequestTag/Owner": "TeamB"}, D),
    ("create-by-request-tag", "connect:CreateUser", AGENT, {}, D),
    ("create-by-request-tag", "connect:DeleteUser", AGENT, {"aws:RequestTag/Owner": "TeamA"}, D),
    # "allows event integrations to be created, listed, and fetched"
    ("app-integrations-create-view", "app-integrations:CreateEventIntegration", "*", {}, A),
    ("app-integrations-create-view", "app-integrations:GetEventIntegration", "*", {}, A),
    ("app-integrations-create-view", "app-integrations:ListEventIntegrations", "*", {}, A),
    ("app-integrations-create-view", "app-integrations:DeleteEventIntegration", "*", {}, D),
    # "allows Wisdom assistants to be created, listed, fetched, and deleted"
    *[
        ("wisdom-assistants", f"wisdom:{name}", "*", {}, A)
        for name in ("CreateAssistant", "GetAssistant", "ListAssistants", "DeleteAssistant")
    ],
    ("wisdom-assistants", "wisdom:CreateKnowledgeBase", "*", {}, D),
    # onboarding: the key and the instance it names, and the service-wide actions
    ("campaigns-onboarding", "kms:DescribeKey", KEY, {}, A),
    ("campaigns-onboarding", "kms:CreateGrant", KEY, {}, A),
    ("campaigns-onboarding", "kms:CreateGrant", OTHER_KEY, {}, D),
    ("campaigns-onboarding", "connect:DescribeInstance", INSTANCE, {}, A),
    ("campaigns-onboarding", "connect:DescribeInstance", OTHER_INSTANCE, {}, D),
    ("campaigns-onboarding", "connect-campaigns:StartInstanceOnboardingJob", "*", {}, A),
    ("campaigns-onboarding", "connect:UpdateInstanceAttribute", INSTANCE, {}, A),
    ("campaigns-onboarding", "iam:CreateServiceLinkedRole", "*", {}, A),
    ("campaigns-onboarding", "kms:RetireGrant", KEY, {}, D),
    # disabling
    ("campaigns-disable", "kms:RetireGrant", KEY, {}, A),
    ("campaigns-disable", "kms:DescribeKey", OTHER_KEY, {}, D),
    ("campaigns-disable", "connect-campaigns:DeleteConnectInstanceConfig", "*", {}, A),
    ("campaigns-disable", "events:DeleteRule", "*", {}, A),
    ("campaigns-disable", "kms:CreateGrant", KEY, {}, D),
    # "allows all read and write operations on outbound campaigns" (the listed ones)
    ("campaigns-management", "connect-campaigns:UpdateCampaignOutboundCallConfig", CAMPAIGN, {}, A),
    ("campaigns-management", "connect-campaigns:UpdateCampaignDialerConfig", CAMPAIGN, {}, A),
    ("campaigns-management", "connect-campaigns:GetCampaignState", CAMPAIGN, {}, A),
    ("campaigns-management", "connect-campaigns:ListCampaigns", "*", {}, A),
    ("campaigns-management", "connect-campaigns:StartCampaign", CAMPAIGN, {}, D),
    # "allows read-only access to the campaigns"
    ("campaigns-read-only", "connect-campaigns:DescribeCampaign", CAMPAIGN, {}, A),
    ("campaigns-read-only", "connect-campaigns:GetCampaignStateBatch", CAMPAIGN, {}, A),
    ("campaigns-read-only", "connect-campaigns:ListCampaigns", "*", {}, A),
    ("campaigns-read-only", "connect-campaigns:DeleteCampaign", CAMPAIGN, {}, D),
    # "restricts access to the campaigns integrated with a particular ... instance using tags"
    ("campaigns-by-owner-tag", "connect-campaigns:DescribeCampaign", CAMPAIGN, OWNER, A),
    ("campaigns-by-owner-tag", "connect-campaigns:GetCampaignState", CAMPAIGN, OWNER, A),
    (
        "campaigns-by-owner-tag",
        "connect-campaigns:DescribeCampaign",
        CAMPAIGN,
        {"aws:ResourceTag/owner": OTHER_INSTANCE},
        D,
    ),
    ("campaigns-by-owner-tag", "connect-campaigns:DescribeCampaign", CAMPAIGN, {}, D),
    # The note: ListCampaigns and GetCampaignStateBatch "cannot be restricted by Tag", so a
    # tag-conditioned policy that does not list them grants neither, whatever the tag.
    ("campaigns-by-owner-tag", "connect-campaigns:ListCampaigns", "*", OWNER, D),
    ("campaigns-by-owner-tag", "connect-campaigns:GetCampaignStateBatch", CAMPAIGN, OWNER, D),
]


def _entries(context):
    return [
        {"ContextKeyName": k, "ContextKeyValues": [v], "ContextKeyType": "string"}
        for k, v in context.items()
    ]


@pytest.mark.parametrize(
    ("policy", "action", "resource", "context", "decision"),
    [pytest.param(*row, id=f"{row[0]}:{row[1]}:{row[4]}") for row in DECISIONS],
)
def test_seed_policy_decision(policy, action, resource, context, decision):
    response = iamspec.simulate_custom_policy(
        PolicyInputList=[POLICIES[policy]],
        ActionNames=[action],
        ResourceArns=[resource],
        ContextEntries=_entries(context),
    )
    (result,) = response["EvaluationResults"]
    assert result["EvalDecision"] == decision
    if decision == "allowed":
        assert [s["SourcePolicyId"] for s in result["MatchedStatements"]] == ["PolicyInputList.1"]
    else:
        assert result["MatchedStatements"] == []


def test_every_seed_policy_is_covered():
    assert {row[0] for row in DECISIONS} == set(POLICIES)


def test_all_update_user_actions_in_one_call():
    # connect:UpdateUser* is a wildcard over nine real actions, not one action.
    response = iamspec.simulate_custom_policy(
        PolicyInputList=[POLICIES["describe-update-by-department"]],
        ActionNames=UPDATE_USER_ACTIONS,
        ResourceArns=[AGENT],
        ContextEntries=_entries(TEST),
    )
    assert [r["EvalDecision"] for r in response["EvaluationResults"]] == ["allowed"] * 9


# -- why the corrections matter: the published text ------------------------------------------

VERBATIM_APP_INTEGRATIONS = (
    '{ "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAllAppIntegrationsActions", '
    '"Effect": "Allow", "Action": [ "app-integrations:ListEventIntegrations", '
    '"app-integartions:DeleteEventIntegration" ], "Resource": "*" } ] }'
)


def test_verbatim_misspelt_prefix_grants_nothing():
    # The typo parses, but the pattern names no real action: the Delete is silently denied.
    response = iamspec.simulate_custom_policy(
        PolicyInputList=[VERBATIM_APP_INTEGRATIONS],
        ActionNames=[
            "app-integrations:ListEventIntegrations",
            "app-integrations:DeleteEventIntegration",
        ],
    )
    assert [r["EvalDecision"] for r in response["EvaluationResults"]] == ["allowed", "implicitDeny"]


@pytest.mark.parametrize(
    ("action", "suggestion"),
    [
        (
            "connect-campaigns:UpdateOutboundCallConfig",
            "connect-campaigns:UpdateCampaignOutboundCallConfig",
        ),
        ("connect-campaigns:UpdateDialerConfig", "connect-campaigns:UpdateCampaignDialerConfig"),
        ("app-integartions:DeleteEventIntegration", "app-integrations"),
        ("app-integrations::ListEventIntegrations", "app-integrations:ListEventIntegrations"),
    ],
)
def test_verbatim_action_names_are_refused_with_the_correction(action, suggestion):
    with pytest.raises(InvalidInputError, match="did you mean") as caught:
        iamspec.simulate_custom_policy(
            PolicyInputList=[POLICIES["campaigns-management"]], ActionNames=[action]
        )
    assert suggestion in caught.value.message


MISSING_COMMA = (
    '{ "Sid": "AllowConnectCampaignsOperations", "Effect": "Allow", "Action": [ '
    '"connect-campaigns:CreateCampaign", "connect-campaigns:DeleteCampaign", '
    '"connect-campaigns:GetCampaignState" "connect-campaigns:PauseCampaign" ], '
    '"Resource": "*" }'
)
TRAILING_COMMA = (
    '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": [ '
    '"wisdom:CreateAssistant", "wisdom:DeleteAssistant", ], "Resource": "*" } ] }'
)


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        # management permissions: the missing comma after GetCampaignState, reported at the
        # string that should have been preceded by one
        (
            MISSING_COMMA,
            MISSING_COMMA.index('"connect-campaigns:PauseCampaign"') + 1,
            "missing comma between array elements",
        ),
        # Wisdom: the trailing comma, reported at the comma
        (TRAILING_COMMA, TRAILING_COMMA.index(", ]") + 1, "trailing comma before ']'"),
    ],
)
def test_verbatim_json_errors_are_invalid_input_with_their_position(text, column, reason):
    with pytest.raises(InvalidInputError) as caught:
        iamspec.simulate_custom_policy(PolicyInputList=[text], ActionNames=["wisdom:GetAssistant"])
    assert caught.value.message == f"PolicyInputList.1:1:{column}: {reason}"
