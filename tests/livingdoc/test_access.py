"""Who may do what: the run's requests pivoted by principal, action and resource kind, with the
tags that decided each; principals of deselected scenarios; guarantees only when given."""

from __future__ import annotations

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc.access import NO_RESOURCE, declared_in_steps, tag_facts
from iamspec.livingdoc.errata import Errata
from iamspec.livingdoc.guarantees import Guarantee
from iamspec.records.results import StepRecord
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    EVIL,
    EVIL_TEXT,
    TEAM_TAGGED,
    TEAM_TAGGED_TEXT,
    Ask,
    large_scenario,
    project,
    run,
    scenario,
    who_run,
)

NO_ERRATA = Errata(False, "", reason="not in this test")


@pytest.fixture
def root(tmp_path):
    return project(
        tmp_path / "project", {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT, TEAM_TAGGED: TEAM_TAGGED_TEXT}
    )


@pytest.fixture
def site(root):
    return build_site(who_run(), root=root, errata=NO_ERRATA)


def _principal(site, feature_file, name):
    (found,) = [
        p for p in site.access.principals if (p.ref.feature_file, p.name) == (feature_file, name)
    ]
    return found


def test_a_principal_in_two_features_is_two_principals(site):
    teams = _principal(site, "features/teams.feature", "admin")
    dept = _principal(site, "features/dept.feature", "admin")
    assert teams.page != dept.page
    assert (teams.page, dept.page) == ("principal-teams--admin", "principal-dept--admin")
    assert teams.ref.feature == "Admins read their own team's agents"
    assert dept.ref.feature == "Test admins manage Test agents"
    assert [d for d, _ in teams.policies] == [TEAM_TAGGED]
    assert [d for d, _ in dept.policies] == [DEPT]
    assert (teams.namesakes, dept.namesakes) == (1, 1)
    assert site.access.namesakes(teams) == (dept,)
    assert len(teams.rows) == 3
    assert len(dept.rows) == 5
    assert {r.principal for r in teams.rows} == {teams.ref}
    assert teams.tag_sets == ("Team=Blue",)
    # the action's page keeps them apart too: one row each, each naming its principal
    describe = site.access.action("connect:DescribeUser")
    assert describe is not None
    assert {r.principal.page for r in describe.rows} == {
        "principal-teams--admin",
        "principal-dept--admin",
        "principal-team--lead",
    }
    assert [p.page for p in describe.allowed_for] == [
        "principal-teams--admin",
        "principal-dept--admin",
        "principal-team--lead",
    ]


def test_each_row_names_the_tags_that_decided_it(site):
    teams = _principal(site, "features/teams.feature", "admin")
    same, other, prod = teams.rows
    assert (same.resource, same.decision.word) == ("blue-agent", "allowed")
    # allowed: the Allow read both Team tags; the Deny that did not apply read Stage
    assert [(t.text, t.decisive) for t in same.caller_tags] == [("Team=Blue", True)]
    assert [(t.text, t.decisive) for t in same.resource_tags] == [
        ("Team=Blue", True),
        ("Stage not set", True),
    ]
    assert [t.text for t in same.decisive] == ["Team=Blue", "Team=Blue", "Stage not set"]
    # implicitly denied: the Allow that would have allowed it read the Team tags
    assert (other.decision.word, [t.text for t in other.decisive]) == (
        "implicitly denied",
        ["Team=Blue", "Team=Red"],
    )
    assert other.deciding == ()
    assert other.implicit
    # explicitly denied: only the Deny that decided, which read Stage
    assert [(t.text, t.decisive) for t in prod.resource_tags] == [
        ("Team=Blue", False),
        ("Stage=prod", True),
    ]
    assert [(t.text, t.decisive) for t in prod.caller_tags] == [("Team=Blue", False)]
    (link,) = prod.deciding
    assert (link.policy, link.sid, link.page) == (TEAM_TAGGED, "NotProd", "policy-connect-team")


def test_rows_are_grouped_by_service_then_resource_kind(root):
    asks = [
        Ask("connect:DescribeUser", "allowed"),
        Ask("connect:ListInstances", "implicitDeny"),
    ]
    record = scenario("two kinds", asks)
    record.calls[1].requests[0].resource = "*"
    record.calls[1].target = "*"
    site = build_site(run(record), root=root, errata=NO_ERRATA)
    (admin,) = site.access.principals
    (connect,) = admin.sections
    assert (connect.title, connect.anchor, connect.count) == ("connect", "svc-connect", 2)
    assert [(s.title, s.anchor) for s in connect.sections] == [
        ("Connect user", "svc-connect-connect-user"),
        (NO_RESOURCE, "svc-connect-no-resource-type"),
    ]
    assert [k.kind for k in site.access.kinds] == ["Connect user", NO_RESOURCE]
    kind = site.access.kinds[0]
    assert (kind.page, kind.actions) == ("resource-kind-connect-user", ("connect:DescribeUser",))


def test_actions_are_one_page_however_a_scenario_spells_them(root):
    records = [
        scenario("lower", [Ask("connect:describeuser", "allowed")], line=5),
        scenario("as written", [Ask("connect:DescribeUser", "allowed")], line=9),
    ]
    site = build_site(run(*records), root=root, errata=NO_ERRATA)
    (action,) = site.access.actions
    assert (action.action, action.page, len(action.rows)) == (
        "connect:DescribeUser",
        "action-connect-describeuser",
        2,
    )


