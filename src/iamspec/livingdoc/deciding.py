"""Which statement of which policy file decided each request of a results file.

A request's ``matched_statements`` name a statement as the simulator does: a
``SourcePolicyId`` and the statement's ``StartPosition``/``EndPosition`` in the policy text it
received. The id depends on the backend:

- local: the policy's path (``policies/x.json``), with `` (via IAM group G)`` for a group's
  policy;
- live (SimulateCustomPolicy): ``PolicyInputList.N`` / ``PermissionsBoundaryPolicyInputList.1``,
  the N-th identity policy of the caller in the harness's order (its own policies, then its
  groups' policies group by group);
- moto (SimulatePrincipalPolicy): the name the harness gave the managed policy (the file's
  path flattened, plus a short hash).

:func:`resolve` maps each to a :class:`StatementRef` (policy path, statement index): by path,
by input-list position, and otherwise by finding the only policy of the caller with a
statement at exactly that start and end (several: the one whose flattened path the id
names). What it cannot place is returned as text, never guessed.

:func:`resolve_boundary` places a request's ``boundary_statements`` (the permissions-boundary
statements that applied, which the simulator never names; recorded from the local evaluator)
in the caller's boundary, by position.

``aliases`` map a (path, kind) to the view of the text the scenario evaluated, when the run
evaluated several texts of that file (:meth:`~iamspec.livingdoc.policies.PolicyLibrary.key_for`);
the paths the records name are looked up through them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iamspec.livingdoc.policies import PolicyLibrary, PolicyView, StatementView
from iamspec.policy.parser import PolicyKind
from iamspec.records.results import PrincipalRecord, RequestRecord

__all__ = ["Resolution", "StatementRef", "caller_policies", "resolve", "resolve_boundary"]

_VIA_GROUP = re.compile(r"^(?P<policy>.+) \(via IAM group [^)]*\)$")
_INPUT_LIST = re.compile(
    r"^(?P<list>PolicyInputList|PermissionsBoundaryPolicyInputList)\.(?P<n>\d+)$"
)


@dataclass(frozen=True, order=True)
class StatementRef:
    """A statement of a policy file: its path and 0-based index."""

    policy: str
    index: int


@dataclass(frozen=True)
class Resolution:
    """The statements that decided one request, and the matched statements not placed."""

    refs: tuple[StatementRef, ...]
    unresolved: tuple[str, ...] = ()


Aliases = Mapping[tuple[str, str], str]
"""(path, kind) -> the display of the view holding the text a scenario evaluated."""


def caller_policies(
    caller: PrincipalRecord | None,
    groups: Mapping[str, PrincipalRecord],
    aliases: Aliases | None = None,
) -> tuple[list[str], str | None]:
    """The caller's identity policies in the harness's order, and its boundary (as displays:
    paths, or through ``aliases`` the view of the text the scenario evaluated)."""
    if caller is None:
        return [], None
    identity = list(caller.policies)
    for name in caller.groups:
        group = groups.get(name)
        if group is not None:
            identity.extend(group.policies)
    if not aliases:
        return identity, caller.boundary
    boundary = caller.boundary
    if boundary is not None:
        boundary = aliases.get((boundary, "boundary"), boundary)
    return [aliases.get((p, "identity"), p) for p in identity], boundary


def _position(item: Mapping[str, Any], key: str) -> tuple[int, int] | None:
    pos = item.get(key)
    if not isinstance(pos, Mapping):
        return None
    try:
        return int(pos["Line"]), int(pos["Column"])
    except (KeyError, TypeError, ValueError):
        return None


def _describe(item: Mapping[str, Any], start: tuple[int, int] | None) -> str:
    where = f" at {start[0]}:{start[1]}" if start else ""
    return f"{item.get('SourcePolicyId', '?')}{where}"


def resolve(
    request: RequestRecord,
    caller: PrincipalRecord | None,
    groups: Mapping[str, PrincipalRecord],
    library: PolicyLibrary,
    aliases: Aliases | None = None,
) -> Resolution:
    """Map ``request.matched_statements`` to statements of policy files (see module doc)."""
    identity, boundary = caller_policies(caller, groups, aliases)
    candidates = [*identity, *([boundary] if boundary else [])]
    refs: list[StatementRef] = []
    unresolved: list[str] = []
    for item in request.matched_statements:
        start, end = _position(item, "StartPosition"), _position(item, "EndPosition")
        source = str(item.get("SourcePolicyId", ""))
        view = _policy_for(source, identity, boundary, library, aliases or {})
        statement = view.statement_at(start, end) if view is not None else None
        if statement is None:
            found = _by_position(source, candidates, start, end, library)
            if found is not None:
                view, statement = found
        if view is None or statement is None:
            unresolved.append(_describe(item, start))
            continue
        ref = StatementRef(view.display, statement.index)
        if ref not in refs:
            refs.append(ref)
    return Resolution(tuple(refs), tuple(unresolved))


def resolve_boundary(
    request: RequestRecord,
    caller: PrincipalRecord | None,
    groups: Mapping[str, PrincipalRecord],
    library: PolicyLibrary,
    aliases: Aliases | None = None,
) -> Resolution | None:
    """Map ``request.boundary_statements`` to statements of the caller's boundary.

    None when the run did not record them (an API backend without ``--compare-local``, or an
    older results file). They are placed in the caller's boundary only, by position: the
    boundary is known, so its id need not be interpreted.
    """
    if request.boundary_statements is None:
        return None
    _, boundary = caller_policies(caller, groups, aliases)
    view = (
        (library.find(boundary) or library.get(boundary, PolicyKind.BOUNDARY)) if boundary else None
    )
    refs: list[StatementRef] = []
    unresolved: list[str] = []
    for item in request.boundary_statements:
        start = _position(item, "StartPosition")
        statement = view.statement_at(start, _position(item, "EndPosition")) if view else None
        if view is None or statement is None:
            unresolved.append(_describe(item, start))
            continue
        ref = StatementRef(view.display, statement.index)
        if ref not in refs:
            refs.append(ref)
    return Resolution(tuple(refs), tuple(unresolved))


def _policy_for(
    source: str,
    identity: Sequence[str],
    boundary: str | None,
    library: PolicyLibrary,
    aliases: Aliases,
) -> PolicyView | None:
    via = _VIA_GROUP.match(source)
    if via is not None:
        source = via.group("policy")
    if aliases:
        source = aliases.get((source, "identity")) or aliases.get((source, "boundary")) or source
    listed = _INPUT_LIST.match(source)
    if listed is not None:
        n = int(listed.group("n"))
        if listed.group("list") == "PolicyInputList":
            source = identity[n - 1] if 1 <= n <= len(identity) else ""
        else:
            source = boundary if boundary and n == 1 else ""
    if not source:
        return None
    known = library.find(source)
    if known is not None:
        return known
    if source in identity or source == boundary:
        return library.get(source)
    return None


_HASH_SUFFIX = re.compile(r"-[0-9a-f]{8}$")


def _flat(display: str) -> str:
    return re.sub(r"[^A-Za-z0-9_+=,.@-]", "-", display.removesuffix(".json").replace("/", "-"))


def _by_position(
    source: str,
    candidates: Iterable[str],
    start: tuple[int, int] | None,
    end: tuple[int, int] | None,
    library: PolicyLibrary,
) -> tuple[PolicyView, StatementView] | None:
    """The only statement of the caller's policies at exactly (start, end).

    When several policies have one there (``3:17`` starts the first statement of most
    pretty-printed policies), a managed-policy name that is the file's path flattened, with
    an optional ``-xxxxxxxx`` hash (how the harness names policies it creates in moto or an
    account), picks one of them.
    """
    if start is None or end is None:
        return None
    hits = []
    for display in dict.fromkeys(candidates):
        view = library.find(display) or library.get(display)
        for st in view.statements:
            if st.start == start and st.end == end:
                hits.append((view, st))
    if len(hits) > 1:
        stem = _HASH_SUFFIX.sub("", source)
        hits = [hit for hit in hits if stem and _flat(hit[0].path).endswith(stem)]
    return hits[0] if len(hits) == 1 else None
