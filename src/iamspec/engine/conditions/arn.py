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

Each of the six parts compiles to its own linear-time matcher (:mod:`iamspec.wildcards`); a
request value is split at its first five colons and every part must match its own. The
first five policy parts never hold a colon (a colon ends a part), so ``*``/``?`` there can
never cross into another part, which is exactly part-by-part matching.
"""

from __future__ import annotations

from functools import lru_cache

from iamspec.engine.variables import Piece
from iamspec.wildcards import Glob, Token, Wildcard, compile_tokens

_PARTS = 6


@lru_cache(maxsize=4096)
def parse_value(pieces: tuple[Piece, ...]) -> tuple[Glob, ...]:
    """Compile an ARN pattern into one matcher per part; ``ValueError`` with fewer than six."""
    parts: list[list[Token]] = [[]]
    for piece in pieces:
        for ch in piece.text:
            if ch == ":" and len(parts) < _PARTS:
                parts.append([])
            elif piece.wild and ch == "*":
                parts[-1].append(Wildcard.STAR)
            elif piece.wild and ch == "?":
                parts[-1].append(Wildcard.ONE)
            else:
                parts[-1].append(ch)
    if len(parts) < _PARTS:
        raise ValueError(
            "is not an ARN (it needs six colon-separated parts: "
            "arn:partition:service:region:account:resource)"
        )
    return tuple(compile_tokens(part) for part in parts)


def parse_request(value: str) -> str:
    if not value.startswith("arn:") or value.count(":") < _PARTS - 1:
        raise ValueError("is not an ARN")
    return value


def matches(policy: tuple[Glob, ...], request: str) -> bool:
    parts = request.split(":", _PARTS - 1)
    return len(parts) == _PARTS and all(
        glob.matches(part) for glob, part in zip(policy, parts, strict=True)
    )
