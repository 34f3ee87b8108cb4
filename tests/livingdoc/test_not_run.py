"""The whole specification, run or not: deselected scenarios, feature files not collected, and
policy files no scenario loads, each named and never counted as passed."""

from __future__ import annotations

import os
import re

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc.errata import Errata
from iamspec.livingdoc.not_run import MAX_FEATURE_FILES, uncollected_features
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    KEYWORD_REASON,
    LIVE_REASON,
    dept_deselected,
    dept_run,
    project,
)

NO_ERRATA = Errata(False, "", reason="not in this test")


@pytest.fixture
def root(tmp_path):
    return project(tmp_path / "project", {DEPT: DEPT_TEXT, "policies/unused.json": DEPT_TEXT})


def _run():
    """dept_run, plus: two @live rows of an outline in a feature none of whose scenarios ran,
    and one scenario of the dept feature deselected by -k."""
    result = dept_run()
    result.deselected = dept_deselected()
    return result


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", text))


def test_deselected_scenarios_are_never_counted_as_passed(root):
    plain = build_site(dept_run(), root=root, errata=NO_ERRATA)
    site = build_site(_run(), root=root, errata=NO_ERRATA)
    assert len(site.scenarios) == len(plain.scenarios) == 6
    assert site.count("passed") == plain.count("passed") == 5
    assert site.failed == 1
    assert len(site.not_run) == 3
    assert site.not_run_reasons == ((LIVE_REASON, 2), (KEYWORD_REASON, 1))
    dept, live, team = site.features
    assert (dept.passed, len(dept.scenarios), len(dept.not_run_rows)) == (4, 5, 1)
    assert dept.status.word == "failed"  # a failure still wins
    assert (live.name, live.file) == (
        "Deployed principals behave as specified",
        "features/live.feature",
    )
    assert (live.passed, live.scenarios, live.status.word) == (0, (), "not run")
    assert team.status.word == "passed"


def test_a_feature_that_ran_in_part_is_partly_run_not_passed(root):
    result = _run()
    result.scenarios = [s for s in result.scenarios if s.status == "passed"]
    site = build_site(result, root=root, errata=NO_ERRATA)
    dept = site.features[0]
    assert dept.failed == 0
    assert dept.status.word == "partly run"
    assert dept.status.css == "notrun"


def test_an_outline_deselected_row_by_row_keeps_its_rows_and_steps(root):
    site = build_site(_run(), root=root, errata=NO_ERRATA)
    live = site.features[1]
    (group,) = live.not_run
    assert (group.anchor, group.outline, group.columns) == ("nr-12", True, ("department",))
    assert [r.anchor for r in group.rows] == ["nr-12-1", "nr-12-2"]
    assert group.reasons == (LIVE_REASON,)
    assert group.rows[1].title == "the deployed admin reaches Test agents [Prod]"
    assert [s.status for s in group.rows[0].record.steps] == ["not run"] * 3


def test_the_pages_show_what_did_not_run_and_why(root, tmp_path):
    site = build_site(_run(), root=root, errata=NO_ERRATA)
    out = tmp_path / "site"
    write_site(site, out, "html")
    index = _normalise((out / "index.html").read_text(encoding="utf-8"))
    assert '<dt>Not run in this run</dt><dd><a href="#not-run">' in index
    assert (
        "3 scenarios</a>: part of the specification, neither asked nor counted as passed" in index
    )
    assert f"<li>2: {LIVE_REASON}</li>" in index
    row = re.search(r'<tr id="row-live">.*?</tr>', index)
    assert row is not None
    assert '<a href="feature-live.html#not-run">2</a>' in row.group(0)
    assert '<span class="status notrun">\u2013 not run</span>' in row.group(0)
    assert "✓ passed" not in row.group(0)
    live = _normalise((out / "feature-live.html").read_text(encoding="utf-8"))
    assert "none of its 2 scenarios ran in this run" in live
    assert '<section class="scenario notrun" id="nr-12">' in live
    assert f"<strong>Not run in this run:</strong> {LIVE_REASON}" in live
    assert "the deployed principal &#34;test-admin&#34;" in live
    assert "passed" not in re.sub(r"counts as passed|0 passed", "", live.split("<main>")[1])
    dept = _normalise((out / "feature-dept.html").read_text(encoding="utf-8"))
    assert '<a href="#not-run">1 not run in this run</a>' in dept
    assert "1 scenario: not selected by -k &#39;Department&#39;" in dept


