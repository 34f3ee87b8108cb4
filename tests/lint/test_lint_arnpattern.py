"""Can a Resource pattern name a resource of a type? (Overlap of a pattern and a template.)"""

from __future__ import annotations

import pytest

from iamspec.catalog import default_catalog
from iamspec.lint.arnpattern import pattern_may_match_type


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
