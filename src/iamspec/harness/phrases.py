"""The scenario language's phrases: one parser for every argument a step takes.

Every step reads its quoted arguments through this module, so a phrase means the same in a
Given, a When and a decision table:

==========================  ==============================================================
tags                        ``Department=Test, Owner=TeamA`` (:func:`parse_tags`)
context                     ``aws:SourceIp=203.0.113.7, aws:CalledVia=a`` (:func:`parse_context`)
names                       ``a.json, b.json`` (:func:`parse_names`)
resource kinds              ``Connect user``, ``outbound campaign``... (:func:`resource_kind`)
principal kinds and names   ``IAM user`` ``"test-admin"`` (:func:`principal_kind`,
                            :func:`principal_name`)
resources                   ``the Connect user "jdoe" [in the Connect instance "I"] and the
                            routing profile "basic"``, ``the IAM user "u"``,
                            ``the ARN "arn:..."``, ``any resource`` (:func:`parse_resources`)
decision-table cells        ``Connect user jdoe``, ``*``, ``-``, an ARN (:func:`table_resources`)
universal claims            ``"test-admin" may call "connect:DescribeUser" only when the
                            resource's tag "Department" is "Test"`` (:func:`parse_claim`;
                            the forms are :data:`CLAIM_FORMS`, the condition's clauses
                            :data:`CONDITION_CLAUSES`)
a refuting request's facts  ``| action | connect:DeleteUser |``, ``| decision | allowed |``
                            (:func:`parse_request_facts`)
==========================  ==============================================================

Placeholders. ``{{name}}`` from ``[tool.iamspec]`` is filled in every tag key and value,
context key and value, ARN and resource id (:class:`Phrases` binds the parser to a project's
values; the module functions take a ``fill`` function). Filling happens after the phrase is
split, so a value with a comma cannot add a tag. Names of principals and resources are the
scenario's own identifiers and are not filled.

Errors are :class:`~iamspec.harness.errors.ScenarioInputError` (or
:class:`~iamspec.harness.errors.UnknownNameError` with "did you mean" for kinds,
:class:`~iamspec.errors.MalformedArnError` for an ARN,
:class:`~iamspec.project.errors.PlaceholderError` for a placeholder); the plugin adds the
feature file and line of the step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from iamspec.arns import parse_arn
from iamspec.harness.errors import ScenarioInputError, UnknownNameError
from iamspec.project.placeholders import fill_text
from iamspec.resource_kinds import (
    KINDS_BY_PHRASE,
    RAW_ARN,
    RESOURCE_KINDS,
    PrincipalKind,
    ResourceKind,
)
from iamspec.suggest import close_matches, did_you_mean

__all__ = [
    "ANY_RESOURCE",
    "CLAIM_FORMS",
    "CONDITION_CLAUSES",
    "REQUEST_FACTS",
    "ClaimClause",
    "ClaimCondition",
    "ClaimForm",
    "ClaimPhrase",
    "ClaimSubject",
    "ClaimTerm",
    "Comparison",
    "Phrases",
    "RequestFacts",
    "ResourceRef",
    "ResourceTargets",
    "parse_claim",
    "parse_condition",
    "parse_context",
    "parse_names",
    "parse_request_facts",
    "parse_resources",
    "parse_tags",
    "principal_kind",
    "principal_name",
    "resource_kind",
    "table_resources",
]

Fill = Callable[[str], str]
"""Fills the ``{{placeholders}}`` of one piece of a phrase."""

ANY_RESOURCE = "any resource"
"""The phrase that means Resource ``*``."""

_TAG_KEY = re.compile(r"[\w.:/=+\-@ ]{1,128}")
_TAG_VALUE = re.compile(r"[\w.:/=+\-@ ]{0,256}")
_IAM_NAME = re.compile(r"[\w+=,.@-]+")
_IAM_NAME_LIMIT = {PrincipalKind.USER: 64, PrincipalKind.ROLE: 64, PrincipalKind.GROUP: 128}
_ITEM = re.compile(
    r'(?:(?:the|a|an) )?(?P<kind>[^"]+?) "(?P<name>[^"]*)"'
    r'(?: in the Connect instance "(?P<instance>[^"]*)")?'
)
_SEPARATOR = re.compile(r"(?:,\s*|\s+and\s+)(?:the |a |an )?")
_MAX_ITEMS = 100
"""Resources one phrase may name (a Simulate* call takes at most 1,000 ARNs in total)."""
MAX_TAGS = 50
"""Tags one phrase may give: AWS allows 50 user-defined tags per resource, IAM user or role,
and per tagging request (Tagging AWS resources, "Tag naming limits and requirements")."""


def _as_is(text: str) -> str:
    return text


# --------------------------------------------------------------------------------------------
# tags, context, names


def parse_tags(text: str, fill: Fill = _as_is) -> dict[str, str]:
    """``"Department=Test, Owner=TeamA"`` → ``{"Department": "Test", "Owner": "TeamA"}``.

    Pairs are separated by commas (AWS tag keys and values cannot contain one); each pair is
    split at its first ``=``; spaces around keys and values are dropped; then ``fill`` fills
    the key and the value. An empty text means no tags. Raises ScenarioInputError for a pair
    without ``=``, an empty key, a key given twice, characters AWS does not allow in tags, or
    more than :data:`MAX_TAGS` tags.
    """
    tags: dict[str, str] = {}
    if not text.strip():
        return tags
    pairs = text.split(",")
    if len(pairs) > MAX_TAGS:
        raise ScenarioInputError(
            f"{len(pairs)} tags in {text[:60]!r}...: AWS allows at most {MAX_TAGS} per resource"
        )
    for raw in pairs:
        pair = raw.strip()
        key, eq, value = pair.partition("=")
        if not eq:
            raise ScenarioInputError(f"tag {pair!r} has no '=': write tags as Key=Value, Key=Value")
        key, value = fill(key.strip()), fill(value.strip())
        if not key:
            raise ScenarioInputError(f"tag {pair!r} has an empty key")
        if key in tags:
            raise ScenarioInputError(f"tag key {key!r} is given twice in {text!r}")
        if not _TAG_KEY.fullmatch(key):
            raise ScenarioInputError(f"tag key {key!r} has characters AWS does not allow in tags")
        if not _TAG_VALUE.fullmatch(value):
            raise ScenarioInputError(
                f"tag value {value!r} has characters AWS does not allow in tags"
            )
        tags[key] = value
    return tags


def parse_context(text: str, fill: Fill = _as_is) -> tuple[tuple[str, str], ...]:
    """``"aws:SourceIp=203.0.113.7, aws:CalledVia=a, aws:CalledVia=b"`` → (key, value) pairs.

    Pairs are separated by commas and split at the first ``=``; ``fill`` fills each key and
    value; a key may repeat (its values then form a multivalued entry). Raises
    ScenarioInputError for a pair without ``=`` or key.
    """
    pairs: list[tuple[str, str]] = []
    if not text.strip():
        return ()
    for raw in text.split(","):
        key, eq, value = raw.strip().partition("=")
        if not eq or not key.strip():
            raise ScenarioInputError(
                f"context entry {raw.strip()!r}: write context keys as key=value, key=value"
            )
        pairs.append((fill(key.strip()), fill(value.strip())))
    return tuple(pairs)


def parse_names(text: str | None) -> list[str]:
    """``"a.json, b.json"`` → ``["a.json", "b.json"]`` (empty items dropped)."""
    return [n.strip() for n in (text or "").split(",") if n.strip()]


# --------------------------------------------------------------------------------------------
# kinds and principal names


def resource_kind(phrase: str) -> ResourceKind:
    """The kind a phrase names (``Connect user``; case-insensitive); UnknownNameError with
    suggestions otherwise."""
    found = KINDS_BY_PHRASE.get(" ".join(phrase.split()).lower())
    if found is None:
        raise UnknownNameError(
            "kind of resource",
            phrase,
            close_matches(phrase, [k.phrase for k in RESOURCE_KINDS], ignore_case=True),
        )
    return found


def principal_kind(text: str | PrincipalKind) -> PrincipalKind:
    """``IAM user`` (or ``user``) → :attr:`PrincipalKind.USER`; UnknownNameError otherwise."""
    if isinstance(text, PrincipalKind):
        return text
    word = text.strip().lower().removeprefix("iam ").strip()
    for kind in PrincipalKind:
        if kind.value == word:
            return kind
    raise UnknownNameError("kind of IAM principal", text, ["IAM user", "IAM group", "IAM role"])


def principal_name(kind: PrincipalKind, name: str) -> str:
    """``name`` when IAM accepts it for ``kind`` (letters, digits, ``+=,.@_-``; 64 characters
    for users and roles, 128 for groups); ScenarioInputError otherwise."""
    if not _IAM_NAME.fullmatch(name) or len(name) > _IAM_NAME_LIMIT[kind]:
        raise ScenarioInputError(
            f"{name!r} is not a valid {kind.phrase} name (letters, digits and +=,.@_-; "
            f"at most {_IAM_NAME_LIMIT[kind]} characters)"
        )
    return name


# --------------------------------------------------------------------------------------------
# resources


@dataclass(frozen=True)
class ResourceRef:
    """One resource a phrase names: its kind (:data:`RAW_ARN` for ``the ARN "..."``), its name
    (the filled ARN for a raw ARN) and the Connect instance a new resource goes in."""

    kind: ResourceKind
    name: str
    instance: str | None = None

    @property
    def is_arn(self) -> bool:
        return self.kind is RAW_ARN


@dataclass(frozen=True)
class ResourceTargets:
    """What a request is about: named resources, or ``any resource`` (Resource ``*``)."""

    items: tuple[ResourceRef, ...] = ()
    any_resource: bool = False


def _resource_ref(kind_phrase: str, name: str, instance: str | None, fill: Fill) -> ResourceRef:
    if " ".join(kind_phrase.split()).lower() == RAW_ARN.phrase.lower():
        text = fill(name)
        parse_arn(text, strict=True)  # MalformedArnError naming what is wrong
        return ResourceRef(RAW_ARN, text, None)
    return ResourceRef(resource_kind(kind_phrase), name, instance)


def parse_resources(phrase: str, fill: Fill = _as_is) -> ResourceTargets:
    """``the Connect user "jdoe" and the routing profile "basic"`` → the resources named.

    Items are ``[the|a|an] KIND "NAME" [in the Connect instance "I"]`` (KIND may be ``ARN``,
    NAME then the ARN), joined by ``and`` or commas; ``any resource`` alone means ``*``.
    Raises ScenarioInputError for text that does not read that way, UnknownNameError for an
    unknown kind, MalformedArnError for a bad ARN.
    """
    text = phrase.strip()
    if text == ANY_RESOURCE:
        return ResourceTargets(any_resource=True)
    items: list[ResourceRef] = []
    pos = 0
    while len(items) < _MAX_ITEMS:
        match = _ITEM.match(text, pos)
        if match is None:
            raise ScenarioInputError(
                f'cannot read resources from {phrase!r}: expected the <kind> "<name>", '
                'joined by "and"'
            )
        kind, name, instance = match.group("kind", "name", "instance")
        items.append(_resource_ref(kind, name, instance, fill))
        pos = match.end()
        if pos == len(text):
            return ResourceTargets(tuple(items))
        sep = _SEPARATOR.match(text, pos)
        if sep is None:
            raise ScenarioInputError(f"cannot read resources from {phrase!r} after {text[:pos]!r}")
        pos = sep.end()
    raise ScenarioInputError(f"{phrase!r} names more than {_MAX_ITEMS} resources")


_KINDS_LONGEST_FIRST = tuple(sorted(KINDS_BY_PHRASE, key=len, reverse=True))


def table_resources(cell: str, fill: Fill = _as_is) -> ResourceTargets | None:
    """A decision table's resource cell: empty or ``-`` = none (None), ``*`` = any resource.

    Quotes are optional: ``Connect user jdoe`` reads as ``the Connect user "jdoe"``; a cell
    starting with ``arn:`` is an ARN.
    """
    text = cell.strip()
    if text in ("", "-"):
        return None
    if text in ("*", ANY_RESOURCE):
        return ResourceTargets(any_resource=True)
    if '"' in text:
        return parse_resources(text, fill)
    if text.startswith("arn:"):
        return parse_resources(f'the ARN "{text}"', fill)
    body = text.removeprefix("the ").strip()
    for kind in _KINDS_LONGEST_FIRST:
        if body.lower().startswith(kind + " "):
            return parse_resources(f'the {body[: len(kind)]} "{body[len(kind) :].strip()}"', fill)
    return parse_resources(text, fill)


# --------------------------------------------------------------------------------------------
# universal claims


class ClaimForm(Enum):
    """What a claim says about every request of its scope."""

    ONLY_WHEN = "only when"
    """``"P" may call "A" only when C``: a request is allowed only if C holds."""
    EXACTLY_WHEN = "exactly when"
    """``"P" may call "A" exactly when C``: allowed if and only if C holds."""
    ALWAYS = "always"
    """``"P" may always call "A"``: every request is allowed."""
    NEVER = "never"
    """``"P" may never call "A"``: no request is allowed."""
    NO_NEW_ACCESS = "nothing new"
    """``the policy "NEW" grants nothing that "OLD" does not``."""
    SAME_ACCESS = "the same"
    """``the policy "A" grants exactly what "B" grants``."""


class ClaimSubject(Enum):
    """A piece of the request a condition reads."""

    RESOURCE_TAG = "the resource's tag"
    CALLER_TAG = "the caller's tag"
    REQUEST_TAG = "the request tag"
    CONTEXT_KEY = "the context key"
    RESOURCE_ARN = "the resource's ARN"


@dataclass(frozen=True)
class ClaimTerm:
    """``the resource's tag "Department"`` (``key`` filled; empty for the ARN)."""

    subject: ClaimSubject
    key: str = ""

    def __str__(self) -> str:
        return self.subject.value if not self.key else f'{self.subject.value} "{self.key}"'


