"""Answers: what a backend said about each request, and what a When-step got back.

An :class:`Answer` is one (action, resource) decision with the simulator's
``MatchedStatements`` and ``MissingContextValues``, the permissions-boundary statements that
applied (which the simulator does not name), and an explanation. A :class:`CallResult`
puts the answers of one :class:`~iamspec.harness.requests.Call` together (most restrictive
decision over its resources, as the simulator aggregates); an :class:`Outcome` is what a
When-step passes to the Then-steps (its ``target_fixture``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from iamspec.engine.evaluator import Decision, most_restrictive
from iamspec.harness.requests import Call, SimRequest

__all__ = ["Answer", "CallResult", "Outcome", "PartResult"]


class _Explanation:
    """The ``explanation`` field of :class:`Answer`: text, or a function that renders it,
    called the first time the field is read (then the text is kept).

    A data descriptor serving as a dataclass field ("descriptor-typed fields" in the
    :mod:`dataclasses` documentation): the generated ``__init__`` stores through
    :meth:`__set__`, and ``__eq__``, ``__repr__`` and :func:`dataclasses.replace` read the
    rendered text through :meth:`__get__`. It has no default (``__get__`` on the class raises
    AttributeError).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    def __get__(self, instance: object, owner: type | None = None) -> str:
        if instance is None:
            raise AttributeError("explanation")  # no default value
        text: str | Callable[[], str] = instance.__dict__[self._slot]
        if not isinstance(text, str):
            text = text()
            instance.__dict__[self._slot] = text
        return text

    def __set__(self, instance: object, value: str | Callable[[], str]) -> None:
        instance.__dict__[self._slot] = value


@dataclass(frozen=True)
class Answer:
    """One backend's decision on one (action, resource) under one context.

    ``explanation`` is the engine's own trace for the local backend and a rendering of the
    API response for the others; it may be given as a function that renders it, called the
    first time it is read (most answers pass their check and are never explained).
    ``reference`` is the local evaluator's answer to the same request, kept by the API
    backends (moto, live) so that a failure shows both and any difference is reported as
    drift.

    ``boundary_statements`` are the statements of the caller's permissions boundary that
    applied to the request (Allow and Deny), shaped like ``MatchedStatements`` entries
    (``SourcePolicyId``, ``SourcePolicyType``, ``StartPosition``, ``EndPosition``). AWS's
    simulator never names them (only ``PermissionsBoundaryDecisionDetail``), yet policy
    coverage needs them to tell a boundary Allow that let requests through from dead weight.
    The local backend fills them from its traces (empty: none applied, or no boundary). The
    API backends copy them from their local reference answer (``--compare-local``), so there
    they come from the local evaluator, not from AWS; without a reference they are None: not
    known.
    """

    decision: Decision
    matched_statements: tuple[dict[str, Any], ...]
    missing_context_values: tuple[str, ...]
    explanation: _Explanation = _Explanation()
    backend: str  # type: ignore[misc]  # explanation has no default (see _Explanation)
    reference: Answer | None = None
    boundary_statements: tuple[dict[str, Any], ...] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """The fields for pickling, the explanation rendered (a function may not pickle)."""
        state = dict(self.__dict__)
        state["_explanation"] = self.explanation
        return state

    @property
    def drift(self) -> bool:
        """True when the local evaluator decided otherwise."""
        return self.reference is not None and self.reference.decision is not self.decision


@dataclass(frozen=True, slots=True, weakref_slot=True)
class PartResult:
    """A request as sent, with its answer."""

    request: SimRequest
    answer: Answer


@dataclass(slots=True, weakref_slot=True)
class CallResult:
    """The answers to one call; ``expected``/``passed`` are set by the Then-step that checks it.

    ``step`` is ``features/x.feature:12`` of the step that asked, when known.
    """

    call: Call
    parts: tuple[PartResult, ...]
    backend: str
    step: str | None = None
    expected: str | None = None
    passed: bool | None = None
    asked_at: float = field(default=0.0)
    known_difference: str | None = None
    """The scenario's reason why AWS answers otherwise: a drift here does not fail it."""

    @property
    def drift(self) -> bool:
        """The backend and the local evaluator disagree on one of the call's requests."""
        return any(p.answer.drift for p in self.parts)

    @property
    def decision(self) -> Decision:
        """The most restrictive decision over the call's resources."""
        return most_restrictive([p.answer.decision for p in self.parts])


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Outcome:
    """What one When-step asked and got: one result per real action."""

    results: tuple[CallResult, ...]
    backend: str
    step: str | None = None
