"""The Bool operator.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean

- A policy may write JSON ``true`` or the string ``"true"`` (both reach us as ``true``; moto
  PR getmoto/moto#9715, udondan/iam-floyd#49). Only ``true`` and ``false`` are documented; any
  other spelling (``"yes"``, ``"TRUE"``) is **[UNVERIFIED]** and is compiled as "never
  matches", the safest reading (docs/iam-semantics.md §5).
- Request values: ``true``/``false`` in any case [INF: ``ContextEntries`` of type
  ``boolean`` are parsed leniently, as a Java ``Boolean.parseBoolean`` would for ``true``];
  anything else is not a boolean and never matches; a ContextEntry of type ``boolean``
  holding one is refused as InvalidInput (:mod:`iamspec.simulate.inputs`;
  docs/iam-semantics.md §8).
- Policy variables: the variables page says they cannot be used with Boolean operators, the
  operators page (current and 2023) marks Boolean "Policy variables: Supported"
  (docs/iam-semantics.md §8). We follow the operators page: a Bool value may hold a variable, and it
  must resolve to exactly ``true`` or ``false``.
"""

from __future__ import annotations

from functools import lru_cache

from iamspec.engine.variables import Piece

_POLICY = {"true": True, "false": False}


def parse_value(pieces: tuple[Piece, ...]) -> bool:
    text = "".join(piece.text for piece in pieces)
    try:
        return _POLICY[text]
    except KeyError:
        raise ValueError("is not a boolean (IAM documents only true and false)") from None


@lru_cache(maxsize=64)
def parse_request(value: str) -> bool:
    try:
        return _POLICY[value.lower()]
    except KeyError:
        raise ValueError("is not a boolean (true or false)") from None


def equals(policy: bool, request: bool) -> bool:
    return policy is request
