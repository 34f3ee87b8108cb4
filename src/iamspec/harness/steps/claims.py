"""Then-steps for universal claims: proven for every request, or refuted by one shown request.

Vocabulary (the grammar is :func:`iamspec.harness.phrases.parse_claim`)::

    Then "P" may call "ACTIONS" [on a KIND] only when CONDITION
    Then "P" may call "ACTIONS" [on a KIND] exactly when CONDITION
    Then "P" may always call "ACTIONS" [on a KIND]
    Then "P" may never call "ACTIONS" [on a KIND]
    Then "P", whatever its tags, may ...                    (the caller's tags left free)
    Then the policy "NEW" grants nothing that "OLD" does not [for actions matching "PATTERNS"]
    Then the policy "A" grants exactly what "B" grants [for actions matching "PATTERNS"]
    Then the claim CLAIM is refuted by a request like:      | action   | connect:DeleteUser |
                                                            | decision | allowed            |

CONDITION joins clauses with ``and`` or with ``or``: ``the resource's tag "K" is "V"`` (also
``is not "V"``, ``is like "V*"``, ``is present``, ``is absent``, ``equals the caller's tag
"K"``), the same for ``the caller's tag "K"``, ``the request tag "K"`` and ``the context key
"KEY"``, ``the resource's ARN is "ARN"`` (or ``is like``), ``the resource is owned by the
Connect instance "I"``, ``the resource is the KIND "NAME"``.

The solver (z3) is loaded when the first claim runs, not with the plugin.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType

from pytest_bdd import parsers, then

from iamspec.harness.world import World


def _claims() -> ModuleType:
    """:mod:`iamspec.harness.claims`, imported (with z3) when the first claim runs."""
    return importlib.import_module("iamspec.harness.claims")


@then(parsers.re(r'(?P<claim>"[^"]+"(?:, whatever its tags,)? may (?:always |never )?call ".*)'))
def principal_claim(world: World, claim: str) -> None:
    _claims().prove_claim(world, claim, world.claim_timeout)


@then(parsers.re(r'(?P<claim>the polic(?:y|ies) "[^"]+" grants? (?:nothing|exactly) .*)'))
def policy_claim(world: World, claim: str) -> None:
    _claims().prove_claim(world, claim, world.claim_timeout)


@then(parsers.re(r"the claim (?P<claim>.+) is refuted by a request like:"))
def refuted_claim(world: World, claim: str, datatable: Sequence[Sequence[str]]) -> None:
    _claims().expect_refuted(world, claim, datatable, world.claim_timeout)
