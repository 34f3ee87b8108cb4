"""Issue 14, the harness side: hostile paths, output folders, interrupted runs and secrets.

Each test runs pytest on a small project (pytester, in a subprocess where a signal is sent)
and names the finding it reproduces.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

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

CONFTEST = """
# the step library ships in the package; feature files are collected as they are
"""

DEPARTMENT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}}
    }
  ]
}
"""

SECRET = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

PASSING = """\
Feature: a small feature
  Scenario: the Department tag decides
    Given the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    pytester.makeconftest(CONFTEST)
    policies = pytester.mkdir("policies")
    (policies / "department.json").write_text(DEPARTMENT)
    pytester.mkdir("features")
    return pytester


def feature(project: pytest.Pytester, text: str, name: str = "small") -> Path:
    path = project.path / "features" / f"{name}.feature"
    path.write_text(textwrap.dedent(text))
    return path


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--import-mode=importlib", *args
    )


# -- finding 8: policy names in features stay inside policies/ ----------------------------------


def test_finding8_a_feature_cannot_load_or_publish_a_file_outside_policies(project, tmp_path):
    """``with the policy "../../x.json"`` loaded the file and published it in the living docs;
    now the step fails, naming the feature file and line, and the file is never quoted."""
    outside = project.path / "secret.json"
    outside.write_text(SECRET)
    (project.path / "policies" / "link.json").symlink_to(outside)
    feature(
        project,
        """\
        Feature: escaping names
          Scenario: a relative escape
            Given the IAM user "u" with the policy "../secret.json"
            When "u" calls "connect:DescribeUser" on any resource
            Then the request is implicitly denied

          Scenario: a link out of the folder
            Given the IAM user "u" with the policy "link.json"
            When "u" calls "connect:DescribeUser" on any resource
            Then the request is implicitly denied
        """,
    )
    site = tmp_path / "site"
    result = run(project, "--living-docs", str(site))
    result.assert_outcomes(failed=2)
    output = result.stdout.str() + result.stderr.str()
    assert "features/small.feature:3: Given the IAM user" in output, output
    assert "features/small.feature:8: Given the IAM user" in output, output
    assert "resolves outside policies/" in output, output
    assert "wJalrXUtnFEMI" not in output
    assert "aws_secret_access_key" not in output
    published = "".join(p.read_text(errors="replace") for p in site.iterdir())
    assert "wJalrXUtnFEMI" not in published


# -- finding 6: a lone surrogate never crashes the living docs ---------------------------------

SURROGATE_POLICY = (
    '{"Version": "2012-10-17", "Statement": ['
    '{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*", '
    '"Condition": {"StringEquals": {"aws:ResourceTag/Team": ["a", "\\ud800"]}}}, '
    '{"Effect": "Allow", "Action": "connect:DescribeUser", '
    '"Resource": "arn:aws:connect:*:*:instance/*/agent/\\ud800"}]}'
)


def test_finding6_a_lone_surrogate_keeps_the_summary_the_exit_code_and_utf8_pages(
    project, tmp_path
):
    """An escaped lone surrogate in a policy's values crashed the living docs at the end of a
    passing run (UnicodeEncodeError writing the explanation that quotes it: the summary lost,
    a 0-byte feature page). Whatever the scenario's outcome, the run's summary and exit code
    stand and every page is valid UTF-8."""
    (project.path / "policies" / "surrogate.json").write_text(SURROGATE_POLICY)
    feature(
        project,
        """\
        Feature: a policy with a lone surrogate
          Scenario: another team's agent is not described
            Given the IAM user "u" with the policy "surrogate.json"
            And a Connect user "jdoe" tagged "Team=b"
            When "u" calls "connect:DescribeUser" on the Connect user "jdoe"
            Then the request is implicitly denied
        """,
    )
    site = tmp_path / "site"
    result = run(project, "--living-docs", str(site))
    outcomes = result.parseoutcomes()
    passed = outcomes.get("passed", 0) == 1
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == 1, outcomes
    assert result.ret == (0 if passed else 1), result.stdout.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    pages = sorted(site.iterdir())
    assert pages
    for page in pages:
        data = page.read_bytes()
        assert data, f"{page.name} is empty"
        data.decode("utf-8")  # raises if a page is not valid UTF-8
    if passed:
        feature_page = next(p for p in pages if p.name.startswith("feature-"))
        assert "\\ud800" in feature_page.read_text(encoding="utf-8")


def test_finding6_a_failure_to_write_the_docs_keeps_the_summary_and_is_not_denied(
    project, tmp_path
):
    """Any exception while rendering (not only OSError) is reported after the run's summary,
    and the exit status is pytest's internal error (3), never 1 (a failed, "denied" run)."""
    (project.path / "conftest.py").write_text(
        CONFTEST
        + textwrap.dedent(
            """
            import iamspec.livingdoc.plugin as _plugin

            def _broken(*args, **kwargs):
                raise ValueError("rendering broke")

            _plugin.write_site = _broken
            """
        )
    )
    feature(project, PASSING)
    result = project.runpytest_subprocess(  # the patch must not outlive this run
        "-p", "no:cacheprovider", "--living-docs", str(tmp_path / "site")
    )
    output = result.stdout.str()
    assert "1 passed" in output, output
    assert "the living documentation was not written" in output, output
    assert "rendering broke" in output, output
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR


