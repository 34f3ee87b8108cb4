"""Claims files for ``iamspec prove``: universal claims outside Gherkin, in TOML.

::

    [[claim]]
    name = "test-admin describes and updates only Test-department agents"
    policies = ["policies/connect/describe-update-users-by-department.json"]
    actions = ["connect:DescribeUser", "connect:UpdateUser*"]
    principal = { kind = "user", name = "test-admin", account = "111122223333" }
    allowed_only_if = { resource_tag = { Department = "Test" } }

Paths are relative to the claims file. Per claim:

- ``policies`` (identity policies, required), ``boundary``, ``scp`` (SCP levels, root first:
  a list of lists of files);
- the scope: ``actions`` (patterns, default every action), ``resource_types``
  (``service:type``), ``resource`` (ARN template variables fixed, ``{ Account = "..." }``),
  ``principal`` (``kind`` user or role, ``name``, ``account``, ``partition`` — default
  ``aws``, and every resource's partition, as credentials reach no other — and ``tags``: a
  table fixes every principal tag, leaving it out leaves them free), ``context`` (keys fixed:
  a string or a list of strings), ``absent`` (keys the requests never carry),
  ``any_context_key`` (true: every key the policies read may be present on every action,
  not only where the Service Authorization Reference lists it);
- exactly one expectation: ``expect`` = ``"always allowed"``, ``"never allowed"``,
  ``"always implicitly denied"`` or ``"always explicitly denied"``; ``allowed_only_if`` or
  ``allowed_exactly_when`` = a predicate; ``no_new_access_over`` = files (the claim's policies
  allow nothing those do not); ``equivalent_to`` = files.

A predicate is a table whose entries all hold: ``resource_tag``, ``principal_tag``,
``request_tag`` and ``context`` (tables of key = value), ``resource_tag_equals_principal_tag``
(tag keys), ``owned_by_instance`` (an instance ARN), ``resource_arn_like`` and
``action_matches`` (patterns), ``any`` (a list of predicates, one must hold), ``not`` (a
predicate that must not hold).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iamspec.arns import PARTITIONS
from iamspec.engine.evaluator import Decision
from iamspec.errors import SimulationInputError
from iamspec.symbolic import predicates as p
from iamspec.symbolic.policies import PolicyReader, PolicySet, load_policy_set, read_policy_text
from iamspec.symbolic.prover import ProofOptions
from iamspec.symbolic.questions import (
    ClaimResult,
    prove_always,
    prove_equivalent,
    prove_exactly_when,
    prove_never_allowed,
    prove_no_new_access,
    prove_only_if,
)
from iamspec.symbolic.scope import ClaimPrincipal, Scope

_EXPECT = {
    "always allowed": Decision.ALLOWED,
    "always implicitly denied": Decision.IMPLICIT_DENY,
    "always explicitly denied": Decision.EXPLICIT_DENY,
}
_EXPECTATIONS = (
    "expect",
    "allowed_only_if",
    "allowed_exactly_when",
    "no_new_access_over",
    "equivalent_to",
)
_FIELDS = {
    "name",
    "policies",
    "boundary",
    "scp",
    "actions",
    "resource_types",
    "resource",
    "principal",
    "context",
    "absent",
    "any_context_key",
    *_EXPECTATIONS,
}


class ClaimsError(SimulationInputError):
    """A claims file that cannot be read or says something this format does not."""


@dataclass(frozen=True)
class Claim:
    """One claim of a file, ready to prove."""

    name: str
    prove: Callable[[ProofOptions], ClaimResult]


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ClaimsError(f"{where}: expected a string or a list of strings")


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ClaimsError(f"{where}: expected a table")
    return value


def _pairs(value: Any, where: str) -> dict[str, str]:
    table = _table(value, where)
    for key, item in table.items():
        if not isinstance(item, str):
            raise ClaimsError(f"{where}.{key}: expected a string")
    return table


def predicate(value: Any, where: str) -> p.Predicate:
    """A predicate table (see the module docstring)."""
    table = _table(value, where)
    if not table:
        raise ClaimsError(f"{where}: an empty predicate")
    parts: list[p.Predicate] = []
    for kind, item in table.items():
        here = f"{where}.{kind}"
        if kind in ("resource_tag", "principal_tag", "request_tag", "context"):
            term = {
                "resource_tag": p.resource_tag,
                "principal_tag": p.principal_tag,
                "request_tag": p.request_tag,
                "context": p.context_key,
            }[kind]
            parts.extend(term(k).equals(v) for k, v in _pairs(item, here).items())
        elif kind == "resource_tag_equals_principal_tag":
            parts.extend(p.resource_tag(k).equals(p.principal_tag(k)) for k in _strings(item, here))
        elif kind == "owned_by_instance":
            parts.extend(p.owned_by_instance(arn) for arn in _strings(item, here))
        elif kind == "resource_arn_like":
            parts.extend(p.resource_arn().like(pattern) for pattern in _strings(item, here))
        elif kind == "action_matches":
            options = [p.action_matches(pattern) for pattern in _strings(item, here)]
            parts.append(_either(options))
        elif kind == "any":
            if not isinstance(item, list) or not item:
                raise ClaimsError(f"{here}: expected a non-empty list of predicates")
            parts.append(_either([predicate(x, f"{here}[{i}]") for i, x in enumerate(item)]))
        elif kind == "not":
            parts.append(~predicate(item, here))
        else:
            raise ClaimsError(f"{here}: unknown predicate {kind!r}")
    result = parts[0]
    for part in parts[1:]:
        result = result & part
    return result


def _either(options: Sequence[p.Predicate]) -> p.Predicate:
    result = options[0]
    for option in options[1:]:
        result = result | option
    return result


def _scope(claim: Mapping[str, Any], where: str) -> Scope:
    principal = None
    if "principal" in claim:
        table = _table(claim["principal"], f"{where}.principal")
        unknown = set(table) - {"kind", "name", "account", "partition", "tags"}
        if unknown:
            raise ClaimsError(f"{where}.principal: unknown field {sorted(unknown)[0]!r}")
        partition = table.get("partition", "aws")
        if partition not in PARTITIONS:
            raise ClaimsError(
                f"{where}.principal.partition: {partition!r} is not one of "
                f"{', '.join(sorted(PARTITIONS))} (the caller's partition is every resource's)"
            )
        try:
            principal = ClaimPrincipal(
                kind=table["kind"],
                name=table["name"],
                account=table["account"],
                partition=partition,
                tags=_pairs(table["tags"], f"{where}.principal.tags") if "tags" in table else None,
            )
        except KeyError as err:
            raise ClaimsError(f"{where}.principal: missing {err.args[0]!r}") from None
    context: dict[str, tuple[str, ...] | None] = {}
    for key, value in _table(claim.get("context", {}), f"{where}.context").items():
        context[key] = tuple(_strings(value, f"{where}.context.{key}"))
    for key in _strings(claim.get("absent", []), f"{where}.absent"):
        context[key] = None
    any_key = claim.get("any_context_key", False)
    if not isinstance(any_key, bool):
        raise ClaimsError(f"{where}.any_context_key: expected true or false")
    return Scope(
        actions=tuple(_strings(claim.get("actions", "*"), f"{where}.actions")),
        resource_types=tuple(_strings(claim.get("resource_types", []), f"{where}.resource_types")),
        resource=_pairs(claim.get("resource", {}), f"{where}.resource"),
        context=context,
        principal=principal,
        catalog_keys=not any_key,
    )


def _claim(claim: Mapping[str, Any], where: str, folder: Path, read: PolicyReader) -> Claim:
    unknown = set(claim) - _FIELDS
    if unknown:
        raise ClaimsError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    expectations = [e for e in _EXPECTATIONS if e in claim]
    if len(expectations) != 1:
        raise ClaimsError(f"{where}: state exactly one of {', '.join(_EXPECTATIONS)}")
    name = claim.get("name", where)
    if not isinstance(name, str):
        raise ClaimsError(f"{where}.name: expected a string")
    if "policies" not in claim:
        raise ClaimsError(f"{where}: policies is required")

    def files(value: Any, field: str) -> list[str]:
        return [str(folder / f) for f in _strings(value, f"{where}.{field}")]

    identity = files(claim["policies"], "policies")
    boundary_files = files(claim["boundary"], "boundary") if "boundary" in claim else []
    if len(boundary_files) > 1:
        raise ClaimsError(f"{where}.boundary: one permissions boundary at most")
    levels = claim.get("scp", [])
    if not isinstance(levels, list):
        raise ClaimsError(f"{where}.scp: expected a list of lists of files")
    scp = [files(level, f"scp[{i}]") for i, level in enumerate(levels)]
    policies = load_policy_set(
        identity, boundary_files[0] if boundary_files else None, scp, read=read
    )
    scope = _scope(claim, where)
    expectation = expectations[0]
    value = claim[expectation]
    if expectation == "expect":
        if value == "never allowed":
            return Claim(name, lambda o: prove_never_allowed(policies, scope, options=o))
        if value not in _EXPECT:
            choices = ", ".join(repr(c) for c in [*_EXPECT, "never allowed"])
            raise ClaimsError(f"{where}.expect: expected one of {choices}")
        decision = _EXPECT[value]
        return Claim(name, lambda o: prove_always(policies, scope, decision, options=o))
    if expectation in ("allowed_only_if", "allowed_exactly_when"):
        condition = predicate(value, f"{where}.{expectation}")
        prove = prove_only_if if expectation == "allowed_only_if" else prove_exactly_when
        return Claim(name, lambda o: prove(policies, scope, condition, options=o))
    other = load_policy_set(files(value, expectation), read=read)
    if expectation == "no_new_access_over":
        return Claim(name, lambda o: prove_no_new_access(other, policies, scope, options=o))
    return Claim(name, lambda o: prove_equivalent(policies, other, scope, options=o))


def load_claims(path: str, *, read: PolicyReader = read_policy_text) -> list[Claim]:
    """Every claim of a claims file, its policies read and compiled.

    Raises ClaimsError naming the file (and line and column for TOML syntax) or the claim
    and field, and SimulationInputError for a policy that does not parse (file:line:col).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ClaimsError(f"{path}: cannot read claims: {err}") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ClaimsError(f"{path}: {err}") from err
    unknown = set(data) - {"claim"}
    if unknown:
        raise ClaimsError(f"{path}: unknown top-level entry {sorted(unknown)[0]!r} (use [[claim]])")
    claims = data.get("claim")
    if not isinstance(claims, list) or not claims:
        raise ClaimsError(f"{path}: no [[claim]] in the file")
    folder = Path(path).parent
    return [
        _claim(_table(c, f"{path}: claim {i}"), f"{path}: claim {i}", folder, read)
        for i, c in enumerate(claims, 1)
    ]


__all__ = ["Claim", "ClaimsError", "PolicySet", "load_claims", "predicate"]
