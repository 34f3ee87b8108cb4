# ruff: noqa: E501 - generated Gherkin steps are written on one line, as in the features
"""Suite benchmark: 1,000 generated scenarios through pytest-bdd on the local backend.

Usage (from the project root, with the project installed)::

    python benchmarks/suite.py [--scenarios 1000] [--repeat 1] [--no-bytecode-cache]

Writes a throw-away project into a temp dir (pyproject.toml, conftest.py, one generated
feature file with N scenarios using this project's policies and step library) and times
``pytest`` on it in a subprocess:

- iamspec steps, serially and with ``-n 2`` (pytest-xdist);
- the same scenarios with no-op step definitions and no iamspec plugin (``-p no:iamspec``):
  pytest-bdd's own cost. pytest-bdd finds a step's definition by scanning every registered
  fixture name, so the no-op project registers the same names as iamspec does: a no-op step
  definition for each step definition of the whole step library (same parser, type and
  target fixture) and a no-op fixture for each fixture of iamspec's plugin;
- ``--collect-only`` of each, to take start-up and collection out of the per-scenario figure.

Per-scenario cost, three ways from the same runs: (run time - collect-only time) / N in wall
time and in CPU time (user + system of pytest and its xdist workers), and the CPU time of
pytest's run loop / N (measured inside the serial run by a small plugin the projects load,
``bench_clock``: every scenario's setup, steps, reports and teardown, and nothing of start-up,
collection or exit, so the steadiest of the three on a machine other work shares). The
difference between the iamspec and the no-op figure is what iamspec costs per scenario (its
steps, fixtures and hooks). With ``--repeat`` the rows run interleaved and the best of each
counts; the load average before and after is printed.

Every pytest gets its own ``--basetemp`` (pytest otherwise cleans its shared
``/tmp/pytest-of-<user>`` of old runs, other projects' included, in the timed run). Modules
are compiled once to a bytecode cache in the temp dir, as Python does by default, even where
the machine sets PYTHONDONTWRITEBYTECODE (``--no-bytecode-cache`` keeps it: every process,
xdist workers included, then compiles iamspec and rewrites its asserts anew).

Also reports the Simulate* calls made (from ``--iam-results``) against the number of
scenarios. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
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
pytest_plugins = ["bench_clock"]
"""

CONFTEST_NOOP = """
# registered as a plugin, as iamspec's step library is: its fixtures are global, like iamspec's
pytest_plugins = ["bench_clock", "noop_steps"]
"""

BENCH_CLOCK = """
# The CPU time of pytest's run loop (every scenario's setup, steps, reports and teardown; no
# start-up, collection or exit), written where IAMSPEC_BENCH_CLOCK says (serial runs only).
import json
import os
import time

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    start = time.process_time()
    try:
        return (yield)
    finally:
        path = os.environ.get("IAMSPEC_BENCH_CLOCK")
        if path and not hasattr(session.config, "workerinput"):
            with open(path, "w") as out:
                json.dump({"loop_cpu": time.process_time() - start}, out)
"""

NOOP_STEPS = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})

import importlib
import inspect

import pytest
from _pytest.fixtures import FixtureFunctionDefinition
from pytest_bdd import given, then, when
from pytest_bdd.steps import step_function_context_registry

import iamspec.harness.plugin
from iamspec.harness.steps import LIBRARY

# What pytest-bdd itself costs per scenario running iamspec's vocabulary with steps that do
# nothing (run with -p no:iamspec, so iamspec's plugin and step library are not registered; a
# test module beside the feature file binds the scenarios). pytest-bdd looks a step up by
# scanning every registered fixture name, reads the step function's signature and resolves the
# fixtures it names, so this registry mirrors iamspec's: one step definition for each step
# definition of the whole library (same parser, type, converters, target fixture and
# parameters) and one fixture for each fixture of iamspec's plugin (same name, scope and
# parameters), each with an empty body.


def _empty_like(function):
    parameters = inspect.signature(function).parameters
    assert all(p.default is p.empty for p in parameters.values()), function
    namespace = {{}}
    exec(f"def {{function.__name__}}({{', '.join(parameters)}}):\\n    return None\\n", namespace)
    return namespace[function.__name__]


for _module in LIBRARY:
    importlib.import_module(_module)
