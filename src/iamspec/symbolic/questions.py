"""The questions: each answered proven, refuted with one concrete request, or unknown.

One call per claim, so that a Gherkin step is one line::

    result = prove_only_if(policies, scope, resource_tag("Department").equals("Test"))
    result.status          # Status.PROVEN / REFUTED / UNKNOWN / CANNOT_PROVE
    result.counterexample  # None, or the request that breaks the claim (replayed)
    result.explanation     # why: the engine's explanation of the counterexample, the
                           # solver's reason for "unknown", or what cannot be encoded

- :func:`prove_always` / :func:`prove_always_allowed`: every request of the scope gets that
  decision; :func:`prove_never_allowed`: none is allowed;
- :func:`prove_only_if`: a request of the scope is allowed only if the predicate holds
  (``vacuous`` says no request of the scope is allowed at all);
  :func:`prove_exactly_when`: allowed if and only if;
- :func:`prove_no_new_access`: NEW allows nothing OLD does not (IAM Access Analyzer's
  CheckNoNewAccess, https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html);
  :func:`prove_equivalent`: both allow exactly the same requests.

"Unknown" is a solver time-out (``ProofOptions.timeout``): never a pass. "Cannot prove" names
each construct without an exact encoding that the answer depended on (:mod:`.unsupported`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import z3

from iamspec.engine.evaluator import Decision
from iamspec.errors import SimulationInputError
from iamspec.symbolic import smt
from iamspec.symbolic.concrete import ConcreteRequest
from iamspec.symbolic.gherkin import render_scenario
from iamspec.symbolic.policies import PolicySet
from iamspec.symbolic.predicates import Predicate
from iamspec.symbolic.prover import Found, ProofOptions, Setup
from iamspec.symbolic.replay import Replay
from iamspec.symbolic.scope import Scope
from iamspec.symbolic.unsupported import Unsupported

DECISION_WORDS = {
    Decision.ALLOWED: "allowed",
    Decision.IMPLICIT_DENY: "implicitly denied",
    Decision.EXPLICIT_DENY: "explicitly denied",
}


class Status(Enum):
    """How a claim was answered."""

    PROVEN = "proven"
    REFUTED = "refuted"
    UNKNOWN = "unknown"
    CANNOT_PROVE = "cannot prove"


@dataclass(frozen=True)
class Counterexample:
    """One concrete request that breaks a claim, with the engine's answer per policy set.

    ``outcomes`` pairs each policy set's label (``policies``; ``old``/``new`` for a diff)
    with the simulator's decision and the engine's explanation.
    """

    request: ConcreteRequest
    outcomes: tuple[tuple[str, Replay], ...]
    claim: str
    scope: Scope
    policy_sets: tuple[tuple[str, PolicySet], ...]

    @property
    def decision(self) -> Decision:
        """The decision under the first (or only) policy set."""
        return self.outcomes[0][1].decision

    def outcome(self, label: str) -> Replay:
        """The engine's answer under the policy set ``label``."""
        return dict(self.outcomes)[label]

    def explain(self) -> str:
        """The request, then the engine's explanation under each policy set."""
        lines = [self.request.describe()]
        for label, found in self.outcomes:
            header = f"under {label}: " if len(self.outcomes) > 1 else ""
            lines.append(f"{header}{found.explanation}")
        return "\n".join(lines)

    def to_gherkin(self, **names: str) -> str:
        """A ready-to-paste scenario that makes this request (see :mod:`.gherkin`)."""
        return render_scenario(self, **names)


@dataclass(frozen=True)
class ClaimResult:
    """The answer to one claim."""

    claim: str
    status: Status
    counterexample: Counterexample | None = None
    explanation: str = ""
    unsupported: tuple[Unsupported, ...] = ()
    seconds: float = 0.0
    vacuous: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def holds(self) -> bool:
        """True only when the claim is proven."""
        return self.status is Status.PROVEN

    def report(self) -> str:
        """The claim, the verdict and why."""
        lines = [f"{self.status.value}: {self.claim} ({self.seconds:.2f} s)"]
        if self.vacuous:
            lines.append("  (vacuous: no request of the scope is allowed at all)")
        lines.extend(f"  note: {note}" for note in self.notes)
        if self.explanation:
            lines.extend("  " + line for line in self.explanation.splitlines())
        return "\n".join(lines)


Violation = Callable[[Setup], smt.Bool]


def _answer(
    claim: str,
    policy_sets: Mapping[str, PolicySet],
    scope: Scope,
    violation: Violation,
    *,
    predicates: Sequence[Predicate] = (),
    relevant: Sequence[str] | None = None,
    options: ProofOptions | None = None,
    vacuity: Callable[[Setup], smt.Bool] | None = None,
) -> ClaimResult:
    started = time.perf_counter()
    setup = Setup(
        policy_sets, scope, predicates, relevant=relevant, options=options or ProofOptions()
    )

    def result(
        status: Status,
        *,
        counterexample: Counterexample | None = None,
        explanation: str = "",
        vacuous: bool = False,
        notes: tuple[str, ...] = (),
    ) -> ClaimResult:
        return ClaimResult(
            claim=claim,
            status=status,
            counterexample=counterexample,
            explanation=explanation,
            unsupported=setup.unsupported,
            seconds=time.perf_counter() - started,
            vacuous=vacuous,
            notes=notes,
        )

    if setup.empty:
        return result(
            Status.PROVEN,
            vacuous=vacuity is not None,
            notes=("no action of the scope can be allowed by these policies",),
        )
    search = setup.search(violation(setup))
    if search.result == z3.unsat:
        _check_not_empty(setup)
        vacuous = False
        if vacuity is not None:
            vacuous = setup.search(vacuity(setup)).result == z3.unsat
        return result(Status.PROVEN, vacuous=vacuous)
    if search.result == z3.unknown:
        return result(Status.UNKNOWN, explanation=_unknown_reason(search.reasons, setup))
    found, _ = setup.counterexample(search)
    if found is None:
        return result(
            Status.CANNOT_PROVE,
            explanation="\n".join(str(u) for u in setup.unsupported),
        )
    counterexample = _counterexample(found, claim, setup)
    return result(
        Status.REFUTED, counterexample=counterexample, explanation=counterexample.explain()
    )


