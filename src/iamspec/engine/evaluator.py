"""The decision: explicit deny, allow, or implicit deny, with the reason for every statement.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
(within one account):

1. Any applicable Deny in any policy → explicit deny.
2. A resource-based policy's Allow for an IAM user is final; for a role it is still capped by
   the permissions boundary.
3. Otherwise an identity-based Allow is needed, and, when a boundary is set, a boundary Allow.
4. Otherwise implicit deny.

Principals of a resource-based policy are matched against the caller's ARN
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
``"*"`` and ``{"AWS": "*"}`` name everyone, an ARN names exactly that entity (a wildcard
cannot match part of it), and an account (``"111122223333"`` or its ``:root`` ARN) names
every principal of the account: a Deny for it applies to the caller, an Allow for it only
delegates to the account's identity-based policies and grants nothing by itself [INF].

Pure: no I/O, no JSON, no catalog. Every statement gets a :class:`StatementTrace`; the
simulator, the Then-steps and the living documentation all render these same records.
Work that depends only on the action (and, for context-free statements, the resource) is
memoised on the compiled policy, so repeated requests cost little; the answers are the same
as tracing every statement afresh (``tests/engine/test_properties.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from enum import Enum

from iamspec.arns import account_of_principal, parse_iam_arn
from iamspec.engine.compiled import CompiledPolicy, CompiledStatement, PolicyRole
from iamspec.engine.conditions.clause import ConditionResult
from iamspec.engine.context import RequestContext
from iamspec.engine.matching import MatchTrace
from iamspec.policy.model import Effect, PrincipalBlock


class Decision(Enum):
    """AWS's EvalDecision values; ordered by restrictiveness via :func:`most_restrictive`."""

    ALLOWED = "allowed"
    IMPLICIT_DENY = "implicitDeny"
    EXPLICIT_DENY = "explicitDeny"


_RANK = {Decision.ALLOWED: 0, Decision.IMPLICIT_DENY: 1, Decision.EXPLICIT_DENY: 2}


def most_restrictive(decisions: Sequence[Decision]) -> Decision:
    """explicitDeny > implicitDeny > allowed, as the simulator aggregates across resources."""
    return max(decisions, key=_RANK.__getitem__, default=Decision.IMPLICIT_DENY)


@dataclass(frozen=True, slots=True)
class Request:
    """One (action, resource) question under one context."""

    action: str
    resource: str
    context: RequestContext
    caller_arn: str | None = None


@dataclass(frozen=True, slots=True)
class StatementTrace:
    """How one statement fared: did action, resource, principal and each condition match.

    Evaluation stops at the first element that does not match, as IAM's does: ``resource``
    and ``principal`` are None when the action did not match, and ``conditions`` is empty
    when the action, the resource or the principal did not (the conditions were not reached).
    """

    policy: CompiledPolicy
    statement: CompiledStatement
    action: MatchTrace
    resource: MatchTrace | None
    principal: MatchTrace | None
    conditions: tuple[ConditionResult, ...]
    applies: bool

    @property
    def effect(self) -> Effect:
        return self.statement.effect

    @property
    def label(self) -> str:
        """``PolicyInputList.1 statement 2 (Sid)`` — how explanations name a statement."""
        st = self.statement.statement
        sid = f" ({st.sid})" if st.sid else ""
        return f"{self.policy.policy_id} statement {st.index + 1}{sid}"

    def explain(self) -> str:
        """A few readable lines: verdict, then action, resource and conditions."""
        verdict = f"{self.effect.value} applies" if self.applies else "does not apply"
        lines = [f"{self.label}: {verdict}", f"  action: {self.action.reason}"]
        if self.resource is not None:
            lines.append(f"  resource: {self.resource.reason}")
        if self.principal is not None:
            lines.append(f"  principal: {self.principal.reason}")
        for cond in self.conditions:
            mark = "ok" if cond.matched else "FAILED"
            lines.append(f"  condition {mark}: {cond.reason}")
        if not self.conditions and self.statement.conditions and self.action.matched:
            which = (
                "resource"
                if self.resource is not None and not self.resource.matched
                else ("principal")
            )
            lines.append(f"  conditions: not evaluated, the {which} does not match")
        return "\n".join(lines)


