"""The request builder: from what a scenario says to the exact questions the simulator gets.

A When-step says *who* calls *which action* (or every action a wildcard matches) on *which
resources*, perhaps with request tags. :class:`RequestBuilder` turns that into
:class:`Call` objects, one per real action, each made of :class:`SimRequest` parts (one per
resource), each with the ContextEntries a real request would carry. Every backend (local,
moto, live) receives these same entries, so any difference between backends is drift.

Rules (the README's "Writing scenarios"; docs/iam-semantics.md §7):

- An action IAM does not know is the catalog's UnknownActionError with its suggestion; a
  wildcard is expanded through the catalog (``connect:UpdateUser*`` is nine real actions).
- A resource must be one of the action's resource types, else a ScenarioInputError names the
  types the action takes. An action with a required resource type must be given a resource
  (or "any resource", i.e. ``*``); an action with none is simulated on ``*``.
- Context entries, each typed by the catalog's :meth:`~iamspec.catalog.Catalog.context_key_type`:

  ======================================  =================================================
  ``aws:PrincipalArn``, ``aws:PrincipalAccount``  every request (global keys page)
  ``aws:username``                        when the caller is an IAM user
  ``aws:PrincipalTag/<key>``              each tag of the calling user or role
  ``connect:InstanceId``                  when the action lists the key and the resource
                                          sits in a Connect instance
  ``aws:ResourceTag/<key>``               each tag of the resource, only where the catalog
                                          lists the key for the action or its resource type,
                                          and never for :data:`TAG_EXCEPTIONS`
  ``aws:RequestTag/<key>``, ``aws:TagKeys``  request tags, where the action lists the keys;
                                          request tags on an action that takes none are an
                                          error
  ======================================  =================================================

  The simulator infers nothing (docs/iam-semantics.md §1.2 ContextEntries; §10.5), so the harness
  supplies what a real request carries. Source of the global keys:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- Typo guard: a tag key (resource, request or principal) that is not a key the caller's
  policies read but is a slip for one (:func:`iamspec.suggest.is_typo`: the same but for case,
  or within 1 edit for keys up to 4 characters, 2 up to 9, 3 up to 14, one more every 5; a
  swap of two neighbouring letters counts one edit, so ``Taem`` is a slip for ``Team``) is a
  :class:`TagKeyTypoError`. A deny scenario must never pass because ``Departmnet=Test``
  matched nothing.

Batching: :func:`plan` groups parts by (caller, context) into :class:`Batch` es whose
actions x resources are exactly the wanted pairs, so a backend makes one Simulate* call per
batch.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from iamspec.catalog import CONTEXT_KEY_TYPES, ActionInfo, Catalog, ResourceType
from iamspec.engine.compiled import PolicyRole
from iamspec.harness.declarations import Caller, PrincipalKind, Resource
from iamspec.harness.errors import ScenarioInputError, TagKeyTypoError
from iamspec.policy.model import Policy
from iamspec.suggest import is_typo
from iamspec.tag_exceptions import TAG_EXCEPTIONS, TagException, untaggable

__all__ = [
    "TAG_EXCEPTIONS",
    "Batch",
    "Call",
    "ContextEntry",
    "Expansion",
    "RequestBuilder",
    "SimRequest",
    "TagException",
    "plan",
    "plan_parts",
    "policy_tag_keys",
]


@dataclass(frozen=True, slots=True)
class ContextEntry:
    """One ``ContextEntry`` as the Simulate* APIs take it."""

    name: str
    values: tuple[str, ...]
    type: str
    _hash: int = field(init=False, repr=False, compare=False)
    _order: str = field(init=False, repr=False, compare=False)
    """The name lower-cased: a request's entries are sorted by it."""

    def __post_init__(self) -> None:
        # Requests are grouped into batches by their context: hashed often, so hashed once.
        object.__setattr__(self, "_hash", hash((self.name, self.values, self.type)))
        object.__setattr__(self, "_order", self.name.lower())

    def __hash__(self) -> int:
        return self._hash

    def to_aws(self) -> dict[str, Any]:
        """``{"ContextKeyName": ..., "ContextKeyValues": [...], "ContextKeyType": ...}``."""
        return {
            "ContextKeyName": self.name,
            "ContextKeyValues": list(self.values),
            "ContextKeyType": self.type,
        }

    def __str__(self) -> str:
        shown = ", ".join(repr(v) for v in self.values)
        return f"{self.name} ({self.type}) = [{shown}]"


_ENTRY_ORDER = operator.attrgetter("_order")


