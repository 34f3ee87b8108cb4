"""One condition clause as a formula, with the engine's semantics (``engine/conditions/clause.py``).

For a key the request carries with values ``r1..rn`` and policy values ``p1..pm``,
``hit(r)`` is "some ``p`` that resolved and parsed passes the family's positive test against
``r``"; a request value *passes* when it parses and ``hit(r)`` holds (positive operators) or
fails (negated operators). Then:

- ``ForAllValues``, and a plain negated operator: every value passes;
- ``ForAnyValue``, and a plain positive operator: some value passes;
- absent key, or a key with no values under a plain operator: ``ForAllValues`` true,
  ``...IfExists`` true, ``ForAnyValue`` false, negated true, positive false;
- a key with no values under a set qualifier: ``ForAllValues`` true, ``ForAnyValue`` false;
- ``Null``: "true" holds when the key is absent or has no values, "false" when it has some.

A policy variable resolves to the key's single value, else its default, else nothing (then
that policy value matches nothing); a multivalued key never resolves (docs/iam-semantics.md §6).

Where a clause or value has no exact encoding (:mod:`.unsupported`), each request value's
test is a free Boolean drawn from :class:`Encoder`; the clause is otherwise encoded as usual.
"""

from __future__ import annotations

from typing import Any

import z3

from iamspec.engine.conditions.registry import OperatorSpec, parse_operator
from iamspec.engine.variables import Constant, Literal, Piece, Template, Variable, parse_template
from iamspec.policy.model import ConditionClause, Located
from iamspec.symbolic import families, smt
from iamspec.symbolic.families import Matcher, NotEncodable, Operand
from iamspec.symbolic.keys import Representation
from iamspec.symbolic.patterns import Hole
from iamspec.symbolic.request import SymbolicRequest, SymValue, TextValue
from iamspec.symbolic.unsupported import Unsupported


