"""Untrusted text printed on a terminal: every control character shown, none acting."""

from __future__ import annotations

import pytest

from iamspec.terminal import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain policies/x.json", "plain policies/x.json"),
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\rb", "a\\x0db"),
        ("a\nb\tc", "a\\x0ab\\x09c"),
        ("\x9b31m", "\\x9b31m"),  # the C1 control sequence introducer
        ("admin\u202egnp.json", "admin\\u202egnp.json"),  # right-to-left override
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("lone \ud800", "lone \\ud800"),
        ("déjà vu ✓", "déjà vu ✓"),
    ],
)
def test_printable(text, shown):
    assert printable(text) == shown
    printable(text).encode("utf-8")  # always encodable


def test_lines_keep_line_breaks_and_tabs_only():
    assert printable("a\nb\tc\x1b", lines=True) == "a\nb\tc\\x1b"
    assert printable(42) == "42"
