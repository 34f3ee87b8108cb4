"""Every input of the Simulate* calls is bounded as AWS bounds it (issue 14), in AWS's words.

Limits: botocore's IAM model and the API reference
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html,
API_SimulatePrincipalPolicy.html, API_ContextEntry.html; docs/iam-semantics.md §1.4-1.5):
policy strings 1-131,072 characters (``policyDocumentType``), ARNs 1-2,048
(``ResourceNameType``), Marker 1-320. A model constraint is ``ValidationError``; what the
operation rejects (a policy that does not parse, nested too deeply, with a lone surrogate)
is ``InvalidInput`` naming the position. AWS documents no limit on a context key's values;
iamspec's own bound says so.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import iamspec
from iamspec.errors import InvalidInputError, ValidationError
from iamspec.policy.jsontext import MAX_DEPTH
from iamspec.simulate.inputs import MAX_CONTEXT_VALUE_CHARS, MAX_CONTEXT_VALUES
from iamspec.simulate.principal import simulate_principal_policy_with

ALLOW = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)


def deeply_nested(levels: int = 500) -> str:
    """About 1 KB of nesting inside a Condition value: RecursionError before issue 14."""
    return (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",'
        '"Resource":"*","Condition":{"Null":{"aws:TagKeys":' + "[" * levels + "]" * levels + "}}}]}"
    )


LONE_SURROGATE = ALLOW.replace('"Resource": "*"', '"Resource": "arn:aws:s3:::b/\\ud800"')


def _simulate(**kwargs: Any) -> dict[str, Any]:
    request: dict[str, Any] = {"PolicyInputList": [ALLOW], "ActionNames": ["s3:GetObject"]}
    return iamspec.simulate_custom_policy(**(request | kwargs))


@pytest.mark.parametrize(
    "parameter",
    ["PolicyInputList", "PermissionsBoundaryPolicyInputList", "ResourcePolicy"],
)
def test_deep_nesting_is_invalid_input_at_its_position(parameter: str) -> None:
    kwargs: dict[str, Any] = {parameter: [deeply_nested()]}
    if parameter == "ResourcePolicy":
        kwargs = {
            "ResourcePolicy": deeply_nested(),
            "CallerArn": "arn:aws:iam::111122223333:user/alice",
        }
    with pytest.raises(InvalidInputError) as info:
        _simulate(**kwargs)
    source = parameter if parameter == "ResourcePolicy" else f"{parameter}.1"
    column = deeply_nested().index("[" * (MAX_DEPTH - 4)) + MAX_DEPTH - 4
    assert info.value.message.startswith(f"{source}:1:{column}: nesting too deep")


def test_deep_nesting_in_an_scp_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match=r"ServiceControlPolicyInputList\.1:1:.*too deep"):
        _simulate(
            OrderedOrganizationPolicyInputList=[
                {"ServiceControlPolicyInputList": [deeply_nested()]}
            ]
        )


def test_a_lone_surrogate_escape_is_invalid_input_at_its_position() -> None:
    """Kept as text, ``"\\ud800"`` crashed the living docs' UTF-8 writer at the end of a run."""
    with pytest.raises(InvalidInputError) as info:
        _simulate(PolicyInputList=[LONE_SURROGATE])
    column = LONE_SURROGATE.index("\\ud800") + 1
    assert info.value.message.startswith(f"PolicyInputList.1:1:{column}: invalid \\u escape")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"PolicyInputList": [ALLOW + " " * 131_072]}, "policyInputList"),
        ({"PermissionsBoundaryPolicyInputList": [ALLOW + " " * 131_072]}, "permissionsBoundary"),
        (
            {
                "ResourcePolicy": ALLOW + " " * 131_072,
                "CallerArn": "arn:aws:iam::111122223333:user/alice",
            },
            "resourcePolicy",
        ),
        ({"CallerArn": "arn:aws:iam::111122223333:user/" + "a" * 2020}, "callerArn"),
        ({"ResourceOwner": "arn:aws:iam::111122223333:" + "a" * 2030}, "resourceOwner"),
        ({"Marker": "m" * 321}, "marker"),
    ],
)
def test_model_lengths_are_validation_errors(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _simulate(**kwargs)
    assert f"' at '{field}" in info.value.message
    assert "Member must have length less than or equal to" in info.value.message


def test_the_largest_policy_aws_accepts_is_simulated() -> None:
    padded = ALLOW[:-1] + " " * (131_072 - len(ALLOW)) + "}"
    assert len(padded) == 131_072
    result = _simulate(PolicyInputList=[padded])["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"


def test_a_context_key_with_too_many_values_names_iamspecs_bound() -> None:
    entry = {
        "ContextKeyName": "aws:TagKeys",
        "ContextKeyValues": [f"k{i}" for i in range(MAX_CONTEXT_VALUES + 1)],
        "ContextKeyType": "stringList",
    }
    with pytest.raises(InvalidInputError) as info:
        _simulate(ContextEntries=[entry])
    assert info.value.message.startswith("ContextEntries.1.ContextKeyValues (aws:TagKeys): 1,001")
    assert "AWS documents none" in info.value.message
    entry["ContextKeyValues"] = entry["ContextKeyValues"][:MAX_CONTEXT_VALUES]
    assert _simulate(ContextEntries=[entry])["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_a_context_value_too_long_names_iamspecs_bound() -> None:
    entry = {
        "ContextKeyName": "aws:PrincipalTag/team",
        "ContextKeyValues": ["ok", "x" * (MAX_CONTEXT_VALUE_CHARS + 1)],
        "ContextKeyType": "string",
    }
    with pytest.raises(InvalidInputError, match=r"ContextEntries\.1\.ContextKeyValues\.2 "):
        _simulate(ContextEntries=[entry])


class _NoReads:
    """A policy reader that must never be asked: validation comes first."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the principal was read ({name}) before validation")


def test_principal_calls_bound_the_same_inputs() -> None:
    """SimulatePrincipalPolicy validates its parameters before it reads the principal."""
    with pytest.raises(ValidationError, match="at 'marker'"):
        simulate_principal_policy_with(
            _NoReads(),
            PolicySourceArn="arn:aws:iam::111122223333:user/alice",
            ActionNames=["s3:GetObject"],
            Marker="m" * 321,
        )
    with pytest.raises(ValidationError, match="at 'callerArn'"):
        simulate_principal_policy_with(
            _NoReads(),
            PolicySourceArn="arn:aws:iam::111122223333:user/alice",
            ActionNames=["s3:GetObject"],
            CallerArn="arn:aws:iam::111122223333:user/" + "a" * 2020,
        )


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"ResourceArns": ["arn:aws:s3:::b/\ud800"]}, "ResourceArns.1: character 16 is U+D800"),
        ({"ActionNames": ["s3:Get\udcffObject"]}, "ActionNames.1: character 7 is U+DCFF"),
        (
            {
                "ContextEntries": [
                    {
                        "ContextKeyName": "aws:PrincipalTag/t",
                        "ContextKeyValues": ["ok", "\ud83d"],
                        "ContextKeyType": "stringList",
                    }
                ]
            },
            "ContextEntries.1.ContextKeyValues.2 (aws:PrincipalTag/t): character 1 is U+D83D",
        ),
        ({"CallerArn": "arn:aws:iam::111122223333:user/\udc80"}, "CallerArn: character 32"),
    ],
)
def test_a_lone_surrogate_in_a_parameter_is_invalid_input(
    kwargs: dict[str, Any], where: str
) -> None:
    """Found by the fuzz test: a lone surrogate in ResourceArns came back in the result and
    crashed UTF-8 writers downstream. No request can carry one (requests are UTF-8)."""
    with pytest.raises(InvalidInputError) as info:
        _simulate(**kwargs)
    assert info.value.message.startswith(where)
    assert "a lone surrogate that no request can carry" in info.value.message
