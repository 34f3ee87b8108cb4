"""The local backend: iamspec's own evaluator in process (the default, offline)."""

from __future__ import annotations

from typing import Any

from iamspec.catalog import Catalog
from iamspec.engine.compiled import PolicyRole
from iamspec.engine.context import ContextValue, RequestContext
from iamspec.engine.evaluator import Evaluation
from iamspec.harness.backends.base import Backend
from iamspec.harness.outcome import Answer
from iamspec.harness.policies import PolicyFile
from iamspec.harness.requests import Batch, ContextEntry
from iamspec.project.settings import Settings
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


_CHECKED_ENTRIES = 64
"""Context entries whose checked value the local backend keeps (the request builder hands
out the same entry objects for a scenario's requests)."""


class LocalBackend(Backend):
    """The engine in process; explanations are the engine's traces."""

    name = "local"

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        super().__init__(catalog, settings)
        self._checked: dict[ContextEntry, ContextValue] = {}

    def _context(self, entries: tuple[ContextEntry, ...]) -> RequestContext:
        """The batch's ContextEntries checked as the Simulate* APIs check them
        (:mod:`iamspec.simulate.inputs`); an entry checked before is not checked again."""
        values: list[ContextValue] = []
        for index, entry in enumerate(entries, 1):
            value = self._checked.get(entry)
            if value is None:
                value = inputs.checked_entry(index, entry.name, entry.values, entry.type)
                if len(self._checked) >= _CHECKED_ENTRIES:
                    self._checked.clear()
                self._checked[entry] = value
            values.append(value)
        return inputs.request_context(values)

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
        context = self._context(batch.context)
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
