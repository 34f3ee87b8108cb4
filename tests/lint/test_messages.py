"""What the checks say and where: suggestions, severities that depend on the statement,
and the cases each check must leave alone."""

from __future__ import annotations

import pytest

from iamspec.lint import Finding, Severity, lint_text
from tests.lint.kit import policy, stmt

INSTANCE = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"


def _only(text: str, code: str, **kwargs: object) -> list[Finding]:
    return [f for f in lint_text(text, "p.json", **kwargs) if f.code == code]  # type: ignore[arg-type]


def _tagged(action: str | list[str], operator: str = "StringEquals", effect: str = "Allow") -> str:
    condition = {operator: {"aws:ResourceTag/owner": "team-a"}}
    return policy(stmt(action, "*", effect, Condition=condition))


# -- actions ---------------------------------------------------------------------------------


def test_unknown_service_suggests_the_corrected_action() -> None:
    [finding] = _only(policy(stmt("app-integartions:DeleteEventIntegration")), "unknown-service")
    assert "did you mean 'app-integrations:DeleteEventIntegration'?" in finding.message


def test_unknown_action_that_prefixes_real_ones_suggests_the_wildcard() -> None:
    [finding] = _only(policy(stmt("connect:UpdateUser")), "unknown-action")
    assert "did you mean the wildcard 'connect:UpdateUser*'?" in finding.message
    assert "'connect:UpdateUserHierarchy'" in finding.message


def test_malformed_action_points_at_the_second_colon() -> None:
    text = policy(stmt("app-integrations::ListEventIntegrations"))
    [finding] = _only(text, "malformed-action")
    line = text.splitlines()[finding.line - 1]
    assert line[finding.column - 1 :].startswith(":ListEventIntegrations")


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("connectDescribeUser", "no ':'"),
        (":DescribeUser", "service prefix before ':' is empty"),
        ("connect:", "action name after ':' is empty"),
        ("connect: DescribeUser", "blanks"),
        ("connect:Describe:User", "2 colons"),
    ],
)
def test_malformed_action_reasons(action: str, reason: str) -> None:
    [finding] = _only(policy(stmt(action)), "malformed-action")
    assert reason in finding.message


def test_renamed_action_names_the_inserted_word() -> None:
    [finding] = _only(policy(stmt("connect-campaigns:UpdateOutboundCallConfig")), "renamed-action")
    assert "'connect-campaigns:UpdateCampaignOutboundCallConfig'" in finding.message
    assert "'Campaign' inserted" in finding.message


def test_a_name_extended_only_at_the_end_is_not_a_rename() -> None:
    """UpdateUser -> UpdateUserHierarchy adds words at the end: a wildcard, not a rename."""
    assert _only(policy(stmt("connect:UpdateUser")), "renamed-action") == []


# -- conditions ------------------------------------------------------------------------------


def test_untaggable_action_in_an_allow_is_a_warning() -> None:
    [finding] = _only(_tagged("connect-campaigns:ListCampaigns"), "condition-key-not-supported")
    assert finding.severity is Severity.WARNING
    assert "never applies" in finding.message


def test_untaggable_action_in_a_deny_is_a_security_warning() -> None:
    text = _tagged("connect-campaigns:ListCampaigns", effect="Deny")
    [finding] = _only(text, "condition-key-not-supported")
    assert finding.severity is Severity.SECURITY_WARNING
    assert "never denies" in finding.message


def test_ifexists_on_an_untaggable_action_grants_it_unrestricted() -> None:
    text = _tagged("connect-campaigns:ListCampaigns", operator="StringEqualsIfExists")
    [finding] = _only(text, "condition-key-not-supported")
    assert finding.severity is Severity.SECURITY_WARNING
    assert "unrestricted" in finding.message


def test_get_campaign_state_batch_follows_the_connect_page_note() -> None:
    """The examples page says it "cannot be restricted by Tag" (docs/iam-semantics.md §7, §8)."""
    [finding] = _only(
        _tagged("connect-campaigns:GetCampaignStateBatch"), "condition-key-not-supported"
    )
    assert "GetCampaignStateBatch" in finding.message


def test_a_wildcard_names_the_actions_that_lack_the_key() -> None:
    [finding] = _only(_tagged("connect-campaigns:List*"), "condition-key-not-supported")
    assert "connect-campaigns:ListCampaigns" in finding.message
    assert "of the" in finding.message


def test_one_finding_per_action_that_lacks_the_key() -> None:
    text = _tagged(
        [
            "connect-campaigns:DescribeCampaign",
            "connect-campaigns:ListCampaigns",
            "connect-campaigns:GetCampaignStateBatch",
        ]
    )
    findings = _only(text, "condition-key-not-supported")
    assert [f.message.split()[0] for f in findings] == [
        "connect-campaigns:ListCampaigns",
        "connect-campaigns:GetCampaignStateBatch",
    ]


def test_global_keys_are_supported_by_every_action() -> None:
    condition = {"StringEquals": {"aws:PrincipalTag/team": "a"}}
    text = policy(stmt("connect-campaigns:ListCampaigns", Condition=condition))
    assert _only(text, "condition-key-not-supported") == []


def test_null_tests_presence_and_is_left_alone() -> None:
    condition = {"Null": {"aws:ResourceTag/owner": "true"}}
    text = policy(stmt("connect-campaigns:ListCampaigns", Condition=condition))
    assert _only(text, "condition-key-not-supported") == []


