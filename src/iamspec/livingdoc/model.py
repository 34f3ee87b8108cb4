"""The site's view model: a RunRecord turned into the features, policies and tables shown.

:func:`build_site` is the one entry point. It loads every policy the scenarios used
(:class:`~iamspec.livingdoc.policies.PolicyLibrary`), places the statements that decided each
request (:func:`~iamspec.livingdoc.deciding.resolve`), computes policy coverage
(:mod:`~iamspec.livingdoc.coverage`), lints the published examples
(:mod:`~iamspec.livingdoc.errata`), groups scenarios by feature, outline and call, and for a
``--compare-local`` run lists where the answerers disagreed (:mod:`~iamspec.livingdoc.drift`).
The templates only lay out what is here: they compute nothing and never see raw records.

Decisions and statuses always carry a word and a symbol besides their colour
(:class:`Label`), so the site reads in print and for colour-blind readers.

A scenario that sends more than :data:`LARGE_SCENARIO_REQUESTS` requests (a Then-step over every
action of whole services) is shown compactly: its allowed, failed and drifted calls in full,
the rest as counts per answer and service with the action names (:attr:`ScenarioView.rest`),
and it fills the access matrix only with the calls shown in full (:attr:`Matrix.omitted`).
Only what is shown changes: every request still counts towards coverage and drift.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from iamspec.catalog import Catalog, default_catalog
from iamspec.errors import IamSpecError
from iamspec.livingdoc.coverage import Coverage, Hit, ScenarioLink, compute_coverage
from iamspec.livingdoc.deciding import (
    Aliases,
    StatementRef,
    caller_policies,
    resolve,
    resolve_boundary,
)
from iamspec.livingdoc.errata import Errata, collect_errata
from iamspec.livingdoc.policies import PolicyLibrary, PolicyView, RecordedText, slugify
from iamspec.policy.parser import PolicyKind
from iamspec.records.results import (
    CallRecord,
    PrincipalRecord,
    RequestRecord,
    RunRecord,
    ScenarioRecord,
)

if TYPE_CHECKING:
    from iamspec.livingdoc.drift import DriftView

__all__ = [
    "LARGE_SCENARIO_REQUESTS",
    "CallView",
    "FeatureView",
    "Label",
    "Matrix",
    "RestGroup",
    "RestTarget",
    "RunMeta",
    "ScenarioGroup",
    "ScenarioView",
    "Site",
    "StatementLink",
    "build_site",
    "decision_label",
    "format_date",
    "status_label",
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


# --------------------------------------------------------------------------------------------
# labels


@dataclass(frozen=True)
class Label:
    """How a decision or status is shown: CSS class, symbol and words (never colour alone)."""

    css: str
    symbol: str
    word: str
    title: str = ""

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.word}"


_DECISIONS = {
    "allowed": Label("allowed", "\u2713", "allowed", "allowed"),
    "implicitDeny": Label("implicit", "\u2717", "implicitly denied", "implicitDeny"),
    "explicitDeny": Label("explicit", "\u2298", "explicitly denied", "explicitDeny"),
}
_EXPECTED = {
    "allowed": "allowed",
    "denied": "denied (either kind)",
    "implicitly denied": "implicitly denied",
    "explicitly denied": "explicitly denied",
}
_STATUSES = {
    "passed": Label("passed", "\u2713", "passed"),
    "failed": Label("failed", "\u2717", "failed"),
    "error": Label("error", "\u26a0", "error"),
    "skipped": Label("skipped", "\u2013", "skipped"),
    "not run": Label("notrun", "\u2013", "not run"),
}


def decision_label(decision: str) -> Label:
    """The label of an EvalDecision value (unknown values are shown as written)."""
    return _DECISIONS.get(decision, Label("unknown", "?", decision, decision))


def status_label(status: str) -> Label:
    """The label of a scenario or step status."""
    return _STATUSES.get(status, Label("unknown", "?", status))


def expected_words(expected: str | None) -> str:
    """What a Then-step expected, in words ("not checked" for None)."""
    return "not checked" if expected is None else _EXPECTED.get(expected, expected)


# --------------------------------------------------------------------------------------------
# views


@dataclass(frozen=True)
class StatementLink:
    """A link to a statement: on the feature page (``anchor``) and its policy's page."""

    policy: str
    page: str
    anchor: str
    number: int
    sid: str | None
    effect: str

    @property
    def label(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.policy} statement {self.number}{sid}"


@dataclass(frozen=True)
class RequestView:
    """One (action, resource) request as sent, with its answer."""

    record: RequestRecord
    decision: Label
    deciding: tuple[StatementLink, ...]
    unresolved: tuple[str, ...]
    resource_tags: str

    @property
    def local_decision(self) -> Label | None:
        local = self.record.local_decision
        return decision_label(local) if local is not None else None


