"""Drift on purpose: the proxy makes the live answers differ from the local evaluator's.

A small project runs ``pytest --iam-backend=live --compare-local`` in a subprocess against a
moto server whose SimulateCustomPolicy answers the proxy rewrites (``allowed`` becomes
``implicitDeny``, after the start-up probe). An undeclared disagreement fails its scenario
(even one whose expectation matches the live answer) and the run; a declared known difference
passes and is listed as known; a declared difference the run does not see is reported stale.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.live.kit import (
    ACCOUNT,
    PROJECT,
    CountingProxy,
    deny_allowed_after,
    use_live_env,
)

pytestmark = pytest.mark.slow  # a moto server subprocess behind a proxy (tests/live/conftest.py)

INSTANCE = "11111111-2222-3333-4444-555555555555"
JDOE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE}/agent/jdoe"
REASON = "the simulator in this test is rewritten by a proxy to deny what it allows"

PYPROJECT = f"""
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
account_id = "{ACCOUNT}"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "{INSTANCE}"
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

UNDECLARED = """\
Feature: drift nobody declared
  Background:
    Given the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"

  Scenario: the specification says allowed
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed

  Scenario: the specification agrees with the live answer, but the backends disagree
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is implicitly denied
"""

DECLARED = f"""\
Feature: drift declared
  Scenario: a declared known difference
    Given a known difference from AWS for "connect:DescribeUser": "{REASON}"
    And the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is implicitly denied
"""

SCOPED = f"""\
Feature: a known difference covers only the actions it names
  Background:
    Given a known difference from AWS for "connect:DeleteUser": "{REASON}"
    And the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"

  Scenario: drift on another action still fails
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is implicitly denied

  Scenario: the declared action is asked but does not drift
    When "test-admin" calls "connect:DeleteUser" on the Connect user "jdoe"
    Then the request is implicitly denied
"""

NOT_SEEN = f"""\
Feature: a declared difference the run does not see
  Scenario: a stale known difference
    Given a known difference from AWS for "connect:Describe*": "{REASON}"
    And the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed
"""


def _run(
    pytester: pytest.Pytester,
    proxy: CountingProxy,
    monkeypatch: pytest.MonkeyPatch,
    feature: str,
    *,
    drift: bool,
) -> tuple[pytest.RunResult, dict[str, Any], str]:
    use_live_env(monkeypatch, proxy.url)
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.makeconftest(CONFTEST)
    (pytester.mkdir("policies") / "department.json").write_text(DEPARTMENT)
    features = pytester.mkdir("features")
    (features / "drift.feature").write_text(feature)
    (features / "test_drift.py").write_text(
        'from pytest_bdd import scenarios\n\nscenarios("drift.feature")\n'
    )
    if drift:
        proxy.rewrite = deny_allowed_after(1)  # the start-up probe still answers allowed
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--iam-backend=live",
        "--compare-local",
        "--drift-report",
        "drift.json",
    )
    output = result.stdout.str()
    report = json.loads((pytester.path / "drift.json").read_text())
    # the probe and one call per scenario, every one through the proxy
    assert proxy.simulate_requests == 1 + report["scenarios"], output
    return result, report, output


def _check_request(item: dict[str, Any]) -> None:
    request = item["request"]
    assert request["principal"] == "test-admin"
    assert request["principal_arn"] == f"arn:aws:iam::{ACCOUNT}:user/test-admin"
    assert request["action"] == "connect:DescribeUser"
    assert request["resource"] == JDOE
    assert request["target"] == 'the Connect user "jdoe"'
    entries = {e["ContextKeyName"]: e for e in request["context_entries"]}
    assert entries["aws:ResourceTag/Department"] == {
        "ContextKeyName": "aws:ResourceTag/Department",
        "ContextKeyValues": ["Test"],
        "ContextKeyType": "string",
    }
    assert entries["aws:username"]["ContextKeyValues"] == ["test-admin"]
    answers = item["answers"]
    assert set(answers) == {"live", "local"}
    assert answers["live"]["decision"] == "implicitDeny"
    assert answers["local"]["decision"] == "allowed"
    assert "answered by live: SimulateCustomPolicy" in answers["live"]["explanation"]
    assert "implicitly denied" in answers["live"]["explanation"]
    assert "department.json" in answers["local"]["explanation"]
    assert answers["local"]["explanation"] != answers["live"]["explanation"]


