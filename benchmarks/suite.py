# ruff: noqa: E501 - generated Gherkin steps are written on one line, as in the features
"""Suite benchmark: 1,000 generated scenarios through pytest-bdd on the local backend.

Usage (from the project root, with the project installed)::

    python benchmarks/suite.py [--scenarios 1000] [--repeat 1]

Writes a throw-away project into a temp dir (pyproject.toml, conftest.py, one generated
feature file with N scenarios using this project's policies and step library) and times
``pytest`` on it in a subprocess:

- iamspec steps, serially and with ``-n 2`` (pytest-xdist);
- the same scenarios with no-op step definitions that have the same parsers (so pytest-bdd's
  step lookup costs the same) and no iamspec plugin (``-p no:iamspec``): pytest-bdd's own cost;
- ``--collect-only`` of each, to take start-up and collection out of the per-scenario figure.

Per-scenario cost = (run wall time - collect-only wall time) / N. The difference between the
iamspec and the no-op figure is what iamspec's steps cost per scenario. Also reports the
Simulate* calls made (from ``--iam-results``) against the number of scenarios. Prints
figures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PYPROJECT = """
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
policy_dir = "{policies}"
default_connect_instance = "main"

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"
"""

CONFTEST_IAMSPEC = """
# iamspec's plugin registers its step library and collects the generated .feature file itself
"""

CONFTEST_NOOP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})

from pytest_bdd import given, then, when
from pytest_bdd.steps import step_function_context_registry

import iamspec.harness.steps.decisions, iamspec.harness.steps.principals
import iamspec.harness.steps.requests, iamspec.harness.steps.resources

# The same step definitions (same parsers, same number, same target fixtures), doing nothing:
# what pytest-bdd itself costs per scenario with iamspec's vocabulary (run with -p no:iamspec,
# so the library itself is not registered; test_generated.py binds the scenarios).
_MODULES = {{
    "iamspec.harness.steps.decisions",
    "iamspec.harness.steps.principals",
    "iamspec.harness.steps.requests",
    "iamspec.harness.steps.resources",
}}
_DECORATORS = {{"given": given, "when": when, "then": then}}
for _context in list(step_function_context_registry.values()):
    if _context.step_func.__module__ in _MODULES:
        def _noop() -> None:
            return None
        _DECORATORS[_context.type](_context.parser, target_fixture=_context.target_fixture)(_noop)
"""

DEPARTMENT = "connect/describe-update-users-by-department.json"
OWNER = "connect-campaigns/by-owner-tag.json"
ACTIONS = (
    ("connect:DescribeUser", True),
    ("connect:UpdateUserIdentityInfo", True),
    ("connect:UpdateUserPhoneConfig", True),
    ("connect:UpdateUserHierarchy", True),
    ("connect:DeleteUser", False),
)


def _scenario(i: int) -> str:
    """One of four shapes, cycling: single request, campaign owner, wildcard, decision table."""
    shape = i % 4
    if shape == 0:
        action, granted = ACTIONS[i % len(ACTIONS)]
        department = "Test" if i % 3 else "Prod"
        decision = "allowed" if granted and department == "Test" else "implicitly denied"
        return f"""
  Scenario: single request {i}
    Given the IAM user "admin-{i}" with the policy "{DEPARTMENT}"
    And a Connect user "agent-{i}" tagged "Department={department}"
    When "admin-{i}" calls "{action}" on the Connect user "agent-{i}"
    Then the request is {decision}
"""
    if shape == 1:
        owner = "main" if i % 3 else "other"
        decision = "allowed" if owner == "main" else "implicitly denied"
        return f"""
  Scenario: campaign owner {i}
    Given the IAM role "operator-{i}" with the policy "{OWNER}"
    And the Connect instance "other"
    And an outbound campaign "campaign-{i}" owned by the Connect instance "{owner}"
    When "operator-{i}" calls "connect-campaigns:DescribeCampaign" on the outbound campaign "campaign-{i}"
    Then the request is {decision}
"""
    if shape == 2:
        return f"""
  Scenario: wildcard {i}
    Given the IAM user "admin-{i}" with the policy "{DEPARTMENT}"
    And a Connect user "agent-{i}" tagged "Department=Test"
    When "admin-{i}" calls each action matching "connect:UpdateUser*" that applies to the Connect user "agent-{i}"
    Then every request is allowed
"""
    return f"""
  Scenario: decision table {i}
    Given the IAM group "viewers-{i}" with the policy "connect/view-users.json"
    And the IAM user "dev-{i}"
    And "dev-{i}" is a member of the IAM group "viewers-{i}"
    And a Connect user "agent-{i}" tagged "Department=Sales"
    Then "dev-{i}" gets these decisions:
      | action                         | resource                | decision          |
      | connect:DescribeUser           | Connect user agent-{i}  | allowed           |
      | connect:ListUsers              | Connect instance main   | allowed           |
      | connect:DeleteUser             | Connect user agent-{i}  | implicitly denied |
"""