_DECORATORS = {{"given": given, "when": when, "then": then}}
_STEPS = 0
for _context in list(step_function_context_registry.values()):
    if _context.step_func.__module__ in LIBRARY:
        _DECORATORS[_context.type](
            _context.parser, converters=_context.converters, target_fixture=_context.target_fixture
        )(_empty_like(_context.step_func))
        _STEPS += 1
assert _STEPS > 0, "no step definition of iamspec's library found"

for _name, _value in list(vars(iamspec.harness.plugin).items()):
    if isinstance(_value, FixtureFunctionDefinition):
        _scope = _value._fixture_function_marker.scope
        _empty = _empty_like(_value._get_wrapped_function())
        globals()["_fixture_" + _name] = pytest.fixture(name=_name, scope=_scope)(_empty)
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
    (root / "bench_clock.py").write_text(BENCH_CLOCK)
    body = "".join(_scenario(i) for i in range(scenarios))
    (root / "features" / "generated.feature").write_text(
        "Feature: generated scenarios\n" + textwrap.dedent(body)
    )
    if noop:  # without iamspec's plugin, a Python module binds the feature's scenarios
        (root / "noop_steps.py").write_text(NOOP_STEPS)
        (root / "features" / "test_generated.py").write_text(
            "from pytest_bdd import scenarios\n\nscenarios('.')\n"
        )


@dataclass(frozen=True)
class Timing:
    """One pytest run: wall time, CPU time (user + system) of pytest and its workers, and the
    CPU time of the run loop (serial runs)."""

    wall: float
    cpu: float
    loop_cpu: float | None
    tail: str


def run(root: Path, env: dict[str, str], *args: str) -> Timing:
    """Run pytest in ``root``; its basetemp is its own (``--basetemp``), so that pytest does not
    spend the run cleaning the machine's shared ``/tmp/pytest-of-<user>`` of other runs."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        f"--basetemp={root / 'basetemp'}",
        *args,
    ]
    clock = root / "clock.json"
    clock.unlink(missing_ok=True)
    env = {**env, "IAMSPEC_BENCH_CLOCK": str(clock)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"pytest {' '.join(args)} failed in {root}: {tail}")
    loop_cpu = json.loads(clock.read_text())["loop_cpu"] if clock.exists() else None
    return Timing(wall, cpu, loop_cpu, tail)


def environment(tmp: Path, bytecode_cache: bool) -> dict[str, str]:
    """The subprocesses' environment: with ``bytecode_cache``, Python's default (modules
    compiled once, to a bytecode cache in the temp dir, which pytest's assertion rewriting
    also uses), even where the machine sets PYTHONDONTWRITEBYTECODE."""
    env = dict(os.environ)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def instructions(root: Path, env: dict[str, str], *args: str) -> int:
    """Instructions one pytest run executes (valgrind's callgrind): independent of the load."""
    out = root / "callgrind.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        f"--basetemp={root / 'basetemp'}",
        *args,
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"valgrind pytest {' '.join(args)} failed in {root}")
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
    out.unlink()
    return int(totals[-1].split()[1])


