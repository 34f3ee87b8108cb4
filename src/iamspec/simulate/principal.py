"""``simulate_principal_policy``: boto3's call, with the principal's policies read via a client.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
gathers, for a user: its inline and attached managed policies, the inline and attached
policies of every group it belongs to, and its permissions boundary; for a role: inline,
attached and boundary; for a group: inline and attached. The ``iam_client`` is any boto3 IAM
client: real AWS or moto.

Policy documents are read as IAM stores them (URL-decoded text, not re-serialised JSON), so
``MatchedStatements`` positions count into the stored document as AWS's do.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from iamspec.arns import IamEntity, parse_iam_arn, parse_iam_entity
from iamspec.catalog import Catalog
from iamspec.engine.compiled import CompiledPolicy, PolicyRole, compile_policy
from iamspec.errors import InvalidInputError, NoSuchEntityError
from iamspec.policy.parser import PolicyKind
from iamspec.simulate import core, inputs
from iamspec.simulate.custom import (
    IDENTITY_POLICY_TYPE,
    check_caller,
    compile_inputs,
    compile_resource_policy,
)
from iamspec.wildcards import Glob, compile_glob, compile_tokens, literal, wild

_RAW_KEY = "IamspecRawPolicyDocument"
_POLICY_OPERATIONS = ("GetUserPolicy", "GetGroupPolicy", "GetRolePolicy", "GetPolicyVersion")


def _keep_raw_document(parsed: dict[str, Any], **_: Any) -> None:
    """Copy the stored (URL-encoded) policy text before botocore turns it into a dict."""
    doc = parsed.get("PolicyDocument")
    if isinstance(doc, str):
        parsed[_RAW_KEY] = urllib.parse.unquote(doc)
    version = parsed.get("PolicyVersion")
    if isinstance(version, dict) and isinstance(version.get("Document"), str):
        parsed[_RAW_KEY] = urllib.parse.unquote(version["Document"])


@dataclass(frozen=True)
class PolicySource:
    """A policy found on the principal, before parsing.

    ``kind`` is the PolicyExclusionList type: inline, aws-managed, user-managed or
    permission-boundary. ``attachment`` is (user|group|role, entity name) for inline policies.
    """

    policy_id: str
    text: str
    kind: str
    arn: str | None = None
    attachment: tuple[str, str] | None = None


class PolicyReader(Protocol):
    """Where a principal's policies come from: a boto3 client, or moto's backend directly."""

    def gather(self, kind: str, name: str) -> tuple[list[PolicySource], PolicySource | None]:
        """The identity policies and the boundary of the user, group or role ``name``.

        Raises NoSuchEntityError when the entity does not exist.
        """
        ...


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page[key]


class Boto3PolicyReader:
    """Reads policies through IAM's read API (Get*/List*), real AWS or moto alike."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.entity_arn: str | None = None
        """The ARN IAM reports for the entity of the last :meth:`gather` (for the account)."""
        for op in _POLICY_OPERATIONS:
            client.meta.events.register_first(
                f"after-call.iam.{op}", _keep_raw_document, unique_id=f"iamspec-raw-{op}"
            )

    def _managed(self, arn: str, kind: str = "") -> PolicySource:
        meta = self.client.get_policy(PolicyArn=arn)["Policy"]
        version = self.client.get_policy_version(PolicyArn=arn, VersionId=meta["DefaultVersionId"])
        aws_managed = ":iam::aws:policy/" in arn
        return PolicySource(
            meta["PolicyName"],
            version[_RAW_KEY],
            kind or ("aws-managed" if aws_managed else "user-managed"),
            arn,
        )

    def _inline(self, kind: str, name: str) -> Iterator[PolicySource]:
        arg = {f"{kind.capitalize()}Name": name}
        for policy_name in _pages(self.client, f"list_{kind}_policies", "PolicyNames", **arg):
            doc = getattr(self.client, f"get_{kind}_policy")(PolicyName=policy_name, **arg)
            yield PolicySource(
                f"{kind}_{name}_{policy_name}", doc[_RAW_KEY], "inline", None, (kind, name)
            )

    def _attached(self, kind: str, name: str) -> Iterator[PolicySource]:
        arg = {f"{kind.capitalize()}Name": name}
        for att in _pages(self.client, f"list_attached_{kind}_policies", "AttachedPolicies", **arg):
            yield self._managed(att["PolicyArn"])

    def gather(self, kind: str, name: str) -> tuple[list[PolicySource], PolicySource | None]:
        try:
            entity = getattr(self.client, f"get_{kind}")(**{f"{kind.capitalize()}Name": name})
            self.entity_arn = entity.get(kind.capitalize(), {}).get("Arn")
            sources = [*self._inline(kind, name), *self._attached(kind, name)]
            if kind == "user":
                for group in _pages(self.client, "list_groups_for_user", "Groups", UserName=name):
                    sources += [
                        *self._inline("group", group["GroupName"]),
                        *self._attached("group", group["GroupName"]),
                    ]
            boundary = None
            attached = entity.get(kind.capitalize(), {}).get("PermissionsBoundary", {})
            if attached.get("PermissionsBoundaryArn"):
                boundary = self._managed(attached["PermissionsBoundaryArn"], "permission-boundary")
        except Exception as err:
            # botocore's ClientError, recognised by its shape so that this module does not
            # import botocore (typed) for one exception class.
            response = getattr(err, "response", None)
            error = response.get("Error", {}) if isinstance(response, dict) else {}
            if error.get("Code") == "NoSuchEntity":
                raise NoSuchEntityError(str(error.get("Message", name))) from err
            raise
        return sources, boundary


