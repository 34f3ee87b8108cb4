"""Placeholders left in a policy: the project's ``{{name}}`` and the examples' literal words.

Two kinds, one code (``unfilled-placeholder``), one finding per string at the first one:

- ``{{name}}``, the project's placeholder syntax (:mod:`iamspec.project.placeholders`),
  filled from ``[tool.iamspec]`` before a policy is evaluated. The caller of the linter says
  which names it will fill; any other ``{{...}}`` is reported (all of them when the caller
  fills none).
- Words that published examples put where an ARN needs a value: ``region``,
  ``account-id``, ``key-id``, ``instance-id``, ``customer_account_id``,
  ``connect_instance_id``, ``<instance-id>``, and the Service Authorization Reference's own
  template variables (``${Region}``, ``${Account}``, ``${InstanceId}``), which are not policy
  variables. In the Region part: a word without digits (every Region name has one); in the
  account part: a word instead of 12 digits; in the resource part: a path component that
  reads like a name for an id. Deployed as written such an ARN names nothing, so the policy
  grants nothing on it (Access Analyzer "Error - Invalid ARN account" / "Invalid ARN Region").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamspec.arns import is_account_id, split_arn
from iamspec.engine.variables import find_variables
from iamspec.lint.document import LintDocument, Value
from iamspec.lint.findings import ACCESS_ANALYZER_CHECKS, Finding, Rule, Severity
from iamspec.project.settings import PLACEHOLDER_NAME
from iamspec.suggest import close_matches

UNFILLED_PLACEHOLDER = Rule(
    "unfilled-placeholder",
    Severity.ERROR,
    "A placeholder was left in the policy: {{name}}, or an example's 'region', 'account-id', "
    "'instance-id' in an ARN.",
    ACCESS_ANALYZER_CHECKS + "#access-analyzer-reference-policy-checks-error-invalid-arn-account",
)

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_WORD = re.compile(r"[A-Za-z]+(?:[-_][A-Za-z]+)*")
_ID_WORD = re.compile(r"[A-Za-z]+(?:[-_][A-Za-z]+)*[-_](?:id|ID|Id|arn|ARN|Arn)")
_ANGLE = re.compile(r"<[^<>]+>")
_POLICY_CONSTANTS = frozenset({"*", "?", "$"})


def _template_hits(text: str, known: frozenset[str] | None) -> list[tuple[int, str]]:
    hits: list[tuple[int, str]] = []
    pos = 0
    while (start := text.find("{{", pos)) != -1:
        end = text.find("}}", start + 2)
        if end == -1:
            hits.append((start, "'{{' without its closing '}}'"))
            break
        name = text[start + 2 : end]
        pos = end + 2
        if not PLACEHOLDER_NAME.fullmatch(name):
            hits.append((start, f"malformed placeholder {{{{{name}}}}} (no spaces in a name)"))
        elif known is None:
            hits.append((start, f"{{{{{name}}}}}"))
        elif name not in known:
            close = close_matches(name, sorted(known), limit=1)
            hint = f"; did you mean {{{{{close[0]}}}}}?" if close else ""
            hits.append((start, f"{{{{{name}}}}} (no value in [tool.iamspec]{hint})"))
    return hits


def _looks_unfilled_id(component: str) -> bool:
    return bool(_ID_WORD.fullmatch(component) or _ANGLE.fullmatch(component))


def _arn_hits(text: str) -> list[tuple[int, str]]:
    """Literal placeholders in the Region, account and resource parts of an ARN."""
    if not text.startswith("arn:"):
        return []
    hits: list[tuple[int, str]] = []
    for start, end, name in find_variables(text):  # linear: hostile '${${${...' included
        if ":" not in name and name.strip() not in _POLICY_CONSTANTS:
            hits.append(
                (start, f"{text[start:end]} (an ARN-format variable, not a policy variable)")
            )
    parts = split_arn(text)
    if len(parts) < 6:
        return hits
    starts = [0]
    for part in parts[:-1]:
        starts.append(starts[-1] + len(part) + 1)
    region, account, resource = parts[3], parts[4], parts[5]
    if (
        region
        and not _REGION.fullmatch(region)
        and (_WORD.fullmatch(region) or _ANGLE.fullmatch(region))
    ):
        hits.append((starts[3], f"{region!r} (Region part)"))
    if (
        account
        and account != "aws"
        and not is_account_id(account)
        and (_WORD.fullmatch(account) or _ANGLE.fullmatch(account))
    ):
        hits.append((starts[4], f"{account!r} (account part)"))
    offset = starts[5]
    for component in re.split(r"([/:])", resource):
        if component not in ("/", ":") and component and _looks_unfilled_id(component):
            hits.append((offset, f"{component!r} (resource part)"))
        offset += len(component)
    return sorted(set(hits))


def unfilled_placeholder(doc: LintDocument) -> Iterator[Finding]:
    """A string that still holds placeholders (see the module docstring for both kinds).

    Reported at the first placeholder of the string, listing all of them.
    """
    for value in doc.strings():
        hits = _template_hits(value.text, doc.placeholders) + _arn_hits(value.text)
        if not hits:
            continue
        hits.sort()
        listed = ", ".join(description for _, description in hits)
        yield doc.finding(
            UNFILLED_PLACEHOLDER,
            doc.char_offset(value, hits[0][0]),
            f"unfilled placeholder{'s' if len(hits) > 1 else ''} in {_shown(value)}: {listed}; "
            "as written it names no real resource (use {{name}} placeholders filled from "
            "[tool.iamspec.placeholders], or real values)",
        )


def _shown(value: Value) -> str:
    text = value.text
    return repr(text if len(text) <= 80 else text[:77] + "...")
