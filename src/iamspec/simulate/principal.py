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

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

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

_ENTITY_ARN = re.compile(r"arn:(?P<partition>[^:]+):iam::(?P<account>\d{12}):"
                         r"(?P<kind>user|group|role)/(?:.*/)?(?P<name>[^/]+)")
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


def _install_raw_hook(iam_client: Any) -> None:
    for op in _POLICY_OPERATIONS:
        iam_client.meta.events.register_first(
            f"after-call.iam.{op}", _keep_raw_document, unique_id=f"iamspec-raw-{op}"
        )


@dataclass(frozen=True)
class _Source:
    """A policy found on the principal, before parsing."""

    policy_id: str
    text: str
    kind: str  # inline | aws-managed | user-managed | permission-boundary
    arn: str | None
    attachment: tuple[str, str] | None  # (user|group|role, entity name) for inline policies


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page[key]


def _managed(client: Any, arn: str, kind: str = "") -> _Source:
    meta = client.get_policy(PolicyArn=arn)["Policy"]
    version = client.get_policy_version(PolicyArn=arn, VersionId=meta["DefaultVersionId"])
    text = version.get(_RAW_KEY)
    if text is None:  # pragma: no cover - the hook is always installed first
        raise InvalidInputError(f"could not read the stored document of {arn}")
    aws_managed = ":iam::aws:policy/" in arn
    return _Source(
        meta["PolicyName"],
        text,
        kind or ("aws-managed" if aws_managed else "user-managed"),
        arn,
        None,
    )


def _inline(client: Any, kind: str, name: str) -> Iterator[_Source]:
    cap = kind.capitalize()
    arg = {f"{cap}Name": name}
    for policy_name in _pages(client, f"list_{kind}_policies", "PolicyNames", **arg):
        doc = getattr(client, f"get_{kind}_policy")(PolicyName=policy_name, **arg)
        yield _Source(f"{kind}_{name}_{policy_name}", doc[_RAW_KEY], "inline", None, (kind, name))


def _attached(client: Any, kind: str, name: str) -> Iterator[_Source]:
    arg = {f"{kind.capitalize()}Name": name}
    for att in _pages(client, f"list_attached_{kind}_policies", "AttachedPolicies", **arg):
        yield _managed(client, att["PolicyArn"])


def gather(client: Any, source_arn: str) -> tuple[list[_Source], _Source | None]:
    """The identity policies and boundary of the entity ``source_arn`` names."""
    m = _ENTITY_ARN.fullmatch(source_arn)
    if m is None:
        raise InvalidInputError(f"Invalid Entity Arn: {source_arn}")
    kind, name = m["kind"], m["name"]
    _install_raw_hook(client)
    try:
        entity = getattr(client, f"get_{kind}")(**{f"{kind.capitalize()}Name": name})
        sources = [*_inline(client, kind, name), *_attached(client, kind, name)]
        if kind == "user":
            for group in _pages(client, "list_groups_for_user", "Groups", UserName=name):
                sources += [*_inline(client, "group", group["GroupName"]),
                            *_attached(client, "group", group["GroupName"])]
        boundary = None
        boundary_arn = entity.get(kind.capitalize(), {}).get("PermissionsBoundary", {})
        if boundary_arn.get("PermissionsBoundaryArn"):
            boundary = _managed(client, boundary_arn["PermissionsBoundaryArn"],
                                "permission-boundary")
    except ClientError as err:
        error = err.response.get("Error", {})
        if error.get("Code") == "NoSuchEntity":
            raise NoSuchEntityError(str(error.get("Message", source_arn))) from err
        raise
    return sources, boundary


def _excluded(source: _Source, exclusions: list[Any]) -> bool:
    for i, ident in enumerate(exclusions, 1):
        if not isinstance(ident, dict) or len(ident) != 1:
            raise InvalidInputError(f"PolicyExclusionList.{i} must hold exactly one identifier")
        if "PolicyType" in ident:
            if ident["PolicyType"] not in (
                "inline", "aws-managed", "user-managed", "permission-boundary", "scp", "rcp"
            ):
                raise InvalidInputError(f"PolicyExclusionList.{i}: unknown PolicyType")
            if ident["PolicyType"] == source.kind:
                return True
        elif "PolicyArn" in ident:
            if source.arn and _glob(ident["PolicyArn"]).fullmatch(source.arn):
                return True
        elif "InlinePolicyIdentifier" in ident:
            inline = ident["InlinePolicyIdentifier"]
            if source.attachment and source.policy_id.endswith("_" + str(inline["PolicyName"])):
                kind, name = source.attachment
                if kind == str(inline.get("AttachmentType", "")).lower() and _glob(
                    inline.get("AttachmentName", "")
                ).fullmatch(name):
                    return True
        else:
            raise InvalidInputError(f"PolicyExclusionList.{i}: unknown identifier")
    return False


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                              for c in pattern))


