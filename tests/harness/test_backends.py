"""The backends: local, moto and live receive the same requests and must agree."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest

from iamspec.engine.evaluator import Decision
from iamspec.harness.backends import (
    ApiOptions,
    LiveBackend,
    LocalBackend,
    MotoBackend,
    make_backend,
)
from iamspec.harness.errors import BackendUnavailableError
from iamspec.harness.requests import Expansion, plan
from tests.harness.kit import make_world


def _scenario(world):
    world.add_principal("IAM group", "g", ["department.json"])
    world.add_principal("IAM user", "u", ["owner-request-tag.json"])
    world.add_to_group("u", "g")
    world.add_principal("IAM role", "r", ["allow-all.json"])
    world.set_boundary("r", "department.json")
    world.add_resource("Connect user", "test", tags="Department=Test")
    world.add_resource("Connect user", "prod", tags="Department=Prod")
    calls = []
    for caller in ("u", "r"):
        for name in ("test", "prod"):
            calls += world.builder.build(
                world.caller(caller),
                "connect:UpdateUser*",
                resources=[world.resource("Connect user", name)],
                expansion=Expansion.APPLICABLE,
            )
            calls += world.builder.build(
                world.caller(caller),
                "connect:DeleteUser",
                resources=[world.resource("Connect user", name)],
            )
    calls += world.builder.build(
        world.caller("u"),
        "connect:CreateUser",
        resources=world.parse_resources('the Connect user "new"', new=True),
        request_tags={"Owner": "TeamA"},
    )
    return calls


def _decisions(outcome):
    return [(r.call.caller.name, r.call.action, r.call.target, r.decision) for r in outcome.results]


class _FakeIam:
    """A boto3-shaped client that records what it is asked and answers with the local engine."""

    def __init__(self, world) -> None:
        self.world = world
        self.requests: list[dict[str, Any]] = []
        self.meta = None

    def simulate_custom_policy(self, **kwargs: Any) -> dict[str, Any]:
        from iamspec import simulate_custom_policy

        self.requests.append(kwargs)
        return simulate_custom_policy(**kwargs)


def test_local_answers_with_the_engines_trace(tmp_path):
    world = make_world(tmp_path)
    calls = _scenario(world)
    outcome = world.backend.ask(calls)
    by = {(c, a, t.split('"')[1] if '"' in t else t): d for c, a, t, d in _decisions(outcome)}
    assert by[("u", "connect:UpdateUserIdentityInfo", "test")] is Decision.ALLOWED
    assert by[("u", "connect:UpdateUserIdentityInfo", "prod")] is Decision.IMPLICIT_DENY
    assert by[("r", "connect:DeleteUser", "test")] is Decision.IMPLICIT_DENY  # boundary caps
    assert by[("u", "connect:CreateUser", "new")] is Decision.ALLOWED
    explanation = outcome.results[0].parts[0].answer.explanation
    assert "policies/department.json (via IAM group g) statement 1" in explanation
    assert world.backend.simulate_calls == len(plan(p for c in calls for p in c.parts))


def test_live_sends_the_same_context_entries_and_agrees(tmp_path):
    world = make_world(tmp_path)
    calls = _scenario(world)
    local = world.backend.ask(calls)
    fake = _FakeIam(world)
    live = LiveBackend(world.catalog, world.settings, ApiOptions(compare_local=True), client=fake)
    live.start()
    assert live.startup_calls == 1  # the access probe
    probe = fake.requests.pop(0)
    assert probe["ActionNames"] == ["iam:SimulateCustomPolicy"]
    answered = live.ask(calls)
    assert _decisions(answered) == _decisions(local)
    batches = plan((p for c in calls for p in c.parts), cross=True)
    callers = {(p.caller, p.context) for c in calls for p in c.parts}
    assert len(batches) == len(callers)  # one call per (principal, context) group
    assert len(fake.requests) == len(batches) == live.simulate_calls
    for sent, batch in zip(fake.requests, batches, strict=True):
        assert sent["ActionNames"] == list(batch.actions)
        assert sent.get("ResourceArns", ["*"]) == list(batch.resources)
        assert sent["ContextEntries"] == batch.context_entries()
        texts = [p.text for p, _ in batch.caller.identity_policies()]
        assert sent["PolicyInputList"] == texts
    for result in answered.results:
        for part in result.parts:
            assert part.answer.reference is not None
            assert not part.answer.drift
            assert "answered by live: SimulateCustomPolicy" in part.answer.explanation


def test_live_without_credentials_fails_at_start(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    world = make_world(tmp_path)
    with pytest.raises(BackendUnavailableError, match="no AWS credentials"):
        make_backend("live", world.catalog, world.settings).start()


def test_unknown_backend(tmp_path):
    world = make_world(tmp_path)
    with pytest.raises(BackendUnavailableError, match="choose one of local, moto, live"):
        make_backend("aws", world.catalog, world.settings)


def test_moto_agrees_with_local(tmp_path, fake_aws):
    moto_plugin = pytest.importorskip("iamspec.moto")
    is_enabled = moto_plugin.is_enabled
    enabled_before = is_enabled()
    world = make_world(tmp_path)
    calls = _scenario(world)
    local = LocalBackend(world.catalog, world.settings).ask(calls)
    moto = MotoBackend(world.catalog, world.settings, ApiOptions(compare_local=True))
    moto.start()
    sent: list[dict[str, Any]] = []
    moto._client.meta.events.register(
        "provide-client-params.iam.SimulatePrincipalPolicy", lambda params, **_: sent.append(params)
    )
    try:
        moto.begin_scenario()
        answered = moto.ask(calls)
        batches = plan((p for c in calls for p in c.parts), cross=True)
        assert [s["ContextEntries"] for s in sent] == [b.context_entries() for b in batches]
        assert [s["PolicySourceArn"] for s in sent] == [b.caller.arn for b in batches]
        assert _decisions(answered) == _decisions(local)
        assert not any(p.answer.drift for r in answered.results for p in r.parts)
        explanation = answered.results[0].parts[0].answer.explanation
        assert "answered by moto: SimulatePrincipalPolicy" in explanation
        assert "policies/department.json statement 1" in explanation
        # principals were created in moto IAM in the settings' account, and are cleaned up
        iam = boto3.client("iam", region_name="us-east-1")
        os.environ["MOTO_ACCOUNT_ID"] = world.settings.account_id
        try:
            assert iam.get_user(UserName="u")["User"]["Arn"] == "arn:aws:iam::111122223333:user/u"
            assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="u")["Groups"]] == [
                "g"
            ]
            role = iam.get_role(RoleName="r")["Role"]
            assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(
                world.policies.load("department.json").managed_policy_name
            )
        finally:
            del os.environ["MOTO_ACCOUNT_ID"]
        moto.begin_scenario()
        os.environ["MOTO_ACCOUNT_ID"] = world.settings.account_id
        try:
            with pytest.raises(iam.exceptions.NoSuchEntityException):
                iam.get_user(UserName="u")
        finally:
            del os.environ["MOTO_ACCOUNT_ID"]
    finally:
        moto.close()
    assert is_enabled() is enabled_before  # the backend leaves the plug-in as it found it


@pytest.mark.slow
def test_live_against_a_moto_server_over_http(tmp_path, fake_aws, monkeypatch):
    """The live code path (boto3 → HTTP → SimulateCustomPolicy) against moto's server."""
    moto_plugin = pytest.importorskip("iamspec.moto")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    enabled_before = moto_plugin.is_enabled()
    moto_plugin.enable()
    try:
        host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", f"http://{host}:{port}")
        world = make_world(tmp_path)
        calls = _scenario(world)
        live = LiveBackend(world.catalog, world.settings)
        live.start()
        answered = live.ask(calls)
        local = LocalBackend(world.catalog, world.settings).ask(calls)
        assert _decisions(answered) == _decisions(local)
        assert live.simulate_calls == len(plan((p for c in calls for p in c.parts), cross=True))
    finally:
        if not enabled_before:
            moto_plugin.disable()
        server.stop()
