"""Given-steps for IAM principals: users, groups, roles, policies, boundaries, tags."""

from __future__ import annotations

from pytest_bdd import given, parsers

from iamspec.harness.world import World

_POLICIES = r'(?: with the polic(?:y|ies) "(?P<policies>[^"]*)")?'
_TAGS = r'(?: (?:and )?tagged "(?P<tags>[^"]*)")?'


@given(
    parsers.re(
        r'(?:the|an) (?P<kind>IAM (?:user|group|role)) "(?P<name>[^"]+)"' + _POLICIES + _TAGS
    )
)
def declare_principal(
    world: World, kind: str, name: str, policies: str | None, tags: str | None
) -> None:
    world.add_principal(kind, name, policies or "", tags or "")


@given(parsers.re(r'"(?P<user>[^"]+)" is (?:a member of|in) the IAM group "(?P<group>[^"]+)"'))
def join_group(world: World, user: str, group: str) -> None:
    world.add_to_group(user, group)


@given(parsers.re(r'"(?P<name>[^"]+)" also has the polic(?:y|ies) "(?P<policies>[^"]+)"'))
def attach_policies(world: World, name: str, policies: str) -> None:
    world.add_policies(name, policies)


@given(parsers.re(r'"(?P<name>[^"]+)" has the permissions boundary "(?P<policy>[^"]+)"'))
def set_boundary(world: World, name: str, policy: str) -> None:
    world.set_boundary(name, policy)


@given(parsers.re(r'"(?P<name>[^"]+)" is tagged "(?P<tags>[^"]*)"'))
def tag_principal(world: World, name: str, tags: str) -> None:
    world.tag_principal(name, tags)