class Comparison(Enum):
    """How a clause tests its term."""

    IS = "is"
    IS_NOT = "is not"
    IS_LIKE = "is like"
    EQUALS = "equals"
    PRESENT = "is present"
    ABSENT = "is absent"
    OWNED_BY = "the resource is owned by the Connect instance"
    IS_RESOURCE = "the resource is"


@dataclass(frozen=True)
class ClaimClause:
    """One test of a condition.

    ``term`` is what is tested (None for the two resource clauses); ``value`` the literal or
    ``is like`` pattern (filled); ``other`` the second term of ``equals``; ``resource`` the
    Connect instance of ``owned by`` (kind Connect instance) or the resource ``the resource is
    the KIND "NAME"`` names.
    """

    test: Comparison
    term: ClaimTerm | None = None
    value: str | None = None
    other: ClaimTerm | None = None
    resource: ResourceRef | None = None


@dataclass(frozen=True)
class ClaimCondition:
    """Clauses joined by ``and`` (every one holds) or ``or`` (``any_of``: one holds)."""

    clauses: tuple[ClaimClause, ...]
    any_of: bool = False


@dataclass(frozen=True)
class ClaimPhrase:
    """A universal claim as a step states it (see :func:`parse_claim`).

    Principal claims have ``principal``, ``actions`` (patterns), ``kind`` (``on a KIND``),
    ``any_tags`` (``, whatever its tags,``) and, for ONLY_WHEN and EXACTLY_WHEN, a
    ``condition``. Policy claims have ``policies`` (NEW, or the first), ``compared`` (OLD, or
    the second) and ``actions`` (``for actions matching``; empty: every action).
    """

    text: str
    form: ClaimForm
    actions: tuple[str, ...] = ()
    principal: str | None = None
    any_tags: bool = False
    kind: ResourceKind | None = None
    condition: ClaimCondition | None = None
    policies: tuple[str, ...] = ()
    compared: tuple[str, ...] = ()


