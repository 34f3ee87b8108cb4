"""The questions: proven, refuted (with a replayed counterexample), unknown, cannot prove."""

import json

import pytest
import z3

import iamspec
from iamspec.arns import PARTITIONS
from iamspec.engine.evaluator import Decision
from iamspec.errors import SimulationInputError
from iamspec.symbolic import (
    ClaimPrincipal,
    PolicySet,
    ProofOptions,
    Scope,
    SoundnessError,
    Status,
    action_matches,
    context_key,
    literal,
    load_policy_set,
    owned_by_instance,
    principal_tag,
    prove_always,
    prove_always_allowed,
    prove_equivalent,
    prove_exactly_when,
    prove_never_allowed,
    prove_no_new_access,
    prove_only_if,
    prover,
    replay,
    request_tag,
    resource_arn,
    resource_tag,
)

USERS = "policies/connect/describe-update-users-by-department.json"
MAIN = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"
TEST_ADMIN = ClaimPrincipal("user", "test-admin", "111122223333", tags={})


def _policy(*statements, version="2012-10-17"):
    return PolicySet.from_texts([json.dumps({"Version": version, "Statement": list(statements)})])


def _allow(action, condition=None, resource="*"):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def _replayed(result, policies, expected):
    """The counterexample is one the public simulator answers as claimed."""
    request = result.counterexample.request
    arguments = policies.simulate_arguments()
    arguments["ActionNames"] = [request.action]
    if request.resource != "*":
        arguments["ResourceArns"] = [request.resource]
    arguments["ContextEntries"] = request.context_entries()
    response = iamspec.simulate_custom_policy(**arguments)
    assert response["EvaluationResults"][0]["EvalDecision"] == expected.value


def test_published_department_rule_is_proven_for_every_tag_value():
    policies = load_policy_set([USERS])
    scope = Scope(actions=("connect:DescribeUser", "connect:UpdateUser*"), principal=TEST_ADMIN)
    result = prove_only_if(policies, scope, resource_tag("Department").equals("Test"))
    assert result.status is Status.PROVEN
    assert result.holds
    assert not result.vacuous
    assert result.counterexample is None


def test_a_looser_rule_is_refuted_with_a_minimal_replayed_request():
    policies = load_policy_set([USERS])
    scope = Scope(actions=("connect:DescribeUser",), principal=TEST_ADMIN)
    result = prove_only_if(policies, scope, resource_tag("Team").equals("Test"))
    assert result.status is Status.REFUTED
    request = result.counterexample.request
    assert request.action == "connect:DescribeUser"
    assert request.value("aws:ResourceTag/Department") == ("Test",)
    # minimal: no key the claim does not need beyond the caller's fixed ones
    names = {e.name for e in request.context}
    assert names == {
        "aws:ResourceTag/Department",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:username",
    }
    assert request.resource.startswith("arn:aws:connect:us-east-1:111122223333:instance/")
    assert result.counterexample.decision is Decision.ALLOWED
    _replayed(result, policies, Decision.ALLOWED)
    assert "StringEquals matches 'Test'" in result.explanation


def test_stringlike_prefix_lets_in_testing():
    """The issue's first example: StringLike "Test*" also lets in Testing."""
    policies = _policy(
        _allow("connect:DescribeUser", {"StringLike": {"aws:ResourceTag/Department": "Test*"}})
    )
    scope = Scope(actions=("connect:DescribeUser",))
    result = prove_only_if(policies, scope, resource_tag("Department").equals("Test"))
    assert result.status is Status.REFUTED
    value = result.counterexample.request.value("aws:ResourceTag/Department")[0]
    assert value.startswith("Test")
    assert value != "Test"
    _replayed(result, policies, Decision.ALLOWED)


def test_string_not_equals_deny_lets_an_untagged_agent_slip_past():
    """The issue's second example: a StringNotEquals Deny is true for a missing key, so an
    untagged *caller* is denied, but an untagged *resource*-side rule written as a positive
    condition lets a request without the tag through a negated Deny."""
    policies = _policy(
        _allow("connect:UpdateUserPhoneConfig"),
        {
            "Effect": "Deny",
            "Action": "connect:UpdateUserPhoneConfig",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Prod"}},
        },
    )
    scope = Scope(actions=("connect:UpdateUserPhoneConfig",))
    result = prove_only_if(policies, scope, resource_tag("Department").is_present())
    assert result.status is Status.REFUTED
    assert result.counterexample.request.value("aws:ResourceTag/Department") is None
    _replayed(result, policies, Decision.ALLOWED)


