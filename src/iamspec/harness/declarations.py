"""The things a scenario declares: IAM principals, AWS resources, their tags.

Plain data, filled in by :class:`iamspec.harness.world.World`. A principal is mutable while
the Given-steps run (a later step may add a policy or a group); the request builder takes a
frozen :class:`Caller` snapshot, which is what every backend receives.

Resources are named by a *kind* and a name, as the scenarios say them: the Connect user
"jdoe", the outbound campaign "spring-sale". The table of kinds is
:data:`iamspec.resource_kinds.RESOURCE_KINDS` (re-exported here); each names its IAM resource
type, whose ARN template (from the catalog) builds the ARN.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iamspec.catalog import ResourceType
from iamspec.engine.matching import compile_action_pattern
from iamspec.harness.policies import PolicyFile
from iamspec.resource_kinds import (
    RESOURCE_KINDS,
    PrincipalKind,
    ResourceKind,
)

__all__ = [
    "RESOURCE_KINDS",
    "Caller",
    "GroupView",
    "KnownDifferenceDeclaration",
    "Principal",
    "PrincipalKind",
    "Resource",
    "ResourceKind",
]


@dataclass
class Principal:
    """An IAM user, group or role of the scenario.

    ``policies`` are attached in the order the steps named them; ``groups`` (users only) are
    group names; ``tags`` are the principal's IAM tags (``aws:PrincipalTag/<key>`` when it
    calls). Groups carry neither tags nor a permissions boundary (IAM has neither for groups
    as principals).

    A ``deployed`` principal exists in the AWS account (``[tool.iamspec.deployed_principals]``):
    its policies, groups and boundary are the account's, not the scenario's, and only the live
    backend (SimulatePrincipalPolicy) can decide its requests. Its ``tags`` are read from the
    account, because the simulator does not fill ``aws:PrincipalTag`` in itself.
    """

    kind: PrincipalKind
    name: str
    arn: str
    policies: list[PolicyFile] = field(default_factory=list)
    boundary: PolicyFile | None = None
    tags: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    deployed: bool = False


@dataclass(frozen=True, slots=True, weakref_slot=True)
class GroupView:
    """A group the caller is in, with the policies attached to it."""

    name: str
    arn: str
    policies: tuple[PolicyFile, ...]


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Caller:
    """A frozen snapshot of the principal that makes a request, with everything that decides it.

    This is what SimulatePrincipalPolicy gathers for a user (its policies, its groups'
    policies, its boundary) or a role (its policies and boundary).
    """

    kind: PrincipalKind
    name: str
    arn: str
    policies: tuple[PolicyFile, ...]
    groups: tuple[GroupView, ...]
    boundary: PolicyFile | None
    tags: tuple[tuple[str, str], ...]
    deployed: bool = False
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Requests are grouped into batches by caller: hashed often, so hashed once.
        fields = (self.kind, self.name, self.arn, self.policies, self.groups, self.boundary)
        object.__setattr__(self, "_hash", hash((*fields, self.tags, self.deployed)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def iam_name(self) -> str:
        """The user or role name in IAM (the ARN's last part; ``aws:username`` of a user)."""
        return self.arn.rsplit("/", 1)[-1]

    @property
    def account(self) -> str:
        """The account id in the ARN (``aws:PrincipalAccount``)."""
        return self.arn.split(":")[4]

    def identity_policies(self) -> tuple[tuple[PolicyFile, str | None], ...]:
        """Every identity policy with the group it comes through (None: attached directly)."""
        own: list[tuple[PolicyFile, str | None]] = [(p, None) for p in self.policies]
        for group in self.groups:
            own.extend((p, group.name) for p in group.policies)
        return tuple(own)

    def policy_files(self) -> tuple[PolicyFile, ...]:
        """Every policy file that decides this caller's requests (boundary last), once each."""
        files = [p for p, _ in self.identity_policies()]
        if self.boundary is not None:
            files.append(self.boundary)
        return tuple(dict.fromkeys(files))


@dataclass(frozen=True)
class KnownDifferenceDeclaration:
    """A scenario's statement that AWS's simulator answers some actions otherwise, and why.

    Scoped to actions (patterns as in a policy's ``Action``, case-insensitive) so that it
    tolerates exactly the drift it names: a disagreement on any other action still fails.
    """

    actions: tuple[str, ...]
    reason: str

    def covers(self, action: str) -> bool:
        """True when ``action`` matches one of the declared patterns."""
        return any(compile_action_pattern(p).matches(action) for p in self.actions)


@dataclass(frozen=True)
class Resource:
    """A resource of the scenario: its kind, name, ARN, tags and IAM resource type.

    ``resource_type`` is None for a resource given as a raw ARN (``the ARN "arn:..."``): its
    type is then found per action by the catalog. ``instance_id`` is the Connect instance the
    resource belongs to (an instance's own id for an instance), else None.
    """

    kind: ResourceKind
    name: str
    arn: str
    resource_type: ResourceType | None
    tags: tuple[tuple[str, str], ...] = ()
    instance_id: str | None = None
    implicit_tag_keys: frozenset[str] = frozenset()
    """Tag keys the harness set itself (the campaign ``owner``), exempt from the typo guard."""

    @property
    def label(self) -> str:
        """``the Connect user "jdoe"`` — how messages name it."""
        return f'the {self.kind.phrase} "{self.name}"'
