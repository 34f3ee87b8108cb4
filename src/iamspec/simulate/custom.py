"""``simulate_custom_policy``: boto3's ``IAM.Client.simulate_custom_policy``, answered locally.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamspec.arns import parse_iam_entity
from iamspec.catalog import Catalog
from iamspec.engine.compiled import CompiledPolicy, PolicyRole, compile_policy
from iamspec.errors import InvalidInputError
from iamspec.policy.parser import PolicyKind
from iamspec.simulate import core, inputs

IDENTITY_POLICY_TYPE = "IAM Policy"
RESOURCE_POLICY_TYPE = "Resource Policy"


def compile_inputs(
    policies: list[Any], source: str, kind: PolicyKind, role: PolicyRole
) -> list[CompiledPolicy]:
    """Parse and compile a list parameter of policy strings; ids are ``<source>.<n>``."""
    compiled = []
    for i, text in enumerate(policies, 1):
        policy_id = f"{source}.{i}"
        policy = inputs.parsed_policy(text, policy_id, kind)
        compiled.append(compile_policy(policy, policy_id, IDENTITY_POLICY_TYPE, role))
    return compiled


def compile_resource_policy(text: Any, caller_arn: Any) -> CompiledPolicy | None:
    """The ResourcePolicy parameter; it needs an IAM user as CallerArn (ScottLogic/blog#308)."""
    if text is None:
        return None
    if caller_arn is None:
        raise InvalidInputError("CallerArn is required when ResourcePolicy is given")
    entity = parse_iam_entity(caller_arn) if isinstance(caller_arn, str) else None
    if entity is None or entity.kind != "user":
        raise InvalidInputError("Invalid caller - Caller must be an IAM user in this context.")
    policy = inputs.parsed_policy(text, "ResourcePolicy", PolicyKind.RESOURCE)
    return compile_policy(policy, "ResourcePolicy", RESOURCE_POLICY_TYPE, PolicyRole.RESOURCE)


MAX_ORGANIZATION_LEVELS = 7
SCP_POLICY_TYPE = "Service Control Policy"


def compile_organization(value: Any) -> list[list[CompiledPolicy]]:
    """OrderedOrganizationPolicyInputList: per level (root first), its compiled SCPs.

    At most 7 levels; each a structure whose ``ServiceControlPolicyInputList`` is a list of
    SCP strings (ids ``OrderedOrganizationPolicyInputList.N.ServiceControlPolicyInputList.M``).
    """
    name = "OrderedOrganizationPolicyInputList"
    levels = inputs.optional_list(value, name)
    if len(levels) > MAX_ORGANIZATION_LEVELS:
        raise InvalidInputError(f"{name} takes at most {MAX_ORGANIZATION_LEVELS} levels")
    compiled: list[list[CompiledPolicy]] = []
    for i, level in enumerate(levels, 1):
        where = f"{name}.{i}"
        if not isinstance(level, Mapping) or set(level) - {"ServiceControlPolicyInputList"}:
            raise InvalidInputError(
                f"{where} must be a structure with a ServiceControlPolicyInputList"
            )
        texts = inputs.optional_list(
            level.get("ServiceControlPolicyInputList"), f"{where}.ServiceControlPolicyInputList"
        )
        scps = []
        for j, text in enumerate(texts, 1):
            source = f"{where}.ServiceControlPolicyInputList.{j}"
            policy = inputs.parsed_policy(text, source, PolicyKind.SCP)
            scps.append(compile_policy(policy, source, SCP_POLICY_TYPE, PolicyRole.IDENTITY))
        compiled.append(scps)
    return compiled


def check_caller(caller_arn: Any) -> str | None:
    """CallerArn, when given, must be an IAM user, group or role ARN of 1-2048 characters."""
    if caller_arn is None:
        return None
    inputs.arn_length(caller_arn, "CallerArn")
    if not isinstance(caller_arn, str) or parse_iam_entity(caller_arn) is None:
        raise InvalidInputError(f"Invalid Entity Arn: {caller_arn}")
    return caller_arn


def simulate_custom_policy(
    *,
    PolicyInputList: Any = None,  # boto3's parameter names
    ActionNames: Any = None,
    PermissionsBoundaryPolicyInputList: Any = None,
    OrderedOrganizationPolicyInputList: Any = None,
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
    """Answer as IAM's SimulateCustomPolicy does, with the same parameters and response.

    ``OrderedOrganizationPolicyInputList`` (botocore 1.44.8; at most 7 levels, root first,
    each ``{"ServiceControlPolicyInputList": [scp-json, ...]}``) simulates an organization:
    each level must allow, any Deny denies, and the result carries
    ``OrganizationsDecisionDetail``.

    Raises InvalidInputError (AWS code ``InvalidInput``) for bad parameters, including a
    policy that does not parse (its message gives ``PolicyInputList.N:line:column``) and an
    action the IAM service reference does not define (with a suggestion).
    ``ResourceOwner`` and ``ResourceHandlingOption`` are accepted and validated but do not
    change the answer: cross-account and EC2 scenario simulation are not modelled.
    """
    identity_texts = inputs.required_list(PolicyInputList, "PolicyInputList")
    actions = inputs.action_names(ActionNames)
    boundary_texts = inputs.boundary_policies(PermissionsBoundaryPolicyInputList)
    resources = inputs.resource_arns(ResourceArns)
    context = inputs.context_entries(ContextEntries)
    limit = inputs.max_items(MaxItems)
    caller = check_caller(CallerArn)
    inputs.resource_owner(ResourceOwner)
    inputs.resource_handling_option(ResourceHandlingOption)
    inputs.marker(Marker)

    identity = compile_inputs(
        identity_texts, "PolicyInputList", PolicyKind.IDENTITY, PolicyRole.IDENTITY
    )
    boundary = compile_inputs(
        boundary_texts,
        "PermissionsBoundaryPolicyInputList",
        PolicyKind.BOUNDARY,
        PolicyRole.BOUNDARY,
    )
    resource_policy = compile_resource_policy(ResourcePolicy, caller)
    organization = compile_organization(OrderedOrganizationPolicyInputList)
    simulation = core.run(
        identity=identity,
        boundary=boundary,
        resource_policy=resource_policy,
        actions=actions,
        resources=resources,
        context=context,
        caller_arn=caller,
        catalog=catalog,
        organization=organization,
    )
    params = (
        identity_texts,
        actions,
        boundary_texts,
        resources,
        ContextEntries,
        ResourcePolicy,
        caller,
        OrderedOrganizationPolicyInputList,
    )
    return core.page(simulation.results, limit, Marker, params)