@pytest.mark.parametrize(
    ("operator", "key", "value", "says"),
    [
        ("DateGreaterThan", "aws:CurrentTime", "31/12/2024", "is not a date"),
        ("IpAddress", "aws:SourceIp", "10.0.0.300/8", "is not an IPv4 or IPv6"),
        ("NumericLessThan", "aws:MultiFactorAuthAge", "an hour", "is not a number"),
        ("Null", "aws:TokenIssueTime", "yes", "is not true or false"),
        ("NumericLessThan", "aws:MultiFactorAuthAge", "${aws:username}", "not supported"),
    ],
)
def test_bad_condition_values(operator: str, key: str, value: str, says: str) -> None:
    text = policy(stmt(Condition={operator: {key: value}}))
    [finding] = _only(text, "bad-condition-value")
    assert says in finding.message


def test_bad_condition_value_points_at_the_value_in_a_list() -> None:
    text = policy(stmt(Condition={"Bool": {"aws:SecureTransport": ["true", "yes"]}}))
    [finding] = _only(text, "bad-condition-value")
    line = text.splitlines()[finding.line - 1]
    assert line[finding.column - 1 :].startswith('"yes"')


def test_policy_variable_constants_are_not_wildcards() -> None:
    text = policy(stmt(Condition={"StringEquals": {"aws:ResourceTag/x": "a${*}b"}}))
    assert _only(text, "wildcard-without-like") == []


def test_unknown_condition_key_suggests_the_known_one() -> None:
    text = policy(stmt(Condition={"StringEquals": {"aws:ResourceTags/Department": "Test"}}))
    [finding] = _only(text, "unknown-condition-key")
    assert "did you mean 'aws:ResourceTag/Department'?" in finding.message


def test_case_of_an_operator_is_named() -> None:
    text = policy(stmt(Condition={"stringEquals": {"aws:ResourceTag/x": "a"}}))
    [finding] = _only(text, "unknown-operator")
    assert "did you mean 'StringEquals'? (operator names are case-sensitive)" in finding.message


def test_null_if_exists_is_explained() -> None:
    text = policy(stmt(Condition={"NullIfExists": {"aws:ResourceTag/x": "true"}}))
    [finding] = _only(text, "unknown-operator")
    assert "Null takes no IfExists" in finding.message


# -- resources -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [
        "*",
        "arn:aws:connect:*:*:*",
        "arn:aws:connect:*:*:instance/*",
        "arn:aws:connect:us-east-1:111122223333:instance/*/agent/*",
        "arn:aws:connect:{{region}}:{{account_id}}:instance/{{connect_instances.main}}/agent/*",
        "arn:aws:connect:us-east-1:111122223333:instance/abc/agent/${aws:userid}",
        "arn:*",
    ],
)
def test_patterns_that_may_name_a_user_are_accepted(resource: str) -> None:
    text = policy(stmt("connect:DescribeUser", resource))
    assert _only(text, "resource-matches-no-type", placeholders=()) == []


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:kms:us-east-1:111122223333:key/abc",
        "arn:aws:connect:us-east-1:111122223333:instance/abc/user/def",
        "arn:aws:connect:us-east-1:111122223333:instance/abc",
    ],
)
def test_arns_that_cannot_name_a_user_are_reported(resource: str) -> None:
    text = policy(stmt("connect:DescribeUser", resource))
    [finding] = _only(text, "resource-matches-no-type")
    assert "connect:DescribeUser: user" in finding.message


def test_a_resource_of_one_of_several_actions_is_fine() -> None:
    text = policy(stmt(["connect:DescribeUser", "connect:DescribeInstance"], INSTANCE))
    assert _only(text, "resource-matches-no-type") == []


def test_notaction_statements_are_not_type_checked() -> None:
    text = policy(stmt(None, "arn:aws:kms:us-east-1:111122223333:key/abc", NotAction="connect:*"))
    assert _only(text, "resource-matches-no-type") == []


def test_star_resource_required_ignores_wildcards() -> None:
    text = policy(stmt("connect:List*", INSTANCE))
    assert _only(text, "star-resource-required") == []


# -- placeholders ----------------------------------------------------------------------------


def test_placeholder_the_caller_does_not_fill_gets_a_suggestion() -> None:
    text = policy(
        stmt("connect:DescribeInstance", "arn:aws:connect:{{regoin}}:111122223333:instance/x")
    )
    [finding] = _only(text, "unfilled-placeholder", placeholders={"region"})
    assert "did you mean {{region}}?" in finding.message


def test_malformed_and_unclosed_placeholders() -> None:
    assert (
        "malformed placeholder"
        in _only(policy(stmt(resource="{{ a b }}")), "unfilled-placeholder")[0].message
    )
    assert (
        "without its closing"
        in _only(policy(stmt(resource="{{abc")), "unfilled-placeholder")[0].message
    )


def test_arn_format_variables_copied_from_the_reference() -> None:
    arn = "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}"
    [finding] = _only(policy(stmt("connect:DescribeInstance", arn)), "unfilled-placeholder")
    assert "${Region} (an ARN-format variable" in finding.message


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::*:user/${aws:username}",
        "arn:aws:s3:::my-bucket/*",
        INSTANCE,
        "arn:aws-us-gov:connect:us-gov-west-1:111122223333:instance/abc",
    ],
)
def test_real_arns_hold_no_placeholder(arn: str) -> None:
    assert _only(policy(stmt("*", arn)), "unfilled-placeholder") == []


def test_missing_version_is_not_reported_for_a_fragment() -> None:
    import json

    assert _only(json.dumps(stmt()), "missing-version") == []
