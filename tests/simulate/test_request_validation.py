"""The request checked before anything is simulated: required and well-typed parameters
are ``InvalidInput``, the model's lengths and ranges ``ValidationError``, and a resource
policy needs an IAM-user ``CallerArn``.

Sources: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
(wildcards are not supported in action names; ``CallerArn``); botocore's IAM model 1.44.8
(the lengths and ranges).
"""

from __future__ import annotations

import pytest

import iamspec
from iamspec.errors import InvalidInputError, ValidationError
from tests.simulate.kit import (
    ACCOUNT,
    ROLE,
    allow,
    context_entry,
    doc,
    simulate_custom,
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"PolicyInputList": [doc(allow())]}, "ActionNames is required"),
        (
            {"PolicyInputList": [doc(allow())], "ActionNames": []},
            "ActionNames must be a non-empty",
        ),
        (
            {"PolicyInputList": [doc(allow())], "ActionNames": "s3:GetObject"},
            "ActionNames must be a non-empty list",
        ),
        ({"ActionNames": ["s3:GetObject"]}, "PolicyInputList is required"),
        (
            {"PolicyInputList": [{"Version": "2012-10-17"}], "ActionNames": ["s3:GetObject"]},
            "must be a policy document string",
        ),
        # SimulateCustomPolicy page: wildcards are not supported in action names
        (
            {"PolicyInputList": [doc(allow())], "ActionNames": ["s3:*"]},
            "wildcards are not supported",
        ),
        (
            {"PolicyInputList": [doc(allow())], "ActionNames": ["s3:Get?bject"]},
            "wildcards are not supported",
        ),
        # a ResourceArn must be an ARN
        (
            {
                "PolicyInputList": [doc(allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["not-an-arn"],
            },
            "is not an ARN",
        ),
        (
            {
                "PolicyInputList": [doc(allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["arn:aws:s3"],
            },
            "is not an ARN",
        ),
        (
            {
                "PolicyInputList": [doc(allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["arn:aws:s3:::"],
            },
            "is not an ARN",
        ),
        (
            {
                "PolicyInputList": [doc(allow())],
                "ActionNames": ["s3:GetObject"],
                "ResourceArns": ["arn:aws::::thing"],
            },
            "is not an ARN",
        ),
        # one boundary at most
        (
            {
                "PolicyInputList": [doc(allow())],
                "ActionNames": ["s3:GetObject"],
                "PermissionsBoundaryPolicyInputList": [doc(allow()), doc(allow())],
            },
            "at most one policy",
        ),
        # characters outside tab, LF, CR and U+0020-U+00FF
        (
            {
                "PolicyInputList": [doc(allow(Sid="Caf\u00e9\u2019"))],
                "ActionNames": ["s3:GetObject"],
            },
            "PolicyInputList.1:1:",
        ),
    ],
)
def test_invalid_input(kwargs, message):
    with pytest.raises(InvalidInputError, match=message.replace("?", r"\?")):
        iamspec.simulate_custom_policy(**kwargs)


_LONG_POLICY = '{"Version":"2012-10-17","Statement":[]}' + " " * 131_072


@pytest.mark.parametrize(
    ("kwargs", "field", "constraint"),
    [
        ({"ActionNames": ["s3"]}, "actionNames", "greater than or equal to 3"),
        ({"ActionNames": ["s3:" + "A" * 126]}, "actionNames", "less than or equal to 128"),
        (
            {"ResourceArns": ["arn:aws:s3:::b/" + "k" * 2034]},
            "resourceArns",
            "less than or equal to 2048",
        ),
        ({"ResourceHandlingOption": "x" * 65}, "resourceHandlingOption", "or equal to 64"),
        ({"ResourceHandlingOption": ""}, "resourceHandlingOption", "greater than or equal to 1"),
        ({"MaxItems": 0}, "maxItems", "value greater than or equal to 1"),
        ({"MaxItems": 1001}, "maxItems", "value less than or equal to 1000"),
        (
            {"ContextEntries": [context_entry("aws:", "x")]},
            "contextEntries.1.member.contextKeyName",
            "greater than or equal to 5",
        ),
        (
            {"ContextEntries": [context_entry("aws:" + "k" * 253, "x")]},
            "contextEntries.1.member.contextKeyName",
            "less than or equal to 256",
        ),
        ({"PolicyInputList": [_LONG_POLICY]}, "policyInputList", "less than or equal to 131072"),
        ({"PolicyInputList": [""]}, "policyInputList", "greater than or equal to 1"),
    ],
)
def test_model_constraints_are_validation_errors(kwargs, field, constraint):
    """AWS checks the model's lengths and ranges before the operation and answers
    ValidationError, not InvalidInput ("1 validation error detected: Value '...' at
    'actionNames' failed to satisfy constraint: ...", cloud-custodian/cloud-custodian#4769)."""
    request = {"PolicyInputList": [doc(allow())], "ActionNames": ["s3:GetObject"], **kwargs}
    with pytest.raises(ValidationError) as caught:
        iamspec.simulate_custom_policy(**request)
    error = caught.value
    assert (error.code, error.http_status) == ("ValidationError", 400)
    assert error.message.startswith("1 validation error detected: Value '")
    assert f"' at '{field}' failed to satisfy constraint: " in error.message
    assert constraint in error.message


@pytest.mark.parametrize(
    ("caller", "message"),
    [
        (None, "CallerArn is required when ResourcePolicy is given"),
        # ScottLogic/blog#308: a role caller with a ResourcePolicy
        (ROLE, "Invalid caller - Caller must be an IAM user in this context."),
        (f"arn:aws:iam::{ACCOUNT}:group/devs", "Invalid caller - Caller must be an IAM user"),
        # CallerArn: "You cannot specify the ARN of an assumed role, federated user, or a
        # service principal."
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session", "Invalid Entity Arn"),
    ],
)
def test_resource_policy_needs_an_iam_user_caller(caller, message):
    kwargs = {} if caller is None else {"CallerArn": caller}
    with pytest.raises(InvalidInputError, match=message):
        simulate_custom(
            [doc(allow())],
            ["s3:GetObject"],
            ResourcePolicy=doc({**allow(), "Principal": "*"}),
            **kwargs,
        )
