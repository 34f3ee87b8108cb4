"""The condition-operator layer: every operator family, set qualifiers, IfExists, Null,
missing keys and policy variables.

Tables are row-driven through one helper, :func:`_check`. A row is
``(operator, key, policy values, request value, expected matched, reason fragment)``, where
the request value is ``None`` (key absent), a string (single-valued key) or a list
(multivalued key, i.e. a ``...List`` context type). Rows that need more context (policy
variables) add ``extra`` entries.

Sources, all under https://docs.aws.amazon.com/IAM/latest/UserGuide/ :
- OPS   = reference_policies_elements_condition_operators.html
- MULTI = reference_policies_condition-single-vs-multi-valued-context-keys.html
- LOGIC = reference_policies_condition-logic-multiple-context-keys-or-values.html
- COND  = reference_policies_elements_condition.html
- VARS  = reference_policies_variables.html
Rows marked [INF] test a documented inference of ours (see the module docstrings).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from iamspec import wildcards
from iamspec.engine.conditions import (
    OPERATORS,
    ConditionResult,
    compile_condition,
    parse_operator,
)
from iamspec.engine.conditions import arn as arn_family
from iamspec.engine.conditions import numeric as numeric_family
from iamspec.engine.conditions import strings as string_family
from iamspec.engine.conditions.clause import _new_result
from iamspec.engine.context import ContextValue, RequestContext
from iamspec.policy.model import ConditionClause, Located, Position

_POS = Position(1, 1)
RequestValue = str | list[str] | None


def _clause(operator: str, key: str, values: Sequence[str]) -> ConditionClause:
    return ConditionClause(
        Located(operator, _POS), Located(key, _POS), tuple(Located(v, _POS) for v in values)
    )


def _context(key: str, request: RequestValue, extra: Mapping[str, RequestValue]) -> RequestContext:
    entries: list[ContextValue] = []
    for name, value in {key: request, **extra}.items():
        if value is None:
            continue
        if isinstance(value, str):
            entries.append(ContextValue(name, (value,)))
        else:
            entries.append(ContextValue(name, tuple(value), multivalued=True))
    return RequestContext(entries)


def _evaluate(
    operator: str,
    key: str,
    values: Sequence[str],
    request: RequestValue,
    extra: Mapping[str, RequestValue] | None = None,
    *,
    variables: bool = True,
) -> ConditionResult:
    compiled = compile_condition(_clause(operator, key, values), variables_enabled=variables)
    return compiled.evaluate(_context(key, request, extra or {}))


@dataclass(frozen=True)
class Case:
    """One table row."""

    operator: str
    key: str
    values: Sequence[str]
    given: RequestValue
    matched: bool
    fragment: str
    extra: Mapping[str, RequestValue]
    variables: bool


def row(
    operator: str,
    key: str,
    values: Sequence[str],
    given: RequestValue,
    matched: bool,
    fragment: str,
    *,
    extra: Mapping[str, RequestValue] | None = None,
    variables: bool = True,
    id: str | None = None,
) -> Any:
    """A table row: ``given`` is the request value (None absent, list multivalued)."""
    case = Case(operator, key, values, given, matched, fragment, extra or {}, variables)
    return pytest.param(case, id=id or f"{operator}:{values}:{given}")


def _check(case: Case) -> None:
    """The single helper every table goes through."""
    result = _evaluate(
        case.operator, case.key, case.values, case.given, case.extra, variables=case.variables
    )
    assert result.matched is case.matched, result.reason
    assert case.fragment in result.reason, result.reason
    assert "\n" not in result.reason
    assert result.operator == case.operator
    assert result.key == case.key
    assert result.expected == tuple(case.values)
    assert result.key_absent is (case.given is None)
    if case.given is None:
        assert result.actual is None
    else:
        given = case.given
        assert result.actual == ((given,) if isinstance(given, str) else tuple(given))


# -- String (OPS #Conditions_String; LOGIC for several values) ----------------------------

STRING_ROWS = [
    row("StringEquals", "aws:ResourceTag/Department", ["Test"], "Test", True, "matches 'Test'"),
    row(
        "StringEquals",
        "aws:ResourceTag/Department",
        ["Test"],
        "Prod",
        False,
        "aws:ResourceTag/Department is 'Prod'; StringEquals expects 'Test'",
        id="brief-example-mismatch",
    ),
    row("StringEquals", "aws:ResourceTag/Dept", ["Test"], "test", False, "expects 'Test'"),
    row("StringEquals", "k", ["a", "b"], "b", True, "matches 'b'", id="values-are-ORed"),
    row("StringEquals", "k", ["a", "b"], "c", False, "expects one of 'a', 'b'"),
    row("StringEquals", "k", ["pre*"], "prefix", False, "expects 'pre*'", id="no-wildcards"),
    row("StringEquals", "k", ["pre*"], "pre*", True, "matches 'pre*'", id="star-is-literal"),
    row("StringNotEquals", "aws:PrincipalTag/role", ["audit", "security"], "dev", True, "none of"),
    row(
        "StringNotEquals",
        "aws:PrincipalTag/role",
        ["audit", "security"],
        "security",
        False,
        "fails: it matches 'security'",
        id="values-are-NORed",
    ),
    row("StringEqualsIgnoreCase", "k", ["Public"], "PUBLIC", True, "matches 'Public'"),
    row("StringEqualsIgnoreCase", "k", ["public"], "private", False, "expects 'public'"),
    row("StringNotEqualsIgnoreCase", "k", ["Public"], "pUbLiC", False, "fails"),
    row("StringNotEqualsIgnoreCase", "k", ["Public"], "private", True, "does not match"),
    row("StringLike", "s3:prefix", ["home/*"], "home/a/b.txt", True, "matches 'home/*'"),
    row("StringLike", "s3:prefix", ["home/?"], "home/ab", False, "expects like 'home/?'"),
    row("StringLike", "s3:prefix", ["home/??"], "home/ab", True, "matches"),
    row("StringLike", "s3:prefix", ["home"], "home/x", False, "like", id="partial-needs-star"),
    row("StringLike", "s3:prefix", ["Home/*"], "home/x", False, "like", id="like-case-sensitive"),
    row("StringNotLike", "s3:prefix", ["tmp/*", "scratch/*"], "home/x", True, "is not like any of"),
    row("StringNotLike", "s3:prefix", ["tmp/*", "scratch/*"], "tmp/x", False, "'tmp/*'"),
]


@pytest.mark.parametrize("case", STRING_ROWS)
def test_string_operators(case: Case) -> None:
    """OPS #Conditions_String; several values: LOGIC (OR, NOR for negated operators)."""
    _check(case)


