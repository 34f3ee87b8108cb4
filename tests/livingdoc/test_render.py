"""Rendering: escaping, highlighted deciding statements, matrix labels, links, Markdown, golden
fragments."""

from __future__ import annotations

import re
import sys
from urllib.parse import unquote, urlsplit

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc.render import md_cell, md_code, md_escape, md_inline_code
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    EVIL,
    EVIL_TEXT,
    PUBLISHED_BAD,
    PUBLISHED_GOOD,
    dept_run,
    project,
)
from tests.livingdoc.pages import Page, check_golden, normalise, parse, read


@pytest.fixture
def root(tmp_path):
    return project(
        tmp_path / "project",
        {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT},
        {"bad-example.json": PUBLISHED_BAD, "good-example.json": PUBLISHED_GOOD},
    )


@pytest.fixture
def site(root):
    return build_site(dept_run(), root=root)


# --------------------------------------------------------------------------------------------
# structure


def test_the_site_has_every_page(html, site):
    names = sorted(p.name for p in html.iterdir())
    assert names == sorted(
        [
            "index.html",
            "coverage.html",
            "errata.html",
            "style.css",
            "iamspec-site.json",  # the run's state and its pages (issue 14, finding 3)
            "feature-dept.html",
            "feature-team.html",
            "policy-connect-dept.html",
            "policy-evil.html",
            "principals.html",
            "principal-dept--admin.html",
            "principal-team--lead.html",
            "actions.html",
            "action-connect-deleteuser.html",
            "action-connect-describeuser.html",
            "action-connect-updateuserhierarchy.html",
            "action-connect-updateuserphoneconfig.html",
            "resource-kinds.html",
            "resource-kind-connect-user.html",
            "search.html",
            "search.js",
        ]
    )
    assert [f.name for f in site.features] == [
        "Test admins manage Test agents",
        "Team leads read their team's agents",
    ]


def test_pages_need_no_javascript_and_load_nothing_from_elsewhere(html):
    """Every page but the search page has no script; the search page's one script is the
    site's own search.js, with no inline code, and it lists everything without it."""
    for path in html.glob("*.html"):
        page = parse(path)
        if path.name == "search.html":
            assert page.tags.count("script") == 1
            assert page.sources == ["style.css", "search.js"]
            assert re.search(r'<script src="search.js"></script>', read(path))
        else:
            assert "script" not in page.tags, path.name
            assert page.sources == ["style.css"], path.name
        assert not any(name.startswith("on") for _, attrs in page.elements for name in attrs), (
            path.name
        )
    assert "url(" not in read(html / "style.css")
    assert "@import" not in read(html / "style.css")
    script = read(html / "search.js")
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in script
    for network in ("fetch(", "XMLHttpRequest", "import(", "http:", "https:"):
        assert network not in script


def test_every_internal_link_lands_on_a_page_and_an_anchor(html):
    pages = {path.name: parse(path) for path in html.glob("*.html")}
    checked = 0
    for name, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            assert not parts.scheme, f"{name}: external link {href}"
            assert not parts.netloc, f"{name}: external link {href}"
            target = unquote(parts.path) or name
            assert target in pages, f"{name}: {href} -> missing page"
            if parts.fragment:
                assert unquote(parts.fragment) in pages[target].ids, f"{name}: {href}"
            checked += 1
    assert checked > 50
    for name, page in pages.items():
        assert len(page.ids) == len(set(page.ids)), f"{name}: duplicate ids"


def test_the_index_shows_the_run_and_every_feature(html):
    text = normalise(read(html / "index.html"))
    assert "<dt>Answered by</dt><dd>local: iamspec's own evaluator, offline</dd>" in text.replace(
        "&#39;", "'"
    )
    assert "<dt>IAM data version</dt><dd>0.1.202610271" in text
    assert "<dt>iamspec version</dt><dd>0.1.0</dd>" in text
    assert "2026-11-30 07:47 UTC" in text
    assert '<a href="feature-dept.html">Test admins manage Test agents</a>' in text
    assert "Admins of the Test department describe and update Test agents." in text
    assert "<p>Nobody deletes agents.</p>" in text  # narrative paragraphs kept
    row = re.search(r'<tr id="row-dept">.*?</tr>', text)
    assert row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(0)) == ["5", "4", "1", "0"]


