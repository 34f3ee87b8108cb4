"""What the run's worlds share (request builder, phrase parser, ARN builder) keeps no scenario
state, and every memo of the step path answers as the uncached code would: per Connect
instance for ARNs, per group for compiled policies, per part for batches."""

from __future__ import annotations

from iamspec.catalog import default_catalog
from iamspec.harness.backends import LocalBackend
from iamspec.harness.policies import PolicyStore
from iamspec.harness.requests import plan, plan_parts
from iamspec.harness.world import World, WorldTools
from tests.harness.kit import INSTANCE_ID, make_settings, make_world

OTHER = "99999999-8888-7777-6666-555555555555"


def test_worlds_sharing_tools_are_independent(tmp_path) -> None:
    settings = make_settings(tmp_path, connect_instances={"main": INSTANCE_ID, "other": OTHER})
    make_world(tmp_path)  # writes the policy files
    catalog = default_catalog()
    tools = WorldTools(settings, catalog)
    backend = LocalBackend(catalog, settings)
    store = PolicyStore(settings)
    first = World(settings, catalog, store, backend, tools)
    second = World(settings, catalog, store, backend, tools)
    first.add_principal("IAM user", "admin", "department.json", "Team=A")
    first.add_resource("Connect user", "jdoe", tags="Department=Test")
    second.add_principal("IAM user", "admin", "department.json")
    second.add_resource("Connect user", "jdoe", instance="other", tags="Department=Prod")
    one = first.ask("admin", "connect:DescribeUser", on='the Connect user "jdoe"')
    two = second.ask("admin", "connect:DescribeUser", on='the Connect user "jdoe"')
    assert one.results[0].decision.value == "allowed"
    assert two.results[0].decision.value == "implicitDeny"
    assert one.results[0].parts[0].request.resource.endswith(f"instance/{INSTANCE_ID}/agent/jdoe")
    assert two.results[0].parts[0].request.resource.endswith(f"instance/{OTHER}/agent/jdoe")
    first_context = {e.name: e.values for e in one.results[0].parts[0].request.context}
    second_context = {e.name: e.values for e in two.results[0].parts[0].request.context}
    assert first_context["aws:PrincipalTag/Team"] == ("A",)
    assert "aws:PrincipalTag/Team" not in second_context
    assert first_context["connect:InstanceId"] == (INSTANCE_ID,)
    assert second_context["connect:InstanceId"] == (OTHER,)


def test_a_groups_policy_is_compiled_under_each_groups_id(tmp_path) -> None:
    """More groups than a policy file keeps compiled: each scenario still reports its own
    group in the statements that decided."""
    world = make_world(tmp_path)
    world.add_resource("Connect user", "jdoe", tags="Department=Test")
    for i in range(70):
        world.add_principal("IAM group", f"g{i}", "department.json")
        world.add_principal("IAM user", f"u{i}", "")
        world.add_to_group(f"u{i}", f"g{i}")
        outcome = world.ask(f"u{i}", "connect:DescribeUser", on='the Connect user "jdoe"')
        answer = outcome.results[0].parts[0].answer
        assert answer.decision.value == "allowed"
        assert [m["SourcePolicyId"] for m in answer.matched_statements] == [
            f"policies/department.json (via IAM group g{i})"
        ]


def test_every_part_is_answered_by_the_batch_that_asks_it(tmp_path) -> None:
    world = make_world(tmp_path)
    world.add_principal("IAM user", "admin", "department.json")
    world.add_resource("Connect user", "jdoe", tags="Department=Test")
    world.add_resource("Connect user", "ann", tags="Department=Prod")
    caller = world.caller("admin")
    resources = world.parse_resources('the Connect user "jdoe"') + world.parse_resources(
        'the Connect user "ann"'
    )
    calls = [
        *world.builder.build(caller, "connect:DescribeUser", resources=resources[:1]),
        *world.builder.build(caller, "connect:DescribeUser", resources=resources[1:]),
        *world.builder.build(caller, "connect:ListUsers", any_resource=True),
        *world.builder.build(caller, "connect:DescribeUser", resources=resources[:1]),
    ]
    parts = [p for c in calls for p in c.parts]
    for cross in (False, True):
        planned = plan_parts(parts, cross=cross)
        assert [b for b, _ in planned] == plan(parts, cross=cross)
        answered = [p for _, members in planned for p in members]
        assert sorted(map(id, answered)) == sorted(map(id, parts))
        for batch, members in planned:
            for part in members:
                assert part.action in batch.actions
                assert part.resource in batch.resources
    outcome = world.answer(calls)
    decisions = [r.decision.value for r in outcome.results]
    assert decisions == ["allowed", "implicitDeny", "implicitDeny", "allowed"]
