"""The local backend: iamspec's own evaluator in process (the default, offline)."""

from __future__ import annotations

from typing import Any

from iamspec.engine.compiled import PolicyRole
from iamspec.engine.evaluator import Evaluation
from iamspec.harness.backends.base import Backend
from iamspec.harness.outcome import Answer
from iamspec.harness.policies import PolicyFile
from iamspec.harness.requests import Batch
from iamspec.simulate import core, inputs
from iamspec.simulate.response import matched_statements, statement_dict

# --------------------------------------------------------------------------------------------
# local


def _policy_id(policy: PolicyFile, via_group: str | None) -> str:
    return policy.display if via_group is None else f"{policy.display} (via IAM group {via_group})"


def _boundary_statements(evaluation: Evaluation) -> tuple[dict[str, Any], ...]:
    """The boundary statements that applied (Allow and Deny), as MatchedStatements entries.

    The simulator's MatchedStatements never name them; coverage needs them to see which
    boundary Allow let a request through and which boundary Deny denied it.
    """
    return tuple(
        statement_dict(t)
        for t in evaluation.traces
        if t.applies and t.policy.role is PolicyRole.BOUNDARY
    )


class LocalBackend(Backend):
    """The engine in process; explanations are the engine's traces."""

    name = "local"

    def answer_batch(self, batch: Batch) -> dict[tuple[str, str], Answer]:
        caller = batch.caller
        if caller.deployed:
            self.deployed_tags(caller.name, caller.arn)  # raises: the account decides
        identity = [
            p.compiled(_policy_id(p, via), PolicyRole.IDENTITY)
            for p, via in caller.identity_policies()
        ]
        boundary = (
            [caller.boundary.compiled(caller.boundary.display, PolicyRole.BOUNDARY)]
            if caller.boundary is not None
            else []
        )
        context = inputs.typed_context_entries((e.name, e.values, e.type) for e in batch.context)
        evaluated = core.evaluate_actions(
            identity=identity,
            boundary=boundary,
            actions=batch.actions,
            resources=batch.resources,
            context=context,
            caller_arn=caller.arn,
            catalog=self.catalog,
        )
        self.simulate_calls += 1
        answers: dict[tuple[str, str], Answer] = {}
        for action, evaluations in zip(batch.actions, evaluated, strict=True):
            for resource, evaluation in zip(batch.resources, evaluations, strict=True):
                # As the simulator's result has them (iamspec.simulate.response); without SCPs
                # a resource's decision is its evaluation's. The trace is rendered when read.
                answers[(action, resource)] = Answer(
                    decision=evaluation.decision,
                    matched_statements=tuple(matched_statements(evaluation)),
                    missing_context_values=evaluation.missing_context_keys,
                    explanation=evaluation.explain,
                    backend=self.name,
                    boundary_statements=_boundary_statements(evaluation) if boundary else (),
                )
        return answers
