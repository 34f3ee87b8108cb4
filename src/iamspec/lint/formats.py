"""Render findings as text, JSON or SARIF 2.1.0.

- text: one ``path:line:col: severity code: message`` per line, the shape compilers use, so
  editors and CI logs link each line to the place;
- JSON: a list of ``{path, line, column, severity, code, message}``;
- SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html): one run,
  every rule in ``tool.driver.rules`` (stable ``ruleIndex``), one result per finding with
  ``physicalLocation.region.startLine/startColumn``. Columns count Unicode code points
  (``columnKind``), as the linter's do. Levels: error → ``error``; security-warning and
  warning → ``warning``; suggestion → ``note``. Security warnings carry the ``security``
  tag and a ``security-severity`` so that code-scanning UIs rank them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from iamspec.lint.checks import RULES
from iamspec.lint.findings import Finding, Rule, Severity

__all__ = ["FORMATS", "render", "render_json", "render_sarif", "render_text", "sarif_log"]

FORMATS = ("text", "json", "sarif")

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

_LEVELS = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "warning",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "note",
}


def render_text(findings: Iterable[Finding]) -> str:
    """One diagnostic per line, each ending in a newline."""
    return "".join(f"{finding}\n" for finding in findings)


def render_json(findings: Iterable[Finding]) -> str:
    """A JSON list of findings (two-space indent, trailing newline)."""
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _tool_version() -> str:
    try:
        return metadata.version("iamspec")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def _uri(path: str) -> str:
    """A URI reference for a finding's path: a relative path stays relative (``/``-separated);
    an absolute one becomes a ``file:`` URI."""
    windows = "\\" in path or (len(path) > 1 and path[1] == ":")
    pure: PurePath = PureWindowsPath(path) if windows else PurePosixPath(path)
    posix = pure.as_posix()
    if pure.is_absolute():
        return "file://" + ("" if posix.startswith("/") else "/") + quote(posix, safe="/:")
    return quote(posix, safe="/")


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in rule.code.split("-")),
        "shortDescription": {"text": rule.summary},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"severity": rule.severity.value, "tags": ["iam", "policy"]},
    }
    if rule.severity is Severity.SECURITY_WARNING:
        descriptor["properties"]["tags"].append("security")
        descriptor["properties"]["security-severity"] = "7.0"
    return descriptor


def sarif_log(findings: Iterable[Finding], rules: Sequence[Rule] | None = None) -> dict[str, Any]:
    """The SARIF 2.1.0 log as a dict (see the module docstring)."""
    rule_list = list(rules if rules is not None else RULES.values())
    index = {rule.code: i for i, rule in enumerate(rule_list)}
    results: list[dict[str, Any]] = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": _LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(finding.path)},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "properties": {"severity": finding.severity.value},
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "iamspec",
                        "version": _tool_version(),
                        "rules": [_rule_descriptor(rule) for rule in rule_list],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_sarif(findings: Iterable[Finding]) -> str:
    """The SARIF 2.1.0 log as JSON text (two-space indent, trailing newline)."""
    return json.dumps(sarif_log(findings), indent=2, ensure_ascii=False) + "\n"


def render(findings: Sequence[Finding], fmt: str) -> str:
    """Render in one of :data:`FORMATS`; ValueError for another name."""
    if fmt == "text":
        return render_text(findings)
    if fmt == "json":
        return render_json(findings)
    if fmt == "sarif":
        return render_sarif(findings)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
