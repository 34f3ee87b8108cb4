"""The ``iamspec`` command line: ``simulate``, ``lint`` and ``docs``.

Exit status of ``simulate``: 0 when every decision is ``allowed``, 1 when any is denied, 2 for
bad input (unknown action, unreadable or unparseable policy, bad context value) — so a script
can gate on it and never mistake an error for a denial.

Exit status of ``lint``: 0 when no finding reaches ``--fail-on`` (default ``error``), 1 when
one does, 2 for a usage error or a path that cannot be read.

Exit status of ``docs``: 0 when the site was written, 2 for a results file that cannot be read
or does not follow the schema (every problem named by JSON path) or an output that cannot be
written.

``prove`` and ``diff`` (universal claims, policy diffs) live in :mod:`iamspec.symbolic.commands`,
whose ``--help`` gives their exit statuses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from iamspec.engine.compiled import CompiledPolicy, PolicyRole, compile_policy
from iamspec.engine.context import parse_context_key_type
from iamspec.errors import IamSpecError, PolicyParseError, SimulationInputError
from iamspec.harness.settings import load_settings
from iamspec.lint import FORMATS, LintInputError, Severity, lint_paths, render
from iamspec.policy.parser import PolicyKind, parse_policy
from iamspec.simulate import core, inputs
from iamspec.simulate.custom import IDENTITY_POLICY_TYPE
from iamspec.symbolic.commands import register as register_symbolic

EXIT_ALLOWED = 0
EXIT_DENIED = 1
EXIT_ERROR = 2


def _context_entry(text: str) -> dict[str, Any]:
    """``KEY=VALUE[:TYPE]``; a ``...List`` type splits VALUE on commas."""
    key, sep, rest = text.partition("=")
    if not sep or not key:
        raise SimulationInputError(f"--context {text!r}: expected KEY=VALUE[:TYPE]")
    value, ctype = rest, "string"
    head, colon, tail = rest.rpartition(":")
    if colon:
        try:
            parse_context_key_type(tail)
            value, ctype = head, tail
        except SimulationInputError:
            value, ctype = rest, "string"
    values = value.split(",") if ctype.endswith("List") else [value]
    return {"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": ctype}


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise SimulationInputError(f"{path}: cannot read policy: {err.strerror}") from err


def _load(path: str, kind: PolicyKind, role: PolicyRole) -> CompiledPolicy:
    """Parse a policy file; errors name the file, line and column."""
    try:
        policy = parse_policy(_read(path), path, kind=kind)
    except PolicyParseError as err:
        raise SimulationInputError(str(err)) from err
    return compile_policy(policy, path, IDENTITY_POLICY_TYPE, role)


def _simulate(args: argparse.Namespace) -> int:
    identity = [_load(path, PolicyKind.IDENTITY, PolicyRole.IDENTITY) for path in args.policy]
    boundary = []
    if args.boundary:
        boundary = [_load(args.boundary, PolicyKind.BOUNDARY, PolicyRole.BOUNDARY)]
    context = inputs.context_entries([_context_entry(c) for c in args.context])
    actions = inputs.action_names(args.action)
    resources = inputs.resource_arns(args.resource or None)
    run = core.run(
        identity=identity,
        boundary=boundary,
        resource_policy=None,
        actions=actions,
        resources=resources,
        context=context,
        caller_arn=None,
    )
    if args.json:
        json.dump(
            {"EvaluationResults": list(run.results), "IsTruncated": False}, sys.stdout, indent=2
        )
        print()
    else:
        for evaluations in run.evaluations:
            for ev in evaluations:
                print(ev.explain())
                print()
    allowed = all(r["EvalDecision"] == "allowed" for r in run.results)
    return EXIT_ALLOWED if allowed else EXIT_DENIED


_FAIL_ON = (*(s.value for s in Severity), "never")


def _lint(args: argparse.Namespace) -> int:
    """Lint files and folders; findings on stdout (or ``--output``), a summary on stderr.

    ``{{name}}`` placeholders that ``[tool.iamspec]`` of ``./pyproject.toml`` fills are
    accepted; any other is reported.
    """
    placeholders = load_settings(Path.cwd()).placeholder_values()
    run = lint_paths(args.paths, kind=PolicyKind(args.kind), placeholders=placeholders.keys())
    output = render(run.findings, args.format)
    if args.output:
        try:
            Path(args.output).write_text(output, encoding="utf-8")
        except OSError as err:
            raise LintInputError(args.output, f"cannot write: {err.strerror or err}") from err
    else:
        sys.stdout.write(output)
    print(f"iamspec lint: {run.summary()}", file=sys.stderr)
    threshold = None if args.fail_on == "never" else Severity(args.fail_on)
    return 1 if run.fails(threshold) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iamspec", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser("simulate", help="decide actions under policy files, with reasons")
    sim.add_argument("--policy", action="append", required=True, metavar="FILE")
    sim.add_argument("--boundary", metavar="FILE")
    sim.add_argument("--action", action="append", required=True, metavar="ACTION")
    sim.add_argument("--resource", action="append", default=[], metavar="ARN")
    sim.add_argument("--context", action="append", default=[], metavar="KEY=VALUE[:TYPE]")
    sim.add_argument("--json", action="store_true", help="print the AWS-shaped response")
    sim.set_defaults(func=_simulate)
    lint = sub.add_parser(
        "lint",
        help="check policy files for defects before they are deployed",
        description="Check IAM policy files (a folder: every *.json below it) and report "
        "file:line:col: severity code: message.",
    )
    lint.add_argument("paths", nargs="+", metavar="PATH", help="policy files or folders")
    lint.add_argument("--format", choices=FORMATS, default="text", help="output format")
    lint.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default="error",
        help="exit 1 when a finding is this severe or worse (default: error)",
    )
    lint.add_argument("--output", "-o", metavar="FILE", help="write the findings to FILE")
    lint.add_argument(
        "--kind",
        choices=[k.value for k in PolicyKind],
        default=PolicyKind.IDENTITY.value,
        help="the kind of policy, for the grammar check (default: identity)",
    )
    lint.set_defaults(func=_lint)
    _add_docs(sub)
    register_symbolic(sub)
    return parser


def _docs(args: argparse.Namespace) -> int:
    """Render a saved results file as the living documentation (exit 2 for a bad file)."""
    from iamspec.livingdoc import build_site, load_results, write_site

    run = load_results(args.results)
    site = build_site(run, root=Path(args.root))
    try:
        written = write_site(site, Path(args.out), args.format)
    except OSError as err:
        raise SimulationInputError(f"{args.out}: cannot write the site: {err}") from err
    print(f"iamspec docs: {len(written)} files written to {args.out}", file=sys.stderr)
    for line in site.coverage.summary_lines():
        print(f"iamspec docs: {line}", file=sys.stderr)
    return 0


def _add_docs(sub: Any) -> None:
    docs = sub.add_parser(
        "docs",
        help="render a results file (pytest --iam-results) as the living documentation",
        description="Write the living documentation (features, policies, policy coverage, "
        "errata) from a results file written by pytest --iam-results FILE.",
    )
    docs.add_argument("--results", required=True, metavar="FILE", help="the results file")
    docs.add_argument("--out", required=True, metavar="DIR", help="where to write the site")
    docs.add_argument("--format", choices=("html", "markdown"), default="html")
    docs.add_argument(
        "--root",
        default=".",
        metavar="DIR",
        help="the project root the results file's paths are relative to (default: .)",
    )
    docs.set_defaults(func=_docs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except IamSpecError as err:
        print(f"iamspec: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
