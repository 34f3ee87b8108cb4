"""``pytest --living-docs``, ``--policy-coverage-fail-under`` and ``iamspec docs``, end to end
through pytester on a small project that uses iamspec's own step library."""

from __future__ import annotations

import importlib.metadata
import json
import os
from pathlib import Path

import pytest

from iamspec.cli import main
from tests.livingdoc.kit import DEPT, DEPT_TEXT, PUBLISHED_BAD, ROOT, dept_run, project

FEATURE = """\
Feature: Test admins manage Test agents
  Admins of the Test department describe and update agents tagged Department=Test.

  Background:
    Given the IAM user "test-admin" with the policy "connect/dept.json"

  Scenario Outline: the Department tag decides
    Given a Connect user "jdoe" tagged "Department=<department>"
    When "test-admin" calls "<action>" on the Connect user "jdoe"
    Then the request is <decision>

    Examples:
      | department | action               | decision          |
      | Test       | connect:DescribeUser | allowed           |
      | Prod       | connect:DescribeUser | implicitly denied |

  Scenario: <script>alert(1)</script>
    Given a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DeleteUser" on the Connect user "jdoe"
    Then the request is explicitly denied
"""

CONFTEST = """\
# iamspec's step library is registered by its pytest plugin
"""


def _installed() -> bool:
    return any(
        ep.value == "iamspec.livingdoc.plugin"
        for ep in importlib.metadata.entry_points(group="pytest11")
    )


PLUGIN_ARGS = () if _installed() else ("-p", "iamspec.livingdoc.plugin")


