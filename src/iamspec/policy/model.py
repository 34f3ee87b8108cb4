"""The immutable policy model: what a parsed IAM policy document says, and where it says it.

Every element keeps its source position so that the simulator can report
``MatchedStatements[].StartPosition/EndPosition`` and the linter can point at the exact
action string or condition key. Positions are 1-based (line, column), counted in
characters of the text as supplied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, order=True)
class Position:
    """A 1-based line and column in a policy's text."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


@dataclass(frozen=True)
class Located:
    """A scalar from the policy with the position of its first character.

    ``text`` is the value as IAM sees it: JSON strings as-is, ``true``/``false`` and numbers
    as their JSON spelling (IAM compares condition values as strings).
    """

    text: str
    position: Position


class Effect(Enum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True)
class ConditionClause:
    """One (operator, key) pair of a Condition block with its values.

    ``operator`` and ``key`` are spelled as written in the policy; the engine normalises
    them. Several values under one key are OR-ed (NOR for negated operators).
    """

    operator: Located
    key: Located
    values: tuple[Located, ...]


@dataclass(frozen=True)
class PrincipalBlock:
    """A Principal or NotPrincipal element: ``"*"`` or a map of type to identifiers."""

    wildcard: bool
    entries: tuple[tuple[str, tuple[Located, ...]], ...] = ()
    position: Position = Position(1, 1)


@dataclass(frozen=True)
class Statement:
    """One statement of a policy.

    Exactly one of ``actions``/``not_actions`` is set (the other is ``None``); likewise for
    resources (both may be ``None`` only in resource-based policies, e.g. trust policies).
    ``start``/``end`` follow AWS's simulator convention for ``StartPosition``/``EndPosition``.
    """

    index: int
    effect: Effect
    sid: str | None
    actions: tuple[Located, ...] | None
    not_actions: tuple[Located, ...] | None
    resources: tuple[Located, ...] | None
    not_resources: tuple[Located, ...] | None
    conditions: tuple[ConditionClause, ...]
    principal: PrincipalBlock | None
    not_principal: PrincipalBlock | None
    start: Position
    end: Position
    element_positions: tuple[tuple[str, Position], ...] = ()

    @property
    def action_patterns(self) -> tuple[Located, ...]:
        """The Action or NotAction list, whichever the statement has."""
        return self.actions if self.actions is not None else (self.not_actions or ())

    @property
    def resource_patterns(self) -> tuple[Located, ...]:
        """The Resource or NotResource list, whichever the statement has."""
        return self.resources if self.resources is not None else (self.not_resources or ())

    def element_position(self, name: str) -> Position | None:
        """Where the element ``name`` (e.g. ``"Action"``) starts, if present."""
        for element, pos in self.element_positions:
            if element == name:
                return pos
        return None


@dataclass(frozen=True)
class Policy:
    """A parsed policy document.

    ``version`` is the Version element's value, or ``None`` when absent (IAM then behaves as
    2008-10-17: policy variables are literal text). ``text`` is kept because positions refer
    to it and the living documentation renders it.
    """

    source: str
    text: str
    version: str | None
    policy_id: str | None
    statements: tuple[Statement, ...]
    statement_is_list: bool = True
    version_position: Position | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def variables_enabled(self) -> bool:
        """Only Version 2012-10-17 turns ``${...}`` into policy variables."""
        return self.version == "2012-10-17"