# -- Numeric (OPS #Conditions_Numeric) -------------------------------------------------------

NUMERIC_ROWS = [
    row("NumericEquals", "s3:max-keys", ["10"], "10", True, "matches '10'"),
    row("NumericEquals", "s3:max-keys", ["10"], "10.0", True, "matches", id="decimal-equals-int"),
    row("NumericEquals", "s3:max-keys", ["0.1"], "0.10", True, "matches", id="exact-decimal"),
    row("NumericNotEquals", "s3:max-keys", ["10", "20"], "15", True, "none of"),
    row("NumericNotEquals", "s3:max-keys", ["10", "20"], "20", False, "matches '20'"),
    row("NumericLessThan", "s3:max-keys", ["10"], "9.5", True, "matches"),
    row("NumericLessThan", "s3:max-keys", ["10"], "10", False, "expects less than '10'"),
    row("NumericLessThanEquals", "s3:max-keys", ["10"], "10", True, "matches"),
    row("NumericGreaterThan", "aws:MultiFactorAuthAge", ["3600"], "7200", True, "matches"),
    row("NumericGreaterThan", "aws:MultiFactorAuthAge", ["-1"], "-2", False, "more than '-1'"),
    row("NumericGreaterThanEquals", "k", ["3600"], "3600", True, "matches"),
    row("NumericGreaterThanEquals", "k", ["3600"], "3599.999", False, "at least '3600'"),
    row(
        "NumericEquals",
        "k",
        ["ten"],
        "10",
        False,
        "policy value 'ten' is not a number, so it matches nothing",
        id="bad-policy-value-positive",
    ),
    row(
        "NumericNotEquals",
        "k",
        ["ten"],
        "10",
        True,
        "policy value 'ten' is not a number",
        id="bad-policy-value-negated[INF]",
    ),
    row(
        "NumericEquals",
        "k",
        ["10"],
        "ten",
        False,
        "is 'ten', which is not a number",
        id="bad-request-value-positive",
    ),
    row(
        "NumericNotEquals",
        "k",
        ["10"],
        "ten",
        False,
        "which is not a number",
        id="bad-request-value-negated[INF]",
    ),
    row("NumericEquals", "k", ["1e3"], "1000", False, "is not a number", id="no-exponent[INF]"),
    row(
        "NumericEquals",
        "k",
        ["${aws:x}"],
        "1",
        False,
        "not supported by Numeric operators",
        extra={"aws:x": "1"},
        id="no-variables",
    ),
]


@pytest.mark.parametrize("case", NUMERIC_ROWS)
def test_numeric_operators(case: Case) -> None:
    """OPS #Conditions_Numeric: integers and decimals, compared as numbers."""
    _check(case)


# -- Date (OPS #Conditions_Date; W3C profile of ISO 8601) ----------------------------------

T = "aws:CurrentTime"
DATE_ROWS = [
    row("DateGreaterThan", T, ["2020-01-01T00:00:00Z"], "2020-01-01T00:00:01Z", True, "matches"),
    row("DateGreaterThan", T, ["2020-01-01T00:00:00Z"], "2020-01-01T00:00:00Z", False, "after"),
    row("DateEquals", T, ["2020-01-01T01:00:00+01:00"], "2020-01-01T00:00:00Z", True, "matches"),
    row("DateEquals", T, ["2020-01-01T00:00-05:00"], "2020-01-01T05:00:00Z", True, "matches"),
    row("DateEquals", T, ["2020-01-01"], "2020-01-01T00:00:00Z", True, "matches", id="day[INF]"),
    row("DateEquals", T, ["2020-03"], "2020-03-01T00:00:00Z", True, "matches", id="month[INF]"),
    row("DateEquals", T, ["2020"], "2020-01-01T00:00:00Z", True, "matches", id="year[INF]"),
    row("DateLessThan", T, ["2020-01-01T00:00:00.5Z"], "2020-01-01T00:00:00.25Z", True, "matches"),
    row("DateLessThanEquals", T, ["2020-01-01T00:00:00Z"], "2020-01-01T00:00:00.001Z", False, ""),
    row("DateGreaterThanEquals", T, ["2020-01-01T00:00:00Z"], "1577836800", True, "matches"),
    row("DateGreaterThanEquals", "aws:EpochTime", ["1577836800"], "1577836799", False, "at or"),
    row("DateLessThan", "aws:EpochTime", ["2020-01-01T00:00:00Z"], "1577836799.5", True, "match"),
    row("DateNotEquals", T, ["2020-01-01T00:00:00Z"], "2020-01-02T00:00:00Z", True, "does not"),
    row("DateNotEquals", T, ["2020-01-01T00:00:00Z"], "2020-01-01T00:00:00Z", False, "fails"),
    row("DateEquals", T, ["2020-13-01"], "2020-01-01", False, "is not a date", id="month-13"),
    row("DateEquals", T, ["2020-01-01T10:00"], "2020-01-01", False, "is not a date", id="no-tzd"),
    row("DateEquals", T, ["tomorrow"], "2020-01-01", False, "'tomorrow' is not a date"),
    row("DateLessThan", T, ["2020-01-01"], "01/01/2019", False, "which is not a date"),
]


