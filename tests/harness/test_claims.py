"""Universal claims in a scenario's world: each answer of the prover decides the step.

Proven passes; refuted, unknown (the solver's time-out) and "cannot prove" fail, never pass;
a claim that cannot be read is the scenario's input error, never a decision.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import z3

from iamspec.errors import UnknownActionError
from iamspec.harness.backends import ApiOptions, MotoBackend
from iamspec.harness.claims import ClaimFailure, expect_refuted, prove_claim
from iamspec.harness.errors import ScenarioInputError, TagKeyTypoError, UnknownNameError
from iamspec.harness.world import World
from iamspec.symbolic import prover
from tests.harness.kit import make_world, write_policy

ONLY_DEPARTMENT = (
    '"test-admin" may call "connect:DescribeUser, connect:UpdateUser*" only when the '
    'resource\'s tag "Department" is "Test"'
)
ONLY_TEAM = (
    '"test-admin" may call "connect:DescribeUser" only when the resource\'s tag "Team" is "Test"'
)

IGNORE_CASE_VARIABLE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "connect:DescribeUser",
            "Resource": "*",
            "Condition": {
                "StringEqualsIgnoreCase": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}
            },
        }
    ],
}


@pytest.fixture
def world(tmp_path: Path) -> World:
    made = make_world(tmp_path)
    made.add_principal("user", "test-admin", "department.json")
    made.step = "features/x.feature:9"
    return made


def test_a_proven_claim_passes_and_is_recorded(world):
    prove_claim(world, ONLY_DEPARTMENT, 30)
    (record,) = world.claims
    assert (record.status, record.expected, record.passed) == ("proven", "proven", True)
    assert record.step == "features/x.feature:9"
    assert record.principal == "test-admin"
    assert record.policies == ["policies/department.json"]
    assert record.counterexample is None
    assert not record.vacuous


def test_exactly_when_always_and_never_forms_are_proven(world):
    prove_claim(
        world,
        '"test-admin" may call "connect:DescribeUser" on a Connect user exactly when the '
        'resource\'s tag "Department" is "Test"',
        30,
    )
    prove_claim(world, '"test-admin" may never call "connect:DeleteUser, connect:CreateUser"', 30)
    assert [r.status for r in world.claims] == ["proven", "proven"]


def test_a_refuted_claim_fails_with_the_request_the_explanation_and_a_scenario(world):
    with pytest.raises(ClaimFailure) as caught:
        prove_claim(world, ONLY_TEAM, 30)
    message = str(caught.value)
    assert message.startswith(f"the claim does not hold: {ONLY_TEAM}")
    assert "a request that breaks it (replayed through the simulator: allowed):" in message
    assert "connect:DescribeUser on arn:aws:connect:us-east-1:111122223333:instance/" in message
    assert "why (the engine's explanation):" in message
    assert "allowed by department.json statement 1" in message
    assert "ready to paste into a feature file of its own" in message
    assert 'Given the IAM user "test-admin" with the policy "department.json"' in message
    assert 'When "test-admin" calls "connect:DescribeUser" on the Connect user' in message
    assert "Then the request is allowed" in message
    (record,) = world.claims
    assert (record.status, record.passed, record.decision) == ("refuted", False, "allowed")
    assert record.counterexample is not None
    assert record.counterexample["action"] == "connect:DescribeUser"
    assert record.scenario is not None
    assert "Scenario: counterexample" in record.scenario


def test_a_vacuous_only_when_passes_and_is_recorded_as_vacuous(world):
    # department.json allows no connect:DeleteUser at all: "only when" holds, vacuously
    prove_claim(
        world,
        '"test-admin" may call "connect:DeleteUser" only when the resource\'s tag '
        '"Department" is "Test"',
        30,
    )
    (record,) = world.claims
    assert (record.status, record.passed, record.vacuous) == ("proven", True, True)


def test_always_is_refuted_when_a_request_is_denied(world):
    with pytest.raises(ClaimFailure, match="implicitly denied"):
        prove_claim(world, '"test-admin" may always call "connect:DescribeUser"', 30)


class _Undecided(z3.Solver):  # type: ignore[misc]
    def check(self, *args: object) -> z3.CheckSatResult:
        return z3.unknown

    def reason_unknown(self) -> str:
        return "timeout"


def test_an_unknown_answer_fails_the_step_and_names_the_option(world, monkeypatch):
    monkeypatch.setattr(prover.z3, "Solver", _Undecided)
    with pytest.raises(ClaimFailure) as caught:
        prove_claim(world, ONLY_DEPARTMENT, 0.25)
    message = str(caught.value)
    assert message.startswith(f"the claim is not proven: {ONLY_DEPARTMENT}")
    assert "an undecided claim never passes" in message
    assert "--iam-claim-timeout (now 0.25 s)" in message
    (record,) = world.claims
    assert (record.status, record.passed) == ("unknown", False)


def test_an_unknown_answer_never_establishes_an_expected_refutation(world, monkeypatch):
    monkeypatch.setattr(prover.z3, "Solver", _Undecided)
    with pytest.raises(ClaimFailure, match="the expected refutation is not established"):
        expect_refuted(world, ONLY_TEAM, [["decision", "allowed"]], 0.25)
    assert world.claims[0].passed is False


def test_a_construct_without_an_exact_encoding_fails_naming_file_line_and_column(tmp_path):
    write_policy(tmp_path, "ignore-case.json", IGNORE_CASE_VARIABLE)
    world = make_world(tmp_path)
    world.add_principal("user", "agent", "ignore-case.json", "Team=Blue")
    claim = (
        '"agent", whatever its tags, may call "connect:DescribeUser" only when the '
        'resource\'s tag "Team" equals the caller\'s tag "Team"'
    )
    with pytest.raises(ClaimFailure) as caught:
        prove_claim(world, claim, 30)
    message = str(caught.value)
    assert '"cannot prove"' in message
    assert re.search(
        r"cannot prove: StringEqualsIgnoreCase with a policy variable "
        r"at policies/ignore-case\.json:\d+:\d+",
        message,
    ), message
    (record,) = world.claims
    assert (record.status, record.passed) == ("cannot prove", False)
    assert record.unsupported
    assert "ignore-case.json:" in record.unsupported[0]


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ('"test-admin" may call "connect:DescribeUser" sometimes', "unexpected 'sometimes'"),
        ('"test-admin" may call "connect:DescribeUser"', "say when"),
        ('"test-admin" may call "" only when the resource\'s tag "A" is "B"', "name the actions"),
        (
            '"test-admin" may always call "connect:DescribeUser" only when the resource\'s tag '
            '"A" is "B"',
            "'may always call' takes no condition",
        ),
        ('"test-admin" may call "connect:DescribeUser" only when it rains', "cannot read"),
    ],
)
def test_a_claim_that_cannot_be_read_is_input_error_never_a_decision(world, claim, message):
    with pytest.raises(ScenarioInputError) as caught:
        prove_claim(world, claim, 30)
    assert message in str(caught.value)
    assert not isinstance(caught.value, ClaimFailure)
    assert "denied" not in str(caught.value)
    assert world.claims == []


@pytest.mark.parametrize(
    ("claim", "error", "message"),
    [
        (
            '"test-admin" may call "connect:DescribeUsr" only when the resource\'s tag "A" is "B"',
            UnknownActionError,
            "did you mean 'connect:DescribeUser'",
        ),
        ('"nobody" may never call "connect:DescribeUser"', UnknownNameError, "'nobody'"),
        ('"test-admin" may never call "connect:Describe*Usr*"', ScenarioInputError, "matches no"),
        (
            '"test-admin" may call "connect:DescribeUser" only when the resource\'s tag '
            '"Departmnet" is "Test"',
            TagKeyTypoError,
            "'Departmnet'",
        ),
    ],
)
def test_unknown_names_in_a_claim_are_named_with_suggestions(world, claim, error, message):
    with pytest.raises(error) as caught:
        prove_claim(world, claim, 30)
    assert message in str(caught.value)
    assert world.claims == []


def test_a_claim_about_a_principal_without_policies_is_input_error(world):
    world.add_principal("user", "bare")
    with pytest.raises(ScenarioInputError, match="has no policies"):
        prove_claim(world, '"bare" may never call "connect:DescribeUser"', 30)


def test_an_expected_refutation_passes_when_the_facts_break_the_claim(world):
    expect_refuted(
        world,
        ONLY_TEAM,
        [
            ["action", "connect:DescribeUser"],
            ["resource tags", "Department=Test"],
            ["decision", "allowed"],
        ],
        30,
    )
    (record,) = world.claims
    assert (record.status, record.expected, record.passed) == ("refuted", "refuted", True)
    assert record.facts == {
        "decision": "allowed",
        "action": "connect:DescribeUser",
        "resource tags": "Department=Test",
    }
    assert record.counterexample is not None
    entries = {e["ContextKeyName"]: e["ContextKeyValues"] for e in record.counterexample["context"]}
    assert entries["aws:ResourceTag/Department"] == ["Test"]


def test_an_expected_refutation_fails_when_no_request_with_the_facts_breaks_it(world):
    # with Department=Sales no request is allowed: the claim holds for every such request
    with pytest.raises(ClaimFailure, match="expected to be refuted, but it holds") as caught:
        expect_refuted(
            world,
            ONLY_TEAM,
            [["resource tags", "Department=Sales"], ["decision", "allowed"]],
            30,
        )
    assert "resource tags: Department=Sales" in str(caught.value)
    assert world.claims[0].passed is False


def test_an_expected_refutation_fails_when_the_claim_holds(world):
    with pytest.raises(ClaimFailure, match="expected to be refuted, but it holds"):
        expect_refuted(world, ONLY_DEPARTMENT, [["decision", "allowed"]], 30)


def test_an_expected_refutation_fails_when_the_decision_differs(world):
    with pytest.raises(ClaimFailure, match="not explicitly denied as the scenario states"):
        expect_refuted(world, ONLY_TEAM, [["decision", "explicitly denied"]], 30)


def test_an_expected_refutation_refuses_an_action_outside_the_claim(world):
    with pytest.raises(ScenarioInputError, match="not one the claim is about"):
        expect_refuted(
            world, ONLY_TEAM, [["action", "connect:DeleteUser"], ["decision", "allowed"]], 30
        )


def test_policy_claims_compare_two_files(tmp_path):
    world = make_world(tmp_path)
    prove_claim(
        world, 'the policy "department.json" grants nothing that "allow-all.json" does not', 30
    )
    with pytest.raises(ClaimFailure, match="the claim does not hold"):
        prove_claim(
            world,
            'the policy "allow-all.json" grants nothing that "department.json" does not '
            'for actions matching "connect:DescribeUser"',
            30,
        )
    assert [r.status for r in world.claims] == ["proven", "refuted"]


# --------------------------------------------------------------------------------------------
# under an API backend, the refuting request is asked of it too


@pytest.fixture
def moto_world(tmp_path, fake_aws):
    pytest.importorskip("iamspec.moto")
    made = make_world(tmp_path)
    backend = MotoBackend(made.catalog, made.settings, ApiOptions(compare_local=True))
    backend.start()
    try:
        moto = World(made.settings, made.catalog, made.policies, backend)
        backend.begin_scenario()
        moto.add_principal("user", "test-admin", "department.json")
        moto.step = "features/x.feature:9"
        yield moto
    finally:
        backend.close()


def test_under_moto_a_refuting_request_is_asked_and_kept_for_the_drift_report(moto_world):
    with pytest.raises(ClaimFailure) as caught:
        prove_claim(moto_world, ONLY_TEAM, 30)
    assert "does not confirm" not in str(caught.value)
    (asked,) = moto_world.results
    assert asked.backend == "moto"
    assert asked.step == "features/x.feature:9"
    assert asked.call.action == "connect:DescribeUser"
    (part,) = asked.parts
    assert part.answer.decision.value == "allowed"
    assert "answered by moto: SimulatePrincipalPolicy" in part.answer.explanation
    assert part.answer.reference is not None  # --compare-local: the local evaluator answered too
    assert not part.answer.drift
    (record,) = moto_world.claims
    assert (record.decision, record.backend_decision) == ("allowed", "allowed")


def test_under_moto_an_expected_refutation_is_confirmed_by_the_backend(moto_world):
    expect_refuted(
        moto_world,
        ONLY_TEAM,
        [["resource tags", "Department=Test"], ["decision", "allowed"]],
        30,
    )
    assert moto_world.claims[0].passed
    assert [r.backend for r in moto_world.results] == ["moto"]


def test_under_moto_a_proven_claim_asks_nothing(moto_world):
    prove_claim(moto_world, ONLY_DEPARTMENT, 30)
    assert moto_world.results == []
