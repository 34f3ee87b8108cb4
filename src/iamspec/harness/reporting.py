"""Where the run's records go: the results collector and the drift reporter.

Each scenario's record travels with its pytest report (``report.user_properties``, so that
pytest-xdist workers send them to the controller): :data:`SCENARIO_PROPERTY` carries the
:class:`~iamspec.records.results.ScenarioRecord` as JSON, :data:`POLICIES_PROPERTY` the policy
texts a process has not sent before. :class:`ResultsCollector` (registered on the controller by
the harness plugin) rebuilds the :class:`~iamspec.records.results.RunRecord`, writes it for
``--iam-results`` and prints the API backends' call counts; :class:`DriftReporter` writes the
``--compare-local`` drift report and fails a run with unexplained drift. Both write when the
session starts (``state`` ``running``) and when it finishes (:func:`run_state`: complete,
interrupted, crashed), atomically, so no file ever passes for a run that did not complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamspec.errors import IamSpecError
from iamspec.harness.backends.api import CallBudget
from iamspec.harness.errors import HarnessError
from iamspec.records.drift import NOT_COMPARED_REASON, DriftReport, drift_report
from iamspec.records.results import PolicyTextRecord, RunRecord, ScenarioRecord, timestamp
from iamspec.terminal import printable

__all__ = [
    "POLICIES_PROPERTY",
    "SCENARIO_PROPERTY",
    "DriftReporter",
    "ResultsCollector",
    "run_state",
]

SCENARIO_PROPERTY = "iamspec_scenario"
"""The ``user_properties`` name of a scenario's record (JSON)."""
POLICIES_PROPERTY = "iamspec_policy_texts"
"""The ``user_properties`` name of policy texts first used by this scenario's process (JSON)."""


def run_state(
    session: pytest.Session, exitstatus: int, signal: str | None
) -> tuple[str, str | None]:
    """(state, reason) of a run ending with ``exitstatus``: ``complete`` only when every
    selected scenario ran; ``interrupted`` by a signal (``signal``) or an early stop (``-x``,
    ``--maxfail``, the call cap: pytest's ``shouldstop``/``shouldfail``); ``crashed`` on an
    internal error."""
    if signal is not None or exitstatus == pytest.ExitCode.INTERRUPTED:
        return "interrupted", None
    if exitstatus in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        return "crashed", f"pytest exit status {int(exitstatus)}"
    stopped = getattr(session, "shouldstop", False) or getattr(session, "shouldfail", False)
    if stopped:
        return "interrupted", str(stopped)
    return "complete", None


class ResultsCollector:
    """Gathers the scenario records of every report (from xdist workers too) and writes them.

    ``path`` None: the records are kept for another plugin and no file is written.
    ``budget``: the run's shared call budget, whose total (every process, start-up checks
    included) the summary states; the scenarios' records count only their own calls.
    ``signal``: the signal that interrupted the run (set by :mod:`iamspec.harness.session`).

    The file is written when the session starts, with ``state`` ``running`` and no scenario,
    so that a run killed outright leaves ``running`` rather than an earlier run's complete
    file; and again at the end with how the run ended (:func:`run_state`). Both writes are
    atomic (a temporary file renamed over the target). A run that never reaches the end
    (an internal error before the session finishes) is written as ``crashed`` by
    :meth:`close`.
    """

    def __init__(self, run: RunRecord, path: Path | None) -> None:
        self.run = run
        self.path = path
        self.budget: CallBudget | None = None
        self.signal: str | None = None
        self.replaced_earlier = False
        self._started = False
        self._finished = False
        self.problem: str | None = None

    def _write(self) -> None:
        if self.path is None:
            return
        try:
            replaced = self.run.write(self.path)
        except IamSpecError as err:
            self.problem = f"iamspec: the results file was not written: {err}"
            return
        if not self._started:
            self.replaced_earlier = replaced

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.run.state = "running"
        self._write()
        self._started = True

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
        state, reason = run_state(session, exitstatus, self.signal)
        self.run.state, self.run.signal, self.run.state_reason = state, self.signal, reason
        self.run.finished_at = timestamp() if state == "complete" else None
        self.run.simulate_calls = sum(s.simulate_calls for s in self.run.scenarios)
        self.run.simulate_retries = sum(s.simulate_retries for s in self.run.scenarios)
        self._write()
        self._finished = True
        if self.problem is not None and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR

    def close(self) -> None:
        """The session ends without having finished (an error after it started): say
        ``crashed`` in the file instead of leaving ``running``."""
        if self._started and not self._finished:
            self.run.state, self.run.state_reason = "crashed", "the session did not finish"
            self.run.signal = self.signal
            self._write()
            self._finished = True

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        run = self.run
        if self.problem is not None:
            terminalreporter.write_line(printable(self.problem), red=True, bold=True)
        if self.path is not None and self._finished and self.problem is None:
            again = " (replacing the file of an earlier run)" if self.replaced_earlier else ""
            terminalreporter.write_line(printable(f"iamspec results: {self.path}{again}"))
        if not run.complete and run.state is not None and self._finished:
            terminalreporter.write_line(
                printable(
                    f"iamspec: the run did not complete ({run.describe_state()}): "
                    f"{len(run.scenarios)} of the scenarios ran; the others did not run and are "
                    "not counted as passed"
                ),
                red=True,
                bold=True,
            )
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
        terminalreporter.write_line(printable(line))


