# ruff: noqa: E501 - Gherkin steps are written on one line, as in the features
"""The live backend's HTTP behaviour, counted by a proxy in front of a moto server.

Batching (one Simulate* request per (principal, context) group), ``Marker`` paging, botocore
retries on Throttling, the cap on calls, and every way the start can fail (no credentials,
AccessDenied, rejected credentials, a deployed principal missing from the account) and a
deployed principal whose tags differ from the scenario's. Direct use of
:class:`~iamspec.harness.backends.LiveBackend` with a :class:`~iamspec.harness.world.World`,
and black-box pytest runs in a subprocess for what the user sees (exit codes, messages).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iamspec.catalog import default_catalog
from iamspec.engine.evaluator import Decision
from iamspec.harness.backends import ApiOptions, LiveBackend, LocalBackend
from iamspec.harness.errors import (
    BackendUnavailableError,
    CallLimitError,
    ScenarioFailure,
    SimulatorError,
)
from iamspec.harness.policies import PolicyStore
from iamspec.harness.requests import Call, Expansion, plan
from iamspec.harness.world import World
from iamspec.project.settings import load_settings
from tests.live.kit import (
    ACCOUNT,
    PROJECT,
    CountingProxy,
    MotoServer,
    provision_deployed_principals,
    use_live_env,
)

pytestmark = pytest.mark.slow  # a moto server subprocess behind a proxy (tests/live/conftest.py)

INSTANCE = "11111111-2222-3333-4444-555555555555"
AGENT = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/{INSTANCE}/agent"

PYPROJECT = f"""
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
account_id = "{ACCOUNT}"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "{INSTANCE}"
{{extra}}
"""

BY_ARN = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
      "Resource": [
        "arn:aws:connect:us-east-1:111122223333:instance/{{connect_instances.main}}/agent/a",
        "arn:aws:connect:us-east-1:111122223333:instance/{{connect_instances.main}}/agent/b"
      ]
    },
    {
      "Effect": "Deny",
      "Action": "connect:UpdateUserHierarchy",
      "Resource": "arn:aws:connect:us-east-1:111122223333:instance/{{connect_instances.main}}/agent/b"
    },
    {
      "Effect": "Allow",
      "Action": "connect:List*",
      "Resource": "*"
    }
  ]
}
"""

FIVE_ACTIONS = (
    "connect:DescribeUser",
    "connect:UpdateUserPhoneConfig",
    "connect:UpdateUserIdentityInfo",
    "connect:UpdateUserHierarchy",
    "connect:DeleteUser",
)

CONFTEST = f"""
import sys
sys.path.insert(0, {str(PROJECT)!r})
"""

FOUR_SCENARIOS = """\
Feature: four scenarios, one Simulate* call each
  Background:
    Given the IAM user "u" with the policy "by-arn.json"
    And a Connect user "a"

  Scenario: first
    When "u" calls "connect:DescribeUser" on the Connect user "a"
    Then the request is allowed

  Scenario: second
    When "u" calls "connect:UpdateUserPhoneConfig" on the Connect user "a"
    Then the request is allowed

  Scenario: third
    When "u" calls "connect:DeleteUser" on the Connect user "a"
    Then the request is implicitly denied

  Scenario: fourth
    When "u" calls "connect:UpdateUserHierarchy" on the Connect user "a"
    Then the request is allowed
"""

DEPLOYED_PRINCIPALS = f"""
[tool.iamspec.deployed_principals]
test-admin = "arn:aws:iam::{ACCOUNT}:user/test-admin"
main-operator = "arn:aws:iam::{ACCOUNT}:role/main-operator"
"""

DEPLOYED_TAGS = """\
@live
Feature: deployed principals
  Scenario: the operator is stated with a tag the account does not give it
    Given the deployed principal "main-operator" tagged "Team=sales, Cost=42"
    And an outbound campaign "spring" owned by the Connect instance "main"
    When "main-operator" calls "connect-campaigns:DescribeCampaign" on the outbound campaign "spring"
    Then the request is allowed
"""


# --------------------------------------------------------------------------------------------
# fixtures


def _write_project(root: Path, extra: str = "") -> None:
    (root / "pyproject.toml").write_text(PYPROJECT.format(extra=extra))
    (root / "policies").mkdir(exist_ok=True)
    (root / "policies" / "by-arn.json").write_text(BY_ARN)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one policy and no deployed principal (the start makes one probe)."""
    path = tmp_path_factory.mktemp("project")
    _write_project(path)
    return path


@pytest.fixture(scope="module")
def deployed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same project, naming the two deployed principals of the real one."""
    path = tmp_path_factory.mktemp("deployed")
    _write_project(path, DEPLOYED_PRINCIPALS)
    return path


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore retries at once: the tests count retries, they need not wait for them."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


