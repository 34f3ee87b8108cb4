"""Expected decisions: the words Then-steps use, the checks, and the failure messages.

The words are plain language a contact-centre admin reads, plus AWS's own spellings:

=====================  ==========================================================
``allowed``            EvalDecision ``allowed``
``denied``             either kind of deny (``implicitDeny`` or ``explicitDeny``)
``implicitly denied``  ``implicitDeny``: no statement allows it (or a boundary caps it)
``explicitly denied``  ``explicitDeny``: a Deny statement applies
=====================  ==========================================================

``implicitDeny`` and ``explicitDeny`` are accepted as written. Anything else is an
:class:`UnknownDecisionError`, never a silent mismatch.

A failed check raises :class:`ScenarioFailure` whose message has, for every request that
disagreed: expected vs actual decision, the request as sent (principal, action, resource ARN,
ContextEntries, and what the builder left out and why), and the explanation — the engine's
trace for the local backend; the API response and the local trace for moto and live.

Drift fails too: under moto or live with ``--compare-local``, a request whose answer differs
from the local evaluator's fails its check even when the answer is the expected one ("DRIFT"
in the message), because then one of the two is wrong — unless the scenario declares a known
difference with its reason (``Given a known difference from AWS for "<action>": "<reason>"``);
the expected decision is always checked against the backend's own answer.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from enum import Enum

from iamspec.catalog import Catalog
from iamspec.engine.evaluator import Decision
from iamspec.harness.declarations import Caller
from iamspec.harness.errors import ScenarioFailure, ScenarioInputError, UnknownDecisionError
from iamspec.harness.outcome import CallResult, Outcome
from iamspec.harness.requests import Call, Expansion
from iamspec.harness.world import World
from iamspec.suggest import close_matches, did_you_mean

__all__ = [
    "Expected",
    "check_results",
    "expect",
    "expect_expansion",
    "expect_table",
    "parse_decision",
    "render_failure",
    "render_lint_warnings",
    "with_lint_warnings",
]


class Expected(Enum):
    """What a Then-step expects; :meth:`accepts` says whether a decision satisfies it."""

    ALLOWED = "allowed"
    DENIED = "denied"
    IMPLICITLY_DENIED = "implicitly denied"
    EXPLICITLY_DENIED = "explicitly denied"

    def accepts(self, decision: Decision) -> bool:
        if self is Expected.DENIED:
            return decision is not Decision.ALLOWED
        return decision is _EXACT[self]


_EXACT = {
    Expected.ALLOWED: Decision.ALLOWED,
    Expected.IMPLICITLY_DENIED: Decision.IMPLICIT_DENY,
    Expected.EXPLICITLY_DENIED: Decision.EXPLICIT_DENY,
}
_WORDS = {e.value: e for e in Expected} | {
    Decision.IMPLICIT_DENY.value.lower(): Expected.IMPLICITLY_DENIED,
    Decision.EXPLICIT_DENY.value.lower(): Expected.EXPLICITLY_DENIED,
}
_PLAIN = {
    Decision.ALLOWED: "allowed",
    Decision.IMPLICIT_DENY: "implicitly denied",
    Decision.EXPLICIT_DENY: "explicitly denied",
}


def parse_decision(word: str) -> Expected:
    """The expectation a word names (case and inner spacing do not matter).

    Raises UnknownDecisionError, with suggestions, for any other word.
    """
    normal = " ".join(word.split()).lower()
    found = _WORDS.get(normal)
    if found is None:
        choices = [e.value for e in Expected]
        close = close_matches(normal, _WORDS, limit=2)
        raise UnknownDecisionError(word, choices, [_WORDS[c].value for c in close])
    return found


def plain(decision: Decision) -> str:
    """``implicitly denied (implicitDeny)``: the plain word and AWS's value."""
    word = _PLAIN[decision]
    return word if word == decision.value else f"{word} ({decision.value})"


# --------------------------------------------------------------------------------------------
# Rendering


def _indent(text: str, prefix: str = "    ") -> str:
    return textwrap.indent(text, prefix)


