"""What AWS can actually send: the constraints that make a symbolic request a real one.

A claim is proven for every request of its scope that satisfies these constraints; a
counterexample always satisfies them. They follow the harness's request builder
(``iamspec.harness.requests``) and the Service Authorization Reference:

- the resource is an ARN of one of the action's resource types (each template variable one
  or more characters outside :func:`iamspec.catalog.template_variable_excludes`, a literal
  ``*`` any run), of the most specific type that matches it (as
  :meth:`~iamspec.catalog.Catalog.resource_type_for_arn` picks it), at most 2,048 characters
  (ResourceArns); ``*`` for an action without resource types;
- a context key is carried only where the reference lists it for the action and resource
  type (global keys everywhere), never ``aws:ResourceTag/*`` for the actions of
  :data:`iamspec.tag_exceptions.TAG_EXCEPTIONS`, and never with a name the simulator refuses
  (5 to 256 characters);
- tag keys and values follow AWS's tag rules (:mod:`.charsets`); ``Bool`` keys carry
  ``true``/``false``; numeric, date and address keys carry values that parse;
- ``aws:TagKeys`` lists exactly the request's tag keys: ``aws:RequestTag/<key>`` is present
  exactly when ``aws:TagKeys`` holds ``<key>`` (keys compare case-insensitively), where the
  action takes both;
- ``connect:InstanceId`` is the instance id in the resource's ARN;
- with a caller in the scope, the ARN's partition is the caller's: "You cannot use IAM
  credentials from one partition to interact with resources in a different partition"
  ("Partitions", AWS Fault Isolation Boundaries,
  https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
  Without a caller it is one of AWS's partitions (:data:`iamspec.arns.PARTITIONS`), though not
  in these constraints: a set of names made z3's string search 30 to 300 times slower, so the
  shapes leave it free and :meth:`~iamspec.symbolic.prover.Setup.search` searches again with
  it fixed (:meth:`Domain.shape` with a partition) when a model names no partition;
- the scope's pins (:class:`~.scope.Scope`).

The ARN's shape per type is kept apart (:attr:`Domain.shapes`): the search adds the one
type it looks at, in one of two equivalent encodings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import z3

from iamspec.catalog import ARN_TEMPLATE_VARIABLE, Catalog, ResourceType, template_variable_excludes
from iamspec.errors import SimulationInputError
from iamspec.lint.arnpattern import pattern_may_match_type
from iamspec.symbolic import charsets, patterns, smt
from iamspec.symbolic.keys import ValueDomain
from iamspec.symbolic.request import (
    IpValue,
    NumberValue,
    SymbolicRequest,
    SymKey,
    TextValue,
    fix_value,
)
from iamspec.symbolic.scope import Scope
from iamspec.symbolic.universe import Universe
from iamspec.tag_exceptions import untaggable

MAX_ARN = 2048
_KEY_NAME = (5, 256)
_RESOURCE_TAG = re.compile(r"aws:resourcetag/.+", re.DOTALL)
_TAG_KEYS = "aws:tagkeys"
_REQUEST_TAG = "aws:requesttag/"
_INSTANCE_KEY = "connect:instanceid"


@dataclass(frozen=True)
class Domain:
    """The constraints, and the resource ARN's shape per resource type.

    ``shapes[t]`` holds equivalent encodings of "the ARN is one of type ``t``" (a regular
    expression; an equation with a concatenation of segment variables). z3 decides some
    problems fast in one and slowly in the other, so a search tries them in turn
    (:meth:`iamspec.symbolic.prover.Setup.search`); the answer is the same either way.
    """

    constraints: tuple[smt.Bool, ...]
    shapes: tuple[tuple[smt.Bool, ...], ...] = ()
    segments: tuple[tuple[tuple[str, smt.Str, str], ...], ...] = ()
    """Per type: (template variable, its term in the equation encoding, excluded characters)."""
    partition_shape: Callable[[int, str], tuple[smt.Bool, ...]] | None = None
    """The shapes with the partition fixed; None when the scope fixes it already (a caller,
    or a ``Partition`` pin)."""
    _pinned: dict[tuple[int, str], tuple[smt.Bool, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def partition_free(self) -> bool:
        """The ARN's partition is free text (see the module docstring)."""
        return self.partition_shape is not None

    def shape(self, type_index: int, partition: str | None = None) -> tuple[smt.Bool, ...]:
        """The encodings for a type (none for ``*``, fixed by the constraints), in
        ``partition`` when one is given."""
        if type_index >= len(self.shapes):
            return (z3.BoolVal(True),)
        if partition is None or self.partition_shape is None:
            return self.shapes[type_index]
        found = self._pinned.get((type_index, partition))
        if found is None:
            found = self.partition_shape(type_index, partition)
            self._pinned[(type_index, partition)] = found
        return found


