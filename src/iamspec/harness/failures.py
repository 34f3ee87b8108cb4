"""How a failed scenario reads: the step that failed, and a report without a traceback.

Every error raised in a step gets a note naming the feature file and line of the step
(``features/x.feature:12: Then the request is allowed``), the scenario and, for an outline,
the Examples row it ran (:func:`step_error`). A step no definition reads gets the nearest
phrases of the vocabulary (:func:`unknown_step`: ``did you mean: Then the request is
allowed``). A failure caused by the scenario's input (an
:class:`~iamspec.errors.IamSpecError`), by a decision that differs from the specification (a
:class:`~iamspec.harness.errors.ScenarioFailure`) or by an unknown step is reported as that
note, the error and its explanation, without a Python traceback (``--tb=long`` shows the
traceback). Reaching the cap on Simulate* calls stops the run.

A scenario whose steps all passed still fails when it asked something no Then-step checked
(:func:`require_checked`): a When-step followed only by a decision table, say.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from pytest_bdd import parsers
from pytest_bdd.compat import get_fixture_names, getfixturedefs
from pytest_bdd.exceptions import StepDefinitionNotFoundError
from pytest_bdd.steps import StepNamePrefix, step_function_context_registry

from iamspec.errors import IamSpecError
from iamspec.harness import recording, vocabulary
from iamspec.harness.collection import SCENARIO
from iamspec.harness.errors import CallLimitError, ScenarioFailure, ScenarioInputError
from iamspec.harness.locations import step_location
from iamspec.harness.session import WORLD

__all__ = [
    "clean_text",
    "finish_report",
    "is_clean",
    "project_phrases",
    "require_checked",
    "step_error",
    "unknown_step",
]

_FAILED_STEP = pytest.StashKey[str]()
_CLEAN = (IamSpecError, ScenarioFailure, StepDefinitionNotFoundError)
_LIBRARY = "iamspec.harness.steps."


def step_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: BaseException
) -> None:
    """A step raised ``exception`` (or has no definition): note where, and mark it failed."""
    location = f"{step_location(request, feature, step)}: {step.keyword} {step.name}"
    request.node.stash[_FAILED_STEP] = location
    exception.add_note(f'{location}\n  (scenario "{scenario.name}")')
    place = request.node.stash.get(SCENARIO, None)
    if place is not None and place.example:
        exception.add_note(f"with the Examples row {place.example}")
    recording.step_failed(request, scenario, step, exception)


def project_phrases(request: pytest.FixtureRequest) -> list[vocabulary.Phrase]:
    """The project's own steps this scenario can use (those outside the library whose
    pattern reads as a phrase: ``parsers.parse`` and plain strings)."""
    manager = request._fixturemanager
    found: list[vocabulary.Phrase] = []
    prefix = StepNamePrefix.step_def.value
    for name in get_fixture_names(manager):
        if not name.startswith(prefix):
            continue
        for fixturedef in getfixturedefs(manager, name, request.node) or ():
            context = step_function_context_registry.get(fixturedef.func)
            if context is None or context.step_func.__module__.startswith(_LIBRARY):
                continue
            if isinstance(context.parser, parsers.re):
                continue
            keyword = (context.type or "").capitalize()
            found.append(vocabulary.Phrase(keyword, context.parser.name))
    return found


def unknown_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: BaseException
) -> None:
    """No step definition reads ``step``: say so, with the nearest known phrases.

    pytest-bdd's own message names the feature by its absolute path; it is replaced (the
    exception is the one pytest-bdd raises next) and the step note names the project's.
    """
    exception.args = (f"unknown step: no step definition reads {step.keyword} {step.name}",)
    exception.add_note(vocabulary.did_you_mean(step.name, project_phrases(request)))
    step_error(request, feature, scenario, step, exception)


def require_checked(request: pytest.FixtureRequest) -> None:
    """After a scenario whose steps all passed: raise ScenarioInputError when it asked
    something (a When-step) whose answer no Then-step checked.

    Called as pytest-bdd leaves the scenario (in its ``finally``): when a step failed, or
    skipped the scenario, that outcome stands and nothing is raised.
    """
    if _FAILED_STEP in request.node.stash or sys.exc_info()[1] is not None:
        return
    world = request.node.stash.get(WORLD, None)
    if world is None:
        return
    unchecked = [r for r in world.results if r.expected is None]
    if unchecked:
        steps = ", ".join(dict.fromkeys(r.step or "?" for r in unchecked))
        actions = ", ".join(dict.fromkeys(r.call.action for r in unchecked))
        raise ScenarioInputError(
            f"{steps}: the scenario asked {actions} but no Then-step checked the answer "
            '(add e.g. "Then the request is allowed" right after the When-step)'
        )


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
