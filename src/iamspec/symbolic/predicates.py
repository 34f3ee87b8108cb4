"""Predicates over a request, for "allowed only if ..." claims.

Small and composable: *terms* name a piece of the request, *predicates* compare them, and
``&``, ``|``, ``~`` combine predicates::

    resource_tag("Department").equals("Test")
    resource_tag("Team").equals(principal_tag("Team"))
    request_tag("Owner").equals("TeamA")                      # the request carries Owner=TeamA
    owned_by_instance("arn:aws:connect:us-east-1:111122223333:instance/1111...")
    resource_arn().ends_with(literal(":user/") + context_key("aws:username"))
    action_matches("connect:Describe*") | ~resource_tag("Department").is_present()

A term has a value only when the request carries it (a single-valued key present; the ARN
always); a comparison holds only when both sides have values. Every predicate is encoded for
the solver (:meth:`Predicate.encode`) and evaluated on a concrete request
(:meth:`Predicate.holds`); the two must agree, and every counterexample is checked with the
latter.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

import z3

from iamspec.engine.matching import compile_action_pattern
from iamspec.engine.variables import Piece as _Piece
from iamspec.engine.variables import wildcard_glob
from iamspec.errors import SimulationInputError
from iamspec.policy.model import Position
from iamspec.symbolic import patterns, smt
from iamspec.symbolic.concrete import ConcreteRequest
from iamspec.symbolic.keys import Usage
from iamspec.symbolic.request import SymbolicRequest, TextValue

_POSITION = Position(1, 1)
"""Predicates have no policy position; their reads are recorded at 1:1 of "predicate"."""


class Term(ABC):
    """A text piece of the request (or a literal)."""

    @abstractmethod
    def encode(self, request: SymbolicRequest) -> tuple[smt.Bool, smt.Str]:
        """(has a value, the value)."""

    @abstractmethod
    def value(self, request: ConcreteRequest) -> str | None:
        """The value in a concrete request, None when it has none."""

    @abstractmethod
    def describe(self) -> str:
        """How messages name the term."""

    def keys(self) -> Iterator[str]:
        """The context keys the term reads."""
        return iter(())

    def __add__(self, other: Term | str) -> Term:
        return Concat(self, _term(other))

    def equals(self, other: Term | str) -> Predicate:
        """Both sides have a value and the values are equal (case-sensitive)."""
        return Equals(self, _term(other))

    def like(self, pattern: str) -> Predicate:
        """The value matches an IAM wildcard pattern (``*``, ``?``; case-sensitive)."""
        return Like(self, pattern)

    def starts_with(self, other: Term | str) -> Predicate:
        """The value starts with the other's value."""
        return Affix(self, _term(other), start=True)

    def ends_with(self, other: Term | str) -> Predicate:
        """The value ends with the other's value."""
        return Affix(self, _term(other), start=False)

    def is_present(self) -> Predicate:
        """The request carries the term."""
        return Present(self)

    def is_absent(self) -> Predicate:
        """The request does not carry the term."""
        return ~Present(self)


def _term(value: Term | str) -> Term:
    return value if isinstance(value, Term) else LiteralTerm(value)


@dataclass(frozen=True)
class LiteralTerm(Term):
    """Fixed text."""

    text: str

    def encode(self, request: SymbolicRequest) -> tuple[smt.Bool, smt.Str]:
        return z3.BoolVal(True), smt.text(self.text)

    def value(self, request: ConcreteRequest) -> str | None:
        return self.text

    def describe(self) -> str:
        return repr(self.text)


@dataclass(frozen=True)
class ContextKey(Term):
    """The value of a single-valued context key (``aws:ResourceTag/Department``)."""

    key: str

    def encode(self, request: SymbolicRequest) -> tuple[smt.Bool, smt.Str]:
        found = request.key(self.key)
        if found is None:  # pragma: no cover - every predicate key is modelled
            return z3.BoolVal(False), smt.text("")
        if found.count is not None:
            raise SimulationInputError(
                f"{self.key} is multivalued: compare one of its values with has_value()"
            )
        value = found.values[0]
        if not isinstance(value, TextValue):  # pragma: no cover - predicate keys are text
            raise SimulationInputError(f"{self.key} is not read as text")
        return found.present, value.term

    def value(self, request: ConcreteRequest) -> str | None:
        values = request.value(self.key)
        if values is None or len(values) != 1:
            return None
        return values[0]

    def describe(self) -> str:
        return self.key

    def keys(self) -> Iterator[str]:
        yield self.key

    def has_value(self, value: str) -> Predicate:
        """A multivalued key (``aws:TagKeys``) holds ``value`` among its values."""
        return HasValue(self.key, value)


