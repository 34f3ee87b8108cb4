"""Small, safe helpers over z3's strings and regular expressions.

z3 reads escape sequences inside string literals (``"\\u{41}"`` is ``A``), so policy text is
never handed to ``z3.StringVal`` as is: :func:`text` escapes every character that is not
plain printable ASCII. Model values are read back code point by code point
(:func:`model_text`), never by parsing z3's printed form.

z3's alphabet is Unicode up to U+2FFFF (:data:`MAX_CODE_POINT`). Policies hold only
U+0009..U+00FF (the PolicyInputList character set, docs/iam-semantics.md §1.2), so a request
character above U+00FF can only ever be compared with another request character or matched
by a wildcard; any such character beyond z3's alphabet behaves like a fresh one inside it
(:mod:`iamspec.symbolic.domain` states the argument).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import z3

MAX_CODE_POINT = 0x2FFFF
"""The last character z3's string theory can represent."""

Re = Any
"""A z3 regular expression over strings (``z3.ReRef``; z3 ships no type information)."""
Str = Any
"""A z3 string term (``z3.SeqRef``)."""
Bool = Any
"""A z3 Boolean term (``z3.BoolRef``)."""
Int = Any
"""A z3 integer or real term (``z3.ArithRef``)."""

_RE_SORT = z3.ReSort(z3.StringSort())


def _escape(char: str) -> str:
    code = ord(char)
    if code > MAX_CODE_POINT:
        raise ValueError(f"character U+{code:04X} is beyond z3's alphabet (U+2FFFF)")
    if 0x20 <= code < 0x7F and char != "\\":
        return char
    return f"\\u{{{code:x}}}"


def text(value: str) -> Str:
    """A z3 string literal holding exactly ``value``."""
    return z3.StringVal("".join(_escape(c) for c in value))


def literal(value: str) -> Re:
    """The regular expression that matches exactly ``value``."""
    return z3.Re(text(value))


def char_range(low: int, high: int) -> Re:
    """One character with a code point in ``[low, high]``."""
    return z3.Range(_escape(chr(low)), _escape(chr(high)))


def any_char() -> Re:
    """Any one character."""
    return z3.AllChar(_RE_SORT)


def any_string() -> Re:
    """Any run of characters, the empty one included."""
    return z3.Star(any_char())


def nothing() -> Re:
    """The empty language: matches no string at all."""
    return z3.Empty(_RE_SORT)


def epsilon() -> Re:
    """The language of the empty string."""
    return literal("")


def ranges_regex(ranges: Iterable[tuple[int, int]]) -> Re:
    """One character in any of the inclusive code-point ``ranges``."""
    return union([char_range(low, high) for low, high in ranges])


@cache
def chars_except(excluded: str) -> Re:
    """One character that is not in ``excluded``."""
    codes = sorted({ord(c) for c in excluded})
    ranges: list[tuple[int, int]] = []
    start = 0
    for code in codes:
        if code > start:
            ranges.append((start, code - 1))
        start = code + 1
    if start <= MAX_CODE_POINT:
        ranges.append((start, MAX_CODE_POINT))
    return ranges_regex(ranges)


@cache
def chars_in(allowed: str) -> Re:
    """One character of ``allowed`` (as few code-point ranges as it takes)."""
    ranges: list[tuple[int, int]] = []
    for code in sorted({ord(c) for c in allowed}):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges_regex(ranges)


def union(regexes: Sequence[Re]) -> Re:
    """The union of ``regexes`` (the empty language for none)."""
    if not regexes:
        return nothing()
    if len(regexes) == 1:
        return regexes[0]
    return z3.Union(*regexes)


def concat(regexes: Sequence[Re]) -> Re:
    """The concatenation of ``regexes`` (the empty string for none)."""
    if not regexes:
        return epsilon()
    if len(regexes) == 1:
        return regexes[0]
    return z3.Concat(*regexes)


def concat_text(terms: Sequence[Str]) -> Str:
    """The concatenation of string terms (the empty string for none)."""
    if not terms:
        return text("")
    if len(terms) == 1:
        return terms[0]
    return z3.Concat(*terms)


def either(terms: Sequence[Bool]) -> Bool:
    """Disjunction that accepts zero or one operand."""
    if not terms:
        return z3.BoolVal(False)
    if len(terms) == 1:
        return terms[0]
    return z3.Or(*terms)


def both(terms: Sequence[Bool]) -> Bool:
    """Conjunction that accepts zero or one operand."""
    if not terms:
        return z3.BoolVal(True)
    if len(terms) == 1:
        return terms[0]
    return z3.And(*terms)


def in_ranges(term: Int, values: Iterable[int]) -> Bool:
    """``term`` is one of ``values``, written as a few interval tests."""
    ordered = sorted(set(values))
    tests: list[Bool] = []
    index = 0
    while index < len(ordered):
        low = ordered[index]
        high = low
        while index + 1 < len(ordered) and ordered[index + 1] == high + 1:
            index += 1
            high = ordered[index]
        tests.append(term == low if low == high else z3.And(term >= low, term <= high))
        index += 1
    return either(tests)


def model_text(model: z3.ModelRef, term: Str) -> str:
    """The Python string a model gives ``term``, read code point by code point."""
    value = model.eval(term, model_completion=True)
    ctx = value.ctx_ref()
    ast = value.as_ast()
    length = z3.Z3_get_string_length(ctx, ast)
    buffer = (ctypes.c_uint * length)()
    if length:
        z3.Z3_get_string_contents(ctx, ast, length, buffer)
    return "".join(chr(code) for code in buffer)


def model_bool(model: z3.ModelRef, term: Bool) -> bool:
    """The truth value a model gives ``term``."""
    return bool(z3.is_true(model.eval(term, model_completion=True)))


def model_int(model: z3.ModelRef, term: Int) -> int:
    """The integer a model gives ``term``."""
    return int(model.eval(term, model_completion=True).as_long())
