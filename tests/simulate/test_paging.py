"""Paging: ``MaxItems`` and ``Marker``, as boto3's paginator drives them.

Sources: botocore's IAM model 1.44.8 and ``paginators-1.json`` (input_token Marker, limit_key
MaxItems, more_results IsTruncated, result_key EvaluationResults);
https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html.
"""

from __future__ import annotations

import pytest

import iamspec
from iamspec.errors import InvalidInputError
from tests.simulate.kit import (
    allow,
    doc,
    simulate_custom,
)

ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:GetBucketTagging",
]


def test_paging_collects_every_result_once():
    policy = doc(allow("s3:Get*"))
    full = simulate_custom([policy], ACTIONS)
    assert len(full["EvaluationResults"]) == 5
    pages, marker = [], None
    while True:
        kwargs = {"MaxItems": 2, **({"Marker": marker} if marker else {})}
        page = simulate_custom([policy], ACTIONS, **kwargs)
        pages.append(page)
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
        assert isinstance(marker, str)
        assert 1 <= len(marker) <= 320
    assert [len(p["EvaluationResults"]) for p in pages] == [2, 2, 1]
    assert [r for p in pages for r in p["EvaluationResults"]] == full["EvaluationResults"]


def test_max_items_default_is_100():
    actions = ["s3:GetObject"] * 101
    page = simulate_custom([doc(allow())], actions)
    assert len(page["EvaluationResults"]) == 100
    assert page["IsTruncated"] is True
    rest = simulate_custom([doc(allow())], actions, Marker=page["Marker"])
    assert len(rest["EvaluationResults"]) == 1
    assert rest["IsTruncated"] is False


@pytest.mark.parametrize("max_items", ["2", True, 2.0])
def test_bad_max_items(max_items):
    with pytest.raises(InvalidInputError, match="MaxItems"):
        simulate_custom([doc(allow())], ACTIONS, MaxItems=max_items)


@pytest.mark.parametrize("marker", ["garbage", "!!!", "MjpiYWQ="])
def test_bad_marker(marker):
    with pytest.raises(InvalidInputError, match="Marker"):
        simulate_custom([doc(allow())], ACTIONS, MaxItems=2, Marker=marker)


def test_marker_from_another_request_is_refused():
    marker = simulate_custom([doc(allow())], ACTIONS, MaxItems=2)["Marker"]
    with pytest.raises(InvalidInputError, match="does not belong to this request"):
        simulate_custom([doc(allow("s3:*"))], ACTIONS, MaxItems=2, Marker=marker)
    with pytest.raises(InvalidInputError, match="does not belong to this request"):
        simulate_custom([doc(allow())], ACTIONS[:4], MaxItems=2, Marker=marker)


def test_boto3_paginator_shape():
    # paginators-1.json: input_token Marker, limit_key MaxItems, more_results IsTruncated,
    # output_token Marker, result_key EvaluationResults.
    page = simulate_custom([doc(allow())], ACTIONS, MaxItems=4)
    assert set(page) == {"EvaluationResults", "IsTruncated", "Marker"}


def test_marker_survives_context_entry_key_order():
    """A paged request re-sent with ContextEntry keys in another order keeps its marker.

    boto3's paginator re-sends the same parameters; serialisers may reorder dict keys.
    """
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"connect:DescribeUser","Resource":"*"}]}'
    )
    entry = {
        "ContextKeyName": "aws:ResourceTag/Department",
        "ContextKeyValues": ["Test"],
        "ContextKeyType": "string",
    }
    reordered = dict(reversed(list(entry.items())))
    actions = ["connect:DescribeUser", "connect:ListUsers"]
    first = iamspec.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=actions, ContextEntries=[entry], MaxItems=1
    )
    second = iamspec.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=actions,
        ContextEntries=(reordered,),
        MaxItems=1,
        Marker=first["Marker"],
    )
    assert [r["EvalActionName"] for r in second["EvaluationResults"]] == ["connect:ListUsers"]
