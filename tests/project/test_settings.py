"""Settings: [tool.iamspec] read from pyproject.toml, validated, with typo guard on keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamspec.project.errors import SettingsError
from iamspec.project.settings import Settings, _unknown_key_check, find_project_root, load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _pyproject(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    return tmp_path


def test_defaults_without_pyproject(tmp_path):
    settings = load_settings(tmp_path)
    assert (settings.account_id, settings.region, settings.partition) == (
        "111122223333",
        "us-east-1",
        "aws",
    )
    assert settings.policy_dir == tmp_path / "policies"
    assert settings.default_connect_instance == "main"
    assert settings.connect_instance_id("main") == "main"


def test_reads_the_table(tmp_path):
    root = _pyproject(
        tmp_path,
        """
[tool.iamspec]
account_id = "444455556666"
region = "eu-west-2"
partition = "aws"
policy_dir = "iam/policies"
default_connect_instance = "eu"

[tool.iamspec.connect_instances]
eu = "aaaa-bbbb"

[tool.iamspec.placeholders]
key-id = "k-1"
customer_account_id = "{{account_id}}"

[tool.iamspec.deployed_principals]
test-admin = "arn:aws:iam::444455556666:user/test-admin"

[tool.iamspec.lint]
something = "owned by another tool"
""",
    )
    settings = load_settings(root)
    assert settings.account_id == "444455556666"
    assert settings.policy_dir == root / "iam" / "policies"
    assert settings.connect_instance_id("eu") == "aaaa-bbbb"
    values = settings.placeholder_values()
    assert values["customer_account_id"] == "444455556666"
    assert values["connect_instances.eu"] == "aaaa-bbbb"
    assert values["region"] == "eu-west-2"
    assert values["key-id"] == "k-1"
    assert settings.deployed_principals == {
        "test-admin": "arn:aws:iam::444455556666:user/test-admin"
    }


def test_the_projects_own_settings_load():
    settings = load_settings(PROJECT_ROOT)
    assert settings.connect_instance_id("main") == "11111111-2222-3333-4444-555555555555"
    assert settings.placeholder_values()["connect_instances.main"] == settings.connect_instance_id(
        "main"
    )


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ('account_id = "12345"', "account_id", "12-digit"),
        ("account_id = 111122223333", "account_id", "expected a string"),
        ('region = "Virginia"', "region", "region name"),
        ('partition = "aws-moon"', "partition", "aws-cn"),
        ('acount_id = "111122223333"', "acount_id", "did you mean 'account_id'"),
        ('polcy_dir = "x"', "polcy_dir", "did you mean 'policy_dir'"),
        (
            'default_connect_instance = "nope"\n[tool.iamspec.connect_instances]\nmain = "x"',
            "default_connect_instance",
            "not in [tool.iamspec.connect_instances]",
        ),
        ('[tool.iamspec.placeholders]\nregion = "eu-west-1"', "placeholders.region", "contradicts"),
        ('[tool.iamspec.placeholders]\nbad = "a\\"b"', "placeholders.bad", "quotes"),
        ('[tool.iamspec.placeholders]\nx = "{{acount_id}}"', "placeholders.x", "built-in"),
        ('[tool.iamspec.connect_instances]\nmain = "a/b"', "connect_instances.main", "instance id"),
        (
            '[tool.iamspec.deployed_principals]\nx = "arn:aws:iam::1:user/x"',
            "deployed_principals.x",
            "IAM user or role ARN",
        ),
        (
            '[tool.iamspec.deployed_principals]\nx = "arn:aws:iam::444455556666:user/x"',
            "deployed_principals.x",
            "not in this project's account",
        ),
    ],
)
def test_invalid_settings_name_the_key(tmp_path, body, key, message):
    root = _pyproject(tmp_path, "[tool.iamspec]\n" + body + "\n")
    with pytest.raises(SettingsError) as info:
        load_settings(root)
    assert info.value.key == key
    assert message in str(info.value)
    assert "pyproject.toml" in str(info.value)


def test_unrelated_unknown_keys_are_ignored(tmp_path):
    root = _pyproject(tmp_path, '[tool.iamspec]\nsite_dir = "site"\nfail_on = "error"\n')
    assert load_settings(root).account_id == "111122223333"


def test_invalid_toml_is_reported(tmp_path):
    root = _pyproject(tmp_path, "[tool.iamspec\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(root)


def test_settings_are_immutable(tmp_path):
    settings = Settings(root=tmp_path)
    with pytest.raises(AttributeError):
        settings.region = "eu-west-1"  # type: ignore[misc]


def test_lint_exclude_is_read_and_resolved(tmp_path):
    root = _pyproject(tmp_path, '[tool.iamspec]\nlint_exclude = ["policies/published", "x.json"]\n')
    settings = load_settings(root)
    assert settings.lint_exclude == ("policies/published", "x.json")
    assert settings.excluded_paths() == (
        (root / "policies" / "published").resolve(),
        (root / "x.json").resolve(),
    )
    assert load_settings(PROJECT_ROOT).lint_exclude == ("policies/published",)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"policies/published"', "lint_exclude: expected a list of strings, got str"),
        ("[1]", r"lint_exclude\[0\]: expected a string, got int"),
        ('["/etc"]', "must be relative to the project root"),
        ('["~/x"]', "must be relative to the project root"),
        ('["../other"]', "leaves the project root"),
        ('["a/../../b"]', "leaves the project root"),
        ('["policies/*.json"]', "not patterns"),
        ('[""]', "is not a path"),
    ],
)
def test_lint_exclude_is_validated(tmp_path, value, message):
    root = _pyproject(tmp_path, f"[tool.iamspec]\nlint_exclude = {value}\n")
    with pytest.raises(SettingsError, match=message):
        load_settings(root)


def test_a_misspelt_lint_exclude_is_caught():
    with pytest.raises(SettingsError, match="did you mean 'lint_exclude'"):
        _unknown_key_check({"lint_exlude": []}, "pyproject.toml")


def test_find_project_root_walks_up_to_the_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.iamspec]\nregion = "eu-west-2"\n')
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "other"\n')  # no [tool.iamspec]
    deep = inner / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_root(deep) == tmp_path.resolve()
    assert find_project_root(tmp_path) == tmp_path.resolve()
    assert find_project_root(PROJECT_ROOT / "policies" / "published") == PROJECT_ROOT


def test_find_project_root_stops_at_a_pyproject_it_cannot_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text("not [valid toml")
    assert find_project_root(tmp_path) == tmp_path.resolve()
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(tmp_path)
