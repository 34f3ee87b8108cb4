"""A team's own repository in two commands: the README's commands, run as a new user runs them.

The README's section "Use iamspec in your own repository" shows two commands. This test reads
them from the README (so they cannot drift), builds iamspec's wheel from this checkout,
creates a fresh virtual environment, and runs the commands in an empty folder with that
environment first on PATH. ``pip install iamspec`` finds the wheel through ``--find-links``
(added to pip's own configuration, its dependencies still come from the package index); the
starter project's ``pytest`` must then pass. The installed iamspec is the wheel, not an
editable checkout: its step library, templates and plugin must all ship in the package.

Slow (a wheel build, a virtual environment, a pip install): marked ``slow``; ``.ci/run`` runs
it with the rest of the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SECTION = "## Use iamspec in your own repository"


def readme_commands() -> list[str]:
    """The commands of the first indented code block of the README's section."""
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"\n\n((?:    \S.*\n)+)", section)
    assert block is not None, "the section shows no indented commands"
    return [line[4:] for line in block[1].splitlines()]


def test_the_readme_shows_two_commands_install_and_init():
    commands = readme_commands()
    assert commands == [
        "pip install iamspec",
        "iamspec init iam-specs && cd iam-specs && pytest",
    ]


def _clean_environment(bin_dir: Path, find_links: Path) -> dict[str, str]:
    """The environment of a new user's shell with the fresh virtual environment activated."""
    drop = ("PYTEST_", "PYTHON", "VIRTUAL_ENV", "COV_", "HYPOTHESIS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(bin_dir.parent)
    env["PIP_FIND_LINKS"] = " ".join(
        filter(None, [os.environ.get("PIP_FIND_LINKS"), str(find_links)])
    )
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def build_wheel(dest: Path, work: Path) -> Path:
    """iamspec's wheel, built from a copy of this checkout's sources (the checkout stays
    untouched by the build)."""
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest), str(source)],
        check=True,
        timeout=600,
    )
    (wheel,) = dest.glob("iamspec-*.whl")
    return wheel


@pytest.mark.slow
def test_the_readme_commands_give_a_passing_project_from_the_built_wheel(tmp_path):
    dist = tmp_path / "dist"
    wheel = build_wheel(dist, tmp_path)
    assert wheel.name.startswith("iamspec-")
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    empty = tmp_path / "team"
    empty.mkdir()
    env = _clean_environment(environment / "bin", dist)
    transcript = []
    for command in readme_commands():
        done = subprocess.run(
            ["bash", "-ec", command],
            cwd=empty,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        transcript.append(f"$ {command}\n{done.stdout}{done.stderr}")
        assert done.returncode == 0, "\n".join(transcript)
    output = transcript[-1]
    assert re.search(r"\b6 passed\b", output), output
    assert "failed" not in output
    assert "error" not in output.lower()
    # the installed iamspec is the wheel's, not this checkout
    where = subprocess.run(
        [str(environment / "bin" / "python"), "-c", "import iamspec; print(iamspec.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(environment), where
    assert (empty / "iam-specs" / "features" / "connect_agents_by_department.feature").is_file()
