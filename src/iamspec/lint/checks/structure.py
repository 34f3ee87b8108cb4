"""Checks of the document's shape: JSON, grammar, Version, and Allow with Not-elements."""

from __future__ import annotations

from collections.abc import Iterator

from iamspec.lint.document import LintDocument
from iamspec.lint.findings import ACCESS_ANALYZER_CHECKS, Finding, Rule, Severity
from iamspec.policy.jsontext import JsonString
from iamspec.policy.operators import is_known_operator
from iamspec.policy.parser import VERSIONS

_AA = ACCESS_ANALYZER_CHECKS + "#access-analyzer-reference-policy-checks-"
_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"

JSON_SYNTAX = Rule(
    "json-syntax",
    Severity.ERROR,
    "The text is not valid JSON, so IAM rejects the whole policy.",
    _AA + "error-json-syntax-error",
)
GRAMMAR = Rule(
    "grammar",
    Severity.ERROR,
    "The text is JSON but not a valid IAM policy (IAM rejects it as MalformedPolicyDocument).",
    _IAM + "reference_policies_grammar.html",
)
MISSING_VERSION = Rule(
    "missing-version",
    Severity.WARNING,
    "The policy has no Version: it defaults to 2008-10-17, where ${...} is literal text.",
    _AA + "general-warning-missing-version",
)
UNKNOWN_VERSION = Rule(
    "unknown-version",
    Severity.ERROR,
    'Version is neither "2012-10-17" nor "2008-10-17".',
    _AA + "error-invalid-version",
)
ALLOW_WITH_NOT_ACTION = Rule(
    "allow-with-not-action",
    Severity.SECURITY_WARNING,
    "Allow with NotAction grants every action not listed, including actions AWS adds later.",
    _IAM + "reference_policies_elements_notaction.html",
)
ALLOW_WITH_NOT_RESOURCE = Rule(
    "allow-with-not-resource",
    Severity.SECURITY_WARNING,
    "Allow with NotResource grants the actions on every resource not listed.",
    _IAM + "reference_policies_elements_notresource.html",
)


def json_syntax(doc: LintDocument) -> Iterator[Finding]:
    """Every JSON defect the recovery met, at the offending character.

    Access Analyzer "Error - JSON syntax error". A policy that does not parse contributes
    nothing; when the recovery cannot continue, these are the file's only findings.
    """
    for problem in doc.syntax_problems:
        yield doc.finding_at_original(JSON_SYNTAX, problem.offset, problem.reason)


def _specific_offsets(doc: LintDocument) -> set[int]:
    """Offsets of grammar defects that a more specific check reports under its own code."""
    offsets: set[int] = set()
    node = doc.version_node
    if node is not None and not (isinstance(node, JsonString) and node.value in VERSIONS):
        offsets.add(node.start_offset)
    for statement in doc.statements:
        for clause in statement.conditions:
            if not is_known_operator(clause.operator.text):
                offsets.add(clause.operator.offset)
    return offsets


def grammar(doc: LintDocument) -> Iterator[Finding]:
    """The parser's first grammar defect (the parser stops there; IAM rejects the policy).

    Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html .
    A defect that ``unknown-operator`` or ``unknown-version`` reports is not repeated here.
    """
    error = doc.grammar_error
    if error is None:
        return
    offset = doc.offset_of(error.line, error.column)
    if offset in _specific_offsets(doc):
        return
    yield doc.finding(GRAMMAR, offset, error.reason)


def missing_version(doc: LintDocument) -> Iterator[Finding]:
    """A policy object without Version.

    Access Analyzer "General Warning - Missing version": IAM then reads the policy as
    2008-10-17, where ``${aws:username}`` is literal text
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
    Not reported for a fragment: the fragment finding already asks for the wrapper.
    """
    if doc.is_policy and not doc.wrapped and doc.version_node is None and doc.root is not None:
        yield doc.finding(
            MISSING_VERSION,
            doc.root.start_offset,
            'the policy has no "Version"; add "Version": "2012-10-17" (without it IAM uses '
            "2008-10-17, where policy variables such as ${aws:username} are literal text)",
        )


def unknown_version(doc: LintDocument) -> Iterator[Finding]:
    """A Version other than the two IAM knows.

    Access Analyzer "Error - Invalid version"; IAM rejects the policy
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
    """
    node = doc.version_node
    if node is None:
        return
    if isinstance(node, JsonString):
        if node.value in VERSIONS:
            return
        shown = repr(node.value)
    else:
        shown = "a non-string value"
    yield doc.finding(
        UNKNOWN_VERSION,
        node.start_offset,
        f'Version must be "2012-10-17" (or the legacy "2008-10-17"), found {shown}; '
        "it is the policy-language version, not a date of your choosing",
    )


def allow_with_not_action(doc: LintDocument) -> Iterator[Finding]:
    """Allow + NotAction: everything except the listed actions, in every service.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    warns that this grants more than it seems; Access Analyzer treats the analogous
    Allow + NotPrincipal as a security warning (same page as above, "Security Warning - Allow
    with NotPrincipal").
    """
    for statement in doc.statements:
        if statement.effect == "Allow" and statement.not_actions is not None:
            yield doc.finding(
                ALLOW_WITH_NOT_ACTION,
                statement.element_offset("NotAction"),
                "Allow with NotAction grants every action except the ones listed, in every "
                "service, including actions AWS adds later; list the allowed actions in Action",
            )


def allow_with_not_resource(doc: LintDocument) -> Iterator[Finding]:
    """Allow + NotResource: the actions on every resource except the listed ones.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
    ("be careful ... with Allow"); Access Analyzer flags NotResource with iam:PassRole as a
    security warning.
    """
    for statement in doc.statements:
        if statement.effect == "Allow" and statement.not_resources is not None:
            yield doc.finding(
                ALLOW_WITH_NOT_RESOURCE,
                statement.element_offset("NotResource"),
                "Allow with NotResource grants the actions on every resource except the ones "
                "listed, in every account and Region; list the allowed resources in Resource",
            )
