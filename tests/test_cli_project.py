"""The command line in a project: --version, help and exit statuses, settings found from the
current folder up, placeholders in ``simulate``, ``lint_exclude`` in ``lint``, ``init``."""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import pytest

from iamspec import __version__
from iamspec.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
BY_OWNER_TAG = "policies/connect-campaigns/by-owner-tag.json"
CAMPAIGN = "arn:aws:connect-campaigns:us-east-1:111122223333:campaign/spring"
MAIN_ARN = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"
COMMANDS = ("init", "simulate", "lint", "docs")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


# --------------------------------------------------------------------------------------------
# version and help


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"iamspec {__version__}\n"


def test_the_top_level_help_is_plain_text():
    text = build_parser().format_help()
    assert not re.search(r"``|:(mod|class|func|meth|data):`", text)
    for command in COMMANDS:
        assert re.search(rf"^    {command} ", text, re.MULTILINE), command
    assert "Exit status 2 always means bad input" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_and_every_command_its_exit_statuses(command):
    parser = _subparsers()[command]
    silent = [a.dest for a in parser._actions if not a.help]
    assert not silent
    text = parser.format_help()
    assert "exit status:" in text
    assert re.search(r"^  0  ", text, re.MULTILINE)
    assert re.search(r"^  2  ", text, re.MULTILINE)
    assert "``" not in text


def test_simulate_help_says_each_exit_status_and_the_placeholders():
    text = _subparsers()["simulate"].format_help()
    for status in ("0  every decision is allowed", "1  any decision is denied", "2  bad input"):
        assert status in text
    assert "{{placeholders}} in the policy files" in text


def test_lint_help_says_an_explicit_path_is_linted_inside_an_excluded_folder():
    text = " ".join(_subparsers()["lint"].format_help().split())
    assert "lint_exclude" in text
    assert "a PATH named here is always linted, even inside an excluded folder" in text


# --------------------------------------------------------------------------------------------
# simulate fills placeholders like the harness


def _simulate(*argv: str) -> int:
    return main(["simulate", *argv])