# -- finding 9: output paths are checked at start and never written through a link ------------


def test_finding9_living_docs_never_write_through_a_symbolic_link(project, tmp_path):
    """A ``coverage.html`` link in the site folder overwrote the file it pointed to."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    site = tmp_path / "site"
    site.mkdir()
    (site / "coverage.html").symlink_to(victim)
    feature(project, PASSING)
    result = run(project, "--living-docs", str(site))
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    assert "coverage.html" in result.stderr.str()
    assert "symbolic link" in result.stderr.str()
    assert "passed" not in result.stdout.str()  # refused before any scenario ran
    assert victim.read_text() == "keep me"
    assert (site / "coverage.html").is_symlink()


def test_finding9_a_symbolic_link_as_the_site_folder_is_refused(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "site").symlink_to(elsewhere, target_is_directory=True)
    feature(project, PASSING)
    result = run(project, "--living-docs", str(tmp_path / "site"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "symbolic link" in result.stderr.str()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("option", ["--iam-results", "--drift-report"])
def test_finding9_an_output_file_that_is_a_directory_is_a_usage_error_at_start(
    project, tmp_path, option
):
    """``--iam-results DIR`` failed with a traceback only after the whole run."""
    folder = tmp_path / "out"
    folder.mkdir()
    feature(project, PASSING)
    extra = ["--iam-backend=moto", "--compare-local"] if option == "--drift-report" else []
    result = run(project, option, str(folder), *extra)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    assert f"{option} {folder}: is a directory" in result.stderr.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert "passed" not in result.stdout.str()


def test_finding9_a_results_file_that_is_a_symbolic_link_is_refused(project, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "results.json").symlink_to(victim)
    feature(project, PASSING)
    result = run(project, "--iam-results", str(tmp_path / "results.json"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "symbolic link" in result.stderr.str()
    assert victim.read_text() == "keep me"


def test_finding9_outputs_say_which_files_they_replace(project, tmp_path):
    feature(project, PASSING)
    site, results = tmp_path / "site", tmp_path / "results.json"
    # the --opt=value form: pytest takes an existing path given as a separate argument for a
    # rootdir candidate, and the second run's outputs exist
    options = (f"--living-docs={site}", f"--iam-results={results}")
    first = run(project, *options)
    first.assert_outcomes(passed=1)
    assert "earlier" not in first.stdout.str()
    second = run(project, *options)
    output = second.stdout.str()
    assert f"{results} (replacing the file of an earlier run)" in output, output
    assert "files of an earlier site replaced: " in output, output
    replaced = output.split("files of an earlier site replaced: ", 1)[1].splitlines()[0]
    assert "coverage.html, errata.html" in replaced, output


# -- finding 3: an interrupted run never looks complete ----------------------------------------

SLOW_STEPS = """
import os, time
from pytest_bdd import given

@given("the clock ticks")
def _clock_ticks():
    time.sleep(float(os.environ.get("IAMSPEC_TEST_TICK", "0.4")))
    with open(os.environ["IAMSPEC_TEST_TICKS"], "a") as ticks:
        ticks.write("tick\\n")
"""

SCENARIOS = 12


def slow_feature(project: pytest.Pytester) -> None:
    scenarios = "\n".join(
        f"""
  Scenario: tick {n}
    Given the IAM user "test-admin" with the policy "department.json"
    And a Connect user "jdoe" tagged "Department=Test"
    And the clock ticks
    When "test-admin" calls "connect:DescribeUser" on the Connect user "jdoe"
    Then the request is allowed
