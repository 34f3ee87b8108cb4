"""Shared by the IAM API backends (moto, live): options, calls under a cap, paging, reading."""

from __future__ import annotations

import fcntl
import functools
from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from iamspec.catalog import Catalog
from iamspec.engine.evaluator import Decision
from iamspec.harness.backends.base import Backend
from iamspec.harness.backends.local import LocalBackend
from iamspec.harness.backends.redaction import redact_sdk_logs
from iamspec.harness.errors import HarnessError, RunCallLimitError, SimulatorError
from iamspec.harness.outcome import Answer
from iamspec.harness.policies import PolicyFile
from iamspec.harness.requests import Batch
from iamspec.project.settings import Settings


@dataclass(frozen=True)
class ApiOptions:
    """How the API backends (moto, live) call IAM.

    ``compare_local``: also ask the local evaluator and keep its answer (drift).
    ``max_calls``: the cap on Simulate* calls of the run (None: no cap); reaching it raises
    :class:`~iamspec.harness.errors.CallLimitError`, which stops the run. ``budget_file``: the
    file of the run's :class:`CallBudget`, shared by every process of the run (None: this
    process counts alone). ``retry_mode`` and ``max_attempts`` are botocore's retry settings
    (``standard`` or ``adaptive``; attempts include the first).
    """

    compare_local: bool = False
    max_calls: int | None = 5000
    retry_mode: str = "standard"
    max_attempts: int = 8
    budget_file: str | None = None

    def __post_init__(self) -> None:
        if self.retry_mode not in ("standard", "adaptive"):
            raise ValueError(f"retry mode {self.retry_mode!r}: choose standard or adaptive")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_calls is not None and self.max_calls < 1:
            raise ValueError("the cap on Simulate* calls must be at least 1")

    def budget(self) -> CallBudget:
        """The run's budget of Simulate* calls: the shared file's, else this process's own."""
        path = Path(self.budget_file) if self.budget_file is not None else None
        return CallBudget(self.max_calls, path)

    def botocore_config(self) -> Any:
        """botocore ``Config`` with bounded retries on throttling and transient errors.

        ``total_max_attempts`` counts the first request too (botocore's ``max_attempts``
        counts retries only).
        """
        from botocore.config import Config

        return Config(retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts})


class CallBudget:
    """The Simulate* calls of a run against its cap (None: no cap), start-up checks included.

    With ``path``, the count lives in that file and every take is made under an exclusive
    ``flock``, so the pytest-xdist controller and all its workers draw from one budget: a
    static per-worker share would stop a busy worker (``--dist loadfile``) while the run is
    far under the cap. Without ``path`` the count is this object's own (one process).
    """

    def __init__(self, cap: int | None, path: Path | None = None) -> None:
        self.cap = cap
        self.path = path
        self._used = 0

    @classmethod
    def create(cls, cap: int | None, path: Path) -> CallBudget:
        """A new shared budget at ``path`` (nothing used yet)."""
        path.write_text("0", encoding="ascii")
        return cls(cap, path)

    def _granted(self, backend: str, used: int) -> int:
        if self.cap is not None and used >= self.cap:
            raise RunCallLimitError(backend, self.cap, used)
        return used + 1

    def take(self, backend: str) -> None:
        """One Simulate* call; raises CallLimitError, taking nothing, once the cap is reached."""
        if self.path is None:
            self._used = self._granted(backend, self._used)
            return
        try:
            with self.path.open("r+", encoding="ascii") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
                used = self._granted(backend, self._read(handle.read()))
                handle.seek(0)
                handle.write(str(used))
                handle.truncate()
        except OSError as err:
            raise HarnessError(f"{backend}: the run's call budget {self.path}: {err}") from err

    @property
    def used(self) -> int:
        """The calls the run has made so far (every process of it, with a shared file)."""
        if self.path is None:
            return self._used
        try:
            with self.path.open(encoding="ascii") as handle:
                fcntl.flock(handle, fcntl.LOCK_SH)
                return self._read(handle.read())
        except OSError as err:
            raise HarnessError(f"the run's call budget {self.path}: {err}") from err

    def _read(self, text: str) -> int:
        try:
            return int(text or "0")
        except ValueError:
            raise HarnessError(
                f"the run's call budget {self.path} holds {text!r}, not a count"
            ) from None


# --------------------------------------------------------------------------------------------
# IAM API (moto, live)

_DECISIONS = {d.value: d for d in Decision}


def api_name(operation: str) -> str:
    """``SimulateCustomPolicy`` for boto3's ``simulate_custom_policy``."""
    return "".join(w.capitalize() for w in operation.split("_"))


def next_marker(backend: str, api: str, page: dict[str, Any], seen: set[str]) -> str:
    """The ``Marker`` of a truncated page, which must be new: a missing or repeated one would
    have the caller ask for the same page again, forever."""
    marker = page.get("Marker")
    if not marker:
        raise SimulatorError(backend, api, "NoMarker", "IsTruncated without a Marker", 0)
    marker = str(marker)
    if marker in seen:
        raise SimulatorError(
            backend,
            api,
            "RepeatedMarker",
            f"IsTruncated with the Marker {marker!r} it returned before (paging would not end)",
            0,
        )
    seen.add(marker)
    return marker


def _position(item: dict[str, Any], key: str) -> tuple[int, int] | None:
    pos = item.get(key)
    if not isinstance(pos, dict):
        return None
    return int(pos.get("Line", 0)), int(pos.get("Column", 0))


