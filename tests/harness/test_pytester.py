# ruff: noqa: E501 - Gherkin steps are written on one line, as in the features
"""Black-box: run pytest on small features and check outcomes and messages.

Every error must name the feature file and the line of the failing step; a failing scenario
must print the expected and actual decision, the explanation and the request as sent.
"""

from __future__ import annotations

import json
import os
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
{extra}

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"
"""

CONFTEST = f"""
import sys
sys.path.insert(0, {str(PROJECT)!r})
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

BROKEN = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["wisdom:GetAssistant", "wisdom:ListAssistants",],
      "Resource": "*"
    }
  ]
}
"""

BACKGROUND = """\
Feature: a small feature
  Background:
    Given the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"

  Scenario: the scenario
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT.format(extra=""))
    pytester.makeconftest(CONFTEST)
    policies = pytester.mkdir("policies")
    (policies / "department.json").write_text(DEPARTMENT)
    (policies / "broken.json").write_text(BROKEN)
    pytester.mkdir("features")  # the .feature files are the test files
    return pytester


def run(project: pytest.Pytester, steps: str, *args: str) -> pytest.RunResult:
    text = BACKGROUND + textwrap.indent(textwrap.dedent(steps).strip() + "\n", "    ")
    (project.path / "features" / "bad.feature").write_text(text)
    return project.runpytest(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--import-mode=importlib", *args
    )


def line_of(project: pytest.Pytester, needle: str) -> int:
    lines = (project.path / "features" / "bad.feature").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def assert_error(
    project: pytest.Pytester, result: pytest.RunResult, step: str, *texts: str
) -> None:
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    location = f"features/bad.feature:{line_of(project, step)}: "
    assert location in output, output
    for text in texts:
        assert text in output, output
    assert "Traceback" not in output


def test_passing_scenario(project):
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is allowed
    """,
    )
    result.assert_outcomes(passed=1)


def test_unknown_action_shows_the_suggestion(project):
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUsr" on the Connect user "jdoe"
        Then the request is implicitly denied
    """,
    )
    assert_error(
        project,
        result,
        "DescribeUsr",
        "UnknownActionError: unknown IAM action 'connect:DescribeUsr'",
        "did you mean 'connect:DescribeUser'",
    )


def test_misspelt_service_prefix(project):
    result = run(
        project,
        """
        When "test-admin" calls "app-integartions:DeleteEventIntegration" on any resource
        Then the request is implicitly denied
    """,
    )
    assert_error(
        project,
        result,
        "app-integartions",
        "did you mean 'app-integrations'",
        "did you mean the action 'app-integrations:DeleteEventIntegration'",
    )


def test_malformed_arn(project):
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the ARN "arn:aws:connect:us-east-1"
        Then the request is implicitly denied
    """,
    )
    assert_error(
        project,
        result,
        'the ARN "arn:aws',
        "MalformedArnError: malformed ARN 'arn:aws:connect:us-east-1'",
    )


def test_unknown_context_key(project):
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe" and the context "aws:SorceIp=203.0.113.7"
        Then the request is allowed
    """,
    )
    assert_error(
        project,
        result,
        "aws:SorceIp",
        "unknown condition context key 'aws:SorceIp'",
        "'aws:SourceIp'",
    )


def test_tag_key_typo(project):
    result = run(
        project,
        """
        Given a Connect user "jane" tagged "Departmnet=Test"
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jane"
        Then the request is implicitly denied
    """,
    )
    assert_error(
        project,
        result,
        'calls "connect:DescribeUser" on the Connect user "jane"',
        "TagKeyTypoError",
        "'Departmnet'",
        "did you mean 'Department'",
    )


def test_missing_policy_file(project):
    result = run(
        project,
        """
        Given the IAM user "other" with the policy "departmnt.json"
        When "other" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is implicitly denied
    """,
    )
    assert_error(
        project,
        result,
        "departmnt.json",
        "PolicyFileError: policy file 'policies/departmnt.json': no such file",
        "did you mean 'department.json'",
    )


def test_policy_that_does_not_parse(project):
    result = run(
        project,
        """
        Given the IAM user "other" with the policy "broken.json"
        When "other" calls "wisdom:ListAssistants"
        Then the request is implicitly denied
    """,
    )
    assert_error(project, result, "broken.json", "PolicyParseError: policies/broken.json:6:")


