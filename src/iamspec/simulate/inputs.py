"""Validation of Simulate* request parameters, in AWS's words.

Limits come from botocore's IAM model and the API reference pages
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html):
ActionName 3-128 characters, ResourceArn, CallerArn and ResourceOwner 1-2048, PolicySourceArn
20-2048, ContextKeyName 5-256, ResourceHandlingOption 1-64, MaxItems 1-1000, Marker 1-320,
policy strings 1-131,072 characters.
AWS checks these model constraints before the operation runs and answers ``ValidationError``
(:class:`~iamspec.errors.ValidationError`, in AWS's "1 validation error detected: ..." form);
what the operation itself rejects — a policy that does not parse, a wildcard action, text
that is not an ARN, a second boundary — is ``InvalidInput`` with what and where. A wrong
Python type (not reachable through boto3, whose client checks types) is InvalidInput too.

AWS documents no limit on the values of one context key nor on their length
(API_ContextEntry.html: "Type: Array of strings"). iamspec bounds both so that one decision
stays bounded: at most :data:`MAX_CONTEXT_VALUES` values per key, each at most
:data:`MAX_CONTEXT_VALUE_CHARS` characters (more than any real request carries: 50 tags a
resource, ARNs of 2,048 characters). Going past either is InvalidInput that says it is
iamspec's bound, not AWS's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from iamspec.arns import is_arn
from iamspec.engine.conditions import binary, boolean, dates, ip, numeric
from iamspec.engine.context import ContextValue, RequestContext, ValueType, parse_context_key_type
from iamspec.errors import (
    InvalidInputError,
    PolicyParseError,
    SimulationInputError,
    ValidationError,
)
from iamspec.policy.model import Policy
from iamspec.policy.parser import PolicyKind, parse_policy

MAX_POLICY_CHARS = 131_072
MAX_ARN_CHARS = 2048
MAX_MARKER_CHARS = 320
MAX_CONTEXT_VALUES = 1000
MAX_CONTEXT_VALUE_CHARS = 10_000
_PARSE_CACHE: dict[tuple[str, str, PolicyKind], Policy] = {}


def parsed_policy(text: Any, source: str, kind: PolicyKind) -> Policy:
    """Parse a policy string, cached by text; a defect becomes InvalidInput with its position."""
    if not isinstance(text, str):
        raise InvalidInputError(f"{source} must be a policy document string")
    key = (text, source, kind)
    found = _PARSE_CACHE.get(key)
    if found is not None:
        return found
    if not 1 <= len(text) <= MAX_POLICY_CHARS:
        raise ValidationError(
            _field(source),
            f"{len(text)} characters",
            _length_constraint(1, MAX_POLICY_CHARS, member=True),
        )
    try:
        policy = parse_policy(text, source, kind=kind)
    except PolicyParseError as err:
        raise InvalidInputError(f"{err.source}:{err.line}:{err.column}: {err.reason}") from err
    if len(_PARSE_CACHE) > 4096:
        _PARSE_CACHE.clear()
    _PARSE_CACHE[key] = policy
    return policy


def check_text(value: str, where: str) -> str:
    """``value`` unless it holds a lone surrogate, which no request can carry (InvalidInput).

    Requests travel as UTF-8, where a lone surrogate (``"\\ud800"``) cannot be written; one
    passed in process would come back in the result and crash whatever writes it out.
    """
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InvalidInputError(
            f"{where}: character {err.start + 1} is U+{ord(value[err.start]):04X}, a lone "
            "surrogate that no request can carry"
        ) from None
    return value


def _field(source: str) -> str:
    """The model's member name AWS puts in a ValidationError (``policyInputList``)."""
    name = source.split(".", 1)[0]
    return name[:1].lower() + name[1:]


def _length_constraint(low: int, high: int, *, member: bool = False) -> str:
    """AWS's wording of a length constraint; list members get the bracketed form."""
    parts = [
        f"Member must have length less than or equal to {high}",
        f"Member must have length greater than or equal to {low}",
    ]
    if member:
        return "Member must satisfy constraint: [" + ", ".join(parts) + "]"
    return ", ".join(parts)


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


