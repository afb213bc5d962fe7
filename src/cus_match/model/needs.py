"""Needs: what a resident (or a group session at a place) needs, when, and from whom.

Examples
--------
>>> n = Need(
...     id="n1", resident="r-017", category="shopping", duration_minutes=90,
...     windows=[TimeWindow("09:00", "13:00")], recurrence=Recurrence.weekly("tue", "fri"),
...     applied_on="2026-01-12",
... )
>>> n.recurrence.kind, sorted(d.number for d in n.recurrence.days)
(<RecurrenceKind.WEEKLY: 'weekly'>, [1, 4])
"""

from __future__ import annotations

import datetime as dt
import enum
from datetime import date

from attrs import field, frozen

from cus_match.clock import Weekday
from cus_match.errors import FieldValueError
from cus_match.model.places import TravelMode
from cus_match.model.time_windows import TimeWindow
from cus_match.model.validators import (
    check_id,
    check_non_negative,
    check_positive,
    to_date,
    to_frozenset,
    to_opt_date,
    to_tuple,
)
from cus_match.problem_texts import ProblemCode

__all__ = ["Ipus", "Need", "Recurrence", "RecurrenceKind"]


class RecurrenceKind(enum.StrEnum):
    """Once on a date, or every week on given weekdays."""

    ONCE = "once"
    WEEKLY = "weekly"


def _days(value: object) -> frozenset[Weekday]:
    return frozenset(Weekday(d) for d in to_tuple(value))  # type: ignore[arg-type]


@frozen
class Recurrence:
    """When a need recurs.

    ``once``: on ``date``. ``weekly``: on each of ``days``, from ``start`` to ``end`` (defaults:
    the planning period).
    """

    kind: RecurrenceKind = field(converter=RecurrenceKind)
    date: dt.date | None = field(default=None, converter=to_opt_date)
    days: frozenset[Weekday] = field(factory=frozenset, converter=_days)
    start: dt.date | None = field(default=None, converter=to_opt_date)
    end: dt.date | None = field(default=None, converter=to_opt_date)

    def __attrs_post_init__(self) -> None:
        if self.kind is RecurrenceKind.ONCE:
            if self.date is None:
                raise FieldValueError(ProblemCode.ONCE_WITHOUT_DATE, field="date")
            if self.days or self.start or self.end:
                raise FieldValueError(ProblemCode.ONCE_WITH_DAYS, field="days")
        else:
            if not self.days:
                raise FieldValueError(ProblemCode.WEEKLY_WITHOUT_DAYS, field="days")
            if self.date is not None:
                raise FieldValueError(ProblemCode.WEEKLY_WITH_DATE, field="date")
            if self.start and self.end and self.end < self.start:
                raise FieldValueError(ProblemCode.END_BEFORE_START, field="end",
                                      end=self.end.isoformat(), start=self.start.isoformat())

    @classmethod
    def once(cls, on: dt.date | str) -> Recurrence:
        """A one-off need on ``on``."""
        return cls(RecurrenceKind.ONCE, date=to_date(on))

    @classmethod
    def weekly(cls, *days: Weekday | str, start: dt.date | str | None = None,
               end: dt.date | str | None = None) -> Recurrence:
        """A need every week on ``days``."""
        return cls(RecurrenceKind.WEEKLY, days=days, start=start, end=end)


@frozen
class Ipus:
    """The individual plan of social services (IPUS) a need belongs to (H10)."""

    id: str = field(validator=check_id)
    valid_from: date = field(converter=to_date)
    valid_to: date = field(converter=to_date)

    def __attrs_post_init__(self) -> None:
        if self.valid_to < self.valid_from:
            raise FieldValueError(ProblemCode.VALID_TO_BEFORE_VALID_FROM, field="valid_to",
                                  end=self.valid_to.isoformat(),
                                  start=self.valid_from.isoformat())


def _opt_mode(value: TravelMode | str | None) -> TravelMode | None:
    return None if value is None else TravelMode(value)


@frozen
class Need:
    """A need for help.

    Parameters
    ----------
    id : str
        Unique id.
    category : str
        Id of a category of the policy (``shopping``, ``homework_help``, ...).
    duration_minutes : int
        Length of each visit.
    windows : sequence of TimeWindow
        When in the day a visit may happen (each visit lies inside one window).
    recurrence : Recurrence
        Once on a date or weekly on weekdays.
    applied_on : date
        Date of application; earlier applications come first among equal priorities (FIFO).
    resident : str, optional
        The resident helped; ``None`` for a group session, which then needs a ``place``.
    place : str, optional
        Where the help happens; default the resident's home.
    helpers_needed : int
        Helpers per visit, all at the same time (2 for safeguarding or heavy work).
    priority : int
        0 (lowest) and up; higher priorities are served first.
    involves_minors : bool
        Work with children (H1), whatever the category.
    required_skills, required_languages, required_qualifications : set of str
        What every helper must have.
    required_mode : TravelMode, optional
        A travel mode the helper must have (``car`` for transport).
    ipus : Ipus, optional
        The IPUS the need belongs to; visits must lie in its validity (H10).
    required : bool
        Must be covered: a plan leaving it unmet is infeasible.
    """

    id: str = field(validator=check_id)
    category: str = field(validator=check_id)
    duration_minutes: int = field(validator=check_positive)
    windows: tuple[TimeWindow, ...] = field(converter=to_tuple)
    recurrence: Recurrence
    applied_on: date = field(converter=to_date)
    resident: str | None = field(default=None)
    place: str | None = field(default=None)
    helpers_needed: int = field(default=1, validator=check_positive)
    priority: int = field(default=1, validator=check_non_negative)
    involves_minors: bool = False
    required_skills: frozenset[str] = field(factory=frozenset, converter=to_frozenset)
    required_languages: frozenset[str] = field(factory=frozenset, converter=to_frozenset)
    required_qualifications: frozenset[str] = field(factory=frozenset, converter=to_frozenset)
    required_mode: TravelMode | None = field(default=None, converter=_opt_mode)
    ipus: Ipus | None = None
    required: bool = False

    def __attrs_post_init__(self) -> None:
        if self.resident is None and self.place is None:
            raise FieldValueError(ProblemCode.GROUP_WITHOUT_PLACE, field="place")
        if not self.windows:
            raise FieldValueError(ProblemCode.NEED_WITHOUT_WINDOWS, field="windows")
        longest = max(w.minutes for w in self.windows)
        if self.duration_minutes > longest:
            raise FieldValueError(ProblemCode.LONGER_THAN_WINDOWS, field="duration_minutes",
                                  minutes=self.duration_minutes, longest=longest)
