"""The results format has one description, ``results.schema.json``, held to the dataclasses.

Every record class of :mod:`iamspec.records.results` is a ``$defs`` entry of the schema (named
by convention: ``ScenarioRecord`` is ``scenario``; ``RunRecord`` is the schema's root), with the
same properties and the same JSON types, the other way round too: a field added to a dataclass
and not to the schema fails here, and so does a property or a definition the dataclasses lack.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from iamspec.records import results as records_results
from iamspec.records.loading import results_schema
from iamspec.records.results import (
    CallRecord,
    ClaimRecord,
    DeselectedScenarioRecord,
    KnownDifferenceRecord,
    LintWarningRecord,
    PolicyRefRecord,
    PolicyTextRecord,
    PrincipalRecord,
    RequestRecord,
    ResourceRecord,
    RunRecord,
    ScenarioRecord,
    StepRecord,
)

RECORDS = [
    cls
    for _, cls in inspect.getmembers(records_results, inspect.isclass)
    if dataclasses.is_dataclass(cls) and cls.__module__ == records_results.__name__
]

_DEFS = {
    RunRecord: None,
    ScenarioRecord: "scenario",
    PrincipalRecord: "principal",
    ResourceRecord: "resource",
    StepRecord: "step",
    CallRecord: "call",
    RequestRecord: "request",
    LintWarningRecord: "lintWarning",
    KnownDifferenceRecord: "knownDifference",
    PolicyTextRecord: "policyText",
    PolicyRefRecord: "policyRef",
    DeselectedScenarioRecord: "deselectedScenario",
    ClaimRecord: "claim",
}

SHARED_DEFS = {
    # value shapes the records share, not records themselves
    "backend",
    "timestamp",
    "optionalTimestamp",
    "decision",
    "expected",
    "tags",
    "position",
    "sha256",
    "policyKind",
    "contextEntry",
    "matchedStatement",
}


def _def_name(cls: type) -> str | None:
    """``ScenarioRecord`` -> ``scenario``, ``LintWarningRecord`` -> ``lintWarning``."""
    if cls is RunRecord:
        return None
    stem = cls.__name__.removesuffix("Record")
    return stem[0].lower() + stem[1:]


def _node(cls: type) -> dict[str, Any]:
    schema = results_schema()
    name = _def_name(cls)
    return schema if name is None else schema["$defs"][name]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = results_schema()["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def _branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives a value may take (``$ref`` followed, ``anyOf``/``oneOf`` flattened)."""
    node = _resolve(node)
    for key in ("anyOf", "oneOf"):
        if key in node:
            return [b for sub in node[key] for b in _branches(sub)]
    return [node]


_JSON_OF = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


def _json_types(node: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for branch in _branches(node):
        if "type" in branch:
            kind = branch["type"]
            found.update(kind if isinstance(kind, list) else [kind])
        elif "enum" in branch or "const" in branch:
            values = branch.get("enum", [branch.get("const")])
            found.update(_JSON_OF[type(v)] for v in values)
    return found


def _arms(hint: Any) -> list[Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return list(typing.get_args(hint))
    return [hint]


def _hint_type(arm: Any) -> str:
    origin = typing.get_origin(arm) or arm
    if origin is list:
        return "array"
    if origin is dict or dataclasses.is_dataclass(origin):
        return "object"
    return _JSON_OF[origin]


def _check(hint: Any, node: dict[str, Any], where: str) -> None:
    """The schema ``node`` admits exactly the JSON types of ``hint``, recursively."""
    assert _json_types(node) == {_hint_type(a) for a in _arms(hint)}, where
    by_type = {}
    for branch in _branches(node):
        for kind in _json_types(branch):
            by_type[kind] = branch
    for arm in _arms(hint):
        origin, args = typing.get_origin(arm), typing.get_args(arm)
        branch = by_type[_hint_type(arm)]
        if origin is list:
            assert "items" in branch, f"{where}: an array without items"
            _check(args[0], branch["items"], f"{where}[]")
        elif origin is dict and args[1] is not Any:
            assert "additionalProperties" in branch, f"{where}: an object of any values"
            _check(args[1], branch["additionalProperties"], f"{where}{{}}")
        elif dataclasses.is_dataclass(arm):
            assert branch is _node(arm), f"{where}: not the {_def_name(arm)} definition"


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = results_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == records_results.SCHEMA_VERSION


def test_every_record_class_has_a_definition_and_every_definition_a_record_class():
    assert set(RECORDS) == set(_DEFS)
    assert {_def_name(cls) for cls in RECORDS} == set(_DEFS.values())
    defined = set(results_schema()["$defs"])
    assert defined - SHARED_DEFS == {n for n in _DEFS.values() if n is not None}


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_every_field_the_harness_writes_is_in_the_schema(cls):
    """A field added to (or removed from) records/results.py must be added to the schema.

    Fields without a default must be required (from_dict cannot do without them); a field
    with a default may stay optional, so files written before it was added stay valid.
    """
    node = _node(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    assert set(node["properties"]) == names
    needed = {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert needed <= set(node["required"]) <= names
    for name, prop in node["properties"].items():
        assert prop.get("description") or "$ref" in prop or prop.get("type"), name


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_every_field_has_the_json_type_of_its_annotation(cls):
    """``str | None`` is a string or null, ``list[StepRecord]`` an array of the step
    definition, ``dict[str, str]`` an object of strings, and nothing else either way."""
    hints = typing.get_type_hints(cls)
    for name, prop in _node(cls)["properties"].items():
        _check(hints[name], prop, f"{cls.__name__}.{name}")


def test_a_mistyped_field_would_be_caught():
    """The type check above is not vacuous: a schema's string is not an int field."""
    with pytest.raises(AssertionError, match=r"StepRecord\.line"):
        _check(str, _node(StepRecord)["properties"]["line"], "StepRecord.line")
    with pytest.raises(AssertionError, match="calls"):
        _check(list[StepRecord], _node(ScenarioRecord)["properties"]["calls"], "calls")


def test_the_results_model_has_no_field_the_schema_cannot_type():
    """Every field of the records is JSON-representable (guards asdict output)."""
    allowed = {str, int, float, bool, type(None), list, dict}
    for cls in RECORDS:
        hints = typing.get_type_hints(cls)
        for name, hint in hints.items():
            origin = typing.get_origin(hint) or hint
            if origin in (typing.Union, types.UnionType):
                parts = {typing.get_origin(a) or a for a in typing.get_args(hint)}
            else:
                parts = {origin}
            assert parts <= allowed | set(RECORDS), (cls.__name__, name, hint)
