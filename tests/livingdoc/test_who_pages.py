"""The who-may-do-what pages and the search page, rendered: links, escaping, and the Markdown
form of each new page held to golden files (``IAMSPEC_UPDATE_GOLDEN=1`` rewrites them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc.errata import Errata
from iamspec.livingdoc.search import MAX_LINKS, build_search
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    EVIL,
    EVIL_TEXT,
    TEAM_TAGGED,
    TEAM_TAGGED_TEXT,
    Ask,
    project,
    run,
    scenario,
    who_run,
)
from tests.livingdoc.pages import check_golden, normalise, parse, read

NO_ERRATA = Errata(False, "", reason="not in this test")
STAMP = "2026-11-30T08:00:00+00:00"


@pytest.fixture
def root(tmp_path):
    return project(
        tmp_path / "project", {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT, TEAM_TAGGED: TEAM_TAGGED_TEXT}
    )


@pytest.fixture
def site(root):
    return build_site(who_run(), root=root, errata=NO_ERRATA, generated_at=STAMP)


@pytest.fixture
def html(site, tmp_path) -> Path:
    out = tmp_path / "h"
    write_site(site, out, "html")
    return out


@pytest.fixture
def markdown(site, tmp_path) -> Path:
    out = tmp_path / "m"
    write_site(site, out, "markdown")
    return out


GOLDEN_PAGES = [
    "principals.md",
    "principal-dept--admin.md",
    "principal-teams--admin.md",
    "principal-live--test-admin.md",
    "actions.md",
    "action-connect-describeuser.md",
    "resource-kinds.md",
    "resource-kind-connect-user.md",
]


@pytest.mark.parametrize("name", GOLDEN_PAGES)
def test_the_markdown_of_each_new_page(markdown, name):
    check_golden(f"who.{name}", read(markdown / name).rstrip("\n"))


def test_the_markdown_site_has_no_search_page_but_links_the_new_pages(markdown):
    assert not (markdown / "search.md").exists()
    assert not (markdown / "search.js").exists()
    index = read(markdown / "index.md")
    assert "[Who may do what](principals.md)" in index
    assert "[Actions](actions.md)" in index
    assert "[Resource kinds](resource-kinds.md)" in index
    for path in markdown.glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", read(path)):
            assert (markdown / target).exists(), f"{path.name}: {target}"


def test_every_page_links_the_views_and_the_search(html):
    for path in html.glob("*.html"):
        page = parse(path)
        for href in ("principals.html", "actions.html", "resource-kinds.html"):
            assert href in page.links, path.name
        text = read(path)
        assert '<form class="quick-search" action="search.html" method="get" role="search">' in (
            text
        ), path.name


def test_the_principals_page_lists_namesakes_apart_with_their_features(html):
    text = normalise(read(html / "principals.html"))
    rows = re.findall(r'<tr id="pr-[^"]+">.*?</tr>', text)
    assert len(rows) == 4
    admin_rows = [r for r in rows if ">admin</a>" in r]
    assert len(admin_rows) == 2
    assert (
        '<a href="feature-teams.html">Admins read their own team&#39;s agents</a>'
        in (admin_rows[0])
    )
    assert '<a href="feature-dept.html">Test admins manage Test agents</a>' in admin_rows[1]
    assert all("(a name 2 features use)" in r for r in admin_rows)
    deployed = next(r for r in rows if "test-admin" in r)
    assert "<td>deployed principal</td>" in deployed
    assert re.findall(r'<td class="num">(\d+)</td>', deployed) == ["0", "0", "0", "0", "2"]


def test_a_principal_page_says_which_feature_and_links_the_other_one(html):
    text = normalise(read(html / "principal-teams--admin.html"))
    assert '<h1>admin <span class="where">IAM user in “Admins read their own team&#39;s' in text
    assert (
        '<dt>Same name elsewhere</dt><dd>not this principal: <a href="principal-dept--admin.html">'
        "admin in “Test admins manage Test agents”</a></dd>"
    ) in text
    assert '<strong class="tag decisive" title="decided the answer">Stage=prod</strong>' in text
    assert '<h3 id="svc-connect-connect-user">Connect user</h3>' in text
    dept = normalise(read(html / "principal-dept--admin.html"))
    assert '<h2 id="not-run">Not run in this run</h2>' in dept
    assert (
        '<a href="feature-dept.html#nr-40">admins rename Test agents</a>: not selected by -k '
        "&#39;Department&#39;"
    ) in dept


def test_an_action_page_names_who_may_call_it_on_what(html):
    text = normalise(read(html / "action-connect-describeuser.html"))
    allowed = re.search(r"<dt>Allowed for</dt><dd>(.*?)</dd>", text)
    assert allowed is not None
    assert allowed.group(1) == (
        '<a href="principal-teams--admin.html">admin (Admins read their own team&#39;s agents)'
        '</a>, <a href="principal-dept--admin.html">admin (Test admins manage Test agents)</a>, '
        '<a href="principal-team--lead.html">lead</a>'
    )
    assert '<h2 id="kind-connect-user">On a Connect user' in text
    assert 'href="resource-kind-connect-user.html">every request on one</a>' in text


def test_search_entries_cover_every_kind(site):
    entries = build_search(site.features, site.access, site.policies)
    assert {e.kind for e in entries} == {
        "feature",
        "scenario",
        "principal",
        "action",
        "resource kind",
        "policy",
        "tag",
    }
    assert len([e for e in entries if e.kind == "scenario"]) == len(site.scenarios) + len(
        site.not_run
    )
    not_run = [e for e in entries if "not run in this run" in e.detail and e.kind == "scenario"]
    assert len(not_run) == 3
    blue = next(e for e in entries if (e.kind, e.title) == ("tag", "Team=Blue"))
    assert blue.link is None
    assert [link.page for link in blue.links] == [
        "principal-teams--admin",
        "feature-teams",
        "feature-teams",
    ]
    assert blue.detail == "a tag of principals, resources"
    for entry in entries:
        assert entry.terms == entry.terms.lower()


def test_a_tag_entry_links_at_most_max_links(root):
    records = [
        scenario(f"s{n}", [Ask("connect:DescribeUser", "allowed")], tags={"Team": "Blue"}, line=n)
        for n in range(1, MAX_LINKS + 6)
    ]
    site = build_search_site(root, records)
    blue = next(e for e in site.search if e.title == "Team=Blue")
    assert (len(blue.links), blue.more) == (MAX_LINKS, 5)


def build_search_site(root, records):
    return build_site(run(*records), root=root, errata=NO_ERRATA)


def test_the_search_page_lists_every_entry_in_the_page(html, site):
    page = parse(html / "search.html")
    items = [a for t, a in page.elements if t == "li" and "data-kind" in a]
    assert len(items) == len(site.search)
    text = read(html / "search.html")
    assert "<noscript>" in text
    assert '<fieldset id="search-kinds" hidden>' in text
    assert re.search(r'<input id="q" name="q" type="search"', text)


HOSTILE_NAME = '<script>alert(7)</script>"'
HOSTILE_TAG = '"><img src=x onerror=alert(8)>'


def test_hostile_names_and_tags_are_text_on_every_new_page(root, tmp_path):
    record = scenario(
        "hostile",
        [Ask("connect:DescribeUser", "allowed", principal=HOSTILE_NAME)],
        principal=HOSTILE_NAME,
        principal_tags={"Team": HOSTILE_TAG},
        tags={HOSTILE_TAG: "v"},
    )
    site = build_site(run(record), root=root, errata=NO_ERRATA)
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    pages = list((tmp_path / "h").glob("*.html"))
    assert any(p.name.startswith("principal-") for p in pages)
    for path in pages:
        text = read(path)
        assert "<script>alert" not in text, path.name
        assert "<img src=x" not in text, path.name
        page = parse(path)
        assert not any(name.startswith("on") for _, a in page.elements for name in a), path.name
    search = read(tmp_path / "h" / "search.html")
    assert 'data-terms="' in search
    assert "&lt;script&gt;alert(7)&lt;/script&gt;&#34;" in search
    for path in (tmp_path / "m").glob("*.md"):
        prose = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", read(path))
        prose = re.sub(r"(`+)[^`\n]+?\1", "", prose)  # code spans: text, never markup
        assert "<script" not in prose, path.name
        assert "<img" not in prose, path.name
