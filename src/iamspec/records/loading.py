"""Reading a results file: JSON, checked against ``results.schema.json``, into a RunRecord.

The schema (JSON Schema draft 2020-12, shipped beside this module) is the one description of
what ``pytest --iam-results FILE`` writes (:mod:`iamspec.records.results`); :func:`load_results`
checks a file against it before anything renders it, so a truncated, hand-edited or
newer-format file stops with every problem named by file and JSON path
(``results.json: $.scenarios[3].calls[0].decision: 'allow' is not one of [...]``) instead of
failing later inside a template.

Raises :class:`ResultsFileError` (an :class:`~iamspec.errors.IamSpecError`) for every problem;
validation needs the ``jsonschema`` package, and its absence is reported the same way.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, cast

from iamspec.errors import IamSpecError
from iamspec.files import read_bounded
from iamspec.records.results import SCHEMA_VERSION, RunRecord

__all__ = [
    "MAX_PROBLEMS",
    "MAX_RESULTS_BYTES",
    "ResultsFileError",
    "load_results",
    "results_schema",
    "validate_results",
]

MAX_PROBLEMS = 20
"""At most this many schema violations are listed in one error."""

MAX_RESULTS_BYTES = 1 << 30
"""The largest results file read (1 GiB: a run of 100,000 scenarios with every request and
policy text stays well below it); a device such as ``/dev/zero`` is refused before reading."""


class ResultsFileError(IamSpecError):
    """A results file that cannot be read, is not JSON, or does not follow the schema.

    ``problems`` holds one ``"$.json.path: message"`` line per violation (JSON errors give
    ``line:column`` instead); the message starts with the file name.
    """

    def __init__(
        self,
        source: str,
        problems: Iterable[str],
        total: int | None = None,
        headline: str | None = None,
    ) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems) if total is None else total
        if headline is None:
            noun = "problem" if count == 1 else "problems"
            headline = f"not a valid iamspec results file ({count} {noun})"
        shown = "\n".join(f"  {p}" for p in self.problems)
        left = count - len(self.problems)
        more = f"\n  ... and {left} more" if left > 0 else ""
        super().__init__(f"{source}: {headline}:\n{shown}{more}")


@functools.cache
def results_schema() -> dict[str, Any]:
    """The results-file schema (parsed ``results.schema.json``)."""
    text = files("iamspec.records").joinpath("results.schema.json").read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


def _json_path(parts: Iterable[str | int]) -> str:
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier():
            path += f".{part}"
        else:
            path += f"[{json.dumps(part)}]"
    return path


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def validate_results(data: Any, source: str = "<results>") -> None:
    """Check parsed results-file data against the schema; raise ResultsFileError if it fails.

    A ``schema_version`` this reader does not know is reported on its own (the rest of the
    file would only produce noise).
    """
    try:
        from jsonschema import Draft202012Validator, FormatChecker
    except ImportError as err:  # pragma: no cover - jsonschema is in the test/bdd extras
        raise ResultsFileError(
            source,
            ["validating a results file needs the jsonschema package (pip install jsonschema)"],
            headline="cannot be checked",
        ) from err
    if isinstance(data, Mapping):
        version = data.get("schema_version")
        if isinstance(version, int) and not isinstance(version, bool) and version != SCHEMA_VERSION:
            newer = "a newer" if version > SCHEMA_VERSION else "an older"
            raise ResultsFileError(
                source,
                [
                    f"$.schema_version: {version} ({newer} iamspec wrote it); this reader "
                    f"understands schema_version {SCHEMA_VERSION}"
                ],
            )
    validator = Draft202012Validator(results_schema(), format_checker=FormatChecker())
    errors = sorted(
        validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    if errors:
        problems: list[str] = []
        missing: dict[str, list[str]] = {}
        for error in errors:
            path = _json_path(error.absolute_path)
            if error.validator == "required":
                names = [n for n in error.validator_value if n not in error.instance]
                if path not in missing:
                    missing[path] = []
                    problems.append(path)  # placeholder, filled below
                missing[path].extend(n for n in names if n not in missing[path])
            else:
                problems.append(f"{path}: {_message(error)}")
        problems = [
            f"{p}: missing {', '.join(missing[p])}" if p in missing else p for p in problems
        ]
        raise ResultsFileError(source, problems[:MAX_PROBLEMS], total=len(problems))


def _message(error: Any) -> str:
    """One line for a violation, with the offending value shortened."""
    kind, expected, value = error.validator, error.validator_value, _short(error.instance)
    if kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{value} is not of type {wanted}"
    if kind == "enum":
        return f"{value} is not one of " + ", ".join(map(_short, expected))
    if kind == "const":
        return f"{value} is not {_short(expected)}"
    message = str(error.message)
    return message if len(message) <= 200 else message[:197] + "..."


def _read(file: Path, source: str) -> str:
    """The file's text: a regular file of at most MAX_RESULTS_BYTES (checked before and while
    reading), UTF-8; a problem never quotes the file's bytes."""
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise ResultsFileError(source, ["no such file"], headline="cannot be read") from None
    except OSError as err:
        raise ResultsFileError(source, [str(err.strerror)], headline="cannot be read") from None
    if not stat.S_ISREG(info.st_mode):
        raise ResultsFileError(source, ["not a regular file"], headline="cannot be read")
    too_large = f"larger than {MAX_RESULTS_BYTES:,} bytes"
    if info.st_size > MAX_RESULTS_BYTES:
        raise ResultsFileError(source, [too_large], headline="cannot be read")
    try:
        with file.open("rb") as handle:
            data = read_bounded(handle, MAX_RESULTS_BYTES)
    except OSError as err:
        raise ResultsFileError(source, [str(err.strerror)], headline="cannot be read") from None
    if len(data) > MAX_RESULTS_BYTES:
        raise ResultsFileError(source, [too_large], headline="cannot be read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        problem = f"not UTF-8 (an invalid byte at offset {err.start})"
        raise ResultsFileError(source, [problem], headline="cannot be read") from None


def load_results(path: Path | str) -> RunRecord:
    """Read, check and load a results file.

    Raises ResultsFileError naming the file: unreadable, not a regular file, larger than
    :data:`MAX_RESULTS_BYTES`, not UTF-8 JSON (with line:column),
    an unknown ``schema_version``, or schema violations (each with its JSON path).
    """
    file = Path(path)
    source = str(path)
    text = _read(file, source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        problem = f"{err.lineno}:{err.colno}: {err.msg}"
        raise ResultsFileError(source, [problem], headline="not JSON") from None
    validate_results(data, source)
    return RunRecord.from_dict(data)
