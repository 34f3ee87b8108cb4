"""The symbolic request: an action, a resource ARN and the modelled context keys as z3 terms.

- ``action``: an integer, the index of an action of the :class:`~.universe.Universe`;
- ``resource_type``: the index of the resource's type (``universe.none_type`` for ``*``);
- ``arn``: the resource ARN as a string (``*`` when the action has no resource type);
- per modelled key (:class:`~.keys.KeySpec`): whether the request carries it, and its
  values: strings (:class:`TextValue`), parsed numbers or instants (:class:`NumberValue`: a
  flag "parses" and an exact real), or addresses (:class:`IpValue`: version 0 for "does not
  parse", 4 or 6, and a 128-bit integer). A multivalued key has ``capacity`` value slots and
  a count of the slots in use.

:meth:`SymbolicRequest.well_formed` holds for every request (a slot count in range, an IPv4
address below 2^32); what AWS can actually send is :mod:`.domain`'s business.
:meth:`SymbolicRequest.fix` pins every term to one concrete request (the differential tests).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import z3

from iamspec.engine.conditions import dates, ip, numeric
from iamspec.symbolic import smt
from iamspec.symbolic.keys import KeySpec, Representation
from iamspec.symbolic.universe import Universe


@dataclass(frozen=True)
class TextValue:
    """A value read as text."""

    term: smt.Str


@dataclass(frozen=True)
class NumberValue:
    """A value read as a number (Numeric) or an instant in epoch seconds (Date)."""

    valid: smt.Bool
    number: smt.Int


@dataclass(frozen=True)
class IpValue:
    """A value read as an IP address: ``version`` 0 (does not parse), 4 or 6."""

    version: smt.Int
    bits: smt.Int


SymValue = TextValue | NumberValue | IpValue


@dataclass(frozen=True)
class SymKey:
    """One modelled context key: presence, value slots and (multivalued) the slots in use."""

    spec: KeySpec
    present: smt.Bool
    values: tuple[SymValue, ...]
    count: smt.Int | None

    def active(self, slot: int) -> smt.Bool:
        """Whether value slot ``slot`` holds a value of the request."""
        if self.count is None:
            return z3.BoolVal(True)
        return self.count > slot

    def empty(self) -> smt.Bool:
        """A multivalued key carried with no value at all (never true for a single value)."""
        if self.count is None:
            return z3.BoolVal(False)
        return self.count == 0


def exact_real(value: Decimal) -> smt.Int:
    """The z3 real equal to ``value`` (exactly, through a fraction)."""
    fraction = Fraction(value)
    return z3.RealVal(f"{fraction.numerator}/{fraction.denominator}")


class SymbolicRequest:
    """z3 variables for one request over ``universe`` and the modelled ``keys``."""

    def __init__(self, universe: Universe, keys: Mapping[str, KeySpec], tag: str = "r") -> None:
        self.universe = universe
        self.keys_spec = dict(keys)
        self.tag = tag
        self.action = z3.Int(f"{tag}.action")
        self.resource_type = z3.Int(f"{tag}.resource_type")
        self.arn = z3.String(f"{tag}.arn")
        self.keys: dict[str, SymKey] = {
            lowered: self._key(spec) for lowered, spec in sorted(keys.items())
        }

    def _key(self, spec: KeySpec) -> SymKey:
        base = f"{self.tag}.{spec.name}"
        slots = spec.capacity if spec.multivalued else 1
        values = tuple(self._value(spec, f"{base}[{i}]") for i in range(slots))
        count = z3.Int(f"{base}#") if spec.multivalued else None
        return SymKey(spec, z3.Bool(f"{base}?"), values, count)

    @staticmethod
    def _value(spec: KeySpec, name: str) -> SymValue:
        if spec.representation is Representation.TEXT:
            return TextValue(z3.String(name))
        if spec.representation is Representation.IP:
            return IpValue(z3.Int(f"{name}.version"), z3.Int(f"{name}.bits"))
        return NumberValue(z3.Bool(f"{name}.valid"), z3.Real(f"{name}.value"))

    def key(self, name: str) -> SymKey | None:
        """The modelled key ``name`` (any case), or None."""
        return self.keys.get(name.lower())

    def action_in(self, indices: Iterable[int]) -> smt.Bool:
        """The request's action is one of ``indices``."""
        return smt.in_ranges(self.action, indices)

    def well_formed(self) -> list[smt.Bool]:
        """What holds of every request, AWS's or not: ranges of indices, counts, addresses."""
        universe = self.universe
        facts = [
            self.action >= 0,
            self.action < len(universe.actions),
            self.resource_type >= 0,
            self.resource_type <= universe.none_type,
        ]
        for key in self.keys.values():
            if key.count is not None:
                facts += [key.count >= 0, key.count <= len(key.values)]
            for value in key.values:
                if isinstance(value, IpValue):
                    facts += [
                        z3.Or(value.version == 0, value.version == 4, value.version == 6),
                        value.bits >= 0,
                        z3.If(value.version == 4, value.bits < 2**32, value.bits < 2**128),
                    ]
        return facts

    # -- fixing every term to one concrete request -------------------------------------------

    def fix(
        self,
        action: str,
        resource: str,
        context: Mapping[str, tuple[str, ...]],
        resource_type: int | None = None,
    ) -> list[smt.Bool]:
        """Constraints that pin this request to the concrete one given.

        ``context`` maps key names (any case) to values; modelled keys it lacks are absent,
        keys it has that are not modelled are ignored (no policy reads them). Raises
        ValueError when a value list does not fit the model (two values for a single-valued
        key, more values than the key's capacity).
        """
        facts = [self.action == self.universe.index(action), self.arn == smt.text(resource)]
        if resource_type is not None:
            facts.append(self.resource_type == resource_type)
        given = {k.lower(): v for k, v in context.items()}
        for lowered, key in self.keys.items():
            values = given.get(lowered)
            if values is None:
                facts.append(z3.Not(key.present))
                continue
            facts.append(key.present)
            if key.count is None:
                if len(values) != 1:
                    raise ValueError(f"{key.spec.name} is single-valued; got {list(values)!r}")
            else:
                if len(values) > len(key.values):
                    raise ValueError(
                        f"{key.spec.name} holds at most {len(key.values)} values in this model"
                    )
                facts.append(key.count == len(values))
            for slot, raw in zip(key.values, values, strict=False):
                facts.extend(fix_value(slot, raw, key.spec.representation))
        return facts


def fix_value(slot: SymValue, raw: str, representation: Representation) -> list[smt.Bool]:
    """Pin one value slot to the request value ``raw``, parsed as the engine parses it."""
    if isinstance(slot, TextValue):
        return [slot.term == smt.text(raw)]
    if isinstance(slot, IpValue):
        try:
            address = ip.parse_request(raw)
        except ValueError:
            return [slot.version == 0]
        return [slot.version == address.version, slot.bits == int(address)]
    parse = (
        numeric.parse_request if representation is Representation.NUMBER else dates.parse_request
    )
    try:
        number = parse(raw)
    except ValueError:
        return [z3.Not(slot.valid)]
    return [slot.valid, slot.number == exact_real(number)]


def render_ip(version: int, bits: int) -> str:
    """The text of an address: dotted quad or compressed IPv6."""
    if version == 4:
        return str(ipaddress.IPv4Address(bits))
    return str(ipaddress.IPv6Address(bits))
