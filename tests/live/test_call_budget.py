"""The cap on Simulate* calls is one budget for the whole run, however many processes.

Black-box pytest runs (``-n 2 --dist loadfile`` and without xdist) in a subprocess against a
moto server behind the counting proxy: the xdist controller's start-up probe and every
worker's count against the same cap, a worker given most of the scenarios may use most of the
budget, and the summary states the run's true total, start-up checks included.
"""

from __future__ import annotations

import pytest

from tests.live.kit import (
    CountingProxy,
    use_live_env,
    write_project,
)

pytestmark = pytest.mark.slow  # a moto server subprocess behind a proxy (tests/live/conftest.py)

ALLOW_DESCRIBE = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}
  ]
}
"""

SCENARIO = """
  Scenario: {name}
    Given the IAM user "u" with the policy "allow-describe.json"
    And a Connect user "a"
    When "u" calls "connect:DescribeUser" on the Connect user "a"
    Then the request is allowed
"""

FEATURES = {
    "big": "Feature: four scenarios\n"
    + "".join(SCENARIO.format(name=n) for n in ("one", "two", "three", "four")),
    "small": "Feature: one scenario\n" + SCENARIO.format(name="alone"),
}
STARTUP_XDIST = 3
"""The start-up probes of a ``-n 2`` run: the controller's and each worker's."""


def _run(
    pytester: pytest.Pytester, proxy: CountingProxy, cap: int, *xdist: str
) -> tuple[pytest.RunResult, str]:
    write_project(pytester.path, FEATURES, {"allow-describe.json": ALLOW_DESCRIBE})
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--iam-backend=live", "--iam-max-calls", str(cap), *xdist
    )
    return result, result.stdout.str() + result.stderr.str()


def test_a_worker_may_use_the_run_s_budget_beyond_an_equal_share(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """8 calls under a cap of 8: one worker makes 5 of them (more than half of the cap)."""
    use_live_env(monkeypatch, fresh_proxy.url)

    result, output = _run(pytester, fresh_proxy, 8, "-n", "2", "--dist", "loadfile")

    assert result.ret == pytest.ExitCode.OK, output
    result.assert_outcomes(passed=5)
    assert fresh_proxy.simulate_requests == STARTUP_XDIST + 5
    assert (
        "iamspec: live answered 5 scenarios (5 requests) with 5 Simulate* calls and 0 retries; "
        "the run made 8 Simulate* calls in all (cap 8), start-up checks and every process "
        "included"
    ) in output


def test_the_cap_counts_every_process_and_its_start(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cap of 7: three probes and four scenarios; the fifth scenario's call is refused."""
    use_live_env(monkeypatch, fresh_proxy.url)

    result, output = _run(pytester, fresh_proxy, 7, "-n", "2", "--dist", "loadfile")

    assert result.ret == pytest.ExitCode.INTERRUPTED, output  # stopped, not just failed
    result.assert_outcomes(passed=4, failed=1)
    assert "RunCallLimitError" in output
    assert "the cap of 7 Simulate* calls for this run is reached (7 made" in output
    assert fresh_proxy.simulate_requests == 7
    assert "the run made 7 Simulate* calls in all (cap 7)" in output


def test_without_xdist_the_summary_counts_the_start_up_probe(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url)

    result, output = _run(pytester, fresh_proxy, 0)

    assert result.ret == pytest.ExitCode.OK, output
    assert fresh_proxy.simulate_requests == 1 + 5
    assert "with 5 Simulate* calls and 0 retries; the run made 6 Simulate* calls in all, " in output
