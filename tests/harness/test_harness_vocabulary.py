"""The step vocabulary: every step of every feature matches exactly one step definition."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import steps
from pytest_bdd.feature import get_features
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

import iamspec.harness.steps as library

FEATURES = Path(__file__).resolve().parents[2] / "features"


def _definitions() -> list[StepFunctionContext]:
    """The step definitions of the library (iamspec.harness.steps) and of this project's own
    steps/ package."""
    modules = {
        importlib.import_module(f"{package.__name__}.{info.name}").__name__
        for package in (library, steps)
        for info in pkgutil.iter_modules(package.__path__)
    }
    return [
        c
        for c in list(step_function_context_registry.values())
        if c.step_func.__module__ in modules
    ]


def _steps():
    for feature in get_features([str(FEATURES)]):
        for template in feature.scenarios.values():
            contexts = [c for ex in template.examples for c in ex.as_contexts()] or [{}]
            for context in contexts:
                for step in template.render(context).steps:
                    yield pytest.param(step, id=f"{Path(feature.filename).name}:{step.line_number}")


DEFINITIONS = _definitions()


def test_the_library_has_definitions():
    assert len(DEFINITIONS) >= 14


@pytest.mark.parametrize("step", list(_steps()))
def test_each_step_matches_exactly_one_definition(step):
    matching = [
        d for d in DEFINITIONS if d.type in (None, step.type) and d.parser.is_matching(step.name)
    ]
    assert len(matching) == 1, (
        f"{step.keyword} {step.name}: {[d.step_func.__name__ for d in matching]}"
    )