LiveFactory = Callable[..., tuple[World, LiveBackend]]


@pytest.fixture
def live(fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch, root: Path) -> LiveFactory:
    """Make a World answered by a started LiveBackend that reaches moto through the proxy."""
    use_live_env(monkeypatch, fresh_proxy.url)

    def make(
        options: ApiOptions | None = None, at: Path = root, start: bool = True, client: Any = None
    ) -> tuple[World, LiveBackend]:
        settings = load_settings(at)
        catalog = default_catalog()
        options = options or ApiOptions(compare_local=True)
        backend = LiveBackend(catalog, settings, options, client=client)
        if start:
            backend.start()
        world = World(settings, catalog, PolicyStore(settings), backend)
        world.add_principal("IAM user", "u", ["by-arn.json"])
        for name in ("a", "b", "c"):
            world.add_resource("Connect user", name)
        return world, backend

    return make


def _five_by_three(world: World) -> list[Call]:
    calls: list[Call] = []
    for action in FIVE_ACTIONS:
        for name in ("a", "b", "c"):
            calls += world.builder.build(
                world.caller("u"), action, resources=[world.resource("Connect user", name)]
            )
    return calls


def _one_call_groups(world: World, count: int) -> list[list[Call]]:
    """``count`` asks with one (principal, context) group each: distinct aws:SourceIp."""
    return [
        list(
            world.builder.build(
                world.caller("u"),
                "connect:DescribeUser",
                resources=[world.resource("Connect user", "a")],
                context=[("aws:SourceIp", f"203.0.113.{i}")],
            )
        )
        for i in range(1, count + 1)
    ]


# --------------------------------------------------------------------------------------------
# (1) batching


def test_five_actions_on_three_resources_make_one_request(
    live: LiveFactory, fresh_proxy: CountingProxy
) -> None:
    world, backend = live()
    assert fresh_proxy.by_action() == {"SimulateCustomPolicy": 1}  # the start-up probe
    calls = _five_by_three(world)
    assert len(calls) == 15
    assert len(plan((p for c in calls for p in c.parts), cross=True)) == 1

    outcome = world.answer(calls)

    sent = fresh_proxy.simulate_seen()[1:]
    assert len(sent) == 1, [s.params for s in sent]
    params = sent[0].params
    assert sent[0].action == "SimulateCustomPolicy"
    assert sorted(v[0] for k, v in params.items() if k.startswith("ActionNames.member.")) == sorted(
        FIVE_ACTIONS
    )
    assert sorted(v[0] for k, v in params.items() if k.startswith("ResourceArns.member.")) == [
        f"{AGENT}/{n}" for n in ("a", "b", "c")
    ]
    assert not any(k.startswith("MaxItems") or k == "Marker" for k in params)
    assert backend.simulate_calls == 1
    assert backend.startup_calls == 1

    decisions = {
        (r.call.action, r.parts[0].request.resource.rsplit("/", 1)[1]): r.decision
        for r in outcome.results
    }
    assert len(decisions) == 15
    expected = {(a, n): Decision.IMPLICIT_DENY for a in FIVE_ACTIONS for n in "abc"}
    for action in FIVE_ACTIONS[:4]:
        expected[(action, "a")] = expected[(action, "b")] = Decision.ALLOWED
    expected[("connect:UpdateUserHierarchy", "b")] = Decision.EXPLICIT_DENY
    assert decisions == expected
    # every answer also carries the local evaluator's, and they agree
    assert all(
        p.answer.reference is not None and not p.answer.drift
        for r in outcome.results
        for p in r.parts
    )


# --------------------------------------------------------------------------------------------
# (2) paging


def test_more_than_a_page_of_actions_is_followed_with_marker(
    live: LiveFactory, fresh_proxy: CountingProxy
) -> None:
    world, backend = live()
    calls: list[Call] = []
    for pattern in ("connect:List*", "connect:Update*"):
        calls += world.builder.build(
            world.caller("u"), pattern, any_resource=True, expansion=Expansion.EACH
        )
    actions = {c.action for c in calls}
    assert len(actions) > 100  # more than AWS's default page (MaxItems 100)
    assert len(plan((p for c in calls for p in c.parts), cross=True)) == 1
    pages = math.ceil(len(actions) / 100)
    assert pages >= 2

    outcome = world.answer(calls)

    sent = fresh_proxy.simulate_seen()[1:]
    assert len(sent) == pages == backend.simulate_calls
    assert "Marker" not in sent[0].params
    assert all("Marker" in s.params for s in sent[1:])
    assert not any("MaxItems" in s.params for s in sent)  # the backend relies on the default
    answered = {r.call.action: r.decision for r in outcome.results}
    assert set(answered) == actions
    assert all(d is Decision.ALLOWED for a, d in answered.items() if a.startswith("connect:List"))
    assert all(
        d is Decision.IMPLICIT_DENY
        for a, d in answered.items()
        if a.startswith("connect:Update")  # on "*": the Allow names only agents a and b
    )
    assert not any(p.answer.drift for r in outcome.results for p in r.parts)