@pytest.mark.parametrize("case", DATE_ROWS)
def test_date_operators(case: Case) -> None:
    """OPS #Conditions_Date: W3C ISO 8601 forms or epoch seconds, compared as instants."""
    _check(case)


# -- Bool (OPS #Conditions_Boolean; docs/iam-semantics.md section 5) --------------------

S = "aws:SecureTransport"
BOOL_ROWS = [
    row("Bool", S, ["true"], "true", True, "matches 'true'"),
    row("Bool", S, ["true"], "false", False, "expects 'true'"),
    row("Bool", S, ["false"], "false", True, "matches 'false'"),
    row("Bool", S, ["true"], "TRUE", True, "matches", id="request-any-case[INF]"),
    row("Bool", S, ["yes"], "true", False, "policy value 'yes' is not a boolean", id="yes"),
    row("Bool", S, ["TRUE"], "true", False, "is not a boolean", id="TRUE-unverified"),
    row("Bool", S, ["true"], "maybe", False, "'maybe', which is not a boolean"),
    row("Bool", S, ["true"], None, False, "is absent; Bool needs it"),
    row("ForAllValues:Bool", "k", ["true"], ["true", "true"], True, "every value matches"),
    row("ForAllValues:Bool", "k", ["true"], ["true", "false"], False, "'false' does not match"),
    row("ForAnyValue:Bool", "k", ["true"], ["false", "true"], True, "'true' matches 'true'"),
    row("ForAllValues:Bool", "k", ["true"], None, True, "ForAllValues is true for an absent key"),
]


@pytest.mark.parametrize("case", BOOL_ROWS)
def test_bool_operator(case: Case) -> None:
    """OPS #Conditions_Boolean. Only true/false are documented; other spellings never equal."""
    _check(case)


# -- Binary (OPS #Conditions_BinaryEquals) --------------------------------------------------

B64 = base64.b64encode(b"\x00\x01binary").decode()
OTHER = base64.b64encode(b"other").decode()
BINARY_ROWS = [
    row("BinaryEquals", "k", [B64], B64, True, f"matches '{B64}'"),
    row("BinaryEquals", "k", [B64], OTHER, False, f"expects '{B64}'"),
    row("BinaryEquals", "k", ["not base64!"], B64, False, "is not valid base64"),
    row("BinaryEquals", "k", [B64], "%%%", False, "which is not valid base64"),
]


@pytest.mark.parametrize("case", BINARY_ROWS)
def test_binary_operator(case: Case) -> None:
    """OPS #Conditions_BinaryEquals: base64 on both sides, compared byte for byte."""
    _check(case)


# -- IP (OPS #Conditions_IPAddress) ---------------------------------------------------------

IP = "aws:SourceIp"
IP_ROWS = [
    row("IpAddress", IP, ["203.0.113.0/24"], "203.0.113.7", True, "matches '203.0.113.0/24'"),
    row("IpAddress", IP, ["203.0.113.0/24"], "198.51.100.7", False, "expects an address in"),
    row("IpAddress", IP, ["203.0.113.7"], "203.0.113.7", True, "matches", id="default-/32"),
    row("IpAddress", IP, ["203.0.113.7"], "203.0.113.8", False, "an address in", id="/32-only"),
    row("IpAddress", IP, ["2001:DB8::/32"], "2001:db8:1::1", True, "matches"),
    row("IpAddress", IP, ["2001:db8::1"], "2001:db8::1", True, "matches", id="v6-/128[INF]"),
    row("IpAddress", IP, ["2001:db8::1"], "2001:db8::2", False, "address in", id="v6-/128-only"),
    row("IpAddress", IP, ["0.0.0.0/0"], "2001:db8::1", False, "address in", id="v6-not-in-v4"),
    row("IpAddress", IP, ["10.1.2.3/8"], "10.200.0.1", True, "matches", id="host-bits[INF]"),
    row(
        "NotIpAddress",
        IP,
        ["10.0.0.0/8", "192.168.0.0/16"],
        "203.0.113.7",
        True,
        "not an address in any",
    ),
    row("NotIpAddress", IP, ["10.0.0.0/8", "192.168.0.0/16"], "10.1.1.1", False, "'10.0.0.0/8'"),
    row("IpAddress", IP, ["10.0.0.0/33"], "10.0.0.1", False, "is not an IPv4 or IPv6 address"),
    row("IpAddress", IP, ["10.0.0.0/8"], "10.0.0.0/8", False, "which is not an IPv4 or IPv6"),
    row("NotIpAddress", IP, ["10.0.0.0/8"], None, True, "NotIpAddress is true for an absent"),
]