def _template_parts(template: str, open_tail: bool) -> list[tuple[str, str | None]]:
    """(literal text, None) and (variable name, excluded characters) in template order."""
    parts: list[tuple[str, str | None]] = []
    variables = list(ARN_TEMPLATE_VARIABLE.finditer(template))
    pos = 0
    for index, match in enumerate(variables):
        if match.start() > pos:
            parts.append((template[pos : match.start()], None))
        is_tail = index == len(variables) - 1 and match.end() == len(template)
        excluded = template_variable_excludes(match.group(1), is_tail=is_tail, open_tail=open_tail)
        parts.append((match.group(1), excluded))
        pos = match.end()
    if pos < len(template):
        parts.append((template[pos:], None))
    return parts


@cache
def _variable_regex(excluded: str) -> smt.Re:
    return z3.Plus(smt.chars_except(excluded) if excluded else smt.any_char())


@cache
def _literal_regex(text: str) -> smt.Re:
    """Template text; a literal ``*`` stands for any run (the catalog's reading)."""
    pieces = text.split("*")
    items: list[smt.Re] = []
    for i, piece in enumerate(pieces):
        if i:
            items.append(smt.any_string())
        if piece:
            items.append(smt.literal(piece))
    return smt.concat(items)


_READABLE = z3.Loop(smt.union([smt.char_range(0x61, 0x7A), smt.char_range(0x30, 0x39)]), 1, 12)


def type_regex(
    resource_type: ResourceType,
    pins: Mapping[str, str] | None = None,
    readable: Iterable[str] = (),
) -> smt.Re:
    """Every ARN of the type (any of its templates), with pinned variables fixed and the
    ``readable`` ones limited to a few lower-case letters and digits (for minimising)."""
    plain = set(readable)
    options = []
    for template in resource_type.arn_templates:
        items = []
        for text, excluded in _template_parts(template, resource_type.open_tail):
            if excluded is None:
                items.append(_literal_regex(text))
            elif pins and text in pins:
                items.append(smt.literal(pins[text]))
            elif text in plain:
                items.append(z3.Intersect(_READABLE, _variable_regex(excluded)))
            else:
                items.append(_variable_regex(excluded))
        options.append(smt.concat(items))
    return smt.union(options)


def template_variables(resource_type: ResourceType) -> tuple[str, ...]:
    """The variable names of the type's first template, in order."""
    templates = resource_type.arn_templates
    if not templates:
        return ()
    return tuple(m.group(1) for m in ARN_TEMPLATE_VARIABLE.finditer(templates[0]))


def parse_segments(resource_type: ResourceType, arn: str) -> tuple[tuple[str, str], ...]:
    """The template variables' values in a concrete ARN of the type (first template that
    fits; empty when a template repeats a variable or none fits)."""
    for template in resource_type.arn_templates:
        parts = _template_parts(template, resource_type.open_tail)
        names = [text for text, excluded in parts if excluded is not None]
        if len(set(names)) != len(names):
            continue
        pattern = "".join(
            ".*".join(re.escape(p) for p in text.split("*"))
            if excluded is None
            else f"(?P<{_group(text)}>[^{re.escape(excluded)}]+)"
            if excluded
            else f"(?P<{_group(text)}>.+)"
            for text, excluded in parts
        )
        found = re.fullmatch(pattern, arn, re.DOTALL)
        if found is not None:
            return tuple((name, found.group(_group(name))) for name in names)
    return ()


def _group(name: str) -> str:
    return "v_" + "".join(c if c.isalnum() else "_" for c in name)


_DISJOINT: dict[tuple[str, str, str, str], bool] = {}


