"""Policy coverage of permissions boundaries: a boundary Allow is exercised by the allowed
requests it let through, one that let none through is flagged, a boundary Deny by the explicit
denies it decided; "not measured" only where the run did not record which statements applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamspec.livingdoc import build_site, write_site
from iamspec.livingdoc.coverage import StatementCoverage
from iamspec.livingdoc.site import Site
from iamspec.records.results import RunRecord
from tests.livingdoc.kit import DEPT, DEPT_TEXT, Ask, matched, project, run, scenario

BOUNDARY = "policies/boundary.json"
BOUNDARY_TEXT = (
    json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadUsers",
                    "Effect": "Allow",
                    "Action": "connect:DescribeUser",
                    "Resource": "*",
                },
                {"Sid": "WisdomToo", "Effect": "Allow", "Action": "wisdom:*", "Resource": "*"},
                {
                    "Sid": "NoDeletes",
                    "Effect": "Deny",
                    "Action": "connect:DeleteUser",
                    "Resource": "*",
                },
            ],
        },
        indent=2,
    )
    + "\n"
)
FEATURE_PAGE = "feature-dept"


def _applied(*indexes: int) -> list[dict[str, Any]]:
    """boundary_statements as the local backend records them (the boundary's path as id)."""
    return [
        matched(BOUNDARY, BOUNDARY_TEXT, i) | {"SourcePolicyType": "Permissions Boundary"}
        for i in indexes
    ]


def _run(*, recorded: bool = True, aws_names_the_deny: bool = False) -> RunRecord:
    """Three scenarios of a bounded admin: a describe the boundary let through; a describe of
    a Prod agent the boundary would allow but no identity policy does; a delete both the
    identity policy's and the boundary's Deny deny (AWS may name the latter too)."""
    deny = [matched(DEPT, DEPT_TEXT, 1)]
    if aws_names_the_deny:
        deny.append(matched("PermissionsBoundaryPolicyInputList.1", BOUNDARY_TEXT, 2))
    rows = [
        (
            "the boundary lets a describe through",
            7,
            Ask("connect:DescribeUser", "allowed", [matched(DEPT, DEPT_TEXT, 0)]),
            _applied(0),
        ),
        (
            "a Prod agent stays hidden",
            20,
            Ask("connect:DescribeUser", "implicitDeny", [], user="prod-agent"),
            _applied(0),
        ),
        (
            "the boundary forbids deletes",
            30,
            Ask("connect:DeleteUser", "explicitDeny", deny),
            _applied(2),
        ),
    ]
    records = []
    for title, line, ask, applied in rows:
        record = scenario(title, [ask], line=line, boundary=BOUNDARY)
        record.calls[0].requests[0].boundary_statements = applied if recorded else None
        records.append(record)
    return run(*records)


def _site(tmp_path: Path, result: RunRecord) -> Site:
    root = project(tmp_path / "project", {DEPT: DEPT_TEXT, BOUNDARY: BOUNDARY_TEXT})
    return build_site(result, root=root)


def _boundary(site: Site) -> tuple[StatementCoverage, ...]:
    (pc,) = [p for p in site.coverage.policies if p.policy.display == BOUNDARY]
    return pc.statements


def test_the_used_allow_is_exercised_the_unused_one_flagged_the_deny_decided(tmp_path):
    site = _site(tmp_path, _run())
    used, unused, deny = _boundary(site)
    assert used.exercised
    assert used.caps
    # only the allowed request counts: the boundary cannot let an implicit deny through
    assert [h.scenario.title for h in used.hits] == ["the boundary lets a describe through"]
    assert [(s.page, s.anchor) for s in used.scenarios] == [(FEATURE_PAGE, "sc-7")]
    assert unused.measured
    assert not unused.exercised
    assert unused in site.coverage.idle
    assert unused.idle_words == "let no allowed request through"
    assert deny.exercised
    assert [h.decision for h in deny.hits] == ["explicitDeny"]
    assert site.coverage.unmeasured == 0
    # the boundary Deny is shown among the statements that decided the explicit deny
    (delete,) = [
        c
        for f in site.features
        for s in f.scenarios
        for c in s.calls
        if c.record.action == "connect:DeleteUser"
    ]
    assert [link.label for link in delete.deciding] == [
        f"{DEPT} statement 2 (NeverDelete)",
        f"{BOUNDARY} statement 3 (NoDeletes)",
    ]


def test_a_boundary_deny_the_simulator_names_too_counts_once(tmp_path):
    site = _site(tmp_path, _run(aws_names_the_deny=True))
    deny = _boundary(site)[2]
    assert len(deny.hits) == 1
    (delete,) = [
        c
        for f in site.features
        for s in f.scenarios
        for c in s.calls
        if c.record.action == "connect:DeleteUser"
    ]
    assert len(delete.deciding) == 2


def test_a_run_without_the_data_leaves_the_boundary_not_measured(tmp_path):
    site = _site(tmp_path, _run(recorded=False))
    assert [(s.measured, s.exercised) for s in _boundary(site)] == [(False, False)] * 3
    assert site.coverage.unmeasured == 3
    assert not any(s.policy.display == BOUNDARY for s in site.coverage.idle)
    # a Deny the simulator names is a hit whatever was recorded
    named = _site(tmp_path / "named", _run(recorded=False, aws_names_the_deny=True))
    assert [(s.measured, s.exercised) for s in _boundary(named)] == [
        (False, False),
        (False, False),
        (True, True),
    ]


def _text(html: str) -> str:
    """The page's text: tags dropped, whitespace collapsed."""
    import re
    from html import unescape

    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_the_pages_say_so(tmp_path, fmt):
    ext = "html" if fmt == "html" else "md"
    out = tmp_path / "site"
    write_site(_site(tmp_path, _run()), out, fmt)
    page = (out / f"policy-boundary.{ext}").read_text(encoding="utf-8")
    text = _text(page) if fmt == "html" else page
    assert "let 1 scenario through" in text
    assert f"{FEATURE_PAGE}.{ext}#sc-7" in page  # linked to the scenario it let through
    assert f"{FEATURE_PAGE}.{ext}#sc-20" not in page  # the Prod describe was denied
    assert "let no allowed request through" in text
    assert "not measured" not in text
    coverage = (out / f"coverage.{ext}").read_text(encoding="utf-8")
    assert "Not measured" not in coverage
    flagged = (
        "statement 2 (WisdomToo)</a> (Allow of a permissions boundary: let no allowed"
        if (fmt == "html")
        else "statement 2 (WisdomToo)](policy-boundary.md#"
    )
    assert flagged in coverage
    assert "let no allowed request through" in coverage
    feature = (out / f"{FEATURE_PAGE}.{ext}").read_text(encoding="utf-8")
    assert "let 1 scenario through here" in (_text(feature) if fmt == "html" else feature)


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_the_pages_say_not_measured_without_the_data(tmp_path, fmt):
    ext = "html" if fmt == "html" else "md"
    out = tmp_path / "site"
    write_site(_site(tmp_path, _run(recorded=False)), out, fmt)
    page = (out / f"policy-boundary.{ext}").read_text(encoding="utf-8")
    text = _text(page) if fmt == "html" else page
    assert text.count("not measured (boundary not recorded)") == 3
    assert "let no allowed request through" not in text
    coverage = (out / f"coverage.{ext}").read_text(encoding="utf-8")
    text = _text(coverage) if fmt == "html" else coverage
    assert "Not measured" in text
    assert "3 permissions-boundary statements: the run did not record" in text
