"""Placeholders: ``{{name}}`` in policy files (and step arguments), filled from the settings.

The same policy files serve the example account of the documentation and a real account:
where a policy needs an account id, a region or a resource id, it says so with a placeholder,
and ``[tool.iamspec]`` in ``pyproject.toml`` supplies the value::

    "Resource": "arn:{{partition}}:kms:{{region}}:{{account_id}}:key/{{key-id}}"

Syntax. ``{{`` + a name + ``}}``, no spaces. A name is letters, digits, ``_``, ``.`` and
``-``, starting with a letter or digit. Double braces cannot collide with IAM's policy
variables, which are ``${...}`` with one brace (``${aws:username}`` stays as written), and
``{{`` never occurs in valid JSON outside a string. Placeholders do not nest and their values
are literal (a value cannot contain a placeholder, a quote, a backslash or a line break).

Names. The built-in ones come from the settings: ``partition``, ``region``, ``account_id``,
and ``connect_instances.<name>`` for every entry of ``[tool.iamspec.connect_instances]``
(e.g. ``{{connect_instances.main}}``). Every key of ``[tool.iamspec.placeholders]`` is a name
too; its value may reuse a built-in one (``customer_account_id = "{{account_id}}"``).

Errors. A malformed, unclosed or unknown placeholder is a :class:`PlaceholderError` naming
``file:line:column`` of the ``{{`` (with "did you mean" for a near-miss name). Filling keeps
line breaks, so :meth:`Filled.original_position` maps a position in the filled text (say, of
a JSON error) back to the file as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from iamspec.project.errors import PlaceholderError
from iamspec.project.settings import PLACEHOLDER_NAME
from iamspec.suggest import close_matches

__all__ = ["Filled", "fill", "fill_text"]

_OPEN = "{{"
_CLOSE = "}}"


@dataclass(frozen=True, slots=True)
class _Replacement:
    """One placeholder on a line: where it stood and where its value now stands (0-based)."""

    original_start: int
    original_length: int
    filled_start: int
    filled_length: int


@dataclass(frozen=True)
class Filled:
    """A text with its placeholders filled, and the way back to the original positions."""

    text: str
    source: str
    names: tuple[str, ...]
    _replacements: Mapping[int, tuple[_Replacement, ...]]

    def original_position(self, line: int, column: int) -> tuple[int, int]:
        """The 1-based (line, column) in the original text of a position in the filled text.

        A position inside a filled value maps to the placeholder's ``{{``.
        """
        shift = 0
        for rep in self._replacements.get(line, ()):
            start = rep.filled_start + 1
            if column < start:
                break
            if column < start + rep.filled_length:
                return line, rep.original_start + 1
            shift += rep.original_length - rep.filled_length
        return line, column + shift


def _lookup(name: str, values: Mapping[str, str], source: str, line: int, column: int) -> str:
    if not PLACEHOLDER_NAME.fullmatch(name):
        stripped = name.strip()
        hint = (
            [f"{{{{{stripped}}}}}"]
            if stripped != name and PLACEHOLDER_NAME.fullmatch(stripped)
            else []
        )
        raise PlaceholderError(
            source,
            line,
            column,
            f"malformed placeholder {{{{{name}}}}}: a name is letters, digits, '_', '.', '-', "
            "with no spaces",
            hint,
        )
    value = values.get(name)
    if value is None:
        close = close_matches(name, values)
        known = ", ".join(sorted(values)) or "none"
        raise PlaceholderError(
            source,
            line,
            column,
            f"unknown placeholder {{{{{name}}}}} (known: {known}; add it to "
            "[tool.iamspec.placeholders] in pyproject.toml)",
            [f"{{{{{c}}}}}" for c in close],
        )
    return value


def fill(text: str, values: Mapping[str, str], source: str) -> Filled:
    """Replace every ``{{name}}`` in ``text``; ``source`` names the text in errors.

    Raises PlaceholderError for an unclosed ``{{``, a malformed name, or a name without a
    value.
    """
    if _OPEN not in text:
        return Filled(text, source, (), {})
    out_lines: list[str] = []
    replacements: dict[int, tuple[_Replacement, ...]] = {}
    names: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if _OPEN not in line:
            out_lines.append(line)
            continue
        pieces: list[str] = []
        reps: list[_Replacement] = []
        pos = 0
        filled_len = 0
        while (start := line.find(_OPEN, pos)) != -1:
            end = line.find(_CLOSE, start + 2)
            if end == -1:
                raise PlaceholderError(
                    source, number, start + 1, "unclosed placeholder: '{{' without '}}'"
                )
            name = line[start + 2 : end]
            value = _lookup(name, values, source, number, start + 1)
            pieces.append(line[pos:start])
            filled_len += start - pos
            reps.append(_Replacement(start, end + 2 - start, filled_len, len(value)))
            pieces.append(value)
            filled_len += len(value)
            names.append(name)
            pos = end + 2
        pieces.append(line[pos:])
        out_lines.append("".join(pieces))
        replacements[number] = tuple(reps)
    return Filled("\n".join(out_lines), source, tuple(dict.fromkeys(names)), replacements)


def fill_text(text: str, values: Mapping[str, str], source: str) -> str:
    """:func:`fill` for short texts (step arguments): just the filled string."""
    return fill(text, values, source).text
