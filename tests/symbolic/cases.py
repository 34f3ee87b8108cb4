"""Random policy sets and concrete requests for the differential tests.

Every operator family the engine knows (string, IgnoreCase, Like, numeric, date, Bool,
binary, IP, ARN, Null), each with and without ``IfExists`` and the set qualifiers, negated
and positive, on single-valued and multivalued keys; policy variables (with defaults,
``${*}``-style constants, multivalued and absent keys) in condition values and in Resource
entries; Action/NotAction and Resource/NotResource wildcards (the first-five-ARN-segments
rule included); Version 2012-10-17, 2008-10-17 and none; several identity policies, a
permissions boundary and SCP levels. Values are drawn so that matching and non-matching,
parsing and non-parsing, case-folded and not, absent and empty all occur.

The keys' families are kept apart (a date key is only read by date operators) so that the
formula is exact: the one construct family without an exact encoding has its own test.

:func:`agree` checks one policy set on a list of requests: the symbolic formula fixed to each
request (:class:`iamspec.symbolic.evaluate.Oracle`) against ``iamspec.simulate_custom_policy``.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

import iamspec
from iamspec.engine.evaluator import Decision
from iamspec.symbolic.evaluate import Oracle
from iamspec.symbolic.policies import PolicySet

ACTIONS = [
    "connect:DescribeUser",
    "connect:UpdateUserHierarchy",
    "connect:CreateUser",
    "connect:ListUsers",
    "iam:GetUser",
    "s3:GetObject",
]
ACTION_PATTERNS = [
    *ACTIONS,
    "*",
    "connect:*",
    "connect:Update*",
    "CONNECT:describeuser",
    "connect:?escribeUser",
    "s3:Get*",
    "iam:*",
    "connect:*User*",
]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:connect:*:*:instance/*",
    "arn:aws:connect:us-east-1:111122223333:instance/i1/agent/*",
    "arn:aws:connect:*:*:instance/${aws:PrincipalTag/Team}/*",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:iam::111122223333:user/${aws:username, 'nobody'}",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/${aws:PrincipalTag/Team}*",
    "arn:aws:s3:::*/${aws:username}/*",
    "arn:aws:s3:::b/${*}x",
    "arn:aws:connect:us-?ast-1:*:instance*",
    "arn:*",
    "arn:aws:s3:::b?",
    "arn:aws:connect:*:111122223333:instance/i1/agent/u?",
    "arn:aws:iam::111122223333:user/a*b*c",
    "arn:aws:s3:::${aws:TagKeys}/*",
    "arn:aws:s3:::b/x${aws:ResourceTag/Team}y",
    "arn:aws:connect:*",
    "arn:aws:iam::1111?2223333:user/*",
    "arn:aws:connect:u*1:*:instance/i1",
    "arn:aws:connect:us-east-?:*:instance/*",
]
RESOURCES = [
    "*",
    "arn:aws:connect:us-east-1:111122223333:instance/i1/agent/u1",
    "arn:aws:connect:eu-west-1:444455556666:instance/team-a/agent/u2",
    "arn:aws:connect:us-east-1:111122223333:instance/i1",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/nobody",
    "arn:aws:iam::111122223333:user/aXbYc",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/team-a/x",
    "arn:aws:s3:::b/*x",
    "arn:aws:s3:::c/alice/d",
    "arn:aws:s3:::b",
    "arn:aws:s3:::bx",
    "arn:aws:s3:::b/xTesty",
    "arn:aws:connect:us-east-1:1:instance:x:y",
    "arn:aws:connect:us:east-1:111122223333:instance/i1",
    "arn:aws:connect:us-east-:1:111122223333:instance/i1",
    "arn:aws:iam::1:2:user/alice",
]

# key → (family, multivalued)
KEYS: dict[str, tuple[str, bool]] = {
    "aws:ResourceTag/Team": ("text", False),
    "aws:PrincipalTag/Team": ("text", False),
    "aws:RequestTag/Owner": ("text", False),
    "aws:username": ("text", False),
    "aws:PrincipalArn": ("text", False),
    "aws:SecureTransport": ("text", False),
    "aws:PrincipalTag/Code": ("text", False),
    "aws:TagKeys": ("text", True),
    "aws:CalledVia": ("text", True),
    "aws:SourceIp": ("ip", False),
    "aws:CurrentTime": ("date", False),
    "aws:MultiFactorAuthAge": ("number", False),
    "aws:ResourceOrgPaths": ("number", True),
}
TEXT_KEYS = [k for k, (family, _) in KEYS.items() if family == "text"]
SINGLE_TEXT_KEYS = [k for k in TEXT_KEYS if not KEYS[k][1]]

OPERATORS = {
    "text": [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Bool",
        "BinaryEquals",
    ],
    "number": [
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
    ],
    "date": [
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
    ],
    "ip": ["IpAddress", "NotIpAddress"],
}

POLICY_VALUES = {
    "String": [
        "Test",
        "test",
        "TEST",
        "T\u00e9k",
        "t\u00c9k",
        "K",
        "k",
        "",
        "a*b",
        "${*}",
        "x${?}y${$}",
        "${aws:PrincipalTag/Team}",
        "x-${aws:username}",
        "${aws:username, 'dflt'}",
        "${aws:TagKeys}",
        "${aws:ResourceTag/Team}-${aws:PrincipalTag/Team}",
        "${aws:RequestTag/Owner, ''}",
        "${unclosed",
    ],
    "Like": [
        "Te*",
        "T?st",
        "*",
        "*a*",
        "",
        "${aws:PrincipalTag/Team}*",
        "*${aws:username}*",
        "a*${aws:username}*b",
        "x?${aws:PrincipalTag/Team}",
        "*${aws:PrincipalTag/Team}/${aws:username}*",
        "${*}*",
        "T\u00e9?",
        "*-${aws:username, 'dflt'}",
    ],
    "Arn": [
        "arn:aws:iam::111122223333:user/*",
        "arn:aws:iam::*:user/${aws:username}",
        "arn:*:iam::*:*",
        "arn:aws:iam::111122223333:user/alice",
        "not-an-arn",
        "arn:aws:iam::111122223333:*",
        "arn:aws:iam::?11122223333:user/a*",
        "arn:aws:iam::111122223333:user/a:*",
        "arn:aws:iam::111122223333:user/${aws:PrincipalTag/Team}*",
    ],
    "Bool": ["true", "false", "yes", "TRUE", "${aws:PrincipalTag/Team}", "${aws:username, 'true'}"],
    "Binary": ["QUJD", "YQ==", "YR==", "YWJj", "", "not base64!", "YWI="],
    "Numeric": ["10", "10.5", "-3", "0", "abc", "1e3", "007", ".5"],
    "Date": [
        "2024-01-01T00:00:00Z",
        "2024",
        "2024-06",
        "1704067200",
        "2024-01-01T01:00:00+01:00",
        "bad",
        "2024-02-30",
        "2024-01-01T00:00:00.5Z",
    ],
    "IpAddress": [
        "10.0.0.0/8",
        "203.0.113.7",
        "203.0.113.0/24",
        "::1",
        "2001:db8::/32",
        "bad",
        "10.1.2.3/8",
    ],
    "Null": ["true", "false", "yes"],
}

REQUEST_VALUES = {
    "text": [
        "Test",
        "test",
        "TEST",
        "T\u00e9k",
        "T\u00c9K",
        "K",
        "k",
        "\u212a",
        "",
        "a*b",
        "alice",
        "nobody",
        "team-a",
        "x-alice",
        "dflt",
        "*",
        "QUJD",
        "YQ==",
        "YR==",
        "YWJj=",
        "YWI=",
        "true",
        "True",
        "false",
        "yes",
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:iam::999999999999:user/alice",
        "arn:aws:iam::111122223333:user/a/b:c",
        "arn:aws",
        "\u0130",
        "i\u0307",
        "Testing",
        "Tea",
        "axyzb",
        "team-a/alice",
        "x?team-a",
    ],
    "number": ["10", "9.99", "10.0", "-3", "-3.5", "abc", "", "1e3", "+10", ".5", "0.50", "7"],
    "date": [
        "2024-01-01T00:00:00Z",
        "2023-12-31T23:59:59Z",
        "2024",
        "1704067200",
        "1704067200.5",
        "bad",
        "2024-01-01T00:00:00.000001Z",
        "2024-01-01T01:00:00+01:00",
        "2024-06-15",
    ],
    "ip": [
        "10.1.2.3",
        "203.0.113.7",
        "203.0.114.1",
        "::1",
        "2001:db8::5",
        "fe80::1%eth0",
        "bad",
        "10.0.0.0",
        "::ffff:10.0.0.1",
    ],
}

_FAMILY_VALUES = {
    "StringEquals": "String",
    "StringNotEquals": "String",
    "StringEqualsIgnoreCase": "String",
    "StringNotEqualsIgnoreCase": "String",
    "StringLike": "Like",
    "StringNotLike": "Like",
    "ArnEquals": "Arn",
    "ArnLike": "Arn",
    "ArnNotEquals": "Arn",
    "ArnNotLike": "Arn",
    "Bool": "Bool",
    "BinaryEquals": "Binary",
    "IpAddress": "IpAddress",
    "NotIpAddress": "IpAddress",
    "Null": "Null",
}


def _values_for(operator: str) -> list[str]:
    family = _FAMILY_VALUES.get(operator)
    if family is None:
        family = "Numeric" if operator.startswith("Numeric") else "Date"
    values = POLICY_VALUES[family]
    if "IgnoreCase" in operator:
        # A policy variable under IgnoreCase has no exact encoding (tested apart).
        values = [v for v in values if "${aws:" not in v and "${unclosed" not in v]
    return values


def _conditions(rng: random.Random, count: tuple[int, int]) -> dict[str, dict[str, Any]]:
    block: dict[str, dict[str, Any]] = {}
    for _ in range(rng.randint(*count)):
        key = rng.choice(list(KEYS))
        family, _ = KEYS[key]
        if rng.random() < 0.1:
            name = operator = "Null"
        else:
            operator = rng.choice(OPERATORS[family])
            qualifier = rng.choice(["", "", "ForAnyValue:", "ForAllValues:"])
            if_exists = rng.choice(["", "", "IfExists"])
            name = f"{qualifier}{operator}{if_exists}"
        pool = _values_for(operator)
        values = rng.sample(pool, rng.randint(1, min(3, len(pool))))
        spelled = rng.choice([key, key.lower(), key.upper()])
        block.setdefault(name, {})[spelled] = values if len(values) > 1 else values[0]
    return block


def _statement(rng: random.Random, mode: str) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": rng.choice(["Allow", "Allow", "Deny"])}
    actions = rng.sample(ACTION_PATTERNS, rng.randint(1, 3))
    statement["NotAction" if rng.random() < 0.15 else "Action"] = actions
    resources = ["*"] if mode == "conditions" else rng.sample(RESOURCE_PATTERNS, rng.randint(1, 2))
    statement["NotResource" if rng.random() < 0.15 else "Resource"] = resources
    count = {"resources": (0, 0), "conditions": (1, 1)}.get(mode, (0, 3))
    block = _conditions(rng, count)
    if block:
        statement["Condition"] = block
    return statement


def _policy(rng: random.Random, mode: str) -> str:
    document: dict[str, Any] = {}
    version = rng.choice(["2012-10-17", "2012-10-17", "2012-10-17", "2008-10-17", None])
    if version is not None:
        document["Version"] = version
    document["Statement"] = [_statement(rng, mode) for _ in range(rng.randint(1, 3))]
    return json.dumps(document)


def random_policy_set(rng: random.Random, mode: str = "general") -> PolicySet:
    """``mode``: "general" (anything), "resources" (no conditions: Resource matching alone
    decides), "conditions" (Resource "*", one condition per statement, one policy)."""
    if mode != "general":
        return PolicySet.from_texts([_policy(rng, mode)])
    identity = [_policy(rng, mode) for _ in range(rng.randint(1, 2))]
    boundary = _policy(rng, mode) if rng.random() < 0.25 else None
    levels = []
    if rng.random() < 0.25:
        levels = [
            [_policy(rng, mode) for _ in range(rng.randint(1, 2))] for _ in range(rng.randint(1, 2))
        ]
    return PolicySet.from_texts(identity, boundary, levels)


def policy_sets(mode: str = "general") -> st.SearchStrategy[PolicySet]:
    """Hypothesis supplies a seed (derandomized runs draw the same seeds); the policy set is
    built with uniform choices from it, so rare values are as likely as common ones."""
    return st.integers(0, 2**64 - 1).map(lambda seed: random_policy_set(random.Random(seed), mode))


_VARIABLE = re.compile(r"\$\{[^}]*\}")
_ARN = re.compile(r"arn:[^:]+:[^:]+:[^:]*:[^:]*:.+", re.DOTALL)  # what ResourceArns accepts


def _variants(text: str) -> set[str]:
    """Request values a policy value suggests: itself, case changes, wildcards filled in,
    variables replaced by values the requests also use."""
    bases = {text, _VARIABLE.sub("alice", text), _VARIABLE.sub("team-a", text)}
    found: set[str] = set()
    for base in bases:
        for cased in (base, base.lower(), base.upper(), base.swapcase()):
            found |= {
                cased,
                cased.replace("*", ""),
                cased.replace("*", "zz").replace("?", "q"),
                cased.replace("*", "a:b").replace("?", ":"),
            }
    return found


@dataclass(frozen=True)
class Hints:
    """Values the policies' own text suggests: per condition key, for any key, and ARNs."""

    by_key: dict[str, list[str]]
    values: list[str]
    arns: list[str]