def gather_for(
    reader: PolicyReader, source_arn: str
) -> tuple[list[PolicySource], PolicySource | None]:
    """The policies of the entity ``source_arn`` names, read through ``reader``.

    Raises InvalidInputError for an ARN that names no IAM user, group or role, and for an
    entity of another account when the reader can tell the caller's account (a reader that
    exposes ``entity_arn``, as :class:`Boto3PolicyReader` does): AWS answers
    ``Invalid Policy Source Arn: caller's account A does not have access to policies in
    account B`` (docs/iam-semantics.md 1.2) rather than simulating a same-named local entity.
    """
    kind, name = parse_source_arn(source_arn)
    found = reader.gather(kind, name)
    actual = getattr(reader, "entity_arn", None)
    if isinstance(actual, str):
        wanted = _entity(source_arn)
        own = _entity(actual)
        if wanted is not None and own is not None and wanted.account != own.account:
            raise InvalidInputError(
                f"Invalid Policy Source Arn: caller's account {own.account} does not have "
                f"access to policies in account {wanted.account}"
            )
    return found


def parse_source_arn(source_arn: str) -> tuple[str, str]:
    """(user|group|role, name) of a PolicySourceArn; anything else is InvalidInput."""
    entity = _entity(source_arn)
    if entity is None:
        raise InvalidInputError(f"Invalid Entity Arn: {source_arn}")
    return entity.kind, entity.name


def _entity(arn: str) -> IamEntity | None:
    """The IAM user, group or role a PolicySourceArn names (its name not empty)."""
    entity = parse_iam_entity(arn)
    return entity if entity is not None and entity.name else None


_POLICY_TYPES = ("inline", "aws-managed", "user-managed", "permission-boundary", "scp", "rcp")
_ATTACHMENT_TYPES = ("user", "group", "role")


@dataclass(frozen=True)
class _Exclusion:
    """One validated PolicyExclusionList identifier."""

    policy_type: str | None = None
    policy_arn: Glob | None = None
    inline: tuple[str, str, Glob] | None = None  # (policy name, type, entity glob)

    def excludes(self, source: PolicySource) -> bool:
        if self.policy_type is not None:
            return self.policy_type == source.kind
        if self.policy_arn is not None:
            return source.arn is not None and self.policy_arn.matches(source.arn)
        if self.inline is not None and source.attachment is not None:
            policy_name, kind, entity = self.inline
            attached_kind, attached_name = source.attachment
            return (
                kind == attached_kind
                and entity.matches(attached_name)
                and source.policy_id == f"{attached_kind}_{attached_name}_{policy_name}"
            )
        return False


def _one_star(text: str, where: str) -> None:
    if text.count("*") > 1:
        raise InvalidInputError(f"{where} {text!r}: use at most one '*' wildcard")


def parse_exclusions(value: Any) -> list[_Exclusion]:
    """Validate PolicyExclusionList; a syntactically invalid identifier is InvalidInput.

    Rules from botocore's IAM model (``PolicyIdentifier``): exactly one of ``PolicyType``,
    ``PolicyArn``, ``InlinePolicyIdentifier``; a PolicyArn's resource name and an
    AttachmentName take at most one ``*`` and any number of ``?``. Identifiers that match
    nothing are ignored, as are ``scp`` and ``rcp`` (no organization policies are simulated).
    """
    items = inputs.optional_list(value, "PolicyExclusionList")
    if len(items) > 256:
        raise InvalidInputError("PolicyExclusionList takes at most 256 identifiers")
    out: list[_Exclusion] = []
    for i, ident in enumerate(items, 1):
        where = f"PolicyExclusionList.{i}"
        if not isinstance(ident, dict) or len(ident) != 1:
            raise InvalidInputError(f"{where} must hold exactly one identifier")
        ((member, spec),) = ident.items()
        if member == "PolicyType":
            if spec not in _POLICY_TYPES:
                raise InvalidInputError(
                    f"{where}.PolicyType {spec!r} is not one of {', '.join(_POLICY_TYPES)}"
                )
            out.append(_Exclusion(policy_type=spec))
        elif member == "PolicyArn":
            arn = parse_iam_arn(spec, aws_account=True) if isinstance(spec, str) else None
            if arn is None or not arn.resource.startswith("policy/") or arn.resource == "policy/":
                raise InvalidInputError(f"{where}.PolicyArn {spec!r} is not a managed policy ARN")
            policy = arn.resource.removeprefix("policy/")
            _one_star(policy, f"{where}.PolicyArn")
            head = spec[: len(spec) - len(policy)]
            glob = compile_tokens(literal(head) + wild(policy))
            out.append(_Exclusion(policy_arn=glob))
        elif member == "InlinePolicyIdentifier":
            if not isinstance(spec, dict):
                raise InvalidInputError(f"{where}.InlinePolicyIdentifier must be a structure")
            name = spec.get("PolicyName")
            kind = spec.get("AttachmentType")
            entity = spec.get("AttachmentName")
            if not isinstance(name, str) or not name:
                raise InvalidInputError(f"{where}.InlinePolicyIdentifier.PolicyName is required")
            if kind not in _ATTACHMENT_TYPES:
                raise InvalidInputError(
                    f"{where}.InlinePolicyIdentifier.AttachmentType must be user, group or role"
                )
            if not isinstance(entity, str) or not entity:
                raise InvalidInputError(
                    f"{where}.InlinePolicyIdentifier.AttachmentName is required"
                )
            _one_star(entity, f"{where}.InlinePolicyIdentifier.AttachmentName")
            out.append(_Exclusion(inline=(name, kind, compile_glob(entity))))
        else:
            raise InvalidInputError(
                f"{where}: unknown identifier {member!r}; expected PolicyType, PolicyArn or "
                "InlinePolicyIdentifier"
            )
    return out