MAX_CLAIM_CHARS = 4000
"""The longest claim read (a bound on the work one step can ask of the parser)."""
MAX_CLAUSES = 20
"""Clauses one condition may join."""

_PRINCIPAL_CLAIM = re.compile(
    r'"(?P<principal>[^"]+)"(?P<any_tags>, whatever its tags,)? may '
    r'(?:(?P<quantifier>always|never) )?call "(?P<actions>[^"]*)"'
)
_POLICY_CLAIM = re.compile(
    r'the polic(?:y|ies) "(?P<first>[^"]+)" grants? '
    r'(?:nothing that "(?P<old>[^"]+)" (?:does|do) not|exactly what "(?P<same>[^"]+)" grants?)'
    r'(?: for actions matching "(?P<actions>[^"]+)")?'
)
_ON_KIND = re.compile(r" on an? ")
_RULE = re.compile(r" (?P<rule>only|exactly) when ")
_TERM = re.compile(
    r"the (?:(?P<subject>resource's tag|caller's tag|request tag|context key) "
    r'"(?P<key>[^"]*)"|(?P<arn>resource\'s ARN))'
)
_RESOURCE_CLAUSE = re.compile(
    r'the resource is (?:owned by the Connect instance "(?P<owner>[^"]*)"'
    r'|the (?P<kind>[^"]+?) "(?P<name>[^"]*)")'
)
_TEST = re.compile(
    r' (?:is (?P<negated>not )?"(?P<value>[^"]*)"|is like "(?P<pattern>[^"]*)"'
    r"|is (?P<presence>present|absent)|(?P<equals>equals) )"
)
_JOIN = re.compile(r" (?P<word>and|or) ")
_SUBJECTS = {s.value.removeprefix("the "): s for s in ClaimSubject}

