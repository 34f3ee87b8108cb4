"""The site shows the policy texts the run evaluated (recorded in the results file), says so when
the file changed since or is not there, and links each deciding statement to the statement
that decided — never silently to whatever the file says now."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iamspec.cli import main
from iamspec.livingdoc import ResultsFileError, build_site, load_results, write_site
from iamspec.livingdoc.policies import PolicyLibrary, PolicyView, variant_label
from iamspec.livingdoc.site import Site
from iamspec.records.results import PolicyRefRecord, PolicyTextRecord, RunRecord, text_sha256
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    EVIL,
    EVIL_TEXT,
    Ask,
    dept_run,
    matched,
    project,
    run,
    scenario,
    with_texts,
)

_DEPT = json.loads(DEPT_TEXT)
CHANGED_TEXT = (
    json.dumps(
        {
            **_DEPT,
            "Statement": [
                {
                    "Sid": "AddedLater",
                    "Effect": "Allow",
                    "Action": "connect:ListQueues",
                    "Resource": "*",
                },
                *_DEPT["Statement"],
            ],
        },
        indent=2,
    )
    + "\n"
)
"""dept.json as edited after the run: a statement inserted first shifts every position."""

REORDERED_TEXT = (
    json.dumps({**_DEPT, "Statement": [_DEPT["Statement"][1], _DEPT["Statement"][0]]}, indent=2)
    + "\n"
)
"""Another text of dept.json: NeverDelete first, DescribeUpdateTest second, Unused gone."""

RUN_DATE = "2026-11-30 07:47 UTC"


def _site(result: RunRecord, root: Path) -> Site:
    return build_site(result, root=root)


def _view(site: Site, display: str) -> PolicyView:
    return next(v for v in site.policies if v.display == display)


def _write(site: Site, out: Path, fmt: str = "html") -> Path:
    write_site(site, out, fmt)
    return out


_BLOCK = re.compile(
    r'<div class="stmt [^"]*" id="(?P<anchor>[^"]+)">.*?<pre>(?P<code>.*?)</pre>', re.DOTALL
)
_LINK = re.compile(r'class="stmt-link" href="(?P<page>[^"#]*)#(?P<anchor>[^"]+)"')


def _blocks(html: str) -> dict[str, str]:
    """Statement anchor -> the code shown in its block (HTML-escaped)."""
    return {m["anchor"]: m["code"] for m in _BLOCK.finditer(html)}


def _deciding(html: str, scenario_anchor: str) -> list[tuple[str, str]]:
    """(page, anchor) of the deciding-statement links of one scenario (a section, or a row of
    an outline's table)."""
    found = re.search(rf'<(?P<tag>section|tr)\b[^>]* id="{scenario_anchor}"', html)
    assert found is not None, scenario_anchor
    body = html[found.end() : html.index(f"</{found['tag']}>", found.end())]
    return [(m["page"], m["anchor"]) for m in _LINK.finditer(body)]


def _landing(out: Path, page: str, scenario_anchor: str) -> list[str]:
    """The code of the statement block each deciding link of the scenario lands on."""
    html = (out / f"{page}.html").read_text(encoding="utf-8")
    landed = []
    for target, anchor in _deciding(html, scenario_anchor):
        target_html = html if not target else (out / target).read_text(encoding="utf-8")
        landed.append(_blocks(target_html)[anchor])
    return landed


def _code(html: str) -> str:
    """Every policy line shown (line-numbered), not the notes or the diff."""
    return "\n".join(re.findall(r'<pre><span class="ln">.*?</pre>', html, re.DOTALL))


# --------------------------------------------------------------------------------------------
# the file changed after the run


@pytest.fixture
def changed(tmp_path: Path) -> tuple[Site, Path]:
    """The dept run with its texts recorded, rendered where dept.json has changed since."""
    root = project(tmp_path / "proj", {DEPT: CHANGED_TEXT, EVIL: EVIL_TEXT})
    site = _site(with_texts(dept_run(), {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT}), root)
    return site, _write(site, tmp_path / "site")


def test_the_evaluated_text_is_shown_and_the_change_is_said(changed):
    site, _out = changed
    view = _view(site, DEPT)
    assert view.origin == "results file"
    assert view.text == DEPT_TEXT
    assert [st.sid for st in view.statements] == ["DescribeUpdateTest", "NeverDelete", "Unused"]
    assert view.disk == "changed"
    assert view.changed
    assert view.sha256 == text_sha256(DEPT_TEXT)
    assert len(view.notes) == 1
    assert view.notes[0].startswith(f"Shown as evaluated on {RUN_DATE}; the file has changed since")
    assert '+      "Sid": "AddedLater",' in view.disk_diff
    unchanged = _view(site, EVIL)
    assert (unchanged.disk, unchanged.notes, unchanged.disk_diff) == ("same", (), "")


def test_the_policy_page_and_the_feature_section_flag_the_change(changed):
    _, out = changed
    policy = (out / "policy-connect-dept.html").read_text(encoding="utf-8")
    assert f"Shown as evaluated on {RUN_DATE}; the file has changed since" in policy
    assert "the project's file has changed since" in policy
    assert "How policies/connect/dept.json differs now from the text evaluated" in policy
    assert "AddedLater" not in _code(policy)  # only in the diff
    assert "NeverDelete" in _code(policy)
    feature = (out / "feature-dept.html").read_text(encoding="utf-8")
    section = feature[feature.index('<section class="policy" id="p-connect-dept">') :]
    assert "the file has changed since" in section
    assert "policy-diff" not in feature  # the diff is on the policy's own page
    assert "AddedLater" not in _code(section)
    coverage = (out / "coverage.html").read_text(encoding="utf-8")
    assert "&#9888; changed since the run" in coverage
    team = (out / "policy-evil.html").read_text(encoding="utf-8")
    assert "the project's file still reads the same" in team
    assert "policy-note" not in team


def test_deciding_links_land_on_the_statement_that_decided(changed):
    _, out = changed
    blocks = _blocks((out / "feature-dept.html").read_text(encoding="utf-8"))
    assert len(blocks) == 3  # the evaluated text's statements, not the four of the file now
    (delete,) = _landing(out, "feature-dept", "sc-20")
    assert "NeverDelete" in delete
    assert "connect:DeleteUser" in delete
    for row in ("sc-7-1", "sc-7-2"):
        (allow,) = _landing(out, "feature-dept", row)
        assert "DescribeUpdateTest" in allow
    assert _landing(out, "feature-dept", "sc-7-3") == []  # implicitly denied: no statement


def test_the_terminal_summary_names_the_changed_file(changed):
    site, _out = changed
    lines = site.coverage.summary_lines()
    assert "policy files changed since the run (1; shown as evaluated):" in lines
    assert f"  {DEPT}" in lines


def test_markdown_says_so_too(changed, tmp_path):
    site, _out = changed
    out = _write(site, tmp_path / "md", "markdown")
    policy = (out / "policy-connect-dept.md").read_text(encoding="utf-8")
    assert "the file has changed since" in policy
    assert "```diff" in policy
    feature = (out / "feature-dept.md").read_text(encoding="utf-8")
    assert "the file has changed since" in feature
    assert "[policies/connect/dept.json statement 2 (NeverDelete)](#p-connect-dept-s2)" in feature


def test_an_older_results_file_without_texts_renders_from_disk(tmp_path):
    """As before recorded texts: the file as it is now, no note — and, with the file changed
    since, positions that no longer land where they did (what recording the texts prevents)."""
    root = project(tmp_path / "proj", {DEPT: CHANGED_TEXT, EVIL: EVIL_TEXT})
    old = dept_run()
    assert old.policies == []
    assert all(s.evaluated_policies == [] for s in old.scenarios)
    site = _site(old, root)
    view = _view(site, DEPT)
    assert (view.origin, view.text, view.disk, view.notes) == ("file", CHANGED_TEXT, None, ())
    assert view.statements[0].sid == "AddedLater"
    out = _write(site, tmp_path / "site")
    policy = (out / "policy-connect-dept.html").read_text(encoding="utf-8")
    assert "read from the project's file" in policy
    assert "policy-note" not in policy
    (landed,) = _landing(out, "feature-dept", "sc-20")
    assert "DescribeUpdateTest" in landed  # the Deny's positions now fall inside an Allow


def test_an_older_results_file_with_an_unchanged_file_renders_as_before(tmp_path):
    root = project(tmp_path / "proj", {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT})
    out = _write(_site(dept_run(), root), tmp_path / "site")
    (delete,) = _landing(out, "feature-dept", "sc-20")
    assert "NeverDelete" in delete


# --------------------------------------------------------------------------------------------
# rendered elsewhere: the file is not there


def test_a_file_not_in_the_project_is_shown_as_evaluated(tmp_path):
    root = project(tmp_path / "elsewhere", {EVIL: EVIL_TEXT})  # no dept.json here
    site = _site(with_texts(dept_run(), {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT}), root)
    view = _view(site, DEPT)
    assert view.text == DEPT_TEXT
    assert view.error is None
    assert view.disk == "missing"
    assert view.notes == (
        f"Shown as evaluated on {RUN_DATE}; {DEPT} is not in this project now (no such file).",
    )
    out = _write(site, tmp_path / "site")
    (delete,) = _landing(out, "feature-dept", "sc-20")
    assert "NeverDelete" in delete
    coverage = (out / "coverage.html").read_text(encoding="utf-8")
    assert "&#9888; not in the project since the run" in coverage


def test_placeholders_are_compared_filled(tmp_path):
    """The recorded text is the filled one; the file is compared after filling it the same way."""
    raw = DEPT_TEXT.replace('"Resource": "*"', '"Resource": "arn:{{partition}}:connect:*"', 1)
    filled = raw.replace("{{partition}}", "aws")
    root = project(tmp_path / "proj", {DEPT: raw, EVIL: EVIL_TEXT})
    site = _site(with_texts(dept_run(), {DEPT: filled, EVIL: EVIL_TEXT}), root)
    assert (_view(site, DEPT).disk, _view(site, DEPT).notes) == ("same", ())


def test_without_placeholder_values_a_file_with_placeholders_is_not_compared(tmp_path):
    raw = DEPT_TEXT.replace('"Resource": "*"', '"Resource": "arn:{{partition}}:connect:*"', 1)
    (tmp_path / "policies" / "connect").mkdir(parents=True)
    (tmp_path / DEPT).write_text(raw, encoding="utf-8")
    filled = raw.replace("{{partition}}", "aws")
    library = PolicyLibrary(tmp_path, None, recorded={}, texts={DEPT: filled})
    view = library.get(DEPT)
    assert view.text == filled
    assert view.disk == "not compared"
    assert "not compared with" in view.notes[0]


def test_a_hash_that_does_not_match_its_text_is_said(tmp_path):
    root = project(tmp_path / "proj", {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT})
    result = with_texts(dept_run(), {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT})
    result.policies[0].text += " "  # edited after the run
    view = _view(_site(result, root), DEPT)
    assert any("does not match the text" in note for note in view.notes)


# --------------------------------------------------------------------------------------------
# two texts of one file in one run (it changed during the run)


def _two_texts() -> RunRecord:
    """Two scenarios on dept.json: one evaluated the original text, one the reordered one."""
    first = scenario(
        "admins describe Test agents",
        [Ask("connect:DescribeUser", "allowed", [matched(DEPT, DEPT_TEXT, 0)])],
        tags={"Department": "Test"},
        line=7,
    )
    second = scenario(
        "nobody deletes an agent",
        [Ask("connect:DeleteUser", "explicitDeny", [matched(DEPT, REORDERED_TEXT, 0)])],
        tags={"Department": "Test"},
        line=20,
    )
    result = run(first, second)
    for record, text in ((first, DEPT_TEXT), (second, REORDERED_TEXT)):
        record.evaluated_policies = [PolicyRefRecord(DEPT, "identity", text_sha256(text))]
    result.policies = [
        PolicyTextRecord(DEPT, "identity", text_sha256(t), t) for t in (DEPT_TEXT, REORDERED_TEXT)
    ]
    return result


def test_two_texts_of_one_file_are_both_shown_and_said(tmp_path):
    root = project(tmp_path / "proj", {DEPT: DEPT_TEXT})
    site = _site(_two_texts(), root)
    other = variant_label(DEPT, text_sha256(REORDERED_TEXT))
    assert other == f"{DEPT} (sha256 {text_sha256(REORDERED_TEXT)[:12]})"
    first, second = _view(site, DEPT), _view(site, other)
    assert (first.text, second.text) == (DEPT_TEXT, REORDERED_TEXT)
    assert (first.path, second.path) == (DEPT, DEPT)
    assert (first.disk, second.disk) == ("same", "changed")
    for view in (first, second):
        assert any("The run evaluated 2 different texts of" in note for note in view.notes)
    assert first.others == ((other, second.page),)
    assert second.others == ((DEPT, first.page),)
    assert second.page == f"policy-connect-dept-{text_sha256(REORDERED_TEXT)[:12]}"
    feature = site.features[0]
    assert [p.display for p in feature.policies] == [DEPT, other]
    assert any("more than one text" in line for line in site.coverage.summary_lines())

    out = _write(site, tmp_path / "site")
    (allow,) = _landing(out, "feature-dept", "sc-7")
    assert "DescribeUpdateTest" in allow
    (delete,) = _landing(out, "feature-dept", "sc-20")
    assert "NeverDelete" in delete  # statement 1 of the text that scenario evaluated
    html = (out / "feature-dept.html").read_text(encoding="utf-8")
    assert f'href="{second.page}.html">{other}</a>' in html
    assert (out / f"{second.page}.html").is_file()


def test_two_texts_without_scenario_references_fall_back_to_the_first(tmp_path):
    """A scenario that names no text (hand-made file) is resolved against the first text; the
    other is still shown and both say there were two."""
    result = _two_texts()
    for record in result.scenarios:
        record.evaluated_policies = []
    site = _site(result, project(tmp_path / "proj", {DEPT: DEPT_TEXT}))
    assert len(site.policies) == 2
    out = _write(site, tmp_path / "site")
    (allow,) = _landing(out, "feature-dept", "sc-7")
    assert "DescribeUpdateTest" in allow


# --------------------------------------------------------------------------------------------
# the results file: schema and the iamspec docs command


def test_a_results_file_with_texts_validates_and_round_trips(tmp_path):
    result = with_texts(dept_run(), {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT})
    path = tmp_path / "results.json"
    result.write(path)
    assert load_results(path) == result


def test_the_schema_checks_the_recorded_texts(tmp_path):
    data = with_texts(dept_run(), {DEPT: DEPT_TEXT}).to_dict()
    data["policies"][0]["sha256"] = "not-a-hash"
    del data["policies"][0]["text"]
    data["scenarios"][0]["evaluated_policies"][0]["kind"] = ""
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultsFileError) as caught:
        load_results(path)
    problems = caught.value.problems
    assert "$.policies[0]: missing text" in problems
    assert any(p.startswith("$.policies[0].sha256: ") for p in problems)
    assert any(p.startswith("$.scenarios[0].evaluated_policies[0].kind: ") for p in problems)


