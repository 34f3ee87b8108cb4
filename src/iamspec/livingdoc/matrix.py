"""The access matrix of a feature: actions by who-asks-on-what, with the distinct outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from iamspec.livingdoc.labels import Label
from iamspec.livingdoc.scenarios import ScenarioView

__all__ = ["Matrix", "MatrixCell", "MatrixColumn", "build_matrix"]


@dataclass(frozen=True)
class MatrixColumn:
    """Who asks, on what: a principal and the resources (with their tags) of a call."""

    principal: str
    target: str
    resource_tags: str
    request_tags: str


@dataclass(frozen=True)
class MatrixCell:
    """The distinct outcomes for one (action, column): decision, expectation, scenario."""

    decision: Label
    expected: str
    mismatch: bool
    scenario: str


@dataclass(frozen=True)
class Matrix:
    """Access matrix of a feature: rows are actions, columns who-on-what.

    A large scenario (:attr:`ScenarioView.compact`) puts only the calls it shows in full
    (allowed, not as specified, drifted) in the matrix; ``omitted`` lists such scenarios, and
    the page says under the matrix how many of their requests are left out and links to their
    summary. Their hundreds of other actions would each add a row reading "implicitly denied"
    and push the hand-written scenarios' rows, the ones the matrix is for, out of sight; the
    scenario's summary already lists them, counted per service. Collapsing them into the matrix
    instead (one folded row per service) would still mix a sweep's verdict into a table of
    individual decisions and need a second reading rule, for no information the summary lacks.
    """

    columns: tuple[MatrixColumn, ...]
    rows: tuple[tuple[str, tuple[tuple[MatrixCell, ...], ...]], ...]
    omitted: tuple[ScenarioView, ...] = ()

    @property
    def empty(self) -> bool:
        """No row (a feature whose large scenarios were all left out is empty too)."""
        return not self.rows


def build_matrix(scenarios: Sequence[ScenarioView]) -> Matrix:
    """The matrix of ``scenarios`` (one feature's), columns and rows in the order first asked."""
    columns: dict[MatrixColumn, None] = {}
    cells: dict[tuple[str, MatrixColumn], list[MatrixCell]] = {}
    actions: dict[str, None] = {}
    omitted: list[ScenarioView] = []
    for scenario in scenarios:
        if scenario.compact:
            omitted.append(scenario)
        for call in scenario.shown:
            record = call.record
            column = MatrixColumn(
                record.principal, record.target, call.resource_tags, call.request_tags
            )
            columns.setdefault(column, None)
            actions.setdefault(record.action, None)
            cell = MatrixCell(call.decision, call.expected, call.mismatch, scenario.link)
            found = cells.setdefault((record.action, column), [])
            if not any(
                (c.decision, c.expected, c.mismatch)
                == (cell.decision, cell.expected, cell.mismatch)
                for c in found
            ):
                found.append(cell)
    ordered = tuple(columns)
    rows = tuple(
        (action, tuple(tuple(cells.get((action, column), ())) for column in ordered))
        for action in actions
    )
    return Matrix(ordered, rows, tuple(omitted))
