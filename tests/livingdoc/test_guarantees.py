"""Guarantees from the run's records: each feature page's Guarantees part, the index's counts,
and the principal and action pages that list the claims mentioning them (HTML and Markdown,
escaped)."""

from __future__ import annotations

import json

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc.errata import Errata
from iamspec.livingdoc.guarantees import RecordedGuarantees, guarantee_of
from iamspec.records.results import ClaimRecord, RunRecord
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    EVIL,
    EVIL_TEXT,
    TEAM_TAGGED,
    TEAM_TAGGED_TEXT,
    project,
    who_run,
)

NO_ERRATA = Errata(False, "", reason="not in this test")
HOSTILE = "</pre><script>alert(7)</script>"

REFUTING_REQUEST = {
    "action": "connect:DescribeUser",
    "resource": "arn:aws:connect:us-east-1:111122223333:instance/i/agent/u",
    "context": [
        {
            "ContextKeyName": "aws:ResourceTag/Department",
            "ContextKeyValues": ["Test"],
            "ContextKeyType": "string",
        }
    ],
}


def _claim(text: str, status: str, line: int, **values: object) -> ClaimRecord:
    defaults: dict[str, object] = {
        "step": f"features/dept.feature:{line}",
        "text": text,
        "form": "only when",
        "status": status,
        "expected": "proven",
        "passed": status == "proven",
        "statement": text,
        "principal": "admin",
        "actions": ["connect:DescribeUser"],
        "policies": [DEPT],
    }
    defaults.update(values)
    return ClaimRecord(**defaults)  # type: ignore[arg-type]


CLAIMS = [
    _claim('"admin" may call "connect:DescribeUser" only when Department is Test', "proven", 40),
    _claim(
        '"admin" may call "connect:CreateUser" only when Department is Test',
        "proven",
        41,
        actions=["connect:CreateUser"],
        vacuous=True,
    ),
    _claim(
        f'"admin" may call "connect:DescribeUser" only when Team is {HOSTILE}',
        "refuted",
        42,
        expected="refuted",
        passed=True,
        counterexample=REFUTING_REQUEST,
        decision="allowed",
        scenario=f'Scenario: counterexample {HOSTILE}\n  Given the IAM user "admin"',
        facts={"decision": "allowed", "resource tags": "Department=Test"},
    ),
    _claim(
        '"admin" may always call "connect:Describe*"',
        "unknown",
        43,
        actions=["connect:Describe*"],
        form="always",
        explanation="the solver gave up (time-out)",
    ),
    _claim(
        '"admin" may call "connect:DescribeUser" exactly when Env is the caller\'s',
        "cannot prove",
        44,
        unsupported=["cannot prove: StringEqualsIgnoreCase with a policy variable at x.json:3:5"],
    ),
    _claim(
        'the policy "new.json" grants nothing that "old.json" does not',
        "proven",
        45,
        principal=None,
        actions=[],
        policies=["new.json"],
        compared=["old.json"],
        form="nothing new",
    ),
]


@pytest.fixture
def root(tmp_path):
    return project(
        tmp_path / "project", {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT, TEAM_TAGGED: TEAM_TAGGED_TEXT}
    )


def claimed_run() -> RunRecord:
    result = who_run()
    dept = [s for s in result.scenarios if s.feature_file == "features/dept.feature"]
    dept[0].claims = list(CLAIMS)
    dept[1].claims = [CLAIMS[0]]  # an outline's second row states the same claim again
    # through the results file's JSON and back, as `iamspec docs` reads it
    return RunRecord.from_dict(json.loads(json.dumps(result.to_dict())))


@pytest.fixture
def site(root):
    return build_site(claimed_run(), root=root, errata=NO_ERRATA)


def _feature(site, file):
    return next(f for f in site.features if f.file == file)


def _principal(site, file, name):
    return next(p for p in site.access.principals if p.ref.feature_file == file and p.name == name)


def _action(site, action):
    return next(a for a in site.access.actions if a.action == action)


def test_each_answer_has_its_verdict_and_the_outline_repeat_is_shown_once(site):
    shown = _feature(site, "features/dept.feature").guarantees
    assert [(g.state, g.verdict) for g in shown] == [
        ("proven", "\u2713 proven"),
        ("vacuous", "\u2713 proven (vacuous: no request of its scope is allowed)"),
        ("refuted", "\u2717 refuted, as the feature states"),
        ("unknown", "? unknown (the solver gave up)"),
        ("cannot prove", "? cannot prove"),
        ("proven", "\u2713 proven"),
    ]
    assert [g.source for g in shown][:2] == ["features/dept.feature:40", "features/dept.feature:41"]
    assert _feature(site, "features/teams.feature").guarantees == ()


