"""The backend interface: a Backend decides batches of requests; ask() plans and collects."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from iamspec.catalog import Catalog
from iamspec.harness.errors import HarnessError
from iamspec.harness.outcome import Answer, CallResult, Outcome, PartResult
from iamspec.harness.requests import Batch, Call, plan_parts
from iamspec.project.settings import Settings


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

    def deployed_tags(self, principal: str, arn: str) -> dict[str, str]:
        """The IAM tags of a principal deployed in the account (live only)."""
        raise HarnessError(
            f'the deployed principal "{principal}" ({arn}) lives in the AWS account: only '
            f"--iam-backend=live can answer for it, not {self.name}"
        )

    def start(self) -> None:  # noqa: B027 - an optional hook
        """Check that this backend can run; acquire what it needs."""

    def close(self) -> None:  # noqa: B027 - an optional hook
        """Release what :meth:`start` acquired."""

    def begin_scenario(self) -> None:  # noqa: B027 - an optional hook
        """Forget per-scenario state."""

    @abstractmethod
    def answer_batch(self, batch: Batch) -> dict[tuple[str, str], Answer]:
        """One answer per (action, resource) of the batch."""

    def ask(self, calls: Sequence[Call], step: str | None = None) -> Outcome:
        """Answer every part of every call, one batch (Simulate* call) per
        :func:`~iamspec.harness.requests.plan` group."""
        parts = [p for c in calls for p in c.parts]
        answers: dict[int, Answer] = {}  # by id() of a part of ``parts``, alive meanwhile
        for batch, members in plan_parts(parts, cross=self.cross_batches):
            answered = self.answer_batch(batch)
            for part in members:
                answers[id(part)] = answered[(part.action, part.resource)]
        now = time.time()
        results = tuple(
            CallResult(
                call=call,
                parts=tuple(PartResult(p, answers[id(p)]) for p in call.parts),
                backend=self.name,
                step=step,
                asked_at=now,
            )
            for call in calls
        )
        return Outcome(results, self.name, step)