CLAIM_FORMS = (
    '"P" may call "ACTIONS" [on a KIND] only when CONDITION',
    '"P" may call "ACTIONS" [on a KIND] exactly when CONDITION',
    '"P" may always call "ACTIONS" [on a KIND]',
    '"P" may never call "ACTIONS" [on a KIND]',
    '"P", whatever its tags, may ... (the caller\'s tags left free)',
    'the policy "NEW" grants nothing that "OLD" does not [for actions matching "PATTERNS"]',
    'the policy "A" grants exactly what "B" grants [for actions matching "PATTERNS"]',
)
"""The claim forms, as the README and the step library's docstring list them."""

CONDITION_CLAUSES = (
    'the resource\'s tag "K" is "V"  (also: is not "V", is like "V*", is present, is absent)',
    'the resource\'s tag "K" equals the caller\'s tag "K"',
    'the caller\'s tag "K" ..., the request tag "K" ..., the context key "KEY" ...',
    'the resource\'s ARN is "ARN"  (or: is like "arn:aws:iam::*:user/alice")',
    'the resource is owned by the Connect instance "I"',
    'the resource is the KIND "NAME"',
)
"""The clauses a condition joins with ``and`` or ``or`` (not both)."""


def _claim_error(text: str, message: str) -> ScenarioInputError:
    shown = text if len(text) <= 120 else text[:117] + "..."
    return ScenarioInputError(f"cannot read the claim {shown!r}: {message}")


