"""The exceptions iamspec raises: bad input, never a decision.

A denied request is a result (see :class:`iamspec.engine.evaluator.Decision`), not an
exception. Exceptions are for input that cannot be evaluated honestly::

    IamSpecError
    ├── PolicyParseError          policy text is not valid JSON or not valid IAM grammar
    │                              (source, line, column)
    ├── CatalogError              a name the IAM service reference does not know
    │   ├── UnknownServiceError   (prefix, suggestions)
    │   ├── UnknownActionError    (action, suggestions)
    │   └── UnknownContextKeyError(key, suggestions)
    ├── SimulationInputError      a request that cannot be built or evaluated
    │   └── MalformedArnError     (arn, reason)
    └── SimulatorAPIError         an AWS-coded error of the Simulate* API (code, message, status)
        ├── InvalidInputError     InvalidInput, HTTP 400
        ├── ValidationError       ValidationError, HTTP 400 (a length or range of the model)
        ├── NoSuchEntityError     NoSuchEntity, HTTP 404
        └── PolicyEvaluationError PolicyEvaluation, HTTP 500

Every exception carries the objects needed to explain it, so callers render messages
without parsing text.
"""

from __future__ import annotations

from collections.abc import Sequence

from iamspec.suggest import did_you_mean


class IamSpecError(Exception):
    """Base class of every error iamspec raises on purpose."""


class PolicyParseError(IamSpecError):
    """A policy document that IAM would reject, with the place of the first defect.

    ``source`` names the document: a file path, ``PolicyInputList.3``, or similar.
    ``line`` and ``column`` are 1-based and count characters of the text as given.
    """

    def __init__(self, source: str, line: int, column: int, reason: str) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.reason = reason
        super().__init__(f"{source}:{line}:{column}: {reason}")


class CatalogError(IamSpecError):
    """A name that the IAM service reference does not contain."""

    def __init__(self, name: str, suggestions: Sequence[str], what: str) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        super().__init__(f"unknown {what} {name!r}{did_you_mean(self.suggestions)}")


class UnknownServiceError(CatalogError):
    """The service prefix of an action is not an IAM service prefix."""

    def __init__(self, prefix: str, suggestions: Sequence[str] = ()) -> None:
        self.prefix = prefix
        super().__init__(prefix, suggestions, "service prefix")


class UnknownActionError(CatalogError):
    """The action (or no action at all, for a wildcard) exists in the named service."""

    def __init__(self, action: str, suggestions: Sequence[str] = ()) -> None:
        self.action = action
        super().__init__(action, suggestions, "IAM action")


class UnknownContextKeyError(CatalogError):
    """A condition context key that neither AWS's global keys nor the service define."""

    def __init__(self, key: str, suggestions: Sequence[str] = ()) -> None:
        self.key = key
        super().__init__(key, suggestions, "condition context key")


class SimulationInputError(IamSpecError):
    """A request that cannot be evaluated as given (bad context value, bad type, ...)."""


class MalformedArnError(SimulationInputError):
    """A resource ARN that is not of the form arn:partition:service:region:account:resource."""

    def __init__(self, arn: str, reason: str) -> None:
        self.arn = arn
        self.reason = reason
        super().__init__(f"malformed ARN {arn!r}: {reason}")


class SimulatorAPIError(IamSpecError):
    """An error of the IAM Simulate* API, with AWS's error code and HTTP status.

    ``code`` is one of the codes botocore's IAM model lists for the simulate calls.
    """

    code: str = "ServiceFailure"
    http_status: int = 500

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"{self.code}: {message}")


class InvalidInputError(SimulatorAPIError):
    """AWS ``InvalidInput``: a parameter is invalid, including a policy that does not parse."""

    code = "InvalidInput"
    http_status = 400


class ValidationError(SimulatorAPIError):
    """AWS ``ValidationError``: a value breaks a constraint of the API model (a length, a range).

    Not in the Simulate* operations' error lists, but what AWS answers for these (observed:
    "1 validation error detected: Value '...' at 'actionNames' failed to satisfy constraint:
    Member must satisfy constraint: [Member must have length less than or equal to 128, ...]",
    cloud-custodian/cloud-custodian#4769). The message follows that form.
    """

    code = "ValidationError"
    http_status = 400

    def __init__(self, field: str, value: object, constraint: str) -> None:
        shown = str(value)
        if len(shown) > 80:
            shown = shown[:40] + "..." + shown[-20:]
        super().__init__(
            f"1 validation error detected: Value '{shown}' at '{field}' failed to satisfy "
            f"constraint: {constraint}"
        )


class NoSuchEntityError(SimulatorAPIError):
    """AWS ``NoSuchEntity``: the PolicySourceArn names no existing user, group or role."""

    code = "NoSuchEntity"
    http_status = 404


class PolicyEvaluationError(SimulatorAPIError):
    """AWS ``PolicyEvaluation``: a policy parsed but could not be evaluated."""

    code = "PolicyEvaluation"
    http_status = 500
