"""Character sets the encodings need: Python's lower-casing read backwards, and AWS's tag rules.

Lower-casing. The engine compares ``...IgnoreCase`` values and reads ``Bool`` request values
with Python's ``str.lower()`` (``iamspec.engine.conditions.strings``, ``.boolean``). The set
of strings whose lower-cased form is a given text is regular: per character of the text, the
characters that lower-case to it (``K``, ``k`` and KELVIN SIGN U+212A for ``k``), plus the one
character whose lower-case form is two characters (U+0130 ``İ`` → ``i̇``).
:func:`ignore_case_regex` builds that language from tables computed from the running
Python, so it follows the engine exactly. One rule of ``str.lower()`` depends on context
(GREEK CAPITAL SIGMA becomes final sigma U+03C2 at the end of a word, else U+03C3); a
target holding either is refused (policy text is Latin-1 and never holds either).

Tags. AWS's tag keys and values are ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]``: keys 1-128 characters,
values 0-256 (IAM API Reference, "Tag":
https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html; "Tagging AWS resources",
https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). :func:`tag_char`
is exact up to U+00FF and admits every character above it: policy text never holds one, so a
non-tag character above U+00FF in a request behaves exactly like a fresh letter (it equals no
policy character and lower-cases to nothing a policy holds; the tests check that every
character above U+00FF whose lower-case form reaches Latin-1 is a letter or number). The
counterexample builder renames such characters to fresh letters (:func:`tag_safe`), and the
replay checks the result.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache

from iamspec.symbolic import smt

LATIN1_END = 0xFF
_TAG_SYMBOLS = "_.:/=+-@"
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
_FRESH_LETTERS = 0x4E00
"""CJK UNIFIED IDEOGRAPH-4E00 on: letters without case mappings, for :func:`tag_safe`."""


def is_tag_char(char: str) -> bool:
    """Whether AWS accepts ``char`` in a tag key or value (``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]``)."""
    return unicodedata.category(char)[0] in "LZN" or char in _TAG_SYMBOLS


@cache
def _latin1_tag_ranges() -> tuple[tuple[int, int], ...]:
    ranges: list[tuple[int, int]] = []
    for code in range(LATIN1_END + 1):
        if not is_tag_char(chr(code)):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return tuple(ranges)


@cache
def tag_char() -> smt.Re:
    """One character a tag may hold (exact up to U+00FF, any character above it)."""
    return smt.ranges_regex([*_latin1_tag_ranges(), (LATIN1_END + 1, smt.MAX_CODE_POINT)])


def tag_safe(values: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Rename every non-tag character above U+00FF to a fresh letter, consistently.

    ``values`` maps a context key to its values; the same character gets the same letter
    everywhere, and a letter already in use is never chosen, so equalities between values
    and every policy comparison (policy text is Latin-1) are unchanged.
    """
    used = {c for vs in values.values() for v in vs for c in v}
    renamed: dict[str, str] = {}
    fresh = _FRESH_LETTERS

    def rename(char: str) -> str:
        nonlocal fresh
        if ord(char) <= LATIN1_END or is_tag_char(char):
            return char
        if char not in renamed:
            while chr(fresh) in used or not is_tag_char(chr(fresh)):
                fresh += 1
            renamed[char] = chr(fresh)
            used.add(chr(fresh))
        return renamed[char]

    return {key: tuple("".join(map(rename, v)) for v in vs) for key, vs in values.items()}


@cache
def _lower_tables() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """(single character → other characters lowering to it, text → characters lowering to
    that multi-character text)."""
    single: dict[str, list[int]] = {}
    multi: dict[str, list[int]] = {}
    for code in range(smt.MAX_CODE_POINT + 1):
        char = chr(code)
        lowered = char.lower()
        if lowered == char:
            continue
        if len(lowered) == 1:
            single.setdefault(lowered, []).append(code)
        else:
            multi.setdefault(lowered, []).append(code)
    return single, multi


def _preimage(char: str) -> smt.Re:
    single, _ = _lower_tables()
    codes = list(single.get(char, ()))
    if char.lower() == char:
        codes.append(ord(char))
    return smt.union([smt.char_range(c, c) for c in sorted(codes)])


def ignore_case_regex(target: str) -> smt.Re:
    """Every string ``s`` with ``s.lower() == target`` (``target`` already lower-cased).

    Raises ValueError for a target that holds a small sigma (U+03C2, U+03C3), whose
    upper-case form lowers by context.
    """
    if "\u03c2" in target or "\u03c3" in target:
        raise ValueError("a lower-cased sigma depends on context; not encodable")
    _, multi = _lower_tables()
    tails: list[smt.Re] = [smt.epsilon()] * (len(target) + 1)
    for start in range(len(target) - 1, -1, -1):
        options = [smt.concat([_preimage(target[start]), tails[start + 1]])]
        for lowered, codes in multi.items():
            if target.startswith(lowered, start):
                sources = smt.union([smt.char_range(c, c) for c in codes])
                options.append(smt.concat([sources, tails[start + len(lowered)]]))
        tails[start] = smt.union(options)
    return tails[0]