def _excluded(source: PolicySource, exclusions: list[_Exclusion]) -> bool:
    return any(exclusion.excludes(source) for exclusion in exclusions)


def policy_from_source(source: PolicySource, role: PolicyRole) -> CompiledPolicy:
    kind = PolicyKind.BOUNDARY if role is PolicyRole.BOUNDARY else PolicyKind.IDENTITY
    policy = inputs.parsed_policy(source.text, source.policy_id, kind)
    return compile_policy(policy, source.policy_id, IDENTITY_POLICY_TYPE, role)


def simulate_principal_policy(
    iam_client: Any,
    **kwargs: Any,
) -> dict[str, Any]:
    """Answer as IAM's SimulatePrincipalPolicy does, reading policies through ``iam_client``.

    Raises NoSuchEntityError for a missing user, group or role and InvalidInputError for bad
    parameters (e.g. an assumed-role ARN: ``Invalid Entity Arn``). A supplied
    PermissionsBoundaryPolicyInputList replaces the entity's own boundary.
    """
    return simulate_principal_policy_with(Boto3PolicyReader(iam_client), **kwargs)


def simulate_principal_policy_with(
    reader: PolicyReader,
    *,
    PolicySourceArn: Any = None,  # boto3's parameter names
    ActionNames: Any = None,
    PolicyInputList: Any = None,
    PermissionsBoundaryPolicyInputList: Any = None,
    PolicyExclusionList: Any = None,
    ResourceArns: Any = None,
    ResourcePolicy: Any = None,
    ResourceOwner: Any = None,
    CallerArn: Any = None,
    ContextEntries: Any = None,
    ResourceHandlingOption: Any = None,
    MaxItems: Any = None,
    Marker: Any = None,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """SimulatePrincipalPolicy over any :class:`PolicyReader` (boto3 client or moto backend)."""
    PolicySourceArn = inputs.policy_source_arn(PolicySourceArn)
    actions = inputs.action_names(ActionNames)
    extra = inputs.optional_list(PolicyInputList, "PolicyInputList")
    boundary_texts = inputs.boundary_policies(PermissionsBoundaryPolicyInputList)
    exclusions = parse_exclusions(PolicyExclusionList)
    resources = inputs.resource_arns(ResourceArns)
    context = inputs.context_entries(ContextEntries)
    limit = inputs.max_items(MaxItems)
    caller = check_caller(CallerArn) or PolicySourceArn
    inputs.resource_owner(ResourceOwner)
    inputs.resource_handling_option(ResourceHandlingOption)
    inputs.marker(Marker)

    sources, own_boundary = gather_for(reader, PolicySourceArn)
    identity = [
        policy_from_source(s, PolicyRole.IDENTITY) for s in sources if not _excluded(s, exclusions)
    ]
    identity += compile_inputs(extra, "PolicyInputList", PolicyKind.IDENTITY, PolicyRole.IDENTITY)
    if boundary_texts:
        boundary = compile_inputs(
            boundary_texts,
            "PermissionsBoundaryPolicyInputList",
            PolicyKind.BOUNDARY,
            PolicyRole.BOUNDARY,
        )
    elif own_boundary is not None and not _excluded(own_boundary, exclusions):
        boundary = [policy_from_source(own_boundary, PolicyRole.BOUNDARY)]
    else:
        boundary = []
    resource_policy = compile_resource_policy(ResourcePolicy, caller)
    simulation = core.run(
        identity=identity,
        boundary=boundary,
        resource_policy=resource_policy,
        actions=actions,
        resources=resources,
        context=context,
        caller_arn=caller,
        catalog=catalog,
    )
    params = (
        PolicySourceArn,
        actions,
        extra,
        boundary_texts,
        resources,
        ContextEntries,
        ResourcePolicy,
        caller,
        PolicyExclusionList,
    )
    return core.page(simulation.results, limit, Marker, params)
