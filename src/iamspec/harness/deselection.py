"""Scenarios a run collects and does not run: which, why, and their records.

pytest leaves items out through its ``pytest_deselected`` hook: ``-k`` and ``-m`` (pytest's
mark plugin), ``--deselect`` (pytest itself) and iamspec's ``@live`` deselection
(:mod:`~iamspec.harness.live_scenarios`, which names its reason first: :func:`expect`). They
are part of the specification, so when the run keeps records each deselected scenario is
recorded (:func:`record`) with its steps and why
(:class:`~iamspec.records.results.DeselectedScenarioRecord`); the living documentation shows
them as not run in this run, never as passed.

Why, for items deselected by pytest: an item whose node id starts with a ``--deselect``
prefix was deselected by it; otherwise ``-k`` and ``-m`` are evaluated on the item as pytest
evaluates them (through pytest's own expression and matchers, which are not public API:
should they change, the reason names both options instead of guessing one). Anything else
was deselected by another option or plugin (``--lf``, for one), and says so.

With pytest-xdist every worker collects, and deselects, every scenario: each sends its list
(:data:`_OUTPUT`) and the controller keeps one record per node id (:func:`worker_done`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from iamspec.harness import xdist
from iamspec.harness.recording import deselected_record
from iamspec.harness.session import find_session, keep_records
from iamspec.records.results import DeselectedScenarioRecord, RunRecord

__all__ = ["expect", "record", "worker_done"]

_REASONS = pytest.StashKey[dict[str, tuple[str, str]]]()
"""node id -> (cause, reason), named by iamspec's own deselection before it deselects."""
_RECORDS = pytest.StashKey[dict[str, DeselectedScenarioRecord]]()
"""This process's deselected scenarios, by node id."""
_OUTPUT = "iamspec_deselected_scenarios"
"""The ``workeroutput`` key of a worker's records (JSON)."""


def expect(config: pytest.Config, items: Sequence[pytest.Item], cause: str, reason: str) -> None:
    """Name why ``items`` are about to be deselected (before ``pytest_deselected`` runs)."""
    reasons = config.stash.setdefault(_REASONS, {})
    for item in items:
        reasons[item.nodeid] = (cause, reason)


def _matches(expression: str, item: pytest.Item, option: str) -> bool | None:
    """Whether pytest's ``-k`` (``option`` keyword) or ``-m`` (mark) expression selects
    ``item``; None when pytest's (private) matchers are not there to ask."""
    try:
        from _pytest.mark import KeywordMatcher, MarkMatcher
        from _pytest.mark.expression import Expression

        compiled = Expression.compile(expression)
        if option == "keyword":
            return bool(compiled.evaluate(KeywordMatcher.from_item(item)))
        return bool(compiled.evaluate(MarkMatcher.from_markers(item.iter_markers())))
    except (ImportError, AttributeError, TypeError, ValueError, SyntaxError):
        return None


def _why(config: pytest.Config, item: pytest.Item) -> tuple[str, str]:
    """(cause, reason) of an item pytest or a plugin deselected."""
    prefixes = [str(p) for p in config.getoption("deselect", None) or ()]
    for prefix in prefixes:
        if item.nodeid.startswith(prefix):
            return "deselect", f"deselected by --deselect {prefix}"
    keyword = str(config.getoption("keyword", "") or "").strip()
    mark = str(config.getoption("markexpr", "") or "").strip()
    by_keyword = _matches(keyword, item, "keyword") if keyword else True
    by_mark = _matches(mark, item, "mark") if mark else True
    if by_keyword is False:
        return "keyword", f"not selected by -k {keyword!r}"
    if by_mark is False:
        return "mark", f"not selected by -m {mark!r}"
    if by_keyword is None or by_mark is None:
        options = " or ".join(
            text
            for text in (f"-k {keyword!r}" if keyword else "", f"-m {mark!r}" if mark else "")
            if text
        )
        return "other", f"not selected by {options}"
    return "other", "deselected by a pytest option or plugin other than -k, -m and --deselect"


def record(items: Sequence[pytest.Item]) -> None:
    """Record the scenarios among ``items`` (``pytest_deselected``) when the run keeps records."""
    if not items:
        return
    config = items[0].config
    state = find_session(config)
    if state is None or not state.collecting:
        return
    reasons = config.stash.get(_REASONS, {})
    kept = config.stash.setdefault(_RECORDS, {})
    new: list[DeselectedScenarioRecord] = []
    for item in items:
        if item.nodeid in kept:
            continue
        cause, reason = reasons.get(item.nodeid) or _why(config, item)
        found = deselected_record(item, cause, reason)
        if found is not None:
            kept[item.nodeid] = found
            new.append(found)
    if xdist.is_worker(config):
        payload = json.dumps([r.to_dict() for r in kept.values()])
        xdist.to_controller(config, _OUTPUT, payload)
        return
    collector = keep_records(config)
    if collector is not None:
        _add(collector.run, new)


def _add(run: RunRecord, records: Sequence[DeselectedScenarioRecord]) -> None:
    known = {r.nodeid for r in run.deselected}
    for found in records:
        if found.nodeid not in known:
            known.add(found.nodeid)
            run.deselected.append(found)


def worker_done(node: Any) -> None:
    """xdist controller: keep the records a worker sent (every worker sends the same ones)."""
    state = find_session(node.config)
    if state is None or not state.collecting:
        return
    payload = xdist.from_worker(node, _OUTPUT, None)
    if not payload:
        return
    collector = keep_records(node.config)
    if collector is not None:
        records = [DeselectedScenarioRecord.from_dict(d) for d in json.loads(str(payload))]
        _add(collector.run, records)
