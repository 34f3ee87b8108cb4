"""Action and resource matching: IAM's wildcard rules for the Action and Resource elements.

Sources:
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
  (service prefix and action name are case-insensitive; ``*`` and ``?`` anywhere).
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
  (case-sensitive; in the first five ARN segments a wildcard stays inside its segment unless
  a ``*`` is the segment's last character; in the resource part ``*`` matches anything;
  variables only in the resource part).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from iamspec.arns import split_arn
from iamspec.engine.context import RequestContext
from iamspec.engine.variables import Piece, Template, parse_template, wildcard_pattern
from iamspec.wildcards import glob_pattern


@dataclass(frozen=True, slots=True)
class MatchTrace:
    """Whether an Action/Resource element matched, and why, in one readable line."""

    matched: bool
    reason: str


@dataclass(frozen=True, slots=True)
class ActionPattern:
    """One entry of Action/NotAction, compiled once."""

    text: str
    regex: re.Pattern[str]

    def matches(self, action: str) -> bool:
        return self.regex.match(action) is not None


def compile_action_pattern(text: str) -> ActionPattern:
    """Compile an Action entry: case-insensitive, ``*`` any run, ``?`` one character."""
    return ActionPattern(text, re.compile(glob_pattern(text) + r"\Z", re.IGNORECASE | re.DOTALL))


def _segment_regex(segment: str) -> str:
    """A regex for one of the first five ARN segments (no wildcard crosses ':' but a final *)."""
    out = []
    for i, c in enumerate(segment):
        if c == "*":
            out.append(".*" if i == len(segment) - 1 else "[^:]*")
        elif c == "?":
            out.append("[^:]")
        else:
            out.append(re.escape(c))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class ResourcePattern:
    """One entry of Resource/NotResource, compiled once.

    ``prefix`` is the regex for the first five segments; ``resource`` is the resource part
    as a variable template (resolved per request when it holds variables).
    """

    text: str
    any_resource: bool
    prefix: str
    resource: Template | None
    static: re.Pattern[str] | None

    def match(self, arn: str, context: RequestContext) -> tuple[bool, str | None]:
        """Whether ``arn`` matches; the second value explains a variable that resolved to nothing.

        The note is None when nothing needs explaining.
        """
        if self.any_resource:
            return True, None
        if self.static is not None:
            return self.static.match(arn) is not None, None
        assert self.resource is not None
        resolved = self.resource.resolve(context)
        if resolved.pieces is None:
            why = "; ".join(s.reason for s in resolved.substitutions if s.value is None)
            return False, f"{self.text} matches no resource because {why}"
        regex = _resolved_regex(self.prefix, resolved.pieces)
        subs = ", ".join(f"{s.variable} = {s.value!r}" for s in resolved.substitutions)
        return regex.match(arn) is not None, f"with {subs}"


@lru_cache(maxsize=4096)
def _resolved_regex(prefix: str, pieces: tuple[Piece, ...]) -> re.Pattern[str]:
    """The full regex of a Resource entry once its variables are substituted (cached)."""
    return re.compile(prefix + wildcard_pattern(pieces) + r"\Z", re.DOTALL)


def compile_resource_pattern(text: str, *, variables_enabled: bool) -> ResourcePattern:
    """Compile a Resource entry; ``"*"`` matches everything, otherwise ARN segment rules apply."""
    if text == "*":
        return ResourcePattern(text, True, "", None, None)
    segments = split_arn(text)
    if len(segments) < 6:
        # Fewer than six segments: only a segment-final '*' can reach the rest of an ARN.
        regex = ":".join(_segment_regex(s) for s in segments)
        return ResourcePattern(text, False, regex, None, re.compile(regex + r"\Z", re.DOTALL))
    prefix = ":".join(_segment_regex(s) for s in segments[:5]) + ":"
    template = parse_template(segments[5], variables_enabled)
    if template.has_variables:
        return ResourcePattern(text, False, prefix, template, None)
    static = re.compile(prefix + glob_pattern(segments[5]) + r"\Z", re.DOTALL)
    return ResourcePattern(text, False, prefix, template, static)
