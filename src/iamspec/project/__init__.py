"""A project's own configuration: ``[tool.iamspec]`` settings and ``{{name}}`` placeholders.

Below the harness, the linter and the living docs (it needs no pytest), so that each of them,
and the command line, reads a project the same way:

- :mod:`.settings` — ``[tool.iamspec]`` of the project's ``pyproject.toml``, validated;
- :mod:`.placeholders` — ``{{name}}`` in policy files and step arguments, filled from them;
- :mod:`.errors` — :class:`~iamspec.project.errors.SettingsError` and
  :class:`~iamspec.project.errors.PlaceholderError`.
"""
