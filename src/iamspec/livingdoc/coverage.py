"""Policy coverage: which statements decided a scenario, and which grants no scenario shows.

For every statement of every policy the run's scenarios loaded:

- its *hits*: the scenario requests it decided (an Allow that allowed, a Deny that denied;
  an implicit deny is decided by no statement). A statement without hits is flagged: no
  scenario shows what it does, so deleting or breaking it would go unnoticed;
- for an Allow statement with ``Action``, the actions it *grants* — each pattern expanded
  through the IAM service reference (:meth:`iamspec.catalog.Catalog.expand`) — and of those
  the *untested grants*: actions that no scenario request saw this statement allow.

Patterns that span services (``*``, ``*:Get*``) and ``NotAction`` statements grant too much to
list; they are noted, not expanded. A pattern that matches no IAM action is noted as such
(it grants nothing — usually a typo the linter also reports).

The run's score is statements with hits over all *measured* statements, in percent
(``--policy-coverage-fail-under``).

Permissions boundaries: the simulator's MatchedStatements never name a boundary's statements
(it reports the boundary only as ``PermissionsBoundaryDecisionDetail``), so the harness records
which of them applied to each request (``boundary_statements``, from the local evaluator). A
boundary Allow never decides alone; its hits are the allowed requests it applied to (it let
them through), and one without any *let no allowed request through*: dead weight, or a
mistake. A boundary Deny's hits are the explicitly denied requests it applied to. Where a run
did not record them (moto or live without ``--compare-local``, older results files), the
boundary's statements without hits are *not measured* (``unrecorded_boundaries``): no answer
is not evidence that they did nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from iamspec.catalog import Catalog
from iamspec.errors import CatalogError
from iamspec.livingdoc.deciding import StatementRef
from iamspec.livingdoc.policies import PolicyView, StatementView

__all__ = [
    "Coverage",
    "GrantPattern",
    "Hit",
    "PolicyCoverage",
    "ScenarioLink",
    "StatementCoverage",
    "compute_coverage",
]


@dataclass(frozen=True)
class ScenarioLink:
    """Where a scenario is shown: its feature page and anchor, and its title."""

    feature: str
    page: str
    anchor: str
    title: str


@dataclass(frozen=True)
class Hit:
    """A statement decided a request of a scenario."""

    ref: StatementRef
    action: str
    decision: str
    scenario: ScenarioLink


@dataclass(frozen=True)
class GrantPattern:
    """One Action pattern of an Allow statement and the actions it expands to.

    ``actions`` is None when the pattern was not expanded (``note`` says why).
    """

    pattern: str
    actions: tuple[str, ...] | None
    note: str | None = None


@dataclass(frozen=True)
class StatementCoverage:
    """One statement's hits, grants and untested grants (``untested`` is empty for a Deny).

    ``recorded`` is False for a boundary statement when some request asked under its
    boundary did not record which boundary statements applied (see the module docstring).
    """

    policy: PolicyView
    statement: StatementView
    hits: tuple[Hit, ...]
    patterns: tuple[GrantPattern, ...] = ()
    granted: tuple[str, ...] = ()
    untested: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    recorded: bool = True

    @property
    def exercised(self) -> bool:
        """True when the statement decided (a boundary Allow: let through) a request."""
        return bool(self.hits)

    @property
    def measured(self) -> bool:
        """False for a statement without hits where the run could not have seen any."""
        return bool(self.hits) or self.recorded

    @property
    def caps(self) -> bool:
        """A permissions boundary's Allow: it lets requests through, never decides alone."""
        return self.policy.kind == "boundary" and self.statement.effect == "Allow"

    @property
    def idle_words(self) -> str:
        """What a measured statement without hits failed to do, in the pages' words."""
        return "let no allowed request through" if self.caps else "decided nothing"

    @property
    def scenarios(self) -> tuple[ScenarioLink, ...]:
        """The scenarios it decided, each once, in run order."""
        return tuple(dict.fromkeys(hit.scenario for hit in self.hits))

    @property
    def label(self) -> str:
        return f"{self.policy.display} {self.statement.label}"


