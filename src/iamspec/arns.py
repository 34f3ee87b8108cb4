"""Amazon Resource Names: one rule set to parse, check and build them.

Source: "Amazon Resource Names (ARNs)",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html. An ARN is
``arn:partition:service:region:account-id:resource``: six parts separated by the first five
colons (the resource keeps any further colons). Some ARNs leave the Region, the account or
both empty (``arn:aws:s3:::bucket``, ``arn:aws:iam::111122223333:user/x``); AWS managed
policies have the account ``aws`` (``arn:aws:iam::aws:policy/ReadOnlyAccess``). An account
ID is twelve digits, without hyphens.

Three levels of the same rules (:func:`arn_defect`):

- the structure (default): ``arn``, six parts, a partition, a service and a resource. This is
  all the catalog and the Simulate* API ask of a resource ARN (AWS's simulator simulates any
  such ARN; the ARN only has to have the form).
- ``strict``: also an account that is empty, ``aws`` or twelve digits, and no whitespace. A
  scenario's ARN is checked so, because a typo in it must fail rather than quietly match
  nothing.
- ``pattern``: a Resource element entry, which may stop early when its last part ends with
  ``*`` (``arn:aws:connect:*`` runs across the colons that follow).

IAM's own ARNs (users, groups, roles, the account root, managed policies) are read by
:func:`parse_iam_arn` and :func:`parse_iam_entity`; an ARN is built from a service
reference template by :func:`fill_template`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from iamspec.errors import MalformedArnError

__all__ = [
    "ARN_FORMAT",
    "IAM_ENTITY_KINDS",
    "PARTITIONS",
    "TEMPLATE_VARIABLE",
    "Arn",
    "IamEntity",
    "account_of_principal",
    "arn_defect",
    "fill_template",
    "is_account_id",
    "is_arn",
    "parse_arn",
    "parse_iam_arn",
    "parse_iam_entity",
    "split_arn",
    "template_variables",
]

ARN_FORMAT = "arn:partition:service:region:account-id:resource"
"""The six parts, in AWS's words."""

PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
"""Every AWS partition, the ARN's second part (botocore's ``partitions`` data lists the same;
"Partitions", AWS Fault Isolation Boundaries,
https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html)."""

_PARTS = 6
_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_AWS_ACCOUNT = "aws"  # the account part of AWS managed policies

IAM_ENTITY_KINDS = ("user", "group", "role")
"""The IAM identities an ARN can name as a principal (``user/``, ``group/``, ``role/``)."""

TEMPLATE_VARIABLE = re.compile(r"\$\{([^}]*)\}")
"""A variable of a service reference ARN template (``${Partition}``, ``${InstanceId}``)."""


def split_arn(text: str) -> list[str]:
    """The colon-separated parts of ``text``, at most six; the sixth keeps its colons.

    Fewer than six parts come back as they are: the caller decides what that means.
    """
    return text.split(":", _PARTS - 1)