def render_failure(result: CallResult, expected: str) -> str:
    """The message for one call whose decision is not ``expected``."""
    call = result.call
    caller = call.caller
    lines = []
    if result.drift and result.known_difference is None:
        lines.append(
            f"DRIFT: {result.backend} and the local evaluator decide differently; "
            "a difference between backends fails the scenario whatever was expected "
            '(unless the scenario declares it: Given a known difference from AWS for "<action>": '
            '"<reason>")'
        )
    elif result.drift:
        lines.append(f"known difference from the local evaluator: {result.known_difference}")
    lines += [
        f"expected: {expected}",
        f"actual:   {plain(result.decision)}  (answered by {result.backend})",
        f'request:  "{caller.name}" ({caller.arn}) calls {call.action} on {call.target}',
    ]
    if call.request_tags:
        lines.append(
            "          with request tags " + ", ".join(f"{k}={v}" for k, v in call.request_tags)
        )
    for part in result.parts:
        answer = part.answer
        lines.append(f"  resource {part.request.resource}: {plain(answer.decision)}")
        lines.append("  ContextEntries sent:")
        lines.extend(f"    {entry}" for entry in part.request.context)
        if not part.request.context:
            lines.append("    (none)")
        for note in part.request.notes:
            lines.append(f"  left out: {note}")
        lines.append("  why:")
        lines.append(_indent(answer.explanation))
        if answer.reference is not None:
            drift = "  DRIFT: " if answer.drift else "  "
            lines.append(f"{drift}the local evaluator says {plain(answer.reference.decision)}:")
            lines.append(_indent(answer.reference.explanation))
    return "\n".join(lines)


def render_lint_warnings(results: Sequence[CallResult]) -> str:
    """The linter's warnings on the policies that decided ``results`` ("" when none).

    A warning does not stop a scenario (errors do, when the policy loads), but a failing
    decision is often explained by one — a condition key the action never carries, say — so
    the failure message shows them next to the decision.
    """
    files = dict.fromkeys(f for r in results for f in r.call.caller.policy_files())
    findings = [str(w) for f in files for w in f.lint_warnings]
    if not findings:
        return ""
    return "policy linter warnings (iamspec lint) on the policies that decided this:\n" + (
        "\n".join(f"  {w}" for w in findings)
    )


RULE = "\n" + "-" * 78 + "\n"
"""What separates the blocks of a failure message."""


def with_lint_warnings(message: str, results: Sequence[CallResult]) -> str:
    """``message`` followed by :func:`render_lint_warnings` for ``results``, when there are any."""
    warnings = render_lint_warnings(results)
    return message + RULE + warnings if warnings else message


def _fail(
    failures: Sequence[tuple[CallResult, str]], total: int, where: Sequence[str | None] = ()
) -> ScenarioFailure:
    """The failure for ``failures`` (of ``total`` requests); ``where`` names, per failure, the
    table row it comes from (a block then starts with the row's file, line and cells)."""
    places = list(where) or [None] * len(failures)
    blocks = [
        (f"{place}\n" if place else "") + render_failure(result, expected)
        for (result, expected), place in zip(failures, places, strict=True)
    ]
    head = (
        "the decision differs from the specification"
        if total == 1
        else f"{len(failures)} of {total} requests differ from the specification"
    )
    message = head + "\n" + RULE.join(blocks)
    return ScenarioFailure(with_lint_warnings(message, [result for result, _ in failures]))


def check_results(
    results: Sequence[CallResult], expected: Expected
) -> list[tuple[CallResult, str]]:
    """Mark each result; a result fails on a wrong decision or on drift (moto/live vs local),
    unless the scenario declared the drift a known difference."""
    failures: list[tuple[CallResult, str]] = []
    for result in results:
        result.expected = expected.value
        drift = result.drift and result.known_difference is None
        result.passed = expected.accepts(result.decision) and not drift
        if not result.passed:
            failures.append((result, expected.value))
    return failures


# --------------------------------------------------------------------------------------------
# The checks the Then-steps make


def expect(outcome: Outcome, word: str, *, every: bool = False) -> None:
    """Assert the When-step's request (or, with ``every``, each of its requests) is ``word``.

    Raises UnknownDecisionError for an unknown word, ScenarioInputError when a single decision
    is asked of several requests, and ScenarioFailure when a decision differs.
    """
    __tracebackhide__ = True
    expected = parse_decision(word)
    if not every and len(outcome.results) != 1:
        actions = ", ".join(r.call.action for r in outcome.results)
        raise ScenarioInputError(
            f"the When-step made {len(outcome.results)} requests ({actions}); "
            f"say: Then every request is {expected.value}"
        )
    failures = check_results(outcome.results, expected)
    if failures:
        raise _fail(failures, len(outcome.results))


_COLUMNS = ("action", "resource", "decision", "request tags", "context")


