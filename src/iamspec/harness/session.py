"""The run's state: settings, catalog, policy store and backend, shared by every scenario.

One :class:`IamSpecSession` per pytest run (per process, with pytest-xdist), kept in the
config's stash and created by :func:`start` (the plugin's ``pytest_configure``): it checks the
options, starts an API backend before any scenario runs (a live run without credentials
stops here, never turning green by skipping) and registers where the run's records go
(:mod:`iamspec.harness.reporting`). Each scenario's :class:`~iamspec.harness.world.World` is
made by :func:`new_world`; the node's stash carries it and the current step's location.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any, cast

import pytest

from iamspec import __version__
from iamspec.catalog import Catalog, default_catalog
from iamspec.errors import IamSpecError
from iamspec.harness import options, xdist
from iamspec.harness.backends import ApiOptions, Backend, CallBudget, make_backend
from iamspec.harness.options import Options
from iamspec.harness.policies import PolicyFile, PolicyStore
from iamspec.harness.reporting import DriftReporter, ResultsCollector
from iamspec.harness.world import World, WorldTools
from iamspec.project.settings import Settings, load_settings
from iamspec.records.results import RunRecord, text_sha256, timestamp

__all__ = [
    "STEP",
    "WORLD",
    "IamSpecSession",
    "close",
    "configure_worker",
    "find_session",
    "keep_records",
    "new_world",
    "report_header",
    "scenario_backend",
    "session_of",
    "start",
]

_COLLECTOR = "iamspec-results"
_DRIFT = "iamspec-drift"
_BUDGET_INPUT = "iamspec_call_budget"
"""The ``workerinput`` key of the run's call budget file."""


class IamSpecSession:
    """Per pytest run: settings, catalog, policy store and backend, created on first use."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.options = Options.of(config)
        self.backend_name: str = self.options.backend
        self.compare_local: bool = self.options.compare_local
        self.collecting = bool(self.options.results) or self.backend_name != "local"
        """True when scenario records are kept (``--iam-results``, an API backend whose calls
        the summary counts; also on xdist workers)."""
        self.deselected_live = 0
        self._settings: Settings | None = None
        self._store: PolicyStore | None = None
        self._tools: WorldTools | None = None
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
        self.received_signal: str | None = None
        """SIGINT or SIGTERM, once one has interrupted the run."""
        self._handlers: dict[int, Any] = {}

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(Path(self.config.rootpath))
        return self._settings

    @property
    def world_tools(self) -> WorldTools:
        """The request builder, phrase parser and ARN builder every scenario's world shares."""
        if self._tools is None:
            self._tools = WorldTools(self.settings, self.catalog)
        return self._tools

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
        return self.options.max_calls or None

    def api_options(self) -> ApiOptions:
        """``--compare-local``, the run's call cap and budget, and the retry settings."""
        if xdist.is_worker(self.config):
            self.budget_file = xdist.from_controller(self.config, _BUDGET_INPUT)
        elif self.budget_file is None:
            self._budget_dir = Path(tempfile.mkdtemp(prefix="iamspec-calls-"))
            path = self._budget_dir / "simulate-calls"
            self.budget_file = str(CallBudget.create(self.max_calls, path).path)
        return ApiOptions(
            compare_local=self.compare_local,
            max_calls=self.max_calls,
            retry_mode=self.options.retry_mode,
            max_attempts=self.options.max_attempts,
            budget_file=self.budget_file,
        )

    def run_budget(self) -> CallBudget | None:
        """The run's shared call budget, to read its total (None: no API backend)."""
        if self.budget_file is None:
            return None
        return CallBudget(self.max_calls, Path(self.budget_file))

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            # the local backend makes no API calls: no options, no budget file
            api = None if self.backend_name == "local" else self.api_options()
            backend = make_backend(self.backend_name, self.catalog, self.settings, api)
            backend.start()
            self._backend = backend
        return self._backend

    def handle_signals(self) -> None:
        """Treat SIGTERM as pytest treats SIGINT (a KeyboardInterrupt: the run stops, its
        records are written with how it ended) and note which of the two came.

        pytest handles only SIGINT; a CI runner cancelling or timing out a job sends SIGTERM
        (then SIGKILL), which would otherwise end the process before anything is written. A
        SIGINT that the process ignores (SIG_IGN inherited) stays ignored. Only the main
        thread may set handlers; elsewhere nothing changes.
        """
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                previous = signal.getsignal(number)
                if number == signal.SIGINT and previous is signal.SIG_IGN:
                    continue
                signal.signal(number, self._interrupted)
            except ValueError:  # not the main thread
                return
            self._handlers[number] = previous

    def _interrupted(self, number: int, frame: FrameType | None) -> None:
        name = signal.Signals(number).name
        if self.received_signal is None:
            self.received_signal = name
            found = self.config.pluginmanager.get_plugin(_COLLECTOR)
            if isinstance(found, ResultsCollector):
                found.signal = name
        raise KeyboardInterrupt(name)

    def restore_signals(self) -> None:
        for number, previous in self._handlers.items():
            with contextlib.suppress(ValueError, TypeError):  # not the main thread
                signal.signal(number, previous)
        self._handlers.clear()

    def close(self) -> None:
        self.restore_signals()
        for name in (_COLLECTOR, _DRIFT):  # the drift report takes the run's final state
            found = self.config.pluginmanager.get_plugin(name)
            if isinstance(found, ResultsCollector | DriftReporter):
                found.close()
        if self._backend is not None:
            self._backend.close()
            self._backend = None
        if self._budget_dir is not None:  # the controller's, after every worker is done
            shutil.rmtree(self._budget_dir, ignore_errors=True)
            self._budget_dir = None

    def new_run(self) -> RunRecord:
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


