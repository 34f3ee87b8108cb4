"""Parsing IAM policy text into the model: grammar errors, positions and values.

Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
Statement positions: AWS CLI examples for simulate-custom-policy / simulate-principal-policy
(https://github.com/aws/aws-cli/tree/develop/awscli/examples/iam), see docs/iam-semantics.md 1.3.
"""

from __future__ import annotations

import pytest

from iamspec.errors import PolicyParseError
from iamspec.policy.model import Effect, Located, Position
from iamspec.policy.operators import (
    is_known_operator,
    split_operator,
    suggest_operator,
)
from iamspec.policy.parser import PolicyKind, parse_policy

# Verbatim examples from "Amazon Connect identity-based policy examples"
# (https://docs.aws.amazon.com/connect/latest/adminguide/security_iam_id-based-policy-examples.html),
# whitespace collapsed as the page renders them. Each one carries a real defect.
SEED_81 = (
    '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": [ '
    '"wisdom:CreateAssistant", "wisdom:GetAssistant", "wisdom:ListAssistants", '
    '"wisdom:DeleteAssistant", ], "Resource": "*" } ] }'
)
SEED_95 = (
    '{ "Sid": "AllowConnectCampaignsOperations", "Effect": "Allow", "Action": [ '
    '"connect-campaigns:CreateCampaign", "connect-campaigns:DeleteCampaign", '
    '"connect-campaigns:DescribeCampaign", "connect-campaigns:UpdateCampaignName", '
    '"connect-campaigns:GetCampaignState" "connect-campaigns:UpdateOutboundCallConfig",'
    ' "connect-campaigns:UpdateDialerConfig", "connect-campaigns:PauseCampaign", '
    '"connect-campaigns:ResumeCampaign", "connect-campaigns:StopCampaign", '
    '"connect-campaigns:GetCampaignStateBatch", "connect-campaigns:ListCampaigns" ], '
    '"Resource": "*" }'
)
SEED_99 = (
    '{ "Sid": "AllowConnectCampaignsReadOnlyOperations", "Effect": "Allow", "Action": ['
    ' "connect-campaigns:DescribeCampaign", "connect-campaigns:GetCampaignState", '
    '"connect-campaigns:GetCampaignStateBatch", "connect-campaigns:ListCampaigns" ], '
    '"Resource": "*", }'
)
SEED_87 = (
    '"Sid": "VisualEditor0", "Effect": "Allow", "Action": [ "kms:DescribeKey", '
    '"kms:CreateGrant" ], "Resource": [ "arn:aws:kms:region:account-id:key/key-id" ] },'
    ' { "Sid": "VisualEditor1", "Effect": "Allow", "Action": [ '
    '"connect:DescribeInstance" ], "Resource": [ '
    '"arn:aws:connect:region:account-id:instance/instance-id" ] }, { "Sid": '
    '"VisualEditor2", "Effect": "Allow", "Action": [ "events:PutTargets", '
    '"events:PutRule", "iam:CreateServiceLinkedRole", "iam:AttachRolePolicy", '
    '"iam:PutRolePolicy", "ds:DescribeDirectories", '
    '"connect-campaigns:StartInstanceOnboardingJob", '
    '"connect-campaigns:GetConnectInstanceConfig", '
    '"connect-campaigns:GetInstanceOnboardingJobStatus", '
    '"connect-campaigns:DeleteInstanceOnboardingJob", '
    '"connect:DescribeInstanceAttribute", "connect:UpdateInstanceAttribute", '
    '"connect:ListInstances", "kms:ListAliases" ], "Resource": "*" }'
)
SEED_103 = (
    '{ "Sid": "AllowConnectCampaignsOperations", "Effect": "Allow", "Action": [ '
    '"connect-campaigns:DescribeCampaign", "connect-campaigns:GetCampaignState" ], '
    '"Resource": "*", "Condition": { "StringEquals": { "aws:ResourceTag/owner": '
    '"arn:aws:connect:region:customer_account_id:instance/connect_instance_id" } } }'
)
SEED_91 = (
    '{ "Version": "2012-10-17", "Statement": [ { "Sid": "VisualEditor0", "Effect": '
    '"Allow", "Action": [ "kms:DescribeKey", "kms:RetireGrant" ], "Resource": [ '
    '"arn:aws:kms:region:account-id:key/key-id" ] }, { "Sid": "VisualEditor1", '
    '"Effect": "Allow", "Action": [ "events:DeleteRule", "events:RemoveTargets", '
    '"events:DescribeRule", "iam:DeleteRolePolicy", "events:ListTargetsByRule", '
    '"iam:DeleteServiceLinkedRole", "connect-campaigns:DeleteConnectInstanceConfig" ], '
    '"Resource": "*" } ]'
)
SEED_29 = (
    '{ "Version": "2012-10-17", "Statement": [ { "Sid": "ViewOwnUserInfo", "Effect": '
    '"Allow", "Action": [ "iam:GetUserPolicy", "iam:ListGroupsForUser", '
    '"iam:ListAttachedUserPolicies", "iam:ListUserPolicies", "iam:GetUser" ], '
    '"Resource": ["arn:aws:iam::*:user/${aws:username}"] }, { "Sid": '
    '"NavigateInConsole", "Effect": "Allow", "Action": [ "iam:GetGroupPolicy", '
    '"iam:GetPolicyVersion", "iam:GetPolicy", "iam:ListAttachedGroupPolicies", '
    '"iam:ListGroupPolicies", "iam:ListPolicyVersions", "iam:ListPolicies", '
    '"iam:ListUsers" ], "Resource": "*" } ] }'
)


