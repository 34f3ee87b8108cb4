"""The harness's command-line options and markers, declared in this one place.

:func:`add_options` declares them (the plugin's ``pytest_addoption``), :meth:`Options.of` reads
them back typed, :func:`check` refuses combinations that cannot run honestly,
:func:`check_outputs` refuses output files that could not be written (before any scenario runs,
not after the whole run) and :func:`add_markers` declares the ``live`` marker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from iamspec.files import output_file_problem
from iamspec.harness.backends import BACKENDS
from iamspec.terminal import printable

__all__ = [
    "DEFAULT_CLAIM_TIMEOUT",
    "GROUP",
    "Options",
    "add_markers",
    "add_options",
    "check",
    "check_outputs",
]

DEFAULT_CLAIM_TIMEOUT = 30.0
"""Seconds one solver call of a universal claim may take unless ``--iam-claim-timeout`` says."""

GROUP = "iamspec"
"""The name of the harness's group of options in ``pytest --help``."""


def add_options(parser: pytest.Parser) -> None:
    """Declare every harness option."""
    group = parser.getgroup(GROUP, "iamspec: executable IAM specifications")
    group.addoption(
        "--iam-backend",
        choices=sorted(BACKENDS),
        default="local",
        help="who answers the scenarios' requests: local (default, offline engine), moto "
        "(moto IAM with iamspec.moto), live (AWS IAM policy simulator)",
    )
    group.addoption(
        "--iam-results",
        metavar="FILE",
        default=None,
        help="write every scenario, step and request of the run to FILE (JSON)",
    )
    group.addoption(
        "--compare-local",
        action="store_true",
        default=False,
        help="moto/live: ask the local evaluator too; a disagreement (drift) fails its scenario "
        "unless the scenario declares a known difference; writes the drift report",
    )
    group.addoption(
        "--drift-report",
        metavar="FILE",
        default="iamspec-drift.json",
        help="where --compare-local writes the drift report (JSON; default iamspec-drift.json)",
    )
    group.addoption(
        "--iam-max-calls",
        metavar="N",
        type=int,
        default=5000,
        help="moto/live: the most Simulate* calls the run may make (default 5000; 0: no cap); "
        "reaching it fails the scenario and stops the run",
    )
    group.addoption(
        "--iam-retry-mode",
        choices=("standard", "adaptive"),
        default="standard",
        help="moto/live: botocore's retry mode for throttling (default standard)",
    )
    group.addoption(
        "--iam-max-attempts",
        metavar="N",
        type=int,
        default=8,
        help="moto/live: attempts per API request, the first included (default 8)",
    )
    group.addoption(
        "--iam-claim-timeout",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_CLAIM_TIMEOUT,
        help="give up on one solver call of a universal claim after this long: the claim is "
        "then unknown and its scenario fails, never passes (default 30)",
    )


def add_markers(config: pytest.Config) -> None:
    """Declare the ``live`` marker (``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        "live: the scenario names principals deployed in the AWS account; it runs only with "
        "--iam-backend=live and is deselected otherwise",
    )


@dataclass(frozen=True)
class Options:
    """The harness's options as given (see :func:`add_options` for their meaning)."""

    backend: str
    results: str | None
    compare_local: bool
    drift_report: str
    max_calls: int
    retry_mode: str
    max_attempts: int
    claim_timeout: float = DEFAULT_CLAIM_TIMEOUT

    @classmethod
    def of(cls, config: pytest.Config) -> Options:
        """Read the options of this pytest run."""
        return cls(
            backend=config.getoption("iam_backend"),
            results=config.getoption("iam_results"),
            compare_local=config.getoption("compare_local"),
            drift_report=config.getoption("drift_report"),
            max_calls=config.getoption("iam_max_calls"),
            retry_mode=config.getoption("iam_retry_mode"),
            max_attempts=config.getoption("iam_max_attempts"),
            claim_timeout=config.getoption("iam_claim_timeout"),
        )


def check(options: Options) -> None:
    """Raise pytest.UsageError for options that contradict each other or are out of range."""
    if options.compare_local and options.backend == "local":
        raise pytest.UsageError(
            "iamspec: --compare-local compares an API backend with the local evaluator; "
            "choose --iam-backend=live (or moto)"
        )
    if options.max_calls < 0:
        raise pytest.UsageError("iamspec: --iam-max-calls must be 0 (no cap) or more")
    if options.max_attempts < 1:
        raise pytest.UsageError("iamspec: --iam-max-attempts must be at least 1")
    if not math.isfinite(options.claim_timeout) or options.claim_timeout <= 0:
        raise pytest.UsageError("iamspec: --iam-claim-timeout must be a positive number of seconds")


def check_outputs(options: Options, base: Path) -> None:
    """Raise pytest.UsageError for an output file that cannot be written safely.

    ``--iam-results`` and (with ``--compare-local``) ``--drift-report``, relative to ``base``
    (the directory pytest was started in): a directory, a symbolic link (iamspec never writes
    through one), a device, or a path whose folder cannot be created or written.
    """
    outputs = [("--iam-results", options.results)]
    if options.compare_local:
        outputs.append(("--drift-report", options.drift_report))
    for option, value in outputs:
        if not value:
            continue
        problem = output_file_problem(base / value)
        if problem is not None:
            raise pytest.UsageError(
                printable(f"iamspec: {option} {value}: {problem} (nothing was run)")
            )
