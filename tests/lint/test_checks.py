"""One positive and one negative case per check, as one table over the real catalog.

Each row: a policy text that must (or must not) produce the code. The last test pins that
every rule in the table of checks has both. Sources per check are in the checks' docstrings
(Access Analyzer policy checks reference:
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from iamspec.lint import RULES, Severity, lint_text
from tests.lint.kit import policy, stmt


@dataclass(frozen=True)
class Case:
    id: str
    code: str
    text: str
    expected: bool
    placeholders: frozenset[str] | None = None


def _cond(operator: str, key: str, value: object) -> dict[str, object]:
    return {operator: {key: value}}


INSTANCE = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"
KMS_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

CASES = [
    # -- structure --------------------------------------------------------------------------
    Case("trailing comma", "json-syntax", '{"Version": "2012-10-17", "Statement": [],}', True),
    Case("valid json", "json-syntax", policy(), False),
    Case("lower-case effect", "grammar", policy(stmt(effect="allow")), True),
    Case("valid grammar", "grammar", policy(), False),
    Case("no version", "missing-version", policy(version=None), True),
    Case("with version", "missing-version", policy(), False),
    Case("made-up version", "unknown-version", policy(version="2012-10-18"), True),
    Case("legacy version", "unknown-version", policy(version="2008-10-17"), False),
    Case(
        "allow notaction",
        "allow-with-not-action",
        policy(stmt(action=None, NotAction="iam:*")),
        True,
    ),
    Case(
        "deny notaction",
        "allow-with-not-action",
        policy(stmt(action=None, effect="Deny", NotAction="iam:*")),
        False,
    ),
    Case(
        "allow notresource",
        "allow-with-not-resource",
        policy(stmt("connect:DescribeInstance", resource=None, NotResource=INSTANCE)),
        True,
    ),
    Case(
        "deny notresource",
        "allow-with-not-resource",
        policy(stmt("connect:DescribeInstance", None, "Deny", NotResource=INSTANCE)),
        False,
    ),
    # -- actions ----------------------------------------------------------------------------
    Case("doubled colon", "malformed-action", policy(stmt("connect::DescribeUser")), True),
    Case("one colon", "malformed-action", policy(stmt("connect:DescribeUser")), False),
    Case("misspelt prefix", "unknown-service", policy(stmt("conect:DescribeUser")), True),
    Case("known prefix", "unknown-service", policy(stmt("CONNECT:describeuser")), False),
    Case("misspelt action", "unknown-action", policy(stmt("connect:DescribeUsr")), True),
    Case("known action", "unknown-action", policy(stmt("connect:DescribeUser")), False),
    Case(
        "old campaign name",
        "renamed-action",
        policy(stmt("connect-campaigns:UpdateDialerConfig")),
        True,
    ),
    Case(
        "current campaign name",
        "renamed-action",
        policy(stmt("connect-campaigns:UpdateCampaignDialerConfig")),
        False,
    ),
    Case("wildcard of nothing", "wildcard-matches-nothing", policy(stmt("connect:Zzz*")), True),
    Case("wildcard of some", "wildcard-matches-nothing", policy(stmt("connect:Describe*")), False),
    # -- resources --------------------------------------------------------------------------
    Case("arn with 3 parts", "malformed-arn", policy(stmt(resource="arn:aws:connect")), True),
    Case(
        "full arn",
        "malformed-arn",
        policy(stmt("connect:DescribeInstance", resource=INSTANCE)),
        False,
    ),
    Case(
        "kms key on connect",
        "resource-matches-no-type",
        policy(stmt("connect:DescribeInstance", KMS_KEY)),
        True,
    ),
    Case(
        "instance on connect",
        "resource-matches-no-type",
        policy(stmt("connect:DescribeInstance", INSTANCE)),
        False,
    ),
    Case(
        "list-only action on an instance",
        "star-resource-required",
        policy(stmt("connect:ListInstances", INSTANCE)),
        True,
    ),
    Case(
        "list-only action on *",
        "star-resource-required",
        policy(stmt("connect:ListInstances", "*")),
        False,
    ),
    Case(
        "passrole on *",
        "pass-role-with-star-resource",
        policy(stmt("iam:PassRole", "*")),
        True,
    ),
    Case(
        "passrole limited to a service",
        "pass-role-with-star-resource",
        policy(
            stmt(
                "iam:PassRole",
                "*",
                Condition=_cond("StringEquals", "iam:PassedToService", "connect.amazonaws.com"),
            )
        ),
        False,
    ),
    Case(
        "create slr on *",
        "create-slr-with-star-resource",
        policy(stmt("iam:CreateServiceLinkedRole", "*")),
        True,
    ),
    Case(
        "create slr for one service",
        "create-slr-with-star-resource",
        policy(
            stmt(
                "iam:CreateServiceLinkedRole",
                "*",
                Condition=_cond("StringEquals", "iam:AWSServiceName", "connect.amazonaws.com"),
            )
        ),
        False,
    ),
    # -- conditions -------------------------------------------------------------------------
    Case(
        "StringEqual",
        "unknown-operator",
        policy(stmt(Condition=_cond("StringEqual", "aws:ResourceTag/Dept", "Test"))),
        True,
    ),
    Case(
        "StringEquals",
        "unknown-operator",
        policy(stmt(Condition=_cond("StringEquals", "aws:ResourceTag/Dept", "Test"))),
        False,
    ),
    Case(
        "ResourceTags",
        "unknown-condition-key",
        policy(stmt(Condition=_cond("StringEquals", "aws:ResourceTags/Dept", "Test"))),
        True,
    ),
    Case(
        "ResourceTag",
        "unknown-condition-key",
        policy(stmt(Condition=_cond("StringEquals", "aws:ResourceTag/Dept", "Test"))),
        False,
    ),
    Case(
        "tag key on ListCampaigns",
        "condition-key-not-supported",
        policy(
            stmt(
                "connect-campaigns:ListCampaigns",
                Condition=_cond("StringEquals", "aws:ResourceTag/owner", "x"),
            )
        ),
        True,
    ),
    Case(
        "tag key on DescribeCampaign",
        "condition-key-not-supported",
        policy(
            stmt(
                "connect-campaigns:DescribeCampaign",
                Condition=_cond("StringEquals", "aws:ResourceTag/owner", "x"),
            )
        ),
        False,
    ),
    Case(
        "Bool yes",
        "bad-condition-value",
        policy(stmt(Condition=_cond("Bool", "aws:SecureTransport", "yes"))),
        True,
    ),
    Case(
        "Bool true",
        "bad-condition-value",
        policy(stmt(Condition=_cond("Bool", "aws:SecureTransport", True))),
        False,
    ),
    Case(
        "StringEquals with a star",
        "wildcard-without-like",
        policy(stmt(Condition=_cond("StringEquals", "aws:ResourceTag/Dept", "Test*"))),
        True,
    ),
    Case(
        "StringLike with a star",
        "wildcard-without-like",
        policy(stmt(Condition=_cond("StringLike", "aws:ResourceTag/Dept", "Test*"))),
        False,
    ),
    Case(
        "ForAllValues on a tag value",
        "forallvalues-single-valued",
        policy(stmt(Condition=_cond("ForAllValues:StringEquals", "aws:ResourceTag/Dept", "Test"))),
        True,
    ),
    Case(
        "ForAllValues on TagKeys",
        "forallvalues-single-valued",
        policy(
            stmt(
                "connect:TagResource",
                Condition=_cond("ForAllValues:StringEquals", "aws:TagKeys", "Dept"),
            )
        ),
        False,
    ),
    # -- placeholders -----------------------------------------------------------------------
    Case(
        "project placeholder, nothing filled",
        "unfilled-placeholder",
        policy(
            stmt("connect:DescribeInstance", "arn:aws:connect:{{region}}:{{account_id}}:instance/x")
        ),
        True,
    ),
    Case(
        "project placeholder the caller fills",
        "unfilled-placeholder",
        policy(
            stmt("connect:DescribeInstance", "arn:aws:connect:{{region}}:{{account_id}}:instance/x")
        ),
        False,
        frozenset({"region", "account_id"}),
    ),
    Case(
        "page placeholder words",
        "unfilled-placeholder",
        policy(
            stmt(
                "connect:DescribeInstance", "arn:aws:connect:region:account-id:instance/instance-id"
            )
        ),
        True,
    ),
    Case(
        "real values",
        "unfilled-placeholder",
        policy(stmt("connect:DescribeInstance", INSTANCE)),
        False,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.code}:{c.id}")
def test_check(case: Case) -> None:
    findings = lint_text(case.text, "p.json", placeholders=case.placeholders)
    codes = [f.code for f in findings]
    assert (case.code in codes) is case.expected, "\n".join(str(f) for f in findings)
    for finding in findings:
        if finding.code == case.code:
            assert finding.severity is RULES[case.code].severity or case.code == (
                "condition-key-not-supported"
            )


def test_every_rule_has_a_positive_and_a_negative_case() -> None:
    positive = {c.code for c in CASES if c.expected}
    negative = {c.code for c in CASES if not c.expected}
    assert positive == set(RULES) == negative


def test_severities_follow_access_analyzer() -> None:
    """Errors where Access Analyzer reports errors; warnings where it warns."""
    assert RULES["json-syntax"].severity is Severity.ERROR
    assert RULES["unknown-action"].severity is Severity.ERROR
    assert RULES["missing-version"].severity is Severity.WARNING
    assert RULES["bad-condition-value"].severity is Severity.WARNING
    assert RULES["allow-with-not-action"].severity is Severity.SECURITY_WARNING
    assert RULES["allow-with-not-resource"].severity is Severity.SECURITY_WARNING


def test_a_wall_of_variable_openers_is_linted_at_once():
    """Hostile input: ``${${${...`` filling a policy to AWS's 131,072 characters.

    The placeholder and resource checks looked for ``${...}`` with a regex that retried from
    every ``${`` (quadratic: about 20 s for this policy); they now scan once. The bound is a
    hang detector, far above the time this takes, not a performance measurement.
    """
    import json
    import time

    from iamspec.lint import lint_text

    padding = "${" * 65_000
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{padding}"}
            ],
        }
    )
    assert len(text) <= 131_072
    started = time.perf_counter()
    findings = lint_text(text)
    assert time.perf_counter() - started < 2.0
    assert findings  # an unterminated variable is reported, not ignored
