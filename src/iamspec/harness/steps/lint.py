"""Steps for the policy linter: which policy file, lint it, what the linter reports.

Vocabulary::

    Given the published example "manage-outbound-campaigns-management.json"
    When it is linted
    Then the linter reports "renamed-action" at 1:263
    Then the linter reports nothing
    Then the linter reports exactly:
      | position | severity | code           | mentions                        |
      | 1:263    | error    | renamed-action | UpdateCampaignOutboundCallConfig |

Published examples live in ``<policy_dir>/published/`` (``[tool.iamspec] policy_dir``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pytest_bdd import given, parsers, then, when

from iamspec.lint import Finding, lint_file
from iamspec.lint.expect import expect_exactly, expect_finding, expect_nothing, table_rows
from iamspec.project.settings import Settings


@given(parsers.parse('the published example "{name}"'), target_fixture="lint_path")
def published_example(iam_settings: Settings, name: str) -> Path:
    return iam_settings.policy_dir / "published" / name


@when("it is linted", target_fixture="lint_findings")
def it_is_linted(lint_path: Path, iam_settings: Settings) -> list[Finding]:
    return lint_file(lint_path, placeholders=iam_settings.placeholder_values().keys())


@then("the linter reports nothing")
def reports_nothing(lint_findings: list[Finding]) -> None:
    expect_nothing(lint_findings)


@then(parsers.parse('the linter reports "{code}" at {line:d}:{column:d}'))
def reports_at(lint_findings: list[Finding], code: str, line: int, column: int) -> None:
    expect_finding(lint_findings, code, line, column)


@then("the linter reports exactly:")
def reports_exactly(lint_findings: list[Finding], datatable: Sequence[Sequence[str]]) -> None:
    expect_exactly(lint_findings, table_rows(datatable))