def _trace_factory() -> Callable[
    [
        CompiledPolicy,
        CompiledStatement,
        MatchTrace,
        MatchTrace | None,
        MatchTrace | None,
        tuple[ConditionResult, ...],
        bool,
    ],
    StatementTrace,
]:
    """Build StatementTraces without the frozen-dataclass ``__setattr__`` detour (hot path).

    The slot descriptors set the same fields that ``StatementTrace(...)`` would; the object is
    indistinguishable from one built by the constructor.
    """
    names = tuple(f.name for f in fields(StatementTrace))
    expected = ("policy", "statement", "action", "resource", "principal", "conditions", "applies")
    if names != expected:  # pragma: no cover - guards the unrolled setters below
        raise TypeError(f"StatementTrace fields changed: {names}")
    s0, s1, s2, s3, s4, s5, s6 = (getattr(StatementTrace, n).__set__ for n in names)
    new = object.__new__

    def make(
        policy: CompiledPolicy,
        statement: CompiledStatement,
        action: MatchTrace,
        resource: MatchTrace | None,
        principal: MatchTrace | None,
        conditions: tuple[ConditionResult, ...],
        applies: bool,
    ) -> StatementTrace:
        trace: StatementTrace = new(StatementTrace)
        s0(trace, policy)
        s1(trace, statement)
        s2(trace, action)
        s3(trace, resource)
        s4(trace, principal)
        s5(trace, conditions)
        s6(trace, applies)
        return trace

    return make