@pytest.fixture
def bdd_project(pytester: pytest.Pytester) -> Path:
    root = project(pytester.path, {DEPT: DEPT_TEXT}, {"bad-example.json": PUBLISHED_BAD})
    with (root / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write('\n[tool.pytest.ini_options]\nbdd_features_base_dir = "features"\n')
    (root / "features").mkdir()
    (root / "features" / "dept.feature").write_text(FEATURE, encoding="utf-8")
    (root / "test_features.py").write_text(
        'from pytest_bdd import scenarios\n\nscenarios(".")\n', encoding="utf-8"
    )
    (root / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    return root


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", *PLUGIN_ARGS, *args)


def test_living_docs_are_written_at_the_end_of_the_run(pytester, bdd_project):
    result = _run(pytester, "--living-docs", "site")
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    site = bdd_project / "site"
    assert (site / "index.html").is_file()
    assert (site / "style.css").is_file()
    assert (site / "feature-dept.html").is_file()
    assert (site / "policy-connect-dept.html").is_file()
    result.stdout.fnmatch_lines(
        [
            "*- iamspec policy coverage -*",
            "policy coverage: 2 of 3 statements (66.7%) decided at least one scenario request",
            "statements that decided nothing (1):",
            "  policies/connect/dept.json statement 3 (Unused)",
            f"living documentation: {site / 'index.html'}",
        ]
    )
    feature = (site / "feature-dept.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in feature
    assert "<script>" not in feature
    assert 'href="#p-connect-dept-s2"' in feature  # the Deny that decided DeleteUser
    errata = (site / "errata.html").read_text(encoding="utf-8")
    assert "bad-example.json" in errata
    assert "unknown-service" in errata


def test_markdown_format(pytester, bdd_project):
    result = _run(pytester, "--living-docs", "md", "--living-docs-format", "markdown")
    assert result.ret == 0
    assert (bdd_project / "md" / "index.md").is_file()
    assert not (bdd_project / "md" / "style.css").exists()
    assert "(feature-dept.md)" in (bdd_project / "md" / "index.md").read_text(encoding="utf-8")


def test_coverage_below_the_threshold_fails_the_run(pytester, bdd_project):
    result = _run(pytester, "--policy-coverage-fail-under", "70")
    result.assert_outcomes(passed=3)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "FAIL: policy coverage 66.7% is below --policy-coverage-fail-under=70% "
            "(2 of 3 statements decided a scenario request)"
        ]
    )
    assert not (bdd_project / "site").exists()


def test_coverage_at_or_above_the_threshold_passes(pytester, bdd_project):
    result = _run(pytester, "--policy-coverage-fail-under", "66.6")
    assert result.ret == 0
    result.stdout.no_fnmatch_line("FAIL: policy coverage*")


def test_a_threshold_that_is_not_a_percentage_is_a_usage_error(pytester, bdd_project):
    result = _run(pytester, "--policy-coverage-fail-under", "150")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*150 is not a percentage between 0 and 100*"])


def test_without_the_options_the_plugin_stays_silent(pytester, bdd_project):
    result = _run(pytester)
    assert result.ret == 0
    result.stdout.no_fnmatch_line("*iamspec policy coverage*")


def test_iamspec_docs_renders_the_same_site_from_the_results_file(
    pytester, bdd_project, monkeypatch, capsys
):
    result = _run(pytester, "--iam-results", "results.json", "--living-docs", "in-run")
    assert result.ret == 0
    monkeypatch.chdir(bdd_project)
    code = main(["docs", "--results", "results.json", "--out", "from-file"])
    assert code == 0
    assert "files written to from-file" in capsys.readouterr().err
    in_run = sorted(p.name for p in (bdd_project / "in-run").iterdir())
    assert in_run == sorted(p.name for p in (bdd_project / "from-file").iterdir())
    for name in in_run:
        assert (bdd_project / "in-run" / name).read_bytes() == (
            bdd_project / "from-file" / name
        ).read_bytes(), name


def test_with_xdist_the_controller_writes_every_scenario(pytester, bdd_project, monkeypatch):
    """Workers record (the plugin switches the harness's recording on there too); the
    controller gathers their reports and writes the site, without --iam-results."""
    pythonpath = os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", *PLUGIN_ARGS, "-n", "2", "--living-docs", "site",
    )  # fmt: skip
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["policy coverage: 2 of 3 statements (66.7%)*"])
    index = (bdd_project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<td class="num">3</td><td class="num">3</td><td class="num">0</td>' in index
    feature = (bdd_project / "site" / "feature-dept.html").read_text(encoding="utf-8")
    assert feature.count('class="stmt decided"') == 2


def test_docs_reports_a_bad_results_file_and_exits_2(tmp_path, capsys):
    data = dept_run().to_dict()
    data["scenarios"][0]["calls"][0]["decision"] = "maybe"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code = main(["docs", "--results", str(path), "--out", str(tmp_path / "site")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"iamspec: error: {path}: not a valid iamspec results file (1 problem):" in err
    assert "$.scenarios[0].calls[0].decision: 'maybe' is not one of" in err
    assert not (tmp_path / "site").exists()


def test_docs_markdown_with_an_explicit_root(tmp_path, capsys):
    root = project(tmp_path / "proj")
    path = tmp_path / "results.json"
    dept_run().write(path)
    out = tmp_path / "md"
    code = main(
        [
            "docs",
            "--results",
            str(path),
            "--out",
            str(out),
            "--format",
            "markdown",
            "--root",
            str(root),
        ]
    )
    assert code == 0
    assert (out / "feature-dept.md").is_file()
    assert "policy coverage:" in capsys.readouterr().err


LIVE_FEATURE = """\
@live
Feature: Deployed admins reach only Test agents
  Scenario: the deployed admin describes a Test agent
    Given the deployed principal "test-admin"
    And a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed
"""


def _deselected(pytester: pytest.Pytester, root: Path, *args: str) -> dict[str, object]:
    (root / "features" / "live.feature").write_text(LIVE_FEATURE, encoding="utf-8")
    result = _run(
        pytester, *args, "-k", "not script", "--iam-results", "r.json", "--living-docs", "site"
    )
    result.assert_outcomes(passed=2, deselected=2)
    return json.loads((root / "r.json").read_text(encoding="utf-8"))


def _check_deselected(root: Path, data: dict[str, object]) -> None:
    found = {(d["feature_file"], d["scenario"], d["cause"]): d for d in data["deselected"]}
    assert sorted(found) == [
        ("features/dept.feature", "<script>alert(1)</script>", "keyword"),
        ("features/live.feature", "the deployed admin describes a Test agent", "live"),
    ]
    keyword = found[("features/dept.feature", "<script>alert(1)</script>", "keyword")]
    assert keyword["reason"] == "not selected by -k 'not script'"
    assert keyword["line"] == 17
    assert [s["text"] for s in keyword["steps"]] == [
        'the IAM user "test-admin" with the policy "connect/dept.json"',
        'a Connect user "jdoe" tagged "Department=Test"',
        '"test-admin" calls "connect:DeleteUser" on the Connect user "jdoe"',
        "the request is explicitly denied",
    ]
    assert {s["status"] for s in keyword["steps"]} == {"not run"}
    live = found[("features/live.feature", "the deployed admin describes a Test agent", "live")]
    assert live["tags"] == ["live"]
    assert live["reason"].startswith("tagged @live: it names principals deployed in the AWS")
    assert len(data["scenarios"]) == 2  # the deselected ones are not among the scenarios run
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="feature-live.html#not-run">1</a>' in index
    live_page = (root / "site" / "feature-live.html").read_text(encoding="utf-8")
    assert "none of its 1 scenarios ran in this run" in live_page


def test_deselected_scenarios_are_recorded_with_their_steps_and_why(pytester, bdd_project):
    _check_deselected(bdd_project, _deselected(pytester, bdd_project))


def test_with_xdist_the_controller_records_each_deselected_scenario_once(
    pytester, bdd_project, monkeypatch
):
    pythonpath = os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    (bdd_project / "features" / "live.feature").write_text(LIVE_FEATURE, encoding="utf-8")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", *PLUGIN_ARGS, "-n", "2", "-k", "not script",
        "--iam-results", "r.json", "--living-docs", "site",
    )  # fmt: skip
    result.assert_outcomes(passed=2)
    data = json.loads((bdd_project / "r.json").read_text(encoding="utf-8"))
    _check_deselected(bdd_project, data)


def test_a_run_without_records_records_no_deselected_scenario(pytester, bdd_project):
    (bdd_project / "features" / "live.feature").write_text(LIVE_FEATURE, encoding="utf-8")
    result = _run(pytester, "-m", "not live")
    result.assert_outcomes(passed=3, deselected=1)
    assert not list(bdd_project.glob("*.json"))


def test_deselection_by_mark_says_so(pytester, bdd_project):
    nightly = LIVE_FEATURE.replace("@live", "@nightly").replace(
        'the deployed principal "test-admin"',
        'the IAM user "test-admin" with the policy "connect/dept.json"',
    )
    (bdd_project / "features" / "nightly.feature").write_text(nightly, encoding="utf-8")
    result = _run(pytester, "-m", "not nightly", "--iam-results", "r.json")
    result.assert_outcomes(passed=3, deselected=1)
    data = json.loads((bdd_project / "r.json").read_text(encoding="utf-8"))
    (only,) = data["deselected"]
    assert (only["cause"], only["reason"]) == ("mark", "not selected by -m 'not nightly'")
    assert only["tags"] == ["nightly"]


def test_deselection_by_node_id_prefix_says_so(pytester, bdd_project):
    result = _run(
        pytester, "--deselect", "test_features.py::test_script", "--iam-results", "r.json"
    )
    result.assert_outcomes(passed=2, deselected=1)
    data = json.loads((bdd_project / "r.json").read_text(encoding="utf-8"))
    (only,) = data["deselected"]
    assert only["scenario"] == "<script>alert(1)</script>"
    assert (only["cause"], only["reason"]) == (
        "deselect",
        "deselected by --deselect test_features.py::test_script",
    )