def test_scope_and_detail_say_what_the_claim_is_about_and_what_supports_it(site):
    proven, _, refuted, unknown, cannot, policy = _feature(site, "features/dept.feature").guarantees
    assert proven.scope == (f"actions connect:DescribeUser; by admin; under the policy {DEPT}")
    assert refuted.detail == (
        "refuted by connect:DescribeUser on arn:aws:connect:us-east-1:111122223333:instance/i/"
        "agent/u with aws:ResourceTag/Department=Test (allowed)"
    )
    assert refuted.scope.endswith("requests with resource tags: Department=Test")
    assert unknown.detail == "the solver gave up (time-out)"
    assert cannot.detail.startswith("cannot prove: StringEqualsIgnoreCase")
    assert policy.scope == (
        "actions every action; under the policy new.json; compared with old.json"
    )


def test_the_index_counts_the_guarantees(site):
    assert site.guarantee_counts == (
        ("proven", 2),
        ("vacuous", 1),
        ("refuted", 1),
        ("unknown", 1),
        ("cannot prove", 1),
    )


def test_principal_and_action_pages_list_the_claims_that_mention_them(site):
    admin = _principal(site, "features/dept.feature", "admin")
    assert len(admin.guarantees) == 5  # the policy comparison is about no principal
    assert _principal(site, "features/teams.feature", "admin").guarantees == ()
    describe = [g.claim for g in _action(site, "connect:DescribeUser").guarantees]
    assert len(describe) == 5  # not the CreateUser claim
    assert not any("CreateUser" in c for c in describe)
    deleting = [g.claim for g in _action(site, "connect:DeleteUser").guarantees]
    assert deleting == ['the policy "new.json" grants nothing that "old.json" does not']


def test_html_pages_show_the_guarantees_escaped(site, tmp_path):
    write_site(site, tmp_path / "h", "html")
    feature = (tmp_path / "h" / f"{_feature(site, 'features/dept.feature').page}.html").read_text(
        encoding="utf-8"
    )
    assert '<section class="guarantees" id="guarantees">' in feature
    assert '<a href="#guarantees">guarantees</a>' in feature
    assert '<span class="decision explicit">\u2717 refuted, as the feature states</span>' in feature
    assert "&lt;/pre&gt;&lt;script&gt;alert(7)&lt;/script&gt;" in feature
    assert HOSTILE not in feature
    assert "<summary>The refuting request as a scenario</summary>" in feature
    assert "Scope: actions connect:DescribeUser; by admin" in feature
    index = (tmp_path / "h" / "index.html").read_text(encoding="utf-8")
    assert (
        "<dt>Guarantees</dt><dd>6 universal claims: 2 proven · 1 vacuous · 1 refuted · 1 unknown"
        " · 1 cannot prove</dd>"
    ) in index
    assert "3 of 6 proven</a>" in index
    principal = (tmp_path / "h" / "principal-dept--admin.html").read_text(encoding="utf-8")
    assert "? cannot prove" in principal
    assert HOSTILE not in principal
    action = (tmp_path / "h" / "action-connect-deleteuser.html").read_text(encoding="utf-8")
    assert "grants nothing that" in action


def test_markdown_pages_show_the_guarantees_escaped(site, tmp_path):
    write_site(site, tmp_path / "m", "markdown")
    feature = (tmp_path / "m" / f"{_feature(site, 'features/dept.feature').page}.md").read_text(
        encoding="utf-8"
    )
    assert "## Guarantees" in feature
    assert "- \u2713 proven (vacuous: no request of its scope is allowed): " in feature
    assert "&lt;/pre&gt;&lt;script&gt;" in feature.split("```gherkin")[0]
    assert "```gherkin\n  Scenario: counterexample </pre><script>alert(7)</script>" in feature
    index = (tmp_path / "m" / "index.md").read_text(encoding="utf-8")
    assert "| Guarantees | 6 universal claims: 2 proven · 1 vacuous" in index
    assert "[3 of 6 proven](" in index


def test_a_run_without_claims_has_no_guarantees_anywhere(root, tmp_path):
    site = build_site(who_run(), root=root, errata=NO_ERRATA)
    assert site.guarantee_counts == ()
    assert all(f.guarantees == () for f in site.features)
    write_site(site, tmp_path / "h", "html")
    assert "Guarantees" not in (tmp_path / "h" / "index.html").read_text(encoding="utf-8")


def test_an_unknown_status_is_never_shown_as_proven():
    shown = guarantee_of(_claim("c", "maybe", 1, passed=False), "features/x.feature")
    assert shown.state == "unknown"
    assert not shown.holds


def test_a_failed_claim_step_is_marked(root, tmp_path):
    result = who_run()
    result.scenarios[0].claims = [_claim("c", "refuted", 9, counterexample=REFUTING_REQUEST)]
    assert not RecordedGuarantees(result).all()[0].passed
    site = build_site(result, root=root, errata=NO_ERRATA)
    write_site(site, tmp_path / "h", "html")
    page = (tmp_path / "h" / f"{site.features[0].page}.html").read_text(encoding="utf-8")
    assert "&#9888; not as the feature states" in page
