"""The results-file schema: it matches what harness/results.py writes; loading reports problems
by file and JSON path."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path

import pytest
from docskit import dept_run
from jsonschema import Draft202012Validator

from iamspec.harness import results as harness_results
from iamspec.harness.results import (
    CallRecord,
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
from iamspec.livingdoc import ResultsFileError, load_results, results_schema, validate_results


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = results_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == harness_results.SCHEMA_VERSION


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
}


@pytest.mark.parametrize("cls", list(_DEFS), ids=lambda c: c.__name__)
def test_every_field_the_harness_writes_is_in_the_schema(cls):
    """A field added to (or removed from) harness/results.py must be added to the schema.

    Fields without a default must be required (from_dict cannot do without them); a field
    with a default may stay optional, so files written before it was added stay valid.
    """
    schema = results_schema()
    node = schema if _DEFS[cls] is None else schema["$defs"][_DEFS[cls]]
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


def test_a_record_the_harness_builds_validates_and_round_trips(tmp_path):
    run = dept_run()
    path = tmp_path / "results.json"
    run.write(path)
    loaded = load_results(path)
    assert loaded == run


def test_unknown_properties_are_ignored(tmp_path):
    data = dept_run().to_dict()
    data["future_field"] = {"anything": 1}
    data["scenarios"][0]["scenario_description"] = "added later"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_results(path).scenarios[0].scenario == "the Department tag decides"


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_schema_violation_names_the_file_and_the_json_path(tmp_path):
    data = dept_run().to_dict()
    data["scenarios"][3]["calls"][0]["decision"] = "allow"
    data["scenarios"][0]["line"] = "seven"
    path = _write(tmp_path, data)
    with pytest.raises(ResultsFileError) as caught:
        load_results(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a valid iamspec results file (2 problems)")
    assert "$.scenarios[3].calls[0].decision: 'allow' is not one of 'allowed'" in message
    assert "$.scenarios[0].line: 'seven' is not of type integer" in message
    assert caught.value.problems[0].startswith("$.scenarios[0].line")


def test_missing_properties_are_listed_once_per_object(tmp_path):
    data = dept_run().to_dict()
    del data["backend"]
    del data["region"]
    del data["scenarios"][1]["steps"]
    with pytest.raises(ResultsFileError) as caught:
        load_results(_write(tmp_path, data))
    assert caught.value.problems == (
        "$: missing backend, region",
        "$.scenarios[1]: missing steps",
    )


def test_many_problems_are_cut_short(tmp_path):
    data = dept_run().to_dict()
    for scenario in data["scenarios"]:
        scenario["status"] = "green"
        scenario["duration"] = -1
        scenario["line"] = 0
        scenario["tags"] = "none"
        scenario["example"] = []
    with pytest.raises(ResultsFileError) as caught:
        load_results(_write(tmp_path, data))
    assert len(caught.value.problems) == 20
    assert str(caught.value).endswith("... and 10 more")  # 6 scenarios x 5 problems


def test_a_newer_schema_version_is_reported_alone(tmp_path):
    data = dept_run().to_dict()
    data["schema_version"] = 2
    data["scenarios"] = "whatever a newer iamspec writes"
    with pytest.raises(ResultsFileError) as caught:
        load_results(_write(tmp_path, data))
    assert caught.value.problems == (
        "$.schema_version: 2 (a newer iamspec wrote it); this reader understands schema_version 1",
    )


def test_json_errors_give_line_and_column(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{\n  "schema_version": 1,\n  "scenarios": [,]\n}', encoding="utf-8")
    with pytest.raises(ResultsFileError) as caught:
        load_results(path)
    assert str(caught.value) == f"{path}: not JSON:\n  3:17: Expecting value"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ResultsFileError) as caught:
        load_results(tmp_path / "nope.json")
    assert str(caught.value) == f"{tmp_path / 'nope.json'}: cannot be read:\n  no such file"


def test_a_bad_timestamp_is_caught():
    data = dept_run().to_dict()
    data["started_at"] = "yesterday"
    with pytest.raises(ResultsFileError, match=r"\$\.started_at: 'yesterday' is not a 'date-time'"):
        validate_results(data, "r.json")


def test_the_results_model_has_no_field_the_schema_cannot_type():
    """Every field of the harness's records is JSON-representable (guards asdict output)."""
    allowed = {str, int, float, bool, type(None), list, dict}
    for cls in _DEFS:
        hints = typing.get_type_hints(cls)
        for name, hint in hints.items():
            origin = typing.get_origin(hint) or hint
            if origin in (typing.Union, types.UnionType):
                parts = {typing.get_origin(a) or a for a in typing.get_args(hint)}
            else:
                parts = {origin}
            assert parts <= allowed | set(_DEFS), (cls.__name__, name, hint)


def test_the_livingdoc_api_is_pinned():
    import iamspec.livingdoc as livingdoc

    assert livingdoc.__all__ == [
        "FORMATS",
        "Coverage",
        "ResultsFileError",
        "Site",
        "build_site",
        "compute_coverage",
        "format_percent",
        "load_results",
        "results_schema",
        "validate_results",
        "write_site",
    ]
    assert all(hasattr(livingdoc, name) for name in livingdoc.__all__)
