"""What a feature file must be before any scenario of it runs: the slips that would pass green.

pytest-bdd runs whatever a feature file says. Some mistakes then pass instead of failing: an
empty file (pytest-bdd stops with ``KeyError: 'feature'`` and no file name), a feature without
scenarios (nothing runs, nothing fails), a scenario that asks (a When-step) but states no
decision (no Then-step after it: it passes, and the living docs show it "passed"), a Scenario
Outline whose Examples table lacks a column a step uses (the step gets ``<decision>``
verbatim), two scenarios of one name (pytest-bdd keeps only the last), a tag that cannot be a
pytest marker. :func:`read_feature` reads a file with the Gherkin parser pytest-bdd uses and
raises :class:`FeatureFileError` listing every such problem with its file and line, before
collection makes a single test of it.

Where the Gherkin parser itself fails (a table with a missing cell, a misplaced keyword), the
error carries the parser's own line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from pytest_bdd.gherkin_parser import (
    ExamplesTable,
    Feature,
    GherkinDocument,
    Scenario,
    Step,
    Tag,
)

from iamspec.harness.errors import HarnessError

__all__ = [
    "FeatureFileError",
    "Problem",
    "ScenarioShape",
    "check_document",
    "read_feature",
    "scenarios_of",
    "tags_of",
]

_PARAMETER = re.compile(r"<([\w -]+)>")
"""An Examples parameter as steps use it (``<decision>``, ``<request tags>``)."""
TAG_NAME = re.compile(r"[^\W_][\w.-]*")
"""A tag that can be a pytest marker: pytest.mark.<tag>, selectable with ``-m <tag>``."""
_MARKERS_WITH_ARGUMENTS = frozenset({"parametrize", "skipif", "usefixtures", "filterwarnings"})
"""pytest's own markers that need arguments a tag cannot give."""


@dataclass(frozen=True, order=True)
class Problem:
    """One slip: the line it is on and what is wrong."""

    line: int
    message: str


class FeatureFileError(HarnessError):
    """A feature file that cannot run honestly; ``problems`` are (line, message), the text
    has one ``path:line: message`` per problem."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(f"{path}:{p.line}: {p.message}" for p in self.problems))


@dataclass(frozen=True)
class ScenarioShape:
    """A scenario with the steps it runs (backgrounds first) and its tags."""

    scenario: Scenario
    steps: tuple[Step, ...]
    tags: tuple[Tag, ...]


def read_feature(path: Path, display: str) -> GherkinDocument:
    """Parse the feature file ``path`` and check it (:func:`check_document`).

    ``display`` names it in messages (``features/x.feature``). Raises FeatureFileError for a
    file that cannot be read or parsed and for every slip the checks find.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise FeatureFileError(
            display, [Problem(1, f"cannot read the feature file: {err}")]
        ) from err
    try:
        data = Parser().parse(text)
    except CompositeParserException as err:
        raise FeatureFileError(display, [_parser_problem(e) for e in err.errors]) from err
    except ParserException as err:
        raise FeatureFileError(display, [_parser_problem(err)]) from err
    if "feature" not in data:
        raise FeatureFileError(
            display,
            [Problem(1, "empty feature file: it has no 'Feature:' line (and so no scenario)")],
        )
    document = GherkinDocument.from_dict(data)
    problems = check_document(document)
    if problems:
        raise FeatureFileError(display, problems)
    return document


def _parser_problem(error: ParserException) -> Problem:
    location = getattr(error, "location", None) or {}
    message = str(error)
    # the parser's text starts with its own "(line:column): "; keep the column
    column = location.get("column")
    text = re.sub(r"^\(\d+:\d+\): ", "", message)
    where = f"column {column}: " if column else ""
    return Problem(int(location.get("line") or 1), f"Gherkin syntax: {where}{text}")


# --------------------------------------------------------------------------------------------
# the structure


def scenarios_of(feature: Feature) -> Iterator[ScenarioShape]:
    """Every scenario of the feature (rules included), with its background steps and tags."""
    background: tuple[Step, ...] = ()
    for child in feature.children:
        if child.background is not None:
            background = tuple(child.background.steps)
        elif child.scenario is not None:
            yield _shape(child.scenario, background, (*feature.tags,))
        elif child.rule is not None:
            rule_background: tuple[Step, ...] = ()
            for grandchild in child.rule.children:
                if grandchild.background is not None:
                    rule_background = tuple(grandchild.background.steps)
                elif grandchild.scenario is not None:
                    yield _shape(
                        grandchild.scenario,
                        background + rule_background,
                        (*feature.tags, *child.rule.tags),
                    )


def _shape(
    scenario: Scenario, background: tuple[Step, ...], tags: tuple[Tag, ...]
) -> ScenarioShape:
    return ScenarioShape(scenario, (*background, *scenario.steps), (*tags, *scenario.tags))


def tags_of(feature: Feature) -> Iterator[Tag]:
    """Every tag the feature file carries: on the feature, rules, scenarios and Examples."""
    yield from feature.tags
    for child in feature.children:
        if child.rule is not None:
            yield from child.rule.tags
            for grandchild in child.rule.children:
                if grandchild.scenario is not None:
                    yield from _scenario_tags(grandchild.scenario)
        if child.scenario is not None:
            yield from _scenario_tags(child.scenario)


