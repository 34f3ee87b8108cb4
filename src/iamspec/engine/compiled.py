"""Compiled policies: each policy is turned into matchers once, then evaluated many times.

The compile cache is keyed by the policy's text, its id and its type, so a decision never
re-parses JSON, and the same document under two ids still reports each id (its statements,
which name no id, are compiled once per text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from iamspec.engine.conditions.clause import CompiledCondition, compile_condition
from iamspec.engine.matching import (
    ActionPattern,
    ResourcePattern,
    compile_action_pattern,
    compile_resource_pattern,
)
from iamspec.engine.variables import parse_template
from iamspec.policy.model import Effect, Policy, PrincipalBlock, Statement


class PolicyRole(Enum):
    """Where a policy sits in the evaluation: it decides how its statements combine."""

    IDENTITY = "identity"
    BOUNDARY = "boundary"
    RESOURCE = "resource"


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    """A statement with every pattern and condition precompiled."""

    statement: Statement
    effect: Effect
    actions: tuple[ActionPattern, ...]
    actions_negated: bool
    resources: tuple[ResourcePattern, ...] | None
    resources_negated: bool
    conditions: tuple[CompiledCondition, ...]
    principal: PrincipalBlock | None
    principal_negated: bool
    referenced_keys: tuple[str, ...]
    static_resources: bool = True
    """True when no Resource/NotResource entry holds a policy variable, so whether a resource
    matches depends on the resource ARN alone (the evaluator may then memoise it)."""
    resource_cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The evaluator's memo of resource match results; not part of the statement's value."""
    action_matches: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The evaluator's memo of action match results (they name no policy, so the policies that
    share the statement share them); not part of the statement's value."""


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A policy ready for evaluation, under the id and type the simulator reports for it.

    ``policy_id`` is AWS's ``SourcePolicyId`` (``PolicyInputList.1``, a managed policy's
    name, ``user_<name>_<policy>`` ...); ``policy_type`` its ``SourcePolicyType``.
    """

    policy: Policy
    policy_id: str
    policy_type: str
    role: PolicyRole
    statements: tuple[CompiledStatement, ...]
    referenced_keys: tuple[str, ...]
    """Every context key the policy reads, in conditions or as variables, first seen first."""
    action_cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The evaluator's memo of per-action statement matches; not part of the policy's value."""
    lowered_keys: tuple[tuple[str, str], ...] = field(init=False, compare=False, repr=False)
    """``referenced_keys`` as (lower-cased, as written) pairs."""

    def __post_init__(self) -> None:
        lowered = tuple((key.lower(), key) for key in self.referenced_keys)
        object.__setattr__(self, "lowered_keys", lowered)


def _compile_statement(statement: Statement, variables_enabled: bool) -> CompiledStatement:
    actions = tuple(compile_action_pattern(a.text) for a in statement.action_patterns)
    resources: tuple[ResourcePattern, ...] | None
    if statement.resources is None and statement.not_resources is None:
        resources = None
    else:
        resources = tuple(
            compile_resource_pattern(r.text, variables_enabled=variables_enabled)
            for r in statement.resource_patterns
        )
    conditions = tuple(
        compile_condition(c, variables_enabled=variables_enabled) for c in statement.conditions
    )
    keys: dict[str, str] = {}
    for cond in conditions:
        for key in cond.referenced_keys:
            keys.setdefault(key.lower(), key)
    for res in statement.resource_patterns:
        for key in parse_template(res.text, variables_enabled).keys:
            keys.setdefault(key.lower(), key)
    return CompiledStatement(
        static_resources=all(r.static is not None or r.any_resource for r in resources or ()),
        statement=statement,
        effect=statement.effect,
        actions=actions,
        actions_negated=statement.actions is None,
        resources=resources,
        resources_negated=statement.resources is None and statement.not_resources is not None,
        conditions=conditions,
        principal=statement.principal or statement.not_principal,
        principal_negated=statement.principal is None and statement.not_principal is not None,
        referenced_keys=tuple(keys.values()),
    )


_CACHE: dict[tuple[str, str, str, PolicyRole], CompiledPolicy] = {}
_STATEMENTS: dict[str, tuple[CompiledStatement, ...]] = {}
"""Compiled statements by policy text: they do not depend on the policy's id, type or role,
so the same document under another id (a group's policy seen through each of its users)
compiles its statements once."""


def compile_policy(
    policy: Policy, policy_id: str, policy_type: str, role: PolicyRole
) -> CompiledPolicy:
    """Compile ``policy`` once; later calls with the same text, id, type and role reuse it."""
    cache_key = (policy.text, policy_id, policy_type, role)
    found = _CACHE.get(cache_key)
    if found is not None:
        return found
    statements = _STATEMENTS.get(policy.text)
    if statements is None:
        statements = tuple(
            _compile_statement(s, policy.variables_enabled) for s in policy.statements
        )
        if len(_STATEMENTS) > 4096:
            _STATEMENTS.clear()
        _STATEMENTS[policy.text] = statements
    keys: dict[str, str] = {}
    for st in statements:
        for key in st.referenced_keys:
            keys.setdefault(key.lower(), key)
    compiled = CompiledPolicy(
        policy=policy,
        policy_id=policy_id,
        policy_type=policy_type,
        role=role,
        statements=statements,
        referenced_keys=tuple(keys.values()),
    )
    if len(_CACHE) > 4096:
        _CACHE.clear()
    _CACHE[cache_key] = compiled
    return compiled
