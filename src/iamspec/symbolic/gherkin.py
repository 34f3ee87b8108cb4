"""A counterexample as a ready-to-paste Gherkin scenario, in the step library's own phrases.

The scenario declares the caller (with its policies, boundary and tags), the resource (a
kind the steps know, in its Connect instance, with its id and tags; else the raw ARN), makes
the request (request tags, stated context) and states the decision the engine gave::

    Scenario: counterexample to "a request for connect:DescribeUser ... only if ..."
      Given the IAM user "test-admin" with the policy "connect/view-users.json"
      And the Connect instance "instance-id" with id "instance-id"
      And a Connect user "user-id" in the Connect instance "instance-id" with id "user-id"
      When "test-admin" calls "connect:DescribeUser" on the Connect user "user-id"
      Then the request is allowed

The harness derives some context keys itself (``aws:PrincipalArn``, ``aws:PrincipalAccount``,
``aws:username`` for IAM users, ``connect:InstanceId``); where the counterexample's request
differs from what the scenario will send, or carries something no step can state (SCP
levels, tags on a raw ARN, a value with a comma), a ``# note:`` comment says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from iamspec.arns import parse_iam_entity
from iamspec.engine.evaluator import Decision
from iamspec.resource_kinds import RESOURCE_KINDS, ResourceKind
from iamspec.symbolic.concrete import ConcreteRequest
from iamspec.symbolic.policies import PolicySet
from iamspec.symbolic.replay import Replay
from iamspec.symbolic.scope import Scope


class RenderableCounterexample(Protocol):
    """What a scenario is rendered from (:class:`iamspec.symbolic.questions.Counterexample`).

    A protocol, so that the questions module renders its counterexamples through this one
    without the two modules importing each other.
    """

    @property
    def request(self) -> ConcreteRequest: ...

    @property
    def outcomes(self) -> tuple[tuple[str, Replay], ...]: ...

    @property
    def claim(self) -> str: ...

    @property
    def scope(self) -> Scope: ...

    @property
    def policy_sets(self) -> tuple[tuple[str, PolicySet], ...]: ...


_DECISIONS = {
    Decision.ALLOWED: "allowed",
    Decision.IMPLICIT_DENY: "implicitly denied",
    Decision.EXPLICIT_DENY: "explicitly denied",
}
_DERIVED = ("aws:principalarn", "aws:principalaccount", "aws:username")
_SPELLING = {
    "aws:principalarn": "aws:PrincipalArn",
    "aws:principalaccount": "aws:PrincipalAccount",
    "aws:username": "aws:username",
}
_TAG_PREFIXES = {
    "aws:principaltag/": "principal",
    "aws:resourcetag/": "resource",
    "aws:requesttag/": "request",
}
_ID = re.compile(r"[^\s/:\"]+")
_NAME = re.compile(r"[\w+=,.@-]{1,64}")


def _quote_ok(text: str) -> bool:
    return '"' not in text and "\n" not in text


def _pairs(pairs: Sequence[tuple[str, str]]) -> tuple[str, bool]:
    """``K=V, K=V`` and whether the steps read it back exactly."""
    exact = all(
        "," not in k + v and k == k.strip() and v == v.strip() and _quote_ok(k + v) and k
        for k, v in pairs
    )
    return ", ".join(f"{k}={v}" for k, v in pairs), exact


def _kind(resource_type: str | None) -> ResourceKind | None:
    if resource_type is None:
        return None
    service, _, name = resource_type.partition(":")
    for kind in RESOURCE_KINDS:
        if (
            kind.principal is None
            and kind.service == service
            and kind.resource_type.lower() == name.lower()
        ):
            return kind
    return None


def _policy_name(path: str, policy_dir: str | None) -> str:
    """``path`` relative to the policy folder, as the steps name policies (else as given)."""
    if policy_dir is None:
        return path
    try:
        return Path(path).resolve().relative_to(Path(policy_dir).resolve()).as_posix()
    except ValueError:
        return path


class _Scenario:
    def __init__(
        self, counterexample: RenderableCounterexample, label: str, policy_set: PolicySet
    ) -> None:
        self.counterexample = counterexample
        self.request: ConcreteRequest = counterexample.request
        self.label = label
        self.policy_set = policy_set
        self.lines: list[str] = []
        self.notes: list[str] = []

    def reads(self, key: str) -> bool:
        """Whether any policy of the set reads ``key`` (else what the harness adds for it
        cannot change the decision, and needs no note)."""
        lowered = key.lower()
        return any(
            lowered == k.lower() for p in self.policy_set.policies() for k in p.referenced_keys
        )

    def context(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {e.name.lower(): (e.name, e.values) for e in self.request.context}

    def caller(self) -> tuple[str, str, str | None]:
        """(kind phrase, name, account) of the caller."""
        principal = self.counterexample.scope.principal
        if principal is not None:
            return f"IAM {principal.kind}", principal.name, principal.account
        context = self.context()
        found = context.get("aws:principalarn")
        if found is not None and len(found[1]) == 1:
            entity = parse_iam_entity(found[1][0])
            if entity is not None and entity.kind != "group" and _NAME.fullmatch(entity.name):
                return f"IAM {entity.kind}", entity.name, entity.account
        username = context.get("aws:username")
        if username is not None and len(username[1]) == 1 and _NAME.fullmatch(username[1][0]):
            return "IAM user", username[1][0], None
        return "IAM role", "caller", None

    def render(self, policy_dir: str | None, settings: dict[str, str | None]) -> str:
        request = self.request
        context = self.context()
        kind, name, account = self.caller()
        policies = [_policy_name(p.policy_id, policy_dir) for p in self.policy_set.identity]
        word = "policy" if len(policies) == 1 else "policies"
        principal_tags: list[tuple[str, str]] = []
        resource_tags: list[tuple[str, str]] = []
        request_tags: list[tuple[str, str]] = []
        stated: list[tuple[str, str]] = []
        for lowered, (key, values) in context.items():
            prefix = next((p for p in _TAG_PREFIXES if lowered.startswith(p)), None)
            if prefix is not None:
                pairs = [(key[len(prefix) :], v) for v in values]
                {"principal": principal_tags, "resource": resource_tags, "request": request_tags}[
                    _TAG_PREFIXES[prefix]
                ].extend(pairs)
            elif lowered == "aws:tagkeys":
                self._tag_keys(values, context)
            elif lowered in _DERIVED or lowered == "connect:instanceid":
                continue
            else:
                stated.extend((key, v) for v in values)
        self._derived(kind, name, account, context)
        tags, exact = _pairs(principal_tags)
        if not exact:
            self.notes.append(f"principal tags {tags!r} cannot be written exactly in a step")
        line = f'Given the {kind} "{name}" with the {word} "{", ".join(policies)}"'
        if principal_tags:
            line += f' tagged "{tags}"'
        self.lines.append(line)
        if self.policy_set.boundary is not None:
            boundary = _policy_name(self.policy_set.boundary.policy_id, policy_dir)
            self.lines.append(f'And "{name}" has the permissions boundary "{boundary}"')
        if self.policy_set.organization:
            self.notes.append("the SCP levels of this request have no step; simulate them apart")
        target = self._resource(resource_tags, settings, context)
        when = f'When "{name}" calls "{request.action}"'
        if target:
            when += f" on {target}"
        if request_tags:
            text, exact = _pairs(request_tags)
            if not exact:
                self.notes.append(f"request tags {text!r} cannot be written exactly in a step")
            when += f' with the request tags "{text}"'
        if stated:
            text, exact = _pairs(stated)
            if not exact:
                self.notes.append(f"context {text!r} cannot be written exactly in a step")
            when += f' and the context "{text}"'
        self.lines.append(when)
        decision = dict(self.counterexample.outcomes)[self.label].decision
        self.lines.append(f"Then the request is {_DECISIONS[decision]}")
        return self._assemble()

    def _tag_keys(
        self, values: tuple[str, ...], context: dict[str, tuple[str, tuple[str, ...]]]
    ) -> None:
        carried = {k[len("aws:requesttag/") :] for k in context if k.startswith("aws:requesttag/")}
        missing = [v for v in values if v.lower() not in carried]
        if missing:
            self.notes.append(
                "aws:TagKeys also lists "
                + ", ".join(repr(m) for m in missing)
                + ": state them as request tags if the action takes aws:RequestTag"
            )

    def _derived(
        self,
        kind: str,
        name: str,
        account: str | None,
        context: dict[str, tuple[str, tuple[str, ...]]],
    ) -> None:
        """Note where the harness's own keys would differ from the counterexample's."""
        lacking = [k for k in ("aws:principalarn", "aws:principalaccount") if k not in context]
        if kind == "IAM user" and "aws:username" not in context:
            lacking.append("aws:username")
        if lacking:
            self.notes.append(
                "the scenario also sends "
                + ", ".join(lacking)
                + " (the harness derives them from the caller); this request had none"
            )
        if kind == "IAM role" and "aws:username" in context:
            self.notes.append("this request carries aws:username; only IAM users send it")
        if account is None:
            self.notes.append("the caller's account is the project's account_id")

    def _resource(
        self,
        tags: list[tuple[str, str]],
        settings: dict[str, str | None],
        context: dict[str, tuple[str, tuple[str, ...]]],
    ) -> str | None:
        request = self.request
        if request.resource == "*":
            if tags:
                self.notes.append("resource tags on a request for '*' have no step")
            return None
        kind = _kind(request.resource_type)
        segments = dict(request.segments)
        text, exact = _pairs(tags)
        if kind is not None and self._buildable(kind, segments, settings):
            own = [
                v
                for n, v in segments.items()
                if n not in ("Partition", "Region", "Account", "InstanceId")
            ]
            resource_id = own[0] if len(own) == 1 else None
            if resource_id is not None and _ID.fullmatch(resource_id):
                line = f'And a {kind.phrase} "{resource_id}"'
                if kind.resource_type == "instance":
                    line = f'And the Connect instance "{resource_id}" with id "{resource_id}"'
                elif kind.in_instance:
                    instance = segments["InstanceId"]
                    self.lines.append(f'And the Connect instance "{instance}" with id "{instance}"')
                    line += f' in the Connect instance "{instance}" with id "{resource_id}"'
                else:
                    line += f' with id "{resource_id}"'
                if tags:
                    line += f' tagged "{text}"'
                    if not exact:
                        self.notes.append(f"resource tags {text!r} cannot be written exactly")
                self.lines.append(line)
                if kind.in_instance or kind.resource_type == "instance":
                    self._instance_key(context, segments)
                return f'the {kind.phrase} "{resource_id}"'
        if tags:
            self.notes.append(
                f"the resource's tags ({text}) have no step for a raw ARN; the request "
                "carries them as aws:ResourceTag/*"
            )
        return f'the ARN "{request.resource}"'

    def _buildable(
        self, kind: ResourceKind, segments: dict[str, str], settings: dict[str, str | None]
    ) -> bool:
        """Whether the harness builds exactly this ARN for that kind (same partition, region,
        account as the project's settings, when those are known)."""
        for name in ("Partition", "Region", "Account"):
            wanted = settings.get(name)
            if name in segments and wanted is not None and segments[name] != wanted:
                return False
        return not kind.in_instance or _ID.fullmatch(segments.get("InstanceId", "")) is not None

    def _instance_key(
        self, context: dict[str, tuple[str, tuple[str, ...]]], segments: dict[str, str]
    ) -> None:
        found = context.get("connect:instanceid")
        if not self.reads("connect:InstanceId"):
            return
        if found is None:
            self.notes.append(
                "where the action takes connect:InstanceId the scenario also sends it "
                f"({segments.get('InstanceId')}); this request had none"
            )
        elif found[1] != (segments.get("InstanceId"),):
            self.notes.append(f"connect:InstanceId was {found[1]!r}, not the ARN's instance")

    def _assemble(self) -> str:
        claim = self.counterexample.claim.replace('"', "'")
        title = f'Scenario: counterexample to "{claim}"'
        if len(self.counterexample.outcomes) > 1:
            title += f" (under the {self.label} policies)"
        body = [f"  # note: {n}" for n in self.notes] + [f"  {line}" for line in self.lines]
        return "\n".join([title, *body])


def render_scenario(
    counterexample: RenderableCounterexample,
    *,
    policy_dir: str | None = None,
    partition: str | None = None,
    region: str | None = None,
    account: str | None = None,
) -> str:
    """The counterexample as scenario text (one scenario per policy set it was replayed on).

    ``policy_dir`` makes policy paths relative to the project's policy folder, as the steps
    name them; ``partition``/``region``/``account`` are the project's settings, which the
    harness uses to build resource ARNs (a resource elsewhere is named by its raw ARN).
    """
    settings = {"Partition": partition, "Region": region, "Account": account}
    sets = dict(counterexample.policy_sets)
    scenarios = [
        _Scenario(counterexample, label, sets[label]).render(policy_dir, settings)
        for label, _ in counterexample.outcomes
    ]
    return "\n\n".join(scenarios)
