"""Which tags decided a request: the tag keys read by the statements that could change it.

A reviewer asks "why is this allowed?" of a tag-based rule, and the answer is a tag: the
caller's ``Department``, the agent's ``Department``, the ``Owner`` the request sets. The tags
a request carried are many; the ones that decided it are those the relevant statements'
``Condition`` blocks read:

- ``aws:PrincipalTag/<key>`` (and a ``${aws:PrincipalTag/<key>}`` policy variable in a value)
  reads the caller's tag ``<key>``; ``aws:ResourceTag/<key>`` the resource's;
  ``aws:RequestTag/<key>`` the request's, and ``aws:TagKeys`` every tag the request sets;
- the relevant statements are those of the caller's policies (identity and permissions
  boundary) whose ``Action`` (or ``NotAction``) covers the request's action, by the answer:
  an *allowed* request — the Allow statements that decided it and every Deny statement that
  covers the action (its condition is what kept it from denying); an *explicitly denied*
  one — the Deny statements that decided it; an *implicitly denied* one — every Allow
  statement that covers the action (their conditions are what kept them from allowing).

Statements are read from the policy texts the site shows (:class:`~iamspec.livingdoc.policies.
PolicyLibrary`), parsed once each; a text that does not parse reads no tag. Tag keys are
compared case-insensitively, as IAM compares condition key names
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
Resource element matching and the other condition keys are not modelled: a tag a statement
reads is shown as decisive even when the statement failed for another reason (its
``Resource``, another key), which the explanation on the scenario's page spells out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from iamspec.engine.matching import compile_action_pattern
from iamspec.errors import IamSpecError
from iamspec.livingdoc.deciding import StatementRef
from iamspec.livingdoc.policies import PolicyLibrary
from iamspec.policy.model import Effect, Statement
from iamspec.policy.parser import PolicyKind, parse_policy

__all__ = ["CALLER", "REQUEST", "RESOURCE", "TagRead", "TagReadings", "statement_reads"]

CALLER = "caller"
RESOURCE = "resource"
REQUEST = "request"

TagRead = tuple[str, str]
"""(scope, tag key as the policy spells it): a tag of the caller, the resource or the request,
read by a statement; the key ``*`` with scope ``request`` means every tag the request sets.
Compare keys case-insensitively."""

_KEY_PREFIXES = {
    "aws:principaltag/": CALLER,
    "aws:resourcetag/": RESOURCE,
    "aws:requesttag/": REQUEST,
}
_VARIABLE = re.compile(r"\$\{aws:(principaltag|resourcetag|requesttag)/([^}]*)\}", re.IGNORECASE)


def _key_read(key: str) -> TagRead | None:
    lowered = key.lower()
    for prefix, scope in _KEY_PREFIXES.items():
        if lowered.startswith(prefix):
            return scope, key[len(prefix) :]
    if lowered == "aws:tagkeys":
        return REQUEST, "*"
    return None


def statement_reads(statement: Statement) -> frozenset[TagRead]:
    """The tags ``statement``'s Condition block reads (keys and policy variables)."""
    found: set[TagRead] = set()
    for clause in statement.conditions:
        read = _key_read(clause.key.text)
        if read is not None:
            found.add(read)
        for value in clause.values:
            for match in _VARIABLE.finditer(value.text):
                variable = _key_read(f"aws:{match.group(1)}/{match.group(2)}")
                if variable is not None:
                    found.add(variable)
    return frozenset(found)


def _covers(statement: Statement, action: str) -> bool:
    """The statement's Action (or NotAction) covers ``action``."""
    matched = any(compile_action_pattern(p.text).matches(action) for p in statement.action_patterns)
    return matched if statement.not_actions is None else not matched


@dataclass
class TagReadings:
    """The tags each statement of ``library``'s policies reads, parsed once per policy."""

    library: PolicyLibrary
    _statements: dict[str, tuple[Statement, ...]] = field(default_factory=dict)

    def statements(self, display: str) -> tuple[Statement, ...]:
        """The parsed statements of the policy ``display`` (none when it cannot be read)."""
        found = self._statements.get(display)
        if found is not None:
            return found
        view = self.library.find(display)
        statements: tuple[Statement, ...] = ()
        if view is not None and view.text is not None and view.error is None:
            try:
                kind = PolicyKind(view.kind)
            except ValueError:
                kind = PolicyKind.IDENTITY
            try:
                statements = parse_policy(view.text, view.display, kind=kind).statements
            except IamSpecError:
                statements = ()
        self._statements[display] = statements
        return statements

    def reads(self, refs: Iterable[StatementRef]) -> frozenset[TagRead]:
        """The tags the statements ``refs`` read, together."""
        found: set[TagRead] = set()
        for ref in refs:
            statements = self.statements(ref.policy)
            if 0 <= ref.index < len(statements):
                found |= statement_reads(statements[ref.index])
        return frozenset(found)

    def covering(self, policies: Sequence[str], action: str, effect: str) -> list[StatementRef]:
        """The statements of ``policies`` with ``effect`` whose Action covers ``action``."""
        wanted = Effect(effect)
        return [
            StatementRef(display, st.index)
            for display in dict.fromkeys(policies)
            for st in self.statements(display)
            if st.effect is wanted and _covers(st, action)
        ]

    def decisive(
        self,
        decision: str,
        action: str,
        deciding: Sequence[StatementRef],
        policies: Sequence[str],
    ) -> frozenset[TagRead]:
        """The tags that decided a request for ``action`` answered ``decision``, whose deciding
        statements are ``deciding``, asked by a caller with ``policies`` (identity and
        boundary displays); see the module docstring."""
        if decision == "allowed":
            refs = [*deciding, *self.covering(policies, action, "Deny")]
        elif decision == "explicitDeny":
            refs = list(deciding)
        else:
            refs = self.covering(policies, action, "Allow")
        return self.reads(refs)
