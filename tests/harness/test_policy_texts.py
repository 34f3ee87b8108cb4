# ruff: noqa: E501 - Gherkin steps are written on one line, as in the features
"""The results file records every policy text the run evaluated, once, and names per scenario
which text it was: the living docs show those texts instead of re-reading files that may have
changed since (or be absent where the file is rendered)."""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from iamspec.harness.reporting import ResultsCollector
from iamspec.livingdoc import validate_results
from iamspec.records.results import PolicyTextRecord, RunRecord, text_sha256

PROJECT = Path(__file__).resolve().parents[2]

PYPROJECT = """
[tool.pytest.ini_options]
bdd_features_base_dir = "features"

[tool.iamspec]
account_id = "111122223333"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"
"""

CONFTEST = f"""
import json, os, sys
sys.path.insert(0, {str(PROJECT)!r})

SENT = []


def pytest_runtest_logreport(report):
    # on the xdist controller too: count the policy texts each report carried
    for name, value in report.user_properties:
        if name == "iamspec_policy_texts":
            SENT.extend(item["path"] + "|" + item["kind"] for item in json.loads(value))


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        with open("sent.json", "w") as file:
            json.dump(SENT, file)
"""

# placeholders: the recorded text is the filled one, which the simulator's positions refer to
DEPARTMENT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "TestAgents",
      "Effect": "Allow",
      "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
      "Resource": "arn:{{partition}}:connect:{{region}}:{{account_id}}:instance/{{connect_instances.main}}/agent/*",
      "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}}
    }
  ]
}
"""

BOUNDARY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ConnectOnly", "Effect": "Allow", "Action": "connect:*", "Resource": "*"},
    {"Sid": "NoDelete", "Effect": "Deny", "Action": "connect:DeleteUser", "Resource": "*"}
  ]
}
"""

FEATURE = """\
Feature: Test admins
  Background:
    Given the IAM user "admin" with the policy "department.json"
    And "admin" has the permissions boundary "boundary.json"

  Scenario Outline: the Department tag decides
    Given a Connect user "jdoe" tagged "Department=<department>"
    When "admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is <decision>

    Examples:
      | department | decision          |
      | Test       | allowed           |
      | Prod       | implicitly denied |
      | QA         | implicitly denied |

  Scenario: nobody deletes
    Given a Connect user "jdoe" tagged "Department=Test"
    When "admin" calls "connect:DeleteUser" on the Connect user "jdoe"
    Then the request is explicitly denied

  Scenario: a reader without a boundary
    Given the IAM user "reader" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"
    When "reader" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed
"""

FILLED = (
    DEPARTMENT.replace("{{partition}}", "aws")
    .replace("{{region}}", "us-east-1")
    .replace("{{account_id}}", "111122223333")
    .replace("{{connect_instances.main}}", "11111111-2222-3333-4444-555555555555")
)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.makeconftest(CONFTEST)
    policies = pytester.mkdir("policies")
    (policies / "department.json").write_text(DEPARTMENT)
    (policies / "boundary.json").write_text(BOUNDARY)
    features = pytester.mkdir("features")
    (features / "admins.feature").write_text(FEATURE)
    (features / "test_policy_texts_features.py").write_text(
        "from pytest_bdd import scenarios\n\nscenarios('.')\n"
    )
    return pytester


def _options() -> tuple[str, ...]:
    return ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--import-mode=importlib")


def _check_texts(root: Path, data: dict[str, Any]) -> None:
    """What every run, with or without xdist, must have written."""
    validate_results(data, "results.json")
    policies = {(p["path"], p["kind"]): p for p in data["policies"]}
    assert sorted(policies) == [
        ("policies/boundary.json", "boundary"),
        ("policies/department.json", "identity"),
    ]
    department = policies[("policies/department.json", "identity")]
    assert department["text"] == FILLED  # filled as every backend received it
    assert "{{" not in department["text"]
    assert department["sha256"] == hashlib.sha256(FILLED.encode()).hexdigest()
    boundary = policies[("policies/boundary.json", "boundary")]
    assert boundary["text"] == BOUNDARY
    assert [p["path"] for p in data["policies"]] == sorted(p["path"] for p in data["policies"])
    by_name = {(s["scenario"], s["example"].get("department")): s for s in data["scenarios"]}
    assert len(by_name) == 5
    refs = {
        (r["path"], r["kind"], r["sha256"])
        for s in data["scenarios"]
        for r in s["evaluated_policies"]
    }
    assert refs == {(p["path"], p["kind"], p["sha256"]) for p in data["policies"]}
    # every policy the scenario's principals use (the Background's too), once, in load order
    reader = by_name[("a reader without a boundary", None)]["evaluated_policies"]
    assert reader == [
        {"path": "policies/department.json", "kind": "identity", "sha256": department["sha256"]},
        {"path": "policies/boundary.json", "kind": "boundary", "sha256": boundary["sha256"]},
    ]
    # the positions the answer reports are positions in the recorded text
    allow = by_name[("the Department tag decides", "Test")]["calls"][0]["requests"][0]
    assert [m["SourcePolicyId"] for m in allow["matched_statements"]] == [
        "policies/department.json"
    ]
    start, end = (allow["matched_statements"][0][k] for k in ("StartPosition", "EndPosition"))
    lines = department["text"].splitlines(keepends=True)
    begin = sum(map(len, lines[: start["Line"] - 1])) + start["Column"] - 1
    stop = sum(map(len, lines[: end["Line"] - 1])) + end["Column"] - 1
    statement = department["text"][begin:stop].strip()  # AWS starts after the "[" or ","
    assert statement.startswith("{")
    assert statement.endswith("}")
    assert '"Sid": "TestAgents"' in statement
    assert "arn:aws:connect:us-east-1:111122223333:instance/" in statement
    # each text travelled with one report per process, not with every scenario
    sent = json.loads((root / "sent.json").read_text())
    assert len(sent) <= 2 * len(policies)
    assert set(sent) == {f"{path}|{kind}" for path, kind in policies}