def test_unknown_principal(project):
    result = run(
        project,
        """
        When "tset-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is allowed
    """,
    )
    assert_error(
        project, result, "tset-admin", "unknown principal 'tset-admin'; did you mean 'test-admin'?"
    )


def test_unknown_resource(project):
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdeo"
        Then the request is allowed
    """,
    )
    assert_error(project, result, '"jdeo"', "unknown Connect user 'jdeo'; did you mean 'jdoe'?")


def test_unknown_decision_word(project):
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is alowed
    """,
    )
    assert_error(project, result, "alowed", "unknown decision 'alowed'; did you mean 'allowed'?")


def test_undefined_step(project):
    result = run(
        project,
        """
        Given a Conect user "jane"
        Then the request is allowed
    """,
    )
    assert_error(project, result, "Conect", "StepDefinitionNotFoundError")


def test_wrong_resource_type(project):
    result = run(
        project,
        """
        When "test-admin" calls "connect:ListUsers" on the Connect user "jdoe"
        Then the request is allowed
    """,
    )
    assert_error(
        project,
        result,
        "ListUsers",
        'connect:ListUsers does not act on the Connect user "jdoe"',
        "it takes instance (required)",
    )


def test_failing_scenario_prints_decision_explanation_and_request(project):
    result = run(
        project,
        """
        Given a Connect user "prod-agent" tagged "Department=Prod"
        When "test-admin" calls "connect:UpdateUserPhoneConfig" on the Connect user "prod-agent"
        Then the request is allowed
    """,
    )
    assert_error(
        project,
        result,
        "Then the request is allowed",
        "ScenarioFailure: the decision differs from the specification",
        "expected: allowed",
        "actual:   implicitly denied (implicitDeny)  (answered by local)",
        'request:  "test-admin" (arn:aws:iam::111122223333:user/test-admin) calls '
        'connect:UpdateUserPhoneConfig on the Connect user "prod-agent"',
        "resource arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555/agent/prod-agent",
        "aws:ResourceTag/Department (string) = ['Prod']",
        "implicitly denied: no statement allows it",
        "condition FAILED",
        "policies/department.json statement 1",
    )


def test_long_tracebacks_on_request(project):
    result = run(
        project,
        """
        When "tset-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is allowed
    """,
        "--tb=long",
    )
    result.assert_outcomes(failed=1)
    assert "features/bad.feature:7: When" in result.stdout.str()
    assert "UnknownNameError" in result.stdout.str()


def test_settings_typo(project):
    project.makefile(".toml", pyproject=PYPROJECT.format(extra='acount_id = "111122223333"'))
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is allowed
    """,
    )
    assert_error(
        project,
        result,
        'Given the IAM user "test-admin"',
        "acount_id: unknown setting; did you mean 'account_id'?",
    )


def test_results_file(project):
    (project.path / "features" / "more.feature").write_text(
        textwrap.dedent("""\
        Feature: more
          Scenario: fails
            Given the IAM user "u" with the policy "department.json"
            And a Connect user "x" tagged "Department=Prod"
            When "u" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is allowed
          Scenario: errors
            Given the IAM user "u" with the policy "nothing.json"
    """)
    )
    result = run(
        project,
        """
        When "test-admin" calls each action matching "connect:UpdateUser*" that applies to the Connect user "jdoe"
        Then every request is allowed
    """,
        "--iam-results",
        "out/results.json",
    )
    result.assert_outcomes(passed=1, failed=2)
    data = json.loads((project.path / "out" / "results.json").read_text())
    assert data["backend"] == "local"
    assert data["schema_version"] == 1
    assert data["iam_data_version"]
    by_name = {s["scenario"]: s for s in data["scenarios"]}
    assert by_name["the scenario"]["status"] == "passed"
    assert by_name["fails"]["status"] == "failed"
    assert by_name["errors"]["status"] == "error"
    assert "PolicyFileError" in by_name["errors"]["error"]
    calls = by_name["the scenario"]["calls"]
    assert len(calls) == 7
    assert all(c["passed"] and c["expected"] == "allowed" for c in calls)
    assert by_name["the scenario"]["steps"][-1]["status"] == "passed"
    assert by_name["the scenario"]["simulate_calls"] == 1
    failing = by_name["fails"]
    assert failing["steps"][-1]["status"] == "failed"
    assert failing["calls"][0]["requests"][0]["context_entries"]
    assert failing["calls"][0]["passed"] is False


def test_results_file_with_xdist(project):
    pytest.importorskip("xdist")
    (project.path / "features" / "more.feature").write_text(
        textwrap.dedent("""\
        Feature: more
          Scenario Outline: several
            Given the IAM user "u" with the policy "department.json"
            And a Connect user "x" tagged "Department=<d>"
            When "u" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is <decision>
            Examples:
              | d    | decision          |
              | Test | allowed           |
              | Prod | implicitly denied |
              | QA   | implicitly denied |
    """)
    )
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is allowed
    """,
        "-n",
        "2",
        "--iam-results",
        "r.json",
    )
    result.assert_outcomes(passed=4)
    data = json.loads((project.path / "r.json").read_text())
    assert len(data["scenarios"]) == 4
    assert sorted(s["example"].get("d", "") for s in data["scenarios"]) == [
        "",
        "Prod",
        "QA",
        "Test",
    ]


