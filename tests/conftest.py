"""Rules shared by every test package.

A test that runs pytest itself (the ``pytester`` fixture: a project's run in process, in a
subprocess or under xdist) is marked ``slow`` here, so that no such test, present or future,
escapes ``pytest -m "not slow"``. Tests that are slow for other reasons (a server or a
subprocess, a browser, a long property run) carry the marker themselves.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "pytester" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