_new_trace = _trace_factory()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The answer for one request: the decision, the statements that decided it, and why."""

    request: Request
    decision: Decision
    deciding: tuple[StatementTrace, ...]
    traces: tuple[StatementTrace, ...]
    allowed_by_boundary: bool | None
    missing_context_keys: tuple[str, ...]

    @property
    def summary(self) -> str:
        """One line saying what decided the request."""
        if self.decision is Decision.EXPLICIT_DENY:
            return "explicitly denied by " + ", ".join(t.label for t in self.deciding)
        if self.decision is Decision.ALLOWED:
            return "allowed by " + ", ".join(t.label for t in self.deciding)
        if self.allowed_by_boundary is False:
            allowing = {
                t.policy.role
                for t in self.traces
                if t.applies
                and t.effect is Effect.ALLOW
                and t.policy.role is not PolicyRole.BOUNDARY
            }
            if PolicyRole.IDENTITY in allowing:
                return (
                    "implicitly denied: an identity-based policy allows it, "
                    "but the permissions boundary does not"
                )
            if PolicyRole.RESOURCE in allowing:
                return (
                    "implicitly denied: the resource-based policy allows it, but the caller is "
                    "not an IAM user and the permissions boundary does not allow it"
                )
        if self.allowed_by_boundary is True:
            return (
                "implicitly denied: the permissions boundary allows it, "
                "but no identity-based policy does"
            )
        return "implicitly denied: no statement allows it"

    def explain(self) -> str:
        """The summary, then every statement whose action matched, in policy order."""
        relevant = [t for t in self.traces if t.action.matched]
        lines = [
            f"{self.request.action} on {self.request.resource}: {self.decision.value}",
            self.summary,
        ]
        if not relevant:
            lines.append(f"no statement's Action matches {self.request.action}")
        lines.extend(t.explain() for t in relevant)
        if self.missing_context_keys:
            lines.append(
                "context keys the policies read but the request lacks: "
                + ", ".join(self.missing_context_keys)
            )
        return "\n".join(lines)


def _match_action(st: CompiledStatement, action: str) -> MatchTrace:
    hit = next((p for p in st.actions if p.matches(action)), None)
    if st.actions_negated:
        if hit is None:
            return MatchTrace(True, f"{action} is not in NotAction")
        return MatchTrace(False, f"{action} is excluded by NotAction {hit.text!r}")
    if hit is not None:
        return MatchTrace(True, f"{action} matches {hit.text!r}")
    listed = ", ".join(repr(p.text) for p in st.actions)
    return MatchTrace(False, f"{action} matches none of {listed}")


def _match_resource(st: CompiledStatement, resource: str, ctx: RequestContext) -> MatchTrace:
    assert st.resources is not None
    if st.static_resources:
        cache = st.resource_cache
        found: MatchTrace | None = cache.get(resource)
        if found is None:
            found = _resource_trace(st, resource, ctx)
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[resource] = found
        return found
    return _resource_trace(st, resource, ctx)


def _resource_trace(st: CompiledStatement, resource: str, ctx: RequestContext) -> MatchTrace:
    assert st.resources is not None
    notes: list[str] = []
    hit = None
    for pattern in st.resources:
        ok, note = pattern.match(resource, ctx)
        if note:
            notes.append(note)
        if ok:
            hit = pattern
            break
    extra = f" ({'; '.join(notes)})" if notes else ""
    if st.resources_negated:
        if hit is None:
            return MatchTrace(True, f"{resource} is not in NotResource{extra}")
        return MatchTrace(False, f"{resource} is excluded by NotResource {hit.text!r}{extra}")
    if hit is not None:
        return MatchTrace(True, f"{resource} matches {hit.text!r}{extra}")
    listed = ", ".join(repr(p.text) for p in st.resources)
    return MatchTrace(False, f"{resource} matches none of {listed}{extra}")


class PrincipalMatch(Enum):
    """How a Principal/NotPrincipal element names the caller.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    """

    EVERYONE = "everyone"
    """``"*"`` or ``{"AWS": "*"}``: every principal."""
    ENTITY = "entity"
    """The caller's own ARN."""
    ACCOUNT = "account"
    """The caller's account (``"111122223333"`` or ``arn:aws:iam::111122223333:root``): this
    names every principal of the account, so a Deny applies to the caller; an Allow only
    delegates to the account, whose identity-based policies must still grant the request, so
    it does not apply by itself [INF from the Principal page]."""


def _principal_match(
    block: PrincipalBlock, caller: str | None
) -> tuple[PrincipalMatch | None, str]:
    """How ``block`` names ``caller`` (None: it does not), and the listed value that did."""
    if block.wildcard:
        return PrincipalMatch.EVERYONE, "*"
    caller_arn = parse_iam_arn(caller) if caller else None
    account = caller_arn.account if caller_arn is not None else None
    best: tuple[PrincipalMatch | None, str] = (None, "")
    for kind, values in block.entries:
        if kind != "AWS":
            continue  # service, federated and canonical-user principals are never IAM callers
        for located in values:
            value = located.text
            if value == "*":
                return PrincipalMatch.EVERYONE, value
            if caller is not None and value == caller:
                return PrincipalMatch.ENTITY, value
            if account is not None and account_of_principal(value) == account:
                best = (PrincipalMatch.ACCOUNT, value)
    return best


def _match_principal(st: CompiledStatement, caller: str | None) -> MatchTrace | None:
    if st.principal is None:
        return None
    how, value = _principal_match(st.principal, caller)
    who = caller or "no CallerArn"
    if st.principal_negated:
        if how is None:
            return MatchTrace(True, f"{who} is not in NotPrincipal")
        return MatchTrace(False, f"{who} is excluded by NotPrincipal {value!r}")
    if how is None:
        listed = _principal_values(st.principal)
        reason = f"{who} is not a listed Principal ({listed})"
        if any(("*" in v or "?" in v) and v != "*" for v in listed.split(", ")):
            reason += "; a wildcard cannot match part of a principal ARN"
        return MatchTrace(False, reason)
    if how is PrincipalMatch.ACCOUNT:
        named = f"{who} belongs to the account named by Principal {value!r}"
        if st.effect is Effect.DENY:
            return MatchTrace(True, f"{named}, and a Deny for an account covers all of it")
        return MatchTrace(
            False,
            f"{named}; an Allow for an account only delegates to that account's "
            "identity-based policies, which must allow the request themselves",
        )
    return MatchTrace(True, f"{who} matches Principal {value!r}")


