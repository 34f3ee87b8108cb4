"""IAM's two wildcards, ``*`` (any run, including none) and ``?`` (one character), matched in
time linear in the text: the one place iamspec globs.

Every place IAM globs compiles here: Action/NotAction (case-insensitive), Resource/NotResource
(whose first five ARN segments keep a wildcard inside its segment unless a ``*`` ends the
segment), ``StringLike``/``StringNotLike``, ``ArnLike``/``ArnNotLike``, managed-policy ARNs and
entity names in PolicyExclusionList, the catalog's expansion of action patterns and the
linter's ARN checks.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html ,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html

Why not regular expressions: the obvious translation (``*`` → ``.*``) backtracks, and
``*a*a*a*a*a*a*b`` against a 2,000-character ARN does not answer in a minute. Patterns are
written by whoever wrote the policy, so the matcher must be fast for every pattern:

- a pattern whose wildcards all cross every character (the usual case) is split at its stars
  into fixed-length segments; the first must sit at the start of the text, the last at its
  end, and each middle one at its leftmost place after the previous one (placing a segment
  as early as possible never loses a match). Segments without ``?`` are found by
  :meth:`str.find`; a segment with ``?`` by a bit-parallel scan (shift-and), one step per
  character. The scans never overlap, so the work is linear in the text.
- a pattern with segment-bound wildcards (``[^:]*``, ``[^:]``) runs as a bit-parallel
  simulation of its automaton (one machine word per 64 pattern positions, one step per
  character): O(n·m/64), no backtracking.

Policy variables (``${aws:username}``) are substituted before matching; their values are
literal text (a ``*`` in a tag value is not a wildcard), which :func:`literal` and
:func:`wild` express. Case-insensitive matching compares each character's simple lower-case
form (``str.lower`` of one character, when that is one character).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Glob",
    "Token",
    "Wildcard",
    "compile_glob",
    "compile_tokens",
    "literal",
    "wild",
]


class Wildcard(enum.Enum):
    """A wildcard position of a pattern."""

    STAR = "*"
    """Any run of characters, including none."""
    ONE = "?"
    """Exactly one character."""
    SEGMENT_STAR = "[^:]*"
    """Any run of characters without ``:`` (a mid-segment ``*`` of a Resource ARN)."""
    SEGMENT_ONE = "[^:]"
    """One character other than ``:`` (a ``?`` in a Resource ARN's first five segments)."""

    @property
    def is_star(self) -> bool:
        return self in (Wildcard.STAR, Wildcard.SEGMENT_STAR)

    @property
    def crosses_colons(self) -> bool:
        return self in (Wildcard.STAR, Wildcard.ONE)


Token = str | Wildcard
"""Literal text (any length) or one wildcard."""


def literal(text: str) -> tuple[Token, ...]:
    """``text`` with no wildcard at all (a substituted policy variable, ``${*}``)."""
    return (text,) if text else ()


def wild(
    text: str, *, star: Wildcard = Wildcard.STAR, one: Wildcard = Wildcard.ONE
) -> tuple[Token, ...]:
    """Policy text whose ``*`` and ``?`` are wildcards (``star`` and ``one``)."""
    out: list[Token] = []
    run: list[str] = []
    for ch in text:
        if ch == "*" or ch == "?":
            if run:
                out.append("".join(run))
                run = []
            out.append(star if ch == "*" else one)
        else:
            run.append(ch)
    if run:
        out.append("".join(run))
    return tuple(out)


class Glob:
    """A compiled pattern; :meth:`matches` tests a whole text against it."""

    __slots__ = ("_match", "pattern")

    def __init__(self, pattern: str, match: Callable[[str], bool]) -> None:
        self.pattern = pattern
        self._match = match

    def matches(self, text: str) -> bool:
        """True when the whole of ``text`` matches the pattern."""
        return self._match(text)

    def fullmatch(self, text: str) -> Glob | None:
        """:meth:`re.Pattern.fullmatch`'s contract (truthy or None), for regex-shaped callers."""
        return self if self._match(text) else None

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"


@lru_cache(maxsize=4096)
def compile_glob(pattern: str, *, ignore_case: bool = False) -> Glob:
    """A policy text's ``*``/``?`` as wildcards across every character (cached)."""
    return compile_tokens(wild(pattern), ignore_case=ignore_case)


def compile_tokens(tokens: Iterable[Token], *, ignore_case: bool = False) -> Glob:
    """Compile literal runs and wildcards into a matcher."""
    elements = _elements(tokens, ignore_case)
    shown = "".join(e if isinstance(e, str) else e.value for e in elements)
    if all(isinstance(e, str) for e in elements):
        target = "".join(e for e in elements if isinstance(e, str))
        return Glob(shown, _exact(target, ignore_case))
    if all(isinstance(e, str) or e.crosses_colons for e in elements):
        return Glob(shown, _segments_matcher(elements, ignore_case))
    return Glob(shown, _automaton_matcher(elements, ignore_case))


# -- normalisation --------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Each character's simple lower-case form; never changes the length."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


def _fold_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


def _elements(tokens: Iterable[Token], ignore_case: bool) -> list[Token]:
    """Merge adjacent literal runs and collapse adjacent stars into the wider one.

    ``[^:]*`` next to ``*`` is ``*``: the union of the two runs is any run.
    """
    out: list[Token] = []
    for token in tokens:
        if isinstance(token, str):
            if not token:
                continue
            text = _fold(token) if ignore_case else token
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + text
            else:
                out.append(text)
        elif token.is_star and out and isinstance(out[-1], Wildcard) and out[-1].is_star:
            if token is Wildcard.STAR:
                out[-1] = Wildcard.STAR
        else:
            out.append(token)
    return out


def _exact(target: str, ignore_case: bool) -> Callable[[str], bool]:
    if ignore_case:
        return lambda text: len(text) == len(target) and _fold(text) == target
    return target.__eq__


# -- patterns whose wildcards cross every character ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Segment:
    """The fixed-length text between two stars; ``?`` positions are ``None`` in ``chars``."""

    length: int
    text: str | None  # the segment when it has no '?'
    chunks: tuple[tuple[int, str], ...]  # (offset, literal run) when it has '?'
    masks: dict[str, int]
    any_mask: int

    @classmethod
    def of(cls, items: Sequence[Token]) -> _Segment:
        length = 0
        chunks: list[tuple[int, str]] = []
        wild_bits = 0
        literal_bits: dict[str, int] = {}
        for item in items:
            if isinstance(item, str):
                chunks.append((length, item))
                for i, ch in enumerate(item, length):
                    literal_bits[ch] = literal_bits.get(ch, 0) | (1 << i)
                length += len(item)
            else:
                wild_bits |= 1 << length
                length += 1
        if not wild_bits:
            return cls(length, "".join(text for _, text in chunks), (), {}, 0)
        masks = {ch: bits | wild_bits for ch, bits in literal_bits.items()}
        return cls(length, None, tuple(chunks), masks, wild_bits)

    def match_at(self, text: str, pos: int) -> bool:
        """Does the segment match ``text`` at ``pos`` (the caller knows it fits)?"""
        if self.text is not None:
            return text.startswith(self.text, pos)
        return all(text.startswith(chunk, pos + offset) for offset, chunk in self.chunks)

    def find(self, text: str, start: int, end: int) -> int:
        """The leftmost place in ``text[start:end]`` where the segment matches, or -1."""
        if self.text is not None:
            return text.find(self.text, start, end)
        if not self.chunks:  # only '?': any place that fits
            return start if end - start >= self.length else -1
        masks, any_mask, high = self.masks, self.any_mask, 1 << (self.length - 1)
        state = 0
        for i in range(start, end):
            state = ((state << 1) | 1) & masks.get(text[i], any_mask)
            if state & high:
                return i - self.length + 1
        return -1


def _segments_matcher(elements: list[Token], ignore_case: bool) -> Callable[[str], bool]:
    pieces: list[list[Token]] = [[]]
    for element in elements:
        if isinstance(element, Wildcard) and element.is_star:
            pieces.append([])
        else:
            pieces[-1].append(element)
    segments = [_Segment.of(piece) for piece in pieces]
    if len(segments) == 1:
        only = segments[0]

        def match_one(text: str) -> bool:
            if ignore_case:
                text = _fold(text)
            return len(text) == only.length and only.match_at(text, 0)

        return match_one
    first, last, middle = segments[0], segments[-1], tuple(s for s in segments[1:-1] if s.length)
    shortest = sum(s.length for s in segments)

    def match(text: str) -> bool:
        if ignore_case:
            text = _fold(text)
        n = len(text)
        if n < shortest:
            return False
        end = n - last.length
        if not first.match_at(text, 0) or not last.match_at(text, end):
            return False
        pos = first.length
        for segment in middle:
            found = segment.find(text, pos, end)
            if found < 0:
                return False
            pos = found + segment.length
        return True

    return match


# -- patterns with segment-bound wildcards: a bit-parallel automaton -------------------------


def _automaton_matcher(elements: list[Token], ignore_case: bool) -> Callable[[str], bool]:
    """Simulate the pattern's automaton on a bit set of positions.

    Position ``i + 1`` is "the text so far matches the pattern's first ``i + 1`` elements";
    position 0 is the start. A step on character ``c`` advances every live position whose
    next element accepts ``c`` and keeps every live star that accepts ``c``; then each live
    position before a star also makes that star live (a star may match nothing). Adjacent
    stars are merged (:func:`_elements`), so one closure step is enough.
    """
    head = elements[0] if isinstance(elements[0], str) else ""
    tail = elements[-1] if isinstance(elements[-1], str) and len(elements) > 1 else ""
    body: list[str | Wildcard] = []
    for element in elements[1 if head else 0 : len(elements) - 1 if tail else len(elements)]:
        if isinstance(element, str):
            body.extend(element)
        else:
            body.append(element)
    literals = {ch for element in body if isinstance(element, str) for ch in element}
    literals.add(":")
    masks = dict.fromkeys(literals, 0)
    default = 0
    stars = 0
    for i, element in enumerate(body, 1):
        bit = 1 << i
        if isinstance(element, str):
            masks[element] |= bit
            continue
        default |= bit
        if element.is_star:
            stars |= bit
        for ch in masks:
            if ch != ":" or element.crosses_colons:
                masks[ch] |= bit
    accept = 1 << len(body)
    start = 1 | ((1 << 1) & stars)
    fixed = len(head) + len(tail)

    def match(text: str) -> bool:
        if ignore_case:
            text = _fold(text)
        n = len(text)
        if n < fixed or not text.startswith(head) or not text.endswith(tail):
            return False
        state = start
        get = masks.get
        for ch in text[len(head) : n - len(tail)]:
            state = ((state << 1) | (state & stars)) & get(ch, default)
            if not state:
                return False
            state |= (state << 1) & stars
        return bool(state & accept)

    return match