def write_project(root: Path, scenarios: int, *, noop: bool) -> None:
    (root / "features").mkdir(parents=True)
    policies = (ROOT / "policies").as_posix()
    (root / "pyproject.toml").write_text(PYPROJECT.format(policies=policies))
    (root / "conftest.py").write_text(CONFTEST_NOOP if noop else CONFTEST_IAMSPEC)
    body = "".join(_scenario(i) for i in range(scenarios))
    (root / "features" / "generated.feature").write_text(
        "Feature: generated scenarios\n" + textwrap.dedent(body)
    )
    if noop:  # without iamspec's plugin, a Python module binds the feature's scenarios
        (root / "features" / "test_generated.py").write_text(
            "from pytest_bdd import scenarios\n\nscenarios('.')\n"
        )


def run(root: Path, *args: str) -> tuple[float, str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        *args,
    ]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"pytest {' '.join(args)} failed in {root}: {tail}")
    return wall, tail


def best(root: Path, repeat: int, *args: str) -> tuple[float, str]:
    results = [run(root, *args) for _ in range(repeat)]
    return min(results, key=lambda r: r[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the best counts")
    options = parser.parse_args()
    n = options.scenarios
    with tempfile.TemporaryDirectory(prefix="iamspec-bench-") as tmp:
        real = Path(tmp) / "iamspec"
        noop = Path(tmp) / "noop"
        write_project(real, n, noop=False)
        write_project(noop, n, noop=True)
        figures: dict[str, float] = {}
        rows = [
            ("iamspec, collect only", real, ("--collect-only",)),
            ("iamspec, serial", real, ()),
            ("iamspec, -n 2", real, ("-n", "2")),
            ("no-op steps, collect only", noop, ("--collect-only", "-p", "no:iamspec")),
            ("no-op steps, serial", noop, ("-p", "no:iamspec")),
            ("no-op steps, -n 2", noop, ("-n", "2", "-p", "no:iamspec")),
        ]
        print(f"{n} generated scenarios, local backend, Python {sys.version.split()[0]}")
        for label, root, args in rows:
            wall, tail = best(root, options.repeat, *args)
            figures[label] = wall
            print(f"  {label:<28} {wall:7.2f} s   ({tail})")
        run(real, "--iam-results", "results.json")
        results = json.loads((real / "results.json").read_text())
        calls = results["simulate_calls"]
        requests = sum(len(c["requests"]) for s in results["scenarios"] for c in s["calls"])

    def per(label: str, collect: str) -> float:
        return (figures[label] - figures[collect]) / n * 1000

    iamspec_serial = per("iamspec, serial", "iamspec, collect only")
    noop_serial = per("no-op steps, serial", "no-op steps, collect only")
    print("per scenario (run minus collect-only, serial):")
    print(f"  pytest-bdd with no-op steps   {noop_serial:6.2f} ms")
    print(f"  pytest-bdd with iamspec steps {iamspec_serial:6.2f} ms")
    print(f"  iamspec's own steps           {iamspec_serial - noop_serial:6.2f} ms")
    speedup = figures["iamspec, serial"] / figures["iamspec, -n 2"]
    print(f"-n 2 vs serial (iamspec): {speedup:.2f}x")
    print(f"Simulate* calls: {calls} for {n} scenarios ({requests} simulator requests)")


if __name__ == "__main__":
    main()