def context_entry(catalog: Catalog, name: str, values: Sequence[str]) -> ContextEntry:
    """A ContextEntry typed as the catalog types ``name``.

    Raises UnknownContextKeyError (with suggestions) for a key nobody defines, and
    ScenarioInputError for several values under a single-valued key.
    """
    catalog.check_context_key(name)
    iam_type = catalog.context_key_type(name)
    aws_type = CONTEXT_KEY_TYPES.get(iam_type or "")
    if aws_type is None:
        raise ScenarioInputError(f"context key {name!r} has type {iam_type!r}, unknown to iamspec")
    if not aws_type.endswith("List") and len(values) != 1:
        raise ScenarioInputError(f"context key {name!r} is single-valued; got {list(values)!r}")
    return ContextEntry(name, tuple(values), aws_type)


@dataclass(frozen=True, slots=True, weakref_slot=True)
class SimRequest:
    """One (action, resource) question under one context, as sent to every backend.

    ``resource`` is an ARN or ``*``; ``target`` says it the way the scenario did;
    ``notes`` record what the builder decided to leave out, and why.
    """

    caller: Caller
    action: str
    resource: str
    target: str
    context: tuple[ContextEntry, ...]
    notes: tuple[str, ...] = ()

    def context_entries(self) -> list[dict[str, Any]]:
        return [e.to_aws() for e in self.context]


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Call:
    """One action as a scenario asks it: on one or more resources (one part each).

    An action that needs several resources (``connect:UpdateUserRoutingProfile`` needs the
    user and the routing profile) is authorized per resource; the call's decision is the most
    restrictive of its parts, as the simulator aggregates them.
    """

    caller: Caller
    action: str
    parts: tuple[SimRequest, ...]
    request_tags: tuple[tuple[str, str], ...] = ()

    @property
    def target(self) -> str:
        return " and ".join(p.target for p in self.parts)


class Expansion(Enum):
    """How a When-step treats the actions a pattern expands to."""

    SINGLE = "single"
    """One action, no wildcard: ``calls "connect:DescribeUser"``."""
    EACH = "each"
    """Every action the pattern matches; each must fit the resources, else an error."""
    APPLICABLE = "applicable"
    """Every action the pattern matches that takes the resources; the others are left out."""


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Batch:
    """What one Simulate* call asks: every action against every resource, one context."""

    caller: Caller
    context: tuple[ContextEntry, ...]
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def context_entries(self) -> list[dict[str, Any]]:
        return [e.to_aws() for e in self.context]


def plan(parts: Iterable[SimRequest], *, cross: bool = False) -> list[Batch]:
    """Group requests into batches (one Simulate* call each, before paging).

    Default (the local backend): one batch per (caller, context) and set of actions, so each
    batch's actions x resources are exactly the pairs wanted. With ``cross`` (the API
    backends, where a call costs more than an evaluation): one batch per (caller, context)
    carrying every action and every resource of the group; the backend evaluates the whole
    cross product and the caller keeps the pairs it asked for. Either way ``*`` never shares
    a batch with ARNs: the API expresses it by omitting ResourceArns. Order is first-seen.
    """
    return [batch for batch, _ in plan_parts(parts, cross=cross)]


def plan_parts(
    parts: Iterable[SimRequest], *, cross: bool = False
) -> list[tuple[Batch, list[SimRequest]]]:
    """:func:`plan`'s batches, each with the parts it answers (every part in exactly one)."""
    groups: dict[
        tuple[Caller, tuple[ContextEntry, ...]], tuple[dict[str, list[str]], list[SimRequest]]
    ] = {}
    for part in parts:
        key = (part.caller, part.context)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ({}, [])
        actions = group[0].setdefault(part.resource, [])
        if part.action not in actions:
            actions.append(part.action)
        group[1].append(part)
    planned: list[tuple[Batch, list[SimRequest]]] = []
    for (caller, context), (by_resource, members) in groups.items():
        merged: dict[tuple[bool, tuple[str, ...]], list[str]] = {}
        if cross:
            for star in (False, True):
                resources = [r for r in by_resource if (r == "*") is star]
                if resources:
                    union = dict.fromkeys(a for r in resources for a in by_resource[r])
                    merged[(star, tuple(union))] = resources
        else:
            for resource, actions in by_resource.items():
                merged.setdefault((resource == "*", tuple(actions)), []).append(resource)
        of_resource: dict[str, list[SimRequest]] = {}
        for (_, actions_key), resources in merged.items():
            answered: list[SimRequest] = []
            planned.append((Batch(caller, context, actions_key, tuple(resources)), answered))
            for resource in resources:
                of_resource[resource] = answered
        for part in members:
            of_resource[part.resource].append(part)
    return planned


