"""Date operators: DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals,
DateGreaterThan, DateGreaterThanEquals.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
and the W3C profile of ISO 8601 it cites (https://www.w3.org/TR/NOTE-datetime).

Accepted forms: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-MM-DDThh:mmTZD``,
``YYYY-MM-DDThh:mm:ssTZD``, ``YYYY-MM-DDThh:mm:ss.sTZD`` (any number of fraction digits), with
``TZD`` = ``Z`` or ``+hh:mm``/``-hh:mm``; or epoch seconds (an integer or decimal string).
Values are compared as instants, held as exact :class:`~decimal.Decimal` seconds since
1970-01-01T00:00:00Z.

Inferences [INF]:

- The date-only forms (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) carry no zone and mean the
  first instant of that period in UTC.
- A string of exactly four digits is a ``YYYY`` year, not epoch second 2024; any other digit
  string is epoch seconds. (iam-simulate reads every integer as epoch seconds.)
- ``T``, ``Z`` must be upper-case, as W3C writes them.

Policy variables are not supported.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from iamspec.engine.variables import Piece

_W3C = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2})"
    r"(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<tzd>Z|[+-]\d{2}:\d{2}))?)?)?\Z"
)
_EPOCH = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_NOT_A_DATE = "is not a date (W3C ISO 8601 such as 2024-01-31T12:00:00Z, or epoch seconds)"


def parse_instant(text: str) -> Decimal:
    """Seconds since the epoch for a W3C date-time or an epoch-seconds string."""
    m = _W3C.match(text)
    if m is not None:
        return _w3c_instant(m)
    if _EPOCH.match(text) is not None:
        return Decimal(text)
    raise ValueError(_NOT_A_DATE)


def _w3c_instant(m: re.Match[str]) -> Decimal:
    g = m.group
    try:
        moment = datetime(
            int(g("year")),
            int(g("month") or 1),
            int(g("day") or 1),
            int(g("hour") or 0),
            int(g("minute") or 0),
            int(g("second") or 0),
        )
    except ValueError:
        raise ValueError(_NOT_A_DATE) from None
    seconds = Decimal(calendar.timegm(moment.timetuple()))
    if g("fraction"):
        seconds += Decimal("0." + g("fraction"))
    tzd = g("tzd")
    if tzd and tzd != "Z":
        hours, minutes = int(tzd[1:3]), int(tzd[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError(_NOT_A_DATE)
        offset = hours * 3600 + minutes * 60
        seconds -= offset if tzd[0] == "+" else -offset
    return seconds


def parse_value(pieces: tuple[Piece, ...]) -> Decimal:
    return parse_instant("".join(piece.text for piece in pieces))


@lru_cache(maxsize=4096)
def parse_request(value: str) -> Decimal:
    return parse_instant(value)


def equals(policy: Decimal, request: Decimal) -> bool:
    return request == policy


def before(policy: Decimal, request: Decimal) -> bool:
    return request < policy


def at_or_before(policy: Decimal, request: Decimal) -> bool:
    return request <= policy


def after(policy: Decimal, request: Decimal) -> bool:
    return request > policy


def at_or_after(policy: Decimal, request: Decimal) -> bool:
    return request >= policy
