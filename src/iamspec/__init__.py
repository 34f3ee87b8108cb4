"""iamspec: executable specifications for AWS IAM tag-based access.

The curated public API; everything else is internal and may move. The list is pinned by
``tests/test_public_api.py``.
"""

from __future__ import annotations

from iamspec.catalog import Catalog, default_catalog
from iamspec.engine.context import ContextValue, RequestContext, ValueType
from iamspec.engine.evaluator import Decision, Evaluation, Request
from iamspec.errors import (
    CatalogError,
    IamSpecError,
    InvalidInputError,
    MalformedArnError,
    NoSuchEntityError,
    PolicyEvaluationError,
    PolicyParseError,
    SimulationInputError,
    SimulatorAPIError,
    UnknownActionError,
    UnknownContextKeyError,
    UnknownServiceError,
    ValidationError,
)
from iamspec.policy.model import Policy
from iamspec.policy.parser import PolicyKind, parse_policy
from iamspec.simulate.custom import simulate_custom_policy
from iamspec.simulate.principal import simulate_principal_policy

__version__ = "0.1.0"

__all__ = [
    "Catalog",
    "CatalogError",
    "ContextValue",
    "Decision",
    "Evaluation",
    "IamSpecError",
    "InvalidInputError",
    "MalformedArnError",
    "NoSuchEntityError",
    "Policy",
    "PolicyEvaluationError",
    "PolicyKind",
    "PolicyParseError",
    "Request",
    "RequestContext",
    "SimulationInputError",
    "SimulatorAPIError",
    "UnknownActionError",
    "UnknownContextKeyError",
    "UnknownServiceError",
    "ValidationError",
    "ValueType",
    "__version__",
    "default_catalog",
    "parse_policy",
    "simulate_custom_policy",
    "simulate_principal_policy",
]
