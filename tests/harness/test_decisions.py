"""Decision words, checks and failure messages."""

from __future__ import annotations

import pytest

from iamspec.engine.evaluator import Decision
from iamspec.harness import decisions
from iamspec.harness.errors import ScenarioFailure, ScenarioInputError, UnknownDecisionError
from iamspec.harness.requests import Expansion
from tests.harness.kit import make_world

ALLOW, IMPLICIT, EXPLICIT = Decision.ALLOWED, Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY


@pytest.mark.parametrize(
    ("word", "accepts"),
    [
        ("allowed", {ALLOW}),
        ("denied", {IMPLICIT, EXPLICIT}),
        ("implicitly denied", {IMPLICIT}),
        ("explicitly denied", {EXPLICIT}),
        ("Implicitly  Denied", {IMPLICIT}),
        ("implicitDeny", {IMPLICIT}),
        ("explicitDeny", {EXPLICIT}),
    ],
)
def test_words(word, accepts):
    expected = decisions.parse_decision(word)
    assert {d for d in Decision if expected.accepts(d)} == accepts


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("alowed", "allowed"),
        ("implicit deny", "implicitly denied"),
        ("denyed", "denied"),
        ("granted", None),
        ("", None),
    ],
)
def test_unknown_words_are_errors(word, suggestion):
    with pytest.raises(UnknownDecisionError) as info:
        decisions.parse_decision(word)
    assert "expected one of 'allowed', 'denied', 'implicitly denied', 'explicitly denied'" in str(
        info.value
    )
    if suggestion:
        assert f"did you mean {suggestion!r}" in str(info.value)


@pytest.fixture
def world(tmp_path):
    w = make_world(tmp_path)
    w.add_principal("IAM user", "test-admin", ["department.json"])
    w.add_resource("Connect user", "jdoe", tags="Department=Prod")
    return w


def test_failure_message_has_decision_explanation_and_request(world):
    outcome = world.ask("test-admin", "connect:DescribeUser", on='the Connect user "jdoe"')
    with pytest.raises(ScenarioFailure) as info:
        decisions.expect(outcome, "allowed")
    text = str(info.value)
    assert "expected: allowed" in text
    assert "actual:   implicitly denied (implicitDeny)  (answered by local)" in text
    assert 'calls connect:DescribeUser on the Connect user "jdoe"' in text
    assert "resource arn:aws:connect:us-east-1:111122223333:instance/" in text
    assert "aws:ResourceTag/Department (string) = ['Prod']" in text
    assert "aws:username (string) = ['test-admin']" in text
    assert "condition FAILED" in text
    assert "policies/department.json statement 1" in text
    assert outcome.results[0].passed is False
    assert outcome.results[0].expected == "allowed"


def test_single_decision_for_several_requests_is_an_error(world):
    outcome = world.ask(
        "test-admin",
        "connect:UpdateUser*",
        on='the Connect user "jdoe"',
        expansion=Expansion.APPLICABLE,
    )
    with pytest.raises(ScenarioInputError, match="made 7 requests"):
        decisions.expect(outcome, "implicitly denied")
    decisions.expect(outcome, "implicitly denied", every=True)
    assert all(r.passed for r in outcome.results)


def test_table_reports_every_differing_row(world):
    world.add_resource("Connect user", "tester", tags="Department=Test")
    table = [
        ["action", "resource", "decision"],
        ["connect:DescribeUser", "Connect user tester", "allowed"],
        ["connect:DescribeUser", 'Connect user "jdoe"', "allowed"],
        ["connect:DeleteUser", 'the Connect user "tester"', "explicitly denied"],
        ["connect:ListInstances", "", "denied"],
    ]
    with pytest.raises(ScenarioFailure) as info:
        decisions.expect_table(world, "test-admin", table)
    text = str(info.value)
    assert text.startswith("2 of 4 requests differ")
    assert "connect:DeleteUser" in text
    assert "expected: explicitly denied" in text
    assert [r.passed for r in world.results] == [True, False, False, True]


def test_table_columns_are_checked(world):
    with pytest.raises(ScenarioInputError, match="unknown column 'resrouce'"):
        decisions.expect_table(world, "test-admin", [["action", "resrouce", "decision"]])
    with pytest.raises(ScenarioInputError, match="needs a 'decision' column"):
        decisions.expect_table(world, "test-admin", [["action", "resource"]])


def test_expansion(world):
    catalog = world.catalog
    decisions.expect_expansion(
        catalog,
        "connect-campaigns:Update*Config",
        [
            ["action"],
            ["connect-campaigns:UpdateCampaignChannelSubtypeConfig"],
            ["connect-campaigns:UpdateCampaignDialerConfig"],
            ["connect-campaigns:UpdateCampaignOutboundCallConfig"],
        ],
    )
    with pytest.raises(
        ScenarioFailure,
        match="expanded but not listed: connect-campaigns:UpdateCampaignChannelSubtypeConfig",
    ):
        decisions.expect_expansion(
            catalog,
            "connect-campaigns:Update*Config",
            [
                ["connect-campaigns:UpdateCampaignDialerConfig"],
                ["connect-campaigns:UpdateCampaignOutboundCallConfig"],
            ],
        )
    from iamspec.errors import UnknownActionError

    with pytest.raises(UnknownActionError, match="UpdateCampaignDialerConfig"):
        decisions.expect_expansion(
            catalog, "connect-campaigns:Update*Config", [["connect-campaigns:UpdateDialerConfig"]]
        )


def test_drift_fails_even_when_the_answer_is_the_expected_one(world):
    import dataclasses

    outcome = world.ask("test-admin", "connect:DescribeUser", on='the Connect user "jdoe"')
    (result,) = outcome.results
    (part,) = result.parts
    local = part.answer
    moto_answer = dataclasses.replace(
        local,
        backend="moto",
        reference=dataclasses.replace(
            local, decision=Decision.ALLOWED, explanation="the local trace"
        ),
    )
    result.parts = (dataclasses.replace(part, answer=moto_answer),)
    with pytest.raises(ScenarioFailure) as info:
        decisions.expect(outcome, "implicitly denied")
    text = str(info.value)
    assert "DRIFT:" in text
    assert "the local evaluator says allowed:" in text
    assert "the local trace" in text
