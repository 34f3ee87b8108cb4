"""Policy files: loaded once, placeholders filled, errors at the file's own line and column."""

from __future__ import annotations

import pytest

from iamspec.errors import PolicyParseError
from iamspec.harness.errors import PolicyFileError, PolicyLintError
from iamspec.harness.policies import PolicyStore
from iamspec.policy.parser import PolicyKind
from iamspec.project.errors import PlaceholderError
from tests.harness.kit import make_settings, write_policy


def test_loads_once_and_fills(tmp_path):
    write_policy(
        tmp_path,
        "a/key.json",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "kms:DescribeKey", '
        '"Resource": "arn:aws:kms:{{region}}:{{account_id}}:key/{{key-id}}"}]}',
    )
    store = PolicyStore(make_settings(tmp_path))
    first = store.load("a/key.json")
    assert store.load("a/key.json") is first
    assert first.display == "policies/a/key.json"
    assert "arn:aws:kms:us-east-1:111122223333:key/1234abcd" in first.text
    assert first.managed_policy_name.startswith("a-key-")
    assert store.load("a/key.json", PolicyKind.BOUNDARY) is not first


def test_missing_file_suggests(tmp_path):
    write_policy(tmp_path, "connect/view-users.json", '{"Version": "2012-10-17", "Statement": []}')
    store = PolicyStore(make_settings(tmp_path))
    with pytest.raises(PolicyFileError) as info:
        store.load("connect/view-user.json")
    assert "policies/connect/view-user.json" in str(info.value)
    assert info.value.suggestions == ("connect/view-users.json",)


def test_parse_errors_point_into_the_file_as_written(tmp_path):
    # The trailing comma sits after a placeholder that is longer once filled.
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:*", '
        '"Resource": "arn:aws:s3:::{{account_id}}",}]\n}'
    )
    write_policy(tmp_path, "bad.json", text)
    store = PolicyStore(make_settings(tmp_path))
    with pytest.raises(PolicyParseError) as info:
        store.load("bad.json")
    error = info.value
    assert error.source == "policies/bad.json"
    line = text.split("\n")[error.line - 1]
    assert error.line == 3
    assert line[error.column - 1 :].startswith(",}") or line[error.column - 1 :].startswith("}")
    assert str(error).startswith(f"policies/bad.json:3:{error.column}: ")


def test_fragment_without_statement_wrapper(tmp_path):
    write_policy(
        tmp_path,
        "fragment.json",
        '{ "Sid": "X", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" }',
    )
    with pytest.raises(PolicyParseError) as info:
        PolicyStore(make_settings(tmp_path)).load("fragment.json")
    assert info.value.source == "policies/fragment.json"


def test_bad_placeholder_names_the_file(tmp_path):
    write_policy(tmp_path, "p.json", '{\n "Version": "{{versoin}}"\n}')
    with pytest.raises(PlaceholderError, match=r"policies/p.json:2:14: unknown placeholder"):
        PolicyStore(make_settings(tmp_path)).load("p.json")


def test_lint_errors_stop_the_policy_from_loading(tmp_path):
    """Every policy a scenario loads is linted; an error (here a renamed campaign action, a
    defect of the published page) stops it with the diagnostic and its position."""
    write_policy(
        tmp_path,
        "campaigns.json",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "connect-campaigns:UpdateDialerConfig", "Resource": "*"}]}',
    )
    with pytest.raises(PolicyLintError) as info:
        PolicyStore(make_settings(tmp_path)).load("campaigns.json")
    message = str(info.value)
    assert "campaigns.json:1:" in message
    assert "UpdateCampaignDialerConfig" in message


def test_lint_warnings_are_kept_not_fatal(tmp_path):
    """A warning (no Version: variables stay literal) lets the policy run and is kept."""
    write_policy(
        tmp_path,
        "old.json",
        '{"Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}]}',
    )
    loaded = PolicyStore(make_settings(tmp_path)).load("old.json")
    assert [f.code for f in loaded.lint_warnings] == ["missing-version"]


# -- issue 14, finding 8: a policy name stays inside the policy folder ---------------------------

SECRET = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ALLOW_ONE = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
)


def _hostile_project(tmp_path):
    """A project whose policy folder holds links out of it, and files outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "credentials").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "valid.json").write_text(ALLOW_ONE, encoding="utf-8")
    write_policy(tmp_path, "inside.json", ALLOW_ONE)
    policies = tmp_path / "policies"
    (policies / "link-to-credentials.json").symlink_to(outside / "credentials")
    (policies / "link-to-valid.json").symlink_to(outside / "valid.json")
    (policies / "linked-folder").symlink_to(outside, target_is_directory=True)
    (policies / "link-inside.json").symlink_to(policies / "inside.json")
    return tmp_path


@pytest.mark.parametrize(
    "name",
    [
        "../outside/valid.json",
        "../outside/credentials",
        "a/../../outside/valid.json",
        "link-to-valid.json",
        "link-to-credentials.json",
        "linked-folder/valid.json",
        "ABSOLUTE",
        "/dev/zero",
    ],
)
def test_finding8_policy_names_cannot_leave_the_policy_folder(tmp_path, name):
    """``../../x.json`` used to load (and publish) a file outside ``policies/``, a symbolic
    link was followed anywhere, and a file that did not parse had its first word echoed in the
    error (``invalid literal 'aws_secret_access_key'``)."""
    root = _hostile_project(tmp_path)
    if name == "ABSOLUTE":
        name = str(root / "outside" / "valid.json")
    store = PolicyStore(make_settings(root))
    with pytest.raises(PolicyFileError) as info:
        store.load(name)
    message = str(info.value)
    assert "aws_secret_access_key" not in message
    assert "wJalrXUtnFEMI" not in message
    assert "outside policies" in message or "relative to policies" in message, message


def test_finding8_links_inside_the_policy_folder_still_load(tmp_path):
    store = PolicyStore(make_settings(_hostile_project(tmp_path)))
    assert store.load("link-inside.json").policy.statements


@pytest.mark.parametrize("special", ["fifo", "folder"])
def test_finding8_only_regular_files_are_policies(tmp_path, special):
    root = _hostile_project(tmp_path)
    target = root / "policies" / "special.json"
    if special == "fifo":
        import os

        os.mkfifo(target)
    else:
        target.mkdir()
    store = PolicyStore(make_settings(root))
    with pytest.raises(PolicyFileError, match="not a regular file"):
        store.load("special.json")
