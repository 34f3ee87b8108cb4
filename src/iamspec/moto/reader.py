"""A :class:`~iamspec.simulate.principal.PolicyReader` over moto's in-memory IAM backend.

Inside moto the simulator must not call IAM over HTTP to read the principal's policies (in
``mock_aws()`` that would re-enter the mock; in the server it would call itself), so it reads
moto's ``IAMBackend`` objects directly. It gathers what the API reference lists for
SimulatePrincipalPolicy and names each source as AWS does (docs/iam-semantics.md section 1.3):
inline policies ``<user|group|role>_<entity>_<policy>``, managed policies by their name.
The order mirrors moto's own List* calls, so the answer equals the one that
:class:`~iamspec.simulate.principal.Boto3PolicyReader` builds through a moto client.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

from iamspec.errors import NoSuchEntityError
from iamspec.simulate.principal import PolicySource

__all__ = ["MotoPolicyReader"]


def _document_text(document: Any) -> str:
    """The policy text as moto stores it, URL-decoded when it was stored encoded.

    moto keeps the text the caller sent (the query protocol has already decoded it), so a
    literal ``%`` in a policy stays as it is; only a document that becomes JSON by being
    unquoted was stored encoded. A dict (some CloudFormation paths) is serialised once.
    """
    if isinstance(document, dict):
        return json.dumps(document)
    text = str(document)
    if not text.lstrip().startswith("{"):
        decoded = urllib.parse.unquote(text)
        if decoded.lstrip().startswith("{"):
            return decoded
    return text


class MotoPolicyReader:
    """Reads a user's, group's or role's policies from a ``moto.iam.models.IAMBackend``."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def _entity(self, kind: str, name: str) -> Any:
        if kind == "user":
            entity = self._backend.users.get(name)
        elif kind == "group":
            entity = self._backend.groups.get(name)
        else:
            # moto keys roles by role id, not by name.
            entity = next((r for r in self._backend.roles.values() if r.name == name), None)
        if entity is None:
            raise NoSuchEntityError(f"The {kind} with name {name} cannot be found.")
        return entity

    @staticmethod
    def _inline(kind: str, entity: Any) -> Iterator[PolicySource]:
        for policy_name, document in entity.policies.items():
            yield PolicySource(
                f"{kind}_{entity.name}_{policy_name}",
                _document_text(document),
                "inline",
                None,
                (kind, entity.name),
            )

    @staticmethod
    def _managed(policy: Any, kind: str = "") -> PolicySource:
        """The default version of a managed policy: the one IAM evaluates."""
        version = next(
            (v for v in policy.versions if v.version_id == policy.default_version_id),
            policy.versions[0],
        )
        arn = str(policy.arn)
        aws_managed = ":iam::aws:policy/" in arn
        return PolicySource(
            str(policy.name),
            _document_text(version.document),
            kind or ("aws-managed" if aws_managed else "user-managed"),
            arn,
        )

    def _attached(self, entity: Any) -> Iterator[PolicySource]:
        # Sorted by name, as moto's ListAttached*Policies returns them.
        for policy in sorted(entity.managed_policies.values(), key=lambda p: p.name):
            yield self._managed(policy)

    def _boundary(self, entity: Any) -> PolicySource | None:
        # moto models role boundaries only; a user boundary is read if a moto version has one.
        # moto >= 5.1.6 keeps the ARN in ``permissions_boundary_arn``; earlier releases in
        # ``permissions_boundary``, which later became a dict-valued property.
        arn = getattr(entity, "permissions_boundary_arn", None)
        if arn is None:
            legacy = getattr(entity, "permissions_boundary", None)
            arn = legacy.get("PermissionsBoundaryArn") if isinstance(legacy, dict) else legacy
        if not arn:
            return None
        policy = self._backend.managed_policies.get(arn)
        if policy is None:
            raise NoSuchEntityError(f"Policy {arn} does not exist or is not attachable.")
        return self._managed(policy, "permission-boundary")

    def gather(self, kind: str, name: str) -> tuple[list[PolicySource], PolicySource | None]:
        """Identity policies and boundary of ``kind`` ``name``; NoSuchEntityError if absent."""
        entity = self._entity(kind, name)
        sources = [*self._inline(kind, entity), *self._attached(entity)]
        if kind == "user":
            for group in self._backend.groups.values():
                if entity in group.users:
                    sources += [*self._inline("group", group), *self._attached(group)]
        boundary = None if kind == "group" else self._boundary(entity)
        return sources, boundary
