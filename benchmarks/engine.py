"""Engine benchmark: decisions per second on a fixed corpus, one process, after warm-up.

Run from the repository root::

    PYTHONPATH=src python benchmarks/engine.py            # every case, >= 1 s each
    PYTHONPATH=src python benchmarks/engine.py --seconds 3
    PYTHONPATH=src python benchmarks/engine.py --profile b-engine
    PYTHONPATH=src python benchmarks/engine.py --large       # case (c) only

Cases:

- (a) one tag-conditioned statement: the seed page's "Describe and update Amazon Connect users
  based on tags" policy (``connect:DescribeUser``/``connect:UpdateUser*`` when
  ``aws:ResourceTag/Department`` is ``Test``), requests alternating between an allowed
  (``Department=Test``) and an implicitly denied (``Department=Prod``) Connect user;
- (b) one principal with 10 policies and 50 statements in all (Allow and Deny, exact and
  wildcard actions, NotAction, concrete and wildcard ARNs, NotResource, a Resource variable,
  and conditions of the String, Numeric, Date, Bool, IP, ARN and Null families with
  ForAnyValue/ForAllValues and IfExists), requests cycling over 8 (action, resource, context)
  combinations with mixed outcomes.

- (c), with ``--large``: one ``simulate_custom_policy`` decision over eight policies of
  131,072 characters each (SimulateCustomPolicy's largest), every statement of which matches,
  so ``MatchedStatements`` lists about 18,000 statements (issue 14: 11.8 s when the list was
  deduplicated by list membership). It prints the seconds of a cold call (parse, compile,
  evaluate) and of a warm one (policies cached); target: under 1 s warm.

Each case runs through the engine (``iamspec.engine.evaluator.evaluate`` with policies
compiled once: "decisions/s") and, for (a) and (b), through ``iamspec.simulate_custom_policy``
("results/s": one EvaluationResult per call, one action and one resource per call). Targets on
a 2-core machine: engine >= 50,000/s for (a) and >= 10,000/s for (b); simulate_custom_policy
>= 10,000/s for (a).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import sys
import time
from collections.abc import Callable

import iamspec
from iamspec.engine.compiled import CompiledPolicy, PolicyRole, compile_policy
from iamspec.engine.context import ContextValue, RequestContext, ValueType
from iamspec.engine.evaluator import Decision, Request, evaluate
from iamspec.policy.parser import parse_policy

ACCOUNT = "111122223333"
INSTANCE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/11111111-2222-3333-4444-555555555555"
USER_ARN = f"{INSTANCE}/agent/jdoe"

# -- case (a) -------------------------------------------------------------------------------

TAG_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
            }
        ],
    }
)


def _tag_context(department: str) -> RequestContext:
    return RequestContext([ContextValue("aws:ResourceTag/Department", (department,))])


def _tag_entries(department: str) -> list[dict[str, object]]:
    return [
        {
            "ContextKeyName": "aws:ResourceTag/Department",
            "ContextKeyValues": [department],
            "ContextKeyType": "string",
        }
    ]


# -- case (b) -------------------------------------------------------------------------------


def _statement(i: int) -> dict[str, object]:
    """The i-th of 50 statements: a deterministic mix of shapes."""
    kind = i % 10
    bucket = f"arn:aws:s3:::bucket-{i % 7}"
    if kind == 0:
        return {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"{bucket}/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"team-{i % 3}"}},
        }
    if kind == 1:
        return {
            "Effect": "Allow",
            "Action": "connect:Describe*",
            "Resource": f"{INSTANCE}/agent/*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Department": ["Test", f"D{i}"]}},
        }
    if kind == 2:
        return {
            "Effect": "Deny",
            "Action": "s3:DeleteObject",
            "Resource": f"{bucket}/protected/*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        }
    if kind == 3:
        return {
            "Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*"],
            "Resource": f"arn:aws:ec2:*:{ACCOUNT}:instance/*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}},
        }
    if kind == 4:
        return {
            "Effect": "Allow",
            "Action": "connect:UpdateUser*",
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {"aws:TagKeys": ["Department", "Owner"]},
                "StringLikeIfExists": {"aws:RequestTag/Owner": "team-*"},
            },
        }
    if kind == 5:
        return {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket,
            "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "shared/*"]}},
        }
    if kind == 6:
        return {
            "Effect": "Deny",
            "Action": "*",
            "NotResource": [f"{bucket}/*", INSTANCE + "/*", "arn:aws:ec2:*:*:*"],
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        }
    if kind == 7:
        return {
            "Effect": "Allow",
            "Action": ["s3:Get*", "s3:List*"],
            "Resource": "arn:aws:s3:::home-bucket/${aws:username}/*",
            "Condition": {"NumericLessThanEquals": {"s3:max-keys": "100"}},
        }
    if kind == 8:
        return {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{ACCOUNT}:role/app-*",
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/*"},
                "Null": {"aws:TokenIssueTime": "true"},
            },
        }
    return {
        "Effect": "Allow",
        "Action": "connect:UpdateUserHierarchy",
        "Resource": f"{INSTANCE}/agent/*",
        "Condition": {
            "ForAnyValue:StringEqualsIgnoreCase": {"aws:PrincipalTag/roles": ["ADMIN", "ops"]}
        },
    }


PRINCIPAL_POLICIES = [
    json.dumps(
        {"Version": "2012-10-17", "Statement": [_statement(p * 5 + s) for s in range(5)]},
        indent=2,
    )
    for p in range(10)
]


def _principal_context(variant: int) -> RequestContext:
    values = [
        ContextValue("aws:PrincipalTag/team", (f"team-{variant % 3}",)),
        ContextValue("aws:ResourceTag/Department", ("Test" if variant % 2 else "Prod",)),
        ContextValue("aws:username", ("alice",)),
        ContextValue("aws:SourceIp", ("10.1.2.3" if variant % 3 else "203.0.113.9",), ValueType.IP),
        ContextValue("aws:MultiFactorAuthPresent", ("false",), ValueType.BOOLEAN),
        ContextValue("aws:CurrentTime", ("2026-03-01T12:00:00Z",), ValueType.DATE),
        ContextValue("s3:prefix", ("home/alice/docs",)),
        ContextValue("aws:PrincipalTag/roles", ("Admin", "dev"), multivalued=True),
    ]
    if variant % 4 == 0:
        values.append(ContextValue("aws:TagKeys", ("Department",), multivalued=True))
    return RequestContext(values)


PRINCIPAL_REQUESTS = [
    ("s3:GetObject", "arn:aws:s3:::bucket-0/reports/q1.csv"),
    ("connect:DescribeUser", USER_ARN),
    ("s3:DeleteObject", "arn:aws:s3:::bucket-2/protected/x"),
    ("ec2:StartInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0abc"),
    ("connect:UpdateUserHierarchy", USER_ARN),
    ("s3:ListBucket", "arn:aws:s3:::bucket-5"),
    ("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/app-web"),
    ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/mallory"),
]


# -- the harness ----------------------------------------------------------------------------


def _compile(texts: list[str]) -> list[CompiledPolicy]:
    compiled = []
    for i, text in enumerate(texts, 1):
        source = f"PolicyInputList.{i}"
        compiled.append(
            compile_policy(parse_policy(text, source), source, "IAM Policy", PolicyRole.IDENTITY)
        )
    return compiled


def _measure(name: str, step: Callable[[int], object], seconds: float, unit: str) -> float:
    """Call ``step(i)`` for at least ``seconds`` after a warm-up; return calls per second."""
    for i in range(2000):
        step(i)
    count = 0
    batch = 500
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        for i in range(count, count + batch):
            step(i)
        count += batch
        elapsed = time.perf_counter() - start
    rate = count / elapsed
    print(f"{name:<44} {rate:>12,.0f} {unit}/s   ({count:,} in {elapsed:.2f} s)")
    return rate


def case_a_engine() -> Callable[[int], object]:
    identity = _compile([TAG_POLICY])
    requests = [
        Request("connect:DescribeUser", USER_ARN, _tag_context("Test")),
        Request("connect:DescribeUser", USER_ARN, _tag_context("Prod")),
    ]
    expected = [Decision.ALLOWED, Decision.IMPLICIT_DENY]
    for request, decision in zip(requests, expected, strict=True):
        assert evaluate(request, identity).decision is decision

    def step(i: int) -> object:
        return evaluate(requests[i & 1], identity)

    return step


def case_a_simulate() -> Callable[[int], object]:
    calls = [
        {
            "PolicyInputList": [TAG_POLICY],
            "ActionNames": ["connect:DescribeUser"],
            "ResourceArns": [USER_ARN],
            "ContextEntries": _tag_entries(department),
        }
        for department in ("Test", "Prod")
    ]
    decisions = [
        iamspec.simulate_custom_policy(**c)["EvaluationResults"][0]["EvalDecision"] for c in calls
    ]
    assert decisions == ["allowed", "implicitDeny"], decisions

    def step(i: int) -> object:
        return iamspec.simulate_custom_policy(**calls[i & 1])

    return step


def case_b_engine() -> Callable[[int], object]:
    identity = _compile(PRINCIPAL_POLICIES)
    assert sum(len(p.statements) for p in identity) == 50
    requests = [
        Request(action, resource, _principal_context(v))
        for v, (action, resource) in enumerate(PRINCIPAL_REQUESTS)
    ]
    outcomes = {evaluate(r, identity).decision for r in requests}
    assert outcomes == set(Decision), outcomes
    n = len(requests)

    def step(i: int) -> object:
        return evaluate(requests[i % n], identity)

    return step


def case_b_simulate() -> Callable[[int], object]:
    calls = []
    for v, (action, resource) in enumerate(PRINCIPAL_REQUESTS):
        entries = [
            {
                "ContextKeyName": cv.name,
                "ContextKeyValues": list(cv.values),
                "ContextKeyType": cv.aws_type,
            }
            for cv in _principal_context(v).values()
        ]
        calls.append(
            {
                "PolicyInputList": PRINCIPAL_POLICIES,
                "ActionNames": [action],
                "ResourceArns": [resource],
                "ContextEntries": entries,
            }
        )
    n = len(calls)

    def step(i: int) -> object:
        return iamspec.simulate_custom_policy(**calls[i % n])

    return step


CASES: dict[str, tuple[Callable[[], Callable[[int], object]], str, float]] = {
    "a-engine": (case_a_engine, "decisions", 50_000),
    "a-simulate": (case_a_simulate, "results", 10_000),
    "b-engine": (case_b_engine, "decisions", 10_000),
    "b-simulate": (case_b_simulate, "results", 0),
}


# -- case (c) -------------------------------------------------------------------------------

_MATCHING_STATEMENT = '{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}'


def large_policy(limit: int = 131_072) -> str:
    """A policy of at most ``limit`` characters made of statements that all match."""
    head, tail = '{"Version":"2012-10-17","Statement":[', "]}"
    count = (limit - len(head) - len(tail) + 1) // (len(_MATCHING_STATEMENT) + 1)
    text = head + ",".join([_MATCHING_STATEMENT] * count) + tail
    assert len(text) <= limit, len(text)
    return text


def case_c_large() -> tuple[float, float, int]:
    """(cold seconds, warm seconds, matched statements) of one large decision."""
    call = {"PolicyInputList": [large_policy()] * 8, "ActionNames": ["s3:GetObject"]}
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        result = iamspec.simulate_custom_policy(**call)["EvaluationResults"][0]
        timings.append(time.perf_counter() - start)
    assert result["EvalDecision"] == "allowed", result["EvalDecision"]
    return timings[0], timings[1], len(result["MatchedStatements"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="timed run per case (>= 1)")
    parser.add_argument("--profile", choices=sorted(CASES), help="cProfile one case instead")
    parser.add_argument("--large", action="store_true", help="run case (c) only")
    parser.add_argument("cases", nargs="*", choices=[[], *CASES], default=[])
    args = parser.parse_args(argv)
    if args.large:
        cold, warm, matched = case_c_large()
        print(
            f"c-large: 8 x 131,072-char policies, {matched:,} matched statements: "
            f"cold {cold:.3f} s, warm {warm:.3f} s per decision"
        )
        return 0 if warm < 1.0 else 1
    if args.profile:
        step = CASES[args.profile][0]()
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(20_000):
            step(i)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return 0
    seconds = max(args.seconds, 1.0)
    print(f"iamspec {iamspec.__version__}, Python {platform.python_version()}, one process")
    missed = []
    for name in args.cases or list(CASES):
        factory, unit, target = CASES[name]
        rate = _measure(name, factory(), seconds, unit)
        if rate < target:
            missed.append(f"{name}: {rate:,.0f} < {target:,.0f} {unit}/s")
    for line in missed:
        print("below target:", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
