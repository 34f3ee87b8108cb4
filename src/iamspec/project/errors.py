"""The errors of a project's own files: ``[tool.iamspec]`` settings and ``{{name}}`` placeholders.

Raised before anything is evaluated, by whoever reads the project (the harness, the linter's
caller, the living docs, the CLI), so that a misspelt setting or placeholder can never fall
back to a default and pass as "denied"::

    IamSpecError                        (iamspec.errors)
    └── ProjectError
        ├── SettingsError               [tool.iamspec] in pyproject.toml is invalid
        │                               (source, key, reason)
        ├── PlaceholderError            {{name}} malformed or without a value
        │                               (source, line, column, reason, suggestions)
        └── StarterError                iamspec init cannot write its starter project
                                        (folder, reason)
"""

from __future__ import annotations

from collections.abc import Sequence

from iamspec.errors import IamSpecError

__all__ = ["PlaceholderError", "ProjectError", "SettingsError", "StarterError"]


def _did_you_mean(suggestions: Sequence[str]) -> str:
    if not suggestions:
        return ""
    return "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"


class ProjectError(IamSpecError):
    """Base of the errors in a project's settings and placeholders."""


class SettingsError(ProjectError):
    """``[tool.iamspec]`` holds a value iamspec cannot use; ``key`` is its dotted name."""

    def __init__(self, source: str, key: str, reason: str) -> None:
        self.source = source
        self.key = key
        self.reason = reason
        super().__init__(f"{source}: [tool.iamspec] {key}: {reason}")


class PlaceholderError(ProjectError):
    """A ``{{name}}`` placeholder that is malformed or has no value; the position is 1-based."""

    def __init__(
        self, source: str, line: int, column: int, reason: str, suggestions: Sequence[str] = ()
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.reason = reason
        self.suggestions = tuple(suggestions)
        super().__init__(f"{source}:{line}:{column}: {reason}{_did_you_mean(suggestions)}")


class StarterError(ProjectError):
    """``iamspec init`` cannot write its starter project into ``folder`` (nothing is left
    half-written)."""

    def __init__(self, folder: str, reason: str) -> None:
        self.folder = folder
        self.reason = reason
        super().__init__(f"{folder}: {reason}")
