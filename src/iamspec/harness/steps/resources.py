"""Given-steps for resources: Connect instances and users, campaigns, integrations, keys."""

from __future__ import annotations

from pytest_bdd import given, parsers

from iamspec.harness.declarations import RESOURCE_KINDS
from iamspec.harness.world import World

_KINDS = "|".join(k.phrase for k in RESOURCE_KINDS if k.principal is None)


@given(
    parsers.re(
        rf'(?:the|a|an) (?P<kind>{_KINDS}) "(?P<name>[^"]+)"'
        r'(?: in the Connect instance "(?P<instance>[^"]+)")?'
        r'(?: with id "(?P<resource_id>[^"]+)")?'
        r'(?: owned by the Connect instance "(?P<owner>[^"]+)")?'
        r'(?: (?:and )?tagged "(?P<tags>[^"]*)")?'
    )
)
def declare_resource(
    world: World,
    kind: str,
    name: str,
    instance: str | None,
    resource_id: str | None,
    owner: str | None,
    tags: str | None,
) -> None:
    world.add_resource(
        kind, name, instance=instance, resource_id=resource_id, owner=owner, tags=tags or ""
    )