# --------------------------------------------------------------------------------------------
# The typo guard

_TAG_PREFIXES = ("aws:resourcetag/", "aws:requesttag/", "aws:principaltag/", "iam:resourcetag/")


def _tag_keys_of(policy: Policy, referenced: Iterable[str]) -> list[str]:
    keys: list[str] = []
    for name in referenced:
        lowered = name.lower()
        for prefix in _TAG_PREFIXES:
            if lowered.startswith(prefix) and len(name) > len(prefix):
                keys.append(name[len(prefix) :])
    for statement in policy.statements:
        for clause in statement.conditions:
            if clause.key.text.lower() == "aws:tagkeys":
                keys.extend(v.text for v in clause.values if "*" not in v.text)
    return keys


def policy_tag_keys(caller: Caller) -> dict[str, str]:
    """Every tag key the caller's policies read → the policy file that reads it first."""
    found: dict[str, str] = {}
    files = [p for p, _ in caller.identity_policies()]
    if caller.boundary is not None:
        files.append(caller.boundary)
    for policy_file in files:
        role = PolicyRole.BOUNDARY if policy_file is caller.boundary else PolicyRole.IDENTITY
        for key in policy_file.tag_keys(role, _tag_keys_of):
            found.setdefault(key, policy_file.display)
    return found


def check_tag_keys(caller: Caller, tagged: Iterable[tuple[str, str]]) -> None:
    """Raise TagKeyTypoError for a (tag key, where) that is a near miss of a policy's key."""
    known = policy_tag_keys(caller)
    if not known:
        return
    for key, where in tagged:
        _check_tag_key(key, known, where)


def _check_tag_key(key: str, known: Mapping[str, str], where: str | Callable[[], str]) -> None:
    """Raise TagKeyTypoError when ``key`` is not a key of ``known`` (policy key → policy file)
    but a near miss of one; ``where`` says where the key was written (a function is called only
    then)."""
    if key in known:
        return
    for policy_key, policy in known.items():
        if is_typo(key, policy_key):
            place = where if isinstance(where, str) else where()
            raise TagKeyTypoError(key, policy_key, place, policy)


def _tag_of(resource: Resource) -> str:
    return f"tag of {resource.label}"


def _check_request_tag_keys(
    caller: Caller, request_tags: Mapping[str, str], resources: Sequence[Resource]
) -> None:
    """:func:`check_tag_keys` for the caller's tags, the request tags and the resources' tags
    (but the ones the harness set), in that order."""
    known = policy_tag_keys(caller)
    if not known:
        return
    if caller.tags:
        principal_tag = f'principal tag of "{caller.name}"'
        for key, _ in caller.tags:
            _check_tag_key(key, known, principal_tag)
    for key in request_tags:
        _check_tag_key(key, known, "request tag")
    for resource in resources:
        where = functools.partial(_tag_of, resource)
        for key, _ in resource.tags:
            if key not in resource.implicit_tag_keys:
                _check_tag_key(key, known, where)


# --------------------------------------------------------------------------------------------
# The builder


def _types_text(catalog: Catalog, info: ActionInfo) -> str:
    pairs = catalog.resource_types(info)
    if not pairs:
        return 'no resource type (Resource must be "*")'
    return ", ".join(f"{rt.name}{' (required)' if required else ''}" for rt, required in pairs)


def _type_name(resource: Resource) -> str:
    return f"a {resource.resource_type.name}, " if resource.resource_type is not None else ""


_INTERNED = 64
"""Context entries a :class:`RequestBuilder` keeps to hand out again: enough for a scenario's
requests (a resource's tag under each action asked of it), few enough to die young."""


