"""Files named by hostile input: read inside a folder, written atomically, never through links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iamspec.files import (
    UnsafePathError,
    output_file_problem,
    output_folder,
    output_folder_problem,
    read_inside,
    write_file,
)


@pytest.fixture
def folder(tmp_path):
    inside = tmp_path / "inside"
    (inside / "sub").mkdir(parents=True)
    (inside / "sub" / "a.json").write_text("{}", encoding="utf-8")
    (tmp_path / "secret").write_text("SECRET-CONTENT", encoding="utf-8")
    return inside


def test_reads_a_file_inside_and_a_link_that_stays_inside(folder):
    (folder / "link.json").symlink_to(folder / "sub" / "a.json")
    assert read_inside(folder, "sub/a.json", limit=10) == "{}"
    assert read_inside(folder, "link.json", limit=10) == "{}"
    assert read_inside(folder, "sub/../sub/a.json", limit=10) == "{}"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "relative"),
        ("/etc/passwd", "relative"),
        ("../secret", "resolves outside"),
        ("out-link", "resolves outside"),
        ("missing.json", "no such file"),
        ("sub", "not a regular file"),
        ("big.json", "larger than 10 bytes"),
        ("latin1.json", "not UTF-8 text (an invalid byte at offset 6)"),
        ("loop", "cannot be resolved"),
        ("fifo", "not a regular file"),
    ],
)
def test_refuses_and_never_quotes_the_file(folder, name, reason):
    (folder / "out-link").symlink_to(folder.parent / "secret")
    (folder / "big.json").write_text("x" * 11, encoding="utf-8")
    (folder / "latin1.json").write_bytes(b"SECRET\xff")
    (folder / "loop").symlink_to(folder / "loop")
    os.mkfifo(folder / "fifo")  # opening it for reading would block: never opened
    with pytest.raises(UnsafePathError) as info:
        read_inside(folder, name, limit=10, shown=f"shown/{name}")
    assert reason in str(info.value)
    assert "SECRET" not in str(info.value)
    assert str(info.value).startswith(f"shown/{name}" if name else "shown/")


def test_a_device_is_refused_before_reading(folder):
    (folder / "zero").symlink_to("/dev/zero")
    with pytest.raises(UnsafePathError):  # outside the folder, and not a regular file
        read_inside(folder, "zero", limit=10)
    with pytest.raises(UnsafePathError, match="not a regular file"):
        read_inside(Path("/dev"), "zero", limit=10)


def test_write_file_is_atomic_says_whether_it_replaced_and_escapes_surrogates(tmp_path):
    target = tmp_path / "page.html"
    assert write_file(target, "a\ud800b") is False
    assert target.read_bytes() == b"a\\ud800b"
    assert write_file(target, b"bytes") is True
    assert target.read_bytes() == b"bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]  # no temporary left


def test_write_file_never_writes_through_a_link(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "link.html").symlink_to(victim)
    with pytest.raises(UnsafePathError, match="symbolic link"):
        write_file(tmp_path / "link.html", "x")
    assert victim.read_text() == "keep"
    with pytest.raises(UnsafePathError, match="directory"):
        write_file(tmp_path, "x")


def test_output_checks(tmp_path):
    (tmp_path / "file").write_text("")
    (tmp_path / "link").symlink_to(tmp_path / "file")
    (tmp_path / "dirlink").symlink_to(tmp_path, target_is_directory=True)
    assert output_file_problem(tmp_path / "new" / "deeper" / "r.json") is None
    assert output_file_problem(tmp_path / "file") is None
    assert output_file_problem(tmp_path) == "is a directory"
    assert "symbolic link" in (output_file_problem(tmp_path / "link") or "")
    assert "is not a directory" in (output_file_problem(tmp_path / "file" / "r.json") or "")
    assert output_folder_problem(tmp_path / "new") is None
    assert output_folder_problem(tmp_path / "file") == "exists and is not a directory"
    assert "symbolic link" in (output_folder_problem(tmp_path / "dirlink") or "")
    assert output_folder(tmp_path / "a" / "b").is_dir()
    with pytest.raises(UnsafePathError, match="symbolic link"):
        output_folder(tmp_path / "dirlink")
