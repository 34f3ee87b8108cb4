"""ARN operators: ArnEquals, ArnLike, ArnNotEquals, ArnNotLike.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN

- ``ArnEquals`` behaves as ``ArnLike`` and ``ArnNotEquals`` as ``ArnNotLike``: wildcards work
  in all four [DOC].
- Both the policy value and the request value are split into six colon-delimited parts
  (``arn:partition:service:region:account:resource``; the sixth part is everything after the
  fifth colon). Each part is matched separately, case-sensitively, with ``*`` (any run) and
  ``?`` (one character) that never cross into another part. In the sixth part they match
  any character, colons included.
- Docs example: ``arn:aws:someservice:*:111122223333:finance/*`` does **not** ArnLike-match
  ``arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt``
  (StringLike does).
- A request value that is not an ARN (no ``arn:`` prefix or fewer than six parts) never
  matches. A policy value with fewer than six parts never matches either [INF; iam-simulate
  does the same].
- Policy variables are allowed. Substituted text is literal (its ``*``/``?`` are not
  wildcards). The parts are split *after* substitution, so a colon inside a substituted
  value separates parts too [INF: e.g. ``"${aws:SourceArn}"`` as a whole value is then an
  ARN pattern].

The six per-part patterns are compiled into a single anchored regex: the first five parts
translate ``*``/``?`` to ``[^:]*``/``[^:]``, the sixth to ``.*``/``.``. Because no part but
the last can contain a colon, the literal separators line up with the request's first five
colons, which is exactly part-by-part matching.
"""

from __future__ import annotations

import re
from functools import lru_cache

from iamspec.engine.variables import Piece

_PARTS = 6


@lru_cache(maxsize=4096)
def parse_value(pieces: tuple[Piece, ...]) -> re.Pattern[str]:
    """Compile an ARN pattern; ``ValueError`` when it has fewer than six parts."""
    parts: list[list[str]] = [[]]
    for piece in pieces:
        for ch in piece.text:
            last = len(parts) == _PARTS
            if ch == ":" and not last:
                parts.append([])
            elif piece.wild and ch == "*":
                parts[-1].append(".*" if last else "[^:]*")
            elif piece.wild and ch == "?":
                parts[-1].append("." if last else "[^:]")
            else:
                parts[-1].append(re.escape(ch))
    if len(parts) < _PARTS:
        raise ValueError(
            "is not an ARN (it needs six colon-separated parts: "
            "arn:partition:service:region:account:resource)"
        )
    return re.compile(":".join("".join(part) for part in parts) + r"\Z", re.DOTALL)


def parse_request(value: str) -> str:
    if not value.startswith("arn:") or value.count(":") < _PARTS - 1:
        raise ValueError("is not an ARN")
    return value


def matches(policy: re.Pattern[str], request: str) -> bool:
    return policy.match(request) is not None
