"""The project's whole scenario suite, live, against a moto server behind a counting proxy.

``pytest features --iam-backend=live --compare-local`` in a subprocess, with the deployed
principals provisioned in the server: every scenario (the ``@live`` ones too) must pass, the two
backends must agree everywhere, and the proxy's count of Simulate* requests must be exactly the
calls the run reports plus the start-up checks, one per (principal, context) group and page.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.live.kit import (
    DEPLOYED,
    PROJECT,
    CountingProxy,
    MotoServer,
    live_env,
    provision_deployed_principals,
)

pytestmark = pytest.mark.slow  # a moto server subprocess behind a proxy (tests/live/conftest.py)

LIVE_FEATURE = "features/live_deployed_principals.feature"
PAGE = 100  # AWS's (and iamspec.simulate's) default MaxItems


def _groups(run: dict[str, Any]) -> tuple[int, int]:
    """(groups asked, Simulate* calls expected): one call per page of each (step's ask,
    principal, context, ``*`` or ARNs) group; a principal with no policy is not asked."""
    groups: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    not_asked: set[tuple[Any, ...]] = set()
    for scenario in run["scenarios"]:
        for call in scenario["calls"]:
            for request in call["requests"]:
                key = (
                    scenario["nodeid"],
                    call["step"],
                    call["asked_at"],
                    call["principal_arn"],
                    json.dumps(request["context_entries"], sort_keys=True),
                    request["resource"] == "*",
                )
                groups[key].add(request["action"])
                if "nothing was sent" in request["explanation"]:
                    not_asked.add(key)
    asked = {k: v for k, v in groups.items() if k not in not_asked}
    return len(asked), sum(math.ceil(len(actions) / PAGE) for actions in asked.values())


def test_the_whole_suite_passes_live_with_one_call_per_group(
    fresh_proxy: CountingProxy, moto: MotoServer, tmp_path: Path
) -> None:
    provision_deployed_principals(moto.client())
    drift_path = tmp_path / "drift.json"
    results_path = tmp_path / "results.json"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "features",
        "-p",
        "no:cacheprovider",
        "--iam-backend=live",
        "--compare-local",
        "--drift-report",
        str(drift_path),
        "--iam-results",
        str(results_path),
        "-q",
    ]
    run = subprocess.run(
        command,
        cwd=PROJECT,
        env=live_env(fresh_proxy.url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "deselected" not in run.stdout.splitlines()[-1], output[-3000:]

    results = json.loads(results_path.read_text())
    scenarios = results["scenarios"]
    assert results["backend"] == "live"
    assert scenarios
    assert all(s["status"] == "passed" for s in scenarios), [
        s["nodeid"] for s in scenarios if s["status"] != "passed"
    ]
    live = [s for s in scenarios if s["feature_file"] == LIVE_FEATURE]
    assert len(live) == 5, "the @live scenarios ran (4 examples of the outline + 1)"
    deployed_arns = {
        c["principal_arn"] for s in live for c in s["calls"] if c["principal"] in DEPLOYED
    }
    assert deployed_arns == {
        "arn:aws:iam::111122223333:user/test-admin",
        "arn:aws:iam::111122223333:role/main-operator",
    }

    drift = json.loads(drift_path.read_text())
    assert drift["unexplained"] == 0
    assert drift["disagreements"] == []
    assert drift["requests_compared"] > 0
    assert drift["requests_not_compared"] > 0  # the deployed principals' requests

    requests = sum(len(c["requests"]) for s in scenarios for c in s["calls"])
    assert drift["requests_compared"] + drift["requests_not_compared"] == requests

    startup = 1 + len(DEPLOYED)  # the probe, one SimulatePrincipalPolicy per principal
    counted = fresh_proxy.simulate_requests
    calls = results["simulate_calls"]
    groups, expected_calls = _groups(results)
    print(
        f"live suite: {len(scenarios)} scenarios, {counted} Simulate* calls ({startup} at "
        f"start), {requests} requests; {groups} (principal, context) groups, "
        f"{fresh_proxy.by_action()}"
    )
    assert fresh_proxy.faulted == 0
    assert counted == calls + startup
    assert calls == sum(s["simulate_calls"] for s in scenarios)
    assert calls == expected_calls, (calls, groups, expected_calls)
    assert calls < requests  # batching really happened
    # the deployed principals: 1 start-up check each, then only SimulatePrincipalPolicy
    principal_calls = sum(s["simulate_calls"] for s in live)
    assert fresh_proxy.count("SimulatePrincipalPolicy") == len(DEPLOYED) + principal_calls
    assert fresh_proxy.count("ListUserTags") == 1  # tags read once per run (cached)
    assert fresh_proxy.count("ListRoleTags") == 1
    summary = (
        f"iamspec: live answered {len(scenarios)} scenarios ({requests} requests) with "
        f"{calls} Simulate* calls and 0 retries"
    )
    assert summary in run.stdout
    assert "iamspec drift" in run.stdout
    assert "0 disagreements (0 unexplained)" in run.stdout
