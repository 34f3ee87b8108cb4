"""Answers render their explanation on first read, and stay the immutable values they were:
equal when every field is, replaced field by field, pickled with the text. The local
backend's answers are the simulator's (``MatchedStatements``, ``MissingContextValues``) and its
checks of context values are the Simulate* APIs' (a value refused once is refused again)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from iamspec import simulate_custom_policy
from iamspec.engine.evaluator import Decision
from iamspec.errors import InvalidInputError
from iamspec.harness.outcome import Answer
from iamspec.harness.requests import Batch, ContextEntry
from tests.harness.kit import make_world


def test_an_explanation_given_as_a_function_is_rendered_once_when_read() -> None:
    calls: list[int] = []

    def render() -> str:
        calls.append(1)
        return "why"

    answer = Answer(Decision.ALLOWED, (), (), render, "local")
    assert calls == []
    assert answer.explanation == "why"
    assert answer.explanation == "why"
    assert calls == [1]


def test_a_lazy_answer_is_the_value_an_eager_one_is() -> None:
    lazy = Answer(Decision.IMPLICIT_DENY, ({"SourcePolicyId": "p"},), ("k",), lambda: "t", "local")
    eager = Answer(Decision.IMPLICIT_DENY, ({"SourcePolicyId": "p"},), ("k",), "t", "local")
    assert lazy == eager
    assert repr(lazy) == repr(eager)
    assert [f.name for f in dataclasses.fields(Answer)] == [
        "decision",
        "matched_statements",
        "missing_context_values",
        "explanation",
        "backend",
        "reference",
        "boundary_statements",
    ]
    moto = dataclasses.replace(lazy, backend="moto", reference=eager)
    assert moto.explanation == "t"
    assert moto.drift is False
    assert pickle.loads(pickle.dumps(Answer(Decision.ALLOWED, (), (), lambda: "x", "local"))) == (
        Answer(Decision.ALLOWED, (), (), "x", "local")
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        lazy.explanation = "other"  # type: ignore[misc]


def test_the_local_backends_answers_are_the_simulators(tmp_path) -> None:
    """MatchedStatements and MissingContextValues as SimulateCustomPolicy gives them for the
    same policy text and ContextEntries (the policy named by its file, not its list index)."""
    world = make_world(tmp_path)
    world.add_principal("IAM user", "admin", "department.json")
    world.add_resource("Connect user", "jdoe", tags="Department=Test")
    outcome = world.ask("admin", "connect:DescribeUser", on='the Connect user "jdoe"')
    part = outcome.results[0].parts[0]
    answer = part.answer
    simulated = simulate_custom_policy(
        PolicyInputList=[world.policies.load("department.json").text],
        ActionNames=["connect:DescribeUser"],
        ResourceArns=[part.request.resource],
        ContextEntries=part.request.context_entries(),
    )["EvaluationResults"][0]["ResourceSpecificResults"][0]
    assert answer.decision.value == simulated["EvalResourceDecision"] == "allowed"
    expected = [
        {**m, "SourcePolicyId": "policies/department.json"} for m in simulated["MatchedStatements"]
    ]
    assert list(answer.matched_statements) == expected
    assert list(answer.missing_context_values) == simulated["MissingContextValues"]
    assert answer.explanation.startswith("connect:DescribeUser on arn:aws:connect:")


def test_a_context_value_refused_once_is_refused_again(tmp_path) -> None:
    world = make_world(tmp_path)
    world.add_principal("IAM user", "admin", "department.json")
    caller = world.caller("admin")
    bad = ContextEntry("aws:SourceIp", ("not-an-ip",), "ip")
    good = ContextEntry("aws:username", ("admin",), "string")
    batch = Batch(caller, (good, bad), ("connect:DescribeUser",), ("*",))
    for _ in range(2):
        with pytest.raises(
            InvalidInputError, match=r"^InvalidInput: ContextEntries\.2 \(aws:SourceIp\): "
        ):
            world.backend.answer_batch(batch)
    swapped = Batch(caller, (bad, good), ("connect:DescribeUser",), ("*",))
    with pytest.raises(
        InvalidInputError, match=r"^InvalidInput: ContextEntries\.1 \(aws:SourceIp\): "
    ):
        world.backend.answer_batch(swapped)
