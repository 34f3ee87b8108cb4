"""``resource_policies`` in ``[tool.iamspec]``: trust policies linted with their own grammar.

A role's trust policy is resource-based: it names a Principal and needs no Resource
("Policies and permissions in AWS Identity and Access Management", resource-based policies;
"IAM JSON policy elements: Principal"). Linted as an identity policy it is an error
("statement 1 has no Resource"), so a project says which files hold such policies and
``iamspec lint`` of the whole tree is clean; an explicit ``--kind`` still decides for every file.
"""

from __future__ import annotations

import json
from pathlib import Path

from iamspec.cli import main

ROOT = Path(__file__).resolve().parents[1]
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "connect.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}],
}


def _project(tmp_path: Path, settings: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.iamspec]\n{settings}\n")
    for name, policy in (("trust/role.json", TRUST), ("iam/admin.json", IDENTITY)):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(policy))
    return tmp_path


def test_this_repositorys_policies_lint_without_errors(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["lint", "policies"]) == 0
    out, err = capsys.readouterr()
    assert "nightly-live-role-trust.json" not in out
    assert " error" not in err


def test_a_trust_policy_under_resource_policies_is_linted_as_resource_based(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(_project(tmp_path, 'resource_policies = ["trust"]'))
    assert main(["lint", ".", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_without_the_setting_a_trust_policy_is_an_identity_policy_error(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(_project(tmp_path, ""))
    assert main(["lint", ".", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert [(f["path"], f["code"]) for f in findings] == [("trust/role.json", "grammar")]


def test_an_explicit_kind_decides_for_every_file(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(_project(tmp_path, 'resource_policies = ["trust"]'))
    assert main(["lint", ".", "--kind", "identity", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert [f["path"] for f in findings] == ["trust/role.json"]


def test_a_resource_policies_path_outside_the_project_exits_2(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(_project(tmp_path, 'resource_policies = ["../elsewhere"]'))
    assert main(["lint", "."]) == 2
    assert "resource_policies[0]: '../elsewhere' leaves the project root" in capsys.readouterr().err
