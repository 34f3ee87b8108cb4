"""JSON recovery and the lenient reading: every defect reported, positions kept exact."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamspec.lint import lint_text
from tests.lint.kit import policy, stmt


def _where(text: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.column, f.code) for f in lint_text(text, "p.json")]


def _col(text: str, needle: str, plus: int = 0) -> int:
    """1-based column of ``needle`` (plus ``plus``) in a one-line text."""
    return text.index(needle) + 1 + plus


TRAILING = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Action": ["connect:DescribeUser",], "Resource": "*"}]}'
)
MISSING_COMMA = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Action": ["connect:DescribeUser" "connect:DescribeUsr"], "Resource": "*"}]}'
)
MISSING_BRACE = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Action": "conect:DescribeUser", "Resource": "*"}]'
)
MEMBERS = '"Effect": "Allow", "Action": "connect:DescribeUsr", "Resource": "*"'
TWO_OBJECTS = (
    '{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}, '
    '{"Effect": "Allow", "Action": "connect:DescribeUsr", "Resource": "*"}'
)
HOPELESS = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": }]}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(TRAILING, [(1, _col(TRAILING, ",]"), "json-syntax")], id="trailing comma"),
        pytest.param(
            MISSING_COMMA,
            [
                (1, _col(MISSING_COMMA, '"connect:DescribeUsr"'), "json-syntax"),
                (1, _col(MISSING_COMMA, '"connect:DescribeUsr"'), "unknown-action"),
            ],
            id="missing comma, then the checks go on",
        ),
        pytest.param(
            MISSING_BRACE,
            [
                (1, _col(MISSING_BRACE, '"conect'), "unknown-service"),
                (1, len(MISSING_BRACE) + 1, "json-syntax"),
            ],
            id="missing closing brace at the end",
        ),
        pytest.param(
            MEMBERS,
            [(1, 1, "json-syntax"), (1, _col(MEMBERS, '"connect'), "unknown-action")],
            id="statement members without braces",
        ),
        pytest.param(
            TWO_OBJECTS,
            [
                (1, _col(TWO_OBJECTS, "}, {", 1), "json-syntax"),
                (1, _col(TWO_OBJECTS, '"connect:DescribeUsr"'), "unknown-action"),
            ],
            id="two statements without a list",
        ),
        pytest.param(HOPELESS, [(1, _col(HOPELESS, "}]}"), "json-syntax")], id="unrecoverable"),
    ],
)
def test_recovery(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert _where(text) == expected


def test_positions_on_later_lines_are_not_shifted_by_a_wrapper() -> None:
    text = '"Effect": "Allow",\n"Action": "connect:DescribeUsr",\n"Resource": "*"\n'
    assert _where(text) == [(1, 1, "json-syntax"), (2, 11, "unknown-action")]


def test_a_fragment_object_is_checked_as_a_statement() -> None:
    text = json.dumps(stmt("connect:DescribeUsr"))
    assert [code for _, _, code in _where(text)] == ["grammar", "unknown-action"]


def test_a_list_of_statements_is_checked() -> None:
    text = json.dumps([stmt("connect:DescribeUsr")])
    assert [code for _, _, code in _where(text)] == ["grammar", "unknown-action"]


def test_grammar_defect_does_not_hide_the_other_statements() -> None:
    text = policy(stmt(effect="allow"), stmt("connect:DescribeUsr"))
    assert [code for _, _, code in _where(text)] == ["grammar", "unknown-action"]


def test_unknown_operator_is_reported_once_with_its_own_code() -> None:
    text = policy(stmt(Condition={"StringEqual": {"aws:ResourceTag/Dept": "Test"}}))
    assert _where(text) == [(9, 9, "unknown-operator")]


def test_unknown_version_is_reported_once_with_its_own_code() -> None:
    assert _where(policy(version="2012-10-18")) == [(2, 14, "unknown-version")]


def test_escaped_strings_point_at_the_opening_quote() -> None:
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "\\u0063onnect::DescribeUser", "Resource": "*"}]}'  # noqa: E501
    assert _where(text) == [(1, 71, "malformed-action")]


def test_not_utf8_is_a_json_finding(tmp_path: object) -> None:
    from pathlib import Path

    from iamspec.lint import lint_file

    path = Path(str(tmp_path)) / "p.json"
    path.write_bytes(b'{"Version": "2012-10-17",\n "Sid": "\xe9"}')
    [finding] = lint_file(path)
    assert (finding.line, finding.column, finding.code) == (2, 10, "json-syntax")
    assert "0xE9" in finding.message


@pytest.mark.parametrize("text", ["", "   ", "null", "[]", "{}", '"x"', "1", "{", "[", '{"a"'])
def test_odd_documents_never_raise(text: str) -> None:
    findings = lint_text(text, "p.json")
    assert all(f.is_error for f in findings if f.code in ("json-syntax", "grammar"))


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(
        [
            "Allow",
            "Deny",
            "*",
            "connect:DescribeUser",
            "connect::X",
            "arn:aws:connect:region:account-id:instance/instance-id",
            "{{region}}",
            "2012-10-17",
            "StringEquals",
            "aws:ResourceTag/x",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Version",
                    "Statement",
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "Condition",
                    "Bool",
                    "aws:SecureTransport",
                    "Sid",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(_json)
def test_any_json_never_raises(value: object) -> None:
    lint_text(json.dumps(value), "p.json")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='{}[]",: \nabc*', max_size=40))
def test_any_text_never_raises(text: str) -> None:
    lint_text(text, "p.json")