@dataclass(frozen=True)
class CallView:
    """One action a step asked about: who, on what, expected and actual decision, why."""

    record: CallRecord
    decision: Label
    expected: str
    mismatch: bool
    requests: tuple[RequestView, ...]
    resource_tags: str
    request_tags: str

    @property
    def deciding(self) -> tuple[StatementLink, ...]:
        return tuple(dict.fromkeys(link for r in self.requests for link in r.deciding))

    @property
    def unresolved(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for r in self.requests for u in r.unresolved))

    @property
    def drift(self) -> bool:
        return any(r.record.drift for r in self.requests)

    @property
    def allowed(self) -> bool:
        """Some request of the call was allowed (the call's decision is the most restrictive)."""
        return any(r.record.decision == "allowed" for r in self.requests)

    @property
    def interesting(self) -> bool:
        """Shown in full even in a large scenario: not as specified, drifted, or allowed (a
        grant, the rare answer of a sweep that checks everything is denied)."""
        return self.mismatch or self.drift or self.allowed

    @property
    def service(self) -> str:
        """The service prefix of the action (``connect`` of ``connect:DescribeUser``)."""
        return self.record.action.partition(":")[0]


def plural(count: int, noun: str) -> str:
    """``1 request``, ``2 requests``: a count with its noun (regular English plurals)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


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


@dataclass(frozen=True)
class MatrixColumn:
    """Who asks, on what: a principal and the resources (with their tags) of a call."""

    principal: str
    target: str
    resource_tags: str
    request_tags: str


@dataclass(frozen=True)
class MatrixCell:
    """The distinct outcomes for one (action, column): decision, expectation, scenario."""

    decision: Label
    expected: str
    mismatch: bool
    scenario: str


@dataclass(frozen=True)
class Matrix:
    """Access matrix of a feature: rows are actions, columns who-on-what.

    A large scenario (:attr:`ScenarioView.compact`) puts only the calls it shows in full
    (allowed, not as specified, drifted) in the matrix; ``omitted`` lists such scenarios, and
    the page says under the matrix how many of their requests are left out and links to their
    summary. Their hundreds of other actions would each add a row reading "implicitly denied"
    and push the hand-written scenarios' rows, the ones the matrix is for, out of sight; the
    scenario's summary already lists them, counted per service. Collapsing them into the matrix
    instead (one folded row per service) would still mix a sweep's verdict into a table of
    individual decisions and need a second reading rule, for no information the summary lacks.
    """

    columns: tuple[MatrixColumn, ...]
    rows: tuple[tuple[str, tuple[tuple[MatrixCell, ...], ...]], ...]
    omitted: tuple[ScenarioView, ...] = ()

    @property
    def empty(self) -> bool:
        """No row (a feature whose large scenarios were all left out is empty too)."""
        return not self.rows


@dataclass(frozen=True)
class FeatureView:
    """One feature: narrative, scenarios, policies with the statements that decided here."""

    name: str
    slug: str
    file: str
    paragraphs: tuple[str, ...]
    groups: tuple[ScenarioGroup, ...]
    policies: tuple[PolicyView, ...]
    decided: Mapping[StatementRef, tuple[ScenarioLink, ...]]
    matrix: Matrix

    @property
    def page(self) -> str:
        return f"feature-{self.slug}"

    @property
    def scenarios(self) -> tuple[ScenarioView, ...]:
        return tuple(row for group in self.groups for row in group.rows)

    def count(self, status: str) -> int:
        return sum(1 for s in self.scenarios if s.record.status == status)

    @property
    def passed(self) -> int:
        return self.count("passed")

    @property
    def failed(self) -> int:
        return self.count("failed") + self.count("error")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def status(self) -> Label:
        if self.failed:
            return status_label("failed")
        if self.skipped and not self.passed:
            return status_label("skipped")
        return status_label("passed")

    def decided_by(self, policy: PolicyView, index: int) -> tuple[ScenarioLink, ...]:
        return self.decided.get(StatementRef(policy.display, index), ())

    def statement_classes(self, policy: PolicyView) -> dict[str, str]:
        """CSS class per statement anchor: ``decided`` (a scenario here) or ``plain``."""
        return {
            st.anchor: "decided" if self.decided_by(policy, st.index) else "plain"
            for st in policy.statements
        }


_BACKENDS = {
    "local": "local: iamspec's own evaluator, offline",
    "moto": "moto: boto3 calls to moto's IAM, answered by iamspec's evaluator",
    "live": "live: AWS IAM's policy simulator",
}


@dataclass(frozen=True)
class RunMeta:
    """What produced the run: backend, account, date, versions."""

    record: RunRecord
    backend_label: str
    date: str
    catalog_version: str

    @property
    def live(self) -> bool:
        return self.record.backend == "live"


@dataclass(frozen=True)
class Site:
    """Everything the templates render.

    ``drift_view`` is the drift page's model, only for a run that asked the local evaluator
    too (``--compare-local``); without it there is no drift page and nothing links to one.
    """

    meta: RunMeta
    features: tuple[FeatureView, ...]
    policies: tuple[PolicyView, ...]
    coverage: Coverage
    errata: Errata
    generated_at: str
    drift_view: DriftView | None = None

    @property
    def scenarios(self) -> tuple[ScenarioView, ...]:
        return tuple(s for f in self.features for s in f.scenarios)

    def count(self, status: str) -> int:
        return sum(1 for s in self.scenarios if s.record.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed") + self.count("error")

    @property
    def drift(self) -> int:
        """Requests where the answerer and the local evaluator disagreed (the drift page's
        disagreements); 0 without ``--compare-local``, where nothing was compared."""
        return len(self.drift_view.disagreements) if self.drift_view is not None else 0


# --------------------------------------------------------------------------------------------
# building


def format_date(text: str | None) -> str:
    if not text:
        return "unknown"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    zone = moment.tzname() or ""
    zone = "UTC" if zone in ("UTC", "UTC+00:00") else zone
    return moment.strftime("%Y-%m-%d %H:%M") + (f" {zone}" if zone else "")


def _paragraphs(text: str) -> tuple[str, ...]:
    out: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return tuple(out)


def _tags(tags: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in tags.items())


def _settings_values(root: Path, run: RunRecord) -> tuple[Mapping[str, str] | None, Path]:
    """The placeholder values the run filled policies with, and the policy folder."""
    from iamspec.project.settings import load_settings

    try:
        settings = load_settings(root)
    except IamSpecError:
        return None, root / "policies"
    with contextlib.suppress(IamSpecError):  # keep the project's values if the run's are odd
        settings = dataclasses.replace(
            settings, account_id=run.account_id, region=run.region, partition=run.partition
        )
    return settings.placeholder_values(), settings.policy_dir


def _policy_kind(text: str) -> PolicyKind:
    """The kind a results file names (an unknown one is read as an identity policy)."""
    try:
        return PolicyKind(text)
    except ValueError:
        return PolicyKind.IDENTITY


_BOUNDARY_DECIDES = {"Allow": "allowed", "Deny": "explicitDeny"}
"""A boundary statement that applied counts for coverage where the request got this decision:
an Allow let an allowed request through; a Deny denied it explicitly."""


@dataclass
class _Builder:
    run: RunRecord
    library: PolicyLibrary
    hits: list[Hit] = field(default_factory=list)
    unrecorded: set[str] = field(default_factory=set)
    """Boundary policies with a request that did not record which boundary statements
    applied: their statements without hits are not measured."""

    def link(self, view: PolicyView, index: int) -> StatementLink | None:
        st = view.statement(index)
        if st is None:
            return None
        return StatementLink(view.display, view.page, st.anchor, st.number, st.sid, st.effect)

    def effect(self, ref: StatementRef) -> str:
        """The Effect of the statement ``ref`` names ("" when there is no such statement)."""
        view = self.library.find(ref.policy)
        st = view.statement(ref.index) if view is not None else None
        return st.effect if st is not None else ""

    def aliases(self, scenario: ScenarioRecord) -> Aliases:
        """Where the run evaluated several texts of a file: (path, kind) -> the view of the
        text this scenario evaluated (empty in the usual case, one text per file)."""
        found: dict[tuple[str, str], str] = {}
        for ref in scenario.evaluated_policies:
            key = self.library.key_for(ref.path, ref.sha256)
            if key != ref.path:
                found[(ref.path, ref.kind)] = key
        return found

    def displays(self, scenario: ScenarioRecord) -> dict[str, PolicyKind]:
        """The views of the scenario's policies (identity, then boundaries), with their kind."""
        aliases = self.aliases(scenario)
        found: dict[str, PolicyKind] = {}
        for principal in scenario.principals:
            for path in principal.policies:
                found.setdefault(aliases.get((path, "identity"), path), PolicyKind.IDENTITY)
            if principal.boundary:
                display = aliases.get((principal.boundary, "boundary"), principal.boundary)
                found.setdefault(display, PolicyKind.BOUNDARY)
        return found

    def preload(self) -> None:
        for scenario in self.run.scenarios:
            for display, kind in self.displays(scenario).items():
                self.library.get(display, kind)
        for record in self.run.policies:  # every text of a file that changed during the run
            variants = self.library.variants(record.path)
            if len(variants) > 1:
                for display in variants:
                    self.library.get(display, _policy_kind(record.kind))

    def resource_tags(self, scenario: ScenarioRecord, arns: Sequence[str]) -> str:
        by_arn = {r.arn: r for r in scenario.resources}
        parts = []
        for arn in dict.fromkeys(arns):
            resource = by_arn.get(arn)
            if resource is None:
                continue
            tags = _tags(resource.tags) or "no tags"
            parts.append(f"{resource.name}: {tags}")
        return "; ".join(parts)

    def call(
        self,
        scenario: ScenarioRecord,
        call: CallRecord,
        principals: Mapping[str, PrincipalRecord],
        groups: Mapping[str, PrincipalRecord],
        where: ScenarioLink,
        aliases: Aliases,
    ) -> CallView:
        caller = principals.get(call.principal)
        boundary = caller_policies(caller, groups, aliases)[1]
        requests = []
        for request in call.requests:
            found = resolve(request, caller, groups, self.library, aliases)
            refs = dict.fromkeys(found.refs)
            shown = dict.fromkeys(found.refs)
            unresolved = found.unresolved
            if boundary is not None:
                applied = resolve_boundary(request, caller, groups, self.library, aliases)
                if applied is None:
                    self.unrecorded.add(boundary)
                else:
                    unresolved += applied.unresolved
                    for ref in applied.refs:
                        effect = self.effect(ref)
                        if _BOUNDARY_DECIDES.get(effect) == request.decision:
                            refs.setdefault(ref)
                            if effect == "Deny":  # it decided the explicit deny: show it
                                shown.setdefault(ref)
            links = []
            for ref in refs:
                view = self.library.find(ref.policy)
                link = self.link(view, ref.index) if view is not None else None
                if link is not None:
                    if ref in shown:
                        links.append(link)
                    self.hits.append(Hit(ref, request.action, request.decision, where))
            requests.append(
                RequestView(
                    record=request,
                    decision=decision_label(request.decision),
                    deciding=tuple(links),
                    unresolved=tuple(dict.fromkeys(unresolved)),
                    resource_tags=self.resource_tags(scenario, [request.resource]),
                )
            )
        return CallView(
            record=call,
            decision=decision_label(call.decision),
            expected=expected_words(call.expected),
            mismatch=call.passed is False,
            requests=tuple(requests),
            resource_tags=self.resource_tags(scenario, [r.resource for r in call.requests]),
            request_tags=_tags(call.request_tags),
        )

    def scenario(self, record: ScenarioRecord, anchor: str, page: str) -> ScenarioView:
        title = record.scenario
        if record.example:
            title += " [" + ", ".join(record.example.values()) + "]"
        where = ScenarioLink(record.feature, page, anchor, title)
        principals = {p.name: p for p in record.principals}
        groups = {p.name: p for p in record.principals if p.kind == "group"}
        aliases = self.aliases(record)
        calls = tuple(
            self.call(record, c, principals, groups, where, aliases) for c in record.calls
        )
        return ScenarioView(record, anchor, title, status_label(record.status), calls)

    def feature(self, records: Sequence[ScenarioRecord], slug: str) -> FeatureView:
        first = records[0]
        page = f"feature-{slug}"
        by_group: dict[tuple[int, str], list[ScenarioRecord]] = {}
        for record in records:
            by_group.setdefault((record.line, record.scenario), []).append(record)
        groups = []
        start = len(self.hits)
        for (line, title), rows in sorted(by_group.items(), key=lambda item: item[0]):
            outline = any(r.example for r in rows)
            anchor = f"sc-{line}"
            tabular = outline or len(rows) > 1
            views = tuple(
                self.scenario(r, f"{anchor}-{n}" if tabular else anchor, page)
                for n, r in enumerate(rows, 1)
            )
            columns = tuple(dict.fromkeys(k for r in rows for k in r.example))
            groups.append(ScenarioGroup(title, line, anchor, outline, columns, views))
        decided: dict[StatementRef, list[ScenarioLink]] = {}
        for hit in self.hits[start:]:
            links = decided.setdefault(hit.ref, [])
            if hit.scenario not in links:
                links.append(hit.scenario)
        displays: dict[str, None] = {}
        for record in records:
            displays.update(dict.fromkeys(self.displays(record)))
        policies = tuple(v for d in displays if (v := self.library.find(d)) is not None)
        scenarios = [row for group in groups for row in group.rows]
        return FeatureView(
            name=first.feature,
            slug=slug,
            file=first.feature_file,
            paragraphs=_paragraphs(first.feature_description),
            groups=tuple(groups),
            policies=policies,
            decided={ref: tuple(links) for ref, links in decided.items()},
            matrix=_matrix(scenarios),
        )


