"""Policy files under ``policy_dir``: read, placeholder-filled, parsed once, cached per session.

A scenario names a policy by its path relative to ``[tool.iamspec] policy_dir``
(``"connect/describe-update-by-department.json"``). :class:`PolicyStore` reads the file, fills
its ``{{placeholders}}`` (:mod:`iamspec.project.placeholders`), parses it with
:func:`iamspec.parse_policy` and keeps the result for the rest of the session, so a thousand
scenarios that share a policy parse it once.

A name is resolved inside ``policy_dir`` (symbolic links followed first): ``../x.json``, an
absolute path, a link to a file outside the folder, a device, a FIFO or a file larger than
:data:`MAX_POLICY_FILE_BYTES` is a :class:`PolicyFileError` saying why, which never quotes the
file (:func:`iamspec.files.read_inside`). Errors name the file as the project sees it
(``policies/connect/x.json``): a missing file is a :class:`PolicyFileError` with "did you mean"
over the files that exist; a policy that does not
parse is the parser's :class:`~iamspec.errors.PolicyParseError`, with its line and column
mapped back through the placeholders to the file as written.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from iamspec.engine.compiled import CompiledPolicy, PolicyRole, compile_policy
from iamspec.errors import PolicyParseError
from iamspec.files import UnsafePathError, read_inside
from iamspec.harness.errors import PolicyFileError, PolicyLintError
from iamspec.lint.findings import Finding
from iamspec.lint.runner import lint_text
from iamspec.policy.model import Policy, Statement
from iamspec.policy.parser import PolicyKind, parse_policy
from iamspec.project.placeholders import Filled, fill
from iamspec.project.settings import Settings
from iamspec.suggest import close_matches

__all__ = ["PolicyFile", "PolicyStore"]

IDENTITY_POLICY_TYPE = "IAM Policy"
"""The ``SourcePolicyType`` AWS reports for identity policies (observed value)."""

_IAM_NAME_CHARS = re.compile(r"[^\w+=,.@-]")
_COMPILED_IDS = 64
"""Policy ids a :class:`PolicyFile` keeps compiled (its own, and one per group it is seen
through)."""

MAX_POLICY_FILE_BYTES = 4 * 131_072
"""The largest policy file read: SimulateCustomPolicy takes policies of up to 131,072
characters (PolicyInputList, "Length Constraints" in the IAM API Reference), and no such text
needs more than four bytes a character in UTF-8. The size is checked before reading."""


@dataclass(frozen=True, eq=False)
class PolicyFile:
    """One policy file, filled and parsed; compared and hashed by identity (one per session).

    ``name`` is how scenarios refer to it (relative to ``policy_dir``); ``display`` is the path
    relative to the project root, used in every message and as the policy id in explanations.
    ``text`` is the filled text: what every backend receives.
    """

    name: str
    path: Path
    display: str
    kind: PolicyKind
    filled: Filled
    policy: Policy
    _compiled: dict[tuple[str, PolicyRole], CompiledPolicy] = field(
        default_factory=dict, repr=False, compare=False
    )
    lint_warnings: tuple[Finding, ...] = ()
    """Linter findings below error severity: the policy runs, the findings are reported."""
    _tag_keys: dict[PolicyRole, tuple[str, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def text(self) -> str:
        return self.filled.text

    @property
    def managed_policy_name(self) -> str:
        """A valid IAM policy name for this file (``connect-describe-update-by-department``).

        Used when the file becomes a customer managed policy (moto, live principals); a short
        hash of the path keeps names unique where two paths would flatten to the same name.
        """
        stem = self.name.removesuffix(".json").replace("/", "-").replace("\\", "-")
        base = _IAM_NAME_CHARS.sub("_", stem)[:100]
        digest = hashlib.sha256(self.name.encode()).hexdigest()[:8]
        return f"{base}-{digest}"

    def compiled(self, policy_id: str, role: PolicyRole) -> CompiledPolicy:
        """The policy compiled for the engine under ``policy_id`` (cached; a group's policy has
        an id per group, so the cache is bounded)."""
        key = (policy_id, role)
        found = self._compiled.get(key)
        if found is None:
            found = compile_policy(self.policy, policy_id, IDENTITY_POLICY_TYPE, role)
            if len(self._compiled) >= _COMPILED_IDS:
                self._compiled.clear()
            self._compiled[key] = found
        return found

    def tag_keys(
        self, role: PolicyRole, read: Callable[[Policy, Iterable[str]], list[str]]
    ) -> tuple[str, ...]:
        """The tag keys the policy reads, as ``read`` finds them in the policy and the keys
        its conditions reference (computed once per role: the file does not change)."""
        found = self._tag_keys.get(role)
        if found is None:
            compiled = self.compiled(self.display, role)
            found = self._tag_keys[role] = tuple(read(self.policy, compiled.referenced_keys))
        return found

    def statement_at(self, line: int, column: int) -> Statement | None:
        """The statement whose simulator ``StartPosition`` is (line, column), if any."""
        for statement in self.policy.statements:
            if (statement.start.line, statement.start.column) == (line, column):
                return statement
        return None

    def describe_statement(self, statement: Statement) -> str:
        """``policies/x.json statement 2 (Sid)`` — the label the engine's traces use too."""
        sid = f" ({statement.sid})" if statement.sid else ""
        return f"{self.display} statement {statement.index + 1}{sid}"


