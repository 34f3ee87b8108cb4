"""Actions that cannot be restricted by resource tag, whatever the IAM data says: one table.

The request builder never sends ``aws:ResourceTag/*`` for them, and the linter reports a
resource-tag condition on them as one that never applies. The source is the Amazon Connect
page the project is built from ("Amazon Connect identity-based policy examples",
https://docs.aws.amazon.com/connect/latest/adminguide/security_iam_id-based-policy-examples.html;
docs/iam-semantics.md §7, §8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["TAG_EXCEPTIONS", "TagException", "untaggable"]


@dataclass(frozen=True)
class TagException:
    """An action that cannot be restricted by resource tag although the data may say it can."""

    action: str
    source: str
    note: str


_SEED = (
    "Amazon Connect identity-based policy examples, 'Tag-based permissions', Note: "
    '"connect-campaigns:ListCampaigns and connect-campaigns:GetCampaignStateBatch operations '
    'cannot be restricted by Tag." '
    "https://docs.aws.amazon.com/connect/latest/adminguide/security_iam_id-based-policy-examples.html"
)

TAG_EXCEPTIONS: Mapping[str, TagException] = {
    e.action.lower(): e
    for e in (
        TagException(
            "connect-campaigns:ListCampaigns",
            _SEED,
            "agrees with the Service Authorization Reference: the action has no resource type",
        ),
        TagException(
            "connect-campaigns:GetCampaignStateBatch",
            _SEED,
            "overrides the Service Authorization Reference, which lists the campaign resource "
            "type (and so aws:ResourceTag) for it (docs/iam-semantics.md §7, §8)",
        ),
    )
}
"""Actions whose requests never carry ``aws:ResourceTag/*``, with the citation. One table."""


def untaggable(action: str) -> TagException | None:
    """The exception for ``action`` (``service:Name``, any case), or None."""
    return TAG_EXCEPTIONS.get(action.lower())
