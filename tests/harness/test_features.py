# ruff: noqa: E501 - Gherkin steps are written on one line, as in the features
"""Black-box: feature files collected as test files, tags as markers, and every slip an error.

A project here has no conftest.py and no test module: iamspec's plugin registers the step
library and collects ``features/*.feature`` itself. Each slip the adoption issue lists is an
error naming the feature file and line (of the table row where a row is at fault), never a
green pass.
"""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PYPROJECT = """
[tool.pytest.ini_options]
bdd_features_base_dir = "features"
addopts = "-p no:hypothesispytest --strict-markers"

[tool.iamspec]
account_id = "111122223333"
region = "us-east-1"

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"

[tool.iamspec.placeholders]
dept = "Test"
team-key = "Team"
agent-arn = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555/agent/jdoe"
"""

DEPARTMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
        },
        {"Effect": "Deny", "Action": "connect:DeleteUser", "Resource": "*"},
    ],
}
TEAM = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "connect:DescribeUser",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}},
        }
    ],
}

DEPT_FEATURE = """\
@acme
Feature: Department admins
  Background:
    Given the IAM user "admin" with the policy "department.json"

  Scenario Outline: the Department tag decides
    Given a Connect user "jdoe" tagged "Department=<department>"
    When "admin" calls "<action>" on the Connect user "jdoe"
    Then the request is <decision>

    Examples:
      | department | action               | decision          |
      | Test       | connect:DescribeUser | allowed           |
      | Prod       | connect:DescribeUser | implicitly denied |

  @smoke
  Scenario: nobody deletes an agent
    Given a Connect user "jdoe" tagged "Department=Test"
    When "admin" calls "connect:DeleteUser" on the Connect user "jdoe"
    Then the request is explicitly denied
"""