_SESSION = pytest.StashKey[IamSpecSession]()
WORLD = pytest.StashKey[World]()
"""A scenario node's world (once its first step asked for it)."""
STEP = pytest.StashKey[str]()
"""A scenario node's current step, ``features/x.feature:12``."""


def session_of(config: pytest.Config) -> IamSpecSession:
    """The run's session (the harness plugin's ``pytest_configure`` made it)."""
    return config.stash[_SESSION]


def find_session(config: pytest.Config) -> IamSpecSession | None:
    """The run's session, or None before (or without) the harness's ``pytest_configure``."""
    return config.stash.get(_SESSION, None)


def start(config: pytest.Config) -> None:
    """Check the options, start an API backend, and register where the records go.

    Raises pytest.UsageError for contradicting options and for a backend that cannot start.
    """
    options.add_markers(config)
    state = IamSpecSession(config)
    config.stash[_SESSION] = state
    options.check(state.options)
    if not xdist.is_worker(config):
        options.check_outputs(state.options, Path(config.invocation_params.dir))
    state.handle_signals()
    if state.backend_name != "local":
        try:
            _ = state.backend
        except IamSpecError as err:
            raise pytest.UsageError(f"iamspec: {err}") from err
    controller = not xdist.is_worker(config)
    path = state.options.results
    if path and controller:
        collector = ResultsCollector(state.new_run(), Path(config.invocation_params.dir) / path)
        config.pluginmanager.register(collector, _COLLECTOR)
    if controller and state.collecting:
        kept = keep_records(config)
        assert kept is not None
        kept.budget = state.run_budget()
        if state.compare_local:
            target = Path(config.invocation_params.dir) / state.options.drift_report
            config.pluginmanager.register(DriftReporter(kept, target), _DRIFT)


def keep_records(config: pytest.Config) -> ResultsCollector | None:
    """Record every scenario of this run, for a consumer such as the living documentation.

    Recording is off unless asked for, to keep plain runs fast. Call from ``pytest_configure``
    (after the harness's own). On an xdist worker this only switches recording on (the worker
    sends its records with its reports) and returns None; on the controller it returns the
    collector — the ``--iam-results`` one if there is one, else one that writes no file.
    Safe to call more than once. Raises pytest.UsageError when the harness plugin is off.
    """
    state = find_session(config)
    if state is None:
        raise pytest.UsageError(
            "iamspec's harness plugin is not active (enable it with -p iamspec.harness.plugin)"
        )
    state.collecting = True
    if xdist.is_worker(config):
        return None
    found = config.pluginmanager.get_plugin(_COLLECTOR)
    if isinstance(found, ResultsCollector):
        return found
    collector = ResultsCollector(state.new_run(), None)
    config.pluginmanager.register(collector, _COLLECTOR)
    return collector


def configure_worker(node: Any) -> None:
    """xdist controller: hand each worker the run's call budget, so all draw from one."""
    state = find_session(node.config)
    if state is not None and state.budget_file is not None:
        xdist.to_worker(node, _BUDGET_INPUT, state.budget_file)


_OVERRIDES_BACKEND = pytest.StashKey[bool]()
"""On a scenario's parent node: whether a fixture other than the plugin's gives
``iam_backend`` there."""


def scenario_backend(request: pytest.FixtureRequest, plugin_fixture: object) -> Backend:
    """What the ``iam_backend`` fixture gives the scenario ``request`` runs.

    The run's backend, read from the session, when the fixture visible to the scenario is the
    plugin's own (``plugin_fixture``); through pytest when a project overrides it (a
    ``conftest.py`` or test module fixture, or a parametrization of the scenario), exactly as
    asking for the fixture would. Asking pytest for a session fixture from each scenario costs
    more than the rest of the world's making, so the question whether it is overridden is
    asked once per parent node (a fixture cannot be overridden for one item but by
    parametrizing it).
    """
    node = request.node
    callspec = getattr(node, "callspec", None)
    parent = node.parent
    if (callspec is not None and "iam_backend" in callspec.params) or parent is None:
        return cast(Backend, request.getfixturevalue("iam_backend"))
    overridden = parent.stash.get(_OVERRIDES_BACKEND, None)
    if overridden is None:
        overridden = True
        manager = getattr(request, "_fixturemanager", None)
        with contextlib.suppress(AttributeError, TypeError):
            definitions = manager.getfixturedefs("iam_backend", parent) if manager else None
            own = getattr(plugin_fixture, "_get_wrapped_function", lambda: plugin_fixture)()
            overridden = not definitions or definitions[-1].func is not own
        parent.stash[_OVERRIDES_BACKEND] = overridden
    if overridden:
        return cast(Backend, request.getfixturevalue("iam_backend"))
    return session_of(request.config).backend


def new_world(request: pytest.FixtureRequest, backend: Backend) -> World:
    """A fresh world for the scenario ``request`` runs, answered by ``backend``."""
    state = session_of(request.config)
    backend.begin_scenario()
    created = World(state.settings, state.catalog, state.store, backend, state.world_tools)
    created.step = request.node.stash.get(STEP, None)
    created.live_only = request.node.get_closest_marker("live") is not None
    created.claim_timeout = state.options.claim_timeout
    request.node.stash[WORLD] = created
    return created


def report_header(config: pytest.Config) -> str:
    """``iamspec: --iam-backend=local, IAM data 0.1.202610271``."""
    state = session_of(config)
    compare = ", --compare-local" if state.compare_local else ""
    return (
        f"iamspec: --iam-backend={state.backend_name}{compare}, "
        f"IAM data {state.catalog.data_version}"
    )


def close(config: pytest.Config) -> None:
    """Stop the backend and remove the run's budget file (if the session started)."""
    state = find_session(config)
    if state is not None:
        state.close()