def _principal_values(block: PrincipalBlock) -> str:
    if block.wildcard:
        return "*"
    return ", ".join(f"{kind} {v.text}" for kind, values in block.entries for v in values)


def trace_statement(
    policy: CompiledPolicy, st: CompiledStatement, request: Request
) -> StatementTrace:
    """Evaluate one statement against one request, keeping every partial result."""
    return _trace(policy, st, _match_action(st, request.action), request)


def _trace(
    policy: CompiledPolicy, st: CompiledStatement, action: MatchTrace, request: Request
) -> StatementTrace:
    if not action.matched:
        return StatementTrace(policy, st, action, None, None, (), False)
    applies = True
    resource = None
    if st.resources is not None:
        resource = _match_resource(st, request.resource, request.context)
        applies = resource.matched
    principal = None
    if st.principal is not None:
        principal = _match_principal(st, request.caller_arn)
        applies = applies and principal is not None and principal.matched
    conditions: tuple[ConditionResult, ...] = ()
    if st.conditions and applies:
        context = request.context
        results = []
        for condition in st.conditions:
            result = condition.evaluate(context)
            results.append(result)
            applies = applies and result.matched
        conditions = tuple(results)
    return _new_trace(policy, st, action, resource, principal, conditions, applies)


_CACHE_SIZE = 1024
_Step = tuple[
    CompiledStatement, MatchTrace, "StatementTrace | None", "dict[str, StatementTrace] | None"
]
_Plan = tuple[_Step, ...]


def _action_plan(policy: CompiledPolicy, action: str) -> _Plan:
    """Per statement: its action match, the finished trace when the action does not match,
    and a memo of traces by resource ARN when those depend on the resource alone.

    All of this depends on the action alone, so it is memoised per policy: a request then
    only evaluates the statements whose Action matches. A statement with static Resource
    entries and no Principal has a trace fixed by (action, resource) when its resource does
    not match (its conditions are then not reached) or when it has no conditions; such
    traces go into the memo (see :func:`_memoisable`).
    """
    cache = policy.action_cache
    plan: _Plan | None = cache.get(action)
    if plan is None:
        entries: list[_Step] = []
        for st in policy.statements:
            matched = st.action_matches.get(action)
            if matched is None:
                matched = _match_action(st, action)
                if len(st.action_matches) >= _CACHE_SIZE:
                    st.action_matches.clear()
                st.action_matches[action] = matched
            done = (
                None
                if matched.matched
                else StatementTrace(policy, st, matched, None, None, (), False)
            )
            memo: dict[str, StatementTrace] | None = (
                {} if done is None and st.static_resources and st.principal is None else None
            )
            entries.append((st, matched, done, memo))
        plan = tuple(entries)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[action] = plan
    return plan


def _memoisable(trace: StatementTrace) -> bool:
    """Whether a trace of a static-resource, principal-less statement ignores the context."""
    return not trace.statement.conditions or (
        trace.resource is not None and not trace.resource.matched
    )


def _is_iam_user(arn: str | None) -> bool:
    iam_arn = parse_iam_arn(arn) if arn is not None else None
    return iam_arn is not None and iam_arn.resource.startswith("user/")