def _matrix(scenarios: Sequence[ScenarioView]) -> Matrix:
    columns: dict[MatrixColumn, None] = {}
    cells: dict[tuple[str, MatrixColumn], list[MatrixCell]] = {}
    actions: dict[str, None] = {}
    omitted: list[ScenarioView] = []
    for scenario in scenarios:
        if scenario.compact:
            omitted.append(scenario)
        for call in scenario.shown:
            record = call.record
            column = MatrixColumn(
                record.principal, record.target, call.resource_tags, call.request_tags
            )
            columns.setdefault(column, None)
            actions.setdefault(record.action, None)
            cell = MatrixCell(call.decision, call.expected, call.mismatch, scenario.link)
            found = cells.setdefault((record.action, column), [])
            if not any(
                (c.decision, c.expected, c.mismatch)
                == (cell.decision, cell.expected, cell.mismatch)
                for c in found
            ):
                found.append(cell)
    ordered = tuple(columns)
    rows = tuple(
        (action, tuple(tuple(cells.get((action, column), ())) for column in ordered))
        for action in actions
    )
    return Matrix(ordered, rows, tuple(omitted))


def _feature_slug(feature_file: str, taken: set[str]) -> str:
    base = slugify(feature_file.removeprefix("features/").removesuffix(".feature"))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _unloaded(policy_dir: Path, root: Path, loaded: set[str]) -> tuple[str, ...]:
    if not policy_dir.is_dir():
        return ()
    found = []
    for path in sorted(policy_dir.rglob("*.json")):
        relative = path.relative_to(policy_dir)
        if relative.parts and relative.parts[0] == "published":
            continue
        try:
            display = path.relative_to(root).as_posix()
        except ValueError:
            display = path.as_posix()
        if display not in loaded:
            found.append(display)
    return tuple(found)


