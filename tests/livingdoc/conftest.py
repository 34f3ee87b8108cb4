"""Fixtures shared by the living-docs tests: a module's ``site`` written as HTML and Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# pages.py's golden-file check explains a difference as a test's own assertion does
pytest.register_assert_rewrite("tests.livingdoc.pages")

from iamspec.livingdoc import write_site  # noqa: E402 - after register_assert_rewrite


@pytest.fixture
def html(site: Any, tmp_path: Path) -> Path:
    """The module's ``site`` fixture written as HTML to a temporary folder."""
    out = tmp_path / "site"
    write_site(site, out, "html")
    return out


@pytest.fixture
def markdown(site: Any, tmp_path: Path) -> Path:
    """The module's ``site`` fixture written as Markdown to a temporary folder."""
    out = tmp_path / "md"
    write_site(site, out, "markdown")
    return out
