"""The drift page: a ``--compare-local`` run's disagreements, known differences and counts,
linked both ways with the feature pages, escaped, in HTML and Markdown; no page without
``--compare-local``."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc.drift import NOT_COMPARED_REASON
from iamspec.records.drift import drift_report
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    EVIL,
    EVIL_TEXT,
    HOSTILE,
    Ask,
    compared,
    dept_run,
    drift_run,
    project,
    run,
    scenario,
)

REASON = "the simulator <ignores> the *Deny* | for this resource type"
STALE = "AWS once answered implicitDeny here"


@pytest.fixture
def root(tmp_path):
    return project(tmp_path / "project", {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT})


@pytest.fixture
def site(root):
    return build_site(drift_run(), root=root)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def normalise(fragment: str) -> str:
    fragment = re.sub(r">\s+<", "><", fragment.strip())
    return re.sub(r"\s+", " ", fragment)


class _Page(HTMLParser):
    """Collects ids, links and tags."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(read(path))
    return page


def section(text: str, element_id: str) -> str:
    found = re.search(rf'<section [^>]*id="{element_id}">.*?</section>', normalise(text))
    assert found is not None, element_id
    return found.group(0)


def _outside_fences(text: str) -> str:
    return re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", text)


# --------------------------------------------------------------------------------------------
# the model


def test_the_model_follows_the_drift_report(site):
    report = drift_report(drift_run())
    view = site.drift_view
    assert view is not None
    assert site.drift == len(report.disagreements) == 2
    assert [d.record.action for d in view.disagreements] == [d.action for d in report.disagreements]
    assert [(d.anchor, d.scenario.page, d.scenario.anchor) for d in view.disagreements] == [
        ("d-1", "feature-dept", "sc-7-2"),  # the outline's second Examples row
        ("d-2", "feature-dept", "sc-20"),
    ]
    assert [d.known_anchor for d in view.disagreements] == [None, "k-1"]
    assert [(k.anchor, k.reason, k.seen, k.disagreements) for k in view.known_differences] == [
        ("k-1", REASON, True, (2,)),
        ("k-2", STALE, False, ()),
    ]
    assert (view.report.requests_compared, view.report.requests_not_compared) == (6, 1)
    assert view.summary == (
        "2 disagreements between live and the local evaluator, 1 declared as known; "
        "1 declared known difference not seen in this run"
    )


def test_without_compare_local_there_is_no_drift_view(root):
    run_ = drift_run()
    run_.compare_local = False  # even with records that say drift: nothing was compared
    site = build_site(run_, root=root)
    assert site.drift_view is None
    assert site.drift == 0


# --------------------------------------------------------------------------------------------
# HTML


def test_the_drift_page_shows_each_disagreement_with_the_request_and_both_answers(html):
    text = read(html / "drift.html")
    first = section(text, "d-1")
    assert 'class="disagreement unexplained"' in first
    assert (
        '<a href="feature-dept.html#sc-7-2">the Department tag decides '
        "[Test, connect:UpdateUserHierarchy]</a>" in first
    )
    assert "&#9888; Unexplained" in first
    assert "<dt>Principal</dt><dd>admin <code>arn:aws:iam::111122223333:user/admin</code></dd>" in (
        first
    )
    assert "<dt>Action</dt><dd><code>connect:UpdateUserHierarchy</code></dd>" in first
    assert (
        "<code>arn:aws:connect:us-east-1:111122223333:instance/main/agent/jdoe</code>"
        '<span class="muted">(the Connect user &#34;jdoe&#34;)</span>' in first
    )
    assert (
        "<tr><td><code>aws:PrincipalAccount</code></td><td>string</td>"
        "<td><code>111122223333</code></td></tr>" in first
    )
    # both decisions with their labels (colour class + symbol + words), both explanations
    assert (
        '<h4>live answered <span class="decision implicit" title="implicitDeny">'
        "\u2717 implicitly denied</span></h4>" in first
    )
    assert (
        '<h4>the local evaluator answered <span class="decision allowed" title="allowed">'
        "\u2713 allowed</span></h4>" in first
    )
    assert (
        '<pre class="explain">live says &lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;</pre>'
        in first
    )
    assert (
        '<pre class="explain">local says &lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;</pre>'
        in first
    )

    second = section(text, "d-2")
    assert 'class="disagreement declared"' in second
    assert (
        "<strong>Declared known difference:</strong> the simulator &lt;ignores&gt; the *Deny* | "
        "for this resource type" in second
    )
    assert '<a href="#k-1">known differences</a>' in second
    assert '<span class="decision explicit" title="explicitDeny">' in second
    assert "Unexplained" not in second


