# ruff: noqa: E501 - a claims file is written with its long lines
"""``iamspec prove`` and ``iamspec diff`` fill ``{{placeholders}}`` as ``iamspec simulate`` does:
from ``[tool.iamspec]`` of the nearest pyproject.toml, an unknown one is bad input naming
``file:line:column``, and a parse error names the position as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamspec.cli import main

PYPROJECT = """\
[tool.iamspec]
account_id = "444455556666"
region = "eu-west-2"

[tool.iamspec.connect_instances]
main = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
"""

OWNED = "arn:{{partition}}:connect:{{region}}:{{account_id}}:instance/{{connect_instances.main}}"


def _policy(owner: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "connect-campaigns:DescribeCampaign",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/owner": owner}},
                }
            ],
        },
        indent=2,
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "placeholders.json").write_text(_policy(OWNED))
    literal = "arn:aws:connect:eu-west-2:444455556666:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    (tmp_path / "policies" / "literal.json").write_text(_policy(literal))
    (tmp_path / "policies" / "other.json").write_text(
        _policy(literal.replace("aaaaaaaa", "ffffffff"))
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)  # the project is found from the current folder up
    return tmp_path


def test_diff_fills_placeholders_from_the_project(project, capsys):
    # filled, the two files are the same policy: no new access either way
    code = main(
        ["diff", "../policies/literal.json", "../policies/placeholders.json", "--format", "json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["new_access"] == []
    assert json.loads(out)["removed_access"] == []
    assert "iamspec diff: filled {{account_id}}, {{connect_instances.main}}, {{partition}}" in err
    assert "{{region}}" in err


def test_diff_finds_new_access_against_the_filled_value(project, capsys):
    code = main(
        ["diff", "../policies/placeholders.json", "../policies/other.json", "--format", "json"]
    )
    out, _ = capsys.readouterr()
    assert code == 1
    (change,) = json.loads(out)["new_access"]
    owner = {e["ContextKeyName"]: e["ContextKeyValues"] for e in change["context"]}
    assert owner["aws:ResourceTag/owner"] == [
        "arn:aws:connect:eu-west-2:444455556666:instance/ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee"
    ]


def test_an_unknown_placeholder_is_bad_input_naming_its_position(project, capsys):
    (project / "policies" / "unknown.json").write_text(_policy("{{connect_instances.backup}}"))
    code = main(["diff", "../policies/literal.json", "../policies/unknown.json"])
    err = capsys.readouterr().err
    assert code == 2
    assert "../policies/unknown.json:10:" in err
    assert "connect_instances.backup" in err


def test_a_parse_error_after_a_placeholder_names_the_column_as_written(project, capsys):
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "{{region}}", "Action": "x"}]}'
    (project / "policies" / "bad.json").write_text(text)
    code = main(["diff", "../policies/literal.json", "../policies/bad.json"])
    err = capsys.readouterr().err
    assert code == 2
    # filled, the Effect value ('eu-west-2') is wrong; its position is the '"' before the
    # placeholder as written (in the filled text, the value is shorter: no shift after it)
    column = text.index('"{{region}}"') + 1
    assert (
        f"../policies/bad.json:1:{column}:" in err or f"../policies/bad.json:1:{column + 1}:" in err
    )


def test_prove_fills_placeholders_in_the_claims_policies(project, capsys):
    claims = project / "claims.toml"
    claims.write_text(
        """\
[[claim]]
name = "main's campaigns only"
policies = ["policies/placeholders.json"]
actions = ["connect-campaigns:DescribeCampaign"]
allowed_only_if = { resource_tag = { owner = "arn:aws:connect:eu-west-2:444455556666:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" } }
"""
    )
    code = main(["prove", str(claims)])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert "iamspec prove: filled" in captured.err


def test_without_a_project_a_placeholder_is_bad_input(tmp_path, monkeypatch, capsys):
    (tmp_path / "p.json").write_text(_policy("{{connect_instances.main}}"))
    (tmp_path / "q.json").write_text(_policy("x"))
    monkeypatch.chdir(tmp_path)
    code = main(["diff", "q.json", "p.json"])
    assert code == 2
    assert "p.json:10:" in capsys.readouterr().err


def test_a_parse_error_behind_a_placeholder_is_moved_back_to_the_text_as_written(project, capsys):
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Sid": "{{region}}", "Effect": "Allow", '
        '"Action": "connect:DescribeUser", "Resource": "*", "Bogus": 1}]}'
    )
    (project / "policies" / "bad.json").write_text(text)
    code = main(["diff", "../policies/literal.json", "../policies/bad.json"])
    err = capsys.readouterr().err
    assert code == 2
    # "{{region}}" (10 characters) became "eu-west-2" (9): the filled text's column is one less
    column = text.index('"Bogus"') + 1
    assert f"../policies/bad.json:1:{column}: unknown element 'Bogus'" in err
