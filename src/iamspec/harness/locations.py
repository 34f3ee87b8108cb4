"""Where a scenario is: feature files relative to the rootdir, and the step being run.

Every message and record names a step as ``features/x.feature:12``, so that a reader goes
straight to the line. :func:`enter_step` (the plugin's ``pytest_bdd_before_step``) keeps the
current step's location on the scenario's node and world, and the lines of its data table's
rows (:func:`table_rows`), so that an error in one row of a decision table names that row.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from iamspec.harness.session import STEP, WORLD

__all__ = ["TABLE_ROWS", "enter_step", "feature_path", "step_location", "table_rows"]

TABLE_ROWS = pytest.StashKey[tuple[str, ...]]()
"""A scenario node's current step's data table rows, ``features/x.feature:15`` each."""


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
    path = feature_path(request.config, feature.filename)
    location = f"{path}:{step.line_number}"
    rows = (
        tuple(f"{path}:{row.location.line}" for row in step.datatable.rows)
        if step.datatable
        else ()
    )
    stash = request.node.stash
    stash[STEP] = location
    stash[TABLE_ROWS] = rows
    world = stash.get(WORLD, None)
    if world is not None:
        world.step = location
        world.table_rows = rows


def table_rows(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The current step's data table rows (``features/x.feature:15`` each; none: empty)."""
    rows: tuple[str, ...] = request.node.stash.get(TABLE_ROWS, ())
    return rows
