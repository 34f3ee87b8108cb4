"""Replay: every counterexample goes through ``iamspec.simulate_custom_policy``.

The solver claims a decision for the request it found; the simulator (the engine behind the
public API) must give the same one. When it does not, the formula and the engine disagree:
that is :class:`SoundnessError`, a bug to report, never an answer. The one exception is a
formula that holds free Booleans (:mod:`.unsupported`): the disagreement then only shows that
the counterexample rests on a construct the encoding could not express, and the answer is
"cannot prove".
"""

from __future__ import annotations

from dataclasses import dataclass

import iamspec
from iamspec.engine.evaluator import Decision, Request, evaluate, most_restrictive
from iamspec.errors import IamSpecError
from iamspec.simulate import inputs
from iamspec.symbolic.concrete import ConcreteRequest
from iamspec.symbolic.policies import PolicySet


class SoundnessError(RuntimeError):
    """The symbolic formula and the engine disagree on a concrete request: a bug in iamspec.

    Raised instead of any result: a claim answered from a formula the engine contradicts
    would mean nothing.
    """


@dataclass(frozen=True)
class Replay:
    """The engine's answer for one counterexample under one policy set."""

    decision: Decision
    explanation: str
    deciding: tuple[str, ...]
    """The statements that decided it (``new.json statement 2 (Sid)``); empty for an
    implicit deny."""


def simulate(policy_set: PolicySet, request: ConcreteRequest) -> Decision:
    """The decision ``iamspec.simulate_custom_policy`` gives ``request``.

    Raises SoundnessError when the simulator refuses the request (the counterexample builder
    must only produce requests AWS's API accepts).
    """
    arguments = policy_set.simulate_arguments()
    arguments["ActionNames"] = [request.action]
    if request.resource != "*":
        arguments["ResourceArns"] = [request.resource]
    if request.context:
        arguments["ContextEntries"] = request.context_entries()
    try:
        response = iamspec.simulate_custom_policy(**arguments)
    except IamSpecError as err:
        raise SoundnessError(
            f"the simulator refused a counterexample ({err}); request: {request.to_json()}"
        ) from err
    return Decision(response["EvaluationResults"][0]["EvalDecision"])


def replay(policy_set: PolicySet, request: ConcreteRequest) -> Replay:
    """The simulator's decision and the engine's explanation (policies named as loaded)."""
    decision = simulate(policy_set, request)
    context = inputs.context_entries(request.context_entries())
    concrete = Request(request.action, request.resource, context)
    boundary = [policy_set.boundary] if policy_set.boundary is not None else []
    evaluation = evaluate(concrete, policy_set.identity, boundary)
    lines = [evaluation.explain()]
    deciding = tuple(t.label for t in evaluation.deciding)
    if policy_set.organization:
        levels = [evaluate(concrete, level) for level in policy_set.organization]
        organization = most_restrictive([level.decision for level in levels])
        lines.append(f"SCP levels (root first): {organization.value}")
        for number, level in enumerate(levels, 1):
            lines.append(f"  level {number}: {level.summary}")
    return Replay(decision, "\n".join(lines), deciding)


def check(policy_set: PolicySet, request: ConcreteRequest, claimed: Decision) -> Replay:
    """Replay and compare with the decision the solver claimed (SoundnessError if they differ)."""
    found = replay(policy_set, request)
    if found.decision is not claimed:
        raise SoundnessError(
            f"the solver claimed {claimed.value} but the simulator answers "
            f"{found.decision.value} for {request.to_json()}\n{found.explanation}"
        )
    return found
