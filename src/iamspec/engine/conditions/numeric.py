"""Numeric operators: NumericEquals, NumericNotEquals, NumericLessThan,
NumericLessThanEquals, NumericGreaterThan, NumericGreaterThanEquals.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric

Values are integers or decimals, compared exactly with :class:`decimal.Decimal` (so ``1.0``
equals ``1``). Exponents, ``NaN`` and ``Infinity`` are not numbers here [INF: the docs name
only integer and decimal values]. Policy variables are not supported. Request values are
parsed by this family whatever their declared ``ContextKeyType``.

``compare(policy, request)`` reads "request <op> policy": ``NumericLessThan {"k": "10"}``
holds when the request's ``k`` is less than 10.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from iamspec.engine.variables import Piece

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")


def parse_number(text: str) -> Decimal:
    """Parse an integer or decimal; ``ValueError`` otherwise."""
    if _NUMBER.match(text) is None:
        raise ValueError("is not a number")
    return Decimal(text)


def parse_value(pieces: tuple[Piece, ...]) -> Decimal:
    return parse_number("".join(piece.text for piece in pieces))


@lru_cache(maxsize=4096)
def parse_request(value: str) -> Decimal:
    return parse_number(value)


def equals(policy: Decimal, request: Decimal) -> bool:
    return request == policy


def less(policy: Decimal, request: Decimal) -> bool:
    return request < policy


def less_eq(policy: Decimal, request: Decimal) -> bool:
    return request <= policy


def greater(policy: Decimal, request: Decimal) -> bool:
    return request > policy


def greater_eq(policy: Decimal, request: Decimal) -> bool:
    return request >= policy
