"""Helpers for the live-backend tests: a moto server, a counting proxy, deployed principals.

Everything runs over HTTP on 127.0.0.1; nothing reaches AWS.

- :func:`moto_server` starts ``python -m iamspec.moto`` (moto's server with iamspec's Simulate*
  support) in a subprocess on a free port, in the project's account, and stops it afterwards.
- :class:`CountingProxy` sits between boto3 and that server: it counts requests by the
  ``Action=`` of their form body and can inject faults (Throttling, AccessDenied, rejected
  credentials) or rewrite the simulator's decisions (drift on purpose).
- :func:`provision_deployed_principals` creates the principals the project's
  ``[tool.iamspec.deployed_principals]`` name, with the policies
  ``features/live_deployed_principals.feature`` expects.
- :func:`live_env` is the environment of a live run: fake keys, no profile, the endpoint.

The fixtures (``moto``, ``proxy``, ``fresh_proxy``) are in ``tests/live/conftest.py``,
module-scoped: one server and one proxy per test module.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SRC = PROJECT / "src"
ACCOUNT = "111122223333"
REGION = "us-east-1"
SIMULATE = ("SimulateCustomPolicy", "SimulatePrincipalPolicy")
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"

TRUST_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    f'"Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}]}}'
)


def free_port() -> int:
    """A TCP port nobody listens on right now (bind to port 0 and let the OS choose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------------
# the moto server


@dataclass
class MotoServer:
    """A ``python -m iamspec.moto`` subprocess."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        """Forget every user, role and policy (moto's reset API)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def client(self) -> Any:
        """A boto3 IAM client talking to the server directly (not through a proxy)."""
        import boto3

        return boto3.client(
            "iam",
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def _wait_until_up(server: MotoServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the moto server exited with {server.process.returncode}:\n"
                + server.log.read_text(errors="replace")[-3000:]
            )
        try:
            with urllib.request.urlopen(f"{server.url}/moto-api/data.json", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: up
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"the moto server on port {server.port} did not answer in {timeout} s")


@contextlib.contextmanager
def moto_server(log_dir: Path) -> Iterator[MotoServer]:
    """Start moto's server with iamspec enabled on a free port; terminate it afterwards."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(
        MOTO_ACCOUNT_ID=ACCOUNT,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")])),
    )
    log = log_dir / f"moto-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "iamspec.moto", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(log_dir),
        )
    server = MotoServer(port, process, log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck server
            process.kill()
            process.wait(timeout=10)


# --------------------------------------------------------------------------------------------
# the counting, fault-injecting proxy


def error_xml(code: str, message: str, kind: str = "Sender") -> bytes:
    """An IAM Query-protocol error body."""
    return (
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>{kind}</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error>"
        "<RequestId>4f0c9d1e-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
    ).encode()


Rewrite = Callable[[str, int, bytes], bytes]
"""(action, 1-based index among the Simulate* requests, body) -> body."""

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}
)


@dataclass
class Seen:
    """One request the proxy received."""

    action: str
    params: dict[str, list[str]]
    faulted: str | None = None


@dataclass
class CountingProxy:
    """An HTTP proxy to the moto server that counts requests by ``Action`` and injects faults.

    ``throttle(n, after=k)``: after ``k`` more, the next ``n`` Simulate* requests get HTTP 400
    Throttling.
    ``fail_simulate(status, code, message)``: every Simulate* request gets that error.
    ``fail_action(action, status, code, message)``: every request with that ``Action`` does.
    ``rewrite``: a function that may change a Simulate* response body.
    """

    upstream_port: int
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    rewrite: Rewrite | None = None
    _throttles: int = 0
    _spared: int = 0
    _failure: tuple[int, str, str] | None = None
    _action_failures: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- control ------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the requests seen and every fault."""
        with self._lock:
            self.seen.clear()
            self._throttles = 0
            self._spared = 0
            self._failure = None
            self._action_failures.clear()
            self.rewrite = None

    def throttle(self, count: int, after: int = 0) -> None:
        """Answer ``count`` Simulate* requests with Throttling, after letting ``after`` pass."""
        with self._lock:
            self._throttles = count
            self._spared = after

    def fail_simulate(self, status: int, code: str, message: str) -> None:
        with self._lock:
            self._failure = (status, code, message)

    def fail_action(self, action: str, status: int, code: str, message: str) -> None:
        """Answer every request with this ``Action`` (e.g. ListRoleTags) with that error."""
        with self._lock:
            self._action_failures[action] = (status, code, message)

    def _failure_of(self, action: str) -> tuple[int, str, str]:
        with self._lock:
            found = self._action_failures.get(action) or self._failure
        assert found is not None
        return found

    # -- counts -------------------------------------------------------------------------------

    def count(self, action: str | None = None) -> int:
        """Requests seen, all or with this ``Action`` (faulted ones included)."""
        with self._lock:
            return sum(1 for s in self.seen if action is None or s.action == action)

    @property
    def simulate_requests(self) -> int:
        """SimulateCustomPolicy + SimulatePrincipalPolicy requests (faulted ones included)."""
        with self._lock:
            return sum(1 for s in self.seen if s.action in SIMULATE)

    @property
    def faulted(self) -> int:
        with self._lock:
            return sum(1 for s in self.seen if s.faulted)

    def by_action(self) -> Counter[str]:
        with self._lock:
            return Counter(s.action for s in self.seen)

    def simulate_seen(self) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.action in SIMULATE]

    # -- serving ------------------------------------------------------------------------------

    def _decide(self, action: str, params: dict[str, list[str]]) -> tuple[Seen, int]:
        """Record the request; return it with its index among Simulate* requests."""
        with self._lock:
            seen = Seen(action, params)
            index = 0
            if action in self._action_failures:
                seen.faulted = self._action_failures[action][1]
            elif action in SIMULATE:
                index = 1 + sum(1 for s in self.seen if s.action in SIMULATE)
                if self._failure is not None:
                    seen.faulted = self._failure[1]
                elif self._spared > 0:
                    self._spared -= 1
                elif self._throttles > 0:
                    self._throttles -= 1
                    seen.faulted = "Throttling"
            self.seen.append(seen)
            return seen, index

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                conn = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                try:
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    response = conn.getresponse()
                    return response.status, response.getheaders(), response.read()
                finally:
                    conn.close()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
                action = (params.get("Action") or ["?"])[0]
                seen, index = proxy._decide(action, params)
                if seen.faulted == "Throttling":
                    payload = error_xml("Throttling", "Rate exceeded")
                    self._reply(400, [("Content-Type", "text/xml")], payload)
                    return
                if seen.faulted is not None:
                    status, code, message = proxy._failure_of(action)
                    self._reply(status, [("Content-Type", "text/xml")], error_xml(code, message))
                    return
                status, headers, payload = self._forward(body)
                rewrite = proxy.rewrite
                if rewrite is not None and action in SIMULATE and status == 200:
                    payload = rewrite(action, index, payload)
                self._reply(status, headers, payload)

            do_POST = _handle
            do_GET = _handle

        return Handler

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


@contextlib.contextmanager
def counting_proxy(upstream_port: int) -> Iterator[CountingProxy]:
    proxy = CountingProxy(upstream_port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


_ALLOWED = re.compile(rb"<(EvalDecision|EvalResourceDecision)>allowed</\1>")


def deny_allowed_after(first: int) -> Rewrite:
    """Rewrite ``allowed`` to ``implicitDeny`` in SimulateCustomPolicy responses after the
    first ``first`` Simulate* requests (so the start-up probe still answers ``allowed``)."""

    def rewrite(action: str, index: int, body: bytes) -> bytes:
        if action != "SimulateCustomPolicy" or index <= first:
            return body
        return _ALLOWED.sub(rb"<\1>implicitDeny</\1>", body)

    return rewrite


# --------------------------------------------------------------------------------------------
# deployed principals


def filled_policy(name: str, root: Path = PROJECT) -> str:
    """A policy file of the project with its ``{{placeholders}}`` filled, as the harness does."""
    from iamspec.harness.policies import PolicyStore
    from iamspec.project.settings import load_settings

    return PolicyStore(load_settings(root)).load(name).text


DEPLOYED = {
    "test-admin": ("user", "connect/describe-update-users-by-department.json", {}),
    "main-operator": ("role", "connect-campaigns/by-owner-tag.json", {"Team": "operations"}),
}
"""What ``features/live_deployed_principals.feature`` expects the account to hold."""


def provision_deployed_principals(client: Any, only: tuple[str, ...] | None = None) -> None:
    """Create the deployed principals of the project in the moto server behind ``client``."""
    for name, (kind, policy, tags) in DEPLOYED.items():
        if only is not None and name not in only:
            continue
        arn = client.create_policy(
            PolicyName=f"iamspec-{name}", PolicyDocument=filled_policy(policy)
        )["Policy"]["Arn"]
        tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
        if kind == "user":
            client.create_user(UserName=name, **({"Tags": tag_list} if tag_list else {}))
            client.attach_user_policy(UserName=name, PolicyArn=arn)
        else:
            client.create_role(
                RoleName=name,
                AssumeRolePolicyDocument=TRUST_POLICY,
                **({"Tags": tag_list} if tag_list else {}),
            )
            client.attach_role_policy(RoleName=name, PolicyArn=arn)


# --------------------------------------------------------------------------------------------
# the environment of a live run


def live_env(endpoint: str | None, *, credentials: bool = True) -> dict[str, str]:
    """``os.environ`` without AWS_*/MOTO_*/PYTEST_ADDOPTS, plus fake keys and the endpoint."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "MOTO_")) and k != "PYTEST_ADDOPTS"
    }
    env.update(
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(SRC), str(PROJECT), os.environ.get("PYTHONPATH")])
        ),
    )
    if credentials:
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    if endpoint is not None:
        env["AWS_ENDPOINT_URL_IAM"] = endpoint
    return env


def use_live_env(
    monkeypatch: pytest.MonkeyPatch, endpoint: str | None, *, credentials: bool = True
) -> None:
    """Make this process's environment :func:`live_env` (undone by monkeypatch)."""
    wanted = live_env(endpoint, credentials=credentials)
    for name in list(os.environ):
        if name not in wanted:
            monkeypatch.delenv(name)
    for name, value in wanted.items():
        monkeypatch.setenv(name, value)


# --------------------------------------------------------------------------------------------
# a small project for black-box pytest runs

INSTANCE = "11111111-2222-3333-4444-555555555555"

SMALL_PYPROJECT = f"""
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
account_id = "{ACCOUNT}"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "{INSTANCE}"
{{extra}}
"""

SMALL_CONFTEST = f"""
import sys
sys.path.insert(0, {str(PROJECT)!r})
"""

DEPLOYED_PRINCIPALS = f"""
[tool.iamspec.deployed_principals]
test-admin = "arn:aws:iam::{ACCOUNT}:user/test-admin"
main-operator = "arn:aws:iam::{ACCOUNT}:role/main-operator"
"""


def write_project(
    root: Path, features: dict[str, str], policies: dict[str, str], extra: str = ""
) -> None:
    """A project at ``root``: pyproject.toml (``extra`` appended to ``[tool.iamspec]``), the
    harness's steps, ``policies/<name>`` and ``features/<name>.feature`` with a test module
    each (so that ``--dist loadfile`` may give each feature file to another worker)."""
    (root / "pyproject.toml").write_text(SMALL_PYPROJECT.format(extra=extra))
    (root / "conftest.py").write_text(SMALL_CONFTEST)
    (root / "policies").mkdir(exist_ok=True)
    for name, text in policies.items():
        (root / "policies" / name).write_text(text)
    (root / "features").mkdir(exist_ok=True)
    for name, text in features.items():
        (root / "features" / f"{name}.feature").write_text(text)
        (root / "features" / f"test_{name}.py").write_text(
            f'from pytest_bdd import scenarios\n\nscenarios("{name}.feature")\n'
        )
