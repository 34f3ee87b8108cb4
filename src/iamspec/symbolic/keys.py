"""Which context keys a request model needs, and how each one's values are represented.

Only the keys the policies read (in a condition, or as a policy variable), the keys a
predicate reads and the keys a scope fixes can change an answer, so only those are modelled.
Each gets a :class:`KeySpec`:

- ``multivalued`` from the catalog (``ArrayOf...`` types, e.g. ``aws:TagKeys``), as AWS sends
  the key; a single-valued key carries exactly one value when present.
- ``capacity``: how many values a multivalued key may carry. One per condition clause that
  reads it is enough, so the bound loses nothing: every clause is "some value passes" or
  "every value passes" a test of that value alone, so keeping one witness per clause (and one
  value if the set was not empty) keeps every clause's outcome. A request tag key read as
  ``aws:RequestTag/<key>`` needs its own witness in ``aws:TagKeys`` (see
  :mod:`iamspec.symbolic.domain`), so those count too.
- ``representation``: the text itself (string, ARN, Bool and Binary operators, policy
  variables) or the parsed value when only one of the Numeric, Date or IpAddress families
  reads the key (its parse result is then all that matters; see :mod:`.families`). A key read
  by more than one of those is "cannot prove" for the non-text reads (:mod:`.unsupported`).
- ``domain``: what AWS can send as a value: a tag value, a tag key (``aws:TagKeys``), a
  Boolean (``Bool`` keys), a valid number, date or address (typed keys), or any text.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from iamspec.arns import split_arn
from iamspec.catalog import CONTEXT_KEY_TYPES, Catalog
from iamspec.engine.compiled import CompiledPolicy
from iamspec.engine.conditions.registry import parse_operator
from iamspec.engine.variables import Piece, parse_template
from iamspec.policy.model import Position

_TAG_VALUE_KEY = re.compile(
    r"[^:]+:(?:resourcetag|requesttag|principaltag|existingobjecttag|requestobjecttag)/.+",
    re.DOTALL,
)
_TAG_KEYS = "aws:tagkeys"
_REQUEST_TAG = "aws:requesttag/"


# Operator families → how they read a request value.
_READS = {
    "String": "text",
    "Arn": "text",
    "Boolean": "text",
    "Binary": "text",
    "Numeric": "number",
    "Date": "date",
    "IpAddress": "ip",
}


class Representation(Enum):
    """How a key's values are held in the formula."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    IP = "ip"


class ValueDomain(Enum):
    """Which values AWS can send for a key."""

    ANY = "any"
    TAG_VALUE = "tag value"
    TAG_KEY = "tag key"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class KeySpec:
    """One modelled context key (see the module docstring)."""

    name: str
    lowered: str
    multivalued: bool
    representation: Representation
    capacity: int
    catalog_type: str | None
    domain: ValueDomain
    typed: bool
    """The catalog types the key as the representation's family: values always parse."""

    @property
    def context_type(self) -> str:
        """The ``ContextKeyType`` a counterexample sends the key with."""
        aws = CONTEXT_KEY_TYPES.get(self.catalog_type or "")
        if aws is None:
            return "stringList" if self.multivalued else "string"
        return aws


@dataclass
class KeyUsage:
    """How the policies, predicates and scope read one key (first spelling kept)."""

    name: str
    reads: dict[str, list[tuple[str, Position]]] = field(default_factory=dict)
    """Family ("text", "number", "date", "ip") → where it reads the key."""
    clauses: int = 0
    constants: set[Decimal] = field(default_factory=set)
    """Numbers and instants the key's values are compared with (Numeric and Date)."""
    texts: set[str] = field(default_factory=set)
    """Policy text the key's values are compared with, wildcards written out: the values a
    readable counterexample tries first."""


class Usage:
    """Collects key usage over policies, predicates and scopes."""

    def __init__(self) -> None:
        self.keys: dict[str, KeyUsage] = {}

    def touch(self, name: str) -> KeyUsage:
        """Record that ``name`` is modelled (no value read)."""
        return self.keys.setdefault(name.lower(), KeyUsage(name))

    def read(self, name: str, family: str, source: str, position: Position) -> None:
        """Record that a clause, variable or predicate reads the key's values as ``family``."""
        usage = self.touch(name)
        usage.reads.setdefault(family, []).append((source, position))

    def add_policy(self, compiled: CompiledPolicy) -> None:
        """Every key ``compiled`` reads: condition keys and policy variables."""
        policy = compiled.policy
        for statement in policy.statements:
            for located in statement.resource_patterns:
                segments = split_arn(located.text)
                if len(segments) == 6:
                    template = parse_template(segments[5], policy.variables_enabled)
                    for key in template.keys:
                        self.read(key, "text", policy.source, located.position)
            for clause in statement.conditions:
                spec = parse_operator(clause.operator.text).base
                key = clause.key.text
                usage = self.touch(key)
                family = _READS.get(spec.family)
                if family is not None:
                    usage.clauses += 1
                    self.read(key, family, policy.source, clause.operator.position)
                use_variables = policy.variables_enabled and spec.supports_variables
                for value in clause.values:
                    template = parse_template(value.text, use_variables)
                    for variable in template.keys:
                        self.read(variable, "text", policy.source, value.position)
                    if template.keys:
                        continue
                    if family in ("number", "date"):
                        with contextlib.suppress(ValueError):
                            usage.constants.add(spec.parse_value((Piece(value.text, True),)))
                    elif family == "text":
                        usage.texts.update(_readable(value.text))


def _readable(text: str) -> set[str]:
    """Values a wildcard pattern suggests: as written, and with its wildcards filled in."""
    if "*" not in text and "?" not in text:
        return {text}
    return {text.replace("*", "").replace("?", "x"), text.replace("*", "x").replace("?", "x")}


def plan_keys(usage: Usage, catalog: Catalog) -> dict[str, KeySpec]:
    """A :class:`KeySpec` per used key, by lower-cased name."""
    request_tags = sum(1 for k in usage.keys if k.startswith(_REQUEST_TAG))
    specs: dict[str, KeySpec] = {}
    for lowered, key in usage.keys.items():
        catalog_type = catalog.context_key_type(key.name)
        multivalued = bool(catalog_type and catalog_type.startswith("ArrayOf"))
        families = set(key.reads)
        representation = Representation.TEXT
        if len(families) == 1 and families != {"text"}:
            representation = Representation(families.pop())
        base_type = (catalog_type or "").removeprefix("ArrayOf")
        typed = {
            Representation.NUMBER: base_type == "Numeric",
            Representation.DATE: base_type == "Date",
            Representation.IP: base_type == "IPAddress",
            Representation.TEXT: False,
        }[representation]
        capacity = 1
        if multivalued:
            extra = request_tags if lowered == _TAG_KEYS else 0
            capacity = max(1, key.clauses + extra)
        if lowered == _TAG_KEYS:
            domain = ValueDomain.TAG_KEY
        elif _TAG_VALUE_KEY.fullmatch(lowered):
            domain = ValueDomain.TAG_VALUE
        elif base_type == "Bool" and representation is Representation.TEXT:
            domain = ValueDomain.BOOLEAN
        else:
            domain = ValueDomain.ANY
        specs[lowered] = KeySpec(
            name=key.name,
            lowered=lowered,
            multivalued=multivalued,
            representation=representation,
            capacity=capacity,
            catalog_type=catalog_type,
            domain=domain,
            typed=typed,
        )
    return specs