def test_the_results_file_records_every_policy_text_once(project):
    result = project.runpytest(*_options(), "--iam-results", "out/results.json")
    result.assert_outcomes(passed=5)
    data = json.loads((project.path / "out" / "results.json").read_text())
    _check_texts(project.path, data)
    sent = json.loads((project.path / "sent.json").read_text())
    assert sorted(sent) == ["policies/boundary.json|boundary", "policies/department.json|identity"]


def test_the_results_file_records_every_policy_text_once_with_xdist(project, monkeypatch):
    pytest.importorskip("xdist")
    pythonpath = [str(PROJECT), str(PROJECT / "src"), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(pythonpath))
    result = project.runpytest_subprocess(*_options(), "-n", "2", "--iam-results", "r.json")
    result.assert_outcomes(passed=5)
    data = json.loads((project.path / "r.json").read_text())
    _check_texts(project.path, data)


def test_a_run_without_results_file_writes_no_texts_and_sends_none(project):
    result = project.runpytest(*_options())
    result.assert_outcomes(passed=5)
    assert json.loads((project.path / "sent.json").read_text()) == []


def test_a_scenario_that_loads_no_policy_records_none(project):
    (project.path / "features" / "admins.feature").write_text(
        textwrap.dedent("""\
        Feature: no policy
          Scenario: a user without policies
            Given the IAM user "nobody"
            And a Connect user "jdoe" tagged "Department=Test"
            When "nobody" calls "connect:DescribeUser" on the Connect user "jdoe"
            Then the request is implicitly denied
        """)
    )
    result = project.runpytest(*_options(), "--iam-results", "r.json")
    result.assert_outcomes(passed=1)
    data = json.loads((project.path / "r.json").read_text())
    validate_results(data, "r.json")
    assert data["policies"] == []
    assert data["scenarios"][0]["evaluated_policies"] == []


# --------------------------------------------------------------------------------------------
# the collector: merging the texts the reports carry


def _report(*texts: PolicyTextRecord) -> Any:
    payload = [{"path": t.path, "kind": t.kind, "sha256": t.sha256, "text": t.text} for t in texts]
    return SimpleNamespace(
        when="call", user_properties=[("iamspec_policy_texts", json.dumps(payload))]
    )


def _text(path: str, text: str, kind: str = "identity") -> PolicyTextRecord:
    return PolicyTextRecord(path, kind, text_sha256(text), text)


def _collector() -> ResultsCollector:
    run = RunRecord("0", "0", "", "local", "111122223333", "us-east-1", "aws", "2026-01-01")
    return ResultsCollector(run, None)


def test_the_collector_keeps_each_text_once_and_both_texts_of_a_changed_file():
    collector = _collector()
    first, changed = _text("policies/a.json", "{}\n"), _text("policies/a.json", '{"x": 1}\n')
    boundary = _text("policies/a.json", "{}\n", "boundary")
    other = _text("policies/0.json", "[]")
    for report in (_report(first), _report(first, other), _report(changed), _report(boundary)):
        collector.pytest_runtest_logreport(report)
    assert collector.run.policies == [first, other, changed, boundary]
    collector.pytest_sessionfinish(SimpleNamespace(), 0)  # type: ignore[arg-type]
    # sorted by path and kind; the texts of one path stay in the order they arrived
    assert collector.run.policies == [other, boundary, first, changed]


def test_add_policy_says_whether_the_text_was_new():
    run = _collector().run
    assert run.add_policy(_text("p.json", "a")) is True
    assert run.add_policy(_text("p.json", "a")) is False
    assert run.add_policy(_text("p.json", "b")) is True
    assert len(run.policies) == 2


def test_policies_and_references_round_trip():
    run = _collector().run
    run.add_policy(_text("p.json", "{}"))
    again = RunRecord.from_dict(json.loads(run.to_json()))
    assert again == run
    assert again.policies[0].sha256 == hashlib.sha256(b"{}").hexdigest()


def test_an_older_results_file_without_texts_still_loads():
    data = json.loads(_collector().run.to_json())
    del data["policies"]
    assert RunRecord.from_dict(data).policies == []
