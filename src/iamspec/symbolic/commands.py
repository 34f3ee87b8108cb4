"""``iamspec prove`` and ``iamspec diff``: the command-line face of the symbolic layer.

:func:`register` adds both subcommands to the ``iamspec`` parser; each returns its exit
status. Policy files are read through a :class:`FillingReader`: their ``{{placeholders}}`` are
filled from ``[tool.iamspec]`` of the nearest ``pyproject.toml`` that has it, from the current
folder up, as ``iamspec simulate`` and the scenarios fill them (an unknown or unfilled one is
bad input naming ``file:line:column``, and a parse error names the position as written). The
solver is imported only when one of the two commands runs, so the other commands start as
fast as before.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iamspec.errors import PolicyParseError, SimulationInputError
from iamspec.project.placeholders import Filled, fill
from iamspec.project.settings import find_project_root, load_settings
from iamspec.symbolic.policies import PolicyReader, read_policy_text

if TYPE_CHECKING:
    from iamspec.symbolic.diff import Changes, DiffResult
    from iamspec.symbolic.prover import ProofOptions
    from iamspec.symbolic.questions import ClaimResult
    from iamspec.symbolic.replay import SoundnessError

EXIT_HOLDS = 0
EXIT_FAILS = 1
EXIT_BAD_INPUT = 2
EXIT_UNKNOWN = 3
EXIT_INTERNAL = 70

read_policy: PolicyReader = read_policy_text
"""How both commands read a policy file's text, before its placeholders are filled."""


class FillingReader:
    """A :data:`~iamspec.symbolic.policies.PolicyReader` that fills ``{{placeholders}}``.

    ``values`` are the project's placeholder values; :meth:`remap` turns a parse error of a
    filled text back into the position as written.
    """

    def __init__(
        self, values: Mapping[str, str], read: PolicyReader = read_policy_text, source: str = ""
    ) -> None:
        self._values = values
        self.source = source
        """Where the values come from (a pyproject.toml), for the note on stderr."""
        self._read = read
        self._filled: dict[str, Filled] = {}

    def __call__(self, path: str) -> str:
        """The text of ``path`` with its placeholders filled; PlaceholderError (bad input,
        naming ``file:line:column``) for an unknown or malformed one."""
        filled = fill(self._read(path), self._values, path)
        self._filled[path] = filled
        return filled.text

    @property
    def names(self) -> tuple[str, ...]:
        """The placeholders filled so far, sorted."""
        return tuple(sorted({n for f in self._filled.values() for n in f.names}))

    def remap(self, err: SimulationInputError) -> SimulationInputError:
        """``err`` with a parse error's position as written (``err`` itself otherwise)."""
        cause = err.__cause__
        if not isinstance(cause, PolicyParseError):
            return err
        filled = self._filled.get(cause.source)
        if filled is None or not filled.names:
            return err
        line, column = filled.original_position(cause.line, cause.column)
        return SimulationInputError(str(PolicyParseError(cause.source, line, column, cause.reason)))


def project_reader(start: Path | None = None) -> FillingReader:
    """A filling reader with the placeholder values of the project found from ``start`` (the
    current folder) up; without a project, the defaults of ``[tool.iamspec]``.

    Raises SettingsError for a ``[tool.iamspec]`` that cannot be used.
    """
    folder = start if start is not None else Path.cwd()
    root = find_project_root(folder)
    settings = load_settings(root if root is not None else folder)
    return FillingReader(settings.placeholder_values(), read_policy, str(settings.source))


def _say_filled(command: str, reader: FillingReader) -> None:
    if reader.names:
        names = ", ".join("{{" + n + "}}" for n in reader.names)
        print(f"iamspec {command}: filled {names} from {reader.source}", file=sys.stderr)


def _loaded(reader: FillingReader, load: Callable[[], Any]) -> Any:
    """``load()``, its parse errors named at the position as written."""
    try:
        return load()
    except SimulationInputError as err:
        remapped = reader.remap(err)
        if remapped is err:
            raise
        raise remapped from err.__cause__


_INTERNAL_TEXT = f"""\
  {EXIT_INTERNAL}  internal defect of iamspec (please report it): the solver and the engine
      disagree on a counterexample (the message says which request), or any other
      unexpected failure (with its traceback)
"""

_EXITS = (
    f"""exit status:
  {EXIT_HOLDS}   every claim proven
  {EXIT_FAILS}   a claim refuted, with a counterexample
  {EXIT_BAD_INPUT}   bad input: a file that cannot be read, a policy that does not parse
      (file:line:column), an unknown action pattern, a malformed claims file
  {EXIT_UNKNOWN}   no claim refuted, but one is unknown (solver time-out, see --timeout) or
      "cannot prove" (a construct without an exact encoding): never a pass
"""
    + _INTERNAL_TEXT
)
"""The exit statuses of ``iamspec prove`` (its ``--help`` epilog)."""