class DriftReporter:
    """``--compare-local``: writes the drift report; unexplained drift fails the run.

    The Then-steps already fail a scenario whose backends disagree; this also catches a
    disagreement no Then-step checked, so a green run means no unexplained drift. Like the
    results file, the report is written at the start with ``state`` ``running`` and at the end
    with how the run ended, atomically each time.
    """

    def __init__(self, collector: ResultsCollector, path: Path) -> None:
        self.collector = collector
        self.path = path
        self.report: DriftReport | None = None
        self.problem: str | None = None
        self.replaced_earlier = False
        self._started = False

    def _write(self, report: DriftReport) -> None:
        try:
            replaced = report.write(self.path)
        except IamSpecError as err:
            self.problem = f"iamspec: the drift report was not written: {err}"
            return
        if not self._started:
            self.replaced_earlier = replaced

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._write(drift_report(self.collector.run))
        self._started = True

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.report = drift_report(self.collector.run)
        self._write(self.report)
        failed = bool(self.report.unexplained) or self.problem is not None
        if failed and session.exitstatus == 0:
            session.exitstatus = (
                pytest.ExitCode.TESTS_FAILED
                if self.problem is None
                else pytest.ExitCode.INTERNAL_ERROR
            )

    def close(self) -> None:
        """The session ended without finishing: the report says how the run ended."""
        if self._started and self.report is None:
            self._write(drift_report(self.collector.run))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        report = self.report
        if report is None:
            return
        write = terminalreporter.write_line
        terminalreporter.section("iamspec drift")
        if self.problem is not None:
            write(printable(self.problem), red=True, bold=True)
        if report.state not in (None, "complete"):
            write(
                printable(
                    f"the run did not complete ({self.collector.run.describe_state()}): only "
                    f"the {report.scenarios} scenarios that ran were compared"
                ),
                red=True,
            )
        write(
            f"{report.backend} vs the local evaluator: {len(report.disagreements)} "
            f"disagreements ({len(report.unexplained)} unexplained) in "
            f"{report.requests_compared} compared requests; {report.requests_not_compared} not "
            f"compared: {NOT_COMPARED_REASON}"
        )
        if report.unexplained:  # the tests may all have passed: say in red why the run fails
            count = len(report.unexplained)
            write(
                f"FAILED: {count} unexplained disagreement{'s' if count != 1 else ''} between "
                f"{report.backend} and the local evaluator (drift)",
                red=True,
            )
        for item in report.disagreements:
            write(printable("  " + item.summary()))
        for known in report.stale:
            write(
                printable(
                    f"  declared known difference not seen: {known.feature_file}:{known.line} "
                    f"{known.scenario} ({known.reason})"
                )
            )
        again = " (replacing the file of an earlier run)" if self.replaced_earlier else ""
        write(printable(f"drift report: {self.path}{again}"))
