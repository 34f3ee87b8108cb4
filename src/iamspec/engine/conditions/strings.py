"""String operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
StringNotEqualsIgnoreCase, StringLike, StringNotLike.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String

- ``StringEquals`` is exact and case-sensitive. It does no wildcard expansion: a ``*`` in its
  value is a literal asterisk.
- ``...IgnoreCase`` compares case-insensitively [INF: by lower-casing both sides, like Java's
  ``equalsIgnoreCase`` rather than Unicode case folding].
- ``StringLike`` is case-sensitive; ``*`` matches any run (empty included) and ``?`` one
  character, anywhere in the value, across any character (``/`` and ``:`` included).
- Policy variables are allowed; a substituted value is matched literally
  (linear-time :mod:`iamspec.wildcards` matching, :func:`iamspec.engine.variables.wildcard_glob`
  with ``Piece.wild``).
"""

from __future__ import annotations

from functools import lru_cache

from iamspec.engine.variables import Piece, wildcard_glob
from iamspec.wildcards import Glob


def _text(pieces: tuple[Piece, ...]) -> str:
    return "".join(piece.text for piece in pieces)


def parse_exact(pieces: tuple[Piece, ...]) -> str:
    """The value for StringEquals/StringNotEquals: the text, wildcards literal."""
    return _text(pieces)


def parse_exact_ignore_case(pieces: tuple[Piece, ...]) -> str:
    """The value for the IgnoreCase forms, lower-cased once."""
    return _text(pieces).lower()


@lru_cache(maxsize=4096)
def parse_like(pieces: tuple[Piece, ...]) -> Glob:
    """The matcher for StringLike; cached so resolved variables compile once."""
    return wildcard_glob(pieces)


def parse_request(value: str) -> str:
    """Any request value is a string."""
    return value


def parse_request_ignore_case(value: str) -> str:
    return value.lower()


def equals(policy: str, request: str) -> bool:
    return policy == request


def like(policy: Glob, request: str) -> bool:
    return policy.matches(request)
