"""Building the feature views: a run's scenario records turned into what the pages show.

:class:`FeatureBuilder` groups a feature's scenarios by outline, turns each call into a
:class:`~iamspec.livingdoc.calls.CallView` with the statements that decided its requests
(:func:`~iamspec.livingdoc.deciding.resolve`, the permissions boundary's too), and records every
statement hit on the way for policy coverage (:mod:`~iamspec.livingdoc.coverage`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from iamspec.livingdoc.calls import CallView, RequestView, StatementLink
from iamspec.livingdoc.coverage import Hit, ScenarioLink
from iamspec.livingdoc.deciding import (
    Aliases,
    StatementRef,
    caller_policies,
    resolve,
    resolve_boundary,
)
from iamspec.livingdoc.decisive_tags import TagReadings
from iamspec.livingdoc.features import FeatureView
from iamspec.livingdoc.labels import (
    decision_label,
    expected_words,
    paragraphs,
    status_label,
    tags_text,
)
from iamspec.livingdoc.matrix import build_matrix
from iamspec.livingdoc.not_run import build_not_run
from iamspec.livingdoc.policies import PolicyLibrary, PolicyView
from iamspec.livingdoc.scenarios import ScenarioGroup, ScenarioView
from iamspec.policy.parser import PolicyKind
from iamspec.records.results import (
    CallRecord,
    DeselectedScenarioRecord,
    PrincipalRecord,
    RunRecord,
    ScenarioRecord,
)

__all__ = ["FeatureBuilder"]


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
class FeatureBuilder:
    """Builds the feature views of one run, collecting every statement hit for coverage.

    ``hits`` and ``unrecorded`` grow with each feature built; :meth:`preload` loads every
    policy text the run evaluated into ``library`` first.
    """

    run: RunRecord
    library: PolicyLibrary
    hits: list[Hit] = field(default_factory=list)
    unrecorded: set[str] = field(default_factory=set)
    """Boundary policies with a request that did not record which boundary statements
    applied: their statements without hits are not measured."""
    readings: TagReadings | None = None
    """The tags each statement reads (made from ``library`` on first use)."""

    def tag_readings(self) -> TagReadings:
        if self.readings is None:
            self.readings = TagReadings(self.library)
        return self.readings

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
        """Load every policy the scenarios name, and every text of a file that changed."""
        for scenario in self.run.scenarios:
            for display, kind in self.displays(scenario).items():
                self.library.get(display, kind)
        for record in self.run.policies:  # every text of a file that changed during the run
            variants = self.library.variants(record.path)
            if len(variants) > 1:
                for display in variants:
                    self.library.get(display, _policy_kind(record.kind))

    def resourcetags_text(self, scenario: ScenarioRecord, arns: Sequence[str]) -> str:
        by_arn = {r.arn: r for r in scenario.resources}
        parts = []
        for arn in dict.fromkeys(arns):
            resource = by_arn.get(arn)
            if resource is None:
                continue
            tags = tags_text(resource.tags) or "no tags"
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
        identity, boundary = caller_policies(caller, groups, aliases)
        policies = [*identity, *([boundary] if boundary is not None else [])]
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
                    resource_tags=self.resourcetags_text(scenario, [request.resource]),
                    decisive=self.tag_readings().decisive(
                        request.decision, request.action, list(refs), policies
                    ),
                )
            )
        return CallView(
            record=call,
            decision=decision_label(call.decision),
            expected=expected_words(call.expected),
            mismatch=call.passed is False,
            requests=tuple(requests),
            resource_tags=self.resourcetags_text(scenario, [r.resource for r in call.requests]),
            request_tags=tags_text(call.request_tags),
            caller_tags=tags_text(caller.tags) if caller is not None else "",
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

    def feature(
        self,
        records: Sequence[ScenarioRecord],
        slug: str,
        deselected: Sequence[DeselectedScenarioRecord] = (),
    ) -> FeatureView:
        """The view of one feature file's scenarios: ``records`` ran, ``deselected`` did not
        (at least one of them is not empty)."""
        first = records[0] if records else deselected[0]
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
            paragraphs=paragraphs(first.feature_description),
            groups=tuple(groups),
            policies=policies,
            decided={ref: tuple(links) for ref, links in decided.items()},
            matrix=build_matrix(scenarios),
            not_run=build_not_run(deselected),
        )