@pytest.mark.parametrize("case", IP_ROWS)
def test_ip_operators(case: Case) -> None:
    """OPS #Conditions_IPAddress: IPv4/IPv6 CIDR; no prefix means /32 (and /128 for IPv6)."""
    _check(case)


# -- ARN (OPS #Conditions_ARN) ---------------------------------------------------------------

DOC_PATTERN = "arn:aws:someservice:*:111122223333:finance/*"
DOC_REQUEST = (
    "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
)
ROLE = "arn:aws:iam::111122223333:role/Admin"
ARN_ROWS = [
    row("StringLike", "aws:SourceArn", [DOC_PATTERN], DOC_REQUEST, True, "matches", id="doc-str"),
    row("ArnLike", "aws:SourceArn", [DOC_PATTERN], DOC_REQUEST, False, "a match for", id="doc-arn"),
    row("ArnEquals", "aws:PrincipalArn", [ROLE], ROLE, True, f"matches '{ROLE}'"),
    row("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::*:role/Ad*"], ROLE, True, "matches"),
    row("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/*"], ROLE, True, "match"),
    row("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/admin"], ROLE, False, ""),
    row("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::11112222333?:role/Admin"], ROLE, True, ""),
    row("ArnLike", "aws:PrincipalArn", ["arn:aws:iam:*:role/Admin"], ROLE, False, "is not an ARN"),
    row("ArnLike", "aws:PrincipalArn", ["*"], ROLE, False, "'*' is not an ARN", id="bare-star"),
    row("ArnLike", "aws:SourceArn", ["arn:aws:s3:::*"], "not-an-arn", False, "which is not an ARN"),
    row("ArnLike", "aws:SourceArn", ["arn:aws:s3:::*"], "arn:aws:s3:bucket", False, "not an ARN"),
    row("ArnLike", "aws:SourceArn", ["arn:aws:sns:*:*:t*"], "arn:aws:sns:eu:1:t:x:y", True, ""),
    row("ArnLike", "aws:SourceArn", ["arn:aws:*:eu:1:t"], "arn:aws:sns:x:eu:1:t", False, "match"),
    row("ArnNotLike", "aws:SourceArn", ["arn:aws:s3:::safe-*"], "arn:aws:s3:::other", True, ""),
    row("ArnNotEquals", "aws:SourceArn", ["arn:aws:s3:::safe-*"], "arn:aws:s3:::safe-1", False, ""),
    row("ArnNotEquals", "aws:SourceArn", ["arn:aws:s3:::x"], None, True, "true for an absent"),
]


@pytest.mark.parametrize("case", ARN_ROWS)
def test_arn_operators(case: Case) -> None:
    """OPS #Conditions_ARN: each of the six colon-delimited parts matched separately.

    Includes the page's StringLike-vs-ArnLike example: the first ``*`` may cross colons under
    StringLike but only match ``us-east-2`` under ArnLike.
    """
    _check(case)


# -- Set operators (MULTI; docs/iam-semantics.md section 5) ------------------------------

TK = "aws:TagKeys"
ENV_CC = ["environment", "cost-center"]
SET_ROWS = [
    # The worked example of MULTI: ForAllValues:StringEquals on aws:TagKeys.
    row("ForAllValues:StringEquals", TK, ENV_CC, ["environment"], True, "every value matches"),
    row(
        "ForAllValues:StringEquals",
        TK,
        ENV_CC,
        ["environment", "dept"],
        False,
        "'dept' matches none of 'environment', 'cost-center'",
    ),
    row(
        "ForAllValues:StringEquals",
        TK,
        ENV_CC,
        None,
        True,
        "aws:TagKeys is absent; ForAllValues is true for an absent key",
        id="doc-absent-true",
    ),
    row("ForAllValues:StringEquals", TK, ENV_CC, [], True, "ForAllValues is true for an empty"),
    row("ForAllValues:StringEquals", TK, ENV_CC, "environment", True, "every", id="single-key"),
    # ForAllValues with a negated operator: no request value may match any policy value.
    row("ForAllValues:StringNotEquals", TK, ENV_CC, ["dept", "owner"], True, "no value matches"),
    row(
        "ForAllValues:StringNotEquals",
        TK,
        ENV_CC,
        ["dept", "environment"],
        False,
        "'environment' matches 'environment'",
    ),
    row("ForAllValues:StringNotLike", "aws:ResourceOrgPaths", ["o-a/*"], None, True, "absent"),
    # ForAnyValue: at least one request value must match; false when absent or empty.
    row("ForAnyValue:StringEquals", TK, ENV_CC, ["dept", "environment"], True, "'environment'"),
    row("ForAnyValue:StringEquals", TK, ENV_CC, ["dept", "owner"], False, "no value matches"),
    row("ForAnyValue:StringEquals", TK, ENV_CC, None, False, "ForAnyValue needs at least one"),
    row("ForAnyValue:StringEquals", TK, ENV_CC, [], False, "ForAnyValue is false for an empty"),
    row("ForAnyValue:StringEquals", TK, ["Environment"], ["environment"], False, "no value"),
    row("ForAnyValue:StringEqualsIgnoreCase", TK, ["Environment"], ["environment"], True, ""),
    # ForAnyValue with a negated operator: some request value matches none of the values.
    row("ForAnyValue:StringNotEquals", TK, ENV_CC, ["environment", "dept"], True, "'dept' matches"),
    row(
        "ForAnyValue:StringNotEquals",
        TK,
        ENV_CC,
        ["environment", "cost-center"],
        False,
        "every value matches one of",
    ),
    row("ForAnyValue:StringNotEquals", TK, ENV_CC, None, False, "needs at least one value"),
    row(
        "ForAnyValue:StringLike",
        "connect:FlowType",
        ["CONTACT_*"],
        ["AGENT", "CONTACT_X"],
        True,
        "",
    ),
    row(
        "ForAllValues:NumericLessThan",
        "k",
        ["10"],
        ["1", "2", "12"],
        False,
        "'12' is not less than '10'",
    ),
    row("ForAllValues:NumericLessThan", "k", ["10"], ["1", "x"], False, "'x' is not a number"),
    row("ForAnyValue:IpAddress", "k", ["10.0.0.0/8"], ["1.1.1.1", "10.0.0.1"], True, "'10.0.0.1'"),
]


