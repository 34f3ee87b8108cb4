"""Fixtures of the live-path tests: one moto server and one counting proxy per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# kit.py's own assertions (a reset the server refused, a fault without its error) explain
# themselves as a test's do
pytest.register_assert_rewrite("tests.live.kit")

from tests.live.kit import (  # noqa: E402 - after register_assert_rewrite
    CountingProxy,
    MotoServer,
    counting_proxy,
    moto_server,
)


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A moto server subprocess with iamspec's Simulate* support, for this module."""
    with moto_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture(scope="module")
def proxy(moto: MotoServer) -> Iterator[CountingProxy]:
    """The counting proxy in front of :func:`moto`; reset before each test that uses it."""
    with counting_proxy(moto.port) as running:
        yield running


@pytest.fixture
def fresh_proxy(proxy: CountingProxy, moto: MotoServer) -> CountingProxy:
    """The module's proxy with nothing seen and no fault, and an empty moto server."""
    moto.reset()
    proxy.reset()
    return proxy
