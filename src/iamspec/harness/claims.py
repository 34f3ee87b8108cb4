"""Universal claims in a scenario: proven for every request, or refuted by one shown request.

The claim steps (:mod:`iamspec.harness.steps.claims`) hand their text here. A claim is about
exactly the principal the scenario's examples are about: its policies, its groups' policies,
its permissions boundary and its tags come from the scenario's Given-steps (the same
:class:`~iamspec.harness.world.World`), and the question goes to :mod:`iamspec.symbolic`
(every action the patterns match, every ARN of their resource types, every value of every
context key the policies read, within what AWS can send)::

    Then "test-admin" may call "connect:DescribeUser, connect:UpdateUser*" only when
         the resource's tag "Department" is "Test"

The answer decides the step:

- proven: the step passes (a vacuous "only when", where no request of the scope is allowed
  at all, passes and is recorded as vacuous);
- refuted: :class:`ClaimFailure`, with the request that breaks the claim (replayed through
  the simulator), the engine's explanation of its decision, and the request as a
  ready-to-paste Gherkin scenario of its own;
- unknown (the solver's time-out, ``--iam-claim-timeout``) and "cannot prove" (a construct
  without an exact encoding, named with its file:line:column): :class:`ClaimFailure` too,
  never a pass;
- a :class:`~iamspec.symbolic.SoundnessError` (the solver and the engine disagree on a
  request) is an internal error of iamspec and propagates as one, loudly.

A refutation a feature expects (a published example that breaks what its page says) is
stated with :func:`expect_refuted`: the facts of its table narrow the claim's scope, so the
step passes only when a request with those facts really breaks the claim.

A refuting request is also asked of the scenario's backend, like any scenario request: it is
kept in :attr:`World.results` (so the results file, policy coverage, the who-may-do-what
pages and, with ``--compare-local``, the drift report see it), and under an API backend
(``--iam-backend=moto|live``) the step fails when the backend does not give the decision the
local engine gave (drift, unless the scenario declares a known difference for the action).
Only claims about a principal are asked: a claim comparing two policy files has no caller.

Every claim answered is kept as a :class:`~iamspec.records.results.ClaimRecord` in
:attr:`World.claims` for the run's records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from iamspec.engine.compiled import PolicyRole
from iamspec.engine.matching import compile_action_pattern
from iamspec.harness.decisions import RULE, check_results, parse_decision, render_failure
from iamspec.harness.declarations import Caller, PrincipalKind
from iamspec.harness.errors import ScenarioFailure, ScenarioInputError
from iamspec.harness.outcome import CallResult
from iamspec.harness.phrases import (
    ClaimClause,
    ClaimCondition,
    ClaimForm,
    ClaimPhrase,
    ClaimSubject,
    ClaimTerm,
    Comparison,
    RequestFacts,
)
from iamspec.harness.requests import Call, ContextEntry, SimRequest, check_tag_keys
from iamspec.harness.world import World
from iamspec.policy.parser import PolicyKind
from iamspec.records.results import ClaimRecord
from iamspec.symbolic.policies import PolicySet
from iamspec.symbolic.predicates import (
    Predicate,
    Term,
    context_key,
    owned_by_instance,
    principal_tag,
    request_tag,
    resource_arn,
    resource_tag,
)
from iamspec.symbolic.prover import ProofOptions
from iamspec.symbolic.questions import (
    DECISION_WORDS,
    ClaimResult,
    Counterexample,
    Status,
    prove_always_allowed,
    prove_equivalent,
    prove_exactly_when,
    prove_never_allowed,
    prove_no_new_access,
    prove_only_if,
)
from iamspec.symbolic.scope import ClaimPrincipal, Scope

__all__ = ["ClaimFailure", "expect_refuted", "prove_claim"]


class ClaimFailure(ScenarioFailure):
    """A claim that is not proven: refuted (with the request that breaks it), unknown (the
    solver's time-out) or "cannot prove" (a construct without an exact encoding); or an
    expected refutation that did not come."""


@dataclass(frozen=True)
class _Question:
    """A claim made ready to prove: what it is about, and the proof to run."""

    phrase: ClaimPhrase
    scope: Scope
    prove: Callable[[ProofOptions], ClaimResult]
    caller: Caller | None = None
    policies: tuple[str, ...] = ()
    boundary: str | None = None
    compared: tuple[str, ...] = ()
    facts: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# the principal and its policies, from the scenario's world


def _caller(world: World, name: str) -> Caller:
    """The declared principal ``name`` as a caller; ScenarioInputError for one a claim
    cannot be about (a group, a deployed principal, a principal without policies)."""
    principal = world.principal(name)
    if principal.kind is PrincipalKind.GROUP:
        raise ScenarioInputError(
            f'"{name}" is an IAM group; groups make no requests: state the claim about a user '
            "in the group"
        )
    if principal.deployed:
        raise ScenarioInputError(
            f'"{name}" is a deployed principal: its policies are the AWS account\'s, which a '
            "proof cannot read; declare an IAM user or role with the policy files instead"
        )
    caller = world.caller(name)
    if not caller.identity_policies():
        raise ScenarioInputError(
            f'"{name}" has no policies: every request it makes is implicitly denied, and a '
            "claim about it proves nothing about a policy"
        )
    return caller


def _policy_set(caller: Caller) -> PolicySet:
    """The caller's identity policies (its own, then its groups') and boundary.

    Each is named as the steps name it (relative to ``policy_dir``), so that the scenario a
    counterexample renders loads the same files; its text is the filled one every backend
    receives.
    """
    identity = tuple(p.compiled(p.name, PolicyRole.IDENTITY) for p, _ in caller.identity_policies())
    boundary = caller.boundary
    if boundary is None:
        return PolicySet(identity=identity)
    return PolicySet(identity, boundary.compiled(boundary.name, PolicyRole.BOUNDARY))


def _claim_principal(world: World, caller: Caller, any_tags: bool) -> ClaimPrincipal:
    """The caller as the prover fixes it: its ARN, account, name and (unless ``any_tags``)
    exactly its tags, as the harness's request builder sends them."""
    return ClaimPrincipal(
        kind="user" if caller.kind is PrincipalKind.USER else "role",
        name=caller.iam_name,
        account=caller.account,
        partition=world.settings.partition,
        tags=None if any_tags else dict(caller.tags),
    )