def test_foranyvalue_lets_one_extra_tag_key_through():
    policies = _policy(
        _allow("connect:CreateUser", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["Owner"]}})
    )
    scope = Scope(actions=("connect:CreateUser",))
    only_owner = context_key("aws:TagKeys").has_value("Owner") & ~context_key(
        "aws:TagKeys"
    ).has_value("Extra")
    result = prove_only_if(policies, scope, only_owner)
    assert result.status is Status.REFUTED
    tag_keys = result.counterexample.request.value("aws:TagKeys")
    assert "Owner" in tag_keys
    assert "Extra" in tag_keys
    _replayed(result, policies, Decision.ALLOWED)


def test_request_tags_and_tag_keys_describe_the_same_tags():
    """A request carries aws:RequestTag/Owner exactly when aws:TagKeys lists Owner."""
    policies = _policy(
        _allow(
            "connect:CreateUser",
            {
                "StringEquals": {"aws:RequestTag/Owner": "TeamA"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["Owner"]},
            },
        )
    )
    scope = Scope(actions=("connect:CreateUser",))
    claim = request_tag("Owner").equals("TeamA") & context_key("aws:TagKeys").has_value("Owner")
    assert prove_only_if(policies, scope, claim).status is Status.PROVEN


def test_campaign_owner_tag_claim_and_untaggable_list():
    policies = load_policy_set(["policies/semantics/campaigns-list-under-owner-tag.json"])
    # the file keeps its {{placeholders}}: the owner value is the literal text
    owner = json.loads(policies.identity[0].policy.text)["Statement"][0]["Condition"][
        "StringEquals"
    ]["aws:ResourceTag/owner"]
    scope = Scope(actions=("connect-campaigns:*",))
    assert prove_only_if(policies, scope, owned_by_instance(owner)).status is Status.PROVEN
    listing = Scope(
        actions=("connect-campaigns:ListCampaigns", "connect-campaigns:GetCampaignStateBatch")
    )
    assert prove_never_allowed(policies, listing).status is Status.PROVEN


def test_resource_tag_equals_principal_tag():
    policies = load_policy_set(["policies/semantics/connect-users-by-principal-department.json"])
    scope = Scope(actions=("connect:DescribeUser", "connect:UpdateUserIdentityInfo"))
    same = resource_tag("Department").equals(principal_tag("Department"))
    assert prove_only_if(policies, scope, same).status is Status.PROVEN
    assert prove_exactly_when(policies, scope, same).status is Status.PROVEN


def test_resource_arn_predicate_for_own_user():
    policies = _policy(_allow("iam:GetUser", resource="arn:aws:iam::*:user/${aws:username}"))
    scope = Scope(actions=("iam:GetUser",))
    own = resource_arn().ends_with(literal(":user/") + context_key("aws:username"))
    assert prove_only_if(policies, scope, own).status is Status.PROVEN


def test_always_and_never():
    policies = load_policy_set(["policies/connect/view-users.json"])
    scope = Scope(actions=("connect:DescribeUser", "connect:ListUsers"))
    assert prove_always_allowed(policies, scope).status is Status.PROVEN
    deleting = Scope(actions=("connect:Delete*",))
    never = prove_never_allowed(policies, deleting)
    assert never.status is Status.PROVEN
    everything = prove_always_allowed(policies, Scope(actions=("connect:*",)))
    assert everything.status is Status.REFUTED
    assert everything.counterexample.decision is Decision.IMPLICIT_DENY
    denied = prove_always(policies, Scope(actions=("connect:DeleteUser",)), Decision.IMPLICIT_DENY)
    assert denied.status is Status.PROVEN


