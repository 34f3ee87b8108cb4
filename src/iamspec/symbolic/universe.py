"""The actions and resource types a claim ranges over, numbered for the solver.

The action of a symbolic request is an integer: the index of an action of the catalog
(:meth:`iamspec.catalog.Catalog.expand` of the scope's patterns), sorted by name so that
the actions a policy's ``connect:Describe*`` matches are a few index ranges. The resource is
an ARN of one of the action's resource types (the Service Authorization Reference's, required
or not), or ``*`` for an action that has none, as the harness's request builder simulates
it. Which policy statement matches which action is decided here, once, by the engine's own
compiled Action patterns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from iamspec.catalog import ActionInfo, Catalog, ResourceType
from iamspec.engine.compiled import CompiledStatement
from iamspec.errors import SimulationInputError


@dataclass(frozen=True)
class Universe:
    """Actions (by index) and the resource types each may act on (indices into ``types``)."""

    actions: tuple[ActionInfo, ...]
    types: tuple[ResourceType, ...]
    action_types: tuple[tuple[int, ...], ...]
    """Per action: its resource types in the catalog's order; empty means resource ``*``."""
    _by_type: dict[int, tuple[int, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def none_type(self) -> int:
        """The index that stands for "no resource type" (resource ``*``)."""
        return len(self.types)

    def index(self, action: str) -> int:
        """The index of ``action`` (any case); ValueError when out of the universe."""
        lowered = action.lower()
        for i, info in enumerate(self.actions):
            if info.full_name.lower() == lowered:
                return i
        raise ValueError(f"{action} is not in the scope")

    def type_index(self, resource_type: ResourceType) -> int:
        """The index of ``resource_type``; ValueError when no action of the scope takes it."""
        for i, candidate in enumerate(self.types):
            if _same_type(candidate, resource_type):
                return i
        raise ValueError(f"{resource_type.service}:{resource_type.name} is not in the scope")

    def actions_with_type(self, type_index: int) -> tuple[int, ...]:
        """The actions whose resource may be of that type (``none_type``: resource ``*``)."""
        if not self._by_type:
            found: dict[int, list[int]] = {}
            for action, types in enumerate(self.action_types):
                for own in types or (self.none_type,):
                    found.setdefault(own, []).append(action)
            self._by_type.update({k: tuple(v) for k, v in found.items()})
            self._by_type.setdefault(-1, ())  # marks the table as built
        return self._by_type.get(type_index, ())

    def restrict(self, keep: Iterable[int]) -> Universe:
        """The universe of the actions ``keep`` (indices), renumbered."""
        kept = sorted(set(keep))
        types: list[ResourceType] = []
        renumbered: dict[int, int] = {}
        action_types: list[tuple[int, ...]] = []
        for index in kept:
            own = []
            for type_index in self.action_types[index]:
                if type_index not in renumbered:
                    renumbered[type_index] = len(types)
                    types.append(self.types[type_index])
                own.append(renumbered[type_index])
            action_types.append(tuple(own))
        return Universe(tuple(self.actions[i] for i in kept), tuple(types), tuple(action_types))

    def statement_actions(self, statement: CompiledStatement) -> frozenset[int]:
        """The actions whose names the statement's Action (or NotAction) element matches."""
        matched = set()
        for i, info in enumerate(self.actions):
            name = info.full_name
            hit = any(pattern.matches(name) for pattern in statement.actions)
            if hit is not statement.actions_negated:
                matched.add(i)
        return frozenset(matched)


def _same_type(a: ResourceType, b: ResourceType) -> bool:
    return a.service == b.service and a.name.lower() == b.name.lower()


def type_label(resource_type: ResourceType) -> str:
    """``connect:user`` — how scopes and messages name a resource type."""
    return f"{resource_type.service}:{resource_type.name}"


def build_universe(
    catalog: Catalog,
    patterns: Iterable[str],
    resource_types: Iterable[str] = (),
    only: Iterable[str] | None = None,
) -> Universe:
    """The actions ``patterns`` match, with their resource types.

    ``resource_types`` (``service:type``, any case) keeps only resources of those types (and
    drops actions that take none of them); ``only`` (action names) further restricts the
    actions, for questions where the others cannot matter. Raises the catalog's errors for a
    malformed pattern or unknown service, and SimulationInputError when nothing is left.
    """
    found: dict[str, ActionInfo] = {}
    for pattern in patterns:
        for info in catalog.expand(pattern):
            found.setdefault(info.full_name.lower(), info)
    if not found:
        raise SimulationInputError(f"no IAM action matches {', '.join(patterns)}")
    if only is not None:
        keep = {name.lower() for name in only}
        found = {k: v for k, v in found.items() if k in keep}
    wanted = {t.lower() for t in resource_types}
    actions: list[ActionInfo] = []
    per_action: list[list[ResourceType]] = []
    for _, info in sorted(found.items()):
        pairs = [rt for rt, _ in catalog.resource_types(info)]
        if wanted:
            pairs = [rt for rt in pairs if type_label(rt).lower() in wanted]
            if not pairs:
                continue
        actions.append(info)
        per_action.append(pairs)
    if wanted and not actions:
        raise SimulationInputError(
            f"no action of {', '.join(patterns)} acts on {', '.join(resource_types)}"
        )
    types: list[ResourceType] = []
    positions: dict[tuple[str, str], int] = {}
    action_types: list[tuple[int, ...]] = []
    for pairs in per_action:
        indices = []
        for rt in pairs:
            key = (rt.service, rt.name.lower())
            if key not in positions:
                positions[key] = len(types)
                types.append(rt)
            indices.append(positions[key])
        action_types.append(tuple(indices))
    return Universe(tuple(actions), tuple(types), tuple(action_types))
