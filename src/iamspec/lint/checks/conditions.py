"""Checks of Condition blocks: operators, keys, values, and keys the actions never carry.

Operator names come from :mod:`iamspec.policy.operators` (what IAM's grammar accepts);
value types are judged by the engine's own condition compiler
(:func:`iamspec.engine.conditions.compile_condition`), so the linter and the evaluator can
never disagree about whether ``Bool "yes"`` or ``IpAddress "10.0.0.300/8"`` can match.
"""

from __future__ import annotations

from collections.abc import Iterator

from iamspec.catalog import ActionInfo
from iamspec.engine.conditions import compile_condition
from iamspec.errors import UnknownContextKeyError
from iamspec.global_condition_keys import find_global_condition_key
from iamspec.lint.checks.actions import classify_action
from iamspec.lint.document import Clause, LintDocument, StatementView
from iamspec.lint.findings import ACCESS_ANALYZER_CHECKS, Finding, Rule, Severity
from iamspec.policy.operators import (
    NEGATED_OPERATORS,
    is_known_operator,
    split_operator,
    suggest_operator,
)
from iamspec.suggest import did_you_mean
from iamspec.tag_exceptions import untaggable

_AA = ACCESS_ANALYZER_CHECKS + "#access-analyzer-reference-policy-checks-"

UNKNOWN_OPERATOR = Rule(
    "unknown-operator",
    Severity.ERROR,
    "A condition operator IAM does not define (names are case-sensitive).",
    _AA + "error-invalid-condition-operator",
)
UNKNOWN_CONDITION_KEY = Rule(
    "unknown-condition-key",
    Severity.ERROR,
    "A condition key that neither AWS's global keys nor any service defines.",
    _AA + "error-invalid-service-condition-key",
)
CONDITION_KEY_NOT_SUPPORTED = Rule(
    "condition-key-not-supported",
    Severity.WARNING,
    "An action of the statement never carries the condition key, so the condition cannot "
    "restrict it.",
    _AA + "suggestion-allow-with-unsupported-tag-condition-key-for-service",
)
BAD_CONDITION_VALUE = Rule(
    "bad-condition-value",
    Severity.WARNING,
    "A condition value cannot be of its operator's type (Bool, Date, IP, Numeric, Binary, Null).",
    _AA + "general-warning-type-mismatch",
)
WILDCARD_WITHOUT_LIKE = Rule(
    "wildcard-without-like",
    Severity.WARNING,
    "A String...Equals value contains * or ?, which only the Like operators treat as wildcards.",
    _AA + "general-warning-wildcard-without-like-operator",
)
FORALLVALUES_SINGLE_VALUED = Rule(
    "forallvalues-single-valued",
    Severity.SECURITY_WARNING,
    "ForAllValues on a single-valued key is also true when the key is absent.",
    _AA + "security-warning-forallvalues-with-single-valued-key",
)

_RESOURCE_TAG_HEAD = "aws:resourcetag/"
_EQUALS_OPERATORS = frozenset(
    {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}
)


def _unique_operators(doc: LintDocument) -> Iterator[Clause]:
    """One clause per operator element (an operator with several keys is one element)."""
    seen: set[int] = set()
    for statement in doc.statements:
        for clause in statement.conditions:
            if clause.operator.offset not in seen:
                seen.add(clause.operator.offset)
                yield clause


def unknown_operator(doc: LintDocument) -> Iterator[Finding]:
    """An operator name IAM rejects (``StringEqual``, ``stringEquals``, ``NullIfExists``).

    Access Analyzer "Error - Invalid condition operator"; IAM rejects the policy. Operator
    names are case-sensitive
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    """
    for clause in _unique_operators(doc):
        name = clause.operator.text
        if is_known_operator(name):
            continue
        message = f"unknown condition operator {name!r}"
        if name.split(":")[-1] == "NullIfExists":
            message += ": Null takes no IfExists (Null itself tests whether the key exists)"
        else:
            near = suggest_operator(name)
            if near:
                case = (
                    " (operator names are case-sensitive)"
                    if near[0].lower() == name.lower()
                    else ""
                )
                message += f"{did_you_mean(near[:1])}{case}"
        yield doc.finding(UNKNOWN_OPERATOR, clause.operator.offset, message)


