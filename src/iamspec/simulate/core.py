"""The shared body of both Simulate* calls: evaluate, shape and page the results.

``SimulateCustomPolicy`` and ``SimulatePrincipalPolicy`` differ only in where the policies
come from; from compiled policies on, they are this module.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from iamspec.catalog import ActionInfo, Catalog, default_catalog
from iamspec.engine.compiled import CompiledPolicy
from iamspec.engine.context import RequestContext
from iamspec.engine.evaluator import Evaluation, Request, evaluate, most_restrictive
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
    organization: Sequence[Sequence[CompiledPolicy]] = (),
) -> SimulationRun:
    """Evaluate every action against every resource.

    An action the IAM service reference does not define is refused with InvalidInput and a
    suggestion: iamspec never answers "denied" for a typo.

    ``organization`` holds the SCPs of each level of ``OrderedOrganizationPolicyInputList``
    (root first): every level needs an applicable Allow and any applicable Deny denies, as
    Organizations enforces them. Their statements never appear in ``MatchedStatements`` and
    their keys never in ``MissingContextValues`` (botocore's model).

    Like AWS's simulator, a ResourcePolicy is parsed and validated but not used for the
    ``sts:AssumeRole*`` actions: the verdict comes from the identity policies alone, even
    when the trust policy denies the caller (aws/aws-cli#10314, docs/iam-semantics.md 1.6).
    """
    cat = catalog or default_catalog()
    concrete = next((r for r in resources if r != "*"), None)
    results: list[dict[str, Any]] = []
    evaluations: list[tuple[Evaluation, ...]] = []
    for i, action in enumerate(actions, 1):
        template = _arn_template(cat, action, i, concrete)
        used_policy = None if _ignores_resource_policy(action) else resource_policy
        requests = [Request(action, arn, context, caller_arn) for arn in resources]
        evs = tuple(evaluate(r, identity, boundary, used_policy) for r in requests)
        organizations = (
            [
                most_restrictive([evaluate(r, level).decision for level in organization])
                for r in requests
            ]
            if organization
            else None
        )
        results.append(evaluation_result(action, template, list(evs), organizations))
        evaluations.append(evs)
    return SimulationRun(tuple(results), tuple(evaluations))


def evaluate_actions(
    *,
    identity: Sequence[CompiledPolicy],
    boundary: Sequence[CompiledPolicy],
    actions: Sequence[str],
    resources: Sequence[str],
    context: RequestContext,
    caller_arn: str | None,
    catalog: Catalog | None = None,
) -> tuple[tuple[Evaluation, ...], ...]:
    """Every action's evaluations against every resource, as :func:`run` makes them for a
    call without a resource policy or SCPs, without shaping AWS's results (the harness's
    local backend reads the evaluations themselves).

    An action the IAM service reference does not define is InvalidInput, as in :func:`run`.
    """
    cat = catalog or default_catalog()
    evaluations: list[tuple[Evaluation, ...]] = []
    for i, action in enumerate(actions, 1):
        _action_info(cat, action, i)
        requests = [Request(action, arn, context, caller_arn) for arn in resources]
        evaluations.append(tuple(evaluate(r, identity, boundary) for r in requests))
    return tuple(evaluations)


def _ignores_resource_policy(action: str) -> bool:
    """The simulator's ``sts:AssumeRole*`` quirk (aws/aws-cli#10314)."""
    return action.lower().startswith("sts:assumerole")


_TEMPLATES: dict[tuple[int, str, str | None], tuple[Catalog, str]] = {}


def _arn_template(catalog: Catalog, action: str, index: int, arn: str | None) -> str:
    """``EvalResourceName``: the ARN template of the simulated resource type, or ``*``.

    botocore's model: "The ARN template for the simulated resource type (for example,
    ``arn:${Partition}:s3:::${BucketName}/${KeyName}``), or ``*`` if no ARN format is defined
    for the action". The simulated type is the one the first concrete ARN has (an S3 object
    ARN is the ``object`` type, not ``accesspointobject``); when it has none of the action's
    types, the action's first required type. ``*`` when no concrete ARN is simulated.

    An action the catalog does not know is InvalidInput. Memoised per (catalog, action, ARN);
    the entry holds the catalog so that its ``id`` cannot be reused while the entry lives.
    """
    key = (id(catalog), action, arn)
    found = _TEMPLATES.get(key)
    if found is not None:
        return found[1]
    info = _action_info(catalog, action, index)
    template = "*"
    if arn is not None:
        simulated = catalog.resource_type_for_arn(info, arn)
        if simulated is not None:
            template = simulated.arn_templates[0]
        else:
            template = catalog.arn_template(info)
    if len(_TEMPLATES) >= 4096:
        _TEMPLATES.clear()
    _TEMPLATES[key] = (catalog, template)
    return template


def _action_info(catalog: Catalog, action: str, index: int) -> ActionInfo:
    """The action ``ActionNames.<index>`` names; InvalidInput when the catalog does not know it."""
    try:
        return catalog.action(action)
    except CatalogError as err:
        # The catalog adds the reason for a malformed name and "did you mean the action ..."
        # for a misspelt prefix as exception notes; they belong in the message.
        notes = "".join(f" ({note})" for note in getattr(err, "__notes__", ()))
        raise InvalidInputError(f"ActionNames.{index}: {err}{notes}") from err


def _fingerprint(params: Any) -> str:
    """A digest of the request that ignores dict key order and list-vs-tuple spelling.

    The same request sent again with ``ContextEntries`` keys in another order (as older moto
    releases re-serialise them) must still accept its marker.
    """
    canonical = json.dumps(params, sort_keys=True, default=list, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def page(
    results: Sequence[dict[str, Any]], max_items: int, marker: Any, params: Any
) -> dict[str, Any]:
    """Cut ``results`` into the page that ``marker`` points at.

    The marker is opaque to callers, as AWS's is; it is bound to the request it came from, so
    a marker from another request is refused with InvalidInput.
    """
    start = 0
    fingerprint = ""
    if marker is not None:
        fingerprint = _fingerprint(params)
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
        fingerprint = fingerprint or _fingerprint(params)
        response["Marker"] = base64.urlsafe_b64encode(f"{end}:{fingerprint}".encode()).decode()
    return response
