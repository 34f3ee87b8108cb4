"""The answerers: one :class:`Backend` interface, three ways to decide a batch of requests.

=========  ==================================================================================
``local``  In process: :func:`iamspec.simulate.core.run` over the compiled policy files. The
           explanation is the engine's own trace (:meth:`Evaluation.explain`). Default.
``moto``   boto3's IAM client against moto with :func:`iamspec.moto.enable`: the scenario's
           principals are created in moto IAM (users, groups and memberships, roles, customer
           managed policies, permissions boundaries, tags) and asked through
           ``SimulatePrincipalPolicy``, paging on ``Marker``. Runs the live code path in CI.
``live``   boto3's IAM client against AWS (the standard credential chain; the endpoint may be
           set with ``AWS_ENDPOINT_URL_IAM``): ``SimulateCustomPolicy`` with the policy
           files' text, ``SimulatePrincipalPolicy`` for deployed principals. :meth:`start`
           fails the session at once without credentials, when AWS rejects them, or when the
           caller may not call the simulator — a nightly run must not turn green by skipping.
=========  ==================================================================================

Every answerer receives the same :class:`~iamspec.harness.requests.Batch` — the same actions,
resources and ContextEntries — and returns one :class:`~iamspec.harness.outcome.Answer` per
(action, resource). The API answerers send one call per (principal, context) group carrying
all of its actions and resources (:func:`~iamspec.harness.requests.plan` with ``cross``),
follow ``Marker`` paging, let botocore retry throttling (``standard`` or ``adaptive`` mode,
bounded attempts) and stop the run at a cap on calls (:class:`ApiOptions`). With
``compare_local`` they also keep the local evaluator's answer to the same request
(``Answer.reference``), so a failure shows both traces and a difference is drift, and they
copy its ``boundary_statements`` (which boundary statements applied: the API never says, so
these come from the local evaluator; without ``compare_local`` they stay None, not known).
An API error is never a decision: it is a :class:`SimulatorError` that names the call.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from iamspec.catalog import Catalog
from iamspec.engine.compiled import PolicyRole
from iamspec.engine.evaluator import Decision, Evaluation
from iamspec.harness.errors import (
    BackendUnavailableError,
    CallLimitError,
    HarnessError,
    SimulatorError,
)
from iamspec.harness.model import Caller, PrincipalKind
from iamspec.harness.outcome import Answer, CallResult, Outcome, PartResult
from iamspec.harness.policies import PolicyFile
from iamspec.harness.requests import Batch, Call, ContextEntry, plan
from iamspec.harness.settings import Settings
from iamspec.simulate import core, inputs
from iamspec.simulate.response import statement_dict

__all__ = [
    "BACKENDS",
    "ApiOptions",
    "Backend",
    "LiveBackend",
    "LocalBackend",
    "MotoBackend",
    "make_backend",
]

_AnswerKey = tuple[Caller, tuple[ContextEntry, ...], str, str]


@dataclass(frozen=True)
class ApiOptions:
    """How the API answerers (moto, live) call IAM.

    ``compare_local``: also ask the local evaluator and keep its answer (drift).
    ``max_calls``: the cap on Simulate* calls of this process (None: no cap); reaching it
    raises :class:`CallLimitError`, which stops the run. ``retry_mode`` and ``max_attempts``
    are botocore's retry settings (``standard`` or ``adaptive``; attempts include the first).
    """

    compare_local: bool = False
    max_calls: int | None = 5000
    retry_mode: str = "standard"
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if self.retry_mode not in ("standard", "adaptive"):
            raise ValueError(f"retry mode {self.retry_mode!r}: choose standard or adaptive")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_calls is not None and self.max_calls < 1:
            raise ValueError("the cap on Simulate* calls must be at least 1")

    def for_workers(self, count: int) -> ApiOptions:
        """The share of one of ``count`` pytest-xdist workers: the run's cap stays the cap."""
        if self.max_calls is None or count <= 1:
            return self
        share = max(1, math.ceil(self.max_calls / count))
        return ApiOptions(self.compare_local, share, self.retry_mode, self.max_attempts)

    def botocore_config(self) -> Any:
        """botocore ``Config`` with bounded retries on throttling and transient errors.

        ``total_max_attempts`` counts the first request too (botocore's ``max_attempts``
        counts retries only).
        """
        from botocore.config import Config

        return Config(retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts})


