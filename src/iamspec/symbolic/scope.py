"""What a claim ranges over: which actions, which resources, and which context is fixed.

A :class:`Scope` leaves every part of a request symbolic that it does not pin: any action
its patterns match (the catalog's actions), any ARN of those actions' resource types, any
value (or absence) of every context key the policies read. It pins:

- ``actions``: IAM action patterns (``connect:UpdateUser*``), expanded through the catalog;
- ``resource_types``: ``service:type`` names (``connect:user``) the resource must have;
- ``resource``: ARN template variables with a fixed value (``{"Account": "111122223333"}``);
- ``context``: context keys with fixed values (a tuple) or fixed absence (``None``);
- ``principal``: the caller, whose ``aws:PrincipalArn``, ``aws:PrincipalAccount``,
  ``aws:username`` (IAM users only) and, when ``tags`` is given, every
  ``aws:PrincipalTag/<key>`` are fixed as the harness sends them
  (``iamspec.harness.requests``).

``catalog_keys`` (default True) lets a request carry a context key only where the Service
Authorization Reference lists it for the action and resource type, as the harness's request
builder does; False lets every key the policies read be present on every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from iamspec.arns import PARTITIONS
from iamspec.errors import SimulationInputError

PrincipalKindName = Literal["user", "role"]


@dataclass(frozen=True)
class ClaimPrincipal:
    """The caller of every request of a claim: an IAM user or role of one account.

    ``tags`` None leaves ``aws:PrincipalTag/*`` free; a mapping fixes them: those keys
    present with those values, every other principal tag absent.
    """

    kind: PrincipalKindName
    name: str
    account: str
    partition: str = "aws"
    tags: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("user", "role"):
            raise SimulationInputError(f"a principal is an IAM user or role, not {self.kind!r}")
        if self.partition not in PARTITIONS:
            raise SimulationInputError(
                f"{self.partition!r} is not an AWS partition ({', '.join(sorted(PARTITIONS))})"
            )

    @property
    def arn(self) -> str:
        """``arn:aws:iam::111122223333:user/test-admin``."""
        return f"arn:{self.partition}:iam::{self.account}:{self.kind}/{self.name}"

    def context(self) -> dict[str, tuple[str, ...] | None]:
        """The context keys the harness derives from the caller (tags apart)."""
        pins: dict[str, tuple[str, ...] | None] = {
            "aws:PrincipalArn": (self.arn,),
            "aws:PrincipalAccount": (self.account,),
            "aws:username": (self.name,) if self.kind == "user" else None,
        }
        for key, value in (self.tags or {}).items():
            pins[f"aws:PrincipalTag/{key}"] = (value,)
        return pins


@dataclass(frozen=True)
class Scope:
    """The requests a claim is about (see the module docstring)."""

    actions: tuple[str, ...] = ("*",)
    resource_types: tuple[str, ...] = ()
    resource: Mapping[str, str] = field(default_factory=dict)
    context: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)
    principal: ClaimPrincipal | None = None
    catalog_keys: bool = True

    def resource_pins(self) -> dict[str, str]:
        """The ARN template variables fixed for every request: :attr:`resource`, and the
        caller's partition as ``Partition`` (credentials of one partition reach no resource
        of another) unless :attr:`resource` names one."""
        pins = dict(self.resource)
        if self.principal is not None and "Partition" not in pins:
            pins["Partition"] = self.principal.partition
        return pins

    def __post_init__(self) -> None:
        if isinstance(self.actions, str):
            object.__setattr__(self, "actions", (self.actions,))
        if isinstance(self.resource_types, str):
            object.__setattr__(self, "resource_types", (self.resource_types,))
        if not self.actions:
            raise SimulationInputError("a scope names at least one action pattern")
        for key, values in self.context.items():
            if isinstance(values, str):
                raise SimulationInputError(
                    f"scope context {key!r}: give the values as a tuple, e.g. ({values!r},)"
                )

    def pinned_context(self) -> dict[str, tuple[str, ...] | None]:
        """Every fixed context key, lower-cased names → values (None: absent).

        Raises SimulationInputError when the principal and ``context`` fix one key
        differently.
        """
        pins: dict[str, tuple[str, ...] | None] = {}
        names: dict[str, str] = {}
        sources = [self.principal.context() if self.principal else {}, dict(self.context)]
        for source in sources:
            for key, values in source.items():
                lowered = key.lower()
                fixed = None if values is None else tuple(values)
                if lowered in pins and pins[lowered] != fixed:
                    raise SimulationInputError(
                        f"the scope fixes {key} twice, differently ({names[lowered]})"
                    )
                pins[lowered] = fixed
                names[lowered] = key
        return pins

    def key_names(self) -> dict[str, str]:
        """The fixed keys' lower-cased names → the spelling the scope uses."""
        names: dict[str, str] = {}
        for source in (self.principal.context() if self.principal else {}, self.context):
            for key in source:
                names.setdefault(key.lower(), key)
        return names

    def describe(self) -> str:
        """One line: ``connect:DescribeUser, connect:UpdateUser* on connect:user``."""
        text = ", ".join(self.actions)
        if self.resource_types:
            text += " on " + ", ".join(self.resource_types)
        if self.principal is not None:
            text += f" by the IAM {self.principal.kind} {self.principal.name}"
        return text