@pytest.mark.parametrize("case", SET_ROWS)
def test_set_operators(case: Case) -> None:
    """MULTI: ForAllValues (true when absent/empty) and ForAnyValue (false when absent/empty),
    with positive and negated inner operators. OPS's own table shows
    ForAllValues:StringNotLike on an absent aws:ResourceOrgPaths as "No match"; we follow the
    general rule stated everywhere else (true), per docs/iam-semantics.md section 8."""
    _check(case)


# -- Plain operators on multivalued keys ([UNVERIFIED] in AWS; our documented choice) -------

PLAIN_MULTI_ROWS = [
    row("StringEquals", TK, ["a"], ["b", "a"], True, "matches 'a'", id="positive-as-ForAnyValue"),
    row("StringEquals", TK, ["a"], ["b", "c"], False, "no value matches 'a'"),
    row(
        "StringNotEquals", TK, ["a"], ["b", "c"], True, "no value matches 'a'", id="negated-NOR-all"
    ),
    row("StringNotEquals", TK, ["a"], ["b", "a"], False, "'a' matches 'a'"),
    row("StringEquals", TK, ["a"], [], False, "has no values; StringEquals needs a value"),
    row("StringNotEquals", TK, ["a"], [], True, "has no values; StringNotEquals is true"),
]


@pytest.mark.parametrize("case", PLAIN_MULTI_ROWS)
def test_plain_operator_on_multivalued_key(case: Case) -> None:
    """[INF] A plain positive operator behaves as ForAnyValue; a plain negated operator is
    the complement of its positive form (no request value may match any policy value)."""
    _check(case)


# -- IfExists (OPS #Conditions_IfExists) ----------------------------------------------------

IFEXISTS_ROWS = [
    row("StringEqualsIfExists", "ec2:InstanceType", ["t2.micro"], None, True, "true for an absent"),
    row("StringEqualsIfExists", "ec2:InstanceType", ["t2.micro"], "t2.micro", True, "matches"),
    row("StringEqualsIfExists", "ec2:InstanceType", ["t2.micro"], "m5.large", False, "expects"),
    row("StringNotEqualsIfExists", "k", ["a"], None, True, "StringNotEqualsIfExists is true"),
    row("StringNotEqualsIfExists", "k", ["a"], "a", False, "fails", id="negated-still-applies"),
    row("StringNotEqualsIfExists", "k", ["a"], "b", True, "does not match 'a'"),
    row("NumericLessThanIfExists", "k", ["5"], None, True, "true for an absent key"),
    row("IpAddressIfExists", IP, ["10.0.0.0/8"], "11.0.0.1", False, "an address in"),
    row("ArnLikeIfExists", "aws:SourceArn", ["arn:aws:s3:::b"], None, True, "absent"),
    row("BoolIfExists", S, ["true"], None, True, "BoolIfExists is true for an absent key"),
    row("ForAnyValue:StringEqualsIfExists", TK, ["a"], None, True, "true for an absent key"),
    row("ForAnyValue:StringEqualsIfExists", TK, ["a"], ["b"], False, "no value matches"),
    row("ForAllValues:StringEqualsIfExists", TK, ["a"], ["a", "b"], False, "'b' does not match"),
]


@pytest.mark.parametrize("case", IFEXISTS_ROWS)
def test_if_exists(case: Case) -> None:
    """OPS #Conditions_IfExists: true when the key is absent, for positive and negated forms;
    when present, the base test (negated or not) applies unchanged."""
    _check(case)


# -- Null (OPS #Conditions_Null) ------------------------------------------------------------

NULL_ROWS = [
    row("Null", "aws:TokenIssueTime", ["true"], None, True, "Null 'true' holds (absent)"),
    row("Null", "aws:TokenIssueTime", ["true"], "2020-01-01", False, "needs the key to be absent"),
    row("Null", TK, ["false"], ["a"], True, "Null 'false' holds (present)"),
    row("Null", TK, ["false"], None, False, "is absent; Null 'false' needs the key to be present"),
    row("Null", TK, ["false"], [], False, "has no values", id="empty-is-null[INF]"),
    row("Null", TK, ["yes"], None, False, "policy value 'yes' is not true or false"),
    row("Null", TK, ["true", "false"], None, True, "holds", id="values-ORed"),
]


@pytest.mark.parametrize("case", NULL_ROWS)
def test_null_operator(case: Case) -> None:
    """OPS #Conditions_Null: "true" means the key is absent, "false" that it is present."""
    _check(case)


# -- A key missing from the request (OPS, "condition key is not present") ------------------