# --------------------------------------------------------------------------------------------
# the condition as a predicate


def _term(term: ClaimTerm, world: World) -> Term:
    if term.subject is ClaimSubject.RESOURCE_ARN:
        return resource_arn()
    if term.subject is ClaimSubject.CONTEXT_KEY:
        world.catalog.check_context_key(term.key)  # UnknownContextKeyError, with suggestions
        return context_key(term.key)
    return {
        ClaimSubject.RESOURCE_TAG: resource_tag,
        ClaimSubject.CALLER_TAG: principal_tag,
        ClaimSubject.REQUEST_TAG: request_tag,
    }[term.subject](term.key)


def _clause(clause: ClaimClause, world: World) -> Predicate:
    if clause.test is Comparison.OWNED_BY:
        assert clause.resource is not None
        return owned_by_instance(world.instance(clause.resource.name).arn)
    if clause.test is Comparison.IS_RESOURCE:
        assert clause.resource is not None
        return resource_arn().equals(world.resource(clause.resource.kind, clause.resource.name).arn)
    assert clause.term is not None
    term = _term(clause.term, world)
    if clause.test is Comparison.EQUALS:
        assert clause.other is not None
        return term.equals(_term(clause.other, world))
    if clause.test is Comparison.PRESENT:
        return term.is_present()
    if clause.test is Comparison.ABSENT:
        return term.is_absent()
    assert clause.value is not None
    if clause.test is Comparison.IS_LIKE:
        return term.like(clause.value)
    equal = term.equals(clause.value)
    return ~equal if clause.test is Comparison.IS_NOT else equal


