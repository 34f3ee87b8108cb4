"""Guarantees: universal claims about a principal or an action, shown beside the examples.

The scenarios are examples: "test-admin may describe jdoe, tagged Department=Test". A claim
proven for every request ("test-admin may describe no agent whose Department is not Test")
is a guarantee. The site has a place for them on each principal's and each action's page
(:attr:`~iamspec.livingdoc.access.PrincipalView.guarantees`,
:attr:`~iamspec.livingdoc.access.ActionView.guarantees`), filled from a
:class:`GuaranteeSource` handed to :func:`~iamspec.livingdoc.site.build_site`; without one
(today: nothing proves claims yet) the pages have no such section at all, rather than an
empty or invented one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Guarantee", "GuaranteeSource"]


@dataclass(frozen=True)
class Guarantee:
    """A universal claim and whether it holds, with where it is stated.

    ``claim`` in words; ``holds`` the verdict; ``source`` where the claim is written (a file
    and line); ``detail`` what supports the verdict (e.g. a counterexample), if anything.
    """

    claim: str
    holds: bool
    source: str
    detail: str = ""

    @property
    def verdict(self) -> str:
        return "\u2713 holds" if self.holds else "\u2717 does not hold"

    @property
    def css(self) -> str:
        return "allowed" if self.holds else "explicit"


class GuaranteeSource(Protocol):
    """Where the site asks for the guarantees of a principal and of an action."""

    def for_principal(self, feature_file: str, name: str) -> Sequence[Guarantee]:
        """The claims about the principal ``name`` of the feature ``feature_file``."""
        ...

    def for_action(self, action: str) -> Sequence[Guarantee]:
        """The claims about the action ``action`` (``service:Name``)."""
        ...
