"""Living documentation: the run's scenarios, policies and coverage as a website people read.

Auditors and contact-centre admins read it; nobody reads Python to learn who may update which
agent. Besides a page per feature and per policy, it answers the reviewer's questions across
features: every principal with what it was asked and the tags that decided each answer, the
same by action and by resource kind, the specification the run did not run (and why), and a
search page. Three ways in:

- ``pytest --living-docs DIR [--living-docs-format html|markdown]`` writes the site at the end
  of the run (:mod:`iamspec.livingdoc.plugin`), and ``--policy-coverage-fail-under N`` fails a
  run whose policy statements are less than N% exercised;
- ``iamspec docs --results FILE --out DIR`` renders a saved results file
  (``pytest --iam-results FILE``);
- programmatically::

      from iamspec.livingdoc import build_site, load_results, write_site

      site = build_site(load_results("results.json"), root=Path("."))
      write_site(site, Path("site"), "html")

Policies are shown as the run evaluated them: the results file records every policy text
(placeholders filled), and a file that has changed since the run, or is not there, is flagged on
its page rather than shown in place of what was evaluated. Results files written before texts
were recorded are rendered from the files on disk.

The living docs read the run's records (:mod:`iamspec.records`, which also owns reading and
checking a results file) and never the harness; only :mod:`.plugin`, the pytest side, asks the
harness to keep them.

Modules: :mod:`.site` (the view model and :func:`build_site`, its one entry point),
:mod:`.feature_builder` (records to feature views), :mod:`.features`, :mod:`.scenarios` and
:mod:`.calls` (the views of a feature, a scenario and a call), :mod:`.matrix` (a feature's access
matrix), :mod:`.not_run` (scenarios the run deselected, feature files it did not collect),
:mod:`.labels` (how decisions, statuses, dates read), :mod:`.policies` (policy texts
and statement blocks), :mod:`.deciding` (which statement decided a request),
:mod:`.decisive_tags` (which tags decided it), :mod:`.access` (who may do what: the requests by
principal, action and resource kind), :mod:`.guarantees` (where proven claims go),
:mod:`.search` (the search page's entries), :mod:`.coverage`
(policy coverage and untested grants), :mod:`.errata` (linter findings of the published
examples), :mod:`.drift` (where the backend and the local evaluator disagreed, for a
``--compare-local`` run), :mod:`.render` (templates to files), :mod:`.plugin` (the pytest
options).
"""

from __future__ import annotations

from iamspec.livingdoc.coverage import Coverage, compute_coverage, format_percent
from iamspec.livingdoc.render import FORMATS, write_site
from iamspec.livingdoc.site import Site, build_site
from iamspec.records.loading import (
    ResultsFileError,
    load_results,
    results_schema,
    validate_results,
)

__all__ = [
    "FORMATS",
    "Coverage",
    "ResultsFileError",
    "Site",
    "build_site",
    "compute_coverage",
    "format_percent",
    "load_results",
    "results_schema",
    "validate_results",
    "write_site",
]
