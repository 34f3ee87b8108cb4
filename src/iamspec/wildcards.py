"""IAM's two wildcards, ``*`` (any run, including none) and ``?`` (one character), as regex.

One translation for every place IAM globs: Action/NotAction, the resource part of an ARN,
``*Like`` condition values, managed-policy ARNs in PolicyExclusionList, catalog expansion.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
"""

from __future__ import annotations

import re


def glob_pattern(text: str) -> str:
    """Unanchored regex source: ``*`` → ``.*``, ``?`` → ``.``, everything else literal."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
