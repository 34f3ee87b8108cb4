"""The AWS-shaped result (iamspec.simulate.response): the per-action lists are unions.

botocore's IAM model: the top-level ``MatchedStatements`` and ``MissingContextValues`` of an
``EvaluationResult`` hold each entry of the per-resource lists once (docs/iam-semantics.md
§1.3 and §8, "Top-level MissingContextValues").
"""

from __future__ import annotations

import json
import time

import iamspec
from iamspec.simulate.response import _statement_key, _union


def _statement(policy: int, line: int) -> dict[str, object]:
    return {
        "SourcePolicyId": f"PolicyInputList.{policy}",
        "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": line, "Column": 1},
        "EndPosition": {"Line": line, "Column": 60},
    }


def test_union_keeps_first_seen_order_and_drops_repeats() -> None:
    first = [_statement(1, 1), _statement(1, 2)]
    second = [_statement(1, 2), _statement(2, 1), _statement(1, 1)]
    assert _union([first, second], _statement_key) == [
        _statement(1, 1),
        _statement(1, 2),
        _statement(2, 1),
    ]
    assert _union([["a:b", "c:d"], ["c:d", "e:f"]], str) == ["a:b", "c:d", "e:f"]


def test_statements_that_differ_in_any_field_are_kept() -> None:
    other_type = {**_statement(1, 1), "SourcePolicyType": "Resource Policy"}
    other_end = {**_statement(1, 1), "EndPosition": {"Line": 1, "Column": 61}}
    items = [_statement(1, 1), other_type, other_end]
    assert _union([items, items], _statement_key) == items


def test_union_of_many_statements_is_linear() -> None:
    """Issue 14: list membership made eight 131,072-character policies take 11.8 s for one
    decision (18,072 matched statements; benchmarks/engine.py --large measures it). Two
    resources of 20,000 statements each took minutes that way; a generous bound catches a
    return to it."""
    statements = [_statement(1 + i % 8, i) for i in range(20_000)]
    start = time.perf_counter()
    assert _union([statements, list(reversed(statements))], _statement_key) == statements
    assert time.perf_counter() - start < 2.0


def test_every_matching_statement_is_listed_once_across_resources() -> None:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 300})
    result = iamspec.simulate_custom_policy(
        PolicyInputList=[policy, policy],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::a/1", "arn:aws:s3:::a/2"],
    )["EvaluationResults"][0]
    assert len(result["MatchedStatements"]) == 600
    assert all(len(r["MatchedStatements"]) == 600 for r in result["ResourceSpecificResults"])