def _predicate(condition: ClaimCondition, world: World) -> Predicate:
    parts = [_clause(c, world) for c in condition.clauses]
    result = parts[0]
    for part in parts[1:]:
        result = (result | part) if condition.any_of else (result & part)
    return result


_TAG_SUBJECTS = {
    ClaimSubject.RESOURCE_TAG: "the resource's tag",
    ClaimSubject.CALLER_TAG: "the caller's tag",
    ClaimSubject.REQUEST_TAG: "the request tag",
}


def _tag_keys(condition: ClaimCondition | None) -> list[tuple[str, str]]:
    """(tag key, where) of every tag the condition reads, for the typo guard."""
    if condition is None:
        return []
    found = []
    for clause in condition.clauses:
        for term in (clause.term, clause.other):
            if term is not None and term.subject in _TAG_SUBJECTS:
                found.append((term.key, f"{_TAG_SUBJECTS[term.subject]} in the claim"))
    return found


# --------------------------------------------------------------------------------------------
# from a phrase to a question


def _kind_label(phrase: ClaimPhrase) -> tuple[str, ...]:
    kind = phrase.kind
    return () if kind is None else (f"{kind.service}:{kind.resource_type}",)


def _principal_question(
    world: World,
    phrase: ClaimPhrase,
    pins: Mapping[str, tuple[str, ...]] | None = None,
    actions: Sequence[str] | None = None,
    resource_types: Sequence[str] | None = None,
) -> _Question:
    assert phrase.principal is not None
    caller = _caller(world, phrase.principal)
    world.check_action_patterns(phrase.actions)
    check_tag_keys(caller, _tag_keys(phrase.condition))
    policies = _policy_set(caller)
    scope = Scope(
        actions=tuple(actions or phrase.actions),
        resource_types=tuple(resource_types if resource_types is not None else _kind_label(phrase)),
        context=dict(pins or {}),
        principal=_claim_principal(world, caller, phrase.any_tags),
    )
    form = phrase.form
    prove: Callable[[ProofOptions], ClaimResult]
    if form is ClaimForm.ALWAYS:

        def prove(options: ProofOptions) -> ClaimResult:
            return prove_always_allowed(policies, scope, options=options)

    elif form is ClaimForm.NEVER:

        def prove(options: ProofOptions) -> ClaimResult:
            return prove_never_allowed(policies, scope, options=options)

    else:
        assert phrase.condition is not None
        predicate = _predicate(phrase.condition, world)
        question = prove_only_if if form is ClaimForm.ONLY_WHEN else prove_exactly_when

        def prove(options: ProofOptions) -> ClaimResult:
            return question(policies, scope, predicate, options=options)

    files = [p for p, _ in caller.identity_policies()]
    return _Question(
        phrase,
        scope,
        prove,
        caller=caller,
        policies=tuple(dict.fromkeys(f.display for f in files)),
        boundary=caller.boundary.display if caller.boundary is not None else None,
    )


def _files(world: World, names: Sequence[str]) -> tuple[PolicySet, tuple[str, ...]]:
    """Policy files named as the steps name them (relative to ``policy_dir``, filled and
    linted as any scenario's), as one policy set; and their display paths."""
    if not names:
        raise ScenarioInputError("name at least one policy file")
    files = [world.policies.load(name, PolicyKind.IDENTITY) for name in names]
    identity = tuple(f.compiled(f.name, PolicyRole.IDENTITY) for f in files)
    return PolicySet(identity=identity), tuple(f.display for f in files)


