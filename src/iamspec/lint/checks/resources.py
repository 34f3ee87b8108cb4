"""Checks of Resource entries against the resource types of the statement's actions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamspec.arns import ARN_FORMAT, arn_defect
from iamspec.catalog import ActionInfo, ResourceType
from iamspec.engine.variables import find_variables
from iamspec.lint.arnpattern import pattern_may_match_type
from iamspec.lint.checks.actions import classify_action
from iamspec.lint.document import LintDocument, StatementView, Value
from iamspec.lint.findings import ACCESS_ANALYZER_CHECKS, Finding, Rule, Severity

_AA = ACCESS_ANALYZER_CHECKS + "#access-analyzer-reference-policy-checks-"
_SAR = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "reference_policies_actions-resources-contextkeys.html"
)

MALFORMED_ARN = Rule(
    "malformed-arn",
    Severity.ERROR,
    'A Resource entry is neither "*" nor arn:partition:service:region:account:resource.',
    _AA + "error-missing-arn-field",
)
RESOURCE_MATCHES_NO_TYPE = Rule(
    "resource-matches-no-type",
    Severity.ERROR,
    "A Resource ARN matches none of the resource types of the statement's actions.",
    _AA + "error-invalid-arn-resource",
)
STAR_RESOURCE_REQUIRED = Rule(
    "star-resource-required",
    Severity.WARNING,
    'An action without resource-level permissions is listed without "Resource": "*".',
    _SAR,
)

_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")
"""Linear: ``[^{}]*`` stops at the next brace, so the runs tried from each ``{{`` never overlap."""


def _is_templated(text: str) -> bool:
    """A policy variable or a ``{{placeholder}}`` in ``text`` (both found in linear time)."""
    return next(find_variables(text), None) is not None or _PLACEHOLDER.search(text) is not None


def _arn_defect(text: str) -> str | None:
    """Why ``text`` cannot be an ARN pattern, or None."""
    if text == "*" or _is_templated(text):
        return None
    if not text.lower().startswith("arn:"):
        return f'expected "*" or an ARN ({ARN_FORMAT})'
    return arn_defect(text, pattern=True)


def _statement_actions(doc: LintDocument, statement: StatementView) -> list[ActionInfo] | None:
    """The known actions the statement's Action names; None when it names every action."""
    found: dict[str, ActionInfo] = {}
    for value in statement.actions or ():
        verdict = classify_action(doc.catalog, value.text)
        if verdict.everything:
            return None
        for info in verdict.actions:
            found.setdefault(info.full_name.lower(), info)
    return list(found.values())


def _types(doc: LintDocument, actions: list[ActionInfo]) -> dict[str, ResourceType]:
    types: dict[str, ResourceType] = {}
    for info in actions:
        for resource_type, _required in doc.catalog.resource_types(info):
            types.setdefault(f"{resource_type.service}:{resource_type.name}", resource_type)
    return types


def malformed_arn(doc: LintDocument) -> Iterator[Finding]:
    """A Resource/NotResource entry that is not ``"*"`` or an ARN with its six parts.

    Access Analyzer "Error - Missing ARN field" / "Error - Invalid ARN prefix"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
    Entries holding ``${...}`` variables or ``{{...}}`` placeholders are left to other checks.
    """
    for statement in doc.statements:
        for value in (statement.resources or ()) + (statement.not_resources or ()):
            defect = _arn_defect(value.text)
            if defect is not None:
                yield doc.finding(MALFORMED_ARN, value.offset, f"{value.text!r}: {defect}")


def _describe_types(actions: list[ActionInfo], doc: LintDocument, limit: int = 4) -> str:
    parts: list[str] = []
    for info in actions[:limit]:
        names = [rt.name for rt, _ in doc.catalog.resource_types(info)]
        parts.append(f"{info.full_name}: {', '.join(names) if names else 'only *'}")
    more = f"; and {len(actions) - limit} more actions" if len(actions) > limit else ""
    return "; ".join(parts) + more


def resource_matches_no_type(doc: LintDocument) -> Iterator[Finding]:
    """A Resource ARN that no resource type of the statement's actions can have.

    E.g. a KMS key ARN in a statement of Connect actions: the statement then grants nothing
    on it. Access Analyzer "Error - Invalid ARN resource"; ARN formats from the Service
    Authorization Reference. ``"*"`` always matches; a pattern is reported only when no ARN
    at all could match both it and a type (see :mod:`iamspec.lint.arnpattern`), so
    wildcards, policy variables and ``{{placeholders}}`` never cause a false report.
    Statements with NotAction, or naming ``"*"``, or only unknown actions, are skipped, and
    so are statements whose actions have no resource types (``star-resource-required``).
    """
    for statement in doc.statements:
        if statement.actions is None or not statement.resources:
            continue
        actions = _statement_actions(doc, statement)
        if not actions:
            continue
        types = _types(doc, actions)
        for value in statement.resources:
            if value.text == "*" or _arn_defect(value.text) is not None:
                continue
            if not types or any(pattern_may_match_type(value.text, rt) for rt in types.values()):
                continue  # no types at all: star-resource-required names each such action
            why = (
                "it matches no resource type of this statement's actions "
                f"({_describe_types(actions, doc)}), so the statement grants nothing on it"
            )
            yield doc.finding(RESOURCE_MATCHES_NO_TYPE, value.offset, f"{value.text!r}: {why}")


def _matches_star(value: Value) -> bool:
    """Does the Resource pattern match the literal resource ``*`` that such actions use?"""
    return value.text != "" and all(ch == "*" for ch in value.text)


def star_resource_required(doc: LintDocument) -> Iterator[Finding]:
    """An action with no resource types in a statement whose Resource is not ``"*"``.

    The Service Authorization Reference: when an action lists no resource type, "you must
    specify all resources ("*")" in the Resource element (``connect:ListInstances``,
    ``connect-campaigns:ListCampaigns``). Reported for explicitly named actions only; a
    wildcard such as ``connect:*`` on one instance deliberately leaves such actions out.
    """
    for statement in doc.statements:
        if statement.actions is None or statement.resources is None:
            continue
        if any(_matches_star(value) for value in statement.resources):
            continue
        for value in statement.actions:
            verdict = classify_action(doc.catalog, value.text)
            if verdict.rule is not None or verdict.everything or len(verdict.actions) != 1:
                continue
            if "*" in value.text or "?" in value.text:
                continue
            info = verdict.actions[0]
            if not doc.catalog.resource_types(info):
                yield doc.finding(
                    STAR_RESOURCE_REQUIRED,
                    value.offset,
                    f"{info.full_name} supports no resource-level permissions: IAM authorizes "
                    'it only against "*", so this statement, which has no "Resource": "*", '
                    'never applies to it; move it to a statement with "Resource": "*"',
                )
