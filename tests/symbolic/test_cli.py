"""``iamspec diff`` and ``iamspec prove``: outputs and exit statuses.

Exit statuses (iamspec.symbolic.commands): 0 holds, 1 refuted / new access, 2 bad input
(naming file, line and column), 3 unknown or cannot prove (never a pass), 70 internal error.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import iamspec
from iamspec.cli import main
from iamspec.engine.evaluator import Decision
from iamspec.symbolic import commands

PROJECT = Path(__file__).resolve().parents[2]
USERS = str(PROJECT / "policies/connect/describe-update-users-by-department.json")


def _write(path: Path, document) -> str:
    path.write_text(json.dumps(document, indent=2))
    return str(path)


def _statement(actions, condition=None, effect="Allow", sid=None):
    statement = {"Effect": effect, "Action": actions, "Resource": "*"}
    if sid:
        statement["Sid"] = sid
    if condition:
        statement["Condition"] = condition
    return statement


def _policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.fixture
def old(tmp_path):
    return _write(
        tmp_path / "old.json",
        _policy(
            _statement(["connect:DescribeUser"], {"StringEquals": {"aws:ResourceTag/Team": "A"}})
        ),
    )


@pytest.fixture
def new(tmp_path):
    return _write(
        tmp_path / "new.json",
        _policy(
            _statement(
                ["connect:DescribeUser"],
                {"StringLike": {"aws:ResourceTag/Team": "A*"}},
                sid="Widened",
            ),
            _statement(["connect:DeleteUser"], sid="AlsoDelete"),
        ),
    )


def _replay(policy_path, request):
    arguments = {
        "PolicyInputList": [Path(policy_path).read_text()],
        "ActionNames": [request["action"]],
        "ContextEntries": request["context"],
    }
    if request["resource"] != "*":
        arguments["ResourceArns"] = [request["resource"]]
    response = iamspec.simulate_custom_policy(**arguments)
    return Decision(response["EvaluationResults"][0]["EvalDecision"])


def test_diff_json_lists_new_and_removed_access_as_replayable_requests(old, new, capsys):
    code = main(["diff", old, new, "--action", "connect:*", "--format", "json"])
    assert code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "refuted"
    actions = sorted(r["action"] for r in out["new_access"])
    assert actions == ["connect:DeleteUser", "connect:DescribeUser"]
    for request in out["new_access"]:
        assert set(request) == {"action", "resource", "context"}
        for entry in request["context"]:
            assert set(entry) == {"ContextKeyName", "ContextKeyValues", "ContextKeyType"}
        assert _replay(new, request) is Decision.ALLOWED
        assert _replay(old, request) is not Decision.ALLOWED
    assert out["removed_access"] == []
    assert out["complete"] == {"new_access": True, "removed_access": True}
    assert out["granted_by"]["new_access"]


def test_diff_text_names_the_granting_statement(old, new, capsys):
    assert main(["diff", old, new, "--action", "connect:*"]) == 1
    out = capsys.readouterr().out
    assert "New access (NEW allows, OLD does not): 2 request(s)" in out
    assert "connect:DeleteUser on arn:aws:connect:" in out
    assert f"allowed by {new} statement 2 (AlsoDelete)" in out
    assert "with aws:ResourceTag/Team = 'A" in out
    assert "Access removed (OLD allows, NEW does not): none" in out


def test_diff_without_new_access_exits_0_and_reports_removed_access(old, new, capsys):
    assert main(["diff", new, old, "--action", "connect:*", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["new_access"] == []
    assert sorted(r["action"] for r in out["removed_access"]) == [
        "connect:DeleteUser",
        "connect:DescribeUser",
    ]


def test_diff_of_a_policy_with_itself_over_every_action(old, capsys):
    assert main(["diff", old, old, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {**out, "new_access": [], "removed_access": [], "status": "proven"}
    assert out["actions"] == ["*"]


def test_diff_of_a_malformed_policy_names_file_line_and_column(old, tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}\n')
    assert main(["diff", old, str(broken)]) == 2
    err = capsys.readouterr().err
    assert f"{broken}:3:" in err


def test_diff_of_an_unreadable_policy_names_the_file(old, tmp_path, capsys):
    missing = tmp_path / "missing.json"
    assert main(["diff", old, str(missing)]) == 2
    assert f"{missing}: cannot read policy" in capsys.readouterr().err


def test_diff_of_an_unknown_action_pattern_is_bad_input(old, capsys):
    assert main(["diff", old, old, "--action", "conect:*"]) == 2
    assert "conect" in capsys.readouterr().err


def test_diff_bad_options_are_usage_errors(old):
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", old, old, "--timeout", "0"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", old, old, "--max-requests", "-1"])
    assert exit_info.value.code == 2


def test_diff_max_requests_marks_the_list_incomplete(tmp_path, capsys):
    empty = _write(
        tmp_path / "none.json", _policy(_statement(["connect:ListUsers"], effect="Deny"))
    )
    everything = _write(tmp_path / "all.json", _policy(_statement(["connect:Describe*"])))
    assert main(["diff", empty, everything, "--max-requests", "3", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert len(out["new_access"]) == 3
    assert out["complete"]["new_access"] is False


CLAIMS = """
[[claim]]
name = "test-admin describes and updates only Test-department agents"
policies = ["{users}"]
actions = ["connect:DescribeUser", "connect:UpdateUser*"]
principal = {{ kind = "user", name = "test-admin", account = "111122223333" }}
allowed_only_if = {{ resource_tag = {{ Department = "Test" }} }}

