"""Shared request material for the moto plug-in tests: the corrected Connect example policies.

Kept out of conftest.py: test modules import it as ``tests.moto.cases``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iamspec.harness.policies import PolicyStore
from iamspec.project.settings import load_settings

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
INSTANCE_ARN = (
    "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"
)
AGENT_ARN = f"{INSTANCE_ARN}/agent/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CAMPAIGN_ARN = (
    "arn:aws:connect-campaigns:us-east-1:111122223333:campaign/cccccccc-dddd-eeee-ffff-000000000000"
)

# The corrected "Describe and update Amazon Connect users based on tags" example, laid out by
# hand: tests assert MatchedStatements positions against exactly this text.
DEPARTMENT_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}}
    }
  ]
}"""
# The other corrected examples are the project's own files under policies/, loaded and filled
# as the scenarios load them, so the moto tests exercise the artefacts users deploy.
_STORE = PolicyStore(load_settings(Path(__file__).resolve().parents[2]))
OWNER_REQUEST_TAG_POLICY = _STORE.load("connect/create-users-by-request-tag.json").text
CAMPAIGN_OWNER_POLICY = _STORE.load("connect-campaigns/by-owner-tag.json").text
VIEW_OWN_USER_POLICY = _STORE.load("iam/view-own-user-info.json").text
DENY_UPDATE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "connect:UpdateUser*", "Resource": "*"}],
    }
)
ALLOW_ALL_SCP = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
DESCRIBE_ONLY_BOUNDARY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "connect:DescribeUser", "Resource": "*"}],
    }
)
TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def tag(key: str, *values: str, key_type: str = "string") -> dict[str, Any]:
    """One ContextEntry, the way a scenario passes a resource or request tag."""
    return {"ContextKeyName": key, "ContextKeyValues": list(values), "ContextKeyType": key_type}


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def group_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:group/{name}"


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}