class RequestBuilder:
    """Builds :class:`Call` objects; see the module docstring for the rules. It keeps no
    scenario state (only the entries it made, to hand the same objects out again), so one
    serves a whole run."""

    def __init__(self, catalog: Catalog, account_id: str) -> None:
        self.catalog = catalog
        self.account_id = account_id
        self._entries: dict[tuple[str, tuple[str, ...]], ContextEntry] = {}

    def _entry(self, name: str, values: Sequence[str]) -> ContextEntry:
        """:func:`context_entry`, one object per (name, values): scenarios repeat entries (a
        resource's tag under each action asked of it), and requests share them."""
        key = (name, tuple(values))
        found = self._entries.get(key)
        if found is None:
            found = context_entry(self.catalog, name, values)
            if len(self._entries) >= _INTERNED:
                self._entries.clear()
            self._entries[key] = found
        return found

    # -- actions ------------------------------------------------------------------------------

    def actions(self, text: str, expansion: Expansion) -> tuple[ActionInfo, ...]:
        """The real actions ``text`` names; raises the catalog's errors for unknown names."""
        if "*" in text or "?" in text:
            if expansion is Expansion.SINGLE:
                raise ScenarioInputError(
                    f"{text!r} is a wildcard: the simulator takes real action names only; "
                    f'say: calls each action matching "{text}"'
                )
            found = self.catalog.expand(text)
            if not found:
                raise ScenarioInputError(f"{text!r} matches no IAM action")
            return found
        return (self.catalog.action(text),)

    # -- resources ----------------------------------------------------------------------------

    def _fits(self, info: ActionInfo, resource: Resource) -> ResourceType | None:
        return self.catalog.resource_type_for_arn(info, resource.arn)

    def _misfit(self, info: ActionInfo, resource: Resource) -> str:
        return (
            f"{info.full_name} does not act on {resource.label} "
            f"({_type_name(resource)}{resource.arn}); it takes "
            f"{_types_text(self.catalog, info)}"
        )

    def _targets(
        self,
        infos: Sequence[ActionInfo],
        resources: Sequence[Resource],
        any_resource: bool,
        expansion: Expansion,
    ) -> list[tuple[ActionInfo, list[tuple[Resource | None, ResourceType | None]]]]:
        plans: list[tuple[ActionInfo, list[tuple[Resource | None, ResourceType | None]]]] = []
        problems: list[str] = []
        for info in infos:
            if any_resource:
                plans.append((info, [(None, None)]))
                continue
            if not resources:
                required = [rt.name for rt, req in self.catalog.resource_types(info) if req]
                if required:
                    problems.append(
                        f"{info.full_name} acts on {', '.join(required)}: name the resource "
                        '(on the ... "name") or say "on any resource" to simulate Resource '
                        '"*"'
                    )
                else:
                    plans.append((info, [(None, None)]))
                continue
            fitted: list[tuple[Resource | None, ResourceType | None]] = []
            misfits: list[str] = []
            for resource in resources:
                rt = self._fits(info, resource)
                if rt is None:
                    misfits.append(self._misfit(info, resource))
                else:
                    fitted.append((resource, rt))
            if not misfits:
                plans.append((info, fitted))
            elif expansion is not Expansion.APPLICABLE:
                problems.extend(misfits)
        if problems:
            hint = ""
            if expansion is Expansion.EACH and resources:
                hint = (
                    "\n(to check only the actions that take it, say: calls each action matching "
                    '"..." that applies to the ...)'
                )
            raise ScenarioInputError("\n".join(problems) + hint)
        if not plans:
            labels = " and ".join(r.label for r in resources)
            names = ", ".join(i.full_name for i in infos)
            raise ScenarioInputError(f"none of the actions ({names}) applies to {labels}")
        return plans

    # -- context ------------------------------------------------------------------------------

    def _principal_entries(self, caller: Caller) -> list[ContextEntry]:
        entries = [
            self._entry("aws:PrincipalArn", [caller.arn]),
            self._entry("aws:PrincipalAccount", [caller.account]),
        ]
        if caller.kind is PrincipalKind.USER:
            entries.append(self._entry("aws:username", [caller.iam_name]))
        entries.extend(self._entry(f"aws:PrincipalTag/{k}", [v]) for k, v in caller.tags)
        return entries

    def _resource_entries(
        self, info: ActionInfo, resource: Resource, rt: ResourceType
    ) -> tuple[list[ContextEntry], list[str]]:
        entries: list[ContextEntry] = []
        notes: list[str] = []
        cat = self.catalog
        if resource.instance_id is not None and cat.supports_condition_key(
            info, "connect:InstanceId", rt
        ):
            entries.append(self._entry("connect:InstanceId", [resource.instance_id]))
        exception = untaggable(info.full_name)
        for key, value in resource.tags:
            name = f"aws:ResourceTag/{key}"
            if exception is not None:
                notes.append(
                    f"{name} not sent: {exception.action} cannot be restricted by tag "
                    f"({exception.source}; {exception.note})"
                )
            elif cat.supports_condition_key(info, name, rt):
                entries.append(self._entry(name, [value]))
            else:
                notes.append(
                    f"{name} not sent: the Service Authorization Reference lists no "
                    f"aws:ResourceTag for {info.full_name} on {rt.name}"
                )
        return entries, notes

    def _request_tag_entries(
        self, info: ActionInfo, rt: ResourceType | None, request_tags: Mapping[str, str]
    ) -> list[ContextEntry]:
        if not request_tags:
            return []
        cat = self.catalog
        first = next(iter(request_tags))
        takes_tags = cat.supports_condition_key(info, f"aws:RequestTag/{first}", rt)
        takes_keys = cat.supports_condition_key(info, "aws:TagKeys", rt)
        if not takes_tags and not takes_keys:
            raise ScenarioInputError(
                f"{info.full_name} takes no request tags: the Service Authorization Reference "
                "lists neither aws:RequestTag/${TagKey} nor aws:TagKeys for it"
            )
        entries: list[ContextEntry] = []
        if takes_tags:
            entries.extend(self._entry(f"aws:RequestTag/{k}", [v]) for k, v in request_tags.items())
        if takes_keys:
            entries.append(self._entry("aws:TagKeys", list(request_tags)))
        return entries

    def _stated_entries(
        self,
        info: ActionInfo,
        rt: ResourceType | None,
        context: Sequence[tuple[str, str]],
        derived: Sequence[ContextEntry],
    ) -> list[ContextEntry]:
        if not context:
            return []
        grouped: dict[str, tuple[str, list[str]]] = {}
        for key, value in context:
            grouped.setdefault(key.lower(), (key, []))[1].append(value)
        taken = {e.name.lower() for e in derived}
        entries: list[ContextEntry] = []
        for lowered, (key, values) in grouped.items():
            if (
                any(lowered.startswith(p) for p in _TAG_PREFIXES)
                or lowered
                in (
                    "aws:tagkeys",
                    "aws:username",
                    "aws:principalarn",
                    "aws:principalaccount",
                )
                or lowered in taken
            ):
                raise ScenarioInputError(
                    f"{key} comes from the scenario itself (tags, request tags, the principal, "
                    "the resource); do not state it as context"
                )
            entry = self._entry(key, values)
            if not self.catalog.supports_condition_key(info, key, rt):
                raise ScenarioInputError(
                    f"{info.full_name} requests do not carry {key}: the Service Authorization "
                    "Reference does not list it for the action or its resource type"
                )
            entries.append(entry)
        return entries

    # -- the whole call -----------------------------------------------------------------------

    def build(
        self,
        caller: Caller,
        action: str,
        *,
        resources: Sequence[Resource] = (),
        any_resource: bool = False,
        request_tags: Mapping[str, str] | None = None,
        context: Sequence[tuple[str, str]] = (),
        expansion: Expansion = Expansion.SINGLE,
    ) -> tuple[Call, ...]:
        """The calls a When-step asks for.

        ``resources`` empty and ``any_resource`` False means "no resource": allowed only for
        actions without a required resource type. Raises the catalog's errors for unknown
        actions, ScenarioInputError for a resource the action does not take (or request tags
        it does not take), TagKeyTypoError for a near-miss tag key, UnknownContextKeyError for
        an unknown key.

        ``context`` adds context keys the scenario states (``aws:SourceIp``...), each typed by
        the catalog; a key the action's requests cannot carry, or one the harness derives from
        the scenario (tags, principal), is a ScenarioInputError.
        """
        if caller.kind is PrincipalKind.GROUP:
            raise ScenarioInputError(
                f'"{caller.name}" is an IAM group; groups cannot make requests: name a user '
                "in the group"
            )
        tags = dict(request_tags or {})
        _check_request_tag_keys(caller, tags, resources)

        infos = self.actions(action, expansion)
        principal_entries = self._principal_entries(caller)
        calls: list[Call] = []
        for info, targets in self._targets(infos, resources, any_resource, expansion):
            parts: list[SimRequest] = []
            for target, rt in targets:
                entries = list(principal_entries)
                notes: list[str] = []
                if target is not None and rt is not None:
                    resource_entries, notes = self._resource_entries(info, target, rt)
                    entries += resource_entries
                entries += self._request_tag_entries(info, rt, tags)
                entries += self._stated_entries(info, rt, context, entries)
                entries.sort(key=_ENTRY_ORDER)
                parts.append(
                    SimRequest(
                        caller=caller,
                        action=info.full_name,
                        resource=target.arn if target is not None else "*",
                        target=target.label if target is not None else "any resource (*)",
                        context=tuple(entries),
                        notes=tuple(notes),
                    )
                )
            calls.append(Call(caller, info.full_name, tuple(parts), tuple(tags.items())))
        return tuple(calls)
