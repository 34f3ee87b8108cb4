"""pytest-xdist plumbing: what the controller hands its workers and what they send back.

With ``-n N`` the controller process starts workers that each run a share of the scenarios.
The controller gives each one values through ``workerinput`` (the run's call budget); a worker
reports values back through ``workeroutput`` (how many ``@live`` scenarios it deselected).
Without pytest-xdist every function here is a harmless no-op: nothing is a worker.
"""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["from_controller", "from_worker", "is_worker", "to_controller", "to_worker"]


def is_worker(config: pytest.Config) -> bool:
    """True in an xdist worker process (its reports go to the controller)."""
    return hasattr(config, "workerinput")


def from_controller(config: pytest.Config, key: str) -> Any | None:
    """In a worker: the value the controller handed it under ``key`` (None elsewhere)."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else workerinput.get(key)


def to_worker(node: Any, key: str, value: object) -> None:
    """In the controller (``pytest_configure_node``): hand the worker ``value``."""
    node.workerinput[key] = value


def to_controller(config: pytest.Config, key: str, value: object) -> None:
    """In a worker: send the controller ``value`` (read in ``pytest_testnodedown``)."""
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[key] = value


def from_worker(node: Any, key: str, default: Any) -> Any:
    """In the controller (``pytest_testnodedown``): what the worker sent, or ``default``."""
    output = getattr(node, "workeroutput", None) or {}
    return output.get(key, default)