def char_at(text: str, line: int, column: int) -> str:
    """The character at a 1-based position (LF line ends), '' past the end of the text."""
    row = text.split("\n")[line - 1]
    return row[column - 1] if column <= len(row) else ""


def parse_error(text: str, kind: PolicyKind = PolicyKind.IDENTITY) -> PolicyParseError:
    with pytest.raises(PolicyParseError) as info:
        parse_policy(text, "policy.json", kind=kind)
    return info.value


def wrap(statement: str, version: str = '"Version":"2012-10-17",') -> str:
    """A compact policy around one statement's JSON text."""
    return "{" + version + '"Statement":[' + statement + "]}"


ALLOW = '"Effect":"Allow","Action":"s3:GetObject","Resource":"*"'


@pytest.mark.parametrize(
    ("text", "line", "column", "at", "fragment"),
    [
        pytest.param(SEED_81, 1, 174, ",", "trailing comma before ']'", id="wisdom-trailing-comma"),
        pytest.param(
            SEED_95,
            1,
            263,
            '"',
            "missing comma between array elements",
            id="campaigns-missing-comma",
        ),
        pytest.param(
            SEED_99, 1, 255, ",", "trailing comma before '}'", id="resource-trailing-comma"
        ),
        pytest.param(
            SEED_87,
            1,
            1,
            '"',
            'statement fragment without the {"Version"',
            id="fragment-without-wrapper",
        ),
        pytest.param(
            SEED_103,
            1,
            1,
            "{",
            "policy has no Statement element (is this a statement fragment",
            id="bare-statement-object",
        ),
        pytest.param(
            SEED_91,
            1,
            480,
            "",
            "unexpected end of input",
            id="missing-final-brace",
        ),
    ],
)
def test_published_examples_fail_at_their_defect(
    text: str, line: int, column: int, at: str, fragment: str
) -> None:
    """The defects of the Connect examples page, each reported where an editor would fix it."""
    err = parse_error(text)
    assert (err.line, err.column) == (line, column), err.reason
    assert char_at(text, line, column) == at
    assert fragment in err.reason


def test_missing_final_brace_names_the_unclosed_object() -> None:
    err = parse_error(SEED_91)
    assert "object opened with '{' at line 1, column 1 is never closed" in err.reason


