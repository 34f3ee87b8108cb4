"""The position-keeping JSON parser: values, positions and syntax errors.

Strict JSON per RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259); IAM policies are JSON
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
"""

from __future__ import annotations

import pytest

from iamspec.errors import PolicyParseError
from iamspec.policy.jsontext import (
    MAX_DEPTH,
    JsonArray,
    JsonBool,
    JsonNull,
    JsonNumber,
    JsonObject,
    JsonString,
    LineIndex,
    parse_json,
    parse_json_prefix,
)
from iamspec.policy.model import Position


def test_scalars_keep_their_spelling_and_positions() -> None:
    """Numbers keep their original text: IAM compares condition values as strings."""
    root = parse_json('[1.50, -0, 2E+3, true, false, null, "a\\u00e9\\n"]', "t").root
    assert isinstance(root, JsonArray)
    num, zero, exp, yes, no, null, text = root.items
    assert isinstance(num, JsonNumber)
    assert num.text == "1.50"
    assert isinstance(zero, JsonNumber)
    assert zero.text == "-0"
    assert isinstance(exp, JsonNumber)
    assert exp.text == "2E+3"
    assert isinstance(yes, JsonBool)
    assert yes.value is True
    assert isinstance(no, JsonBool)
    assert no.value is False
    assert isinstance(null, JsonNull)
    assert isinstance(text, JsonString)
    assert text.value == "a\u00e9\n"
    assert num.start == Position(1, 2)
    assert num.end == Position(1, 6)
    assert (num.start_offset, num.end_offset) == (1, 5)


def test_objects_keep_duplicate_keys_in_order() -> None:
    """IAM rejects duplicate keys, so the grammar layer must see every one of them."""
    root = parse_json('{"a": 1, "b": 2, "a": 3}', "t").root
    assert isinstance(root, JsonObject)
    assert [m.key.value for m in root.members] == ["a", "b", "a"]
    first = root.get("a")
    assert isinstance(first, JsonNumber)
    assert first.text == "1"
    assert root.members[2].key.start == Position(1, 18)


def test_surrogate_pair_escape_is_combined() -> None:
    root = parse_json('"\\ud83d\\ude00"', "t").root
    assert isinstance(root, JsonString)
    assert root.value == "\U0001f600"


def test_end_position_is_just_after_last_character_even_at_end_of_line() -> None:
    """AWS reports EndPosition one column past the closing '}' (docs/iam-semantics.md 1.3)."""
    text = '{\n  "a": [\n    1\n  ]\n}\n'
    root = parse_json(text, "t").root
    assert isinstance(root, JsonObject)
    array = root.members[0].value
    assert array.start == Position(2, 8)
    assert array.end == Position(4, 4)
    assert root.end == Position(5, 2)


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("a\nb", 2, Position(2, 1)),
        ("a\r\nb", 3, Position(2, 1)),
        ("a\r\nb", 1, Position(1, 2)),
        ("a\rb", 2, Position(2, 1)),
        ("ab", 2, Position(1, 3)),
        ("", 0, Position(1, 1)),
    ],
)
def test_line_index_counts_lf_crlf_and_cr(text: str, offset: int, expected: Position) -> None:
    assert LineIndex(text).position(offset) == expected


def test_surrounding_whitespace_is_not_extra_data() -> None:
    root = parse_json(' \r\n\t{"a": 1}\n\n', "t").root
    assert isinstance(root, JsonObject)
    assert root.start == Position(2, 2)


