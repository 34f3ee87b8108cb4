"""The specification a run did not run: deselected scenarios and feature files not collected.

A green run means "access is exactly as specified" only for what ran, so the site shows the
rest of the specification beside it, never counted as passed:

- scenarios the run deselected (``@live`` offline; ``-m``, ``-k``, ``--deselect``), from the
  run's records (:attr:`~iamspec.records.results.RunRecord.deselected`): with their steps and
  why, as :class:`NotRunGroup` s on their feature's page (a feature none of whose scenarios ran
  gets a page all the same);
- feature files that exist beside the features the run recorded and of which the run neither
  ran nor deselected a scenario (pytest given one feature file leaves the others out):
  :func:`uncollected_features` names them. Only the folders of the recorded feature files are
  searched (their top folder, ``features/``, recursively), inside the project root; a run that
  recorded no feature names none, since it asked for no feature at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from iamspec.livingdoc.labels import Label, status_label
from iamspec.records.results import DeselectedScenarioRecord

__all__ = [
    "MAX_FEATURE_FILES",
    "NotRunGroup",
    "NotRunScenario",
    "UncollectedFeature",
    "build_not_run",
    "reason_counts",
    "uncollected_features",
]

MAX_FEATURE_FILES = 5000
"""At most this many feature files are looked at when naming those not collected."""

_TITLE_BYTES = 64 * 1024
"""A feature file's title is looked for in its first 64 KiB."""


@dataclass(frozen=True)
class NotRunScenario:
    """One deselected scenario (one Examples row of an outline): its steps and why."""

    record: DeselectedScenarioRecord
    anchor: str
    title: str

    @property
    def status(self) -> Label:
        return status_label("not run")

    @property
    def reason(self) -> str:
        return self.record.reason

    @property
    def link(self) -> str:
        return f"#{self.anchor}"


@dataclass(frozen=True)
class NotRunGroup:
    """A deselected Scenario, or the deselected rows of a Scenario Outline."""

    title: str
    line: int
    anchor: str
    outline: bool
    columns: tuple[str, ...]
    rows: tuple[NotRunScenario, ...]

    @property
    def tabular(self) -> bool:
        return self.outline or len(self.rows) > 1

    @property
    def status(self) -> Label:
        return status_label("not run")

    @property
    def reasons(self) -> tuple[str, ...]:
        """The distinct reasons of its rows, in order."""
        return tuple(dict.fromkeys(row.reason for row in self.rows))


def build_not_run(records: Sequence[DeselectedScenarioRecord]) -> tuple[NotRunGroup, ...]:
    """One feature's deselected scenarios as groups, in line order (anchors ``nr-<line>``,
    ``nr-<line>-<n>`` for the rows of an outline: a scenario's line is unique in its file,
    and ``nr-`` keeps them apart from the rows of the same outline that ran, ``sc-...``)."""
    by_line: dict[int, list[DeselectedScenarioRecord]] = {}
    for record in records:  # an outline's rows share its line (titles may hold their values)
        by_line.setdefault(record.line, []).append(record)
    groups = []
    for line, rows in sorted(by_line.items()):
        outline = any(r.example for r in rows)
        anchor = f"nr-{line}"
        tabular = outline or len(rows) > 1
        views = tuple(
            NotRunScenario(
                r,
                f"{anchor}-{n}" if tabular else anchor,
                r.scenario + (" [" + ", ".join(r.example.values()) + "]" if r.example else ""),
            )
            for n, r in enumerate(rows, 1)
        )
        columns = tuple(dict.fromkeys(k for r in rows for k in r.example))
        groups.append(NotRunGroup(rows[0].scenario, line, anchor, outline, columns, views))
    return tuple(groups)


def reason_counts(rows: Iterable[NotRunScenario]) -> tuple[tuple[str, int], ...]:
    """(reason, scenarios) for ``rows``, most frequent first."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.reason] = counts.get(row.reason, 0) + 1
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True)
class UncollectedFeature:
    """A feature file beside the run's features of which no scenario was collected."""

    file: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.title} ({self.file})" if self.title else self.file


def _title(path: Path) -> str:
    """The text after the first ``Feature:`` line of the file's start ("" if none there)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_TITLE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""
    for line in head.splitlines():
        stripped = line.strip()
        if stripped.startswith("Feature:"):
            return stripped.removeprefix("Feature:").strip()[:200]
    return ""


def _folders(root: Path, files: Iterable[str]) -> list[Path]:
    """The top folders of the recorded feature files, inside ``root`` (others are ignored)."""
    found: dict[Path, None] = {}
    for file in files:
        parts = PurePosixPath(file).parts
        if len(parts) < 2 or parts[0] in ("..", "/") or PurePosixPath(file).is_absolute():
            continue
        found.setdefault(root / parts[0])
    return list(found)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def uncollected_features(root: Path, recorded: Iterable[str]) -> tuple[UncollectedFeature, ...]:
    """Feature files (``*.feature``) under the top folders of the ``recorded`` feature files
    (paths relative to ``root``) that are not among them, sorted; hidden folders and anything
    that resolves outside ``root`` are skipped, and at most :data:`MAX_FEATURE_FILES` files are
    looked at."""
    recorded = set(recorded)
    try:
        base = root.resolve()
    except OSError:
        return ()
    found: list[UncollectedFeature] = []
    seen = 0
    for folder in _folders(root, recorded):
        if not folder.is_dir() or not _inside(folder, base):
            continue
        for directory, subdirs, names in os.walk(folder):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(names):
                if not name.endswith(".feature"):
                    continue
                seen += 1
                if seen > MAX_FEATURE_FILES:
                    return tuple(sorted(found, key=lambda f: f.file))
                path = Path(directory) / name
                if not path.is_file() or not _inside(path, base):
                    continue
                relative = path.relative_to(root).as_posix()
                if relative not in recorded:
                    found.append(UncollectedFeature(relative, _title(path)))
    return tuple(sorted(found, key=lambda f: f.file))
