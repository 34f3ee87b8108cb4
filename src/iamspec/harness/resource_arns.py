"""ARNs of the resources a scenario names, built from the catalog's ARN templates.

A Connect user "jdoe" in the instance "main" is
``arn:aws:connect:us-east-1:111122223333:instance/<main's id>/agent/jdoe``: the resource
type's first ARN template (Service Authorization Reference), with the settings' partition,
region and account, the Connect instance's id, and the resource's id in the template's one
remaining variable. The ARN module (:mod:`iamspec.arns`) fills and parses; this module knows
which template and which values a scenario's resource takes.
"""

from __future__ import annotations

import re

from iamspec.arns import Arn, fill_template, template_variables
from iamspec.catalog import Catalog, ResourceType
from iamspec.harness.declarations import ResourceKind
from iamspec.harness.errors import ScenarioInputError
from iamspec.project.settings import Settings

__all__ = ["ResourceArns", "connect_instance_id"]

_RESOURCE_ID = re.compile(r"[^\s/:\"]+")


def connect_instance_id(arn: Arn) -> str | None:
    """The instance id of a Connect ARN (``instance/<id>`` or below it), else None."""
    if arn.service != "connect" or not arn.resource.startswith("instance/"):
        return None
    return arn.resource.removeprefix("instance/").split("/", 1)[0] or None


_PLANS_LIMIT = 4096
"""Templates a :class:`ResourceArns` keeps ready (one per kind and Connect instance)."""


class ResourceArns:
    """Builds the ARN of a scenario's resource in the project's partition, region and account.

    Stateless but for a memo of each (kind, instance)'s template and known values, so one
    instance serves every scenario of a run.
    """

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self._plans: dict[
            tuple[str, str, str | None], tuple[ResourceType, str, dict[str, str], str]
        ] = {}

    def _plan(
        self, kind: ResourceKind, instance_id: str | None
    ) -> tuple[ResourceType, str, dict[str, str], str]:
        """The type, its template, the values the run knows and the one variable left."""
        key = (kind.service, kind.resource_type, instance_id)
        found = self._plans.get(key)
        if found is not None:
            return found
        rt = self.catalog.resource_type(kind.service, kind.resource_type)
        template = rt.arn_templates[0]
        known = {
            "Partition": self.settings.partition,
            "Region": self.settings.region,
            "Account": self.settings.account_id,
        }
        if instance_id is not None:
            known["InstanceId"] = instance_id
        own = [v for v in template_variables(template) if v not in known]
        if len(own) != 1:
            raise ScenarioInputError(  # pragma: no cover - guarded by tests of RESOURCE_KINDS
                f"cannot build an ARN from {template} (unfilled: {', '.join(own)})"
            )
        if len(self._plans) >= _PLANS_LIMIT:
            self._plans.clear()
        found = self._plans[key] = (rt, template, known, own[0])
        return found

    def build(
        self, kind: ResourceKind, resource_id: str, instance_id: str | None
    ) -> tuple[str, ResourceType]:
        """The ARN of the ``kind`` resource ``resource_id`` (in the Connect instance
        ``instance_id``, for Connect resources) and its IAM resource type.

        Raises ScenarioInputError for an id with ``/``, ``:``, quotes or spaces, or one whose
        ARN does not match the resource type's format.
        """
        rt, template, known, variable = self._plan(kind, instance_id)
        if not _RESOURCE_ID.fullmatch(resource_id):
            raise ScenarioInputError(
                f"{resource_id!r} cannot be the id of a {kind.phrase}: an id has no '/', ':', "
                'quotes or spaces (name any other resource by its ARN: the ARN "arn:...")'
            )
        arn = fill_template(template, {**known, variable: resource_id})
        if not rt.matches(arn):
            raise ScenarioInputError(
                f"{resource_id!r} cannot be the id of a {kind.phrase}: {arn} does not match "
                f"the ARN format {template}"
            )
        return arn, rt
