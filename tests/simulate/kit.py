"""Shared request material for the Simulate* API tests: policy builders, ARNs, the calls.

The principal's policies (``INLINE``, ``MANAGED``, the group's, ``DENY_DELETE``) are the ones
the ``iam`` fixture of ``tests/simulate/conftest.py`` stores in moto.
"""

from __future__ import annotations

import json

import iamspec

ACCOUNT = "123456789012"  # moto's default account
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
INSTANCE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/11111111-2222-3333-4444-555555555555"
AGENT_1 = f"{INSTANCE}/agent/jdoe"
AGENT_2 = f"{INSTANCE}/agent/asmith"
CONNECT_USER_TEMPLATE = (
    "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/agent/${UserId}"
)


def doc(*statements, indent=None):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=indent)


def allow(action="s3:GetObject", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="s3:GetObject", resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def context_entry(name, values, kind="string"):
    values = [values] if isinstance(values, str) else list(values)
    return {"ContextKeyName": name, "ContextKeyValues": values, "ContextKeyType": kind}


def simulate_custom(policies, actions, **kwargs):
    return iamspec.simulate_custom_policy(
        PolicyInputList=list(policies), ActionNames=list(actions), **kwargs
    )


def evaluation_result(response, index=0):
    return response["EvaluationResults"][index]


def positions(statement):
    start, end = statement["StartPosition"], statement["EndPosition"]
    return (start["Line"], start["Column"]), (end["Line"], end["Column"])


DEPARTMENT = doc(
    {
        "Effect": "Allow",
        "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
    }
)
INLINE = doc(allow("codecommit:ListRepositories", Sid="GrantListRepo"), indent=4)
MANAGED = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
GROUP_INLINE = doc(allow("sqs:SendMessage"))
GROUP_MANAGED = doc(
    allow(
        "connect:DescribeUser", Condition={"StringEquals": {"aws:ResourceTag/Department": "Test"}}
    )
)
DENY_DELETE = doc(deny("s3:DeleteObject"))


def simulate_principal(iam, actions, source=USER, **kwargs):
    return iamspec.simulate_principal_policy(
        iam, PolicySourceArn=source, ActionNames=list(actions), **kwargs
    )


def decisions(response):
    return {r["EvalActionName"]: r["EvalDecision"] for r in response["EvaluationResults"]}