def build_site(
    run: RunRecord,
    *,
    root: Path,
    catalog: Catalog | None = None,
    texts: Mapping[str, str] | None = None,
    errata: Errata | None = None,
    generated_at: str | None = None,
) -> Site:
    """The view model of ``run``.

    ``root`` is the project root the results file's paths are relative to. Policies are shown
    as the run recorded them (``run.policies``; ``texts`` adds path -> text), each compared
    with the file under ``root`` so that a change since the run is said, never shown instead;
    older results files without texts are read from ``root`` (``[tool.iamspec]`` of its
    pyproject.toml gives the placeholder values and the policy folder). ``catalog`` expands
    wildcards for coverage (default: the installed IAM data). ``errata`` replaces linting the
    published examples.
    """
    catalog = catalog if catalog is not None else default_catalog()
    values, policy_dir = _settings_values(root, run)
    recorded: dict[str, list[RecordedText]] = {}
    for policy in run.policies:
        recorded.setdefault(policy.path, []).append(RecordedText(policy.text, policy.sha256))
    library = PolicyLibrary(
        root, values, dict(texts or {}), recorded, evaluated_on=format_date(run.started_at)
    )
    builder = _Builder(run, library)
    builder.preload()
    by_file: dict[str, list[ScenarioRecord]] = {}
    for record in run.scenarios:
        by_file.setdefault(record.feature_file, []).append(record)
    slugs: set[str] = set()
    features = tuple(
        builder.feature(by_file[name], _feature_slug(name, slugs)) for name in sorted(by_file)
    )
    policies = tuple(sorted(library.views, key=lambda v: v.display))
    loaded = {v.display for v in policies}
    coverage = compute_coverage(
        policies,
        builder.hits,
        catalog,
        _unloaded(policy_dir, root, loaded),
        unrecorded_boundaries=builder.unrecorded,
    )
    if errata is None:
        errata = collect_errata(
            policy_dir / "published", root, list(values) if values is not None else None
        )
    meta = RunMeta(
        record=run,
        backend_label=_BACKENDS.get(run.backend, run.backend),
        date=format_date(run.started_at),
        catalog_version=catalog.data_version,
    )
    stamp = generated_at if generated_at is not None else run.finished_at or run.started_at
    from iamspec.livingdoc.drift import build_drift  # it builds on this module's views

    drift = build_drift(run, features) if run.compare_local else None
    return Site(meta, features, policies, coverage, errata, format_date(stamp), drift)
