"""How a failed scenario reads: the step that failed, and a report without a traceback.

Every error raised in a step gets a note naming the feature file and line of the step
(``features/x.feature:12: Then the request is allowed``) and the scenario (:func:`step_error`).
A failure caused by the scenario's input (an :class:`~iamspec.errors.IamSpecError`), by a
decision that differs from the specification (a
:class:`~iamspec.harness.errors.ScenarioFailure`) or by a step no definition matches is
reported as that note, the error and its explanation, without a Python traceback
(``--tb=long`` shows the traceback). Reaching the cap on Simulate* calls stops the run.
"""

from __future__ import annotations

from typing import Any

import pytest

from iamspec.errors import IamSpecError
from iamspec.harness import recording
from iamspec.harness.errors import CallLimitError, ScenarioFailure
from iamspec.harness.locations import step_location

__all__ = ["clean_text", "finish_report", "is_clean", "step_error"]

_FAILED_STEP = pytest.StashKey[str]()
_CLEAN = (IamSpecError, ScenarioFailure)


def step_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: BaseException
) -> None:
    """A step raised ``exception`` (or has no definition): note where, and mark it failed."""
    location = f"{step_location(request, feature, step)}: {step.keyword} {step.name}"
    request.node.stash[_FAILED_STEP] = location
    exception.add_note(f'{location}\n  (scenario "{scenario.name}")')
    recording.step_failed(request, scenario, step, exception)


def is_clean(exc: BaseException) -> bool:
    """Reported without a traceback: bad input, a decision not as specified, a missing step."""
    if isinstance(exc, _CLEAN):
        return True
    return type(exc).__name__ == "StepDefinitionNotFoundError"


def clean_text(location: str | None, exc: BaseException) -> str:
    """The step's location, the error and its notes (but the location's own note)."""
    notes = [
        n for n in getattr(exc, "__notes__", ()) if location is None or not n.startswith(location)
    ]
    lines = []
    if location:
        lines.append(location)
    lines.append(f"{type(exc).__name__}: {exc}")
    lines.extend(notes)
    return "\n".join(lines)


def finish_report(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
) -> pytest.TestReport:
    """The call phase's report: the record attached, a clean failure text, the run stopped at
    the call cap. Other phases' reports are returned unchanged."""
    if report.when != "call":
        return report
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, CallLimitError):
        item.session.shouldstop = f"iamspec: {excinfo.value}"
    error = excinfo.value if report.failed and excinfo is not None else None
    location = item.stash.get(_FAILED_STEP, None)
    recording.attach(item, report, error, clean_text(location, error) if error else None)
    if error is not None and is_clean(error) and item.config.option.tbstyle in ("auto", "short"):
        report.longrepr = clean_text(location, error)
    return report
