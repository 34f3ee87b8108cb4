"""The step vocabulary: every step of every feature matches exactly one step definition."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from pathlib import Path

import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

import iamspec.harness.steps as library
import steps
from iamspec.harness.vocabulary import did_you_mean, library_phrases, nearest
from iamspec.resource_kinds import RESOURCE_KINDS

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


# --------------------------------------------------------------------------------------------
# the vocabulary the "did you mean" of an unknown step draws from

LIBRARY_DEFINITIONS = [
    d for d in DEFINITIONS if d.step_func.__module__.startswith("iamspec.harness.steps.")
]


@pytest.mark.parametrize("phrase", library_phrases(), ids=str)
def test_each_phrase_of_the_vocabulary_is_read_by_exactly_one_library_step(phrase):
    step_type = phrase.keyword.lower()
    matching = [
        d
        for d in LIBRARY_DEFINITIONS
        if d.type in (None, step_type) and d.parser.is_matching(phrase.text)
    ]
    assert len(matching) == 1, f"{phrase}: {[d.step_func.__name__ for d in matching]}"


# steps that exist to reject a form with a better message; never suggested
_REJECTING = {"unscoped_known_difference"}


def test_every_library_step_has_a_phrase_in_the_vocabulary():
    phrases = library_phrases()
    silent = [
        f"{d.step_func.__module__}.{d.step_func.__name__}"
        for d in LIBRARY_DEFINITIONS
        if d.step_func.__name__ not in _REJECTING
        and not any(
            d.type in (None, p.keyword.lower()) and d.parser.is_matching(p.text) for p in phrases
        )
    ]
    assert not silent


def test_every_resource_kind_has_its_phrases():
    texts = {p.text for p in library_phrases()}
    for kind in RESOURCE_KINDS:
        assert any(f' {kind.phrase} "NAME"' in t for t in texts), kind.phrase


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("the request should be allowed", "Then the request is allowed"),
        ('a campaign "spring"', 'Given an outbound campaign "spring"'),
        ('an Connect User "jdoe"', 'Given a Connect user "jdoe"'),
        (
            'the IAM usr "bob" with the policy "a.json"',
            'Given the IAM user "bob" with the policy "a.json"',
        ),
        ('"ann" gets the decisions:', 'Then "ann" gets these decisions:'),
    ],
)
def test_nearest_writes_the_phrase_with_the_steps_own_values(text, first):
    assert nearest(text)[0] == first


def test_nearest_keeps_the_template_when_the_values_do_not_fit():
    # three quoted values, and the nearest phrases have one or two slots
    found = nearest('a KMS key "k" "extra" "more"')
    assert found
    assert all('"k"' not in f for f in found)


def test_nothing_near_points_to_the_vocabulary():
    assert "the step vocabulary is in the README" in did_you_mean("xyzzy plugh")


def _body(function) -> list[ast.stmt]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    (definition,) = tree.body
    body = definition.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body


@pytest.mark.parametrize(
    "definition",
    LIBRARY_DEFINITIONS,
    ids=lambda d: f"{d.step_func.__module__}.{d.step_func.__name__}",
)
def test_every_library_step_is_one_statement(definition):
    """Steps stay thin: they translate Gherkin into one library call (or one raise)."""
    assert len(_body(definition.step_func)) == 1