def _policy_question(
    world: World, phrase: ClaimPhrase, actions: Sequence[str] | None = None
) -> _Question:
    patterns = tuple(actions or phrase.actions or ("*",))
    world.check_action_patterns(patterns)
    first, first_files = _files(world, phrase.policies)
    second, second_files = _files(world, phrase.compared)
    scope = Scope(actions=patterns)
    if phrase.form is ClaimForm.NO_NEW_ACCESS:

        def prove(options: ProofOptions) -> ClaimResult:
            return prove_no_new_access(second, first, scope, options=options)

    else:

        def prove(options: ProofOptions) -> ClaimResult:
            return prove_equivalent(first, second, scope, options=options)

    return _Question(phrase, scope, prove, policies=first_files, compared=second_files)


def _question(world: World, text: str) -> _Question:
    phrase = world.phrases.claim(text)
    if phrase.principal is None:
        return _policy_question(world, phrase)
    return _principal_question(world, phrase)


# --------------------------------------------------------------------------------------------
# answering, recording, reporting


def _options(timeout: float) -> ProofOptions:
    return ProofOptions(timeout=timeout)


def _scenario(world: World, counterexample: Counterexample) -> str:
    """The counterexample as a scenario in the steps' own phrases (policy names as given,
    resources in the project's partition, region and account by kind)."""
    settings = world.settings
    return counterexample.to_gherkin(
        partition=settings.partition, region=settings.region, account=settings.account_id
    )


def _record(
    world: World,
    question: _Question,
    result: ClaimResult,
    *,
    expected: str,
    passed: bool,
    backend: CallResult | None,
) -> ClaimRecord:
    counterexample = result.counterexample
    phrase = question.phrase
    record = ClaimRecord(
        step=world.step,
        text=phrase.text,
        form=phrase.form.value,
        status=result.status.value,
        expected=expected,
        passed=passed,
        statement=result.claim,
        principal=phrase.principal,
        actions=list(phrase.actions),
        resource_kind=phrase.kind.phrase if phrase.kind is not None else None,
        policies=list(question.policies),
        boundary=question.boundary,
        compared=list(question.compared),
        seconds=round(result.seconds, 6),
        vacuous=result.vacuous,
        counterexample=counterexample.request.to_json() if counterexample else None,
        decision=counterexample.decision.value if counterexample else None,
        scenario=_scenario(world, counterexample) if counterexample else None,
        explanation=result.explanation,
        unsupported=[str(u) for u in result.unsupported],
        facts=dict(question.facts),
        backend_decision=backend.decision.value if backend is not None else None,
        notes=list(result.notes),
    )
    world.claims.append(record)
    return record


def _confirm(
    world: World, question: _Question, counterexample: Counterexample
) -> tuple[CallResult | None, str | None]:
    """Ask the scenario's backend the refuting request (see the module docstring).

    The request is kept with the scenario's requests, so the results file, policy coverage
    (the statement that decided it) and the who-may-do-what pages see it under every
    backend. Returns the backend's result (None for a claim without a caller, which has no
    request of its own to ask) and, when the backend does not give the replayed decision (or
    drifts from the local evaluator), the failure block that says so.
    """
    caller = question.caller
    if caller is None:
        return None, None
    request = counterexample.request
    target = "any resource" if request.resource == "*" else f'the ARN "{request.resource}"'
    context = tuple(ContextEntry(e.name, e.values, e.type) for e in request.context)
    part = SimRequest(caller, request.action, request.resource, target, context)
    outcome = world.answer([Call(caller, request.action, (part,))])
    (result,) = outcome.results
    expected = parse_decision(DECISION_WORDS[counterexample.decision])
    failures = check_results([result], expected)
    if not failures:
        return result, None
    return result, (
        f"{result.backend} does not confirm the request that refutes the claim:\n"
        + render_failure(result, expected.value)
    )


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def _refutation(world: World, counterexample: Counterexample) -> str:
    """The request, its decision, the engine's explanation and the pasteable scenario."""
    lines = [
        f"a request that breaks it (replayed through the simulator: "
        f"{DECISION_WORDS[counterexample.decision]}):",
        _indent(counterexample.request.describe()),
    ]
    for label, found in counterexample.outcomes:
        head = "why" if len(counterexample.outcomes) == 1 else f"why, under the {label} policies"
        lines += [f"{head} (the engine's explanation):", _indent(found.explanation)]
    lines += [
        RULE.strip("\n"),
        "the same request as a scenario, ready to paste into a feature file of its own:",
        "",
        _indent(_scenario(world, counterexample)),
    ]
    return "\n".join(lines)