@dataclass(frozen=True)
class PolicyCoverage:
    """The coverage of one policy's statements."""

    policy: PolicyView
    statements: tuple[StatementCoverage, ...]

    @property
    def total(self) -> int:
        """Measured statements."""
        return sum(1 for s in self.statements if s.measured)

    @property
    def exercised(self) -> int:
        return sum(1 for s in self.statements if s.exercised)

    @property
    def unmeasured(self) -> int:
        return sum(1 for s in self.statements if not s.measured)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.exercised / self.total if self.total else None

    @property
    def untested_grants(self) -> int:
        return sum(len(s.untested) for s in self.statements)

    def statement_classes(self) -> dict[str, str]:
        """CSS class per statement anchor: ``decided``, or ``idle`` for one that decided nothing."""
        return {
            s.statement.anchor: "decided" if s.exercised else "idle" if s.measured else "plain"
            for s in self.statements
        }


@dataclass(frozen=True)
class Coverage:
    """The run's policy coverage; ``unloaded`` lists policy files no scenario loaded."""

    policies: tuple[PolicyCoverage, ...]
    unloaded: tuple[str, ...] = ()
    data_version: str | None = None
    _by_ref: dict[StatementRef, StatementCoverage] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for pc in self.policies:
            for sc in pc.statements:
                self._by_ref[StatementRef(pc.policy.display, sc.statement.index)] = sc

    @property
    def total(self) -> int:
        return sum(p.total for p in self.policies)

    @property
    def exercised(self) -> int:
        return sum(p.exercised for p in self.policies)

    @property
    def percent(self) -> float | None:
        """Statements with hits over all statements, in percent; None with no statements."""
        return 100.0 * self.exercised / self.total if self.total else None

    @property
    def untested_grants(self) -> int:
        return sum(p.untested_grants for p in self.policies)

    @property
    def unmeasured(self) -> int:
        return sum(p.unmeasured for p in self.policies)

    @property
    def idle(self) -> tuple[StatementCoverage, ...]:
        """Measured statements that decided nothing."""
        return tuple(
            s for p in self.policies for s in p.statements if s.measured and not s.exercised
        )

    def statement(self, ref: StatementRef) -> StatementCoverage | None:
        return self._by_ref.get(ref)

    def below(self, threshold: float) -> bool:
        """True when the score is under ``threshold`` percent (no statements: always)."""
        percent = self.percent
        return percent is None or percent < threshold

    def summary_lines(self, limit: int = 10) -> list[str]:
        """The terminal summary: the score, idle statements, untested grants, and policy files
        that changed since the run (the site shows them as evaluated)."""
        if not self.total:
            return ["policy coverage: no scenario loaded a policy with statements"]
        lines = [
            f"policy coverage: {self.exercised} of {self.total} statements "
            f"({format_percent(self.percent)}) decided at least one scenario request"
        ]
        idle = self.idle
        if idle:
            lines.append(f"statements that decided nothing ({len(idle)}):")
            lines.extend(
                f"  {s.label}" + (f" (boundary Allow: {s.idle_words})" if s.caps else "")
                for s in idle[:limit]
            )
            if len(idle) > limit:
                lines.append(f"  ... and {len(idle) - limit} more")
        untested = [s for p in self.policies for s in p.statements if s.untested]
        if untested:
            lines.append(
                f"untested grants: {self.untested_grants} actions granted by "
                f"{len(untested)} Allow statements were never allowed in a scenario:"
            )
            for s in untested[:limit]:
                shown = ", ".join(s.untested[:4]) + (", ..." if len(s.untested) > 4 else "")
                lines.append(f"  {s.label}: {len(s.untested)} ({shown})")
            if len(untested) > limit:
                lines.append(f"  ... and {len(untested) - limit} more statements")
        if self.unmeasured:
            lines.append(
                f"not measured: {self.unmeasured} permissions-boundary statements (the run did "
                "not record which boundary statements applied: moto or live without "
                "--compare-local, or an older results file)"
            )
        if self.unloaded:
            lines.append(f"policy files no scenario loads ({len(self.unloaded)}):")
            lines.extend(f"  {path}" for path in self.unloaded[:limit])
            if len(self.unloaded) > limit:
                lines.append(f"  ... and {len(self.unloaded) - limit} more")
        changed = [p.policy for p in self.policies if p.policy.changed]
        if changed:
            lines.append(
                f"policy files changed since the run ({len(changed)}; shown as evaluated):"
            )
            lines.extend(f"  {v.display}" for v in changed[:limit])
            if len(changed) > limit:
                lines.append(f"  ... and {len(changed) - limit} more")
        several = sorted({p.policy.path for p in self.policies if p.policy.others})
        if several:
            lines.append(
                f"policy files the run evaluated in more than one text ({len(several)}; "
                "each shown): " + ", ".join(several)
            )
        return lines


