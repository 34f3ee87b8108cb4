"""The ``iamspec`` command line: ``init``, ``simulate``, ``lint`` and ``docs``.

Exit status of ``simulate``: 0 when every decision is ``allowed``, 1 when any is denied, 2 for
bad input (unknown action, unreadable or unparseable policy, unknown or unfilled placeholder,
bad context value) — so a script can gate on it and never mistake an error for a denial. A
policy file must be a regular file of UTF-8 text within SimulateCustomPolicy's 131,072
characters; its size is checked before it is read, so a 25 MB file, ``/dev/zero`` or a FIFO
is refused at once, in one line that names the file (and line:column for text that is not
UTF-8).

Exit status of ``lint``: 0 when no finding reaches ``--fail-on`` (default ``error``), 1 when
one does, 2 for a usage error or a path that cannot be read.

Exit status of ``docs``: 0 when the site was written, 2 for a results file that cannot be read
or does not follow the schema (every problem named by JSON path) or an output that cannot be
written.

Whatever the command, input that exhausts Python (RecursionError, MemoryError) exits 2 with
one line, and any other unexpected failure exits 70 with its traceback: a crash never exits 1,
which means "denied".

Exit status of ``init``: 0 when the starter project was written, 2 when a file it would write
exists (each named; nothing is written) or a file cannot be written.

``simulate`` and ``lint`` read the project's settings (``[tool.iamspec]``) from the nearest
``pyproject.toml`` that has them, from the current folder up
(:func:`~iamspec.project.settings.find_project_root`): ``simulate`` fills the policies'
``{{placeholders}}`` as the pytest plugin does; ``lint`` accepts them and skips the project's
``lint_exclude`` paths when it walks a folder. Every option's help and each command's exit
statuses are in ``iamspec <command> --help``.

``prove`` and ``diff`` (universal claims, policy diffs) live in :mod:`iamspec.symbolic.commands`,
whose ``--help`` gives their exit statuses.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import textwrap
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from iamspec import __version__
from iamspec.engine.compiled import CompiledPolicy, PolicyRole, compile_policy
from iamspec.engine.context import parse_context_key_type
from iamspec.errors import IamSpecError, PolicyParseError, SimulationInputError
from iamspec.lint import FORMATS, LintInputError, Severity, lint_paths, render
from iamspec.policy.jsontext import LineIndex
from iamspec.policy.parser import PolicyKind, parse_policy
from iamspec.project.placeholders import fill, fill_text
from iamspec.project.settings import Settings, find_project_root, load_settings
from iamspec.project.starter import write_starter
from iamspec.records.loading import load_results
from iamspec.simulate import core, inputs
from iamspec.simulate.custom import IDENTITY_POLICY_TYPE
from iamspec.symbolic.commands import register as register_symbolic
from iamspec.terminal import printable

EXIT_ALLOWED = 0
EXIT_DENIED = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 70
"""sysexits' EX_SOFTWARE: a defect of iamspec, for every command (prove and diff use 3 for
"unknown", :mod:`iamspec.symbolic.commands`)."""
# A policy is at most 131,072 characters (SimulateCustomPolicy), each at most U+00FF: at most
# two bytes of UTF-8 apiece. A larger file cannot be a policy, and is refused unread.
_MAX_POLICY_BYTES = 2 * inputs.MAX_POLICY_CHARS

DESCRIPTION = (
    "Executable specifications for AWS IAM tag-based access, starting with Amazon Connect: "
    "start a project, decide requests, lint policies, render the living documentation. "
    "The scenarios themselves run with pytest."
)
EPILOG = """\
Run 'iamspec COMMAND --help' for a command's options and its exit statuses.
Exit status 2 always means bad input or a usage error, never a decision.
"""
_PLACEHOLDERS_NOTE = """\
{{placeholders}} in the policy files, --resource and --context are filled from
[tool.iamspec] of the nearest pyproject.toml that has it (from the current folder
up), as pytest fills them for the scenarios; an unknown or unfilled one is an
error with file:line:column (exit 2), never a quiet denial.
"""


def project_settings() -> Settings:
    """``[tool.iamspec]`` of the project the command runs in (defaults when none has it)."""
    root = find_project_root(Path.cwd())
    return load_settings(root if root is not None else Path.cwd())


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
    """A policy file's text: a regular file, at most 131,072 characters of UTF-8.

    The file is opened without blocking (a FIFO would wait forever) and its kind and size
    are checked on the open descriptor before a byte is read. Raises SimulationInputError
    naming the file, and the line and column where the text stops being UTF-8.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise SimulationInputError(f"{path}: cannot read policy: {err.strerror}") from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise SimulationInputError(f"{path}: cannot read policy: {kind}")
        if info.st_size > _MAX_POLICY_BYTES:
            raise SimulationInputError(_too_long(path, f"{info.st_size:,} bytes"))
        data = os.read(fd, _MAX_POLICY_BYTES + 1)
        while len(data) <= _MAX_POLICY_BYTES and (more := os.read(fd, _MAX_POLICY_BYTES)):
            data += more
    except OSError as err:
        raise SimulationInputError(f"{path}: cannot read policy: {err.strerror}") from err
    finally:
        os.close(fd)
    if len(data) > _MAX_POLICY_BYTES:  # the file grew after it was measured
        raise SimulationInputError(_too_long(path, f"more than {_MAX_POLICY_BYTES:,} bytes"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SimulationInputError(_not_utf8(path, data, err)) from None
    if len(text) > inputs.MAX_POLICY_CHARS:
        raise SimulationInputError(_too_long(path, f"{len(text):,} characters"))
    return text


def _too_long(path: str, size: str) -> str:
    return (
        f"{path}: cannot read policy: {size}; a policy is at most "
        f"{inputs.MAX_POLICY_CHARS:,} characters (SimulateCustomPolicy's limit)"
    )


def _not_utf8(path: str, data: bytes, err: UnicodeDecodeError) -> str:
    """``file:line:column: byte 0xNN is not UTF-8``, with a hint for UTF-16."""
    before = data[: err.start].decode("utf-8", errors="replace")
    where = LineIndex(before).position(len(before))
    hint = ""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        hint = " (the file is UTF-16: save it as UTF-8)"
    return (
        f"{path}:{where.line}:{where.column}: byte 0x{data[err.start]:02X} is not UTF-8; "
        f"IAM policies are UTF-8 text{hint}"
    )


def _load(
    path: str, kind: PolicyKind, role: PolicyRole, placeholders: Mapping[str, str]
) -> tuple[CompiledPolicy, tuple[str, ...]]:
    """Fill and parse a policy file; errors name the file, line and column as written.

    Returns the compiled policy and the placeholder names it filled.
    """
    filled = fill(_read(path), placeholders, path)
    try:
        policy = parse_policy(filled.text, path, kind=kind)
    except PolicyParseError as err:
        line, column = filled.original_position(err.line, err.column)
        raise SimulationInputError(str(PolicyParseError(path, line, column, err.reason))) from err
    return compile_policy(policy, path, IDENTITY_POLICY_TYPE, role), filled.names


def _simulate(args: argparse.Namespace) -> int:
    settings = project_settings()
    values = settings.placeholder_values()
    loaded = [_load(path, PolicyKind.IDENTITY, PolicyRole.IDENTITY, values) for path in args.policy]
    if args.boundary:
        loaded.append(_load(args.boundary, PolicyKind.BOUNDARY, PolicyRole.BOUNDARY, values))
    identity = [compiled for compiled, _ in loaded[: len(args.policy)]]
    boundary = [compiled for compiled, _ in loaded[len(args.policy) :]]
    filled = sorted({name for _, names in loaded for name in names})
    if filled:
        print(
            f"iamspec simulate: filled {', '.join('{{' + n + '}}' for n in filled)} "
            f"from {settings.source}",
            file=sys.stderr,
        )
    context = inputs.context_entries(
        [_context_entry(fill_text(c, values, f"--context {c!r}")) for c in args.context]
    )
    actions = inputs.action_names(args.action)
    arns = [fill_text(arn, values, f"--resource {arn!r}") for arn in args.resource]
    resources = inputs.resource_arns(arns or None)
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

    ``{{name}}`` placeholders that the project's ``[tool.iamspec]`` fills are accepted; any
    other is reported. Files under its ``lint_exclude`` paths are skipped when a folder is
    walked (and counted in the summary); a path named on the command line is linted.
    """
    settings = project_settings()
    _refuse_oversized(args.paths)
    run = lint_paths(
        args.paths,
        kind=PolicyKind(args.kind or PolicyKind.IDENTITY.value),
        placeholders=settings.placeholder_values().keys(),
        exclude=settings.excluded_paths(),
        # an explicit --kind is the kind of every file; without it the project says
        resource_policies=() if args.kind else settings.resource_policy_paths(),
    )
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


def _refuse_oversized(paths: Sequence[str]) -> None:
    """Refuse, unread, a file larger than any policy can be (LintInputError: exit 2).

    The files are those ``lint_paths`` reads (a folder: its ``*.json`` below it); linting a
    25 MB file would take minutes and gigabytes for something IAM could never store.
    """
    for raw in paths:
        path = Path(raw)
        files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        for file in files:
            try:
                info = file.stat()
            except OSError:
                continue  # lint_paths reports what cannot be read
            if stat.S_ISREG(info.st_mode) and info.st_size > _MAX_POLICY_BYTES:
                raise LintInputError(
                    str(file),
                    f"cannot read: {info.st_size:,} bytes; a policy is at most "
                    f"{inputs.MAX_POLICY_CHARS:,} characters (SimulateCustomPolicy's limit)",
                )


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _paragraph(text: str) -> str:
    """A description as the help prints it: wrapped at 79 columns (epilogs keep their lines)."""
    return textwrap.fill(" ".join(text.split()), 79)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iamspec",
        description=_paragraph(DESCRIPTION),
        epilog=EPILOG,
        formatter_class=_help_formatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"iamspec {__version__}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_init(sub)
    _add_simulate(sub)
    _add_lint(sub)
    _add_docs(sub)
    register_symbolic(sub)
    return parser


def _add_simulate(sub: Any) -> None:
    sim = sub.add_parser(
        "simulate",
        help="decide actions under policy files, with the reasons",
        description=_paragraph(
            "Decide each action on each resource under the policy files, as AWS's "
            "SimulateCustomPolicy would, and explain every decision (the deciding statements)."
        ),
        epilog=_PLACEHOLDERS_NOTE
        + """
exit status:
  0  every decision is allowed
  1  any decision is denied (implicitly or explicitly)
  2  bad input: a policy that cannot be read or parsed, an unknown action or
     placeholder, a bad ARN or context value, a usage error
""",
        formatter_class=_help_formatter,
    )
    sim.add_argument(
        "--policy",
        action="append",
        required=True,
        metavar="FILE",
        help="an identity-based policy file (JSON); repeat for several, evaluated together "
        "as one principal's policies",
    )
    sim.add_argument(
        "--boundary",
        metavar="FILE",
        help="a permissions boundary policy file: an action must be allowed by it too",
    )
    sim.add_argument(
        "--action",
        action="append",
        required=True,
        metavar="ACTION",
        help="an action to decide, e.g. connect:DescribeUser (IAM must define it); repeat "
        "for several",
    )
    sim.add_argument(
        "--resource",
        action="append",
        default=[],
        metavar="ARN",
        help='a resource ARN to decide the actions on (default: "*"); repeat for several',
    )
    sim.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE[:TYPE]",
        help="a context key of the request, e.g. aws:ResourceTag/Department=Test; TYPE is an "
        "AWS ContextKeyType (default string; a ...List type splits VALUE on commas); repeat "
        "for several",
    )
    sim.add_argument(
        "--json",
        action="store_true",
        help="print the AWS-shaped SimulateCustomPolicy response instead of the explanations",
    )
    sim.set_defaults(func=_simulate)


def _add_lint(sub: Any) -> None:
    lint = sub.add_parser(
        "lint",
        help="check policy files for defects before they are deployed",
        description=_paragraph(
            "Check IAM policy files (a folder: every *.json below it) and report "
            "file:line:col: severity code: message."
        ),
        epilog="""\
{{placeholders}} that [tool.iamspec] of the nearest pyproject.toml fills are
accepted. When a folder is walked, the files and folders that setting lists in
lint_exclude (copies kept broken on purpose) are skipped and counted in the
summary; a PATH named here is always linted, even inside an excluded folder.

exit status:
  0  no finding reaches --fail-on
  1  a finding does
  2  a usage error, a path that cannot be read or written, invalid settings
""",
        formatter_class=_help_formatter,
    )
    lint.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="policy files or folders (a folder: every *.json below it)",
    )
    lint.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format: text (file:line:col lines, the default), json, or sarif "
        "(SARIF 2.1.0, for code scanning)",
    )
    lint.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default="error",
        help="exit 1 when a finding is this severe or worse (default: error; never: exit 0 "
        "whatever is found)",
    )
    lint.add_argument(
        "--output", "-o", metavar="FILE", help="write the findings to FILE instead of stdout"
    )
    lint.add_argument(
        "--kind",
        choices=[k.value for k in PolicyKind],
        default=None,
        help="the kind of every policy, for the grammar check (default: resource for the "
        "project's resource_policies paths, identity for the others)",
    )
    lint.set_defaults(func=_lint)


def _init(args: argparse.Namespace) -> int:
    """Write the starter project; list what was written and what to run next."""
    folder = Path(args.dir)
    written = write_starter(folder)
    print(f"iamspec init: wrote {len(written)} files in {folder}:")
    for path in written:
        print(f"  {path.relative_to(folder).as_posix()}")
    here = folder.resolve() == Path.cwd().resolve()
    print("next: pytest" if here else f"next: cd {folder} && pytest")
    return 0


def _add_init(sub: Any) -> None:
    init = sub.add_parser(
        "init",
        help="write a starter project: settings, a feature, its policy, a nightly workflow",
        description=_paragraph(
            "Write a runnable starter project into DIR: pyproject.toml ([tool.iamspec] "
            "with each setting explained, iamspec as a dependency), features/ with a Connect "
            "feature, policies/ with its policy, a nightly GitHub workflow against AWS's policy "
            "simulator, a README and a .gitignore. pytest in DIR then passes at once."
        ),
        epilog="""\
It never overwrites: when a file it would write exists, it names each one and
writes nothing.

exit status:
  0  the project was written
  2  a file exists already (named), DIR is not a folder, or a file cannot be written
""",
        formatter_class=_help_formatter,
    )
    init.add_argument(
        "dir",
        nargs="?",
        default=".",
        metavar="DIR",
        help="the project folder, created if missing (default: the current folder)",
    )
    init.set_defaults(func=_init)


def _docs(args: argparse.Namespace) -> int:
    """Render a saved results file as the living documentation (exit 2 for a bad file)."""
    from iamspec.livingdoc import build_site, write_site  # Jinja2: only for this command

    run = load_results(args.results)
    site = build_site(run, root=Path(args.root))
    try:
        written = write_site(site, Path(args.out), args.format)
    except OSError as err:
        raise SimulationInputError(f"{args.out}: cannot write the site: {err}") from err
    print(printable(f"iamspec docs: {len(written)} files written to {args.out}"), file=sys.stderr)
    if written.replaced:
        names = ", ".join(p.name for p in written.replaced)
        print(printable(f"iamspec docs: replaced existing files: {names}"), file=sys.stderr)
    if not run.complete:
        print(
            printable(f"iamspec docs: the run did not complete ({run.describe_state()})"),
            file=sys.stderr,
        )
    for line in site.coverage.summary_lines():
        print(printable(f"iamspec docs: {line}"), file=sys.stderr)
    return 0


def _add_docs(sub: Any) -> None:
    docs = sub.add_parser(
        "docs",
        help="render a results file (pytest --iam-results) as the living documentation",
        description=_paragraph(
            "Write the living documentation (features, policies, policy coverage, "
            "errata) from a results file written by pytest --iam-results FILE."
        ),
        epilog="""\
exit status:
  0  the site was written
  2  a results file that cannot be read or does not follow the schema (each
     problem named by its JSON path), or an output that cannot be written
""",
        formatter_class=_help_formatter,
    )
    docs.add_argument("--results", required=True, metavar="FILE", help="the results file")
    docs.add_argument("--out", required=True, metavar="DIR", help="where to write the site")
    docs.add_argument(
        "--format",
        choices=("html", "markdown"),
        default="html",
        help="html (the default; with style.css) or markdown",
    )
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
        print(printable(f"iamspec: error: {err}", lines=True), file=sys.stderr)
        return EXIT_ERROR
    except (RecursionError, MemoryError) as err:
        print(
            f"iamspec: error: the input is too large or too deeply nested ({type(err).__name__})",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except Exception:
        # A defect of iamspec, not of the input: say so, and never exit 1 ("denied").
        traceback.print_exc()
        print("iamspec: internal error (a defect of iamspec, please report it)", file=sys.stderr)
        return EXIT_INTERNAL
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