@pytest.mark.parametrize(
    ("text", "kind", "at", "fragment"),
    [
        # --- document shape (reference_policies_grammar.html) ---
        pytest.param(
            "[" + "{" + ALLOW + "}]",
            PolicyKind.IDENTITY,
            "[",
            "policy must be a JSON object, found an array (is this a list of statements",
            id="top-level-array",
        ),
        pytest.param('"x"', PolicyKind.IDENTITY, '"', "found a string", id="top-level-string"),
        pytest.param(
            '"Foo": 1, "Bar": 2}',
            PolicyKind.IDENTITY,
            '"',
            "starts with the member name 'Foo'",
            id="fragment-other-key",
        ),
        pytest.param(
            '{"Version":"2012-10-17"}',
            PolicyKind.IDENTITY,
            "{",
            "policy has no Statement element",
            id="no-statement",
        ),
        pytest.param(
            '{"Version":"2012-10-17","Statements":[{' + ALLOW + "}]}",
            PolicyKind.IDENTITY,
            '"',
            "unknown element 'Statements' in the policy; did you mean 'Statement'?",
            id="unknown-top-level",
        ),
        pytest.param(
            wrap("{" + ALLOW + "}", '"Version":"2012-10-17","Version":"2012-10-17",'),
            PolicyKind.IDENTITY,
            '"',
            "duplicate element 'Version' in the policy",
            id="duplicate-version",
        ),
        pytest.param(
            wrap("{" + ALLOW + "}", '"Version":"2012-10-18",'),
            PolicyKind.IDENTITY,
            '"',
            'Version must be "2012-10-17" or "2008-10-17", found \'2012-10-18\'',
            id="bad-version",
        ),
        pytest.param(
            wrap("{" + ALLOW + "}", '"Version":20121017,'),
            PolicyKind.IDENTITY,
            "2",
            "found a number",
            id="numeric-version",
        ),
        pytest.param(
            wrap("{" + ALLOW + "}", '"Id":7,'),
            PolicyKind.IDENTITY,
            "7",
            "Id must be a string",
            id="numeric-id",
        ),
        pytest.param(
            '{"Statement":[]}',
            PolicyKind.IDENTITY,
            "[",
            "Statement must not be an empty list",
            id="empty-statement-list",
        ),
        pytest.param(
            '{"Statement":"Allow"}',
            PolicyKind.IDENTITY,
            '"',
            "Statement must be an object or a list of objects",
            id="statement-string",
        ),
        pytest.param(
            '{"Statement":[{' + ALLOW + '},"x"]}',
            PolicyKind.IDENTITY,
            '"',
            "statement 2 must be an object, found a string",
            id="statement-item-string",
        ),
        # --- statement elements ---
        pytest.param(
            wrap("{" + ALLOW + ',"Resources":"*"}'),
            PolicyKind.IDENTITY,
            '"',
            "unknown element 'Resources' in statement 1; did you mean 'Resource'?",
            id="unknown-statement-element",
        ),
        pytest.param(
            wrap('{"effect":"Allow","Action":"s3:*","Resource":"*"}'),
            PolicyKind.IDENTITY,
            '"',
            "did you mean 'Effect'? (element names are case-sensitive)",
            id="lower-case-element",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Effect":"Deny"}'),
            PolicyKind.IDENTITY,
            '"',
            "duplicate element 'Effect' in statement 1",
            id="duplicate-effect",
        ),
        pytest.param(
            wrap('{"Action":"s3:*","Resource":"*"}'),
            PolicyKind.IDENTITY,
            "{",
            "statement 1 has no Effect element",
            id="missing-effect",
        ),
        pytest.param(
            wrap('{"Effect":"allow","Action":"s3:*","Resource":"*"}'),
            PolicyKind.IDENTITY,
            '"',
            'Effect must be exactly "Allow" or "Deny" (case-sensitive), found \'allow\'',
            id="effect-case",
        ),
        pytest.param(
            wrap('{"Effect":true,"Action":"s3:*","Resource":"*"}'),
            PolicyKind.IDENTITY,
            "t",
            "found a boolean",
            id="effect-bool",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}'),
            PolicyKind.IDENTITY,
            '"',
            "statement 1 has both Action and NotAction; use exactly one",
            id="action-and-notaction",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Resource":"*"}'),
            PolicyKind.IDENTITY,
            "{",
            "has no Action or NotAction element",
            id="no-action",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":[],"Resource":"*"}'),
            PolicyKind.IDENTITY,
            "[",
            "Action must not be an empty list",
            id="empty-action-list",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":["s3:*",3],"Resource":"*"}'),
            PolicyKind.IDENTITY,
            "3",
            "each Action entry must be a string, found a number",
            id="numeric-action",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":{"s3":"*"},"Resource":"*"}'),
            PolicyKind.IDENTITY,
            "{",
            "Action must be a string or a list of strings, found an object",
            id="object-action",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*","NotResource":"a","Resource":"*"}'),
            PolicyKind.IDENTITY,
            '"',
            "has both Resource and NotResource",
            id="resource-and-notresource",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*"}'),
            PolicyKind.IDENTITY,
            "{",
            "no Resource or NotResource element (one is required in an identity-based policy)",
            id="no-resource-identity",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*"}'),
            PolicyKind.BOUNDARY,
            "{",
            "(one is required in a permissions boundary)",
            id="no-resource-boundary",
        ),
        # --- Principal (reference_policies_elements_principal.html) ---
        pytest.param(
            wrap("{" + ALLOW + ',"Principal":"*"}'),
            PolicyKind.IDENTITY,
            '"',
            "Principal is not allowed in an identity-based policy",
            id="principal-in-identity",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"NotPrincipal":{"AWS":"*"}}'),
            PolicyKind.BOUNDARY,
            '"',
            "NotPrincipal is not allowed in a permissions boundary",
            id="notprincipal-in-boundary",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Principal":"*"}'),
            PolicyKind.SCP,
            '"',
            "Principal is not allowed in a service control policy",
            id="principal-in-scp",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"sts:AssumeRole"}'),
            PolicyKind.RESOURCE,
            "{",
            "has no Principal or NotPrincipal element",
            id="resource-policy-without-principal",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*","Principal":"arn:aws:iam::1:root"}'),
            PolicyKind.RESOURCE,
            '"',
            'Principal must be "*" or an object',
            id="principal-arn-string",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*","Principal":{"aws":"*"}}'),
            PolicyKind.RESOURCE,
            '"',
            "unknown element 'aws' in Principal; did you mean 'AWS'?",
            id="principal-type-case",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*","Principal":{}}'),
            PolicyKind.RESOURCE,
            "{",
            "Principal must not be an empty object",
            id="principal-empty",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*","Principal":{"AWS":[]}}'),
            PolicyKind.RESOURCE,
            "[",
            "Principal AWS must not be an empty list",
            id="principal-empty-list",
        ),
        pytest.param(
            wrap('{"Effect":"Allow","Action":"s3:*","Principal":{"AWS":"a","AWS":"b"}}'),
            PolicyKind.RESOURCE,
            '"',
            "duplicate element 'AWS' in Principal",
            id="principal-duplicate-type",
        ),
        pytest.param(
            wrap('{"Effect":"Deny","Action":"s3:*","Principal":"*","NotPrincipal":"*"}'),
            PolicyKind.RESOURCE,
            '"',
            "has both Principal and NotPrincipal",
            id="principal-and-notprincipal",
        ),
        # --- Condition (reference_policies_elements_condition_operators.html) ---
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":["x"]}'),
            PolicyKind.IDENTITY,
            "[",
            "Condition must be an object",
            id="condition-list",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"StringEqual":{"a:b":"c"}}}'),
            PolicyKind.IDENTITY,
            '"',
            "unknown condition operator 'StringEqual'; did you mean 'StringEquals'?",
            id="operator-typo",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"stringEquals":{"a:b":"c"}}}'),
            PolicyKind.IDENTITY,
            '"',
            "did you mean 'StringEquals'? (operator names are case-sensitive)",
            id="operator-case",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"NullIfExists":{"a:b":"true"}}}'),
            PolicyKind.IDENTITY,
            '"',
            "Null cannot take IfExists",
            id="null-if-exists",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"ForAnyValues:StringLike":{"a:b":"c"}}}'),
            PolicyKind.IDENTITY,
            '"',
            "did you mean 'ForAnyValue:StringLike'?",
            id="qualifier-typo",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"Bool":"true"}}'),
            PolicyKind.IDENTITY,
            '"',
            "condition operator 'Bool' must map to an object",
            id="operator-value-string",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"Bool":{"a:b":null}}}'),
            PolicyKind.IDENTITY,
            "n",
            "must be a string, number or boolean",
            id="condition-null-value",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"Bool":{"a:b":["true",{"x":1}]}}}'),
            PolicyKind.IDENTITY,
            "{",
            "found an object",
            id="condition-nested-object",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"Bool":{"a:b":"true"},"Bool":{"c:d":"true"}}}'),
            PolicyKind.IDENTITY,
            '"',
            "duplicate element 'Bool' in Condition",
            id="duplicate-operator",
        ),
        pytest.param(
            wrap("{" + ALLOW + ',"Condition":{"Bool":{"a:b":"true","a:b":"false"}}}'),
            PolicyKind.IDENTITY,
            '"',
            "duplicate element 'a:b' in condition operator 'Bool'",
            id="duplicate-condition-key",
        ),
        # --- Sid (reference_policies_elements_sid.html) ---
        pytest.param(
            wrap('{"Sid":"Allow S3",' + ALLOW + "}"),
            PolicyKind.IDENTITY,
            '"',
            "Sid 'Allow S3' contains ' ': in IAM a Sid may contain only A-Z, a-z and 0-9",
            id="sid-space",
        ),
        pytest.param(
            wrap('{"Sid":"A",' + ALLOW + '},{"Sid":"A",' + ALLOW + "}"),
            PolicyKind.BOUNDARY,
            '"',
            "duplicate Sid 'A' (first at line 1, column 45); Sids must be unique",
            id="sid-duplicate",
        ),
        pytest.param(
            wrap('{"Sid":1,' + ALLOW + "}"),
            PolicyKind.IDENTITY,
            "1",
            "Sid must be a string",
            id="sid-number",
        ),
        # --- character set (reference_iam-quotas.html) ---
        pytest.param(
            wrap('{"Sid":"Don\u2019t",' + ALLOW + "}"),
            PolicyKind.IDENTITY,
            "\u2019",
            "character U+2019 (RIGHT SINGLE QUOTATION MARK) is not allowed",
            id="smart-quote",
        ),
        pytest.param(
            "\ufeff" + wrap("{" + ALLOW + "}"),
            PolicyKind.IDENTITY,
            "\ufeff",
            "byte-order mark",
            id="bom",
        ),
        pytest.param(
            wrap('{"Sid":"x\u0100",' + ALLOW + "}"),
            PolicyKind.RESOURCE,
            "\u0100",
            "U+0100",
            id="just-above-latin-1",
        ),
        pytest.param(
            wrap("{" + ALLOW + "}\x0b"),
            PolicyKind.IDENTITY,
            "\x0b",
            "U+000B",
            id="vertical-tab",
        ),
    ],
)
def test_grammar_errors_point_at_the_offending_element(
    text: str, kind: PolicyKind, at: str, fragment: str
) -> None:
    """Each IAM grammar rule, reported at the element or value that breaks it."""
    err = parse_error(text, kind)
    assert fragment in err.reason
    assert err.line == 1
    assert char_at(text, err.line, err.column) == at, err.reason
    assert err.source == "policy.json"