def test_a_deployed_principal_is_paged_too(
    live: LiveFactory, fresh_proxy: CountingProxy, moto: MotoServer, deployed_root: Path
) -> None:
    provision_deployed_principals(moto.client(), only=("test-admin", "main-operator"))
    world, backend = live(at=deployed_root)
    assert fresh_proxy.by_action() == {  # the start: the probe, each principal, their tags
        "SimulateCustomPolicy": 1,
        "SimulatePrincipalPolicy": 2,
        "ListUserTags": 1,
        "ListRoleTags": 1,
    }
    world.live_only = True
    world.add_deployed_principal("test-admin")
    calls: list[Call] = []
    for pattern in ("connect:List*", "connect:Update*"):
        calls += world.builder.build(
            world.caller("test-admin"), pattern, any_resource=True, expansion=Expansion.EACH
        )
    pages = math.ceil(len({c.action for c in calls}) / 100)

    outcome = world.answer(calls)

    sent = fresh_proxy.simulate_seen()[3:]
    assert [s.action for s in sent] == ["SimulatePrincipalPolicy"] * pages
    assert sent[0].params["PolicySourceArn"] == [f"arn:aws:iam::{ACCOUNT}:user/test-admin"]
    assert all("Marker" in s.params for s in sent[1:])
    assert backend.simulate_calls == pages
    assert len(outcome.results) == len(calls)
    # deployed: the local evaluator is not asked, and the explanation names the API used
    assert all(p.answer.reference is None for r in outcome.results for p in r.parts)
    explanation = outcome.results[0].parts[0].answer.explanation
    assert "answered by live: SimulatePrincipalPolicy" in explanation


# --------------------------------------------------------------------------------------------
# (3) throttling


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_throttling_is_retried_and_counted(
    live: LiveFactory, fresh_proxy: CountingProxy, no_backoff: None, mode: str
) -> None:
    world, backend = live(ApiOptions(compare_local=True, retry_mode=mode))
    fresh_proxy.throttle(3)

    outcome = world.answer(_five_by_three(world))

    assert len(outcome.results) == 15
    assert backend.simulate_calls == 1
    assert backend.retries == 3
    # the probe, three throttled attempts, and the one that got through
    assert fresh_proxy.simulate_requests == 1 + 3 + 1
    assert fresh_proxy.faulted == 3
    assert [s.faulted for s in fresh_proxy.simulate_seen()] == [
        None,
        "Throttling",
        "Throttling",
        "Throttling",
        None,
    ]


@pytest.mark.parametrize("attempts", [1, 2])
def test_throttling_beyond_the_attempts_is_an_error_naming_it(
    live: LiveFactory, fresh_proxy: CountingProxy, no_backoff: None, attempts: int
) -> None:
    """``max_attempts`` counts the first attempt (ApiOptions, ``--iam-max-attempts``).

    Fails while ApiOptions.botocore_config passes it to botocore as ``max_attempts``, which
    botocore reads as the number of *retries* (it adds one): N attempts become N + 1.
    """
    world, backend = live(ApiOptions(max_attempts=attempts))
    fresh_proxy.throttle(5)

    with pytest.raises(SimulatorError) as caught:
        world.answer(_five_by_three(world))

    assert caught.value.code == "Throttling"
    assert caught.value.api == "SimulateCustomPolicy"
    message = str(caught.value)
    assert "Throttling: Rate exceeded" in message
    sent = fresh_proxy.simulate_requests - 1  # after the start-up probe
    assert (sent, backend.retries, caught.value.retries) == (attempts, attempts - 1, attempts - 1)
    if attempts > 1:
        assert f"after {attempts - 1} retries" in message
    assert fresh_proxy.faulted == attempts


# --------------------------------------------------------------------------------------------
# (4) the call cap