def test_the_markdown_pages_show_what_did_not_run(root, tmp_path):
    site = build_site(_run(), root=root, errata=NO_ERRATA)
    out = tmp_path / "md"
    write_site(site, out, "markdown")
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "| [Deployed principals behave as specified](feature-live.md) | 0 | 0 | 0 | " in index
    assert "[2](feature-live.md#not-run) | \u2013 not run |" in index
    live = (out / "feature-live.md").read_text(encoding="utf-8")
    assert '<a id="not-run"></a>\n## Not run in this run' in live
    assert "**Not run in this run:** tagged @live" in live
    assert '- \u2013 **Given** the deployed principal "test-admin" _(line 13)_' in live


def test_policy_files_no_scenario_loads_are_named_on_the_index(root, tmp_path):
    site = build_site(_run(), root=root, errata=NO_ERRATA)
    assert site.coverage.unloaded == ("policies/unused.json",)
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    index = _normalise((tmp_path / "h" / "index.html").read_text(encoding="utf-8"))
    assert (
        '<dt>Policy files no scenario loads</dt><dd><a href="coverage.html#unloaded">1</a>: '
        "<code>policies/unused.json</code></dd>"
    ) in index
    md = (tmp_path / "m" / "index.md").read_text(encoding="utf-8")
    assert (
        "| Policy files no scenario loads | [1](coverage.md#unloaded): `policies/unused.json` |"
        in md
    )


def _feature(path, title="A feature"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"@tag\nFeature: {title}\n  Scenario: s\n", encoding="utf-8")


def test_feature_files_beside_the_recorded_ones_are_named(tmp_path):
    root = tmp_path / "p"
    _feature(root / "features" / "dept.feature")
    _feature(root / "features" / "sub" / "other.feature", "Other <b>rules</b>")
    _feature(root / "features" / ".hidden" / "x.feature")
    _feature(tmp_path / "outside" / "secret.feature", "Outside")
    os.symlink(tmp_path / "outside" / "secret.feature", root / "features" / "link.feature")
    os.symlink(tmp_path / "outside", root / "features" / "linked-folder")
    _feature(root / "elsewhere" / "y.feature")  # not a folder the run recorded features in
    found = uncollected_features(root, {"features/dept.feature"})
    assert [(f.file, f.title) for f in found] == [
        ("features/sub/other.feature", "Other <b>rules</b>")
    ]
    assert uncollected_features(root, set()) == ()
    assert uncollected_features(root, {"../outside/secret.feature", "/etc/x.feature"}) == ()


def test_naming_uncollected_feature_files_is_bounded(tmp_path, monkeypatch):
    root = tmp_path / "p"
    for n in range(5):
        _feature(root / "features" / f"f{n}.feature")
    monkeypatch.setattr("iamspec.livingdoc.not_run.MAX_FEATURE_FILES", 3)
    found = uncollected_features(root, {"features/f0.feature"})
    assert [f.file for f in found] == ["features/f1.feature", "features/f2.feature"]
    assert MAX_FEATURE_FILES == 5000


def test_the_index_names_feature_files_not_collected_escaped(root, tmp_path):
    _feature(root / "features" / "dept.feature")
    _feature(root / "features" / "forgotten.feature", "<script>alert(9)</script>")
    site = build_site(_run(), root=root, errata=NO_ERRATA)
    assert [u.file for u in site.uncollected] == ["features/forgotten.feature"]
    write_site(site, tmp_path / "h", "html")
    index = (tmp_path / "h" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(9)" not in index
    assert "<code>features/forgotten.feature</code>: &lt;script&gt;alert(9)&lt;/script&gt;" in index
