"""Reading a results file: checked against the schema, problems named by file and JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamspec.records.loading import ResultsFileError, load_results, validate_results
from tests.records.kit import sample_run


def test_a_run_of_every_record_class_validates_and_round_trips(tmp_path):
    run = sample_run()
    path = tmp_path / "results.json"
    run.write(path)
    loaded = load_results(path)
    assert loaded == run


def test_deselected_scenarios_round_trip_and_older_files_have_none(tmp_path):
    run = sample_run()
    (record,) = run.deselected
    assert all(step.status == "not run" for step in record.steps)
    data = run.to_dict()
    assert data["deselected"][0]["cause"] == "live"
    validate_results(data)
    del data["deselected"]  # a file written before the field existed
    path = _write(tmp_path, data)
    assert load_results(path).deselected == []


def test_a_deselected_scenario_needs_its_reason(tmp_path):
    data = sample_run().to_dict()
    del data["deselected"][0]["reason"]
    data["deselected"][0]["steps"][0]["status"] = "passed?"
    with pytest.raises(ResultsFileError) as caught:
        load_results(_write(tmp_path, data))
    assert "$.deselected[0]: missing reason" in caught.value.problems
    assert any(p.startswith("$.deselected[0].steps[0].status") for p in caught.value.problems)


def test_unknown_properties_are_ignored(tmp_path):
    data = sample_run().to_dict()
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
    data = sample_run().to_dict()
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
    data = sample_run().to_dict()
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
    data = sample_run().to_dict()
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
    data = sample_run().to_dict()
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
    data = sample_run().to_dict()
    data["started_at"] = "yesterday"
    with pytest.raises(ResultsFileError, match=r"\$\.started_at: 'yesterday' is not a 'date-time'"):
        validate_results(data, "r.json")