def test_duplicate_key_error_names_the_aws_page() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html#duplicateelement"""
    text = wrap('{"Effect":"Allow","Action":"a:b","Action":"c:d","Resource":"*"}')
    first = text.index('"Action"') + 1
    second = text.index('"Action"', first) + 1
    err = parse_error(text)
    assert (err.line, err.column) == (1, second)
    assert "troubleshoot_policies.html#duplicateelement" in err.reason
    assert f"first at line 1, column {first}" in err.reason


def test_grammar_error_position_on_a_later_line() -> None:
    text = '{\n  "Statement": {\n    "Effect": "Permit",\n    "Action": "*"\n  }\n}'
    err = parse_error(text)
    assert (err.line, err.column) == (3, 15)
    assert "Effect must be exactly" in err.reason


# --- positions (docs/iam-semantics.md 1.3) -------------------------------------------------------

CLI_CUSTOM_POLICY = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
    '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":'
    '"2018-08-16T12:00:00Z"}}}}'
)

PRETTY_PRINCIPAL_POLICY = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "GrantAccessToCodeCommitListRepo",
            "Effect": "Allow",
            "Action": "codecommit:ListRepositories",
            "Resource": "*"
        }
    ]
}"""


def test_single_statement_object_positions_match_the_cli_example() -> None:
    """simulate-custom-policy.rst reports StartPosition (1,38), EndPosition (1,167).

    https://github.com/aws/aws-cli/blob/develop/awscli/examples/iam/simulate-custom-policy.rst
    """
    policy = parse_policy(CLI_CUSTOM_POLICY, "PolicyInputList.1")
    (statement,) = policy.statements
    assert policy.statement_is_list is False
    assert statement.start == Position(1, 38)
    assert statement.end == Position(1, 167)
    assert char_at(CLI_CUSTOM_POLICY, 1, 37) == "{"
    assert char_at(CLI_CUSTOM_POLICY, 1, 166) == "}"


def test_pretty_printed_positions_match_the_cli_example() -> None:
    """simulate-principal-policy.rst reports StartPosition (3,19), EndPosition (9,10).

    https://github.com/aws/aws-cli/blob/develop/awscli/examples/iam/simulate-principal-policy.rst
    """
    policy = parse_policy(PRETTY_PRINCIPAL_POLICY, "inline")
    (statement,) = policy.statements
    assert policy.statement_is_list is True
    assert statement.start == Position(3, 19)
    assert statement.end == Position(9, 10)


def test_crlf_line_ends_give_the_same_positions() -> None:
    policy = parse_policy(PRETTY_PRINCIPAL_POLICY.replace("\n", "\r\n"), "inline")
    assert policy.statements[0].start == Position(3, 19)
    assert policy.statements[0].end == Position(9, 10)


def test_later_statements_start_where_the_previous_one_ends() -> None:
    """The separating comma belongs to the later statement's span (AWS's convention)."""
    text = wrap('{"Sid":"A",' + ALLOW + '},{"Sid":"B",' + ALLOW + "}")
    first, second = parse_policy(text, "p").statements
    assert first.start == Position(1, 38)
    assert char_at(text, 1, 37) == "["
    assert second.start == first.end
    assert char_at(text, 1, second.start.column) == ","
    assert char_at(text, 1, second.end.column - 1) == "}"
    assert [s.index for s in (first, second)] == [0, 1]


def test_pretty_printed_second_statement_starts_after_first_brace() -> None:
    text = (
        '{\n  "Statement": [\n    {\n      "Effect": "Allow", "Action": "a:b", "Resource": "*"\n'
        '    },\n    {\n      "Effect": "Deny", "Action": "a:c", "Resource": "*"\n    }\n  ]\n}'
    )
    first, second = parse_policy(text, "p").statements
    assert first.start == Position(2, 17)
    assert first.end == Position(5, 6)
    assert second.start == Position(5, 6)
    assert second.end == Position(8, 6)


def test_element_positions_point_at_the_keys() -> None:
    text = wrap('{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}')
    (statement,) = parse_policy(text, "p").statements
    names = [name for name, _ in statement.element_positions]
    assert names == ["Sid", "Effect", "Action", "Resource"]
    action = statement.element_position("Action")
    assert action is not None
    assert text[action.column - 1 : action.column + 7] == '"Action"'
    assert statement.element_position("Condition") is None


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version_text", "version", "variables"),
    [
        pytest.param("", None, False, id="absent"),
        pytest.param('"Version":"2008-10-17",', "2008-10-17", False, id="2008"),
        pytest.param('"Version":"2012-10-17",', "2012-10-17", True, id="2012"),
    ],
)
def test_version(version_text: str, version: str | None, variables: bool) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    policy = parse_policy(wrap("{" + ALLOW + "}", version_text), "p")
    assert policy.version == version
    assert policy.variables_enabled is variables
    if version is None:
        assert policy.version_position is None
    else:
        assert policy.version_position == Position(1, 2)


def test_action_and_resource_accept_string_or_list() -> None:
    text = wrap(
        '{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","*"]},'
        '{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:user/x"}'
    )
    allow, deny = parse_policy(text, "p").statements
    assert allow.effect is Effect.ALLOW
    assert allow.actions == (Located("s3:GetObject", Position(1, 65)),)
    assert allow.not_actions is None
    assert [r.text for r in allow.resources or ()] == ["arn:aws:s3:::a/*", "*"]
    assert deny.effect is Effect.DENY
    assert deny.actions is None
    assert [a.text for a in deny.action_patterns] == ["iam:*"]
    assert [r.text for r in deny.resource_patterns] == ["arn:aws:iam::*:user/x"]
    assert deny.resources is None


def test_condition_values_are_normalised_to_strings() -> None:
    """Numbers keep their spelling and booleans become true/false: IAM compares strings.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
    """
    text = wrap(
        "{" + ALLOW + ',"Condition":{"NumericLessThan":{"s3:max-keys":[10, 1.50, -2e3]},'
        '"Bool":{"aws:SecureTransport":true,"aws:MultiFactorAuthPresent":"false"},'
        '"ForAllValues:StringLikeIfExists":{"aws:TagKeys":[]}}}'
    )
    (statement,) = parse_policy(text, "p").statements
    numeric, secure, mfa, tags = statement.conditions
    assert numeric.operator.text == "NumericLessThan"
    assert numeric.key.text == "s3:max-keys"
    assert [v.text for v in numeric.values] == ["10", "1.50", "-2e3"]
    assert char_at(text, 1, numeric.values[1].position.column) == "1"
    assert (secure.operator.text, secure.key.text) == ("Bool", "aws:SecureTransport")
    assert secure.values == (Located("true", secure.values[0].position),)
    assert text[secure.values[0].position.column - 1 :].startswith("true")
    assert mfa.operator == secure.operator
    assert [v.text for v in mfa.values] == ["false"]
    assert tags.values == ()
    assert char_at(text, 1, tags.operator.position.column) == '"'


def test_escaped_strings_are_decoded() -> None:
    text = wrap('{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b\\/k\\u00e9y"}')
    (statement,) = parse_policy(text, "p").statements
    assert [r.text for r in statement.resource_patterns] == ["arn:aws:s3:::b/k\u00e9y"]


@pytest.mark.parametrize(
    ("escape", "shown"),
    [
        ("\\u2018", "U+2018 (LEFT SINGLE QUOTATION MARK)"),
        ("\\u0000", "U+0000"),
        ("\\b", "U+0008"),
        ("\\uFEFF", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
        ("\\ud83d\\ude00", "U+1F600 (GRINNING FACE)"),
    ],
)
def test_escaped_characters_obey_the_raw_character_rule(escape: str, shown: str) -> None:
    """The quotas page: "Policy documents can contain only the following Unicode characters:
    horizontal tab (U+0009), linefeed (U+000A), carriage return (U+000D), and characters in
    the range U+0020 to U+00FF" (reference_iam-quotas.html). An escape is another spelling of
    the character, so it obeys the same rule (issue 14: escapes slipped past it)."""
    text = wrap('{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/' + escape + '"}')
    with pytest.raises(PolicyParseError) as info:
        parse_policy(text, "p")
    assert info.value.column == text.index(escape) + 1
    assert info.value.reason.startswith(f"escaped character {shown} is not allowed")


def test_allowed_escapes_still_decode() -> None:
    text = wrap('{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/\\u00ff\\t\\n\\r"}')
    (statement,) = parse_policy(text, "p").statements
    assert statement.resource_patterns[0].text == "arn:aws:s3:::b/\u00ff\t\n\r"


def test_latin_1_characters_are_accepted() -> None:
    """IAM's pattern is [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+ (reference_iam-quotas.html)."""
    text = wrap('{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::caf\u00e9/\u00ff"}')
    (statement,) = parse_policy(text, "p").statements
    assert statement.resource_patterns[0].text.endswith("caf\u00e9/\u00ff")


