"""Windows of time: within a day, on a weekday, and ranges of dates.

Windows never cross midnight: an evening-to-morning need is written as two windows. ``24:00`` is
allowed as an end and means midnight at the end of the day.

Examples
--------
>>> TimeWindow("08:00", "12:00").minutes
240
>>> WeeklyWindow("mon", "18:00", "24:00").minutes
360
>>> TimeWindow("22:00", "06:00")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cus_match.errors.FieldValueError: end 06:00 is not after start 22:00 (windows cannot cross ...
"""

from __future__ import annotations

from datetime import date, time

from attrs import field, frozen

from cus_match.clock import Weekday, format_time, minutes_of_day
from cus_match.errors import FieldValueError
from cus_match.model.validators import to_date, to_time
from cus_match.problem_texts import ProblemCode

__all__ = ["DateRange", "TimeWindow", "WeeklyWindow"]


def _check_order(start: time, end: time) -> None:
    if minutes_of_day(end) <= minutes_of_day(start):
        raise FieldValueError(ProblemCode.END_NOT_AFTER_START, field="end",
                              end=format_time(end), start=format_time(start))


@frozen
class TimeWindow:
    """A window within one day, from ``start`` to ``end`` (wall-clock, local time).

    Parameters
    ----------
    start, end : datetime.time or str
        ``HH:MM``; ``end`` may be ``24:00``.
    """

    start: time = field(converter=to_time)
    end: time = field(converter=to_time)

    def __attrs_post_init__(self) -> None:
        _check_order(self.start, self.end)

    @property
    def minutes(self) -> int:
        """Length in wall-clock minutes."""
        return minutes_of_day(self.end) - minutes_of_day(self.start)


@frozen
class WeeklyWindow:
    """A window that repeats every week on ``day``.

    Parameters
    ----------
    day : Weekday or str
        ``mon`` ... ``sun``.
    start, end : datetime.time or str
        ``HH:MM``; ``end`` may be ``24:00``.
    """

    day: Weekday = field(converter=Weekday)
    start: time = field(converter=to_time)
    end: time = field(converter=to_time)

    def __attrs_post_init__(self) -> None:
        _check_order(self.start, self.end)

    @property
    def minutes(self) -> int:
        """Length in wall-clock minutes."""
        return minutes_of_day(self.end) - minutes_of_day(self.start)


@frozen
class DateRange:
    """Dates from ``start`` to ``end``, both included.

    >>> date(2026, 5, 3) in DateRange("2026-05-01", "2026-05-03")
    True
    """

    start: date = field(converter=to_date)
    end: date = field(converter=to_date)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise FieldValueError(ProblemCode.END_BEFORE_START, field="end",
                                  end=self.end.isoformat(), start=self.start.isoformat())

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        """Number of days covered."""
        return (self.end - self.start).days + 1
