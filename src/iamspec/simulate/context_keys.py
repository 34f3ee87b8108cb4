"""``get_context_keys_for_custom_policy`` / ``..._principal_policy``: the keys policies read.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForCustomPolicy.html
Every key referenced in a Condition, and every key used as a variable in Resource
(boto/boto3#3111), deduplicated case-insensitively, as first written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from iamspec.engine.compiled import CompiledPolicy, PolicyRole
from iamspec.policy.parser import PolicyKind
from iamspec.simulate import inputs
from iamspec.simulate.custom import compile_inputs
from iamspec.simulate.principal import (
    Boto3PolicyReader,
    PolicyReader,
    gather_for,
    policy_from_source,
)


def _keys(policies: Sequence[CompiledPolicy]) -> dict[str, Any]:
    seen: dict[str, str] = {}
    for policy in policies:
        for key in policy.referenced_keys:
            seen.setdefault(key.lower(), key)
    return {"ContextKeyNames": list(seen.values())}


def get_context_keys_for_custom_policy(
    *,
    PolicyInputList: Any = None,  # boto3's parameter name
) -> dict[str, Any]:
    """The context keys the given policies read. Raises InvalidInputError for a bad policy."""
    texts = inputs.required_list(PolicyInputList, "PolicyInputList")
    return _keys(compile_inputs(texts, "PolicyInputList", PolicyKind.IDENTITY, PolicyRole.IDENTITY))


def get_context_keys_for_principal_policy_with(
    reader: PolicyReader,
    *,
    PolicySourceArn: Any = None,  # boto3's parameter names
    PolicyInputList: Any = None,
) -> dict[str, Any]:
    """The context keys read by the entity's policies (and its groups') plus PolicyInputList."""
    PolicySourceArn = inputs.policy_source_arn(PolicySourceArn)
    sources, _boundary = gather_for(reader, PolicySourceArn)
    policies = [policy_from_source(s, PolicyRole.IDENTITY) for s in sources]
    extra = inputs.optional_list(PolicyInputList, "PolicyInputList")
    policies += compile_inputs(extra, "PolicyInputList", PolicyKind.IDENTITY, PolicyRole.IDENTITY)
    return _keys(policies)


def get_context_keys_for_principal_policy(iam_client: Any, **kwargs: Any) -> dict[str, Any]:
    """As boto3's call, reading the principal's policies through ``iam_client``."""
    return get_context_keys_for_principal_policy_with(Boto3PolicyReader(iam_client), **kwargs)
