# ruff: noqa: E501 - Gherkin steps are written on one line, as in the features
"""Black-box: claim steps in a pytest run, their failure output, the results file and the option.

A refuted claim prints a scenario "ready to paste": pasted into a feature of its own it runs
and passes. An unknown answer fails the scenario. ``--iam-claim-timeout`` refuses values that
are not a positive finite number of seconds before any scenario runs.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from tests.harness.kit import DEPARTMENT_POLICY

PROJECT = Path(__file__).resolve().parents[2]

PYPROJECT = """
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
account_id = "111122223333"
region = "us-east-1"
"""

CONFTEST = f"""
import sys
sys.path.insert(0, {str(PROJECT)!r})
"""

UNDECIDED = """
import pytest
import z3
from iamspec.symbolic import prover


class Undecided(z3.Solver):
    def check(self, *args):
        return z3.unknown

    def reason_unknown(self):
        return "timeout"


@pytest.fixture(autouse=True)
def undecided(monkeypatch):
    # a fixture, so the in-process run leaves z3 as it found it
    monkeypatch.setattr(prover.z3, "Solver", Undecided)
"""

HEAD = """\
Feature: claims
  Scenario: the claim
    Given the IAM user "test-admin" with the policy "department.json"
"""

HOLDS = 'Then "test-admin" may call "connect:DescribeUser" only when the resource\'s tag "Department" is "Test"'
BREAKS = 'Then "test-admin" may call "connect:DescribeUser" only when the resource\'s tag "Team" is "Test"'


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.makeconftest(CONFTEST)
    policies = pytester.mkdir("policies")
    (policies / "department.json").write_text(json.dumps(DEPARTMENT_POLICY, indent=2))
    pytester.mkdir("features")
    return pytester


def run(project: pytest.Pytester, steps: str, *args: str, name: str = "c") -> pytest.RunResult:
    text = HEAD + textwrap.indent(textwrap.dedent(steps).strip() + "\n", "    ")
    (project.path / "features" / f"{name}.feature").write_text(text)
    return project.runpytest(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--import-mode=importlib", *args
    )


def test_a_proven_claim_passes_and_travels_in_the_results(project):
    result = run(project, HOLDS, "--iam-results=out.json")
    result.assert_outcomes(passed=1)
    record = json.loads((project.path / "out.json").read_text())
    (scenario,) = record["scenarios"]
    (claim,) = scenario["claims"]
    assert claim["status"] == "proven"
    assert claim["passed"] is True
    assert claim["step"] == "features/c.feature:4"


def test_a_refuted_claim_fails_and_its_scenario_passes_when_pasted(project):
    result = run(project, BREAKS, "--iam-results=out.json")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "features/c.feature:4: " in output
    assert "ClaimFailure: the claim does not hold" in output
    assert "why (the engine's explanation):" in output
    assert "Traceback" not in output
    record = json.loads((project.path / "out.json").read_text())
    (claim,) = record["scenarios"][0]["claims"]
    assert claim["status"] == "refuted"
    assert claim["passed"] is False
    # the printed scenario (the one recorded), pasted into a feature file of its own, passes
    scenario = claim["scenario"]
    for line in scenario.splitlines():
        assert line.strip() in output
    (project.path / "features" / "c.feature").unlink()
    (project.path / "features" / "pasted.feature").write_text(
        "Feature: pasted\n" + textwrap.indent(scenario.strip() + "\n", "  ")
    )
    pasted = project.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    pasted.assert_outcomes(passed=1)


def test_an_unknown_answer_fails_the_scenario(project):
    import z3  # the project's conftest patches z3 for its own run only

    solver = z3.Solver
    (project.path / "conftest.py").write_text(CONFTEST + UNDECIDED)
    result = run(project, HOLDS, "--iam-claim-timeout=0.5")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "the claim is not proven" in output
    assert "an undecided claim never passes" in output
    assert "--iam-claim-timeout (now 0.5 s)" in output
    assert z3.Solver is solver


def test_a_claim_that_cannot_be_read_names_the_step_and_is_no_decision(project):
    result = run(project, 'Then "test-admin" may call "connect:DescribeUser" whenever it likes')
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "features/c.feature:4: " in output
    assert "ScenarioInputError: cannot read the claim" in output
    assert "unexpected 'whenever it likes'" in output
    assert not re.search(r"\bdenied\b", output)
    assert "Traceback" not in output


def test_an_expected_refutation_passes_only_when_the_facts_break_the_claim(project):
    refuted = """
        Then the claim "test-admin" may call "connect:DescribeUser" only when the resource's tag "Team" is "Test" is refuted by a request like:
          | resource tags | Department=Test |
          | decision      | allowed         |
    """
    run(project, refuted).assert_outcomes(passed=1)
    holds = refuted.replace("Department=Test", "Department=Sales")
    (project.path / "features" / "c.feature").unlink()
    result = run(project, holds, name="sales")  # a new file: pytest-bdd caches parsed ones
    result.assert_outcomes(failed=1)
    assert "expected to be refuted, but it holds" in result.stdout.str()


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "-inf"])
def test_the_claim_timeout_must_be_a_positive_finite_number(project, value):
    result = run(project, HOLDS, f"--iam-claim-timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        "iamspec: --iam-claim-timeout must be a positive number of seconds" in result.stderr.str()
    )


def test_the_claim_timeout_must_be_a_number(project):
    result = run(project, HOLDS, "--iam-claim-timeout=soon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--iam-claim-timeout" in result.stderr.str()


def test_under_moto_the_refuting_request_reaches_the_results_and_the_drift_report(
    project, fake_aws
):
    refuted = """
        Then the claim "test-admin" may call "connect:DescribeUser" only when the resource's tag "Team" is "Test" is refuted by a request like:
          | resource tags | Department=Test |
          | decision      | allowed         |
    """
    result = run(
        project,
        refuted,
        "--iam-backend=moto",
        "--compare-local",
        "--iam-results=out.json",
        "--drift-report=drift.json",
    )
    result.assert_outcomes(passed=1)
    (scenario,) = json.loads((project.path / "out.json").read_text())["scenarios"]
    (call,) = scenario["calls"]
    assert call["backend"] == "moto"
    assert call["action"] == "connect:DescribeUser"
    (request,) = call["requests"]
    assert (request["decision"], request["local_decision"]) == ("allowed", "allowed")
    (claim,) = scenario["claims"]
    assert claim["backend_decision"] == "allowed"
    drift = json.loads((project.path / "drift.json").read_text())
    assert drift["requests_compared"] == 1
    assert drift["disagreements"] == []


def test_the_refuting_request_is_a_request_of_the_scenario_under_the_local_backend(project):
    """The request that refutes a claim is kept with the scenario's requests under the local
    backend too: the results file lists it, and policy coverage counts the statement that
    decided it (a policy only claims load is not reported as deciding nothing)."""
    refuted = """
        Then the claim "test-admin" may call "connect:DescribeUser" only when the resource's tag "Team" is "Test" is refuted by a request like:
          | resource tags | Department=Test |
          | decision      | allowed         |
    """
    result = run(project, refuted, "--iam-results=out.json", "--living-docs=site")
    result.assert_outcomes(passed=1)
    (scenario,) = json.loads((project.path / "out.json").read_text())["scenarios"]
    (call,) = scenario["calls"]
    assert (call["backend"], call["action"]) == ("local", "connect:DescribeUser")
    (request,) = call["requests"]
    assert request["decision"] == "allowed"
    (claim,) = scenario["claims"]
    assert claim["backend_decision"] == "allowed"
    page = (project.path / "site" / "coverage.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Statements exercised 100% (1 of 1) Decided nothing none" in text


DENYING_BACKEND = """
import dataclasses

