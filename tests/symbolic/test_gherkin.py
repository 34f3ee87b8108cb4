"""A counterexample renders as a ready-to-paste scenario: it parses, and it runs green."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from pytest_bdd.parser import FeatureParser

from iamspec.symbolic import (
    ClaimPrincipal,
    Scope,
    Status,
    load_policy_set,
    principal_tag,
    prove_never_allowed,
    prove_no_new_access,
    prove_only_if,
    resource_tag,
)

PROJECT = Path(__file__).resolve().parents[2]
POLICIES = PROJECT / "policies"
SETTINGS = {"partition": "aws", "region": "us-east-1", "account": "111122223333"}
USERS = "connect/describe-update-users-by-department.json"
TEST_ADMIN = ClaimPrincipal("user", "test-admin", "111122223333", tags={})

PYPROJECT = """
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
account_id = "111122223333"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"
"""


def _load(*names: str):
    return load_policy_set([str(POLICIES / n) for n in names])


def _feature(scenarios: str) -> str:
    return "Feature: counterexamples\n\n" + textwrap.indent(scenarios, "  ") + "\n"


def _parsed(tmp_path: Path, text: str):
    (tmp_path / "c.feature").write_text(_feature(text))
    return FeatureParser(str(tmp_path), "c.feature").parse()


def _refuted_department_claim():
    result = prove_only_if(
        _load(USERS),
        Scope(actions=("connect:DescribeUser", "connect:UpdateUser*"), principal=TEST_ADMIN),
        resource_tag("Team").equals("Test"),
    )
    assert result.status is Status.REFUTED
    return result.counterexample


def test_rendered_scenario_uses_the_step_phrases_and_parses(tmp_path):
    counterexample = _refuted_department_claim()
    text = counterexample.to_gherkin(policy_dir=str(POLICIES), **SETTINGS)
    lines = text.splitlines()
    assert lines[0].startswith('Scenario: counterexample to "a request for connect:DescribeUser')
    assert f'  Given the IAM user "test-admin" with the policy "{USERS}"' in lines
    assert any(line.endswith('tagged "Department=Test"') for line in lines)
    assert lines[-1] == "  Then the request is allowed"
    feature = _parsed(tmp_path, text)
    (scenario,) = feature.scenarios.values()
    keywords = [step.keyword for step in scenario.steps]
    assert keywords[0] == "Given"
    assert "When" in keywords
    assert keywords[-1] == "Then"


def test_diff_counterexample_renders_one_scenario_per_policy_set(tmp_path):
    result = prove_no_new_access(
        _load("connect/view-users.json"),
        _load("semantics/connect-full-access.json"),
        Scope(actions=("connect:*",)),
    )
    assert result.status is Status.REFUTED
    text = result.counterexample.to_gherkin(policy_dir=str(POLICIES), **SETTINGS)
    assert "(under the new policies)" in text
    assert "(under the old policies)" in text
    assert "Then the request is allowed" in text
    assert "Then the request is implicitly denied" in text
    assert len(_parsed(tmp_path, text).scenarios) == 2


def test_a_resource_the_steps_cannot_build_is_named_by_its_arn(tmp_path):
    """The caller's own IAM user is not a kind with tags: it is named by its ARN."""
    text = (POLICIES / "iam/view-own-user-info.json").read_text(encoding="utf-8")
    filled = tmp_path / "view-own-user-info.json"  # {{partition}} filled, as the steps do
    filled.write_text(text.replace("{{partition}}", "aws"), encoding="utf-8")
    policies = load_policy_set([str(filled)])
    result = prove_never_allowed(policies, Scope(actions=("iam:GetUser",)))
    assert result.status is Status.REFUTED
    text = result.counterexample.to_gherkin(policy_dir=str(POLICIES), **SETTINGS)
    assert 'on the ARN "arn:' in text
    _parsed(tmp_path, text)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    target = pytester.path / "policies"
    for name in (USERS, "semantics/connect-users-by-principal-department.json"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(POLICIES / name, target / name)
    pytester.mkdir("features")  # the step library ships in the package; features are files
    return pytester


def _run(project: pytest.Pytester, text: str) -> pytest.RunResult:
    (project.path / "features" / "c.feature").write_text(_feature(text))
    return project.runpytest(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--import-mode=importlib"
    )


def test_pasted_counterexample_runs_green_through_the_harness(project):
    counterexample = _refuted_department_claim()
    text = counterexample.to_gherkin(policy_dir=str(POLICIES), **SETTINGS)
    result = _run(project, text)
    result.assert_outcomes(passed=1)


def test_pasted_counterexample_with_principal_tags_runs_green(project):
    policies = _load("semantics/connect-users-by-principal-department.json")
    result = prove_only_if(
        policies,
        Scope(
            actions=("connect:DescribeUser",),
            principal=ClaimPrincipal("role", "agent-admin", "111122223333"),
        ),
        resource_tag("Department").equals("Test") & principal_tag("Department").equals("Test"),
    )
    assert result.status is Status.REFUTED
    text = result.counterexample.to_gherkin(policy_dir=str(POLICIES), **SETTINGS)
    assert 'Given the IAM role "agent-admin"' in text
    _run(project, text).assert_outcomes(passed=1)