class Backend(ABC):
    """Decides batches of requests. Subclasses implement :meth:`answer_batch`.

    Lifecycle: :meth:`start` once per session (may raise BackendUnavailableError),
    :meth:`begin_scenario` before each scenario, :meth:`close` at the end.
    ``simulate_calls`` counts the Simulate* calls made for scenarios (one per batch and page);
    ``startup_calls`` those :meth:`start` made to check access; ``retries`` the requests
    botocore repeated (throttling).
    """

    name: ClassVar[str]
    cross_batches: ClassVar[bool] = False
    """Batch a (caller, context) group's actions x resources into one call (see plan)."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self.simulate_calls = 0
        self.startup_calls = 0
        self.retries = 0
        self.compare_local = False

    def deployed_tags(self, principal: str, arn: str) -> dict[str, str]:
        """The IAM tags of a principal deployed in the account (live only)."""
        raise HarnessError(
            f'the deployed principal "{principal}" ({arn}) lives in the AWS account: only '
            f"--iam-backend=live can answer for it, not {self.name}"
        )

    def start(self) -> None:  # noqa: B027 - an optional hook
        """Check that this answerer can run; acquire what it needs."""

    def close(self) -> None:  # noqa: B027 - an optional hook
        """Release what :meth:`start` acquired."""

    def begin_scenario(self) -> None:  # noqa: B027 - an optional hook
        """Forget per-scenario state."""

    @abstractmethod
    def answer_batch(self, batch: Batch) -> dict[tuple[str, str], Answer]:
        """One answer per (action, resource) of the batch."""

    def ask(self, calls: Sequence[Call], step: str | None = None) -> Outcome:
        """Answer every part of every call, one batch (Simulate* call) per :func:`plan` group."""
        parts = [p for c in calls for p in c.parts]
        answers: dict[_AnswerKey, Answer] = {}
        for batch in plan(parts, cross=self.cross_batches):
            for (action, resource), answer in self.answer_batch(batch).items():
                answers[(batch.caller, batch.context, action, resource)] = answer
        now = time.time()
        results = tuple(
            CallResult(
                call=call,
                parts=tuple(
                    PartResult(p, answers[(p.caller, p.context, p.action, p.resource)])
                    for p in call.parts
                ),
                backend=self.name,
                step=step,
                asked_at=now,
            )
            for call in calls
        )
        return Outcome(results, self.name, step)


# --------------------------------------------------------------------------------------------
# local


def _policy_id(policy: PolicyFile, via_group: str | None) -> str:
    return policy.display if via_group is None else f"{policy.display} (via IAM group {via_group})"


def _boundary_statements(evaluation: Evaluation) -> tuple[dict[str, Any], ...]:
    """The boundary statements that applied (Allow and Deny), as MatchedStatements entries.

    The simulator's MatchedStatements never name them; coverage needs them to see which
    boundary Allow let a request through and which boundary Deny denied it.
    """
    return tuple(
        statement_dict(t)
        for t in evaluation.traces
        if t.applies and t.policy.role is PolicyRole.BOUNDARY
    )


class LocalBackend(Backend):
    """The engine in process; explanations are the engine's traces."""

    name = "local"

    def answer_batch(self, batch: Batch) -> dict[tuple[str, str], Answer]:
        caller = batch.caller
        if caller.deployed:
            self.deployed_tags(caller.name, caller.arn)  # raises: the account decides
        identity = [
            p.compiled(_policy_id(p, via), PolicyRole.IDENTITY)
            for p, via in caller.identity_policies()
        ]
        boundary = (
            [caller.boundary.compiled(caller.boundary.display, PolicyRole.BOUNDARY)]
            if caller.boundary is not None
            else []
        )
        context = inputs.context_entries(batch.context_entries())
        run = core.run(
            identity=identity,
            boundary=boundary,
            resource_policy=None,
            actions=batch.actions,
            resources=batch.resources,
            context=context,
            caller_arn=caller.arn,
            catalog=self.catalog,
        )
        self.simulate_calls += 1
        answers: dict[tuple[str, str], Answer] = {}
        for action, result, evaluations in zip(
            batch.actions, run.results, run.evaluations, strict=True
        ):
            per_resource = result["ResourceSpecificResults"]
            for resource, item, evaluation in zip(
                batch.resources, per_resource, evaluations, strict=True
            ):
                answers[(action, resource)] = Answer(
                    decision=evaluation.decision,
                    matched_statements=tuple(item["MatchedStatements"]),
                    missing_context_values=tuple(item["MissingContextValues"]),
                    explanation=evaluation.explain(),
                    backend=self.name,
                    boundary_statements=_boundary_statements(evaluation) if boundary else (),
                )
        return answers


# --------------------------------------------------------------------------------------------
# IAM API (moto, live)

_DECISIONS = {d.value: d for d in Decision}


def _position(item: dict[str, Any], key: str) -> tuple[int, int] | None:
    pos = item.get(key)
    if not isinstance(pos, dict):
        return None
    return int(pos.get("Line", 0)), int(pos.get("Column", 0))


