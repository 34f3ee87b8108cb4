"""``get_context_keys_for_custom_policy`` and ``get_context_keys_for_principal_policy``:
the context keys the policies read, in first-seen order, each once.

Sources: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForCustomPolicy.html
and API_GetContextKeysForPrincipalPolicy.html.
"""

from __future__ import annotations

import pytest

from iamspec.errors import InvalidInputError, NoSuchEntityError
from iamspec.simulate.context_keys import (
    get_context_keys_for_custom_policy,
    get_context_keys_for_principal_policy,
)
from tests.simulate.kit import (
    ACCOUNT,
    USER,
    allow,
    doc,
)


def test_get_context_keys_for_custom_policy():
    policies = [
        doc(
            allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"),
            allow(
                Condition={
                    "StringEquals": {
                        "aws:ResourceTag/Department": "Test",
                        "AWS:RESOURCETAG/department": "x",
                    }
                }
            ),
        ),
        doc(allow(Condition={"StringLike": {"s3:prefix": "${aws:PrincipalTag/team}/*"}})),
    ]
    assert get_context_keys_for_custom_policy(PolicyInputList=policies) == {
        "ContextKeyNames": [
            "aws:username",
            "aws:ResourceTag/Department",
            "s3:prefix",
            "aws:PrincipalTag/team",
        ]
    }


def test_get_context_keys_for_custom_policy_errors():
    with pytest.raises(InvalidInputError, match="PolicyInputList is required"):
        get_context_keys_for_custom_policy()
    with pytest.raises(InvalidInputError, match=r"PolicyInputList\.1:1:"):
        get_context_keys_for_custom_policy(PolicyInputList=["{"])


def test_get_context_keys_for_principal_policy(iam):
    keys = get_context_keys_for_principal_policy(
        iam,
        PolicySourceArn=USER,
        PolicyInputList=[doc(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}))],
    )
    assert keys == {"ContextKeyNames": ["aws:ResourceTag/Department", "aws:SecureTransport"]}
    with pytest.raises(NoSuchEntityError):
        get_context_keys_for_principal_policy(iam, PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/x")
    with pytest.raises(InvalidInputError, match="Invalid Entity Arn"):
        get_context_keys_for_principal_policy(
            iam, PolicySourceArn=f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s"
        )