def _patterns(text: str, claim: str) -> tuple[str, ...]:
    names = tuple(parse_names(text))
    if not names:
        raise _claim_error(
            claim, 'name the actions, e.g. "connect:DescribeUser, connect:UpdateUser*"'
        )
    return names


def parse_claim(text: str, fill: Fill = _as_is) -> ClaimPhrase:
    """Read a universal claim (the forms are :data:`CLAIM_FORMS`).

    ``fill`` fills the ``{{placeholders}}`` of tag keys and values, context keys and values
    and ARNs in the condition. Raises ScenarioInputError saying what could not be read and
    where, UnknownNameError (with suggestions) for an unknown kind of resource.
    """
    claim = " ".join(text.split())
    if len(claim) > MAX_CLAIM_CHARS:
        raise ScenarioInputError(f"a claim has at most {MAX_CLAIM_CHARS:,} characters")
    policy = _POLICY_CLAIM.fullmatch(claim)
    if policy is not None:
        same = policy.group("same")
        return ClaimPhrase(
            text=claim,
            form=ClaimForm.SAME_ACCESS if same else ClaimForm.NO_NEW_ACCESS,
            actions=_patterns(policy.group("actions"), claim) if policy.group("actions") else (),
            policies=tuple(parse_names(policy.group("first"))),
            compared=tuple(parse_names(same or policy.group("old"))),
        )
    found = _PRINCIPAL_CLAIM.match(claim)
    if found is None:
        raise _claim_error(claim, "expected one of: " + "; ".join(CLAIM_FORMS))
    rest = claim[found.end() :]
    kind: ResourceKind | None = None
    on = _ON_KIND.match(rest)
    rule = _RULE.search(rest)
    if on is not None:
        end = rule.start() if rule is not None else len(rest)
        kind = resource_kind(rest[on.end() : end])
        rest = rest[end:]
    elif rest and rule is None:
        raise _claim_error(claim, f"unexpected {rest.strip()!r} after the actions")
    quantifier = found.group("quantifier")
    actions = _patterns(found.group("actions"), claim)
    principal = found.group("principal")
    any_tags = found.group("any_tags") is not None
    if not rest:
        if quantifier is None:
            raise _claim_error(
                claim,
                "say when: '... only when <condition>' or '... exactly when <condition>', or "
                "write 'may always call' / 'may never call'",
            )
        form = ClaimForm.ALWAYS if quantifier == "always" else ClaimForm.NEVER
        return ClaimPhrase(claim, form, actions, principal, any_tags, kind)
    rule = _RULE.match(rest)
    if rule is None:
        raise _claim_error(claim, f"unexpected {rest.strip()!r}")
    if quantifier is not None:
        raise _claim_error(claim, f"'may {quantifier} call' takes no condition")
    form = ClaimForm.ONLY_WHEN if rule.group("rule") == "only" else ClaimForm.EXACTLY_WHEN
    condition = parse_condition(rest[rule.end() :], fill)
    return ClaimPhrase(claim, form, actions, principal, any_tags, kind, condition)


