"""Validation of Simulate* request parameters, in AWS's words: InvalidInput with what and where.

Limits come from botocore's IAM model and the API reference pages
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html):
ActionName 3-128 characters, ResourceArn 1-2048, ContextKeyName 5-256, MaxItems 1-1000,
policy strings up to 131,072 characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from iamspec.engine.conditions import binary, boolean, dates, ip, numeric
from iamspec.engine.context import ContextValue, RequestContext, ValueType, parse_context_key_type
from iamspec.errors import InvalidInputError, PolicyParseError, SimulationInputError
from iamspec.policy.model import Policy
from iamspec.policy.parser import PolicyKind, parse_policy

MAX_POLICY_CHARS = 131_072
# arn:partition:service:region:account:resource; partition, service and resource non-empty
# (the catalog's MalformedArnError rules).
_ARN = re.compile(r"arn:[^:]+:[^:]+:[^:]*:[^:]*:.+", re.DOTALL)
_PARSE_CACHE: dict[tuple[str, str, PolicyKind], Policy] = {}


def parsed_policy(text: Any, source: str, kind: PolicyKind) -> Policy:
    """Parse a policy string, cached by text; a defect becomes InvalidInput with its position."""
    if not isinstance(text, str):
        raise InvalidInputError(f"{source} must be a policy document string")
    key = (text, source, kind)
    found = _PARSE_CACHE.get(key)
    if found is not None:
        return found
    if len(text) > MAX_POLICY_CHARS:
        raise InvalidInputError(
            f"{source} is {len(text)} characters long; the limit is {MAX_POLICY_CHARS}"
        )
    try:
        policy = parse_policy(text, source, kind=kind)
    except PolicyParseError as err:
        raise InvalidInputError(f"{err.source}:{err.line}:{err.column}: {err.reason}") from err
    if len(_PARSE_CACHE) > 4096:
        _PARSE_CACHE.clear()
    _PARSE_CACHE[key] = policy
    return policy


def required_list(value: Any, name: str) -> list[Any]:
    """A required, non-empty list parameter."""
    if value is None:
        raise InvalidInputError(f"{name} is required")
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise InvalidInputError(f"{name} must be a non-empty list")
    return list(value)


def optional_list(value: Any, name: str) -> list[Any]:
    """An optional list parameter (None → empty)."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInputError(f"{name} must be a list")
    return list(value)


def action_names(value: Any) -> list[str]:
    """ActionNames: each 3-128 characters, no wildcards (SimulateCustomPolicy page).

    Whether each is a ``service:Action`` that IAM defines is checked against the catalog when
    the simulation runs (:func:`iamspec.simulate.core.run`), which also suggests the intended
    name for a malformed one (``app-integrations::ListEventIntegrations``).
    """
    actions = required_list(value, "ActionNames")
    for i, action in enumerate(actions, 1):
        if not isinstance(action, str) or not 3 <= len(action) <= 128:
            raise InvalidInputError(f"ActionNames.{i} must be a string of 3 to 128 characters")
        if "*" in action or "?" in action:
            raise InvalidInputError(
                f"ActionNames.{i} {action!r}: wildcards are not supported in action names"
            )
    return actions


def resource_arns(value: Any) -> list[str]:
    """ResourceArns, defaulting to ``["*"]``; each must be ``*`` or a six-part ARN."""
    arns = optional_list(value, "ResourceArns") or ["*"]
    for i, arn in enumerate(arns, 1):
        if not isinstance(arn, str) or not 1 <= len(arn) <= 2048:
            raise InvalidInputError(f"ResourceArns.{i} must be a string of 1 to 2048 characters")
        if arn != "*" and not _ARN.fullmatch(arn):
            raise InvalidInputError(
                f"ResourceArns.{i} {arn!r} is not an ARN "
                "(arn:partition:service:region:account-id:resource)"
            )
    return arns


