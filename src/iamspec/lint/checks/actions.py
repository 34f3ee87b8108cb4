"""Checks of Action and NotAction entries against the IAM service reference (the catalog).

Every entry is classified once (:func:`classify_action`): fine (with the actions it names),
malformed, unknown service, unknown action, a wildcard that matches nothing, or an old/
API-style name whose IAM name the catalog shows. Each code has its own check function that
reports its class. IAM accepts a policy with an unknown action and simply never matches it
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html,
"Error - Invalid action": "Invalid actions do not affect the permissions granted"), which is
exactly why a typo must be caught here: the scenario would otherwise pass as "denied".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from iamspec.catalog import ActionInfo, Catalog
from iamspec.errors import CatalogError, UnknownActionError, UnknownServiceError
from iamspec.lint.document import LintDocument
from iamspec.lint.findings import ACCESS_ANALYZER_CHECKS, Finding, Rule, Severity
from iamspec.suggest import did_you_mean, quoted_list

__all__ = ["ActionVerdict", "classify_action"]

_AA = ACCESS_ANALYZER_CHECKS + "#access-analyzer-reference-policy-checks-"
_ACTION_PAGE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"
)

UNKNOWN_SERVICE = Rule(
    "unknown-service",
    Severity.ERROR,
    "The service prefix of an action is not an IAM service prefix.",
    _AA + "error-invalid-service",
)
UNKNOWN_ACTION = Rule(
    "unknown-action",
    Severity.ERROR,
    "The service has no such action; IAM never matches it.",
    _AA + "error-invalid-action",
)
MALFORMED_ACTION = Rule(
    "malformed-action",
    Severity.ERROR,
    "An action is not of the form service:Action (a doubled or missing colon, an empty part).",
    _ACTION_PAGE,
)
WILDCARD_MATCHES_NOTHING = Rule(
    "wildcard-matches-nothing",
    Severity.ERROR,
    "An action wildcard matches no action of the service.",
    _ACTION_PAGE,
)
RENAMED_ACTION = Rule(
    "renamed-action",
    Severity.ERROR,
    "Not an IAM action, but the catalog has the same words with one more: IAM's current name.",
    _AA + "error-invalid-action",
)

_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


@dataclass(frozen=True, slots=True)
class ActionVerdict:
    """What an Action entry names.

    ``rule`` is None for a fine entry; then ``actions`` holds the actions it matches
    (``everything`` for ``"*"``, which is not expanded). Otherwise ``message`` explains and
    ``index`` is the character of the entry to point at (None: the entry as a whole, at its
    opening quote).
    """

    rule: Rule | None
    message: str = ""
    index: int | None = None
    actions: tuple[ActionInfo, ...] = ()
    everything: bool = False


_FINE_EVERYTHING = ActionVerdict(None, everything=True)


def _malformed(catalog: Catalog, text: str) -> ActionVerdict | None:
    colons = text.count(":")
    service, _, name = text.partition(":")
    index: int | None = None
    if colons == 0:
        reason = "no ':' between the service prefix and the action name"
    elif "::" in text:
        index = text.index("::") + 1
        reason = "a doubled colon '::'; an action is service:Action with one colon"
    elif colons > 1:
        index = text.index(":", len(service) + 1)
        reason = f"{colons} colons; an action is service:Action with one colon"
    elif not service.strip():
        reason = "the service prefix before ':' is empty"
    elif not name.strip():
        reason = "the action name after ':' is empty"
    elif service != service.strip() or name != name.strip():
        reason = "blanks around the service prefix or the action name"
    else:
        return None
    pieces = [p.strip() for p in text.split(":") if p.strip()]
    hint = ""
    if len(pieces) == 2:
        repaired = f"{pieces[0]}:{pieces[1]}"
        try:
            if _has_wildcard(repaired):
                if catalog.expand(repaired):
                    hint = did_you_mean([repaired])
            else:
                found = catalog.find_action(repaired)
                if found is not None:
                    hint = did_you_mean([found.full_name])
        except CatalogError:
            pass
    return ActionVerdict(MALFORMED_ACTION, f"malformed action {text!r}: {reason}{hint}", index)


def _unknown_service(catalog: Catalog, text: str, service: str, name: str) -> ActionVerdict:
    try:
        catalog.service_name(service)
        suggestions: tuple[str, ...] = ()
    except UnknownServiceError as error:
        suggestions = error.suggestions
    hint = ""
    for prefix in suggestions:
        candidate = f"{prefix}:{name}"
        if _has_wildcard(name):
            if catalog.expand(candidate):
                hint = did_you_mean([candidate])
                break
        else:
            found = catalog.find_action(candidate)
            if found is not None:
                hint = did_you_mean([found.full_name])
                break
    if not hint and suggestions:
        hint = did_you_mean(suggestions, what="the service", limit=3)
    return ActionVerdict(
        UNKNOWN_SERVICE,
        f"unknown service prefix {service!r} in {text!r}: no IAM service has it, so IAM "
        f"matches no action with it{hint}",
    )


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in _CAMEL.findall(name))


def _inserted_words(written: tuple[str, ...], current: tuple[str, ...]) -> list[str] | None:
    """The words ``current`` adds *inside* ``written`` (same first and last word), or None."""
    if len(current) <= len(written) or not written:
        return None
    if current[0] != written[0] or current[-1] != written[-1]:
        return None
    inserted: list[str] = []
    pos = 0
    for word in current:
        if pos < len(written) and word == written[pos]:
            pos += 1
        else:
            inserted.append(word)
    return inserted if pos == len(written) else None


def _renamed(catalog: Catalog, prefix: str, name: str) -> tuple[ActionInfo, list[str]] | None:
    """The one action whose name is ``name`` with words inserted (``UpdateOutboundCallConfig``
    -> ``UpdateCampaignOutboundCallConfig``), when exactly one needs the fewest insertions."""
    written = _tokens(name)
    best: list[tuple[int, ActionInfo, list[str]]] = []
    for info in catalog.expand(f"{prefix}:*"):
        inserted = _inserted_words(written, _tokens(info.name))
        if inserted is not None:
            best.append((len(inserted), info, inserted))
    if not best:
        return None
    best.sort(key=lambda item: item[0])
    if len(best) > 1 and best[1][0] == best[0][0]:
        return None
    return best[0][1], best[0][2]


@lru_cache(maxsize=8192)
def classify_action(catalog: Catalog, text: str) -> ActionVerdict:
    """Classify one Action/NotAction entry (cached per catalog and text)."""
    if text == "*":
        return _FINE_EVERYTHING
    malformed = _malformed(catalog, text)
    if malformed is not None:
        return malformed
    service, name = text.split(":")
    if not _has_wildcard(service) and not catalog.has_service(service):
        return _unknown_service(catalog, text, service, name)
    title = "" if _has_wildcard(service) else f" of {catalog.service_name(service)}"
    if _has_wildcard(text):
        found = catalog.expand(text)
        if not found:
            return ActionVerdict(
                WILDCARD_MATCHES_NOTHING,
                f"the wildcard {text!r} matches no action{title}; as written it grants or "
                "denies nothing",
            )
        return ActionVerdict(None, actions=found)
    try:
        return ActionVerdict(None, actions=(catalog.action(text),))
    except UnknownActionError as error:
        suggestions = error.suggestions
    prefix = service.lower()
    renamed = _renamed(catalog, prefix, name)
    if renamed is not None:
        info, inserted = renamed
        words = " ".join(repr(w.capitalize()) for w in inserted)
        return ActionVerdict(
            RENAMED_ACTION,
            f"{text!r} is not an IAM action; IAM names it {info.full_name!r} (the same words "
            f"with {words} inserted), so as written it matches nothing",
        )
    hint = ""
    if suggestions:
        hint = did_you_mean(suggestions, limit=5)
        lowered = text.lower()
        if len(suggestions) > 1 and all(s.lower().startswith(lowered) for s in suggestions):
            hint = (
                f"; several actions start with it ({quoted_list(suggestions, limit=5)}): "
                f"did you mean the wildcard {text + '*'!r}?"
            )
    return ActionVerdict(
        UNKNOWN_ACTION, f"{text!r} is not an action{title}, so IAM never matches it{hint}"
    )


def _report(doc: LintDocument, rule: Rule) -> Iterator[Finding]:
    for statement in doc.statements:
        for value in statement.action_values:
            verdict = classify_action(doc.catalog, value.text)
            if verdict.rule is rule:
                offset = (
                    value.offset if verdict.index is None else doc.char_offset(value, verdict.index)
                )
                yield doc.finding(rule, offset, verdict.message)


def unknown_service(doc: LintDocument) -> Iterator[Finding]:
    """An action whose service prefix IAM does not know (``app-integartions:...``).

    Access Analyzer "Error - Invalid service"; suggests the close prefix and, when it has the
    action, the corrected action.
    """
    yield from _report(doc, UNKNOWN_SERVICE)


def unknown_action(doc: LintDocument) -> Iterator[Finding]:
    """An action the service does not have (``connect:UpdateUser``), with "did you mean".

    Access Analyzer "Error - Invalid action". When every suggestion extends the written name,
    the wildcard is suggested too: ``connect:UpdateUser*`` is nine real actions.
    """
    yield from _report(doc, UNKNOWN_ACTION)


def malformed_action(doc: LintDocument) -> Iterator[Finding]:
    """An entry that is not ``service:Action``: ``app-integrations::ListEventIntegrations``.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html ;
    reported at the offending colon, with the repaired name when it exists.
    """
    yield from _report(doc, MALFORMED_ACTION)


def wildcard_matches_nothing(doc: LintDocument) -> Iterator[Finding]:
    """A wildcard entry (``connect:UpdateUsr*``) that matches no action of the service.

    Wildcards: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    """
    yield from _report(doc, WILDCARD_MATCHES_NOTHING)


def renamed_action(doc: LintDocument) -> Iterator[Finding]:
    """An action IAM does not know whose words, with one or more inserted, are an action it
    does know: ``connect-campaigns:UpdateOutboundCallConfig`` is IAM's
    ``UpdateCampaignOutboundCallConfig`` (the API or an older page uses the shorter name).

    Access Analyzer reports these as "Error - Invalid action"; a separate code lets the errata
    say what the published page got wrong.
    """
    yield from _report(doc, RENAMED_ACTION)
