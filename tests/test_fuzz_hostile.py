"""Hostile-input fuzzing of the parser, the engine, the linter and the CLI (issue 14).

Hypothesis writes policies up to AWS's limits - deep nesting, long strings, many wildcards,
policy variables and placeholders, odd unicode, lone surrogates (raw and escaped), huge
numbers, truncated and malformed JSON - with context entries of every ContextKeyType, and
asserts for each:

- ``parse_policy``: a Policy or a PolicyParseError;
- ``simulate_custom_policy``: a result whose decision is allowed/implicitDeny/explicitDeny,
  or an iamspec error (IamSpecError), never another exception;
- ``lint_text``: a list of findings (its contract: it never raises for a bad policy);
- ``iamspec simulate`` and ``iamspec lint`` through ``cli.main`` on the text written to a
  file (UTF-8, or bytes that are not UTF-8): exit 0, 1 or 2 - and 2 for ``simulate`` when
  the parser refuses the text - without a traceback;
- each call within :data:`BOUND` seconds (generous: a hang is what this catches; the
  benchmarks measure speed).

Budget (fixed, derandomized so CI is repeatable): 500 examples for the parser, 600 for the
engine, 300 for the linter, 100 for the CLI (two commands each); the whole file runs in
about 25 s on a 2-core machine (``pytest tests/test_fuzz_hostile.py --durations=0``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iamspec
from iamspec.cli import main
from iamspec.errors import IamSpecError, PolicyParseError
from iamspec.lint import Finding, lint_text
from iamspec.policy.parser import parse_policy

BOUND = 2.0
DECISIONS = {"allowed", "implicitDeny", "explicitDeny"}
T = TypeVar("T")


def _fuzz(examples: int) -> Any:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def _bounded(call: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = call()
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND, f"took {elapsed:.2f} s"
    return result


# -- strategies ------------------------------------------------------------------------------

# Pieces that stress a part of the pipeline each: wildcards, variables (closed, unclosed,
# with defaults), placeholders, ARN separators, escapes, Latin-1 and beyond, a lone surrogate,
# control characters, quotes and backslashes.
UNITS = [
    "*",
    "?",
    "a",
    "*a",
    "a?",
    "-",
    ":",
    "/",
    "${aws:username}",
    "${aws:PrincipalTag/t, 'x'}",
    "${",
    "}",
    "${*}",
    "{{region}}",
    "{{",
    " ",
    "\u00e9",
    "\u2018",
    "\U0001f600",
    "\ud800",
    "\x00",
    "\t",
    "\\",
    '"',
    "arn:aws:s3:::",
]
all_characters = st.characters(codec=None, categories=None)


def _sizes(limit: int) -> st.SearchStrategy[int]:
    """Small sizes, and the large ones Hypothesis would rarely reach by itself."""
    return st.one_of(st.integers(0, 16), st.sampled_from([limit // 4, limit // 2, limit]))


@st.composite
def hostile_text(draw: st.DrawFn, limit: int = 4096) -> str:
    """Short random text, or a unit repeated up to ``limit`` characters."""
    if draw(st.integers(0, 3)) == 0:
        unit = draw(st.sampled_from(UNITS))
        count = draw(_sizes(max(1, limit // len(unit))))
        return draw(st.text(all_characters, max_size=4)) + unit * count
    parts = st.one_of(all_characters, st.sampled_from(UNITS))
    return "".join(draw(st.lists(parts, max_size=24)))


# -- policies IAM accepts, with hostile content where IAM allows it ---------------------------

LATIN_1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF)
PATTERN_UNITS = ["*", "?", "a", "*a", "a?", "-", "/", ":", "${aws:username}", "${*}", "\u00e9"]


@st.composite
def allowed_text(draw: st.DrawFn, limit: int = 2048) -> str:
    """Text IAM accepts in a policy string: Latin-1, wildcards, variables, up to ``limit``;
    one time in eight, one character it refuses (escaped or raw, as json.dumps writes it)."""
    if draw(st.integers(0, 2)) == 0:
        unit = draw(st.sampled_from(PATTERN_UNITS))
        text = unit * draw(_sizes(max(1, limit // len(unit))))
    else:
        parts = st.one_of(LATIN_1, st.sampled_from(PATTERN_UNITS))
        text = "".join(draw(st.lists(parts, max_size=24)))[:limit]
    if draw(st.integers(0, 7)) == 0:
        at = draw(st.integers(0, len(text)))
        odd = draw(st.sampled_from(["\ud800", "\udfff", "\u2018", "\x08", "\U0001f600"]))
        text = text[:at] + odd + text[at:]
    return text


ACTIONS = ["s3:GetObject", "s3:PutObject", "connect:DescribeUser", "iam:PassRole"]
KEYS = ["aws:PrincipalTag/t", "aws:TagKeys", "aws:SourceIp", "aws:SourceArn", "s3:max-keys"]
numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
VALUES_BY_FAMILY: dict[str, st.SearchStrategy[Any]] = {
    "String": allowed_text(),
    "Arn": allowed_text().map(lambda t: "arn:aws:s3:::" + t),
    "Numeric": numbers,
    "Date": st.one_of(numbers, st.sampled_from(["2024-01-31T12:00:00Z", "2024", "9999-12-31"])),
    "Bool": st.sampled_from([True, False, "true", "false", "yes"]),
    "Ip": st.sampled_from(["10.0.0.0/8", "::1/128", "0.0.0.0/0", "10.0.0.300"]),
    "Null": st.sampled_from([True, False, "true"]),
}
VALID_OPERATORS = {
    "StringEquals": "String",
    "StringLike": "String",
    "StringNotLike": "String",
    "ForAllValues:StringLike": "String",
    "ForAnyValue:StringEqualsIgnoreCase": "String",
    "ArnLike": "Arn",
    "ArnNotLikeIfExists": "Arn",
    "NumericLessThan": "Numeric",
    "NumericNotEquals": "Numeric",
    "DateGreaterThan": "Date",
    "Bool": "Bool",
    "IpAddress": "Ip",
    "NotIpAddress": "Ip",
    "Null": "Null",
}


@st.composite
def valid_condition(draw: st.DrawFn) -> dict[str, Any]:
    operators = draw(st.lists(st.sampled_from(sorted(VALID_OPERATORS)), max_size=3, unique=True))
    out: dict[str, Any] = {}
    for operator in operators:
        values = VALUES_BY_FAMILY[VALID_OPERATORS[operator]]
        out[operator] = draw(
            st.dictionaries(
                st.sampled_from(KEYS), st.one_of(values, st.lists(values, max_size=3)), max_size=2
            )
        )
    return out


@st.composite
def valid_statement(draw: st.DrawFn) -> dict[str, Any]:
    action = st.one_of(st.sampled_from(ACTIONS), allowed_text(128).map(lambda t: "s3:" + t))
    resource = st.one_of(st.just("*"), allowed_text().map(lambda t: "arn:aws:s3:::" + t))
    out: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Deny"])),
        draw(st.sampled_from(["Action", "NotAction"])): draw(
            st.one_of(action, st.lists(action, min_size=1, max_size=3))
        ),
        draw(st.sampled_from(["Resource", "NotResource"])): draw(
            st.one_of(resource, st.lists(resource, min_size=1, max_size=3))
        ),
    }
    if draw(st.booleans()):
        out["Condition"] = draw(valid_condition())
    return out


# -- anything at all ---------------------------------------------------------------------------

OPERATORS = [*VALID_OPERATORS, "BinaryEquals", "ForAllValues:Null", "stringEquals", "NullIfExists"]
huge_numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(hostile_text(), huge_numbers, st.booleans(), st.none())
condition_values = st.one_of(scalars, st.lists(scalars, max_size=4))


@st.composite
def hostile_statement(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Deny", "allow", 1])),
        draw(st.sampled_from(["Action", "NotAction"])): draw(
            st.one_of(
                st.sampled_from(["s3:GetObject", "s3:*", "*", "*:Get*", "connect:Describe*"]),
                hostile_text(2048),
                st.lists(hostile_text(256), max_size=3),
            )
        ),
    }
    if draw(st.booleans()):
        out[draw(st.sampled_from(["Resource", "NotResource"]))] = draw(
            st.one_of(
                st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:*:::b", "arn:aws:s3:::*a*a*b"]),
                hostile_text(2048).map(lambda t: "arn:aws:s3:::" + t),
                hostile_text(64),
            )
        )
    if draw(st.booleans()):
        out["Condition"] = draw(
            st.dictionaries(
                st.sampled_from(OPERATORS),
                st.dictionaries(st.sampled_from(KEYS), condition_values, max_size=2),
                max_size=3,
            )
        )
    return out


@st.composite
def policy_document(draw: st.DrawFn) -> str:
    """A policy text: mostly one IAM accepts, at times broken or nested past any limit."""
    statements = valid_statement() if draw(st.integers(0, 2)) else hostile_statement()
    doc: dict[str, Any] = {"Statement": draw(st.lists(statements, min_size=1, max_size=4))}
    version = draw(st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17", None, "2012"]))
    if version is not None:
        doc = {"Version": version, **doc}
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True)
    mutation = draw(
        st.sampled_from(["none", "none", "none", "none", "truncate", "nest", "insert", "pad"])
    )
    if mutation == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif mutation == "nest":
        depth = draw(st.one_of(st.integers(1, 70), st.sampled_from([500, 1000, 3000])))
        text = "[" * depth + text + "]" * depth
    elif mutation == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(hostile_text()) + text[at:]
    elif mutation == "pad":  # around SimulateCustomPolicy's 131,072-character limit
        text = text[:-1] + " " * max(0, draw(st.integers(131_000, 131_100)) - len(text)) + "}"
    return text


CONTEXT_TYPES = {
    "string": allowed_text(10_000),
    "stringList": allowed_text(10_000),
    "numeric": numbers.map(str),
    "boolean": st.sampled_from(["true", "False", "true", "yes"]),
    "ip": st.sampled_from(["10.1.2.3", "::1", "10.0.0.1", "300.1.1.1"]),
    "date": st.sampled_from(["2024-01-31T12:00:00Z", "1700000000", "2030", "never"]),
    "binary": st.sampled_from(["QUJD", "QUJD", "not base64!"]),
    "arn": allowed_text(2048).map(lambda t: "arn:aws:s3:::" + t),
}


@st.composite
def context_entry(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(CONTEXT_TYPES)))
    if draw(st.integers(0, 5)):
        values = draw(st.lists(CONTEXT_TYPES[kind], min_size=1, max_size=4))
    else:  # around iamspec's bound on the values of one key
        values = ["v"] * draw(st.sampled_from([999, 1000, 1001]))
    return {
        "ContextKeyName": draw(st.sampled_from(KEYS)),
        "ContextKeyValues": values,
        "ContextKeyType": "string" if kind == "arn" else kind,
    }


requests = st.fixed_dictionaries(
    {
        "ActionNames": st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2),
        "ResourceArns": st.lists(
            st.one_of(st.just("*"), allowed_text(2033).map(lambda t: "arn:aws:s3:::b/" + t)),
            max_size=2,
        ),
        "ContextEntries": st.lists(
            context_entry(), max_size=3, unique_by=lambda e: e["ContextKeyName"]
        ),
    }
)


# -- parser and engine -----------------------------------------------------------------------


@pytest.mark.slow
@_fuzz(500)
@given(policy_document())
def test_the_parser_answers_a_policy_or_a_positioned_error(text: str) -> None:
    try:
        policy = _bounded(lambda: parse_policy(text, "p.json"))
    except PolicyParseError as err:
        position = (err.line, err.column)
        err.reason.encode("utf-8")  # the message itself is writable text
        assert min(position) >= 1
    else:
        assert policy.statements
        for text_value in _strings_in(policy.statements):
            text_value.encode("utf-8")  # a lone surrogate here crashed the living docs


def _strings_in(value: object) -> list[str]:
    """Every string inside a parsed model (dataclasses, tuples), for an encoding check."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings_in(getattr(value, f.name))]
    if isinstance(value, tuple | list):
        return [s for item in value for s in _strings_in(item)]
    return []