def test_known_differences_say_whether_this_run_saw_them(html):
    text = normalise(read(html / "drift.html"))
    seen = re.search(r'<tr id="k-1">.*?</tr>', text)
    stale = re.search(r'<tr id="k-2">.*?</tr>', text)
    assert seen is not None
    assert stale is not None
    assert '<a href="feature-dept.html#sc-20">nobody deletes an agent</a>' in seen.group(0)
    assert "&lt;ignores&gt;" in seen.group(0)
    assert 'seen: <a href="#d-2">disagreement 2</a>' in seen.group(0)
    assert STALE in stale.group(0)
    assert '<span class="flag">&#9888; not seen: stale?</span>' in stale.group(0)
    assert "the declaration may be out of date" in stale.group(0)


def test_the_counts_and_why_some_requests_were_not_compared(html):
    text = normalise(read(html / "drift.html")).replace("&#39;", "'")
    assert "<dt>Requests compared</dt><dd>6</dd>" in text
    assert (
        '<dt>Requests not compared</dt><dd>1 <span class="muted">— '
        f"{NOT_COMPARED_REASON}</span></dd>" in text
    )
    assert "deployed principals (the local evaluator does not know the account's" in text
    assert "<dd>2 (1 unexplained, 1 declared as known)</dd>" in text
    assert '<dd>2 <span class="flag">(1 not seen in this run)</span></dd>' in text
    # the sections come in the order: disagreements, known differences, counts
    order = [text.index(f'<h2 id="{h}">') for h in ("disagreements", "known", "counts")]
    assert order == sorted(order)


def test_the_index_counts_the_drift_and_links_the_page(html):
    text = normalise(read(html / "index.html"))
    assert (
        '<dt>Drift</dt><dd class="drift">&#9888; <a href="drift.html">2 disagreements between '
        "live and the local evaluator, 1 declared as known; 1 declared known difference not "
        "seen in this run</a></dd>" in text
    )
    for path in html.glob("*.html"):
        assert 'href="drift.html"' in read(path), f"{path.name}: no Drift in the navigation"


def test_every_link_lands_on_a_page_and_an_anchor(html):
    pages = {path.name: parse(path) for path in html.glob("*.html")}
    to_drift = 0
    for name, page in pages.items():
        assert "script" not in page.tags or name == "search.html", name  # search.js only
        assert len(page.ids) == len(set(page.ids)), f"{name}: duplicate ids"
        for href in page.links:
            parts = urlsplit(href)
            assert not parts.scheme, f"{name}: external link {href}"
            target = unquote(parts.path) or name
            assert target in pages, f"{name}: {href} -> missing page"
            if parts.fragment:
                assert unquote(parts.fragment) in pages[target].ids, f"{name}: {href}"
            to_drift += target == "drift.html" and name != "drift.html"
    drift = pages["drift.html"]
    for href in ("feature-dept.html#sc-7-2", "feature-dept.html#sc-20", "feature-dept.html#sc-30"):
        assert href in drift.links
    feature = pages["feature-dept.html"]
    for href in ("drift.html#d-1", "drift.html#d-2", "drift.html#k-1", "drift.html#k-2"):
        assert href in feature.links
    assert to_drift > len(pages)  # the navigation of every page, plus the feature page's notes


def test_a_feature_page_shows_a_declared_known_difference_beside_the_steps(html):
    text = read(html / "feature-dept.html")
    declared = section(text, "sc-20")
    steps_end = declared.index("</ol>")
    note = declared.index('<p class="known-difference">')
    assert steps_end < note < declared.index('<table class="calls">')
    assert (
        '<p class="known-difference"><strong>Known difference from the local evaluator:</strong> '
        "the simulator &lt;ignores&gt; the *Deny* | for this resource type "
        '<span class="muted">· <a href="drift.html#k-1">seen in this run</a></span></p>'
    ) in declared
    assert '<a href="drift.html#d-2">drift from the local evaluator</a>' in declared
    stale = section(text, "sc-30")
    assert '<a href="drift.html#k-2">&#9888; not seen in this run: stale?</a>' in stale


def test_an_outline_shows_its_rows_known_difference_above_the_table(root, tmp_path):
    record = drift_run()
    rows = [s for s in record.scenarios if s.line == 7]
    for row in rows[1:]:
        row.known_difference = "AWS reads the <tag> late"
    out = tmp_path / "outline"
    write_site(build_site(record, root=root), out, "html")
    outline = section(read(out / "feature-dept.html"), "sc-7")
    assert outline.index('<p class="known-difference">') < outline.index('<table class="examples">')
    assert (
        "<strong>Known difference from the local evaluator</strong> (examples 2, 3): "
        "AWS reads the &lt;tag&gt; late</p>" in outline
    )


