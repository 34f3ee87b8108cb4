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
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from iamspec.catalog import Catalog, default_catalog
from iamspec.errors import IamSpecError
from iamspec.harness.results import (
    CallRecord,
    PrincipalRecord,
    RequestRecord,
    RunRecord,
    ScenarioRecord,
)
from iamspec.livingdoc.coverage import Coverage, Hit, ScenarioLink, compute_coverage
from iamspec.livingdoc.deciding import StatementRef, resolve
from iamspec.livingdoc.errata import Errata, collect_errata
from iamspec.livingdoc.policies import PolicyLibrary, PolicyView, slugify
from iamspec.policy.parser import PolicyKind

if TYPE_CHECKING:
    from iamspec.livingdoc.drift import DriftView

__all__ = [
    "CallView",
    "FeatureView",
    "Label",
    "Matrix",
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
    """Access matrix of a feature: rows are actions, columns who-on-what."""

    columns: tuple[MatrixColumn, ...]
    rows: tuple[tuple[str, tuple[tuple[MatrixCell, ...], ...]], ...]

    @property
    def empty(self) -> bool:
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
    from iamspec.harness.settings import load_settings

    try:
        settings = load_settings(root)
    except IamSpecError:
        return None, root / "policies"
    with contextlib.suppress(IamSpecError):  # keep the project's values if the run's are odd
        settings = dataclasses.replace(
            settings, account_id=run.account_id, region=run.region, partition=run.partition
        )
    return settings.placeholder_values(), settings.policy_dir


@dataclass
class _Builder:
    run: RunRecord
    library: PolicyLibrary
    hits: list[Hit] = field(default_factory=list)

    def link(self, view: PolicyView, index: int) -> StatementLink | None:
        st = view.statement(index)
        if st is None:
            return None
        return StatementLink(view.display, view.page, st.anchor, st.number, st.sid, st.effect)

    def preload(self) -> None:
        for scenario in self.run.scenarios:
            for principal in scenario.principals:
                for display in principal.policies:
                    self.library.get(display, PolicyKind.IDENTITY)
                if principal.boundary:
                    self.library.get(principal.boundary, PolicyKind.BOUNDARY)

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
    ) -> CallView:
        caller = principals.get(call.principal)
        requests = []
        for request in call.requests:
            found = resolve(request, caller, groups, self.library)
            links = []
            for ref in found.refs:
                view = self.library.find(ref.policy)
                link = self.link(view, ref.index) if view is not None else None
                if link is not None:
                    links.append(link)
                    self.hits.append(Hit(ref, request.action, request.decision, where))
            requests.append(
                RequestView(
                    record=request,
                    decision=decision_label(request.decision),
                    deciding=tuple(links),
                    unresolved=found.unresolved,
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
        calls = tuple(self.call(record, c, principals, groups, where) for c in record.calls)
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
            for principal in record.principals:
                displays.update(dict.fromkeys(principal.policies))
                if principal.boundary:
                    displays[principal.boundary] = None
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
    for scenario in scenarios:
        for call in scenario.calls:
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
    return Matrix(ordered, rows)


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

    ``root`` is the project root the results file's paths are relative to (policies are read
    from it unless ``texts`` holds them; ``[tool.iamspec]`` of its pyproject.toml gives the
    placeholder values and the policy folder). ``catalog`` expands wildcards for coverage
    (default: the installed IAM data). ``errata`` replaces linting the published examples.
    """
    catalog = catalog if catalog is not None else default_catalog()
    values, policy_dir = _settings_values(root, run)
    library = PolicyLibrary(root, values, dict(texts or {}))
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
        policies, builder.hits, catalog, _unloaded(policy_dir, root, loaded)
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