def test_a_live_run_names_its_account_and_region(root):
    run = dept_run()
    run.backend = "live"
    run.account_id = "444455556666"
    run.region = "eu-west-2"
    out = root.parent / "live"
    write_site(build_site(run, root=root), out)
    text = normalise(read(out / "index.html"))
    assert "live: AWS IAM&#39;s policy simulator" in text
    assert '<dt>AWS account</dt><dd><span class="mono">444455556666</span></dd>' in text
    assert '<dt>Region</dt><dd><span class="mono">eu-west-2</span>' in text


# --------------------------------------------------------------------------------------------
# escaping


def test_html_escapes_scenario_names_policy_values_and_explanations(html):
    feature = read(html / "feature-dept.html")
    assert "<script>alert(1)</script>" not in feature
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in feature
    assert "&lt;b&gt;bold&lt;/b&gt;" in feature
    for name in ("feature-team.html", "policy-evil.html"):
        text = read(html / name)
        assert "</pre><script>" not in text
        assert "&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in text
        # the value stays inside its statement's <pre>: one </pre> per <pre>
        assert text.count("<pre") == text.count("</pre>")
    coverage = read(html / "coverage.html")
    assert "<script>" not in coverage


def _outside_fences(text: str) -> str:
    return re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", text)


def test_markdown_escapes_everything_outside_code_blocks(markdown):
    feature = read(markdown / "feature-dept.md")
    prose = _outside_fences(feature)
    assert "<script" not in prose
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in prose
    team = read(markdown / "feature-team.md")
    assert "<script" not in _outside_fences(team)
    assert '"aws:ResourceTag/Team": "</pre><script>alert(2)</script>"' in team  # in a fence


def test_markdown_helpers():
    assert md_escape("a|b *c* [d](e) <f> & `g`") == r"a\|b \*c\* \[d\](e) &lt;f&gt; &amp; \`g\`"
    assert md_escape("# not a heading\n- not a list\n1. nor this") == (
        "\\# not a heading\n\\- not a list\n1\\. nor this"
    )
    assert md_cell("one\ntwo|three") == r"one<br>two\|three"
    assert md_code("has ``` inside") == "````\nhas ``` inside\n````"
    assert md_inline_code("a`b") == "``a`b``"
    assert md_escape(md_escape("<x>")) == "&lt;x&gt;"  # never escaped twice


# --------------------------------------------------------------------------------------------
# deciding statements, matrix


def _element(page: Page, element_id: str) -> tuple[str, dict[str, str]]:
    return next((t, a) for t, a in page.elements if a.get("id") == element_id)


def test_deciding_statements_are_highlighted_and_linked_from_each_decision(html):
    page = parse(html / "feature-dept.html")
    _, first = _element(page, "p-connect-dept-s1")
    _, second = _element(page, "p-connect-dept-s2")
    _, third = _element(page, "p-connect-dept-s3")
    assert first["class"] == "stmt decided"
    assert second["class"] == "stmt decided"  # the explicit deny
    assert third["class"] == "stmt plain"  # decided nothing here
    assert page.links.count("#p-connect-dept-s1") == 2 * 2  # two allowed examples: row + table
    assert "#p-connect-dept-s2" in page.links
    text = normalise(read(html / "feature-dept.html"))
    # the statement's head links back to the scenarios it decided
    head = re.search(r'id="p-connect-dept-s1"><div class="stmt-head">(.*?)</div>', text)
    assert head is not None
    assert 'href="feature-dept.html#sc-7-1"' in head.group(1)
    assert 'href="feature-dept.html#sc-7-2"' in head.group(1)
    # the block holds exactly the statement's lines
    block = re.search(r'id="p-connect-dept-s1">.*?<pre>(.*?)</pre>', text)
    assert block is not None
    assert "DescribeUpdateTest" in block.group(1)
    assert "NeverDelete" not in block.group(1)


