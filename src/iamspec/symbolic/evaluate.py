"""The symbolic formula evaluated on one concrete request: the differential tests' oracle.

Every symbolic term is fixed to the concrete request's values (parsed as the engine parses
them) and the solver reads the decision off the formula. The answer must equal the engine's
for every request; ``tests/symbolic`` checks that over thousands of random policies and
requests, and the benchmark reports the agreement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

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


def symbolic_decision(
    policy_set: PolicySet,
    action: str,
    resource: str,
    context: Mapping[str, tuple[str, ...]],
    *,
    catalog: Catalog | None = None,
) -> tuple[Decision, bool]:
    """The decision the formula gives the concrete request, and whether it was exact.

    ``context`` maps key names to their values (a multivalued key with any number of
    values). The second value is False when the formula holds free Booleans
    (:mod:`.unsupported`) that decided nothing... or might have: then the decision is the one
    the solver picked and is not an answer.
    """
    cat = catalog or default_catalog()
    usage = Usage()
    for policy in policy_set.policies():
        usage.add_policy(policy)
    specs = plan_keys(usage, cat)
    wanted = {k.lower(): len(v) for k, v in context.items()}
    for lowered, spec in specs.items():
        if spec.multivalued and wanted.get(lowered, 0) > spec.capacity:
            specs[lowered] = dataclasses.replace(spec, capacity=wanted[lowered])
    universe = build_universe(cat, [action])
    request = SymbolicRequest(universe, specs)
    encoder = Encoder(request)
    terms = encode_decision(encoder, policy_set)
    solver = z3.Solver()
    solver.add(*request.well_formed())
    solver.add(*request.fix(action, resource, context))
    if solver.check() != z3.sat:
        raise FormulaError(f"a fixed request is unsatisfiable: {solver.reason_unknown()}")
    model = solver.model()
    decision = next(d for d in Decision if z3.is_true(model.eval(terms.is_decision(d), True)))
    exact = not encoder.unsupported
    if exact:
        solver.add(z3.Not(terms.is_decision(decision)))
        other = solver.check()
        if other != z3.unsat:
            raise FormulaError(f"a fixed request has more than one decision ({other})")
    return decision, exact
