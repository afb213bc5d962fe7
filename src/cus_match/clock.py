"""Local time in the gmina: weekdays, times of day and DST-correct conversion to absolute minutes.

All scheduling arithmetic uses *absolute minutes*: whole minutes since 1970-01-01 00:00 UTC. Wall
clock times (what coordinators write: "Monday 08:00-12:00") are converted once, through the
planning period's time zone (``Europe/Warsaw`` by default), so durations and overlaps stay right
on the days the clocks change.

Wall times that do not exist (the spring-forward hour, 02:00-03:00 on the last Sunday of March)
are read with the offset in force before the change (PEP 495, ``fold=0``), so 02:30 becomes 03:30
summer time. Wall times that occur twice (the autumn hour) take their first occurrence.

Examples
--------
>>> from datetime import date, time
>>> a = to_minutes(date(2026, 3, 28), time(8, 0))  # Saturday, winter time (UTC+1)
>>> b = to_minutes(date(2026, 3, 29), time(8, 0))  # Sunday, summer time (UTC+2)
>>> b - a  # one calendar day, but only 23 real hours
1380
>>> from_minutes(b).isoformat()
'2026-03-29T08:00:00+02:00'
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TIMEZONE",
    "Weekday",
    "date_range",
    "datetime_to_minutes",
    "format_time",
    "from_minutes",
    "iso_week",
    "parse_date",
    "parse_time",
    "to_minutes",
]

DEFAULT_TIMEZONE = "Europe/Warsaw"
_TIME = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Weekday(enum.StrEnum):
    """Day of the week, named by its lower-case English three-letter abbreviation."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """Monday is 0, as in :meth:`datetime.date.weekday`."""
        return _WEEKDAY_INDEX[self]

    @classmethod
    def of(cls, day: date) -> Weekday:
        """Return the weekday of ``day``.

        >>> Weekday.of(date(2026, 11, 23))
        <Weekday.MON: 'mon'>
        """
        return _WEEKDAYS[day.weekday()]


_WEEKDAYS = tuple(Weekday)
_WEEKDAY_INDEX = {d: i for i, d in enumerate(_WEEKDAYS)}


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_minutes(day: date, at: time, tz: str = DEFAULT_TIMEZONE) -> int:
    """Absolute minutes of the wall-clock time ``at`` on ``day`` in time zone ``tz``."""
    local = datetime.combine(day, at.replace(tzinfo=None), tzinfo=_zone(tz))
    return int((local - _EPOCH).total_seconds()) // 60


def from_minutes(minutes: int, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """The aware local datetime of absolute ``minutes``."""
    return (_EPOCH + timedelta(minutes=minutes)).astimezone(_zone(tz))


def datetime_to_minutes(at: datetime) -> int:
    """Absolute minutes of an aware datetime (the inverse of :func:`from_minutes`)."""
    return int((at - _EPOCH).total_seconds()) // 60


def end_of_day_minutes(day: date, tz: str = DEFAULT_TIMEZONE) -> int:
    """Absolute minutes of the midnight that ends ``day`` (24:00)."""
    return to_minutes(day + timedelta(days=1), time(0, 0), tz)


def iso_week(day: date) -> tuple[int, int]:
    """ISO (year, week) of ``day``: the key for weekly hour caps (weeks run Monday to Sunday)."""
    y, w, _ = day.isocalendar()
    return (y, w)


def date_range(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last``, both included (empty when ``last < first``)."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def parse_time(text: str) -> time:
    """Parse a wall-clock time written ``H:MM`` or ``HH:MM``; ``24:00`` means end of day.

    ``24:00`` is returned as :data:`datetime.time.max` rounded to the minute (23:59:59.999999
    cannot be represented in minutes), so it is kept apart: see :func:`minutes_of_day`.

    >>> parse_time("8:00"), parse_time("17:30")
    (datetime.time(8, 0), datetime.time(17, 30))
    >>> parse_time("25:00")
    Traceback (most recent call last):
    ...
    ValueError: '25:00' is not a time of day HH:MM (00:00-24:00)
    """
    found = _TIME.fullmatch(text) if isinstance(text, str) else None
    if found:
        h, m = int(found[1]), int(found[2])
        if (0 <= h <= 23 and 0 <= m <= 59) or (h == 24 and m == 0):
            return END_OF_DAY if h == 24 else time(h, m)
    raise ValueError(f"{text!r} is not a time of day HH:MM (00:00-24:00)")


# Sentinel for "24:00": the end of a day. Real times are minute-aligned, so this never collides.
END_OF_DAY = time(23, 59, 59, 999999)


def minutes_of_day(at: time) -> int:
    """Minutes since midnight, with :data:`END_OF_DAY` as 1440."""
    return 1440 if at == END_OF_DAY else at.hour * 60 + at.minute


def format_time(at: time) -> str:
    """Format a time of day as ``HH:MM`` (``24:00`` for :data:`END_OF_DAY`)."""
    return "24:00" if at == END_OF_DAY else f"{at.hour:02d}:{at.minute:02d}"


def parse_date(text: str) -> date:
    """Parse an ISO date ``YYYY-MM-DD``.

    >>> parse_date("2026-02-30")
    Traceback (most recent call last):
    ...
    ValueError: '2026-02-30' is not a date YYYY-MM-DD
    """
    try:
        if not isinstance(text, str) or not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date YYYY-MM-DD") from None


def local_to_minutes(day: date, at: time, tz: str = DEFAULT_TIMEZONE) -> int:
    """Like :func:`to_minutes`, but understanding :data:`END_OF_DAY` as the next midnight."""
    if at == END_OF_DAY:
        return end_of_day_minutes(day, tz)
    return to_minutes(day, at, tz)
