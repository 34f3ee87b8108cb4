"""What the symbolic layer cannot encode exactly, and where a policy uses it.

Where a construct has no exact encoding, its truth value becomes a free Boolean (one per
condition clause and request value). That over-approximates every possible semantics, so
"proven" stays sound: no request can break a claim under the free formula without breaking
it under the real one. A counterexample found this way may rest on a value the engine would
not give; the replay then disagrees and the answer is "cannot prove: <construct> at
file:line:col", never "refuted" and never "proven".

:data:`CANNOT_PROVE` is the list, with the reason for each.
"""

from __future__ import annotations

from dataclasses import dataclass

from iamspec.policy.model import Position

CANNOT_PROVE: tuple[tuple[str, str], ...] = (
    (
        "StringEqualsIgnoreCase / StringNotEqualsIgnoreCase with a policy variable",
        "both sides would need symbolic lower-casing (Python's str.lower over all of Unicode); "
        "z3 has no such function and no regular language describes it for two unknowns",
    ),
    (
        "an ArnLike / ArnEquals value with a policy variable in the first five ARN parts",
        "the engine splits the value into parts after substitution, so a ':' inside the "
        "substituted text would move the part boundaries",
    ),
    (
        "one context key read by two of the Numeric, Date and IpAddress families, or by one of "
        "them and by a string operator or as a policy variable (aws:EpochTime under both "
        "DateLessThan and NumericLessThan)",
        "these families are encoded on the parsed value (a number, an instant, an address), "
        "which cannot also be the text another operator reads",
    ),
)
"""Every construct the symbolic layer answers "cannot prove" for, with the reason."""


@dataclass(frozen=True)
class Unsupported:
    """One use of a construct that has no exact encoding.

    ``source`` is the policy's name (a file path, ``PolicyInputList.1``), ``position`` the
    place of the value or operator that uses it.
    """

    construct: str
    source: str
    position: Position
    reason: str

    def __str__(self) -> str:
        return f"cannot prove: {self.construct} at {self.source}:{self.position} ({self.reason})"
