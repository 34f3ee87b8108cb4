"""Hostile requests to moto's IAM (issue 14): an AWS-shaped XML error boto3 parses, never an
HTML 500, and a hostile wildcard never freezes the server.

Codes and statuses: botocore's IAM model (docs/iam-semantics.md §1.4). Each test runs in
``mock_aws()`` and against moto's threaded server over HTTP (the ``iam`` fixture).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

import iamspec.moto.responses

DEEP = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
    '"Resource":"*","Condition":{"Null":{"aws:TagKeys":' + "[" * 500 + "]" * 500 + "}}}]}"
)
ALLOW = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)


def _error(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = info.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_deep_nesting_is_invalid_input_xml(iam: Any) -> None:
    """RecursionError, then an HTML 500 that boto3 could not parse, before issue 14."""
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(PolicyInputList=[DEEP], ActionNames=["s3:GetObject"])
    code, status, message = _error(info)
    assert (code, status) == ("InvalidInput", 400)
    assert message.startswith("PolicyInputList.1:1:")
    assert "nesting too deep" in message


def test_deep_nesting_in_context_keys_call_is_invalid_input_xml(iam: Any) -> None:
    with pytest.raises(ClientError) as info:
        iam.get_context_keys_for_custom_policy(PolicyInputList=[DEEP])
    assert _error(info)[:2] == ("InvalidInput", 400)


def test_a_lone_surrogate_escape_is_invalid_input_xml(iam: Any) -> None:
    policy = ALLOW.replace('"*"', '"arn:aws:s3:::b/\\ud800"')
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["s3:GetObject"])
    code, status, message = _error(info)
    assert (code, status) == ("InvalidInput", 400)
    assert "lone high surrogate" in message


def test_an_oversized_policy_is_validation_error_xml(iam: Any) -> None:
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[ALLOW + " " * 131_072], ActionNames=["s3:GetObject"]
        )
    code, status, message = _error(info)
    assert (code, status) == ("ValidationError", 400)
    assert "at 'policyInputList' failed to satisfy constraint" in message


def test_too_many_context_values_is_invalid_input_xml(iam: Any) -> None:
    entry = {
        "ContextKeyName": "aws:TagKeys",
        "ContextKeyValues": [f"k{i}" for i in range(1001)],
        "ContextKeyType": "stringList",
    }
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[ALLOW], ActionNames=["s3:GetObject"], ContextEntries=[entry]
        )
    assert _error(info)[:2] == ("InvalidInput", 400)


def test_an_unexpected_failure_is_policy_evaluation_xml(
    iam: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong inside iamspec, boto3 gets AWS's PolicyEvaluation 500 in XML."""

    def broken(**_: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(iamspec.moto.responses, "simulate_custom_policy", broken)
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(PolicyInputList=[ALLOW], ActionNames=["s3:GetObject"])
    code, status, message = _error(info)
    assert (code, status) == ("PolicyEvaluation", 500)
    assert "RecursionError" in message


def test_a_hostile_wildcard_is_answered_and_the_next_request_too(iam: Any) -> None:
    """``arn:aws:s3:::*a*a*a*a*a*a*b`` against a 2,000-character ARN froze the whole server
    (every other request timed out). A generous bound: a hang is what this catches."""
    hostile = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::*a*a*a*a*a*a*b",
                    "Condition": {"StringLike": {"aws:PrincipalTag/t": "*a*a*a*b"}},
                }
            ],
        }
    )
    start = time.perf_counter()
    result = iam.simulate_custom_policy(
        PolicyInputList=[hostile],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::" + "a" * 2000],
        ContextEntries=[
            {
                "ContextKeyName": "aws:PrincipalTag/t",
                "ContextKeyValues": ["a" * 5000],
                "ContextKeyType": "string",
            }
        ],
    )
    assert result["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    after = iam.simulate_custom_policy(PolicyInputList=[ALLOW], ActionNames=["s3:GetObject"])
    assert after["EvaluationResults"][0]["EvalDecision"] == "allowed"
    assert time.perf_counter() - start < 10.0


def test_an_arn_over_2048_characters_is_validation_error_xml(iam: Any) -> None:
    """botocore checks only minimum lengths client-side; the server answers the maximum."""
    with pytest.raises(ClientError) as info:
        iam.simulate_custom_policy(
            PolicyInputList=[ALLOW],
            ActionNames=["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::b/" + "k" * 2034],
        )
    code, status, message = _error(info)
    assert (code, status) == ("ValidationError", 400)
    assert "at 'resourceArns' failed to satisfy constraint" in message
