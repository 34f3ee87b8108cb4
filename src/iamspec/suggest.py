"""One way to say "did you mean": the names close to a typo, and the phrase that offers them.

Every "did you mean" of iamspec (unknown actions, service prefixes, context keys, resource
types, principals, decision words, access levels, policy elements, condition operators)
goes through :func:`close_matches`, and the messages that share the ``; did you mean ...?``
form through :func:`did_you_mean`. One function instead of a ``difflib`` call per site keeps
the similarity measure (difflib's ratio) and its case handling the same everywhere; the model
is Cedar's validator, whose every suggestion comes from its one ``fuzzy_match`` helper.

Where a near miss is not a suggestion but an error (a scenario's tag key one typo away from
the key a policy reads), :func:`is_typo` decides, by edit distance: :func:`edit_distance`
counts the edits a typist makes — a letter added, dropped or changed, and two neighbouring
letters swapped (``Taem`` for ``Team``) — one each (optimal string alignment, the restricted
Damerau-Levenshtein distance), and :func:`typo_limit` allows more of them in longer words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "DEFAULT_CUTOFF",
    "close_matches",
    "did_you_mean",
    "edit_distance",
    "is_typo",
    "quoted_list",
    "typo_limit",
]

DEFAULT_CUTOFF = 0.6
"""difflib's own default similarity threshold (``get_close_matches``)."""


def close_matches(
    word: str,
    candidates: Iterable[str],
    *,
    limit: int = 3,
    cutoff: float = DEFAULT_CUTOFF,
    ignore_case: bool = False,
) -> list[str]:
    """At most ``limit`` candidates similar to ``word``, best first.

    Similarity is difflib's ratio (at least ``cutoff``, between 0 and 1). With
    ``ignore_case`` the comparison is made in lower case and the candidates come back as
    spelt (of candidates differing only in case, the last one given). Raises ValueError for a
    ``limit`` below 1 or a ``cutoff`` outside [0, 1], as difflib does.
    """
    if not ignore_case:
        return difflib.get_close_matches(word, list(candidates), limit, cutoff)
    spelt = {candidate.lower(): candidate for candidate in candidates}
    found = difflib.get_close_matches(word.lower(), list(spelt), limit, cutoff)
    return [spelt[lowered] for lowered in found]


def quoted_list(names: Sequence[str], *, joined_by: str = ", ", limit: int | None = None) -> str:
    """``'a', 'b'`` (each name ``repr``-quoted); past ``limit`` names, ``... and 2 more``."""
    shown = names if limit is None else names[:limit]
    text = joined_by.join(repr(name) for name in shown)
    if limit is not None and len(names) > limit:
        text += f" and {len(names) - limit} more"
    return text


def did_you_mean(
    suggestions: Sequence[str],
    *,
    joined_by: str = ", ",
    limit: int | None = None,
    what: str = "",
) -> str:
    """``; did you mean 'a', 'b'?`` to append to a message, or ``""`` with no suggestion.

    ``what`` names the kind before the names (``; did you mean the service 'connect'?``);
    ``joined_by`` and ``limit`` are :func:`quoted_list`'s.
    """
    if not suggestions:
        return ""
    kind = f"{what} " if what else ""
    return f"; did you mean {kind}{quoted_list(suggestions, joined_by=joined_by, limit=limit)}?"


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """The optimal string alignment distance between ``a`` and ``b``: the fewest insertions,
    deletions, substitutions and swaps of two neighbouring characters (each one edit) that
    turn one into the other, no character edited twice. ``Team``/``Taem`` is 1 (Levenshtein's
    distance counts the swap as 2). O(len(a) x len(b)) time, O(len(b)) memory per row kept.

    With ``limit``, stops as soon as the distance must exceed it and returns ``limit + 1``.
    """
    if a == b:
        return 0
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = previous[j - 1] + (ca != cb)
            cost = min(cost, previous[j] + 1, current[j - 1] + 1)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if limit is not None and min(current) > limit and (i < 2 or min(previous) > limit):
            return limit + 1  # every later row is at least this row's (or the one before's) min
        before, previous = previous, current
    return previous[-1] if limit is None else min(previous[-1], limit + 1)


def typo_limit(length: int) -> int:
    """How many edits a word of ``length`` characters may be from another and still be a typo
    of it: 1 up to 4 characters, 2 from 5 to 9, 3 from 10 to 14, one more every 5 (about one
    edit in five, and at least one)."""
    return 1 + length // 5


def is_typo(word: str, meant: str) -> bool:
    """True when ``word`` is a slip for ``meant``: not the same, but the same but for case, or
    within :func:`typo_limit` of the shorter one's length in :func:`edit_distance` (case
    ignored) with at least one character in common (``A`` is no typo of ``B``)."""
    if word == meant:
        return False
    a, b = word.lower(), meant.lower()
    if a == b:
        return True
    shorter = min(len(a), len(b))
    limit = typo_limit(shorter)
    if abs(len(a) - len(b)) > limit:
        return False
    distance = edit_distance(a, b, limit)
    return distance <= limit and distance < shorter