class PolicyStore:
    """Loads policy files relative to ``settings.policy_dir``; one parse per file and kind."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache: dict[tuple[str, PolicyKind], PolicyFile] = {}

    def _display(self, path: Path) -> str:
        try:
            return path.relative_to(self.settings.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _suggestions(self, name: str) -> list[str]:
        root = self.settings.policy_dir
        if not root.is_dir():
            return []
        known = [p.relative_to(root).as_posix() for p in root.rglob("*.json")]
        return close_matches(name, known)

    def load(self, name: str, kind: PolicyKind = PolicyKind.IDENTITY) -> PolicyFile:
        """The policy file ``name`` (relative to ``policy_dir``), parsed as ``kind``.

        Raises PolicyFileError for a missing or unreadable file, a name that leaves
        ``policy_dir`` or is not a regular file of a bounded size, PlaceholderError for a bad
        placeholder and PolicyParseError (file, line, column as written) for a policy IAM
        would reject.
        """
        key = (name, kind)
        found = self._cache.get(key)
        if found is not None:
            return found
        folder = self.settings.policy_dir
        where = self._display(folder)
        path = folder / name
        display = self._display(path)
        if not name or Path(name).is_absolute():
            raise PolicyFileError(name, f"give a path relative to {where}/")
        outside = (
            f"resolves outside {where}/ (after following symbolic links); a policy must be a "
            f"file under {where}/"
        )
        if os.path.normpath(name).split(os.sep)[0] == os.pardir:
            raise PolicyFileError(display, outside)
        if not path.exists() and not path.is_symlink():
            raise PolicyFileError(
                display,
                f"no such file (policies are looked up under {where}/)",
                self._suggestions(name),
            )
        try:
            raw = read_inside(folder, name, limit=MAX_POLICY_FILE_BYTES, shown=display)
        except UnsafePathError as err:
            reason = outside if err.reason.startswith("resolves outside") else err.reason
            raise PolicyFileError(display, reason) from None
        filled = fill(raw, self.settings.placeholder_values(), display)
        try:
            policy = parse_policy(filled.text, display, kind=kind)
        except PolicyParseError as err:
            line, column = filled.original_position(err.line, err.column)
            mapped = PolicyParseError(display, line, column, err.reason)
            for note in getattr(err, "__notes__", ()):
                mapped.add_note(note)
            raise mapped from None
        findings = lint_text(
            raw, display, kind=kind, placeholders=self.settings.placeholder_values().keys()
        )
        errors = [f for f in findings if f.is_error]
        if errors:
            raise PolicyLintError(display, [str(f) for f in errors])
        warnings = tuple(f for f in findings if not f.is_error)
        loaded = PolicyFile(name, path, display, kind, filled, policy, lint_warnings=warnings)
        self._cache[key] = loaded
        return loaded