def suggested(policy_set: PolicySet) -> Hints:
    """Request values and ARNs that hit the edges of the policies' patterns."""
    by_key: dict[str, set[str]] = {}
    values: set[str] = set()
    arns: set[str] = set()
    for policy in policy_set.policies():
        for statement in policy.policy.statements:
            for clause in statement.conditions:
                for value in clause.values:
                    variants = _variants(value.text)
                    values |= variants
                    by_key.setdefault(clause.key.text.lower(), set()).update(variants)
            for located in statement.resource_patterns:
                arns |= {v for v in _variants(located.text) if _ARN.fullmatch(v) or v == "*"}
    return Hints({k: sorted(v) for k, v in by_key.items()}, sorted(values), sorted(arns))


def random_request(
    rng: random.Random, hints: Hints | None = None
) -> tuple[str, str, dict[str, tuple[str, ...]]]:
    """A request whose values come mostly from the policies' own text (``suggested``)."""
    hints = hints or Hints({}, [], [])
    action = rng.choice(ACTIONS)
    arns = hints.arns
    resource = rng.choice(arns) if arns and rng.random() < 0.5 else rng.choice(RESOURCES)
    context: dict[str, tuple[str, ...]] = {}

    def value(family: str, own: list[str]) -> str:
        roll = rng.random()
        if own and roll < 0.5:
            return rng.choice(own)
        if hints.values and roll < 0.65:
            return rng.choice(hints.values)
        if family == "text" and roll < 0.75:
            return "".join(rng.choice("aTtK:/-*?") for _ in range(rng.randint(0, 5)))
        return rng.choice(REQUEST_VALUES[family])

    for key, (family, multivalued) in KEYS.items():
        own = hints.by_key.get(key.lower(), [])
        if rng.random() < (0.15 if own else 0.4):
            continue
        count = rng.randint(0, 3) if multivalued else 1
        context[key] = tuple(value(family, own) for _ in range(count))
    return action, resource, context


