"""The scenario world: the principals and resources a scenario declares, and its requests.

One :class:`World` per scenario (the ``world`` fixture). Given-steps declare IAM users,
groups and roles with their policy files, boundaries and tags, and resources (Connect
instances and users, outbound campaigns, AppIntegrations integrations, Wisdom assistants, KMS
keys...) with their tags. When-steps :meth:`World.ask`; the answers are kept in
:attr:`World.results` for the results file.

The world keeps the scenario's state and its rules (names unique per kind, users join groups,
one boundary...). It reads the steps' arguments with the phrase parser
(:mod:`iamspec.harness.phrases`, which fills ``{{placeholders}}``) and builds ARNs with
:mod:`iamspec.harness.resource_arns`: a Connect user "jdoe" in the instance "main" is
``arn:aws:connect:us-east-1:111122223333:instance/<main's id>/agent/jdoe``. A resource's id is
its name unless the step gives one (``with id "{{key-id}}"``). A name the scenario never
declared is an :class:`UnknownNameError` with "did you mean".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from iamspec.arns import parse_arn, parse_iam_entity
from iamspec.catalog import Catalog
from iamspec.harness.backends import Backend
from iamspec.harness.declarations import (
    Caller,
    GroupView,
    KnownDifferenceDeclaration,
    Principal,
    Resource,
)
from iamspec.harness.errors import ScenarioFailure, ScenarioInputError, UnknownNameError
from iamspec.harness.options import DEFAULT_CLAIM_TIMEOUT
from iamspec.harness.outcome import CallResult, Outcome
from iamspec.harness.phrases import (
    Phrases,
    ResourceRef,
    parse_names,
    principal_kind,
    principal_name,
    resource_kind,
)
from iamspec.harness.policies import PolicyFile, PolicyStore
from iamspec.harness.requests import Call, Expansion, RequestBuilder
from iamspec.harness.resource_arns import ResourceArns, connect_instance_id
from iamspec.policy.parser import PolicyKind
from iamspec.project.settings import Settings
from iamspec.records.results import ClaimRecord
from iamspec.resource_kinds import (
    KINDS_BY_PHRASE,
    RAW_ARN,
    PrincipalKind,
    ResourceKind,
)
from iamspec.suggest import close_matches

__all__ = ["World", "WorldTools"]


def _suggest(name: str, known: Sequence[str]) -> list[str]:
    return close_matches(name, known, ignore_case=True)


class WorldTools:
    """What every world of a run reads with and builds with: the request builder, the phrase
    parser and the ARN builder. They keep no scenario state (only memos of the catalog's
    answers), so the run makes them once (``tools`` of :class:`World`)."""

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.builder = RequestBuilder(catalog, settings.account_id)
        self.phrases = Phrases(settings.placeholder_values())
        self.arns = ResourceArns(catalog, settings)


class World:
    """What one scenario declared, and the requests it made.

    ``step`` is ``features/x.feature:12`` of the running step (set by the plugin) and goes into
    every :class:`CallResult`.
    """

    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        policies: PolicyStore,
        backend: Backend,
        tools: WorldTools | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.policies = policies
        self.backend = backend
        shared = tools if tools is not None else WorldTools(settings, catalog)
        self.builder = shared.builder
        self.phrases = shared.phrases
        """The phrase parser, with the project's ``{{placeholders}}``."""
        self.arns = shared.arns
        self.results: list[CallResult] = []
        self.step: str | None = None
        self.table_rows: tuple[str, ...] = ()
        """``features/x.feature:15`` of each row of the running step's data table (set by
        the plugin; the header row first), so that a row's error names the row's line."""
        self.live_only = False
        """The scenario carries the ``@live`` tag (set by the plugin)."""
        self.known_differences: list[KnownDifferenceDeclaration] = []
        """The actions AWS's simulator is known to answer otherwise here, and why."""
        self.claims: list[ClaimRecord] = []
        """The universal claims the scenario stated, answered (:mod:`iamspec.harness.claims`)."""
        self.claim_timeout = DEFAULT_CLAIM_TIMEOUT
        """Seconds one solver call of a claim may take (``--iam-claim-timeout``; set by the
        plugin)."""
        self._principals: dict[str, Principal] = {}
        self._resources: dict[tuple[str, str], Resource] = {}

    # -- helpers ------------------------------------------------------------------------------

    def fill(self, text: str) -> str:
        """A step argument with its ``{{placeholders}}`` filled."""
        return self.phrases.fill(text)

    def _tags(self, tags: str | Mapping[str, str]) -> dict[str, str]:
        return self.phrases.tags(tags) if isinstance(tags, str) else dict(tags)

    # -- principals ---------------------------------------------------------------------------

    def add_principal(
        self,
        kind: str | PrincipalKind,
        name: str,
        policies: str | Sequence[str] = (),
        tags: str | Mapping[str, str] = "",
    ) -> Principal:
        """Declare an IAM user, group or role with policy files (relative to policy_dir;
        ``"a.json, b.json"`` or a list) and tags (``"K=V, K=V"`` or a mapping)."""
        pkind = principal_kind(kind)
        if name in self._principals:
            raise ScenarioInputError(
                f'"{name}" is already declared (as the {self._principals[name].kind.phrase}); '
                "principal names are unique in a scenario"
            )
        principal_name(pkind, name)
        arn, _ = self.arns.build(KINDS_BY_PHRASE[pkind.phrase.lower()], name, None)
        principal = Principal(pkind, name, arn)
        self._principals[name] = principal
        self.add_policies(name, policies)
        parsed = self._tags(tags)
        if parsed:
            self.tag_principal(name, parsed)
        return principal

    def add_deployed_principal(self, name: str, tags: str | Mapping[str, str] = "") -> Principal:
        """Name a principal deployed in the AWS account (``[tool.iamspec.deployed_principals]``).

        Its policies, groups and boundary are the account's: only the live backend can decide
        its requests, so the scenario must be tagged ``@live`` (offline runs deselect it). Its
        tags are read from the account (the simulator does not fill ``aws:PrincipalTag``);
        ``tags`` the scenario states must be among them, or the scenario fails: the account no
        longer matches the specification.
        """
        if not self.live_only:
            raise ScenarioInputError(
                f'"{name}" is a deployed principal: tag the scenario @live (only '
                "--iam-backend=live can answer for a principal that lives in the account; "
                "offline runs deselect @live scenarios)"
            )
        arn = self.settings.deployed_principals.get(name)
        if arn is None:
            error = UnknownNameError(
                "deployed principal", name, _suggest(name, list(self.settings.deployed_principals))
            )
            error.add_note(
                f"list it in [tool.iamspec.deployed_principals] of {self.settings.source}"
            )
            raise error
        if name in self._principals:
            raise ScenarioInputError(f'"{name}" is already declared')
        entity = parse_iam_entity(arn)  # the settings hold only IAM user and role ARNs
        kind = PrincipalKind.USER if entity and entity.kind == "user" else PrincipalKind.ROLE
        actual = self.backend.deployed_tags(name, arn)
        stated = self._tags(tags)
        differ = {k: v for k, v in stated.items() if actual.get(k) != v}
        if differ:
            found = ", ".join(f"{k}={v}" for k, v in sorted(actual.items())) or "no tags"
            raise ScenarioFailure(
                f'the deployed principal "{name}" ({arn}) does not carry the tags the scenario '
                f"states: "
                + ", ".join(
                    f"{k}={v} (the account has {k}={actual[k]})"
                    if k in actual
                    else f"{k}={v} (absent in the account)"
                    for k, v in differ.items()
                )
                + f"; the account has {found}"
            )
        principal = Principal(kind, name, arn, tags=actual, deployed=True)
        self._principals[name] = principal
        return principal

    def declare_known_difference(self, actions: str, reason: str) -> KnownDifferenceDeclaration:
        """State that AWS's simulator answers ``actions`` otherwise than the local evaluator.

        ``actions`` is ``"connect:DeleteUser"`` or several, comma-separated (wildcards allowed;
        each must match an action IAM defines). A drift on a request for one of them then does
        not fail the scenario, and the drift report lists it with the reason; a drift on any
        other action still fails. Must come before the first request and say why (a few
        words, ideally with a source).
        """
        text = " ".join(reason.split())
        if len(text.split()) < 3:
            raise ScenarioInputError(
                f"a known difference needs a reason of a few words (got {reason!r}): say what "
                "AWS does differently and, where there is one, cite the source"
            )
        patterns = tuple(dict.fromkeys(parse_names(actions)))
        if not patterns:
            raise ScenarioInputError(
                "name the actions the known difference is about, e.g. "
                'Given a known difference from AWS for "connect:DeleteUser": "<reason>"'
            )
        self.check_action_patterns(patterns)
        declared = {p.lower() for d in self.known_differences for p in d.actions}
        again = [p for p in patterns if p.lower() in declared]
        if again:
            raise ScenarioInputError(
                f"a known difference for {', '.join(again)} is already declared in this scenario"
            )
        if self.results:
            raise ScenarioInputError("declare a known difference before the first When-step")
        known = KnownDifferenceDeclaration(patterns, text)
        self.known_differences.append(known)
        return known

    def check_action_patterns(self, patterns: Sequence[str]) -> None:
        """Every pattern names actions IAM defines: an exact name must exist (the catalog's
        UnknownActionError with suggestions), a wildcard must match at least one."""
        for pattern in patterns:
            if "*" in pattern or "?" in pattern:
                if not self.catalog.expand(pattern):
                    raise ScenarioInputError(f"{pattern!r} matches no action IAM defines")
            else:
                self.catalog.action(pattern)

    def known_difference_for(self, action: str) -> str | None:
        """The declared reason that covers ``action``, if any."""
        for known in self.known_differences:
            if known.covers(action):
                return known.reason
        return None

    def answer(self, calls: Sequence[Call]) -> Outcome:
        """Have the backend answer ``calls`` and keep the results (known differences marked)."""
        outcome = self.backend.ask(calls, self.step)
        for result in outcome.results:
            result.known_difference = self.known_difference_for(result.call.action)
        self.results.extend(outcome.results)
        return outcome

    def declared_principals(self) -> tuple[Principal, ...]:
        """Every principal declared so far, in order."""
        return tuple(self._principals.values())

    def loaded_policies(self) -> tuple[PolicyFile, ...]:
        """Every policy file the scenario's principals use (identity, then boundary), once."""
        files: list[PolicyFile] = []
        for principal in self._principals.values():
            files.extend(principal.policies)
            if principal.boundary is not None:
                files.append(principal.boundary)
        return tuple(dict.fromkeys(files))

    def declared_resources(self) -> tuple[Resource, ...]:
        """Every resource declared so far (and settings' instances used), in order."""
        return tuple(self._resources.values())

    def principal(self, name: str) -> Principal:
        """The declared principal ``name``; UnknownNameError with suggestions otherwise."""
        found = self._principals.get(name)
        if found is None:
            raise UnknownNameError("principal", name, _suggest(name, list(self._principals)))
        return found

    def _scenario_principal(self, name: str, change: str) -> Principal:
        """The principal ``name``, which the scenario defines (not a deployed one)."""
        principal = self.principal(name)
        if principal.deployed:
            raise ScenarioInputError(
                f'"{name}" is a deployed principal: its {change} are the AWS account\'s, '
                "not the scenario's (declare an IAM user or role to specify them)"
            )
        return principal

    def add_policies(self, name: str, policies: str | Sequence[str]) -> None:
        """Attach policy files to a principal (loaded and parsed now: errors name the file)."""
        principal = self._scenario_principal(name, "policies")
        for policy in parse_names(policies) if isinstance(policies, str) else policies:
            principal.policies.append(self.policies.load(policy.strip(), PolicyKind.IDENTITY))

    def set_boundary(self, name: str, policy: str) -> None:
        """Set a user's or role's permissions boundary (one; groups have none)."""
        principal = self._scenario_principal(name, "permissions boundary and policies")
        if principal.kind is PrincipalKind.GROUP:
            raise ScenarioInputError(
                f'"{name}" is an IAM group; groups have no permissions boundary'
            )
        if principal.boundary is not None:
            raise ScenarioInputError(
                f'"{name}" already has the permissions boundary {principal.boundary.display!r}; '
                "IAM allows one"
            )
        principal.boundary = self.policies.load(policy.strip(), PolicyKind.BOUNDARY)

    def tag_principal(self, name: str, tags: str | Mapping[str, str]) -> None:
        """Tag a user or role (its ``aws:PrincipalTag/<key>`` when it calls)."""
        principal = self._scenario_principal(name, "tags")
        if principal.kind is PrincipalKind.GROUP:
            raise ScenarioInputError(
                f'"{name}" is an IAM group; group tags are not principal tags (tag the user)'
            )
        parsed = self._tags(tags)
        for key in parsed:
            if key in principal.tags:
                raise ScenarioInputError(f'"{name}" is already tagged {key}={principal.tags[key]}')
        principal.tags.update(parsed)

    def add_to_group(self, user: str, group: str) -> None:
        """Make the IAM user ``user`` a member of the IAM group ``group``."""
        member = self._scenario_principal(user, "group memberships")
        target = self.principal(group)
        if member.kind is not PrincipalKind.USER:
            raise ScenarioInputError(f'"{user}" is an {member.kind.phrase}; only users join groups')
        if target.kind is not PrincipalKind.GROUP:
            raise ScenarioInputError(f'"{group}" is an {target.kind.phrase}, not an IAM group')
        if group not in member.groups:
            member.groups.append(group)

    def caller(self, name: str) -> Caller:
        """A frozen snapshot of ``name`` with its groups' policies, for the request builder."""
        principal = self.principal(name)
        groups = tuple(
            GroupView(g.name, g.arn, tuple(g.policies))
            for g in (self.principal(n) for n in principal.groups)
        )
        return Caller(
            kind=principal.kind,
            name=principal.name,
            arn=principal.arn,
            policies=tuple(principal.policies),
            groups=groups,
            boundary=principal.boundary,
            tags=tuple(principal.tags.items()),
            deployed=principal.deployed,
        )

    # -- resources ----------------------------------------------------------------------------

    def instance(self, name: str) -> Resource:
        """The Connect instance ``name``: declared, or listed in the settings (then untagged)."""
        key = ("connect instance", name)
        found = self._resources.get(key)
        if found is not None:
            return found
        settings = self.settings
        if name in settings.connect_instances or name == settings.default_connect_instance:
            return self.add_resource("Connect instance", name)
        known = [n for (k, n) in self._resources if k == "connect instance"]
        known += list(settings.connect_instances)
        error = UnknownNameError("Connect instance", name, _suggest(name, known))
        error.add_note(
            f'declare it (Given the Connect instance "{name}") or list it in '
            "[tool.iamspec.connect_instances]"
        )
        raise error

    def _make(
        self,
        kind_phrase: str | ResourceKind,
        name: str,
        *,
        instance: str | None = None,
        resource_id: str | None = None,
        owner: str | None = None,
        tags: str | Mapping[str, str] = "",
    ) -> Resource:
        kind = kind_phrase if isinstance(kind_phrase, ResourceKind) else resource_kind(kind_phrase)
        if kind.principal is not None:
            raise ScenarioInputError(
                f'declare IAM identities with "Given the {kind.phrase} \\"{name}\\"" '
                "(they are principals and resources at once)"
            )
        parsed = self._tags(tags)
        rid = self.fill(resource_id) if resource_id is not None else name
        instance_id: str | None = None
        if kind.resource_type == "instance":
            if instance is not None:
                raise ScenarioInputError("a Connect instance is not in another instance")
            if resource_id is None:
                rid = self.settings.connect_instance_id(name)
            instance_id = rid
        elif kind.in_instance:
            instance_id = self.instance(
                instance or self.settings.default_connect_instance
            ).instance_id
        elif instance is not None:
            raise ScenarioInputError(f"a {kind.phrase} does not belong to a Connect instance")
        implicit: frozenset[str] = frozenset()
        if owner is not None:
            if kind.resource_type != "campaign":
                raise ScenarioInputError(
                    f"only outbound campaigns are owned by a Connect instance, not a {kind.phrase}"
                )
            if "owner" in parsed:
                raise ScenarioInputError("the owner tag is set by 'owned by the Connect instance'")
            # Amazon Connect tags a campaign with owner=<instance ARN>; the seed's tag-based
            # policy matches aws:ResourceTag/owner against that ARN.
            parsed = {"owner": self.instance(owner).arn, **parsed}
            implicit = frozenset({"owner"})
        arn, rt = self.arns.build(
            kind, rid, None if kind.resource_type == "instance" else instance_id
        )
        return Resource(kind, name, arn, rt, tuple(parsed.items()), instance_id, implicit)

    def add_resource(
        self,
        kind: str,
        name: str,
        *,
        instance: str | None = None,
        resource_id: str | None = None,
        owner: str | None = None,
        tags: str | Mapping[str, str] = "",
    ) -> Resource:
        """Declare a resource (see :data:`~iamspec.harness.declarations.RESOURCE_KINDS` for kinds).

        ``instance`` places a Connect resource in a named instance (default: the settings'
        default instance); ``owner`` tags an outbound campaign ``owner=<instance ARN>``;
        ``tags`` is ``"Key=Value, Key=Value"``.
        """
        resource = self._make(
            kind, name, instance=instance, resource_id=resource_id, owner=owner, tags=tags
        )
        key = (resource.kind.phrase.lower(), name)
        if key in self._resources:
            raise ScenarioInputError(f"{resource.label} is already declared")
        self._resources[key] = resource
        return resource

    def raw_resource(self, arn: str) -> Resource:
        """A resource named by its ARN (no tags); MalformedArnError for text that is not one."""
        text = self.fill(arn)
        instance = connect_instance_id(parse_arn(text, strict=True))
        return Resource(RAW_ARN, text, text, None, (), instance)

    def resource(self, kind_phrase: str | ResourceKind, name: str) -> Resource:
        """A declared resource, an IAM principal as a resource, or a settings' instance.

        The kind ``ARN`` names a resource by its ARN (``the ARN "arn:aws:..."``).
        """
        if isinstance(kind_phrase, ResourceKind):
            kind = kind_phrase
        elif " ".join(kind_phrase.split()).lower() == RAW_ARN.phrase.lower():
            return self.raw_resource(name)
        else:
            kind = resource_kind(kind_phrase)
        if kind is RAW_ARN:
            return self.raw_resource(name)
        if kind.principal is not None:
            principal = self.principal(name)
            if principal.kind is not kind.principal:
                raise ScenarioInputError(
                    f'"{name}" is an {principal.kind.phrase}, not an {kind.phrase}'
                )
            _, rt = self.arns.build(kind, name, None)
            return Resource(kind, name, principal.arn, rt, tuple(principal.tags.items()))
        if kind.resource_type == "instance":
            return self.instance(name)
        found = self._resources.get((kind.phrase.lower(), name))
        if found is None:
            known = [n for (k, n) in self._resources if k == kind.phrase.lower()]
            error = UnknownNameError(kind.phrase, name, _suggest(name, known))
            error.add_note(f'declare it first: Given a {kind.phrase} "{name}"')
            raise error
        return found

    def resources_of(
        self, refs: Sequence[ResourceRef], *, new: bool = False
    ) -> tuple[Resource, ...]:
        """The resources ``refs`` name: looked up (declared ones), or with ``new`` built for a
        create request (then ``in the Connect instance "I"`` may place them)."""
        items: list[Resource] = []
        for ref in refs:
            if ref.is_arn:
                items.append(self.raw_resource(ref.name))
            elif new:
                items.append(self._make(ref.kind, ref.name, instance=ref.instance))
            else:
                if ref.instance is not None:
                    raise ScenarioInputError(
                        "name declared resources without 'in the Connect instance' "
                        f'(the {ref.kind.phrase} "{ref.name}")'
                    )
                items.append(self.resource(ref.kind, ref.name))
        return tuple(items)

    def parse_resources(self, phrase: str, *, new: bool = False) -> tuple[Resource, ...]:
        """``the Connect user "jdoe" and the routing profile "basic"`` → the resources
        (:func:`~iamspec.harness.phrases.parse_resources`, then :meth:`resources_of`)."""
        targets = self.phrases.resources(phrase)
        if targets.any_resource:
            raise ScenarioInputError(f"{phrase!r} names no resource here")
        return self.resources_of(targets.items, new=new)

    # -- requests -----------------------------------------------------------------------------

    def ask(
        self,
        principal: str,
        action: str,
        *,
        on: str | None = None,
        new: str | None = None,
        request_tags: str = "",
        context: str = "",
        expansion: Expansion = Expansion.SINGLE,
    ) -> Outcome:
        """Build the calls a When-step describes and have the backend answer them.

        ``on`` is a resource phrase, or ``"any resource"`` for ``*``; ``new`` a phrase naming
        a resource to create; neither means no resource. ``request_tags`` is
        ``"Key=Value, ..."``; ``context`` is extra context keys, ``"aws:SourceIp=203.0.113.7,
        ..."`` (a key given twice is multivalued).
        """
        resources: tuple[Resource, ...] = ()
        any_resource = False
        if new is not None:
            resources = self.parse_resources(new, new=True)
        elif on is not None:
            targets = self.phrases.resources(on)
            any_resource = targets.any_resource
            resources = self.resources_of(targets.items)
        calls = self.builder.build(
            self.caller(principal),
            action,
            resources=resources,
            any_resource=any_resource,
            request_tags=self.phrases.tags(request_tags),
            context=self.phrases.context(context),
            expansion=expansion,
        )
        return self.answer(calls)
