"""Text, JSON and SARIF 2.1.0 output; the SARIF validated against the OASIS schema.

SARIF 2.1.0: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html (schema
provenance in SARIF-SCHEMA.md beside this file).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from iamspec.lint import RULES, Finding, Severity, lint_paths, render, sarif_log
from tests.lint.kit import PUBLISHED

SCHEMA = json.loads((Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text())


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return lint_paths([PUBLISHED]).findings


def test_text_is_one_diagnostic_per_line(findings: list[Finding]) -> None:
    lines = render(findings, "text").splitlines()
    assert len(lines) == len(findings)
    assert lines[0].startswith(f"{findings[0].path}:1:")
    _path, _line, _column, rest = lines[0].split(":", 3)
    assert rest.startswith(f" {findings[0].severity.value} {findings[0].code}: ")


def test_json_is_a_list_of_findings(findings: list[Finding]) -> None:
    data = json.loads(render(findings, "json"))
    assert data[0] == {
        "path": findings[0].path,
        "line": findings[0].line,
        "column": findings[0].column,
        "severity": findings[0].severity.value,
        "code": findings[0].code,
        "message": findings[0].message,
    }
    assert len(data) == len(findings)


def test_sarif_validates_against_the_sarif_2_1_0_schema(findings: list[Finding]) -> None:
    log = json.loads(render(findings, "sarif"))
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert errors == [], "\n".join(e.message for e in errors[:5])


def test_an_empty_run_validates_too() -> None:
    jsonschema.validate(sarif_log([]), SCHEMA, cls=jsonschema.Draft4Validator)


def test_sarif_results_locate_each_finding(findings: list[Finding]) -> None:
    run = sarif_log(findings)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert run["columnKind"] == "unicodeCodePoints"
    for finding, result in zip(findings, run["results"], strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.code
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith(Path(finding.path).name)


def test_sarif_levels_and_security_tags() -> None:
    def one(severity: Severity) -> dict[str, object]:
        finding = Finding("a b/p.json", 2, 3, severity, "allow-with-not-action", "m")
        return sarif_log([finding])["runs"][0]["results"][0]

    assert one(Severity.ERROR)["level"] == "error"
    assert one(Severity.SECURITY_WARNING)["level"] == "warning"
    assert one(Severity.WARNING)["level"] == "warning"
    assert one(Severity.SUGGESTION)["level"] == "note"
    location = one(Severity.ERROR)["locations"][0]  # type: ignore[index]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "a%20b/p.json"
    rule = next(
        r
        for r in sarif_log([])["runs"][0]["tool"]["driver"]["rules"]
        if r["id"] == "allow-with-not-action"
    )
    assert "security" in rule["properties"]["tags"]


def test_absolute_paths_become_file_uris() -> None:
    finding = Finding("/tmp/x y.json", 1, 1, Severity.ERROR, "json-syntax", "m")
    uri = sarif_log([finding])["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]["uri"]
    assert uri == "file:///tmp/x%20y.json"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render([], "xml")
