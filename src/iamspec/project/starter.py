"""A starter project (``iamspec init [DIR]``): a team's own repository, runnable at once.

The files come from the templates shipped with iamspec (``starter_template/``, package data;
each ``NAME.tmpl`` becomes ``DIR/NAME``, ``github/`` and ``gitignore`` becoming ``.github/`` and
``.gitignore``):

- ``DIR/pyproject.toml``: ``[project]`` (iamspec as its dependency),
  ``[tool.pytest.ini_options]`` and ``[tool.iamspec]``, each setting explained;
- ``DIR/features/connect_agents_by_department.feature``: one feature with an outline, a
  wildcard and a decision table, allowed and both kinds of denied;
- ``DIR/policies/connect/agents-by-department.json``: its policy (an Allow by Department tag,
  an explicit Deny), with ``{{placeholders}}``;
- ``DIR/.github/workflows/iamspec-nightly.yml``: the nightly run against AWS's own simulator;
- ``DIR/README.md`` with the two commands, and ``DIR/.gitignore``.

No ``conftest.py``: the step library comes with iamspec's pytest plugin. ``pytest`` in the
new folder passes at once.

:func:`write_starter` never overwrites: when any of the files exists it names each one and
writes nothing (:class:`~iamspec.project.errors.StarterError`). It writes only inside the
target folder (a symlinked ``features/`` pointing elsewhere is refused), and a write that
fails half-way removes what it wrote, so a half-made project never looks complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from iamspec import __version__
from iamspec.project.errors import StarterError

__all__ = ["STARTER_FILES", "StarterFile", "starter_files", "write_starter"]

_TEMPLATES = "starter_template"
_SUFFIX = ".tmpl"
_HIDDEN = ("github", "gitignore")
"""Template names that become hidden files (package data skips names starting with a dot)."""


def _target(template: str) -> str:
    """``github/workflows/x.yml.tmpl`` → ``.github/workflows/x.yml``."""
    name = template.removesuffix(_SUFFIX)
    return f".{name}" if name.split("/", 1)[0] in _HIDDEN else name


def _templates() -> list[str]:
    """Every template under ``starter_template/``, relative, sorted (folders last)."""
    root = resources.files("iamspec.project").joinpath(_TEMPLATES)
    found: list[str] = []
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                pending.append((entry, f"{prefix}{entry.name}/"))
            elif entry.name.endswith(_SUFFIX):
                found.append(f"{prefix}{entry.name}")
    return sorted(found, key=lambda name: (name.count("/"), name))


STARTER_FILES: tuple[tuple[str, str], ...] = tuple((t, _target(t)) for t in _templates())
"""(template under ``starter_template/``, file written relative to the project folder)."""

_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_DEFAULT_NAME = "iam-specifications"


@dataclass(frozen=True)
class StarterFile:
    """One file of the starter project: where it goes (relative) and its text."""

    path: str
    text: str


def project_name(folder: Path) -> str:
    """The ``[project] name`` for a project in ``folder``: its name, made a valid name."""
    name = _NAME_CHARACTERS.sub("-", folder.resolve().name).strip("-._")
    return name or _DEFAULT_NAME


def starter_files(name: str) -> list[StarterFile]:
    """The starter project's files for a project called ``name``."""
    templates = resources.files("iamspec.project").joinpath(_TEMPLATES)
    files = []
    for template, target in STARTER_FILES:
        text = templates.joinpath(template).read_text(encoding="utf-8")
        text = text.replace("__PROJECT_NAME__", name).replace("__IAMSPEC_VERSION__", __version__)
        files.append(StarterFile(target, text))
    return files


def _taken(path: Path) -> bool:
    """A file (or a dangling symlink) is at ``path``: writing there would overwrite."""
    return path.exists() or path.is_symlink()


def write_starter(folder: Path) -> list[Path]:
    """Write the starter project into ``folder`` (created if missing); the paths written.

    Raises StarterError, writing nothing, when ``folder`` is a file, when any starter file
    already exists (each named) or would land outside ``folder``; and, after removing what it
    wrote, when a file cannot be written.
    """
    if folder.exists() and not folder.is_dir():
        raise StarterError(str(folder), "is not a folder")
    root = folder.resolve()
    files = starter_files(project_name(folder))
    existing = [
        f.path for f in files if (folder / f.path).exists() or (folder / f.path).is_symlink()
    ]
    if existing:
        raise StarterError(
            str(folder),
            "would overwrite existing files, so nothing was written: "
            + ", ".join(existing)
            + " (move them away, or run iamspec init in an empty folder)",
        )
    for starter in files:
        if not (root / starter.path).resolve().is_relative_to(root):
            raise StarterError(
                str(folder), f"{starter.path} would be written outside the folder (a symlink?)"
            )
    written: list[Path] = []
    made: list[Path] = []
    try:
        for starter in files:
            path = folder / starter.path
            for parent in reversed(path.parents):
                if not parent.exists():
                    parent.mkdir()
                    made.append(parent)
            with path.open("x", encoding="utf-8", newline="\n") as file:
                written.append(path)
                file.write(starter.text)
    except OSError as err:
        for path in written:
            path.unlink(missing_ok=True)
        for made_folder in reversed(made):
            made_folder.rmdir()
        raise StarterError(str(folder), f"cannot write {err.filename}: {err.strerror}") from err
    return written
