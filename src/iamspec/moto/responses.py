"""The patch: four actions added to moto's ``IamResponse``, answered by iamspec's engine.

moto has no extension point for adding actions to a service, so this is a monkeypatch, kept
to one class and reversible. ``IamResponse.call_action`` dispatches an action to the method
named ``camelcase_to_underscores(action)`` if the class has one (it looks them up with
``inspect.getmembers`` on every request), so setting these methods on the class serves
``mock_aws()`` and moto's server alike. Results go back as ``ActionResult(dict)``, which
moto serialises with botocore's IAM output shape; iamspec's ``SimulatorAPIError`` becomes a
moto ``ServiceException`` with the same code, whose HTTP status moto takes from botocore's
IAM error shapes (InvalidInput 400, NoSuchEntity 404, PolicyEvaluation 500). Any other
exception (a bug, RecursionError, MemoryError) is answered as ``PolicyEvaluation`` 500, AWS's
"a provided policy could not be successfully evaluated", in the same XML: moto would answer it
with an HTML 500 page that boto3 cannot parse.

Needs moto >= 5.1.2, the first release with ``ActionResult`` and ``ServiceException``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from iamspec.arns import parse_iam_arn
from iamspec.errors import (
    IamSpecError,
    InvalidInputError,
    PolicyEvaluationError,
    SimulatorAPIError,
)
from iamspec.moto.reader import MotoPolicyReader
from iamspec.simulate.context_keys import (
    get_context_keys_for_custom_policy,
    get_context_keys_for_principal_policy_with,
)
from iamspec.simulate.custom import simulate_custom_policy
from iamspec.simulate.principal import simulate_principal_policy_with

try:
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult
    from moto.core.utils import get_service_model
    from moto.iam.responses import IamResponse
except ImportError as err:  # pragma: no cover - depends on the installed moto
    raise ImportError(
        "iamspec.moto needs moto[server]>=5.1.2 (ActionResult and ServiceException)"
    ) from err

__all__ = ["disable", "enable", "is_enabled"]

_MISSING = object()
_ORIGINALS: dict[str, Any] = {}


class SimulatorServiceError(ServiceException):
    """An iamspec SimulatorAPIError as moto serialises errors: AWS code, message, status.

    Defined here rather than reusing ``moto.iam.exceptions``: those are HTTP exceptions with
    moto's own templates before moto 5.1.9, ServiceExceptions after.
    """

    def __init__(self, error: SimulatorAPIError) -> None:
        super().__init__(_error_shape_name(error.code), error.message)


@functools.cache
def _error_shape_name(code: str) -> str:
    """The IAM model's shape for an error code, e.g. ``NoSuchEntityException``.

    Recent moto finds an error shape by code or by name; 5.1.2 only by name, and without
    the shape it answers HTTP 400 whatever the code. The shape's own code is
    what goes on the wire.
    """
    for shape in get_service_model("iam").error_shapes:
        if shape.error_code == code:
            return str(shape.name)
    return code


@functools.cache
def _input_shape(operation: str) -> Any:
    return get_service_model("iam").operation_model(operation).input_shape


def _typed(shape: Any, value: Any) -> Any:
    """Give a parameter the type boto3 sent it with.

    moto parses IAM requests with botocore's model (by 5.1.15); older releases hand
    back query-string text (``MaxItems`` as ``"5"``, an empty list as ``""``, structure
    members sorted by name).
    """
    kind = shape.type_name
    if kind == "list":
        if value == "":
            return []
        return [_typed(shape.member, v) for v in value] if isinstance(value, list) else value
    if kind == "structure" and isinstance(value, dict):
        # In the model's member order, as botocore builds it, whatever order moto parsed.
        members = shape.members
        typed = {k: _typed(members[k], value[k]) for k in members if k in value}
        return typed | {k: v for k, v in value.items() if k not in members}
    if kind in ("integer", "long") and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _params(response: Any, operation: str, func: Callable[..., Any]) -> dict[str, Any]:
    """The request's parameters as boto3 keyword arguments.

    A parameter botocore's model has but iamspec's function does not take (say, a member
    a newer botocore adds) is refused: silently dropping it could change the answer.
    """
    shape = _input_shape(operation)
    raw = response._get_params()
    params = {n: _typed(shape.members[n], raw[n]) for n in shape.members if n in raw}
    accepted = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values()):
        return params
    for name in params:
        if name not in accepted:
            raise InvalidInputError(f"{name} is not supported by iamspec's simulator")
    return params


def _check_account(response: Any, params: dict[str, Any]) -> None:
    """PolicySourceArn must be in the caller's account, as IAM insists."""
    source = params.get("PolicySourceArn")
    arn = parse_iam_arn(source) if isinstance(source, str) else None
    if arn is not None and arn.account != response.current_account:
        raise InvalidInputError(
            f"Invalid Policy Source Arn: caller's account {response.current_account} does "
            f"not have access to policies in account {arn.account}"
        )