_DIFF_EXITS = (
    f"""exit status:
  {EXIT_HOLDS}   NEW grants nothing OLD does not (access removed does not count)
  {EXIT_FAILS}   NEW grants a request OLD does not: new access found, each request listed
  {EXIT_BAD_INPUT}   bad input: a file that cannot be read, a policy that does not parse
      (file:line:column), an unknown action pattern
  {EXIT_UNKNOWN}   no new access found, but the answer is unknown (solver time-out, see
      --timeout) or "cannot prove" (a construct without an exact encoding): never a pass
"""
    + _INTERNAL_TEXT
)
"""The exit statuses of ``iamspec diff`` (its ``--help`` epilog)."""

_PROVE_HELP = """Prove universal claims about policies: for every request of a scope (every
action a pattern matches, every ARN of its resource types, every value of every context key
the policies read), or show the one request that breaks the claim, replayed through the
simulator and printed as a ready-to-paste Gherkin scenario.

A claims file is TOML, one [[claim]] table per claim:

  [[claim]]
  name = "test-admin describes and updates only Test-department agents"
  policies = ["policies/connect/describe-update-users-by-department.json"]
  actions = ["connect:DescribeUser", "connect:UpdateUser*"]
  principal = { kind = "user", name = "test-admin", account = "111122223333" }
  allowed_only_if = { resource_tag = { Department = "Test" } }

Paths are relative to the claims file. Expectations: expect = "always allowed" | "never
allowed" | "always implicitly denied" | "always explicitly denied"; allowed_only_if /
allowed_exactly_when = a predicate (resource_tag, principal_tag, request_tag, context,
resource_tag_equals_principal_tag, owned_by_instance, resource_arn_like, action_matches,
any, not); no_new_access_over = [files]; equivalent_to = [files]. Scope: actions,
resource_types, resource, principal, context, absent, any_context_key; boundary and scp
(SCP levels, root first) beside policies. {{placeholders}} in the policy files are filled
from [tool.iamspec] of the nearest pyproject.toml that has it (from the current folder up),
as iamspec simulate fills them.
"""

_DIFF_HELP = """Compare two policy files: every request NEW allows that OLD does not (new
access) and every one OLD allows that NEW does not (access removed), one concrete request
per action, each replayed through the simulator. The pull-request gate for a policy
repository: exit 0 when NEW grants nothing OLD does not.

{{placeholders}} in the policy files are filled from [tool.iamspec] of the nearest
pyproject.toml that has it (from the current folder up), as iamspec simulate fills them.
"""


def register(subparsers: Any) -> None:
    """Add ``prove`` and ``diff`` to the ``iamspec`` command's subparsers."""
    formatter = argparse.RawDescriptionHelpFormatter
    prove = subparsers.add_parser(
        "prove",
        help="prove universal claims (every request), or show a counterexample",
        description=_PROVE_HELP,
        epilog=_EXITS,
        formatter_class=formatter,
    )
    prove.add_argument("claims", metavar="CLAIMS.toml", help="the claims file")
    _common(prove)
    prove.set_defaults(func=run_prove)
    diff = subparsers.add_parser(
        "diff",
        help="what NEW allows that OLD does not (and the reverse), as concrete requests",
        description=_DIFF_HELP,
        epilog=_DIFF_EXITS,
        formatter_class=formatter,
    )
    diff.add_argument("old", metavar="OLD", help="the policy as it is")
    diff.add_argument("new", metavar="NEW", help="the policy as proposed")
    diff.add_argument(
        "--action",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only actions matching PATTERN (repeatable; default: every action)",
    )
    diff.add_argument(
        "--max-requests",
        type=_positive(int),
        default=200,
        metavar="N",
        help="stop listing after N requests per direction (default 200)",
    )
    _common(diff)
    diff.set_defaults(func=run_diff)


def _positive(kind: type[float] | type[int]) -> Any:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not positive")
        return value

    return parse


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=30.0,
        metavar="SECONDS",
        help="give up on one solver call after this long: the answer is then unknown "
        "(exit 3), never a pass (default 30)",
    )


def _options(args: argparse.Namespace) -> ProofOptions:
    from iamspec.symbolic.prover import ProofOptions

    return ProofOptions(timeout=args.timeout)


def _internal(err: SoundnessError) -> int:
    print(f"iamspec: internal error (please report it): {err}", file=sys.stderr)
    return EXIT_INTERNAL


# -- prove ------------------------------------------------------------------------------------


