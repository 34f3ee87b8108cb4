"""IAM actions of the service reference: their records, names, wildcards and suggestions.

The "Actions" table of each service
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html#actions_table)
gives an action's access level, its resource types (``*`` = required) and its condition
keys. An action is named ``service:Action``, case-insensitively; ``*`` and ``?`` are
wildcards in both parts
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from iamspec.suggest import close_matches
from iamspec.wildcards import compile_glob

__all__ = [
    "MAX_SUGGESTIONS",
    "ActionInfo",
    "ResourceTypeRef",
    "action_matcher",
    "action_name_defect",
    "action_suggestions",
    "dedupe",
    "has_wildcard",
]

MAX_SUGGESTIONS = 10


@dataclass(frozen=True, slots=True)
class ResourceTypeRef:
    """A resource type named in an action's row; ``required`` is the reference's ``*``.

    ``condition_keys`` are the keys listed on that (action, resource type) row, which apply in
    addition to the action-level keys and the resource type's own keys.
    """

    name: str
    required: bool
    condition_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One IAM action of the "Actions" table.

    ``service`` is the prefix as in ``services.json`` (lowercase); ``name`` is the action's
    canonical spelling. ``condition_keys`` are the action-level keys of the row.
    """

    service: str
    name: str
    access_level: str
    resource_types: tuple[ResourceTypeRef, ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """``service:Action`` in canonical case, e.g. ``connect:DescribeUser``."""
        return f"{self.service}:{self.name}"


def has_wildcard(text: str) -> bool:
    """True when ``text`` holds an IAM wildcard (``*`` or ``?``)."""
    return "*" in text or "?" in text


def action_matcher(pattern: str) -> Callable[[str], bool]:
    """IAM action wildcards, case-insensitive: a test of lowercased names against ``pattern``.

    ``*`` matches any run (including none), ``?`` one character. The catalog's one use of
    :mod:`iamspec.wildcards`: a linear-time matcher, never a backtracking regex.
    """
    return compile_glob(pattern.lower()).matches


def action_name_defect(text: str) -> str | None:
    """Why ``text`` is not ``service:Action`` (one colon, both parts, no blanks), or None."""
    colons = text.count(":")
    if colons == 0:
        return "no ':' between service prefix and action"
    if colons > 1:
        return f"{colons} colons; expected exactly one between service prefix and action"
    service, action = text.split(":")
    if not service:
        return "empty service prefix"
    if not action:
        return "empty action name"
    if service != service.strip() or action != action.strip():
        return "surrounding whitespace"
    return None


def dedupe(items: Iterable[str]) -> tuple[str, ...]:
    """``items`` in order without case-insensitive repeats (the first spelling stays)."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        lowered = item.lower()
        if lowered not in seen:
            seen.add(lowered)
            out.append(item)
    return tuple(out)


_CAMEL_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


def _camel_tokens(name: str) -> tuple[str, ...]:
    return tuple(token.lower() for token in _CAMEL_TOKEN.findall(name))


def _token_match(query: str, name: str) -> tuple[int, int] | None:
    """Does ``query`` (lowercased) spell a subsequence of ``name``'s CamelCase words?

    Returns (words skipped inside, words left over at the end) for ranking, or None.
    ``updateoutboundcallconfig`` matches ``UpdateCampaignOutboundCallConfig`` with one word
    skipped; ``updateuser`` matches ``UpdateUserHierarchy`` with none.
    """
    tokens = _camel_tokens(name)
    pos = 0
    skipped = 0
    trailing = 0
    for index, token in enumerate(tokens):
        if pos == len(query):
            trailing = len(tokens) - index
            break
        if query.startswith(token, pos):
            pos += len(token)
        else:
            skipped += 1
    if pos != len(query) or not query:
        return None
    return (skipped, trailing)


def action_suggestions(actions: Mapping[str, ActionInfo], action: str) -> tuple[str, ...]:
    """The full names of a service's ``actions`` (keyed lowercased) ``action`` may have meant.

    Close spellings first, then names that spell the same CamelCase words with some skipped
    or added (``UpdateUser`` -> ``UpdateUserHierarchy``); at most :data:`MAX_SUGGESTIONS`.
    """
    query = action.lower()
    scored = sorted(
        (score, info.full_name)
        for info in actions.values()
        if (score := _token_match(query, info.name)) is not None
    )
    if scored and scored[0][0][0] == 0:
        # Some actions extend the name word for word (UpdateUser -> UpdateUserHierarchy):
        # those are the answer; looser word matches would only add noise.
        scored = [entry for entry in scored if entry[0][0] == 0]
    by_words = [full for _, full in scored[:MAX_SUGGESTIONS]]
    close = close_matches(query, actions, limit=5, cutoff=0.75)
    by_spelling = [actions[name].full_name for name in close]
    return dedupe([*by_spelling, *by_words])[:MAX_SUGGESTIONS]
