"""Text from files iamspec does not trust, made safe to print on a terminal.

A results file, a feature or a policy can hold terminal escape sequences (``\\x1b]0;...``
retitles the window, ``\\x1b[2J`` clears it, others rewrite what the reader saw), bidirectional
overrides that make text read otherwise than it is (U+202E) and lone surrogates that a
terminal cannot encode at all (the print fails). :func:`printable` shows each such character
as a visible escape (``\\x1b``, ``\\u202e``, ``\\ud800``) instead: the reader sees that it was
there and nothing acts on it. Every line iamspec prints from such input goes through it (the
``iamspec docs`` command, the pytest terminal summary lines of the harness and the living
docs).
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 and C1 controls and DEL; bidirectional embeddings, overrides and isolates, the marks;
# line and paragraph separators; lone surrogates (a str can hold them, no terminal can).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_UNSAFE_KEEPING_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, lines: bool = False) -> str:
    """``str(text)`` with every control, bidirectional-override and surrogate character shown
    as an escape; ``lines`` keeps line breaks and tabs (for messages of several lines)."""
    pattern = _UNSAFE_KEEPING_LINES if lines else _UNSAFE
    return pattern.sub(_escape, str(text))
