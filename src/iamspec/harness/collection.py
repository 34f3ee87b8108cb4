"""Feature files are test files: pytest collects each ``.feature`` file as a module of tests.

``pytest features/x.feature`` runs that feature; ``pytest features`` runs every feature under
the folder; no ``test_features.py`` with ``scenarios(...)`` is needed. Each scenario is one
test (one per Examples row for an outline), built by pytest-bdd itself (its ``scenario``
decorator), so pytest-bdd's hooks, ``--cucumberjson`` and ``--gherkin-terminal-reporter`` work
as with a Python module. What pytest then sees:

- test ids name the file: ``features/x.feature::test_the_department_tag_decides[Test-...]``,
  and JUnit classnames are ``features.x.feature``; ``--lf``, ``-n N`` and ``--dist loadfile``
  (one feature per worker) work on them as on any test file;
- ``-k`` matches the test name and also the feature's and the scenario's own names
  (``-k "department"``);
- every Gherkin tag of the collected features is a registered marker (``-m acme`` and
  ``--strict-markers`` work without configuration).

Which files. A ``.feature`` file named on the command line (or found under a folder named
there) is collected. Otherwise — pytest's ``testpaths`` or the current folder — only files
under ``bdd_features_base_dir`` are, when that option is set (sample feature files elsewhere,
say test data, are left alone). A scenario a Python test module already binds with
pytest-bdd's ``scenarios()``/``@scenario`` runs once, from that module
(:func:`drop_python_bound`), so a project that still has such a module does not run its
features twice.

Before a feature file becomes tests it is checked (:mod:`iamspec.harness.feature_checks`): a
slip that would pass green (an empty file, no scenario, a When-step without a Then-step, an
Examples column a step needs and the table lacks, a tag that cannot be a marker) is a
collection error naming the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest_bdd import feature as bdd_features
from pytest_bdd import scenario as bind_scenario
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.gherkin_parser import GherkinDocument
from pytest_bdd.parser import FeatureParser
from pytest_bdd.scenario import get_python_name_generator, scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

from iamspec.harness.feature_checks import (
    FeatureFileError,
    Problem,
    read_feature,
    scenarios_of,
    tags_of,
)

__all__ = [
    "SCENARIO",
    "FeatureFile",
    "ScenarioPlace",
    "collect_file",
    "drop_python_bound",
    "summary",
]


@dataclass(frozen=True)
class ScenarioPlace:
    """Where a collected scenario comes from: its feature file, its line, and for an outline
    the Examples row it runs (``features/x.feature:20: | Test | allowed |``)."""

    feature_file: str
    line: int
    example: str | None = None


SCENARIO = pytest.StashKey[ScenarioPlace]()
"""A collected scenario's :class:`ScenarioPlace` (on the test item)."""
_MARKERS = pytest.StashKey[set[str]]()
_DROPPED = pytest.StashKey[int]()