NEGATED = [
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "NumericNotEquals",
    "DateNotEquals",
    "NotIpAddress",
    "ArnNotEquals",
    "ArnNotLike",
]
POSITIVE = [name for name in OPERATORS if name not in NEGATED and name != "Null"]
MISSING_ROWS = [
    *(
        row(op, "aws:RequestTag/Owner", ["1"], None, False, f"absent; {op} needs it")
        for op in POSITIVE
    ),
    *(
        row(op, "k", ["1"], None, True, f"k is absent; {op} is true for an absent")
        for op in NEGATED
    ),
    row(
        "StringEquals",
        "aws:RequestTag/Owner",
        ["alice"],
        None,
        False,
        "aws:RequestTag/Owner is absent; StringEquals needs it",
        id="brief-example-absent",
    ),
]


@pytest.mark.parametrize("case", MISSING_ROWS)
def test_missing_key(case: Case) -> None:
    """OPS: an absent key makes every positive operator false and every negated one true."""
    _check(case)


# -- Policy variables (VARS) ----------------------------------------------------------------

PT = "aws:PrincipalTag/team"
VARIABLE_ROWS = [
    row("StringEquals", "aws:ResourceTag/team", ["${aws:PrincipalTag/team}"], "blue", True,
        "matches 'blue'", extra={PT: "blue"}),
    row("StringEquals", "aws:ResourceTag/team", ["${aws:PrincipalTag/team}"], "red", False,
        "expects 'blue'", extra={PT: "blue"}),
    row("StringEquals", "aws:ResourceTag/team", ["${aws:PrincipalTag/team, 'company-wide'}"],
        "company-wide", True, "matches 'company-wide'", id="default-used"),
    row("StringEquals", "aws:ResourceTag/team", ["${aws:PrincipalTag/team, 'company-wide'}"],
        "blue", True, "matches 'blue'", extra={PT: "blue"}, id="default-unused"),
    row("StringLike", "s3:prefix", ["home/${aws:username}/*"], "home/alice/x", True,
        "matches 'home/alice/*'", extra={"aws:username": "alice"}),
    row("StringLike", "s3:prefix", ["home/${aws:username}/*"], "home/bob/x", False,
        "expects like 'home/alice/*'", extra={"aws:username": "alice"}),
    row("StringLike", "s3:prefix", ["${aws:username}"], "anything", False,
        "expects like '*'", extra={"aws:username": "*"}, id="substituted-star-is-literal"),
    row("StringLike", "s3:prefix", ["${aws:username}"], "*", True, "matches '*'",
        extra={"aws:username": "*"}, id="substituted-star-matches-itself"),
    row("StringLike", "s3:prefix", ["a${?}"], "ab", False, "expects like 'a?'", id="const-?"),
    row("StringLike", "s3:prefix", ["${*}/*"], "*/x", True, "matches '*/*'", id="const-*"),
    row("StringLike", "s3:prefix", ["${*}/*"], "a/x", False, "like '*/*'", id="const-*-literal"),
    row("StringEquals", "k", ["${$}{x}"], "${x}", True, "matches", id="const-$"),
    row("StringEquals", "k", ["${aws:username}"], "alice", False,
        "${aws:username} resolved to nothing (aws:username is absent",
        id="missing-variable-positive"),
    row("StringEquals", "k", ["${aws:username}", "bob"], "bob", True, "matches 'bob'",
        id="missing-variable-other-values-still-count"),
    # VARS: a Deny with StringNotEquals {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}
    # denies callers who have no Team tag.
    row("StringNotEquals", "s3:ExistingObjectTag/Team", ["${aws:PrincipalTag/Team}"], "blue",
        True, "StringNotEquals holds: no policy value can match it; ${aws:PrincipalTag/Team} "
        "resolved to nothing", id="missing-variable-negated-doc-example"),
    row("StringNotEquals", "s3:ExistingObjectTag/Team", ["${aws:PrincipalTag/Team}"], "blue",
        False, "fails: it matches 'blue'", extra={"aws:PrincipalTag/Team": "blue"}),
    row("StringLike", "k", ["${aws:CalledVia}"], "x", False, "multivalued",
        extra={"aws:CalledVia": ["x"]}, id="multivalued-key-not-a-variable"),
    row("StringEquals", "k", ["${aws:username}"], "${aws:username}", True, "matches",
        variables=False, id="version-2008-literal"),
    row("ArnLike", "aws:SourceArn", ["arn:aws:s3:::${aws:username}-*"], "arn:aws:s3:::al-1",
        True, "matches 'arn:aws:s3:::al-*'", extra={"aws:username": "al"}),
    row("ArnEquals", "aws:SourceArn", ["${aws:PrincipalArn}"], ROLE, True, "matches",
        extra={"aws:PrincipalArn": ROLE}, id="arn-split-after-substitution[INF]"),
    row("ArnLike", "aws:SourceArn", ["arn:aws:s3:::${aws:username}"], "arn:aws:s3:::x", False,
        "resolved to nothing"),
    row("Bool", S, ["${aws:x}"], "true", True, "matches 'true'", extra={"aws:x": "true"},
        id="bool-variables[INF]"),
    row("Bool", S, ["${aws:x}"], "true", False, "resolved to 'yes', which is not a boolean",
        extra={"aws:x": "yes"}),
    row("IpAddress", IP, ["${aws:x}"], "10.0.0.1", False, "not supported by IpAddress",
        extra={"aws:x": "10.0.0.0/8"}),
]  # fmt: skip


