"""The decision of a policy set as formulas: which statements apply, allowed, explicitly denied.

Mirrors ``iamspec.engine.evaluator.evaluate`` and the organization step of
``iamspec.simulate.core.run`` (docs/iam-semantics.md §2):

- a statement applies when its Action (or NotAction) matches the action, its Resource (or
  NotResource) matches the resource, and every condition holds;
- explicit deny: a Deny applies in an identity policy, the boundary, or any SCP level;
- allowed: no explicit deny, an identity Allow applies, the boundary (when there is one) has
  an Allow that applies, and every SCP level has an Allow that applies;
- implicitly denied otherwise.

Resource entries follow ``compile_resource_pattern``: ``*`` matches everything; otherwise
the first five segments by the segment rule and the resource part as a template whose
variables resolve as in conditions; an entry whose variable resolves to nothing matches no
resource (docs/iam-semantics.md §6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from iamspec.arns import split_arn
from iamspec.engine.compiled import CompiledPolicy, CompiledStatement
from iamspec.engine.evaluator import Decision
from iamspec.engine.variables import parse_template
from iamspec.policy.model import Effect, Located
from iamspec.symbolic import patterns, smt
from iamspec.symbolic.conditions import Encoder
from iamspec.symbolic.policies import PolicySet


@dataclass(frozen=True)
class StatementTerm:
    """One statement and the formula "it applies to the request"."""

    policy: CompiledPolicy
    statement: CompiledStatement
    applies: smt.Bool

    @property
    def label(self) -> str:
        """``new.json statement 2 (Sid)``, as the engine's explanations name it."""
        st = self.statement.statement
        sid = f" ({st.sid})" if st.sid else ""
        return f"{self.policy.policy_id} statement {st.index + 1}{sid}"


@dataclass(frozen=True)
class DecisionTerms:
    """The decision of a policy set for the symbolic request."""

    allowed: smt.Bool
    explicit: smt.Bool
    statements: tuple[StatementTerm, ...]

    @property
    def implicit(self) -> smt.Bool:
        return z3.And(z3.Not(self.allowed), z3.Not(self.explicit))

    def is_decision(self, decision: Decision) -> smt.Bool:
        """The request gets ``decision``."""
        if decision is Decision.ALLOWED:
            return self.allowed
        if decision is Decision.EXPLICIT_DENY:
            return self.explicit
        return self.implicit


def _resource_entry(encoder: Encoder, located: Located, variables_enabled: bool) -> smt.Bool:
    text = located.text
    arn = encoder.request.arn
    if text == "*":
        return z3.BoolVal(True)
    segments = split_arn(text)
    if len(segments) < 6:
        return z3.InRe(arn, patterns.regex_of(patterns.resource_prefix_items(segments)))
    prefix = [*patterns.resource_prefix_items(segments[:5]), patterns.lit(":")]
    template = parse_template(segments[5], variables_enabled)
    operand = encoder.operand(located, template)
    items = prefix + patterns.pieces_items(operand.pieces)
    return z3.And(operand.defined, patterns.matches(arn, items))


def _statement(encoder: Encoder, policy: CompiledPolicy, st: CompiledStatement) -> smt.Bool:
    universe = encoder.request.universe
    parts = [encoder.request.action_in(universe.statement_actions(st))]
    variables = policy.policy.variables_enabled
    statement = st.statement
    if st.resources is not None:
        entries = [
            _resource_entry(encoder, located, variables) for located in statement.resource_patterns
        ]
        hit = smt.either(entries)
        parts.append(z3.Not(hit) if st.resources_negated else hit)
    for clause in statement.conditions:
        parts.append(encoder.clause(clause, variables, policy.policy.source))
    return smt.both(parts)


def _group(
    encoder: Encoder, policies: Sequence[CompiledPolicy], into: list[StatementTerm]
) -> tuple[smt.Bool, smt.Bool]:
    """(some Allow applies, some Deny applies) over ``policies``."""
    allows: list[smt.Bool] = []
    denies: list[smt.Bool] = []
    for policy in policies:
        encoder.source = policy.policy.source
        for st in policy.statements:
            applies = _statement(encoder, policy, st)
            into.append(StatementTerm(policy, st, applies))
            (denies if st.effect is Effect.DENY else allows).append(applies)
    return smt.either(allows), smt.either(denies)


def encode_decision(encoder: Encoder, policy_set: PolicySet) -> DecisionTerms:
    """The decision formulas of ``policy_set`` for ``encoder``'s request."""
    statements: list[StatementTerm] = []
    identity_allow, identity_deny = _group(encoder, policy_set.identity, statements)
    explicit = [identity_deny]
    allowed = [identity_allow]
    if policy_set.boundary is not None:
        boundary_allow, boundary_deny = _group(encoder, [policy_set.boundary], statements)
        explicit.append(boundary_deny)
        allowed.append(boundary_allow)
    for level in policy_set.organization:
        level_allow, level_deny = _group(encoder, level, [])
        explicit.append(level_deny)
        allowed.append(level_allow)
    explicit_term = smt.either(explicit)
    return DecisionTerms(
        allowed=z3.And(z3.Not(explicit_term), smt.both(allowed)),
        explicit=explicit_term,
        statements=tuple(statements),
    )