def count_instructions(tmp: Path, n: int, env: dict[str, str]) -> None:
    """Per-scenario instructions of the serial runs, ``n`` scenarios (the run minus collect-only)."""
    env = {**env, "PYTHONHASHSEED": "0"}
    counts: dict[str, int] = {}
    for label, noop, extra in (("iamspec", False, ()), ("no-op steps", True, ("-p", "no:iamspec"))):
        root = tmp / f"instructions-{'noop' if noop else 'iamspec'}"
        write_project(root, n, noop=noop)
        run(root, env, "--collect-only", *extra)  # fill the bytecode cache
        run(root, env, *extra)
        counts[label] = instructions(root, env, *extra) - instructions(
            root, env, "--collect-only", *extra
        )
    own = counts["iamspec"] - counts["no-op steps"]
    print(f"instructions per scenario (callgrind, serial run minus collect-only, {n} scenarios):")
    print(f"  {'pytest-bdd with no-op steps':<44} {counts['no-op steps'] / n / 1e6:6.2f} M")
    print(f"  {'with iamspec':<44} {counts['iamspec'] / n / 1e6:6.2f} M")
    print(f"  {'iamspec own':<44} {own / n / 1e6:6.2f} M")
    print(f"  {'iamspec own / pytest-bdd own':<44} {own / counts['no-op steps']:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the best counts")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the environment's PYTHONDONTWRITEBYTECODE: every process compiles anew",
    )
    parser.add_argument(
        "--instructions",
        type=int,
        default=0,
        metavar="N",
        help="count instructions too (valgrind's callgrind, about 40x slower), N scenarios",
    )
    parser.add_argument("--only-instructions", action="store_true", help="skip the timings")
    options = parser.parse_args()
    n = options.scenarios
    with tempfile.TemporaryDirectory(prefix="iamspec-bench-") as tmp:
        real = Path(tmp) / "iamspec"
        noop = Path(tmp) / "noop"
        write_project(real, n, noop=False)
        write_project(noop, n, noop=True)
        env = environment(Path(tmp), not options.no_bytecode_cache)
        if options.instructions:
            count_instructions(Path(tmp), options.instructions, env)
            if options.only_instructions:
                return
        rows = [
            ("iamspec, collect only", real, ("--collect-only",)),
            ("iamspec, serial", real, ()),
            ("iamspec, -n 2", real, ("-n", "2")),
            ("no-op steps, collect only", noop, ("--collect-only", "-p", "no:iamspec")),
            ("no-op steps, serial", noop, ("-p", "no:iamspec")),
            ("no-op steps, -n 2", noop, ("-n", "2", "-p", "no:iamspec")),
        ]
        cache = "off (PYTHONDONTWRITEBYTECODE)" if options.no_bytecode_cache else "warm"
        if not options.no_bytecode_cache:
            for _, root, args in rows[::3]:  # fill the bytecode cache: not timed
                run(root, env, *args)
        print(f"{n} generated scenarios, local backend, Python {sys.version.split()[0]}")
        print(f"bytecode cache {cache}; before: {load()}")
        runs: dict[str, list[Timing]] = {label: [] for label, _, _ in rows}
        for _ in range(options.repeat):  # interleaved, so that load changes touch every row
            for label, root, args in rows:
                runs[label].append(run(root, env, *args))
        wall = {label: min(t.wall for t in timings) for label, timings in runs.items()}
        cpu = {label: min(t.cpu for t in timings) for label, timings in runs.items()}
        loop = {  # the serial rows' (a -n 2 run's loop is the controller's, waiting)
            label: min(t.loop_cpu for t in timings if t.loop_cpu is not None)
            for label, timings in runs.items()
            if label.endswith("serial")
        }
        print(f"best of {options.repeat}:{'':15} wall       CPU  run loop CPU")
        for label, timings in runs.items():
            tail = min(timings, key=lambda t: t.wall).tail
            looped = f"{loop[label]:6.2f} s" if label in loop else " " * 8
            print(f"  {label:<28} {wall[label]:6.2f} s {cpu[label]:7.2f} s {looped}   ({tail})")
        print(f"after: {load()}")
        run(real, env, "--iam-results", "results.json")
        results = json.loads((real / "results.json").read_text())
        calls = results["simulate_calls"]
        requests = sum(len(c["requests"]) for s in results["scenarios"] for c in s["calls"])

    def per(figures: dict[str, float], label: str) -> float:
        return (figures[f"{label}, serial"] - figures[f"{label}, collect only"]) / n * 1000

    def per_loop(label: str) -> float:
        return loop[f"{label}, serial"] / n * 1000

    print("per scenario, serial:         run minus collect-only (wall, CPU); run loop CPU")
    for name, label in (
        ("pytest-bdd with no-op steps", "no-op steps"),
        ("with iamspec", "iamspec"),
    ):
        print(
            f"  {name:<30} {per(wall, label):5.2f} ms {per(cpu, label):5.2f} ms"
            f" {per_loop(label):5.2f} ms"
        )
    bdd = [per(wall, "no-op steps"), per(cpu, "no-op steps"), per_loop("no-op steps")]
    ours = [per(wall, "iamspec"), per(cpu, "iamspec"), per_loop("iamspec")]
    own = [o - b for o, b in zip(ours, bdd, strict=True)]
    print(f"  {'iamspec own':<30} " + " ".join(f"{v:5.2f} ms" for v in own))
    ratios = " ".join(f"{o / b:5.2f}   " for o, b in zip(own, bdd, strict=True))
    print(f"  {'iamspec own / pytest-bdd own':<30} {ratios}")
    for label in ("iamspec", "no-op steps"):
        speedup = wall[f"{label}, serial"] / wall[f"{label}, -n 2"]
        print(f"-n 2 vs serial ({label}, wall): {speedup:.2f}x")
    print(f"Simulate* calls: {calls} for {n} scenarios ({requests} simulator requests)")


if __name__ == "__main__":
    main()
