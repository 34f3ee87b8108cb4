"""Can a policy's Resource pattern name a resource of a given type at all?

The catalog answers "is this concrete ARN of that type" (:meth:`ResourceType.matches`). A
policy's Resource is a *pattern* (``arn:aws:connect:*:*:instance/*``) and may hold policy
variables or ``{{placeholders}}``, so the linter asks a different question: is there any ARN
that both the pattern and the type's ARN template accept? Both sides are compiled to a
sequence of tokens (a literal character, one character outside a set, or any run outside a
set) and the intersection is searched in the product of the two sequences: a few hundred
states at most for real ARNs.

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
_POLICY_SPECIAL = re.compile(r"\$\{[^}]*\}|\{\{[^{}]*\}\}|[*?]")


@dataclass(frozen=True, slots=True)
class _Token:
    """``char`` set: that exact character. Otherwise one character (``star`` False) or any
    run (``star`` True) of characters outside ``excluded``."""

    char: str | None
    excluded: frozenset[str]
    star: bool


def _char(ch: str) -> _Token:
    return _Token(ch, _ANY, False)


def _some(excluded: frozenset[str]) -> tuple[_Token, _Token]:
    """One or more characters outside ``excluded``."""
    return _Token(None, excluded, False), _Token(None, excluded, True)


@lru_cache(maxsize=4096)
def _policy_tokens(pattern: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    pos = 0
    for match in _POLICY_SPECIAL.finditer(pattern):
        tokens.extend(_char(ch) for ch in pattern[pos : match.start()])
        special = match.group()
        if special == "?":
            tokens.append(_Token(None, _ANY, False))
        else:  # '*', a policy variable, a placeholder: any run
            tokens.append(_Token(None, _ANY, True))
        pos = match.end()
    tokens.extend(_char(ch) for ch in pattern[pos:])
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


def _compatible(a: _Token, b: _Token) -> bool:
    """Is there a character both tokens accept?"""
    if a.char is not None and b.char is not None:
        return a.char == b.char
    if a.char is not None:
        return a.char not in b.excluded
    if b.char is not None:
        return b.char not in a.excluded
    return True  # two classes that each exclude a few characters always share one


def _intersects(a: tuple[_Token, ...], b: tuple[_Token, ...]) -> bool:
    """Does some string match both token sequences? Depth-first over (i, j) states."""
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        state = stack.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j = state
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i].star:
            stack.append((i + 1, j))
        if j < len(b) and b[j].star:
            stack.append((i, j + 1))
        if i < len(a) and j < len(b) and _compatible(a[i], b[j]):
            stack.append((i if a[i].star else i + 1, j if b[j].star else j + 1))
    return False


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
