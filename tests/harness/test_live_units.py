"""Live mode, offline parts: batching plan, API options, deployed principals, known
differences, the drift report (the HTTP path is tested in tests/live)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iamspec.engine.evaluator import Decision
from iamspec.errors import UnknownActionError
from iamspec.harness.backends import ApiOptions, LocalBackend
from iamspec.harness.errors import (
    HarnessError,
    ScenarioFailure,
    ScenarioInputError,
    UnknownNameError,
)
from iamspec.harness.outcome import Answer
from iamspec.harness.requests import plan
from tests.harness.kit import make_world

DEPLOYED = {
    "ops-admin": "arn:aws:iam::111122223333:user/ops/ops-admin-1",
    "operator": "arn:aws:iam::111122223333:role/operator",
}


class _TagsBackend(LocalBackend):
    """The local backend, plus the account's tags of deployed principals (as live reads)."""

    def __init__(self, *args: Any, tags: dict[str, dict[str, str]]) -> None:
        super().__init__(*args)
        self.tags = tags

    def deployed_tags(self, principal: str, arn: str) -> dict[str, str]:
        return dict(self.tags[arn])


def _live_world(tmp_path: Path, tags: dict[str, str] | None = None):
    world = make_world(tmp_path, deployed_principals=DEPLOYED)
    world.backend = _TagsBackend(
        world.catalog, world.settings, tags={a: dict(tags or {}) for a in DEPLOYED.values()}
    )
    world.live_only = True
    return world


# --------------------------------------------------------------------------------------------
# batching


def _parts(world, pairs):
    world.add_principal("IAM user", "u", ["allow-all.json"])
    for name in {r for _, r in pairs if r != "*"}:
        world.add_resource("Connect user", name)
    calls = []
    for action, name in pairs:
        resources = () if name == "*" else (world.resource("Connect user", name),)
        calls += world.builder.build(
            world.caller("u"), action, resources=resources, any_resource=name == "*"
        )
    return [p for c in calls for p in c.parts]


def test_cross_batching_makes_one_call_per_principal_and_context(tmp_path):
    world = make_world(tmp_path)
    parts = _parts(
        world,
        [
            ("connect:DescribeUser", "a"),
            ("connect:DeleteUser", "b"),
            ("connect:DescribeUser", "b"),
            ("connect:ListUsers", "*"),
        ],
    )
    fine = plan(parts)
    cross = plan(parts, cross=True)
    # untagged users share one context; the wildcard resource is its own call
    assert len(cross) == 2
    arns, star = cross
    assert star.resources == ("*",)
    assert set(arns.actions) == {"connect:DescribeUser", "connect:DeleteUser"}
    assert len(arns.resources) == 2
    assert len(fine) == 3  # {DescribeUser} on a, {DeleteUser, DescribeUser} on b, * apart
    wanted = {(p.action, p.resource) for p in parts}
    covered = {(a, r) for b in cross for a in b.actions for r in b.resources}
    assert wanted <= covered


def test_local_answers_the_cross_product_it_is_given(tmp_path):
    world = make_world(tmp_path)
    parts = _parts(world, [("connect:DescribeUser", "a"), ("connect:DeleteUser", "b")])
    (batch,) = plan(parts, cross=True)
    answers = LocalBackend(world.catalog, world.settings).answer_batch(batch)
    assert len(answers) == 4
    assert {a.decision for a in answers.values()} == {Decision.ALLOWED}


# --------------------------------------------------------------------------------------------
# options


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retry_mode": "legacy"}, "standard or adaptive"),
        ({"max_attempts": 0}, "at least 1"),
        ({"max_calls": 0}, "at least 1"),
    ],
)
def test_api_options_refuse_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ApiOptions(**kwargs)


def test_botocore_config_bounds_the_retries():
    config = ApiOptions(retry_mode="adaptive", max_attempts=3).botocore_config()
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 3}


# --------------------------------------------------------------------------------------------
# deployed principals


def test_a_deployed_principal_needs_the_live_tag(tmp_path):
    world = _live_world(tmp_path)
    world.live_only = False
    with pytest.raises(ScenarioInputError, match="tag the scenario @live"):
        world.add_deployed_principal("ops-admin")


def test_an_unknown_deployed_principal_gets_a_suggestion(tmp_path):
    world = _live_world(tmp_path)
    with pytest.raises(UnknownNameError, match="did you mean 'ops-admin'") as info:
        world.add_deployed_principal("ops-admn")
    assert "[tool.iamspec.deployed_principals]" in "".join(info.value.__notes__)


