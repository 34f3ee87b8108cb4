"""Access-level checks: every action of some services at some levels is denied."""

from __future__ import annotations

import pytest

from iamspec.catalog import default_catalog
from iamspec.errors import UnknownServiceError
from iamspec.harness.access_levels import ACCESS_LEVELS, expect_denied_at_access_levels
from iamspec.harness.errors import ScenarioFailure, ScenarioInputError, UnknownNameError
from tests.harness.kit import make_world, write_policy

WRITES = "Write, Permissions management, Tagging"
ACCOUNT = "arn:aws:iam::111122223333"


def _policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


READ_ONLY = _policy(
    _allow("iam:SimulateCustomPolicy"),
    _allow(["iam:SimulatePrincipalPolicy", "iam:ListUserTags"], f"{ACCOUNT}:user/*"),
)


def _world(tmp_path, document):
    write_policy(tmp_path, "under-test.json", document)
    world = make_world(tmp_path)
    world.add_principal("IAM role", "nightly", ["under-test.json"])
    return world


def _levels_of(action):
    return {part.strip() for part in action.access_level.split(",")}


def _writes(service):
    wanted = {"Write", "Permissions management", "Tagging"}
    return [a.full_name for a in default_catalog().expand(f"{service}:*") if _levels_of(a) & wanted]


def test_a_read_only_policy_passes_and_every_request_is_recorded(tmp_path):
    world = _world(tmp_path, READ_ONLY)
    expect_denied_at_access_levels(world, "nightly", "iam, sts, connect, connect-campaigns", WRITES)
    actions = {r.call.action for r in world.results}
    assert actions == {
        a for s in ("iam", "sts", "connect", "connect-campaigns") for a in _writes(s)
    }
    assert all(r.passed is True and r.expected == "denied" for r in world.results)


def test_each_action_is_asked_on_star_and_on_a_probe_of_each_resource_type(tmp_path):
    world = _world(tmp_path, READ_ONLY)
    expect_denied_at_access_levels(world, "nightly", "iam", "Write")
    asked = {r.call.parts[0].resource for r in world.results if r.call.action == "iam:CreateUser"}
    assert asked == {"*", f"{ACCOUNT}:user/iamspec-probe"}
    connect = _world(tmp_path / "c", READ_ONLY)
    expect_denied_at_access_levels(connect, "nightly", "connect", "Write")
    asked = {
        r.call.parts[0].resource for r in connect.results if r.call.action == "connect:DeleteUser"
    }
    instance = (
        "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"
    )
    assert asked == {"*", f"{instance}/agent/iamspec-probe"}


def test_requests_are_batched_into_few_simulate_calls(tmp_path):
    world = _world(tmp_path, READ_ONLY)
    expect_denied_at_access_levels(world, "nightly", "iam, sts, connect, connect-campaigns", WRITES)
    assert len(world.results) > 800
    assert world.backend.simulate_calls < 80


@pytest.mark.parametrize(
    "resource", ["*", f"{ACCOUNT}:user/*", "arn:aws:iam::*:user/*"], ids=["star", "users", "any"]
)
def test_a_policy_that_allows_create_user_fails_and_names_it(tmp_path, resource):
    world = _world(tmp_path, _policy(READ_ONLY["Statement"][0], _allow("iam:CreateUser", resource)))
    with pytest.raises(ScenarioFailure) as info:
        expect_denied_at_access_levels(world, "nightly", "iam, sts", WRITES)
    text = str(info.value)
    assert text.splitlines()[0].endswith("; not denied: 1 action")
    assert "  iam:CreateUser: allowed on " in text
    assert "expected: denied" in text
    assert "policies/under-test.json statement 2" in text
    failed = {r.call.action for r in world.results if r.passed is False}
    assert failed == {"iam:CreateUser"}


def test_the_failure_shows_the_policies_linter_warnings(tmp_path):
    """Issue 7: warnings on the deciding policies come with this check's failure too."""
    unversioned = {"Statement": [_allow("iam:CreateUser")]}
    world = _world(tmp_path, unversioned)
    with pytest.raises(ScenarioFailure) as info:
        expect_denied_at_access_levels(world, "nightly", "iam", WRITES)
    text = str(info.value)
    assert "policy linter warnings (iamspec lint) on the policies that decided this:" in text
    assert "policies/under-test.json:1:1: warning missing-version:" in text


