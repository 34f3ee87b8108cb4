"""Shared builders for the harness tests: settings in a temp dir, a world, policy files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iamspec.catalog import default_catalog
from iamspec.harness.backends import LocalBackend
from iamspec.harness.policies import PolicyStore
from iamspec.harness.world import World
from iamspec.project.settings import Settings

INSTANCE_ID = "11111111-2222-3333-4444-555555555555"

DEPARTMENT_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
        }
    ],
}
OWNER_REQUEST_TAG_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["connect:CreateUser", "connect:TagResource"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/Owner": "TeamA"}},
        }
    ],
}
CAMPAIGN_OWNER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["connect-campaigns:*"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "aws:ResourceTag/owner": "arn:aws:connect:us-east-1:111122223333:instance/"
                    "{{connect_instances.main}}"
                }
            },
        }
    ],
}
PRINCIPAL_TAG_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "connect:DescribeUser",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Env": "${aws:PrincipalTag/Env}"}},
        }
    ],
}
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def write_policy(root: Path, name: str, document: dict[str, Any] | str) -> None:
    path = root / "policies" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = document if isinstance(document, str) else json.dumps(document, indent=2)
    path.write_text(text, encoding="utf-8")


def make_settings(root: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "root": root,
        "connect_instances": {"main": INSTANCE_ID},
        "placeholders": {"key-id": "1234abcd-12ab-34cd-56ef-1234567890ab"},
    }
    values.update(overrides)
    return Settings(**values)


def make_world(root: Path, **overrides: Any) -> World:
    for name, doc in (
        ("department.json", DEPARTMENT_POLICY),
        ("owner-request-tag.json", OWNER_REQUEST_TAG_POLICY),
        ("campaign-owner.json", CAMPAIGN_OWNER_POLICY),
        ("principal-tag.json", PRINCIPAL_TAG_POLICY),
        ("allow-all.json", ALLOW_ALL),
    ):
        if not (root / "policies" / name).exists():
            write_policy(root, name, doc)
    settings = make_settings(root, **overrides)
    catalog = default_catalog()
    return World(settings, catalog, PolicyStore(settings), LocalBackend(catalog, settings))
