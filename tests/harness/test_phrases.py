"""The one phrase parser: tags, context, names, kinds, principal names, resources, table cells,
and the placeholders filled in each."""

from __future__ import annotations

import pytest

from iamspec.errors import MalformedArnError
from iamspec.harness.errors import ScenarioInputError, UnknownNameError
from iamspec.harness.phrases import (
    Phrases,
    ResourceTargets,
    parse_names,
    parse_resources,
    principal_kind,
    principal_name,
    resource_kind,
    table_resources,
)
from iamspec.project.errors import PlaceholderError
from iamspec.resource_kinds import RAW_ARN, PrincipalKind

VALUES = {
    "dept": "Test",
    "key": "Team",
    "comma": "a,b",
    "account_id": "111122223333",
    "arn": "arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/jdoe",
}
PHRASES = Phrases(VALUES)


def test_tags_are_split_before_they_are_filled():
    assert PHRASES.tags("{{key}}={{dept}}, Owner=A") == {"Team": "Test", "Owner": "A"}
    # a value with a comma cannot add a tag: it is a value, and AWS tags take no comma
    with pytest.raises(ScenarioInputError, match="tag value 'a,b' has characters AWS"):
        PHRASES.tags("Team={{comma}}")


def test_an_unknown_placeholder_is_an_error_with_a_suggestion():
    with pytest.raises(PlaceholderError, match=r"unknown placeholder \{\{dpet\}\}") as info:
        PHRASES.tags("Department={{dpet}}")
    assert info.value.suggestions == ("{{dept}}",)
    with pytest.raises(PlaceholderError, match="unclosed placeholder"):
        PHRASES.context("aws:SourceIp={{dept")


def test_context_keeps_repeated_keys_and_fills_values():
    assert PHRASES.context("aws:CalledVia={{dept}}, aws:CalledVia=b") == (
        ("aws:CalledVia", "Test"),
        ("aws:CalledVia", "b"),
    )


def test_names():
    assert parse_names(" a.json, b.json ,, ") == ["a.json", "b.json"]
    assert parse_names(None) == []


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [("Connect user", "Connect user"), ("connect  USER", "Connect user"), ("KMS key", "KMS key")],
)
def test_resource_kinds_ignore_case_and_spacing(phrase, kind):
    assert resource_kind(phrase).phrase == kind


def test_an_unknown_kind_suggests_the_nearest():
    with pytest.raises(UnknownNameError, match="did you mean 'Connect user'"):
        resource_kind("Conect user")


def test_principal_kinds_and_names():
    assert principal_kind("IAM role") is PrincipalKind.ROLE
    assert principal_kind("user") is PrincipalKind.USER
    with pytest.raises(UnknownNameError, match="kind of IAM principal"):
        principal_kind("IAM robot")
    assert principal_name(PrincipalKind.USER, "a+b=c,d.e@f_g-h") == "a+b=c,d.e@f_g-h"
    with pytest.raises(ScenarioInputError, match="at most 64 characters"):
        principal_name(PrincipalKind.ROLE, "r" * 65)
    assert principal_name(PrincipalKind.GROUP, "g" * 128)


def test_resources_joined_by_and_or_commas():
    targets = parse_resources(
        'the Connect user "jdoe" and the routing profile "basic", a queue "q" '
        'in the Connect instance "eu"'
    )
    assert [(r.kind.phrase, r.name, r.instance) for r in targets.items] == [
        ("Connect user", "jdoe", None),
        ("routing profile", "basic", None),
        ("queue", "q", "eu"),
    ]
    assert not targets.any_resource


def test_any_resource_and_arns():
    assert parse_resources("any resource") == ResourceTargets(any_resource=True)
    (arn,) = PHRASES.resources('the ARN "{{arn}}"').items
    assert (arn.kind, arn.name, arn.is_arn) == (RAW_ARN, VALUES["arn"], True)
    with pytest.raises(MalformedArnError):
        PHRASES.resources('the ARN "arn:aws:connect:us-east-1"')


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("jdoe", "cannot read resources"),
        ('the Connect user "a" or the queue "b"', "after"),
        ('the Conect user "a"', "did you mean 'Connect user'"),
        (" and ".join(f'the queue "q{i}"' for i in range(101)), "more than 100 resources"),
    ],
)
def test_resource_phrases_that_do_not_read(phrase, message):
    with pytest.raises((ScenarioInputError, UnknownNameError), match=message):
        parse_resources(phrase)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", None),
        ("-", None),
        ("*", "any"),
        ("any resource", "any"),
        ("Connect user jdoe", [("Connect user", "jdoe")]),
        ("the Connect instance main", [("Connect instance", "main")]),
        ('the queue "q"', [("queue", "q")]),
        ("arn:aws:connect:us-east-1:{{account_id}}:instance/i-1", [("ARN", None)]),
    ],
)
def test_table_cells(cell, expected):
    found = PHRASES.table_resources(cell)
    if expected is None:
        assert found is None
    elif expected == "any":
        assert found == ResourceTargets(any_resource=True)
    else:
        assert found is not None
        assert [(r.kind.phrase, None if r.is_arn else r.name) for r in found.items] == expected
    if cell.startswith("arn:"):
        assert found.items[0].name == "arn:aws:connect:us-east-1:111122223333:instance/i-1"


def test_a_cell_that_names_no_kind_is_an_error():
    with pytest.raises(ScenarioInputError, match="cannot read resources"):
        table_resources("jdoe")


def test_at_most_fifty_tags():
    fifty = ", ".join(f"K{i}=v" for i in range(50))
    assert len(PHRASES.tags(fifty)) == 50
    with pytest.raises(ScenarioInputError, match="AWS allows at most 50 per resource"):
        PHRASES.tags(fifty + ", K50=v")
