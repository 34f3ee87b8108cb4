"""``iamspec diff``'s question: what does NEW allow that OLD does not, and the other way round.

Each entry is one concrete request (action, resource, context), replayed through the
simulator under both policy sets. The search asks the solver for a request NEW allows and
OLD does not; the request found is then tried, through one simulator call per policy set, on
every other action that takes the same resource type and context keys (the request is one
AWS can send for those too), and every action found this way is left out of the next search.
So the list names each action that gains (or loses) access once, with one request for it,
until the solver finds no more or ``max_requests`` is reached (``complete`` says which).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import z3

import iamspec
from iamspec.engine.evaluator import Decision
from iamspec.symbolic.concrete import ConcreteRequest
from iamspec.symbolic.domain import carried
from iamspec.symbolic.policies import PolicySet
from iamspec.symbolic.prover import ProofOptions, Setup
from iamspec.symbolic.questions import Status
from iamspec.symbolic.replay import SoundnessError, replay
from iamspec.symbolic.scope import Scope
from iamspec.symbolic.unsupported import Unsupported


@dataclass(frozen=True)
class AccessChange:
    """One request one side allows and the other does not, and the statements that allow it."""

    request: ConcreteRequest
    granted_by: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return self.request.to_json()


@dataclass(frozen=True)
class Changes:
    """The requests one direction of the diff found."""

    changes: tuple[AccessChange, ...]
    status: Status
    complete: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiffResult:
    """NEW against OLD: ``new_access`` (NEW allows, OLD does not) and ``removed_access``."""

    new_access: Changes
    removed_access: Changes
    unsupported: tuple[Unsupported, ...] = ()
    seconds: float = 0.0
    actions: tuple[str, ...] = field(default=())

    @property
    def status(self) -> Status:
        """REFUTED when NEW grants anything new; PROVEN when it provably does not."""
        return self.new_access.status

    def to_json(self) -> dict[str, Any]:
        """The ``--format json`` object."""
        return {
            "new_access": [c.to_json() for c in self.new_access.changes],
            "removed_access": [c.to_json() for c in self.removed_access.changes],
            "status": self.status.value,
            "complete": {
                "new_access": self.new_access.complete,
                "removed_access": self.removed_access.complete,
            },
            "granted_by": {
                "new_access": [list(c.granted_by) for c in self.new_access.changes],
                "removed_access": [list(c.granted_by) for c in self.removed_access.changes],
            },
            "notes": [*self.new_access.notes, *self.removed_access.notes],
            "actions": list(self.actions),
            "seconds": round(self.seconds, 3),
        }


def _decisions(
    policy_set: PolicySet, request: ConcreteRequest, actions: list[str]
) -> list[Decision]:
    """The simulator's decision for ``request`` with each of ``actions`` (one call)."""
    arguments = policy_set.simulate_arguments()
    arguments["ActionNames"] = actions
    if request.resource != "*":
        arguments["ResourceArns"] = [request.resource]
    if request.context:
        arguments["ContextEntries"] = request.context_entries()
    decisions: list[Decision] = []
    marker = None
    while True:
        if marker is not None:
            arguments["Marker"] = marker
        response = iamspec.simulate_custom_policy(MaxItems=1000, **arguments)
        decisions.extend(Decision(r["EvalDecision"]) for r in response["EvaluationResults"])
        marker = response.get("Marker")
        if not response.get("IsTruncated"):
            return decisions


def _siblings(setup: Setup, action: int, type_index: int) -> list[int]:
    """Actions for which the same request is one AWS can send: same resource types, and the
    same context keys carried on this type."""
    universe = setup.universe
    own_types = universe.action_types[action]
    keys = [k.spec.name for k in setup.request.keys.values()]

    def signature(index: int) -> tuple[bool, ...]:
        return tuple(carried(setup.catalog, universe, index, key, type_index) for key in keys)

    wanted = signature(action)
    return [
        other
        for other in range(len(universe.actions))
        if other != action
        and universe.action_types[other] == own_types
        and (not setup.scope.catalog_keys or signature(other) == wanted)
    ]


def _direction(setup: Setup, grants: str, lacks: str, max_requests: int) -> Changes:
    """Requests ``grants`` allows and ``lacks`` does not."""
    violation = z3.And(setup.decisions[grants].allowed, z3.Not(setup.decisions[lacks].allowed))
    universe = setup.universe
    found: list[AccessChange] = []
    reported: set[int] = set()
    while len(found) < max_requests:
        blocked = [z3.Not(setup.request.action_in(reported))] if reported else []
        search = setup.search(violation, *blocked)
        if search.result == z3.unsat:
            return Changes(_sorted(found), Status.REFUTED if found else Status.PROVEN, True)
        if search.result == z3.unknown:
            note = f"the search for access {grants} allows stopped: solver time-out"
            status = Status.REFUTED if found else Status.UNKNOWN
            return Changes(_sorted(found), status, False, (note,))
        counterexample, model = setup.counterexample(search)
        if counterexample is None:
            status = Status.REFUTED if found else Status.CANNOT_PROVE
            notes = tuple(str(u) for u in setup.unsupported)
            return Changes(_sorted(found), status, False, notes)
        request = counterexample.request
        outcomes = dict(counterexample.outcomes)
        found.append(AccessChange(request, outcomes[grants].deciding))
        action = universe.index(request.action)
        reported.add(action)
        type_index = int(model.eval(setup.request.resource_type, True).as_long())
        siblings = [a for a in _siblings(setup, action, type_index) if a not in reported]
        if not siblings:
            continue
        names = [universe.actions[a].full_name for a in siblings]
        allowed = _decisions(setup.policy_sets[grants], request, names)
        refused = _decisions(setup.policy_sets[lacks], request, names)
        for index, name, yes, no in zip(siblings, names, allowed, refused, strict=True):
            if len(found) >= max_requests:
                break
            if yes is Decision.ALLOWED and no is not Decision.ALLOWED:
                sibling = replace(request, action=name)
                again = replay(setup.policy_sets[grants], sibling)
                if again.decision is not Decision.ALLOWED:  # pragma: no cover - same engine
                    raise SoundnessError(f"two simulator answers differ for {sibling.to_json()}")
                found.append(AccessChange(sibling, again.deciding))
                reported.add(index)
    note = f"stopped after {max_requests} requests (--max-requests)"
    return Changes(_sorted(found), Status.REFUTED, False, (note,))


def _sorted(found: list[AccessChange]) -> tuple[AccessChange, ...]:
    return tuple(sorted(found, key=lambda c: (c.request.action.lower(), c.request.resource)))


def diff_policies(
    old: PolicySet,
    new: PolicySet,
    scope: Scope,
    *,
    options: ProofOptions | None = None,
    max_requests: int = 200,
) -> DiffResult:
    """What ``new`` allows that ``old`` does not (and the reverse), within ``scope``."""
    started = time.perf_counter()
    options = options or ProofOptions()
    sets = {"new": new, "old": old}
    added = Setup(sets, scope, relevant=["new"], options=options)
    new_access = (
        Changes((), Status.PROVEN, True)
        if added.empty
        else _direction(added, "new", "old", max_requests)
    )
    removed = Setup(sets, scope, relevant=["old"], options=options)
    removed_access = (
        Changes((), Status.PROVEN, True)
        if removed.empty
        else _direction(removed, "old", "new", max_requests)
    )
    unsupported = tuple(dict.fromkeys([*added.unsupported, *removed.unsupported]))
    return DiffResult(
        new_access=new_access,
        removed_access=removed_access,
        unsupported=unsupported,
        seconds=time.perf_counter() - started,
        actions=scope.actions,
    )
