"""The published Amazon Connect examples, linted: every defect, at its exact position.

The files under ``policies/published/`` are verbatim copies of the policies printed on
"Amazon Connect identity-based policy examples"
(https://docs.aws.amazon.com/connect/latest/adminguide/security_iam_id-based-policy-examples.html).
This table is the linter's side of
``features/errata.feature``; the feature shows the same defects in the living documentation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from iamspec.lint import lint_file
from tests.lint.kit import PUBLISHED

# file -> [(line:col, severity, code, text the message must contain)]
EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {
    "allow-iam-users-to-view-their-own-permissions.json": [],
    "grant-view-user-permissions.json": [],
    "allow-iam-users-to-integrate-with-external-applications.json": [
        ("1:285", "error", "unknown-service", "'app-integrations:DeleteEventIntegration'"),
        ("1:492", "error", "unknown-service", "'app-integrations:DeleteDataIntegration'"),
    ],
    "describe-and-update-amazon-connect-users-based-on-tags.json": [],
    "create-amazon-connect-users-based-on-tags.json": [],
    "create-and-view-amazon-appintegrations-resources.json": [
        ("1:177", "error", "malformed-action", "'app-integrations:ListEventIntegrations'"),
        ("1:200", "error", "json-syntax", "trailing comma before ']'"),
    ],
    "create-and-view-amazon-connect-wisdom-assistants.json": [
        ("1:174", "error", "json-syntax", "trailing comma before ']'"),
    ],
    "manage-outbound-campaigns-onboarding.json": [
        ("1:1", "error", "json-syntax", "statement fragment"),
        ("1:123", "error", "unfilled-placeholder", "'account-id' (account part)"),
        ("1:276", "error", "unfilled-placeholder", "'instance-id' (resource part)"),
        ("1:417", "warning", "create-slr-with-star-resource", "iam:AWSServiceName"),
    ],
    "manage-outbound-campaigns-disable.json": [
        ("1:167", "error", "unfilled-placeholder", "'key-id' (resource part)"),
        ("1:480", "error", "json-syntax", "missing '}'"),
    ],
    "manage-outbound-campaigns-management.json": [
        ("1:1", "error", "grammar", "statement fragment"),
        ("1:263", "error", "json-syntax", "missing comma between array elements"),
        (
            "1:263",
            "error",
            "renamed-action",
            "'connect-campaigns:UpdateCampaignOutboundCallConfig'",
        ),
        ("1:309", "error", "renamed-action", "'connect-campaigns:UpdateCampaignDialerConfig'"),
    ],
    "manage-outbound-campaigns-readonly.json": [
        ("1:1", "error", "grammar", "statement fragment"),
        ("1:255", "error", "json-syntax", "trailing comma before '}'"),
    ],
    "manage-outbound-campaigns-tag-based.json": [
        ("1:1", "error", "grammar", "statement fragment"),
        ("1:246", "error", "unfilled-placeholder", "'customer_account_id' (account part)"),
    ],
}


def test_every_published_file_is_listed() -> None:
    assert sorted(p.name for p in PUBLISHED.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_published_example(name: str) -> None:
    findings = lint_file(PUBLISHED / name)
    actual = [(f"{f.line}:{f.column}", f.severity.value, f.code) for f in findings]
    assert actual == [row[:3] for row in EXPECTED[name]], "\n".join(map(str, findings))
    for finding, (_, _, _, mention) in zip(findings, EXPECTED[name], strict=True):
        assert mention in finding.message


def test_positions_point_at_the_defect() -> None:
    """Each position is the character a reader must fix, checked against the raw text."""
    text = (PUBLISHED / "manage-outbound-campaigns-management.json").read_text()
    assert text[262:].startswith('"connect-campaigns:UpdateOutboundCallConfig"')  # 1:263
    text = (PUBLISHED / "create-and-view-amazon-appintegrations-resources.json").read_text()
    assert text[176] == ":"
    assert text[175] == ":"
    assert text[199] == ","  # 1:200, the trailing comma
    text = (PUBLISHED / "manage-outbound-campaigns-tag-based.json").read_text()
    assert text[245:].startswith("region:customer_account_id")  # 1:246


def test_the_copies_are_the_verified_page_lines() -> None:
    """Each copy is one line of the published page, byte for byte, plus a final newline.

    When the copies were made, each was checked to be a line of the page as published; their
    SHA-256 sums were recorded then in ``policies/published/SHA256SUMS``. A copy edited since
    (a "fix" that would hide a defect the errata document) or a copy without a recorded sum
    fails here.
    """
    sums = {}
    for line in (PUBLISHED / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name] = digest
    copies = {p.name: p.read_bytes() for p in PUBLISHED.glob("*.json")}
    assert sorted(copies) == sorted(sums)
    for name, data in copies.items():
        assert data.endswith(b"\n"), name
        assert data.count(b"\n") == 1, name
        assert hashlib.sha256(data).hexdigest() == sums[name], name


def _project_policies() -> list[Path]:
    return sorted(p for p in (PUBLISHED.parent).rglob("*.json") if PUBLISHED not in p.parents)


@pytest.mark.parametrize("path", _project_policies(), ids=lambda p: p.name)
def test_every_project_policy_lints_without_errors(path: Path) -> None:
    """The corrected policies (and the nightly role's trust policy, a resource-based policy
    with OIDC claims as condition keys) are what scenarios run: no linter error in them."""
    from iamspec.policy.parser import PolicyKind
    from iamspec.project.settings import load_settings

    settings = load_settings(PUBLISHED.parents[1])
    kind = PolicyKind.RESOURCE if path.name.endswith("-trust.json") else PolicyKind.IDENTITY
    findings = lint_file(path, kind=kind, placeholders=settings.placeholder_values().keys())
    assert [str(f) for f in findings if f.is_error] == []
