"""The curated public API: ``iamspec.__all__`` is pinned (httpx's habit)."""

import iamspec

PUBLIC = [
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


def test_all_is_pinned():
    assert iamspec.__all__ == PUBLIC


def test_every_public_name_resolves():
    for name in iamspec.__all__:
        assert getattr(iamspec, name) is not None, name


def test_decision_values_are_aws_eval_decisions():
    assert [d.value for d in iamspec.Decision] == ["allowed", "implicitDeny", "explicitDeny"]


def test_context_key_types_are_aws_spellings():
    assert [v.value for v in iamspec.ValueType] == [
        "string",
        "numeric",
        "boolean",
        "ip",
        "binary",
        "date",
    ]
