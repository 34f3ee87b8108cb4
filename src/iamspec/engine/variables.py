"""Policy variables: ``${key}``, ``${key, 'default'}`` and the constants ``${*}``/``${?}``/``${$}``.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

- Only ``"Version": "2012-10-17"`` turns variables on; otherwise ``${...}`` is literal text.
- A variable whose key the request does not carry (and that has no default) resolves to
  nothing, and the value that holds it matches nothing.
- Multivalued keys cannot be variables; such a reference also resolves to nothing.
- A substituted value is matched literally: a ``*`` inside a tag value is not a wildcard.

A template is parsed once into parts; each evaluation only substitutes. Parsing is a linear
scan (no regular expression: ``${`` repeated or a default full of blanks made the old
patterns quadratic and cubic in the length of a policy string).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from iamspec.engine.context import RequestContext
from iamspec.wildcards import Glob, Token, compile_tokens, literal, wild

_CONSTANTS = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Literal:
    """Policy text between variables; wildcards in it keep their meaning."""

    text: str


@dataclass(frozen=True, slots=True)
class Constant:
    """``${*}``, ``${?}`` or ``${$}``: a character that is always literal."""

    char: str


@dataclass(frozen=True, slots=True)
class Variable:
    """``${key}`` or ``${key, 'default'}``."""

    key: str
    default: str | None
    source: str


Part = Literal | Constant | Variable


@dataclass(frozen=True, slots=True)
class Piece:
    """A resolved part: ``wild`` is True only for policy text, whose ``*``/``?`` are wildcards."""

    text: str
    wild: bool


@dataclass(frozen=True, slots=True)
class Substitution:
    """What one variable resolved to, for explanations (``value`` None: it resolved to nothing)."""

    variable: str
    value: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """A template after substitution; ``pieces`` is None when a variable resolved to nothing."""

    pieces: tuple[Piece, ...] | None
    substitutions: tuple[Substitution, ...]

    @property
    def text(self) -> str | None:
        """The resolved string, or None when it cannot match anything."""
        if self.pieces is None:
            return None
        return "".join(p.text for p in self.pieces)


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string parsed for variables."""

    source: str
    parts: tuple[Part, ...]

    @property
    def has_variables(self) -> bool:
        return any(not isinstance(p, Literal) for p in self.parts)

    @property
    def keys(self) -> tuple[str, ...]:
        """The context keys this template's variables read, as written."""
        return tuple(p.key for p in self.parts if isinstance(p, Variable))

    def resolve(self, context: RequestContext) -> Resolved:
        """Substitute variables from ``context``."""
        pieces: list[Piece] = []
        subs: list[Substitution] = []
        failed = False
        for part in self.parts:
            if isinstance(part, Literal):
                pieces.append(Piece(part.text, True))
            elif isinstance(part, Constant):
                pieces.append(Piece(part.char, False))
            else:
                value, reason = _lookup(part, context)
                subs.append(Substitution(part.source, value, reason))
                if value is None:
                    failed = True
                else:
                    pieces.append(Piece(value, False))
        return Resolved(None if failed else tuple(pieces), tuple(subs))


def _lookup(var: Variable, context: RequestContext) -> tuple[str | None, str]:
    found = context.get_value(var.key)
    if found is not None and found.multivalued:
        return None, f"{var.key} is multivalued and cannot be a policy variable"
    if found is not None and len(found.values) == 1:
        return found.values[0], f"{var.key} = {found.values[0]!r}"
    if found is not None and len(found.values) > 1:
        return None, f"{var.key} carries {len(found.values)} values and cannot be a variable"
    state = "has no value" if found is not None else "is absent"
    if var.default is not None:
        return var.default, f"{var.key} {state}; default {var.default!r} used"
    if found is not None:
        return None, f"{var.key} has no value in the request context"
    return None, f"{var.key} is absent from the request context"


def find_variables(text: str) -> Iterator[tuple[int, int, str]]:
    """Each ``${...}`` reference of ``text`` as (start, end, body), left to right, linear time.

    A reference runs from ``${`` to the first ``}`` after it; ``${`` with no ``}`` after it is
    not a reference (and then no later ``${`` can be one either).
    """
    pos = 0
    while True:
        start = text.find("${", pos)
        if start < 0:
            return
        close = text.find("}", start + 2)
        if close < 0:
            return
        yield start, close + 1, text[start + 2 : close]
        pos = close + 1


def split_default(body: str) -> tuple[str, str] | None:
    """``key, 'default'`` → (key, default), or None when ``body`` has no default.

    The key is everything before the first comma, blanks trimmed (at least one character);
    the default is single-quoted after the comma, with ``''`` standing for one quote, and
    only blanks may surround it.
    """
    comma = body.find(",")
    if comma <= 0:
        return None
    quoted = body[comma + 1 :].strip()
    if len(quoted) < 2 or quoted[0] != "'" or quoted[-1] != "'":
        return None
    inner = quoted[1:-1]
    if "'" in inner.replace("''", ""):
        return None
    return body[:comma].strip(), inner.replace("''", "'")


def parse_template(text: str, variables_enabled: bool) -> Template:
    """Split ``text`` into literal text, constants and variables.

    With ``variables_enabled`` False (Version absent or 2008-10-17) the whole text is literal.
    Malformed references (``${`` without ``}``) stay literal text, as IAM matches them.
    """
    if not variables_enabled or "${" not in text:
        return Template(text, (Literal(text),))
    parts: list[Part] = []
    pos = 0
    for start, end, body in find_variables(text):
        if start > pos:
            parts.append(Literal(text[pos:start]))
        source = text[start:end]
        if body in _CONSTANTS:
            parts.append(Constant(_CONSTANTS[body]))
        else:
            with_default = split_default(body)
            if with_default is not None:
                parts.append(Variable(with_default[0], with_default[1], source))
            else:
                parts.append(Variable(body.strip(), None, source))
        pos = end
    if pos < len(text):
        parts.append(Literal(text[pos:]))
    return Template(text, tuple(parts))


def wildcard_tokens(pieces: tuple[Piece, ...]) -> tuple[Token, ...]:
    """IAM's ``*``/``?`` in policy text as wildcards, substituted values as literal text."""
    out: list[Token] = []
    for piece in pieces:
        out.extend(wild(piece.text) if piece.wild else literal(piece.text))
    return tuple(out)


def wildcard_glob(pieces: tuple[Piece, ...], *, ignore_case: bool = False) -> Glob:
    """A linear-time matcher for IAM's ``*``/``?`` in policy text, literal elsewhere."""
    return compile_tokens(wildcard_tokens(pieces), ignore_case=ignore_case)
