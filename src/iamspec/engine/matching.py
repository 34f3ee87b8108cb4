"""Action and resource matching: IAM's wildcard rules for the Action and Resource elements.

Sources:
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
  (service prefix and action name are case-insensitive; ``*`` and ``?`` anywhere).
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
  (case-sensitive; in the first five ARN segments a wildcard stays inside its segment unless
  a ``*`` is the segment's last character; in the resource part ``*`` matches anything;
  variables only in the resource part).

A wildcard in an action's service prefix (``*:GetObject``) is matched like any other: the
Action page allows ``*`` and ``?`` in action values and restricts nowhere where they stand,
so the whole ``service:action`` string is one case-insensitive glob [INF]. A wildcard in a
Resource ARN's service segment never reaches this module: the Resource page says "You can't
use a wildcard in the service segment", and the parser refuses it (docs/iam-semantics.md §8).
Matching is linear in the text (:mod:`iamspec.wildcards`), whatever the pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from iamspec.arns import split_arn
from iamspec.engine.context import RequestContext
from iamspec.engine.variables import Piece, Template, parse_template, wildcard_tokens
from iamspec.wildcards import Glob, Token, Wildcard, compile_glob, compile_tokens


@dataclass(frozen=True, slots=True)
class MatchTrace:
    """Whether an Action/Resource element matched, and why, in one readable line."""

    matched: bool
    reason: str


@dataclass(frozen=True, slots=True)
class ActionPattern:
    """One entry of Action/NotAction, compiled once."""

    text: str
    glob: Glob

    def matches(self, action: str) -> bool:
        return self.glob.matches(action)


def compile_action_pattern(text: str) -> ActionPattern:
    """Compile an Action entry: case-insensitive, ``*`` any run, ``?`` one character."""
    return ActionPattern(text, compile_glob(text, ignore_case=True))


def _segment_tokens(segment: str) -> tuple[Token, ...]:
    """One of the first five ARN segments: no wildcard crosses ':' but a segment-final *."""
    out: list[Token] = []
    for i, ch in enumerate(segment):
        if ch == "*":
            out.append(Wildcard.STAR if i == len(segment) - 1 else Wildcard.SEGMENT_STAR)
        elif ch == "?":
            out.append(Wildcard.SEGMENT_ONE)
        else:
            out.append(ch)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ResourcePattern:
    """One entry of Resource/NotResource, compiled once.

    ``prefix`` holds the tokens of the first five segments (with their colons); ``resource``
    is the resource part as a variable template (resolved per request when it holds
    variables); ``static`` is the whole matcher when nothing depends on the request.
    """

    text: str
    any_resource: bool
    prefix: tuple[Token, ...]
    resource: Template | None
    static: Glob | None

    def match(self, arn: str, context: RequestContext) -> tuple[bool, str | None]:
        """Whether ``arn`` matches; the second value explains a variable that resolved to nothing.

        The note is None when nothing needs explaining.
        """
        if self.any_resource:
            return True, None
        if self.static is not None:
            return self.static.matches(arn), None
        assert self.resource is not None
        resolved = self.resource.resolve(context)
        if resolved.pieces is None:
            why = "; ".join(s.reason for s in resolved.substitutions if s.value is None)
            return False, f"{self.text} matches no resource because {why}"
        glob = _resolved_glob(self.prefix, resolved.pieces)
        subs = ", ".join(f"{s.variable} = {s.value!r}" for s in resolved.substitutions)
        return glob.matches(arn), f"with {subs}"


@lru_cache(maxsize=4096)
def _resolved_glob(prefix: tuple[Token, ...], pieces: tuple[Piece, ...]) -> Glob:
    """The whole matcher of a Resource entry once its variables are substituted (cached)."""
    return compile_tokens(prefix + wildcard_tokens(pieces))


def compile_resource_pattern(text: str, *, variables_enabled: bool) -> ResourcePattern:
    """Compile a Resource entry; ``"*"`` matches everything, otherwise ARN segment rules apply."""
    if text == "*":
        return ResourcePattern(text, True, (), None, None)
    segments = split_arn(text)
    if len(segments) < 6:
        # Fewer than six segments: only a segment-final '*' can reach the rest of an ARN.
        tokens: list[Token] = []
        for i, segment in enumerate(segments):
            if i:
                tokens.append(":")
            tokens.extend(_segment_tokens(segment))
        return ResourcePattern(text, False, tuple(tokens), None, compile_tokens(tokens))
    prefix: tuple[Token, ...] = ()
    for segment in segments[:5]:
        prefix += (*_segment_tokens(segment), ":")
    template = parse_template(segments[5], variables_enabled)
    if template.has_variables:
        return ResourcePattern(text, False, prefix, template, None)
    static = compile_tokens(prefix + wildcard_tokens((Piece(segments[5], True),)))
    return ResourcePattern(text, False, prefix, template, static)
