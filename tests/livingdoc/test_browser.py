"""The generated site in a real browser: headless Chromium opens it from disk (file://), finds
every feature, follows every link, sees no console error, and renders a page that is not blank.

Chromium is driven over the DevTools protocol on a pipe (tests/livingdoc/chromium.py): no new
dependency, yet real navigation, console and failed-load events, and screenshots. Without a
Chromium the test fails under CI (``CI=true``) and is skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urldefrag

import pytest

from iamspec.livingdoc import build_site, write_site
from tests.livingdoc.chromium import chromium, colour_stats, find_chromium
from tests.livingdoc.kit import (
    DEPT,
    DEPT_TEXT,
    EVIL,
    EVIL_TEXT,
    PUBLISHED_BAD,
    PUBLISHED_GOOD,
    TEAM_TAGGED,
    TEAM_TAGGED_TEXT,
    project,
    who_run,
)

pytestmark = pytest.mark.slow  # headless Chromium

IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


MISSING = (
    "headless Chromium not found (looked at $IAMSPEC_CHROMIUM, /usr/bin/chromium and PATH); "
    "install Debian's 'chromium' package to run the living-docs browser test"
)


def require(found: str | None, in_ci: bool) -> str:
    """The browser, or a failure under CI (a missing browser must not turn CI green), or a
    skip on a developer's machine."""
    if found is not None:
        return found
    if in_ci:
        pytest.fail(f"{MISSING} (CI=true: failing instead of skipping)", pytrace=False)
    pytest.skip(MISSING)


def test_a_missing_browser_fails_under_ci_and_skips_elsewhere():
    with pytest.raises(pytest.fail.Exception, match="CI=true: failing instead of skipping"):
        require(None, in_ci=True)
    with pytest.raises(pytest.skip.Exception, match="headless Chromium not found"):
        require(None, in_ci=False)
    assert require("/usr/bin/chromium", in_ci=True) == "/usr/bin/chromium"


@pytest.fixture(scope="module")
def executable() -> str:
    return require(find_chromium(), IN_CI)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    root = project(
        base / "project",
        {DEPT: DEPT_TEXT, EVIL: EVIL_TEXT, TEAM_TAGGED: TEAM_TAGGED_TEXT},
        {"bad-example.json": PUBLISHED_BAD, "good-example.json": PUBLISHED_GOOD},
    )
    out = base / "site"
    write_site(build_site(who_run(), root=root), out, "html")
    return out


_LINKS = "Array.from(document.querySelectorAll('a[href]'), a => a.href)"
_FEATURES = "Array.from(document.querySelectorAll('table.features td:first-child a'), a => a.href)"


