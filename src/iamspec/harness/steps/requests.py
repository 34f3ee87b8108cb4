"""When-steps: a principal calls an action (or every action a wildcard matches).

Every form ends with optional request tags and stated context keys::

    ... calls "connect:TagResource" on the Connect user "jdoe" with the request tags "Owner=A"
    ... calls "connect:DescribeUser" on any resource and the context "aws:SourceIp=203.0.113.7"
"""

from __future__ import annotations

from pytest_bdd import parsers, when

from iamspec.harness.outcome import Outcome
from iamspec.harness.requests import Expansion
from iamspec.harness.world import World

_WHO = r'"(?P<principal>[^"]+)" calls '
_EXTRA = (
    r'(?: with the request tags "(?P<tags>[^"]*)")?'
    r'(?: (?:and|with) the context "(?P<context>[^"]*)")?'
)


@when(
    parsers.re(_WHO + r'"(?P<action>[^"]+)"(?: on (?P<on>.+?))?' + _EXTRA), target_fixture="outcome"
)
def call_action(
    world: World, principal: str, action: str, on: str | None, tags: str | None, context: str | None
) -> Outcome:
    return world.ask(principal, action, on=on, request_tags=tags or "", context=context or "")


@when(
    parsers.re(_WHO + r'"(?P<action>[^"]+)" for (?:a|an) new (?P<new>.+?)' + _EXTRA),
    target_fixture="outcome",
)
def call_create(
    world: World, principal: str, action: str, new: str, tags: str | None, context: str | None
) -> Outcome:
    return world.ask(principal, action, new=new, request_tags=tags or "", context=context or "")


@when(
    parsers.re(_WHO + r'each action matching "(?P<pattern>[^"]+)"(?: on (?P<on>.+?))?' + _EXTRA),
    target_fixture="outcome",
)
def call_each(
    world: World,
    principal: str,
    pattern: str,
    on: str | None,
    tags: str | None,
    context: str | None,
) -> Outcome:
    return world.ask(
        principal,
        pattern,
        on=on,
        request_tags=tags or "",
        context=context or "",
        expansion=Expansion.EACH,
    )


@when(
    parsers.re(
        _WHO + r'each action matching "(?P<pattern>[^"]+)" that applies to (?P<on>.+?)' + _EXTRA
    ),
    target_fixture="outcome",
)
def call_each_applicable(
    world: World, principal: str, pattern: str, on: str, tags: str | None, context: str | None
) -> Outcome:
    return world.ask(
        principal,
        pattern,
        on=on,
        request_tags=tags or "",
        context=context or "",
        expansion=Expansion.APPLICABLE,
    )
