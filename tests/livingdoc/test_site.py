"""The site's view model: features, outline rows and the access matrix, from small RunRecords."""

from __future__ import annotations

import pytest

from iamspec.livingdoc.deciding import StatementRef
from iamspec.livingdoc.errata import Errata
from iamspec.livingdoc.site import build_site
from iamspec.records.loading import load_results
from iamspec.records.results import PrincipalRecord
from tests.livingdoc.kit import DEPT, DEPT_TEXT, Ask, dept_run, matched, project, run, scenario

NO_ERRATA = Errata(False, "", reason="not in this test")


@pytest.fixture
def root(tmp_path):
    return project(tmp_path)


def test_features_outlines_and_counts(root):
    site = build_site(dept_run(), root=root, errata=NO_ERRATA)
    dept, team = site.features
    assert (dept.slug, dept.page, dept.file) == ("dept", "feature-dept", "features/dept.feature")
    assert dept.paragraphs == (
        "Admins of the Test department describe and update Test agents.",
        "Nobody deletes agents.",
    )
    assert (dept.passed, dept.failed, dept.status.word) == (4, 1, "failed")
    outline, deletes, trap = dept.groups
    assert outline.outline
    assert outline.tabular
    assert outline.columns == ("department", "action")
    assert [s.anchor for s in outline.rows] == ["sc-7-1", "sc-7-2", "sc-7-3"]
    assert outline.rows[0].title == "the Department tag decides [Test, connect:DescribeUser]"
    assert (deletes.anchor, deletes.rows[0].anchor, deletes.tabular) == ("sc-20", "sc-20", False)
    call = trap.rows[0].calls[0]
    assert call.mismatch
    assert call.expected == "allowed"
    assert trap.rows[0].failed
    assert team.policies[0].display == "policies/evil.json"
    assert site.count("passed") == 5
    assert site.failed == 1


def test_deciding_links_and_what_each_statement_decided_here(root):
    site = build_site(dept_run(), root=root, errata=NO_ERRATA)
    dept = site.features[0]
    first = dept.groups[0].rows[0].calls[0]
    (link,) = first.deciding
    assert (link.policy, link.number, link.sid, link.anchor) == (
        DEPT,
        1,
        "DescribeUpdateTest",
        "p-connect-dept-s1",
    )
    assert link.label == f"{DEPT} statement 1 (DescribeUpdateTest)"
    decided = dept.decided[StatementRef(DEPT, 0)]
    assert [s.anchor for s in decided] == ["sc-7-1", "sc-7-2"]
    assert dept.statement_classes(dept.policies[0]) == {
        "p-connect-dept-s1": "decided",
        "p-connect-dept-s2": "decided",
        "p-connect-dept-s3": "plain",
    }


def test_the_matrix_rows_are_actions_and_columns_who_on_what(root):
    site = build_site(dept_run(), root=root, errata=NO_ERRATA)
    matrix = site.features[0].matrix
    assert [(c.principal, c.resource_tags) for c in matrix.columns] == [
        ("admin", "jdoe: Department=Test"),
        ("admin", "jdoe: Department=Prod"),
    ]
    rows = {action: cells for action, cells in matrix.rows}
    assert list(rows) == [
        "connect:DescribeUser",
        "connect:UpdateUserHierarchy",
        "connect:DeleteUser",
        "connect:UpdateUserPhoneConfig",
    ]
    test, prod = rows["connect:DescribeUser"]
    assert [c.decision.word for c in test] == ["allowed"]
    assert [c.decision.word for c in prod] == ["implicitly denied"]
    assert rows["connect:DeleteUser"][1] == ()  # not asked
    (mismatch,) = rows["connect:UpdateUserPhoneConfig"][1]
    assert mismatch.mismatch
    assert mismatch.expected == "allowed"
    assert mismatch.scenario == "#sc-30"