class Encoder:
    """Encodes clauses over one :class:`SymbolicRequest`; collects what it cannot encode.

    Free Booleans are keyed by what they stand for (the clause's text, the policy's variable
    mode, the value slot), so the same clause in two policy sets gets the same one.
    """

    def __init__(self, request: SymbolicRequest) -> None:
        self.request = request
        self.source = ""
        """The policy being encoded, for messages about what cannot be encoded."""
        self.unsupported: list[Unsupported] = []
        self._atoms: dict[tuple[Any, ...], smt.Bool] = {}

    def free(self, key: tuple[Any, ...], what: Unsupported) -> smt.Bool:
        """The free Boolean for ``key``; records ``what`` once per place."""
        if what not in self.unsupported:
            self.unsupported.append(what)
        atom = self._atoms.get(key)
        if atom is None:
            atom = z3.Bool(f"{self.request.tag}.free{len(self._atoms)}")
            self._atoms[key] = atom
        return atom

    # -- policy values -----------------------------------------------------------------------

    def operand(self, located: Located, template: Template) -> Operand:
        """``template`` with its variables resolved symbolically."""
        defined: list[smt.Bool] = []
        pieces: list[Piece | Hole] = []
        for part in template.parts:
            if isinstance(part, Literal):
                pieces.append(Piece(part.text, True))
            elif isinstance(part, Constant):
                pieces.append(Piece(part.char, False))
            else:
                resolved, term = self.variable(part)
                defined.append(resolved)
                pieces.append(Hole(term))
        return Operand(located, smt.both(defined), tuple(pieces))

    def variable(self, variable: Variable) -> tuple[smt.Bool, smt.Str]:
        """(resolves, text) of ``${key}`` / ``${key, 'default'}``."""
        default = None if variable.default is None else smt.text(variable.default)
        key = self.request.key(variable.key)
        if key is None or key.spec.multivalued:
            present = z3.BoolVal(False) if key is None else key.present
            if default is None:
                return z3.BoolVal(False), smt.text("")
            return z3.Not(present), default
        value = key.values[0]
        assert isinstance(value, TextValue), "a variable's key is read as text"
        if default is None:
            return key.present, value.term
        return z3.BoolVal(True), z3.If(key.present, value.term, default)

    # -- clauses -----------------------------------------------------------------------------

    def clause(self, clause: ConditionClause, variables_enabled: bool, source: str) -> smt.Bool:
        """The clause's truth value for the request."""
        operator = parse_operator(clause.operator.text)
        spec = operator.base
        key = self.request.key(clause.key.text)
        use_variables = variables_enabled and spec.supports_variables
        operands = [
            self.operand(value, parse_template(value.text, use_variables))
            for value in clause.values
        ]
        present = z3.BoolVal(False) if key is None else key.present
        empty = z3.BoolVal(False) if key is None else key.empty()
        if spec.family == "Null":
            return self._null(spec, operands, z3.Or(z3.Not(present), empty))
        qualifier = operator.set_qualifier
        every = qualifier == "ForAllValues" or (qualifier is None and spec.negated)
        if qualifier == "ForAllValues" or operator.if_exists:
            absent_result = True
        elif qualifier == "ForAnyValue":
            absent_result = False
        else:
            absent_result = spec.negated
        if key is None:
            return z3.BoolVal(absent_result)
        identity = (
            clause.operator.text,
            clause.key.text.lower(),
            tuple(v.text for v in clause.values),
            use_variables,
        )
        matchers = self._matchers(spec, operands, identity, source)
        passes = []
        for slot, value in enumerate(key.values):
            outcome = self._passes(
                spec, key.spec.representation, value, matchers, identity, slot, clause, source
            )
            passes.append(
                z3.Implies(key.active(slot), outcome)
                if every
                else z3.And(key.active(slot), outcome)
            )
        present_result = smt.both(passes) if every else smt.either(passes)
        absentish = z3.Or(z3.Not(present), empty) if qualifier is None else z3.Not(present)
        return z3.If(absentish, z3.BoolVal(absent_result), present_result)

    def _null(
        self, spec: OperatorSpec[Any, Any], operands: list[Operand], absent: smt.Bool
    ) -> smt.Bool:
        wants: list[smt.Bool] = []
        for operand in operands:
            pieces = operand.constant
            assert pieces is not None, "Null takes no policy variables"
            try:
                expect_absent = spec.parse_value(pieces)
            except ValueError:
                continue
            wants.append(absent if expect_absent else z3.Not(absent))
        return smt.either(wants)

    def _matchers(
        self,
        spec: OperatorSpec[Any, Any],
        operands: list[Operand],
        identity: tuple[Any, ...],
        source: str,
    ) -> list[tuple[int, Operand, Matcher | Unsupported]]:
        found: list[tuple[int, Operand, Matcher | Unsupported]] = []
        for index, operand in enumerate(operands):
            try:
                found.append((index, operand, families.matcher(spec, operand)))
            except NotEncodable as err:
                what = Unsupported(str(err), source, operand.located.position, "no exact encoding")
                found.append((index, operand, what))
        return found

    def _passes(
        self,
        spec: OperatorSpec[Any, Any],
        representation: Representation,
        value: SymValue,
        matchers: list[tuple[int, Operand, Matcher | Unsupported]],
        identity: tuple[Any, ...],
        slot: int,
        clause: ConditionClause,
        source: str,
    ) -> smt.Bool:
        if families.representation(spec) is not representation:
            what = Unsupported(
                f"{clause.key.text} read by {spec.name} and by operators of another family",
                source,
                clause.operator.position,
                "one key read as text, number, date or address at once",
            )
            return self.free((*identity, "mixed", slot), what)
        hits: list[smt.Bool] = []
        for index, _operand, found in matchers:
            if isinstance(found, Unsupported):
                hits.append(self.free((*identity, index, slot), found))
            else:
                hits.append(z3.And(found.exists, found.test(value)))
        hit = smt.either(hits)
        return z3.And(families.parses(spec, value), z3.Not(hit) if spec.negated else hit)