def _has_placeholder(text: str) -> bool:
    return "{{" in text


def unknown_condition_key(doc: LintDocument) -> Iterator[Finding]:
    """A key nobody defines (``aws:ResourceTags/Dept``, ``conect:InstanceId``).

    Access Analyzer "Error - Invalid global condition key" / "Invalid service condition key".
    An unknown key is never in the request context, so the condition is false (true for
    the negated and IfExists forms) whatever the request.
    """
    for statement in doc.statements:
        for clause in statement.conditions:
            key = clause.key.text
            if _has_placeholder(key) or doc.catalog.is_known_context_key(key):
                continue
            try:
                doc.catalog.check_context_key(key)
                suggestions: tuple[str, ...] = ()
            except UnknownContextKeyError as error:
                suggestions = error.suggestions
            hint = did_you_mean(suggestions[:1])
            yield doc.finding(
                UNKNOWN_CONDITION_KEY,
                clause.key.offset,
                f"unknown condition key {key!r}: neither a global key nor a key of any "
                f"service, so no request ever carries it{hint}",
            )


def _absent_makes_true(operator: str) -> bool:
    """What a clause with this operator says when the key is absent (docs/iam-semantics.md §5)."""
    qualifier, base, if_exists = split_operator(operator)
    return (
        if_exists
        or qualifier == "ForAllValues"
        or (qualifier is None and base in NEGATED_OPERATORS)
    )


def _unsupported(doc: LintDocument, info: ActionInfo, key: str) -> bool:
    if key.lower().startswith(_RESOURCE_TAG_HEAD) and untaggable(info.full_name):
        return True
    return not doc.catalog.supports_condition_key(info, key)


def _consequence(effect: str, absent_true: bool) -> tuple[Severity, str]:
    if effect == "Allow" and not absent_true:
        return Severity.WARNING, "so this Allow statement never applies to it"
    if effect == "Allow":
        return (
            Severity.SECURITY_WARNING,
            "so the condition holds for it whatever the resource, and this Allow statement "
            "grants it unrestricted",
        )
    if not absent_true:
        return Severity.SECURITY_WARNING, "so this Deny statement never denies it"
    return (
        Severity.WARNING,
        "so the condition holds for it and this Deny statement always denies it",
    )


def _key_clauses(statement: StatementView) -> list[Clause]:
    """One clause per key element, excluding Null (it tests presence, which is the point)."""
    clauses: list[Clause] = []
    for clause in statement.conditions:
        if not is_known_operator(clause.operator.text):
            continue
        _qualifier, base, _if_exists = split_operator(clause.operator.text)
        if base != "Null":
            clauses.append(clause)
    return clauses


def condition_key_not_supported(doc: LintDocument) -> Iterator[Finding]:
    """A condition key that some action of the statement never has in its request context.

    IAM puts ``aws:ResourceTag/<k>`` only into the context of actions whose resource type (or
    action row) in the Service Authorization Reference lists it; for the others the key is
    absent, so the condition is false (Allow: the statement never applies) or, for negated
    and IfExists operators, true (the condition does not restrict). The Connect examples page
    itself notes that ``connect-campaigns:ListCampaigns`` and ``GetCampaignStateBatch``
    "cannot be restricted by Tag". Access Analyzer: "Suggestion - Allow with unsupported tag
    condition key for service" and "Security Warning - Deny with unsupported tag condition key
    for service"; here an Allow that silently never applies is a warning (a scenario would
    fail for a reason the policy does not show), one that never restricts is a security
    warning. Reported per action entry, naming the actions of a wildcard that lack the key.
    """
    for statement in doc.statements:
        if statement.actions is None or statement.effect not in ("Allow", "Deny"):
            continue
        for clause in _key_clauses(statement):
            key = clause.key.text
            if _has_placeholder(key) or not doc.catalog.is_known_context_key(key):
                continue
            severity, consequence = _consequence(
                statement.effect, _absent_makes_true(clause.operator.text)
            )
            where = doc.position(clause.key.offset)
            for value in statement.actions:
                verdict = classify_action(doc.catalog, value.text)
                if verdict.rule is not None or verdict.everything:
                    continue
                missing = [i for i in verdict.actions if _unsupported(doc, i, key)]
                if not missing:
                    continue
                if len(verdict.actions) == 1:
                    subject = f"{missing[0].full_name} never carries the condition key {key!r}"
                else:
                    names = ", ".join(i.full_name for i in missing)
                    subject = (
                        f"{len(missing)} of the {len(verdict.actions)} actions {value.text!r} "
                        f"matches never carry the condition key {key!r} ({names})"
                    )
                yield doc.finding(
                    CONDITION_KEY_NOT_SUPPORTED,
                    value.offset,
                    f"{subject} (condition at {where}), {consequence}",
                    severity,
                )