def test_principal_in_a_resource_policy() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    text = wrap(
        '{"Sid":"Any principal","Effect":"Allow","Principal":"*","Action":"s3:GetObject",'
        '"Resource":"arn:aws:s3:::b/*"},'
        '{"Sid":"Any principal","Effect":"Allow","Action":"sts:AssumeRole",'
        '"Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],'
        '"Service":"ec2.amazonaws.com"}},'
        '{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/a"},'
        '"Action":"s3:*","Resource":"*"}'
    )
    policy = parse_policy(text, "ResourcePolicy", kind=PolicyKind.RESOURCE)
    anyone, trust, deny = policy.statements
    assert anyone.principal is not None
    assert anyone.principal.wildcard is True
    assert char_at(text, 1, anyone.principal.position.column) == '"'
    assert anyone.sid == "Any principal"  # resource policies allow spaces and repeats
    assert trust.principal is not None
    assert trust.principal.wildcard is False
    assert [(kind, [v.text for v in values]) for kind, values in trust.principal.entries] == [
        ("AWS", ["arn:aws:iam::111122223333:root", "444455556666"]),
        ("Service", ["ec2.amazonaws.com"]),
    ]
    assert trust.resources is None  # a trust policy has no Resource
    assert trust.not_resources is None
    assert deny.principal is None
    assert deny.not_principal is not None
    assert deny.not_principal.entries[0][0] == "AWS"