def test_the_cap_stops_the_third_group_before_it_is_sent(
    live: LiveFactory, fresh_proxy: CountingProxy
) -> None:
    """The cap counts every Simulate* call of the process, the start-up probe included."""
    world, backend = live(ApiOptions(max_calls=3))
    assert backend.startup_calls == 1
    first, second, third = _one_call_groups(world, 3)
    world.answer(first)
    world.answer(second)
    assert fresh_proxy.simulate_requests == 3

    with pytest.raises(CallLimitError) as caught:
        world.answer(third)

    assert fresh_proxy.simulate_requests == 3  # nothing sent for the third group
    assert backend.simulate_calls == 2
    assert "cap of 3 Simulate* calls" in str(caught.value)
    assert "--iam-max-calls" in str(caught.value)


def test_the_cap_without_a_start(live: LiveFactory, fresh_proxy: CountingProxy) -> None:
    """With no start-up probe, ``max_calls=2`` lets exactly two groups through."""
    import boto3

    options = ApiOptions(max_calls=2)
    client = boto3.client("iam", region_name="us-east-1", config=options.botocore_config())
    world, backend = live(options, start=False, client=client)
    groups = _one_call_groups(world, 3)
    world.answer(groups[0])
    world.answer(groups[1])
    with pytest.raises(CallLimitError):
        world.answer(groups[2])
    assert fresh_proxy.simulate_requests == 2
    assert backend.simulate_calls == 2


def test_the_cap_stops_the_pytest_run(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url)
    _project(pytester, FOUR_SCENARIOS)

    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--iam-backend=live", "--iam-max-calls", "3"
    )

    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED, output
    result.assert_outcomes(passed=2, failed=1)  # the fourth scenario never ran
    assert "CallLimitError" in output
    assert "the cap of 3 Simulate* calls" in output
    assert "iamspec: live: the cap of 3 Simulate* calls" in output  # why the run stopped
    assert "fourth" not in result.stdout.str().split("short test summary info")[-1]
    assert fresh_proxy.simulate_requests == 3  # the probe and two scenarios


# --------------------------------------------------------------------------------------------
# (5)-(8) the start fails: a usage error (exit code 4), before any scenario


def _project(pytester: pytest.Pytester, feature: str, extra: str = "") -> None:
    pytester.makefile(".toml", pyproject=PYPROJECT.format(extra=extra))
    pytester.makeconftest(CONFTEST)
    policies = pytester.mkdir("policies")
    (policies / "by-arn.json").write_text(BY_ARN)
    features = pytester.mkdir("features")
    (features / "one.feature").write_text(feature)
    (features / "test_one.py").write_text(
        'from pytest_bdd import scenarios\n\nscenarios("one.feature")\n'
    )


