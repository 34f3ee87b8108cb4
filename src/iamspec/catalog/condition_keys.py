"""Condition keys of the service reference: case-insensitive, template-aware lookup.

A service lists its keys in its "Condition keys" table with a type (``String``, ``ARN``,
``ArrayOfString``...), some as templates (``aws:ResourceTag/${TagKey}``,
``s3:ExistingObjectTag/<key>``). AWS's global keys are in
:mod:`iamspec.global_condition_keys`, not here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from iamspec.catalog.actions import ActionInfo, dedupe
from iamspec.catalog.arn_templates import ResourceType
from iamspec.suggest import close_matches

__all__ = ["CONTEXT_KEY_TYPES", "WEB_IDENTITY_KEY", "KeyTable", "key_suggestions", "listed_keys"]

CONTEXT_KEY_TYPES: Mapping[str, str] = {
    "String": "string",
    "ARN": "string",
    "ArrayOfString": "stringList",
    "ArrayOfARN": "stringList",
    "Bool": "boolean",
    "ArrayOfBool": "booleanList",
    "Numeric": "numeric",
    "ArrayOfNumeric": "numericList",
    "Date": "date",
    "ArrayOfDate": "dateList",
    "IPAddress": "ip",
    "ArrayOfIPAddress": "ipList",
    "Binary": "binary",
    "ArrayOfBinary": "binaryList",
}
"""The Service Authorization Reference's key types → AWS's ``ContextKeyType``, as the
request builder and the symbolic layer's counterexamples send a key."""

WEB_IDENTITY_KEY = re.compile(
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s:]*)?:(aud|sub|amr|azp|oaud|email)"
)
"""``<provider>:<claim>`` of an OIDC provider (``token.actions.githubusercontent.com:sub``).

The Service Authorization Reference lists some providers' keys, not the claims IAM documents
for every OIDC provider: ``aud``, ``sub``, ``amr``, ``azp``, ``oaud``, ``email`` ("Available
keys for AWS web identity federation",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html).
Custom claims are not available (GitHub's "Configuring OpenID Connect in Amazon Web Services").
"""

_KEY_VARIABLE = re.compile(r"(\$\{[^}]*\}|<[^>]*>)")


@functools.cache
def _key_template_pattern(key: str) -> re.Pattern[str] | None:
    """A case-insensitive full-match regex for a key template, None for a plain key.

    Both spellings the reference uses are variables: ``${TagKey}`` and ``<key>``
    (``s3:ExistingObjectTag/<key>``).
    """
    pieces = _KEY_VARIABLE.split(key)
    if len(pieces) == 1:
        return None
    regex = "".join(".+" if i % 2 else re.escape(piece) for i, piece in enumerate(pieces))
    return re.compile(regex, re.IGNORECASE | re.DOTALL)


def _template_literal_length(key: str) -> int:
    return len(_KEY_VARIABLE.sub("", key))


class KeyTable:
    """Condition keys indexed for case-insensitive, template-aware lookup."""

    __slots__ = ("_exact", "_keys", "_templates")

    def __init__(self, entries: Iterable[tuple[str, str | None]]) -> None:
        exact: dict[str, tuple[str, str | None]] = {}
        templates: list[tuple[int, re.Pattern[str], str, str | None]] = []
        keys: list[str] = []
        for key, key_type in entries:
            lowered = key.lower()
            if lowered in exact:
                continue
            exact[lowered] = (key, key_type)
            keys.append(key)
            pattern = _key_template_pattern(key)
            if pattern is not None:
                templates.append((_template_literal_length(key), pattern, key, key_type))
        # The longest fixed text wins: events:Metadata/${K}/Matcher before events:Metadata/${K}.
        templates.sort(key=lambda t: -t[0])
        self._exact = exact
        self._templates = templates
        self._keys = tuple(keys)

    def lookup(self, key: str) -> tuple[str, str | None] | None:
        """(canonical key or template, type) for ``key``, or None."""
        hit = self._exact.get(key.lower())
        if hit is not None:
            return hit
        for _, pattern, canonical, key_type in self._templates:
            if pattern.fullmatch(key) is not None:
                return (canonical, key_type)
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return self._keys


def _simple_template_head(key: str) -> str | None:
    """``aws:ResourceTag/`` for ``aws:ResourceTag/${TagKey}``; None unless the template is
    exactly ``head/`` followed by one variable."""
    match = re.fullmatch(r"([^/]*/)(\$\{[^}]*\}|<[^>]*>)", key)
    return match.group(1) if match else None


def key_suggestions(key: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """The keys among ``candidates`` that ``key`` may have meant, best first, at most five.

    A suggestion for a template keeps the caller's suffix: ``aws:ResourceTags/Department``
    suggests ``aws:ResourceTag/Department``; a template named without its suffix
    (``aws:PrincipalTag``) suggests the template (``aws:PrincipalTag/${TagKey}``).
    """
    candidates = list(candidates)
    heads: dict[str, tuple[str, str]] = {}  # "aws:resourcetag/" -> (head, template)
    for candidate in candidates:
        template_head = _simple_template_head(candidate)
        if template_head is not None:
            heads.setdefault(template_head.lower(), (template_head, candidate))
    suggestions: list[str] = []
    head, slash, tail = key.partition("/")
    if slash and tail:
        # Keep the caller's suffix: aws:ResourceTags/Department -> aws:ResourceTag/Department
        for match in close_matches(f"{head}/".lower(), heads, cutoff=0.75):
            suggestions.append(heads[match][0] + tail)
    else:
        # A template named without its suffix: aws:PrincipalTag -> aws:PrincipalTag/${TagKey}
        bare = {h.rstrip("/"): pair[1] for h, pair in heads.items()}
        for match in close_matches(key.lower(), bare, limit=2, cutoff=0.75):
            suggestions.append(bare[match])
    plain = {candidate.lower(): candidate for candidate in candidates}
    for match in close_matches(key.lower(), plain, cutoff=0.75):
        suggestions.append(plain[match])
    return dedupe(suggestions)[:5]


def listed_keys(action: ActionInfo, resource_type: ResourceType | None) -> tuple[str, ...]:
    """The keys the reference lists for ``action`` on ``resource_type``, without repeats.

    The action-level keys, then the keys of the (action, resource type) row, then the
    resource type's own keys. A resource type that is not one of the action's contributes
    nothing; ``None`` gives the action-level keys only.
    """
    keys = list(action.condition_keys)
    if resource_type is not None and resource_type.service == action.service:
        lowered = resource_type.name.lower()
        ref = next((r for r in action.resource_types if r.name.lower() == lowered), None)
        if ref is not None:
            keys.extend(ref.condition_keys)
            keys.extend(resource_type.condition_keys)
    return dedupe(keys)
