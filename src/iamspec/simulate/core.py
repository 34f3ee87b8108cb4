"""The shared body of both Simulate* calls: evaluate, shape and page the results.

``SimulateCustomPolicy`` and ``SimulatePrincipalPolicy`` differ only in where the policies
come from; from compiled policies on, they are this module.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from iamspec.catalog import Catalog, default_catalog
from iamspec.engine.compiled import CompiledPolicy
from iamspec.engine.context import RequestContext
from iamspec.engine.evaluator import Evaluation, Request, evaluate
from iamspec.errors import CatalogError, InvalidInputError
from iamspec.simulate.response import evaluation_result


@dataclass(frozen=True)
class SimulationRun:
    """The full answer before paging: one result dict and its evaluations per action."""

    results: tuple[dict[str, Any], ...]
    evaluations: tuple[tuple[Evaluation, ...], ...]


def run(
    *,
    identity: Sequence[CompiledPolicy],
    boundary: Sequence[CompiledPolicy],
    resource_policy: CompiledPolicy | None,
    actions: Sequence[str],
    resources: Sequence[str],
    context: RequestContext,
    caller_arn: str | None,
    catalog: Catalog | None = None,
) -> SimulationRun:
    """Evaluate every action against every resource.

    An action the IAM service reference does not define is refused with InvalidInput and a
    suggestion: iamspec never answers "denied" for a typo.
    """
    cat = catalog or default_catalog()
    results: list[dict[str, Any]] = []
    evaluations: list[tuple[Evaluation, ...]] = []
    for i, action in enumerate(actions, 1):
        try:
            info = cat.action(action)
        except CatalogError as err:
            raise InvalidInputError(f"ActionNames.{i}: {err}") from err
        evs = tuple(
            evaluate(Request(action, arn, context, caller_arn), identity, boundary, resource_policy)
            for arn in resources
        )
        template = cat.arn_template(info) if any(r != "*" for r in resources) else "*"
        results.append(evaluation_result(action, template, list(evs)))
        evaluations.append(evs)
    return SimulationRun(tuple(results), tuple(evaluations))


def _fingerprint(params: Any) -> str:
    return hashlib.sha256(repr(params).encode()).hexdigest()[:16]


def page(
    results: Sequence[dict[str, Any]], max_items: int, marker: Any, params: Any
) -> dict[str, Any]:
    """Cut ``results`` into the page that ``marker`` points at.

    The marker is opaque to callers, as AWS's is; it is bound to the request it came from, so
    a marker from another request is refused with InvalidInput.
    """
    fingerprint = _fingerprint(params)
    start = 0
    if marker is not None:
        try:
            text = base64.urlsafe_b64decode(str(marker).encode()).decode()
            offset, fp = text.split(":", 1)
            start = int(offset)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInputError(f"Marker {marker!r} is not valid") from None
        if fp != fingerprint or not 0 < start <= len(results):
            raise InvalidInputError(f"Marker {marker!r} does not belong to this request")
    end = start + max_items
    response: dict[str, Any] = {
        "EvaluationResults": list(results[start:end]),
        "IsTruncated": end < len(results),
    }
    if end < len(results):
        response["Marker"] = base64.urlsafe_b64encode(f"{end}:{fingerprint}".encode()).decode()
    return response