@dataclass(frozen=True)
class ResourceArn(Term):
    """The resource ARN (``*`` for actions without a resource type)."""

    def encode(self, request: SymbolicRequest) -> tuple[smt.Bool, smt.Str]:
        return z3.BoolVal(True), request.arn

    def value(self, request: ConcreteRequest) -> str | None:
        return request.resource

    def describe(self) -> str:
        return "the resource ARN"


@dataclass(frozen=True)
class Concat(Term):
    """Two terms one after the other."""

    left: Term
    right: Term

    def encode(self, request: SymbolicRequest) -> tuple[smt.Bool, smt.Str]:
        ok_left, left = self.left.encode(request)
        ok_right, right = self.right.encode(request)
        return z3.And(ok_left, ok_right), z3.Concat(left, right)

    def value(self, request: ConcreteRequest) -> str | None:
        left, right = self.left.value(request), self.right.value(request)
        return None if left is None or right is None else left + right

    def describe(self) -> str:
        return f"{self.left.describe()} + {self.right.describe()}"

    def keys(self) -> Iterator[str]:
        yield from self.left.keys()
        yield from self.right.keys()


class Predicate(ABC):
    """A Boolean property of a request."""

    @abstractmethod
    def encode(self, request: SymbolicRequest) -> smt.Bool:
        """The property as a formula over the symbolic request."""

    @abstractmethod
    def holds(self, request: ConcreteRequest) -> bool:
        """The property of a concrete request."""

    @abstractmethod
    def describe(self) -> str:
        """How claims word the property."""

    def record(self, usage: Usage) -> None:
        """Add the keys the predicate reads to ``usage`` (so they are modelled)."""
        for key in self.keys():
            usage.read(key, "text", "predicate", _POSITION)

    def keys(self) -> Iterator[str]:
        """The context keys the predicate reads."""
        return iter(())

    def __and__(self, other: Predicate) -> Predicate:
        return And(self, other)

    def __or__(self, other: Predicate) -> Predicate:
        return Or(self, other)

    def __invert__(self) -> Predicate:
        return Not(self)


@dataclass(frozen=True)
class Equals(Predicate):
    left: Term
    right: Term

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        ok_left, left = self.left.encode(request)
        ok_right, right = self.right.encode(request)
        return z3.And(ok_left, ok_right, left == right)

    def holds(self, request: ConcreteRequest) -> bool:
        left, right = self.left.value(request), self.right.value(request)
        return left is not None and right is not None and left == right

    def describe(self) -> str:
        return f"{self.left.describe()} equals {self.right.describe()}"

    def keys(self) -> Iterator[str]:
        yield from self.left.keys()
        yield from self.right.keys()


@dataclass(frozen=True)
class Affix(Predicate):
    subject: Term
    part: Term
    start: bool

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        ok_subject, subject = self.subject.encode(request)
        ok_part, part = self.part.encode(request)
        test = z3.PrefixOf(part, subject) if self.start else z3.SuffixOf(part, subject)
        return z3.And(ok_subject, ok_part, test)

    def holds(self, request: ConcreteRequest) -> bool:
        subject, part = self.subject.value(request), self.part.value(request)
        if subject is None or part is None:
            return False
        return subject.startswith(part) if self.start else subject.endswith(part)

    def describe(self) -> str:
        word = "starts" if self.start else "ends"
        return f"{self.subject.describe()} {word} with {self.part.describe()}"

    def keys(self) -> Iterator[str]:
        yield from self.subject.keys()
        yield from self.part.keys()


@dataclass(frozen=True)
class Like(Predicate):
    subject: Term
    pattern: str

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        ok, subject = self.subject.encode(request)
        items = patterns.glob_items(self.pattern)
        return z3.And(ok, patterns.matches(subject, items))

    def holds(self, request: ConcreteRequest) -> bool:
        subject = self.subject.value(request)
        glob = wildcard_glob((_Piece(self.pattern, True),))
        return subject is not None and glob.matches(subject)

    def describe(self) -> str:
        return f"{self.subject.describe()} is like {self.pattern!r}"

    def keys(self) -> Iterator[str]:
        yield from self.subject.keys()


@dataclass(frozen=True)
class Present(Predicate):
    subject: Term

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        ok, _ = self.subject.encode(request)
        return ok

    def holds(self, request: ConcreteRequest) -> bool:
        return self.subject.value(request) is not None

    def describe(self) -> str:
        return f"the request carries {self.subject.describe()}"

    def record(self, usage: Usage) -> None:
        for key in self.keys():
            usage.touch(key)

    def keys(self) -> Iterator[str]:
        yield from self.subject.keys()


