"""The views of scenarios: one run of a scenario, an outline's rows, a large scenario's summary.

A scenario that sends more than :data:`LARGE_SCENARIO_REQUESTS` requests (a Then-step over every
action of whole services) is shown compactly: its allowed, failed and drifted calls in full,
the rest as counts per answer and service with the action names (:attr:`ScenarioView.rest`),
and it fills the access matrix only with the calls shown in full
(:attr:`iamspec.livingdoc.matrix.Matrix.omitted`). Only what is shown changes: every request
still counts towards coverage and drift.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from iamspec.livingdoc.calls import CallView, StatementLink
from iamspec.livingdoc.labels import Label, plural, status_label
from iamspec.records.results import ScenarioRecord

__all__ = [
    "LARGE_SCENARIO_REQUESTS",
    "RestGroup",
    "RestTarget",
    "ScenarioGroup",
    "ScenarioView",
]


LARGE_SCENARIO_REQUESTS = 50
"""Above this many requests a scenario is shown compactly (see :attr:`ScenarioView.compact`).

Hand-written scenarios send a few requests each: one per Examples row, a dozen or so for a
``gets these decisions:`` table or a ``calls each action matching`` step (the most today: 14),
and every one of them is worth a row, a matrix cell and an explanation. A step over every action
of whole services at some access levels, or a table row with ``connect:*``, sends hundreds
(``features/iamspec_nightly_role.feature``: 209, 434 and 691), nearly all denied exactly as
specified; shown like the others they made a 3.5 MB page whose few informative rows nobody
could find. 50 leaves room for hand-written tables to grow and still compacts every sweep.
Requests rather than calls are counted because each request gets its own explanation, the bulk
of a page.
"""


@dataclass(frozen=True)
class RestTarget:
    """The summarised actions one principal asked for on one target (resources and tags)."""

    principal: str
    target: str
    resource_tags: str
    request_tags: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class RestGroup:
    """Calls of a large scenario summarised together: same answer, expectation, outcome and
    deciding statements; counted per service, their actions listed per principal and target."""

    decision: Label
    expected: str
    checked: bool
    deciding: tuple[StatementLink, ...]
    unresolved: tuple[str, ...]
    calls: tuple[CallView, ...]
    unit: str = "request"

    @property
    def count(self) -> int:
        """Calls (rows of a call table) in the group."""
        return len(self.calls)

    @property
    def size(self) -> str:
        """``812 requests`` (``812 calls`` in a scenario whose calls span several resources)."""
        return plural(self.count, self.unit)

    @property
    def more(self) -> str:
        """``812 more requests``: the size after the calls shown one by one."""
        return plural(self.count, f"more {self.unit}")

    @property
    def implicit(self) -> bool:
        """Implicitly denied: no statement decided, none allows them."""
        return self.calls[0].record.decision == "implicitDeny"

    @property
    def outcome(self) -> str:
        """How the answers compare with the specification: ``Expected: denied (either kind),
        as specified`` or ``Not checked``."""
        if not self.checked:
            return "Not checked"
        return f"Expected: {self.expected}, as specified"

    @property
    def services(self) -> tuple[tuple[str, int], ...]:
        """Calls per service prefix, in the order the scenario asked."""
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.service] = counts.get(call.service, 0) + 1
        return tuple(counts.items())

    @property
    def targets(self) -> tuple[RestTarget, ...]:
        """The actions asked, per principal and target, in the order the scenario asked."""
        by: dict[tuple[str, str, str, str], list[str]] = {}
        for call in self.calls:
            key = (call.record.principal, call.record.target, call.resource_tags, call.request_tags)
            by.setdefault(key, []).append(call.record.action)
        return tuple(RestTarget(*key, tuple(actions)) for key, actions in by.items())


@dataclass(frozen=True)
class ScenarioView:
    """One scenario run (one Examples row of an outline)."""

    record: ScenarioRecord
    anchor: str
    title: str
    status: Label
    calls: tuple[CallView, ...]

    @property
    def link(self) -> str:
        return f"#{self.anchor}"

    @property
    def failed(self) -> bool:
        return self.record.status in ("failed", "error")

    @property
    def requests(self) -> int:
        """Requests sent (one per call and resource)."""
        return sum(len(c.requests) for c in self.calls)

    @property
    def unit(self) -> str:
        """What a large scenario's counts count: ``request`` when every call sent one request
        (a row is a request), else ``call``."""
        return "request" if self.requests == len(self.calls) else "call"

    @property
    def size(self) -> str:
        """``912 requests``, or ``40 calls (912 requests)``."""
        if self.unit == "request":
            return plural(self.requests, "request")
        return f"{plural(len(self.calls), 'call')} ({plural(self.requests, 'request')})"

    @property
    def compact(self) -> bool:
        """More than :data:`LARGE_SCENARIO_REQUESTS` requests: only the interesting calls are
        shown in full (:attr:`shown`), the others summarised (:attr:`rest`)."""
        return self.requests > LARGE_SCENARIO_REQUESTS

    @functools.cached_property
    def shown(self) -> tuple[CallView, ...]:
        """The calls shown in full: all of them, or the interesting ones of a large scenario."""
        if not self.compact:
            return self.calls
        return tuple(c for c in self.calls if c.interesting)

    @functools.cached_property
    def rest(self) -> tuple[RestGroup, ...]:
        """The calls of a large scenario not shown in full, grouped by answer (empty for a
        small scenario). With :attr:`shown` they are exactly :attr:`calls`."""
        if not self.compact:
            return ()
        groups: dict[tuple[object, ...], list[CallView]] = {}
        for call in self.calls:
            if call.interesting:
                continue
            key = (call.decision, call.expected, call.record.passed, call.deciding, call.unresolved)
            groups.setdefault(key, []).append(call)
        return tuple(
            RestGroup(
                decision=calls[0].decision,
                expected=calls[0].expected,
                checked=calls[0].record.passed is True,
                deciding=calls[0].deciding,
                unresolved=calls[0].unresolved,
                calls=tuple(calls),
                unit=self.unit,
            )
            for calls in groups.values()
        )

    @property
    def summarised(self) -> int:
        """Calls summarised in :attr:`rest`."""
        return sum(g.count for g in self.rest)

    @property
    def explained(self) -> tuple[CallView, ...]:
        """The calls whose requests get an explanation: all of them, or in a large scenario only
        those not as specified or drifted, the ones a reader has to act on. An allowed call of a
        large scenario is shown in full in the call table, with the statement that allowed it,
        but without the trace."""
        if not self.compact:
            return self.calls
        return tuple(c for c in self.calls if c.mismatch or c.drift)

    @property
    def rest_answers(self) -> str:
        """The answers of the calls summarised: ``all implicitly denied``, or counts per answer
        (``9 explicitly denied, 400 implicitly denied``)."""
        counts: dict[str, int] = {}
        for group in self.rest:
            counts[group.decision.word] = counts.get(group.decision.word, 0) + group.count
        if len(counts) == 1:
            return f"all {next(iter(counts))}"
        return ", ".join(f"{n} {word}" for word, n in counts.items())

    @property
    def matrix_note(self) -> str:
        """What of a large scenario the access matrix leaves out, e.g. ``sends 912 requests:
        only the 3 allowed, not as specified or drifted are in the matrix; the other 909 (all
        implicitly denied) are left out``."""
        shown, rest, unit = len(self.shown), self.summarised, self.unit
        if not shown:
            return (
                f"sends {self.size}, none allowed, not as specified or drifted; "
                f"left out of the matrix ({self.rest_answers})"
            )
        text = (
            f"sends {self.size}: only the {plural(shown, unit)} allowed, not as specified or "
            f"drifted {'is' if shown == 1 else 'are'} in the matrix"
        )
        if rest:
            text += (
                f"; the other {rest} ({self.rest_answers}) {'is' if rest == 1 else 'are'} left out"
            )
        return text

    @property
    def compact_lead(self) -> str:
        """What a large scenario's call table shows and leaves out, with counts that add up."""
        total, shown, rest = len(self.calls), len(self.shown), self.summarised
        unit = self.unit
        head = f"This scenario sends {self.size}, more than {LARGE_SCENARIO_REQUESTS}"
        if not shown:
            every = "it is" if total == 1 else f"all {total} are"
            return (
                f"{head}. None is allowed, not as specified or drifted, so {every} "
                f"summarised below: counted by answer and service, with their actions listed."
            )
        failed = sum(1 for c in self.shown if c.mismatch)
        drifted = sum(1 for c in self.shown if c.drift and not c.mismatch)
        allowed = shown - failed - drifted
        kinds = ", ".join(
            f"{n} {word}"
            for n, word in (
                (failed, "not as specified"),
                (drifted, "drifted"),
                (allowed, "allowed"),
            )
            if n
        )
        text = (
            f"{head}, so only the {plural(shown, unit)} allowed, not as specified or drifted "
            f"{'is' if shown == 1 else 'are'} shown one by one ({kinds})"
        )
        if rest:
            text += (
                f"; the other {rest} are summarised below the table: counted by answer and "
                f"service, with their actions listed"
            )
        if failed or drifted:
            text += "; explanations follow for those not as specified or drifted"
        return text + "."


@dataclass(frozen=True)
class ScenarioGroup:
    """A Scenario, or a Scenario Outline with one row per Examples row."""

    title: str
    line: int
    anchor: str
    outline: bool
    columns: tuple[str, ...]
    rows: tuple[ScenarioView, ...]

    @property
    def tabular(self) -> bool:
        """Shown as a table of runs: an outline, or a scenario that ran more than once."""
        return self.outline or len(self.rows) > 1

    @property
    def known_differences(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """Each declared known-difference reason with the numbers of the rows declaring it.

        A table of runs folds each row's steps away, so the reasons are shown above it too.
        """
        reasons: dict[str, list[int]] = {}
        for number, row in enumerate(self.rows, 1):
            if row.record.known_difference is not None:
                reasons.setdefault(row.record.known_difference, []).append(number)
        return tuple((reason, tuple(numbers)) for reason, numbers in reasons.items())

    @property
    def status(self) -> Label:
        statuses = {row.record.status for row in self.rows}
        for worst in ("error", "failed", "skipped"):
            if worst in statuses:
                return status_label(worst)
        return status_label("passed")
