"""The engine's edge cases found by running peers' suites (issue 13 item 6), each decided from
AWS's documentation; the choices are recorded in docs/iam-semantics.md §8 and in the module
that makes each one.

Pages (IAM User Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/):
- reference_policies_elements_condition_operators.html ("Condition operators")
- reference_policies_condition-single-vs-multi-valued-context-keys.html
- reference_policies_elements_resource.html ("Resource")
- reference_policies_elements_action.html ("Action")
- reference_policies_variables.html ("Variables and tags")
- access-analyzer-reference-policy-checks.html ("Error - Invalid variable for operator")
API reference: https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import iamspec
from iamspec.errors import InvalidInputError, PolicyParseError
from iamspec.policy.operators import suggest_operator
from iamspec.policy.parser import parse_policy


def _policy(statement: dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": [statement]})


def _decide(statement: dict[str, Any], **kwargs: Any) -> str:
    request: dict[str, Any] = {
        "PolicyInputList": [_policy(statement)],
        "ActionNames": ["s3:GetObject"],
    }
    result = iamspec.simulate_custom_policy(**(request | kwargs))
    return str(result["EvaluationResults"][0]["EvalDecision"])


# -- ForAllValues:Null / ForAnyValue:Null ----------------------------------------------------


@pytest.mark.parametrize("qualifier", ["ForAllValues", "ForAnyValue"])
def test_a_set_qualified_null_is_refused_and_says_to_write_null(qualifier: str) -> None:
    """Null tests whether a key is present ("Condition operators", Null condition operator);
    the set operators quantify over a key's values (single-vs-multivalued page), which guards
    ForAllValues with a plain ``"Null": {"aws:TagKeys": "false"}``. No page documents a
    qualified Null: refused, and the suggestion is Null itself, never the rejected name."""
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {f"{qualifier}:Null": {"aws:TagKeys": "false"}},
    }
    with pytest.raises(InvalidInputError) as info:
        _decide(statement)
    message = info.value.message
    assert f"unknown condition operator '{qualifier}:Null': Null takes no set qualifier" in message
    assert 'write "Null"' in message
    assert f"did you mean '{qualifier}:Null'" not in message


def test_suggestions_never_offer_a_qualified_null() -> None:
    assert all(":Null" not in name for name in suggest_operator("ForAllValues:Nul", limit=10))
    assert "Null" in suggest_operator("Nul")


# -- boolean context values other than true/false --------------------------------------------


@pytest.mark.parametrize("value", ["yes", "1", "on", "TRUEE", ""])
def test_a_boolean_context_value_other_than_true_or_false_is_invalid_input(value: str) -> None:
    """API_ContextEntry lists ContextKeyType ``boolean``; the Bool operator compares "true" or
    "false" ("Condition operators", Boolean condition operators). What AWS's simulator makes
    of "yes" is not documented (a Java-style parse would quietly read it as false, turning a
    typo into a decision): iamspec refuses it, naming the entry."""
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    entry = {
        "ContextKeyName": "aws:SecureTransport",
        "ContextKeyValues": [value],
        "ContextKeyType": "boolean",
    }
    with pytest.raises(InvalidInputError, match=r"ContextEntries\.1 \(aws:SecureTransport\)"):
        _decide(statement, ContextEntries=[entry])


@pytest.mark.parametrize(("value", "decision"), [("true", "allowed"), ("FALSE", "implicitDeny")])
def test_true_and_false_are_read_in_any_case(value: str, decision: str) -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    entry = {
        "ContextKeyName": "aws:SecureTransport",
        "ContextKeyValues": [value],
        "ContextKeyType": "boolean",
    }
    assert _decide(statement, ContextEntries=[entry]) == decision


# -- a wildcard in a Resource ARN's service segment ------------------------------------------


@pytest.mark.parametrize(
    ("element", "resource"),
    [
        ("Resource", "arn:aws:*:::bucket"),
        ("Resource", "arn:aws:s?:::bucket/*"),
        ("NotResource", "arn:aws:s3*:::bucket"),
        ("Resource", "arn:aws:*"),
    ],
)
def test_a_wildcard_in_the_service_segment_is_refused(element: str, resource: str) -> None:
    """The Resource page: "You can't use a wildcard in the service segment that identifies
    the AWS product." Refused at its position (it was accepted and matched every service)."""
    text = _policy({"Effect": "Allow", "Action": "s3:GetObject", element: resource})
    with pytest.raises(PolicyParseError) as info:
        parse_policy(text, "p.json")
    assert info.value.column == text.index(json.dumps(resource)) + 1
    assert "has a wildcard in its service segment" in info.value.reason
    assert info.value.reason.startswith(f"{element} {resource!r}")


