"""The decision: explicit deny, allow, or implicit deny, with the reason for every statement.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
(within one account):

1. Any applicable Deny in any policy → explicit deny.
2. A resource-based policy's Allow for an IAM user is final; for a role it is still capped by
   the permissions boundary.
3. Otherwise an identity-based Allow is needed, and, when a boundary is set, a boundary Allow.
4. Otherwise implicit deny.

Pure: no I/O, no JSON, no catalog. Every statement gets a :class:`StatementTrace`; the
simulator, the Then-steps and the living documentation all render these same records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

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

    ``conditions`` is empty when the action did not match: the rest was not reached.
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
        return "\n".join(lines)


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
        if self.allowed_by_boundary is False and any(
            t.applies and t.effect is Effect.ALLOW and t.policy.role is not PolicyRole.BOUNDARY
            for t in self.traces
        ):
            return "implicitly denied: an identity policy allows it, the permissions boundary does not"
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
            lines.append("context keys the policies read but the request lacks: "
                         + ", ".join(self.missing_context_keys))
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


def _principal_values(block: PrincipalBlock) -> list[str]:
    return [v.text for _, values in block.entries for v in values]


def _principal_matches(block: PrincipalBlock, caller: str | None) -> bool:
    if block.wildcard:
        return True
    if caller is None:
        return False
    for value in _principal_values(block):
        if value == "*":
            return True
        if "*" in value or "?" in value:
            regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value)
            if re.fullmatch(regex, caller):
                return True
        elif value == caller:
            return True
    return False


def _match_principal(st: CompiledStatement, caller: str | None) -> MatchTrace | None:
    if st.principal is None:
        return None
    hit = _principal_matches(st.principal, caller)
    who = caller or "no CallerArn"
    if st.principal_negated:
        return MatchTrace(not hit, f"{who} {'is' if hit else 'is not'} in NotPrincipal")
    return MatchTrace(hit, f"{who} {'is' if hit else 'is not'} a listed Principal")


def trace_statement(
    policy: CompiledPolicy, st: CompiledStatement, request: Request
) -> StatementTrace:
    """Evaluate one statement against one request, keeping every partial result."""
    action = _match_action(st, request.action)
    if not action.matched:
        return StatementTrace(policy, st, action, None, None, (), False)
    resource = (
        _match_resource(st, request.resource, request.context)
        if st.resources is not None
        else None
    )
    principal = _match_principal(st, request.caller_arn)
    conditions = tuple(c.evaluate(request.context) for c in st.conditions)
    applies = (
        (resource is None or resource.matched)
        and (principal is None or principal.matched)
        and all(c.matched for c in conditions)
    )
    return StatementTrace(policy, st, action, resource, principal, conditions, applies)


def _is_iam_user(arn: str | None) -> bool:
    return arn is not None and re.match(r"arn:[^:]+:iam::\d{12}:user/", arn) is not None


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
    groups: list[Sequence[CompiledPolicy]] = [identity, boundary]
    if resource_policy is not None:
        groups.append([resource_policy])
    for group in groups:
        for policy in group:
            for st in policy.statements:
                trace = trace_statement(policy, st, request)
                traces.append(trace)
                if not trace.applies:
                    continue
                if trace.effect is Effect.DENY:
                    denies.append(trace)
                elif policy.role is PolicyRole.BOUNDARY:
                    boundary_allow = True
                elif policy.role is PolicyRole.RESOURCE:
                    resource_allows.append(trace)
                else:
                    allows.append(trace)
    has_boundary = bool(boundary)
    allowed_by_boundary = (boundary_allow and not any(
        d.policy.role is PolicyRole.BOUNDARY for d in denies)) if has_boundary else None
    missing = _missing_keys(request.context, identity, boundary, resource_policy)

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


def _missing_keys(
    context: RequestContext,
    identity: Sequence[CompiledPolicy],
    boundary: Sequence[CompiledPolicy],
    resource_policy: CompiledPolicy | None,
) -> tuple[str, ...]:
    """Every key any included policy reads that the request lacks (boto/boto3#3111)."""
    seen: dict[str, str] = {}
    policies = [*identity, *boundary, *([resource_policy] if resource_policy else [])]
    for policy in policies:
        for key in policy.referenced_keys:
            if key not in context:
                seen.setdefault(key.lower(), key)
    return tuple(seen.values())
