"""The living-documentation pytest plugin (entry point ``pytest11``: ``iamspec_livingdoc``).

Options:

- ``--living-docs DIR``: at the end of the run, write the site into DIR (relative to the
  directory pytest was started in);
- ``--living-docs-format html|markdown`` (default ``html``);
- ``--policy-coverage-fail-under N``: fail the run (exit status 1, with a message) when fewer
  than N percent of the statements of the policies the scenarios loaded decided a request.

With either of the first and last, a policy-coverage summary ends the terminal report.

Where the records come from. The harness (:mod:`iamspec.harness.plugin`) attaches each
scenario's record to its test report; its :class:`~iamspec.harness.reporting.ResultsCollector`
gathers them on the process that writes reports — with pytest-xdist, the controller, which
receives every worker's reports. The harness records only when asked, so this plugin asks
through :func:`~iamspec.harness.plugin.keep_records` (on workers too), which hands the
controller the ``--iam-results`` collector or one that writes no file. At session finish
(after the collectors) the controller builds the site from the RunRecord.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from iamspec.errors import IamSpecError
from iamspec.harness.plugin import keep_records
from iamspec.harness.reporting import ResultsCollector
from iamspec.livingdoc.coverage import Coverage, format_percent
from iamspec.livingdoc.errata import Errata
from iamspec.livingdoc.render import FORMATS, site_folder_problems, start_site, write_site
from iamspec.livingdoc.site import build_site
from iamspec.records.results import RunRecord
from iamspec.terminal import printable

__all__ = ["LivingDocs"]

_PLUGIN = "iamspec-livingdoc"
_LISTED = 10
"""The replaced files named in the summary (the rest are counted)."""


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage between 0 and 100")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("iamspec-livingdoc", "iamspec: living documentation")
    group.addoption(
        "--living-docs",
        metavar="DIR",
        default=None,
        help="write the living documentation (features, policies, coverage, errata) into DIR",
    )
    group.addoption(
        "--living-docs-format",
        choices=FORMATS,
        default="html",
        help="format of --living-docs: html (default; with style.css) or markdown",
    )
    group.addoption(
        "--policy-coverage-fail-under",
        metavar="N",
        type=_percent,
        default=None,
        help="fail the run when fewer than N%% of the loaded policies' statements decided a "
        "scenario request",
    )


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    out = config.getoption("living_docs")
    threshold = config.getoption("policy_coverage_fail_under")
    if out is None and threshold is None:
        return
    try:
        collector = keep_records(config)
    except pytest.UsageError as err:
        raise pytest.UsageError(
            f"--living-docs and --policy-coverage-fail-under need the harness: {err}"
        ) from err
    if collector is None:
        return  # an xdist worker: its reports go to the controller, which writes
    directory = Path(config.invocation_params.dir) / out if out is not None else None
    if directory is not None:
        problems = site_folder_problems(directory)
        if problems:
            raise pytest.UsageError(
                "iamspec: --living-docs cannot be written safely (nothing was run):\n  "
                + "\n  ".join(printable(p) for p in problems)
            )
    plugin = LivingDocs(
        config, collector, directory, config.getoption("living_docs_format"), threshold
    )
    config.pluginmanager.register(plugin, _PLUGIN)


class LivingDocs:
    """Builds the site and the coverage verdict at session finish; reports them."""

    def __init__(
        self,
        config: pytest.Config,
        collector: ResultsCollector,
        out: Path | None,
        fmt: str,
        threshold: float | None,
    ) -> None:
        self.config = config
        self.collector = collector
        self.out = out
        self.fmt = fmt
        self.threshold = threshold
        self.coverage: Coverage | None = None
        self.index: Path | None = None
        self.replaced: list[Path] = []
        self.earlier: list[Path] = []
        """The files of an earlier site removed when the run started."""
        self.problems: list[str] = []

    @property
    def run(self) -> RunRecord:
        return self.collector.run

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Before any scenario: remove the earlier site's pages and say the run is running."""
        if self.out is None:
            return
        try:
            self.earlier = start_site(self.out, self.fmt, self.run)
        except IamSpecError as err:
            raise pytest.UsageError(
                printable(f"iamspec: --living-docs cannot be written (nothing was run): {err}")
            ) from None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        root = Path(self.config.rootpath)
        errata = None if self.out is not None else Errata(False, "", reason="not rendered")
        try:
            site = build_site(self.run, root=root, errata=errata)
            self.coverage = site.coverage
            if self.out is not None:
                written = write_site(site, self.out, self.fmt)
                ours = self.out / f"index.{'html' if self.fmt == 'html' else 'md'}"
                again = {p for p in written.replaced if p != ours}  # not our running page
                self.replaced = sorted(set(self.earlier) | again)
                self.index = self.out / ("index.html" if self.fmt == "html" else "index.md")
        except Exception as err:  # any failure: the run's own summary and verdict must stand
            what = "living documentation" if self.out is not None else "policy coverage"
            self.problems.append(
                f"iamspec: the {what} was not written: {type(err).__name__}: {err}"
            )
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
            return
        if self.threshold is not None and self.coverage.below(self.threshold):
            self.problems.append(
                f"FAIL: policy coverage {format_percent(self.coverage.percent)} is below "
                f"--policy-coverage-fail-under={format_percent(self.threshold)} "
                f"({self.coverage.exercised} of {self.coverage.total} statements decided a "
                "scenario request)"
            )
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(
        self, terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
    ) -> None:
        tr = terminalreporter
        if self.coverage is not None:
            tr.write_sep("-", "iamspec policy coverage")
            for line in self.coverage.summary_lines():
                tr.write_line(printable(line))
        if self.index is not None:
            tr.write_line(printable(f"living documentation: {self.index}"))
            if self.replaced:
                shown = ", ".join(p.name for p in self.replaced[:_LISTED])
                more = len(self.replaced) - _LISTED
                tail = f" and {more} more" if more > 0 else ""
                tr.write_line(
                    printable(
                        f"  {len(self.replaced)} files of an earlier site replaced: {shown}{tail}"
                    )
                )
        for problem in self.problems:
            tr.write_line(printable(problem), red=True, bold=True)