def policy_source_arn(value: Any) -> str:
    """PolicySourceArn: required; the model's ``arnType`` is 20-2048 characters."""
    if value is None:
        raise InvalidInputError("PolicySourceArn is required")
    if not isinstance(value, str):
        raise InvalidInputError("PolicySourceArn must be a string")
    check_text(value, "PolicySourceArn")
    if not 20 <= len(value) <= 2048:
        raise ValidationError("policySourceArn", value, _length_constraint(20, 2048))
    return value


def action_names(value: Any) -> list[str]:
    """ActionNames: each 3-128 characters, no wildcards (SimulateCustomPolicy page).

    Whether each is a ``service:Action`` that IAM defines is checked against the catalog when
    the simulation runs (:func:`iamspec.simulate.core.run`), which also suggests the intended
    name for a malformed one (``app-integrations::ListEventIntegrations``).
    """
    actions = required_list(value, "ActionNames")
    for i, action in enumerate(actions, 1):
        if not isinstance(action, str):
            raise InvalidInputError(f"ActionNames.{i} must be a string")
        check_text(action, f"ActionNames.{i}")
        if not 3 <= len(action) <= 128:
            raise ValidationError("actionNames", action, _length_constraint(3, 128, member=True))
        if "*" in action or "?" in action:
            raise InvalidInputError(
                f"ActionNames.{i} {action!r}: wildcards are not supported in action names"
            )
    return actions


def resource_arns(value: Any) -> list[str]:
    """ResourceArns, defaulting to ``["*"]``; each must be ``*`` or a six-part ARN."""
    arns = optional_list(value, "ResourceArns") or ["*"]
    for i, arn in enumerate(arns, 1):
        if not isinstance(arn, str):
            raise InvalidInputError(f"ResourceArns.{i} must be a string")
        check_text(arn, f"ResourceArns.{i}")
        if not 1 <= len(arn) <= MAX_ARN_CHARS:
            raise ValidationError(
                "resourceArns", arn, _length_constraint(1, MAX_ARN_CHARS, member=True)
            )
        if arn != "*" and not is_arn(arn):
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


def arn_length(value: Any, name: str) -> None:
    """CallerArn, ResourceOwner: the model's ``ResourceNameType``, 1-2048 characters."""
    if isinstance(value, str):
        check_text(value, name)
    if isinstance(value, str) and not 1 <= len(value) <= MAX_ARN_CHARS:
        field = name[:1].lower() + name[1:]
        raise ValidationError(field, value, _length_constraint(1, MAX_ARN_CHARS))


def resource_owner(value: Any) -> None:
    """ResourceOwner: accepted when a string; cross-account simulation is not modelled."""
    if value is not None and not isinstance(value, str):
        raise InvalidInputError("ResourceOwner must be a string")
    arn_length(value, "ResourceOwner")


def marker(value: Any) -> None:
    """Marker: the model's ``markerType``, 1-320 characters (checked before it is decoded)."""
    if isinstance(value, str):
        check_text(value, "Marker")
    if isinstance(value, str) and not 1 <= len(value) <= MAX_MARKER_CHARS:
        raise ValidationError("marker", value, _length_constraint(1, MAX_MARKER_CHARS))


def resource_handling_option(value: Any) -> None:
    """ResourceHandlingOption: 1-64 characters; EC2 scenarios are not modelled."""
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInputError("ResourceHandlingOption must be a string")
    check_text(value, "ResourceHandlingOption")
    if not 1 <= len(value) <= 64:
        raise ValidationError("resourceHandlingOption", value, _length_constraint(1, 64))


def max_items(value: Any) -> int:
    """MaxItems: 1-1000, default 100."""
    if value is None:
        return 100
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("MaxItems must be an integer")
    if value < 1:
        raise ValidationError(
            "maxItems", value, "Member must have value greater than or equal to 1"
        )
    if value > 1000:
        raise ValidationError(
            "maxItems", value, "Member must have value less than or equal to 1000"
        )
    return value


