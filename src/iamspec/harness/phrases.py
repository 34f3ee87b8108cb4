"""The scenario language's phrases: one parser for every argument a step takes.

Every step reads its quoted arguments through this module, so a phrase means the same in a
Given, a When and a decision table:

==========================  ==============================================================
tags                        ``Department=Test, Owner=TeamA`` (:func:`parse_tags`)
context                     ``aws:SourceIp=203.0.113.7, aws:CalledVia=a`` (:func:`parse_context`)
names                       ``a.json, b.json`` (:func:`parse_names`)
resource kinds              ``Connect user``, ``outbound campaign``... (:func:`resource_kind`)
principal kinds and names   ``IAM user`` ``"test-admin"`` (:func:`principal_kind`,
                            :func:`principal_name`)
resources                   ``the Connect user "jdoe" [in the Connect instance "I"] and the
                            routing profile "basic"``, ``the IAM user "u"``,
                            ``the ARN "arn:..."``, ``any resource`` (:func:`parse_resources`)
decision-table cells        ``Connect user jdoe``, ``*``, ``-``, an ARN (:func:`table_resources`)
==========================  ==============================================================

Placeholders. ``{{name}}`` from ``[tool.iamspec]`` is filled in every tag key and value,
context key and value, ARN and resource id (:class:`Phrases` binds the parser to a project's
values; the module functions take a ``fill`` function). Filling happens after the phrase is
split, so a value with a comma cannot add a tag. Names of principals and resources are the
scenario's own identifiers and are not filled.

Errors are :class:`~iamspec.harness.errors.ScenarioInputError` (or
:class:`~iamspec.harness.errors.UnknownNameError` with "did you mean" for kinds,
:class:`~iamspec.errors.MalformedArnError` for an ARN,
:class:`~iamspec.project.errors.PlaceholderError` for a placeholder); the plugin adds the
feature file and line of the step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from iamspec.arns import parse_arn
from iamspec.harness.errors import ScenarioInputError, UnknownNameError
from iamspec.project.placeholders import fill_text
from iamspec.resource_kinds import (
    KINDS_BY_PHRASE,
    RAW_ARN,
    RESOURCE_KINDS,
    PrincipalKind,
    ResourceKind,
)
from iamspec.suggest import close_matches

__all__ = [
    "ANY_RESOURCE",
    "Phrases",
    "ResourceRef",
    "ResourceTargets",
    "parse_context",
    "parse_names",
    "parse_resources",
    "parse_tags",
    "principal_kind",
    "principal_name",
    "resource_kind",
    "table_resources",
]

Fill = Callable[[str], str]
"""Fills the ``{{placeholders}}`` of one piece of a phrase."""

ANY_RESOURCE = "any resource"
"""The phrase that means Resource ``*``."""

_TAG_KEY = re.compile(r"[\w.:/=+\-@ ]{1,128}")
_TAG_VALUE = re.compile(r"[\w.:/=+\-@ ]{0,256}")
_IAM_NAME = re.compile(r"[\w+=,.@-]+")
_IAM_NAME_LIMIT = {PrincipalKind.USER: 64, PrincipalKind.ROLE: 64, PrincipalKind.GROUP: 128}
_ITEM = re.compile(
    r'(?:(?:the|a|an) )?(?P<kind>[^"]+?) "(?P<name>[^"]*)"'
    r'(?: in the Connect instance "(?P<instance>[^"]*)")?'
)
_SEPARATOR = re.compile(r"(?:,\s*|\s+and\s+)(?:the |a |an )?")
_MAX_ITEMS = 100
"""Resources one phrase may name (a Simulate* call takes at most 1,000 ARNs in total)."""
MAX_TAGS = 50
"""Tags one phrase may give: AWS allows 50 user-defined tags per resource, IAM user or role,
and per tagging request (Tagging AWS resources, "Tag naming limits and requirements")."""


def _as_is(text: str) -> str:
    return text


# --------------------------------------------------------------------------------------------
# tags, context, names


def parse_tags(text: str, fill: Fill = _as_is) -> dict[str, str]:
    """``"Department=Test, Owner=TeamA"`` → ``{"Department": "Test", "Owner": "TeamA"}``.

    Pairs are separated by commas (AWS tag keys and values cannot contain one); each pair is
    split at its first ``=``; spaces around keys and values are dropped; then ``fill`` fills
    the key and the value. An empty text means no tags. Raises ScenarioInputError for a pair
    without ``=``, an empty key, a key given twice, characters AWS does not allow in tags, or
    more than :data:`MAX_TAGS` tags.
    """
    tags: dict[str, str] = {}
    if not text.strip():
        return tags
    pairs = text.split(",")
    if len(pairs) > MAX_TAGS:
        raise ScenarioInputError(
            f"{len(pairs)} tags in {text[:60]!r}...: AWS allows at most {MAX_TAGS} per resource"
        )
    for raw in pairs:
        pair = raw.strip()
        key, eq, value = pair.partition("=")
        if not eq:
            raise ScenarioInputError(f"tag {pair!r} has no '=': write tags as Key=Value, Key=Value")
        key, value = fill(key.strip()), fill(value.strip())
        if not key:
            raise ScenarioInputError(f"tag {pair!r} has an empty key")
        if key in tags:
            raise ScenarioInputError(f"tag key {key!r} is given twice in {text!r}")
        if not _TAG_KEY.fullmatch(key):
            raise ScenarioInputError(f"tag key {key!r} has characters AWS does not allow in tags")
        if not _TAG_VALUE.fullmatch(value):
            raise ScenarioInputError(
                f"tag value {value!r} has characters AWS does not allow in tags"
            )
        tags[key] = value
    return tags


def parse_context(text: str, fill: Fill = _as_is) -> tuple[tuple[str, str], ...]:
    """``"aws:SourceIp=203.0.113.7, aws:CalledVia=a, aws:CalledVia=b"`` → (key, value) pairs.

    Pairs are separated by commas and split at the first ``=``; ``fill`` fills each key and
    value; a key may repeat (its values then form a multivalued entry). Raises
    ScenarioInputError for a pair without ``=`` or key.
    """
    pairs: list[tuple[str, str]] = []
    if not text.strip():
        return ()
    for raw in text.split(","):
        key, eq, value = raw.strip().partition("=")
        if not eq or not key.strip():
            raise ScenarioInputError(
                f"context entry {raw.strip()!r}: write context keys as key=value, key=value"
            )
        pairs.append((fill(key.strip()), fill(value.strip())))
    return tuple(pairs)


def parse_names(text: str | None) -> list[str]:
    """``"a.json, b.json"`` → ``["a.json", "b.json"]`` (empty items dropped)."""
    return [n.strip() for n in (text or "").split(",") if n.strip()]


# --------------------------------------------------------------------------------------------
# kinds and principal names


def resource_kind(phrase: str) -> ResourceKind:
    """The kind a phrase names (``Connect user``; case-insensitive); UnknownNameError with
    suggestions otherwise."""
    found = KINDS_BY_PHRASE.get(" ".join(phrase.split()).lower())
    if found is None:
        raise UnknownNameError(
            "kind of resource",
            phrase,
            close_matches(phrase, [k.phrase for k in RESOURCE_KINDS], ignore_case=True),
        )
    return found


def principal_kind(text: str | PrincipalKind) -> PrincipalKind:
    """``IAM user`` (or ``user``) → :attr:`PrincipalKind.USER`; UnknownNameError otherwise."""
    if isinstance(text, PrincipalKind):
        return text
    word = text.strip().lower().removeprefix("iam ").strip()
    for kind in PrincipalKind:
        if kind.value == word:
            return kind
    raise UnknownNameError("kind of IAM principal", text, ["IAM user", "IAM group", "IAM role"])


def principal_name(kind: PrincipalKind, name: str) -> str:
    """``name`` when IAM accepts it for ``kind`` (letters, digits, ``+=,.@_-``; 64 characters
    for users and roles, 128 for groups); ScenarioInputError otherwise."""
    if not _IAM_NAME.fullmatch(name) or len(name) > _IAM_NAME_LIMIT[kind]:
        raise ScenarioInputError(
            f"{name!r} is not a valid {kind.phrase} name (letters, digits and +=,.@_-; "
            f"at most {_IAM_NAME_LIMIT[kind]} characters)"
        )
    return name


# --------------------------------------------------------------------------------------------
# resources


@dataclass(frozen=True)
class ResourceRef:
    """One resource a phrase names: its kind (:data:`RAW_ARN` for ``the ARN "..."``), its name
    (the filled ARN for a raw ARN) and the Connect instance a new resource goes in."""

    kind: ResourceKind
    name: str
    instance: str | None = None

    @property
    def is_arn(self) -> bool:
        return self.kind is RAW_ARN


@dataclass(frozen=True)
class ResourceTargets:
    """What a request is about: named resources, or ``any resource`` (Resource ``*``)."""

    items: tuple[ResourceRef, ...] = ()
    any_resource: bool = False


def _resource_ref(kind_phrase: str, name: str, instance: str | None, fill: Fill) -> ResourceRef:
    if " ".join(kind_phrase.split()).lower() == RAW_ARN.phrase.lower():
        text = fill(name)
        parse_arn(text, strict=True)  # MalformedArnError naming what is wrong
        return ResourceRef(RAW_ARN, text, None)
    return ResourceRef(resource_kind(kind_phrase), name, instance)


def parse_resources(phrase: str, fill: Fill = _as_is) -> ResourceTargets:
    """``the Connect user "jdoe" and the routing profile "basic"`` → the resources named.

    Items are ``[the|a|an] KIND "NAME" [in the Connect instance "I"]`` (KIND may be ``ARN``,
    NAME then the ARN), joined by ``and`` or commas; ``any resource`` alone means ``*``.
    Raises ScenarioInputError for text that does not read that way, UnknownNameError for an
    unknown kind, MalformedArnError for a bad ARN.
    """
    text = phrase.strip()
    if text == ANY_RESOURCE:
        return ResourceTargets(any_resource=True)
    items: list[ResourceRef] = []
    pos = 0
    while len(items) < _MAX_ITEMS:
        match = _ITEM.match(text, pos)
        if match is None:
            raise ScenarioInputError(
                f'cannot read resources from {phrase!r}: expected the <kind> "<name>", '
                'joined by "and"'
            )
        kind, name, instance = match.group("kind", "name", "instance")
        items.append(_resource_ref(kind, name, instance, fill))
        pos = match.end()
        if pos == len(text):
            return ResourceTargets(tuple(items))
        sep = _SEPARATOR.match(text, pos)
        if sep is None:
            raise ScenarioInputError(f"cannot read resources from {phrase!r} after {text[:pos]!r}")
        pos = sep.end()
    raise ScenarioInputError(f"{phrase!r} names more than {_MAX_ITEMS} resources")


_KINDS_LONGEST_FIRST = tuple(sorted(KINDS_BY_PHRASE, key=len, reverse=True))


def table_resources(cell: str, fill: Fill = _as_is) -> ResourceTargets | None:
    """A decision table's resource cell: empty or ``-`` = none (None), ``*`` = any resource.

    Quotes are optional: ``Connect user jdoe`` reads as ``the Connect user "jdoe"``; a cell
    starting with ``arn:`` is an ARN.
    """
    text = cell.strip()
    if text in ("", "-"):
        return None
    if text in ("*", ANY_RESOURCE):
        return ResourceTargets(any_resource=True)
    if '"' in text:
        return parse_resources(text, fill)
    if text.startswith("arn:"):
        return parse_resources(f'the ARN "{text}"', fill)
    body = text.removeprefix("the ").strip()
    for kind in _KINDS_LONGEST_FIRST:
        if body.lower().startswith(kind + " "):
            return parse_resources(f'the {body[: len(kind)]} "{body[len(kind) :].strip()}"', fill)
    return parse_resources(text, fill)


# --------------------------------------------------------------------------------------------
# bound to a project's placeholders


class Phrases:
    """The phrase parser with a project's ``{{placeholder}}`` values (one per run, shared by its
    scenario worlds: it keeps no state)."""

    def __init__(self, placeholders: Mapping[str, str]) -> None:
        self.placeholders = placeholders

    def fill(self, text: str) -> str:
        """``text`` with its ``{{placeholders}}`` filled; PlaceholderError names the text and
        the column of an unknown or malformed one."""
        if "{{" not in text:
            return text
        return fill_text(text, self.placeholders, f"step argument {text!r}")

    def tags(self, text: str) -> dict[str, str]:
        return parse_tags(text, self.fill)

    def context(self, text: str) -> tuple[tuple[str, str], ...]:
        return parse_context(text, self.fill)

    def resources(self, phrase: str) -> ResourceTargets:
        return parse_resources(phrase, self.fill)

    def table_resources(self, cell: str) -> ResourceTargets | None:
        return table_resources(cell, self.fill)