[[claim]]
name = "viewers never delete"
policies = ["{view}"]
actions = ["connect:Delete*"]
expect = "never allowed"
"""

REFUTED = """
[[claim]]
name = "a wrong claim"
policies = ["{users}"]
actions = ["connect:DescribeUser"]
allowed_only_if = {{ resource_tag = {{ Team = "Test" }} }}
"""


def _claims(tmp_path, text):
    path = tmp_path / "claims.toml"
    path.write_text(
        text.format(users=USERS, view=str(PROJECT / "policies/connect/view-users.json"))
    )
    return str(path)


def test_prove_all_proven_exits_0(tmp_path, capsys):
    assert main(["prove", _claims(tmp_path, CLAIMS)]) == 0
    captured = capsys.readouterr()
    assert "proven: a request for connect:DescribeUser, connect:UpdateUser*" in captured.out
    assert "2 claims: 2 proven" in captured.err


def test_prove_refuted_exits_1_with_a_scenario(tmp_path, capsys):
    assert main(["prove", _claims(tmp_path, REFUTED)]) == 1
    out = capsys.readouterr().out
    assert "refuted:" in out
    assert "as a scenario:" in out
    assert "Then the request is allowed" in out


def test_prove_json(tmp_path, capsys):
    assert main(["prove", _claims(tmp_path, REFUTED), "--format", "json"]) == 1
    (claim,) = json.loads(capsys.readouterr().out)["claims"]
    assert claim["status"] == "refuted"
    assert claim["decisions"] == {"policies": "allowed"}
    assert set(claim["counterexample"]) == {"action", "resource", "context"}


def test_prove_cannot_prove_exits_3(tmp_path, capsys):
    policy = _write(
        tmp_path / "p.json",
        _policy(
            _statement(
                ["connect:DescribeUser"],
                {"StringEqualsIgnoreCase": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}},
            )
        ),
    )
    claims = tmp_path / "claims.toml"
    claims.write_text(
        f'[[claim]]\npolicies = ["{policy}"]\nactions = ["connect:DescribeUser"]\n'
        "allowed_only_if = { resource_tag_equals_principal_tag = ['Team'] }\n"
    )
    assert main(["prove", str(claims)]) == 3
    assert (
        "cannot prove: StringEqualsIgnoreCase with a policy variable at" in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[claim]]\npolicies = 3\nexpect = 'never allowed'\n",
            "claim 1.policies: expected a string",
        ),
        ("[[claim]]\npolicies = ['x.json']\n", "state exactly one of"),
        (
            "[[claim]]\npolicies = ['{users}']\nexpect = 'sometimes'\n",
            "claim 1.expect: expected one of",
        ),
        (
            "[[claim]]\npolicies = ['{users}']\nexpect = 'never allowed'\npolices = 1\n",
            "unknown field 'polices'",
        ),
        ("[[claim]\n", "line 1"),
        ("title = 'x'\n", "unknown top-level entry 'title'"),
        (
            "[[claim]]\npolicies = ['{users}']\nallowed_only_if = {{ tag = 1 }}\n",
            "unknown predicate 'tag'",
        ),
        (
            "[[claim]]\npolicies = ['{users}']\nexpect = 'never allowed'\n"
            "principal = {{ kind = 'user', name = 'a', account = '111122223333', "
            "partition = 'aws-china' }}\n",
            "claim 1.principal.partition: 'aws-china' is not one of",
        ),
    ],
)
def test_prove_bad_claims_files_exit_2(tmp_path, capsys, text, message):
    assert main(["prove", _claims(tmp_path, text)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "claims.toml" in err


def test_prove_malformed_policy_names_file_line_and_column(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}\n')
    claims = tmp_path / "claims.toml"
    claims.write_text(f'[[claim]]\npolicies = ["{broken}"]\nexpect = "never allowed"\n')
    assert main(["prove", str(claims)]) == 2
    assert f"{broken}:3:" in capsys.readouterr().err


def test_prove_internal_error_exits_70(tmp_path, capsys, monkeypatch):
    from iamspec.symbolic import prover, replay

    real = replay.replay

    def lying(policy_set, request):
        found = real(policy_set, request)
        return replay.Replay(Decision.EXPLICIT_DENY, found.explanation, found.deciding)

    monkeypatch.setattr(prover, "replay", lying)
    assert main(["prove", _claims(tmp_path, REFUTED)]) == commands.EXIT_INTERNAL
    assert "internal error" in capsys.readouterr().err


def test_help_states_the_exit_statuses():
    for command in ("prove", "diff"):
        result = subprocess.run(
            [sys.executable, "-m", "iamspec.cli", command, "--help"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "exit status:" in result.stdout
        assert "never a pass" in result.stdout
        assert "70" in result.stdout


def _exit_lines(command: str) -> dict[str, str]:
    """The first line of each exit status of ``iamspec COMMAND --help``, by status."""
    text = subprocess.run(
        [sys.executable, "-m", "iamspec.cli", command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = text[text.index("exit status:") :].splitlines()[1:]
    found = {}
    for line in lines:
        status, _, rest = line.strip().partition(" ")
        if status.isdigit() and line.startswith("  ") and not line.startswith("      "):
            found[status] = rest.strip()
    return found


def test_diff_help_states_each_status_as_run_diff_returns_it():
    found = _exit_lines("diff")
    assert sorted(found, key=int) == ["0", "1", "2", "3", "70"]
    assert found["0"].startswith("NEW grants nothing OLD does not")
    assert found["1"].startswith("NEW grants a request OLD does not")
    assert found["2"].startswith("bad input")
    assert found["3"].startswith("no new access found, but the answer is unknown")
    assert found["70"].startswith("internal defect of iamspec")
    assert "claim" not in " ".join(found.values())


def test_prove_help_states_each_status():
    found = _exit_lines("prove")
    assert sorted(found, key=int) == ["0", "1", "2", "3", "70"]
    assert found["0"] == "every claim proven"
    assert found["1"].startswith("a claim refuted")
    assert found["70"].startswith("internal defect of iamspec")


def test_other_commands_do_not_load_the_solver():
    result = subprocess.run(
        [sys.executable, "-c", "import sys, iamspec.cli; print('z3' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_diff_over_every_action_with_a_not_action_statement(tmp_path, capsys):
    """NotAction reaches every service: the list stops at --max-requests, marked incomplete."""
    old = _write(tmp_path / "old.json", _policy(_statement(["connect:Describe*"])))
    new = _write(
        tmp_path / "new.json",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
        },
    )
    assert main(["diff", old, new, "--max-requests", "5", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert len(out["new_access"]) == 5
    assert out["complete"]["new_access"] is False
    assert all(not r["action"].startswith("iam:") for r in out["new_access"])
    assert out["removed_access"] == []