def test_the_matrix_labels_every_decision_with_words_and_symbols(html):
    text = normalise(read(html / "feature-dept.html"))
    table = re.search(r'<table class="matrix">.*?</table>', text)
    assert table is not None
    matrix = table.group(0)
    assert '<span class="decision allowed" title="allowed">\u2713 allowed</span>' in matrix
    assert (
        '<span class="decision implicit" title="implicitDeny">\u2717 implicitly denied</span>'
        in matrix
    )
    assert (
        '<span class="decision explicit" title="explicitDeny">\u2298 explicitly denied</span>'
        in matrix
    )
    assert '<span class="mismatch">&#9888; expected allowed</span>' in matrix
    not_asked = (
        '<td class="none" title="not asked"><span aria-hidden="true">·</span>'
        '<span class="sr-only">not asked</span></td>'
    )
    assert matrix.count(not_asked) == 3
    assert "<strong>5 of 8 cells asked</strong>: 4 actions by 2 columns." in text
    assert "jdoe: Department=Prod" in matrix
    check_golden("feature-dept.matrix.html", matrix)


def test_the_markdown_matrix(markdown):
    text = read(markdown / "feature-dept.md")
    lines = [line for line in text.splitlines() if line.startswith("| `connect:")]
    assert lines[0].startswith("| `connect:DescribeUser` | [\u2713 allowed](#sc-7-1) |")
    check_golden("feature-dept.matrix.md", "\n".join(lines))


def test_a_failure_shows_expected_actual_and_the_explanation(html):
    text = normalise(read(html / "feature-dept.html"))
    section = re.search(r'<section class="scenario failed" id="sc-30">.*?</section>', text)
    assert section is not None
    body = section.group(0)
    assert "\u2717 failed" in body
    assert "<h4>Why it failed</h4>" in body
    assert "expected allowed, got implicitDeny" in body
    assert '<span class="mismatch">&#9888; not as specified</span>' in body
    assert "<details open>" in body  # the explanation is open for a failure
    assert "no statement allows it &lt;b&gt;bold&lt;/b&gt;" in body


def test_coverage_and_policy_pages(html, site):
    assert (site.coverage.exercised, site.coverage.total) == (3, 4)
    text = normalise(read(html / "coverage.html"))
    assert "<strong>75%</strong> (3 of 4)" in text
    idle = 'href="policy-connect-dept.html#p-connect-dept-s3">'
    assert idle + "policies/connect/dept.json statement 3 (Unused)</a>" in text
    policy = parse(html / "policy-connect-dept.html")
    assert _element(policy, "p-connect-dept-s3")[1]["class"] == "stmt idle"
    assert _element(policy, "p-connect-dept-s1")[1]["class"] == "stmt decided"
    assert "connect:UpdateUserPhoneConfig" in read(html / "policy-connect-dept.html")


def test_errata_place_each_finding_in_the_published_text(html):
    text = normalise(read(html / "errata.html"))
    assert '<a href="#e-bad-example">bad-example.json</a>' in text
    assert "unknown-service" in text
    assert (
        '<a class="marker error" id="e-bad-example-f1-at" href="#e-bad-example-f1" '
        'title="unknown-service">1</a>&#34;conect:DescribeUser&#34;' in text
    )
    assert "The linter finds nothing to correct." in text


def test_errata_degrade_when_the_linter_is_missing(root, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "iamspec.lint", None)
    site = build_site(dept_run(), root=root)
    assert not site.errata.available
    write_site(site, tmp_path / "nolint")
    text = read(tmp_path / "nolint" / "errata.html")
    assert "Linter not available" in text
    assert "linter not available" in read(tmp_path / "nolint" / "index.html")


def test_markdown_pages_link_to_markdown_pages(markdown):
    index = read(markdown / "index.md")
    assert "[Test admins manage Test agents](feature-dept.md)" in index
    assert "(coverage.md)" in index
    assert "(errata.md)" in index
    for path in markdown.glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", read(path)):
            assert (markdown / target).exists(), f"{path.name}: {target}"