def _disjoint(first: ResourceType, second: ResourceType) -> bool:
    """No ARN fits both types' templates (decided once per pair; unknown counts as not).

    Most types of one action never overlap (``.../agent/${UserId}`` and
    ``.../agent-group/${HierarchyGroupId}``); the specificity rule then adds nothing, and
    leaving its negated memberships out keeps the solver fast. The linter's token search
    (:func:`iamspec.lint.arnpattern.pattern_may_match_type`) settles most pairs at once; z3
    settles the rest.
    """
    key = (first.arn_template, str(first.open_tail), second.arn_template, str(second.open_tail))
    found = _DISJOINT.get(key)
    if found is None and not any(
        pattern_may_match_type(ARN_TEMPLATE_VARIABLE.sub("*", template), second)
        for template in first.arn_templates
    ):
        # The linter's overlap search, reading the first type's variables as '*' (more
        # ARNs than the type has): no overlap there means none at all.
        found = True
    if found is None:
        probe = z3.String("probe")
        solver = z3.Solver()
        solver.set("timeout", 2000)
        solver.add(z3.InRe(probe, type_regex(first)), z3.InRe(probe, type_regex(second)))
        found = solver.check() == z3.unsat
        if len(_DISJOINT) > 4096:
            _DISJOINT.clear()
        _DISJOINT[key] = found
    return found


def carried(catalog: Catalog, universe: Universe, action: int, key: str, type_index: int) -> bool:
    """Whether requests for the action on a resource of that type can carry ``key``.

    The Service Authorization Reference's answer (global keys everywhere), except that the
    actions of :data:`iamspec.tag_exceptions.TAG_EXCEPTIONS` never carry
    ``aws:ResourceTag/*``, as the harness's request builder never sends it.
    """
    info = universe.actions[action]
    resource_type = None if type_index == universe.none_type else universe.types[type_index]
    if _RESOURCE_TAG.fullmatch(key.lower()) and untaggable(info.full_name) is not None:
        return False
    return catalog.supports_condition_key(info, key, resource_type)


