"""Reading the pages a site wrote: HTML parsed for ids, links and sources, fragments
normalised for comparison, and golden files (``IAMSPEC_UPDATE_GOLDEN=1`` rewrites them)."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("IAMSPEC_UPDATE_GOLDEN") == "1"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Page(HTMLParser):
    """Collects ids, links, stylesheet/script/img sources and element classes."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self.tags: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        self.elements.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        for key in ("src", "href"):
            if tag in ("link", "script", "img", "iframe") and key in attributes:
                self.sources.append(attributes[key])


def parse(path: Path) -> Page:
    page = Page()
    page.feed(read(path))
    return page


def normalise(fragment: str) -> str:
    """Whitespace between tags removed, runs of whitespace collapsed: robust comparisons."""
    fragment = re.sub(r">\s+<", "><", fragment.strip())
    return re.sub(r"\s+", " ", fragment)


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path} was missing and has been written; check it in")
    assert actual == read(path).rstrip("\n"), f"differs from {path} (IAMSPEC_UPDATE_GOLDEN=1)"
