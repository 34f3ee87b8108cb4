"""AWS-shaped results: the ``EvaluationResult`` dicts boto3's simulate calls return.

Shape follows botocore's current IAM model: one ``EvaluationResult`` per action whatever the
number of resources; the top-level ``EvalDecision`` is the most restrictive across resources;
``EvalResourceName`` is the ARN template of the action's resource type, or ``*``; each
resource's decision is under ``ResourceSpecificResults``. ``EvalDecisionDetails`` is ``{}``
when a resource ARN was given (same-account simulation) and absent for ``*``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from iamspec.engine.compiled import PolicyRole
from iamspec.engine.evaluator import Decision, Evaluation, StatementTrace, most_restrictive

T = TypeVar("T")


def _same(item: str) -> str:
    return item


def statement_dict(trace: StatementTrace) -> dict[str, Any]:
    """A ``Statement`` entry of ``MatchedStatements``."""
    st = trace.statement.statement
    return {
        "SourcePolicyId": trace.policy.policy_id,
        "SourcePolicyType": trace.policy.policy_type,
        "StartPosition": {"Line": st.start.line, "Column": st.start.column},
        "EndPosition": {"Line": st.end.line, "Column": st.end.column},
    }


def matched_statements(evaluation: Evaluation) -> list[dict[str, Any]]:
    """A resource's ``MatchedStatements``: the deciding statements but the boundary's."""
    return [
        statement_dict(t) for t in evaluation.deciding if t.policy.role is not PolicyRole.BOUNDARY
    ]


def _statement_key(statement: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two ``MatchedStatements`` entries equal (every field of
    :func:`statement_dict`), as a hashable tuple."""
    start, end = statement["StartPosition"], statement["EndPosition"]
    return (
        statement["SourcePolicyId"],
        statement["SourcePolicyType"],
        start["Line"],
        start["Column"],
        end["Line"],
        end["Column"],
    )


def _union(lists: list[list[T]], key: Callable[[T], Hashable]) -> list[T]:
    """The items of every list once, first seen first: linear, through a set of keys
    (list membership made one decision over eight large policies take 11.8 s)."""
    out: list[T] = []
    seen: set[Hashable] = set()
    for items in lists:
        for item in items:
            identity = key(item)
            if identity not in seen:
                seen.add(identity)
                out.append(item)
    return out


def evaluation_result(
    action: str,
    template: str,
    evaluations: list[Evaluation],
    organizations: list[Decision] | None = None,
) -> dict[str, Any]:
    """One ``EvaluationResult`` for ``action`` over the evaluations of each resource.

    ``organizations`` gives, per resource, the decision of the SCP levels when the call
    simulates an organization (``OrderedOrganizationPolicyInputList``). A resource's decision
    is then the more restrictive of the two; when the SCPs decided it, no statement is listed
    (SCP statements are never included) and ``EvalDecisionDetails`` is not returned ("If an
    Organizations SCP included in the evaluation denies access, the simulation ends").
    """
    per_resource: list[dict[str, Any]] = []
    decisions: list[Decision] = []
    scp_denied = False
    for i, ev in enumerate(evaluations):
        decision = ev.decision
        org = organizations[i] if organizations is not None else Decision.ALLOWED
        if org is not Decision.ALLOWED:
            scp_denied = True
            decision = most_restrictive([decision, org])
        decisions.append(decision)
        item: dict[str, Any] = {
            "EvalResourceName": ev.request.resource,
            "EvalResourceDecision": decision.value,
            "MatchedStatements": matched_statements(ev) if decision is ev.decision else [],
            "MissingContextValues": list(ev.missing_context_keys),
        }
        if ev.request.resource != "*" and org is Decision.ALLOWED:
            item["EvalDecisionDetails"] = {}
        if ev.allowed_by_boundary is not None:
            item["PermissionsBoundaryDecisionDetail"] = {
                "AllowedByPermissionsBoundary": ev.allowed_by_boundary
            }
        per_resource.append(item)
    result: dict[str, Any] = {
        "EvalActionName": action,
        "EvalResourceName": template,
        "EvalDecision": most_restrictive(decisions).value,
        "MatchedStatements": _union([r["MatchedStatements"] for r in per_resource], _statement_key),
        "MissingContextValues": _union([r["MissingContextValues"] for r in per_resource], _same),
    }
    if organizations is not None:
        result["OrganizationsDecisionDetail"] = {"AllowedByOrganizations": not scp_denied}
    if any(e.request.resource != "*" for e in evaluations) and not scp_denied:
        result["EvalDecisionDetails"] = {}
    boundary = [e.allowed_by_boundary for e in evaluations if e.allowed_by_boundary is not None]
    if boundary:
        result["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": all(boundary)
        }
    result["ResourceSpecificResults"] = per_resource
    return result
