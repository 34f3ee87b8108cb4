"""Errors carry AWS's codes and say where: a policy that does not parse names its parameter,
line and column; an action IAM does not define is ``InvalidInput`` with a suggestion, never a
quiet "denied".

Sources: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
(Errors: InvalidInput, 400); docs/iam-semantics.md section 1.
"""

from __future__ import annotations

import pytest

import iamspec
from iamspec.errors import InvalidInputError
from tests.simulate.kit import (
    USER,
    allow,
    doc,
    simulate_custom,
)


@pytest.mark.parametrize(
    ("bad", "position"),
    [
        (
            '{"Version":"2012-10-17",\n"Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
            '"Resource":"*",}]}',
            "PolicyInputList.2:2:70:",
        ),
        (
            '{"Version":"2012-10-17",\n  "Statement":[{"Effect":"Allow",'
            '"Action":["s3:GetObject" "s3:PutObject"],"Resource":"*"}]}',
            "PolicyInputList.2:2:59:",
        ),
        (
            '"Sid": "X", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }',
            "PolicyInputList.2:1:1:",
        ),
    ],
)
def test_policy_that_does_not_parse_is_invalid_input_with_its_position(bad, position):
    with pytest.raises(InvalidInputError) as caught:
        simulate_custom([doc(allow()), bad], ["s3:GetObject"])
    assert caught.value.message.startswith(position)
    assert caught.value.http_status == 400


def test_unparseable_boundary_and_resource_policy_name_their_parameter():
    with pytest.raises(
        InvalidInputError, match=r"^InvalidInput: PermissionsBoundaryPolicyInputList\.1:1:"
    ):
        simulate_custom([doc(allow())], ["s3:GetObject"], PermissionsBoundaryPolicyInputList=["{"])
    with pytest.raises(InvalidInputError, match=r"^InvalidInput: ResourcePolicy:1:"):
        simulate_custom([doc(allow())], ["s3:GetObject"], ResourcePolicy="{", CallerArn=USER)


@pytest.mark.parametrize(
    ("action", "fragments"),
    [
        # a typo is an error with a suggestion, never a quiet "denied"
        (
            "connect:UpdateUser",
            ["unknown IAM action 'connect:UpdateUser'", "'connect:UpdateUserHierarchy'"],
        ),
        (
            "connect-campaigns:UpdateOutboundCallConfig",
            ["did you mean 'connect-campaigns:UpdateCampaignOutboundCallConfig'?"],
        ),
        (
            "connect-campaigns:UpdateDialerConfig",
            ["did you mean 'connect-campaigns:UpdateCampaignDialerConfig'?"],
        ),
        (
            "app-integartions:DeleteEventIntegration",
            [
                "unknown service prefix 'app-integartions'",
                "'app-integrations'",
                "did you mean the action 'app-integrations:DeleteEventIntegration'?",
            ],
        ),
        (
            "app-integrations::ListEventIntegrations",
            ["did you mean 'app-integrations:ListEventIntegrations'?", "2 colons"],
        ),
        ("s3GetObject", ["no ':' between service prefix and action"]),
    ],
)
def test_unknown_action_is_invalid_input_with_a_suggestion(action, fragments):
    with pytest.raises(InvalidInputError) as caught:
        simulate_custom([doc(allow())], ["s3:GetObject", action])
    assert caught.value.message.startswith("ActionNames.2: ")
    for fragment in fragments:
        assert fragment in caught.value.message


def test_errors_are_aws_coded():
    with pytest.raises(InvalidInputError) as caught:
        simulate_custom([doc(allow())], ["s3:*"])
    assert (caught.value.code, caught.value.http_status) == ("InvalidInput", 400)
    assert isinstance(caught.value, iamspec.SimulatorAPIError)
    assert isinstance(caught.value, iamspec.IamSpecError)
