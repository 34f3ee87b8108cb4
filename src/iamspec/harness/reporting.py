"""Where the run's records go: the results collector and the drift reporter.

Each scenario's record travels with its pytest report (``report.user_properties``, so that
pytest-xdist workers send them to the controller): :data:`SCENARIO_PROPERTY` carries the
:class:`~iamspec.records.results.ScenarioRecord` as JSON, :data:`POLICIES_PROPERTY` the policy
texts a process has not sent before. :class:`ResultsCollector` (registered on the controller by
the harness plugin) rebuilds the :class:`~iamspec.records.results.RunRecord`, writes it for
``--iam-results`` and prints the API backends' call counts; :class:`DriftReporter` writes the
``--compare-local`` drift report and fails a run with unexplained drift.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamspec.harness.backends.api import CallBudget
from iamspec.harness.errors import HarnessError
from iamspec.records.drift import NOT_COMPARED_REASON, DriftReport, drift_report
from iamspec.records.results import PolicyTextRecord, RunRecord, ScenarioRecord, timestamp

__all__ = ["POLICIES_PROPERTY", "SCENARIO_PROPERTY", "DriftReporter", "ResultsCollector"]

SCENARIO_PROPERTY = "iamspec_scenario"
"""The ``user_properties`` name of a scenario's record (JSON)."""
POLICIES_PROPERTY = "iamspec_policy_texts"
"""The ``user_properties`` name of policy texts first used by this scenario's process (JSON)."""


class ResultsCollector:
    """Gathers the scenario records of every report (from xdist workers too) and writes them.

    ``path`` None: the records are kept for another plugin and no file is written.
    ``budget``: the run's shared call budget, whose total (every process, start-up checks
    included) the summary states; the scenarios' records count only their own calls.
    """

    def __init__(self, run: RunRecord, path: Path | None) -> None:
        self.run = run
        self.path = path
        self.budget: CallBudget | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        for name, value in report.user_properties:
            if name == SCENARIO_PROPERTY:
                self.run.scenarios.append(ScenarioRecord.from_dict(json.loads(str(value))))
            elif name == POLICIES_PROPERTY:
                for item in json.loads(str(value)):
                    self.run.add_policy(PolicyTextRecord(**item))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # by path and kind (xdist delivers in any order); texts of one path in arrival order
        self.run.policies.sort(key=lambda p: (p.path, p.kind))
        self.run.finished_at = timestamp()
        self.run.simulate_calls = sum(s.simulate_calls for s in self.run.scenarios)
        self.run.simulate_retries = sum(s.simulate_retries for s in self.run.scenarios)
        if self.path is not None:
            self.run.write(self.path)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        run = self.run
        if run.backend == "local":
            return
        requests = sum(len(c.requests) for s in run.scenarios for c in s.calls)
        line = (
            f"iamspec: {run.backend} answered {len(run.scenarios)} scenarios ({requests} "
            f"requests) with {run.simulate_calls} Simulate* calls and "
            f"{run.simulate_retries} retries"
        )
        if self.budget is not None:
            try:
                total = self.budget.used
            except HarnessError as err:
                line += f"; the run's total is unknown ({err})"
            else:
                cap = f" (cap {self.budget.cap})" if self.budget.cap is not None else ""
                line += (
                    f"; the run made {total} Simulate* calls in all{cap}, start-up checks and "
                    "every process included"
                )
        terminalreporter.write_line(line)


class DriftReporter:
    """``--compare-local``: writes the drift report; unexplained drift fails the run.

    The Then-steps already fail a scenario whose backends disagree; this also catches a
    disagreement no Then-step checked, so a green run means no unexplained drift.
    """

    def __init__(self, collector: ResultsCollector, path: Path) -> None:
        self.collector = collector
        self.path = path
        self.report: DriftReport | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.report = drift_report(self.collector.run)
        self.report.write(self.path)
        if self.report.unexplained and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        report = self.report
        if report is None:
            return
        terminalreporter.section("iamspec drift")
        terminalreporter.write_line(
            f"{report.backend} vs the local evaluator: {len(report.disagreements)} "
            f"disagreements ({len(report.unexplained)} unexplained) in "
            f"{report.requests_compared} compared requests; {report.requests_not_compared} not "
            f"compared: {NOT_COMPARED_REASON}"
        )
        if report.unexplained:  # the tests may all have passed: say in red why the run fails
            count = len(report.unexplained)
            terminalreporter.write_line(
                f"FAILED: {count} unexplained disagreement{'s' if count != 1 else ''} between "
                f"{report.backend} and the local evaluator (drift)",
                red=True,
            )
        for item in report.disagreements:
            terminalreporter.write_line("  " + item.summary())
        for known in report.stale:
            terminalreporter.write_line(
                f"  declared known difference not seen: {known.feature_file}:{known.line} "
                f"{known.scenario} ({known.reason})"
            )
        terminalreporter.write_line(f"drift report: {self.path}")
