"""The condition-operator layer: compile a condition clause once, evaluate it per request.

- :mod:`.registry`: the operator table and :func:`parse_operator`;
- one module per family: :mod:`.strings`, :mod:`.numeric`, :mod:`.dates`, :mod:`.boolean`,
  :mod:`.binary`, :mod:`.ip`, :mod:`.arn`, :mod:`.null`;
- :mod:`.clause`: :func:`compile_condition`, set qualifiers, ``IfExists``, missing keys,
  variables, and the explanation of every result.
"""

from iamspec.engine.conditions.clause import (
    CompiledCondition,
    CompiledValue,
    ConditionResult,
    compile_condition,
)
from iamspec.engine.conditions.registry import (
    OPERATORS,
    OperatorSpec,
    ParsedOperator,
    SetQualifier,
    parse_operator,
)

__all__ = [
    "OPERATORS",
    "CompiledCondition",
    "CompiledValue",
    "ConditionResult",
    "OperatorSpec",
    "ParsedOperator",
    "SetQualifier",
    "compile_condition",
    "parse_operator",
]
