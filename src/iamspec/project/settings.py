"""A project's settings: ``[tool.iamspec]`` of its ``pyproject.toml``.

Read with :func:`load_settings` (the harness once per session, from the pytest rootdir; the
living docs and the CLI from the project root). Every key is optional::

    [tool.iamspec]
    account_id = "111122223333"      # the account the scenarios' ARNs live in (12 digits)
    region = "us-east-1"             # the region of regional ARNs
    partition = "aws"                # aws, aws-cn, aws-us-gov, ...
    policy_dir = "policies"          # where "with the policy ..." looks, relative to rootdir
    default_connect_instance = "main"
    lint_exclude = ["policies/published"]  # deliberately broken copies `iamspec lint` skips
    resource_policies = ["policies/iamspec/nightly-live-role-trust.json"]  # trust policies

    [tool.iamspec.connect_instances]  # Connect instance ids by the name scenarios use
    main = "11111111-2222-3333-4444-555555555555"

    [tool.iamspec.placeholders]       # values for {{name}} in policy files (see placeholders)
    key-id = "1234abcd-12ab-34cd-56ef-1234567890ab"

    [tool.iamspec.deployed_principals]  # logical name -> ARN of a real principal (live mode)
    test-admin = "arn:aws:iam::111122223333:user/test-admin"

Other tools keep their own keys in the same table, so an unknown key is ignored, unless it
is one or two typos away from one of the keys above (``acount_id``): that is an error with a
suggestion, because a misspelt setting would silently fall back to its default.

``lint_exclude`` lists files or folders, relative to the project root, that ``iamspec lint``
skips when it walks a folder (it still lints one named on its command line): copies kept
broken on purpose, like verbatim published examples. ``resource_policies`` lists files or
folders holding resource-based policies (a role's trust policy, a bucket policy): ``iamspec
lint`` checks them against the resource-based grammar (a Principal, no Resource needed)
unless ``--kind`` says otherwise. Each path of both must stay inside the project.

:func:`find_project_root` finds the project a command runs in: the nearest folder, from the
current one up, whose ``pyproject.toml`` has a ``[tool.iamspec]`` table.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamspec.arns import PARTITIONS, is_account_id, parse_iam_entity
from iamspec.project.errors import SettingsError
from iamspec.suggest import close_matches

__all__ = ["DEFAULTS", "Settings", "find_project_root", "load_settings"]

DEFAULTS: Mapping[str, str] = {
    "account_id": "111122223333",
    "region": "us-east-1",
    "partition": "aws",
    "policy_dir": "policies",
    "default_connect_instance": "main",
}
_TABLES = ("placeholders", "connect_instances", "deployed_principals")
_LISTS = ("lint_exclude", "resource_policies")
KNOWN_KEYS: tuple[str, ...] = (*DEFAULTS, *_TABLES, *_LISTS)
_MAX_PARENTS = 64
"""How many folders :func:`find_project_root` climbs at most (deeper trees do not exist)."""

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_RESOURCE_ID = re.compile(r"[^\s:/\"\\]+")
_ENTITY_NAME = re.compile(r"[\w+=,.@-]+")
_ENTITY_PATH = re.compile(r"/(?:[^/\s]+/)*")
_BAD_VALUE_CHARS = re.compile(r"[\"\\\x00-\x1f\x7f]")
PLACEHOLDER_NAME = _NAME
"""The form of a placeholder name (also a connect-instance or principal name)."""


@dataclass(frozen=True)
class Settings:
    """The settings in force; build with :func:`load_settings` (or directly, in tests).

    ``policy_dir`` is absolute. ``placeholders`` is the ``[tool.iamspec.placeholders]`` table
    as written; :meth:`placeholder_values` adds the built-in names. ``connect_instances`` maps
    a scenario's instance name to its id; a name not listed gets its own name as id.
    """

    root: Path
    source: str = "pyproject.toml"
    account_id: str = DEFAULTS["account_id"]
    region: str = DEFAULTS["region"]
    partition: str = DEFAULTS["partition"]
    policy_dir: Path = Path(DEFAULTS["policy_dir"])
    default_connect_instance: str = DEFAULTS["default_connect_instance"]
    placeholders: Mapping[str, str] = field(default_factory=dict)
    connect_instances: Mapping[str, str] = field(default_factory=dict)
    deployed_principals: Mapping[str, str] = field(default_factory=dict)
    lint_exclude: tuple[str, ...] = ()
    resource_policies: tuple[str, ...] = ()
    _values: Mapping[str, str] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self.policy_dir.is_absolute():
            object.__setattr__(self, "policy_dir", self.root / self.policy_dir)
        self._validate()
        object.__setattr__(self, "_values", self._build_placeholder_values())

    # -- validation ---------------------------------------------------------------------------

    def _error(self, key: str, reason: str) -> SettingsError:
        return SettingsError(self.source, key, reason)

    def _validate(self) -> None:
        if not is_account_id(self.account_id):
            raise self._error("account_id", f"{self.account_id!r} is not a 12-digit account id")
        if not _REGION.fullmatch(self.region):
            raise self._error("region", f"{self.region!r} is not a region name like 'us-east-1'")
        if self.partition not in PARTITIONS:
            raise self._error(
                "partition",
                f"{self.partition!r} is not one of {', '.join(sorted(PARTITIONS))}",
            )
        for table in ("placeholders", "connect_instances", "deployed_principals"):
            for name in getattr(self, table):
                if not _NAME.fullmatch(name):
                    raise self._error(
                        f"{table}.{name}",
                        "names are letters, digits, '_', '.', '-' (starting with a letter or "
                        "digit)",
                    )
        for name, value in self.placeholders.items():
            if _BAD_VALUE_CHARS.search(value):
                raise self._error(
                    f"placeholders.{name}",
                    "a value may not contain quotes, backslashes or control characters "
                    "(it is pasted into JSON strings)",
                )
        for name, value in self.connect_instances.items():
            if not _RESOURCE_ID.fullmatch(value):
                raise self._error(f"connect_instances.{name}", f"{value!r} is not an instance id")
        for name, arn in self.deployed_principals.items():
            entity = parse_iam_entity(arn)
            if (
                entity is None
                or entity.kind not in ("user", "role")
                or not _ENTITY_PATH.fullmatch(entity.path)
                or not _ENTITY_NAME.fullmatch(entity.name)
            ):
                raise self._error(
                    f"deployed_principals.{name}", f"{arn!r} is not an IAM user or role ARN"
                )
            if (entity.arn.partition, entity.account) != (self.partition, self.account_id):
                # SimulatePrincipalPolicy rejects a PolicySourceArn of another account
                # (InvalidInput), and the scenarios' ARNs and policies are this account's.
                raise self._error(
                    f"deployed_principals.{name}",
                    f"{arn!r} is not in this project's account (arn:{self.partition}:iam::"
                    f"{self.account_id}:...); the live run asks the account it describes",
                )
        for index, entry in enumerate(self.lint_exclude):
            self._check_project_path("lint_exclude", index, entry)
        for index, entry in enumerate(self.resource_policies):
            self._check_project_path("resource_policies", index, entry)
        if self.connect_instances and self.default_connect_instance not in self.connect_instances:
            raise self._error(
                "default_connect_instance",
                f"{self.default_connect_instance!r} is not in [tool.iamspec.connect_instances] "
                f"({', '.join(sorted(self.connect_instances))})",
            )

    def _check_project_path(self, setting: str, index: int, entry: str) -> None:
        key = f"{setting}[{index}]"
        path = Path(entry)
        if not entry.strip() or _BAD_VALUE_CHARS.search(entry):
            raise self._error(key, f"{entry!r} is not a path")
        if path.is_absolute() or entry.startswith("~"):
            raise self._error(key, f"{entry!r} must be relative to the project root")
        if any(c in entry for c in "*?["):
            raise self._error(key, f"{entry!r}: name files or folders, not patterns")
        if not (self.root / path).resolve().is_relative_to(self.root.resolve()):
            raise self._error(key, f"{entry!r} leaves the project root")

    def excluded_paths(self) -> tuple[Path, ...]:
        """``lint_exclude`` as absolute, resolved paths."""
        return tuple((self.root / entry).resolve() for entry in self.lint_exclude)

    def resource_policy_paths(self) -> tuple[Path, ...]:
        """``resource_policies`` as absolute, resolved paths."""
        return tuple((self.root / entry).resolve() for entry in self.resource_policies)

    # -- placeholders -------------------------------------------------------------------------

    def builtin_placeholders(self) -> dict[str, str]:
        """``partition``, ``region``, ``account_id`` and ``connect_instances.<name>``."""
        values = {
            "partition": self.partition,
            "region": self.region,
            "account_id": self.account_id,
        }
        for name, instance_id in self.connect_instances.items():
            values[f"connect_instances.{name}"] = instance_id
        return values

    def _build_placeholder_values(self) -> dict[str, str]:
        builtins = self.builtin_placeholders()
        values = dict(builtins)
        for name, raw in self.placeholders.items():
            value = _expand_references(raw, builtins, self, name)
            if name in builtins and builtins[name] != value:
                raise self._error(
                    f"placeholders.{name}",
                    f"{value!r} contradicts the setting {name} = {builtins[name]!r}; "
                    "drop the placeholder, the setting already provides it",
                )
            values[name] = value
        return values

    def placeholder_values(self) -> Mapping[str, str]:
        """Every ``{{name}}`` a policy file may use, with its value."""
        return self._values

    # -- lookups ------------------------------------------------------------------------------

    def connect_instance_id(self, name: str) -> str:
        """The id of the Connect instance a scenario calls ``name`` (the name itself if unset)."""
        return self.connect_instances.get(name, name)


def _expand_references(raw: str, builtins: Mapping[str, str], settings: Settings, name: str) -> str:
    """A table value may reuse a built-in value: ``customer_account_id = "{{account_id}}"``."""

    def replace(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref not in builtins:
            raise settings._error(
                f"placeholders.{name}",
                f"{{{{{ref}}}}} is not a built-in placeholder ({', '.join(sorted(builtins))})",
            )
        return builtins[ref]

    return re.sub(r"\{\{([^{}]*)\}\}", replace, raw)


def _unknown_key_check(table: Mapping[str, Any], source: str) -> None:
    for key in table:
        if key in KNOWN_KEYS:
            continue
        close = close_matches(key.lower(), KNOWN_KEYS, limit=1, cutoff=0.8)
        if close:
            raise SettingsError(source, key, f"unknown setting; did you mean {close[0]!r}?")


def _string(table: Mapping[str, Any], key: str, source: str) -> str:
    value = table.get(key, DEFAULTS[key])
    if not isinstance(value, str):
        raise SettingsError(source, key, f"expected a string, got {type(value).__name__}")
    return value


def _string_table(table: Mapping[str, Any], key: str, source: str) -> dict[str, str]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise SettingsError(source, key, "expected a table")
    for name, item in value.items():
        if not isinstance(item, str):
            raise SettingsError(
                source, f"{key}.{name}", f"expected a string, got {type(item).__name__}"
            )
    return dict(value)


def _string_list(table: Mapping[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise SettingsError(source, key, f"expected a list of strings, got {type(value).__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise SettingsError(
                source, f"{key}[{index}]", f"expected a string, got {type(item).__name__}"
            )
    return tuple(value)


def _has_iamspec_table(path: Path) -> bool:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True  # load_settings then names the problem
    tool = document.get("tool")
    return isinstance(tool, dict) and "iamspec" in tool


def find_project_root(start: Path) -> Path | None:
    """The nearest folder from ``start`` up whose ``pyproject.toml`` has ``[tool.iamspec]``
    (one that cannot be read or parsed counts, so that loading it names the problem); None
    when there is none."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents[:_MAX_PARENTS]):
        path = candidate / "pyproject.toml"
        if path.is_file() and _has_iamspec_table(path):
            return candidate
    return None


def load_settings(root: Path) -> Settings:
    """Read ``[tool.iamspec]`` from ``root/pyproject.toml``; defaults where absent.

    Raises SettingsError (naming the file and key) for an invalid value or a misspelt key,
    and for a pyproject.toml that is not valid TOML.
    """
    path = root / "pyproject.toml"
    source = str(path)
    table: Mapping[str, Any] = {}
    if path.is_file():
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise SettingsError(source, "", f"not valid TOML: {err}") from err
        tool = document.get("tool", {})
        table = tool.get("iamspec", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise SettingsError(source, "", "[tool.iamspec] must be a table")
    _unknown_key_check(table, source)
    return Settings(
        root=root,
        source=source,
        account_id=_string(table, "account_id", source),
        region=_string(table, "region", source),
        partition=_string(table, "partition", source),
        policy_dir=Path(_string(table, "policy_dir", source)),
        default_connect_instance=_string(table, "default_connect_instance", source),
        placeholders=_string_table(table, "placeholders", source),
        connect_instances=_string_table(table, "connect_instances", source),
        deployed_principals=_string_table(table, "deployed_principals", source),
        lint_exclude=_string_list(table, "lint_exclude", source),
        resource_policies=_string_list(table, "resource_policies", source),
    )
