"""The backends: one :class:`Backend` interface, three ways to decide a batch of requests.

=========  ==================================================================================
``local``  In process: :func:`iamspec.simulate.core.run` over the compiled policy files. The
           explanation is the engine's own trace
           (:meth:`~iamspec.engine.evaluator.Evaluation.explain`). Default.
``moto``   boto3's IAM client against moto with :func:`iamspec.moto.enable`: the scenario's
           principals are created in moto IAM (users, groups and memberships, roles, customer
           managed policies, permissions boundaries, tags) and asked through
           ``SimulatePrincipalPolicy``, paging on ``Marker``. Runs the live code path in CI.
``live``   boto3's IAM client against AWS (the standard credential chain; the endpoint may be
           set with ``AWS_ENDPOINT_URL_IAM``): ``SimulateCustomPolicy`` with the policy
           files' text, ``SimulatePrincipalPolicy`` for deployed principals. :meth:`Backend.start`
           fails the session at once without credentials, when AWS rejects them, or when the
           caller may not call the simulator — a nightly run must not turn green by skipping.
=========  ==================================================================================

Every backend receives the same :class:`~iamspec.harness.requests.Batch` — the same actions,
resources and ContextEntries — and returns one :class:`~iamspec.harness.outcome.Answer` per
(action, resource). The API backends send one call per (principal, context) group carrying
all of its actions and resources (:func:`~iamspec.harness.requests.plan` with ``cross``),
follow ``Marker`` paging, let botocore retry throttling (``standard`` or ``adaptive`` mode,
bounded attempts) and stop the run at a cap on calls (:class:`ApiOptions`), one
:class:`CallBudget` shared by every process of the run. With
``compare_local`` they also keep the local evaluator's answer to the same request
(``Answer.reference``), so a failure shows both traces and a difference is drift, and they
copy its ``boundary_statements`` (which boundary statements applied: the API never says, so
these come from the local evaluator; without ``compare_local`` they stay None, not known).
An API error is never a decision: it is a :class:`~iamspec.harness.errors.SimulatorError`
that names the call.
"""

from __future__ import annotations

from iamspec.catalog import Catalog
from iamspec.harness.backends.api import ApiOptions, CallBudget, IamApiBackend
from iamspec.harness.backends.base import Backend
from iamspec.harness.backends.live import LiveBackend
from iamspec.harness.backends.local import LocalBackend
from iamspec.harness.backends.moto_iam import MotoBackend
from iamspec.harness.errors import BackendUnavailableError
from iamspec.project.settings import Settings

__all__ = [
    "BACKENDS",
    "ApiOptions",
    "Backend",
    "CallBudget",
    "IamApiBackend",
    "LiveBackend",
    "LocalBackend",
    "MotoBackend",
    "make_backend",
]


BACKENDS: dict[str, type[Backend]] = {
    LocalBackend.name: LocalBackend,
    MotoBackend.name: MotoBackend,
    LiveBackend.name: LiveBackend,
}
"""``--iam-backend`` choices."""


def make_backend(
    name: str, catalog: Catalog, settings: Settings, options: ApiOptions | None = None
) -> Backend:
    """The backend called ``name``, not yet started (``options`` for moto and live)."""
    try:
        cls = BACKENDS[name]
    except KeyError:
        raise BackendUnavailableError(
            name, f"unknown backend; choose one of {', '.join(BACKENDS)}"
        ) from None
    if issubclass(cls, IamApiBackend):
        return cls(catalog, settings, options)
    return cls(catalog, settings)