def _term(match: re.Match[str], fill: Fill, where: str) -> ClaimTerm:
    if match.group("arn"):
        return ClaimTerm(ClaimSubject.RESOURCE_ARN)
    subject = _SUBJECTS[match.group("subject")]
    key = fill(match.group("key").strip())
    if not key:
        raise ScenarioInputError(f"{where}: {subject.value} needs a key")
    if subject is not ClaimSubject.CONTEXT_KEY and not _TAG_KEY.fullmatch(key):
        raise ScenarioInputError(f"{where}: tag key {key!r} has characters AWS does not allow")
    return ClaimTerm(subject, key)


def _literal(term: ClaimTerm, value: str, where: str) -> str:
    if term.subject is ClaimSubject.RESOURCE_ARN:
        parse_arn(value, strict=True)  # MalformedArnError naming what is wrong
    elif term.subject is not ClaimSubject.CONTEXT_KEY and not _TAG_VALUE.fullmatch(value):
        raise ScenarioInputError(f"{where}: tag value {value!r} has characters AWS does not allow")
    return value


def _clause(text: str, pos: int, fill: Fill) -> tuple[ClaimClause, int]:
    where = f"the condition {text!r}"
    resource = _RESOURCE_CLAUSE.match(text, pos)
    if resource is not None:
        owner = resource.group("owner")
        if owner is not None:
            ref = ResourceRef(KINDS_BY_PHRASE["connect instance"], owner)
            return ClaimClause(Comparison.OWNED_BY, resource=ref), resource.end()
        kind = resource.group("kind")
        if kind.lower() == RAW_ARN.phrase.lower():
            raise ScenarioInputError(f'{where}: say the resource\'s ARN is "..."')
        ref = ResourceRef(resource_kind(kind), resource.group("name"))
        return ClaimClause(Comparison.IS_RESOURCE, resource=ref), resource.end()
    term_match = _TERM.match(text, pos)
    if term_match is None:
        raise ScenarioInputError(
            f"cannot read {where} at {text[pos : pos + 40]!r}: expected one of: "
            + "; ".join(CONDITION_CLAUSES)
        )
    term = _term(term_match, fill, where)
    test = _TEST.match(text, term_match.end())
    if test is None:
        after = text[term_match.end() : term_match.end() + 40]
        raise ScenarioInputError(
            f'cannot read {where} after {str(term)!r}: expected is "V", is not "V", '
            f'is like "V*", is present, is absent or equals <another term>, not {after!r}'
        )
    if test.group("equals"):
        other = _TERM.match(text, test.end())
        if other is None:
            raise ScenarioInputError(
                f'cannot read {where}: {str(term)!r} equals what? e.g. the caller\'s tag "K"'
            )
        return ClaimClause(Comparison.EQUALS, term, other=_term(other, fill, where)), other.end()
    if test.group("presence"):
        kind_of = Comparison.PRESENT if test.group("presence") == "present" else Comparison.ABSENT
        if term.subject is ClaimSubject.RESOURCE_ARN:
            raise ScenarioInputError(f"{where}: every request has a resource ARN (or '*')")
        return ClaimClause(kind_of, term), test.end()
    if test.group("pattern") is not None:
        return ClaimClause(Comparison.IS_LIKE, term, value=fill(test.group("pattern"))), test.end()
    value = _literal(term, fill(test.group("value")), where)
    negated = Comparison.IS_NOT if test.group("negated") else Comparison.IS
    return ClaimClause(negated, term, value=value), test.end()