def _essence(item: dict[str, Any]) -> tuple[Any, ...]:
    """What a result says about its (action, resource), for telling duplicates apart."""
    return (
        item.get("EvalDecision"),
        item.get("MatchedStatements") or [],
        item.get("MissingContextValues") or [],
        item.get("PermissionsBoundaryDecisionDetail") or None,
    )


def _brief(item: dict[str, Any]) -> str:
    """A result in a few words: its decision and the statements it lists."""
    matched = [
        f"{m.get('SourcePolicyId', '?')}"
        + (f" at {pos[0]}:{pos[1]}" if (pos := _position(m, "StartPosition")) else "")
        for m in item.get("MatchedStatements") or []
    ]
    return f"{item.get('EvalDecision')} (matched: {', '.join(matched) or 'none'})"


class IamApiBackend(Backend):
    """Shared by moto and live: call Simulate*, page, count, and read the response."""

    api: ClassVar[str]
    cross_batches = True

    def __init__(
        self, catalog: Catalog, settings: Settings, options: ApiOptions | None = None
    ) -> None:
        super().__init__(catalog, settings)
        self.options = options or ApiOptions()
        self.local = LocalBackend(catalog, settings)
        self.budget = self.options.budget()

    @abstractmethod
    def _simulate(
        self, batch: Batch
    ) -> tuple[list[dict[str, Any]], Callable[[str], PolicyFile | None]]:
        """The EvaluationResults of every page, and a map from SourcePolicyId to the file."""

    def api_for(self, batch: Batch) -> str:
        """The Simulate* operation that answers ``batch``."""
        return self.api

    def _call(self, client: Any, operation: str, *, startup: bool = False, **kwargs: Any) -> Any:
        """One Simulate* request: one unit of the run's budget, and counted (:meth:`_invoke`)."""
        self.budget.take(self.name)
        if startup:
            self.startup_calls += 1
        else:
            self.simulate_calls += 1
        return self._invoke(client, operation, **kwargs)

    def _invoke(self, client: Any, operation: str, **kwargs: Any) -> Any:
        """One API request with its retries counted; any failure is a SimulatorError."""
        from botocore.exceptions import BotoCoreError, ClientError

        api = api_name(operation)
        redact_sdk_logs()  # botocore makes some of its loggers on first use
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

    def _each_page(
        self, operation: str, send: Callable[..., dict[str, Any]], **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """Every page of a Marker-paged IAM call, each sent through ``send(**kwargs)``;
        a missing or repeated Marker on a truncated page is an error (see next_marker)."""
        marker: str | None = None
        seen: set[str] = set()
        while True:
            page = send(**({**kwargs, "Marker": marker} if marker else kwargs))
            yield page
            if not page.get("IsTruncated"):
                return
            marker = next_marker(self.name, api_name(operation), page, seen)

    def _pages(self, client: Any, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Every page's EvaluationResults, each page one Simulate* call (:meth:`_call`)."""
        send = functools.partial(self._call, client, operation)
        return [
            r
            for page in self._each_page(operation, send, **kwargs)
            for r in page.get("EvaluationResults", [])
        ]

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

    def _entries(
        self, batch: Batch, results: list[dict[str, Any]]
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """The response's result for each (action in lower case, resource ARN as named).

        Strict, so that a garbled response is never read as a decision: an action the batch
        did not ask, or two different results for one pair, is a HarnessError. Actions match
        whatever their case (AWS may change it); resource ARNs exactly.
        """
        api = self.api_for(batch)
        asked = {a.lower() for a in batch.actions}
        entries: dict[tuple[str, str], dict[str, Any]] = {}
        for result in results:
            named = str(result.get("EvalActionName", ""))
            if named.lower() not in asked:
                raise HarnessError(
                    f"{self.name}: {api} answered for {named!r}, an action the request did not "
                    f"ask (asked: {', '.join(batch.actions)})"
                )
            specific = result.get("ResourceSpecificResults") or []
            items = [
                (
                    str(rsr.get("EvalResourceName")),
                    {
                        "EvalDecision": rsr.get("EvalResourceDecision"),
                        "MatchedStatements": rsr.get("MatchedStatements", []),
                        "MissingContextValues": rsr.get("MissingContextValues", []),
                        "PermissionsBoundaryDecisionDetail": rsr.get(
                            "PermissionsBoundaryDecisionDetail"
                        ),
                    },
                )
                for rsr in specific
            ] or [(str(result.get("EvalResourceName", "*")), result)]
            for resource, item in items:
                before = entries.setdefault((named.lower(), resource), item)
                if _essence(before) != _essence(item):
                    raise HarnessError(
                        f"{self.name}: {api} returned two different results for {named} on "
                        f"{resource}: {_brief(before)}, and {_brief(item)}"
                    )
        return entries

    def answer_batch(self, batch: Batch) -> dict[tuple[str, str], Answer]:
        results, resolve = self._simulate(batch)
        reference = (
            self.local.answer_batch(batch)
            if self.options.compare_local and not batch.caller.deployed
            else {}
        )
        entries = self._entries(batch, results)
        answers: dict[tuple[str, str], Answer] = {}
        for action in batch.actions:
            for resource in batch.resources:
                item = entries.get((action.lower(), resource))
                if item is None and len(batch.resources) == 1:
                    # AWS names the resource "*" when ResourceArns is omitted: still this one
                    item = entries.get((action.lower(), "*"))
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
                # answered here, nothing sent (NotAsked): no comparison with the local evaluator
                local = None if item.get("NotAsked") else reference.get((action, resource))
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
