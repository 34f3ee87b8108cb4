# ruff: noqa: E501 - Gherkin steps are written on one line, as in the features
"""The faster step path keeps behaviour: a project's ``iam_backend`` fixture still answers its
scenarios, records are still made when asked, and a finished scenario leaves nothing behind.

Black-box through pytester (a project with feature files, as ``tests/harness/
test_harness_features.py`` builds them); what is measured, not asserted, is in
``benchmarks/suite.py``.
"""

from __future__ import annotations

import json

import pytest

PYPROJECT = """
[tool.pytest.ini_options]
bdd_features_base_dir = "features"
addopts = "-p no:hypothesispytest -p no:cacheprovider"

[tool.iamspec]
account_id = "111122223333"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"
"""

DEPARTMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
        }
    ],
}

FEATURE = """\
Feature: Department admins
  Scenario: a Test agent may be described
    Given the IAM user "admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"
    When "admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed

  Scenario: a Prod agent may not
    Given the IAM user "admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Prod"
    When "admin" calls each action matching "connect:UpdateUser*" that applies to the Connect user "jdoe"
    Then every request is implicitly denied
"""

# A backend that answers as the local one and counts its Simulate* batches.
COUNTING_BACKEND = """
from iamspec.harness.backends import LocalBackend


class CountingBackend(LocalBackend):
    batches = 0

    def answer_batch(self, batch):
        CountingBackend.batches += 1
        return super().answer_batch(batch)
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    (pytester.mkdir("policies") / "department.json").write_text(json.dumps(DEPARTMENT))
    (pytester.mkdir("features") / "dept.feature").write_text(FEATURE)
    pytester.makepyfile(counting_backend=COUNTING_BACKEND)
    return pytester


def test_a_conftest_iam_backend_fixture_answers_the_scenarios(project):
    """The world takes its backend from ``iam_backend`` as pytest resolves it: a project's
    override in conftest.py answers (the plugin reads the run's backend directly only where
    the fixture visible to the scenario is its own)."""
    project.makeconftest(
        """
        import pytest
        from counting_backend import CountingBackend
        from iamspec.harness.session import session_of

        @pytest.fixture(scope="session")
        def iam_backend(request):
            state = session_of(request.config)
            return CountingBackend(state.catalog, state.settings)

        def pytest_sessionfinish(session):
            print(f"\\nbatches answered by the project's backend: {CountingBackend.batches}")
        """
    )
    result = project.runpytest("features", "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*batches answered by the project's backend: 2*"])


def test_a_test_modules_iam_backend_fixture_answers_its_scenarios(project):
    """A fixture defined in the module that binds the scenarios (pytest-bdd ``scenarios()``)
    overrides the plugin's for those scenarios only."""
    project.makepyfile(
        test_bound="""
        import pytest
        from pytest_bdd import scenarios
        from counting_backend import CountingBackend
        from iamspec.harness.session import session_of

        scenarios("dept.feature")

        @pytest.fixture(scope="module")
        def iam_backend(request):
            state = session_of(request.config)
            return CountingBackend(state.catalog, state.settings)

        def test_after():
            assert CountingBackend.batches == 2
        """
    )
    result = project.runpytest("test_bound.py")
    result.assert_outcomes(passed=3)


def test_without_an_override_the_runs_backend_answers(project):
    """The plugin's own fixture and the world share one backend, as before."""
    project.makeconftest(
        """
        import pytest
        from pytest_bdd import then

        @then("the world's backend is the run's")
        def same_backend(world, iam_backend):
            assert world.backend is iam_backend
        """
    )
    (project.path / "features" / "same.feature").write_text(
        "Feature: one backend\n"
        "  Scenario: shared\n"
        '    Given the IAM user "admin" with the policy "department.json"\n'
        "    Then the world's backend is the run's\n"
    )
    project.runpytest("features/same.feature").assert_outcomes(passed=1)


def test_a_finished_scenario_leaves_its_world_and_answers_behind(project):
    """Once a scenario has run, its world and the outcome pytest-bdd registered for the
    When-step are released (kept, they would only slow Python's garbage collector): weak
    references to them are dead after the run's scenarios."""
    project.makeconftest(
        """
        import gc
        import weakref

        import pytest
        from pytest_bdd import then

        REFS = []

        @then("the scenario's world and answer are watched")
        def watch(world, outcome):
            REFS.append(weakref.ref(world))
            REFS.append(weakref.ref(outcome.results[0]))

        def pytest_sessionfinish(session):
            gc.collect()
            alive = [r for r in REFS if r() is not None]
            print(f"\\nwatched {len(REFS)}, alive {len(alive)}")
        """
    )
    (project.path / "features" / "watched.feature").write_text(
        "Feature: watched\n"
        "  Scenario: one\n"
        '    Given the IAM user "admin" with the policy "department.json"\n'
        '    And a Connect user "jdoe" tagged "Department=Test"\n'
        '    When "admin" calls "connect:DescribeUser" on the Connect user "jdoe"\n'
        "    Then the request is allowed\n"
        "    And the scenario's world and answer are watched\n"
        "  Scenario: two\n"
        '    Given the IAM user "admin" with the policy "department.json"\n'
        '    And a Connect user "jdoe" tagged "Department=Prod"\n'
        '    When "admin" calls "connect:DescribeUser" on the Connect user "jdoe"\n'
        "    Then the request is implicitly denied\n"
        "    And the scenario's world and answer are watched\n"
    )
    # in a subprocess: an in-process pytester records every hook call, arguments included
    result = project.runpytest_subprocess("features/watched.feature", "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*watched 4, alive 0*"])


def test_records_are_still_made_when_asked(project):
    """Recording hooks are registered only when the run keeps records; with --iam-results
    every step of every scenario is marked."""
    result = project.runpytest("features", "--iam-results", "results.json")
    result.assert_outcomes(passed=2)
    results = json.loads((project.path / "results.json").read_text())
    statuses = [step["status"] for s in results["scenarios"] for step in s["steps"]]
    assert statuses == ["passed"] * 8
    assert [c["action"] for c in results["scenarios"][0]["calls"]] == ["connect:DescribeUser"]
    assert results["scenarios"][0]["calls"][0]["requests"][0]["explanation"].startswith(
        "connect:DescribeUser on arn:aws:connect:us-east-1:111122223333:instance/"
    )


def test_a_plain_run_registers_no_recording_hooks(project):
    project.makeconftest(
        """
        def pytest_sessionstart(session):
            pass

        def pytest_collection_finish(session):
            has = session.config.pluginmanager.has_plugin("iamspec-recording")
            print(f"\\nrecording hooks registered: {has}")
        """
    )
    result = project.runpytest("features", "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*recording hooks registered: False*"])
    result = project.runpytest("features", "-s", "--iam-results", "r.json")
    result.stdout.fnmatch_lines(["*recording hooks registered: True*"])
