"""The names of IAM condition operators, shared by the parser and the engine.

An operator name is ``[ForAnyValue:|ForAllValues:]<Base>[IfExists]``. IAM matches the
spelling exactly: a policy with ``stringEquals`` is rejected with "Invalid Condition type"
(MalformedPolicyDocument, recorded in
https://github.com/ministryofjustice/modernisation-platform-environments/pull/8893).
Source of the table:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

from typing import Literal

from iamspec.suggest import close_matches

__all__ = [
    "BASE_OPERATORS",
    "NEGATED_OPERATORS",
    "SET_QUALIFIERS",
    "VARIABLE_OPERATORS",
    "SetQualifier",
    "is_known_operator",
    "split_operator",
    "suggest_operator",
]

SetQualifier = Literal["ForAnyValue", "ForAllValues"]

SET_QUALIFIERS: tuple[SetQualifier, ...] = ("ForAnyValue", "ForAllValues")

BASE_OPERATORS: frozenset[str] = frozenset(
    {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    }
)

#: Base operators that are true when the key matches *none* of the values (and when the
#: key is absent). See "A key missing from the request context" in the operators page.
NEGATED_OPERATORS: frozenset[str] = frozenset(
    {
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    }
)

#: Base operators whose values may hold policy variables: the String and ARN operators, and
#: Bool (the operators page says "Supported"; the variables page disagrees, see
#: docs/iam-semantics.md §8). The operators page marks Numeric, Date, IP address and Binary
#: "Not supported", and Null compares only true/false: a ``${...}`` there is refused by the
#: parser (Access Analyzer reports the same as "Error - Invalid variable for operator").
VARIABLE_OPERATORS: frozenset[str] = frozenset(
    {name for name in BASE_OPERATORS if name.startswith(("String", "Arn"))} | {"Bool"}
)

_IF_EXISTS = "IfExists"


def split_operator(name: str) -> tuple[SetQualifier | None, str, bool]:
    """Split an operator name into (set qualifier, base operator, IfExists).

    ``"ForAllValues:StringLikeIfExists"`` gives ``("ForAllValues", "StringLike", True)``.
    Raises :class:`ValueError` for a name IAM does not accept, including ``NullIfExists``
    (``Null`` takes no ``IfExists``), ``ForAnyValue:Null``/``ForAllValues:Null``, and any
    spelling that differs in case.

    ``ForAllValues:Null``/``ForAnyValue:Null`` are refused: the set operators quantify over
    a key's *values* ("ForAllValues - ... every context key value in the request", single-vs-
    multivalued page), while Null tests whether the key is present at all, which is the same
    question for a multivalued key (that page guards ``ForAllValues`` with a plain
    ``"Null": {"aws:TagKeys": "false"}``). No AWS page shows or documents a qualified Null,
    so iamspec reports it as an error rather than guessing a meaning (iam-simulate reads it
    as plain Null); docs/iam-semantics.md §8.
    """
    qualifier: SetQualifier | None = None
    rest = name
    for candidate in SET_QUALIFIERS:
        if rest.startswith(candidate + ":"):
            qualifier = candidate
            rest = rest[len(candidate) + 1 :]
            break
    if_exists = False
    if rest not in BASE_OPERATORS and rest.endswith(_IF_EXISTS):
        rest = rest[: -len(_IF_EXISTS)]
        if_exists = True
    # Null tests presence; it takes neither IfExists (operators page) nor a set qualifier
    # (no page documents one, and the engine refuses it: keep the two layers in step).
    if rest not in BASE_OPERATORS or (rest == "Null" and (if_exists or qualifier)):
        raise ValueError(f"unknown IAM condition operator {name!r}")
    return qualifier, rest, if_exists


def is_known_operator(name: str) -> bool:
    """Whether IAM accepts ``name`` as a condition operator."""
    try:
        split_operator(name)
    except ValueError:
        return False
    return True


def _all_names() -> tuple[str, ...]:
    names: list[str] = []
    for base in sorted(BASE_OPERATORS):
        forms = [base] if base == "Null" else [base, base + _IF_EXISTS]
        for form in forms:
            names.append(form)
            if base != "Null":  # Null takes no set qualifier: never suggest one
                names.extend(f"{q}:{form}" for q in SET_QUALIFIERS)
    return tuple(names)


_ALL_NAMES = _all_names()
_BY_LOWER = {n.lower(): n for n in _ALL_NAMES}


def suggest_operator(name: str, limit: int = 3) -> list[str]:
    """Known operator names close to ``name``, best first (for "did you mean")."""
    exact_case = _BY_LOWER.get(name.lower())
    if exact_case is not None:
        return [exact_case]
    return close_matches(name, _ALL_NAMES, limit=limit, cutoff=0.75)
