"""The linear-time glob matcher (iamspec.wildcards) equals the regex translation it replaced.

The oracles below are verbatim copies of the translations iamspec used before the matcher
(issue 14: ``*`` → ``.*`` backtracks exponentially). Hypothesis draws patterns and texts over
a small alphabet that holds both wildcards, ``:``, ``/`` and case differences, so every
branch of the matcher (exact, star-split segments with and without ``?``, the bit-parallel
automaton for segment-bound wildcards) meets the cases where the two could differ.

Sources for the rules themselves:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html ,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html ,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamspec.engine.conditions import arn as arn_family
from iamspec.engine.context import RequestContext
from iamspec.engine.matching import compile_action_pattern, compile_resource_pattern
from iamspec.engine.variables import Piece, wildcard_glob
from iamspec.wildcards import Wildcard, compile_glob, compile_tokens, literal, wild

# -- the oracles: the regex translations iamspec used before ---------------------------------


def _old_glob_pattern(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def _old_segment_regex(segment: str) -> str:
    out = []
    for i, c in enumerate(segment):
        if c == "*":
            out.append(".*" if i == len(segment) - 1 else "[^:]*")
        elif c == "?":
            out.append("[^:]")
        else:
            out.append(re.escape(c))
    return "".join(out)


def _old_resource_regex(text: str) -> re.Pattern[str] | None:
    """The old Resource regex (variables off); None for "*", which matches everything."""
    if text == "*":
        return None
    segments = text.split(":", 5)
    if len(segments) < 6:
        return re.compile(":".join(_old_segment_regex(s) for s in segments) + r"\Z", re.DOTALL)
    prefix = ":".join(_old_segment_regex(s) for s in segments[:5]) + ":"
    return re.compile(prefix + _old_glob_pattern(segments[5]) + r"\Z", re.DOTALL)


def _old_wildcard_regex(pieces: tuple[Piece, ...]) -> re.Pattern[str]:
    source = "".join(_old_glob_pattern(p.text) if p.wild else re.escape(p.text) for p in pieces)
    return re.compile(source + r"\Z", re.DOTALL)


def _old_arn_value(pieces: tuple[Piece, ...]) -> re.Pattern[str] | None:
    parts: list[list[str]] = [[]]
    for piece in pieces:
        for ch in piece.text:
            last = len(parts) == 6
            if ch == ":" and not last:
                parts.append([])
            elif piece.wild and ch == "*":
                parts[-1].append(".*" if last else "[^:]*")
            elif piece.wild and ch == "?":
                parts[-1].append("." if last else "[^:]")
            else:
                parts[-1].append(re.escape(ch))
    if len(parts) < 6:
        return None
    return re.compile(":".join("".join(part) for part in parts) + r"\Z", re.DOTALL)


# -- strategies ------------------------------------------------------------------------------

PATTERN_ALPHABET = "aAbB*?:/"
TEXT_ALPHABET = "aAbB:/*?"
patterns = st.text(PATTERN_ALPHABET, max_size=14)
texts = st.text(TEXT_ALPHABET, max_size=18)
pieces = st.lists(
    st.builds(Piece, st.text(PATTERN_ALPHABET, max_size=6), st.booleans()), max_size=4
).map(tuple)
EQUIVALENCE = settings(
    max_examples=1000, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _texts_for(pattern: str) -> st.SearchStrategy[str]:
    """Random texts, and texts built from the pattern itself (so matches are common)."""
    filled = st.lists(st.text(TEXT_ALPHABET, max_size=3), min_size=len(pattern) + 1).map(
        lambda fill: "".join(
            fill[i] if c == "*" else (fill[i][:1] or "a") if c == "?" else c
            for i, c in enumerate(pattern)
        )
    )
    return st.one_of(texts, filled)


@st.composite
def pattern_and_text(draw: st.DrawFn, source: st.SearchStrategy[str] = patterns) -> tuple[str, str]:
    pattern = draw(source)
    return pattern, draw(_texts_for(pattern))


# -- equivalence -----------------------------------------------------------------------------


@pytest.mark.slow
@EQUIVALENCE
@given(pattern_and_text())
def test_glob_equals_the_regex_translation(case: tuple[str, str]) -> None:
    pattern, text = case
    expected = re.fullmatch(_old_glob_pattern(pattern), text, re.DOTALL) is not None
    assert compile_glob(pattern).matches(text) is expected


@pytest.mark.slow
@EQUIVALENCE
@given(pattern_and_text())
def test_case_insensitive_glob_equals_re_ignorecase(case: tuple[str, str]) -> None:
    """Action patterns: ASCII case differences, as re.IGNORECASE compared them."""
    pattern, text = case
    regex = re.compile(_old_glob_pattern(pattern) + r"\Z", re.IGNORECASE | re.DOTALL)
    expected = regex.match(text) is not None
    assert compile_glob(pattern, ignore_case=True).matches(text) is expected
    assert compile_action_pattern(pattern).matches(text) is expected


arn_like_patterns = st.lists(st.text("ab*?", max_size=3), min_size=1, max_size=7).map(":".join)


@pytest.mark.slow
@EQUIVALENCE
@given(st.one_of(pattern_and_text(), pattern_and_text(arn_like_patterns)))
def test_resource_patterns_equal_the_segment_regex(case: tuple[str, str]) -> None:
    """Resource: wildcards stay in their segment among the first five unless a * ends it."""
    pattern, text = case
    old = _old_resource_regex(pattern)
    expected = True if old is None else old.match(text) is not None
    compiled = compile_resource_pattern(pattern, variables_enabled=False)
    assert compiled.match(text, RequestContext())[0] is expected


@pytest.mark.slow
@EQUIVALENCE
@given(pieces, texts)
def test_substituted_values_stay_literal_as_before(parts: tuple[Piece, ...], text: str) -> None:
    """A policy variable's value is literal text: its * and ? are not wildcards."""
    expected = _old_wildcard_regex(parts).match(text) is not None
    assert wildcard_glob(parts).matches(text) is expected