class _DomainBuilder:
    def __init__(self, request: SymbolicRequest, scope: Scope, catalog: Catalog) -> None:
        self.request = request
        self.scope = scope
        self.catalog = catalog
        self.universe = request.universe
        self.facts: list[smt.Bool] = []
        self.shapes: list[tuple[smt.Bool, ...]] = []
        self.segments: list[tuple[tuple[str, smt.Str, str], ...]] = []

    # -- action and resource ---------------------------------------------------------------

    def resource(self) -> None:
        request, universe = self.request, self.universe
        self.facts.append(z3.Length(request.arn) <= MAX_ARN)
        none = universe.none_type
        without = universe.actions_with_type(none)
        self.facts.append(
            z3.Implies(
                request.resource_type == none,
                z3.And(request.action_in(without), request.arn == smt.text("*")),
            )
            if without
            else request.resource_type != none
        )
        for index, resource_type in enumerate(universe.types):
            actions = universe.actions_with_type(index)
            chosen = request.resource_type == index
            self.facts.append(z3.Implies(chosen, request.action_in(actions)))
            pins = self.scope.resource_pins()
            regex = z3.InRe(self.request.arn, type_regex(resource_type, pins))
            equation, segments = self._equation(index, resource_type, pins)
            self.shapes.append((equation, regex) if equation is not None else (regex,))
            self.segments.append(segments)
        self._specificity()

    def shape_in(self, index: int, partition: str) -> tuple[smt.Bool, ...]:
        """A type's encodings with the ARN's partition fixed to ``partition``."""
        resource_type = self.universe.types[index]
        pins = {**self.scope.resource_pins(), "Partition": partition}
        regex = z3.InRe(self.request.arn, type_regex(resource_type, pins))
        equation, _ = self._equation(index, resource_type, pins)
        return (equation, regex) if equation is not None else (regex,)

    def _equation(
        self, index: int, resource_type: ResourceType, pins: dict[str, str]
    ) -> tuple[smt.Bool | None, tuple[tuple[str, smt.Str, str], ...]]:
        """The ARN as literal text and one variable per template variable (single-template
        types), each variable one or more characters of its class; and those variables."""
        templates = resource_type.arn_templates
        if len(templates) != 1:
            return None, ()
        terms: list[smt.Str] = []
        facts: list[smt.Bool] = []
        segments: list[tuple[str, smt.Str, str]] = []
        for number, (text, excluded) in enumerate(
            _template_parts(templates[0], resource_type.open_tail)
        ):
            if excluded is None and "*" not in text:
                terms.append(smt.text(text))
                continue
            part = z3.String(f"{self.request.tag}.arn.{index}.{number}")
            terms.append(part)
            if excluded is None:
                facts.append(z3.InRe(part, _literal_regex(text)))
            elif text in pins:
                facts.append(part == smt.text(pins[text]))
            else:
                facts.append(z3.InRe(part, _variable_regex(excluded)))
                segments.append((text, part, excluded))
        return smt.both([self.request.arn == smt.concat_text(terms), *facts]), tuple(segments)

    def _specificity(self) -> None:
        """The resource's type is the one ``resource_type_for_arn`` picks: no other type of
        the action that matches the ARN is more specific (or as specific and listed first)."""
        universe = self.universe
        beaten: dict[tuple[int, int], list[int]] = {}
        for action, types in enumerate(universe.action_types):
            for position, own in enumerate(types):
                own_rank = universe.types[own].specificity
                for other_position, other in enumerate(types):
                    if other == own:
                        continue
                    rank = universe.types[other].specificity
                    if rank > own_rank or (rank == own_rank and other_position < position):
                        beaten.setdefault((own, other), []).append(action)
        names = [key.spec.name for key in self.request.keys.values()]
        for (own, other), actions in beaten.items():
            if not any(
                self._supports(a, name, own) and not self._supports(a, name, other)
                for a in actions
                for name in names
            ):
                # Every key the other type carries, this one carries too: a request made
                # with this type is one the other type allows as well, so the rule removes
                # nothing from the request space.
                continue
            if _disjoint(universe.types[own], universe.types[other]):
                continue  # no ARN has both shapes: nothing to rule out
            self.facts.append(
                z3.Implies(
                    z3.And(self.request.resource_type == own, self.request.action_in(actions)),
                    z3.Not(z3.InRe(self.request.arn, type_regex(universe.types[other]))),
                )
            )

    # -- context keys ----------------------------------------------------------------------

    def _supports(self, action: int, key: str, type_index: int) -> bool:
        return carried(self.catalog, self.universe, action, key, type_index)

    def _carried_where(self, key: SymKey) -> None:
        """The key is present only for (action, resource type) pairs that carry it."""
        name = key.spec.name
        if not _KEY_NAME[0] <= len(name) <= _KEY_NAME[1]:
            self.facts.append(z3.Not(key.present))
            return
        if not self.scope.catalog_keys:
            return
        universe = self.universe
        for type_index in range(universe.none_type + 1):
            actions = universe.actions_with_type(type_index)
            if not actions:
                continue
            carried = [a for a in actions if self._supports(a, name, type_index)]
            if len(carried) == len(actions):
                continue
            chosen = self.request.resource_type == type_index
            self.facts.append(
                z3.Implies(z3.And(chosen, key.present), self.request.action_in(carried))
                if carried
                else z3.Implies(chosen, z3.Not(key.present))
            )

    def _values(self, key: SymKey) -> None:
        spec = key.spec
        for value in key.values:
            if isinstance(value, TextValue):
                if spec.domain is ValueDomain.TAG_VALUE:
                    self.facts += [
                        z3.InRe(value.term, z3.Star(charsets.tag_char())),
                        z3.Length(value.term) <= charsets.TAG_VALUE_MAX,
                    ]
                elif spec.domain is ValueDomain.TAG_KEY:
                    self.facts += [
                        z3.InRe(value.term, z3.Plus(charsets.tag_char())),
                        z3.Length(value.term) <= charsets.TAG_KEY_MAX,
                    ]
                elif spec.domain is ValueDomain.BOOLEAN:
                    self.facts.append(
                        z3.InRe(
                            value.term,
                            smt.union(
                                [
                                    charsets.ignore_case_regex("true"),
                                    charsets.ignore_case_regex("false"),
                                ]
                            ),
                        )
                    )
            elif isinstance(value, NumberValue) and spec.typed:
                self.facts.append(value.valid)
            elif isinstance(value, IpValue) and spec.typed:
                self.facts.append(value.version != 0)

    def _request_tags(self) -> None:
        """``aws:TagKeys`` and ``aws:RequestTag/<key>`` describe the same tags."""
        tag_keys = self.request.key(_TAG_KEYS)
        if tag_keys is None or not self.scope.catalog_keys:
            return
        if not all(isinstance(v, TextValue) for v in tag_keys.values):
            return
        universe = self.universe
        for lowered, key in self.request.keys.items():
            if not lowered.startswith(_REQUEST_TAG) or len(lowered) == len(_REQUEST_TAG):
                continue
            wanted = charsets.ignore_case_regex(lowered[len(_REQUEST_TAG) :])
            listed = smt.either(
                [
                    z3.And(tag_keys.active(slot), z3.InRe(_text(value), wanted))
                    for slot, value in enumerate(tag_keys.values)
                ]
            )
            for type_index in range(universe.none_type + 1):
                both = [
                    a
                    for a in universe.actions_with_type(type_index)
                    if self._supports(a, key.spec.name, type_index)
                    and self._supports(a, tag_keys.spec.name, type_index)
                ]
                if not both:
                    continue
                where = z3.And(
                    self.request.resource_type == type_index, self.request.action_in(both)
                )
                self.facts.append(
                    z3.Implies(where, key.present == z3.And(tag_keys.present, listed))
                )

    def _instance(self) -> None:
        """``connect:InstanceId`` is the instance id in the ARN (for the types that hold one)."""
        key = self.request.key(_INSTANCE_KEY)
        if key is None or not isinstance(key.values[0], TextValue):
            return
        value = key.values[0].term
        for type_index, resource_type in enumerate(self.universe.types):
            if "InstanceId" not in template_variables(resource_type):
                continue
            if len(resource_type.arn_templates) != 1:
                continue
            items: list[patterns.Item] = []
            for text, excluded in _template_parts(
                resource_type.arn_templates[0], resource_type.open_tail
            ):
                if excluded is None:
                    items.extend(patterns.glob_items(text.replace("?", "\0")))
                elif text == "InstanceId":
                    items.append(patterns.Hole(value))
                else:
                    items.append(patterns.Run(_variable_regex(excluded), False))
            self.facts.append(
                z3.Implies(
                    z3.And(self.request.resource_type == type_index, key.present),
                    patterns.matches(self.request.arn, items),
                )
            )

    def _pins(self) -> None:
        pins = self.scope.pinned_context()
        for lowered, values in pins.items():
            key = self.request.key(lowered)
            if key is None:
                continue
            if values is None:
                self.facts.append(z3.Not(key.present))
                continue
            if key.count is None and len(values) != 1:
                raise SimulationInputError(
                    f"the scope gives {key.spec.name} {len(values)} values; it is single-valued"
                )
            if key.count is not None and len(values) > len(key.values):
                raise SimulationInputError(
                    f"the scope gives {key.spec.name} more values than this model holds"
                )
            self.facts.append(key.present)
            if key.count is not None:
                self.facts.append(key.count == len(values))
            for slot, raw in zip(key.values, values, strict=False):
                self.facts.extend(fix_value(slot, raw, key.spec.representation))
        principal = self.scope.principal
        if principal is not None and principal.tags is not None:
            for lowered, key in self.request.keys.items():
                if lowered.startswith("aws:principaltag/") and lowered not in pins:
                    self.facts.append(z3.Not(key.present))

    def build(self) -> Domain:
        self.facts.extend(self.request.well_formed())
        self.resource()
        for key in self.request.keys.values():
            self._carried_where(key)
            self._values(key)
        self._request_tags()
        self._instance()
        self._pins()
        free = "Partition" not in self.scope.resource_pins()
        return Domain(
            tuple(self.facts),
            tuple(self.shapes),
            tuple(self.segments),
            partition_shape=self.shape_in if free else None,
        )


def _text(value: object) -> smt.Str:
    assert isinstance(value, TextValue)
    return value.term


def build_domain(request: SymbolicRequest, scope: Scope, catalog: Catalog) -> Domain:
    """The constraints that make ``request`` one AWS can send, within ``scope``."""
    return _DomainBuilder(request, scope, catalog).build()
