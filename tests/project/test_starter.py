"""``iamspec init``'s starter project: its files, that it runs at once, and that it never
overwrites or writes outside its folder."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from iamspec import __version__
from iamspec.lint import lint_file
from iamspec.project.errors import StarterError
from iamspec.project.settings import load_settings
from iamspec.project.starter import STARTER_FILES, project_name, starter_files, write_starter


def test_the_templates_ship_and_are_filled():
    files = {f.path: f.text for f in starter_files("team-iam")}
    assert list(files) == [target for _, target in STARTER_FILES]
    assert not re.search(r"__[A-Z_]+__", "".join(files.values()))  # every marker filled
    project = tomllib.loads(files["pyproject.toml"])
    assert project["project"]["name"] == "team-iam"
    assert project["project"]["dependencies"] == [f"iamspec>={__version__}"]
    assert "--strict-markers" in project["tool"]["pytest"]["ini_options"]["addopts"]


def test_every_setting_of_the_starter_is_explained():
    text = next(f.text for f in starter_files("x") if f.path == "pyproject.toml")
    lines = text.splitlines()
    start = lines.index("[tool.iamspec]")
    for index, line in enumerate(lines[start:], start):
        if re.match(r"[a-z_]+ = ", line):
            assert lines[index - 1].startswith("#"), f"no comment says what {line!r} is"


@pytest.mark.parametrize(
    ("folder", "name"),
    [("team-iam", "team-iam"), ("Our IAM (prod)", "Our-IAM-prod"), ("...", "iam-specifications")],
)
def test_the_project_is_named_after_its_folder(tmp_path, folder, name):
    assert project_name(tmp_path / folder) == name


def test_the_starter_project_is_valid_for_iamspec(tmp_path):
    write_starter(tmp_path)
    settings = load_settings(tmp_path)
    assert settings.connect_instance_id("main") == "11111111-2222-3333-4444-555555555555"
    policy = tmp_path / "policies" / "connect" / "agents-by-department.json"
    assert lint_file(policy, placeholders=settings.placeholder_values().keys()) == []


def test_pytest_passes_at_once_in_the_starter_project(pytester):
    write_starter(pytester.path)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=6)
    assert "features/connect_agents_by_department.feature" in result.stdout.str()


@pytest.mark.slow
def test_the_starter_workflow_runs_pytest_with_options_its_plugins_define(tmp_path):
    write_starter(tmp_path)
    workflow = yaml.safe_load(
        (tmp_path / ".github" / "workflows" / "iamspec-nightly.yml").read_text()
    )
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    oidc = {name for name, job in jobs.items() if job["permissions"].get("id-token") == "write"}
    assert oidc == {"live"}
    (step,) = [s for s in jobs["live"]["steps"] if "pytest" in s.get("run", "")]
    words = shlex.split(step["run"])
    arguments = words[words.index("pytest") + 1 :]
    plugins = [arguments[i + 1] for i, word in enumerate(arguments) if word == "-p"]
    assert plugins == ["pytest_bdd.plugin", "iamspec.harness.plugin", "iamspec.livingdoc.plugin"]
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_ADDOPTS", "PYTEST_PLUGINS"}}
    env.update({k: str(v) for k, v in step["env"].items()})
    shown = subprocess.run(
        [sys.executable, "-m", "pytest", *(w for p in plugins for w in ("-p", p)), "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    for option in (w.split("=", 1)[0] for w in arguments if w.startswith("--")):
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", shown.stdout), option
    for job in jobs.values():
        for used in (s["uses"] for s in job["steps"] if "uses" in s):
            assert re.fullmatch(r"[^@\s]+@[0-9a-f]{40}", used), used


def test_init_never_overwrites(tmp_path):
    (tmp_path / ".gitignore").write_text("ours\n")
    with pytest.raises(StarterError, match=r"would overwrite existing files.*\.gitignore"):
        write_starter(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore"]


def test_init_into_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(StarterError, match="is not a folder"):
        write_starter(target)


def test_init_writes_nothing_through_a_symlink_out_of_the_folder(tmp_path):
    project = tmp_path / "project"
    elsewhere = tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "features").symlink_to(elsewhere)
    with pytest.raises(StarterError, match="would be written outside the folder"):
        write_starter(project)
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in project.iterdir()) == ["features"]


def test_a_write_that_fails_half_way_removes_what_it_wrote(tmp_path, monkeypatch):
    real_open = Path.open
    opened: list[Path] = []

    def failing_open(self: Path, *args: object, **kwargs: object):
        if self.is_relative_to(tmp_path):
            opened.append(self)
        if len(opened) == 3 and self == opened[-1]:
            raise OSError(28, "No space left on device", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    with pytest.raises(StarterError, match=r"cannot write .*: No space left on device"):
        write_starter(tmp_path)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []  # no file, and no folder it made
