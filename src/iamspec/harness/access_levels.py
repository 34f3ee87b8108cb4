"""Access-level checks: a principal is denied every action of some services at some levels.

"Nothing that writes" cannot be proved with a hand-written list of actions: the list goes stale
the day a service adds one. The Service Authorization Reference gives every action an access
level (``List``, ``Read``, ``Write``, ``Permissions management``, ``Tagging``; an action may
have several, e.g. ``Tagging, Write``), so the check asks the catalog for every action of the
named services at the named levels and has the backend decide each one.

Each action is asked on ``*`` (what a ``"Resource": "*"`` grant covers) and on one probe ARN
per resource type the action takes, in the settings' partition, region and account (a grant on
``arn:aws:iam::111122223333:user/*`` allows ``iam:CreateUser`` on the probe user but not on
``*``). A probe's variables are filled with ``iamspec-probe`` (the Connect instance id with
the settings' default instance), so an allow that names specific resources or depends on tags
or request context the probe does not carry is not seen: the check proves "no grant on ``*``
or on the account's resources in general", not the absence of every conditional grant.

All requests go through the request builder (same ContextEntries as every other step) and
the backend in one :meth:`~iamspec.harness.backends.Backend.ask`, whose batching makes one
Simulate* call per (context, set of actions) group — tens of calls for hundreds of actions.
"""

from __future__ import annotations

from collections.abc import Sequence

from iamspec.arns import fill_template
from iamspec.catalog import ActionInfo, ResourceType
from iamspec.harness.decisions import (
    RULE,
    Expected,
    check_results,
    parse_decision,
    plain,
    render_failure,
    with_lint_warnings,
)
from iamspec.harness.declarations import Resource
from iamspec.harness.errors import ScenarioFailure, ScenarioInputError, UnknownNameError
from iamspec.harness.outcome import CallResult
from iamspec.harness.phrases import parse_names
from iamspec.harness.requests import Call, Expansion
from iamspec.harness.world import World
from iamspec.suggest import close_matches

__all__ = ["ACCESS_LEVELS", "PROBE_ID", "expect_denied_at_access_levels"]

ACCESS_LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")
"""The Service Authorization Reference's access levels, as it spells them."""

PROBE_ID = "iamspec-probe"
"""The id a probe ARN carries in each of its resource type's own variables."""

_DETAILED = 10  # full explanations in a failure message; every failing action is listed anyway


def _names(text: str, what: str) -> list[str]:
    names = list(dict.fromkeys(" ".join(n.split()) for n in parse_names(text)))
    if not names:
        raise ScenarioInputError(f"no {what} named in {text!r}")
    return names


def _levels(text: str) -> frozenset[str]:
    """The canonical spellings of the named levels; UnknownNameError for any other name."""
    canonical = {level.lower(): level for level in ACCESS_LEVELS}
    found: set[str] = set()
    for name in _names(text, "access level"):
        level = canonical.get(name.lower())
        if level is None:
            close = close_matches(name, ACCESS_LEVELS, limit=2, cutoff=0.5, ignore_case=True)
            error = UnknownNameError("access level", name, close)
            error.add_note("the access levels are " + ", ".join(ACCESS_LEVELS))
            raise error
        found.add(level)
    return frozenset(found)


def _actions(world: World, services: str, levels: frozenset[str]) -> tuple[ActionInfo, ...]:
    """Every action of the services with one of the levels; the catalog's errors for a typo."""
    catalog = world.catalog
    found: list[ActionInfo] = []
    for name in _names(services, "service"):
        catalog.service_name(name)  # UnknownServiceError, with suggestions, for a typo
        found.extend(
            info
            for info in catalog.expand(f"{name}:*")
            if levels & {part.strip() for part in info.access_level.split(",")}
        )
    if not found:
        raise ScenarioInputError(
            f"no action of {services!r} is at the access levels {', '.join(sorted(levels))}: "
            "the check would prove nothing"
        )
    return tuple(dict.fromkeys(found))


def _probe(world: World, resource_type: ResourceType) -> Resource:
    """A resource of ``resource_type`` in the settings' account: its ARN template, filled."""
    settings = world.settings
    template = resource_type.arn_templates[0]
    known = {
        "Partition": settings.partition,
        "Region": settings.region,
        "Account": settings.account_id,
    }
    if ":connect:" in template:  # EC2 has an ${InstanceId} too; only Connect's is an instance
        known["InstanceId"] = settings.connect_instance_id(settings.default_connect_instance)
    return world.raw_resource(fill_template(template, known, default=lambda _: PROBE_ID))


def _calls(world: World, principal: str, actions: Sequence[ActionInfo]) -> list[Call]:
    """Per action: one call on ``*`` and one on the probe of each of its resource types."""
    caller = world.caller(principal)
    probes: dict[tuple[str, str], Resource] = {}
    calls: list[Call] = []
    for info in actions:
        calls += world.builder.build(caller, info.full_name, any_resource=True)
        for resource_type, _ in world.catalog.resource_types(info):
            key = (resource_type.service, resource_type.name)
            if key not in probes:
                probes[key] = _probe(world, resource_type)
            calls += world.builder.build(
                caller, info.full_name, resources=(probes[key],), expansion=Expansion.SINGLE
            )
    return calls


def _summary(failures: Sequence[CallResult]) -> list[str]:
    """One line per failing action: its decision on each resource it failed on, and drift."""
    by_action: dict[str, list[str]] = {}
    for result in failures:
        by_action.setdefault(result.call.action, []).append(
            f"{plain(result.decision)} on {result.call.parts[0].resource}"
            + (" (DRIFT from the local evaluator)" if result.drift else "")
        )
    return [f"  {action}: " + "; ".join(where) for action, where in by_action.items()]


def expect_denied_at_access_levels(
    world: World, principal: str, services: str, levels: str, decision: str = "denied"
) -> None:
    """Assert ``principal`` is ``decision`` (a deny word) every action of the services' levels.

    ``services`` is ``"iam, sts, connect"``; ``levels`` is ``"Write, Permissions management,
    Tagging"`` (any case). Raises UnknownServiceError or UnknownNameError, with suggestions,
    for a name the reference does not know, ScenarioInputError when nothing would be checked
    or ``decision`` is ``allowed``, and ScenarioFailure listing every action that is allowed
    (or drifts, or is denied the other way) with the resources it was asked on.
    """
    __tracebackhide__ = True
    expected = parse_decision(decision)
    if expected is Expected.ALLOWED:
        raise ScenarioInputError(
            "this check proves denials; a probe resource cannot show that an action is allowed "
            "(use a decision table on the resources that matter)"
        )
    wanted = _levels(levels)
    actions = _actions(world, services, wanted)
    outcome = world.answer(_calls(world, principal, actions))
    failures = [result for result, _ in check_results(outcome.results, expected)]
    if not failures:
        return
    failing = list(dict.fromkeys(r.call.action for r in failures))
    lines = [
        f'"{principal}" should be {expected.value} every action of {services} at the access '
        f"levels {', '.join(sorted(wanted))} ({len(actions)} actions, {len(outcome.results)} "
        f"requests); not {expected.value}: {len(failing)} "
        + ("action" if len(failing) == 1 else "actions"),
        *_summary(failures),
    ]
    details = [render_failure(result, expected.value) for result in failures[:_DETAILED]]
    if len(failures) > len(details):
        lines.append(
            f"(the first {len(details)} of {len(failures)} failing requests in full below; "
            "every failing action is listed above)"
        )
    message = "\n".join(lines) + RULE + RULE.join(details)
    raise ScenarioFailure(with_lint_warnings(message, failures))
