"""Where a scenario is: feature files relative to the rootdir, and the step being run.

Every message and record names a step as ``features/x.feature:12``, so that a reader goes
straight to the line. :func:`enter_step` (the plugin's ``pytest_bdd_before_step``) keeps the
current step's location on the scenario's node and world.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from iamspec.harness.session import STEP, WORLD

__all__ = ["enter_step", "feature_path", "step_location"]


@functools.cache
def _relative_to(root: str, filename: str) -> str:
    path = Path(filename)
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def feature_path(config: pytest.Config, filename: str) -> str:
    """``features/x.feature``: a feature file relative to the rootdir (cached)."""
    return _relative_to(str(config.rootpath), filename)


def step_location(request: pytest.FixtureRequest, feature: Any, step: Any) -> str:
    """``features/x.feature:12``: the feature file and line of ``step``."""
    return f"{feature_path(request.config, feature.filename)}:{step.line_number}"


def enter_step(request: pytest.FixtureRequest, feature: Any, step: Any) -> None:
    """Remember ``step`` as the scenario's current step (the world names it in its calls)."""
    location = step_location(request, feature, step)
    request.node.stash[STEP] = location
    world = request.node.stash.get(WORLD, None)
    if world is not None:
        world.step = location