def is_account_id(text: str) -> bool:
    """True for an AWS account ID: exactly twelve ASCII digits."""
    return _ACCOUNT_ID.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Arn:
    """The six parts of an ARN (``arn`` itself is implied); ``str()`` builds the text."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def arn_defect(text: str, *, strict: bool = False, pattern: bool = False) -> str | None:
    """Why ``text`` is not an ARN under the module's rules, or None when it is one.

    ``strict`` adds the account and whitespace rules (for concrete ARNs); ``pattern`` reads
    ``text`` as a Resource element entry. The two are not combined.
    """
    if strict and pattern:
        raise ValueError("an ARN pattern is not checked strictly")
    parts = split_arn(text)
    if parts[0] != "arn":
        if parts[0].lower() == "arn" and len(parts) > 1:
            return "an ARN starts with lower-case 'arn:'"
        return f"an ARN starts with 'arn:' ({ARN_FORMAT})"
    if len(parts) < _PARTS:
        if pattern and parts[-1].endswith("*"):
            return None  # a part-final '*' may run across the colons that follow
        return f"expected {ARN_FORMAT}: {len(parts)} of its 6 parts, {_PARTS - len(parts)} missing"
    if not parts[1]:
        return "the partition is empty"
    if not parts[2]:
        return "the service is empty"
    if not parts[5]:
        return "the resource is empty"
    if strict:
        account = parts[4]
        if account and account != _AWS_ACCOUNT and not is_account_id(account):
            return f"the account {account!r} is not 12 digits"
        if any(c.isspace() for c in text):
            return "an ARN has no whitespace"
    return None


def is_arn(text: str) -> bool:
    """True when ``text`` has the structure of an ARN (see :func:`arn_defect`)."""
    return arn_defect(text) is None


def parse_arn(text: str, *, strict: bool = False) -> Arn:
    """The parts of the ARN ``text``; MalformedArnError (with the reason) when it is not one."""
    defect = arn_defect(text, strict=strict)
    if defect is not None:
        raise MalformedArnError(text, defect)
    _, partition, service, region, account, resource = split_arn(text)
    return Arn(partition, service, region, account, resource)


def parse_iam_arn(text: str, *, aws_account: bool = False) -> Arn | None:
    """``arn:<partition>:iam::<account>:<resource>``, IAM's own ARN form, or None.

    The account is twelve digits (with ``aws_account`` also ``aws``, AWS managed policies);
    the Region is empty; the resource may be anything, even empty (the caller reads it).
    """
    parts = split_arn(text)
    if len(parts) < _PARTS or parts[0] != "arn" or not parts[1] or parts[2] != "iam":
        return None
    _, partition, _, region, account, resource = parts
    if region or not (is_account_id(account) or (aws_account and account == _AWS_ACCOUNT)):
        return None
    return Arn(partition, "iam", region, account, resource)


@dataclass(frozen=True, slots=True)
class IamEntity:
    """An IAM user, group or role ARN: ``arn:aws:iam::111122223333:role/service-role/x``.

    ``path`` is the text between the kind and the name (``/service-role/``, or ``/``);
    ``name`` the text after the last ``/``, empty when the ARN ends with ``/``.
    """

    arn: Arn
    kind: str
    path: str
    name: str

    @property
    def account(self) -> str:
        return self.arn.account


def parse_iam_entity(text: str) -> IamEntity | None:
    """The IAM user, group or role ``text`` names, or None.

    The form is ``arn:<partition>:iam::<12-digit account>:<user|group|role>/<path and name>``
    with something after the kind and no line break in it.
    """
    arn = parse_iam_arn(text)
    if arn is None:
        return None
    kind, slash, rest = arn.resource.partition("/")
    if kind not in IAM_ENTITY_KINDS or not slash or not rest or "\n" in rest:
        return None
    path, _, name = f"/{rest}".rpartition("/")
    return IamEntity(arn, kind, path + "/", name)


def account_of_principal(value: str) -> str | None:
    """The account a Principal ``AWS`` value names as a whole, or None.

    ``111122223333`` and ``arn:aws:iam::111122223333:root`` both name the account
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html);
    ``111122223333:root`` and ``arn:aws:iam::111122223333`` are read the same way.
    """
    head = value.removesuffix(":root")
    if is_account_id(head):
        return head
    arn = parse_iam_arn(head + ":")
    return arn.account if arn is not None and not arn.resource else None


def template_variables(template: str) -> list[str]:
    """The variable names of an ARN template, in order (``Partition``, ``InstanceId``...)."""
    return TEMPLATE_VARIABLE.findall(template)


def fill_template(
    template: str, values: Mapping[str, str], default: Callable[[str], str] | None = None
) -> str:
    """The ARN ``template`` with each ``${Name}`` replaced by ``values[Name]``.

    A variable without a value gets ``default(Name)``; without ``default`` it is a KeyError.
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if default is None:
            raise KeyError(name)
        return default(name)

    return TEMPLATE_VARIABLE.sub(value, template)
