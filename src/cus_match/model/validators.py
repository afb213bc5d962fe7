"""Field validators and converters shared by the entity classes.

Validators here look at one value only, so the JSON reader can run each of them on its own and
report every bad field of an object at once (see :mod:`cus_match.io.structure`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, time
from typing import Any, TypeVar

from cus_match.clock import parse_date, parse_time

# The validators below are generic so that attrs' field() takes the field's own type
# (``float`` or ``float | None``) rather than the widest one they accept.
_Num = TypeVar("_Num", bound=float | None)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,127}", re.ASCII)


def check_id(_inst: Any, attribute: Any, value: str) -> None:
    """An id is 1-128 characters: letters, digits and ``_ . : - /``, not starting with a symbol."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid id (1-128 letters, digits or _ . : - /, "
            "starting with a letter or digit)"
        )


def check_ids(inst: Any, attribute: Any, value: Iterable[str]) -> None:
    """Every element is a valid id."""
    for v in value:
        check_id(inst, attribute, v)


def check_positive(_inst: Any, attribute: Any, value: _Num) -> None:
    """A number greater than zero (``None`` passes: the field is optional)."""
    if value is not None and not value > 0:
        raise ValueError(f"must be > 0, got {value!r}")


def check_non_negative(_inst: Any, attribute: Any, value: _Num) -> None:
    """A number at least zero (``None`` passes)."""
    if value is not None and not value >= 0:
        raise ValueError(f"must be >= 0, got {value!r}")


def check_non_empty(_inst: Any, attribute: Any, value: Any) -> None:
    """A non-empty collection or string."""
    if len(value) == 0:
        raise ValueError("must not be empty")


def to_float(value: float) -> float:
    """A finite number as ``float`` (so ``4`` and ``4.0`` are the same value and write alike)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    try:
        out = float(value)
    except OverflowError:
        raise ValueError(f"number too large: {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"must be a finite number, got {value!r}")
    return out


def to_opt_float(value: float | None) -> float | None:
    """Like :func:`to_float`, ``None`` allowed."""
    return None if value is None else to_float(value)


def to_time(value: time | str) -> time:
    """Accept a :class:`datetime.time` or an ``HH:MM`` string."""
    return value if isinstance(value, time) else parse_time(value)


def to_date(value: date | str) -> date:
    """Accept a :class:`datetime.date` or an ISO ``YYYY-MM-DD`` string."""
    return value if isinstance(value, date) else parse_date(value)


def to_opt_date(value: date | str | None) -> date | None:
    """Like :func:`to_date`, ``None`` allowed."""
    return None if value is None else to_date(value)


def to_frozenset(value: Iterable[Any]) -> frozenset[Any]:
    """Accept any iterable (but not a bare string, a classic typo for a one-element list)."""
    if isinstance(value, str):
        raise TypeError(f"expected a list of strings, got the string {value!r}")
    return frozenset(value)


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Accept any iterable (but not a bare string)."""
    if isinstance(value, str):
        raise TypeError(f"expected a list, got the string {value!r}")
    return tuple(value)
