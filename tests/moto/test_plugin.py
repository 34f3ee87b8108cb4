"""The plug-in itself: enable/disable, the ways moto is reached, and the backend reader."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.iam.models import iam_backends

import iamspec.moto
from iamspec.errors import NoSuchEntityError
from iamspec.moto import MotoPolicyReader
from tests.moto.cases import (
    ACCOUNT,
    AGENT_ARN,
    DEPARTMENT_POLICY,
    DESCRIBE_ONLY_BOUNDARY,
    REGION,
    TRUST_POLICY,
    tag,
    without_metadata,
)

REQUEST = {
    "PolicyInputList": [DEPARTMENT_POLICY],
    "ActionNames": ["connect:DescribeUser"],
    "ResourceArns": [AGENT_ARN],
    "ContextEntries": [tag("aws:ResourceTag/Department", "Test")],
}


def allowed(client: Any) -> bool:
    result = client.simulate_custom_policy(**REQUEST)["EvaluationResults"][0]
    return bool(result["EvalDecision"] == "allowed")


def test_enable_is_idempotent_and_disable_restores_moto():
    try:
        iamspec.moto.enable()
        iamspec.moto.enable()
        assert iamspec.moto.is_enabled()
        with mock_aws():
            assert allowed(boto3.client("iam", region_name=REGION))
        iamspec.moto.disable()
        assert not iamspec.moto.is_enabled()
        with mock_aws(), pytest.raises(NotImplementedError):
            boto3.client("iam", region_name=REGION).simulate_custom_policy(**REQUEST)
    finally:
        iamspec.moto.disable()


def test_enable_works_with_mock_aws_as_a_decorator(plugin):
    @mock_aws
    def simulate() -> bool:
        return allowed(boto3.client("iam", region_name=REGION))

    assert simulate()


def test_enable_after_mock_aws_started():
    # The patch is on the class, so a mock that is already running sees it too.
    with mock_aws():
        client = boto3.client("iam", region_name=REGION)
        iamspec.moto.enable()
        try:
            assert allowed(client)
        finally:
            iamspec.moto.disable()


@pytest.mark.slow
def test_server_reached_through_aws_endpoint_url_iam(plugin, moto_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", moto_server)
    client = boto3.client("iam", region_name=REGION)
    assert client.meta.endpoint_url == moto_server
    assert allowed(client)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server_process() -> Iterator[str]:
    """``python -m iamspec.moto`` in its own process; yields its URL once it answers."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "iamspec.moto", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("python -m iamspec.moto did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_python_m_iamspec_moto_serves_the_simulator_over_http(server_process, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", server_process)
    client = boto3.client("iam", region_name=REGION)
    assert allowed(client)
    client.create_user(UserName="test-admin")
    client.put_user_policy(UserName="test-admin", PolicyName="p", PolicyDocument=DEPARTMENT_POLICY)
    response = client.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/test-admin",
        **{k: v for k, v in REQUEST.items() if k != "PolicyInputList"},
    )
    assert response["EvaluationResults"][0]["EvalDecision"] == "allowed"
    assert without_metadata(client.simulate_custom_policy(**REQUEST)) == (
        iamspec.simulate_custom_policy(**REQUEST)
    )


# --- MotoPolicyReader, straight on the backend ------------------------------------------------


@pytest.fixture
def backend() -> Iterator[Any]:
    with mock_aws():
        yield iam_backends[ACCOUNT]["aws"]


def test_reader_names_and_kinds_of_sources(backend):
    backend.create_user(REGION, "u")
    backend.put_user_policy("u", "own", DEPARTMENT_POLICY)
    policy = backend.create_policy("", "/team/", DEPARTMENT_POLICY, "Dept", [])
    backend.attach_user_policy(policy.arn, "u")
    backend.create_group("g", "/")
    backend.add_user_to_group("g", "u")
    backend.put_group_policy("g", "grp", DEPARTMENT_POLICY)
    sources, boundary = MotoPolicyReader(backend).gather("user", "u")
    assert [(s.policy_id, s.kind, s.arn, s.attachment) for s in sources] == [
        ("user_u_own", "inline", None, ("user", "u")),
        ("Dept", "user-managed", f"arn:aws:iam::{ACCOUNT}:policy/team/Dept", None),
        ("group_g_grp", "inline", None, ("group", "g")),
    ]
    assert all(s.text == DEPARTMENT_POLICY for s in sources)
    assert boundary is None


def test_reader_reads_the_default_version_and_the_role_boundary(backend):
    role = backend.create_role("r", TRUST_POLICY, "/", None, "", [], None)
    policy = backend.create_policy("", "/", DESCRIBE_ONLY_BOUNDARY, "P", [])
    backend.create_policy_version(policy.arn, DEPARTMENT_POLICY, "true")
    backend.attach_role_policy(policy.arn, "r")
    limit = backend.create_policy("", "/", DESCRIBE_ONLY_BOUNDARY, "Limit", [])
    backend.put_role_permissions_boundary("r", limit.arn)
    sources, boundary = MotoPolicyReader(backend).gather("role", role.name)
    assert [(s.policy_id, s.text) for s in sources] == [("P", DEPARTMENT_POLICY)]
    assert boundary is not None
    assert (boundary.policy_id, boundary.kind, boundary.text) == (
        "Limit",
        "permission-boundary",
        DESCRIBE_ONLY_BOUNDARY,
    )


def test_reader_url_decodes_a_stored_encoded_document(backend):
    backend.create_user(REGION, "u")
    user = backend.users["u"]
    user.policies["encoded"] = urllib.parse.quote(DEPARTMENT_POLICY)
    user.policies["as-dict"] = json.loads(DEPARTMENT_POLICY)
    user.policies["percent"] = '{"Version": "2012-10-17", "Statement": [], "Sid": "100%"}'
    texts = {s.policy_id: s.text for s in MotoPolicyReader(backend).gather("user", "u")[0]}
    assert texts["user_u_encoded"] == DEPARTMENT_POLICY
    assert json.loads(texts["user_u_as-dict"]) == json.loads(DEPARTMENT_POLICY)
    assert texts["user_u_percent"].endswith('"100%"}')


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_reader_missing_entity_is_no_such_entity(backend, kind):
    with pytest.raises(NoSuchEntityError) as info:
        MotoPolicyReader(backend).gather(kind, "ghost")
    assert info.value.message == f"The {kind} with name ghost cannot be found."
    assert (info.value.code, info.value.http_status) == ("NoSuchEntity", 404)