@pytest.mark.parametrize("case", VARIABLE_ROWS)
def test_policy_variables(case: Case) -> None:
    """VARS: variables in String/ARN (and, by our choice, Bool) values; defaults; ${*},
    ${?}, ${$}; substituted text is literal; a variable that resolves to nothing matches
    nothing for positive operators and "does match" for negated ones."""
    _check(case)


# -- Case (COND: key names are case-insensitive; values depend on the operator) ------------

CASE_ROWS = [
    row("StringEquals", "AWS:sourceip", ["1.1.1.1"], "1.1.1.1", True, "matches",
        id="key-as-written"),
    row("StringEquals", "aws:ResourceTag/DEPARTMENT", ["Prod"], "Prod", True, "matches"),
    row("StringEquals", "aws:ResourceTag/team", ["${AWS:PRINCIPALTAG/TEAM}"], "blue", True,
        "matches 'blue'", extra={"aws:PrincipalTag/team": "blue"}, id="variable-key"),
    row("StringEquals", "k", ["Prod"], "PROD", False, "expects 'Prod'", id="values-sensitive"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASE_ROWS)
def test_case(case: Case) -> None:
    """COND: key names (tag-key suffix included) are case-insensitive."""
    _check(case)


def test_key_lookup_ignores_case_of_context_entry() -> None:
    """COND: a context entry named ``aws:sourceip`` drives a condition on ``aws:SourceIp``."""
    compiled = compile_condition(
        _clause("IpAddress", "aws:SourceIp", ["10.0.0.0/8"]), variables_enabled=True
    )
    result = compiled.evaluate(RequestContext([ContextValue("aws:sourceip", ("10.1.1.1",))]))
    assert result.matched
    assert result.key == "aws:SourceIp"


# -- Result fields ---------------------------------------------------------------------------


def test_result_reports_resolved_values_and_absence() -> None:
    result = _evaluate(
        "StringEquals",
        "aws:ResourceTag/team",
        ["${aws:PrincipalTag/team}", "${aws:username}", "fixed", "${*}"],
        "blue",
        {"aws:PrincipalTag/team": "blue"},
    )
    assert result.expected == ("${aws:PrincipalTag/team}", "${aws:username}", "fixed", "${*}")
    assert result.resolved == ("blue", None, "fixed", "*")
    assert result.actual == ("blue",)
    assert result.matched
    assert not result.key_absent
    absent = _evaluate("StringEquals", "aws:ResourceTag/team", ["x"], None)
    assert absent.actual is None
    assert absent.key_absent
    assert absent.resolved == ("x",)


def test_referenced_keys_are_the_key_and_variable_keys_as_written() -> None:
    """The simulator reports these in MissingContextValues (docs/iam-semantics.md 1.3)."""
    compiled = compile_condition(
        _clause(
            "StringLike",
            "aws:ResourceTag/Team",
            [
                "${aws:PrincipalTag/Team}/*",
                "${aws:username, 'x'}",
                "${*}",
                "${aws:PrincipalTag/Team}",
            ],
        ),
        variables_enabled=True,
    )
    assert compiled.referenced_keys == (
        "aws:ResourceTag/Team",
        "aws:PrincipalTag/Team",
        "aws:username",
    )
    literal = compile_condition(
        _clause("StringLike", "k", ["${aws:username}"]), variables_enabled=False
    )
    assert literal.referenced_keys == ("k",)
    numeric = compile_condition(_clause("NumericEquals", "k", ["${aws:x}"]), variables_enabled=True)
    assert numeric.referenced_keys == ("k",)


def test_fast_result_construction_equals_the_dataclass() -> None:
    args = ("Bool", "k", ("true",), ("true",), ("true",), True, "r", False)
    fast = _new_result(*args)
    assert fast == ConditionResult(*args)
    assert hash(fast) == hash(ConditionResult(*args))
    with pytest.raises(AttributeError):
        fast.matched = False  # type: ignore[misc]


# -- Operator names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "qualifier", "base", "if_exists"),
    [
        ("StringEquals", None, "StringEquals", False),
        ("StringNotEqualsIfExists", None, "StringNotEquals", True),
        ("ForAllValues:StringLike", "ForAllValues", "StringLike", False),
        ("ForAnyValue:ArnNotLikeIfExists", "ForAnyValue", "ArnNotLike", True),
        ("ForAnyValue:Bool", "ForAnyValue", "Bool", False),
        ("Null", None, "Null", False),
        ("BinaryEquals", None, "BinaryEquals", False),
    ],
)
def test_parse_operator(name: str, qualifier: str | None, base: str, if_exists: bool) -> None:
    parsed = parse_operator(name)
    assert (parsed.set_qualifier, parsed.base.name, parsed.if_exists, parsed.name) == (
        qualifier,
        base,
        if_exists,
        name,
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("stringEquals", "did you mean 'StringEquals'"),
        ("StringEqualsifexists", "did you mean 'StringEqualsIfExists'"),
        ("forAllValues:StringEquals", "did you mean 'ForAllValues'"),
        ("ForAllValue:StringEquals", "unknown set qualifier"),
        ("StringMatches", "unknown condition operator"),
        ("IfExists", "unknown condition operator"),
        ("NullIfExists", "IfExists cannot be added to Null"),
        ("ForAnyValue:Null", "Null takes no set qualifier"),
        ("ForAnyValue:", "unknown condition operator"),
        ("", "unknown condition operator"),
    ],
)
def test_parse_operator_refuses_unknown_names(name: str, message: str) -> None:
    """Operator names are case-sensitive: IAM rejected ``stringEquals`` with
    "Invalid Condition type" (ministryofjustice/modernisation-platform-environments#8893)."""
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_operator(name)


