"""The errors of the BDD harness: a scenario or a backend that cannot be run honestly.

A scenario whose expectation is not met is a :class:`ScenarioFailure` (an ``AssertionError``,
so pytest counts it as a failed test). Everything else here is bad input or a backend that
cannot answer, raised before any decision is made, so that a typo can never pass as "denied"::

    IamSpecError                        (iamspec.errors)
    └── HarnessError
        ├── PolicyFileError             a policy file is missing or unreadable (path, suggestions)
        ├── PolicyLintError             the linter found errors in a policy a scenario loads
        │                               (path, diagnostics)
        ├── UnknownNameError            a principal, resource or kind the scenario never declared
        │                               (what, name, suggestions)
        ├── ScenarioInputError          a request that cannot be built as written
        │   └── TagKeyTypoError         a tag key one typo away from a key the policies read
        │                               (key, meant, where, policy)
        ├── UnknownDecisionError        a decision word that is not one of the four (word, choices)
        ├── BackendUnavailableError     the chosen backend cannot run (backend, reason)
        ├── SimulatorError              an IAM API call failed after botocore's retries
        │                               (backend, api, code, aws_message, retries)
        └── CallLimitError              the process's cap on Simulate* calls is reached (cap)
            └── RunCallLimitError       the run's shared cap is reached, every process counted
                                        (cap, made)

    AssertionError
    └── ScenarioFailure                 the answer differs from the expectation (the message is
                                        the explanation and the request as sent)

A project's settings and placeholders raise :class:`iamspec.project.errors.SettingsError` and
:class:`iamspec.project.errors.PlaceholderError` (their tree is in :mod:`iamspec.project.errors`).
Policy files that do not parse raise :class:`iamspec.errors.PolicyParseError` with the file's
path, line and column; unknown actions, service prefixes and context keys raise the catalog's
errors (with their "did you mean" suggestions); malformed ARNs raise
:class:`iamspec.errors.MalformedArnError`. The harness lets those through unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from iamspec.errors import IamSpecError
from iamspec.suggest import did_you_mean

__all__ = [
    "BackendUnavailableError",
    "CallLimitError",
    "HarnessError",
    "PolicyFileError",
    "PolicyLintError",
    "RunCallLimitError",
    "ScenarioFailure",
    "ScenarioInputError",
    "SimulatorError",
    "TagKeyTypoError",
    "UnknownDecisionError",
    "UnknownNameError",
]


def _did_you_mean(suggestions: Sequence[str]) -> str:
    return did_you_mean(suggestions, joined_by=" or ")


class HarnessError(IamSpecError):
    """Base of the harness's input errors."""


class PolicyFileError(HarnessError):
    """A policy file named by a scenario does not exist (or cannot be read)."""

    def __init__(self, path: str, reason: str, suggestions: Sequence[str] = ()) -> None:
        self.path = path
        self.reason = reason
        self.suggestions = tuple(suggestions)
        super().__init__(f"policy file {path!r}: {reason}{_did_you_mean(suggestions)}")


class PolicyLintError(HarnessError):
    """The linter found errors in a policy a scenario loads: it would grant nothing as meant.

    Every policy is linted on load (issue 7); an error stops the scenario with its diagnostics.
    """

    def __init__(self, path: str, diagnostics: Sequence[str]) -> None:
        self.path = path
        self.diagnostics = tuple(diagnostics)
        listed = "\n  ".join(self.diagnostics)
        super().__init__(f"policy file {path!r} has lint errors:\n  {listed}")


class UnknownNameError(HarnessError):
    """A name the scenario uses but never declared (a principal, a resource, a kind)."""

    def __init__(self, what: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.what = what
        self.name = name
        self.suggestions = tuple(suggestions)
        super().__init__(f"unknown {what} {name!r}{_did_you_mean(suggestions)}")


class ScenarioInputError(HarnessError):
    """A request or declaration that cannot be turned into an honest simulator question."""


class TagKeyTypoError(ScenarioInputError):
    """A tag key that differs only slightly from a tag key the principal's policies read.

    The rule is :func:`iamspec.suggest.is_typo`: the same key but for case, or a few edits
    away (one for keys up to 4 characters, two up to 9, three up to 14, one more every 5
    characters), a swap of two neighbouring letters counting one edit. ``where`` says which
    tags (``tag of the Connect user "jdoe"``, ``request tag``, ``principal tag of "alice"``);
    ``meant`` is the key the policies use.
    """

    def __init__(self, key: str, meant: str, where: str, policy: str) -> None:
        self.key = key
        self.meant = meant
        self.where = where
        self.policy = policy
        super().__init__(
            f"the tag key {key!r} ({where}) is not a key the policies read, but {policy} reads "
            f"{meant!r}; did you mean {meant!r}? (tag keys must be spelled exactly as in the "
            "policy, so that a typo cannot make a deny scenario pass)"
        )


class UnknownDecisionError(HarnessError):
    """A Then-step names a decision that is not one of the known words."""

    def __init__(self, word: str, choices: Sequence[str], suggestions: Sequence[str] = ()) -> None:
        self.word = word
        self.choices = tuple(choices)
        listed = ", ".join(repr(c) for c in choices)
        super().__init__(
            f"unknown decision {word!r}{_did_you_mean(suggestions)} (expected one of {listed})"
        )


class BackendUnavailableError(HarnessError):
    """The backend chosen with ``--iam-backend`` cannot run here."""

    def __init__(self, backend: str, reason: str) -> None:
        self.backend = backend
        self.reason = reason
        super().__init__(f"--iam-backend={backend}: {reason}")


class SimulatorError(HarnessError):
    """An IAM API call failed (after botocore's retries): never read as a decision."""

    def __init__(self, backend: str, api: str, code: str, message: str, retries: int) -> None:
        self.backend = backend
        self.api = api
        self.code = code
        self.aws_message = message
        self.retries = retries
        after = f" (after {retries} retries)" if retries else ""
        super().__init__(f"{backend}: {api} failed{after}: {code}: {message}")


class CallLimitError(HarnessError):
    """The run reached its cap on Simulate* calls (``--iam-max-calls``): the run stops."""

    def __init__(self, backend: str, cap: int, made: int) -> None:
        self.cap = cap
        super().__init__(
            f"{backend}: the cap of {cap} Simulate* calls for this run (this process) is "
            f"reached ({made} made); the run stops here instead of running up the bill. "
            "Raise it with --iam-max-calls N if the suite really needs more."
        )


class RunCallLimitError(CallLimitError):
    """The run's shared cap on Simulate* calls is reached: it counts every process of the run
    (the pytest-xdist controller and each worker) and their start-up checks."""

    def __init__(self, backend: str, cap: int, made: int) -> None:
        HarnessError.__init__(
            self,
            f"{backend}: the cap of {cap} Simulate* calls for this run is reached ({made} made "
            "by all its processes, start-up checks included); the run stops here instead of "
            "running up the bill. Raise it with --iam-max-calls N if the suite really needs "
            "more.",
        )
        self.cap = cap
        self.made = made


class ScenarioFailure(AssertionError):
    """A Then-step whose expected decision differs from the answer.

    The message is complete: expected and actual decision, the explanation, and every
    request as it was sent to the backend.
    """
