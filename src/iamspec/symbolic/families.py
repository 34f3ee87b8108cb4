"""Term encoding per operator family: the positive test of one policy value against one value.

The engine's operator table (``iamspec.engine.conditions.registry``) gives every base
operator a ``compare`` function; this module maps each of those functions to its encoding,
so an operator the table adds without an encoding here is an error, never a silent guess:

======================  =======================================================================
``strings.equals``      ``StringEquals``: the texts are equal; ``...IgnoreCase``: the request
                        text lower-cases to the lower-cased policy text
                        (:func:`iamspec.symbolic.charsets.ignore_case_regex`)
``strings.like``        ``StringLike``: :mod:`.patterns` (``*``, ``?``, substituted text literal)
``numeric.*``           exact comparison of the parsed number with the policy's
``dates.*``             exact comparison of the parsed instant with the policy's
``boolean.equals``      the request text lower-cases to ``true``/``false``, equal to the policy's
``binary.equals``       the request text is base64 that decodes to the policy's bytes
``ip.contains``         the parsed address lies in the policy's CIDR block (same version)
``arn.matches``         ``ArnLike``: six parts, :mod:`.patterns`; the request text is an ARN
======================  =======================================================================

Policy values are parsed by the family's own ``parse_value`` (a value that does not parse
"matches nothing", as in the engine). Request values are parsed as the engine parses them:
text families test the text itself; Numeric, Date and IpAddress read a :class:`NumberValue`
or :class:`IpValue` that stands for the parse result.
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import z3

from iamspec.engine.conditions import arn, binary, boolean, dates, ip, numeric, strings
from iamspec.engine.conditions.registry import OperatorSpec
from iamspec.engine.variables import Piece
from iamspec.policy.model import Located
from iamspec.symbolic import charsets, patterns, smt
from iamspec.symbolic.keys import Representation
from iamspec.symbolic.patterns import Hole
from iamspec.symbolic.request import IpValue, NumberValue, SymValue, TextValue, exact_real


@dataclass(frozen=True)
class Operand:
    """A policy value with its variables substituted symbolically.

    ``defined`` is false when a variable resolved to nothing (the value then matches
    nothing); ``pieces`` hold policy text (``Piece``, ``wild`` for wildcard-capable text) and
    substituted text (``Hole``).
    """

    located: Located
    defined: smt.Bool
    pieces: tuple[Piece | Hole, ...]

    @property
    def constant(self) -> tuple[Piece, ...] | None:
        """The pieces when no variable is involved, else None."""
        if any(isinstance(p, Hole) for p in self.pieces):
            return None
        return tuple(p for p in self.pieces if isinstance(p, Piece))

    def term(self) -> smt.Str:
        """The substituted text as one string term."""
        return smt.concat_text(
            [p.term if isinstance(p, Hole) else smt.text(p.text) for p in self.pieces]
        )


Test = Callable[[SymValue], smt.Bool]


@dataclass(frozen=True)
class Matcher:
    """One policy value ready to test request values.

    ``exists``: the value resolved and parsed (else it matches nothing); ``test``: the
    family's positive test against one request value. A value without an exact encoding
    raises :class:`NotEncodable` instead (:mod:`.unsupported`).
    """

    exists: smt.Bool
    test: Test


class NotEncodable(Exception):
    """A policy value whose test has no exact encoding; the message names the construct."""


def representation(spec: OperatorSpec[Any, Any]) -> Representation:
    """How the family reads a request value."""
    return _REPRESENTATIONS.get(spec.family, Representation.TEXT)


_REPRESENTATIONS = {
    "Numeric": Representation.NUMBER,
    "Date": Representation.DATE,
    "IpAddress": Representation.IP,
}


def parses(spec: OperatorSpec[Any, Any], value: SymValue) -> smt.Bool:
    """The engine's ``parse_request`` succeeds on the request value."""
    if isinstance(value, NumberValue):
        return value.valid
    if isinstance(value, IpValue):
        return value.version != 0
    if spec.family == "Boolean":
        return z3.InRe(value.term, smt.union([_true(), _false()]))
    if spec.family == "Binary":
        return z3.InRe(value.term, _base64_valid())
    if spec.family == "Arn":
        return z3.InRe(value.term, _arn_request())
    return z3.BoolVal(True)


