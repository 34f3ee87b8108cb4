"""The request context: the condition keys a simulated request carries, looked up as IAM does.

Key names match case-insensitively, tag-key suffixes included
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
Values travel as strings, exactly as ``ContextEntries`` carry them; a ``...List`` type makes a
key multivalued (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum

from iamspec.errors import SimulationInputError


class ValueType(Enum):
    """The base type of a context value; AWS's ``ContextKeyType`` without the ``List`` suffix."""

    STRING = "string"
    NUMERIC = "numeric"
    BOOLEAN = "boolean"
    IP = "ip"
    BINARY = "binary"
    DATE = "date"


_AWS_TYPES: dict[str, tuple[ValueType, bool]] = {}
for _vt in ValueType:
    _AWS_TYPES[_vt.value] = (_vt, False)
    _AWS_TYPES[_vt.value + "List"] = (_vt, True)


def parse_context_key_type(aws_type: str) -> tuple[ValueType, bool]:
    """Map AWS's ``ContextKeyType`` (e.g. ``stringList``) to (base type, multivalued).

    Raises SimulationInputError for a name AWS does not define.
    """
    try:
        return _AWS_TYPES[aws_type]
    except KeyError:
        valid = ", ".join(sorted(_AWS_TYPES))
        raise SimulationInputError(
            f"unknown ContextKeyType {aws_type!r}; expected one of {valid}"
        ) from None


@dataclass(frozen=True, slots=True)
class ContextValue:
    """One context key with its values, as supplied.

    ``multivalued`` is True for ``...List`` types: the key is then a set for ``ForAnyValue`` /
    ``ForAllValues`` purposes even when it holds a single value.
    """

    name: str
    values: tuple[str, ...]
    value_type: ValueType = ValueType.STRING
    multivalued: bool = False

    @property
    def aws_type(self) -> str:
        """The ``ContextKeyType`` spelling AWS uses for this value."""
        return self.value_type.value + ("List" if self.multivalued else "")


class RequestContext(Mapping[str, ContextValue]):
    """An immutable, case-insensitive map from context key name to its value."""

    __slots__ = ("_by_lower",)

    def __init__(self, values: Iterable[ContextValue] = ()) -> None:
        by_lower: dict[str, ContextValue] = {}
        for value in values:
            lower = value.name.lower()
            if lower in by_lower:
                raise SimulationInputError(
                    f"context key {value.name!r} is given more than once "
                    f"(also as {by_lower[lower].name!r}); key names are case-insensitive"
                )
            by_lower[lower] = value
        self._by_lower = by_lower

    def __getitem__(self, key: str) -> ContextValue:
        return self._by_lower[key.lower()]

    def get_value(self, key: str) -> ContextValue | None:
        """The value of ``key`` (any case), or None when the request does not carry it."""
        return self._by_lower.get(key.lower())

    def has_lowered(self, lowered: str) -> bool:
        """Whether the request carries the key whose lower-cased name is ``lowered``.

        A fast path for callers that lower-cased their key names once, at compile time.
        """
        return lowered in self._by_lower

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._by_lower

    def __iter__(self) -> Iterator[str]:
        return (v.name for v in self._by_lower.values())

    def __len__(self) -> int:
        return len(self._by_lower)

    def __repr__(self) -> str:
        inner = ", ".join(f"{v.name}={list(v.values)!r}" for v in self._by_lower.values())
        return f"RequestContext({inner})"