class IamApiBackend(Backend):
    """Shared by moto and live: call Simulate*, page, count, and read the response."""

    api: ClassVar[str]
    cross_batches = True

    def __init__(
        self, catalog: Catalog, settings: Settings, options: ApiOptions | None = None
    ) -> None:
        super().__init__(catalog, settings)
        self.options = options or ApiOptions()
        self.compare_local = self.options.compare_local
        self.local = LocalBackend(catalog, settings)
        self.calls_by_api: dict[str, int] = {}

    @abstractmethod
    def _simulate(
        self, batch: Batch
    ) -> tuple[list[dict[str, Any]], Callable[[str], PolicyFile | None]]:
        """The EvaluationResults of every page, and a map from SourcePolicyId to the file."""

    def api_for(self, batch: Batch) -> str:
        """The Simulate* operation that answers ``batch``."""
        return self.api

    @property
    def total_calls(self) -> int:
        """Every Simulate* call of this process: for scenarios and at start."""
        return self.simulate_calls + self.startup_calls

    def _call(self, client: Any, operation: str, *, startup: bool = False, **kwargs: Any) -> Any:
        """One Simulate* request: under the cap and counted (see :meth:`_invoke`)."""
        cap = self.options.max_calls
        if cap is not None and self.total_calls >= cap:
            raise CallLimitError(self.name, cap, self.total_calls)
        if startup:
            self.startup_calls += 1
        else:
            self.simulate_calls += 1
        return self._invoke(client, operation, **kwargs)

    def _invoke(self, client: Any, operation: str, **kwargs: Any) -> Any:
        """One API request with its retries counted; any failure is a SimulatorError."""
        from botocore.exceptions import BotoCoreError, ClientError

        api = "".join(w.capitalize() for w in operation.split("_"))
        self.calls_by_api[api] = self.calls_by_api.get(api, 0) + 1
        try:
            response = getattr(client, operation)(**kwargs)
        except ClientError as err:
            meta = err.response.get("ResponseMetadata", {})
            self.retries += int(meta.get("RetryAttempts", 0))
            error = err.response.get("Error", {})
            raise SimulatorError(
                self.name,
                api,
                str(error.get("Code", "?")),
                str(error.get("Message", err)),
                int(meta.get("RetryAttempts", 0)),
            ) from err
        except BotoCoreError as err:
            raise SimulatorError(self.name, api, type(err).__name__, str(err), 0) from err
        self.retries += int(response.get("ResponseMetadata", {}).get("RetryAttempts", 0))
        return response

    def _pages(self, client: Any, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Every page's EvaluationResults, following ``Marker`` while ``IsTruncated``."""
        results: list[dict[str, Any]] = []
        marker: str | None = None
        while True:
            paged = {**kwargs, "Marker": marker} if marker else kwargs
            page = self._call(client, operation, **paged)
            results.extend(page.get("EvaluationResults", []))
            if not page.get("IsTruncated"):
                return results
            marker = page.get("Marker")
            if not marker:
                raise SimulatorError(
                    self.name, operation, "NoMarker", "IsTruncated without a Marker", 0
                )

    @staticmethod
    def _request_kwargs(batch: Batch) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"ActionNames": list(batch.actions)}
        if batch.context:
            kwargs["ContextEntries"] = batch.context_entries()
        if batch.resources != ("*",):
            kwargs["ResourceArns"] = list(batch.resources)
        return kwargs

    def _statement_label(
        self, item: dict[str, Any], resolve: Callable[[str], PolicyFile | None]
    ) -> str:
        source = str(item.get("SourcePolicyId", "?"))
        start = _position(item, "StartPosition")
        end = _position(item, "EndPosition")
        policy = resolve(source)
        lines = f" [lines {start[0]}-{end[0]}]" if start and end else ""
        if policy is not None and start is not None:
            statement = policy.statement_at(*start)
            if statement is not None:
                return policy.describe_statement(statement) + lines
            return f"{policy.display} at {start[0]}:{start[1]}{lines}"
        return f"{source}{lines}"

    def _explain(
        self,
        action: str,
        resource: str,
        item: dict[str, Any],
        decision: Decision,
        resolve: Callable[[str], PolicyFile | None],
        api: str,
    ) -> str:
        if item.get("NotAsked"):
            return f"{action} on {resource}: {decision.value} ({self.name}: {item['NotAsked']})"
        matched = [self._statement_label(m, resolve) for m in item.get("MatchedStatements", [])]
        lines = [f"{action} on {resource}: {decision.value} (answered by {self.name}: {api})"]
        if decision is Decision.ALLOWED:
            lines.append("allowed by " + (", ".join(matched) or "(no statement listed)"))
        elif decision is Decision.EXPLICIT_DENY:
            lines.append(
                "explicitly denied by "
                + (", ".join(matched) or "a statement the response does not list")
            )
        else:
            lines.append("implicitly denied: the response lists no statement that allows it")
        boundary = item.get("PermissionsBoundaryDecisionDetail") or {}
        if boundary.get("AllowedByPermissionsBoundary") is False:
            lines.append("the permissions boundary does not allow it")
        missing = item.get("MissingContextValues") or []
        if missing:
            lines.append(
                "context keys the policies read but the request lacks: " + ", ".join(missing)
            )
        return "\n".join(lines)

    def answer_batch(self, batch: Batch) -> dict[tuple[str, str], Answer]:
        results, resolve = self._simulate(batch)
        reference = (
            self.local.answer_batch(batch)
            if self.compare_local and not batch.caller.deployed
            else {}
        )
        entries: dict[tuple[str, str], dict[str, Any]] = {}
        for result in results:
            action = str(result.get("EvalActionName", "")).lower()
            specific = result.get("ResourceSpecificResults") or []
            for rsr in specific:
                entries[(action, str(rsr.get("EvalResourceName")))] = {
                    "EvalDecision": rsr.get("EvalResourceDecision"),
                    "MatchedStatements": rsr.get("MatchedStatements", []),
                    "MissingContextValues": rsr.get("MissingContextValues", []),
                    "PermissionsBoundaryDecisionDetail": rsr.get(
                        "PermissionsBoundaryDecisionDetail"
                    ),
                }
            if not specific:
                entries[(action, str(result.get("EvalResourceName", "*")))] = result
        answers: dict[tuple[str, str], Answer] = {}
        for action in batch.actions:
            for resource in batch.resources:
                item = entries.get((action.lower(), resource))
                if item is None:
                    same_action = [v for (a, _), v in entries.items() if a == action.lower()]
                    if len(same_action) == 1 and len(batch.resources) == 1:
                        item = same_action[0]
                if item is None:
                    raise HarnessError(
                        f"{self.name}: {self.api} returned no result for {action} on {resource}"
                    )
                decision = _DECISIONS.get(str(item.get("EvalDecision")))
                if decision is None:
                    raise HarnessError(
                        f"{self.name}: unknown EvalDecision {item.get('EvalDecision')!r} "
                        f"for {action} on {resource}"
                    )
                local = reference.get((action, resource))
                answers[(action, resource)] = Answer(
                    decision=decision,
                    matched_statements=tuple(item.get("MatchedStatements") or ()),
                    missing_context_values=tuple(item.get("MissingContextValues") or ()),
                    explanation=self._explain(
                        action, resource, item, decision, resolve, self.api_for(batch)
                    ),
                    backend=self.name,
                    reference=local,
                    # The API never names boundary statements: the local evaluator's, if asked.
                    boundary_statements=local.boundary_statements if local is not None else None,
                )
        return answers


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
    SimulateCustomPolicy (a probe whose answer must be ``allowed``), and that it may call
    SimulatePrincipalPolicy on every deployed principal, which must exist.
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
        for name, arn in self.settings.deployed_principals.items():
            self._check_principal(name, arn)

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

    def api_for(self, batch: Batch) -> str:
        return "SimulatePrincipalPolicy" if batch.caller.deployed else self.api

    def deployed_tags(self, principal: str, arn: str) -> dict[str, str]:
        """The principal's IAM tags (ListUserTags / ListRoleTags, all pages; cached)."""
        found = self._tags.get(arn)
        if found is not None:
            return dict(found)
        kind = arn.split(":", 5)[5].split("/", 1)[0]
        name = arn.rsplit("/", 1)[-1]
        if kind not in ("user", "role"):
            raise HarnessError(f"{arn} is not an IAM user or role")
        tags: dict[str, str] = {}
        marker: str | None = None
        while True:
            self.read_calls += 1
            page = self._invoke(
                self._client,
                f"list_{kind}_tags",
                **{f"{kind.capitalize()}Name": name},
                **({"Marker": marker} if marker else {}),
            )
            tags.update({t["Key"]: t["Value"] for t in page.get("Tags", [])})
            if not page.get("IsTruncated"):
                break
            marker = page.get("Marker")
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

        No call is made; the explanation says the answer is IAM's default, not AWS's.
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


BACKENDS: dict[str, type[Backend]] = {
    LocalBackend.name: LocalBackend,
    MotoBackend.name: MotoBackend,
    LiveBackend.name: LiveBackend,
}
"""``--iam-backend`` choices."""


def make_backend(
    name: str, catalog: Catalog, settings: Settings, options: ApiOptions | None = None
) -> Backend:
    """The answerer called ``name``, not yet started (``options`` for moto and live)."""
    try:
        cls = BACKENDS[name]
    except KeyError:
        raise BackendUnavailableError(
            name, f"unknown answerer; choose one of {', '.join(BACKENDS)}"
        ) from None
    if issubclass(cls, IamApiBackend):
        return cls(catalog, settings, options)
    return cls(catalog, settings)
