"""The one ARN rule set (iamspec.arns).

Source: "Amazon Resource Names (ARNs)",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamspec.arns import (
    Arn,
    account_of_principal,
    arn_defect,
    fill_template,
    is_account_id,
    is_arn,
    parse_arn,
    parse_iam_arn,
    parse_iam_entity,
    split_arn,
    template_variables,
)
from iamspec.errors import MalformedArnError

USER = "arn:aws:connect:us-east-1:111122223333:instance/abc/agent/jdoe"


def test_split_keeps_the_colons_of_the_resource() -> None:
    assert split_arn("arn:aws:s3:::bucket/a:b:c") == ["arn", "aws", "s3", "", "", "bucket/a:b:c"]
    assert split_arn("arn:aws:connect") == ["arn", "aws", "connect"]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("111122223333", True),
        ("11112222333", False),
        ("1111222233334", False),
        ("1111-2222-3333", False),  # "without the hyphens"
        ("١١١١٢٢٢٢٣٣٣٣", False),  # digits of another script are not an account ID
        ("", False),
    ],
)
def test_account_id_is_twelve_ascii_digits(text: str, ok: bool) -> None:
    assert is_account_id(text) is ok


def test_parse_gives_the_parts_and_str_builds_the_text() -> None:
    arn = parse_arn(USER)
    assert arn == Arn("aws", "connect", "us-east-1", "111122223333", "instance/abc/agent/jdoe")
    assert str(arn) == USER


# (text, defect under the structure rules, defect under the strict rules); None: an ARN.
CASES = [
    (USER, None, None),
    ("arn:aws:s3:::bucket", None, None),  # Region and account omitted, as S3 does
    ("arn:aws:iam::aws:policy/ReadOnlyAccess", None, None),  # AWS managed policy
    ("arn:aws-cn:connect:cn-north-1:111122223333:instance/x", None, None),
    ("arn:aws:connect", "of its 6 parts, 3 missing", "of its 6 parts, 3 missing"),
    ("not-an-arn:aws:connect:us-east-1:1:instance/x", "starts with 'arn:'", "starts with"),
    ("ARN:aws:s3:::bucket", "lower-case 'arn:'", "lower-case 'arn:'"),
    ("arn::connect:r:a:x", "the partition is empty", "the partition is empty"),
    ("arn:aws::r:a:x", "the service is empty", "the service is empty"),
    ("arn:aws:s3:::", "the resource is empty", "the resource is empty"),
    ("arn:aws:connect:us-east-1:1234:instance/x", None, "the account '1234' is not 12 digits"),
    ("arn:aws:connect:us-east-1:111122223333:instance/a b", None, "an ARN has no whitespace"),
]


@pytest.mark.parametrize(("text", "structure", "strict"), CASES)
def test_the_structure_and_the_strict_rules(
    text: str, structure: str | None, strict: str | None
) -> None:
    for rules, expected in (({}, structure), ({"strict": True}, strict)):
        defect = arn_defect(text, **rules)
        if expected is None:
            assert defect is None, (rules, defect)
            assert parse_arn(text, **rules).resource == text.split(":", 5)[5]
        else:
            assert defect is not None
            assert expected in defect
            with pytest.raises(MalformedArnError) as info:
                parse_arn(text, **rules)
            assert info.value.arn == text
            assert info.value.reason == defect
    assert is_arn(text) is (structure is None)


def test_too_few_parts_names_the_format() -> None:
    # the harness's error for a scenario ARN says what an ARN looks like
    assert arn_defect("arn:aws:connect:us-east-1", strict=True) == (
        "expected arn:partition:service:region:account-id:resource: 4 of its 6 parts, 2 missing"
    )


@pytest.mark.parametrize(
    ("text", "defect"),
    [
        ("arn:aws:connect:*", None),  # a part-final '*' runs across the colons that follow
        ("arn:*", None),
        ("arn:aws:connect:*:*:instance/*", None),
        ("arn:aws:connect:us-east-1", "4 of its 6 parts"),
        ("arn:aws:s3:::", "the resource is empty"),
    ],
)
def test_resource_patterns(text: str, defect: str | None) -> None:
    found = arn_defect(text, pattern=True)
    assert found == defect if defect is None else defect in (found or "")


def test_a_pattern_is_never_checked_strictly() -> None:
    with pytest.raises(ValueError, match="not checked strictly"):
        arn_defect("arn:*", strict=True, pattern=True)


@pytest.mark.parametrize(
    ("text", "aws_account", "resource"),
    [
        ("arn:aws:iam::111122223333:user/x", False, "user/x"),
        ("arn:aws:iam::111122223333:", False, ""),  # the caller reads the resource
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", False, None),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", True, "policy/ReadOnlyAccess"),
        ("arn:aws:iam:us-east-1:111122223333:user/x", False, None),  # IAM has no Region
        ("arn:aws:sts::111122223333:assumed-role/r/s", False, None),
        ("arn::iam::111122223333:user/x", False, None),
        ("arn:aws:iam::1:user/x", False, None),
    ],
)
def test_iam_arns(text: str, aws_account: bool, resource: str | None) -> None:
    arn = parse_iam_arn(text, aws_account=aws_account)
    assert (None if arn is None else arn.resource) == resource


@pytest.mark.parametrize(
    ("text", "kind", "path", "name"),
    [
        ("arn:aws:iam::111122223333:user/Bob", "user", "/", "Bob"),
        ("arn:aws:iam::111122223333:role/service-role/x", "role", "/service-role/", "x"),
        ("arn:aws:iam::111122223333:group/devs", "group", "/", "devs"),
        ("arn:aws:iam::111122223333:user/a/", "user", "/a/", ""),  # ends with '/': no name
        ("arn:aws:iam::111122223333:root", None, None, None),
        ("arn:aws:iam::111122223333:policy/p", None, None, None),
        ("arn:aws:iam::111122223333:user/", None, None, None),
        ("arn:aws:iam::111122223333:user/a\nb", None, None, None),
    ],
)
def test_iam_entities(text: str, kind: str | None, path: str | None, name: str | None) -> None:
    entity = parse_iam_entity(text)
    if kind is None:
        assert entity is None
    else:
        assert entity is not None
        assert (entity.kind, entity.path, entity.name, entity.account) == (
            kind,
            path,
            name,
            "111122223333",
        )


@pytest.mark.parametrize(
    ("value", "account"),
    [
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
        ("111122223333", "111122223333"),
        ("arn:aws:iam::111122223333:root", "111122223333"),
        ("arn:aws:iam::111122223333", "111122223333"),
        ("111122223333:root", "111122223333"),
        ("arn:aws:iam::111122223333:user/x", None),
        ("arn:aws:iam::111122223333:root:root", None),
        ("arn::iam::111122223333:root", None),
        ("1111222233334", None),
        ("*", None),
    ],
)
def test_account_of_principal(value: str, account: str | None) -> None:
    assert account_of_principal(value) == account


def test_fill_template() -> None:
    template = "arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}"
    assert template_variables(template) == ["Partition", "Region", "Account", "InstanceId"]
    values = {"Partition": "aws", "Region": "us-east-1", "Account": "111122223333"}
    assert fill_template(template, values, default=lambda name: name.lower()) == (
        "arn:aws:connect:us-east-1:111122223333:instance/instanceid"
    )
    with pytest.raises(KeyError, match="InstanceId"):
        fill_template(template, values)


_PART = st.text(alphabet=st.characters(blacklist_characters=":"), min_size=1, max_size=8)


@given(_PART, _PART, st.text(max_size=8).filter(lambda t: ":" not in t), _PART, st.text(min_size=1))
def test_building_and_parsing_are_inverse(
    partition: str, service: str, region: str, account: str, resource: str
) -> None:
    arn = Arn(partition, service, region, account, resource)
    assert parse_arn(str(arn)) == arn


def test_arn_splitting_and_account_ids_have_one_home() -> None:
    """Every module splits ARNs and recognises account IDs through iamspec.arns: a second
    rule set (a ``split(":", 5)`` or a twelve-digit pattern elsewhere) drifts from it."""
    import pathlib
    import re

    src = pathlib.Path(__file__).resolve().parents[1] / "src" / "iamspec"
    own = re.compile(r'split\(\s*":"\s*,\s*5\s*\)|\\d\{12\}|\[0-9\]\{12\}')
    elsewhere = [
        f"{path.relative_to(src).as_posix()}:{number}"
        for path in sorted(src.rglob("*.py"))
        if path.name != "arns.py" or path.parent != src
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if own.search(line)
    ]
    assert elsewhere == []


def test_the_partitions_are_botocores():
    """The partitions iamspec accepts are the ones the installed AWS SDK knows: a partition
    AWS adds shows up here when botocore is upgraded."""
    import botocore.loaders

    from iamspec.arns import PARTITIONS

    known = botocore.loaders.create_loader().load_data("partitions")["partitions"]
    assert {partition["id"] for partition in known} == PARTITIONS
