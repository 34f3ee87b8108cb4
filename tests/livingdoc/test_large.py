"""Large scenarios (a Then-step over every action of whole services) render compactly: the
allowed, failed and drifted calls in full, the others counted per answer and service with their
action names; nothing is dropped, coverage and drift still see every request, and the page
stays small."""

from __future__ import annotations

import html as htmllib
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc import scenarios as scenario_views
from iamspec.livingdoc.deciding import StatementRef
from iamspec.livingdoc.scenarios import LARGE_SCENARIO_REQUESTS
from tests.livingdoc.chromium import chromium, find_chromium
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    LARGE_ALLOWED,
    LARGE_DRIFTED,
    LARGE_EXPLICIT,
    LARGE_FAILING,
    LARGE_LINE,
    LARGE_TOTAL,
    LARGE_UNCHECKED,
    Ask,
    compared,
    large_run,
    large_scenario,
    project,
    run,
    scenario,
    sweep,
)

PAGE = "feature-dept"
ANCHOR = f"sc-{LARGE_LINE}"
MAX_BYTES = 200_000
"""The bound on a feature page with a 1,000-request scenario (it was about 2.6 MB in full)."""


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return project(tmp_path_factory.mktemp("large") / "project", {DEPT: DEPT_TEXT})


@pytest.fixture(scope="module")
def site(root):
    return build_site(large_run(), root=root)