def test_hostile_text_stays_text(html):
    text = read(html / "drift.html")
    assert "<script" not in text
    assert HOSTILE not in text
    assert text.count("<pre") == text.count("</pre>")
    assert "&lt;ignores&gt;" in text


# --------------------------------------------------------------------------------------------
# Markdown


def test_the_markdown_drift_page(markdown):
    text = read(markdown / "drift.md")
    prose = _outside_fences(text)
    assert "<script" not in prose
    assert (
        "### 1. [the Department tag decides \\[Test, connect:UpdateUserHierarchy\\]]"
        "(feature-dept.md#sc-7-2)" in text
    )
    assert "**live** answered \u2717 implicitly denied:\n\n```\nlive says " + HOSTILE in text
    assert "**the local evaluator** answered \u2713 allowed:\n\n```\nlocal says " + HOSTILE in text
    assert "- **Principal:** admin (`arn:aws:iam::111122223333:user/admin`)" in text
    assert "- **Action:** `connect:UpdateUserHierarchy`" in text
    assert "| `aws:PrincipalAccount` | string | `111122223333` |" in text
    reason = r"the simulator &lt;ignores&gt; the \*Deny\* \| for this resource type"
    assert f"**Declared known difference:** {reason} ([known differences](#k-1)" in text
    assert "⚠ **Unexplained:**" in text
    assert f"| {reason} | seen: [disagreement 2](#d-2) |" in text
    assert "| AWS once answered implicitDeny here | ⚠ **not seen: stale?**" in text
    assert f"| Requests not compared | 1 — {NOT_COMPARED_REASON} |" in text
    assert "| Requests compared | 6 |" in text


def test_markdown_links_land_on_pages_and_anchors(markdown):
    anchors = {
        path.name: set(re.findall(r'<a id="([^"]+)"></a>', read(path)))
        for path in markdown.glob("*.md")
    }
    checked = 0
    for path in markdown.glob("*.md"):
        for target in re.findall(r"\]\(([^)\s]+)\)", _outside_fences(read(path))):
            page, fragment = urldefrag(target)
            page = unquote(page) or path.name
            assert page in anchors, f"{path.name}: {target}"
            if fragment:
                assert fragment in anchors[page], f"{path.name}: {target}"
            checked += 1
    assert checked > 20
    index = read(markdown / "index.md")
    assert "[Drift](drift.md)" in index
    assert (
        "| Drift | ⚠ [2 disagreements between live and the local evaluator, 1 declared as "
        "known; 1 declared known difference not seen in this run](drift.md) |" in index
    )


def test_a_markdown_feature_page_shows_the_known_difference(markdown):
    text = read(markdown / "feature-dept.md")
    declared = text[text.index('<a id="sc-20"></a>') : text.index('<a id="sc-30"></a>')]
    steps = declared.index("**Then**")
    note = declared.index("**Known difference from the local evaluator:**")
    assert steps < note < declared.index("| Who |")
    assert (
        r"the simulator &lt;ignores&gt; the \*Deny\* \| for this resource type · "
        "[seen in this run](drift.md#k-1)" in declared
    )
    assert "[drift from the local evaluator](drift.md#d-2)" in declared
    assert "[⚠ not seen in this run: stale?](drift.md#k-2)" in text


# --------------------------------------------------------------------------------------------
# no drift, no compare-local


def test_a_compared_run_without_drift_says_so(root, tmp_path):
    record = run(
        compared(scenario("admins describe", [Ask("connect:DescribeUser", "allowed")])),
        compared(
            scenario("admins update", [Ask("connect:UpdateUserHierarchy", "allowed")], line=12)
        ),
        backend="moto",
    )
    record.compare_local = True
    site = build_site(record, root=root)
    assert site.drift == 0
    write_site(site, tmp_path / "h", "html")
    write_site(site, tmp_path / "m", "markdown")
    index = normalise(read(tmp_path / "h" / "index.html"))
    drift = '<dt>Drift</dt><dd>&#10003; <a href="drift.html">no drift in 2 compared requests</a>'
    assert drift in index
    page = normalise(read(tmp_path / "h" / "drift.html"))
    assert "No disagreement: moto and the local evaluator gave the same answer" in page
    assert "No scenario declares a known difference." in page
    assert "| Drift | ✓ [no drift in 2 compared requests](drift.md) |" in read(
        tmp_path / "m" / "index.md"
    )


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_without_compare_local_there_is_no_drift_page_and_no_link(root, tmp_path, fmt):
    record = dept_run()
    record.scenarios[0] = compared(record.scenarios[0], known_difference="a declared reason")
    assert not record.compare_local
    out = tmp_path / fmt
    written = write_site(build_site(record, root=root), out, fmt)
    assert not any(p.stem == "drift" for p in written)
    assert not any(p.stem == "drift" for p in out.iterdir())
    for path in out.iterdir():
        text = read(path)
        assert "drift.html" not in text, path.name
        assert "drift.md" not in text, path.name
        assert "Drift" not in text, path.name
    # the scenario's own declaration is still shown with its steps, without a link
    feature = read(out / ("feature-dept.html" if fmt == "html" else "feature-dept.md"))
    assert "Known difference from the local evaluator" in feature
    assert "a declared reason" in feature


