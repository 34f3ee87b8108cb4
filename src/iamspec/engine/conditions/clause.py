"""Compile one (operator, key, values) condition clause once; evaluate it many times.

Sources (IAM User Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/):

- reference_policies_elements_condition_operators.html: operators, a missing key, IfExists;
- reference_policies_condition-logic-multiple-context-keys-or-values.html: several values
  for one key are OR-ed for positive operators and NOR-ed for negated ones;
- reference_policies_condition-single-vs-multi-valued-context-keys.html: ForAllValues and
  ForAnyValue;
- reference_policies_variables.html: policy variables in condition values.

Semantics, for a key that the request carries with request values ``r1..rn`` and policy
values ``p1..pm``. ``hit(r)`` is "``r`` satisfies the positive test against at least one
``p``"; a request value passes a positive operator when ``hit(r)`` and a negated one when
``not hit(r)``.

- plain positive (``StringEquals``): true if any request value passes. With one value this is
  the documented OR over policy values. Several request values under a plain operator are
  [UNVERIFIED] in AWS; we treat them as ForAnyValue, as third-party evaluators do.
- plain negated (``StringNotEquals``): true if every request value passes, i.e. no request
  value matches any policy value, so a plain negated operator is always the complement of
  its positive form [INF for several request values; with one value it is the documented
  NOR].
- ``ForAnyValue:X``: true if at least one request value passes (for a negated ``X``: at
  least one request value matches none of the policy values). False for an absent key or
  an empty value set.
- ``ForAllValues:X``: true if every request value passes (for a negated ``X``: no request
  value matches any policy value). True for an absent key or an empty value set. IAM's own
  operators-page example table shows ``ForAllValues:StringNotLike`` on an absent key as "No
  match"; every other statement of the rule says true, and we follow the rule
  (docs/iam-semantics.md §8).
- A set qualifier on a single-valued key treats its one value as a one-element set (legal
  per the single-vs-multivalued page, if often over-permissive).

A key that is absent: positive → false, negated → true, any ``...IfExists`` → true,
``ForAllValues`` → true, ``ForAnyValue`` → false (true with IfExists). A key supplied with
no values behaves as absent under plain operators and Null, and as the empty set under the
set qualifiers [INF].

Values that cannot take part in a comparison:

- a policy variable that resolves to nothing (absent key, no default): that policy value
  matches no request value. So for positive operators it never matches, and a negated
  operator holds against it (the key cannot equal a value that does not exist), per the
  variables page:
  a Deny with ``StringNotEquals {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}``
  denies callers without a Team tag;
- a policy value that cannot be of the operator's type (Bool ``"yes"``, a bad date, a bad
  CIDR) is compiled as "never matches" and treated exactly like that null variable [INF;
  iam-simulate instead makes a negated operator false];
- a request value that cannot be parsed by the operator's family ("abc" under a Numeric
  operator) passes no test, positive or negated [INF, as iam-simulate]. The declared
  ``ContextKeyType`` is ignored: the operator's family decides how a value is read.

Everything that does not depend on the request is done in :func:`compile_condition`:
operator parsing, value parsing, regex compilation, and the explanations of bad policy
values. Values with variables are substituted per evaluation; their parsed forms are cached
by the family parsers (e.g. one regex per distinct resolved value). Results are immutable and
memoised per condition on the inputs they depend on (the key's values, and the context
entries the variables read), so a simulator re-evaluating the same context pays a lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from iamspec.engine.conditions.registry import OperatorSpec, ParsedOperator, parse_operator
from iamspec.engine.context import ContextValue, RequestContext
from iamspec.engine.variables import Piece, Template, Variable, parse_template
from iamspec.policy.model import ConditionClause

_EMPTY_CONTEXT = RequestContext()
_CACHE_SIZE = 64


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """The outcome of one condition clause, with a one-line explanation.

    ``operator``, ``key`` and ``expected`` are as written in the policy; ``resolved`` holds
    the policy values after variable substitution (None where a variable resolved to
    nothing); ``actual`` holds the request values (None when the key is absent).
    """

    operator: str
    key: str
    expected: tuple[str, ...]
    resolved: tuple[str | None, ...]
    actual: tuple[str, ...] | None
    matched: bool
    reason: str
    key_absent: bool


_RESULT_FIELDS = (
    "operator",
    "key",
    "expected",
    "resolved",
    "actual",
    "matched",
    "reason",
    "key_absent",
)


def _result_factory() -> Callable[..., ConditionResult]:
    """Build ConditionResults without the frozen-dataclass ``__setattr__`` detour.

    A frozen dataclass's ``__init__`` routes every field through ``object.__setattr__``; the
    slot descriptors set the same fields directly, which is about twice as fast on this hot
    path. The object is indistinguishable from one built by ``ConditionResult(...)``.
    """
    names = tuple(f.name for f in fields(ConditionResult))
    if names != _RESULT_FIELDS:  # pragma: no cover - guards the unrolled setters below
        raise TypeError(f"ConditionResult fields changed: {names}")
    s0, s1, s2, s3, s4, s5, s6, s7 = (getattr(ConditionResult, n).__set__ for n in names)
    new = object.__new__

    def make(
        operator: str,
        key: str,
        expected: tuple[str, ...],
        resolved: tuple[str | None, ...],
        actual: tuple[str, ...] | None,
        matched: bool,
        reason: str,
        key_absent: bool,
    ) -> ConditionResult:
        result: ConditionResult = new(ConditionResult)
        s0(result, operator)
        s1(result, key)
        s2(result, expected)
        s3(result, resolved)
        s4(result, actual)
        s5(result, matched)
        s6(result, reason)
        s7(result, key_absent)
        return result

    return make


_new_result = _result_factory()


@dataclass(frozen=True, slots=True)
class CompiledValue:
    """One policy value, compiled once.

    ``template`` is set only when the value reads the request context (it holds a policy
    variable), and the value is then parsed per evaluation. Otherwise ``parsed`` is the
    family's ready-to-compare form, or ``invalid`` says why the value never matches.
    """

    text: str
    template: Template | None
    resolved: str | None
    parsed: Any
    invalid: str | None


_Matcher = tuple[str, Any]  # (resolved policy text, parsed form)


class CompiledCondition:
    """A condition clause compiled for repeated evaluation."""

    __slots__ = (
        "_all",
        "_cache",
        "_notes",
        "_static_matchers",
        "_static_resolved",
        "_variable_keys",
        "clause",
        "expected",
        "key",
        "operator",
        "referenced_keys",
        "spec",
        "values",
    )

    def __init__(
        self,
        clause: ConditionClause,
        operator: ParsedOperator,
        values: tuple[CompiledValue, ...],
        referenced_keys: tuple[str, ...],
    ) -> None:
        self.clause = clause
        self.operator = operator
        self.spec: OperatorSpec[Any, Any] = operator.base
        self.key = clause.key.text
        self.values = values
        self.expected = tuple(v.text for v in values)
        # the condition key and the keys of the variables in its values, as written
        self.referenced_keys = referenced_keys
        qualifier = operator.set_qualifier
        # "every request value must pass" vs "at least one must pass"
        self._all = qualifier == "ForAllValues" or (qualifier is None and self.spec.negated)
        self._static_matchers: tuple[_Matcher, ...] = tuple(
            (v.resolved or "", v.parsed) for v in values if v.template is None and v.invalid is None
        )
        self._static_resolved = tuple(v.resolved for v in values)
        lowered: dict[str, str] = {}
        for value in values:
            if value.template is not None:
                for key in value.template.keys:
                    lowered.setdefault(key.lower(), key)
        self._variable_keys = tuple(lowered.values())
        self._cache: dict[Hashable, ConditionResult] = {}
        self._notes = tuple(
            f"policy value '{v.text}' {v.invalid}, so it matches nothing"
            for v in values
            if v.invalid is not None
        )

    def __repr__(self) -> str:
        return f"CompiledCondition({self.operator.name!r}, {self.key!r}, {list(self.expected)!r})"

    # -- evaluation ---------------------------------------------------------------------

    def evaluate(self, context: RequestContext) -> ConditionResult:
        """Evaluate the clause against ``context``.

        The result is a function of the key's values and, for values with variables, of the
        context entries those variables read; it is memoised on exactly those (a small
        per-condition cache), so repeated requests with the same tags cost a lookup.
        """
        found = context.get_value(self.key)
        values = None if found is None else found.values
        variable_keys = self._variable_keys
        cache_key: Hashable = (
            (values, *[context.get_value(k) for k in variable_keys]) if variable_keys else values
        )
        cache = self._cache
        result = cache.get(cache_key)
        if result is not None:
            return result
        if variable_keys:
            matchers, resolved, notes = self._resolve(context)
            result = self._evaluate(found, matchers, resolved, notes)
        else:
            result = self._evaluate(
                found, self._static_matchers, self._static_resolved, self._notes
            )
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[cache_key] = result
        return result

    def _evaluate(
        self,
        found: ContextValue | None,
        matchers: tuple[_Matcher, ...],
        resolved: tuple[str | None, ...],
        notes: Sequence[str],
    ) -> ConditionResult:
        if self.spec.family == "Null":
            return self._null(found, matchers, resolved, notes)
        if found is None or (not found.values and self.operator.set_qualifier is None):
            return self._absent(found, resolved, notes)
        if not found.values:
            # ForAllValues on an empty set is true, ForAnyValue false.
            matched = self._all
            word = "true" if matched else "false"
            qualifier = self.operator.set_qualifier
            reason = f"{self.key} has no values; {qualifier} is {word} for an empty set"
            return self._result(resolved, (), matched, reason, notes, absent=False)
        return self._present(found, matchers, resolved, notes)

    def _resolve(
        self, context: RequestContext
    ) -> tuple[tuple[_Matcher, ...], tuple[str | None, ...], list[str]]:
        parse = self.spec.parse_value
        matchers: list[_Matcher] = []
        resolved: list[str | None] = []
        notes: list[str] = list(self._notes)
        for value in self.values:
            template = value.template
            if template is None:
                resolved.append(value.resolved)
                if value.invalid is None:
                    matchers.append((value.resolved or "", value.parsed))
                continue
            result = template.resolve(context)
            pieces = result.pieces
            if pieces is None:
                resolved.append(None)
                for sub in result.substitutions:
                    if sub.value is None:
                        notes.append(self._null_variable_note(sub.variable, sub.reason))
                continue
            text = "".join(p.text for p in pieces)
            resolved.append(text)
            try:
                matchers.append((text, parse(pieces)))
            except ValueError as exc:
                notes.append(
                    f"policy value '{value.text}' resolved to '{text}', which {exc}, "
                    "so it matches nothing"
                )
        return tuple(matchers), tuple(resolved), notes

    def _null_variable_note(self, variable: str, why: str) -> str:
        return f"{variable} resolved to nothing ({why}), so this value matches nothing"

    def _result(
        self,
        resolved: tuple[str | None, ...],
        actual: tuple[str, ...] | None,
        matched: bool,
        reason: str,
        notes: Sequence[str],
        *,
        absent: bool,
    ) -> ConditionResult:
        if notes:
            reason = "; ".join((reason, *notes))
        return _new_result(
            self.operator.name, self.key, self.expected, resolved, actual, matched, reason, absent
        )

    def _absent(
        self,
        found: ContextValue | None,
        resolved: tuple[str | None, ...],
        notes: Sequence[str],
    ) -> ConditionResult:
        op = self.operator
        if found is None:
            state, lack, need = "is absent", "an absent key", "it"
        else:
            state, lack, need = "has no values", "a key without values", "a value"
        if op.set_qualifier == "ForAllValues":
            matched, why = True, f"ForAllValues is true for {lack}"
        elif op.if_exists:
            matched, why = True, f"{op.name} is true for {lack}"
        elif op.set_qualifier == "ForAnyValue":
            matched, why = False, "ForAnyValue needs at least one value"
        elif self.spec.negated:
            matched, why = True, f"{op.name} is true for {lack}"
        else:
            matched, why = False, f"{op.name} needs {need}"
        actual = None if found is None else found.values
        return self._result(
            resolved, actual, matched, f"{self.key} {state}; {why}", notes, absent=found is None
        )

    def _null(
        self,
        found: ContextValue | None,
        matchers: tuple[_Matcher, ...],
        resolved: tuple[str | None, ...],
        notes: Sequence[str],
    ) -> ConditionResult:
        absent = found is None or not found.values
        matched = any(expect_absent is absent for _, expect_absent in matchers)
        if found is None:
            state = f"{self.key} is absent"
        elif not found.values:
            state = f"{self.key} has no values"
        else:
            state = f"{self.key} is present ({_show(found.values, found.multivalued)})"
        hits = [text for text, expect_absent in matchers if expect_absent is absent]
        if matched:
            why = f"Null {_quote(hits[0])} holds ({'absent' if absent else 'present'})"
        elif matchers:
            want = "absent" if matchers[0][1] else "present"
            why = f"Null {_quote(matchers[0][0])} needs the key to be {want}"
        else:
            why = "Null has no value that can match"
        actual = None if found is None else found.values
        return self._result(
            resolved, actual, matched, f"{state}; {why}", notes, absent=found is None
        )

    def _present(
        self,
        found: ContextValue,
        matchers: tuple[_Matcher, ...],
        resolved: tuple[str | None, ...],
        notes: Sequence[str],
    ) -> ConditionResult:
        spec = self.spec
        parse_request = spec.parse_request
        compare = spec.compare
        negated = spec.negated
        values = found.values
        # per request value: (raw, hits or None when unparseable, error, passes)
        outcomes: list[tuple[str, list[str] | None, str]] = []
        passes: list[bool] = []
        for raw in values:
            try:
                request = parse_request(raw)
            except ValueError as exc:
                outcomes.append((raw, None, str(exc)))
                passes.append(False)
                continue
            hits = [text for text, policy in matchers if compare(policy, request)]
            outcomes.append((raw, hits, ""))
            passes.append(bool(hits) is not negated)
        matched = all(passes) if self._all else any(passes)
        if self.operator.set_qualifier is None and len(values) == 1:
            reason = self._explain_single(outcomes[0], matchers, matched)
        else:
            reason = self._explain_set(found, outcomes, passes, matchers, matched)
        return self._result(resolved, values, matched, reason, notes, absent=False)

    def _explain_single(
        self,
        outcome: tuple[str, list[str] | None, str],
        matchers: tuple[_Matcher, ...],
        matched: bool,
    ) -> str:
        raw, hits, error = outcome
        op = self.operator.name
        head = f"{self.key} is {_quote(raw)}"
        if hits is None:
            return f"{head}, which {error}, so {op} is false"
        if not matchers:
            if self.spec.negated:
                return f"{head}; {op} holds: no policy value can match it"
            return f"{head}; {op} has no policy value that can match"
        if self.spec.negated:
            if matched:
                return f"{head}; {op} holds: it {_none_of(matchers, self.spec.relation)}"
            return f"{head}; {op} fails: it matches {_list(hits)}"
        if matched:
            return f"{head}; {op} matches {_list(hits)}"
        return f"{head}; {op} expects {self.spec.relation}{_one_of(matchers)}"

    def _explain_set(
        self,
        found: ContextValue,
        outcomes: list[tuple[str, list[str] | None, str]],
        passes: list[bool],
        matchers: tuple[_Matcher, ...],
        matched: bool,
    ) -> str:
        op = self.operator.name
        shown = _show(found.values, found.multivalued)
        head = f"{self.key} is {shown}; {op} is {'true' if matched else 'false'}"
        relation = self.spec.relation
        negated = self.spec.negated
        if self._all and matched:
            if negated:
                return f"{head}: no value matches {_any_of(matchers)}"
            return f"{head}: every value matches {_one_of(matchers)}"
        if not self._all and not matched:
            if all(hits is None for _, hits, _ in outcomes):
                return f"{head}: {_explain_value(outcomes[0], matchers, relation)}"
            if negated:
                return f"{head}: every value matches {_one_of(matchers)}"
            return f"{head}: no value matches {_any_of(matchers)}"
        # name the decisive value: the first that passed (any) or failed (all)
        wanted = not self._all
        index = passes.index(wanted)
        return f"{head}: {_explain_value(outcomes[index], matchers, relation)}"


def _explain_value(
    outcome: tuple[str, list[str] | None, str], matchers: tuple[_Matcher, ...], relation: str
) -> str:
    raw, hits, error = outcome
    if hits is None:
        return f"{_quote(raw)} {error}, so it matches nothing"
    if hits:
        return f"{_quote(raw)} matches {_list(hits)}"
    return f"{_quote(raw)} {_none_of(matchers, relation)}"


def _quote(text: str) -> str:
    return f"'{text}'"


def _show(values: tuple[str, ...], multivalued: bool) -> str:
    """One value as 'v'; a multivalued key (or several values) as ['a', 'b']."""
    if len(values) == 1 and not multivalued:
        return _quote(values[0])
    return "[" + ", ".join(_quote(v) for v in values) + "]"


def _list(texts: Sequence[str]) -> str:
    return ", ".join(_quote(t) for t in texts)


def _one_of(matchers: tuple[_Matcher, ...]) -> str:
    if not matchers:
        return "a value, but none can match"
    if len(matchers) == 1:
        return _quote(matchers[0][0])
    return "one of " + _list([text for text, _ in matchers])


def _any_of(matchers: tuple[_Matcher, ...]) -> str:
    if not matchers:
        return "any policy value"
    if len(matchers) == 1:
        return _quote(matchers[0][0])
    return "any of " + _list([text for text, _ in matchers])


def _none_of(matchers: tuple[_Matcher, ...], relation: str) -> str:
    """'does not match 'a'' for equality; 'is not less than '10'' for a relation."""
    if not matchers:
        return "matches no policy value"
    if relation:
        many = "any of " if len(matchers) > 1 else ""
        return f"is not {relation}{many}" + _list([text for text, _ in matchers])
    if len(matchers) == 1:
        return f"does not match {_quote(matchers[0][0])}"
    return "matches none of " + _list([text for text, _ in matchers])


# -- compilation --------------------------------------------------------------------------


def compile_condition(clause: ConditionClause, *, variables_enabled: bool) -> CompiledCondition:
    """Compile ``clause`` once for repeated :meth:`CompiledCondition.evaluate` calls.

    ``variables_enabled`` is the policy's ``Version == "2012-10-17"``. Variables are parsed
    only for operators that support them (String*, Arn*, Bool). Raises ``ValueError`` for an
    operator name IAM does not define; never for a bad value (those compile as "never
    matches", with the reason in every result).
    """
    operator = parse_operator(clause.operator.text)
    spec = operator.base
    use_variables = variables_enabled and spec.supports_variables
    compiled: list[CompiledValue] = []
    keys: list[str] = [clause.key.text]
    for located in clause.values:
        text = located.text
        template = parse_template(text, use_variables)
        variable_keys = template.keys
        for key in variable_keys:
            if key not in keys:
                keys.append(key)
        if any(isinstance(part, Variable) for part in template.parts):
            compiled.append(CompiledValue(text, template, None, None, None))
            continue
        if template.has_variables:  # only constants such as ${*}: resolve once, now
            pieces = template.resolve(_EMPTY_CONTEXT).pieces or ()
        else:
            pieces = (Piece(text, True),)
        resolved = "".join(p.text for p in pieces)
        try:
            parsed = spec.parse_value(pieces)
        except ValueError as exc:
            why = str(exc)
            if "${" in text and not spec.supports_variables:
                why += f" (policy variables are not supported by {spec.family} operators)"
            compiled.append(CompiledValue(text, None, resolved, None, why))
            continue
        compiled.append(CompiledValue(text, None, resolved, parsed, None))
    return CompiledCondition(clause, operator, tuple(compiled), tuple(keys))
