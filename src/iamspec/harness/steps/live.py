"""Given-steps that only mean something live: deployed principals and known differences."""

from __future__ import annotations

from pytest_bdd import given, parsers

from iamspec.harness.errors import ScenarioInputError
from iamspec.harness.world import World


@given(parsers.re(r'the deployed principal "(?P<name>[^"]+)"(?: tagged "(?P<tags>[^"]*)")?'))
def deployed_principal(world: World, name: str, tags: str | None) -> None:
    world.add_deployed_principal(name, tags or "")


@given(parsers.re(r'a known difference from AWS for "(?P<actions>[^"]*)": "(?P<reason>[^"]*)"'))
def known_difference(world: World, actions: str, reason: str) -> None:
    world.declare_known_difference(actions, reason)


@given(parsers.re(r'a known difference from AWS: "(?P<reason>[^"]*)"'))
def unscoped_known_difference(reason: str) -> None:
    raise ScenarioInputError(
        "name the actions the known difference is about, so that it tolerates only their "
        'drift: Given a known difference from AWS for "connect:DeleteUser": "<reason>"'
    )