# --------------------------------------------------------------------------------------------
# a real browser (as tests/livingdoc/test_browser.py: fails under CI without one)


@pytest.mark.slow
def test_the_drift_page_reads_in_a_real_browser(site, tmp_path):
    from tests.livingdoc.chromium import chromium, find_chromium

    executable = find_chromium()
    if executable is None:
        message = "headless Chromium not found; install Debian's 'chromium' package"
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(f"{message} (CI=true: failing instead of skipping)", pytrace=False)
        pytest.skip(message)
    out = tmp_path / "site"
    write_site(site, out, "html")
    drift = (out / "drift.html").as_uri()
    with chromium(executable, tmp_path / "profile") as browser:
        browser.set_viewport(1280, 1000)
        browser.navigate(drift)
        assert browser.evaluate("document.querySelectorAll('script').length") == 0
        assert browser.evaluate("document.querySelectorAll('section.disagreement').length") == 2
        explanation = browser.evaluate("document.querySelector('#d-1 pre.explain').textContent")
        assert explanation == f"live says {HOSTILE}"
        hrefs = browser.evaluate(
            "Array.from(document.querySelectorAll('#d-1 a[href]'), a => a.href)"
        )
        scenario_href = next(h for h in hrefs if "#sc-7-2" in h)
        browser.navigate(scenario_href)
        assert browser.evaluate("document.querySelector(':target').id") == "sc-7-2"
        browser.navigate((out / "feature-dept.html").as_uri() + "#sc-20")
        link = browser.evaluate(
            "document.querySelector('#sc-20 .known-difference a').getAttribute('href')"
        )
        assert link == "drift.html#k-1"
        errors = browser.console_errors()
    assert not errors, errors


def test_a_scoped_declaration_names_its_actions(root, tmp_path):
    """A declaration covers the actions it names; the drift page says which."""
    from iamspec.records.results import KnownDifferenceRecord

    record = drift_run()
    declared = next(s for s in record.scenarios if s.known_difference == REASON)
    declared.known_differences = [KnownDifferenceRecord(["connect:Delete*"], REASON)]
    for call in declared.calls:
        call.known_difference = REASON
    out = tmp_path / "scoped"
    built = build_site(record, root=root)
    write_site(built, out, "html")
    write_site(built, tmp_path / "scoped-md", "markdown")
    page = (out / "drift.html").read_text(encoding="utf-8")
    assert "for <code>connect:Delete*</code>: " in page
    md = (tmp_path / "scoped-md" / "drift.md").read_text(encoding="utf-8")
    assert "for `connect:Delete*`: " in md


def test_several_declarations_in_one_scenario_get_their_own_anchors(root, tmp_path):
    """Each declaration is its own row with its own anchor; a disagreement links to the one
    whose reason excused it, and a declaration that excused nothing links to nothing."""
    from iamspec.records.results import KnownDifferenceRecord

    record = drift_run()
    declared = next(s for s in record.scenarios if s.known_difference == REASON)
    other = "a second declaration that excuses nothing here"
    declared.known_differences = [
        KnownDifferenceRecord(["connect:Delete*"], REASON),
        KnownDifferenceRecord(["connect:DeleteUser"], other),
    ]
    for call in declared.calls:
        call.known_difference = REASON
    out = tmp_path / "several"
    write_site(build_site(record, root=root), out, "html")
    page = parse(out / "drift.html")
    assert len(page.ids) == len(set(page.ids))
    text = (out / "drift.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<tr id="(k-\d+)">(.*?)</tr>', text, re.DOTALL))
    excusing = next(a for a, row in rows.items() if "excuses nothing" not in row)
    idle = next(a for a, row in rows.items() if "excuses nothing" in row)
    assert excusing != idle
    assert f'href="#{excusing}"' in text
    assert f'href="#{idle}"' not in text
    assert "disagreement" not in rows[idle].split("</td>")[2]
