"""How a run ended, in its records: ``state``, ``signal``, ``state_reason`` (issue 14, finding 3),
and :mod:`iamspec.records.state`, which reads it back from any output of a run."""

from __future__ import annotations

import json

import pytest

from iamspec.records.drift import drift_report
from iamspec.records.loading import ResultsFileError, load_results, validate_results
from iamspec.records.results import RUN_STATES
from iamspec.records.state import SITE_STATE_FILE, main, read_state
from tests.records.kit import sample_run


@pytest.mark.parametrize("state", RUN_STATES)
def test_every_run_state_validates_and_round_trips(tmp_path, state):
    run = sample_run()
    run.state, run.signal, run.state_reason = state, "SIGTERM", "a reason"
    path = tmp_path / "results.json"
    run.write(path)
    again = load_results(path)
    assert (again.state, again.signal, again.state_reason) == (state, "SIGTERM", "a reason")
    assert again.complete is (state == "complete")


def test_an_unknown_state_is_a_schema_violation():
    data = sample_run().to_dict()
    data["state"] = "done"
    with pytest.raises(ResultsFileError, match=r"\$\.state"):
        validate_results(data)


def test_a_file_written_before_the_state_existed_still_loads(tmp_path):
    data = sample_run().to_dict()
    for key in ("state", "signal", "state_reason"):
        data.pop(key)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    run = load_results(path)
    assert run.state is None
    assert run.complete  # nothing says otherwise; the living docs show no banner
    assert read_state(path).state is None
    assert main([str(path)]) == 1  # but the nightly check does not take it for complete


def test_the_drift_report_carries_the_runs_state():
    run = sample_run()
    run.state, run.signal = "interrupted", "SIGINT"
    report = drift_report(run).to_dict()
    assert (report["state"], report["signal"]) == ("interrupted", "SIGINT")


def test_describe_state():
    run = sample_run()
    run.state, run.signal = "interrupted", "SIGINT"
    assert run.describe_state() == "interrupted (SIGINT)"
    run.signal, run.state_reason = None, "stopping after 1 failures"
    assert run.describe_state() == "interrupted (stopping after 1 failures)"


def test_read_state_of_a_site_folder(tmp_path, capsys):
    (tmp_path / SITE_STATE_FILE).write_text('{"state": "complete", "files": []}')
    assert read_state(tmp_path).complete
    assert main([str(tmp_path)]) == 0
    assert f"{tmp_path}: complete" in capsys.readouterr().out


def test_read_state_never_quotes_a_file_that_is_not_json(tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text("aws_secret_access_key = SECRET123")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "not JSON" in err
    assert "SECRET123" not in err
