"""The symbolic formula evaluated on concrete requests: the differential tests' oracle.

Every symbolic term is fixed to a concrete request's values (parsed as the engine parses
them) and the solver reads the decision off the formula, then checks that no other decision
is possible. The answer must equal the engine's for every request; ``tests/symbolic`` checks
that over thousands of random policies and requests, and the benchmark reports the agreement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import z3

from iamspec.catalog import Catalog, default_catalog
from iamspec.engine.evaluator import Decision
from iamspec.symbolic.conditions import Encoder
from iamspec.symbolic.decision import encode_decision
from iamspec.symbolic.keys import Usage, plan_keys
from iamspec.symbolic.policies import PolicySet
from iamspec.symbolic.request import SymbolicRequest
from iamspec.symbolic.universe import build_universe


class FormulaError(RuntimeError):
    """The formula gave no single decision for a fixed request (a bug, never an answer)."""


class Oracle:
    """The decision formula of one policy set over ``actions``, built once.

    ``capacities`` gives multivalued keys room for as many values as the requests will carry.
    """

    def __init__(
        self,
        policy_set: PolicySet,
        actions: Sequence[str],
        capacities: Mapping[str, int] | None = None,
        *,
        catalog: Catalog | None = None,
    ) -> None:
        cat = catalog or default_catalog()
        usage = Usage()
        for policy in policy_set.policies():
            usage.add_policy(policy)
        specs = plan_keys(usage, cat)
        wanted = {k.lower(): n for k, n in (capacities or {}).items()}
        for lowered, spec in specs.items():
            if spec.multivalued and wanted.get(lowered, 0) > spec.capacity:
                specs[lowered] = dataclasses.replace(spec, capacity=wanted[lowered])
        self.request = SymbolicRequest(build_universe(cat, actions), specs)
        self.encoder = Encoder(self.request)
        self.terms = encode_decision(self.encoder, policy_set)

    @property
    def exact(self) -> bool:
        """False when the formula holds free Booleans (:mod:`.unsupported`)."""
        return not self.encoder.unsupported

    def decide(
        self, action: str, resource: str, context: Mapping[str, tuple[str, ...]]
    ) -> Decision:
        """The formula's decision for the concrete request.

        Raises FormulaError when the fixed formula is unsatisfiable, undecided, or (for an
        exact formula) admits two decisions.
        """
        solver = z3.Solver()
        solver.add(*self.request.well_formed())
        solver.add(*self.request.fix(action, resource, context))
        if solver.check() != z3.sat:
            raise FormulaError(f"a fixed request is not satisfiable ({solver.reason_unknown()})")
        model = solver.model()
        decision = next(
            d for d in Decision if z3.is_true(model.eval(self.terms.is_decision(d), True))
        )
        if self.exact:
            solver.add(z3.Not(self.terms.is_decision(decision)))
            other = solver.check()
            if other != z3.unsat:
                raise FormulaError(f"a fixed request has more than one decision ({other})")
        return decision


def symbolic_decision(
    policy_set: PolicySet,
    action: str,
    resource: str,
    context: Mapping[str, tuple[str, ...]],
    *,
    catalog: Catalog | None = None,
) -> tuple[Decision, bool]:
    """The decision the formula gives one concrete request, and whether the formula is exact."""
    oracle = Oracle(policy_set, [action], {k: len(v) for k, v in context.items()}, catalog=catalog)
    return oracle.decide(action, resource, context), oracle.exact