def _not_decided(result: ClaimResult, timeout: float) -> str:
    if result.status is Status.UNKNOWN:
        return (
            f"unknown: {result.explanation} — an undecided claim never passes; raise "
            f"--iam-claim-timeout (now {timeout:g} s) or narrow the claim"
        )
    lines = ['"cannot prove": the answer rests on constructs without an exact encoding:']
    lines += [f"  {u}" for u in result.unsupported]
    return "\n".join(lines)


def _head(phrase: ClaimPhrase, result: ClaimResult, verdict: str) -> str:
    return (
        f"{verdict}: {phrase.text}\n"
        f"  as the prover states it: {result.claim} ({result.status.value} in "
        f"{result.seconds:.2f} s)"
    )


def prove_claim(world: World, text: str, timeout: float) -> None:
    """Prove the claim ``text`` about the scenario's principal (or policy files).

    Passes when proven; raises ClaimFailure when refuted, unknown or "cannot prove", the
    phrase parser's and the catalog's errors for a claim that cannot be read as written
    (an unknown action, kind, context key; a tag key one slip from a key the policies read),
    and lets SoundnessError (a defect in iamspec) through.
    """
    __tracebackhide__ = True
    question = _question(world, text)
    result = question.prove(_options(timeout))
    counterexample = result.counterexample
    backend, unconfirmed = (None, None)
    if counterexample is not None:
        backend, unconfirmed = _confirm(world, question, counterexample)
    passed = result.status is Status.PROVEN
    _record(world, question, result, expected="proven", passed=passed, backend=backend)
    if passed:
        return
    if counterexample is not None:
        message = _head(question.phrase, result, "the claim does not hold")
        message += "\n\n" + _refutation(world, counterexample)
        if unconfirmed is not None:
            message += RULE + unconfirmed
        raise ClaimFailure(message)
    raise ClaimFailure(
        _head(question.phrase, result, "the claim is not proven")
        + "\n"
        + _not_decided(result, timeout)
    )


# --------------------------------------------------------------------------------------------
# an expected refutation


def _fact_pins(facts: RequestFacts) -> dict[str, tuple[str, ...]]:
    pins: dict[str, tuple[str, ...]] = {}
    for prefix, tags in (
        ("aws:ResourceTag/", facts.resource_tags),
        ("aws:RequestTag/", facts.request_tags),
        ("aws:PrincipalTag/", facts.caller_tags),
    ):
        for key, value in tags.items():
            pins[prefix + key] = (value,)
    for key, value in facts.context:
        pins[key] = (*pins.get(key, ()), value)
    return pins


def _facts_written(facts: RequestFacts) -> dict[str, str]:
    written = {"decision": facts.decision}
    if facts.action:
        written["action"] = facts.action
    if facts.kind is not None:
        written["resource"] = facts.kind.phrase
    for name, tags in (
        ("resource tags", facts.resource_tags),
        ("request tags", facts.request_tags),
        ("caller tags", facts.caller_tags),
    ):
        if tags:
            written[name] = ", ".join(f"{k}={v}" for k, v in tags.items())
    if facts.context:
        written["context"] = ", ".join(f"{k}={v}" for k, v in facts.context)
    return written


def _narrowed_actions(phrase: ClaimPhrase, facts: RequestFacts, world: World) -> tuple[str, ...]:
    if facts.action is None:
        return phrase.actions or ("*",)
    action = world.catalog.action(facts.action).full_name
    if phrase.actions and not any(
        compile_action_pattern(p).matches(action) for p in phrase.actions
    ):
        raise ScenarioInputError(
            f"the request's action {action} is not one the claim is about "
            f"({', '.join(phrase.actions)})"
        )
    return (action,)


