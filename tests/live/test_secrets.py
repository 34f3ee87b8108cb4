"""Issue 14, finding 10: no credential, token, signature or signed header in any output.

With ``--log-level=DEBUG`` botocore logs every request it signs: the canonical request with
its ``x-amz-security-token`` header, the ``Authorization`` header with the access key id and
the signature. pytest prints a failing test's captured log, writes it to ``--log-file`` and
the JUnit XML. A live run with session credentials (an assumed role: access key id, secret
key, session token), against a moto server over HTTP, at DEBUG, with a failing scenario,
must show none of the three, nor a signature, anywhere.
"""

from __future__ import annotations

import re
import secrets

import pytest

from iamspec.catalog import default_catalog
from iamspec.harness.backends import ApiOptions, LiveBackend
from iamspec.project.settings import load_settings
from tests.live.kit import MotoServer, use_live_env, write_project

pytestmark = pytest.mark.slow  # a moto server subprocess behind a proxy (tests/live/conftest.py)

ALLOW_DESCRIBE = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]
}
"""
FAILING = """\
Feature: a scenario that fails
  Scenario: deleting is not allowed, but the scenario says it is
    Given the IAM user "u" with the policy "allow-describe.json"
    And a Connect user "a"
    When "u" calls "connect:DeleteUser" on the Connect user "a"
    Then the request is allowed
"""
SIGNATURE = re.compile(r"Signature=[0-9a-f]{64}")


def _session_credentials(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> tuple[str, ...]:
    """The environment of a live run as an assumed role gets it; returns the three secrets."""
    use_live_env(monkeypatch, endpoint)
    key_id = "ASIA" + secrets.token_hex(8).upper()
    secret = secrets.token_urlsafe(30)
    token = "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(180)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("AWS_SESSION_TOKEN", token)
    return key_id, secret, token


def _assert_no_secret(text: str, secrets_: tuple[str, ...], where: str) -> None:
    for value in secrets_:
        assert value not in text, f"{where} shows a credential"
    assert not SIGNATURE.search(text), f"{where} shows a request signature"


def test_finding10_debug_logs_of_a_failing_live_run_show_no_credential(
    pytester: pytest.Pytester, moto: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = _session_credentials(monkeypatch, moto.url)
    write_project(pytester.path, {"one": FAILING}, {"allow-describe.json": ALLOW_DESCRIBE})
    junit, log = pytester.path / "junit.xml", pytester.path / "debug.log"
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--iam-backend=live",
        "--log-level=DEBUG",
        "-o",
        "log_cli=true",
        "--log-cli-level=DEBUG",
        f"--log-file={log}",
        "--log-file-level=DEBUG",
        f"--junitxml={junit}",
        "-o",
        "junit_logging=all",
        "-rA",
    )
    result.assert_outcomes(failed=1)
    outputs = {
        "stdout": result.stdout.str(),
        "stderr": result.stderr.str(),
        "the JUnit XML": junit.read_text(encoding="utf-8"),
        "the log file": log.read_text(encoding="utf-8"),
    }
    # botocore's DEBUG records are there (the check looks at something), redacted
    assert "x-amz-security-token" in outputs["the log file"].lower()
    assert "Captured log" in outputs["stdout"]
    for where, text in outputs.items():
        _assert_no_secret(text, values, where)


def test_finding10_the_live_backend_logs_no_credential_in_caplog(
    moto: MotoServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path
) -> None:
    values = _session_credentials(monkeypatch, moto.url)
    (tmp_path / "pyproject.toml").write_text('[tool.iamspec]\naccount_id = "111122223333"\n')
    backend = LiveBackend(default_catalog(), load_settings(tmp_path), ApiOptions(max_calls=10))
    with caplog.at_level("DEBUG"):
        backend.start()
    assert any(r.name.startswith("botocore") for r in caplog.records)
    _assert_no_secret(caplog.text, values, "caplog")
    for record in caplog.records:
        _assert_no_secret(record.getMessage(), values, f"the record of {record.name}")
    assert "[redacted]" in caplog.text