def test_a_deployed_user_calls_with_its_iam_name_account_and_account_tags(tmp_path):
    world = _live_world(tmp_path, {"Team": "ops"})
    principal = world.add_deployed_principal("ops-admin", "Team=ops")
    assert principal.deployed
    assert principal.tags == {"Team": "ops"}
    caller = world.caller("ops-admin")
    assert caller.deployed
    assert caller.iam_name == "ops-admin-1"
    world.add_resource("Connect user", "a")
    (call,) = world.builder.build(
        caller, "connect:DescribeUser", resources=(world.resource("Connect user", "a"),)
    )
    sent = {e["ContextKeyName"]: e["ContextKeyValues"] for e in call.parts[0].context_entries()}
    assert sent["aws:username"] == ["ops-admin-1"]
    assert sent["aws:PrincipalArn"] == [DEPLOYED["ops-admin"]]
    assert sent["aws:PrincipalTag/Team"] == ["ops"]


def test_a_stated_tag_the_account_lacks_fails_the_scenario(tmp_path):
    world = _live_world(tmp_path, {"Team": "sales"})
    with pytest.raises(ScenarioFailure, match=r"Team=ops \(the account has Team=sales\)"):
        world.add_deployed_principal("operator", "Team=ops, Env=prod")


def test_the_account_owns_a_deployed_principals_policies_and_tags(tmp_path):
    world = _live_world(tmp_path)
    world.add_deployed_principal("ops-admin")
    world.add_principal("IAM group", "g")
    for change in (
        lambda: world.add_policies("ops-admin", ["allow-all.json"]),
        lambda: world.set_boundary("ops-admin", "allow-all.json"),
        lambda: world.tag_principal("ops-admin", "A=b"),
        lambda: world.add_to_group("ops-admin", "g"),
    ):
        with pytest.raises(ScenarioInputError, match="the AWS account's"):
            change()


def test_only_live_answers_for_a_deployed_principal(tmp_path):
    world = _live_world(tmp_path)
    world.add_deployed_principal("ops-admin")
    world.backend = LocalBackend(world.catalog, world.settings)
    with pytest.raises(HarnessError, match="only --iam-backend=live"):
        world.ask("ops-admin", "connect:ListUsers", on="any resource")


# --------------------------------------------------------------------------------------------
# known differences


def test_a_known_difference_needs_actions_a_reason_and_comes_first(tmp_path):
    world = make_world(tmp_path)
    with pytest.raises(ScenarioInputError, match="a reason of a few words"):
        world.declare_known_difference("connect:ListUsers", "  quirk ")
    with pytest.raises(ScenarioInputError, match="name the actions"):
        world.declare_known_difference(" , ", "AWS reads the tag differently here")
    with pytest.raises(UnknownActionError, match="did you mean"):
        world.declare_known_difference("connect:ListUser", "AWS reads the tag differently here")
    with pytest.raises(ScenarioInputError, match="matches no action"):
        world.declare_known_difference("connect:Nothing*", "AWS reads the tag differently here")
    world.add_principal("IAM user", "u", ["allow-all.json"])
    world.ask("u", "connect:ListUsers", on="any resource")
    with pytest.raises(ScenarioInputError, match="before the first When-step"):
        world.declare_known_difference("connect:ListUsers", "AWS reads the tag differently here")


def test_a_declared_difference_marks_only_the_actions_it_names(tmp_path):
    world = make_world(tmp_path)
    world.declare_known_difference("connect:list*", "AWS   answers\nthis differently")
    with pytest.raises(ScenarioInputError, match="already declared"):
        world.declare_known_difference("connect:List*", "another reason given here")
    world.add_principal("IAM user", "u", ["allow-all.json"])
    listed = world.ask("u", "connect:ListUsers", on="any resource")
    assert listed.results[0].known_difference == "AWS answers this differently"
    other = world.ask("u", "connect:DescribeInstance", on="any resource")
    assert other.results[0].known_difference is None


def test_drift_fails_a_check_unless_declared(tmp_path):
    from iamspec.harness.decisions import expect

    for declared in (None, "the simulator ignores this condition"):
        world = make_world(tmp_path)
        if declared:
            world.declare_known_difference("connect:ListUsers", declared)
        world.add_principal("IAM user", "u", ["allow-all.json"])
        outcome = world.ask("u", "connect:ListUsers", on="any resource")
        part = outcome.results[0].parts[0]
        local = part.answer
        drifted = Answer(Decision.ALLOWED, (), (), "live says so", "live", reference=local)
        assert not drifted.drift  # same decision: no drift
        drifted = Answer(
            Decision.ALLOWED,
            (),
            (),
            "live says so",
            "live",
            reference=Answer(Decision.IMPLICIT_DENY, (), (), "local trace", "local"),
        )
        object.__setattr__(part, "answer", drifted)
        if declared:
            expect(outcome, "allowed")
            assert outcome.results[0].passed is True
        else:
            with pytest.raises(ScenarioFailure, match="DRIFT: local and the local evaluator"):
                expect(outcome, "allowed")