def evaluate(
    request: Request,
    identity: Sequence[CompiledPolicy],
    boundary: Sequence[CompiledPolicy] = (),
    resource_policy: CompiledPolicy | None = None,
) -> Evaluation:
    """Decide ``request`` under the identity policies, optional boundary and resource policy.

    ``boundary`` empty means no permissions boundary is set (not "a boundary that allows
    nothing").
    """
    traces: list[StatementTrace] = []
    allows: list[StatementTrace] = []
    denies: list[StatementTrace] = []
    resource_allows: list[StatementTrace] = []
    boundary_allow = False
    boundary_deny = False
    groups: list[Sequence[CompiledPolicy]] = [identity, boundary]
    if resource_policy is not None:
        groups.append([resource_policy])
    action = request.action
    resource = request.resource
    for group in groups:
        for policy in group:
            role = policy.role
            for st, matched, done, memo in _action_plan(policy, action):
                if done is not None:
                    traces.append(done)
                    continue
                if memo is None:
                    trace = _trace(policy, st, matched, request)
                else:
                    found = memo.get(resource)
                    if found is None:
                        trace = _trace(policy, st, matched, request)
                        if _memoisable(trace):
                            if len(memo) >= _CACHE_SIZE:
                                memo.clear()
                            memo[resource] = trace
                    else:
                        trace = found
                traces.append(trace)
                if not trace.applies:
                    continue
                if trace.statement.effect is Effect.DENY:
                    denies.append(trace)
                    boundary_deny = boundary_deny or role is PolicyRole.BOUNDARY
                elif role is PolicyRole.BOUNDARY:
                    boundary_allow = True
                elif role is PolicyRole.RESOURCE:
                    resource_allows.append(trace)
                else:
                    allows.append(trace)
    has_boundary = bool(boundary)
    allowed_by_boundary = (boundary_allow and not boundary_deny) if has_boundary else None
    missing = _missing_keys(request.context, _referenced_keys(identity, resource_policy))

    deciding: list[StatementTrace]
    if denies:
        decision, deciding = Decision.EXPLICIT_DENY, denies
    else:
        identity_ok = bool(allows) and (not has_boundary or boundary_allow)
        resource_ok = bool(resource_allows) and (
            _is_iam_user(request.caller_arn) or not has_boundary or boundary_allow
        )
        if identity_ok or resource_ok:
            decision = Decision.ALLOWED
            deciding = (allows if identity_ok else []) + (resource_allows if resource_ok else [])
        else:
            decision, deciding = Decision.IMPLICIT_DENY, []
    return Evaluation(
        request=request,
        decision=decision,
        deciding=tuple(deciding),
        traces=tuple(traces),
        allowed_by_boundary=allowed_by_boundary,
        missing_context_keys=missing,
    )


_KeyList = tuple[tuple[str, str], ...]
_KEYS_CACHE: dict[tuple[int, ...], tuple[tuple[CompiledPolicy, ...], _KeyList]] = {}


def _referenced_keys(
    identity: Sequence[CompiledPolicy], resource_policy: CompiledPolicy | None
) -> _KeyList:
    """The (lower-cased, as written) keys the identity and resource policies read, deduplicated.

    Memoised per policy set. The cache holds the policies themselves, so the ``id`` values in
    its key cannot be reused by other objects while the entry lives.
    """
    policies = (*identity, resource_policy) if resource_policy is not None else tuple(identity)
    cache_key = tuple(map(id, policies))
    found = _KEYS_CACHE.get(cache_key)
    if found is not None:
        return found[1]
    seen: dict[str, str] = {}
    for policy in policies:
        for lowered, key in policy.lowered_keys:
            seen.setdefault(lowered, key)
    keys = tuple(seen.items())
    if len(_KEYS_CACHE) >= _CACHE_SIZE:
        _KEYS_CACHE.clear()
    _KEYS_CACHE[cache_key] = (policies, keys)
    return keys


def _missing_keys(context: RequestContext, keys: _KeyList) -> tuple[str, ...]:
    """Every key an identity or resource policy reads that the request lacks.

    Keys of any statement count, whatever the action (boto/boto3#3111). Boundary keys do not:
    botocore's model says only keys "referenced by identity-based and resource-based policies
    appear here" (``EvaluationResult.MissingContextValues``).
    """
    has = context.has_lowered
    return tuple(key for lowered, key in keys if not has(lowered))
