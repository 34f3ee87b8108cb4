"""``ContextEntries``: all twelve ``ContextKeyType``s reach the conditions, their values
are checked, malformed entries are ``InvalidInput``, key names match case-insensitively.

Sources: botocore's IAM model 1.44.8 (``ContextEntry``, ``ContextKeyTypeEnum``);
https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html;
docs/iam-semantics.md section 1.2.
"""

from __future__ import annotations

import pytest

from iamspec.errors import InvalidInputError
from tests.simulate.kit import (
    DEPARTMENT,
    allow,
    context_entry,
    doc,
    evaluation_result,
    simulate_custom,
)

CONTEXT_TYPES = [
    # ContextKeyType, values, a condition that reads them, expected decision
    ("string", ["Test"], {"StringEquals": {"aws:ResourceTag/Department": "Test"}}, "allowed"),
    (
        "stringList",
        ["Department", "Owner"],
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "Owner"}},
        "allowed",
    ),
    ("numeric", ["5"], {"NumericLessThan": {"s3:max-keys": "10"}}, "allowed"),
    ("numeric", ["12.5"], {"NumericLessThan": {"s3:max-keys": "10"}}, "implicitDeny"),
    ("numericList", ["1", "2"], {"ForAllValues:NumericLessThan": {"s3:max-keys": "3"}}, "allowed"),
    ("boolean", ["true"], {"Bool": {"aws:SecureTransport": "true"}}, "allowed"),
    ("boolean", ["false"], {"Bool": {"aws:SecureTransport": "true"}}, "implicitDeny"),
    (
        "booleanList",
        ["false", "true"],
        {"ForAnyValue:Bool": {"aws:SecureTransport": "true"}},
        "allowed",
    ),
    (
        "date",
        ["2019-04-25T11:00:00Z"],
        {"DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
        "allowed",
    ),
    (
        "date",
        ["1556190000"],  # epoch seconds: 2019-04-25
        {"DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
        "allowed",
    ),
    (
        "dateList",
        ["2017-01-01T00:00:00Z", "2019-01-01T00:00:00Z"],
        {"ForAnyValue:DateGreaterThan": {"aws:CurrentTime": "2018-08-16T12:00:00Z"}},
        "allowed",
    ),
    ("ip", ["203.0.113.7"], {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "allowed"),
    ("ip", ["2001:db8::1"], {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, "allowed"),
    ("ip", ["198.51.100.1"], {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "implicitDeny"),
    (
        "ipList",
        ["198.51.100.1", "203.0.113.7"],
        {"ForAnyValue:IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        "allowed",
    ),
    ("binary", ["aGVsbG8="], {"BinaryEquals": {"s3:x-amz-meta-key": "aGVsbG8="}}, "allowed"),
    (
        "binaryList",
        ["d29ybGQ=", "aGVsbG8="],
        {"ForAnyValue:BinaryEquals": {"s3:x-amz-meta-key": "aGVsbG8="}},
        "allowed",
    ),
]


@pytest.mark.parametrize(("kind", "values", "condition", "decision"), CONTEXT_TYPES)
def test_every_context_key_type_is_accepted_and_reaches_the_conditions(
    kind, values, condition, decision
):
    ((_, block),) = condition.items()
    ((key, _),) = block.items()
    policy = doc(allow("s3:GetObject", Condition=condition))
    result = evaluation_result(
        simulate_custom(
            [policy], ["s3:GetObject"], ContextEntries=[context_entry(key, values, kind)]
        )
    )
    assert result["EvalDecision"] == decision


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("numeric", ["abc"], "'abc' is not a number"),
        ("numeric", ["NaN"], "'NaN' is not a number"),
        ("numericList", ["1", "x"], "'x' is not a number"),
        ("boolean", ["yes"], "'yes' is not a boolean"),
        ("booleanList", ["true", "1"], "'1' is not a boolean"),
        ("date", ["yesterday"], "'yesterday' is not a date"),
        ("dateList", ["2019-04-25 11:00"], "'2019-04-25 11:00' is not a date"),
        ("ip", ["300.1.1.1"], "'300.1.1.1' is not an IPv4 or IPv6 address"),
        ("ip", ["203.0.113.0/24"], "is not an IPv4 or IPv6 address"),
        ("ipList", ["10.0.0.1", "nope"], "'nope' is not an IPv4 or IPv6 address"),
        ("binary", ["not base64!"], "is not valid base64"),
        ("binaryList", ["aGVsbG8=", "%%"], "is not valid base64"),
        ("integer", ["1"], "unknown ContextKeyType 'integer'"),
        ("String", ["x"], "unknown ContextKeyType 'String'"),
    ],
)
def test_bad_context_values_are_invalid_input(kind, values, message):
    with pytest.raises(InvalidInputError, match=r"ContextEntries\.1") as caught:
        simulate_custom(
            [DEPARTMENT],
            ["s3:GetObject"],
            ContextEntries=[context_entry("aws:SomeKey", values, kind)],
        )
    assert message in caught.value.message
    assert caught.value.code == "InvalidInput"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"ContextKeyName": "aws:SomeKey", "ContextKeyValues": ["x"]}], "unknown ContextKeyType"),
        (
            [context_entry("aws:username", "a"), context_entry("AWS:UserName", "b")],
            "given more than once",
        ),
        (["aws:username=alice"], "must be a ContextEntry structure"),
        (
            [
                {
                    "ContextKeyName": "aws:username",
                    "ContextKeyValues": "alice",
                    "ContextKeyType": "string",
                }
            ],
            "must be a list of strings",
        ),
    ],
)
def test_malformed_context_entries(entries, message):
    with pytest.raises(InvalidInputError, match=message):
        simulate_custom([DEPARTMENT], ["s3:GetObject"], ContextEntries=entries)


def test_context_key_names_match_case_insensitively():
    # docs/iam-semantics.md 1.2: a blog passed aws:principalarn and it drove aws:PrincipalArn.
    result = evaluation_result(
        simulate_custom(
            [DEPARTMENT],
            ["connect:DescribeUser"],
            ContextEntries=[context_entry("AWS:RESOURCETAG/department", "Test")],
        )
    )
    assert result["EvalDecision"] == "allowed"