def _display(config: pytest.Config, path: Path) -> str:
    try:
        return path.resolve().relative_to(config.rootpath.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _in_scope(config: pytest.Config, path: Path) -> bool:
    """Collected: files under paths named on the command line; otherwise those under
    ``bdd_features_base_dir`` (when set)."""
    if config.args_source is pytest.Config.ArgsSource.ARGS:
        return True
    base = config.getini("bdd_features_base_dir")
    if not base:
        return True
    return path.resolve().is_relative_to((config.rootpath / str(base)).resolve())


def collect_file(file_path: Path, parent: pytest.Collector) -> FeatureFile | None:
    """``pytest_collect_file``: a :class:`FeatureFile` for a ``.feature`` file in scope."""
    if file_path.suffix != ".feature" or not _in_scope(parent.config, file_path):
        return None
    collector: FeatureFile = FeatureFile.from_parent(parent, path=file_path)
    return collector


def _register_tags(config: pytest.Config, document: GherkinDocument, display: str) -> None:
    """Declare each Gherkin tag as a marker, so that ``--strict-markers`` accepts it."""
    known = config.stash.setdefault(_MARKERS, set())
    if not known:
        known.update(line.split(":")[0].split("(")[0].strip() for line in config.getini("markers"))
    for tag in tags_of(document.feature):
        name = tag.name.removeprefix("@")
        if name not in known:
            known.add(name)
            config.addinivalue_line("markers", f"{name}: Gherkin tag (first seen in {display})")


def _located(path: str, line: int) -> Callable[[], None]:
    """A function whose code says ``path:line``: pytest's ``place_as`` then reports the
    scenario's own file and line (not pytest-bdd's module) as the test's location."""

    def scenario() -> None:  # pragma: no cover - never called
        return None

    scenario.__code__ = scenario.__code__.replace(co_filename=path, co_firstlineno=line)
    return scenario


class _ParsedFeature(FeatureParser):
    """pytest-bdd's feature parser, handed the document already parsed and checked."""

    def __init__(self, path: Path, document: GherkinDocument) -> None:
        super().__init__(str(path.parent), path.name)
        self._document = document

    def _parse_feature_file(self) -> GherkinDocument:
        return self._document


def _share_with_pytest_bdd(path: Path, document: GherkinDocument) -> None:
    """Put the feature, built from ``document``, in pytest-bdd's cache of parsed features, so
    that its ``scenario()`` does not parse the file a second time (were pytest-bdd's cache to
    change, it would parse the file again: slower, not different)."""
    parser = _ParsedFeature(path, document)
    bdd_features.features.setdefault(parser.abs_filename, parser.parse())


@dataclass(frozen=True)
class _Bound:
    """What one test function of a feature file runs."""

    name: str
    line: int
    example_rows: tuple[str, ...]


class FeatureFile(pytest.Module):
    """A ``.feature`` file as a pytest module: one test function per scenario."""

    _module: ModuleType | None = None
    _bound: dict[str, _Bound]

    def _getobj(self) -> ModuleType:
        if self._module is None:
            self._module = self._build()
        return self._module

    def _build(self) -> ModuleType:
        config = self.config
        display = _display(config, self.path)
        document = read_feature(self.path, display)
        _register_tags(config, document, display)
        try:
            _share_with_pytest_bdd(self.path, document)
        except GherkinParseError as err:
            raise FeatureFileError(display, [Problem(err.line, err.message)]) from err
        self.extra_keyword_matches.add(document.feature.name)
        module = ModuleType(f"feature:{display}")
        module.__file__ = str(self.path)
        self._bound = {}
        names = set()
        for shape in scenarios_of(document.feature):
            scenario = shape.scenario
            try:
                function: Any = bind_scenario(
                    self.path.name, scenario.name, features_base_dir=str(self.path.parent)
                )(_nothing)
            except GherkinParseError as err:
                raise FeatureFileError(display, [Problem(err.line, err.message)]) from err
            function.__module__ = module.__name__
            function.place_as = _located(str(self.path), scenario.location.line)
            test_name = next(n for n in get_python_name_generator(scenario.name) if n not in names)
            names.add(test_name)
            setattr(module, test_name, function)
            rows = tuple(
                f"{display}:{row.location.line}: | "
                + " | ".join(cell.value for cell in row.cells)
                + " |"
                for examples in scenario.examples
                for row in examples.table_body or ()
            )
            self._bound[test_name] = _Bound(scenario.name, scenario.location.line, rows)
        return module

    def istestfunction(self, obj: object, name: str) -> bool:
        """The scenario functions, whatever ``python_functions`` says."""
        return name in self._bound

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        try:
            collected = list(super().collect())
        except FeatureFileError as err:
            raise self.CollectError(str(err)) from err
        display = _display(self.config, self.path)
        for item in collected:
            if not isinstance(item, pytest.Function):
                continue
            bound = self._bound[item.originalname]
            item.extra_keyword_matches.add(bound.name)
            callspec = getattr(item, "callspec", None)
            example = None
            if callspec is not None and "_pytest_bdd_example" in callspec.indices:
                index = callspec.indices["_pytest_bdd_example"]
                example = bound.example_rows[index] if index < len(bound.example_rows) else None
            item.stash[SCENARIO] = ScenarioPlace(display, bound.line, example)
        return collected


def _nothing() -> None:
    """The body of a feature file's scenario function: the steps are the test."""


def drop_python_bound(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run a scenario once: when a Python module binds it (pytest-bdd ``scenarios()``), keep
    that test and drop the feature file's copy (the module may add its own checks)."""
    bound: set[tuple[str, str]] = set()
    ours: list[tuple[pytest.Item, tuple[str, str]]] = []
    for item in items:
        template = registry_get_safe(scenario_wrapper_template_registry, getattr(item, "obj", None))
        if template is None:
            continue
        key = (os.path.abspath(template.feature.filename), template.name)
        if SCENARIO in item.stash:
            ours.append((item, key))
        else:
            bound.add(key)
    if not bound:
        return
    dropped = {id(item) for item, key in ours if key in bound}
    if dropped:
        items[:] = [i for i in items if id(i) not in dropped]
        config.stash[_DROPPED] = len(dropped)


def summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say how many feature-file scenarios ran from a Python module instead (if any)."""
    dropped = config.stash.get(_DROPPED, 0)
    if dropped:
        terminalreporter.write_line(
            f"iamspec: {dropped} scenarios are bound by Python test modules (pytest-bdd "
            "scenarios()); they ran once, from there, not again from their .feature files"
        )