def requests(
    policy_set: PolicySet, count: int
) -> st.SearchStrategy[list[tuple[str, str, dict[str, tuple[str, ...]]]]]:
    """``count`` requests for ``policy_set``, from one seed."""
    hints = suggested(policy_set)
    return st.integers(0, 2**64 - 1).map(
        lambda seed: [random_request(random.Random(seed), hints) for _ in range(count)]
    )


def engine_decision(
    policy_set: PolicySet, action: str, resource: str, context: dict[str, tuple[str, ...]]
) -> Decision:
    arguments = policy_set.simulate_arguments()
    arguments["ActionNames"] = [action]
    if resource != "*":
        arguments["ResourceArns"] = [resource]
    arguments["ContextEntries"] = [
        {
            "ContextKeyName": key,
            "ContextKeyValues": list(values),
            "ContextKeyType": "stringList" if KEYS[key][1] else "string",
        }
        for key, values in context.items()
    ]
    response = iamspec.simulate_custom_policy(**arguments)
    return Decision(response["EvaluationResults"][0]["EvalDecision"])


def agree(
    policy_set: PolicySet, cases: Sequence[tuple[str, str, dict[str, tuple[str, ...]]]]
) -> int:
    """Assert the formula and the engine agree on every case; the number of cases checked."""
    capacities: dict[str, int] = {}
    for _, _, context in cases:
        for key, values in context.items():
            capacities[key] = max(capacities.get(key, 0), len(values))
    oracle = Oracle(policy_set, ACTIONS, capacities)
    assert oracle.exact, [str(u) for u in oracle.encoder.unsupported]
    for action, resource, context in cases:
        expected = engine_decision(policy_set, action, resource, context)
        found = oracle.decide(action, resource, context)
        assert found is expected, (
            f"formula {found.value}, engine {expected.value} for {action} on {resource} "
            f"with {context}\npolicies: {[p.policy.text for p in policy_set.policies()]}"
        )
    _record(len(cases))
    return len(cases)


def _record(cases: int) -> None:
    """Count cases for the benchmark (IAMSPEC_DIFFERENTIAL_REPORT names a file to append to)."""
    report = os.environ.get("IAMSPEC_DIFFERENTIAL_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(f"{cases}\n")