def test_live_without_credentials_stops_at_start(project, monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is allowed
    """,
        "--iam-backend=live",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "iamspec: --iam-backend=live: no AWS credentials" in result.stderr.str()


def test_then_without_when(project):
    result = run(
        project,
        """
        Then the request is allowed
    """,
    )
    assert_error(project, result, "Then the request is allowed", "no When-step asked one before it")


def test_linter_warnings_show_in_the_failure_message_and_the_results(project):
    """Issue 7: a policy with a linter warning runs; its warnings come with a failure."""
    unversioned = DEPARTMENT.replace('  "Version": "2012-10-17",\n', "")
    (project.path / "policies" / "unversioned.json").write_text(unversioned)
    result = run(
        project,
        """
        Given the IAM user "old-admin" with the policy "unversioned.json"
        And a Connect user "prod-agent" tagged "Department=Prod"
        When "old-admin" calls "connect:DescribeUser" on the Connect user "prod-agent"
        Then the request is allowed
    """,
        "--iam-results",
        "results.json",
    )
    assert_error(
        project,
        result,
        "Then the request is allowed",
        "policy linter warnings (iamspec lint) on the policies that decided this:",
        "policies/unversioned.json:1:1: warning missing-version:",
    )
    data = json.loads((project.path / "results.json").read_text())
    (scenario,) = data["scenarios"]
    (warning,) = scenario["policy_warnings"]
    assert warning == {
        "path": "policies/unversioned.json",
        "line": 1,
        "column": 1,
        "severity": "warning",
        "code": "missing-version",
        "message": warning["message"],
    }
    assert "Version" in warning["message"]


def test_a_failure_without_linter_warnings_has_no_warning_section(project):
    result = run(
        project,
        """
        Given a Connect user "prod-agent" tagged "Department=Prod"
        When "test-admin" calls "connect:DescribeUser" on the Connect user "prod-agent"
        Then the request is allowed
    """,
    )
    result.assert_outcomes(failed=1)
    assert "policy linter warnings" not in result.stdout.str()


def test_compare_local_needs_an_api_answerer(project):
    result = run(
        project,
        'When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"',
        "--compare-local",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--compare-local compares an API backend" in result.stderr.str()


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_live_scenarios_are_deselected_offline_and_counted(project, workers):
    (project.path / "features" / "deployed.feature").write_text(
        textwrap.dedent("""\
        @live
        Feature: deployed
          Scenario: one
            Given the deployed principal "ops"
          Scenario: two
            Given the deployed principal "ops"
    """)
    )
    result = run(
        project,
        """
        When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
        Then the request is allowed
    """,
        "--strict-markers",
        *workers,
    )
    result.assert_outcomes(passed=1)
    assert "iamspec: 2 scenarios tagged @live deselected" in result.stdout.str()


def test_a_deployed_principal_without_the_live_tag_is_an_error(project):
    result = run(project, 'Given the deployed principal "ops"')
    assert_error(project, result, "Given the deployed principal", "tag the scenario @live")
