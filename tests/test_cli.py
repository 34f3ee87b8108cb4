"""``iamspec simulate``: explanations, the AWS-shaped --json, and exit statuses.

Exit status (iamspec.cli): 0 every decision allowed, 1 any denied, 2 bad input - so a script
never mistakes an error for a denial.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iamspec.cli import main

AGENT = "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/jdoe"
DEPARTMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DescribeTest",
            "Effect": "Allow",
            "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
        }
    ],
}


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "department.json"
    path.write_text(json.dumps(DEPARTMENT, indent=2))
    return str(path)


def _run(capsys, *argv):
    code = main(["simulate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_allowed_prints_the_explanation_and_exits_0(capsys, policy):
    code, out, err = _run(
        capsys,
        "--policy",
        policy,
        "--action",
        "connect:DescribeUser",
        "--resource",
        AGENT,
        "--context",
        "aws:ResourceTag/Department=Test",
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [
        f"connect:DescribeUser on {AGENT}: allowed",
        f"allowed by {policy} statement 1 (DescribeTest)",
        f"{policy} statement 1 (DescribeTest): Allow applies",
    ]
    assert (
        "  condition ok: aws:ResourceTag/Department is 'Test'; StringEquals matches 'Test'" in out
    )


def test_any_denial_exits_1_and_says_why(capsys, policy):
    code, out, _ = _run(
        capsys,
        "--policy",
        policy,
        "--action",
        "connect:DescribeUser",
        "--action",
        "connect:DeleteUser",
        "--resource",
        AGENT,
        "--context",
        "aws:ResourceTag/Department=Prod",
    )
    assert code == 1
    assert f"connect:DescribeUser on {AGENT}: implicitDeny" in out
    assert (
        "  condition FAILED: aws:ResourceTag/Department is 'Prod'; StringEquals expects 'Test'"
        in out
    )
    assert f"connect:DeleteUser on {AGENT}: implicitDeny" in out
    assert "no statement's Action matches connect:DeleteUser" in out


def test_json_prints_the_aws_shaped_response(capsys, policy):
    code, out, _ = _run(
        capsys,
        "--policy",
        policy,
        "--action",
        "connect:DescribeUser",
        "--resource",
        AGENT,
        "--context",
        "aws:ResourceTag/Department=Test",
        "--json",
    )
    assert code == 0
    response = json.loads(out)
    assert response["IsTruncated"] is False
    (result,) = response["EvaluationResults"]
    assert result["EvalActionName"] == "connect:DescribeUser"
    assert result["EvalDecision"] == "allowed"
    assert result["EvalResourceName"].endswith("agent/${UserId}")
    (statement,) = result["MatchedStatements"]
    assert statement["SourcePolicyId"] == policy
    assert statement["StartPosition"] == {"Line": 3, "Column": 17}
    assert result["ResourceSpecificResults"][0]["EvalResourceName"] == AGENT


@pytest.mark.parametrize(
    ("context", "decision"),
    [
        (["aws:SourceIp=203.0.113.7:ip"], 0),
        (["aws:SourceIp=198.51.100.7:ip"], 1),
        (["aws:TagKeys=Owner,Dept:stringList"], 0),
        (["aws:TagKeys=Dept:stringList"], 1),
    ],
)
def test_typed_context_values(capsys, tmp_path, context, decision):
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "*",
                        "Condition": {
                            "IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"},
                            "ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "Owner"},
                        },
                    }
                ],
            }
        )
    )
    argv = ["--policy", str(path), "--action", "s3:GetObject"]
    for item in context:
        argv += ["--context", item]
    code, _, err = _run(capsys, *argv)
    assert (code, err) == (decision, "")


def test_boundary_file(capsys, policy, tmp_path):
    boundary = tmp_path / "boundary.json"
    boundary.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "connect:UpdateUser*", "Resource": "*"}
                ],
            }
        )
    )
    code, out, _ = _run(
        capsys,
        "--policy",
        policy,
        "--boundary",
        str(boundary),
        "--action",
        "connect:DescribeUser",
        "--context",
        "aws:ResourceTag/Department=Test",
    )
    assert code == 1
    assert (
        "implicitly denied: an identity-based policy allows it, "
        "but the permissions boundary does not"
    ) in out


def test_policy_that_does_not_parse_exits_2_with_file_line_col(capsys, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}\n'
    )
    code, out, err = _run(capsys, "--policy", str(path), "--action", "s3:GetObject")
    assert (code, out) == (2, "")
    assert err == f"iamspec: error: {path}:4:23: trailing comma before '}}'\n"


def test_unknown_action_exits_2_with_a_suggestion(capsys, policy):
    code, out, err = _run(capsys, "--policy", policy, "--action", "connect:UpdateUser")
    assert (code, out) == (2, "")
    assert err.startswith(
        "iamspec: error: InvalidInput: ActionNames.1: unknown IAM action "
        "'connect:UpdateUser'; did you mean 'connect:UpdateUserHierarchy'"
    )


@pytest.mark.parametrize("name", ["missing.json", "."])
def test_unreadable_file_exits_2(capsys, tmp_path, name):
    path = tmp_path / name
    code, out, err = _run(capsys, "--policy", str(path), "--action", "s3:GetObject")
    assert (code, out) == (2, "")
    assert err.startswith(f"iamspec: error: {path}: cannot read policy: ")


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ("aws:SourceIp", "expected KEY=VALUE[:TYPE]"),
        ("aws:SourceIp=nope:ip", "'nope' is not an IPv4 or IPv6 address"),
        ("aws:MultiFactorAuthPresent=yes:boolean", "'yes' is not a boolean"),
    ],
)
def test_bad_context_exits_2(capsys, policy, context, message):
    code, _, err = _run(
        capsys, "--policy", policy, "--action", "s3:GetObject", "--context", context
    )
    assert code == 2
    assert message in err


def test_bad_resource_exits_2(capsys, policy):
    code, _, err = _run(
        capsys, "--policy", policy, "--action", "s3:GetObject", "--resource", "bucket"
    )
    assert code == 2
    assert "is not an ARN" in err


def test_missing_arguments_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["simulate", "--action", "s3:GetObject"])
    assert caught.value.code == 2


@pytest.mark.slow
def test_module_entry_point(policy):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    argv = [
        sys.executable,
        "-m",
        "iamspec.cli",
        "simulate",
        "--policy",
        policy,
        "--action",
        "connect:DescribeUser",
        "--context",
        "aws:ResourceTag/Department=Test",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("connect:DescribeUser on *: allowed\n")
    denied = subprocess.run(
        [*argv[:-1], "aws:ResourceTag/Department=Prod"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert denied.returncode == 1
