"""One concrete request, read out of a solver model: the counterexample's action, ARN, context.

Values come out as the engine will read them back: text as the model has it; a number or
an instant as the shortest decimal (or W3C date-time) in the same place relative to every
constant the policies compare the key with, so that every comparison keeps its outcome (the
model's real may be 1/3; ``10.5`` stands in for it when the policies compare with 10 and 11);
an address as its usual text; a value that must not parse as a short text that does not.
Each entry's ``ContextKeyType`` is the catalog's for the key when every value is valid for it,
else ``string`` (``stringList``): the simulator checks typed values, the engine never reads
the type (docs/iam-semantics.md §1.2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import z3

from iamspec.engine.conditions import binary, boolean, dates, ip, numeric
from iamspec.symbolic import charsets, smt
from iamspec.symbolic.domain import parse_segments
from iamspec.symbolic.keys import KeySpec, Representation, ValueDomain
from iamspec.symbolic.request import IpValue, NumberValue, SymbolicRequest, SymKey, render_ip

_INVALID = {
    Representation.NUMBER: "not-a-number",
    Representation.DATE: "not-a-date",
    Representation.IP: "not-an-address",
}
_TYPE_PARSERS: dict[str, Callable[[str], object]] = {
    "numeric": numeric.parse_request,
    "boolean": boolean.parse_request,
    "ip": ip.parse_request,
    "date": dates.parse_request,
    "binary": binary.parse_request,
}


@dataclass(frozen=True)
class ConcreteEntry:
    """One context entry of a counterexample, as boto3 takes it (``ContextEntries``)."""

    name: str
    values: tuple[str, ...]
    type: str

    def to_boto3(self) -> dict[str, Any]:
        """``{"ContextKeyName": ..., "ContextKeyValues": [...], "ContextKeyType": ...}``."""
        return {
            "ContextKeyName": self.name,
            "ContextKeyValues": list(self.values),
            "ContextKeyType": self.type,
        }

    def __str__(self) -> str:
        shown = ", ".join(repr(v) for v in self.values)
        if self.type.endswith("List"):
            shown = f"[{shown}]"
        return f"{self.name} = {shown}"


@dataclass(frozen=True)
class ConcreteRequest:
    """A request a counterexample names: action, resource ARN (or ``*``), context entries.

    ``resource_type`` is the IAM resource type of the ARN (``connect:user``), None for ``*``;
    ``segments`` the ARN template's variables (``InstanceId`` → its value).
    """

    action: str
    resource: str
    context: tuple[ConcreteEntry, ...]
    resource_type: str | None = None
    segments: tuple[tuple[str, str], ...] = ()

    def context_entries(self) -> list[dict[str, Any]]:
        """The context in boto3's ``ContextEntries`` form."""
        return [entry.to_boto3() for entry in self.context]

    def to_json(self) -> dict[str, Any]:
        """``{"action", "resource", "context"}`` (context as ContextEntries)."""
        return {
            "action": self.action,
            "resource": self.resource,
            "context": self.context_entries(),
        }

    def values(self) -> dict[str, tuple[str, ...]]:
        """The context as key → values (key names as given)."""
        return {entry.name: entry.values for entry in self.context}

    def value(self, key: str) -> tuple[str, ...] | None:
        """The values of ``key`` (any case), or None when the request lacks it."""
        lowered = key.lower()
        for entry in self.context:
            if entry.name.lower() == lowered:
                return entry.values
        return None

    def describe(self) -> str:
        """A few readable lines."""
        lines = [f"{self.action} on {self.resource}"]
        if self.context:
            lines.extend(f"  with {entry}" for entry in self.context)
        else:
            lines.append("  with no context keys")
        return "\n".join(lines)


# -- numbers and instants ---------------------------------------------------------------------


def _terminating(value: Fraction) -> bool:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def _decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 200
        return Decimal(value.numerator) / Decimal(value.denominator)


def representative(value: Fraction, constants: Iterable[Decimal]) -> Decimal:
    """A short decimal with the same order relations to ``constants`` as ``value``."""
    points = sorted({Fraction(c) for c in constants})
    if value in points:
        return _decimal(value)
    lower = max((p for p in points if p < value), default=None)
    upper = min((p for p in points if p > value), default=None)

    def inside(candidate: Fraction) -> bool:
        return (lower is None or candidate > lower) and (upper is None or candidate < upper)

    for digits in range(0, 40):
        scale = 10**digits
        for rounded in (round(value * scale), (value * scale).__floor__()):
            candidate = Fraction(rounded, scale)
            if inside(candidate):
                return _decimal(candidate)
    if lower is not None and upper is not None:
        return _decimal((lower + upper) / 2)
    if lower is not None:  # pragma: no cover - an integer above lower always exists
        return _decimal(lower + 1)
    assert upper is not None  # pragma: no cover
    return _decimal(upper - 1)  # pragma: no cover