@pytest.mark.parametrize(
    "resource",
    ["arn:*:s3:::bucket", "arn:aws:s3:*:*:*", "arn:*", "*", "arn:aws:s3:::*:*"],
)
def test_wildcards_elsewhere_in_the_arn_stay_allowed(resource: str) -> None:
    """Other segments take wildcards ("Using wildcards in resource ARNs")."""
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}
    assert _decide(statement, ResourceArns=["arn:aws:s3:::bucket"]) in ("allowed", "implicitDeny")


def test_a_service_wildcard_in_a_condition_arn_is_still_matched() -> None:
    """The rule is the Resource element's; ArnLike matches each of six parts with ``*`` and
    ``?`` ("Condition operators", ARN condition operators)."""
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:*:us-east-1:111122223333:*"}},
    }
    entry = {
        "ContextKeyName": "aws:SourceArn",
        "ContextKeyValues": ["arn:aws:sns:us-east-1:111122223333:topic"],
        "ContextKeyType": "string",
    }
    assert _decide(statement, ContextEntries=[entry]) == "allowed"


# -- a wildcard as an action's service prefix --------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "decision"),
    [
        ("*:GetObject", "s3:GetObject", "allowed"),
        ("*:GetObject", "s3:PutObject", "implicitDeny"),
        ("s?:GetObject", "s3:GetObject", "allowed"),
        ("*:*", "s3:PutObject", "allowed"),
    ],
)
def test_a_wildcard_service_prefix_in_an_action_is_matched(
    pattern: str, action: str, decision: str
) -> None:
    """The Action page allows ``*`` and ``?`` in action values ("s3:*", "iam:*AccessKey*")
    and ``"*"`` alone for every action of every service, and restricts nowhere where they
    stand; unlike the Resource page it has no rule against the service part. iamspec globs
    the whole ``service:action`` string, as before (docs/iam-semantics.md §4 and §8)."""
    statement = {"Effect": "Allow", "Action": pattern, "Resource": "*"}
    assert _decide(statement, ActionNames=[action]) == decision


# -- policy variables in Numeric, Date, IP, Binary and Null values ----------------------------


@pytest.mark.parametrize(
    ("operator", "key", "value", "family"),
    [
        ("NumericLessThan", "s3:max-keys", "${aws:PrincipalTag/max}", "Numeric"),
        ("NumericNotEquals", "s3:max-keys", "${aws:PrincipalTag/max}", "Numeric"),
        ("DateGreaterThan", "aws:CurrentTime", "${aws:PrincipalTag/after}", "Date"),
        ("IpAddress", "aws:SourceIp", "${aws:PrincipalTag/net}", "IP address"),
        ("NotIpAddressIfExists", "aws:SourceIp", "10.0.0.0/${aws:PrincipalTag/bits}", "IP address"),
        ("BinaryEquals", "aws:SourceIp", "${aws:PrincipalTag/blob}", "Binary"),
        ("Null", "aws:TokenIssueTime", "${aws:PrincipalTag/absent}", "Null"),
        ("ForAnyValue:NumericEquals", "s3:max-keys", "${aws:PrincipalTag/max}", "Numeric"),
    ],
)
def test_a_policy_variable_where_the_operator_takes_none_is_refused(
    operator: str, key: str, value: str, family: str
) -> None:
    """The operators page marks Numeric, Date, IP address and Binary operators "Policy
    variables: Not supported" (and Null compares true/false); Access Analyzer reports "Error -
    Invalid variable for operator". AWS documents no evaluation for it, and iamspec used to
    make a negated operator (NumericNotEquals) quietly true: now the value is an error at its
    position."""
    statement = {
        "Effect": "Deny",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {operator: {key: value}},
    }
    text = _policy(statement)
    with pytest.raises(PolicyParseError) as info:
        parse_policy(text, "p.json")
    assert info.value.column == text.index(json.dumps(value)) + 1
    assert f"policy variables are not supported by {family} operators" in info.value.reason


@pytest.mark.parametrize(
    ("operator", "value"),
    [("StringEquals", "${aws:username}"), ("ArnLike", "arn:aws:iam::*:user/${aws:username}")],
)
def test_variables_stay_supported_in_string_arn_and_bool(operator: str, value: str) -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {operator: {"aws:PrincipalArn": value}, "Bool": {"aws:x": "${aws:y}"}},
    }
    assert parse_policy(_policy(statement), "p.json").statements[0].conditions


def test_before_2012_10_17_such_text_is_literal_and_allowed() -> None:
    """Without Version 2012-10-17 ``${...}`` is plain text (Variables page), so it is no
    variable: the value is simply not a number."""
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:x}"}},
    }
    assert parse_policy(_policy(statement, version="2008-10-17"), "p.json").statements
