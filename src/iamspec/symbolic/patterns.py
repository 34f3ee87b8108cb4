"""IAM's wildcard patterns as z3 terms: StringLike, ArnLike and the Resource element.

A pattern is a sequence of items: a :class:`Fixed` run of known length (a literal, or one
character of a class for ``?``), an unbounded :class:`Run` (``*``: any characters, or any
but ``:`` inside one of the first five ARN parts), and a :class:`Hole`: the text a policy
variable resolved to, matched literally (its ``*`` is not a wildcard). The items follow the
engine's translations exactly:

- StringLike (``iamspec.engine.variables.wildcard_glob``): ``*`` any run, ``?`` any one
  character, anywhere; substituted text literal.
- Resource (``iamspec.engine.matching.compile_resource_pattern``): split at the first five
  colons; in those five segments ``*`` stays inside the segment (``[^:]*``) unless it is the
  segment's last character, ``?`` is one character but ``:``; the resource part is a
  StringLike template; fewer than six segments: every segment by the segment rule.
- ArnLike/ArnEquals (``iamspec.engine.conditions.arn.parse_value``): the value is split into
  six parts after substitution; ``*``/``?`` stay inside the first five parts; a value with
  fewer than six parts is invalid.

Without a hole a pattern is one regular expression. With holes, :func:`matches` places every
item at an offset computed from the target's length and the holes' lengths, which is exact
when at most one group of items between holes has unbounded length; the one other shape it
handles is ``prefix * middle * suffix`` with a middle made of literal text and holes
(``Contains``). Any other shape is a regular expression in which a hole is ``str.to_re`` of
its symbolic text: z3 decides membership in it by derivatives, exactly but sometimes slowly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from iamspec.engine.variables import Piece
from iamspec.symbolic import smt


@dataclass(frozen=True)
class Fixed:
    """A run of ``length`` characters matching ``regex``; ``text`` when it is a literal."""

    regex: smt.Re
    length: int
    text: str | None


@dataclass(frozen=True)
class Run:
    """Any number of characters of a class; ``full`` when the class is every character."""

    regex: smt.Re
    full: bool


@dataclass(frozen=True)
class Hole:
    """The text a policy variable resolved to, matched literally."""

    term: smt.Str


Item = Fixed | Run | Hole


def lit(text: str) -> Fixed:
    """Literal text."""
    return Fixed(smt.literal(text), len(text), text)


def any_run() -> Run:
    """``*`` outside the first five ARN parts."""
    return Run(smt.any_string(), True)


def segment_run() -> Run:
    """``*`` inside one of the first five ARN parts: no ``:``."""
    return Run(z3.Star(smt.chars_except(":")), False)


def glob_items(text: str) -> list[Item]:
    """Policy text whose ``*`` and ``?`` are wildcards (StringLike, a Resource's last part)."""
    items: list[Item] = []
    for char in text:
        if char == "*":
            items.append(any_run())
        elif char == "?":
            items.append(Fixed(smt.any_char(), 1, None))
        else:
            items.append(lit(char))
    return items


def pieces_items(pieces: Sequence[Piece | Hole]) -> list[Item]:
    """Resolved template pieces: policy text globs, constants and holes are literal."""
    items: list[Item] = []
    for piece in pieces:
        if isinstance(piece, Hole):
            items.append(piece)
        elif piece.wild:
            items.extend(glob_items(piece.text))
        else:
            items.append(lit(piece.text))
    return items


def segment_items(segment: str) -> list[Item]:
    """One of the first five segments of a Resource pattern (``_segment_regex``)."""
    items: list[Item] = []
    for i, char in enumerate(segment):
        if char == "*":
            items.append(any_run() if i == len(segment) - 1 else segment_run())
        elif char == "?":
            items.append(Fixed(smt.chars_except(":"), 1, None))
        else:
            items.append(lit(char))
    return items


def resource_prefix_items(segments: Sequence[str]) -> list[Item]:
    """Segments joined by ``:`` under the segment rule (the first five, or all of a short one)."""
    items: list[Item] = []
    for i, segment in enumerate(segments):
        if i:
            items.append(lit(":"))
        items.extend(segment_items(segment))
    return items


_ARN_PARTS = 6


def arn_items(pieces: Sequence[Piece | Hole]) -> list[Item] | None:
    """An ArnLike value as items; None when it has fewer than six parts (never matches).

    Raises LookupError when a hole falls inside the first five parts (not encodable).
    """
    items: list[Item] = []
    parts = 1
    for piece in pieces:
        if isinstance(piece, Hole):
            if parts < _ARN_PARTS:
                raise LookupError("a policy variable inside the first five ARN parts")
            items.append(piece)
            continue
        for char in piece.text:
            last = parts == _ARN_PARTS
            if char == ":" and not last:
                parts += 1
                items.append(lit(":"))
            elif piece.wild and char == "*":
                items.append(any_run() if last else segment_run())
            elif piece.wild and char == "?":
                items.append(Fixed(smt.any_char() if last else smt.chars_except(":"), 1, None))
            else:
                items.append(lit(char))
    if parts < _ARN_PARTS:
        return None
    return items


def regex_of(items: Sequence[Item]) -> smt.Re:
    """The regular expression of the items; a hole is ``str.to_re`` of its (symbolic) text."""
    return smt.concat([z3.Re(i.term) if isinstance(i, Hole) else i.regex for i in items])


def _merge(items: Sequence[Item]) -> list[Item]:
    """Adjacent literal runs as one literal (fewer terms, and literal middles for Contains)."""
    merged: list[Item] = []
    for item in items:
        previous = merged[-1] if merged else None
        if (
            isinstance(item, Fixed)
            and item.text is not None
            and isinstance(previous, Fixed)
            and previous.text is not None
        ):
            merged[-1] = lit(previous.text + item.text)
        else:
            merged.append(item)
    return merged


def _length(item: Item) -> smt.Int:
    if isinstance(item, Hole):
        return z3.Length(item.term)
    assert isinstance(item, Fixed)
    return z3.IntVal(item.length)


def _place(target: smt.Str, offset: smt.Int, item: Item) -> smt.Bool:
    """``item`` matches the target's characters from ``offset`` on (fixed length)."""
    if isinstance(item, Hole):
        return z3.SubString(target, offset, z3.Length(item.term)) == item.term
    assert isinstance(item, Fixed)
    piece = z3.SubString(target, offset, item.length)
    if item.text is not None:
        return piece == smt.text(item.text)
    return z3.InRe(piece, item.regex)


def _place_all(target: smt.Str, offset: smt.Int, items: Sequence[Item]) -> list[smt.Bool]:
    facts = []
    for item in items:
        facts.append(_place(target, offset, item))
        offset = offset + _length(item)
    return facts


def _literal_run(items: Sequence[Item]) -> list[smt.Str] | None:
    """The items as string terms when all are literal text or holes, else None."""
    terms = []
    for item in items:
        if isinstance(item, Hole):
            terms.append(item.term)
        elif isinstance(item, Fixed) and item.text is not None:
            terms.append(smt.text(item.text))
        else:
            return None
    return terms


def _ends(target: smt.Str, head: Sequence[Item], tail: Sequence[Item]) -> list[smt.Bool]:
    """``head`` at the start and ``tail`` at the end of the target (fixed-length items).

    Literal text and holes become ``PrefixOf``/``SuffixOf`` (which z3 reasons about
    directly); items with a character class are placed by offset.
    """
    facts: list[smt.Bool] = []
    head_terms = _literal_run(head)
    if head_terms is not None:
        if head_terms:
            facts.append(z3.PrefixOf(smt.concat_text(head_terms), target))
    else:
        facts.extend(_place_all(target, z3.IntVal(0), head))
    tail_terms = _literal_run(tail)
    if tail_terms is not None:
        if tail_terms:
            facts.append(z3.SuffixOf(smt.concat_text(tail_terms), target))
    else:
        facts.extend(_place_all(target, z3.Length(target) - _total(tail), tail))
    return facts


def _total(items: Sequence[Item]) -> smt.Int:
    return sum((_length(i) for i in items), z3.IntVal(0))


def matches(target: smt.Str, items: Sequence[Item]) -> smt.Bool:
    """``target`` matches the whole pattern.

    Placed by offsets when the shape allows (see the module docstring); otherwise a regular
    expression over the holes' symbolic texts, which z3 decides by derivatives (exact, but
    it may be slow: a claim can then time out, "unknown", never a wrong answer).
    """
    placed = _placed(target, items)
    if placed is not None:
        return placed
    return z3.InRe(target, regex_of(items))


def _placed(target: smt.Str, items: Sequence[Item]) -> smt.Bool | None:
    """The offset encoding, or None for a shape it does not cover."""
    items = _merge(items)
    runs = [i for i, item in enumerate(items) if isinstance(item, Run)]
    literal = _literal_run(items)
    if literal is not None:
        # Literal text and holes only: an equation, which z3 handles best.
        return target == smt.concat_text(literal)
    if not any(isinstance(i, Hole) for i in items):
        if (
            len(runs) == 1
            and getattr(items[runs[0]], "full", False)
            and _literal_run(items[: runs[0]]) is not None
            and _literal_run(items[runs[0] + 1 :]) is not None
        ):
            head, tail = items[: runs[0]], items[runs[0] + 1 :]
            return smt.both(
                [z3.Length(target) >= _total(head) + _total(tail), *_ends(target, head, tail)]
            )
        return z3.InRe(target, regex_of(items))
    length = z3.Length(target)
    if not runs:
        return smt.both([length == _total(items), *_place_all(target, z3.IntVal(0), items)])
    first, last = runs[0], runs[-1]
    if not any(isinstance(i, Hole) for i in items[first:last]):
        # One unbounded group (from the first run to the last, no hole inside).
        head, group, tail = items[:first], items[first : last + 1], items[last + 1 :]
        head_length, tail_length = _total(head), _total(tail)
        facts = [length >= head_length + tail_length, *_ends(target, head, tail)]
        if not (len(group) == 1 and isinstance(group[0], Run) and group[0].full):
            middle = z3.SubString(target, head_length, length - head_length - tail_length)
            facts.append(z3.InRe(middle, regex_of(group)))
        return smt.both(facts)
    return _contains_shape(target, items, runs)


def _contains_shape(target: smt.Str, items: Sequence[Item], runs: list[int]) -> smt.Bool | None:
    """``head * middle * tail``: exactly two unbounded runs, both full, with only literal
    text and holes between them and no unbounded run outside them."""
    if len(runs) != 2:
        return None
    first, second = runs
    left, right = items[first], items[second]
    assert isinstance(left, Run)
    assert isinstance(right, Run)
    if not (left.full and right.full):
        return None
    between = items[first + 1 : second]
    if any(isinstance(i, Fixed) and i.text is None for i in between):
        return None
    head, tail = items[:first], items[second + 1 :]
    head_length, tail_length = _total(head), _total(tail)
    needle = smt.concat_text(
        [i.term if isinstance(i, Hole) else smt.text(getattr(i, "text", "") or "") for i in between]
    )
    length = z3.Length(target)
    middle = z3.SubString(target, head_length, length - head_length - tail_length)
    return smt.both(
        [
            length >= head_length + tail_length,
            *_ends(target, head, tail),
            z3.Contains(middle, needle),
        ]
    )