@pytest.mark.slow
@EQUIVALENCE
@given(pieces, st.lists(st.text("ab*?/", max_size=3), min_size=1, max_size=8).map(":".join))
def test_arn_like_equals_the_part_by_part_regex(parts: tuple[Piece, ...], request: str) -> None:
    old = _old_arn_value(parts)
    if old is None:
        with pytest.raises(ValueError, match="six colon-separated parts"):
            arn_family.parse_value(parts)
        return
    expected = old.match(request) is not None
    assert arn_family.matches(arn_family.parse_value(parts), request) is expected


_REGEX = {
    Wildcard.STAR: ".*",
    Wildcard.ONE: ".",
    Wildcard.SEGMENT_STAR: "[^:]*",
    Wildcard.SEGMENT_ONE: "[^:]",
}


@pytest.mark.slow
@EQUIVALENCE
@given(
    st.lists(
        st.one_of(st.text("ab:", min_size=1, max_size=3), st.sampled_from(list(Wildcard))),
        max_size=8,
    ),
    st.text("ab:", max_size=14),
)
def test_any_token_mix_equals_its_regex(tokens: list[str | Wildcard], text: str) -> None:
    """Every mix of the four wildcards and literal runs (the automaton's own ground)."""
    source = "".join(_REGEX[t] if isinstance(t, Wildcard) else re.escape(t) for t in tokens)
    expected = re.fullmatch(source, text, re.DOTALL) is not None
    assert compile_tokens(tokens).matches(text) is expected


def test_literal_and_wild_pieces() -> None:
    glob = compile_tokens(literal("a*") + wild("*b?"))
    assert glob.matches("a*xxbz")
    assert not glob.matches("aXxxbz")  # the literal '*' is not a wildcard
    assert compile_tokens(()).matches("")
    assert not compile_tokens(()).matches("x")


def test_case_folding_keeps_lengths() -> None:
    """'İ'.lower() is two characters; folding keeps it as one, so '?' still counts it once."""
    assert compile_glob("?", ignore_case=True).matches("İ")
    assert compile_glob("s3:getobject", ignore_case=True).matches("S3:GetObject")


# -- the hostile patterns of issue 14 (each took seconds to minutes with the regexes) --------

HOSTILE = [
    # (pattern, text, expected): Resource / StringLike / ArnLike shapes at AWS's lengths
    ("arn:aws:s3:::*a*a*a*a*a*a*b", "arn:aws:s3:::" + "a" * 2000, False),
    ("*-*-*-*-*/*.json", "-" * 2040, False),
    ("*a*a*a*b", "a" * 5000, False),
    ("*" + "a*" * 1000 + "b", "a" * 2048, False),
    ("*" + "?*" * 1000 + "b", "a" * 10_000, False),
    ("*" + "a?" * 500 + "b*", "a" * 10_000, False),
    ("*" + "a?" * 500 + "a", "a" * 10_000, True),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), HOSTILE)
def test_hostile_patterns_answer_at_once(pattern: str, text: str, expected: bool) -> None:
    """A generous bound (a hang is what this catches; the benchmark measures, see
    benchmarks/glob.py): the backtracking regex took more than 60 s on the first."""
    start = time.perf_counter()
    assert compile_glob(pattern).matches(text) is expected
    assert time.perf_counter() - start < 2.0


def test_segment_bound_wildcards_answer_at_once() -> None:
    """The automaton path: mid-segment stars in the first five ARN segments."""
    pattern = "arn:aws:s3:" + "a*" * 300 + "b:*:*:x"
    compiled = compile_resource_pattern(pattern, variables_enabled=False)
    start = time.perf_counter()
    assert not compiled.match("arn:aws:s3:" + "a" * 2000 + ":r:1:x", RequestContext())[0]
    assert time.perf_counter() - start < 2.0