def _narrowed_question(world: World, text: str, facts: RequestFacts) -> _Question:
    """The claim over the requests with ``facts`` only."""
    phrase = world.phrases.claim(text)
    actions = _narrowed_actions(phrase, facts, world)
    if phrase.principal is None:
        if facts.kind or facts.resource_tags or facts.request_tags or facts.caller_tags:
            raise ScenarioInputError(
                "a claim comparing policy files takes the facts action and decision only"
            )
        question = _policy_question(world, phrase, actions)
    else:
        types = _kind_label(phrase)
        if facts.kind is not None:
            wanted = f"{facts.kind.service}:{facts.kind.resource_type}"
            if types and types != (wanted,):
                raise ScenarioInputError(
                    f"the claim is about a {phrase.kind.phrase if phrase.kind else '?'}, the "
                    f"request acts on a {facts.kind.phrase}"
                )
            types = (wanted,)
        if facts.caller_tags and not phrase.any_tags:
            raise ScenarioInputError(
                f'the caller\'s tags are those the scenario gives "{phrase.principal}"; to '
                'state others, let them vary: "P", whatever its tags, may ...'
            )
        check_tag_keys(
            _caller(world, phrase.principal),
            [(k, "resource tag of the request") for k in facts.resource_tags]
            + [(k, "request tag of the request") for k in facts.request_tags]
            + [(k, "caller tag of the request") for k in facts.caller_tags],
        )
        question = _principal_question(world, phrase, _fact_pins(facts), actions, types)
    return _Question(
        question.phrase,
        question.scope,
        question.prove,
        caller=question.caller,
        policies=question.policies,
        boundary=question.boundary,
        compared=question.compared,
        facts=_facts_written(facts),
    )


def expect_refuted(world: World, text: str, table: Sequence[Sequence[str]], timeout: float) -> None:
    """Assert that a request with the table's facts breaks the claim ``text``.

    The facts (:data:`~iamspec.harness.phrases.REQUEST_FACTS`) narrow the claim's scope: the
    action, the kind of resource, tags and context keys the request carries. The step passes
    when the narrowed claim is refuted and the refuting request gets the stated decision;
    it raises ClaimFailure when the narrowed claim holds (no such request breaks it), when the
    decision differs, or when the answer is unknown or "cannot prove".
    """
    __tracebackhide__ = True
    rows = world.table_rows
    facts = world.phrases.request_facts(table, rows)
    expected = parse_decision(facts.decision)
    question = _narrowed_question(world, text, facts)
    result = question.prove(_options(timeout))
    counterexample = result.counterexample
    backend, unconfirmed = (None, None)
    if counterexample is not None:
        backend, unconfirmed = _confirm(world, question, counterexample)
    decided = counterexample is not None and expected.accepts(counterexample.decision)
    passed = result.status is Status.REFUTED and decided and unconfirmed is None
    _record(world, question, result, expected="refuted", passed=passed, backend=backend)
    if passed:
        return
    phrase = question.phrase
    if result.status is Status.PROVEN:
        raise ClaimFailure(
            _head(phrase, result, "the claim was expected to be refuted, but it holds")
            + "\n  no request with these facts breaks it: "
            + ", ".join(f"{k}: {v}" for k, v in question.facts.items())
        )
    if counterexample is None:
        raise ClaimFailure(
            _head(phrase, result, "the expected refutation is not established")
            + "\n"
            + _not_decided(result, timeout)
        )
    message = _head(phrase, result, "the claim is refuted")
    if not decided:
        message = (
            f"the request that refutes it is {DECISION_WORDS[counterexample.decision]}, not "
            f"{expected.value} as the scenario states\n" + message
        )
    message += "\n\n" + _refutation(world, counterexample)
    if unconfirmed is not None:
        message += RULE + unconfirmed
    raise ClaimFailure(message)
