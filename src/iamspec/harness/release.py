"""What a finished scenario leaves behind: none of iamspec's objects.

pytest keeps every collected item until the run ends, and with it whatever was put on the
item. Once a scenario has run (its report made, its record sent), :func:`release_scenario`
(the plugin's ``pytest_runtest_teardown``) drops what the harness kept on it (its
:class:`~iamspec.harness.world.World`) and the answers pytest-bdd kept for it: pytest-bdd
registers the value a step returns for its ``target_fixture`` (the library's When-steps
return their :class:`~iamspec.harness.outcome.Outcome` as ``outcome``) as a fixture of the
item, and never removes it.

Nothing reads them after the teardown: a step of a later scenario gets that scenario's own
values, and a rerun of the scenario (pytest-rerunfailures) asks its When-steps again. Kept,
they would change no answer, but a thousand scenarios' requests, answers and traces alive
until the end make Python's garbage collector walk them again and again: in the suite
benchmark (``benchmarks/suite.py``), an extra full collection per few hundred scenarios.

pytest-bdd's registration lives in pytest's fixture registry, which has no public API: on a
pytest whose registry is not the one read here (``name -> {node: [fixture definitions]}``,
pytest 9.2 and later) the values stay, as before (slower, never wrong).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from pytest_bdd.steps import step_function_context_registry

from iamspec.harness.session import WORLD
from iamspec.harness.steps import LIBRARY

__all__ = ["library_target_fixtures", "release_scenario"]


@functools.cache
def library_target_fixtures() -> frozenset[str]:
    """The fixtures the step library's steps return values as (``outcome``)."""
    return frozenset(
        context.target_fixture
        for context in list(step_function_context_registry.values())
        if context.target_fixture and context.step_func.__module__ in LIBRARY
    )


def release_scenario(item: pytest.Item) -> None:
    """Drop the scenario's world, and the values pytest-bdd registered on ``item`` for the
    library's target fixtures (see the module docstring)."""
    if WORLD in item.stash:
        del item.stash[WORLD]
    manager: Any = getattr(item.session, "_fixturemanager", None)
    registry = getattr(manager, "_arg2node2fixturedefs", None)
    if not isinstance(registry, dict):
        return
    for name in library_target_fixtures():
        per_node = registry.get(name)
        if isinstance(per_node, dict):
            per_node.pop(item, None)
