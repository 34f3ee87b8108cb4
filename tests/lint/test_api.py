"""The linter's public API, pinned: the harness and the CLI build on exactly this."""

from __future__ import annotations

import iamspec.lint
from iamspec.lint import RULES, Finding, Severity, lint_text


def test_public_names() -> None:
    assert sorted(iamspec.lint.__all__) == sorted(
        [
            "CHECKS",
            "FORMATS",
            "RULES",
            "Check",
            "Finding",
            "LintInputError",
            "LintRun",
            "Rule",
            "Severity",
            "lint_file",
            "lint_paths",
            "lint_text",
            "render",
            "render_json",
            "render_sarif",
            "render_text",
            "sarif_log",
        ]
    )


def test_codes_are_stable() -> None:
    assert list(RULES) == [
        "json-syntax",
        "grammar",
        "missing-version",
        "unknown-version",
        "malformed-action",
        "unknown-service",
        "unknown-action",
        "renamed-action",
        "wildcard-matches-nothing",
        "malformed-arn",
        "resource-matches-no-type",
        "star-resource-required",
        "unknown-operator",
        "unknown-condition-key",
        "condition-key-not-supported",
        "bad-condition-value",
        "wildcard-without-like",
        "forallvalues-single-valued",
        "allow-with-not-action",
        "allow-with-not-resource",
        "pass-role-with-star-resource",
        "create-slr-with-star-resource",
        "unfilled-placeholder",
    ]


def test_finding_shape_and_is_error() -> None:
    finding = Finding("p.json", 3, 7, Severity.ERROR, "unknown-action", "boom")
    assert str(finding) == "p.json:3:7: error unknown-action: boom"
    assert finding.is_error
    assert not Finding("p", 1, 1, Severity.SECURITY_WARNING, "x", "m").is_error


def test_severity_order() -> None:
    assert Severity.ERROR.at_least(Severity.WARNING)
    assert Severity.SECURITY_WARNING.at_least(Severity.WARNING)
    assert not Severity.SUGGESTION.at_least(Severity.WARNING)


def test_lint_text_default_source_and_order() -> None:
    findings = lint_text('{"Statement": [{"Effect": "Allow", "Action": "x:y", "Resource": "*"}]}')
    assert [f.path for f in findings] == ["<policy>", "<policy>"]
    assert findings == sorted(findings, key=lambda f: f.sort_key)


def test_table_rows_need_position_and_code() -> None:
    import pytest

    from iamspec.lint.expect import table_rows

    assert table_rows([["position", "code"], ["1:2", "x"]]) == [{"position": "1:2", "code": "x"}]
    with pytest.raises(ValueError, match="position and code"):
        table_rows([["where", "code"]])
