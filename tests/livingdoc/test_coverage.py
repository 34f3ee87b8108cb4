"""Policy coverage: statements that decided, idle statements, untested grants via the catalog."""

from __future__ import annotations

import json

import pytest

from iamspec.catalog import default_catalog
from iamspec.livingdoc.coverage import Hit, ScenarioLink, compute_coverage, format_percent
from iamspec.livingdoc.deciding import StatementRef
from iamspec.livingdoc.policies import build_view
from iamspec.policy.parser import PolicyKind
from tests.livingdoc.kit import DEPT, DEPT_TEXT

CATALOG = default_catalog()
WHERE = ScenarioLink("F", "feature-f", "sc-7", "S")


def _view(text: str = DEPT_TEXT, display: str = DEPT, kind: PolicyKind = PolicyKind.IDENTITY):
    return build_view(display, text, kind, "file", "p")


def _hit(index: int, action: str, display: str = DEPT, where: ScenarioLink = WHERE) -> Hit:
    return Hit(StatementRef(display, index), action, "allowed", where)


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def test_statements_without_hits_are_idle_and_count_against_the_score():
    view = _view()
    other = ScenarioLink("F", "feature-f", "sc-9", "T")
    cov = compute_coverage(
        [view],
        [
            _hit(0, "connect:DescribeUser"),
            _hit(0, "connect:describeuser", where=other),
            _hit(1, "connect:DeleteUser"),
        ],
        CATALOG,
    )
    (pc,) = cov.policies
    assert [s.exercised for s in pc.statements] == [True, True, False]
    assert pc.statements[0].scenarios == (WHERE, other)
    assert [s.label for s in cov.idle] == [f"{DEPT} statement 3 (Unused)"]
    assert (cov.exercised, cov.total) == (2, 3)
    assert format_percent(cov.percent) == "66.7%"
    assert cov.below(70)
    assert not cov.below(66)


def test_untested_grants_are_the_wildcard_expansion_minus_the_actions_seen_allowed():
    view = _view()
    cov = compute_coverage(
        [view], [_hit(0, "connect:DescribeUser"), _hit(0, "CONNECT:UpdateUserHierarchy")], CATALOG
    )
    first = cov.policies[0].statements[0]
    expected = [a.full_name for a in CATALOG.expand("connect:UpdateUser*")]
    assert len(expected) > 5  # UpdateUser* is a wildcard over many real actions
    assert first.granted == ("connect:DescribeUser", *expected)
    assert first.untested == tuple(a for a in expected if a != "connect:UpdateUserHierarchy")
    # an Allow that decided nothing: everything it grants is untested
    assert cov.policies[0].statements[2].untested == ("connect:ListUsers",)
    # a Deny grants nothing
    deny = cov.policies[0].statements[1]
    assert deny.granted == ()
    assert deny.untested == ()
    assert cov.untested_grants == len(first.untested) + 1


def test_patterns_that_cannot_be_listed_are_noted_not_expanded():
    text = _policy(
        {
            "Effect": "Allow",
            "Action": ["*:Describe*", "conect:DescribeUser", "connect:Nope*"],
            "Resource": "*",
        },
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    )
    cov = compute_coverage([_view(text, "policies/wide.json")], [], CATALOG)
    wide, negated = cov.policies[0].statements
    assert wide.granted == ()
    assert [p.pattern for p in wide.patterns if p.actions is None] == ["*:Describe*"]
    notes = "\n".join(wide.notes)
    assert "*:Describe*: spans every service: not expanded" in notes
    assert "conect:DescribeUser: grants nothing" in notes
    assert "connect:Nope*: matches no IAM action: grants nothing" in notes
    assert negated.notes == ("NotAction: grants every action except those listed; not expanded",)


def _boundary_view():
    text = _policy(
        {"Effect": "Allow", "Action": "connect:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "connect:DeleteInstance", "Resource": "*"},
    )
    return _view(text, "policies/boundary.json", PolicyKind.BOUNDARY)


def test_a_recorded_boundary_is_measured_and_its_idle_allow_let_nothing_through():
    cov = compute_coverage([_boundary_view(), _view()], [_hit(0, "connect:DescribeUser")], CATALOG)
    allow, deny = cov.policies[0].statements
    assert allow.measured
    assert deny.measured
    assert allow.caps
    assert not deny.caps
    assert allow.idle_words == "let no allowed request through"
    assert deny.idle_words == "decided nothing"
    assert allow.untested == ()
    assert "permissions boundary" in allow.notes[0]
    assert cov.unmeasured == 0
    assert cov.total == 2 + 3
    assert [s.statement.index for s in cov.idle] == [0, 1, 1, 2]
    lines = cov.summary_lines()
    assert (
        "  policies/boundary.json statement 1 (boundary Allow: let no allowed request through)"
        in lines
    )


def test_an_unrecorded_boundary_is_not_measured_unless_it_has_hits():
    boundary = "policies/boundary.json"
    cov = compute_coverage(
        [_boundary_view(), _view()],
        [_hit(0, "connect:DescribeUser"), _hit(1, "connect:DeleteInstance", boundary)],
        CATALOG,
        unrecorded_boundaries={boundary},
    )
    allow, deny = cov.policies[0].statements
    assert not allow.measured
    assert deny.measured
    assert deny.exercised
    assert cov.unmeasured == 1
    assert cov.total == 1 + 3
    assert [s.statement.index for s in cov.idle] == [1, 2]
    assert any(
        line.startswith("not measured: 1 permissions-boundary") for line in cov.summary_lines()
    )


def test_unrecorded_boundaries_name_boundaries_only():
    cov = compute_coverage([_view()], [], CATALOG, unrecorded_boundaries={DEPT})
    assert cov.unmeasured == 0
    assert cov.total == 3


def test_summary_lines_for_the_terminal():
    cov = compute_coverage(
        [_view()], [_hit(0, "connect:DescribeUser")], CATALOG, ["policies/x.json"]
    )
    lines = cov.summary_lines()
    assert lines[0] == (
        "policy coverage: 1 of 3 statements (33.3%) decided at least one scenario request"
    )
    assert "statements that decided nothing (2):" in lines
    assert f"  {DEPT} statement 2 (NeverDelete)" in lines
    assert any(line.startswith("untested grants: ") for line in lines)
    assert lines[-2:] == ["policy files no scenario loads (1):", "  policies/x.json"]


def test_the_summary_names_every_policy_file_no_scenario_loads_up_to_the_limit():
    unloaded = [f"policies/unused-{n:02}.json" for n in range(12)]
    cov = compute_coverage([_view()], [_hit(0, "connect:DescribeUser")], CATALOG, unloaded)
    lines = cov.summary_lines(limit=10)
    start = lines.index("policy files no scenario loads (12):")
    assert lines[start + 1 : start + 12] == [
        *(f"  {path}" for path in unloaded[:10]),
        "  ... and 2 more",
    ]


def test_no_statements_at_all():
    cov = compute_coverage([], [], CATALOG)
    assert cov.percent is None
    assert cov.below(0)
    assert format_percent(None) == "n/a"
    assert cov.summary_lines() == ["policy coverage: no scenario loaded a policy with statements"]


@pytest.mark.parametrize(
    ("value", "text"), [(100.0, "100%"), (87.5, "87.5%"), (2 / 3 * 100, "66.7%")]
)
def test_format_percent(value, text):
    assert format_percent(value) == text