import pytest
from iamspec.engine.evaluator import Decision
from iamspec.harness.backends import LocalBackend
from iamspec.harness.session import session_of


class DenyingBackend(LocalBackend):
    # answers every request implicitly denied: a backend that disagrees with the engine
    def answer_batch(self, batch):
        answers = super().answer_batch(batch)
        return {
            key: dataclasses.replace(answer, decision=Decision.IMPLICIT_DENY)
            for key, answer in answers.items()
        }


@pytest.fixture(scope="session")
def iam_backend(request):
    state = session_of(request.config)
    return DenyingBackend(state.catalog, state.settings)
"""


def test_a_backend_that_does_not_confirm_the_refuting_request_fails_the_step(project):
    """The refuting request is asked of the scenario's backend; when the backend answers it
    otherwise than the replay (here: a backend that denies everything), the step fails and
    says so, though the solver and the engine agree that the claim is refuted."""
    project.makeconftest(CONFTEST + DENYING_BACKEND)
    refuted = """
        Then the claim "test-admin" may call "connect:DescribeUser" only when the resource's tag "Team" is "Test" is refuted by a request like:
          | resource tags | Department=Test |
          | decision      | allowed         |
    """
    result = run(project, refuted)
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "does not confirm the request that refutes the claim" in output
    assert "features/c.feature:4: " in output
