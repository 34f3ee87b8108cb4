"""Guarantees, not only examples: the decision of a policy set as an SMT formula (z3).

Claims hold for *every* request of a scope (every action a pattern matches, every ARN of
their resource types, every value of every context key the policies read, within what AWS
can send), or come back with one concrete request that breaks them, replayed through
``iamspec.simulate_custom_policy``. Modelled on Cedar's SymCC: compile once to terms, ask
many questions, check every counterexample with the concrete authorizer.

    from iamspec.symbolic import Scope, load_policy_set, prove_only_if, resource_tag

    policies = load_policy_set(["policies/connect/describe-update-users-by-department.json"])
    scope = Scope(actions=("connect:DescribeUser", "connect:UpdateUser*"))
    result = prove_only_if(policies, scope, resource_tag("Department").equals("Test"))
    result.status            # Status.PROVEN
    result.counterexample    # None, or a Counterexample (.request, .to_gherkin())

Layers: :mod:`.request` (the symbolic request), :mod:`.families` / :mod:`.patterns` /
:mod:`.conditions` (term encoding per operator family, clauses), :mod:`.decision` (the
decision formula), :mod:`.domain` (what AWS can send), :mod:`.questions` and :mod:`.diff`
(the questions), :mod:`.prover` (solving, minimising), :mod:`.concrete` (reading a
counterexample), :mod:`.replay` (soundness check), :mod:`.gherkin` (scenario rendering),
:mod:`.unsupported` (what is "cannot prove", and why).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iamspec.symbolic.concrete import ConcreteEntry, ConcreteRequest
    from iamspec.symbolic.diff import AccessChange, Changes, DiffResult, diff_policies
    from iamspec.symbolic.policies import PolicySet, load_policy_set, read_policy_text
    from iamspec.symbolic.predicates import (
        Predicate,
        Term,
        action_matches,
        context_key,
        literal,
        owned_by_instance,
        principal_tag,
        request_tag,
        resource_arn,
        resource_tag,
    )
    from iamspec.symbolic.prover import ProofOptions
    from iamspec.symbolic.questions import (
        ClaimResult,
        Counterexample,
        Status,
        prove_always,
        prove_always_allowed,
        prove_equivalent,
        prove_exactly_when,
        prove_never_allowed,
        prove_no_new_access,
        prove_only_if,
    )
    from iamspec.symbolic.replay import SoundnessError
    from iamspec.symbolic.scope import ClaimPrincipal, Scope
    from iamspec.symbolic.unsupported import CANNOT_PROVE, Unsupported

# Imported on first use: the command line registers prove/diff without loading z3.
_HOMES = {
    "AccessChange": "iamspec.symbolic.diff",
    "CANNOT_PROVE": "iamspec.symbolic.unsupported",
    "Changes": "iamspec.symbolic.diff",
    "ClaimResult": "iamspec.symbolic.questions",
    "ConcreteRequest": "iamspec.symbolic.concrete",
    "ConcreteEntry": "iamspec.symbolic.concrete",
    "Counterexample": "iamspec.symbolic.questions",
    "DiffResult": "iamspec.symbolic.diff",
    "PolicySet": "iamspec.symbolic.policies",
    "Predicate": "iamspec.symbolic.predicates",
    "ClaimPrincipal": "iamspec.symbolic.scope",
    "ProofOptions": "iamspec.symbolic.prover",
    "Scope": "iamspec.symbolic.scope",
    "SoundnessError": "iamspec.symbolic.replay",
    "Status": "iamspec.symbolic.questions",
    "Term": "iamspec.symbolic.predicates",
    "Unsupported": "iamspec.symbolic.unsupported",
    "action_matches": "iamspec.symbolic.predicates",
    "context_key": "iamspec.symbolic.predicates",
    "diff_policies": "iamspec.symbolic.diff",
    "literal": "iamspec.symbolic.predicates",
    "load_policy_set": "iamspec.symbolic.policies",
    "owned_by_instance": "iamspec.symbolic.predicates",
    "principal_tag": "iamspec.symbolic.predicates",
    "prove_always": "iamspec.symbolic.questions",
    "prove_always_allowed": "iamspec.symbolic.questions",
    "prove_equivalent": "iamspec.symbolic.questions",
    "prove_exactly_when": "iamspec.symbolic.questions",
    "prove_never_allowed": "iamspec.symbolic.questions",
    "prove_no_new_access": "iamspec.symbolic.questions",
    "prove_only_if": "iamspec.symbolic.questions",
    "read_policy_text": "iamspec.symbolic.policies",
    "request_tag": "iamspec.symbolic.predicates",
    "resource_arn": "iamspec.symbolic.predicates",
    "resource_tag": "iamspec.symbolic.predicates",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "CANNOT_PROVE",
    "AccessChange",
    "Changes",
    "ClaimPrincipal",
    "ClaimResult",
    "ConcreteEntry",
    "ConcreteRequest",
    "Counterexample",
    "DiffResult",
    "PolicySet",
    "Predicate",
    "ProofOptions",
    "Scope",
    "SoundnessError",
    "Status",
    "Term",
    "Unsupported",
    "action_matches",
    "context_key",
    "diff_policies",
    "literal",
    "load_policy_set",
    "owned_by_instance",
    "principal_tag",
    "prove_always",
    "prove_always_allowed",
    "prove_equivalent",
    "prove_exactly_when",
    "prove_never_allowed",
    "prove_no_new_access",
    "prove_only_if",
    "read_policy_text",
    "request_tag",
    "resource_arn",
    "resource_tag",
]