def test_only_if_is_vacuous_when_nothing_is_allowed():
    policies = _policy(_allow("connect:DescribeUser", {"StringEquals": {"aws:username": "a"}}))
    scope = Scope(actions=("connect:DescribeUser",), context={"aws:username": ("b",)})
    result = prove_only_if(policies, scope, resource_tag("Department").equals("Test"))
    assert result.status is Status.PROVEN
    assert result.vacuous


def test_no_new_access_and_equivalence():
    old = load_policy_set([USERS])
    wider = _policy(
        _allow(
            ["connect:DescribeUser", "connect:UpdateUser*", "connect:DeleteUser"],
            {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
        )
    )
    scope = Scope(actions=("connect:*",))
    assert prove_no_new_access(wider, old, scope).status is Status.PROVEN
    result = prove_no_new_access(old, wider, scope)
    assert result.status is Status.REFUTED
    assert result.counterexample.request.action == "connect:DeleteUser"
    assert result.counterexample.outcome("new").decision is Decision.ALLOWED
    assert result.counterexample.outcome("old").decision is Decision.IMPLICIT_DENY
    assert prove_equivalent(old, old, scope).status is Status.PROVEN
    assert prove_equivalent(old, wider, scope).status is Status.REFUTED


def test_tag_rules_bound_the_request_space():
    """Tagging AWS resources: tag values are letters, digits, spaces and _.:/=+-@ only, so a
    Deny on tag values holding '!' never applies; an IAM user name is not a tag."""
    deny_bang = {
        "Effect": "Deny",
        "Action": "connect:DescribeUser",
        "Resource": "*",
        "Condition": {"StringLike": {"aws:ResourceTag/Team": "*!*"}},
    }
    policies = _policy(_allow("connect:DescribeUser"), deny_bang)
    scope = Scope(actions=("connect:DescribeUser",))
    assert prove_always_allowed(policies, scope).status is Status.PROVEN
    deny_bang["Condition"] = {"StringLike": {"aws:username": "*!*"}}
    policies = _policy(_allow("connect:DescribeUser"), deny_bang)
    refuted = prove_always_allowed(policies, scope)
    assert refuted.status is Status.REFUTED
    assert "!" in refuted.counterexample.request.value("aws:username")[0]


def test_actions_that_cannot_carry_a_key_never_do():
    """ListCampaigns has no resource type: its requests carry no aws:ResourceTag."""
    policies = _policy(
        _allow("connect-campaigns:ListCampaigns", {"Null": {"aws:ResourceTag/owner": "false"}})
    )
    scope = Scope(actions=("connect-campaigns:ListCampaigns",))
    assert prove_never_allowed(policies, scope).status is Status.PROVEN
    anything = Scope(actions=("connect-campaigns:ListCampaigns",), catalog_keys=False)
    assert prove_never_allowed(policies, anything).status is Status.REFUTED


def test_scope_pins_principal_and_resource():
    policies = _policy(_allow("iam:GetUser", resource="arn:aws:iam::*:user/${aws:username}"))
    bob = ClaimPrincipal("user", "bob", "111122223333")
    scope = Scope(actions=("iam:GetUser",), principal=bob, resource={"UserNameWithPath": "bob"})
    # the caller's partition (aws): credentials of one partition reach no other partition
    assert prove_always_allowed(policies, scope).status is Status.PROVEN
    pinned = Scope(
        actions=("iam:GetUser",),
        principal=bob,
        resource={"Partition": "aws-cn", "UserNameWithPath": "bob"},
    )
    elsewhere = prove_always_allowed(policies, pinned)
    assert elsewhere.status is Status.REFUTED
    assert elsewhere.counterexample.request.resource.startswith("arn:aws-cn:iam::")
    role = ClaimPrincipal("role", "ops", "111122223333")
    assert prove_never_allowed(policies, Scope(actions=("iam:GetUser",), principal=role)).holds


def test_conflicting_pins_are_bad_input():
    scope = Scope(
        actions=("iam:GetUser",),
        principal=ClaimPrincipal("user", "bob", "111122223333"),
        context={"aws:username": ("alice",)},
    )
    with pytest.raises(SimulationInputError, match="twice"):
        scope.pinned_context()
    with pytest.raises(SimulationInputError, match="tuple"):
        Scope(context={"aws:username": "alice"})


def test_ignore_case_with_a_variable_cannot_be_proven_when_it_matters():
    policies = _policy(
        _allow(
            "connect:DescribeUser",
            {"StringEqualsIgnoreCase": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}},
        )
    )
    scope = Scope(actions=("connect:DescribeUser",))
    result = prove_only_if(policies, scope, resource_tag("Team").equals(principal_tag("Team")))
    assert result.status is Status.CANNOT_PROVE
    assert "cannot prove: StringEqualsIgnoreCase with a policy variable at PolicyInputList.1:" in (
        result.explanation
    )
    # a claim that does not depend on the construct is still proven (soundly)
    proven = prove_only_if(policies, scope, resource_tag("Team").is_present())
    assert proven.status is Status.PROVEN