def format_percent(value: float | None) -> str:
    """``87.5%``; ``100%``; ``n/a`` for None."""
    if value is None:
        return "n/a"
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}%"


def _expand(pattern: str, catalog: Catalog) -> GrantPattern:
    service = pattern.split(":", 1)[0] if ":" in pattern else pattern
    if "*" in service or "?" in service:
        return GrantPattern(pattern, None, "spans every service: not expanded")
    try:
        actions = tuple(info.full_name for info in catalog.expand(pattern))
    except CatalogError as err:
        return GrantPattern(pattern, (), f"grants nothing: {err}")
    if not actions:
        return GrantPattern(pattern, (), "matches no IAM action: grants nothing")
    return GrantPattern(pattern, actions)


def _canonical(action: str, catalog: Catalog) -> str:
    try:
        info = catalog.find_action(action)
    except CatalogError:
        info = None
    return (info.full_name if info is not None else action).lower()


def _statement_coverage(
    policy: PolicyView,
    st: StatementView,
    hits: tuple[Hit, ...],
    catalog: Catalog,
    recorded: bool = True,
) -> StatementCoverage:
    if st.effect != "Allow":
        return StatementCoverage(policy, st, hits, recorded=recorded)
    if policy.kind == "boundary":
        note = (
            "permissions boundary: its Allow grants nothing, it caps what identity policies "
            "grant; exercised when it let an allowed request through"
        )
        return StatementCoverage(policy, st, hits, notes=(note,), recorded=recorded)
    if st.not_action:
        note = "NotAction: grants every action except those listed; not expanded"
        return StatementCoverage(policy, st, hits, notes=(note,))
    patterns = tuple(_expand(p, catalog) for p in st.action_patterns)
    granted = tuple(dict.fromkeys(a for p in patterns for a in (p.actions or ())))
    exercised = {_canonical(h.action, catalog) for h in hits}
    untested = tuple(a for a in granted if a.lower() not in exercised)
    notes = tuple(f"{p.pattern}: {p.note}" for p in patterns if p.note)
    return StatementCoverage(policy, st, hits, patterns, granted, untested, notes)


def compute_coverage(
    policies: Sequence[PolicyView],
    hits: Iterable[Hit],
    catalog: Catalog,
    unloaded: Sequence[str] = (),
    unrecorded_boundaries: Collection[str] = (),
) -> Coverage:
    """Coverage of ``policies``' statements by ``hits`` (see the module docstring).

    ``unrecorded_boundaries`` names the boundary policies (displays) with a request that did
    not record which boundary statements applied; their statements without hits are not
    measured.
    """
    by_ref: dict[StatementRef, list[Hit]] = {}
    for hit in hits:
        by_ref.setdefault(hit.ref, []).append(hit)
    result = []
    for policy in policies:
        recorded = not (policy.kind == "boundary" and policy.display in unrecorded_boundaries)
        statements = tuple(
            _statement_coverage(
                policy,
                st,
                tuple(by_ref.get(StatementRef(policy.display, st.index), ())),
                catalog,
                recorded,
            )
            for st in policy.statements
        )
        result.append(PolicyCoverage(policy, statements))
    return Coverage(tuple(result), tuple(unloaded), catalog.data_version)
