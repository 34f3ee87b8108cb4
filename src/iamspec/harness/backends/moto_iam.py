"""The moto backend: the scenario's principals created in moto IAM, asked through
SimulatePrincipalPolicy (iamspec.moto makes moto answer it)."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from typing import Any

from iamspec.catalog import Catalog
from iamspec.harness.backends.api import ApiOptions, IamApiBackend
from iamspec.harness.backends.redaction import redact_sdk_logs
from iamspec.harness.declarations import Caller, PrincipalKind
from iamspec.harness.errors import BackendUnavailableError
from iamspec.harness.policies import PolicyFile
from iamspec.harness.requests import Batch
from iamspec.project.settings import Settings


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


_TRUST_POLICY = (
    '{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",'
    '"Principal":{{"AWS":"arn:{partition}:iam::{account}:root"}},"Action":"sts:AssumeRole"}}]}}'
)


class MotoBackend(IamApiBackend):
    """moto's IAM with :func:`iamspec.moto.enable`, asked through SimulatePrincipalPolicy.

    Contract used: after ``iamspec.moto.enable()``, moto answers ``SimulatePrincipalPolicy``
    through the engine, reading the principal's policies from moto's IAM (the backend enables
    the plug-in if needed and disables it again on close). moto runs
    in process (``mock_aws``) for the session, in the settings' account (``MOTO_ACCOUNT_ID``
    is set around each call). The scenario's principals are created before the first request
    of a scenario and deleted when the principals change or the next scenario begins.
    """

    name = "moto"
    api = "SimulatePrincipalPolicy"

    def __init__(
        self, catalog: Catalog, settings: Settings, options: ApiOptions | None = None
    ) -> None:
        super().__init__(catalog, settings, options)
        self._mock: Any = None
        self._client: Any = None
        self._provisioned: tuple[Caller, ...] = ()
        self._created: list[Callable[[], Any]] = []
        self._policy_arns: dict[str, str] = {}
        self._disable: Callable[[], None] | None = None
        self._enable: Callable[[], None] = lambda: None
        self._is_enabled: Callable[[], bool] = lambda: True

    def start(self) -> None:
        try:
            from iamspec.moto import disable, enable, is_enabled
        except ImportError as err:
            raise BackendUnavailableError(
                "moto",
                f"the moto adapter iamspec.moto cannot be imported ({err}); it makes moto "
                "answer SimulatePrincipalPolicy",
            ) from err
        try:
            import boto3
            from moto import mock_aws
        except ImportError as err:  # pragma: no cover - moto is a test dependency
            raise BackendUnavailableError("moto", f"moto is not installed ({err})") from err
        self._enable = enable
        self._is_enabled = is_enabled
        if not is_enabled():
            enable()
            self._disable = disable
        redact_sdk_logs()
        self._mock = mock_aws()
        self._mock.start()
        self._client = boto3.client(
            "iam",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=self.options.botocore_config(),
        )

    def close(self) -> None:
        if self._mock is not None:
            with contextlib.suppress(Exception):
                self._teardown()
            self._mock.stop()
            self._mock = None
        if self._disable is not None:
            self._disable()
            self._disable = None

    def begin_scenario(self) -> None:
        if self._client is not None:
            with self._account():
                self._teardown()

    def _account(self) -> contextlib.AbstractContextManager[None]:
        return _environment(MOTO_ACCOUNT_ID=self.settings.account_id)

    # -- provisioning -------------------------------------------------------------------------

    def _teardown(self) -> None:
        from botocore.exceptions import ClientError

        while self._created:
            undo = self._created.pop()
            try:
                undo()
            except ClientError as err:  # already gone (moto reset by another mock): fine
                if err.response.get("Error", {}).get("Code") != "NoSuchEntity":
                    raise
        self._provisioned = ()
        self._policy_arns = {}

    def _policy(self, policy: PolicyFile) -> str:
        arn = self._policy_arns.get(policy.name)
        if arn is None:
            client = self._client
            arn = client.create_policy(
                PolicyName=policy.managed_policy_name, PolicyDocument=policy.text
            )["Policy"]["Arn"]
            self._created.append(functools.partial(client.delete_policy, PolicyArn=arn))
            self._policy_arns[policy.name] = arn
        return arn

    def _attach(self, kind: str, name: str, policy: PolicyFile) -> None:
        client = self._client
        arn = self._policy(policy)
        arg = {f"{kind.capitalize()}Name": name}
        getattr(client, f"attach_{kind}_policy")(PolicyArn=arn, **arg)
        detach = getattr(client, f"detach_{kind}_policy")
        self._created.append(functools.partial(detach, PolicyArn=arn, **arg))

    def _provision_caller(self, caller: Caller, groups_done: set[str]) -> None:
        client = self._client
        kind = caller.kind.value
        tags = [{"Key": k, "Value": v} for k, v in caller.tags]
        if caller.kind is PrincipalKind.USER:
            client.create_user(UserName=caller.name, **({"Tags": tags} if tags else {}))
            self._created.append(functools.partial(client.delete_user, UserName=caller.name))
        else:
            trust = _TRUST_POLICY.format(
                partition=self.settings.partition, account=self.settings.account_id
            )
            client.create_role(
                RoleName=caller.name,
                AssumeRolePolicyDocument=trust,
                **({"Tags": tags} if tags else {}),
            )
            self._created.append(functools.partial(client.delete_role, RoleName=caller.name))
        for policy in caller.policies:
            self._attach(kind, caller.name, policy)
        for group in caller.groups:
            if group.name not in groups_done:
                groups_done.add(group.name)
                client.create_group(GroupName=group.name)
                self._created.append(functools.partial(client.delete_group, GroupName=group.name))
                for policy in group.policies:
                    self._attach("group", group.name, policy)
            client.add_user_to_group(GroupName=group.name, UserName=caller.name)
            self._created.append(
                functools.partial(
                    client.remove_user_from_group, GroupName=group.name, UserName=caller.name
                )
            )
        if caller.boundary is not None:
            arn = self._policy(caller.boundary)
            cap = kind.capitalize()
            getattr(client, f"put_{kind}_permissions_boundary")(
                **{f"{cap}Name": caller.name, "PermissionsBoundary": arn}
            )
            delete = getattr(client, f"delete_{kind}_permissions_boundary")
            self._created.append(functools.partial(delete, **{f"{cap}Name": caller.name}))

    def _ensure(self, caller: Caller) -> None:
        if caller in self._provisioned:
            return
        clash = any(c.name == caller.name for c in self._provisioned)
        callers = (caller,) if clash else (*self._provisioned, caller)
        self._teardown()
        groups_done: set[str] = set()
        for each in callers:
            self._provision_caller(each, groups_done)
        self._provisioned = callers

    def _simulate(
        self, batch: Batch
    ) -> tuple[list[dict[str, Any]], Callable[[str], PolicyFile | None]]:
        if batch.caller.deployed:
            self.deployed_tags(batch.caller.name, batch.caller.arn)  # raises: live only
        if not self._is_enabled():  # someone (a test) switched the plug-in off meanwhile
            self._enable()
        with self._account():
            self._ensure(batch.caller)
            results = self._pages(
                self._client,
                "simulate_principal_policy",
                PolicySourceArn=batch.caller.arn,
                **self._request_kwargs(batch),
            )
        by_name: dict[str, PolicyFile] = {}
        for policy, _ in batch.caller.identity_policies():
            by_name[policy.managed_policy_name] = policy
        if batch.caller.boundary is not None:
            by_name[batch.caller.boundary.managed_policy_name] = batch.caller.boundary
        return results, by_name.get
