"""The harness's options: contradicting or out-of-range values stop the run before it starts."""

from __future__ import annotations

import dataclasses

import pytest

from iamspec.harness.options import Options, check

VALID = Options(
    backend="live",
    results=None,
    compare_local=True,
    drift_report="iamspec-drift.json",
    max_calls=0,
    retry_mode="standard",
    max_attempts=1,
)


def test_valid_options_pass():
    check(VALID)
    check(dataclasses.replace(VALID, backend="local", compare_local=False))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"backend": "local"}, "--compare-local compares an API backend with the local"),
        ({"max_calls": -1}, "--iam-max-calls must be 0 (no cap) or more"),
        ({"max_attempts": 0}, "--iam-max-attempts must be at least 1"),
        *(
            ({"claim_timeout": bad}, "--iam-claim-timeout must be a positive number of seconds")
            for bad in (0.0, -1.0, float("inf"), float("nan"), -float("inf"))
        ),
    ],
)
def test_bad_options_are_usage_errors(change, message):
    with pytest.raises(pytest.UsageError) as caught:
        check(dataclasses.replace(VALID, **change))
    assert str(caught.value).startswith(f"iamspec: {message}")


def test_the_options_of_this_run_are_read(pytestconfig):
    """Every option the harness declares is read back (this run has the harness plugin)."""
    options = Options.of(pytestconfig)
    assert options.backend == pytestconfig.getoption("iam_backend")
    assert options.drift_report == pytestconfig.getoption("drift_report")
    assert options.max_attempts == pytestconfig.getoption("iam_max_attempts")
