"""Field validators and converters shared by the entity classes.

Validators here look at one value only, so the JSON reader can run each of them on its own and
report every bad field of an object at once (see :mod:`cus_match.io.structure`). They raise
:class:`~cus_match.errors.FieldValueError` (or its ``TypeError`` sibling) with a problem code,
so the reader reports a coded problem.

>>> check_positive(None, None, -2)
Traceback (most recent call last):
...
cus_match.errors.FieldValueError: must be > 0, got -2
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from datetime import date, time
from typing import Any, TypeVar

from cus_match.clock import parse_date, parse_time
from cus_match.errors import FieldTypeError, FieldValueError
from cus_match.limits import YEAR_MAX, YEAR_MIN
from cus_match.problem_texts import ProblemCode

# The validators below are generic so that attrs' field() takes the field's own type
# (``float`` or ``float | None``) rather than the widest one they accept.
_Num = TypeVar("_Num", bound=float | None)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,127}", re.ASCII)


def shown(value: Any) -> Any:
    """``value`` itself when it is a number, else how Python shows it (``'x'``, ``[1]``).

    Problem arguments are plain values; a number stays a number so each language writes it in
    its own way (``-1.5`` / ``-1,5``).

    >>> shown(-1.5), shown("x"), shown(True)
    (-1.5, "'x'", 'True')
    """
    return value if isinstance(value, numbers.Real) and not isinstance(value, bool) \
        else repr(value)


def check_id(_inst: Any, attribute: Any, value: str) -> None:
    """An id is 1-128 characters: letters, digits and ``_ . : - /``, not starting with a symbol."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise FieldValueError(ProblemCode.INVALID_ID, value=repr(value))


def check_opt_id(inst: Any, attribute: Any, value: str | None) -> None:
    """A valid id, or ``None`` (the field is optional)."""
    if value is not None:
        check_id(inst, attribute, value)


def check_ids(inst: Any, attribute: Any, value: Iterable[str]) -> None:
    """Every element is a valid id."""
    for v in value:
        check_id(inst, attribute, v)


def check_positive(_inst: Any, attribute: Any, value: _Num) -> None:
    """A number greater than zero (``None`` passes: the field is optional)."""
    if value is not None and not value > 0:
        raise FieldValueError(ProblemCode.NOT_POSITIVE, value=shown(value))


def check_non_negative(_inst: Any, attribute: Any, value: _Num) -> None:
    """A number at least zero (``None`` passes)."""
    if value is not None and not value >= 0:
        raise FieldValueError(ProblemCode.NEGATIVE, value=shown(value))


def check_non_empty(_inst: Any, attribute: Any, value: Any) -> None:
    """A non-empty collection or string."""
    if len(value) == 0:
        raise FieldValueError(ProblemCode.EMPTY)


def to_float(value: float) -> float:
    """A finite number as ``float`` (so ``4`` and ``4.0`` are the same value and write alike)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldTypeError(ProblemCode.NOT_A_NUMBER, value=repr(value))
    try:
        out = float(value)
    except OverflowError:
        raise FieldValueError(ProblemCode.NUMBER_TOO_LARGE, value=repr(value)) from None
    if not math.isfinite(out):
        raise FieldValueError(ProblemCode.MUST_BE_FINITE, value=repr(value))
    return out


def to_opt_float(value: float | None) -> float | None:
    """Like :func:`to_float`, ``None`` allowed."""
    return None if value is None else to_float(value)


def to_time(value: time | str) -> time:
    """Accept a :class:`datetime.time` or an ``HH:MM`` string."""
    if isinstance(value, time):
        return value
    try:
        return parse_time(value)
    except ValueError:
        raise FieldValueError(ProblemCode.NOT_A_TIME, value=repr(value)) from None


def to_date(value: date | str) -> date:
    """Accept a :class:`datetime.date` or an ISO ``YYYY-MM-DD`` string, of a year in bounds.

    The years are :data:`cus_match.limits.YEAR_MIN` .. :data:`~cus_match.limits.YEAR_MAX`:
    a period ending in 9999 would expand to millions of days of visits.

    >>> to_date("9999-12-31")
    Traceback (most recent call last):
    ...
    cus_match.errors.FieldValueError: 9999-12-31 is outside the years 2000-2100
    """
    if isinstance(value, date):
        day = value
    else:
        try:
            day = parse_date(value)
        except ValueError:
            raise FieldValueError(ProblemCode.NOT_A_DATE, value=repr(value)) from None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise FieldValueError(ProblemCode.DATE_OUT_OF_RANGE, value=day.isoformat(),
                              low=str(YEAR_MIN), high=str(YEAR_MAX))
    return day


def to_opt_date(value: date | str | None) -> date | None:
    """Like :func:`to_date`, ``None`` allowed."""
    return None if value is None else to_date(value)


def to_frozenset(value: Iterable[Any]) -> frozenset[Any]:
    """Accept any iterable (but not a bare string, a classic typo for a one-element list)."""
    if isinstance(value, str):
        raise FieldTypeError(ProblemCode.STRING_FOR_SET, value=value)
    return frozenset(value)


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Accept any iterable (but not a bare string)."""
    if isinstance(value, str):
        raise FieldTypeError(ProblemCode.STRING_FOR_LIST, value=value)
    return tuple(value)
