"""The kinds of resource and principal the scenarios name, and the IAM resource type of each.

Plain data shared by the harness (the steps' phrases, ARN building) and the symbolic layer
(rendering a counterexample as a ready-to-paste scenario): ``the Connect user "jdoe"`` is the
``connect`` service's ``user`` resource type, whose ARN template the catalog gives. A new kind
is one row of :data:`RESOURCE_KINDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

__all__ = ["KINDS_BY_PHRASE", "RAW_ARN", "RESOURCE_KINDS", "PrincipalKind", "ResourceKind"]


class PrincipalKind(Enum):
    """The IAM identities a scenario can declare. Only users and roles make requests."""

    USER = "user"
    GROUP = "group"
    ROLE = "role"

    @property
    def phrase(self) -> str:
        """``IAM user``, ``IAM group``, ``IAM role`` — as the steps say it."""
        return f"IAM {self.value}"


@dataclass(frozen=True)
class ResourceKind:
    """A kind of resource the steps can name.

    ``phrase`` is the words of the steps (``Connect user``); ``service`` and ``resource_type``
    name the IAM resource type in the Service Authorization Reference, whose ARN template the
    catalog gives; ``in_instance`` says the ARN sits under a Connect instance.
    """

    phrase: str
    service: str
    resource_type: str
    in_instance: bool = False
    principal: PrincipalKind | None = None


RESOURCE_KINDS: tuple[ResourceKind, ...] = (
    ResourceKind("Connect instance", "connect", "instance"),
    ResourceKind("Connect user", "connect", "user", in_instance=True),
    ResourceKind("routing profile", "connect", "routing-profile", in_instance=True),
    ResourceKind("security profile", "connect", "security-profile", in_instance=True),
    ResourceKind("hierarchy group", "connect", "hierarchy-group", in_instance=True),
    ResourceKind("queue", "connect", "queue", in_instance=True),
    ResourceKind("outbound campaign", "connect-campaigns", "campaign"),
    ResourceKind(
        "event integration",
        "app-integrations",
        "event-integration",
    ),
    ResourceKind(
        "data integration",
        "app-integrations",
        "data-integration",
    ),
    ResourceKind("Wisdom assistant", "wisdom", "Assistant"),
    ResourceKind("KMS key", "kms", "key"),
    ResourceKind("IAM user", "iam", "user", principal=PrincipalKind.USER),
    ResourceKind("IAM group", "iam", "group", principal=PrincipalKind.GROUP),
    ResourceKind("IAM role", "iam", "role", principal=PrincipalKind.ROLE),
)
"""Every kind the steps know, by phrase (matched case-insensitively)."""

KINDS_BY_PHRASE: Mapping[str, ResourceKind] = {k.phrase.lower(): k for k in RESOURCE_KINDS}

RAW_ARN = ResourceKind("ARN", "", "")
"""The kind of a resource named by its ARN: ``the ARN "arn:aws:connect:..."``."""
