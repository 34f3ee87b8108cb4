"""Then-steps: the expected decisions."""

from __future__ import annotations

from pytest_bdd import parsers, then

from iamspec.catalog import Catalog
from iamspec.harness import decisions
from iamspec.harness.outcome import Outcome
from iamspec.harness.world import World


@then(parsers.re(r"the request is (?P<decision>.+)"))
def request_is(outcome: Outcome, decision: str) -> None:
    decisions.expect(outcome, decision)


@then(parsers.re(r"(?:every|each) request is (?P<decision>.+)"))
def every_request_is(outcome: Outcome, decision: str) -> None:
    decisions.expect(outcome, decision, every=True)


@then(parsers.re(r'"(?P<principal>[^"]+)" gets these decisions:'))
def decision_table(world: World, principal: str, datatable: list[list[str]]) -> None:
    decisions.expect_table(world, principal, datatable)


@then(parsers.re(r'"(?P<pattern>[^"]+)" matches exactly these actions:'))
def expansion_is(iam_catalog: Catalog, pattern: str, datatable: list[list[str]]) -> None:
    decisions.expect_expansion(iam_catalog, pattern, datatable)