def test_the_site_reads_in_a_real_browser(executable, site_dir, tmp_path):
    index = (site_dir / "index.html").as_uri()
    with chromium(executable, tmp_path / "profile") as browser:
        browser.set_viewport(1280, 1000)
        browser.navigate(index)
        assert "Features" in browser.evaluate("document.title")
        features = browser.evaluate(_FEATURES)
        assert sorted(features) == sorted(p.as_uri() for p in site_dir.glob("feature-*.html"))

        # follow every link of every page reachable from the index
        seen: dict[str, set[str]] = {}
        queue = [index]
        anchors: list[tuple[str, str, str]] = []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            browser.navigate(url)
            scripts = browser.evaluate("Array.from(document.scripts, s => s.src)")
            if url.endswith("/search.html"):  # the one script: the site's own, not inline
                assert scripts == [(site_dir / "search.js").as_uri()]
            else:
                assert scripts == [], url
            assert browser.evaluate("document.title"), url
            seen[url] = set(
                browser.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)")
            )
            for href in browser.evaluate(_LINKS):
                page, fragment = urldefrag(href)
                assert page.startswith("file://"), f"{url} links outside the site: {href}"
                if fragment:
                    anchors.append((url, page, fragment))
                if page not in seen:
                    queue.append(page)
        assert set(seen) == {p.as_uri() for p in site_dir.glob("*.html")}
        for page in ("principals", "actions", "resource-kinds", "search"):
            assert (site_dir / f"{page}.html").as_uri() in seen
        assert len([u for u in seen if "/principal-" in u]) == 4
        missing = [(src, f"{page}#{frag}") for src, page, frag in anchors if frag not in seen[page]]
        assert not missing, missing
        assert len(anchors) > 20

        # a decision's link lands on its statement, highlighted by CSS alone (:target)
        feature = (site_dir / "feature-dept.html").as_uri()
        browser.navigate(feature)
        browser.navigate(feature + "#p-connect-dept-s1")
        assert browser.evaluate("document.querySelector(':target').id") == "p-connect-dept-s1"
        outline = browser.evaluate(
            "getComputedStyle(document.querySelector(':target')).outlineStyle"
        )
        assert outline == "solid"
        # the stylesheet loaded from file:// and colours the labels (their words stay too)
        background = browser.evaluate(
            "getComputedStyle(document.querySelector('.decision.allowed')).backgroundColor"
        )
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        assert browser.evaluate("document.querySelector('.decision.explicit').textContent") == (
            "\u2298 explicitly denied"
        )

        browser.navigate(feature)
        png = browser.screenshot()
        errors = browser.console_errors()
    assert not errors, errors

    shot = tmp_path / "feature-dept.png"
    shot.write_bytes(png)
    keep = os.environ.get("IAMSPEC_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    width, height, colours, inked = colour_stats(png)
    assert (width, height) == (1280, 1000)
    assert colours > 20, f"{shot}: only {colours} colours: blank?"
    assert inked > 0.03, f"{shot}: {inked:.1%} of the page is not white: blank?"


_VISIBLE = (
    "Array.from(document.querySelectorAll('#search-results > li'))"
    ".filter(li => li.offsetParent !== null)"
)


def _shown(browser) -> list[str]:
    """The (kind, title) of the search results a reader sees."""
    return browser.evaluate(
        f"{_VISIBLE}.map(li => li.dataset.kind + ': ' + li.children[1].textContent)"
    )


def test_search_narrows_as_one_types_and_degrades_without_scripting(executable, site_dir, tmp_path):
    search = (site_dir / "search.html").as_uri()
    with chromium(executable, tmp_path / "profile") as browser:
        browser.set_viewport(1280, 1000)
        browser.navigate(search)
        total = browser.evaluate("document.querySelectorAll('#search-results > li').length")
        assert total > 30
        assert len(_shown(browser)) == total
        assert browser.evaluate("document.getElementById('search-kinds').hidden") is False
        assert browser.evaluate("document.getElementById('search-count').textContent") == (
            f"{total} entries"
        )

        # typing narrows the list to the entries holding every word typed
        browser.evaluate("document.getElementById('q').focus()")
        browser.type_text("Stage=prod")
        shown = _shown(browser)
        assert shown == [
            "scenario: no admin touches a prod agent",
            "tag: Stage=prod",
        ]
        assert browser.evaluate("document.getElementById('search-count').textContent") == (
            f"2 of {total} entries match"
        )
        browser.evaluate("document.getElementById('q').select()")
        browser.type_text("admin team")
        shown = _shown(browser)
        assert "principal: admin" in shown
        assert "feature: Admins read their own team's agents" in shown
        assert all("Team leads" not in s for s in shown)
        # unticking a kind hides its entries
        browser.evaluate("document.querySelector('#search-kinds input[value=scenario]').click()")
        assert not [s for s in _shown(browser) if s.startswith("scenario:")]
        assert "principal: admin" in _shown(browser)

        # the search box of every page submits to the search page, which filters at once
        browser.navigate((site_dir / "principals.html").as_uri())
        browser.evaluate("document.getElementById('nav-q').focus()")
        browser.type_text("connect:DeleteUser")
        mark = len(browser.events)
        browser.press_enter()
        browser.wait_for_load(mark)
        assert browser.evaluate("location.pathname").endswith("/search.html")
        assert browser.evaluate("location.search") == "?q=connect%3ADeleteUser"
        assert browser.evaluate("document.getElementById('q').value") == "connect:DeleteUser"
        assert "action: connect:DeleteUser" in _shown(browser)
        assert len(_shown(browser)) < total
        errors = browser.console_errors()

        # scripting off: everything is listed, the filters stay hidden, the page says why
        browser.set_scripting(False)
        browser.navigate(search + "?q=admin")
        assert len(_shown(browser)) == total
        assert browser.evaluate("document.getElementById('search-count').textContent") == (
            f"{total} entries"
        )
        assert browser.evaluate("document.getElementById('search-kinds').offsetParent") is None
        assert "Scripting is off in this browser" in browser.evaluate("document.body.innerText")
        # and the other pages hold all their content without it
        browser.navigate((site_dir / "principal-teams--admin.html").as_uri())
        text = browser.evaluate("document.body.innerText")
        assert "Same name elsewhere" in text
        assert browser.evaluate("document.querySelectorAll('table.access tbody tr').length") == 3
        assert browser.evaluate(
            "getComputedStyle(document.querySelector('.tag.decisive')).fontWeight"
        ) in ("700", "bold")
        errors += browser.console_errors()
    assert not errors, errors
