"""Labels and formatting: words and symbols, never colour alone; dates as readers read them."""

from __future__ import annotations

import pytest

from iamspec.livingdoc.labels import decision_label, format_date, status_label


@pytest.mark.parametrize(
    ("decision", "css", "text"),
    [
        ("allowed", "allowed", "\u2713 allowed"),
        ("implicitDeny", "implicit", "\u2717 implicitly denied"),
        ("explicitDeny", "explicit", "\u2298 explicitly denied"),
        ("weird", "unknown", "? weird"),
    ],
)
def test_every_decision_has_a_symbol_and_words_not_only_a_colour(decision, css, text):
    label = decision_label(decision)
    assert (label.css, label.text) == (css, text)


def test_status_labels():
    assert status_label("failed").text == "\u2717 failed"
    assert status_label("error").text == "\u26a0 error"
    assert status_label("not run").css == "notrun"


def test_format_date():
    assert format_date("2026-11-30T07:47:00.123456+00:00") == "2026-11-30 07:47 UTC"
    assert format_date(None) == "unknown"
    assert format_date("soon") == "soon"
