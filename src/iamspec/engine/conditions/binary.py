"""The BinaryEquals operator.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals

The policy value is base64; it is decoded and compared byte for byte with the request value,
which the simulator's ``ContextEntries`` also carry as base64
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html). Invalid base64
on either side never matches. Policy variables are not supported.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from iamspec.engine.variables import Piece

_NOT_BASE64 = "is not valid base64"


def decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(_NOT_BASE64) from None


def parse_value(pieces: tuple[Piece, ...]) -> bytes:
    return decode("".join(piece.text for piece in pieces))


@lru_cache(maxsize=1024)
def parse_request(value: str) -> bytes:
    return decode(value)


def equals(policy: bytes, request: bytes) -> bool:
    return policy == request
