"""``iamspec lint``: exit codes CI can gate on, formats, output file, bad paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamspec.cli import main
from tests.lint.kit import PUBLISHED, policy, stmt

CLEAN = PUBLISHED / "grant-view-user-permissions.json"
BROKEN = PUBLISHED / "manage-outbound-campaigns-management.json"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_clean_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(CLEAN)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "1 file, no findings" in err


def test_errors_exit_1_with_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(BROKEN)]) == 1
    out, _ = capsys.readouterr()
    assert f"{BROKEN}:1:263: error renamed-action: " in out


def test_folder_recurses_over_json_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "a.json", policy(stmt("connect:DescribeUsr")))
    _write(tmp_path, "notes.txt", "not a policy")
    assert main(["lint", str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(Path(d["path"]).name, d["code"]) for d in data] == [("a.json", "unknown-action")]


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 0), ("security-warning", 1), ("warning", 1), ("suggestion", 1), ("never", 0)],
)
def test_fail_on_threshold(tmp_path: Path, fail_on: str, expected: int) -> None:
    path = _write(tmp_path, "p.json", policy(stmt(None, "*", NotAction="iam:*")))
    assert main(["lint", str(path), "--fail-on", fail_on]) == expected


def test_warning_only_fails_from_warning_down(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.json", policy(version=None))
    assert main(["lint", str(path), "--fail-on", "security-warning"]) == 0
    assert main(["lint", str(path), "--fail-on", "warning"]) == 1


def test_never_still_reports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(BROKEN), "--fail-on", "never"]) == 0
    assert "renamed-action" in capsys.readouterr().out


def test_sarif_to_an_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "lint.sarif"
    assert main(["lint", str(BROKEN), "--format", "sarif", "--output", str(target)]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_missing_path_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "no/such/file.json"]) == 2
    assert "no/such/file.json: no such file or folder" in capsys.readouterr().err


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    assert main(["lint", str(CLEAN), "--output", str(tmp_path / "no" / "x.txt")]) == 2


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["lint", str(CLEAN), "--format", "xml"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["lint"])
    assert exc.value.code == 2


def test_resource_policy_kind(tmp_path: Path) -> None:
    text = policy(stmt("connect:DescribeUser", "*", Principal={"AWS": "111122223333"}))
    path = _write(tmp_path, "p.json", text)
    assert main(["lint", str(path)]) == 1  # Principal is not allowed in an identity policy
    assert main(["lint", str(path), "--kind", "resource"]) == 0


def test_simulate_is_still_there(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate", "--policy", str(CLEAN), "--action", "connect:DescribeUser"])
    assert code == 0
    assert "allowed" in capsys.readouterr().out