def _run_start_failure(pytester: pytest.Pytester) -> tuple[pytest.RunResult, str]:
    _project(pytester, FOUR_SCENARIOS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--iam-backend=live")
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str() + result.stderr.str()
    assert "passed" not in result.stdout.str()
    return result, " ".join(result.stderr.str().split())


def test_no_credentials_stop_the_run_before_any_request(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url, credentials=False)

    _, stderr = _run_start_failure(pytester)

    assert "--iam-backend=live: no AWS credentials" in stderr
    assert "iam:SimulateCustomPolicy" in stderr
    assert fresh_proxy.count() == 0


def test_access_denied_names_the_permission_and_the_role_policy(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url)
    fresh_proxy.fail_simulate(
        403,
        "AccessDenied",
        f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: "
        "iam:SimulateCustomPolicy",
    )

    _, stderr = _run_start_failure(pytester)

    assert "the credentials in use may not call iam:SimulateCustomPolicy" in stderr
    assert "is not authorized to perform: iam:SimulateCustomPolicy" in stderr  # AWS's words
    assert "policies/iamspec/nightly-live-role.json" in stderr
    assert fresh_proxy.simulate_requests == 1  # not retried
    assert fresh_proxy.faulted == 1


def test_rejected_credentials_say_so(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url)
    fresh_proxy.fail_simulate(
        403, "InvalidClientTokenId", "The security token included in the request is invalid."
    )

    _, stderr = _run_start_failure(pytester)

    assert "AWS rejected the credentials (InvalidClientTokenId:" in stderr
    assert "The security token included in the request is invalid." in stderr
    assert fresh_proxy.simulate_requests == 1


def test_a_missing_deployed_principal_stops_the_start(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_live_env(monkeypatch, fresh_proxy.url)
    _project(pytester, FOUR_SCENARIOS, extra=DEPLOYED_PRINCIPALS)  # the server holds neither

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--iam-backend=live")

    stderr = " ".join(result.stderr.str().split())
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str() + stderr
    assert (
        f'the deployed principal "test-admin" (arn:aws:iam::{ACCOUNT}:user/test-admin, '
        "[tool.iamspec.deployed_principals]) does not exist in the account"
    ) in stderr
    assert fresh_proxy.by_action() == {"SimulateCustomPolicy": 1, "SimulatePrincipalPolicy": 1}


def test_a_missing_deployed_principal_direct(
    live: LiveFactory, moto: MotoServer, fresh_proxy: CountingProxy, deployed_root: Path
) -> None:
    """Only the role is missing: the user's check passes, the role's names the role."""
    provision_deployed_principals(moto.client(), only=("test-admin",))
    with pytest.raises(BackendUnavailableError) as caught:
        live(at=deployed_root)
    assert '"main-operator"' in str(caught.value)
    assert f"arn:aws:iam::{ACCOUNT}:role/main-operator" in str(caught.value)
    assert "does not exist in the account" in str(caught.value)
    assert fresh_proxy.by_action() == {"SimulateCustomPolicy": 1, "SimulatePrincipalPolicy": 2}


# --------------------------------------------------------------------------------------------
# (9) the account's tags differ from the scenario's


def test_a_stated_tag_the_account_lacks_fails_the_scenario(
    pytester: pytest.Pytester,
    fresh_proxy: CountingProxy,
    moto: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    provision_deployed_principals(moto.client())
    use_live_env(monkeypatch, fresh_proxy.url)
    _project(pytester, DEPLOYED_TAGS, extra=DEPLOYED_PRINCIPALS)
    (pytester.path / "policies" / "connect-campaigns").mkdir()

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--iam-backend=live")

    output = " ".join(result.stdout.str().split())
    assert result.ret == pytest.ExitCode.TESTS_FAILED, output
    result.assert_outcomes(failed=1)
    assert "ScenarioFailure" in output
    assert (
        f'the deployed principal "main-operator" (arn:aws:iam::{ACCOUNT}:role/main-operator) '
        "does not carry the tags the scenario states: Team=sales (the account has "
        "Team=operations), Cost=42 (absent in the account); the account has Team=operations"
    ) in output
    assert "one.feature:4: Given the deployed principal" in output
    assert fresh_proxy.count("ListRoleTags") == 1
    # no scenario request was sent: only the start-up checks
    assert fresh_proxy.simulate_requests == 3


def test_a_stated_tag_the_account_lacks_direct(
    live: LiveFactory, moto: MotoServer, fresh_proxy: CountingProxy, deployed_root: Path
) -> None:
    provision_deployed_principals(moto.client())
    world, backend = live(at=deployed_root)
    world.live_only = True
    with pytest.raises(ScenarioFailure, match=r"Team=sales \(the account has Team=operations\)"):
        world.add_deployed_principal("main-operator", "Team=sales")
    principal = world.add_deployed_principal("main-operator", "Team=operations")
    assert principal.tags == {"Team": "operations"}
    assert fresh_proxy.count("ListRoleTags") == 1  # read once (at start), then cached
    assert backend.read_calls == 2  # both deployed principals' tags, read by start()


def test_local_agrees_with_the_batched_answers(live: LiveFactory) -> None:
    """A sanity check that the fixture world means what the tests above assume."""
    world, _ = live(start=False)
    local = LocalBackend(world.catalog, world.settings).ask(_five_by_three(world))
    assert sum(r.decision is Decision.ALLOWED for r in local.results) == 7
    assert sum(r.decision is Decision.EXPLICIT_DENY for r in local.results) == 1


def test_iam_max_attempts_1_means_no_retry_through_pytest(
    pytester: pytest.Pytester, fresh_proxy: CountingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--iam-max-attempts N``: "attempts per API request, the first included". With 1, a
    throttled request is not repeated: the scenario fails naming Throttling.

    Fails while ApiOptions.botocore_config hands N to botocore as ``max_attempts`` (retries).
    """
    use_live_env(monkeypatch, fresh_proxy.url)
    _project(pytester, FOUR_SCENARIOS.split("  Scenario: second")[0])
    fresh_proxy.throttle(1, after=1)  # the probe passes; the scenario's request is throttled

    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--iam-backend=live", "--iam-max-attempts", "1"
    )

    output = result.stdout.str()
    assert fresh_proxy.faulted == 1
    assert fresh_proxy.simulate_requests == 2, output  # the probe, one attempt
    assert result.ret == pytest.ExitCode.TESTS_FAILED, output
    assert "SimulatorError: live: SimulateCustomPolicy failed: Throttling: Rate exceeded" in output