def parse_condition(text: str, fill: Fill = _as_is) -> ClaimCondition:
    """``the resource's tag "Department" is "Test" and ...``: clauses (see
    :data:`CONDITION_CLAUSES`) joined by ``and`` or by ``or``, not both (the grouping would
    be ambiguous). Raises ScenarioInputError naming what could not be read."""
    clauses: list[ClaimClause] = []
    words: set[str] = set()
    pos = 0
    while True:
        clause, pos = _clause(text, pos, fill)
        clauses.append(clause)
        if pos == len(text):
            break
        join = _JOIN.match(text, pos)
        if join is None:
            raise ScenarioInputError(
                f"cannot read the condition {text!r} at {text[pos : pos + 40]!r}: expected "
                "'and' or 'or' and another clause, or the end"
            )
        words.add(join.group("word"))
        if len(words) > 1:
            raise ScenarioInputError(
                f"the condition {text!r} mixes 'and' and 'or': the grouping would be "
                "ambiguous; state two claims instead"
            )
        if len(clauses) >= MAX_CLAUSES:
            raise ScenarioInputError(f"a condition joins at most {MAX_CLAUSES} clauses")
        pos = join.end()
    return ClaimCondition(tuple(clauses), any_of=words == {"or"})


# --------------------------------------------------------------------------------------------
# the request that refutes a claim, as a table of facts

REQUEST_FACTS = (
    "action",
    "resource",
    "resource tags",
    "request tags",
    "caller tags",
    "context",
    "decision",
)
"""The facts a ``refuted by a request like:`` table may state (``decision`` is required)."""


