"""The one owner of the results format: the records of a run, its drift report, their schema.

Below the harness, the linter and the living docs (it needs no pytest): the harness writes
these records, ``iamspec docs`` and the living docs read them, and none of them defines the
format.

- :mod:`.results` — the dataclasses a results file holds (:class:`RunRecord` and its parts),
  :data:`SCHEMA_VERSION`, :func:`text_sha256`, :func:`timestamp`;
- ``results.schema.json`` — the format's one description (JSON Schema draft 2020-12);
- :mod:`.loading` — reading a results file, checked against that schema
  (:func:`load_results`, :class:`ResultsFileError`);
- :mod:`.drift` — the drift report built from a ``--compare-local`` run's records;
- :mod:`.state` — how the run that wrote an output ended (``python -m iamspec.records.state``,
  which the nightly workflow runs).
"""

from __future__ import annotations

from iamspec.records.drift import DriftReport, drift_report
from iamspec.records.loading import (
    ResultsFileError,
    load_results,
    results_schema,
    validate_results,
)
from iamspec.records.results import (
    RUN_STATES,
    SCHEMA_VERSION,
    CallRecord,
    DeselectedScenarioRecord,
    KnownDifferenceRecord,
    LintWarningRecord,
    PolicyRefRecord,
    PolicyTextRecord,
    PrincipalRecord,
    RequestRecord,
    ResourceRecord,
    RunRecord,
    ScenarioRecord,
    StepRecord,
    text_sha256,
    timestamp,
)

__all__ = [
    "RUN_STATES",
    "SCHEMA_VERSION",
    "CallRecord",
    "DeselectedScenarioRecord",
    "DriftReport",
    "KnownDifferenceRecord",
    "LintWarningRecord",
    "PolicyRefRecord",
    "PolicyTextRecord",
    "PrincipalRecord",
    "RequestRecord",
    "ResourceRecord",
    "ResultsFileError",
    "RunRecord",
    "ScenarioRecord",
    "StepRecord",
    "drift_report",
    "load_results",
    "results_schema",
    "text_sha256",
    "timestamp",
    "validate_results",
]
