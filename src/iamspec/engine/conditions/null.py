"""The Null operator: does the request carry the key at all?

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null

``"true"`` means the key is absent (null), ``"false"`` that it is present and not null. A
policy may write JSON ``true``/``false`` or the strings. Any other spelling never matches
[INF, as for Bool]. A key supplied with no values at all counts as absent [INF].
``IfExists`` and set qualifiers do not apply to Null (see ``registry.parse_operator``).

The clause layer evaluates Null from the key's presence; ``parse_request``/``equals`` exist
so that the operator fits the common :class:`~iamspec.engine.conditions.registry.OperatorSpec`
shape: ``equals(expect_absent, is_absent)``.
"""

from __future__ import annotations

from iamspec.engine.variables import Piece

_POLICY = {"true": True, "false": False}


def parse_value(pieces: tuple[Piece, ...]) -> bool:
    """True when the value asks for an absent key."""
    text = "".join(piece.text for piece in pieces)
    try:
        return _POLICY[text]
    except KeyError:
        raise ValueError("is not true or false") from None


def parse_request(value: str) -> str:
    return value


def equals(expect_absent: bool, is_absent: bool) -> bool:
    return expect_absent is is_absent
