"""ARN templates of the service reference: their grammar, and the resource types they define.

A resource type's ARN format is a template (``arn:${Partition}:connect:${Region}:${Account}:
instance/${InstanceId}/agent/${UserId}``); a concrete ARN is of that type when it matches the
template, each variable standing for one or more characters it cannot contain
(:func:`template_variable_excludes`). The linter's overlap test
(:mod:`iamspec.lint.arnpattern`) reads templates through the same rule. Templates are
filled into ARNs by :func:`iamspec.arns.fill_template`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from iamspec.arns import TEMPLATE_VARIABLE

__all__ = [
    "ARN_TEMPLATE_VARIABLE",
    "ResourceType",
    "open_tails",
    "split_templates",
    "template_variable_excludes",
]

ARN_TEMPLATE_VARIABLE = TEMPLATE_VARIABLE
"""``${Name}`` in an ARN template (the ARN module's pattern, under the catalog's name)."""
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


def _compile_alternatives(templates: tuple[str, ...], open_tail: bool) -> re.Pattern[str]:
    """One full-match regex for a type's templates: an ARN matches it when it matches one of
    them (each alternative is :func:`_compile_arn_template`'s)."""
    parts = [_compile_arn_template(t, open_tail).pattern for t in templates]
    return re.compile("|".join(f"(?:{p})" for p in parts) or "(?!)", re.DOTALL)


def split_templates(arn_template: str) -> tuple[str, ...]:
    # A few types list alternatives: "arn:...:/apis/${ApiId}/stages, arn:...:/restapis/..."
    return tuple(part.strip() for part in arn_template.split(", ") if part.strip())


def _shape(template: str) -> str:
    return ARN_TEMPLATE_VARIABLE.sub("{}", template)


def open_tails(templates: dict[str, tuple[str, ...]]) -> dict[str, bool]:
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
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _templates: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _specificity: tuple[int, int] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def arn_templates(self) -> tuple[str, ...]:
        """The ARN templates, one or more (API Gateway, Lex and Greengrass list alternatives)."""
        templates = self._templates
        if templates is None:  # split on first use, then kept (the type is immutable)
            templates = split_templates(self.arn_template)
            object.__setattr__(self, "_templates", templates)
        return templates

    def matches(self, arn: str) -> bool:
        """True when ``arn`` has this type's ARN format (case-sensitive, as ARNs are)."""
        pattern = self._pattern
        if pattern is None:  # compiled on first use: loading a service stays cheap
            pattern = _compile_alternatives(self.arn_templates, self.open_tail)
            object.__setattr__(self, "_pattern", pattern)
        return pattern.fullmatch(arn) is not None

    @property
    def specificity(self) -> tuple[int, int]:
        """Sort key, larger is more specific: (no literal '*', count of literal characters)."""
        found = self._specificity
        if found is None:
            template = self.arn_templates[0] if self.arn_templates else ""
            literal = ARN_TEMPLATE_VARIABLE.sub("", template).replace("*", "")
            found = (0 if "*" in template else 1, len(literal))
            object.__setattr__(self, "_specificity", found)
        return found