def test_simulate_fills_this_repositorys_campaign_policy(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = _simulate(
        "--policy",
        BY_OWNER_TAG,
        "--action",
        "connect-campaigns:DescribeCampaign",
        "--resource",
        CAMPAIGN,
        "--context",
        f"aws:ResourceTag/owner={MAIN_ARN}",
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(f"connect-campaigns:DescribeCampaign on {CAMPAIGN}: allowed")
    assert "{{" not in out
    assert "filled {{account_id}}, {{connect_instances.main}}, {{partition}}, {{region}}" in err
    assert str(ROOT / "pyproject.toml") in err


def test_simulate_finds_the_settings_from_a_subfolder(capsys, monkeypatch):
    monkeypatch.chdir(ROOT / "policies" / "connect-campaigns")
    code = _simulate(
        "--policy",
        "by-owner-tag.json",
        "--action",
        "connect-campaigns:DescribeCampaign",
        "--resource",
        CAMPAIGN,
        "--context",
        "aws:ResourceTag/owner=arn:{{partition}}:connect:{{region}}:{{account_id}}:instance/"
        "{{connect_instances.main}}",
    )
    assert code == 0, capsys.readouterr().err


def test_another_owner_is_denied_not_an_error(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = _simulate(
        "--policy",
        BY_OWNER_TAG,
        "--action",
        "connect-campaigns:DescribeCampaign",
        "--context",
        f"aws:ResourceTag/owner={MAIN_ARN}x",
    )
    assert code == 1
    assert capsys.readouterr().out.startswith(
        "connect-campaigns:DescribeCampaign on *: implicitDeny"
    )


def test_without_settings_an_unfilled_placeholder_exits_2_with_file_line_column(
    capsys, monkeypatch, tmp_path
):
    policy = tmp_path / "by-owner-tag.json"
    shutil.copy(ROOT / BY_OWNER_TAG, policy)
    monkeypatch.chdir(tmp_path)
    code = _simulate("--policy", str(policy), "--action", "connect-campaigns:DescribeCampaign")
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    text = (ROOT / BY_OWNER_TAG).read_text()
    line_no, line = next(
        (i, line) for i, line in enumerate(text.splitlines(), 1) if "{{connect_instances" in line
    )
    column = line.index("{{connect_instances") + 1
    assert f"{policy}:{line_no}:{column}: unknown placeholder {{{{connect_instances.main}}}}" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--resource", "arn:aws:connect:{{regoin}}:1:instance/x"], "--resource"),
        (["--context", "aws:SourceIp={{nope}}"], "--context"),
    ],
)
def test_an_unknown_placeholder_in_an_argument_exits_2(capsys, monkeypatch, argv, message):
    monkeypatch.chdir(ROOT)
    code = _simulate(
        "--policy", BY_OWNER_TAG, "--action", "connect-campaigns:DescribeCampaign", *argv
    )
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "unknown placeholder" in err


def test_a_parse_error_in_a_filled_policy_points_at_the_file_as_written(capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.iamspec]\nregion = "eu-west-2"\n')
    policy = tmp_path / "p.json"
    # the defect (a misspelt Effect value) comes after a placeholder on the same line
    policy.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Resource": "arn:aws:s3:::{{region}}", '
        '"Effect": "Alow", "Action": "s3:GetObject"}]}'
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code = _simulate("--policy", str(policy), "--action", "s3:GetObject")
    err = capsys.readouterr().err
    assert code == 2
    column = policy.read_text().index('"Alow"') + 1
    assert f"{policy}:1:{column}: " in err


# --------------------------------------------------------------------------------------------
# lint and lint_exclude


def test_lint_skips_the_published_copies_of_this_repository_and_says_so(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    main(["lint", "policies", "--format", "json"])
    out, err = capsys.readouterr()
    published = len(list((ROOT / "policies" / "published").glob("*.json")))
    assert f"; {published} files skipped (lint_exclude)" in err
    assert "policies/published/" not in out


def test_lint_of_the_excluded_folder_named_explicitly_lints_it(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["lint", "policies/published"]) == 1
    out, err = capsys.readouterr()
    assert "policies/published/manage-outbound-campaigns-management.json:1:263: error" in out
    assert "skipped" not in err


def test_lint_of_a_file_inside_the_excluded_folder_lints_it(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["lint", "policies/published/manage-outbound-campaigns-management.json"]) == 1
    assert "renamed-action" in capsys.readouterr().out


def test_lint_exclude_in_a_project_of_its_own(capsys, monkeypatch, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.iamspec]\nlint_exclude = ["iam/broken", "iam/one.json"]\n'
    )
    for name in ("iam/broken/a.json", "iam/broken/deep/b.json", "iam/one.json", "iam/ok.json"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{not json")
    monkeypatch.chdir(tmp_path / "iam")  # the settings are found from a subfolder
    assert main(["lint", ".", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert {f["path"] for f in json.loads(out)} == {"ok.json"}
    assert "1 file, 1 error; 3 files skipped (lint_exclude)" in err


def test_an_invalid_lint_exclude_exits_2(capsys, monkeypatch, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.iamspec]\nlint_exclude = ["../elsewhere"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "."]) == 2
    assert "lint_exclude[0]: '../elsewhere' leaves the project root" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# init


def test_init_writes_the_starter_and_says_what_next(capsys, tmp_path):
    assert main(["init", str(tmp_path / "team-iam")]) == 0
    out = capsys.readouterr().out
    assert "iamspec init: wrote 6 files in" in out
    assert "  features/connect_agents_by_department.feature" in out
    assert f"next: cd {tmp_path / 'team-iam'} && pytest" in out
    assert (tmp_path / "team-iam" / "pyproject.toml").is_file()


def test_init_in_the_current_folder(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "next: pytest"


def test_init_refuses_to_overwrite_and_names_each_file(capsys, tmp_path):
    (tmp_path / "README.md").write_text("ours")
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "connect_agents_by_department.feature").write_text("ours")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "README.md" in err
    assert "features/connect_agents_by_department.feature" in err
    assert "nothing was written" in err
    assert not (tmp_path / "pyproject.toml").exists()
    assert (tmp_path / "README.md").read_text() == "ours"
