"""Scenarios tagged ``@live``: they run only with the live backend, and a run says how many
it left out.

A ``@live`` scenario names principals deployed in the AWS account, which only
``--iam-backend=live`` can answer; any other run deselects them (:func:`deselect`) and ends its
summary with their count (:func:`summary`). With pytest-xdist every worker collects every
scenario, so the controller takes the count of any one worker (:func:`worker_done`).
"""

from __future__ import annotations

from typing import Any

import pytest

from iamspec.harness import deselection, xdist
from iamspec.harness.session import find_session, session_of

__all__ = ["deselect", "summary", "worker_done"]

_DESELECTED = "iamspec_deselected_live"
"""The ``workeroutput`` key of a worker's count."""


def deselect(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect ``@live`` scenarios unless the live backend runs (and count them)."""
    state = session_of(config)
    if state.backend_name == "live":
        return
    live = [i for i in items if i.get_closest_marker("live") is not None]
    if live:
        state.deselected_live = len(live)
        deselection.expect(config, live, "live", _reason(state.backend_name))
        config.hook.pytest_deselected(items=live)
        items[:] = [i for i in items if i.get_closest_marker("live") is None]
    xdist.to_controller(config, _DESELECTED, state.deselected_live)


def _reason(backend: str) -> str:
    """Why a deselected ``@live`` scenario did not run, as its record says."""
    return (
        "tagged @live: it names principals deployed in the AWS account, which only "
        f"--iam-backend=live can answer (this run: --iam-backend={backend})"
    )


def worker_done(node: Any) -> None:
    """xdist controller: every worker collects everything, so take the count of any one."""
    state = find_session(node.config)
    if state is not None:
        state.deselected_live = max(state.deselected_live, xdist.from_worker(node, _DESELECTED, 0))


def summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The terminal summary's line about deselected ``@live`` scenarios (if any)."""
    state = find_session(config)
    if state is not None and state.deselected_live:
        terminalreporter.write_line(
            f"iamspec: {state.deselected_live} scenarios tagged @live deselected: they name "
            "principals deployed in the AWS account, which only --iam-backend=live can answer"
        )