def test_principals_of_deselected_scenarios_are_listed_without_answers(site):
    deployed = _principal(site, "features/live.feature", "test-admin")
    assert deployed.kinds == ("deployed principal",)
    assert deployed.rows == ()
    assert [(n.scenario.anchor, n.scenario.page) for n in deployed.not_run] == [
        ("nr-12-1", "feature-live"),
        ("nr-12-2", "feature-live"),
    ]
    assert deployed.not_run[0].reason.startswith("tagged @live")
    dept = _principal(site, "features/dept.feature", "admin")  # ran, and one scenario did not
    assert [n.scenario.anchor for n in dept.not_run] == ["nr-40"]
    assert dept.kinds == ("IAM user",)


def test_declared_principals_are_read_from_the_step_vocabulary():
    steps = [
        StepRecord("Given", 'the IAM user "alice" with the policy "x.json"', 2),
        StepRecord("And", 'the IAM group "devs"', 3),
        StepRecord("And", '"alice" is a member of the IAM group "devs"', 4),
        StepRecord("Given", 'the deployed principal "ops" tagged "Team=operations"', 5),
        StepRecord("When", '"alice" calls "connect:DescribeUser"', 6),
        StepRecord("And", 'the IAM user "alice"', 7),
        StepRecord("Given", 'a Connect user "the IAM user "bob""', 8),
    ]
    assert declared_in_steps(steps) == (
        ("IAM user", "alice"),
        ("IAM group", "devs"),
        ("deployed principal", "ops"),
    )


def test_a_deployed_principal_that_ran_says_so(root):
    record = scenario(
        "deployed", [Ask("connect:DescribeUser", "allowed")], policies=(), deployed=True
    )
    site = build_site(run(record), root=root, errata=NO_ERRATA)
    (admin,) = site.access.principals
    assert admin.kinds == ("deployed IAM user",)
    assert admin.policies == ()


def test_tag_facts_mark_read_tags_and_name_missing_ones():
    facts = tag_facts(
        {"Department": "Test", "Team": "Blue"},
        "resource",
        {("resource", "department"), ("resource", "Stage"), ("caller", "Team")},
    )
    assert [(t.text, t.decisive) for t in facts] == [
        ("Department=Test", True),
        ("Team=Blue", False),
        ("Stage not set", True),
    ]
    every = tag_facts({"Owner": "TeamA"}, "request", {("request", "*")})
    assert [(t.text, t.decisive) for t in every] == [("Owner=TeamA", True)]


def test_a_large_scenario_lists_what_it_shows_and_counts_the_rest(root):
    site = build_site(run(large_scenario()), root=root, errata=NO_ERRATA)
    (admin,) = site.access.principals
    scenario_view = site.features[0].scenarios[0]
    assert len(admin.rows) == sum(len(c.requests) for c in scenario_view.shown) == 2
    assert [r.action for r in admin.rows] == [
        "connect:UpdateUserPhoneConfig",
        "connect:DescribeUser",
    ]
    (note,) = admin.sweeps
    assert note.count == scenario_view.summarised == 998
    assert note.words == "998 more requests"
    assert note.answers == "10 explicitly denied, 988 implicitly denied"
    assert site.access.swept == 998


def test_there_is_no_guarantees_section_without_claims(site, tmp_path):
    assert all(p.guarantees == () for p in site.access.principals)
    assert all(a.guarantees == () for a in site.access.actions)
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    for path in [*(tmp_path / "h").glob("*.html"), *(tmp_path / "m").glob("*.md")]:
        assert "Guarantees" not in path.read_text(encoding="utf-8"), path.name


class _Claims:
    """A test's source of claims (the prover's place): one about dept's admin, one about
    DeleteUser, one refuted."""

    def for_principal(self, feature_file, name):
        if (feature_file, name) == ("features/dept.feature", "admin"):
            return [
                Guarantee(
                    "admin <describes> no agent whose Department is not Test",
                    True,
                    "claims/dept.claims:3",
                )
            ]
        return []

    def for_action(self, action):
        if action == "connect:DeleteUser":
            return [
                Guarantee(
                    "nobody deletes an agent", False, "claims/dept.claims:9", "lead may, on x"
                )
            ]
        return []


def test_guarantees_appear_beside_the_examples_when_given(root, tmp_path):
    site = build_site(who_run(), root=root, errata=NO_ERRATA, guarantees=_Claims())
    dept = _principal(site, "features/dept.feature", "admin")
    assert [g.claim for g in dept.guarantees] == [
        "admin <describes> no agent whose Department is not Test"
    ]
    assert _principal(site, "features/teams.feature", "admin").guarantees == ()
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    page = (tmp_path / "h" / "principal-dept--admin.html").read_text(encoding="utf-8")
    assert '<section class="guarantees" id="guarantees">' in page
    assert "admin &lt;describes&gt; no agent whose Department is not Test" in page
    assert '<span class="decision allowed">\u2713 holds</span>' in page
    action = (tmp_path / "h" / "action-connect-deleteuser.html").read_text(encoding="utf-8")
    assert '<span class="decision explicit">\u2717 does not hold</span> nobody deletes' in action
    md = (tmp_path / "m" / "principal-dept--admin.md").read_text(encoding="utf-8")
    assert (
        "- \u2713 holds: admin &lt;describes&gt; no agent whose Department is not Test "
        "_(claims/dept.claims:3)_"
    ) in md
    assert "Guarantees" not in (tmp_path / "h" / "principal-teams--admin.html").read_text(
        encoding="utf-8"
    )
