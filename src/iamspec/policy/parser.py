"""Parse IAM policy text into the immutable model, rejecting what IAM rejects.

Layer 1 of the simulator: JSON syntax (:mod:`iamspec.policy.jsontext`) plus the IAM policy
grammar, with every defect reported at the offending element or value so that an author
can fix the policy without guessing. Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html ,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html ,
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html ,
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import Enum

from iamspec.errors import PolicyParseError
from iamspec.policy.jsontext import (
    JsonArray,
    JsonBool,
    JsonMember,
    JsonNumber,
    JsonObject,
    JsonString,
    JsonValue,
    LineIndex,
    describe,
    parse_json,
    parse_json_prefix,
)
from iamspec.policy.model import (
    ConditionClause,
    Effect,
    Located,
    Policy,
    Position,
    PrincipalBlock,
    Statement,
)
from iamspec.policy.operators import (
    SET_QUALIFIERS,
    VARIABLE_OPERATORS,
    is_known_operator,
    split_operator,
    suggest_operator,
)
from iamspec.suggest import close_matches, did_you_mean

__all__ = ["PolicyKind", "parse_policy"]


class PolicyKind(Enum):
    """Which kind of policy a text is: the kinds differ in the elements they allow."""

    IDENTITY = "identity"
    BOUNDARY = "boundary"
    RESOURCE = "resource"
    SCP = "scp"

    @property
    def label(self) -> str:
        """How error messages name the kind."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    PolicyKind.IDENTITY: "an identity-based policy",
    PolicyKind.BOUNDARY: "a permissions boundary",
    PolicyKind.RESOURCE: "a resource-based policy",
    PolicyKind.SCP: "a service control policy",
}

VERSIONS = ("2012-10-17", "2008-10-17")
POLICY_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_TYPES = ("AWS", "Federated", "Service", "CanonicalUser")

_WRAPPER_HINT = (
    'is this a statement fragment without the {"Version":..., "Statement": [...]} wrapper?'
)
_DUPLICATE_HINT = (
    "IAM rejects duplicate elements, see "
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html"
    "#duplicateelement"
)
# IAM policies hold only these characters: "Policy documents can contain only the following
# Unicode characters: horizontal tab (U+0009), linefeed (U+000A), carriage return (U+000D),
# and characters in the range U+0020 to U+00FF" (reference_iam-quotas.html), the API model's
# policyDocumentType pattern [\u0009\u000A\u000D\u0020-\u00FF]+ (API_SimulateCustomPolicy
# and every Put*Policy page). The pattern is checked on the text as sent; the quotas page
# speaks of the document's characters, and an escape (\u2018, \b) is only another spelling of
# one, so the same rule applies to escaped characters [INF] (issue 14: escapes slipped past).
_BAD_CHAR = re.compile(r"[^\t\n\r\x20-\xff]")
_SMART_QUOTES = "\u2018\u2019\u201c\u201d"
_SID = re.compile(r"[A-Za-z0-9]*")

_Clause = tuple[Located, Located, tuple[Located, ...]]


