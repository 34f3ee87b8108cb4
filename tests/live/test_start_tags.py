"""The live backend's start reads every deployed principal's tags: a caller that may not call
iam:ListUserTags / iam:ListRoleTags is stopped before any scenario runs (exit 4), with the
permission and the nightly role's policy named, like a missing Simulate* permission.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iamspec.catalog import default_catalog
from iamspec.harness.backends import ApiOptions, LiveBackend
from iamspec.harness.errors import BackendUnavailableError
from iamspec.project.settings import load_settings
from tests.live.kit import (
    ACCOUNT,
    DEPLOYED_PRINCIPALS,
    CountingProxy,
    MotoServer,
    provision_deployed_principals,
    use_live_env,
    write_project,
)

pytestmark = pytest.mark.slow  # a moto server subprocess behind a proxy (tests/live/conftest.py)

ROLE = f"arn:aws:iam::{ACCOUNT}:role/main-operator"
USER = f"arn:aws:iam::{ACCOUNT}:user/test-admin"
ALLOW_DESCRIBE = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]
}
"""
NOT_DEPLOYED = """\
Feature: scenarios that name no deployed principal
  Scenario: a user defined by a policy file
    Given the IAM user "u" with the policy "allow-describe.json"
    And a Connect user "a"
    When "u" calls "connect:DescribeUser" on the Connect user "a"
    Then the request is allowed
"""


def _denied(proxy: CountingProxy, action: str, arn: str) -> None:
    proxy.fail_action(
        action,
        403,
        "AccessDenied",
        f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: iam:{action} on "
        f"resource: {arn}",
    )


def test_a_caller_that_may_not_read_role_tags_is_stopped_at_the_start(
    pytester: pytest.Pytester,
    fresh_proxy: CountingProxy,
    moto: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even a run whose scenarios never read tags: the nightly run must not fail midway."""
    provision_deployed_principals(moto.client())
    use_live_env(monkeypatch, fresh_proxy.url)
    _denied(fresh_proxy, "ListRoleTags", ROLE)
    write_project(
        pytester.path,
        {"one": NOT_DEPLOYED},
        {"allow-describe.json": ALLOW_DESCRIBE},
        extra=DEPLOYED_PRINCIPALS,
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--iam-backend=live")

    stderr = " ".join(result.stderr.str().split())
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str() + stderr
    assert "passed" not in result.stdout.str()
    assert f"the credentials in use may not call iam:ListRoleTags on {ROLE}" in stderr
    assert "is not authorized to perform: iam:ListRoleTags" in stderr  # AWS's words
    assert "policies/iamspec/nightly-live-role.json" in stderr
    # the start-up checks only: the probe, each principal, their tags; no scenario request
    assert fresh_proxy.by_action() == {
        "SimulateCustomPolicy": 1,
        "SimulatePrincipalPolicy": 2,
        "ListUserTags": 1,
        "ListRoleTags": 1,
    }


def test_a_caller_that_may_not_read_user_tags_direct(
    fresh_proxy: CountingProxy,
    moto: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    provision_deployed_principals(moto.client())
    use_live_env(monkeypatch, fresh_proxy.url)
    _denied(fresh_proxy, "ListUserTags", USER)
    write_project(tmp_path, {}, {}, extra=DEPLOYED_PRINCIPALS)
    backend = LiveBackend(default_catalog(), load_settings(tmp_path), ApiOptions())

    with pytest.raises(BackendUnavailableError) as caught:
        backend.start()

    assert f"may not call iam:ListUserTags on {USER}" in str(caught.value)
    assert "policies/iamspec/nightly-live-role.json" in str(caught.value)
    assert fresh_proxy.count("ListUserTags") == 1  # AccessDenied is not retried


def test_the_start_caches_the_tags_it_read(
    fresh_proxy: CountingProxy,
    moto: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    provision_deployed_principals(moto.client())
    use_live_env(monkeypatch, fresh_proxy.url)
    write_project(tmp_path, {}, {}, extra=DEPLOYED_PRINCIPALS)
    backend = LiveBackend(default_catalog(), load_settings(tmp_path), ApiOptions())

    backend.start()
    assert backend.read_calls == 2
    assert backend.deployed_tags("main-operator", ROLE) == {"Team": "operations"}
    assert backend.deployed_tags("test-admin", USER) == {}

    assert backend.read_calls == 2  # nothing read again
    assert fresh_proxy.count("ListUserTags") == fresh_proxy.count("ListRoleTags") == 1