def _scenario_tags(scenario: Scenario) -> Iterator[Tag]:
    yield from scenario.tags
    for examples in scenario.examples:
        yield from examples.tags


# --------------------------------------------------------------------------------------------
# the checks


def check_document(document: GherkinDocument) -> list[Problem]:
    """Every slip in a parsed feature file (empty when it can run honestly)."""
    feature = document.feature
    problems = [p for tag in tags_of(feature) if (p := _tag_problem(tag)) is not None]
    shapes = list(scenarios_of(feature))
    if not shapes:
        problems.append(
            Problem(
                feature.location.line,
                f'feature "{feature.name}" has no scenario: it would check nothing '
                "(add a Scenario: with a When-step and a Then-step)",
            )
        )
    seen: dict[str, int] = {}
    for shape in shapes:
        scenario = shape.scenario
        line = scenario.location.line
        if scenario.name in seen:
            problems.append(
                Problem(
                    line,
                    f'scenario name "{scenario.name}" is already used at line '
                    f"{seen[scenario.name]}: pytest-bdd would run only one of them (rename one)",
                )
            )
        else:
            seen[scenario.name] = line
        problems += _step_order_problems(shape)
        problems += _examples_problems(shape)
    return problems


def _tag_problem(tag: Tag) -> Problem | None:
    name = tag.name.removeprefix("@")
    if not TAG_NAME.fullmatch(name):
        return Problem(
            tag.location.line,
            f"the tag {tag.name} cannot be a pytest marker: a tag is letters, digits, '_', '.' "
            "and '-', starting with a letter or digit (it becomes pytest.mark.<tag>, "
            "selectable with -m)",
        )
    if name in _MARKERS_WITH_ARGUMENTS:
        return Problem(
            tag.location.line,
            f"the tag {tag.name} is pytest's own marker {name!r}, which needs arguments a "
            "tag cannot give (rename the tag)",
        )
    return None


def _kinds(steps: Sequence[Step]) -> list[str]:
    """Each step's kind (Context, Action, Outcome), And/But/* taking the previous one's."""
    kinds: list[str] = []
    current = "Context"
    for step in steps:
        if step.keyword_type in ("Context", "Action", "Outcome"):
            current = step.keyword_type
        kinds.append(current)
    return kinds


def _step_order_problems(shape: ScenarioShape) -> list[Problem]:
    scenario = shape.scenario
    kinds = _kinds(shape.steps)
    actions = [i for i, k in enumerate(kinds) if k == "Action"]
    outcomes = [i for i, k in enumerate(kinds) if k == "Outcome"]
    if actions and not outcomes:
        first = shape.steps[actions[0]]
        return [
            Problem(
                scenario.location.line,
                f'scenario "{scenario.name}" asks ({first.keyword} {first.text}, line '
                f"{first.location.line}) but states no decision: add a Then-step "
                "(e.g. Then the request is allowed)",
            )
        ]
    if actions and actions[-1] > outcomes[-1]:
        step = shape.steps[actions[-1]]
        return [
            Problem(
                step.location.line,
                f'scenario "{scenario.name}": the request of "{step.keyword} {step.text}" is '
                "never checked: no Then-step follows it",
            )
        ]
    return []


def _parameters(step: Step) -> Iterator[str]:
    """The ``<name>`` parameters a step uses: in its text, its table and its doc string."""
    yield from _PARAMETER.findall(step.text)
    if step.datatable is not None:
        for row in step.datatable.rows:
            for cell in row.cells:
                yield from _PARAMETER.findall(cell.value)
    if step.docstring is not None:
        yield from _PARAMETER.findall(step.docstring.content)


def _examples_problems(shape: ScenarioShape) -> list[Problem]:
    scenario = shape.scenario
    used = [(step, name) for step in shape.steps for name in dict.fromkeys(_parameters(step))]
    if not scenario.examples:
        return [
            Problem(
                step.location.line,
                f'the step "{step.keyword} {step.text}" uses <{name}>, but scenario '
                f'"{scenario.name}" has no Examples table to fill it',
            )
            for step, name in used
        ]
    problems: list[Problem] = []
    for examples in scenario.examples:
        problems += _table_problems(scenario, examples, used)
    return problems


def _table_problems(
    scenario: Scenario, examples: ExamplesTable, used: Sequence[tuple[Step, str]]
) -> list[Problem]:
    line = examples.location.line
    if examples.table_header is None:
        return [Problem(line, f'the Examples of scenario "{scenario.name}" have no table')]
    columns = {cell.value for cell in examples.table_header.cells}
    problems = [
        Problem(
            line,
            f'the Examples table has no column "{name}", which the step '
            f'"{step.keyword} {step.text}" (line {step.location.line}) uses as <{name}>',
        )
        for step, name in used
        if name not in columns
    ]
    if not examples.table_body:
        problems.append(
            Problem(
                line,
                f'the Examples table of scenario "{scenario.name}" has no rows: the scenario '
                "would run once with its <parameters> unfilled",
            )
        )
    return problems