def matcher(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    """The matcher of one policy value; NotEncodable when it has no exact encoding."""
    encode = _ENCODERS.get(spec.compare)
    if encode is None:  # pragma: no cover - guards additions to the operator table
        raise RuntimeError(f"no symbolic encoding for {spec.name}")
    return encode(spec, operand)


def _constant_parse(spec: OperatorSpec[Any, Any], operand: Operand) -> tuple[bool, Any]:
    pieces = operand.constant
    assert pieces is not None
    try:
        return True, spec.parse_value(pieces)
    except ValueError:
        return False, None


def _never() -> Matcher:
    return Matcher(z3.BoolVal(False), lambda _value: z3.BoolVal(False))


def _text(value: SymValue) -> smt.Str:
    assert isinstance(value, TextValue)
    return value.term


# -- String ----------------------------------------------------------------------------------


def _string_equals(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    if spec.ignore_case:
        if operand.constant is None:
            raise NotEncodable(f"{spec.name} with a policy variable")
        _, lowered = _constant_parse(spec, operand)
        try:
            language = charsets.ignore_case_regex(lowered)
        except ValueError as err:  # pragma: no cover - policy text is Latin-1
            raise NotEncodable(f"{spec.name} value {operand.located.text!r}: {err}") from None
        return Matcher(operand.defined, lambda value: z3.InRe(_text(value), language))
    term = operand.term()
    return Matcher(operand.defined, lambda value: _text(value) == term)


def _string_like(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    items = patterns.pieces_items(operand.pieces)
    return Matcher(operand.defined, lambda value: patterns.matches(_text(value), items))


# -- Numeric and Date ------------------------------------------------------------------------

_RELATIONS: dict[Callable[..., bool], Callable[[smt.Int, smt.Int], smt.Bool]] = {
    numeric.equals: lambda request, policy: request == policy,
    numeric.less: lambda request, policy: request < policy,
    numeric.less_eq: lambda request, policy: request <= policy,
    numeric.greater: lambda request, policy: request > policy,
    numeric.greater_eq: lambda request, policy: request >= policy,
    dates.equals: lambda request, policy: request == policy,
    dates.before: lambda request, policy: request < policy,
    dates.at_or_before: lambda request, policy: request <= policy,
    dates.after: lambda request, policy: request > policy,
    dates.at_or_after: lambda request, policy: request >= policy,
}


def _compare_numbers(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    ok, parsed = _constant_parse(spec, operand)
    if not ok:
        return _never()
    assert isinstance(parsed, Decimal)
    bound = exact_real(parsed)
    relation = _RELATIONS[spec.compare]

    def test(value: SymValue) -> smt.Bool:
        assert isinstance(value, NumberValue)
        return relation(value.number, bound)

    return Matcher(z3.BoolVal(True), test)


# -- Bool ------------------------------------------------------------------------------------


@cache
def _true() -> smt.Re:
    return charsets.ignore_case_regex("true")


@cache
def _false() -> smt.Re:
    return charsets.ignore_case_regex("false")


def _bool_equals(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    if operand.constant is not None:
        ok, parsed = _constant_parse(spec, operand)
        if not ok:
            return _never()
        wanted = _true() if parsed else _false()
        return Matcher(z3.BoolVal(True), lambda value: z3.InRe(_text(value), wanted))
    term = operand.term()
    policy_true = term == smt.text("true")
    valid = z3.Or(policy_true, term == smt.text("false"))

    def test(value: SymValue) -> smt.Bool:
        return z3.InRe(_text(value), _true()) == policy_true

    return Matcher(z3.And(operand.defined, valid), test)


# -- Binary ----------------------------------------------------------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_PROBES = {0: "QUJD", 2: "QUJDQQ", 3: "QUJDQUI"}
_SHORT_PROBES = {2: "QQ", 3: "QUI"}


def _decodes(text: str) -> bytes | None:
    try:
        return binary.parse_request(text)
    except ValueError:
        return None


@cache
def _padding_rules() -> tuple[dict[int, tuple[int, ...]], tuple[int, ...]]:
    """Which '=' counts the engine's base64 decoder accepts, per data length mod 4 (probed
    from the running Python, so the encoding follows its decoder), and for empty data."""
    rules: dict[int, tuple[int, ...]] = {}
    for remainder, probe in _PROBES.items():
        accepted = tuple(p for p in range(5) if _decodes(probe + "=" * p) is not None)
        short = _SHORT_PROBES.get(remainder)
        if short is not None:
            again = tuple(p for p in range(5) if _decodes(short + "=" * p) is not None)
            if again != accepted:  # pragma: no cover - a decoder this encoding does not know
                raise RuntimeError("base64 decoder accepts padding inconsistently")
        rules[remainder] = accepted
    empty = tuple(p for p in range(5) if _decodes("=" * p) is not None)
    return rules, empty


def _padding(counts: tuple[int, ...]) -> smt.Re:
    return smt.union([smt.literal("=" * p) for p in counts])


@cache
def _base64_valid() -> smt.Re:
    """Every text the engine's base64 decoder accepts."""
    rules, empty = _padding_rules()
    alpha = smt.chars_in(_ALPHABET)
    group = z3.Loop(alpha, 4, 4)
    options = [_padding(empty)] if empty else []
    data = {
        0: z3.Plus(group),
        2: smt.concat([z3.Star(group), z3.Loop(alpha, 2, 2)]),
        3: smt.concat([z3.Star(group), z3.Loop(alpha, 3, 3)]),
    }
    for remainder, counts in rules.items():
        if counts:
            options.append(smt.concat([data[remainder], _padding(counts)]))
    return smt.union(options)


@cache
def _decodes_to(payload: bytes) -> smt.Re:
    """Every text the engine's decoder turns into ``payload``."""
    rules, empty = _padding_rules()
    canonical = base64.b64encode(payload).decode()
    data = canonical.rstrip("=")
    if not data:
        return _padding(empty) if empty else smt.nothing()
    remainder = len(data) % 4
    head, last = data[:-1], data[-1]
    suffix = "=" * (len(canonical) - len(data))
    lasts = [c for c in _ALPHABET if _decodes(head + c + suffix) == payload] or [last]
    return smt.concat(
        [smt.literal(head), smt.chars_in("".join(lasts)), _padding(rules.get(remainder, ()))]
    )


def _binary_equals(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    ok, parsed = _constant_parse(spec, operand)
    if not ok:
        return _never()
    language = _decodes_to(parsed)
    return Matcher(z3.BoolVal(True), lambda value: z3.InRe(_text(value), language))


# -- IpAddress -------------------------------------------------------------------------------


def _ip_contains(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    ok, network = _constant_parse(spec, operand)
    if not ok:
        return _never()
    assert isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network)
    low = int(network.network_address)
    high = int(network.broadcast_address)

    def test(value: SymValue) -> smt.Bool:
        assert isinstance(value, IpValue)
        return z3.And(value.version == network.version, value.bits >= low, value.bits <= high)

    return Matcher(z3.BoolVal(True), test)


# -- ARN -------------------------------------------------------------------------------------


@cache
def _arn_request() -> smt.Re:
    """``arn.parse_request``: starts with ``arn:`` and has at least five colons in all."""
    colon = smt.concat([smt.any_string(), smt.literal(":")])
    return smt.concat([smt.literal("arn:"), z3.Loop(colon, 4, 4), smt.any_string()])


def _arn_matches(spec: OperatorSpec[Any, Any], operand: Operand) -> Matcher:
    try:
        items = patterns.arn_items(operand.pieces)
    except LookupError as err:
        raise NotEncodable(
            f"{spec.name} value with a policy variable in the first five ARN parts"
        ) from err
    if items is None:
        return _never()
    return Matcher(operand.defined, lambda value: patterns.matches(_text(value), items))


_ENCODERS: dict[Callable[..., bool], Callable[[OperatorSpec[Any, Any], Operand], Matcher]] = {
    strings.equals: _string_equals,
    strings.like: _string_like,
    boolean.equals: _bool_equals,
    binary.equals: _binary_equals,
    ip.contains: _ip_contains,
    arn.matches: _arn_matches,
    **{relation: _compare_numbers for relation in _RELATIONS},
}