def test_a_read_by_two_families_cannot_be_proven_when_it_matters():
    policies = _policy(
        _allow(
            "connect:DescribeUser",
            {
                "DateGreaterThan": {"aws:EpochTime": "1700000000"},
                "NumericLessThan": {"aws:EpochTime": "1800000000"},
            },
        )
    )
    result = prove_always_allowed(policies, Scope(actions=("connect:DescribeUser",)))
    assert result.status in (Status.REFUTED, Status.CANNOT_PROVE)
    if result.status is Status.REFUTED:
        _replayed(result, policies, result.counterexample.decision)
    assert any("aws:EpochTime" in str(u) for u in result.unsupported)


def test_unknown_is_never_a_pass(monkeypatch):
    class Undecided(z3.Solver):
        def check(self, *args):
            return z3.unknown

        def reason_unknown(self):
            return "timeout"

    monkeypatch.setattr(prover.z3, "Solver", Undecided)
    policies = load_policy_set([USERS])
    result = prove_always_allowed(
        policies, Scope(actions=("connect:DescribeUser",)), options=ProofOptions(timeout=0.5)
    )
    assert result.status is Status.UNKNOWN
    assert not result.holds
    assert "time-out" in result.explanation


def test_a_disagreeing_replay_is_a_loud_internal_error(monkeypatch):
    real = replay.replay

    def lying(policy_set, request):
        found = real(policy_set, request)
        return replay.Replay(Decision.EXPLICIT_DENY, found.explanation, found.deciding)

    monkeypatch.setattr(prover, "replay", lying)
    policies = load_policy_set([USERS])
    with pytest.raises(SoundnessError, match="the solver claimed"):
        prove_always_allowed(policies, Scope(actions=("connect:DescribeUser",)))


def test_action_predicate():
    policies = load_policy_set([USERS])
    scope = Scope(actions=("connect:*",))
    result = prove_only_if(
        policies,
        scope,
        action_matches("connect:DescribeUser") | action_matches("connect:UpdateUser*"),
    )
    assert result.status is Status.PROVEN


def test_empty_scope_is_bad_input():
    with pytest.raises(SimulationInputError, match="no IAM action"):
        prove_always_allowed(load_policy_set([USERS]), Scope(actions=("connect:NoSuchAction*",)))