def _compile(source: _Source, role: PolicyRole) -> CompiledPolicy:
    kind = PolicyKind.BOUNDARY if role is PolicyRole.BOUNDARY else PolicyKind.IDENTITY
    policy = inputs.parsed_policy(source.text, source.policy_id, kind)
    return compile_policy(policy, source.policy_id, IDENTITY_POLICY_TYPE, role)


def simulate_principal_policy(
    iam_client: Any,
    *,
    PolicySourceArn: Any = None,  # noqa: N803 - boto3's parameter names
    ActionNames: Any = None,  # noqa: N803
    PolicyInputList: Any = None,  # noqa: N803
    PermissionsBoundaryPolicyInputList: Any = None,  # noqa: N803
    PolicyExclusionList: Any = None,  # noqa: N803
    ResourceArns: Any = None,  # noqa: N803
    ResourcePolicy: Any = None,  # noqa: N803
    ResourceOwner: Any = None,  # noqa: N803
    CallerArn: Any = None,  # noqa: N803
    ContextEntries: Any = None,  # noqa: N803
    ResourceHandlingOption: Any = None,  # noqa: N803
    MaxItems: Any = None,  # noqa: N803
    Marker: Any = None,  # noqa: N803
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Answer as IAM's SimulatePrincipalPolicy does, reading policies through ``iam_client``.

    Raises NoSuchEntityError for a missing user, group or role and InvalidInputError for bad
    parameters (e.g. an assumed-role ARN: ``Invalid Entity Arn``). A supplied
    PermissionsBoundaryPolicyInputList replaces the entity's own boundary.
    """
    if not isinstance(PolicySourceArn, str) or not 20 <= len(PolicySourceArn) <= 2048:
        raise InvalidInputError("PolicySourceArn must be an ARN of 20 to 2048 characters")
    actions = inputs.action_names(ActionNames)
    extra = inputs.optional_list(PolicyInputList, "PolicyInputList")
    boundary_texts = inputs.optional_list(
        PermissionsBoundaryPolicyInputList, "PermissionsBoundaryPolicyInputList"
    )
    if len(boundary_texts) > 1:
        raise InvalidInputError("PermissionsBoundaryPolicyInputList takes at most one policy")
    exclusions = inputs.optional_list(PolicyExclusionList, "PolicyExclusionList")
    if len(exclusions) > 256:
        raise InvalidInputError("PolicyExclusionList takes at most 256 identifiers")
    resources = inputs.resource_arns(ResourceArns)
    context = inputs.context_entries(ContextEntries)
    limit = inputs.max_items(MaxItems)
    caller = check_caller(CallerArn) or PolicySourceArn
    if ResourceOwner is not None and not isinstance(ResourceOwner, str):
        raise InvalidInputError("ResourceOwner must be a string")
    del ResourceHandlingOption  # accepted; EC2 scenarios are not modelled

    sources, own_boundary = gather(iam_client, PolicySourceArn)
    identity = [_compile(s, PolicyRole.IDENTITY) for s in sources if not _excluded(s, exclusions)]
    identity += compile_inputs(extra, "PolicyInputList", PolicyKind.IDENTITY, PolicyRole.IDENTITY)
    if boundary_texts:
        boundary = compile_inputs(
            boundary_texts,
            "PermissionsBoundaryPolicyInputList",
            PolicyKind.BOUNDARY,
            PolicyRole.BOUNDARY,
        )
    elif own_boundary is not None and not _excluded(own_boundary, exclusions):
        boundary = [_compile(own_boundary, PolicyRole.BOUNDARY)]
    else:
        boundary = []
    resource_policy = compile_resource_policy(ResourcePolicy, caller) if ResourcePolicy else None
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
    params = (PolicySourceArn, actions, extra, boundary_texts, resources, ContextEntries,
              ResourcePolicy, caller, PolicyExclusionList)
    return core.page(simulation.results, limit, Marker, params)