def test_iamspec_docs_renders_the_evaluated_text(tmp_path, capsys):
    root = project(tmp_path / "proj", {DEPT: CHANGED_TEXT, EVIL: EVIL_TEXT})
    path = tmp_path / "results.json"
    with_texts(dept_run(), {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT}).write(path)
    out = tmp_path / "site"
    code = main(["docs", "--results", str(path), "--out", str(out), "--root", str(root)])
    assert code == 0
    err = capsys.readouterr().err
    assert "iamspec docs: policy files changed since the run (1; shown as evaluated):" in err
    (delete,) = _landing(out, "feature-dept", "sc-20")
    assert "NeverDelete" in delete
    policy = (out / "policy-connect-dept.html").read_text(encoding="utf-8")
    assert "the file has changed since" in policy


# --------------------------------------------------------------------------------------------
# end to end: pytest --iam-results, the file edited, then iamspec docs

FEATURE = """\
Feature: Test admins manage Test agents
  Background:
    Given the IAM user "test-admin" with the policy "connect/dept.json"

  Scenario: admins describe Test agents
    Given a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed

  Scenario: nobody deletes an agent
    Given a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DeleteUser" on the Connect user "jdoe"
    Then the request is explicitly denied
"""


def test_a_run_then_an_edit_then_iamspec_docs(pytester, monkeypatch, capsys):
    root = project(pytester.path, {DEPT: DEPT_TEXT})
    with (root / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write('\n[tool.pytest.ini_options]\nbdd_features_base_dir = "features"\n')
    (root / "features").mkdir()
    (root / "features" / "dept.feature").write_text(FEATURE, encoding="utf-8")
    (root / "test_recorded_features.py").write_text(
        'from pytest_bdd import scenarios\n\nscenarios(".")\n', encoding="utf-8"
    )
    (root / "conftest.py").write_text(
        "# iamspec's step library is registered by its pytest plugin\n",
        encoding="utf-8",
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--iam-results", "results.json")
    result.assert_outcomes(passed=2)
    recorded = load_results(root / "results.json")
    assert [(p.path, p.kind, p.text) for p in recorded.policies] == [(DEPT, "identity", DEPT_TEXT)]

    (root / DEPT).write_text(CHANGED_TEXT, encoding="utf-8")  # edited after the run
    monkeypatch.chdir(root)
    assert main(["docs", "--results", "results.json", "--out", "site"]) == 0
    assert "policy files changed since the run (1; shown as evaluated):" in capsys.readouterr().err
    out = root / "site"
    feature = (out / "feature-dept.html").read_text(encoding="utf-8")
    assert "the file has changed since" in feature
    assert "AddedLater" not in _code(feature)
    (allow,) = _landing(out, "feature-dept", "sc-5")
    assert "DescribeUpdateTest" in allow
    (delete,) = _landing(out, "feature-dept", "sc-10")
    assert "NeverDelete" in delete
