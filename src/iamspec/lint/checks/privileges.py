"""Checks of IAM actions that hand out more than they seem to on ``"Resource": "*"``."""

from __future__ import annotations

from collections.abc import Iterator

from iamspec.lint.checks.actions import classify_action
from iamspec.lint.document import LintDocument, StatementView, Value
from iamspec.lint.findings import ACCESS_ANALYZER_CHECKS, Finding, Rule, Severity

_AA = ACCESS_ANALYZER_CHECKS + "#access-analyzer-reference-policy-checks-"

CREATE_SLR_WITH_STAR_RESOURCE = Rule(
    "create-slr-with-star-resource",
    Severity.WARNING,
    'iam:CreateServiceLinkedRole on "*" without iam:AWSServiceName lets the caller create the '
    "service-linked role of any service.",
    _AA + "general-warning-create-slr-with-star-in-resource",
)
PASS_ROLE_WITH_STAR_RESOURCE = Rule(
    "pass-role-with-star-resource",
    Severity.SECURITY_WARNING,
    'iam:PassRole on "*" without iam:PassedToService lets the caller pass any role to any service.',
    _AA + "security-warning-pass-role-with-star-in-resource",
)


def _star_resource(statement: StatementView) -> bool:
    return any(v.text and all(ch == "*" for ch in v.text) for v in statement.resources or ())


def _has_key(statement: StatementView, key: str) -> bool:
    return any(clause.key.text.lower() == key.lower() for clause in statement.conditions)


def _granting(doc: LintDocument, statement: StatementView, action: str) -> Value | None:
    """The Action entry of an Allow statement that grants ``action``, if any."""
    if statement.effect != "Allow" or statement.actions is None:
        return None
    for value in statement.actions:
        verdict = classify_action(doc.catalog, value.text)
        if verdict.everything or any(i.full_name.lower() == action for i in verdict.actions):
            return value
    return None


def create_slr_with_star_resource(doc: LintDocument) -> Iterator[Finding]:
    """Allow iam:CreateServiceLinkedRole on ``"*"`` with no ``iam:AWSServiceName`` condition.

    Access Analyzer "General Warning - Create SLR with star in resource": the caller may
    create service-linked roles for every service; name the service with
    ``iam:AWSServiceName`` (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html).
    """
    for statement in doc.statements:
        value = _granting(doc, statement, "iam:createservicelinkedrole")
        if value is None or not _star_resource(statement):
            continue
        if _has_key(statement, "iam:AWSServiceName"):
            continue
        yield doc.finding(
            CREATE_SLR_WITH_STAR_RESOURCE,
            value.offset,
            'iam:CreateServiceLinkedRole on "Resource": "*" lets the caller create the '
            "service-linked role of any AWS service; restrict it with a condition on "
            "iam:AWSServiceName (or name the role ARN)",
        )


def pass_role_with_star_resource(doc: LintDocument) -> Iterator[Finding]:
    """Allow iam:PassRole on ``"*"`` with no ``iam:PassedToService`` condition.

    Access Analyzer "Security Warning - Pass role with star in resource"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
    """
    for statement in doc.statements:
        value = _granting(doc, statement, "iam:passrole")
        if value is None or not _star_resource(statement):
            continue
        if _has_key(statement, "iam:PassedToService"):
            continue
        yield doc.finding(
            PASS_ROLE_WITH_STAR_RESOURCE,
            value.offset,
            'iam:PassRole on "Resource": "*" lets the caller pass any role, including '
            "administrator roles, to any service; name the role ARNs and add "
            "iam:PassedToService",
        )