OTHER_FEATURE = """\
Feature: Another feature
  Scenario: a Test agent may be described
    Given the IAM user "admin" with the policy "department.json"
    And a Connect user "x" tagged "Department=Test"
    When "admin" calls "connect:DescribeUser" on the Connect user "x"
    Then the request is allowed
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    policies = pytester.mkdir("policies")
    (policies / "department.json").write_text(json.dumps(DEPARTMENT))
    (policies / "team.json").write_text(json.dumps(TEAM))
    features = pytester.mkdir("features")
    (features / "dept.feature").write_text(DEPT_FEATURE)
    (features / "other.feature").write_text(OTHER_FEATURE)
    return pytester


def _feature(project: pytest.Pytester, name: str, text: str) -> Path:
    path = project.path / "features" / name
    path.write_text(textwrap.dedent(text))
    return path


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest("-p", "no:cacheprovider", *args)


# --------------------------------------------------------------------------------------------
# features are collected as files


def test_a_feature_file_is_a_test_file(project):
    result = _run(project, "features/dept.feature", "-v")
    result.assert_outcomes(passed=3)
    output = result.stdout.str()
    assert (
        "features/dept.feature::test_the_department_tag_decides[Test-connect:DescribeUser-allowed] PASSED"
        in output
    )
    assert "features/dept.feature::test_nobody_deletes_an_agent PASSED" in output
    assert "other.feature" not in output


def test_a_scenario_is_selected_by_its_node_id(project):
    result = _run(
        project,
        "features/dept.feature::test_the_department_tag_decides[Prod-connect:DescribeUser-implicitly denied]",
    )
    result.assert_outcomes(passed=1)
    _run(project, "features/dept.feature::test_nobody_deletes_an_agent").assert_outcomes(passed=1)


def test_a_folder_collects_every_feature_once(project):
    result = _run(project, "features", "--collect-only", "-q")
    ids = [line for line in result.stdout.lines if "::" in line]
    assert len(ids) == len(set(ids)) == 4
    result = _run(project)  # testpaths unset: the rootdir, features under bdd_features_base_dir
    result.assert_outcomes(passed=4)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Department and admins", 3),  # the feature's name
        ("deletes", 1),  # the scenario's name
        ("Another", 1),
        ("dept", 3),  # the file's name
        ("Prod", 1),  # the Examples row's id
    ],
)
def test_k_matches_feature_and_scenario_names(project, expression, expected):
    result = _run(project, "-k", expression)
    result.assert_outcomes(passed=expected)


def test_junit_classnames_name_the_feature_file(project):
    result = _run(project, "--junitxml=junit.xml")
    result.assert_outcomes(passed=4)
    cases = ET.parse(project.path / "junit.xml").getroot().iter("testcase")
    classnames = {case.get("classname") for case in cases}
    assert classnames == {"features.dept.feature", "features.other.feature"}


def test_the_location_of_a_scenario_is_its_feature_file_and_line(project):
    result = _run(
        project, "features/other.feature", "-vv", "--junitxml=j.xml", "-o", "junit_family=xunit1"
    )
    (case,) = ET.parse(project.path / "j.xml").getroot().iter("testcase")
    assert (case.get("file"), case.get("line")) == ("features/other.feature", "1")
    assert "<-" not in result.stdout.str()  # -vv shows no other file for the test


def test_last_failed_reruns_only_the_failing_scenario(project):
    _feature(
        project,
        "failing.feature",
        """\
        Feature: failing
          Scenario: wrong on purpose
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Prod"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is allowed
        """,
    )
    project.runpytest().assert_outcomes(passed=4, failed=1)
    result = project.runpytest("--lf", "-v")
    result.assert_outcomes(failed=1)
    assert "features/failing.feature::test_wrong_on_purpose FAILED" in result.stdout.str()


@pytest.mark.parametrize("dist", ["load", "loadfile"])
def test_xdist_runs_feature_files(project, dist):
    result = _run(project, "-n", "2", "--dist", dist)
    result.assert_outcomes(passed=4)


def test_cucumber_json_and_the_gherkin_reporter_work(project):
    result = _run(project, "--cucumberjson=cucumber.json")
    result.assert_outcomes(passed=4)
    report = json.loads((project.path / "cucumber.json").read_text())
    assert {f["uri"] for f in report} == {"features/dept.feature", "features/other.feature"}
    dept = next(f for f in report if f["uri"] == "features/dept.feature")
    assert dept["name"] == "Department admins"
    assert len(dept["elements"]) == 3
    assert all(s["result"]["status"] == "passed" for e in dept["elements"] for s in e["steps"])

    result = _run(project, "--gherkin-terminal-reporter", "-v", "features/other.feature")
    output = result.stdout.str()
    assert "Feature: Another feature" in output
    assert "Scenario: a Test agent may be described PASSED" in output


def test_pytest_bdd_hooks_run_for_feature_files(project):
    project.makeconftest(
        """
        SEEN = []

        def pytest_bdd_before_scenario(request, feature, scenario):
            SEEN.append(("before", feature.name, scenario.name))

        def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args):
            SEEN.append(("step", step.keyword, step.line_number))

        def pytest_sessionfinish(session):
            print("SEEN", SEEN)
        """
    )
    result = _run(project, "features/other.feature", "-s")
    result.assert_outcomes(passed=1)
    output = result.stdout.str()
    assert "('before', 'Another feature', 'a Test agent may be described')" in output
    assert "('step', 'Then', 6)" in output


def test_a_python_module_binding_the_features_does_not_run_them_twice(project):
    (project.path / "features" / "test_bound.py").write_text(
        "from pytest_bdd import scenarios\n\nscenarios('.')\n"
    )
    result = _run(project, "-v")
    result.assert_outcomes(passed=4)
    output = result.stdout.str()
    assert "features/test_bound.py::test_nobody_deletes_an_agent PASSED" in output
    assert "iamspec: 4 scenarios are bound by Python test modules" in output
    # named alone, the feature file runs from itself
    _run(project, "features/other.feature").assert_outcomes(passed=1)


def test_a_feature_file_is_parsed_once(project):
    # iamspec parses and checks the file, then hands pytest-bdd the parsed document
    project.makeconftest(
        """
        import pytest_bdd.parser

        PARSED = []
        _original = pytest_bdd.parser.get_gherkin_document

        def counting(*args, **kwargs):
            PARSED.append(args[0])
            return _original(*args, **kwargs)

        pytest_bdd.parser.get_gherkin_document = counting

        def pytest_sessionfinish(session):
            print("PARSED BY PYTEST-BDD", len(PARSED))
        """
    )
    result = _run(project, "-s")
    result.assert_outcomes(passed=4)
    assert "PARSED BY PYTEST-BDD 0" in result.stdout.str()


def test_feature_files_outside_the_base_dir_are_left_alone_unless_named(project):
    data = project.mkdir("data")
    (data / "sample.feature").write_text("this is not Gherkin\n")
    _run(project).assert_outcomes(passed=4)
    result = _run(project, "data/sample.feature")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "data/sample.feature:1: " in result.stdout.str()


# --------------------------------------------------------------------------------------------
# tags are markers


def test_tags_are_registered_markers_under_strict_markers(project):
    result = _run(project, "-m", "acme")
    result.assert_outcomes(passed=3)
    result = _run(project, "-m", "smoke")
    result.assert_outcomes(passed=1)
    result = _run(project, "-m", "not acme")
    result.assert_outcomes(passed=1)
    result = _run(project, "-m", "acme and smoke", "--strict-markers", "-v")
    result.assert_outcomes(passed=1)


def test_examples_and_rule_tags_are_markers_too(project):
    _feature(
        project,
        "rules.feature",
        """\
        Feature: rules
          @ruled
          Rule: a rule
            Scenario Outline: an outline
              Given the IAM user "admin" with the policy "department.json"
              And a Connect user "x" tagged "Department=<d>"
              When "admin" calls "connect:DescribeUser" on the Connect user "x"
              Then the request is <decision>

              @first-table
              Examples:
                | d    | decision |
                | Test | allowed  |
        """,
    )
    _run(project, "-m", "ruled").assert_outcomes(passed=1)
    _run(project, "-m", "first-table").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("@issue:12", "the tag @issue:12 cannot be a pytest marker"),
        ("@_private", "the tag @_private cannot be a pytest marker"),
        ("@parametrize", "the tag @parametrize is pytest's own marker 'parametrize'"),
    ],
)
def test_a_tag_that_cannot_be_a_marker_names_the_file_and_line(project, tag, message):
    path = _feature(
        project, "tagged.feature", OTHER_FEATURE.replace("  Scenario:", f"  {tag}\n  Scenario:")
    )
    result = _run(project)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert f"features/tagged.feature:{_line(path, tag)}: {message}" in result.stdout.str()


# --------------------------------------------------------------------------------------------
# every slip is an error naming the file and line


def _collection_error(project: pytest.Pytester, path: Path, line: int, *texts: str) -> None:
    result = _run(project)
    output = result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED, output
    assert f"ERROR collecting features/{path.name}" in output
    assert f"features/{path.name}:{line}: " in output, output
    for text in texts:
        assert text in output, output
    assert "KeyError" not in output
    assert "passed" not in output.splitlines()[-1]


def test_an_empty_feature_file(project):
    path = _feature(project, "empty.feature", "")
    _collection_error(project, path, 1, "empty feature file: it has no 'Feature:' line")


def test_a_feature_file_of_comments_only(project):
    path = _feature(project, "comments.feature", "# nothing yet\n# really\n")
    _collection_error(project, path, 1, "empty feature file")


def test_a_feature_without_scenarios(project):
    path = _feature(project, "bare.feature", "Feature: nothing to check\n  Some words.\n")
    _collection_error(project, path, 1, 'feature "nothing to check" has no scenario')


def test_a_feature_with_only_a_background(project):
    path = _feature(
        project,
        "background.feature",
        """\
        Feature: background only
          Background:
            Given the IAM user "admin" with the policy "department.json"
        """,
    )
    _collection_error(project, path, 1, "has no scenario")


def test_a_scenario_that_asks_but_states_no_decision(project):
    path = _feature(
        project,
        "no_then.feature",
        """\
        Feature: no decision
          Scenario: asks only
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
        """,
    )
    _collection_error(
        project,
        path,
        _line(path, "Scenario: asks only"),
        'scenario "asks only" asks (When "admin" calls "connect:DescribeUser" on the Connect user "x", line 5) but states no decision',
    )


def test_a_when_after_the_last_then_is_never_checked(project):
    path = _feature(
        project,
        "late_when.feature",
        """\
        Feature: a late question
          Scenario: asks twice, checks once
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is allowed
            When "admin" calls "connect:DeleteUser" on the Connect user "x"
        """,
    )
    _collection_error(
        project,
        path,
        _line(path, "connect:DeleteUser"),
        'the request of "When "admin" calls "connect:DeleteUser" on the Connect user "x"" is never checked',
    )


def test_a_request_no_then_step_checks_fails_and_is_not_recorded_as_passed(project):
    # a When-step followed only by a decision table: the table checks its own rows, not the
    # When-step's answer
    _feature(
        project,
        "table_after_when.feature",
        """\
        Feature: an answer nobody reads
          Scenario: asked, then a table
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DeleteUser" on the Connect user "x"
            Then "admin" gets these decisions:
              | action               | resource       | decision |
              | connect:DescribeUser | Connect user x | allowed  |
        """,
    )
    result = _run(project, "features/table_after_when.feature", "--iam-results", "r.json")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert (
        "features/table_after_when.feature:5: the scenario asked connect:DeleteUser but no Then-step checked the answer"
        in output
    )
    (record,) = json.loads((project.path / "r.json").read_text())["scenarios"]
    assert record["status"] == "error"


def test_a_scenario_a_step_skips_stays_skipped(project):
    project.makeconftest(
        """
        import pytest
        from pytest_bdd import then

        @then("this is not ready")
        def not_ready():
            pytest.skip("not ready")
        """
    )
    _feature(
        project,
        "skipped.feature",
        """\
        Feature: skipped
          Scenario: skipped after a question
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            Then this is not ready
        """,
    )
    _run(project, "features/skipped.feature").assert_outcomes(skipped=1)


def test_an_examples_table_without_a_column_a_step_uses(project):
    path = _feature(
        project,
        "missing_column.feature",
        """\
        Feature: a missing column
          Scenario Outline: decision column forgotten
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=<department>"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is <decision>

            Examples:
              | department |
              | Test       |
        """,
    )
    _collection_error(
        project,
        path,
        _line(path, "Examples:"),
        'the Examples table has no column "decision", which the step "Then the request is <decision>" (line 6) uses as <decision>',
    )


def test_a_parameter_without_an_examples_table(project):
    path = _feature(
        project,
        "no_examples.feature",
        """\
        Feature: no Examples
          Scenario: a plain scenario with a parameter
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is <decision>
        """,
    )
    _collection_error(
        project,
        path,
        _line(path, "<decision>"),
        "uses <decision>, but scenario",
        "has no Examples table",
    )


def test_an_examples_table_without_rows(project):
    path = _feature(
        project,
        "no_rows.feature",
        """\
        Feature: no rows
          Scenario Outline: nothing to fill
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is <decision>

            Examples:
              | decision |
        """,
    )
    _collection_error(project, path, _line(path, "Examples:"), "has no rows")


def test_two_scenarios_of_one_name(project):
    path = _feature(
        project,
        "twice.feature",
        OTHER_FEATURE + OTHER_FEATURE.split("\n", 1)[1],
    )
    second = [i for i, line in enumerate(path.read_text().splitlines(), 1) if "Scenario:" in line][
        1
    ]
    _collection_error(project, path, second, "is already used at line 2")


def test_a_gherkin_syntax_error_names_line_and_column(project):
    path = _feature(
        project,
        "syntax.feature",
        """\
        Feature: a broken table
          Scenario: cells missing
            Given the IAM user "admin" with the policy "department.json"
            Then "admin" gets these decisions:
              | action               | resource | decision |
              | connect:DescribeUser | allowed  |
        """,
    )
    _collection_error(project, path, 6, "Gherkin syntax: column 7: inconsistent cell count")


def test_a_failing_examples_row_is_named(project):
    path = _feature(
        project,
        "row.feature",
        """\
        Feature: a bad word in a row
          Scenario Outline: rows
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is <decision>

            Examples:
              | decision |
              | allowed  |
              | alowed   |
        """,
    )
    result = _run(project, "features/row.feature")
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "features/row.feature:6: Then the request is alowed" in output
    assert (
        f"with the Examples row features/row.feature:{_line(path, '| alowed')}: | alowed |"
        in output
    )
    assert "unknown decision 'alowed'; did you mean 'allowed'?" in output


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("| connect:DescribeUser | Connect user x | alowed |", "unknown decision 'alowed'"),
        (
            "| connect:DescribeUsr  | Connect user x | allowed |",
            "did you mean 'connect:DescribeUser'",
        ),
        (
            "| connect:DescribeUser | Connect user xy | allowed |",
            "unknown Connect user 'xy'; did you mean 'x'?",
        ),
    ],
)
def test_an_error_in_a_decision_table_row_names_the_row(project, bad_row, message):
    path = _feature(
        project,
        "table.feature",
        f"""\
        Feature: a decision table
          Scenario: rows
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            Then "admin" gets these decisions:
              | action               | resource       | decision          |
              | connect:DescribeUser | Connect user x | allowed           |
              {bad_row}
              | connect:DeleteUser   | Connect user x | explicitly denied |
        """,
    )
    result = _run(project, "features/table.feature")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert f"features/table.feature:{_line(path, bad_row)}: {' '.join(bad_row.split())}" in output
    assert message in output
    assert "Traceback" not in output


def test_a_wrong_decision_in_a_table_names_the_row(project):
    path = _feature(
        project,
        "wrong.feature",
        """\
        Feature: a wrong expectation
          Scenario: rows
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            Then "admin" gets these decisions:
              | action               | resource       | decision          |
              | connect:DescribeUser | Connect user x | allowed           |
              | connect:DeleteUser   | Connect user x | implicitly denied |
        """,
    )
    result = _run(project, "features/wrong.feature")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    row = _line(path, "| connect:DeleteUser")
    assert (
        f"features/wrong.feature:{row}: | connect:DeleteUser | Connect user x | implicitly denied |\nexpected: implicitly denied"
        in output
    )
    assert "actual:   explicitly denied" in output


@pytest.mark.parametrize(
    ("step", "suggestion"),
    [
        ("Then the request should be allowed", "did you mean: Then the request is allowed"),
        ('Given a campaign "spring"', 'did you mean: Given an outbound campaign "spring"'),
        (
            'Given a Connect user "y" with the tags "Department=Test"',
            'Given a Connect user "y" tagged "Department=Test"',
        ),
        ('Given the IAM usr "bob"', 'did you mean: Given the IAM user "bob"'),
        (
            'When "admin" call "connect:DescribeUser" on any resource',
            'did you mean: When "admin" calls "connect:DescribeUser" on any resource',
        ),
        ("Given the request is allowed", "did you mean: Then the request is allowed"),
    ],
)
def test_an_unknown_step_lists_the_nearest_phrases(project, step, suggestion):
    path = _feature(
        project,
        "unknown.feature",
        f"""\
        Feature: an almost-right step
          Scenario: a slip
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "x" tagged "Department=Test"
            When "admin" calls "connect:DescribeUser" on the Connect user "x"
            {step}
            Then the request is allowed
        """,
    )
    result = _run(project, "features/unknown.feature")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    location = f"features/unknown.feature:{_line(path, step)}: {step}"
    assert location in output, output
    assert f"unknown step: no step definition reads {step}" in output
    assert suggestion in output, output
    assert "Traceback" not in output


def test_an_unknown_step_suggests_the_projects_own_steps(project):
    project.makeconftest(
        """
        from pytest_bdd import given, parsers

        @given(parsers.parse('the Test-department admin "{name}"'))
        def admin(world, name):
            world.add_principal("IAM user", name, "department.json")
        """
    )
    _feature(
        project,
        "own.feature",
        """\
        Feature: a project step
          Scenario: almost
            Given the Test department admin "ann"
            And a Connect user "x" tagged "Department=Test"
            When "ann" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is allowed
        """,
    )
    result = _run(project, "features/own.feature")
    result.assert_outcomes(failed=1)
    assert 'did you mean: Given the Test-department admin "ann"' in result.stdout.str()


@pytest.mark.parametrize(
    ("tags", "key", "meant"),
    [
        ("Taem=A", "Taem", "Team"),  # one swap in a four-letter key
        ("team=A", "team", "Team"),
        ("Tema=A", "Tema", "Team"),
    ],
)
def test_a_tag_key_one_slip_away_is_an_error(project, tags, key, meant):
    path = _feature(
        project,
        "typo.feature",
        f"""\
        Feature: a tag key slip
          Scenario: the key is misspelt
            Given the IAM user "ann" with the policy "team.json" tagged "Team=A"
            And a Connect user "x" tagged "{tags}"
            When "ann" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is implicitly denied
        """,
    )
    result = _run(project, "features/typo.feature")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert f"features/typo.feature:{_line(path, 'When ')}: When" in output
    assert f"TagKeyTypoError: the tag key {key!r}" in output
    assert f"did you mean {meant!r}?" in output


# --------------------------------------------------------------------------------------------
# placeholders are filled everywhere the README says


def test_placeholders_in_every_kind_of_argument(project):
    _feature(
        project,
        "placeholders.feature",
        """\
        Feature: placeholders
          Scenario: in IAM user tags and resource tags
            Given the IAM user "ann" with the policy "team.json" tagged "{{team-key}}=A"
            And a Connect user "x" tagged "{{team-key}}=A"
            When "ann" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is allowed

          Scenario: in a principal's later tags
            Given the IAM user "bob" with the policy "team.json"
            And "bob" is tagged "Team={{dept}}"
            And a Connect user "x" tagged "Team=Test"
            When "bob" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is allowed

          Scenario: in ARNs, decision tables and request tags
            Given the IAM user "admin" with the policy "department.json"
            And a Connect user "jdoe" tagged "Department={{dept}}"
            When "admin" calls "connect:DescribeUser" on the ARN "{{agent-arn}}"
            Then the request is implicitly denied
            And "admin" gets these decisions:
              | action               | resource                 | decision |
              | connect:DescribeUser | Connect user jdoe        | allowed  |
              | connect:ListUsers    | arn:aws:connect:{{region}}:{{account_id}}:instance/{{connect_instances.main}} | implicitly denied |
        """,
    )
    result = _run(project, "features/placeholders.feature")
    result.assert_outcomes(passed=3)


def test_an_unknown_placeholder_in_a_tag_is_an_error_not_a_deny(project):
    path = _feature(
        project,
        "bad_placeholder.feature",
        """\
        Feature: a misspelt placeholder
          Scenario: unknown name
            Given the IAM user "ann" with the policy "team.json" tagged "Team={{detp}}"
            And a Connect user "x" tagged "Team=A"
            When "ann" calls "connect:DescribeUser" on the Connect user "x"
            Then the request is implicitly denied
        """,
    )
    result = _run(project, "features/bad_placeholder.feature")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert f"features/bad_placeholder.feature:{_line(path, 'detp')}: Given" in output
    assert "unknown placeholder {{detp}}" in output
    assert "did you mean '{{dept}}'?" in output
