"""The condition-operator table and operator-name parsing.

Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
(operator families, ``...IfExists``) and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
(the ``ForAnyValue:`` / ``ForAllValues:`` set qualifiers).

Every base operator (``StringEquals`` ... ``Null``) maps to one :class:`OperatorSpec`: its
family, whether it is negated, how a policy value and a request value are parsed and how the
two are compared. Negated operators share the *positive* comparison of their counterpart; the
negation, the set qualifiers and ``IfExists`` are applied once, for every operator, in
:mod:`iamspec.engine.conditions.clause`.

Operator names are matched **case-sensitively**, exactly as the AWS docs spell them
(``StringEquals``, ``ForAnyValue:``, ``...IfExists``). Evidence [OBS]: IAM rejected a policy
using ``stringEquals`` with ``MalformedPolicyDocument: Invalid Condition type : stringEquals``
(ministryofjustice/modernisation-platform-environments#8893). Some third-party evaluators
(iam-simulate) lower-case operator names; that is more lenient than IAM.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Generic, Literal, TypeVar

from iamspec.engine.conditions import arn, binary, boolean, dates, ip, null, numeric, strings
from iamspec.engine.variables import Piece

P = TypeVar("P")
R = TypeVar("R")

Family = Literal["String", "Numeric", "Date", "Boolean", "Binary", "IpAddress", "Arn", "Null"]
SetQualifier = Literal["ForAnyValue", "ForAllValues"]

_SET_QUALIFIERS: tuple[SetQualifier, ...] = ("ForAnyValue", "ForAllValues")
_IF_EXISTS = "IfExists"


@dataclass(frozen=True, slots=True, eq=False)
class OperatorSpec(Generic[P, R]):
    """One base condition operator.

    - ``parse_value`` turns a policy value (after variable substitution, as
      :class:`~iamspec.engine.variables.Piece` s; ``wild`` marks policy text whose ``*``/``?``
      are wildcards) into the family's comparable form. It raises ``ValueError`` with a
      phrase such as ``"is not a number"`` for a value that cannot be of the operator's type.
    - ``parse_request`` does the same for one request-context value.
    - ``compare(policy, request)`` is the *positive* test; for a negated operator
      (``negated`` True) the clause layer inverts the combined result.
    - ``relation`` words the positive test for explanations ("less than ", "a match for ").
    """

    name: str
    family: Family
    negated: bool
    ignore_case: bool
    supports_variables: bool
    parse_value: Callable[[tuple[Piece, ...]], P]
    parse_request: Callable[[str], R]
    compare: Callable[[P, R], bool]
    relation: str = ""


@dataclass(frozen=True, slots=True)
class ParsedOperator:
    """An operator name split into set qualifier, base operator and ``IfExists``.

    ``name`` is the operator as written, e.g. ``ForAllValues:StringNotEqualsIfExists``.
    """

    set_qualifier: SetQualifier | None
    base: OperatorSpec[Any, Any]
    if_exists: bool
    name: str


def _family(
    family: Family,
    parse_value: Callable[[tuple[Piece, ...]], P],
    parse_request: Callable[[str], R],
    *,
    variables: bool = False,
    ignore_case: bool = False,
) -> Callable[..., OperatorSpec[P, R]]:
    """A factory for the operators of one family that share parsers."""

    def make(
        name: str, compare: Callable[[P, R], bool], relation: str = "", *, negated: bool = False
    ) -> OperatorSpec[P, R]:
        return OperatorSpec(
            name=name,
            family=family,
            negated=negated,
            ignore_case=ignore_case,
            supports_variables=variables,
            parse_value=parse_value,
            parse_request=parse_request,
            compare=compare,
            relation=relation,
        )

    return make


def _build() -> dict[str, OperatorSpec[Any, Any]]:
    # String: variables yes, wildcards in the Like forms only.
    text = _family("String", strings.parse_exact, strings.parse_request, variables=True)
    folded = _family(
        "String",
        strings.parse_exact_ignore_case,
        strings.parse_request_ignore_case,
        variables=True,
        ignore_case=True,
    )
    like = _family("String", strings.parse_like, strings.parse_request, variables=True)
    # Numeric and Date: no variables, no wildcards; compare(policy, request) reads
    # "request <op> policy".
    num = _family("Numeric", numeric.parse_value, numeric.parse_request)
    date = _family("Date", dates.parse_value, dates.parse_request)
    # Bool: the variables page says no, the operators page (current and 2023) says
    # "Supported"; we follow the operators page (see boolean.py).
    boolean_ = _family("Boolean", boolean.parse_value, boolean.parse_request, variables=True)
    binary_ = _family("Binary", binary.parse_value, binary.parse_request)
    ip_ = _family("IpAddress", ip.parse_value, ip.parse_request)
    # ARN: ArnEquals behaves as ArnLike, ArnNotEquals as ArnNotLike.
    arn_ = _family("Arn", arn.parse_value, arn.parse_request, variables=True)
    null_ = _family("Null", null.parse_value, null.parse_request)
    specs: list[OperatorSpec[Any, Any]] = [
        text("StringEquals", strings.equals),
        text("StringNotEquals", strings.equals, negated=True),
        folded("StringEqualsIgnoreCase", strings.equals),
        folded("StringNotEqualsIgnoreCase", strings.equals, negated=True),
        like("StringLike", strings.like, "like "),
        like("StringNotLike", strings.like, "like ", negated=True),
        num("NumericEquals", numeric.equals),
        num("NumericNotEquals", numeric.equals, negated=True),
        num("NumericLessThan", numeric.less, "less than "),
        num("NumericLessThanEquals", numeric.less_eq, "at most "),
        num("NumericGreaterThan", numeric.greater, "more than "),
        num("NumericGreaterThanEquals", numeric.greater_eq, "at least "),
        date("DateEquals", dates.equals),
        date("DateNotEquals", dates.equals, negated=True),
        date("DateLessThan", dates.before, "before "),
        date("DateLessThanEquals", dates.at_or_before, "at or before "),
        date("DateGreaterThan", dates.after, "after "),
        date("DateGreaterThanEquals", dates.at_or_after, "at or after "),
        boolean_("Bool", boolean.equals),
        binary_("BinaryEquals", binary.equals),
        ip_("IpAddress", ip.contains, "an address in "),
        ip_("NotIpAddress", ip.contains, "an address in ", negated=True),
        arn_("ArnEquals", arn.matches, "a match for "),
        arn_("ArnLike", arn.matches, "a match for "),
        arn_("ArnNotEquals", arn.matches, "a match for ", negated=True),
        arn_("ArnNotLike", arn.matches, "a match for ", negated=True),
        null_("Null", null.equals),
    ]
    return {spec.name: spec for spec in specs}


OPERATORS: Mapping[str, OperatorSpec[Any, Any]] = MappingProxyType(_build())
"""Every base operator by its exact (case-sensitive) name."""

_BY_LOWER = {name.lower(): name for name in OPERATORS}
_QUALIFIER_RE = re.compile(r"^(?P<q>[^:]*):(?P<rest>.*)\Z", re.DOTALL)


@lru_cache(maxsize=512)
def parse_operator(name: str) -> ParsedOperator:
    """Split ``name`` into set qualifier, base operator and ``IfExists``.

    Raises ``ValueError`` for a name IAM does not define. Matching is case-sensitive (see the
    module docstring). ``IfExists`` may follow any operator except ``Null`` [DOC, operators
    page]; ``Null`` also takes no set qualifier [INF: it tests the key's presence, not its
    values, so there is nothing to quantify over].
    """
    qualifier: SetQualifier | None = None
    rest = name
    m = _QUALIFIER_RE.match(name)
    if m is not None:
        q = m.group("q")
        if q not in _SET_QUALIFIERS:
            hint = _hint(q, _SET_QUALIFIERS)
            raise ValueError(
                f"unknown set qualifier {q!r} in condition operator {name!r}; "
                f"expected ForAnyValue or ForAllValues{hint}"
            )
        qualifier = "ForAnyValue" if q == "ForAnyValue" else "ForAllValues"
        rest = m.group("rest")
    if_exists = rest.endswith(_IF_EXISTS) and rest != _IF_EXISTS
    base_name = rest[: -len(_IF_EXISTS)] if if_exists else rest
    spec = OPERATORS.get(base_name)
    if spec is None:
        hint = _hint(rest, tuple(OPERATORS))
        raise ValueError(f"unknown condition operator {name!r}{hint}")
    if spec.family == "Null" and if_exists:
        raise ValueError(f"condition operator {name!r}: IfExists cannot be added to Null")
    if spec.family == "Null" and qualifier is not None:
        raise ValueError(f"condition operator {name!r}: Null takes no set qualifier")
    return ParsedOperator(qualifier, spec, if_exists, name)


def _hint(written: str, known: tuple[str, ...]) -> str:
    """A 'did you mean' for a name that differs from a known one only in case."""
    lowered = written.lower()
    for candidate in known:
        if candidate.lower() == lowered:
            return f" (did you mean {candidate!r}? operator names are case-sensitive)"
    stem = lowered.removesuffix(_IF_EXISTS.lower())
    if stem in _BY_LOWER:
        suggestion = _BY_LOWER[stem] + _IF_EXISTS
        return f" (did you mean {suggestion!r}? operator names are case-sensitive)"
    return ""
