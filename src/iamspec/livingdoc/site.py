"""The site's view model: a RunRecord turned into the features, policies and pages shown.

:func:`build_site` is the one entry point. It loads every policy the scenarios used
(:class:`~iamspec.livingdoc.policies.PolicyLibrary`), builds the feature views with the
statements that decided each request (:mod:`~iamspec.livingdoc.feature_builder`), computes
policy coverage (:mod:`~iamspec.livingdoc.coverage`), lints the published examples
(:mod:`~iamspec.livingdoc.errata`) and, for a ``--compare-local`` run, lists where the
backends disagreed (:mod:`~iamspec.livingdoc.drift`). The templates only lay out what is
here: they compute nothing and never see raw records.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from iamspec.catalog import Catalog, default_catalog
from iamspec.errors import CatalogError, IamSpecError
from iamspec.livingdoc.access import Access, build_access
from iamspec.livingdoc.coverage import Coverage, compute_coverage
from iamspec.livingdoc.drift import DriftView, build_drift
from iamspec.livingdoc.errata import Errata, collect_errata
from iamspec.livingdoc.feature_builder import FeatureBuilder
from iamspec.livingdoc.features import FeatureView
from iamspec.livingdoc.guarantees import Guarantee, GuaranteeSource, RecordedGuarantees
from iamspec.livingdoc.labels import format_date
from iamspec.livingdoc.not_run import (
    NotRunScenario,
    UncollectedFeature,
    reason_counts,
    uncollected_features,
)
from iamspec.livingdoc.policies import PolicyLibrary, PolicyView, RecordedText, slugify
from iamspec.livingdoc.scenarios import ScenarioView
from iamspec.livingdoc.search import KINDS, SearchEntry, build_search
from iamspec.project.settings import load_settings
from iamspec.records.results import DeselectedScenarioRecord, RunRecord, ScenarioRecord

__all__ = ["RunMeta", "Site", "build_site"]


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
    uncollected: tuple[UncollectedFeature, ...] = ()
    access: Access = field(default_factory=lambda: Access((), (), ()))
    """Who may do what: the answers by principal, action and resource kind."""
    guarantee_counts: tuple[tuple[str, int], ...] = ()
    """(state, claims) of the run's universal claims (none: the run stated no claim)."""

    @property
    def guarantees(self) -> tuple[Guarantee, ...]:
        """Every feature's claims, in feature order."""
        return tuple(g for f in self.features for g in f.guarantees)

    @property
    def scenarios(self) -> tuple[ScenarioView, ...]:
        """The scenarios that ran (what the counts count)."""
        return tuple(s for f in self.features for s in f.scenarios)

    @functools.cached_property
    def search(self) -> tuple[SearchEntry, ...]:
        """The search page's entries (built when first asked: only the HTML site has one)."""
        return build_search(self.features, self.access, self.policies)

    @property
    def search_kinds(self) -> tuple[tuple[str, int], ...]:
        """(kind, entries) of the search page, for each kind it has."""
        counts = {kind: 0 for kind in KINDS}
        for entry in self.search:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        return tuple((kind, n) for kind, n in counts.items() if n)

    @property
    def not_run(self) -> tuple[NotRunScenario, ...]:
        """The scenarios the run deselected: part of the specification, not run."""
        return tuple(s for f in self.features for s in f.not_run_rows)

    @property
    def not_run_reasons(self) -> tuple[tuple[str, int], ...]:
        """(why, scenarios) of the deselected scenarios, most frequent first."""
        return reason_counts(self.not_run)

    def count(self, status: str) -> int:
        return sum(1 for s in self.scenarios if s.record.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed") + self.count("error")

    @property
    def drift(self) -> int:
        """Requests where the backend and the local evaluator disagreed (the drift page's
        disagreements); 0 without ``--compare-local``, where nothing was compared."""
        return len(self.drift_view.disagreements) if self.drift_view is not None else 0


def _settings_values(root: Path, run: RunRecord) -> tuple[Mapping[str, str] | None, Path]:
    """The placeholder values the run filled policies with, and the policy folder."""
    try:
        settings = load_settings(root)
    except IamSpecError:
        return None, root / "policies"
    with contextlib.suppress(IamSpecError):  # keep the project's values if the run's are odd
        settings = dataclasses.replace(
            settings, account_id=run.account_id, region=run.region, partition=run.partition
        )
    return settings.placeholder_values(), settings.policy_dir


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


def _canonical_names(catalog: Catalog) -> Callable[[str], str]:
    """An action as the IAM reference spells it (as written when it does not know it)."""

    def canonical(action: str) -> str:
        try:
            info = catalog.find_action(action)
        except CatalogError:
            return action
        return info.full_name if info is not None else action

    return canonical


def build_site(
    run: RunRecord,
    *,
    root: Path,
    catalog: Catalog | None = None,
    texts: Mapping[str, str] | None = None,
    errata: Errata | None = None,
    generated_at: str | None = None,
    guarantees: GuaranteeSource | None = None,
) -> Site:
    """The view model of ``run``.

    ``root`` is the project root the results file's paths are relative to. Policies are shown
    as the run recorded them (``run.policies``; ``texts`` adds path -> text), each compared
    with the file under ``root`` so that a change since the run is said, never shown instead;
    older results files without texts are read from ``root`` (``[tool.iamspec]`` of its
    pyproject.toml gives the placeholder values and the policy folder). ``catalog`` expands
    wildcards for coverage (default: the installed IAM data). ``errata`` replaces linting the
    published examples. ``guarantees`` gives the principal and action pages their proven
    claims (:mod:`~iamspec.livingdoc.guarantees`; without it they have none).
    """
    catalog = catalog if catalog is not None else default_catalog()
    values, policy_dir = _settings_values(root, run)
    recorded: dict[str, list[RecordedText]] = {}
    for policy in run.policies:
        recorded.setdefault(policy.path, []).append(RecordedText(policy.text, policy.sha256))
    library = PolicyLibrary(
        root,
        values,
        dict(texts or {}),
        recorded,
        evaluated_on=format_date(run.started_at),
        folder=policy_dir,
    )
    builder = FeatureBuilder(run, library)
    builder.preload()
    by_file: dict[str, list[ScenarioRecord]] = {}
    for record in run.scenarios:
        by_file.setdefault(record.feature_file, []).append(record)
    not_run: dict[str, list[DeselectedScenarioRecord]] = {}
    for skipped in run.deselected:
        not_run.setdefault(skipped.feature_file, []).append(skipped)
    slugs: set[str] = set()
    claims = RecordedGuarantees(run)
    features = tuple(
        dataclasses.replace(
            builder.feature(
                by_file.get(name, []), _feature_slug(name, slugs), not_run.get(name, [])
            ),
            guarantees=claims.for_feature(name),
        )
        for name in sorted(by_file.keys() | not_run.keys())
    )
    if guarantees is None:
        guarantees = claims
    uncollected = uncollected_features(root, by_file.keys() | not_run.keys())
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
    drift = build_drift(run, features) if run.compare_local else None
    access = build_access(features, library, _canonical_names(catalog), guarantees)
    return Site(
        meta,
        features,
        policies,
        coverage,
        errata,
        format_date(stamp),
        drift,
        uncollected,
        access,
        claims.counts(),
    )