def boundary_policies(value: Any) -> list[Any]:
    """PermissionsBoundaryPolicyInputList: a list, but only one boundary is allowed."""
    texts = optional_list(value, "PermissionsBoundaryPolicyInputList")
    if len(texts) > 1:
        raise InvalidInputError("PermissionsBoundaryPolicyInputList takes at most one policy")
    return texts


def resource_owner(value: Any) -> None:
    """ResourceOwner: accepted when a string; cross-account simulation is not modelled."""
    if value is not None and not isinstance(value, str):
        raise InvalidInputError("ResourceOwner must be a string")


def resource_handling_option(value: Any) -> None:
    """ResourceHandlingOption: 1-64 characters; EC2 scenarios are not modelled."""
    if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= 64):
        raise InvalidInputError("ResourceHandlingOption must be 1 to 64 characters")


def max_items(value: Any) -> int:
    """MaxItems: 1-1000, default 100."""
    if value is None:
        return 100
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise InvalidInputError("MaxItems must be an integer from 1 to 1000")
    return value


# A value of a typed ContextKeyType must be one that the matching operator family can read:
# otherwise the value would be accepted here and then silently match nothing. The parsers are
# the condition operators' own (iamspec.engine.conditions), so the two can never disagree.
_PARSERS: dict[ValueType, Callable[[str], object]] = {
    ValueType.NUMERIC: numeric.parse_request,
    ValueType.BOOLEAN: boolean.parse_request,
    ValueType.IP: ip.parse_request,
    ValueType.DATE: dates.parse_request,
    ValueType.BINARY: binary.parse_request,
}


def _check_value(value: str, vtype: ValueType) -> None:
    parse = _PARSERS.get(vtype)
    if parse is None:
        return
    try:
        parse(value)
    except ValueError as err:
        raise SimulationInputError(f"{value!r} {err}") from None


_VALUES_CACHE: dict[tuple[str, tuple[str, ...], str], ContextValue] = {}


def _context_value(where: str, name: str, strings: tuple[str, ...], type_name: str) -> ContextValue:
    """One checked ContextValue; memoised, as scenarios repeat the same entries."""
    key = (name, strings, type_name)
    found = _VALUES_CACHE.get(key)
    if found is not None:
        return found
    try:
        vtype, multi = parse_context_key_type(type_name)
        for v in strings:
            _check_value(v, vtype)
    except SimulationInputError as err:
        raise InvalidInputError(f"{where} ({name}): {err}") from err
    found = ContextValue(name, strings, vtype, multi)
    if len(_VALUES_CACHE) >= 4096:
        _VALUES_CACHE.clear()
    _VALUES_CACHE[key] = found
    return found


def context_entries(value: Any) -> RequestContext:
    """ContextEntries → RequestContext; every value is checked against its ContextKeyType."""
    entries = optional_list(value, "ContextEntries")
    values: list[ContextValue] = []
    for i, entry in enumerate(entries, 1):
        where = f"ContextEntries.{i}"
        if not isinstance(entry, Mapping):
            raise InvalidInputError(f"{where} must be a ContextEntry structure")
        name = entry.get("ContextKeyName")
        if not isinstance(name, str) or not 5 <= len(name) <= 256:
            raise InvalidInputError(f"{where}.ContextKeyName must be 5 to 256 characters")
        raw_values = entry.get("ContextKeyValues", [])
        if not isinstance(raw_values, (list, tuple)):
            raise InvalidInputError(f"{where}.ContextKeyValues must be a list of strings")
        strings = tuple(raw_values)
        if not all(isinstance(v, str) for v in strings):
            raise InvalidInputError(f"{where}.ContextKeyValues must be a list of strings")
        type_name = entry.get("ContextKeyType", "")
        values.append(_context_value(where, name, strings, str(type_name)))
    try:
        return RequestContext(values)
    except SimulationInputError as err:
        raise InvalidInputError(f"ContextEntries: {err}") from err
