"""Policy variables (iamspec.engine.variables), per the IAM User Guide's variables page.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

import json
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamspec.engine.compiled import PolicyRole, compile_policy
from iamspec.engine.context import ContextValue, RequestContext, ValueType
from iamspec.engine.evaluator import Decision, Request, evaluate
from iamspec.engine.variables import Piece, find_variables, parse_template, split_default
from iamspec.policy.parser import parse_policy


def _ctx(*values):
    return RequestContext(values)


def _one(name, value):
    return ContextValue(name, (value,))


def _resolve(text, context, enabled=True):
    return parse_template(text, enabled).resolve(context)


ALICE = _ctx(
    _one("aws:username", "alice"),
    _one("aws:PrincipalTag/team", "blue"),
    _one("connect:InstanceId", "i-123"),
    _one("aws:SourceIp", "203.0.113.7"),
)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # "${aws:username}" - the page's first example
        ("home/${aws:username}/*", "home/alice/*"),
        # key names are case-insensitive ("${AWS:UserName}" works)
        ("home/${AWS:UserName}/*", "home/alice/*"),
        # tag-valued keys
        ("team/${aws:PrincipalTag/team}", "team/blue"),
        ("team/${aws:principaltag/TEAM}", "team/blue"),
        # any single-valued key of the request context, service keys included
        ("instance/${connect:InstanceId}", "instance/i-123"),
        ("${aws:SourceIp}", "203.0.113.7"),
        # several variables in one value
        ("${aws:username}-${aws:PrincipalTag/team}", "alice-blue"),
        # the special characters: ${*}, ${?} and ${$} are the literal characters
        ("a${*}b", "a*b"),
        ("a${?}b", "a?b"),
        ("cost${$}", "cost$"),
        # a default is used only when the key has no value
        ("${aws:PrincipalTag/team, 'company-wide'}", "blue"),
        ("${aws:PrincipalTag/dept, 'company-wide'}", "company-wide"),
        # a '${' without '}' is not a variable: it stays literal text
        ("a${aws:username", "a${aws:username"),
    ],
)
def test_variable_substitution(template, expected):
    assert _resolve(template, ALICE).text == expected


@pytest.mark.parametrize(
    ("template", "context", "why"),
    [
        # "If the key is not present in the request context, the variable ... does not match"
        ("home/${aws:username}", _ctx(), "aws:username is absent from the request context"),
        # multivalued keys cannot be variables
        (
            "tag/${aws:TagKeys}",
            _ctx(ContextValue("aws:TagKeys", ("a",), multivalued=True)),
            "aws:TagKeys is multivalued and cannot be a policy variable",
        ),
        (
            "tag/${aws:TagKeys}",
            _ctx(ContextValue("aws:TagKeys", ("a", "b"), multivalued=True)),
            "aws:TagKeys is multivalued and cannot be a policy variable",
        ),
        # [INF] several values under a single-valued type are not a single value either
        (
            "home/${aws:username}",
            _ctx(ContextValue("aws:username", ("a", "b"))),
            "aws:username carries 2 values and cannot be a variable",
        ),
        # [INF] a key supplied with no values resolves to nothing, like an absent one
        (
            "home/${aws:username}",
            _ctx(ContextValue("aws:username", ())),
            "aws:username has no value in the request context",
        ),
    ],
)
def test_unresolvable_variable_resolves_to_nothing(template, context, why):
    resolved = _resolve(template, context)
    assert resolved.pieces is None
    assert resolved.text is None
    assert [s.reason for s in resolved.substitutions] == [why]


def test_substituted_text_is_literal_and_policy_text_is_wild():
    resolved = _resolve("a*${aws:username}?${*}", _ctx(_one("aws:username", "x*y")))
    assert resolved.pieces == (
        Piece("a*", True),
        Piece("x*y", False),
        Piece("?", True),
        Piece("*", False),
    )


def test_disabled_variables_keep_the_text():
    # Version 2008-10-17 (or absent): "${...}" is literal text.
    template = parse_template("home/${aws:username}/${*}", False)
    assert not template.has_variables
    assert template.keys == ()
    assert _resolve("home/${aws:username}", ALICE, False).text == "home/${aws:username}"


def test_template_keys_are_the_variables_as_written():
    template = parse_template("${AWS:UserName}/${aws:PrincipalTag/team, 'x'}/${*}", True)
    assert template.keys == ("AWS:UserName", "aws:PrincipalTag/team")


# -- through the evaluator: conditions -------------------------------------------------------


def _decide(condition, context, version="2012-10-17", effect="Allow"):
    doc = {
        "Version": version,
        "Statement": [
            {"Effect": effect, "Action": "s3:ListBucket", "Resource": "*", "Condition": condition}
        ],
    }
    if effect == "Deny":
        doc["Statement"].append({"Effect": "Allow", "Action": "*", "Resource": "*"})
    policy = compile_policy(
        parse_policy(json.dumps(doc), "PolicyInputList.1"),
        "PolicyInputList.1",
        "IAM Policy",
        PolicyRole.IDENTITY,
    )
    return evaluate(Request("s3:ListBucket", "*", context), [policy])


PREFIX_LIKE = {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}


@pytest.mark.parametrize(
    ("username", "prefix", "expected"),
    [
        ("alice", "home/alice/docs", Decision.ALLOWED),
        ("alice", "home/bob/docs", Decision.IMPLICIT_DENY),
        # a '*' in the substituted value is literal, the policy's own '*' is a wildcard
        ("a*", "home/a*/docs", Decision.ALLOWED),
        ("a*", "home/alice/docs", Decision.IMPLICIT_DENY),
        ("a?", "home/ab/docs", Decision.IMPLICIT_DENY),
    ],
)
def test_variable_in_string_like_condition(username, prefix, expected):
    context = _ctx(_one("aws:username", username), _one("s3:prefix", prefix))
    assert _decide(PREFIX_LIKE, context).decision is expected


def test_missing_variable_key_means_no_match():
    # No aws:username: the value holding the variable matches nothing.
    context = _ctx(_one("s3:prefix", "home/alice/docs"))
    evaluation = _decide(PREFIX_LIKE, context)
    assert evaluation.decision is Decision.IMPLICIT_DENY
    assert "aws:username" in evaluation.missing_context_keys


def test_missing_variable_key_under_negated_operator_matches():
    # The variables page's example: Deny with StringNotEquals
    # {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"} denies callers with no Team tag.
    deny = {"StringNotEquals": {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}
    tagged_object = _one("s3:ExistingObjectTag/Team", "blue")
    no_team = _decide(deny, _ctx(tagged_object), effect="Deny")
    assert no_team.decision is Decision.EXPLICIT_DENY
    same_team = _decide(
        deny, _ctx(tagged_object, _one("aws:PrincipalTag/Team", "blue")), effect="Deny"
    )
    assert same_team.decision is Decision.ALLOWED
    other_team = _decide(
        deny, _ctx(tagged_object, _one("aws:PrincipalTag/Team", "red")), effect="Deny"
    )
    assert other_team.decision is Decision.EXPLICIT_DENY


def test_multivalued_key_as_variable_never_matches():
    condition = {"StringEquals": {"s3:prefix": "${aws:TagKeys}"}}
    context = _ctx(
        _one("s3:prefix", "a"), ContextValue("aws:TagKeys", ("a",), ValueType.STRING, True)
    )
    assert _decide(condition, context).decision is Decision.IMPLICIT_DENY


def test_default_value_in_condition():
    condition = {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/team, 'company-wide'}"}}
    assert _decide(condition, _ctx(_one("s3:prefix", "company-wide"))).decision is Decision.ALLOWED
    with_tag = _ctx(_one("s3:prefix", "company-wide"), _one("aws:PrincipalTag/team", "blue"))
    assert _decide(condition, with_tag).decision is Decision.IMPLICIT_DENY


def test_condition_variables_are_literal_before_2012_10_17():
    condition = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    alice = _one("aws:username", "alice")
    literal = _ctx(_one("s3:prefix", "${aws:username}"), alice)
    substituted = _ctx(_one("s3:prefix", "alice"), alice)
    assert _decide(condition, literal, version="2008-10-17").decision is Decision.ALLOWED
    assert _decide(condition, substituted, version="2008-10-17").decision is Decision.IMPLICIT_DENY
    assert _decide(condition, substituted).decision is Decision.ALLOWED


# -- parsing is a linear scan, equal to the regexes it replaced (issue 14) -------------------

_OLD_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_OLD_DEFAULT = re.compile(r"^\s*(?P<key>[^,]+?)\s*,\s*'(?P<default>(?:[^']|'')*)'\s*$")


@pytest.mark.slow
@settings(max_examples=1500, derandomize=True, deadline=None)
@given(st.text("${}ab ,'\t", max_size=24))
def test_find_variables_equals_the_old_regex(text):
    expected = [(m.start(), m.end(), m.group(1)) for m in _OLD_VARIABLE.finditer(text)]
    assert list(find_variables(text)) == expected


@pytest.mark.slow
@settings(max_examples=1500, derandomize=True, deadline=None)
@given(st.text("ab ,'\t\n", max_size=16))
def test_split_default_equals_the_old_regex(body):
    m = _OLD_DEFAULT.match(body)
    expected = None if m is None else (m["key"].strip(), m["default"].replace("''", "'"))
    assert split_default(body) == expected


@pytest.mark.parametrize(
    "text",
    [
        "${" * 65_536,  # quadratic for the old finditer (2.6 s at 16,000)
        "${" + " " * 100_000 + "x}",  # cubic for the old default regex (25 s at 4,000)
        "${a, '" + "''" * 50_000 + "}",
    ],
)
def test_hostile_templates_parse_at_once(text):
    """A generous bound: a hang is what this catches (benchmarks measure speed)."""
    start = time.perf_counter()
    parse_template(text, True).resolve(ALICE)
    assert time.perf_counter() - start < 2.0
