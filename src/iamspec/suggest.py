"""One way to say "did you mean": the names close to a typo, and the phrase that offers them.

Every "did you mean" of iamspec (unknown actions, service prefixes, context keys, resource
types, principals, decision words, access levels, policy elements, condition operators)
goes through :func:`close_matches`, and the messages that share the ``; did you mean ...?``
form through :func:`did_you_mean`. One function instead of a ``difflib`` call per site keeps
the similarity measure (difflib's ratio) and its case handling the same everywhere; the model
is Cedar's validator, whose every suggestion comes from its one ``fuzzy_match`` helper.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = ["DEFAULT_CUTOFF", "close_matches", "did_you_mean", "quoted_list"]

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
