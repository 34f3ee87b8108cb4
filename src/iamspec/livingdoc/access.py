"""Who may do what: the run's answers pivoted by principal, by action and by resource kind.

The feature pages answer "what does this feature specify?"; the people who sign off access
ask "what may ``test-admin`` do, on which agents, under which tags?", "who may call
``connect:UpdateUserRoutingProfile``, on what?", "who may touch campaigns?". Every answered
request of the run becomes an :class:`AccessRow` — who asked (with the caller's tags), for
which action, on which resource (with its tags), the answer, what was expected, the
statements that decided it, the tags that decided it
(:mod:`~iamspec.livingdoc.decisive_tags`) and the scenario it comes from — and the rows are
gathered three ways: per principal (:class:`PrincipalView`, by service then resource kind),
per action (:class:`ActionView`, by resource kind) and per resource kind (:class:`KindView`,
by action).

A principal is a name *in a feature*: two features that both say "test-admin" give it their
own policies, so they are two principals, each on its own page naming its feature. A
principal of a scenario the run deselected (named by its ``Given the IAM user|group|role
"N"`` or ``Given the deployed principal "N"`` step) is listed too, with those scenarios and
why they did not run, and no answers.

A large scenario (:attr:`~iamspec.livingdoc.scenarios.ScenarioView.compact`) contributes
the calls its page shows in full (allowed, not as specified, drifted); the others, denied as
specified, are counted per principal (:class:`SweepNote`) and left on the scenario's page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from iamspec.livingdoc.calls import CallView, RequestView, StatementLink
from iamspec.livingdoc.coverage import ScenarioLink
from iamspec.livingdoc.decisive_tags import CALLER, REQUEST, RESOURCE, TagRead
from iamspec.livingdoc.features import FeatureView
from iamspec.livingdoc.guarantees import Guarantee, GuaranteeSource
from iamspec.livingdoc.labels import Label, plural
from iamspec.livingdoc.policies import PolicyLibrary, slugify
from iamspec.livingdoc.scenarios import ScenarioView
from iamspec.records.results import PrincipalRecord, ResourceRecord, StepRecord

__all__ = [
    "Access",
    "AccessRow",
    "ActionView",
    "KindView",
    "NotRunLink",
    "PrincipalRef",
    "PrincipalView",
    "Section",
    "SweepNote",
    "TagFact",
    "build_access",
    "declared_in_steps",
]

NO_RESOURCE = "no resource type (*)"
"""The resource kind of a request on ``*`` (an action without a resource type)."""
BY_ARN = "resource named by its ARN"
"""The resource kind of a request on an ARN no declared resource has."""

_KIND_WORDS = {"user": "IAM user", "role": "IAM role", "group": "IAM group"}

_DECLARES = re.compile(r'the (IAM user|IAM group|IAM role|deployed principal) "([^"]*)"')
"""A step that declares a principal (the step library's Given vocabulary), at its start."""


@dataclass(frozen=True)
class TagFact:
    """A tag of the caller, resource or request; ``decisive`` when the statements that decided
    the answer read it. ``value`` None: a tag they read that is not set."""

    key: str
    value: str | None
    decisive: bool

    @property
    def text(self) -> str:
        return f"{self.key}={self.value}" if self.value is not None else f"{self.key} not set"


def tag_facts(
    tags: Mapping[str, str], scope: str, decisive: Iterable[TagRead]
) -> tuple[TagFact, ...]:
    """``tags`` with the decisive ones marked, then the decisive keys that are not set."""
    read: dict[str, str] = {}
    every = False
    for where, key in decisive:
        if where == scope:
            if key == "*":
                every = True
            else:
                read.setdefault(key.lower(), key)
    facts = [TagFact(k, v, every or k.lower() in read) for k, v in tags.items()]
    present = {k.lower() for k in tags}
    facts += [TagFact(key, None, True) for low, key in sorted(read.items()) if low not in present]
    return tuple(facts)


@dataclass(frozen=True)
class PrincipalRef:
    """A principal as a name in a feature, and where its page is."""

    name: str
    feature: str
    feature_file: str
    feature_page: str
    page: str


@dataclass(frozen=True)
class AccessRow:
    """One request of the run: who asked what on which resource, the answer and why."""

    principal: PrincipalRef
    action: str
    resource_kind: str
    resource: str
    arn: str
    caller_tags: tuple[TagFact, ...]
    resource_tags: tuple[TagFact, ...]
    request_tags: tuple[TagFact, ...]
    decision: Label
    expected: str
    mismatch: bool
    drift: bool
    deciding: tuple[StatementLink, ...]
    unresolved: tuple[str, ...]
    scenario: ScenarioLink

    @property
    def service(self) -> str:
        return self.action.partition(":")[0]

    @property
    def allowed(self) -> bool:
        return self.decision.css == "allowed"

    @property
    def implicit(self) -> bool:
        return self.decision.title == "implicitDeny"

    @property
    def decisive(self) -> tuple[TagFact, ...]:
        """The tags that decided it (caller's, resource's, request's)."""
        return tuple(
            t for t in (*self.caller_tags, *self.resource_tags, *self.request_tags) if t.decisive
        )


@dataclass(frozen=True)
class Section:
    """Rows under a heading (a service, a resource kind, an action), with sub-sections."""

    title: str
    anchor: str
    rows: tuple[AccessRow, ...] = ()
    sections: tuple[Section, ...] = ()

    @property
    def count(self) -> int:
        return len(self.rows) + sum(s.count for s in self.sections)


@dataclass(frozen=True)
class SweepNote:
    """Requests of a large scenario not listed: denied as specified, shown on its page."""

    scenario: ScenarioLink
    count: int
    answers: str
    unit: str = "request"

    @property
    def words(self) -> str:
        """``909 more requests`` (``calls`` where a call spans several resources)."""
        return plural(self.count, f"more {self.unit}")


@dataclass(frozen=True)
class NotRunLink:
    """A deselected scenario that names a principal."""

    scenario: ScenarioLink
    reason: str


def _counts(rows: Sequence[AccessRow]) -> tuple[int, int, int]:
    allowed = sum(1 for r in rows if r.allowed)
    mismatched = sum(1 for r in rows if r.mismatch)
    return allowed, len(rows) - allowed, mismatched


@dataclass(frozen=True)
class PrincipalView:
    """A principal of a feature, everything it was asked about, and how it was answered.

    ``kinds`` are its kinds in words (``IAM user``; ``deployed IAM role``; ``deployed
    principal`` when only a deselected step names it); ``tag_sets`` its tags as the
    scenarios gave them (an outline may tag it differently per row); ``members`` the users
    of a group.
    """

    ref: PrincipalRef
    slug: str
    kinds: tuple[str, ...]
    arns: tuple[str, ...]
    policies: tuple[tuple[str, str | None], ...]
    boundaries: tuple[tuple[str, str | None], ...]
    groups: tuple[str, ...]
    members: tuple[str, ...]
    tag_sets: tuple[str, ...]
    rows: tuple[AccessRow, ...]
    sweeps: tuple[SweepNote, ...] = ()
    not_run: tuple[NotRunLink, ...] = ()
    guarantees: tuple[Guarantee, ...] = ()
    namesakes: int = 0
    """Principals of the same name in other features (different principals)."""

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def page(self) -> str:
        return self.ref.page

    @property
    def kind(self) -> str:
        return "; ".join(self.kinds)

    @property
    def allowed(self) -> int:
        return _counts(self.rows)[0]

    @property
    def denied(self) -> int:
        return _counts(self.rows)[1]

    @property
    def mismatched(self) -> int:
        return _counts(self.rows)[2]

    @property
    def is_group(self) -> bool:
        return self.kinds == ("IAM group",)

    @property
    def sections(self) -> tuple[Section, ...]:
        """Its rows by service, then resource kind."""
        return _nest(self.rows, "svc", lambda r: r.service, lambda r: r.resource_kind)


@dataclass(frozen=True)
class ActionView:
    """An action: who asked for it, on what, and the answers."""

    action: str
    slug: str
    rows: tuple[AccessRow, ...]
    guarantees: tuple[Guarantee, ...] = ()

    @property
    def page(self) -> str:
        return f"action-{self.slug}"

    @property
    def service(self) -> str:
        return self.action.partition(":")[0]

    @property
    def principals(self) -> tuple[PrincipalRef, ...]:
        return tuple(dict.fromkeys(r.principal for r in self.rows))

    @property
    def allowed_for(self) -> tuple[PrincipalRef, ...]:
        """Principals allowed it at least once."""
        return tuple(dict.fromkeys(r.principal for r in self.rows if r.allowed))

    @property
    def denied_for(self) -> tuple[PrincipalRef, ...]:
        """Principals denied it at least once."""
        return tuple(dict.fromkeys(r.principal for r in self.rows if not r.allowed))

    @property
    def mismatched(self) -> int:
        return _counts(self.rows)[2]

    @property
    def sections(self) -> tuple[Section, ...]:
        """Its rows by resource kind."""
        return _nest(self.rows, "kind", lambda r: r.resource_kind, None)


@dataclass(frozen=True)
class KindView:
    """A resource kind (``Connect user``): every request on one, by action."""

    kind: str
    slug: str
    rows: tuple[AccessRow, ...]

    @property
    def page(self) -> str:
        return f"resource-kind-{self.slug}"

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.action for r in self.rows))

    @property
    def principals(self) -> tuple[PrincipalRef, ...]:
        return tuple(dict.fromkeys(r.principal for r in self.rows))

    @property
    def allowed(self) -> int:
        return _counts(self.rows)[0]

    @property
    def sections(self) -> tuple[Section, ...]:
        """Its rows by action."""
        return _nest(self.rows, "act", lambda r: r.action, None)