def test_every_allowed_action_is_listed_even_when_there_are_hundreds(tmp_path):
    world = _world(tmp_path, _policy(_allow("*")))
    with pytest.raises(ScenarioFailure) as info:
        expect_denied_at_access_levels(world, "nightly", "iam", WRITES)
    text = str(info.value)
    listed = {
        line.split(": ", 1)[0].strip() for line in text.splitlines() if line.startswith("  iam:")
    }
    assert listed == set(_writes("iam"))
    assert text.splitlines()[0].endswith(f"; not denied: {len(listed)} actions")
    assert "(the first 10 of " in text
    assert text.count("expected: denied") == 10


def test_a_tagging_grant_is_found_through_the_tagging_level(tmp_path):
    world = _world(tmp_path, _policy(_allow("iam:TagRole", f"{ACCOUNT}:role/*")))
    with pytest.raises(
        ScenarioFailure,
        match=r"iam:TagRole: allowed on arn:aws:iam::111122223333:role/iamspec-probe",
    ):
        expect_denied_at_access_levels(world, "nightly", "iam", "tagging")
    assert {r.call.action for r in world.results} == {
        a.full_name for a in default_catalog().expand("iam:*") if "Tagging" in _levels_of(a)
    }


def test_explicitly_denied_needs_a_deny(tmp_path):
    implicit = _world(tmp_path, READ_ONLY)
    with pytest.raises(
        ScenarioFailure, match=r"sts:AssumeRole: implicitly denied \(implicitDeny\) on \*"
    ):
        expect_denied_at_access_levels(implicit, "nightly", "sts", "Write", "explicitly denied")
    denying = _world(
        tmp_path / "d", _policy({"Effect": "Deny", "Action": "sts:*", "Resource": "*"})
    )
    expect_denied_at_access_levels(denying, "nightly", "sts", "Write", "explicitly denied")


@pytest.mark.parametrize(
    ("services", "suggestion"),
    [("iam, stss", "sts"), ("conect", "connect"), ("connect-campaign", "connect-campaigns")],
)
def test_an_unknown_service_is_an_error_with_a_suggestion(tmp_path, services, suggestion):
    world = _world(tmp_path, READ_ONLY)
    with pytest.raises(UnknownServiceError, match=f"did you mean .*'{suggestion}'"):
        expect_denied_at_access_levels(world, "nightly", services, WRITES)
    assert world.results == []


@pytest.mark.parametrize(
    ("levels", "suggestion"),
    [
        ("Write, Permission management", "Permissions management"),
        ("Wirte", "Write"),
        ("Tags", "Tagging"),
    ],
)
def test_an_unknown_access_level_is_an_error_with_a_suggestion(tmp_path, levels, suggestion):
    world = _world(tmp_path, READ_ONLY)
    with pytest.raises(
        UnknownNameError, match=f"unknown access level .*did you mean '{suggestion}'"
    ):
        expect_denied_at_access_levels(world, "nightly", "iam", levels)
    assert world.results == []


def test_an_unknown_level_names_the_known_ones(tmp_path):
    world = _world(tmp_path, READ_ONLY)
    with pytest.raises(UnknownNameError) as info:
        expect_denied_at_access_levels(world, "nightly", "iam", "Admin")
    assert "the access levels are " + ", ".join(ACCESS_LEVELS) in info.value.__notes__


@pytest.mark.parametrize(
    ("services", "levels", "message"),
    [
        (" , ", WRITES, "no service named"),
        ("iam", ",", "no access level named"),
        ("sts", "Permissions management", "the check would prove nothing"),
    ],
)
def test_a_check_of_nothing_is_an_error(tmp_path, services, levels, message):
    world = _world(tmp_path, READ_ONLY)
    with pytest.raises(ScenarioInputError, match=message):
        expect_denied_at_access_levels(world, "nightly", services, levels)


def test_allowed_is_not_a_word_this_check_takes(tmp_path):
    world = _world(tmp_path, READ_ONLY)
    with pytest.raises(ScenarioInputError, match="this check proves denials"):
        expect_denied_at_access_levels(world, "nightly", "iam", "Read", "allowed")


def test_the_catalog_has_no_other_access_levels():
    catalog = default_catalog()
    seen = {
        level
        for service in ("iam", "sts", "connect", "connect-campaigns")
        for action in catalog.expand(f"{service}:*")
        for level in _levels_of(action)
    }
    assert seen == set(ACCESS_LEVELS)
