"""``MatchedStatements``: which statements decided, in which policy, at which positions
(1-based line and column, counted as AWS counts them).

Sources: the AWS CLI examples ``awscli/examples/iam/simulate-custom-policy.rst`` and
``simulate-principal-policy.rst`` (positions); botocore's IAM model 1.44.8 (``Statement``);
docs/iam-semantics.md section 1.3.
"""

from __future__ import annotations

import json

from tests.simulate.kit import (
    USER,
    allow,
    context_entry,
    deny,
    doc,
    evaluation_result,
    positions,
    simulate_custom,
)


def test_matched_statement_positions_single_statement_object_cli_example():
    # simulate-custom-policy.rst, example 1: Start (1,38), End (1,167), PolicyInputList.1.
    policy = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
        '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}'
    )
    response = simulate_custom(
        [policy],
        ["dynamodb:CreateBackup"],
        ContextEntries=[context_entry("aws:CurrentTime", "2019-04-25T11:00:00Z", "date")],
    )
    result = evaluation_result(response)
    assert result["EvalResourceName"] == "*"
    assert result["EvalDecision"] == "allowed"
    assert result["MissingContextValues"] == []
    (statement,) = result["MatchedStatements"]
    assert statement["SourcePolicyId"] == "PolicyInputList.1"
    assert positions(statement) == ((1, 38), (1, 167))
    # example 2: an earlier date is implicitly denied with no matched statements
    earlier = simulate_custom(
        [policy],
        ["dynamodb:CreateBackup"],
        ContextEntries=[context_entry("aws:CurrentTime", "2014-04-25T11:00:00Z", "date")],
    )
    assert evaluation_result(earlier)["EvalDecision"] == "implicitDeny"
    assert evaluation_result(earlier)["MatchedStatements"] == []


def test_matched_statement_positions_compact_array():
    # docs/iam-semantics.md 1.3: in {"Version":"2012-10-17","Statement":[ the '[' is column 37, so
    # the first statement starts at (1,38); the next starts where the previous ends.
    first = allow("s3:GetObject")
    second = allow("s3:*")
    policy = doc(first, second).replace(" ", "")
    assert policy.startswith('{"Version":"2012-10-17","Statement":[{')
    (one, two) = evaluation_result(simulate_custom([policy], ["s3:GetObject"]))["MatchedStatements"]
    first_text = json.dumps(first).replace(" ", "")
    assert positions(one) == ((1, 38), (1, 38 + len(first_text)))
    assert positions(two)[0] == positions(one)[1]
    assert positions(two)[1] == (1, len(policy) - 1)


def test_matched_statement_positions_pretty_printed_cli_example():
    # simulate-principal-policy.rst, example 1: the stored policy's statement spans
    # (3,19) - (9,10): line 3 is '    "Statement": [' and line 9 is '        }'.
    policy = doc(allow("codecommit:ListRepositories", Sid="GrantListRepo"), indent=4)
    assert policy.splitlines()[2] == '    "Statement": ['
    assert policy.splitlines()[8] == "        }"
    (statement,) = evaluation_result(simulate_custom([policy], ["codecommit:ListRepositories"]))[
        "MatchedStatements"
    ]
    assert positions(statement) == ((3, 19), (9, 10))


def test_source_policy_id_and_type():
    response = simulate_custom(
        [doc(allow("s3:PutObject")), doc(allow("s3:GetObject"))], ["s3:GetObject"]
    )
    (statement,) = evaluation_result(response)["MatchedStatements"]
    assert statement["SourcePolicyId"] == "PolicyInputList.2"
    assert statement["SourcePolicyType"] == "IAM Policy"


def test_matched_statements_union_and_explicit_deny_lists_only_the_deny():
    policy = doc(
        allow("s3:GetObject", "arn:aws:s3:::b/*"),
        allow("s3:GetObject", "arn:aws:s3:::c/*"),
        deny("s3:GetObject", "arn:aws:s3:::c/secret/*"),
    )
    two = evaluation_result(
        simulate_custom(
            [policy], ["s3:GetObject"], ResourceArns=["arn:aws:s3:::b/x", "arn:aws:s3:::c/x"]
        )
    )
    starts = [positions(s)[0] for s in two["MatchedStatements"]]
    assert len(starts) == 2
    assert len(set(starts)) == 2
    denied = evaluation_result(
        simulate_custom([policy], ["s3:GetObject"], ResourceArns=["arn:aws:s3:::c/secret/x"])
    )
    (only,) = denied["MatchedStatements"]
    assert only == denied["ResourceSpecificResults"][0]["MatchedStatements"][0]
    assert positions(only)[1] == (1, len(policy) - 1)  # the last statement: the Deny


def test_resource_policy_statements_are_reported_as_resource_policy():
    resource_policy = doc({**allow(), "Principal": {"AWS": USER}})
    result = evaluation_result(
        simulate_custom(
            [doc(allow("s3:PutObject"))],
            ["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::b/k"],
            ResourcePolicy=resource_policy,
            CallerArn=USER,
        )
    )
    assert result["EvalDecision"] == "allowed"
    (statement,) = result["MatchedStatements"]
    assert statement["SourcePolicyId"] == "ResourcePolicy"
    assert statement["SourcePolicyType"] == "Resource Policy"