def _nest(
    rows: Sequence[AccessRow],
    prefix: str,
    outer: Callable[[AccessRow], str],
    inner: Callable[[AccessRow], str] | None,
) -> tuple[Section, ...]:
    """``rows`` grouped by ``outer`` (then ``inner``), headings sorted, rows in run order."""
    groups: dict[str, list[AccessRow]] = {}
    for row in rows:
        groups.setdefault(outer(row), []).append(row)
    sections = []
    for title in sorted(groups, key=str.lower):
        anchor = f"{prefix}-{slugify(title)}"
        if inner is None:
            sections.append(Section(title, anchor, tuple(groups[title])))
            continue
        subs: dict[str, list[AccessRow]] = {}
        for row in groups[title]:
            subs.setdefault(inner(row), []).append(row)
        sections.append(
            Section(
                title,
                anchor,
                sections=tuple(
                    Section(sub, f"{anchor}-{slugify(sub)}", tuple(subs[sub]))
                    for sub in sorted(subs, key=str.lower)
                ),
            )
        )
    return tuple(sections)


@dataclass(frozen=True)
class Access:
    """The run's answers three ways (see the module docstring)."""

    principals: tuple[PrincipalView, ...]
    actions: tuple[ActionView, ...]
    kinds: tuple[KindView, ...]

    @property
    def rows(self) -> int:
        return sum(len(p.rows) for p in self.principals)

    @property
    def swept(self) -> int:
        """Requests of large scenarios counted, not listed."""
        return sum(n.count for p in self.principals for n in p.sweeps)

    @property
    def services(self) -> tuple[tuple[str, tuple[ActionView, ...]], ...]:
        """The actions by service prefix, sorted."""
        by: dict[str, list[ActionView]] = {}
        for action in self.actions:
            by.setdefault(action.service, []).append(action)
        return tuple((s, tuple(by[s])) for s in sorted(by, key=str.lower))

    @functools.cached_property
    def _action_pages(self) -> dict[str, str]:
        return {view.action: view.page for view in self.actions}

    @functools.cached_property
    def _kind_pages(self) -> dict[str, str]:
        return {view.kind: view.page for view in self.kinds}

    def action(self, name: str) -> ActionView | None:
        """The view of the action ``name`` (as the rows spell it), or None."""
        return next((view for view in self.actions if view.action == name), None)

    def action_page(self, name: str) -> str:
        """The page of the action ``name`` (as the rows spell it)."""
        return self._action_pages[name]

    def kind_page(self, kind: str) -> str:
        """The page of the resource kind ``kind``."""
        return self._kind_pages[kind]

    @functools.cached_property
    def _by_name(self) -> dict[str, tuple[PrincipalView, ...]]:
        found: dict[str, list[PrincipalView]] = {}
        for p in self.principals:
            found.setdefault(p.name, []).append(p)
        return {name: tuple(views) for name, views in found.items()}

    def namesakes(self, principal: PrincipalView) -> tuple[PrincipalView, ...]:
        """The principals of other features with the same name (different principals)."""
        return tuple(p for p in self._by_name.get(principal.name, ()) if p.ref != principal.ref)

    @property
    def features(self) -> int:
        """Features that declare at least one principal."""
        return len({p.ref.feature_file for p in self.principals})