def test_callers_that_differ_by_a_tag_are_columns_of_their_own_and_cells_are_counted(root):
    """issue 15: the column names the caller's tags, the very fact a PrincipalTag rule turns
    on; two outline rows whose callers differ only by a tag are not folded into one column."""
    asks = [
        ("Sales", "allowed"),
        ("Support", "implicitDeny"),
    ]
    records = [
        scenario(
            "the caller's tag decides",
            [Ask("connect:DescribeUser", decision, principal="lead")],
            principal="lead",
            principal_tags={"Department": department},
            tags={"Department": "Sales"},
            example={"caller department": department},
        )
        for department, decision in asks
    ]
    records.append(
        scenario(
            "untagged",
            [Ask("connect:DeleteUser", "implicitDeny", principal="lead")],
            principal="lead",
            tags={"Department": "Sales"},
            line=20,
        )
    )
    matrix = build_site(run(*records), root=root, errata=NO_ERRATA).features[0].matrix
    assert [(c.principal, c.caller_tags) for c in matrix.columns] == [
        ("lead", "Department=Sales"),
        ("lead", "Department=Support"),
        ("lead", ""),
    ]
    assert matrix.caller_tagged
    assert (matrix.cells, matrix.asked, matrix.asked_words) == (6, 3, "3 of 6 cells asked")
    rows = dict(matrix.rows)
    sales, support, untagged = rows["connect:DescribeUser"]
    assert [c.decision.word for c in sales] == ["allowed"]
    assert [c.decision.word for c in support] == ["implicitly denied"]
    assert untagged == ()


def test_untagged_resources_and_request_tags_are_spelled_out(root):
    ask = Ask("connect:CreateUser", "allowed", request_tags={"Owner": "TeamA"}, user="new")
    site = build_site(run(scenario("create", [ask], tags={})), root=root, errata=NO_ERRATA)
    (column,) = site.features[0].matrix.columns
    assert column.resource_tags == "new: no tags"
    assert column.request_tags == "Owner=TeamA"


def test_a_group_policy_decision_links_to_the_group_policy(root):
    group = PrincipalRecord(
        "devs", "group", "arn:aws:iam::111122223333:group/devs", [DEPT], [], None, {}
    )
    item = matched(f"{DEPT} (via IAM group devs)", DEPT_TEXT, 0)
    record = scenario(
        "via group", [Ask("connect:DescribeUser", "allowed", [item])], policies=(), groups=(group,)
    )
    site = build_site(run(record), root=root, errata=NO_ERRATA)
    (link,) = site.features[0].groups[0].rows[0].calls[0].deciding
    assert link.anchor == "p-connect-dept-s1"
    assert [p.display for p in site.features[0].policies] == [DEPT]


def test_a_statement_the_site_cannot_place_is_shown_not_guessed(root):
    item = {
        "SourcePolicyId": "arn:aws:iam::aws:policy/Somewhere",
        "StartPosition": {"Line": 1, "Column": 1},
    }
    record = scenario("unplaced", [Ask("connect:DescribeUser", "allowed", [item])])
    site = build_site(run(record), root=root, errata=NO_ERRATA)
    call = site.features[0].groups[0].rows[0].calls[0]
    assert call.deciding == ()
    assert call.unresolved == ("arn:aws:iam::aws:policy/Somewhere at 1:1",)
    assert site.coverage.exercised == 0


def test_policy_files_no_scenario_loads_are_listed(tmp_path):
    root = project(tmp_path, {DEPT: DEPT_TEXT, "policies/spare.json": DEPT_TEXT})
    (root / "policies" / "published").mkdir()
    (root / "policies" / "published" / "x.json").write_text("{}", encoding="utf-8")
    site = build_site(dept_run(), root=root, errata=NO_ERRATA)
    assert site.coverage.unloaded == ("policies/spare.json",)


def test_the_docs_test_run_is_a_valid_results_file(tmp_path):
    """The hand-built run these tests render is one a harness could have written."""
    run = dept_run()
    path = tmp_path / "results.json"
    run.write(path)
    assert load_results(path) == run


def test_the_livingdoc_api_is_pinned():
    import iamspec.livingdoc as livingdoc

    assert livingdoc.__all__ == [
        "FORMATS",
        "Coverage",
        "ResultsFileError",
        "Site",
        "build_site",
        "compute_coverage",
        "format_percent",
        "load_results",
        "results_schema",
        "validate_results",
        "write_site",
    ]
    assert all(hasattr(livingdoc, name) for name in livingdoc.__all__)
