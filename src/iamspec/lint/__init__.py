"""The policy linter: find what IAM would reject, or silently ignore, before deployment.

Programmatic use (the BDD harness calls this on every policy a scenario loads)::

    from iamspec.lint import lint_text

    findings = lint_text(text, "policies/connect/view-users.json")
    errors = [f for f in findings if f.is_error]      # stop the scenario with these
    warnings = [f for f in findings if not f.is_error]  # show these in the failure/docs

Every finding has a stable ``code`` (see :data:`RULES`), a :class:`Severity` modelled on IAM
Access Analyzer policy validation, and the 1-based line and column of the text as given. The
command line is ``iamspec lint PATH... [--format text|json|sarif] [--fail-on LEVEL]``.

Modules: :mod:`.findings` (the model), :mod:`.document` (JSON recovery and a lenient reading),
:mod:`.checks` (one function per code, one table), :mod:`.runner` (texts, files, folders),
:mod:`.formats` (text, JSON, SARIF 2.1.0).
"""

from __future__ import annotations

from iamspec.lint.checks import CHECKS, RULES, Check
from iamspec.lint.findings import Finding, Rule, Severity
from iamspec.lint.formats import FORMATS, render, render_json, render_sarif, render_text, sarif_log
from iamspec.lint.runner import LintInputError, LintRun, lint_file, lint_paths, lint_text

__all__ = [
    "CHECKS",
    "FORMATS",
    "RULES",
    "Check",
    "Finding",
    "LintInputError",
    "LintRun",
    "Rule",
    "Severity",
    "lint_file",
    "lint_paths",
    "lint_text",
    "render",
    "render_json",
    "render_sarif",
    "render_text",
    "sarif_log",
]