class EmptyScopeError(SimulationInputError):
    """A scope no request AWS can send fits (a claim about it would hold vacuously)."""


def _check_not_empty(setup: Setup) -> None:
    """Refuse a proof over a scope that admits no request at all (say, a context key fixed
    for actions that never carry it): "proven" would then mean nothing."""
    if setup.search().result == z3.unsat:
        raise EmptyScopeError(
            f"no request AWS can send fits the scope {setup.scope.describe()!r}: its fixed "
            "context, principal or resource contradict what these actions carry"
        )


def _unknown_reason(reasons: Sequence[str], setup: Setup) -> str:
    if any("timeout" in r or "canceled" in r for r in reasons):
        return f"the solver gave up after {setup.options.timeout:g} s (time-out)"
    return "the solver could not decide: " + "; ".join(sorted(set(reasons)))


def _counterexample(found: Found, claim: str, setup: Setup) -> Counterexample:
    return Counterexample(
        request=found.request,
        outcomes=found.outcomes,
        claim=claim,
        scope=setup.scope,
        policy_sets=tuple(setup.policy_sets.items()),
    )


_MAIN = "policies"


def _differ(first: smt.Bool, second: smt.Bool) -> smt.Bool:
    """Exactly one holds, spelled as two cases (z3 solves ``first != second`` on these
    string problems far more slowly than the disjunction)."""
    return z3.Or(z3.And(first, z3.Not(second)), z3.And(z3.Not(first), second))


def prove_always(
    policies: PolicySet,
    scope: Scope,
    decision: Decision = Decision.ALLOWED,
    *,
    options: ProofOptions | None = None,
) -> ClaimResult:
    """Every request of ``scope`` gets ``decision``."""
    claim = f"every request for {scope.describe()} is {DECISION_WORDS[decision]}"
    return _answer(
        claim,
        {_MAIN: policies},
        scope,
        lambda s: z3.Not(s.decisions[_MAIN].is_decision(decision)),
        options=options,
    )


def prove_always_allowed(
    policies: PolicySet, scope: Scope, *, options: ProofOptions | None = None
) -> ClaimResult:
    """Every request of ``scope`` is allowed."""
    return prove_always(policies, scope, Decision.ALLOWED, options=options)


def prove_never_allowed(
    policies: PolicySet, scope: Scope, *, options: ProofOptions | None = None
) -> ClaimResult:
    """No request of ``scope`` is allowed."""
    claim = f"no request for {scope.describe()} is allowed"
    return _answer(
        claim,
        {_MAIN: policies},
        scope,
        lambda s: s.decisions[_MAIN].allowed,
        relevant=[_MAIN],
        options=options,
    )


def prove_only_if(
    policies: PolicySet,
    scope: Scope,
    predicate: Predicate,
    *,
    options: ProofOptions | None = None,
) -> ClaimResult:
    """A request of ``scope`` is allowed only if ``predicate`` holds for it."""
    claim = f"a request for {scope.describe()} is allowed only if {predicate.describe()}"
    return _answer(
        claim,
        {_MAIN: policies},
        scope,
        lambda s: z3.And(s.decisions[_MAIN].allowed, z3.Not(predicate.encode(s.request))),
        predicates=[predicate],
        relevant=[_MAIN],
        options=options,
        vacuity=lambda s: s.decisions[_MAIN].allowed,
    )


def prove_exactly_when(
    policies: PolicySet,
    scope: Scope,
    predicate: Predicate,
    *,
    options: ProofOptions | None = None,
) -> ClaimResult:
    """A request of ``scope`` is allowed if and only if ``predicate`` holds for it."""
    claim = f"a request for {scope.describe()} is allowed exactly when {predicate.describe()}"
    return _answer(
        claim,
        {_MAIN: policies},
        scope,
        lambda s: _differ(s.decisions[_MAIN].allowed, predicate.encode(s.request)),
        predicates=[predicate],
        options=options,
    )


def prove_no_new_access(
    old: PolicySet, new: PolicySet, scope: Scope, *, options: ProofOptions | None = None
) -> ClaimResult:
    """``new`` allows no request of ``scope`` that ``old`` does not."""
    claim = f"the new policies allow nothing the old ones do not, for {scope.describe()}"
    return _answer(
        claim,
        {"new": new, "old": old},
        scope,
        lambda s: z3.And(s.decisions["new"].allowed, z3.Not(s.decisions["old"].allowed)),
        relevant=["new"],
        options=options,
    )


def prove_equivalent(
    first: PolicySet, second: PolicySet, scope: Scope, *, options: ProofOptions | None = None
) -> ClaimResult:
    """Both policy sets allow exactly the same requests of ``scope``."""
    claim = f"both policy sets allow the same requests, for {scope.describe()}"
    return _answer(
        claim,
        {"first": first, "second": second},
        scope,
        lambda s: _differ(s.decisions["first"].allowed, s.decisions["second"].allowed),
        relevant=["first", "second"],
        options=options,
    )