@pytest.mark.slow
@_fuzz(600)
@given(policy_document(), requests)
def test_the_engine_answers_a_decision_or_an_iamspec_error(
    text: str, request: dict[str, Any]
) -> None:
    try:
        result = _bounded(lambda: iamspec.simulate_custom_policy(PolicyInputList=[text], **request))
    except IamSpecError as err:
        str(err).encode("utf-8")
        return
    for evaluation in result["EvaluationResults"]:
        assert evaluation["EvalDecision"] in DECISIONS
        json.dumps(evaluation, ensure_ascii=False).encode("utf-8")


# -- linter ----------------------------------------------------------------------------------


@pytest.mark.slow
@_fuzz(300)
@given(policy_document())
def test_the_linter_answers_findings_and_never_raises(text: str) -> None:
    findings = _bounded(lambda: lint_text(text, "p.json"))
    assert all(isinstance(f, Finding) for f in findings)
    for finding in findings:
        assert finding.line >= 1
        assert finding.column >= 1


# -- the command line ------------------------------------------------------------------------


@st.composite
def policy_file_bytes(draw: st.DrawFn) -> bytes:
    text = draw(policy_document())
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1", "broken"]))
    if encoding == "broken":
        raw = text.encode("utf-8", errors="surrogatepass")
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + b"\xff\xc3" + raw[at:]
    return text.encode(encoding, errors="surrogatepass" if encoding != "latin-1" else "replace")


def _parses(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    try:
        parse_policy(text, "p.json")
    except PolicyParseError:
        return False
    return len(text) <= 131_072


@pytest.mark.slow
@_fuzz(100)
@given(policy_file_bytes())
def test_the_cli_exits_0_1_or_2_and_2_for_a_policy_that_does_not_parse(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
) -> None:
    path: Path = tmp_path_factory.mktemp("fuzz") / "policy.json"
    path.write_bytes(data)
    simulate = _bounded(
        lambda: main(["simulate", "--policy", str(path), "--action", "s3:GetObject"])
    )
    lint = _bounded(lambda: main(["lint", str(path), "--format", "json"]))
    _, err = capsys.readouterr()
    assert simulate in (0, 1, 2)
    assert lint in (0, 1, 2)
    assert "Traceback" not in err
    if not _parses(data):
        assert simulate == 2, err


def test_the_budget_is_what_the_docstring_says() -> None:
    """Keep the stated budget honest: the settings above are the CI budget."""
    assert math.isclose(BOUND, 2.0)