@pytest.mark.parametrize(
    ("condition", "key", "check"),
    [
        (
            {"DateLessThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}},
            "aws:CurrentTime",
            lambda v: v is None or v[0] >= "2024-01-01T00:00:00Z",
        ),
        (
            {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
            "aws:MultiFactorAuthAge",
            lambda v: v is None or float(v[0]) >= 3600,
        ),
        (
            {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            "aws:SourceIp",
            lambda v: v is None or not v[0].startswith("203.0.113."),
        ),
        (
            {"Bool": {"aws:SecureTransport": "true"}},
            "aws:SecureTransport",
            lambda v: v is None or v[0].lower() == "false",
        ),
        (
            {"ForAllValues:StringLike": {"aws:CalledVia": "athena.*"}},
            "aws:CalledVia",
            lambda v: v is not None and any(not x.startswith("athena.") for x in v),
        ),
    ],
)
def test_counterexamples_of_every_family_are_typed_and_replayed(condition, key, check):
    """Numbers, instants and addresses come out as values of the key's type (numeric, date,
    ip ContextKeyType), chosen in the same place relative to the policy's constants."""
    policies = _policy(_allow("connect:DescribeUser", condition))
    result = prove_always_allowed(policies, Scope(actions=("connect:DescribeUser",)))
    assert result.status is Status.REFUTED
    request = result.counterexample.request
    assert check(request.value(key))
    _replayed(result, policies, result.counterexample.decision)
    types = {e.name: e.type for e in request.context}
    if key in types:
        expected = {
            "aws:CurrentTime": "date",
            "aws:MultiFactorAuthAge": "numeric",
            "aws:SourceIp": "ip",
            "aws:SecureTransport": "boolean",
            "aws:CalledVia": "stringList",
        }[key]
        assert types[key] == expected
    assert "Scenario: counterexample" in result.counterexample.to_gherkin()


def test_a_negated_ip_condition_is_broken_by_an_address_the_block_lacks():
    policies = _policy(
        _allow("connect:DescribeUser"),
        {
            "Effect": "Deny",
            "Action": "connect:*",
            "Resource": "*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
    )
    scope = Scope(actions=("connect:DescribeUser",), context={"aws:SourceIp": ("198.51.100.7",)})
    result = prove_always_allowed(policies, scope)
    assert result.status is Status.REFUTED
    assert result.counterexample.decision is Decision.EXPLICIT_DENY
    inside = Scope(actions=("connect:DescribeUser",), context={"aws:SourceIp": ("203.0.113.9",)})
    assert prove_always_allowed(policies, inside).status is Status.PROVEN


def test_a_scope_that_admits_no_request_is_bad_input():
    """ListCampaigns never carries aws:ResourceTag: fixing one would make every claim vacuous."""
    policies = load_policy_set(["policies/connect-campaigns/read-only.json"])
    scope = Scope(
        actions=("connect-campaigns:ListCampaigns",),
        context={"aws:ResourceTag/owner": ("x",)},
    )
    with pytest.raises(SimulationInputError, match="no request AWS can send fits the scope"):
        prove_never_allowed(policies, scope)


def test_a_caller_reaches_only_resources_of_its_own_partition():
    """ "You cannot use IAM credentials from one partition to interact with resources in a
    different partition" ("Partitions", AWS Fault Isolation Boundaries,
    https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html):
    with a caller, ``Resource: *`` reaches only ARNs of the caller's partition, so a claim
    about them is proven, not refuted by ``arn:a:connect:...``."""
    policies = load_policy_set([USERS])
    in_aws = resource_arn().like("arn:aws:connect:*:*:instance/*/agent/*")
    scope = Scope(actions=("connect:DescribeUser",), principal=TEST_ADMIN)
    assert prove_only_if(policies, scope, in_aws).status is Status.PROVEN
    china = ClaimPrincipal("user", "test-admin", "111122223333", partition="aws-cn", tags={})
    in_china = resource_arn().like("arn:aws-cn:connect:*")
    cn_scope = Scope(actions=("connect:DescribeUser",), principal=china)
    assert prove_only_if(policies, cn_scope, in_china).status is Status.PROVEN


def test_without_a_caller_every_request_is_in_one_of_the_partitions():
    """Without a caller the resource may be in any of AWS's partitions, and only in one of
    them: a claim that holds for every partition is proven (no ``arn:a:`` refutes it), and a
    refuting request names a real partition."""
    policies = load_policy_set([USERS])
    scope = Scope(actions=("connect:DescribeUser",))
    named = resource_arn().like("arn:aws*:connect:*")
    assert prove_only_if(policies, scope, named).status is Status.PROVEN
    in_aws = resource_arn().like("arn:aws:connect:*")
    result = prove_only_if(policies, scope, in_aws)
    assert result.status is Status.REFUTED
    resource = result.counterexample.request.resource
    assert resource.split(":")[1] in PARTITIONS - {"aws"}
    assert ":us-east-1:111122223333:instance/" in resource


def test_a_principal_outside_every_partition_is_bad_input():
    """A partition that is not AWS's would fix every resource to it and prove claims about
    requests no one can send: refused."""
    with pytest.raises(SimulationInputError, match="not an AWS partition"):
        ClaimPrincipal("user", "bob", "111122223333", partition="aws-china")
