"""The step library's phrases as a scenario writes them, and "did you mean" for an unknown step.

pytest-bdd answers a step that no definition reads with a bare "step definition not found".
A phrase that is almost right (``Then the request should be allowed``, ``a campaign
"spring"``, ``with the tags "..."``) deserves the phrase that is right. :func:`library_phrases`
lists every form of every step of :mod:`iamspec.harness.steps` (each resource kind, each
optional part, each decision word), with its keyword; :func:`nearest` finds the closest ones
to a step's text (through :func:`iamspec.suggest.close_matches`) and writes them with the
step's own quoted values, so the suggestion can be pasted back: ``did you mean: Then the
request is allowed``. A test holds every phrase here to exactly one library definition, and
every library definition to at least one phrase.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from iamspec.harness.access_levels import ACCESS_LEVELS
from iamspec.harness.decisions import Expected
from iamspec.harness.declarations import RESOURCE_KINDS, ResourceKind
from iamspec.suggest import close_matches

__all__ = ["Phrase", "did_you_mean", "library_phrases", "nearest"]

_QUOTED = re.compile(r'"[^"]*"')


@dataclass(frozen=True)
class Phrase:
    """A step as written: ``Then`` and ``the request is allowed``. ``keyword`` is empty for a
    project's step that takes any keyword."""

    keyword: str
    text: str

    def __str__(self) -> str:
        return f"{self.keyword} {self.text}".strip()


def _article(phrase: str) -> str:
    return "an" if phrase[0].lower() in "aeiou" else "a"


def _resource_phrases(kind: ResourceKind) -> list[str]:
    a = f'{_article(kind.phrase)} {kind.phrase} "NAME"'
    forms = [a, f'{a} tagged "K=V"', f'{a} with id "ID"', f'{a} with id "ID" tagged "K=V"']
    if kind.in_instance:
        place = f'{a} in the Connect instance "I"'
        forms += [place, f'{place} tagged "K=V"']
    if kind.resource_type == "campaign":
        owned = f'{a} owned by the Connect instance "I"'
        forms += [owned, f'{owned} and tagged "K=V"']
    return forms


def _given() -> list[str]:
    phrases: list[str] = []
    for iam in ("user", "role", "group"):
        base = f'the IAM {iam} "NAME"'
        phrases += [base, f'{base} with the policy "FILE"', f'{base} with the policies "F1, F2"']
        if iam != "group":
            phrases += [f'{base} tagged "K=V"', f'{base} with the policy "FILE" tagged "K=V"']
    phrases += [
        '"USER" is a member of the IAM group "GROUP"',
        '"NAME" also has the policy "FILE"',
        '"NAME" has the permissions boundary "FILE"',
        '"NAME" is tagged "K=V"',
        'the deployed principal "NAME"',
        'the deployed principal "NAME" tagged "K=V"',
        'a known difference from AWS for "ACTION": "REASON"',
        'the published example "FILE"',
    ]
    for kind in RESOURCE_KINDS:
        if kind.principal is None:
            phrases += _resource_phrases(kind)
    return phrases


def _when() -> list[str]:
    who = '"P" calls "ACTION"'
    targets = ["any resource", 'the ARN "ARN"'] + [
        f'the {kind.phrase} "NAME"' for kind in RESOURCE_KINDS
    ]
    phrases = [who] + [f"{who} on {target}" for target in targets]
    phrases += [
        f'{who} on the Connect user "NAME" with the request tags "K=V"',
        f'{who} on the Connect user "NAME" and the context "KEY=V"',
        f'{who} on any resource with the context "KEY=V"',
        f'{who} with the request tags "K=V"',
        f'{who} on the Connect user "NAME" and the routing profile "NAME"',
    ]
    for kind in RESOURCE_KINDS:
        if kind.principal is None:
            new = f'{who} for {_article(kind.phrase)} new {kind.phrase} "NAME"'
            phrases += [new, f'{new} with the request tags "K=V"']
    each = '"P" calls each action matching "PATTERN"'
    phrases += [
        each,
        f"{each} on any resource",
        f'{each} on the Connect user "NAME"',
        f'{each} that applies to the Connect user "NAME"',
        f'{each} that applies to the outbound campaign "NAME"',
    ]
    phrases += ["it is linted"]
    return phrases


