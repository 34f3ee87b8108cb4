"""Can a Resource pattern name a resource of a type? (Overlap of a pattern and a template.)"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamspec.catalog import default_catalog
from iamspec.lint.arnpattern import _intersects, _policy_tokens, _Token, pattern_may_match_type


def _type(service: str, action: str, name: str):  # type: ignore[no-untyped-def]
    catalog = default_catalog()
    info = catalog.action(f"{service}:{action}")
    return next(rt for rt, _ in catalog.resource_types(info) if rt.name == name)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*", True),
        ("arn:aws:connect:us-east-1:111122223333:instance/abc", True),
        ("arn:aws:connect:*:*:instance/*", True),
        ("arn:aws:connect:us-east-1:111122223333:instance/ab?", True),
        ("arn:aws:connect:us-east-1:111122223333:instance/${aws:PrincipalTag/inst}", True),
        ("arn:aws:connect:{{region}}:{{account_id}}:instance/{{id}}", True),
        ("arn:aws:connect:region:account-id:instance/instance-id", True),  # words fit a segment
        ("arn:aws:connect:us-east-1:111122223333:instance/abc/agent/def", False),  # closed tail
        ("arn:aws:connect:us-east-1:111122223333:instance/", False),  # empty id
        ("arn:aws:kms:us-east-1:111122223333:key/abc", False),
        ("arn:aws:connect:us-east-1:111122223333:Instance/abc", False),  # case-sensitive
        ("arn:aws:connect:us-east-1:111122223333", False),
    ],
)
def test_connect_instance(pattern: str, expected: bool) -> None:
    instance = _type("connect", "DescribeInstance", "instance")
    assert pattern_may_match_type(pattern, instance) is expected


def test_an_open_tail_spans_slashes() -> None:
    """An IAM role name carries its path: the role type nothing extends is open."""
    role = _type("iam", "GetRole", "role")
    assert pattern_may_match_type("arn:aws:iam::111122223333:role/service-role/x", role)
    assert not pattern_may_match_type("arn:aws:iam::111122223333:user/x", role)


# -- the bit-parallel overlap test equals the state walk it replaced (issue 14) ---------------

_OLD_POLICY_SPECIAL = re.compile(r"\$\{[^}]*\}|\{\{[^{}]*\}\}|[*?]")


def _old_policy_tokens(pattern: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    pos = 0
    for match in _OLD_POLICY_SPECIAL.finditer(pattern):
        tokens.extend(_Token(ch, frozenset(), False) for ch in pattern[pos : match.start()])
        star = match.group() != "?"
        tokens.append(_Token(None, frozenset(), star))
        pos = match.end()
    tokens.extend(_Token(ch, frozenset(), False) for ch in pattern[pos:])
    return tuple(tokens)


def _old_compatible(a: _Token, b: _Token) -> bool:
    if a.char is not None and b.char is not None:
        return a.char == b.char
    if a.char is not None:
        return a.char not in b.excluded
    if b.char is not None:
        return b.char not in a.excluded
    return True


def _old_intersects(a: tuple[_Token, ...], b: tuple[_Token, ...]) -> bool:
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
        if i < len(a) and j < len(b) and _old_compatible(a[i], b[j]):
            stack.append((i if a[i].star else i + 1, j if b[j].star else j + 1))
    return False


_template_token = st.one_of(
    st.sampled_from("a:/b").map(lambda ch: _Token(ch, frozenset(), False)),
    st.builds(_Token, st.none(), st.frozensets(st.sampled_from(":/a"), max_size=2), st.booleans()),
)


@pytest.mark.slow
@settings(max_examples=1500, derandomize=True, deadline=None)
@given(st.text("ab:/*?${}", max_size=16))
def test_policy_tokens_equal_the_old_regex(pattern: str) -> None:
    assert _policy_tokens(pattern) == _old_policy_tokens(pattern)


@pytest.mark.slow
@settings(max_examples=2000, derandomize=True, deadline=None)
@given(st.text("ab:/*?", max_size=12), st.lists(_template_token, max_size=10).map(tuple))
def test_intersection_equals_the_state_walk(pattern: str, template: tuple[_Token, ...]) -> None:
    policy = _policy_tokens(pattern)
    assert _intersects(policy, template) is _old_intersects(policy, template)


def test_a_policy_long_pattern_is_checked_at_once() -> None:
    """131,072 characters of wildcards against every template: a hang is what this catches."""
    instance = _type("connect", "DescribeInstance", "instance")
    start = time.perf_counter()
    assert not pattern_may_match_type("arn:aws:connect:" + "*a" * 60_000 + "b:", instance)
    assert pattern_may_match_type("arn:aws:connect:" + "*?" * 60_000, instance)
    assert not pattern_may_match_type("${" * 65_000, instance)
    assert time.perf_counter() - start < 2.0