# A value of a typed ContextKeyType must be one that the matching operator family can read:
# otherwise the value would be accepted here and then silently match nothing. The parsers are
# the condition operators' own (iamspec.engine.conditions), so the two can never disagree.
# A ``boolean`` value other than true/false (any case) is InvalidInput: what AWS's simulator
# does with "yes" is undocumented (a Java-style parse would quietly read it as false), and a
# typo must never become a decision (docs/iam-semantics.md §8).
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


def _context_value(index: int, name: str, strings: tuple[str, ...], type_name: str) -> ContextValue:
    """One checked ContextValue (of ``ContextEntries.<index>``). Values whose type is parsed
    to be checked (numbers, dates, IP addresses...) are memoised, as scenarios repeat the same
    entries; strings, which need no check, are not (they would only fill the memo)."""
    key = (name, strings, type_name)
    found = _VALUES_CACHE.get(key)
    if found is not None:
        return found
    try:
        vtype, multi = parse_context_key_type(type_name)
        parse = _PARSERS.get(vtype)
        if parse is None:
            return ContextValue(name, strings, vtype, multi)
        for v in strings:
            _check_value(v, vtype)
    except SimulationInputError as err:
        raise InvalidInputError(f"ContextEntries.{index} ({name}): {err}") from err
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
        if not isinstance(entry, Mapping):
            raise InvalidInputError(f"ContextEntries.{i} must be a ContextEntry structure")
        name = entry.get("ContextKeyName")
        if not isinstance(name, str):
            raise InvalidInputError(f"ContextEntries.{i}.ContextKeyName must be a string")
        raw_values = entry.get("ContextKeyValues", [])
        type_name = str(entry.get("ContextKeyType", ""))
        values.append(checked_entry(i, name, raw_values, type_name))
    return request_context(values)


def checked_entry(index: int, name: str, raw_values: Any, type_name: str) -> ContextValue:
    """The ``ContextEntries.<index>`` entry, given as its name, values and type, checked as
    :func:`context_entries` checks each: its name, the number and length of its values, each
    value against the type. Messages are formatted only on failure."""
    i = index
    if not name.isascii():
        check_text(name, f"ContextEntries.{i}.ContextKeyName")
    if not 5 <= len(name) <= 256:
        raise ValidationError(
            f"contextEntries.{i}.member.contextKeyName", name, _length_constraint(5, 256)
        )
    if not isinstance(raw_values, (list, tuple)):
        raise InvalidInputError(f"ContextEntries.{i}.ContextKeyValues must be a list of strings")
    if len(raw_values) > MAX_CONTEXT_VALUES:
        raise InvalidInputError(
            f"ContextEntries.{i}.ContextKeyValues ({name}): {len(raw_values):,} values; "
            f"iamspec simulates at most {MAX_CONTEXT_VALUES:,} values per context key (a "
            "bound of iamspec's: AWS documents none)"
        )
    strings = tuple(raw_values)
    for j, v in enumerate(strings, 1):
        if not isinstance(v, str):
            raise InvalidInputError(
                f"ContextEntries.{i}.ContextKeyValues must be a list of strings"
            )
        if not v.isascii():
            check_text(v, f"ContextEntries.{i}.ContextKeyValues.{j} ({name})")
        if len(v) > MAX_CONTEXT_VALUE_CHARS:
            raise InvalidInputError(
                f"ContextEntries.{i}.ContextKeyValues.{j} ({name}): {len(v):,} characters; "
                f"iamspec simulates context values of at most {MAX_CONTEXT_VALUE_CHARS:,} "
                "characters (a bound of iamspec's: AWS documents none)"
            )
    return _context_value(i, name, strings, type_name)


def request_context(values: list[ContextValue]) -> RequestContext:
    """The request context of checked values; InvalidInput for a key given twice."""
    try:
        return RequestContext(values)
    except SimulationInputError as err:
        raise InvalidInputError(f"ContextEntries: {err}") from err
