"""Helpers shared by the linter tests: policy builders over the real catalog."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "policies" / "published"


def stmt(
    action: str | list[str] | None = "connect:DescribeUser",
    resource: str | list[str] | None = "*",
    effect: str = "Allow",
    **extra: Any,
) -> dict[str, Any]:
    """One statement; ``extra`` adds elements (``Condition=...``, ``NotAction=...``)."""
    body: dict[str, Any] = {"Effect": effect}
    if action is not None:
        body["Action"] = action
    if resource is not None:
        body["Resource"] = resource
    body.update(extra)
    return body


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    """A policy text, pretty-printed (so positions have several lines)."""
    body: dict[str, Any] = {}
    if version is not None:
        body["Version"] = version
    body["Statement"] = list(statements) or [stmt()]
    return json.dumps(body, indent=2)