@pytest.fixture(scope="module")
def html_dir(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    write_site(site, out, "html")
    return out


@pytest.fixture(scope="module")
def md_dir(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("md")
    write_site(site, out, "markdown")
    return out


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def large(site):
    (view,) = [s for s in site.scenarios if s.anchor == ANCHOR]
    return view


def section(page: str, anchor: str) -> str:
    """The HTML of the scenario section with id ``anchor``."""
    found = re.search(rf'<section class="scenario[^"]*" id="{anchor}">.*?</section>', page, re.S)
    assert found, anchor
    return found.group(0)


def text(fragment: str) -> str:
    """Tags removed, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)))


def rest_counts(fragment: str) -> list[tuple[int, dict[str, int]]]:
    """(count, per-service counts) of each summary paragraph of a call table."""
    found = []
    for count, services in re.findall(
        r"(\d+) (?:more )?requests?(?:</strong>|\*\*), .*?By service: ([^.]*)\.", fragment, re.S
    ):
        per = {}
        for part in services.split(", "):
            service, n = part.rsplit(" ", 1)
            per[service] = int(n)
        found.append((int(count), per))
    return found


# --------------------------------------------------------------------------------------------
# the model: every call shown or summarised, exactly once


def test_every_call_is_shown_in_full_or_summarised_exactly_once(site):
    view = large(site)
    assert view.compact
    assert view.requests == len(view.calls) == LARGE_TOTAL
    shown = {c.record.action for c in view.shown}
    assert shown == {LARGE_FAILING, LARGE_ALLOWED, LARGE_DRIFTED}
    summarised = [c for g in view.rest for c in g.calls]
    assert len(view.shown) + len(summarised) == len(view.calls)
    assert sorted(map(id, [*view.shown, *summarised])) == sorted(map(id, view.calls))
    # one group per answer and outcome: as specified, explicit (with its statement), unchecked
    words = [(g.decision.word, g.checked, g.count) for g in view.rest]
    assert words == [
        ("explicitly denied", True, LARGE_EXPLICIT),
        ("implicitly denied", False, LARGE_UNCHECKED),
        ("implicitly denied", True, LARGE_TOTAL - 3 - LARGE_EXPLICIT - LARGE_UNCHECKED),
    ]
    explicit, _, implicit = view.rest
    assert [link.label for link in explicit.deciding] == [f"{DEPT} statement 2 (NeverDelete)"]
    assert implicit.implicit
    assert not implicit.deciding
    for group in view.rest:
        assert sum(n for _, n in group.services) == group.count
        assert sum(len(t.actions) for t in group.targets) == group.count
    # only the failing and the drifted call are explained
    assert [c.record.action for c in view.explained] == [LARGE_FAILING, LARGE_DRIFTED]


def test_the_threshold_counts_requests_and_small_scenarios_are_untouched(root):
    at = scenario("at the threshold", sweep(LARGE_SCENARIO_REQUESTS), line=7)
    above = scenario("above it", sweep(LARGE_SCENARIO_REQUESTS + 1), line=9)
    site = build_site(run(at, above), root=root)
    small, big = site.scenarios
    assert not small.compact
    assert small.shown == small.calls
    assert small.explained == small.calls
    assert small.rest == ()
    assert big.compact
    assert big.shown == ()
    assert big.summarised == LARGE_SCENARIO_REQUESTS + 1
    # a call on several resources counts each of its requests
    wide_record = scenario("one wide call", [Ask("connect:DescribeUser", "implicitDeny")], line=5)
    wide_record.calls[0].requests *= LARGE_SCENARIO_REQUESTS + 1
    wide = build_site(run(wide_record), root=root).scenarios[0]
    assert wide.compact
    assert wide.unit == "call"
    assert wide.size == f"1 call ({LARGE_SCENARIO_REQUESTS + 1} requests)"


def test_a_small_scenario_renders_every_call_and_explanation(root, tmp_path):
    at = scenario("at the threshold", sweep(LARGE_SCENARIO_REQUESTS), line=7)
    out = tmp_path / "site"
    write_site(build_site(run(at), root=root), out, "html")
    page = read(out / f"{PAGE}.html")
    assert "compact-lead" not in page
    assert 'class="omitted"' not in page
    assert page.count('<pre class="explain">') == LARGE_SCENARIO_REQUESTS
    assert page.count('<tr><th scope="row" class="action">') == LARGE_SCENARIO_REQUESTS


# --------------------------------------------------------------------------------------------
# HTML


def test_the_html_page_is_small(html_dir):
    size = (html_dir / f"{PAGE}.html").stat().st_size
    assert size < MAX_BYTES, f"{size} bytes"


def test_failed_allowed_and_drifted_calls_are_rendered_in_full(html_dir, site):
    page = read(html_dir / f"{PAGE}.html")
    body = section(page, ANCHOR)
    table = re.search(r'<table class="calls">.*?</table>', body, re.S)
    assert table
    rows = re.findall(r"<tr.*?</tr>", table.group(0), re.S)[1:]
    assert [re.search(r"<code>(.*?)</code>", r).group(1) for r in rows] == [
        LARGE_FAILING,
        LARGE_ALLOWED,
        LARGE_DRIFTED,
    ]
    failing, allowed, drifted = rows
    assert 'class="row-failed"' in failing
    assert "not as specified" in failing
    assert "\u2713 allowed" in allowed
    assert "statement 1 (DescribeUpdateTest)" in allowed
    assert 'href="drift.html#d-' in drifted
    # explanations: the failing and the drifted call only, none of the sweep
    explained = re.findall(r'<pre class="explain">(.*?)</pre>', body, re.S)
    assert [e.split(":")[0] for e in explained] == ["FAILING-TRACE", "DRIFT-TRACE"]
    assert "SWEEP-TRACE" not in page
    assert "<details open>\n<summary>Why connect:UpdateUserPhoneConfig" in body
    # the lead says what is shown and what is summarised, with numbers that add up
    lead = text(re.search(r'<p class="compact-lead">.*?</p>', body, re.S).group(0))
    assert f"sends {LARGE_TOTAL} requests, more than {LARGE_SCENARIO_REQUESTS}" in lead
    assert "(1 not as specified, 1 drifted, 1 allowed)" in lead
    assert f"the other {LARGE_TOTAL - 3} are summarised" in lead
    # the drift page still links back to the scenario
    drift = read(html_dir / "drift.html")
    assert f'href="{PAGE}.html#{ANCHOR}"' in drift
    assert LARGE_DRIFTED in drift


def test_the_summary_counts_add_up_and_names_every_action(html_dir, site):
    body = section(read(html_dir / f"{PAGE}.html"), ANCHOR)
    rest = re.search(r'<div class="rest" id="sc-40-rest">.*?</div>', body, re.S).group(0)
    counts = rest_counts(rest)
    assert [n for n, _ in counts] == [
        LARGE_EXPLICIT,
        LARGE_UNCHECKED,
        LARGE_TOTAL - 3 - LARGE_EXPLICIT - LARGE_UNCHECKED,
    ]
    assert 3 + sum(n for n, _ in counts) == LARGE_TOTAL
    for n, per_service in counts:
        assert sum(per_service.values()) == n
    view = large(site)
    expected = Counter(c.service for g in view.rest for c in g.calls)
    assert sum((Counter(per) for _, per in counts), Counter()) == expected
    words = text(rest)
    assert "all \u2298 explicitly denied. Expected: explicitly denied, as specified." in words
    assert "Decided by policies/connect/dept.json statement 2 (NeverDelete)." in words
    assert "all \u2717 implicitly denied. Not checked. No statement allows them." in words
    # every summarised (principal, target, action) is listed under its target, exactly once
    listed = Counter()
    for target, actions in re.findall(
        r'<p class="rest-actions"><span class="who">admin</span> on (.*?):.*?<code>(.*?)</code>',
        rest,
        re.S,
    ):
        for action in actions.split(", "):
            listed[(htmllib.unescape(target), action)] += 1
    wanted = Counter((c.record.target, c.record.action) for g in view.rest for c in g.calls)
    assert listed == wanted
    # and every action of the scenario appears on the page
    page_text = text(read(html_dir / f"{PAGE}.html"))
    missing = [c.record.action for c in view.calls if c.record.action not in page_text]
    assert not missing


def test_the_matrix_keeps_the_interesting_calls_and_points_to_the_summary(html_dir):
    page = read(html_dir / f"{PAGE}.html")
    matrix = re.search(r'<table class="matrix">.*?</table>', page, re.S).group(0)
    actions = re.findall(r'<th scope="row" class="action">(.*?)</th>', matrix)
    assert actions == ["connect:DeleteUser", LARGE_FAILING, LARGE_ALLOWED, LARGE_DRIFTED]
    note = re.search(r'<ul class="omitted">.*?</ul>', page, re.S).group(0)
    assert f'<a href="#{ANCHOR}">every action of whole services</a>' in note
    assert f'<a href="#{ANCHOR}-rest">see its summary</a>' in note
    assert (
        f"sends {LARGE_TOTAL} requests: only the 3 requests allowed, not as specified or drifted "
        f"are in the matrix; the other {LARGE_TOTAL - 3} ({LARGE_EXPLICIT} explicitly denied, "
        f"{LARGE_TOTAL - 3 - LARGE_EXPLICIT} implicitly denied) are left out"
    ) in text(note)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def test_every_link_lands_on_a_page_and_an_anchor(html_dir):
    pages = {}
    for path in html_dir.glob("*.html"):
        parser = _Links()
        parser.feed(read(path))
        pages[path.name] = parser
    for name, parser in pages.items():
        for href in parser.links:
            parts = urlsplit(href)
            target = unquote(parts.path) or name
            assert target in pages, f"{name}: {href}"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{name}: {href}"


def test_coverage_and_drift_still_count_every_request(site):
    hits = site.coverage.statement(StatementRef(DEPT, 1)).hits
    large_hits = [h for h in hits if h.scenario.anchor == ANCHOR]
    assert len(large_hits) == LARGE_EXPLICIT  # all summarised, all counted
    allow = site.coverage.statement(StatementRef(DEPT, 0)).hits
    assert [h.action for h in allow] == [LARGE_ALLOWED]
    assert site.drift_view is not None
    assert site.drift_view.report.requests_compared == LARGE_TOTAL + 1
    assert [d.record.action for d in site.drift_view.disagreements] == [LARGE_DRIFTED]


# --------------------------------------------------------------------------------------------
# Markdown


def test_markdown_gets_the_same_compaction(md_dir, site):
    page = read(md_dir / f"{PAGE}.md")
    assert len(page.encode()) < MAX_BYTES
    body = page[page.index(f'<a id="{ANCHOR}"></a>') : page.index('<a id="policies"></a>')]
    table_rows = [line for line in body.splitlines() if line.startswith("| admin |")]
    assert [re.search(r"`(.*?)`", r).group(1) for r in table_rows] == [
        LARGE_FAILING,
        LARGE_ALLOWED,
        LARGE_DRIFTED,
    ]
    assert "FAILING-TRACE" in body
    assert "SWEEP-TRACE" not in page
    assert f'<a id="{ANCHOR}-rest"></a>' in body
    counts = rest_counts(body)
    assert 3 + sum(n for n, _ in counts) == LARGE_TOTAL
    for n, per_service in counts:
        assert sum(per_service.values()) == n
    view = large(site)
    for call in view.calls:  # Markdown-escaped, but every name is there
        assert call.record.action.replace("_", "\\_") in body, call.record.action
    assert f"[see its summary](#{ANCHOR}-rest)" in page
    matrix = page[page.index('<a id="matrix"></a>') : page.index('<a id="scenarios"></a>')]
    assert len([line for line in matrix.splitlines() if line.startswith("| `")]) == 4


# --------------------------------------------------------------------------------------------
# outlines, and the size without compaction


def test_a_large_examples_row_is_summarised_in_the_examples_table(root, tmp_path):
    rows = [
        scenario(
            "each service",
            asks,
            example={"services": name},
            line=7,
        )
        for name, asks in [
            ("connect", [Ask("connect:DescribeUser", "implicitDeny")]),
            ("all", sweep(600)),
        ]
    ]
    site = build_site(run(*rows), root=root)
    out = tmp_path / "site"
    write_site(site, out, "html")
    write_site(site, out, "markdown")
    page = read(out / f"{PAGE}.html")
    assert len(page.encode()) < MAX_BYTES
    examples = re.search(r'<table class="examples">.*?</table>', page, re.S).group(0)
    row = re.search(r'<tr id="sc-7-2">.*?</tr>', examples, re.S).group(0)
    assert "600 requests" in text(row)
    assert row.count("implicitly denied") == 1
    assert 'id="sc-7-2-rest"' in page
    md = read(out / f"{PAGE}.md")
    assert len(md.encode()) < MAX_BYTES
    assert "#### Example 2: \u2713 passed" in md  # shown for its summary, though it passed
    assert "#### Example 1" not in md
    assert '<a id="sc-7-2-rest"></a>' in md


@pytest.mark.slow
def test_the_same_run_in_full_would_be_many_times_larger(root, tmp_path, monkeypatch):
    record = compared(large_scenario(), {LARGE_DRIFTED: "allowed"})
    compact = tmp_path / "compact"
    write_site(build_site(run(record), root=root), compact, "html")
    monkeypatch.setattr(scenario_views, "LARGE_SCENARIO_REQUESTS", 10**9)
    full = tmp_path / "full"
    write_site(build_site(run(record), root=root), full, "html")
    small, big = ((d / f"{PAGE}.html").stat().st_size for d in (compact, full))
    assert big > 10 * small
    assert read(full / f"{PAGE}.html").count("SWEEP-TRACE") == LARGE_TOTAL - 3


# --------------------------------------------------------------------------------------------
# in a browser


@pytest.mark.slow
@pytest.mark.skipif(
    find_chromium() is None and os.environ.get("CI", "").lower() not in ("true", "1", "yes"),
    reason="headless Chromium not found (tests/livingdoc/test_browser.py says how to install it)",
)
def test_the_summary_link_lands_in_a_real_browser(html_dir, tmp_path):
    executable = find_chromium()
    assert executable, "headless Chromium not found (CI=true: failing instead of skipping)"
    url = (html_dir / f"{PAGE}.html").as_uri()
    with chromium(executable, tmp_path / "profile") as browser:
        browser.set_viewport(1280, 1000)
        browser.navigate(url)
        browser.navigate(f"{url}#{ANCHOR}-rest")
        assert browser.evaluate("document.querySelector(':target').id") == f"{ANCHOR}-rest"
        assert browser.evaluate("document.querySelectorAll('table.calls tbody tr').length") == 4
        listed = browser.evaluate(
            "Array.from(document.querySelectorAll('#sc-40-rest code'),"
            " c => c.textContent.split(', ').length).reduce((a, b) => a + b, 0)"
        )
        assert listed == LARGE_TOTAL - 3
        errors = browser.console_errors()
    assert not errors, errors
