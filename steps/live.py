"""Given-steps that only mean something live: deployed principals and known differences."""

from __future__ import annotations

from pytest_bdd import given, parsers

from iamspec.harness.world import World


@given(parsers.re(r'the deployed principal "(?P<name>[^"]+)"(?: tagged "(?P<tags>[^"]*)")?'))
def deployed_principal(world: World, name: str, tags: str | None) -> None:
    world.add_deployed_principal(name, tags or "")


@given(parsers.re(r'a known difference from AWS: "(?P<reason>[^"]*)"'))
def known_difference(world: World, reason: str) -> None:
    world.declare_known_difference(reason)
