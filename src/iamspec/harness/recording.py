"""Record assembly: a scenario's world and answers turned into the run's records.

The records themselves (their classes and their format) belong to :mod:`iamspec.records`;
this module knows the harness's side: which answer, principal, resource and policy of a
:class:`~iamspec.harness.world.World` becomes which record.
"""

from __future__ import annotations

from iamspec.harness.outcome import CallResult
from iamspec.records.results import CallRecord, RequestRecord, timestamp

__all__ = ["call_record"]


def call_record(result: CallResult) -> CallRecord:
    """The record of one answered call."""
    call = result.call
    return CallRecord(
        step=result.step,
        principal=call.caller.name,
        principal_arn=call.caller.arn,
        action=call.action,
        target=call.target,
        request_tags=dict(call.request_tags),
        decision=result.decision.value,
        expected=result.expected,
        passed=result.passed,
        backend=result.backend,
        asked_at=timestamp(result.asked_at),
        requests=[
            RequestRecord(
                action=part.request.action,
                resource=part.request.resource,
                target=part.request.target,
                context_entries=part.request.context_entries(),
                notes=list(part.request.notes),
                decision=part.answer.decision.value,
                matched_statements=[dict(m) for m in part.answer.matched_statements],
                missing_context_values=list(part.answer.missing_context_values),
                explanation=part.answer.explanation,
                local_decision=(
                    part.answer.reference.decision.value if part.answer.reference else None
                ),
                drift=part.answer.drift,
                local_explanation=(
                    part.answer.reference.explanation if part.answer.reference else None
                ),
                boundary_statements=(
                    [dict(b) for b in part.answer.boundary_statements]
                    if part.answer.boundary_statements is not None
                    else None
                ),
            )
            for part in result.parts
        ],
        known_difference=result.known_difference,
    )