@dataclass(frozen=True)
class RequestFacts:
    """What the request that refutes a claim is like: its action, the kind of its resource,
    tags and context it carries (all filled), and the decision (a word, as in Then-steps)."""

    decision: str
    action: str | None = None
    kind: ResourceKind | None = None
    resource_tags: Mapping[str, str] = field(default_factory=dict)
    request_tags: Mapping[str, str] = field(default_factory=dict)
    caller_tags: Mapping[str, str] = field(default_factory=dict)
    context: tuple[tuple[str, str], ...] = ()


def parse_request_facts(
    rows: Sequence[Sequence[str]], fill: Fill = _as_is, places: Sequence[str] = ()
) -> RequestFacts:
    """A two-column table ``| fact | value |`` (a header row ``| fact | value |`` is
    optional) of :data:`REQUEST_FACTS`. ``places`` name each row (``features/x.feature:15``)
    in errors. Raises ScenarioInputError for an unknown or repeated fact, a row that is not
    two cells, or a table without ``decision``."""
    facts: dict[str, str] = {}
    for index, row in enumerate(rows):
        cells = [" ".join(c.split()) for c in row]
        try:
            if len(cells) != 2:
                raise ScenarioInputError(
                    f"a request's facts are a two-column table, | fact | value |; this row "
                    f"has {len(cells)} cells"
                )
            name, value = cells[0].lower(), cells[1]
            if index == 0 and (name, value.lower()) == ("fact", "value"):
                continue
            if name not in REQUEST_FACTS:
                raise ScenarioInputError(
                    f"unknown fact {cells[0]!r}; facts are "
                    + ", ".join(REQUEST_FACTS)
                    + did_you_mean(close_matches(name, REQUEST_FACTS, limit=1))
                )
            if name in facts:
                raise ScenarioInputError(f"the fact {name!r} is given twice")
            facts[name] = value
        except ScenarioInputError as error:
            if index < len(places):
                error.add_note(f"{places[index]}: | {' | '.join(cells)} |")
            raise
    if "decision" not in facts:
        raise ScenarioInputError(
            "say what the request gets: a row | decision | allowed | (or implicitly denied, "
            "explicitly denied, denied)"
        )
    kind = None
    if facts.get("resource"):
        words = facts["resource"]
        for article in ("a ", "an ", "the "):
            if words.lower().startswith(article):
                words = words[len(article) :]
                break
        kind = resource_kind(words)
    return RequestFacts(
        decision=facts["decision"],
        action=facts.get("action") or None,
        kind=kind,
        resource_tags=parse_tags(facts.get("resource tags", ""), fill),
        request_tags=parse_tags(facts.get("request tags", ""), fill),
        caller_tags=parse_tags(facts.get("caller tags", ""), fill),
        context=parse_context(facts.get("context", ""), fill),
    )


# --------------------------------------------------------------------------------------------
# bound to a project's placeholders


class Phrases:
    """The phrase parser with a project's ``{{placeholder}}`` values (one per run, shared by its
    scenario worlds: it keeps no state)."""

    def __init__(self, placeholders: Mapping[str, str]) -> None:
        self.placeholders = placeholders

    def fill(self, text: str) -> str:
        """``text`` with its ``{{placeholders}}`` filled; PlaceholderError names the text and
        the column of an unknown or malformed one."""
        if "{{" not in text:
            return text
        return fill_text(text, self.placeholders, f"step argument {text!r}")

    def tags(self, text: str) -> dict[str, str]:
        return parse_tags(text, self.fill)

    def context(self, text: str) -> tuple[tuple[str, str], ...]:
        return parse_context(text, self.fill)

    def resources(self, phrase: str) -> ResourceTargets:
        return parse_resources(phrase, self.fill)

    def table_resources(self, cell: str) -> ResourceTargets | None:
        return table_resources(cell, self.fill)

    def claim(self, text: str) -> ClaimPhrase:
        return parse_claim(text, self.fill)

    def request_facts(
        self, rows: Sequence[Sequence[str]], places: Sequence[str] = ()
    ) -> RequestFacts:
        return parse_request_facts(rows, self.fill, places)