def test_an_empty_run_renders(root, tmp_path):
    run = dept_run()
    run.scenarios = []
    site = build_site(run, root=root)
    write_site(site, tmp_path / "empty")
    assert "This run recorded no scenarios." in read(tmp_path / "empty" / "index.html")


def test_unknown_format_is_refused(site, tmp_path):
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        write_site(site, tmp_path, "pdf")


def test_policy_linter_warnings_are_shown_with_their_scenario(root, tmp_path):
    """Issue 7: a warning on a policy a scenario loaded appears on the scenario, escaped."""
    from iamspec.records.results import LintWarningRecord

    run = dept_run()
    scenario = run.scenarios[0]
    scenario.policy_warnings = [
        LintWarningRecord(DEPT, 3, 5, "security-warning", "allow-with-not-action", "NotAction <x>")
    ]
    site = build_site(run, root=root)
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    pages = [p for p in (tmp_path / "h").glob("*.html") if "Policy linter warnings" in read(p)]
    assert len(pages) == 1
    page = pages[0]
    text = normalise(read(page))
    assert scenario.scenario in text
    assert "<h4>Policy linter warnings</h4>" in text
    assert (
        f'<span class="where">{DEPT}:3:5</span><strong>security-warning</strong>'
        "<code>allow-with-not-action</code>: NotAction &lt;x&gt;"
    ) in text
    (md,) = [p for p in (tmp_path / "m").glob("*.md") if "Policy linter warnings" in read(p)]
    assert f"`{DEPT}:3:5` security-warning `allow-with-not-action`: NotAction" in read(md)


def test_an_outline_row_names_a_deciding_statement_it_cannot_place(root, tmp_path):
    """A deployed principal's statements live in the account, not in policies/: the row says
    which policy the simulator named instead of leaving "Decided by" empty."""
    run = dept_run()
    row = next(s for s in run.scenarios if s.example and s.calls)
    request = row.calls[0].requests[0]
    request.matched_statements = [
        {
            "SourcePolicyId": "account-policy-x",
            "SourcePolicyType": "IAM Policy",
            "StartPosition": {"Line": 4, "Column": 5},
            "EndPosition": {"Line": 9, "Column": 6},
        }
    ]
    site = build_site(run, root=root)
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    # HTML: in the outline's examples table and in the row's folded call table; Markdown
    # shows a passing row's details nowhere else, so the examples table is the only place
    note = "not placed: account-policy-x at 4:5"
    assert sum(read(p).count(note) for p in (tmp_path / "h").glob("feature-*.html")) == 2
    assert sum(read(p).count(note) for p in (tmp_path / "m").glob("feature-*.md")) == 1


def test_matrix_headers_carry_the_callers_tags(root, tmp_path):
    from tests.livingdoc.kit import Ask, run, scenario

    records = [
        scenario(
            "the caller's tag decides",
            [Ask("connect:DescribeUser", decision, principal="lead")],
            principal="lead",
            principal_tags=tags,
            tags={"Department": "Sales"},
            example={"caller": str(tags)},
        )
        for tags, decision in [({"Department": "Sales"}, "allowed"), ({}, "implicitDeny")]
    ]
    site = build_site(run(*records), root=root)
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    text = normalise(read(tmp_path / "h" / "feature-dept.html"))
    assert (
        '<th scope="col"><span class="who">lead</span><span class="tags caller-tags">tagged '
        'Department=Sales</span><span class="target">the Connect user &#34;jdoe&#34;</span>'
        '<span class="tags">jdoe: Department=Sales</span></th>'
    ) in text
    assert '<span class="tags caller-tags">no tags</span>' in text
    assert "the caller with its own tags, the resource with its tags" in text
    md = read(tmp_path / "m" / "feature-dept.md")
    assert (
        '| Action | **lead**<br>tagged Department=Sales<br>on the Connect user "jdoe"<br>'
        "jdoe: Department=Sales | **lead**<br>no tags<br>" in md
    )
    assert "**2 of 2 cells asked**: 1 action by 2 columns." in md