@dataclass(frozen=True)
class HasValue(Predicate):
    key: str
    wanted: str

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        found = request.key(self.key)
        if found is None:  # pragma: no cover - every predicate key is modelled
            return z3.BoolVal(False)
        tests = []
        for slot, value in enumerate(found.values):
            assert isinstance(value, TextValue)
            tests.append(z3.And(found.active(slot), value.term == smt.text(self.wanted)))
        return z3.And(found.present, smt.either(tests))

    def holds(self, request: ConcreteRequest) -> bool:
        return self.wanted in (request.value(self.key) or ())

    def describe(self) -> str:
        return f"{self.key} holds {self.wanted!r}"

    def record(self, usage: Usage) -> None:
        usage.read(self.key, "text", "predicate", _POSITION)
        usage.touch(self.key).clauses += 1

    def keys(self) -> Iterator[str]:
        yield self.key


@dataclass(frozen=True)
class ActionMatches(Predicate):
    pattern: str

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        compiled = compile_action_pattern(self.pattern)
        universe = request.universe
        return request.action_in(
            i for i, info in enumerate(universe.actions) if compiled.matches(info.full_name)
        )

    def holds(self, request: ConcreteRequest) -> bool:
        return compile_action_pattern(self.pattern).matches(request.action)

    def describe(self) -> str:
        return f"the action matches {self.pattern!r}"


@dataclass(frozen=True)
class And(Predicate):
    left: Predicate
    right: Predicate

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        return z3.And(self.left.encode(request), self.right.encode(request))

    def holds(self, request: ConcreteRequest) -> bool:
        return self.left.holds(request) and self.right.holds(request)

    def describe(self) -> str:
        return f"({self.left.describe()} and {self.right.describe()})"

    def record(self, usage: Usage) -> None:
        self.left.record(usage)
        self.right.record(usage)


@dataclass(frozen=True)
class Or(Predicate):
    left: Predicate
    right: Predicate

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        return z3.Or(self.left.encode(request), self.right.encode(request))

    def holds(self, request: ConcreteRequest) -> bool:
        return self.left.holds(request) or self.right.holds(request)

    def describe(self) -> str:
        return f"({self.left.describe()} or {self.right.describe()})"

    def record(self, usage: Usage) -> None:
        self.left.record(usage)
        self.right.record(usage)


@dataclass(frozen=True)
class Not(Predicate):
    inner: Predicate

    def encode(self, request: SymbolicRequest) -> smt.Bool:
        return z3.Not(self.inner.encode(request))

    def holds(self, request: ConcreteRequest) -> bool:
        return not self.inner.holds(request)

    def describe(self) -> str:
        return f"not {self.inner.describe()}"

    def record(self, usage: Usage) -> None:
        self.inner.record(usage)


# -- the vocabulary ------------------------------------------------------------------------------


def context_key(key: str) -> ContextKey:
    """The value of a single-valued context key."""
    return ContextKey(key)


def resource_tag(key: str) -> ContextKey:
    """The resource's tag ``key`` (``aws:ResourceTag/<key>``)."""
    return ContextKey(f"aws:ResourceTag/{key}")


def principal_tag(key: str) -> ContextKey:
    """The caller's tag ``key`` (``aws:PrincipalTag/<key>``)."""
    return ContextKey(f"aws:PrincipalTag/{key}")


def request_tag(key: str) -> ContextKey:
    """The tag ``key`` the request sets (``aws:RequestTag/<key>``)."""
    return ContextKey(f"aws:RequestTag/{key}")


def resource_arn() -> ResourceArn:
    """The resource ARN."""
    return ResourceArn()


def literal(text: str) -> LiteralTerm:
    """Fixed text, for concatenations (``literal(":user/") + context_key("aws:username")``)."""
    return LiteralTerm(text)


def action_matches(pattern: str) -> Predicate:
    """The action matches an IAM Action pattern (case-insensitive, ``*`` and ``?``)."""
    return ActionMatches(pattern)


def owned_by_instance(instance_arn: str) -> Predicate:
    """The resource's ``owner`` tag is the Connect instance's ARN (outbound campaigns)."""
    return resource_tag("owner").equals(instance_arn)


def always() -> Predicate:
    """The predicate that every request satisfies."""
    return Present(ResourceArn())


__all__ = [
    "ContextKey",
    "LiteralTerm",
    "Predicate",
    "Term",
    "action_matches",
    "always",
    "context_key",
    "literal",
    "owned_by_instance",
    "principal_tag",
    "request_tag",
    "resource_arn",
    "resource_tag",
]
