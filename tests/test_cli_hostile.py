"""The command line never turns a bad file into "denied" (issue 14).

Contract (iamspec.cli): exit 0 allowed, 1 denied, 2 bad input. Before issue 14, invalid
UTF-8/UTF-16 ended in a traceback with exit 1, ``--policy /dev/zero`` in MemoryError, a 25 MB
policy ran past 60 s at 1.3 GB, and ~500 levels of nesting raised RecursionError (exit 1).
Each case now answers one line naming the file (with line:column where it has one), exit 2,
within a bound. Limit: SimulateCustomPolicy's 131,072 characters per policy
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

import iamspec.cli
from iamspec.cli import main

ALLOW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
DEEP = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
    '"Resource":"*","Condition":{"Null":{"aws:TagKeys":' + "[" * 500 + "]" * 500 + "}}}]}"
)


def _simulate(capsys: pytest.CaptureFixture[str], path: str | Path) -> tuple[int, str, str]:
    start = time.perf_counter()
    code = main(["simulate", "--policy", str(path), "--action", "s3:GetObject"])
    assert time.perf_counter() - start < 2.0  # generous: a hang or a full read is the failure
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(err: str, prefix: str) -> None:
    assert err.startswith(f"iamspec: error: {prefix}")
    assert err.count("\n") == 1


def test_a_latin_1_byte_is_exit_2_at_its_line_and_column(capsys, tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"Version": "2012-10-17",\n "Sid": "caf\xe9"}')
    code, out, err = _simulate(capsys, path)
    assert (code, out) == (2, "")
    _one_line_error(err, f"{path}:2:13: byte 0xE9 is not UTF-8; IAM policies are UTF-8 text")


def test_utf_16_is_exit_2_with_a_hint(capsys, tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_bytes(json.dumps(ALLOW).encode("utf-16"))
    code, _, err = _simulate(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}:1:1: byte 0xFF is not UTF-8")
    assert "(the file is UTF-16: save it as UTF-8)" in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_dev_zero_is_refused_unread(capsys) -> None:
    code, _, err = _simulate(capsys, "/dev/zero")
    assert code == 2
    _one_line_error(err, "/dev/zero: cannot read policy: not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(capsys, tmp_path: Path) -> None:
    fifo = tmp_path / "policy.json"
    os.mkfifo(fifo)
    code, _, err = _simulate(capsys, fifo)
    assert code == 2
    _one_line_error(err, f"{fifo}: cannot read policy: not a regular file")


def test_a_directory_is_exit_2(capsys, tmp_path: Path) -> None:
    code, _, err = _simulate(capsys, tmp_path)
    assert code == 2
    _one_line_error(err, f"{tmp_path}: cannot read policy: a directory")


def test_a_25_mb_file_is_refused_before_it_is_read(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)

    def no_read(*_: object) -> bytes:
        raise AssertionError("the oversized file was read")

    monkeypatch.setattr(iamspec.cli.os, "read", no_read)
    code, _, err = _simulate(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}: cannot read policy: 26,214,400 bytes; a policy is at most")


def test_one_character_over_the_limit_is_exit_2(capsys, tmp_path: Path) -> None:
    text = json.dumps(ALLOW)
    path = tmp_path / "long.json"
    path.write_text(text[:-1] + " " * (131_073 - len(text)) + "}")
    code, _, err = _simulate(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}: cannot read policy: 131,073 characters; a policy is at most")
    path.write_text(text[:-1] + " " * (131_072 - len(text)) + "}")
    assert _simulate(capsys, path)[0] == 0


def test_an_unreadable_file_is_exit_2(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied (simulated: the suite may run as root, who reads anything)."""
    path = tmp_path / "secret.json"
    path.write_text(json.dumps(ALLOW))

    def denied(*_: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(iamspec.cli.os, "open", denied)
    code, _, err = _simulate(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}: cannot read policy: Permission denied")


def test_deep_nesting_is_exit_2_at_the_bracket(capsys, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    code, _, err = _simulate(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}:1:")
    assert "nesting too deep" in err


def test_a_lone_surrogate_is_exit_2_at_the_escape(capsys, tmp_path: Path) -> None:
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(ALLOW).replace('"*"', '"arn:aws:s3:::b/\\udc00"'))
    code, _, err = _simulate(capsys, path)
    assert code == 2
    column = path.read_text().index("\\udc00") + 1
    _one_line_error(err, f"{path}:1:{column}: invalid \\u escape")


@pytest.mark.parametrize("exhausted", [RecursionError, MemoryError])
def test_exhausting_python_is_exit_2_never_1(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exhausted: type[Exception]
) -> None:
    path = tmp_path / "allow.json"
    path.write_text(json.dumps(ALLOW))

    def explode(**_: object) -> object:
        raise exhausted()

    monkeypatch.setattr(iamspec.cli.core, "run", explode)
    code, _, err = _simulate(capsys, path)
    assert code == 2
    _one_line_error(err, f"the input is too large or too deeply nested ({exhausted.__name__})")


def test_an_internal_defect_is_exit_70_never_1(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "allow.json"
    path.write_text(json.dumps(ALLOW))

    def defect(**_: object) -> object:
        raise KeyError("bug")

    monkeypatch.setattr(iamspec.cli.core, "run", defect)
    code, _, err = _simulate(capsys, path)
    assert code == 70  # sysexits' EX_SOFTWARE, as prove and diff answer a soundness defect
    from iamspec.symbolic.commands import EXIT_INTERNAL

    assert code == EXIT_INTERNAL
    assert "KeyError: 'bug'" in err
    assert err.endswith("iamspec: internal error (a defect of iamspec, please report it)\n")


# -- iamspec lint --------------------------------------------------------------------------


def test_lint_refuses_an_oversized_file_unread(capsys, tmp_path: Path) -> None:
    """A 25 MB file took minutes and gigabytes to lint; now exit 2 before reading."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "ok.json").write_text(json.dumps(ALLOW))
    huge = folder / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)
    start = time.perf_counter()
    assert main(["lint", str(folder)]) == 2
    assert time.perf_counter() - start < 2.0
    _, err = capsys.readouterr()
    assert err == (
        f"iamspec: error: {huge}: cannot read: 26,214,400 bytes; a policy is at most 131,072 "
        "characters (SimulateCustomPolicy's limit)\n"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_lint_refuses_dev_zero(capsys) -> None:
    assert main(["lint", "/dev/zero"]) == 2
    assert capsys.readouterr().err.startswith("iamspec: error: /dev/zero: ")


def test_lint_of_an_unreadable_file_is_exit_2(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.json"
    path.write_text(json.dumps(ALLOW))

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert main(["lint", str(path)]) == 2
    assert capsys.readouterr().err == f"iamspec: error: {path}: cannot read: Permission denied\n"


def test_lint_reports_deep_nesting_as_a_finding(capsys, tmp_path: Path) -> None:
    """A finding (exit 1 = findings at --fail-on), not RecursionError."""
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    assert main(["lint", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"{path}:1:")
    assert "error json-syntax: nesting too deep" in out


def test_lint_reports_a_lone_surrogate_as_a_finding(capsys, tmp_path: Path) -> None:
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(ALLOW).replace('"*"', '"arn:aws:s3:::b/\\ud800"'))
    assert main(["lint", str(path), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in findings] == ["json-syntax"]
    assert "lone high surrogate" in findings[0]["message"]


@pytest.mark.slow
def test_simulate_as_a_process_exits_2_for_invalid_utf8(tmp_path: Path) -> None:
    """The installed entry point, not only main(): no traceback, exit 2."""
    import subprocess

    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"Sid": "caf\xe9"}')
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "iamspec.cli",
            "simulate",
            "--policy",
            str(path),
            "--action",
            "s3:GetObject",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == f"iamspec: error: {path}:1:13: byte 0xE9 is not UTF-8; IAM policies are UTF-8 text\n"
    )
