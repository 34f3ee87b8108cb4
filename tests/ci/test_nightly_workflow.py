"""The nightly live workflow asks only for pytest options the project defines.

A misspelt or not-yet-defined option in ``.github/workflows/nightly-live.yml`` would only show
up at 3 a.m. on GitHub's runner, as a usage error. These tests read the workflow and compare
its pytest command with ``pytest --help`` of this checkout, so the mistake fails here first.

PyYAML is in the ``test`` extra for this module.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "nightly-live.yml"
_SHA_PIN = re.compile(r"[^@\s]+@[0-9a-f]{40}")


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps() -> list[dict]:
    return [step for job in _workflow()["jobs"].values() for step in job["steps"]]


def _pytest_options() -> list[str]:
    """Every ``--option`` of every pytest command in the run steps (``--a=b`` gives ``--a``)."""
    options: list[str] = []
    for step in _steps():
        for command in step.get("run", "").splitlines():
            words = shlex.split(command)
            if "pytest" not in words:
                continue
            options += [w.split("=", 1)[0] for w in words if w.startswith("--")]
    return options


def test_the_workflow_runs_pytest_with_options():
    assert {"--iam-backend", "--living-docs", "--iam-results"} <= set(_pytest_options())


def test_every_pytest_option_of_the_workflow_is_defined():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    missing = [
        option
        for option in dict.fromkeys(_pytest_options())
        if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.stdout)
    ]
    assert not missing, (
        f"{WORKFLOW.relative_to(ROOT)} uses pytest options that `pytest --help` does not list: "
        + ", ".join(missing)
    )


def test_actions_are_pinned_and_run_scripts_take_no_expressions():
    workflow = _workflow()
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert job["permissions"] == {"id-token": "write", "contents": "read"}
    for step in _steps():
        if "uses" in step:
            assert _SHA_PIN.fullmatch(step["uses"]), step["uses"]
        assert "${{" not in step.get("run", ""), step["name"]
    text = WORKFLOW.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line
