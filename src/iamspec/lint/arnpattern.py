"""Can a policy's Resource pattern name a resource of a given type at all?

The catalog answers "is this concrete ARN of that type" (:meth:`ResourceType.matches`). A
policy's Resource is a *pattern* (``arn:aws:connect:*:*:instance/*``) and may hold policy
variables or ``{{placeholders}}``, so the linter asks a different question: is there any ARN
that both the pattern and the type's ARN template accept? Both sides are compiled to a
sequence of tokens (a literal character, one character outside a set, or any run outside a
set) and the intersection is searched in the product of the two sequences, one template
token at a time over a bit set of pattern positions (so a 100,000-character pattern costs a
few big-integer operations per template token, never a walk over every state pair). The
pattern is read in one linear scan: no regular expression over policy text.

Reading of the two sides:

- policy pattern: ``*`` is any run and ``?`` any one character, across ``:`` and ``/``
  (IAM keeps a mid-segment ``*`` inside its segment, so reading it across segments can only
  find *more* overlaps: the linter never reports a pattern that might match);
  ``${...}`` policy variables and ``{{...}}`` placeholders are any run;
- ARN template: the catalog's own reading, shared through
  :func:`iamspec.catalog.template_variable_excludes` (each variable is one or more characters
  outside the set it returns); a literal ``*`` in a template is any run.

Resource element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from iamspec.catalog import ARN_TEMPLATE_VARIABLE, ResourceType, template_variable_excludes

__all__ = ["pattern_may_match_type"]

_ANY: frozenset[str] = frozenset()
_BRACE = re.compile(r"[{}]")


@dataclass(frozen=True, slots=True)
class _Token:
    """``char`` set: that exact character. Otherwise one character (``star`` False) or any
    run (``star`` True) of characters outside ``excluded``."""

    char: str | None
    excluded: frozenset[str]
    star: bool


@lru_cache(maxsize=512)
def _char(ch: str) -> _Token:
    return _Token(ch, _ANY, False)


def _some(excluded: frozenset[str]) -> tuple[_Token, _Token]:
    """One or more characters outside ``excluded``."""
    return _Token(None, excluded, False), _Token(None, excluded, True)


_ONE = _Token(None, _ANY, False)
_RUN = _Token(None, _ANY, True)


@lru_cache(maxsize=4096)
def _policy_tokens(pattern: str) -> tuple[_Token, ...]:
    """``*``, a ``${...}`` variable and a ``{{...}}`` placeholder are any run; ``?`` is one
    character; everything else is itself. One left-to-right scan."""
    tokens: list[_Token] = []
    closes = True  # False once no '}' follows: no later '${' can close either
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "$" and closes and pattern.startswith("${", i):
            close = pattern.find("}", i + 2)
            if close >= 0:
                tokens.append(_RUN)
                i = close + 1
                continue
            closes = False
        elif ch == "{" and pattern.startswith("{{", i):
            brace = _BRACE.search(pattern, i + 2)
            if brace is not None and pattern.startswith("}}", brace.start()):
                tokens.append(_RUN)
                i = brace.start() + 2
                continue
        if ch == "*":
            tokens.append(_RUN)
        elif ch == "?":
            tokens.append(_ONE)
        else:
            tokens.append(_char(ch))
        i += 1
    return tuple(tokens)


@lru_cache(maxsize=4096)
def _template_tokens(template: str, open_tail: bool) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    variables = list(ARN_TEMPLATE_VARIABLE.finditer(template))
    pos = 0

    def literal(text: str) -> None:
        for ch in text:
            tokens.append(_Token(None, _ANY, True) if ch == "*" else _char(ch))

    for index, match in enumerate(variables):
        literal(template[pos : match.start()])
        is_tail = index == len(variables) - 1 and match.end() == len(template)
        excluded = template_variable_excludes(match.group(1), is_tail=is_tail, open_tail=open_tail)
        tokens.extend(_some(frozenset(excluded)))
        pos = match.end()
    literal(template[pos:])
    return tuple(tokens)


def _closure(reach: int, step: int) -> int:
    """``reach`` plus every position reached by moving one right from a position in ``step``,
    repeatedly: adding a run of ``step`` bits to the live bits inside it carries to the run's
    end, which sets exactly the positions from the first live one to one past the run."""
    return reach | ((step + (reach & step)) ^ step)


def _intersects(a: tuple[_Token, ...], b: tuple[_Token, ...]) -> bool:
    """Does some string match both token sequences?

    The states are pairs (position in ``a``, position in ``b``); a position of ``b`` never
    moves back, so the pairs are visited one position of ``b`` at a time, with the live
    positions of ``a`` as the bits of one integer. Within one position of ``b`` a live ``a``
    position moves right past a star of ``a`` (it may match nothing) and, when ``b``'s token
    is a star, past an ``a`` token that shares a character with it.
    """
    literal_bits: dict[str, int] = {}
    wild = stars = 0
    for i, token in enumerate(a):
        bit = 1 << i
        if token.char is not None:
            literal_bits[token.char] = literal_bits.get(token.char, 0) | bit
        else:
            wild |= bit
            if token.star:
                stars |= bit
    literals = ((1 << len(a)) - 1) & ~wild
    reach = 1
    for token in b:
        if token.char is not None:
            shared = wild | literal_bits.get(token.char, 0)
        else:
            excluded = 0
            for ch in token.excluded:
                excluded |= literal_bits.get(ch, 0)
            shared = wild | (literals & ~excluded)
        reach = _closure(reach, stars | (shared & ~stars) if token.star else stars)
        if not reach:
            return False
        if not token.star:
            live = reach & shared
            reach = (live & stars) | ((live & ~stars) << 1)
    reach = _closure(reach, stars)
    return bool((reach >> len(a)) & 1)


def pattern_may_match_type(pattern: str, resource_type: ResourceType) -> bool:
    """True when some ARN of ``resource_type`` matches the Resource ``pattern``.

    ``"*"`` matches every type. Case-sensitive, as ARN matching is.
    """
    if pattern == "*":
        return True
    policy = _policy_tokens(pattern)
    return any(
        _intersects(policy, _template_tokens(template, resource_type.open_tail))
        for template in resource_type.arn_templates
    )
