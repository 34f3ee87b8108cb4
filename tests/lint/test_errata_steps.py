"""The lint step vocabulary, black-box through pytester: outcomes and failure messages."""

from __future__ import annotations

import shutil

import pytest

from tests.lint.kit import PUBLISHED, ROOT

FEATURE = """\
Feature: lint steps
  Scenario: reported at a position
    Given the published example "manage-outbound-campaigns-management.json"
    When it is linted
    Then the linter reports "renamed-action" at 1:309

  Scenario: reported exactly
    Given the published example "create-and-view-amazon-connect-wisdom-assistants.json"
    When it is linted
    Then the linter reports exactly:
      | position | code        |
      | 1:174    | json-syntax |

  Scenario: nothing to report
    Given the published example "grant-view-user-permissions.json"
    When it is linted
    Then the linter reports nothing

  Scenario: a wrong expectation
    Given the published example "create-and-view-amazon-connect-wisdom-assistants.json"
    When it is linted
    Then the linter reports "json-syntax" at 1:175
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.syspathinsert(ROOT)
    published = pytester.path / "policies" / "published"
    published.mkdir(parents=True)
    for name in (
        "manage-outbound-campaigns-management.json",
        "create-and-view-amazon-connect-wisdom-assistants.json",
        "grant-view-user-permissions.json",
    ):
        shutil.copy(PUBLISHED / name, published / name)
    pytester.makefile(".feature", lint=FEATURE)
    pytester.makepyfile(test_lint="from pytest_bdd import scenarios\nscenarios('lint.feature')\n")
    return pytester


def test_steps_pass_and_a_wrong_position_lists_the_findings(project: pytest.Pytester) -> None:
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected 'json-syntax' at 1:175; the linter reports:*",
            "*| 1:174    | error    | json-syntax | trailing comma before ']'*",
        ]
    )