def declared_in_steps(steps: Iterable[StepRecord]) -> tuple[tuple[str, str], ...]:
    """(kind words, name) of the principals ``steps`` declare (``Given the IAM user "N"``,
    ``Given the deployed principal "N"``), in order, each once."""
    found: dict[tuple[str, str], None] = {}
    for step in steps:
        match = _DECLARES.match(step.text)
        if match is not None:
            found.setdefault((match.group(1), match.group(2)))
    return tuple(found)


@dataclass
class _Facts:
    """What the run says about one principal, gathered scenario by scenario."""

    ref: PrincipalRef
    kinds: dict[str, None] = field(default_factory=dict)
    arns: dict[str, None] = field(default_factory=dict)
    policies: dict[str, None] = field(default_factory=dict)
    boundaries: dict[str, None] = field(default_factory=dict)
    groups: dict[str, None] = field(default_factory=dict)
    members: dict[str, None] = field(default_factory=dict)
    tag_sets: dict[str, None] = field(default_factory=dict)
    rows: list[AccessRow] = field(default_factory=list)
    sweeps: list[SweepNote] = field(default_factory=list)
    not_run: list[NotRunLink] = field(default_factory=list)

    def note(self, record: PrincipalRecord) -> None:
        words = _KIND_WORDS.get(record.kind, record.kind)
        self.kinds.setdefault(f"deployed {words}" if record.deployed else words)
        self.arns.setdefault(record.arn)
        self.policies.update(dict.fromkeys(record.policies))
        if record.boundary:
            self.boundaries.setdefault(record.boundary)
        self.groups.update(dict.fromkeys(record.groups))
        if record.kind != "group":
            self.tag_sets.setdefault(
                ", ".join(f"{k}={v}" for k, v in record.tags.items()) or "no tags"
            )