def test_prefix_parse_ignores_what_follows() -> None:
    """Used to recognise a statement fragment that starts with ``"Sid":``."""
    doc = parse_json_prefix('"Sid": "X"', "t")
    assert isinstance(doc.root, JsonString)
    assert doc.root.end_offset == 5


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        pytest.param("", 1, 1, "empty document", id="empty"),
        pytest.param("  \n ", 1, 1, "empty document", id="blank"),
        pytest.param('{"a": 1,}', 1, 8, "trailing comma before '}'", id="trailing-comma-object"),
        pytest.param("[1, 2, ]", 1, 6, "trailing comma before ']'", id="trailing-comma-array"),
        pytest.param('["a" "b"]', 1, 6, "missing comma between array elements", id="array-comma"),
        pytest.param(
            '{"a": 1 "b": 2}',
            1,
            9,
            "expected ',' or '}' after object member",
            id="object-comma",
        ),
        pytest.param('{"a": 1', 1, 8, "unexpected end of input", id="eof-object"),
        pytest.param("[1,\n", 1, 4, "unexpected end of input", id="eof-array"),
        pytest.param('{"a": }', 1, 7, "expected a value for 'a'", id="missing-value"),
        pytest.param('{"a" 1}', 1, 6, "expected ':' after member name 'a'", id="missing-colon"),
        pytest.param('{"a": True}', 1, 7, "invalid literal 'True'", id="python-true"),
        pytest.param('{"a": nul}', 1, 7, "invalid literal 'nul'", id="short-literal"),
        pytest.param('{"a": truex}', 1, 7, "invalid literal 'truex'", id="long-literal"),
        pytest.param("{'a': 1}", 1, 2, "double quotes", id="single-quoted-key"),
        pytest.param("{\"a\": 'b'}", 1, 7, "double quotes", id="single-quoted-value"),
        pytest.param('{"a": "b}', 1, 7, "unterminated string", id="unterminated"),
        pytest.param('{"a": "b\n"}', 1, 7, "unterminated string", id="newline-in-string"),
        pytest.param('{"a": "b\tc"}', 1, 9, "control character U+0009", id="tab-in-string"),
        pytest.param('{"a": "\\x41"}', 1, 8, "invalid escape '\\x'", id="bad-escape"),
        pytest.param('{"a": "\\u12G4"}', 1, 8, "invalid \\u escape", id="bad-unicode-escape"),
        pytest.param('{"a": 01}', 1, 7, "leading zeros", id="leading-zero"),
        pytest.param('{"a": 1.}', 1, 9, "expected a digit after '.'", id="bare-point"),
        pytest.param('{"a": -}', 1, 8, "expected a digit", id="bare-minus"),
        pytest.param('{"a": 1e}', 1, 9, "exponent", id="bare-exponent"),
        pytest.param('{"a": NaN}', 1, 7, "invalid literal 'NaN'", id="nan"),
        pytest.param("[1,,2]", 1, 4, "empty array element", id="double-comma"),
        pytest.param("{,}", 1, 2, "expected a member name", id="object-leading-comma"),
        pytest.param("[1}", 1, 3, "expected ',' or ']'", id="mismatched-close"),
        pytest.param("{} {}", 1, 4, "extra data after the end of the JSON document", id="extra"),
        pytest.param("@", 1, 1, "expected a JSON value", id="garbage"),
    ],
)
def test_syntax_errors_point_at_the_offending_character(
    text: str, line: int, column: int, fragment: str
) -> None:
    with pytest.raises(PolicyParseError) as info:
        parse_json(text, "doc.json")
    err = info.value
    assert (err.line, err.column) == (line, column), err.reason
    assert fragment in err.reason
    assert err.source == "doc.json"
    assert str(err).startswith(f"doc.json:{line}:{column}: ")


def test_missing_final_brace_names_the_unclosed_object() -> None:
    """A document that lost its last '}' says which '{' is never closed."""
    text = '{\n  "Version": "2012-10-17",\n  "Statement": []\n'
    with pytest.raises(PolicyParseError) as info:
        parse_json(text, "t")
    assert (info.value.line, info.value.column) == (3, 18)
    assert "line 1, column 1 is never closed" in info.value.reason


# -- hostile input (issue 14): positioned errors, never RecursionError or a lone surrogate ----


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_nesting_deeper_than_the_limit_is_a_positioned_error(opener: str) -> None:
    """~500 levels (about 1 KB) used to raise RecursionError from the recursive descent."""
    closer = "]" if opener == "[" else "}"
    text = opener * 500 + "1" + closer * 500
    with pytest.raises(PolicyParseError) as info:
        parse_json(text, "p.json")
    assert "nesting too deep" in info.value.reason
    # the bracket that opens level MAX_DEPTH + 1
    assert info.value.column == MAX_DEPTH * len(opener) + 1


def test_nesting_at_the_limit_parses() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert isinstance(parse_json(text, "p").root, JsonArray)
    # depth counts open levels, not how many arrays the text holds in sequence
    wide = "[" + ",".join(["[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)] * 50) + "]"
    assert isinstance(parse_json(wide, "p").root, JsonArray)


def test_a_million_brackets_do_not_exhaust_the_stack() -> None:
    with pytest.raises(PolicyParseError, match="nesting too deep"):
        parse_json("[" * 1_000_000, "p")


@pytest.mark.parametrize(
    ("text", "column", "half"),
    [
        ('"\\ud800"', 2, "high"),
        ('"ab\\udfff"', 4, "low"),
        ('"\\ud800\\u0041"', 2, "high"),  # a high surrogate followed by no low one
        ('"\\ude00\\ud83d"', 2, "low"),  # the halves in the wrong order
    ],
)
def test_a_lone_surrogate_escape_is_a_positioned_error(text: str, column: int, half: str) -> None:
    """A lone surrogate is no character: kept, it crashed every encoder downstream."""
    with pytest.raises(PolicyParseError) as info:
        parse_json(text, "p")
    assert (info.value.line, info.value.column) == (1, column)
    assert f"lone {half} surrogate" in info.value.reason


def test_an_escape_rule_sees_every_escaped_character() -> None:
    seen: list[str] = []

    def rule(ch: str) -> str | None:
        seen.append(ch)
        return "character U+0042 is refused" if ch == "B" else None

    parse_json('["\\u0041\\n\\t", "x"]', "p", allowed=rule)
    assert seen == ["A", "\n", "\t"]
    with pytest.raises(PolicyParseError) as info:
        parse_json('["ok", "a\\u0042"]', "p", allowed=rule)
    assert (info.value.column, info.value.reason) == (10, "escaped character U+0042 is refused")