def test_scp_without_resource_applies_to_everything() -> None:
    """A simplification: an SCP statement without Resource is treated as Resource "*"."""
    text = wrap('{"Effect":"Deny","Action":"organizations:LeaveOrganization"}')
    (statement,) = parse_policy(text, "scp", kind=PolicyKind.SCP).statements
    assert [r.text for r in statement.resource_patterns] == ["*"]


def test_empty_sids_do_not_clash() -> None:
    text = wrap('{"Sid":"",' + ALLOW + '},{"Sid":"",' + ALLOW + "}")
    assert [s.sid for s in parse_policy(text, "p").statements] == ["", ""]


def test_policy_keeps_text_source_and_id() -> None:
    text = wrap("{" + ALLOW + "}", '"Version":"2012-10-17","Id":"Policy1",')
    policy = parse_policy(text, "PolicyInputList.1")
    assert policy.text == text
    assert policy.source == "PolicyInputList.1"
    assert policy.policy_id == "Policy1"
    assert policy.warnings == ()


def test_parseable_published_example_positions() -> None:
    """The Connect page's two-statement example parses; spans follow AWS's convention."""
    policy = parse_policy(SEED_29, "connect/view-own-user-info.json")
    first, second = policy.statements
    assert (first.start, first.end) == (Position(1, 42), Position(1, 274))
    assert second.start == first.end
    assert first.sid == "ViewOwnUserInfo"
    assert [r.text for r in first.resource_patterns] == ["arn:aws:iam::*:user/${aws:username}"]