def bad_condition_value(doc: LintDocument) -> Iterator[Finding]:
    """A value that cannot be of its operator's type: ``Bool "yes"``, a date that is not W3C
    ISO 8601 or epoch seconds, a malformed CIDR, a non-numeric ``Numeric...`` value, bad
    base64 for ``BinaryEquals``, a ``Null`` value other than true/false, or a policy variable
    under an operator that takes none.

    Access Analyzer "General Warning - Type mismatch" (Boolean, date, IP range, number). The
    engine compiles such a value as "never matches"; this check reports it at the value.
    """
    for statement in doc.statements:
        for clause in statement.conditions:
            if not is_known_operator(clause.operator.text):
                continue
            try:
                compiled = compile_condition(
                    clause.to_model(), variables_enabled=doc.variables_enabled
                )
            except ValueError:
                continue  # an operator the engine does not take: unknown-operator's business
            for value, result in zip(clause.values, compiled.values, strict=True):
                if result.invalid is None or _has_placeholder(value.text):
                    continue  # a {{placeholder}} is filled before use (or reported as unfilled)
                yield doc.finding(
                    BAD_CONDITION_VALUE,
                    value.offset,
                    f"{clause.operator.text} value {value.text!r} for {clause.key.text!r} "
                    f"{result.invalid}, so it never matches",
                )


def wildcard_without_like(doc: LintDocument) -> Iterator[Finding]:
    """``*`` or ``?`` in a ``String...Equals`` value, where they are literal characters.

    Access Analyzer "General Warning - Wildcard without like operator"; use ``StringLike``.
    ``${*}`` and ``${?}`` (IAM's escapes for a literal ``*``/``?``) are not reported.
    """
    for statement in doc.statements:
        for clause in statement.conditions:
            if not is_known_operator(clause.operator.text):
                continue
            _qualifier, base, _if_exists = split_operator(clause.operator.text)
            if base not in _EQUALS_OPERATORS:
                continue
            for value in clause.values:
                text = value.text.replace("${*}", "").replace("${?}", "")
                if "*" in text or "?" in text:
                    like = base.replace("Equals", "Like").replace("IgnoreCase", "")
                    yield doc.finding(
                        WILDCARD_WITHOUT_LIKE,
                        value.offset,
                        f"{base} compares {value.text!r} literally: '*' and '?' are wildcards "
                        f"only in {like}",
                    )


def _multivalued(doc: LintDocument, key: str) -> bool | None:
    global_key = find_global_condition_key(key)
    if global_key is not None:
        return global_key.multivalued
    key_type = doc.catalog.context_key_type(key)
    if key_type is None:
        return None
    return key_type.startswith("ArrayOf")


def forallvalues_single_valued(doc: LintDocument) -> Iterator[Finding]:
    """``ForAllValues:`` on a single-valued key (``aws:ResourceTag/<k>``).

    Access Analyzer "Security Warning - ForAllValues with single valued key": ForAllValues is
    true when the key is absent, so such a condition also holds for untagged resources
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
    """
    for statement in doc.statements:
        for clause in statement.conditions:
            if not is_known_operator(clause.operator.text):
                continue
            qualifier, _base, _if_exists = split_operator(clause.operator.text)
            if qualifier != "ForAllValues":
                continue
            if _multivalued(doc, clause.key.text) is False:
                yield doc.finding(
                    FORALLVALUES_SINGLE_VALUED,
                    clause.operator.offset,
                    f"{clause.operator.text} on the single-valued key {clause.key.text!r} is "
                    "also true when the key is absent; drop 'ForAllValues:'",
                )
