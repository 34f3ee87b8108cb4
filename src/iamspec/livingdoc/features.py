"""The view of one feature: its narrative, scenarios, policies and access matrix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from iamspec.livingdoc.coverage import ScenarioLink
from iamspec.livingdoc.deciding import StatementRef
from iamspec.livingdoc.guarantees import Guarantee
from iamspec.livingdoc.labels import Label, status_label
from iamspec.livingdoc.matrix import Matrix
from iamspec.livingdoc.not_run import NotRunGroup, NotRunScenario, reason_counts
from iamspec.livingdoc.policies import PolicyView
from iamspec.livingdoc.scenarios import ScenarioGroup, ScenarioView

__all__ = ["FeatureView"]


@dataclass(frozen=True)
class FeatureView:
    """One feature: narrative, scenarios, policies with the statements that decided here.

    ``groups`` are the scenarios that ran; ``not_run`` those the run deselected (shown with
    their steps and why, never counted as passed: a feature is ``passed`` only when every
    scenario of it ran and passed).
    """

    name: str
    slug: str
    file: str
    paragraphs: tuple[str, ...]
    groups: tuple[ScenarioGroup, ...]
    policies: tuple[PolicyView, ...]
    decided: Mapping[StatementRef, tuple[ScenarioLink, ...]]
    matrix: Matrix
    not_run: tuple[NotRunGroup, ...] = ()
    guarantees: tuple[Guarantee, ...] = ()
    """The universal claims its scenarios state, with the prover's answers."""

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
    def guarantees_proven(self) -> int:
        """Its claims proven (vacuous ones included)."""
        return sum(1 for g in self.guarantees if g.holds)

    @property
    def not_run_rows(self) -> tuple[NotRunScenario, ...]:
        """Its deselected scenarios (one per Examples row)."""
        return tuple(row for group in self.not_run for row in group.rows)

    @property
    def not_run_reasons(self) -> tuple[tuple[str, int], ...]:
        """(why, scenarios) of its deselected scenarios, most frequent first."""
        return reason_counts(self.not_run_rows)

    @property
    def status(self) -> Label:
        if self.failed:
            return status_label("failed")
        if self.not_run and not self.scenarios:
            return status_label("not run")
        if self.skipped and not self.passed:
            return status_label("skipped")
        if self.not_run:
            return status_label("partly run")
        return status_label("passed")

    def decided_by(self, policy: PolicyView, index: int) -> tuple[ScenarioLink, ...]:
        return self.decided.get(StatementRef(policy.display, index), ())

    def statement_classes(self, policy: PolicyView) -> dict[str, str]:
        """CSS class per statement anchor: ``decided`` (a scenario here) or ``plain``."""
        return {
            st.anchor: "decided" if self.decided_by(policy, st.index) else "plain"
            for st in policy.statements
        }