def test_compile_refuses_unknown_operator() -> None:
    with pytest.raises(ValueError, match="unknown condition operator"):
        compile_condition(_clause("StringEqual", "k", ["v"]), variables_enabled=True)


def test_operator_table_is_complete() -> None:
    """OPS lists 27 base operators (ArnEquals/ArnLike etc. counted separately)."""
    assert len(OPERATORS) == 27
    assert sorted(s.name for s in OPERATORS.values() if s.negated) == sorted(NEGATED)
    assert {s.name for s in OPERATORS.values() if s.supports_variables} == {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Bool",
    }


# -- Precompilation --------------------------------------------------------------------------


class _CountingCompile:
    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[str] = []

    def __call__(self, pattern: str, *args: Any) -> Any:
        self.calls.append(pattern)
        return self.real(pattern, *args)


def _count_compilations(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[_CountingCompile, _CountingCompile]:
    """Count regex compilations (there must be none) and glob matchers built."""
    regexes = _CountingCompile(re.compile)
    monkeypatch.setattr(re, "compile", regexes)
    globs = _CountingCompile(wildcards.Glob)
    monkeypatch.setattr(wildcards, "Glob", globs)
    return regexes, globs


def _contexts(key: str, values: Sequence[str]) -> list[RequestContext]:
    return [RequestContext([ContextValue(key, (v,))]) for v in values]


def test_no_regex_compilation_or_value_parsing_per_evaluation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Values without variables are compiled once, in compile_condition."""
    like = compile_condition(_clause("StringLike", "k", ["a*", "b?c"]), variables_enabled=True)
    arn = compile_condition(_clause("ArnLike", "k", ["arn:aws:s3:::b-*"]), variables_enabled=True)
    regexes, globs = _count_compilations(monkeypatch)
    for ctx in _contexts("k", ["ax", "bxc", "zz", "arn:aws:s3:::b-1", "arn:aws:s3:::c"]):
        like.evaluate(ctx)
        arn.evaluate(ctx)
    assert globs.calls == []
    assert like.evaluate(_contexts("k", ["a1"])[0]).matched
    assert arn.evaluate(_contexts("k", ["arn:aws:s3:::b-2"])[0]).matched
    assert globs.calls == []
    assert regexes.calls == []


def test_variable_values_compile_once_per_resolved_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value with a variable is substituted per evaluation; its matcher is built once per
    distinct substituted value, not once per evaluation (and no regex ever)."""
    compiled = compile_condition(
        _clause("StringLike", "s3:prefix", ["home/${aws:username}/*"]), variables_enabled=True
    )
    string_family.parse_like.cache_clear()
    arn_family.parse_value.cache_clear()
    regexes, counting = _count_compilations(monkeypatch)
    for prefix in ["home/alice/a", "home/alice/b", "home/bob/c", "home/alice/d"]:
        ctx = RequestContext(
            [ContextValue("s3:prefix", (prefix,)), ContextValue("aws:username", ("alice",))]
        )
        assert compiled.evaluate(ctx).matched is prefix.startswith("home/alice/")
    assert len(counting.calls) == 1
    other = RequestContext(
        [ContextValue("s3:prefix", ("home/bob/x",)), ContextValue("aws:username", ("bob",))]
    )
    assert compiled.evaluate(other).matched
    assert len(counting.calls) == 2
    assert regexes.calls == []


def test_repeated_evaluation_reuses_the_result_and_respects_variables() -> None:
    """Results are memoised on the key's values and the variables' entries only."""
    compiled = compile_condition(
        _clause("StringEquals", "aws:ResourceTag/team", ["${aws:PrincipalTag/team}"]),
        variables_enabled=True,
    )

    def ctx(resource: str, principal: str | None) -> RequestContext:
        entries = [ContextValue("aws:ResourceTag/team", (resource,))]
        if principal is not None:
            entries.append(ContextValue("aws:PrincipalTag/team", (principal,)))
        return RequestContext(entries)

    first = compiled.evaluate(ctx("blue", "blue"))
    assert first.matched
    assert compiled.evaluate(ctx("blue", "blue")) is first
    assert not compiled.evaluate(ctx("blue", "red")).matched
    assert not compiled.evaluate(ctx("blue", None)).matched
    assert compiled.evaluate(ctx("blue", "blue")).matched


def test_policy_values_are_parsed_once_request_values_per_distinct_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Numeric policy values are parsed in compile_condition; evaluation parses only the
    request's values (and each distinct one once)."""
    compiled = compile_condition(
        _clause("NumericLessThan", "s3:max-keys", ["10", "20", "30"]), variables_enabled=True
    )
    numeric_family.parse_request.cache_clear()
    calls: list[str] = []
    real = numeric_family.parse_number

    def counting(text: str) -> Any:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(numeric_family, "parse_number", counting)
    results = [compiled.evaluate(c).matched for c in _contexts("s3:max-keys", ["5", "25", "35"])]
    assert results == [True, True, False]
    assert calls == ["5", "25", "35"]
    other = compile_condition(
        _clause("NumericGreaterThan", "s3:max-keys", ["1"]), variables_enabled=True
    )
    assert other.evaluate(_contexts("s3:max-keys", ["5"])[0]).matched
    assert calls == ["5", "25", "35", "1"]  # "1" is other's policy value at compile time
