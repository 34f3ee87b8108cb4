"""A run failed by drift alone says so: its scenarios pass (no Then-step failed on the drifting
request), so without a red line the terminal would show only "1 passed" and exit 1.

A scenario of iamspec's own vocabulary cannot leave a request unchecked any more: a When-step
with no Then-step after it is a collection error, and a request no Then-step checked fails its
scenario. The run-level net is still there for a project's own Then-step that marks answers
without checking their decisions; the test below uses such a step.
"""

from __future__ import annotations

import pytest

from tests.live.kit import (
    CountingProxy,
    deny_allowed_after,
    use_live_env,
    write_project,
)

pytestmark = pytest.mark.slow  # a moto server subprocess behind a proxy (tests/live/conftest.py)

ALLOW_DESCRIBE = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]
}
"""
UNCHECKED = """\
Feature: a request nobody checks
  Scenario: asked, never checked
    Given the IAM user "u" with the policy "allow-describe.json"
    And a Connect user "a"
    When "u" calls "connect:DescribeUser" on the Connect user "a"
"""
MARKED = UNCHECKED + "    Then the answer is only marked\n"
MARKING_STEP = """
from pytest_bdd import then


@then("the answer is only marked")
def only_marked(outcome):
    # a project's step that records an expectation without checking the decision
    for result in outcome.results:
        result.expected, result.passed = "marked", True
"""


def test_a_request_no_then_step_checks_is_a_collection_error(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url)
    write_project(pytester.path, {"one": UNCHECKED}, {"allow-describe.json": ALLOW_DESCRIBE})
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--iam-backend=live", "--compare-local", "--drift-report=d.json"
    )
    output = result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED, output
    assert "features/one.feature:2: " in output
    assert "states no decision" in output
    assert "passed" not in output.splitlines()[-1]


@pytest.mark.parametrize("drift", [True, False])
def test_drift_alone_fails_the_run_in_red(
    pytester: pytest.Pytester,
    fresh_proxy: CountingProxy,
    monkeypatch: pytest.MonkeyPatch,
    drift: bool,
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url)
    write_project(pytester.path, {"one": MARKED}, {"allow-describe.json": ALLOW_DESCRIBE})
    with (pytester.path / "conftest.py").open("a") as conftest:
        conftest.write(MARKING_STEP)
    if drift:
        fresh_proxy.rewrite = deny_allowed_after(1)  # the start-up probe still answers allowed

    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--iam-backend=live", "--compare-local", "--drift-report=d.json"
    )

    output = result.stdout.str()
    result.assert_outcomes(passed=1)
    line = "FAILED: 1 unexplained disagreement between live and the local evaluator (drift)"
    if drift:
        assert result.ret == pytest.ExitCode.TESTS_FAILED, output
        assert line in output
    else:
        assert result.ret == pytest.ExitCode.OK, output
        assert "FAILED" not in output
