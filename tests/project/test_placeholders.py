"""Placeholders: {{name}} filled from the settings, errors at file:line:column, positions mapped."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamspec.project.errors import PlaceholderError
from iamspec.project.placeholders import fill, fill_text

VALUES = {"account_id": "111122223333", "region": "us-east-1", "key-id": "k", "long": "x" * 40}


def test_fills_and_leaves_policy_variables_alone():
    text = '"arn:aws:iam::{{account_id}}:user/${aws:username}" {{region}}'
    assert fill_text(text, VALUES, "p.json") == (
        '"arn:aws:iam::111122223333:user/${aws:username}" us-east-1'
    )


def test_text_without_placeholders_is_returned_unchanged():
    text = '{"Condition": {"StringEquals": {"a": "b"}}}'
    assert fill(text, VALUES, "p.json").text == text


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "suggestion"),
    [
        (
            '{\n  "a": "{{acount_id}}"\n}',
            2,
            9,
            "unknown placeholder {{acount_id}}",
            "{{account_id}}",
        ),
        ("x {{ region }}", 1, 3, "malformed placeholder", "{{region}}"),
        ("ok\n\n   {{region", 3, 4, "unclosed placeholder", None),
        ("{{}}", 1, 1, "malformed placeholder", None),
    ],
)
def test_errors_name_file_line_and_column(text, line, column, message, suggestion):
    with pytest.raises(PlaceholderError) as info:
        fill(text, VALUES, "policies/p.json")
    error = info.value
    assert (error.source, error.line, error.column) == ("policies/p.json", line, column)
    assert message in str(error)
    assert str(error).startswith(f"policies/p.json:{line}:{column}: ")
    if suggestion:
        assert suggestion in error.suggestions


def test_original_positions_before_inside_and_after_a_value():
    filled = fill("ab{{long}}cd{{key-id}}e\nnext", VALUES, "p")
    assert filled.text == "ab" + "x" * 40 + "cdke\nnext"
    assert filled.original_position(1, 2) == (1, 2)  # before
    assert filled.original_position(1, 3) == (1, 3)  # first character of the value
    assert filled.original_position(1, 20) == (1, 3)  # inside the value -> the "{{"
    assert filled.original_position(1, 43) == (1, 11)  # "c" after the value
    assert filled.original_position(1, 45) == (1, 13)  # "{{key-id}}" starts at 13
    assert filled.original_position(1, 46) == (1, 23)  # "e"
    assert filled.original_position(2, 1) == (2, 1)


@given(
    prefix=st.text(alphabet='abc "{}:\n', max_size=20).filter(lambda s: "{{" not in s),
    suffix=st.text(alphabet='abc "}:\n', max_size=20).filter(lambda s: "{{" not in s),
    name=st.sampled_from(sorted(VALUES)),
)
def test_every_character_after_a_placeholder_maps_back(prefix, suffix, name):
    if prefix.endswith("{"):
        prefix += " "
    original = f"{prefix}{{{{{name}}}}}{suffix}"
    filled = fill(original, VALUES, "p")
    lines_original = original.split("\n")
    lines_filled = filled.text.split("\n")
    assert len(lines_original) == len(lines_filled)
    start = len(prefix) + len(VALUES[name])  # index in the whole text just after the value
    line = filled.text.count("\n", 0, start) + 1
    column = start - (filled.text.rfind("\n", 0, start) + 1) + 1
    offset = start
    for ch in suffix:
        if ch == "\n":
            break
        o_line, o_column = filled.original_position(line, column)
        assert lines_original[o_line - 1][o_column - 1] == ch
        assert filled.text[offset] == ch
        column += 1
        offset += 1


def test_filled_json_still_parses():
    doc = '{"Resource": "arn:aws:kms:{{region}}:{{account_id}}:key/{{key-id}}"}'
    assert json.loads(fill_text(doc, VALUES, "p"))["Resource"] == (
        "arn:aws:kms:us-east-1:111122223333:key/k"
    )