def test_undeclared_drift_fails_the_scenario_and_the_run(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, report, output = _run(pytester, fresh_proxy, monkeypatch, UNDECLARED, drift=True)

    assert result.ret == pytest.ExitCode.TESTS_FAILED, output
    result.assert_outcomes(failed=2)
    # once per failing scenario in the failure reports (the short summary may repeat it: pytest
    # does not truncate it when CI is set)
    failures = output.split("short test summary info")[0]
    assert failures.count("DRIFT: live and the local evaluator decide differently") == 2
    assert "actual:   implicitly denied (implicitDeny)  (answered by live)" in output
    assert "DRIFT: the local evaluator says allowed:" in output
    assert "expected: allowed" in output
    assert "expected: implicitly denied" in output  # its expectation held: drift alone fails it
    assert "features/drift.feature:8: Then the request is allowed" in output
    # the terminal summary
    assert "iamspec drift" in output
    assert "live vs the local evaluator: 2 disagreements (2 unexplained)" in output
    assert (
        "test-admin connect:DescribeUser on "
        f"{JDOE}: live says implicitDeny, local says allowed" in output
    )
    # the report
    assert report["schema_version"] == 1
    assert report["backend"] == "live"
    assert report["scenarios"] == 2
    assert report["requests_compared"] == 2
    assert report["requests_not_compared"] == 0
    assert report["unexplained"] == 2
    assert report["known_differences"] == []
    assert [d["line"] for d in report["disagreements"]] == [6, 10]
    for item in report["disagreements"]:
        assert item["known_difference"] is None
        assert item["feature_file"] == "features/drift.feature"
        assert item["step"] is not None
        assert item["step"].startswith("features/drift.feature:")
        _check_request(item)


def test_a_declared_known_difference_passes_and_is_listed(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, report, output = _run(pytester, fresh_proxy, monkeypatch, DECLARED, drift=True)

    assert result.ret == pytest.ExitCode.OK, output
    result.assert_outcomes(passed=1)
    assert "live vs the local evaluator: 1 disagreements (0 unexplained)" in output
    assert "local says allowed (known difference)" in output
    assert "declared known difference not seen" not in output
    assert report["unexplained"] == 0
    [item] = report["disagreements"]
    assert item["known_difference"] == REASON
    _check_request(item)
    [known] = report["known_differences"]
    assert known["reason"] == REASON
    assert known["actions"] == ["connect:DescribeUser"]
    assert known["drift_seen"] is True
    assert known["feature_file"] == "features/drift.feature"
    assert known["line"] == 2


def test_a_declared_difference_not_seen_is_reported(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, report, output = _run(pytester, fresh_proxy, monkeypatch, NOT_SEEN, drift=False)

    assert result.ret == pytest.ExitCode.OK, output
    result.assert_outcomes(passed=1)
    assert "live vs the local evaluator: 0 disagreements (0 unexplained)" in output
    assert (
        "declared known difference not seen: features/drift.feature:2 a stale known "
        f"difference ({REASON})"
    ) in output
    assert report["disagreements"] == []
    assert report["requests_compared"] == 1
    [known] = report["known_differences"]
    assert known["drift_seen"] is False
    assert known["reason"] == REASON
    assert known["scenario"] == "a stale known difference"


def test_a_known_difference_does_not_cover_other_actions(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A declaration for DeleteUser (here in the Background) must not excuse drift on
    DescribeUser: the run fails, the report calls it unexplained, and the declaration is
    listed only where DeleteUser was asked, as not seen."""
    result, report, output = _run(pytester, fresh_proxy, monkeypatch, SCOPED, drift=True)

    assert result.ret == pytest.ExitCode.TESTS_FAILED, output
    result.assert_outcomes(passed=1, failed=1)
    assert "DRIFT: live and the local evaluator decide differently" in output
    assert report["unexplained"] == 1
    [item] = report["disagreements"]
    assert item["known_difference"] is None
    assert item["request"]["action"] == "connect:DescribeUser"
    [known] = report["known_differences"]
    assert known["scenario"] == "the declared action is asked but does not drift"
    assert known["actions"] == ["connect:DeleteUser"]
    assert known["drift_seen"] is False


def test_the_rewrite_spares_the_probe(fresh_proxy: CountingProxy) -> None:
    """The proxy's rewrite leaves the first Simulate* response (the probe) alone."""
    rewrite = deny_allowed_after(1)
    body = (
        b"<EvalDecision>allowed</EvalDecision><EvalResourceDecision>allowed</EvalResourceDecision>"
    )
    assert rewrite("SimulateCustomPolicy", 1, body) == body
    assert rewrite("SimulateCustomPolicy", 2, body) == (
        b"<EvalDecision>implicitDeny</EvalDecision>"
        b"<EvalResourceDecision>implicitDeny</EvalResourceDecision>"
    )
    assert rewrite("SimulatePrincipalPolicy", 2, body) == body
