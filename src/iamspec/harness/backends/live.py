"""The live backend: AWS IAM's policy simulator, read-only, checked before the run starts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from iamspec.arns import parse_iam_entity
from iamspec.catalog import Catalog
from iamspec.engine.evaluator import Decision
from iamspec.harness.backends.api import ApiOptions, IamApiBackend
from iamspec.harness.backends.redaction import redact_sdk_logs
from iamspec.harness.errors import BackendUnavailableError, HarnessError, SimulatorError
from iamspec.harness.policies import PolicyFile
from iamspec.harness.requests import Batch
from iamspec.project.settings import Settings

_PROBE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:SimulateCustomPolicy", "Resource": "*"},
        ],
    }
)
_ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
_BAD_CREDENTIALS = frozenset(
    {
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "UnrecognizedClientException",
        "AuthFailure",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "InvalidAccessKeyId",
    }
)
_ROLE_POLICY = "policies/iamspec/nightly-live-role.json"


class LiveBackend(IamApiBackend):
    """AWS IAM's policy simulator; read-only.

    Scenarios whose principals are defined by policy files are asked with
    ``SimulateCustomPolicy`` (the files' text, the group policies too, the boundary as
    ``PermissionsBoundaryPolicyInputList``); deployed principals
    (``[tool.iamspec.deployed_principals]``) with ``SimulatePrincipalPolicy``, so the account's
    own policies, groups and boundary decide. :meth:`start` checks, before any scenario runs,
    that credentials exist, that AWS accepts them, that the caller may call
    SimulateCustomPolicy (a probe whose answer must be ``allowed``), that it may call
    SimulatePrincipalPolicy on every deployed principal, which must exist, and that it may read
    their tags (ListUserTags / ListRoleTags; read once, then cached).
    """

    name = "live"
    api = "SimulateCustomPolicy"

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        options: ApiOptions | None = None,
        client: Any = None,
    ) -> None:
        super().__init__(catalog, settings, options)
        self._client = client
        self._tags: dict[str, dict[str, str]] = {}
        self.read_calls = 0

    def start(self) -> None:
        if self._client is None:
            self._client = self._make_client()
        self._check_custom_policy()
        deployed = self.settings.deployed_principals
        for name, arn in deployed.items():
            self._check_principal(name, arn)
        for name, arn in deployed.items():
            self._check_tags(name, arn)

    def _make_client(self) -> Any:
        import boto3
        from botocore.exceptions import BotoCoreError

        try:
            session = boto3.Session()
            credentials = session.get_credentials()
        except BotoCoreError as err:
            raise BackendUnavailableError(
                "live", f"the AWS credential chain failed: {err}"
            ) from err
        if credentials is None:
            raise BackendUnavailableError(
                "live",
                "no AWS credentials: the standard boto3 chain (environment variables, shared "
                "credentials and config files, SSO, web identity, container or instance role) "
                "found none. Configure credentials for a principal allowed "
                f"iam:SimulateCustomPolicy and iam:SimulatePrincipalPolicy (see {_ROLE_POLICY}),"
                " or run with --iam-backend=local.",
            )
        frozen = credentials.get_frozen_credentials()
        redact_sdk_logs((frozen.access_key, frozen.secret_key, frozen.token))
        return session.client(
            "iam", region_name=self.settings.region, config=self.options.botocore_config()
        )

    def _unavailable(self, err: SimulatorError, what: str) -> BackendUnavailableError:
        if err.code in _ACCESS_DENIED:
            reason = (
                f"the credentials in use may not call {what}; AWS says: {err.aws_message}. "
                f"Give the principal the nightly role's policy ({_ROLE_POLICY})."
            )
        elif err.code in _BAD_CREDENTIALS:
            reason = f"AWS rejected the credentials ({err.code}: {err.aws_message})"
        else:
            reason = f"the IAM policy simulator cannot be used: {err}"
        return BackendUnavailableError("live", reason)

    def _check_custom_policy(self) -> None:
        """Probe SimulateCustomPolicy with a policy whose answer is known: ``allowed``."""
        try:
            page = self._call(
                self._client,
                "simulate_custom_policy",
                startup=True,
                PolicyInputList=[_PROBE_POLICY],
                ActionNames=["iam:SimulateCustomPolicy"],
            )
        except SimulatorError as err:
            raise self._unavailable(err, "iam:SimulateCustomPolicy") from err
        decisions = [r.get("EvalDecision") for r in page.get("EvaluationResults", [])]
        if decisions != [Decision.ALLOWED.value]:
            raise BackendUnavailableError(
                "live",
                f"the simulator answered a probe that must be allowed with {decisions}; "
                "refusing to trust its answers",
            )

    def _check_principal(self, name: str, arn: str) -> None:
        """The deployed principal exists and the caller may simulate its policies."""
        try:
            self._call(
                self._client,
                "simulate_principal_policy",
                startup=True,
                PolicySourceArn=arn,
                ActionNames=["iam:GetUser"],
                MaxItems=1,
            )
        except SimulatorError as err:
            if err.code == "NoSuchEntity":
                raise BackendUnavailableError(
                    "live",
                    f'the deployed principal "{name}" ({arn}, [tool.iamspec.deployed_principals])'
                    f" does not exist in the account: {err.aws_message}",
                ) from err
            raise self._unavailable(err, f"iam:SimulatePrincipalPolicy on {arn}") from err

    def _check_tags(self, name: str, arn: str) -> None:
        """Read the deployed principal's tags now: a missing iam:List*Tags permission stops the
        run at its start, not in the middle of it (the tags are cached for the scenarios)."""
        try:
            self.deployed_tags(name, arn)
        except SimulatorError as err:
            raise self._unavailable(err, f"iam:{err.api} on {arn}") from err

    def api_for(self, batch: Batch) -> str:
        return "SimulatePrincipalPolicy" if batch.caller.deployed else self.api

    def deployed_tags(self, principal: str, arn: str) -> dict[str, str]:
        """The principal's IAM tags (ListUserTags / ListRoleTags, all pages; cached)."""
        found = self._tags.get(arn)
        if found is not None:
            return dict(found)
        entity = parse_iam_entity(arn)
        if entity is None or entity.kind not in ("user", "role"):
            raise HarnessError(f"{arn} is not an IAM user or role")
        kind, name = entity.kind, entity.name
        operation = f"list_{kind}_tags"

        def send(**kwargs: Any) -> dict[str, Any]:
            self.read_calls += 1
            page: dict[str, Any] = self._invoke(self._client, operation, **kwargs)
            return page

        tags: dict[str, str] = {}
        for page in self._each_page(operation, send, **{f"{kind.capitalize()}Name": name}):
            tags.update({t["Key"]: t["Value"] for t in page.get("Tags", [])})
        self._tags[arn] = tags
        return dict(tags)

    def _simulate(
        self, batch: Batch
    ) -> tuple[list[dict[str, Any]], Callable[[str], PolicyFile | None]]:
        if batch.caller.deployed:
            results = self._pages(
                self._client,
                "simulate_principal_policy",
                PolicySourceArn=batch.caller.arn,
                **self._request_kwargs(batch),
            )
            return results, lambda _source: None
        identity = [p for p, _ in batch.caller.identity_policies()]
        if not identity:
            return self._no_policies(batch), lambda _source: None
        kwargs = self._request_kwargs(batch)
        kwargs["PolicyInputList"] = [p.text for p in identity]
        sources = {f"PolicyInputList.{i}": p for i, p in enumerate(identity, 1)}
        if batch.caller.boundary is not None:
            kwargs["PermissionsBoundaryPolicyInputList"] = [batch.caller.boundary.text]
            sources["PermissionsBoundaryPolicyInputList.1"] = batch.caller.boundary
        results = self._pages(self._client, "simulate_custom_policy", **kwargs)
        return results, sources.get

    @staticmethod
    def _no_policies(batch: Batch) -> list[dict[str, Any]]:
        """SimulateCustomPolicy needs at least one policy; with none, IAM denies by default.

        No call is made; the explanation says the answer is IAM's default, not AWS's, and the
        answer carries no local reference (``NotAsked``): the drift report counts it as not
        compared, since AWS was never asked.
        """
        return [
            {
                "EvalActionName": action,
                "EvalResourceName": resource,
                "EvalDecision": Decision.IMPLICIT_DENY.value,
                "MatchedStatements": [],
                "MissingContextValues": [],
                "NotAsked": "the principal has no policy, so nothing was sent: IAM denies by "
                "default (SimulateCustomPolicy needs at least one policy)",
            }
            for action in batch.actions
            for resource in batch.resources
        ]
