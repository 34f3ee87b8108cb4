"""A project step: the nightly live role, by the name the features give it.

The role's policy is this repository's own (``policies/iamspec/nightly-live-role.json``), so
the phrase saying so belongs to the project, not to iamspec's library::

    Given the nightly live role "nightly-live"

reads as ``Given the IAM role "nightly-live" with the policy
"iamspec/nightly-live-role.json"``. ``parsers.parse`` keeps the phrase readable, which also
lets an almost-right step suggest it ("did you mean").
"""

from __future__ import annotations

from pytest_bdd import given, parsers

from iamspec.harness.world import World

NIGHTLY_ROLE_POLICY = "iamspec/nightly-live-role.json"
"""The nightly role's permissions policy, relative to the policy folder."""


@given(parsers.parse('the nightly live role "{name}"'))
def nightly_live_role(world: World, name: str) -> None:
    world.add_principal("IAM role", name, NIGHTLY_ROLE_POLICY)