@dataclass
class _Builder:
    library: PolicyLibrary
    canonical: Callable[[str], str]
    facts: dict[tuple[str, str], _Facts] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    def principal(self, feature: FeatureView, name: str) -> _Facts:
        key = (feature.file, name)
        found = self.facts.get(key)
        if found is None:
            base = f"{feature.slug}--{slugify(name)}"
            slug, n = base, 2
            while slug in self.taken:
                slug, n = f"{base}-{n}", n + 1
            self.taken.add(slug)
            ref = PrincipalRef(name, feature.name, feature.file, feature.page, f"principal-{slug}")
            found = self.facts[key] = _Facts(ref)
        return found

    def scenario(self, feature: FeatureView, scenario: ScenarioView) -> None:
        record = scenario.record
        link = ScenarioLink(feature.name, feature.page, scenario.anchor, scenario.title)
        for declared in record.principals:
            self.principal(feature, declared.name).note(declared)
            for group in declared.groups:
                self.principal(feature, group).members.setdefault(declared.name)
        callers = {p.name: p for p in record.principals}
        resources = {r.arn: r for r in record.resources}
        for call in scenario.shown:
            facts = self.principal(feature, call.record.principal)
            caller = callers.get(call.record.principal)
            for request in call.requests:
                facts.rows.append(self.row(facts.ref, call, request, caller, resources, link))
        swept: dict[str, dict[str, int]] = {}
        for rest in scenario.rest:
            word = rest.decision.word
            for target in rest.targets:
                answers = swept.setdefault(target.principal, {})
                answers[word] = answers.get(word, 0) + len(target.actions)
        for name, answers in swept.items():
            words = ", ".join(f"{n} {word}" for word, n in answers.items())
            note = SweepNote(link, sum(answers.values()), words, scenario.unit)
            self.principal(feature, name).sweeps.append(note)

    def row(
        self,
        ref: PrincipalRef,
        call: CallView,
        request: RequestView,
        caller: PrincipalRecord | None,
        resources: Mapping[str, ResourceRecord],
        link: ScenarioLink,
    ) -> AccessRow:
        record = request.record
        resource = resources.get(record.resource)
        if resource is not None:
            kind, name, tags = resource.kind, resource.name, resource.tags
        elif record.resource == "*":
            kind, name, tags = NO_RESOURCE, "*", {}
        else:
            kind, name, tags = BY_ARN, record.resource, {}
        decisive = request.decisive
        return AccessRow(
            principal=ref,
            action=self.canonical(record.action),
            resource_kind=kind,
            resource=name,
            arn=record.resource,
            caller_tags=tag_facts(caller.tags if caller else {}, CALLER, decisive),
            resource_tags=tag_facts(tags, RESOURCE, decisive),
            request_tags=tag_facts(call.record.request_tags, REQUEST, decisive),
            decision=request.decision,
            expected=call.expected,
            mismatch=call.mismatch,
            drift=record.drift,
            deciding=request.deciding,
            unresolved=request.unresolved,
            scenario=link,
        )

    def not_run(self, feature: FeatureView) -> None:
        for row in feature.not_run_rows:
            link = ScenarioLink(feature.name, feature.page, row.anchor, row.title)
            for kind, name in declared_in_steps(row.record.steps):
                facts = self.principal(feature, name)
                if not facts.kinds or kind == "deployed principal":
                    facts.kinds.setdefault(kind)
                facts.not_run.append(NotRunLink(link, row.reason))

    def policy_links(self, displays: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
        links = []
        for display in displays:
            view = self.library.find(display)
            links.append((display, view.page if view is not None else None))
        return tuple(links)


def build_access(
    features: Sequence[FeatureView],
    library: PolicyLibrary,
    canonical: Callable[[str], str] = str,
    guarantees: GuaranteeSource | None = None,
) -> Access:
    """The pivots of ``features`` (their policies in ``library``); ``canonical`` spells an
    action as the IAM reference does (actions are case-insensitive: one page per action);
    ``guarantees`` gives each principal and action its proven claims (none without it)."""
    builder = _Builder(library, canonical)
    for feature in features:
        for scenario in feature.scenarios:
            builder.scenario(feature, scenario)
        builder.not_run(feature)
    names: dict[str, int] = {}  # features per name (a principal is a name in a feature)
    for facts in builder.facts.values():
        names[facts.ref.name] = names.get(facts.ref.name, 0) + 1
    principals = tuple(
        sorted(
            (
                PrincipalView(
                    ref=f.ref,
                    slug=f.ref.page.removeprefix("principal-"),
                    kinds=tuple(f.kinds) or ("principal",),
                    arns=tuple(f.arns),
                    policies=builder.policy_links(f.policies),
                    boundaries=builder.policy_links(f.boundaries),
                    groups=tuple(f.groups),
                    members=tuple(f.members),
                    tag_sets=tuple(f.tag_sets),
                    rows=tuple(f.rows),
                    sweeps=tuple(f.sweeps),
                    not_run=tuple(f.not_run),
                    guarantees=tuple(
                        guarantees.for_principal(f.ref.feature_file, f.ref.name)
                        if guarantees is not None
                        else ()
                    ),
                    namesakes=names[f.ref.name] - 1,
                )
                for f in builder.facts.values()
            ),
            key=lambda p: (p.name.lower(), p.name, p.ref.feature.lower(), p.ref.feature_file),
        )
    )
    rows = [row for p in principals for row in p.rows]
    by_action: dict[str, list[AccessRow]] = {}
    by_kind: dict[str, list[AccessRow]] = {}
    for row in rows:
        by_action.setdefault(row.action, []).append(row)
        by_kind.setdefault(row.resource_kind, []).append(row)
    taken: set[str] = set()
    actions = tuple(
        ActionView(
            action,
            _unique(slugify(action), taken),
            tuple(by_action[action]),
            tuple(guarantees.for_action(action)) if guarantees is not None else (),
        )
        for action in sorted(by_action, key=str.lower)
    )
    taken = set()
    kinds = tuple(
        KindView(kind, _unique(slugify(kind), taken), tuple(by_kind[kind]))
        for kind in sorted(by_kind, key=str.lower)
    )
    return Access(principals, actions, kinds)


def _unique(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