def run_prove(args: argparse.Namespace) -> int:
    """Prove every claim of the file; the exit status as :data:`_EXITS` says."""
    from iamspec.symbolic.claims import load_claims
    from iamspec.symbolic.questions import Status
    from iamspec.symbolic.replay import SoundnessError

    options = _options(args)
    reader = project_reader()
    claims = _loaded(reader, lambda: load_claims(args.claims, read=reader))
    _say_filled("prove", reader)
    results: list[tuple[str, ClaimResult]] = []
    try:
        for claim in claims:
            results.append((claim.name, claim.prove(options)))
    except SoundnessError as err:
        return _internal(err)
    if args.format == "json":
        json.dump({"claims": [_claim_json(n, r) for n, r in results]}, sys.stdout, indent=2)
        print()
    else:
        names = _project_names()
        for name, result in results:
            print(f"{name}\n{result.report()}")
            if result.counterexample is not None:
                print("  as a scenario:")
                for line in result.counterexample.to_gherkin(**names).splitlines():
                    print(f"    {line}")
            print()
    statuses = {r.status for _, r in results}
    summary = ", ".join(
        f"{sum(r.status is s for _, r in results)} {s.value}" for s in Status if s in statuses
    )
    print(f"iamspec prove: {len(results)} claims: {summary}", file=sys.stderr)
    if Status.REFUTED in statuses:
        return EXIT_FAILS
    if statuses - {Status.PROVEN}:
        return EXIT_UNKNOWN
    return EXIT_HOLDS


def _project_names() -> dict[str, str]:
    """The project's policy folder and ARN settings (``[tool.iamspec]`` of
    ./pyproject.toml), so a printed scenario names policies and resources as the steps do;
    none when the folder is not an iamspec project."""
    from pathlib import Path

    from iamspec.errors import IamSpecError
    from iamspec.project.settings import load_settings

    try:
        settings = load_settings(Path.cwd())
    except IamSpecError:
        return {}
    return {
        "policy_dir": str(settings.policy_dir),
        "partition": settings.partition,
        "region": settings.region,
        "account": settings.account_id,
    }


def _claim_json(name: str, result: ClaimResult) -> dict[str, Any]:
    counterexample = result.counterexample
    return {
        "name": name,
        "claim": result.claim,
        "status": result.status.value,
        "seconds": round(result.seconds, 3),
        "vacuous": result.vacuous,
        "counterexample": None if counterexample is None else counterexample.request.to_json(),
        "decisions": {}
        if counterexample is None
        else {label: found.decision.value for label, found in counterexample.outcomes},
        "explanation": result.explanation,
        "unsupported": [str(u) for u in result.unsupported],
    }


# -- diff -------------------------------------------------------------------------------------


def run_diff(args: argparse.Namespace) -> int:
    """Diff two policy files; exit 0 when NEW allows nothing OLD does not."""
    from iamspec.symbolic.diff import diff_policies
    from iamspec.symbolic.policies import load_policy_set
    from iamspec.symbolic.questions import Status
    from iamspec.symbolic.replay import SoundnessError
    from iamspec.symbolic.scope import Scope

    options = _options(args)
    reader = project_reader()
    old = _loaded(reader, lambda: load_policy_set([args.old], read=reader))
    new = _loaded(reader, lambda: load_policy_set([args.new], read=reader))
    _say_filled("diff", reader)
    scope = Scope(actions=tuple(args.action) or ("*",))
    try:
        result = diff_policies(old, new, scope, options=options, max_requests=args.max_requests)
    except SoundnessError as err:
        return _internal(err)
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, indent=2)
        print()
    else:
        print(_diff_text(result, args.old, args.new))
    status = result.status
    if status is Status.REFUTED:
        return EXIT_FAILS
    if status is Status.PROVEN:
        return EXIT_HOLDS
    return EXIT_UNKNOWN


def _changes_text(changes: Changes, heading: str, nothing: str) -> list[str]:
    from iamspec.symbolic.questions import Status

    lines = []
    if not changes.changes:
        unknown = changes.status in (Status.UNKNOWN, Status.CANNOT_PROVE)
        lines.append(f"{heading}: {'not decided' if unknown else nothing}")
    else:
        lines.append(f"{heading}: {len(changes.changes)} request(s)")
    for number, change in enumerate(changes.changes, 1):
        request = change.request
        lines.append(f"  {number}. {request.action} on {request.resource}")
        lines.extend(f"       with {entry}" for entry in request.context)
        if change.granted_by:
            lines.append(f"     allowed by {', '.join(change.granted_by)}")
    if not changes.complete:
        lines.append("  (the list may be incomplete)")
    lines.extend(f"  note: {note}" for note in changes.notes)
    return lines


def _diff_text(result: DiffResult, old: str, new: str) -> str:
    scope = ", ".join(result.actions)
    lines = [f"iamspec diff {old} -> {new} (actions: {scope}, {result.seconds:.2f} s)"]
    lines += _changes_text(result.new_access, "New access (NEW allows, OLD does not)", "none")
    lines += _changes_text(
        result.removed_access, "Access removed (OLD allows, NEW does not)", "none"
    )
    if result.unsupported:
        lines.append("Constructs without an exact encoding:")
        lines.extend(f"  {u}" for u in result.unsupported)
    return "\n".join(lines)