def _then() -> list[str]:
    words = [e.value for e in Expected]
    phrases = [f"the request is {w}" for w in words]
    phrases += [f"every request is {w}" for w in words]
    phrases += [
        '"P" gets these decisions:',
        '"PATTERN" matches exactly these actions:',
        "the linter reports nothing",
        'the linter reports "CODE" at 1:2',
        "the linter reports exactly:",
    ]
    levels = ", ".join(ACCESS_LEVELS[2:])
    for word in ("denied", "implicitly denied", "explicitly denied"):
        phrases.append(
            f'"P" is {word} every action of the services "S1, S2" at the access levels "{levels}"'
        )
    phrases.append('"P" is denied every action of the service "S" at the access level "Write"')
    tag = 'the resource\'s tag "K" is "V"'
    phrases += [
        f'"P" may call "ACTIONS" only when {tag}',
        f'"P" may call "ACTIONS" exactly when {tag}',
        f'"P" may call "ACTIONS" on a Connect user only when {tag}',
        '"P" may always call "ACTIONS"',
        '"P" may never call "ACTIONS"',
        '"P", whatever its tags, may call "ACTIONS" only when the resource\'s tag "K" equals '
        'the caller\'s tag "K"',
        'the policy "NEW" grants nothing that "OLD" does not',
        'the policy "NEW" grants nothing that "OLD" does not for actions matching "PATTERNS"',
        'the policy "A" grants exactly what "B" grants',
        'the claim "P" may never call "ACTIONS" is refuted by a request like:',
    ]
    return phrases


@functools.cache
def library_phrases() -> tuple[Phrase, ...]:
    """Every form of every step of the library, with its keyword."""
    return (
        *(Phrase("Given", t) for t in _given()),
        *(Phrase("When", t) for t in _when()),
        *(Phrase("Then", t) for t in _then()),
    )


def _shape(text: str) -> str:
    return _QUOTED.sub('""', " ".join(text.split()))


def _with_values(phrase: Phrase, values: Sequence[str]) -> str:
    """The phrase with the step's own quoted values in its quoted slots (when they fit)."""
    slots = _QUOTED.findall(phrase.text)
    if len(slots) != len(values) or not values:
        return str(phrase)
    parts = _QUOTED.split(phrase.text)
    text = parts[0] + "".join(f"{v}{rest}" for v, rest in zip(values, parts[1:], strict=True))
    return str(Phrase(phrase.keyword, text))


def nearest(text: str, extra: Iterable[Phrase] = (), *, limit: int = 3) -> list[str]:
    """The phrases nearest to a step's ``text`` (library ones and ``extra``), best first, each
    written with the step's own quoted values where it has as many quoted slots."""
    candidates: dict[str, Phrase] = {}
    for phrase in (*library_phrases(), *extra):
        candidates.setdefault(_shape(phrase.text), phrase)
    shapes = close_matches(_shape(text), candidates, limit=limit, ignore_case=True)
    values = _QUOTED.findall(text)
    return list(dict.fromkeys(_with_values(candidates[s], values) for s in shapes))


def did_you_mean(text: str, extra: Iterable[Phrase] = ()) -> str:
    """``did you mean: Then the request is allowed`` (more on further lines), or a pointer to
    the vocabulary when nothing is near."""
    found = nearest(text, extra)
    if not found:
        return (
            "no known step is near it; the step vocabulary is in the README "
            '("Writing scenarios") and in iamspec.harness.steps'
        )
    return "did you mean: " + "\n  or: ".join(found)
