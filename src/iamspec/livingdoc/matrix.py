"""The access matrix of a feature: actions by who-asks-on-what, with the distinct outcomes.

A column is who asks (the principal, with its own tags: the fact a rule on
``aws:PrincipalTag`` turns on) on what (the resources, with their tags, and the request's
tags): two rows of an outline whose caller differs only by a tag are two columns, so each
column's answers can be read against the tags that decided them. Most cells of a matrix are
not asked; the matrix counts the cells that were (:attr:`Matrix.asked`), and the pages show
the others quietly.
"""

from __future__ import annotations

import functools
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
    caller_tags: str = ""


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

    @property
    def cells(self) -> int:
        """Cells of the matrix: actions times columns."""
        return len(self.rows) * len(self.columns)

    @functools.cached_property
    def asked(self) -> int:
        """Cells some scenario asked (the others are "not asked")."""
        return sum(1 for _, cells in self.rows for outcomes in cells if outcomes)

    @property
    def asked_words(self) -> str:
        """``9 of 33 cells asked``."""
        return f"{self.asked} of {self.cells} cell{'' if self.cells == 1 else 's'} asked"

    @functools.cached_property
    def caller_tagged(self) -> bool:
        """Some column's caller has tags (the headers then say every caller's tags)."""
        return any(c.caller_tags for c in self.columns)


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
                record.principal,
                record.target,
                call.resource_tags,
                call.request_tags,
                call.caller_tags,
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
