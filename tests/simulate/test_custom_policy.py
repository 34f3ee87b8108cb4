"""What ``simulate_custom_policy`` evaluates besides the identity policies: a resource
policy (final for an IAM-user caller), trust policies (ignored for ``sts:AssumeRole*``, as
AWS's simulator ignores them) and the SCP levels of ``OrderedOrganizationPolicyInputList``.

Sources: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html;
botocore's IAM model 1.44.8; docs/iam-semantics.md section 1.6.
"""

from __future__ import annotations

import pytest

from iamspec.errors import InvalidInputError
from tests.simulate.kit import (
    ROLE,
    USER,
    allow,
    deny,
    doc,
    evaluation_result,
    simulate_custom,
)


def test_resource_policy_allow_for_a_user_is_final_despite_the_boundary():
    result = evaluation_result(
        simulate_custom(
            [doc(allow("s3:PutObject"))],
            ["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::b/k"],
            ResourcePolicy=doc({**allow(), "Principal": {"AWS": USER}}),
            CallerArn=USER,
            PermissionsBoundaryPolicyInputList=[doc(allow("s3:PutObject"))],
        )
    )
    assert result["EvalDecision"] == "allowed"
    assert result["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


# -- simulator-specific behaviour (docs/iam-semantics.md 1.6) ----------------------------------


@pytest.mark.parametrize(
    "action", ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "STS:assumerolewithsaml"]
)
def test_trust_policy_is_ignored_for_assume_role(action):
    # aws/aws-cli#10314: a ResourcePolicy carrying a Deny for the caller still yields
    # "allowed" for sts:AssumeRole*; the verdict comes from the identity policies alone.
    trust = doc({"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "sts:*"})
    result = evaluation_result(
        simulate_custom(
            [doc(allow("sts:*"))],
            [action],
            ResourceArns=[ROLE],
            ResourcePolicy=trust,
            CallerArn=USER,
        )
    )
    assert result["EvalDecision"] == "allowed"
    assert [s["SourcePolicyId"] for s in result["MatchedStatements"]] == ["PolicyInputList.1"]


def test_trust_policy_is_still_parsed_for_assume_role():
    with pytest.raises(InvalidInputError, match=r"ResourcePolicy:1:"):
        simulate_custom(
            [doc(allow("sts:*"))], ["sts:AssumeRole"], ResourcePolicy="{", CallerArn=USER
        )


def test_resource_policy_still_applies_to_other_sts_actions():
    trust = doc({"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "sts:*"})
    result = evaluation_result(
        simulate_custom(
            [doc(allow("sts:*"))],
            ["sts:TagSession"],
            ResourceArns=[ROLE],
            ResourcePolicy=trust,
            CallerArn=USER,
        )
    )
    assert result["EvalDecision"] == "explicitDeny"


# -- OrderedOrganizationPolicyInputList (botocore 1.44.8) --------------------------------------


FULL_ACCESS = doc(allow("*"))


def org_levels(*levels):
    return [{"ServiceControlPolicyInputList": list(level)} for level in levels]


@pytest.mark.parametrize(
    ("levels", "action", "decision", "allowed_by_organizations"),
    [
        ([[FULL_ACCESS], [FULL_ACCESS]], "s3:GetObject", "allowed", True),
        # every level needs an Allow: the account level allows only s3:PutObject
        ([[FULL_ACCESS], [doc(allow("s3:PutObject"))]], "s3:GetObject", "implicitDeny", False),
        ([[FULL_ACCESS], [doc(allow("s3:PutObject"))]], "s3:PutObject", "allowed", True),
        # any Deny denies
        (
            [[FULL_ACCESS, doc(deny("s3:GetObject"))], [FULL_ACCESS]],
            "s3:GetObject",
            "explicitDeny",
            False,
        ),
        # the SCPs only cap: they grant nothing the identity policy does not
        ([[FULL_ACCESS]], "ec2:RunInstances", "implicitDeny", True),
    ],
)
def test_organization_levels(levels, action, decision, allowed_by_organizations):
    result = evaluation_result(
        simulate_custom(
            [doc(allow("s3:*"))],
            [action],
            ResourceArns=["arn:aws:s3:::b/k"],
            OrderedOrganizationPolicyInputList=org_levels(*levels),
        )
    )
    assert result["EvalDecision"] == decision
    assert result["OrganizationsDecisionDetail"] == {
        "AllowedByOrganizations": allowed_by_organizations
    }
    statements = result["MatchedStatements"]
    # SCP statements are never included in MatchedStatements
    assert all(s["SourcePolicyId"] == "PolicyInputList.1" for s in statements)
    if not allowed_by_organizations:
        assert statements == []
        # "If an Organizations SCP ... denies access, the simulation ends ... this parameter
        # is not returned."
        assert "EvalDecisionDetails" not in result


def test_organization_keys_are_never_missing_context_values():
    scp = doc(allow("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-123"}}))
    result = evaluation_result(
        simulate_custom(
            [doc(allow("s3:*"))],
            ["s3:GetObject"],
            OrderedOrganizationPolicyInputList=org_levels([scp]),
        )
    )
    # the SCP condition is evaluated against the absent key (aws-cli#10525)
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == []


def test_no_organization_no_organizations_detail():
    assert "OrganizationsDecisionDetail" not in evaluation_result(
        simulate_custom([FULL_ACCESS], ["s3:GetObject"])
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (org_levels(*[[FULL_ACCESS]] * 8), "at most 7 levels"),
        (["{}"], "must be a structure"),
        ([{"ServiceControlPolicies": [FULL_ACCESS]}], "must be a structure"),
        (
            org_levels(["{"]),
            r"OrderedOrganizationPolicyInputList\.1\.ServiceControlPolicyInputList\.1:1:",
        ),
    ],
)
def test_bad_organization_input(value, message):
    with pytest.raises(InvalidInputError, match=message):
        simulate_custom([FULL_ACCESS], ["s3:GetObject"], OrderedOrganizationPolicyInputList=value)
