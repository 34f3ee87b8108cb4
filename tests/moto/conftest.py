"""Fixtures for the moto plug-in: fake credentials, the plug-in, and an IAM client per transport.

The ``iam`` fixture runs each test twice: once inside ``mock_aws()`` and once against a
``ThreadedMotoServer`` on 127.0.0.1 (ephemeral port) reached over HTTP, so both of moto's
ways of answering go through the patched ``IamResponse``.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

import iamspec.moto
from tests.moto.cases import REGION


@pytest.fixture(autouse=True)
def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never reach a real account: fake keys, no profile, no endpoint overrides."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.startswith("MOTO_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


@pytest.fixture
def plugin() -> Iterator[None]:
    """iamspec answers moto's simulator calls for the duration of one test."""
    iamspec.moto.enable()
    yield
    iamspec.moto.disable()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's threaded server on 127.0.0.1 with an ephemeral port; yields its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def reset_server(url: str) -> None:
    """Forget every user, role and policy the previous test left in the server."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture(params=["mock_aws", pytest.param("server", marks=pytest.mark.slow)])
def transport(request: pytest.FixtureRequest) -> str:
    """In process (``mock_aws``), or over HTTP to the threaded server (marked ``slow``)."""
    return str(request.param)


@pytest.fixture
def iam(transport: str, plugin: None, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A boto3 IAM client answered by moto with iamspec enabled, over either transport."""
    if transport == "mock_aws":
        with mock_aws():
            yield boto3.client("iam", region_name=REGION)
    else:
        url = request.getfixturevalue("moto_server")
        reset_server(url)
        yield boto3.client("iam", region_name=REGION, endpoint_url=url)
