"""Shared by the IAM API answerers (moto, live): options, calls under a cap, paging, reading."""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from iamspec.catalog import Catalog
from iamspec.engine.evaluator import Decision
from iamspec.harness.backends.base import Backend
from iamspec.harness.backends.local import LocalBackend
from iamspec.harness.errors import CallLimitError, HarnessError, SimulatorError
from iamspec.harness.outcome import Answer
from iamspec.harness.policies import PolicyFile
from iamspec.harness.requests import Batch
from iamspec.harness.settings import Settings


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