def _row_place(world: World, index: int, row: Sequence[str]) -> str:
    """``features/x.feature:15: | connect:DeleteUser | Connect user jdoe | denied |``."""
    cells = "| " + " | ".join(c.strip() for c in row) + " |"
    if index < len(world.table_rows):
        return f"{world.table_rows[index]}: {cells}"
    return f"table row {index}: {cells}"


def _row_calls(world: World, caller: Caller, cells: Mapping[str, str]) -> tuple[Call, ...]:
    """The calls one decision-table row asks (its action on its resource, tags, context)."""
    action = cells["action"].strip()
    targets = world.phrases.table_resources(cells.get("resource", ""))
    wildcard = "*" in action or "?" in action
    return world.builder.build(
        caller,
        action,
        resources=world.resources_of(targets.items) if targets is not None else (),
        any_resource=targets is not None and targets.any_resource,
        request_tags=world.phrases.tags(cells.get("request tags", "")),
        context=world.phrases.context(cells.get("context", "")),
        expansion=Expansion.APPLICABLE if wildcard else Expansion.SINGLE,
    )


def expect_table(world: World, principal: str, table: Sequence[Sequence[str]]) -> None:
    """Ask every row of ``| action | resource | decision |`` and check every answer.

    Optional columns: ``request tags`` (``Key=Value, ...``) and ``context`` (stated context
    keys, ``aws:SourceIp=203.0.113.7, ...``); cells take ``{{placeholders}}``. A resource cell
    is read by :func:`~iamspec.harness.phrases.table_resources`. A wildcard action checks
    every action it matches that applies to the row's resource. All rows are asked (in as
    few Simulate* calls as the batching allows) and every differing row is reported with its
    feature file, line and cells; an error in a row (an unknown decision word, action or
    resource) names that row the same way.
    """
    __tracebackhide__ = True
    if not table:
        raise ScenarioInputError("the decision table is empty")
    header = [" ".join(c.split()).lower() for c in table[0]]
    for column in header:
        if column not in _COLUMNS:
            error = ScenarioInputError(
                f"unknown column {column!r} in the decision table; columns are "
                + ", ".join(_COLUMNS)
                + did_you_mean(close_matches(column, _COLUMNS, limit=1))
            )
            error.add_note(_row_place(world, 0, table[0]))
            raise error
    for column in ("action", "decision"):
        if column not in header:
            error = ScenarioInputError(f"the decision table needs a {column!r} column")
            error.add_note(_row_place(world, 0, table[0]))
            raise error
    rows: list[tuple[Expected, tuple[Call, ...], str]] = []
    caller = world.caller(principal)
    for index, row in enumerate(table[1:], 1):
        place = _row_place(world, index, row)
        try:
            cells = dict(zip(header, row, strict=True))
            expected = parse_decision(cells["decision"])
            calls = _row_calls(world, caller, cells)
        except Exception as error:
            error.add_note(place)
            raise
        rows.append((expected, calls, place))
    outcome = world.answer([c for _, calls, _ in rows for c in calls])
    results = iter(outcome.results)
    failures: list[tuple[CallResult, str]] = []
    where: list[str | None] = []
    for expected, calls, place in rows:
        failed = check_results([next(results) for _ in calls], expected)
        failures += failed
        where += [place] * len(failed)
    if failures:
        raise _fail(failures, len(outcome.results), where)


def expect_expansion(catalog: Catalog, pattern: str, table: Sequence[Sequence[str]]) -> None:
    """Assert ``pattern`` expands (catalog) to exactly the actions listed in the table.

    The table has one column (an ``action`` header row is optional). Every listed action must
    exist (a typo raises the catalog's UnknownActionError with suggestions).
    """
    __tracebackhide__ = True
    listed = [row[0].strip() for row in table if row and row[0].strip()]
    if listed and listed[0].lower() == "action":
        listed = listed[1:]
    expected = {catalog.action(name).full_name for name in listed}
    actual = {info.full_name for info in catalog.expand(pattern)}
    if expected != actual:
        missing = sorted(actual - expected)
        extra = sorted(expected - actual)
        lines = [f"{pattern!r} expands to {len(actual)} actions, the table lists {len(expected)}"]
        if missing:
            lines.append("expanded but not listed: " + ", ".join(missing))
        if extra:
            lines.append("listed but not matched: " + ", ".join(extra))
        lines.append("the expansion: " + ", ".join(sorted(actual)))
        raise ScenarioFailure("\n".join(lines))
