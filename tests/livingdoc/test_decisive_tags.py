"""Which tags decided a request: the tag keys the relevant statements' conditions read.

Condition keys from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
(aws:PrincipalTag/, aws:ResourceTag/, aws:RequestTag/, aws:TagKeys); key names compare
case-insensitively (reference_policies_elements_condition.html).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamspec.livingdoc.deciding import StatementRef
from iamspec.livingdoc.decisive_tags import TagReadings, statement_reads
from iamspec.livingdoc.policies import PolicyLibrary
from iamspec.policy.parser import PolicyKind, parse_policy

POLICY = "policies/p.json"
BOUNDARY = "policies/b.json"


def _text(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


ALLOW_SAME_TEAM = {
    "Effect": "Allow",
    "Action": ["connect:Describe*"],
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:resourcetag/Team": "${aws:PrincipalTag/Team}"}},
}
ALLOW_CREATE_TAGGED = {
    "Effect": "Allow",
    "Action": "connect:CreateUser",
    "Resource": "*",
    "Condition": {
        "StringEquals": {"aws:RequestTag/Owner": "TeamA"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["Owner"]},
    },
}
DENY_PROD = {
    "Effect": "Deny",
    "NotAction": "connect:List*",
    "Resource": "*",
    "Condition": {"StringEquals": {"AWS:ResourceTag/Stage": "prod"}},
}
ALLOW_UNTAGGED = {"Effect": "Allow", "Action": "connect:ListUsers", "Resource": "*"}


def _statements(*statements: dict):
    return parse_policy(_text(*statements), "<test>").statements


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        (ALLOW_SAME_TEAM, {("resource", "Team"), ("caller", "Team")}),
        (ALLOW_CREATE_TAGGED, {("request", "Owner"), ("request", "*")}),
        (DENY_PROD, {("resource", "Stage")}),
        (ALLOW_UNTAGGED, set()),
    ],
    ids=["key-and-variable", "request-tags-and-tag-keys", "case-insensitive-prefix", "none"],
)
def test_a_statement_reads_the_tags_its_condition_names(statement, reads):
    (parsed,) = _statements(statement)
    assert statement_reads(parsed) == reads


@pytest.fixture
def readings(tmp_path: Path) -> TagReadings:
    library = PolicyLibrary(
        tmp_path,
        texts={
            POLICY: _text(ALLOW_SAME_TEAM, DENY_PROD, ALLOW_UNTAGGED),
            BOUNDARY: _text({**ALLOW_UNTAGGED, "Action": "connect:*"}),
        },
    )
    library.get(POLICY)
    library.get(BOUNDARY, PolicyKind.BOUNDARY)
    return TagReadings(library)


def test_an_allowed_request_is_decided_by_its_allow_and_the_denies_that_did_not_apply(readings):
    decisive = readings.decisive(
        "allowed", "connect:DescribeUser", [StatementRef(POLICY, 0)], [POLICY, BOUNDARY]
    )
    assert decisive == {("resource", "Team"), ("caller", "Team"), ("resource", "Stage")}


def test_an_explicit_deny_is_decided_by_its_deny_alone(readings):
    decisive = readings.decisive(
        "explicitDeny", "connect:DescribeUser", [StatementRef(POLICY, 1)], [POLICY]
    )
    assert decisive == {("resource", "Stage")}


def test_an_implicit_deny_is_decided_by_the_allows_that_cover_the_action(readings):
    assert readings.decisive("implicitDeny", "connect:DescribeUser", [], [POLICY]) == {
        ("resource", "Team"),
        ("caller", "Team"),
    }
    # no Allow covers it: no tag decided (nothing could have allowed it)
    assert readings.decisive("implicitDeny", "connect:DeleteUser", [], [POLICY]) == frozenset()


def test_notaction_covers_every_action_but_those_listed(readings):
    assert readings.covering([POLICY], "connect:ListUsers", "Deny") == []
    assert readings.covering([POLICY], "connect:DeleteUser", "Deny") == [StatementRef(POLICY, 1)]


def test_a_policy_that_cannot_be_read_reads_no_tag(tmp_path):
    library = PolicyLibrary(tmp_path, texts={POLICY: "{ not json"})
    library.get(POLICY)
    readings = TagReadings(library)
    assert readings.statements(POLICY) == ()
    assert readings.statements("policies/never-loaded.json") == ()
    assert readings.decisive("implicitDeny", "connect:DescribeUser", [], [POLICY]) == frozenset()
    assert readings.reads([StatementRef(POLICY, 5)]) == frozenset()