# --- operator table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("StringEquals", (None, "StringEquals", False)),
        ("StringNotEqualsIgnoreCaseIfExists", (None, "StringNotEqualsIgnoreCase", True)),
        ("ForAnyValue:StringLike", ("ForAnyValue", "StringLike", False)),
        ("ForAllValues:ArnNotLikeIfExists", ("ForAllValues", "ArnNotLike", True)),
        ("Null", (None, "Null", False)),
        ("BinaryEquals", (None, "BinaryEquals", False)),
        ("NotIpAddressIfExists", (None, "NotIpAddress", True)),
    ],
)
def test_split_operator(name: str, expected: tuple[str | None, str, bool]) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert split_operator(name) == expected
    assert is_known_operator(name)


@pytest.mark.parametrize(
    "name",
    [
        "NullIfExists",
        "ForAnyValue:NullIfExists",
        "ForAllValues:Null",
        "ForAnyValue:Null",
        "stringequals",
        "StringEqualsIfexists",
        "ForAnyValue:",
        "ForSomeValues:StringEquals",
        "StringEqualsIfExistsIfExists",
        "",
    ],
)
def test_split_operator_rejects_unknown_names(name: str) -> None:
    assert not is_known_operator(name)
    with pytest.raises(ValueError, match="unknown IAM condition operator"):
        split_operator(name)


def test_suggest_operator_prefers_the_case_insensitive_match() -> None:
    assert suggest_operator("forallvalues:stringlike") == ["ForAllValues:StringLike"]
    assert suggest_operator("DateGreaterThen")[0] == "DateGreaterThan"
    assert suggest_operator("Completely different") == []