"""
        for n in range(1, SCENARIOS + 1)
    )
    (project.path / "features" / "slow.feature").write_text("Feature: a slow feature\n" + scenarios)
    (project.path / "conftest.py").write_text(CONFTEST + SLOW_STEPS)


def _start(project: pytest.Pytester, ticks: Path, *args: str) -> subprocess.Popen[str]:
    def default_sigint() -> None:  # a test runner may ignore SIGINT; a CI cancel does not
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "AWS_"))}
    env.update(IAMSPEC_TEST_TICKS=str(ticks), PYTHONPATH=str(PROJECT / "src"))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",
            "--import-mode=importlib",
            *args,
        ],
        cwd=project.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=default_sigint,
    )


def _wait_for_ticks(process: subprocess.Popen[str], ticks: Path, count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if ticks.exists() and len(ticks.read_text().splitlines()) >= count:
            return
        if process.poll() is not None:
            raise AssertionError(f"the run ended early:\n{process.stdout.read()}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the run made no progress")


def _pages(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in site.iterdir() if p.suffix == ".html"}


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_finding3_an_interrupted_run_says_so_in_results_drift_and_every_page(
    project, tmp_path, sent
):
    """SIGINT (what a CI cancel sends) left a results file with part of the scenarios, all
    passed and ``finished_at`` set, a drift report saying "no drift" and a site saying "N
    passed"; SIGTERM left the previous run's files in place."""
    slow_feature(project)
    ticks = tmp_path / "ticks.txt"
    results, drift, site = tmp_path / "r.json", tmp_path / "drift.json", tmp_path / "site"
    process = _start(
        project,
        ticks,
        "--iam-backend=moto",
        "--compare-local",
        f"--iam-results={results}",
        f"--drift-report={drift}",
        f"--living-docs={site}",
    )
    _wait_for_ticks(process, ticks, 3)
    process.send_signal(sent)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == pytest.ExitCode.INTERRUPTED, output
    record = json.loads(results.read_text())
    ran = len(record["scenarios"])
    assert 0 < ran < SCENARIOS, output
    assert record["state"] == "interrupted"
    assert record["signal"] == sent.name
    assert record["finished_at"] is None
    report = json.loads(drift.read_text())
    assert (report["state"], report["signal"]) == ("interrupted", sent.name)
    pages = _pages(site)
    assert {"index.html", "coverage.html", "errata.html", "drift.html"} <= set(pages)
    for name, page in pages.items():
        header = page.split("</header>", 1)[0]
        assert f"interrupted ({sent.name})" in header, name
        assert "did not run" in header, name
    assert f"{ran} of the scenarios ran" in pages["index.html"]
    assert f"interrupted ({sent.name})" in output
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.json")]


def test_finding3_a_killed_run_leaves_running_never_the_last_complete_run(project, tmp_path):
    """SIGKILL cannot be handled: the files written at the start say ``running``, so the
    previous run's complete results, drift report and pages never pass for this run's."""
    slow_feature(project)
    ticks = tmp_path / "ticks.txt"
    results, site = tmp_path / "r.json", tmp_path / "site"
    outputs = (f"--iam-results={results}", f"--living-docs={site}")  # "=": not rootdir paths
    earlier = _start(project, ticks, *outputs)
    output, _ = earlier.communicate(timeout=300)
    assert earlier.returncode == 0, output
    before = json.loads(results.read_text())
    assert before["state"] == "complete"
    assert len(before["scenarios"]) == SCENARIOS
    assert "feature-slow.html" in _pages(site)
    ticks.unlink()
    process = _start(project, ticks, *outputs)
    _wait_for_ticks(process, ticks, 2)
    process.kill()
    process.communicate(timeout=60)
    after = json.loads(results.read_text())
    assert after["state"] == "running"
    assert after["started_at"] > before["started_at"]
    assert after["scenarios"] == []
    pages = _pages(site)
    assert "feature-slow.html" not in pages  # the earlier run's pages are gone
    assert "running" in pages["index.html"]
    assert "did not finish" in pages["index.html"]
    state = json.loads((site / "iamspec-site.json").read_text())
    assert state["state"] == "running"


# -- finding 10: the pytest terminal summary lines iamspec writes print no control sequence ----


def test_finding10_the_summary_lines_print_no_terminal_escape(project, tmp_path):
    name = "e\x1b[2Jvil.json"
    (project.path / "policies" / name).write_text(DEPARTMENT)
    feature(project, PASSING.replace('"department.json"', f'"{name}"'))
    result = run(project, "--living-docs", str(tmp_path / "site"))
    result.assert_outcomes(passed=1)
    summary = result.stdout.str().split("iamspec policy coverage", 1)[1]
    assert "policies/e\\x1b[2Jvil.json statement 1" in summary
    assert "\x1b" not in summary


def test_finding3_a_crashed_run_says_crashed(project, tmp_path):
    """An internal error (here a plugin's hook raising) ends the run without its scenarios:
    the results file says ``crashed``, not ``complete``."""
    (project.path / "conftest.py").write_text(
        CONFTEST + "\ndef pytest_collection_finish(session):\n    raise RuntimeError('boom')\n"
    )
    feature(project, PASSING)
    results = tmp_path / "r.json"
    result = run(project, f"--iam-results={results}")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    record = json.loads(results.read_text())
    assert record["state"] == "crashed"
    assert record["finished_at"] is None


def test_finding9_the_drift_report_says_it_replaced_an_earlier_one(project, tmp_path):
    feature(project, PASSING)
    drift = tmp_path / "drift.json"
    args = ("--iam-backend=moto", "--compare-local", f"--drift-report={drift}")
    first = run(project, *args)
    first.assert_outcomes(passed=1)
    assert f"drift report: {drift}\n" in first.stdout.str() + "\n"
    second = run(project, *args)
    assert f"drift report: {drift} (replacing the file of an earlier run)" in second.stdout.str()
