"""The checks: one function per finding code, all listed in one table, :data:`CHECKS`.

A check takes a :class:`~iamspec.lint.document.LintDocument` and yields findings; it never
raises for a bad policy. Each module groups the checks of one policy element:

- :mod:`.structure`: JSON, grammar, Version, Allow with NotAction/NotResource;
- :mod:`.actions`: Action/NotAction entries against the catalog;
- :mod:`.resources`: Resource entries against the actions' resource types;
- :mod:`.conditions`: operators, keys, values, keys the actions never carry;
- :mod:`.privileges`: iam:PassRole and iam:CreateServiceLinkedRole on ``"*"``;
- :mod:`.placeholders`: placeholders left in the text.

Severities and codes follow IAM Access Analyzer policy validation where it has a matching
check: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from iamspec.lint.checks import (
    actions,
    conditions,
    placeholders,
    privileges,
    resources,
    structure,
)
from iamspec.lint.document import LintDocument
from iamspec.lint.findings import Finding, Rule

__all__ = ["CHECKS", "RULES", "Check"]


@dataclass(frozen=True, slots=True)
class Check:
    """A rule and the function that finds its defects."""

    rule: Rule
    run: Callable[[LintDocument], Iterable[Finding]]


CHECKS: tuple[Check, ...] = (
    Check(structure.JSON_SYNTAX, structure.json_syntax),
    Check(structure.GRAMMAR, structure.grammar),
    Check(structure.MISSING_VERSION, structure.missing_version),
    Check(structure.UNKNOWN_VERSION, structure.unknown_version),
    Check(actions.MALFORMED_ACTION, actions.malformed_action),
    Check(actions.UNKNOWN_SERVICE, actions.unknown_service),
    Check(actions.UNKNOWN_ACTION, actions.unknown_action),
    Check(actions.RENAMED_ACTION, actions.renamed_action),
    Check(actions.WILDCARD_MATCHES_NOTHING, actions.wildcard_matches_nothing),
    Check(resources.MALFORMED_ARN, resources.malformed_arn),
    Check(resources.RESOURCE_MATCHES_NO_TYPE, resources.resource_matches_no_type),
    Check(resources.STAR_RESOURCE_REQUIRED, resources.star_resource_required),
    Check(conditions.UNKNOWN_OPERATOR, conditions.unknown_operator),
    Check(conditions.UNKNOWN_CONDITION_KEY, conditions.unknown_condition_key),
    Check(conditions.CONDITION_KEY_NOT_SUPPORTED, conditions.condition_key_not_supported),
    Check(conditions.BAD_CONDITION_VALUE, conditions.bad_condition_value),
    Check(conditions.WILDCARD_WITHOUT_LIKE, conditions.wildcard_without_like),
    Check(conditions.FORALLVALUES_SINGLE_VALUED, conditions.forallvalues_single_valued),
    Check(structure.ALLOW_WITH_NOT_ACTION, structure.allow_with_not_action),
    Check(structure.ALLOW_WITH_NOT_RESOURCE, structure.allow_with_not_resource),
    Check(privileges.PASS_ROLE_WITH_STAR_RESOURCE, privileges.pass_role_with_star_resource),
    Check(privileges.CREATE_SLR_WITH_STAR_RESOURCE, privileges.create_slr_with_star_resource),
    Check(placeholders.UNFILLED_PLACEHOLDER, placeholders.unfilled_placeholder),
)
"""Every check, in the order their rules are listed (SARIF ``rules``, documentation)."""

RULES: Mapping[str, Rule] = MappingProxyType({check.rule.code: check.rule for check in CHECKS})
"""Every rule by its code."""