def number_text(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros (``10``, ``10.5``, ``-0.25``)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def instant_text(seconds: Decimal) -> str:
    """A W3C date-time in UTC for an instant, or epoch seconds outside years 1-9999."""
    whole = int(seconds.to_integral_value(rounding="ROUND_FLOOR"))
    fraction = seconds - whole
    try:
        moment = datetime(1970, 1, 1) + timedelta(seconds=whole)
    except OverflowError:
        return number_text(seconds)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if len(text) != 19:  # years below 1000 print short on some platforms
        return number_text(seconds)
    if fraction:
        text += "." + number_text(fraction).split(".", 1)[1]
    text += "Z"
    if dates.parse_instant(text) != seconds:  # pragma: no cover - guards the rendering
        return number_text(seconds)
    return text


# -- reading a model -----------------------------------------------------------------------


def model_fraction(model: z3.ModelRef, term: smt.Int) -> Fraction:
    value = model.eval(term, model_completion=True)
    if z3.is_rational_value(value):
        return Fraction(value.numerator_as_long(), value.denominator_as_long())
    if z3.is_int_value(value):
        return Fraction(value.as_long())
    # An algebraic number cannot come from linear constraints; read its approximation.
    return Fraction(value.as_decimal(30).rstrip("?"))  # pragma: no cover


def key_values(
    model: z3.ModelRef, key: SymKey, constants: Iterable[Decimal]
) -> tuple[str, ...] | None:
    """The values a model gives ``key`` (None when the request lacks it)."""
    if not smt.model_bool(model, key.present):
        return None
    count = smt.model_int(model, key.count) if key.count is not None else 1
    values: list[str] = []
    representation = key.spec.representation
    points = list(constants)
    for slot in key.values[:count]:
        if isinstance(slot, NumberValue):
            if not smt.model_bool(model, slot.valid):
                values.append(_INVALID[representation])
                continue
            chosen = representative(model_fraction(model, slot.number), points)
            if representation is Representation.NUMBER:
                values.append(number_text(chosen))
            else:
                values.append(instant_text(chosen))
        elif isinstance(slot, IpValue):
            version = smt.model_int(model, slot.version)
            if version == 0:
                values.append(_INVALID[representation])
            else:
                values.append(render_ip(version, smt.model_int(model, slot.bits)))
        else:
            values.append(smt.model_text(model, slot.term))
    return tuple(values)


def _valid_for(context_type: str, values: tuple[str, ...]) -> bool:
    parse = _TYPE_PARSERS.get(context_type.removesuffix("List"))
    if parse is None:
        return True
    try:
        for value in values:
            parse(value)
    except ValueError:
        return False
    return True


def entry_for(spec: KeySpec, values: tuple[str, ...]) -> ConcreteEntry:
    """The ConcreteEntry for a key's values (typed when they are valid for the type)."""
    context_type = spec.context_type
    if not _valid_for(context_type, values):
        context_type = "stringList" if context_type.endswith("List") else "string"
    return ConcreteEntry(spec.name, values, context_type)


def read_request(
    model: z3.ModelRef, request: SymbolicRequest, constants: Mapping[str, Iterable[Decimal]]
) -> ConcreteRequest:
    """The concrete request a model describes."""
    universe = request.universe
    action = universe.actions[smt.model_int(model, request.action)].full_name
    type_index = smt.model_int(model, request.resource_type)
    resource_type = None
    chosen = None if type_index == universe.none_type else universe.types[type_index]
    if chosen is not None:
        resource_type = f"{chosen.service}:{chosen.name}"
    raw: dict[str, tuple[str, ...]] = {}
    specs: dict[str, KeySpec] = {}
    for lowered, key in request.keys.items():
        values = key_values(model, key, constants.get(lowered, ()))
        if values is not None:
            raw[key.spec.name] = values
            specs[key.spec.name] = key.spec
    texts = {**raw, "\0arn": (smt.model_text(model, request.arn),)}
    if any(specs[n].domain in _TAGS for n in raw):
        # Characters above U+00FF that AWS refuses in tags: fresh letters, everywhere at once.
        texts = charsets.tag_safe(texts)
    arn = texts["\0arn"][0]
    entries = tuple(
        entry_for(specs[name], texts[name]) for name in sorted(raw, key=lambda n: n.lower())
    )
    return ConcreteRequest(
        action=action,
        resource=arn,
        context=entries,
        resource_type=resource_type,
        segments=() if chosen is None else parse_segments(chosen, arn),
    )


_TAGS = (ValueDomain.TAG_VALUE, ValueDomain.TAG_KEY)
