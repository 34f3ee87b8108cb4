"""Issue 14, the harness side: hostile paths, output folders, interrupted runs and secrets.

Each test runs pytest on a small project (pytester, in a subprocess where a signal is sent)
and names the finding it reproduces.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

PYPROJECT = """
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
account_id = "111122223333"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"
"""

CONFTEST = f"""
import sys
sys.path.insert(0, {str(PROJECT)!r})
pytest_plugins = [
    "steps.principals", "steps.resources", "steps.requests", "steps.decisions", "steps.live"
]
"""

DEPARTMENT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}}
    }
  ]
}
"""

SECRET = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

PASSING = """\
Feature: a small feature
  Scenario: the Department tag decides
    Given the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.makeconftest(CONFTEST)
    policies = pytester.mkdir("policies")
    (policies / "department.json").write_text(DEPARTMENT)
    features = pytester.mkdir("features")
    (features / "test_pytester_features.py").write_text(
        "from pytest_bdd import scenarios\n\nscenarios('.')\n"
    )
    return pytester


def feature(project: pytest.Pytester, text: str, name: str = "small") -> Path:
    path = project.path / "features" / f"{name}.feature"
    path.write_text(textwrap.dedent(text))
    return path


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--import-mode=importlib", *args
    )


# -- finding 8: policy names in features stay inside policies/ ----------------------------------


def test_finding8_a_feature_cannot_load_or_publish_a_file_outside_policies(project, tmp_path):
    """``with the policy "../../x.json"`` loaded the file and published it in the living docs;
    now the step fails, naming the feature file and line, and the file is never quoted."""
    outside = project.path / "secret.json"
    outside.write_text(SECRET)
    (project.path / "policies" / "link.json").symlink_to(outside)
    feature(
        project,
        """\
        Feature: escaping names
          Scenario: a relative escape
            Given the IAM user "u" with the policy "../secret.json"
            When "u" calls "connect:DescribeUser" on any resource
            Then the request is implicitly denied

          Scenario: a link out of the folder
            Given the IAM user "u" with the policy "link.json"
            When "u" calls "connect:DescribeUser" on any resource
            Then the request is implicitly denied
        """,
    )
    site = tmp_path / "site"
    result = run(project, "--living-docs", str(site))
    result.assert_outcomes(failed=2)
    output = result.stdout.str() + result.stderr.str()
    assert "features/small.feature:3: Given the IAM user" in output, output
    assert "features/small.feature:8: Given the IAM user" in output, output
    assert "resolves outside policies/" in output, output
    assert "wJalrXUtnFEMI" not in output
    assert "aws_secret_access_key" not in output
    published = "".join(p.read_text(errors="replace") for p in site.iterdir())
    assert "wJalrXUtnFEMI" not in published


# -- finding 6: a lone surrogate never crashes the living docs ---------------------------------

SURROGATE_POLICY = (
    '{"Version": "2012-10-17", "Statement": ['
    '{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*", '
    '"Condition": {"StringEquals": {"aws:ResourceTag/Team": ["a", "\\ud800"]}}}, '
    '{"Effect": "Allow", "Action": "connect:DescribeUser", '
    '"Resource": "arn:aws:connect:*:*:instance/*/agent/\\ud800"}]}'
)


def test_finding6_a_lone_surrogate_keeps_the_summary_the_exit_code_and_utf8_pages(
    project, tmp_path
):
    """An escaped lone surrogate in a policy's values crashed the living docs at the end of a
    passing run (UnicodeEncodeError writing the explanation that quotes it: the summary lost,
    a 0-byte feature page). Whatever the scenario's outcome, the run's summary and exit code
    stand and every page is valid UTF-8."""
    (project.path / "policies" / "surrogate.json").write_text(SURROGATE_POLICY)
    feature(
        project,
        """\
        Feature: a policy with a lone surrogate
          Scenario: another team's agent is not described
            Given the IAM user "u" with the policy "surrogate.json"
            And a Connect user "jdoe" tagged "Team=b"
            When "u" calls "connect:DescribeUser" on the Connect user "jdoe"
            Then the request is implicitly denied
        """,
    )
    site = tmp_path / "site"
    result = run(project, "--living-docs", str(site))
    outcomes = result.parseoutcomes()
    passed = outcomes.get("passed", 0) == 1
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == 1, outcomes
    assert result.ret == (0 if passed else 1), result.stdout.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    pages = sorted(site.iterdir())
    assert pages
    for page in pages:
        data = page.read_bytes()
        assert data, f"{page.name} is empty"
        data.decode("utf-8")  # raises if a page is not valid UTF-8
    if passed:
        feature_page = next(p for p in pages if p.name.startswith("feature-"))
        assert "\\ud800" in feature_page.read_text(encoding="utf-8")


def test_finding6_a_failure_to_write_the_docs_keeps_the_summary_and_is_not_denied(
    project, tmp_path
):
    """Any exception while rendering (not only OSError) is reported after the run's summary,
    and the exit status is pytest's internal error (3), never 1 (a failed, "denied" run)."""
    (project.path / "conftest.py").write_text(
        CONFTEST
        + textwrap.dedent(
            """
            import iamspec.livingdoc.plugin as _plugin

            def _broken(*args, **kwargs):
                raise ValueError("rendering broke")

            _plugin.write_site = _broken
            """
        )
    )
    feature(project, PASSING)
    result = run(project, "--living-docs", str(tmp_path / "site"))
    output = result.stdout.str()
    assert "1 passed" in output, output
    assert "the living documentation was not written" in output, output
    assert "rendering broke" in output, output
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
