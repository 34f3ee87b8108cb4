"""The policies a claim is about, parsed and compiled by the engine's own code.

A :class:`PolicySet` is what ``simulate_custom_policy`` takes: identity policies
(``PolicyInputList``), at most one permissions boundary
(``PermissionsBoundaryPolicyInputList``) and SCP levels
(``OrderedOrganizationPolicyInputList``, root first). The symbolic layer reads the same
:class:`~iamspec.engine.compiled.CompiledPolicy` objects the engine evaluates, and the replay
hands the same texts to the simulator: there is no second parser.

Files are read through one function, :func:`read_policy_text`, so that filling
``{{placeholders}}`` (which the command line does not do today, as ``iamspec simulate``
does not) can be switched on in one place: pass another ``read`` to :func:`load_policy_set`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iamspec.engine.compiled import CompiledPolicy, PolicyRole, compile_policy
from iamspec.errors import PolicyParseError, SimulationInputError
from iamspec.policy.parser import PolicyKind, parse_policy
from iamspec.simulate.custom import IDENTITY_POLICY_TYPE, MAX_ORGANIZATION_LEVELS, SCP_POLICY_TYPE
from iamspec.simulate.inputs import MAX_POLICY_CHARS

PolicyReader = Callable[[str], str]
"""Reads a policy file's text; raises SimulationInputError naming the file when it cannot."""


@dataclass(frozen=True)
class PolicySet:
    """Identity policies, an optional permissions boundary and SCP levels (root first).

    Each policy's ``policy_id`` is the name explanations use (a file path, or
    ``PolicyInputList.N`` for texts).
    """

    identity: tuple[CompiledPolicy, ...]
    boundary: CompiledPolicy | None = None
    organization: tuple[tuple[CompiledPolicy, ...], ...] = ()

    def __post_init__(self) -> None:
        if not self.identity:
            raise SimulationInputError("a policy set needs at least one identity policy")
        if len(self.organization) > MAX_ORGANIZATION_LEVELS:
            raise SimulationInputError(
                f"at most {MAX_ORGANIZATION_LEVELS} SCP levels (OrderedOrganizationPolicyInputList)"
            )

    def policies(self) -> Iterator[CompiledPolicy]:
        """Every policy of the set: identity, boundary, then each SCP level."""
        yield from self.identity
        if self.boundary is not None:
            yield self.boundary
        for level in self.organization:
            yield from level

    @property
    def names(self) -> tuple[str, ...]:
        """The identity policies' names (file paths as given)."""
        return tuple(p.policy_id for p in self.identity)

    def simulate_arguments(self) -> dict[str, Any]:
        """The policy parameters of ``simulate_custom_policy`` for this set."""
        arguments: dict[str, Any] = {"PolicyInputList": [p.policy.text for p in self.identity]}
        if self.boundary is not None:
            arguments["PermissionsBoundaryPolicyInputList"] = [self.boundary.policy.text]
        if self.organization:
            arguments["OrderedOrganizationPolicyInputList"] = [
                {"ServiceControlPolicyInputList": [p.policy.text for p in level]}
                for level in self.organization
            ]
        return arguments

    @classmethod
    def from_texts(
        cls,
        identity: Sequence[str],
        boundary: str | None = None,
        organization: Sequence[Sequence[str]] = (),
    ) -> PolicySet:
        """Parse policy texts, named as ``simulate_custom_policy`` names them.

        Raises SimulationInputError with ``PolicyInputList.N:line:column`` for a text that
        does not parse.
        """
        return cls(
            identity=tuple(
                compile_text(text, f"PolicyInputList.{i}", PolicyKind.IDENTITY)
                for i, text in enumerate(identity, 1)
            ),
            boundary=None
            if boundary is None
            else compile_text(
                boundary, "PermissionsBoundaryPolicyInputList.1", PolicyKind.BOUNDARY
            ),
            organization=tuple(
                tuple(
                    compile_text(
                        text,
                        f"OrderedOrganizationPolicyInputList.{i}.ServiceControlPolicyInputList.{j}",
                        PolicyKind.SCP,
                    )
                    for j, text in enumerate(level, 1)
                )
                for i, level in enumerate(organization, 1)
            ),
        )


_ROLES = {
    PolicyKind.IDENTITY: (PolicyRole.IDENTITY, IDENTITY_POLICY_TYPE),
    PolicyKind.BOUNDARY: (PolicyRole.BOUNDARY, IDENTITY_POLICY_TYPE),
    PolicyKind.SCP: (PolicyRole.IDENTITY, SCP_POLICY_TYPE),
}


def compile_text(text: str, name: str, kind: PolicyKind) -> CompiledPolicy:
    """Parse and compile one policy text; defects are SimulationInputError at name:line:col."""
    if not 1 <= len(text) <= MAX_POLICY_CHARS:
        raise SimulationInputError(
            f"{name}: a policy has 1 to {MAX_POLICY_CHARS:,} characters; this one has {len(text):,}"
        )
    try:
        policy = parse_policy(text, name, kind=kind)
    except PolicyParseError as err:
        raise SimulationInputError(str(err)) from err
    role, policy_type = _ROLES[kind]
    return compile_policy(policy, name, policy_type, role)


def read_policy_text(path: str) -> str:
    """The text of a policy file as written (``{{placeholders}}`` are not filled)."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SimulationInputError(f"{path}: cannot read policy: not UTF-8 ({err.reason})") from err
    except OSError as err:
        raise SimulationInputError(f"{path}: cannot read policy: {err.strerror or err}") from err


def load_policy_set(
    identity: Sequence[str],
    boundary: str | None = None,
    organization: Sequence[Sequence[str]] = (),
    *,
    read: PolicyReader = read_policy_text,
) -> PolicySet:
    """Read and compile policy files; each policy is named by its path as given.

    Raises SimulationInputError naming ``file:line:column`` for a policy that does not parse
    and the file for one that cannot be read.
    """
    return PolicySet(
        identity=tuple(compile_text(read(p), p, PolicyKind.IDENTITY) for p in identity),
        boundary=None
        if boundary is None
        else compile_text(read(boundary), boundary, PolicyKind.BOUNDARY),
        organization=tuple(
            tuple(compile_text(read(p), p, PolicyKind.SCP) for p in level) for level in organization
        ),
    )