def parse_policy(text: str, source: str, *, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
    """Parse ``text`` as an IAM policy of the given ``kind``.

    ``source`` names the document in errors and in the result (a path, or
    ``PolicyInputList.1``). Raises :class:`PolicyParseError` at the first defect.
    """
    lines = LineIndex(text)
    _check_charset(text, source, lines)
    try:
        document = parse_json(text, source, lines, allowed=_escaped_char_rule)
    except PolicyParseError as exc:
        fragment = _fragment_error(text, source, lines)
        if fragment is not None:
            raise fragment from exc
        raise
    return _Grammar(text, source, kind, lines).policy(document.root)


def _escaped_char_rule(ch: str) -> str | None:
    """The character rule for what a JSON escape denotes (None: allowed)."""
    if _BAD_CHAR.match(ch) is None:
        return None
    return _disallowed(ch)


def _check_charset(text: str, source: str, lines: LineIndex) -> None:
    """Reject characters IAM cannot store, before anything else looks at the text."""
    bad = _BAD_CHAR.search(text)
    if bad is None:
        return
    pos = lines.position(bad.start())
    raise PolicyParseError(source, pos.line, pos.column, _disallowed(bad.group()))


def _disallowed(ch: str) -> str:
    """Why ``ch`` cannot be in a policy, with a hint for the usual culprits."""
    name = unicodedata.name(ch, "")
    shown = f"U+{ord(ch):04X}" + (f" ({name})" if name else "")
    hint = ""
    if ch in _SMART_QUOTES:
        hint = "; a typographic quote, use a plain ' or \" instead"
    elif ch == "\ufeff":
        hint = "; a byte-order mark, save the file as UTF-8 without BOM"
    return (
        f"character {shown} is not allowed in an IAM policy: IAM accepts only tab, LF, CR "
        f"and U+0020-U+00FF{hint}"
    )


def _fragment_error(text: str, source: str, lines: LineIndex) -> PolicyParseError | None:
    """A clear error for text that starts with ``"Key":``, i.e. lacks its outer braces."""
    if not text.lstrip(" \t\r\n").startswith('"'):
        return None
    try:
        first = parse_json_prefix(text, source, lines, allowed=_escaped_char_rule).root
    except PolicyParseError:
        return None
    rest = text[first.end_offset :].lstrip(" \t\r\n")
    if not (isinstance(first, JsonString) and rest.startswith(":")):
        return None
    if first.value in STATEMENT_ELEMENTS:
        reason = (
            f"policy text starts with the statement element {first.value!r} instead of '{{' "
            f"({_WRAPPER_HINT})"
        )
    else:
        reason = (
            f"policy text starts with the member name {first.value!r} instead of '{{' "
            "(is the opening '{' missing?)"
        )
    return PolicyParseError(source, first.start.line, first.start.column, reason)


def _suggest(name: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'X'?"`` for a near miss, else ``""``.

    Element names are matched exactly: IAM answers a lower-case ``statement`` with
    "Unknown field statement" (https://github.com/pulumi/pulumi-aws-native/issues/1616).
    """
    options = tuple(choices)
    for option in options:
        if option.lower() == name.lower():
            return f"; did you mean {option!r}? (element names are case-sensitive)"
    return did_you_mean(close_matches(name, options, limit=1, cutoff=0.7))


def _unknown_operator(name: str) -> str:
    """The message for an operator name IAM rejects, with the likely intended name."""
    reason = f"unknown condition operator {name!r}"
    if name.split(":")[-1] == "NullIfExists":
        return f"{reason}: Null cannot take IfExists (Null itself tests whether the key exists)"
    qualifier, _, rest = name.partition(":")
    if qualifier in SET_QUALIFIERS and rest == "Null":
        return (
            f"{reason}: Null takes no set qualifier; it tests whether the key is present at "
            'all, for a multivalued key too (write "Null")'
        )
    near = suggest_operator(name)[:1]
    if near and near[0].lower() == name.lower():
        return f"{reason}{did_you_mean(near)} (operator names are case-sensitive)"
    return f"{reason}{did_you_mean(near)}"


def _family_name(base: str) -> str:
    """How the condition operators page names the family of a base operator."""
    for prefix, family in (
        ("Numeric", "Numeric"),
        ("Date", "Date"),
        ("Binary", "Binary"),
        ("IpAddress", "IP address"),
        ("NotIpAddress", "IP address"),
    ):
        if base.startswith(prefix):
            return family
    return base


class _Grammar:
    """Checks the IAM grammar over a JSON tree and builds the model."""

    def __init__(self, text: str, source: str, kind: PolicyKind, lines: LineIndex) -> None:
        self.text = text
        self.source = source
        self.kind = kind
        self.lines = lines
        self.variables_enabled = False

    def error(self, at: Position, reason: str) -> PolicyParseError:
        return PolicyParseError(self.source, at.line, at.column, reason)

    def members(
        self, obj: JsonObject, where: str, allowed: tuple[str, ...] | None = None
    ) -> dict[str, JsonMember]:
        """The members of ``obj`` by name, rejecting duplicates and unknown names."""
        found: dict[str, JsonMember] = {}
        for member in obj.members:
            name = member.key.value
            if name in found:
                first = found[name].key.start
                raise self.error(
                    member.key.start,
                    f"duplicate element {name!r} in {where} (first at line {first.line}, "
                    f"column {first.column}); {_DUPLICATE_HINT}",
                )
            if allowed is not None and name not in allowed:
                raise self.error(
                    member.key.start,
                    f"unknown element {name!r} in {where}{_suggest(name, allowed)} "
                    f"(allowed: {', '.join(allowed)})",
                )
            found[name] = member
        return found

    # -- policy ---------------------------------------------------------------------------

    def policy(self, root: JsonValue) -> Policy:
        if not isinstance(root, JsonObject):
            hint = ""
            if isinstance(root, JsonArray):
                hint = f" ({_WRAPPER_HINT.replace('statement fragment', 'list of statements')})"
            raise self.error(
                root.start, f"policy must be a JSON object, found {describe(root)}{hint}"
            )
        names = {member.key.value for member in root.members}
        if "Statement" not in names and names & set(STATEMENT_ELEMENTS):
            raise self.error(root.start, f"policy has no Statement element ({_WRAPPER_HINT})")
        found = self.members(root, "the policy", POLICY_ELEMENTS)

        version: str | None = None
        version_position: Position | None = None
        if "Version" in found:
            member = found["Version"]
            version_position = member.key.start
            value = member.value
            if not isinstance(value, JsonString) or value.value not in VERSIONS:
                shown = repr(value.value) if isinstance(value, JsonString) else describe(value)
                raise self.error(
                    value.start,
                    f'Version must be "2012-10-17" or "2008-10-17", found {shown}',
                )
            version = value.value
        self.variables_enabled = version == "2012-10-17"

        policy_id: str | None = None
        if "Id" in found:
            value = found["Id"].value
            if not isinstance(value, JsonString):
                raise self.error(value.start, f"Id must be a string, found {describe(value)}")
            policy_id = value.value

        if "Statement" not in found:
            raise self.error(root.start, "policy has no Statement element")
        body = found["Statement"].value
        statements: list[Statement] = []
        sids: dict[str, Position] = {}
        if isinstance(body, JsonObject):
            start = self.lines.position(body.start_offset + 1)
            statements.append(self.statement(body, 0, start, sids))
            is_list = False
        elif isinstance(body, JsonArray):
            if not body.items:
                raise self.error(body.start, "Statement must not be an empty list")
            # AWS's StartPosition: just after the token before the statement ('[' or the
            # previous statement's '}'); see docs/iam-semantics.md section 1.3.
            previous_end = body.start_offset + 1
            for index, item in enumerate(body.items):
                if not isinstance(item, JsonObject):
                    raise self.error(
                        item.start,
                        f"statement {index + 1} must be an object, found {describe(item)}",
                    )
                start = self.lines.position(previous_end)
                statements.append(self.statement(item, index, start, sids))
                previous_end = item.end_offset
            is_list = True
        else:
            raise self.error(
                body.start,
                f"Statement must be an object or a list of objects, found {describe(body)}",
            )
        return Policy(
            source=self.source,
            text=self.text,
            version=version,
            policy_id=policy_id,
            statements=tuple(statements),
            statement_is_list=is_list,
            version_position=version_position,
        )

    # -- statement ------------------------------------------------------------------------

    def statement(
        self, obj: JsonObject, index: int, start: Position, sids: dict[str, Position]
    ) -> Statement:
        where = f"statement {index + 1}"
        found = self.members(obj, where, STATEMENT_ELEMENTS)

        sid: str | None = None
        if "Sid" in found:
            sid = self.sid(found["Sid"].value, sids)

        if "Effect" not in found:
            raise self.error(obj.start, f"{where} has no Effect element (Allow or Deny)")
        effect_node = found["Effect"].value
        if not isinstance(effect_node, JsonString) or effect_node.value not in ("Allow", "Deny"):
            shown = (
                repr(effect_node.value)
                if isinstance(effect_node, JsonString)
                else describe(effect_node)
            )
            raise self.error(
                effect_node.start,
                f'Effect must be exactly "Allow" or "Deny" (case-sensitive), found {shown}',
            )
        effect = Effect(effect_node.value)

        self.exclusive(found, "Action", "NotAction", where)
        if "Action" not in found and "NotAction" not in found:
            raise self.error(obj.start, f"{where} has no Action or NotAction element")
        actions = self.strings(found, "Action")
        not_actions = self.strings(found, "NotAction")

        self.exclusive(found, "Resource", "NotResource", where)
        resources = self.strings(found, "Resource")
        not_resources = self.strings(found, "NotResource")
        for name, entries in (("Resource", resources), ("NotResource", not_resources)):
            for entry in entries or ():
                self.resource_service(entry, name)
        if resources is None and not_resources is None:
            if self.kind is PolicyKind.SCP:
                # Simplification: an SCP statement without Resource applies to "*".
                resources = (Located("*", obj.start),)
            elif self.kind is not PolicyKind.RESOURCE:
                raise self.error(
                    obj.start,
                    f"{where} has no Resource or NotResource element "
                    f"(one is required in {self.kind.label})",
                )

        principal: PrincipalBlock | None = None
        not_principal: PrincipalBlock | None = None
        for name in ("Principal", "NotPrincipal"):
            if name in found and self.kind is not PolicyKind.RESOURCE:
                raise self.error(
                    found[name].key.start, f"{name} is not allowed in {self.kind.label}"
                )
        if self.kind is PolicyKind.RESOURCE:
            self.exclusive(found, "Principal", "NotPrincipal", where)
            if "Principal" in found:
                principal = self.principal(found["Principal"])
            elif "NotPrincipal" in found:
                not_principal = self.principal(found["NotPrincipal"])
            else:
                raise self.error(
                    obj.start,
                    f"{where} has no Principal or NotPrincipal element "
                    "(one is required in a resource-based policy)",
                )

        conditions: tuple[ConditionClause, ...] = ()
        if "Condition" in found:
            conditions = self.conditions(found["Condition"].value)

        return Statement(
            index=index,
            effect=effect,
            sid=sid,
            actions=actions,
            not_actions=not_actions,
            resources=resources,
            not_resources=not_resources,
            conditions=conditions,
            principal=principal,
            not_principal=not_principal,
            start=start,
            end=obj.end,
            element_positions=tuple((m.key.value, m.key.start) for m in obj.members),
        )

    def resource_service(self, entry: Located, name: str) -> None:
        """Refuse a wildcard in an ARN's service segment.

        The Resource page: "You can't use a wildcard in the service segment that identifies
        the AWS product" (reference_policies_elements_resource.html, "Using wildcards in
        resource ARNs"). Such an entry is refused rather than matched (iamspec matched
        ``arn:aws:*:::bucket`` against every service before; docs/iam-semantics.md §8).
        """
        segments = entry.text.split(":", 3)
        if (
            len(segments) >= 3
            and segments[0] == "arn"
            and ("*" in segments[2] or "?" in segments[2])
        ):
            raise self.error(
                entry.position,
                f"{name} {entry.text!r} has a wildcard in its service segment "
                f"({segments[2]!r}); IAM does not allow one there: name the service "
                "(arn:partition:service:region:account:resource)",
            )

    def exclusive(self, found: dict[str, JsonMember], first: str, second: str, where: str) -> None:
        """Reject a statement that has both of a pair such as Action and NotAction."""
        if first in found and second in found:
            later = max(found[first], found[second], key=lambda m: m.key.start_offset)
            raise self.error(
                later.key.start, f"{where} has both {first} and {second}; use exactly one"
            )

    def sid(self, node: JsonValue, sids: dict[str, Position]) -> str:
        if not isinstance(node, JsonString):
            raise self.error(node.start, f"Sid must be a string, found {describe(node)}")
        sid = node.value
        if self.kind in (PolicyKind.IDENTITY, PolicyKind.BOUNDARY):
            if not _SID.fullmatch(sid):
                bad = next(ch for ch in sid if not (ch.isascii() and ch.isalnum()))
                raise self.error(
                    node.start,
                    f"Sid {sid!r} contains {bad!r}: in IAM a Sid may contain only A-Z, a-z and 0-9",
                )
            if sid and sid in sids:
                first = sids[sid]
                raise self.error(
                    node.start,
                    f"duplicate Sid {sid!r} (first at line {first.line}, column "
                    f"{first.column}); Sids must be unique within a policy",
                )
            sids[sid] = node.start
        return sid

    def strings(self, found: dict[str, JsonMember], name: str) -> tuple[Located, ...] | None:
        """A string-or-list-of-strings element (Action, Resource, ...), or ``None``."""
        if name not in found:
            return None
        return self.string_list(found[name].value, name)

    def string_list(self, node: JsonValue, name: str) -> tuple[Located, ...]:
        if isinstance(node, JsonString):
            return (Located(node.value, node.start),)
        if isinstance(node, JsonArray):
            if not node.items:
                raise self.error(node.start, f"{name} must not be an empty list")
            values: list[Located] = []
            for item in node.items:
                if not isinstance(item, JsonString):
                    raise self.error(
                        item.start, f"each {name} entry must be a string, found {describe(item)}"
                    )
                values.append(Located(item.value, item.start))
            return tuple(values)
        raise self.error(
            node.start, f"{name} must be a string or a list of strings, found {describe(node)}"
        )

    # -- principal and condition ------------------------------------------------------------

    def principal(self, member: JsonMember) -> PrincipalBlock:
        name = member.key.value
        node = member.value
        if isinstance(node, JsonString):
            if node.value == "*":
                return PrincipalBlock(wildcard=True, position=node.start)
            raise self.error(
                node.start,
                f'{name} must be "*" or an object such as {{"AWS": "<ARN or account>"}}, '
                f"found the string {node.value!r}",
            )
        if not isinstance(node, JsonObject):
            raise self.error(node.start, f'{name} must be "*" or an object, found {describe(node)}')
        if not node.members:
            raise self.error(node.start, f"{name} must not be an empty object")
        found = self.members(node, name, PRINCIPAL_TYPES)
        entries = tuple(
            (kind, self.string_list(m.value, f"{name} {kind}")) for kind, m in found.items()
        )
        return PrincipalBlock(wildcard=False, entries=entries, position=node.start)

    def conditions(self, node: JsonValue) -> tuple[ConditionClause, ...]:
        if not isinstance(node, JsonObject):
            raise self.error(
                node.start,
                "Condition must be an object mapping operators to {key: value} objects, "
                f"found {describe(node)}",
            )
        clauses: list[_Clause] = []
        for operator_name, member in self.members(node, "Condition").items():
            if not is_known_operator(operator_name):
                raise self.error(member.key.start, _unknown_operator(operator_name))
            block = member.value
            if not isinstance(block, JsonObject):
                raise self.error(
                    block.start,
                    f"condition operator {operator_name!r} must map to an object of "
                    f"{{key: value}}, found {describe(block)}",
                )
            operator = Located(operator_name, member.key.start)
            where = f"condition operator {operator_name!r}"
            base = split_operator(operator_name)[1]
            for key_name, key_member in self.members(block, where).items():
                values = self.condition_values(key_member.value, key_name)
                if self.variables_enabled and base not in VARIABLE_OPERATORS:
                    self.no_variables(values, operator_name, base)
                clauses.append((operator, Located(key_name, key_member.key.start), values))
        return tuple(ConditionClause(op, key, values) for op, key, values in clauses)

    def no_variables(self, values: tuple[Located, ...], operator: str, base: str) -> None:
        """Refuse a policy variable where the operator does not support one.

        The condition operators page marks Numeric, Date, IP address and Binary operators
        "Policy variables: Not supported", and Null compares true/false; Access Analyzer calls
        it "Error - Invalid variable for operator". What IAM would evaluate instead is not
        documented, so it is an error here, never a decision (docs/iam-semantics.md §8).
        """
        for value in values:
            start = value.text.find("${")
            if start >= 0 and value.text.find("}", start + 2) >= 0:
                family = "Null" if base == "Null" else _family_name(base)
                raise self.error(
                    value.position,
                    f"condition operator {operator!r}: policy variables are not supported by "
                    f"{family} operators, found {value.text!r} (variables work in String and "
                    "ARN operators and Bool)",
                )

    def condition_values(self, node: JsonValue, key: str) -> tuple[Located, ...]:
        if isinstance(node, JsonArray):
            return tuple(self.scalar(item, key) for item in node.items)
        return (self.scalar(node, key),)

    def scalar(self, node: JsonValue, key: str) -> Located:
        """A condition value as IAM compares it: the text of a string, number or boolean."""
        if isinstance(node, JsonString):
            return Located(node.value, node.start)
        if isinstance(node, JsonNumber):
            return Located(node.text, node.start)
        if isinstance(node, JsonBool):
            return Located("true" if node.value else "false", node.start)
        raise self.error(
            node.start,
            f"the value of condition key {key!r} must be a string, number or boolean "
            f"(or a list of them), found {describe(node)}",
        )
