"""The search page's entries: every feature, scenario, principal, action, resource kind,
policy and tag of the site, each with the words it is found by.

The index is the page itself: one list item per :class:`SearchEntry`, its search words in an
attribute, both written by the (autoescaping) templates. A small script (``search.js``) hides
the items that do not match what the reader types; it builds no markup. Without scripting
the page lists everything, and the browser's own find searches it. No entry is built from
markup: titles and words are text, escaped where they are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from iamspec.livingdoc.access import Access
from iamspec.livingdoc.features import FeatureView
from iamspec.livingdoc.labels import plural, tags_text
from iamspec.livingdoc.policies import PolicyView

__all__ = ["KINDS", "MAX_LINKS", "MAX_TERMS", "SearchEntry", "SearchLink", "build_search"]

KINDS = ("feature", "scenario", "principal", "action", "resource kind", "policy", "tag")
"""The kinds of entry, in the order the page lists them."""

MAX_TERMS = 2000
"""At most this many characters of search words per entry (a scenario's steps can be long)."""

MAX_LINKS = 20
"""At most this many links per tag entry (the rest are counted)."""


@dataclass(frozen=True)
class SearchLink:
    """A link of an entry: the page (without extension), an anchor, and its text."""

    text: str
    page: str
    anchor: str = ""


@dataclass(frozen=True)
class SearchEntry:
    """One item of the search page. ``terms`` are lowercase; ``more`` counts links left out."""

    kind: str
    title: str
    link: SearchLink | None
    detail: str
    terms: str
    links: tuple[SearchLink, ...] = ()
    more: int = 0


def _terms(*parts: str) -> str:
    return " ".join(p for p in parts if p).lower()[:MAX_TERMS]


def _features(features: Iterable[FeatureView]) -> list[SearchEntry]:
    entries = []
    for f in features:
        counts = f"{plural(len(f.scenarios), 'scenario')} run, {f.status.word}"
        if f.not_run:
            counts += f"; {len(f.not_run_rows)} not run in this run"
        tags = " ".join(t for s in f.scenarios for t in s.record.tags)
        entries.append(
            SearchEntry(
                "feature",
                f.name,
                SearchLink(f.name, f.page),
                f"{f.file} · {counts}",
                _terms(f.name, f.file, " ".join(f.paragraphs), tags),
            )
        )
    return entries


def _scenarios(features: Iterable[FeatureView]) -> list[SearchEntry]:
    entries = []
    for f in features:
        for s in f.scenarios:
            record = s.record
            steps = " ".join(f"{step.keyword} {step.text}" for step in record.steps)
            tags = " ".join(
                [*(f"@{t}" for t in record.tags), *(tags_text(r.tags) for r in record.resources)]
            )
            entries.append(
                SearchEntry(
                    "scenario",
                    s.title,
                    SearchLink(s.title, f.page, s.anchor),
                    f"{f.name} · {s.status.word}",
                    _terms(s.title, f.name, tags, steps),
                )
            )
        for row in f.not_run_rows:
            skipped = row.record
            steps = " ".join(f"{step.keyword} {step.text}" for step in skipped.steps)
            entries.append(
                SearchEntry(
                    "scenario",
                    row.title,
                    SearchLink(row.title, f.page, row.anchor),
                    f"{f.name} · not run in this run: {row.reason}",
                    _terms(row.title, f.name, " ".join(f"@{t}" for t in skipped.tags), steps),
                )
            )
    return entries


def _principals(access: Access) -> list[SearchEntry]:
    entries = []
    for p in access.principals:
        detail = f"{p.kind} in “{p.ref.feature}” · {plural(len(p.rows), 'request')}"
        if p.not_run:
            detail += f"; {plural(len(p.not_run), 'scenario')} not run in this run"
        entries.append(
            SearchEntry(
                "principal",
                p.name,
                SearchLink(p.name, p.page),
                detail,
                _terms(
                    p.name,
                    p.kind,
                    p.ref.feature,
                    " ".join(p.tag_sets),
                    " ".join(d for d, _ in p.policies),
                    " ".join(dict.fromkeys(r.action for r in p.rows)),
                ),
            )
        )
    return entries


def _actions(access: Access) -> list[SearchEntry]:
    entries = []
    for a in access.actions:
        allowed = ", ".join(dict.fromkeys(p.name for p in a.allowed_for)) or "nobody"
        entries.append(
            SearchEntry(
                "action",
                a.action,
                SearchLink(a.action, a.page),
                f"{plural(len(a.rows), 'request')} · allowed for {allowed}",
                _terms(
                    a.action,
                    " ".join(dict.fromkeys(p.name for p in a.principals)),
                    " ".join(dict.fromkeys(r.resource_kind for r in a.rows)),
                ),
            )
        )
    for k in access.kinds:
        entries.append(
            SearchEntry(
                "resource kind",
                k.kind,
                SearchLink(k.kind, k.page),
                f"{plural(len(k.rows), 'request')} for {plural(len(k.actions), 'action')}",
                _terms(k.kind, " ".join(k.actions)),
            )
        )
    return entries


def _policies(policies: Iterable[PolicyView]) -> list[SearchEntry]:
    return [
        SearchEntry(
            "policy",
            v.display,
            SearchLink(v.display, v.page),
            f"{v.kind} policy · {plural(len(v.statements), 'statement')}",
            _terms(
                v.display,
                " ".join(st.sid or "" for st in v.statements),
                " ".join(p for st in v.statements for p in st.action_patterns),
            ),
        )
        for v in policies
    ]


def _tags(features: Iterable[FeatureView], access: Access) -> list[SearchEntry]:
    """One entry per tag (``Key=Value``): the principals that carry it and the scenarios
    whose resources or requests do."""
    found: dict[str, dict[SearchLink, None]] = {}
    where: dict[str, set[str]] = {}

    def add(tags: Mapping[str, str], link: SearchLink, role: str) -> None:
        for key, value in tags.items():
            text = f"{key}={value}"
            found.setdefault(text, {}).setdefault(link)
            where.setdefault(text, set()).add(role)

    for p in access.principals:
        for row in p.rows:
            tags = {t.key: t.value for t in row.caller_tags if t.value is not None}
            add(tags, SearchLink(f"{p.name} ({p.ref.feature})", p.page), "principals")
    for f in features:
        for s in f.scenarios:
            link = SearchLink(s.title, f.page, s.anchor)
            for resource in s.record.resources:
                add(resource.tags, link, "resources")
            for call in s.record.calls:
                add(call.request_tags, link, "requests")
    entries = []
    for text in sorted(found, key=str.lower):
        links = tuple(found[text])
        roles = ", ".join(sorted(where[text]))
        entries.append(
            SearchEntry(
                "tag",
                text,
                None,
                f"a tag of {roles}",
                _terms(text, text.replace("=", " "), roles),
                links[:MAX_LINKS],
                max(0, len(links) - MAX_LINKS),
            )
        )
    return entries


def build_search(
    features: Iterable[FeatureView], access: Access, policies: Iterable[PolicyView]
) -> tuple[SearchEntry, ...]:
    """Every entry of the search page, by kind (:data:`KINDS`)."""
    features = tuple(features)
    return (
        *_features(features),
        *_scenarios(features),
        *_principals(access),
        *_actions(access),
        *_policies(policies),
        *_tags(features, access),
    )
