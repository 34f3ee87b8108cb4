"""The curated public API: ``iamspec.__all__`` is pinned, and every module's exports are
checked against the module's own names (httpx's ``test_exported_members``)."""

import __future__

import ast
import importlib
import pathlib
import pkgutil
from types import ModuleType

import pytest

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


# -- exported members, checked against the modules themselves (httpx's test_exported_members)


def _modules() -> list[ModuleType]:
    names = [m.name for m in pkgutil.walk_packages(iamspec.__path__, "iamspec.")]
    return [iamspec, *(importlib.import_module(n) for n in names if not n.endswith("__main__"))]


def _public_names(module: ModuleType) -> set[str]:
    """What ``from module import *`` would offer without ``__all__``: no submodules and no
    ``from __future__`` features."""
    return {
        name
        for name, value in vars(module).items()
        if (not name.startswith("_") or name == "__version__")
        and not isinstance(value, (ModuleType, __future__._Feature))
    }


def _defines_nothing(module: ModuleType) -> bool:
    """A package ``__init__`` that only re-exports: no function or class of its own."""
    assert module.__file__ is not None
    source = pathlib.Path(module.__file__).read_text(encoding="utf-8")
    return not any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for node in ast.parse(source).body
    )


FACADES = [m for m in _modules() if hasattr(m, "__path__") and _defines_nothing(m)]


def test_facades_are_found():
    names = {m.__name__ for m in FACADES}
    assert {"iamspec", "iamspec.catalog", "iamspec.lint", "iamspec.livingdoc"} <= names


@pytest.mark.parametrize("package", FACADES, ids=lambda m: m.__name__)
def test_a_facade_exports_exactly_what_it_imports(package: ModuleType):
    """Everything a re-exporting package imports is exported, and nothing else: a name
    imported for the public but left out of ``__all__`` (or exported but gone) fails here."""
    exported = getattr(package, "__all__", [])
    assert len(set(exported)) == len(exported), "a name is exported twice"
    assert set(exported) == _public_names(package)


def test_the_top_level_exports_are_sorted():
    assert iamspec.__all__ == sorted(_public_names(iamspec))


@pytest.mark.parametrize(
    "module", [m for m in _modules() if hasattr(m, "__all__")], ids=lambda m: m.__name__
)
def test_every_exported_name_is_defined(module: ModuleType):
    """Defined in the module, or (a package that loads its names on first use, as
    ``iamspec.symbolic`` does to keep z3 out of the other commands) by its ``__getattr__``."""
    lazy = "__getattr__" in vars(module)
    missing = [
        name
        for name in module.__all__
        if name not in vars(module) and not (lazy and hasattr(module, name))
    ]
    assert not missing, f"{module.__name__}.__all__ names what it does not define: {missing}"
    assert len(set(module.__all__)) == len(module.__all__), "a name is exported twice"


def test_the_symbolic_package_loads_exactly_what_it_exports():
    """``iamspec.symbolic`` imports its names on first use (z3 is slow to load); the table
    of where each lives is its ``__all__``, no more, no less."""
    import iamspec.symbolic

    assert sorted(iamspec.symbolic._HOMES) == sorted(iamspec.symbolic.__all__)