def _answer(response: Any, operation: str, func: Callable[..., Any], principal: bool) -> Any:
    """Run one iamspec call for a moto request and wrap its answer or error for moto."""
    try:
        params = _params(response, operation, func)
        if principal:
            _check_account(response, params)
            result = func(MotoPolicyReader(response.backend), **params)
        else:
            result = func(**params)
    except SimulatorAPIError as error:
        raise SimulatorServiceError(error) from error
    except IamSpecError as error:
        # errors.py: every IamSpecError is input that cannot be evaluated.
        raise SimulatorServiceError(InvalidInputError(str(error))) from error
    except ServiceException:
        raise
    except Exception as error:  # any failure must still be an AWS-shaped error
        failure = PolicyEvaluationError(
            f"iamspec could not evaluate the request: {type(error).__name__} "
            "(a defect of iamspec's simulator, not of the request)"
        )
        raise SimulatorServiceError(failure) from error
    return ActionResult(result)


def _simulate_custom_policy(self: Any) -> Any:
    return _answer(self, "SimulateCustomPolicy", simulate_custom_policy, principal=False)


def _simulate_principal_policy(self: Any) -> Any:
    return _answer(self, "SimulatePrincipalPolicy", simulate_principal_policy_with, principal=True)


def _get_context_keys_for_custom_policy(self: Any) -> Any:
    return _answer(
        self,
        "GetContextKeysForCustomPolicy",
        get_context_keys_for_custom_policy,
        principal=False,
    )


def _get_context_keys_for_principal_policy(self: Any) -> Any:
    return _answer(
        self,
        "GetContextKeysForPrincipalPolicy",
        get_context_keys_for_principal_policy_with,
        principal=True,
    )


_METHODS: dict[str, Callable[[Any], Any]] = {
    "simulate_custom_policy": _simulate_custom_policy,
    "simulate_principal_policy": _simulate_principal_policy,
    "get_context_keys_for_custom_policy": _get_context_keys_for_custom_policy,
    "get_context_keys_for_principal_policy": _get_context_keys_for_principal_policy,
}


def enable() -> None:
    """Make moto's IAM answer the four calls through iamspec. Idempotent."""
    for name, method in _METHODS.items():
        current = IamResponse.__dict__.get(name, _MISSING)
        if current is method:
            continue
        _ORIGINALS.setdefault(name, current)
        setattr(IamResponse, name, method)


def disable() -> None:
    """Put back whatever moto had before :func:`enable` (for tests)."""
    for name, original in _ORIGINALS.items():
        if original is _MISSING:
            if name in IamResponse.__dict__:
                delattr(IamResponse, name)
        else:
            setattr(IamResponse, name, original)
    _ORIGINALS.clear()


def is_enabled() -> bool:
    """Whether moto's IAM currently answers through iamspec."""
    return all(IamResponse.__dict__.get(n) is m for n, m in _METHODS.items())
