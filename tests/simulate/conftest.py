"""Fixtures of the Simulate* API tests: a principal stored in moto, read through boto3."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from tests.simulate.kit import (
    DENY_DELETE,
    GROUP_INLINE,
    GROUP_MANAGED,
    INLINE,
    MANAGED,
    allow,
    doc,
)


@pytest.fixture
def iam():
    with mock_aws():
        client = boto3.client("iam", region_name="us-east-1")
        client.create_user(UserName="alice")
        client.put_user_policy(UserName="alice", PolicyName="codecommit", PolicyDocument=INLINE)
        managed = client.create_policy(PolicyName="ReadB", PolicyDocument=MANAGED)["Policy"]["Arn"]
        client.attach_user_policy(UserName="alice", PolicyArn=managed)
        client.create_group(GroupName="devs")
        client.add_user_to_group(GroupName="devs", UserName="alice")
        client.put_group_policy(GroupName="devs", PolicyName="queues", PolicyDocument=GROUP_INLINE)
        group_managed = client.create_policy(PolicyName="ConnectTest", PolicyDocument=GROUP_MANAGED)
        client.attach_group_policy(GroupName="devs", PolicyArn=group_managed["Policy"]["Arn"])
        deny = client.create_policy(PolicyName="NoDelete", PolicyDocument=DENY_DELETE)
        client.attach_group_policy(GroupName="devs", PolicyArn=deny["Policy"]["Arn"])
        # a role with a permissions boundary (moto models role boundaries)
        boundary = client.create_policy(
            PolicyName="OnlyGet", PolicyDocument=doc(allow("s3:GetObject"))
        )["Policy"]["Arn"]
        client.create_role(
            RoleName="app",
            AssumeRolePolicyDocument=doc(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
            PermissionsBoundary=boundary,
        )
        client.put_role_policy(
            RoleName="app", PolicyName="s3all", PolicyDocument=doc(allow("s3:*"))
        )
        yield client
