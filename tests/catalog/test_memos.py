"""The catalog's memos give the answers a fresh lookup gives: keyed by everything that changes
the answer (the action object itself, the ARN, the key, the resource type), bounded, and never
holding an error. The figures they buy are in ``benchmarks/suite.py``."""

from __future__ import annotations

import dataclasses
import re

import pytest

from iamspec.catalog import Catalog, ResourceType, default_catalog
from iamspec.catalog.arn_templates import _compile_arn_template
from iamspec.errors import MalformedArnError, UnknownActionError, UnknownContextKeyError

INSTANCE = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


def _user(name: str) -> str:
    return f"{INSTANCE}/agent/{name}"


def test_resource_types_of_many_arns_are_those_a_fresh_catalog_finds(catalog: Catalog) -> None:
    """More distinct ARNs than the memo keeps, asked twice for several actions: every answer is
    a fresh catalog's (the memo starts afresh when full, it never answers for another ARN)."""
    actions = [catalog.action(a) for a in ("connect:DescribeUser", "connect:DescribeQueue")]
    arns = [_user(f"agent-{i}") for i in range(300)] + [
        f"{INSTANCE}/queue/q-{i}" for i in range(50)
    ]
    first = [
        (a.full_name, arn, catalog.resource_type_for_arn(a, arn)) for a in actions for arn in arns
    ]
    again = [
        (a.full_name, arn, catalog.resource_type_for_arn(a, arn)) for a in actions for arn in arns
    ]
    fresh = Catalog()
    expected = [
        (name, arn, fresh.resource_type_for_arn(fresh.action(name), arn)) for name, arn, _ in first
    ]
    assert first == again == expected
    assert {rt.name if rt else None for _, arn, rt in first if "/agent/" in arn} == {"user", None}


def test_the_same_arn_has_each_actions_own_type(catalog: Catalog) -> None:
    """A wildcard asks many actions about one ARN: validated once, typed per action."""
    arn = _user("jdoe")
    user = catalog.resource_type_for_arn(catalog.action("connect:DescribeUser"), arn)
    queue = catalog.resource_type_for_arn(catalog.action("connect:DescribeQueue"), arn)
    assert user is not None
    assert user.name == "user"
    assert queue is None


def test_a_malformed_arn_is_refused_every_time(catalog: Catalog) -> None:
    action = catalog.action("connect:DescribeUser")
    for _ in range(3):
        with pytest.raises(MalformedArnError):
            catalog.resource_type_for_arn(action, "arn:aws:connect")


def test_an_unknown_action_is_an_error_every_time(catalog: Catalog) -> None:
    for _ in range(2):
        with pytest.raises(UnknownActionError):
            catalog.action("connect:DescribeUsr")
    assert catalog.action("connect:describeuser") is catalog.action("connect:DescribeUser")


def test_context_key_types_and_support_are_memoised_per_key_and_type(catalog: Catalog) -> None:
    for _ in range(2):
        assert catalog.context_key_type("aws:ResourceTag/Department") == "String"
        assert catalog.context_key_type("connect:InstanceId") == "String"
        assert catalog.context_key_type("aws:NoSuchKey") is None
        with pytest.raises(UnknownContextKeyError):
            catalog.check_context_key("aws:NoSuchKey")
    fresh = Catalog()
    keys = ["aws:ResourceTag/Department", "aws:RequestTag/Owner", "aws:TagKeys", "aws:SourceIp"]
    keys += ["connect:InstanceId", "connect:UserId", "aws:ResourceTag/owner"]
    actions = ["connect:DescribeUser", "connect:CreateUser", "connect-campaigns:ListCampaigns"]
    types = [None, ("connect", "user"), ("connect", "queue"), ("connect-campaigns", "campaign")]
    for _ in range(2):
        for name in actions:
            for key in keys:
                for t in types:
                    mine = catalog.supports_condition_key(
                        catalog.action(name), key, catalog.resource_type(*t) if t else None
                    )
                    theirs = fresh._supports(
                        fresh.action(name), key, fresh.resource_type(*t) if t else None
                    )
                    assert mine == theirs, (name, key, t)


@pytest.mark.parametrize(
    ("service", "name"),
    [("apigateway", "Authorizer"), ("lex", "bot"), ("greengrass", "deployment")],
)
def test_a_type_with_alternative_templates_matches_as_any_of_them(
    catalog: Catalog, service: str, name: str
) -> None:
    """One regex per type (its templates as alternatives) matches exactly the ARNs one of the
    templates' own regexes matches (AWS lists alternatives for API Gateway, Lex, Greengrass)."""
    rt = catalog.resource_type(service, name)
    assert len(rt.arn_templates) > 1
    own = [_compile_arn_template(t, rt.open_tail) for t in rt.arn_templates]
    samples = [
        re.sub(
            r"\$\{([^}]*)\}",
            lambda m: {"Partition": "aws", "Account": "111122223333"}.get(m.group(1), "x1"),
            t,
        )
        for t in rt.arn_templates
    ]
    samples += [s + "/extra" for s in samples] + [s.replace("x1", "a/b") for s in samples]
    samples += ["arn:aws:s3:::bucket", ""]
    for arn in samples:
        assert rt.matches(arn) == any(p.fullmatch(arn) for p in own), arn
    assert all(rt.matches(s) for s in samples[: len(rt.arn_templates)])


def test_a_type_without_templates_matches_nothing() -> None:
    assert not ResourceType("svc", "none", "").matches("arn:aws:svc:::x")


def test_template_split_and_specificity_are_kept(catalog: Catalog) -> None:
    rt = catalog.resource_type("connect", "user")
    assert rt.arn_templates is rt.arn_templates
    assert rt.specificity == rt.specificity
    assert rt == dataclasses.replace(rt)  # the kept values are not part of the type's value
