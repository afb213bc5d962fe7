"""Needs expanded to dated occurrences, and the absolute-time calendars solvers work on.

Examples
--------
>>> from cus_match.generate import generate
>>> inst = generate("tiny", seed=1)
>>> occs = expand(inst)
>>> all(o.windows for o in occs)
True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from attrs import frozen

from cus_match.clock import Weekday, date_range, local_to_minutes
from cus_match.model import FormalService, Helper, Need, RecurrenceKind, TimeWindow, WeeklyWindow
from cus_match.model.instance import Instance

__all__ = [
    "FormalVisit",
    "Occurrence",
    "expand",
    "formal_visits",
    "helper_windows",
    "need_dates",
]

Interval = tuple[int, int]


@frozen
class Occurrence:
    """One visit of a need on a local date, with its windows in absolute minutes."""

    need: str
    date: dt.date
    windows: tuple[Interval, ...]
    duration: int

    @property
    def key(self) -> tuple[str, dt.date]:
        """(need id, date): unique per occurrence."""
        return (self.need, self.date)


@frozen
class FormalVisit:
    """A visit of a formal service, in absolute minutes."""

    service: str
    date: dt.date
    start: int
    end: int


def need_dates(inst: Instance, need: Need) -> list[date]:
    """Dates on which ``need`` occurs within the planning period, in order."""
    period = inst.policy.period
    rec = need.recurrence
    if rec.kind is RecurrenceKind.ONCE:
        assert rec.date is not None
        return [rec.date] if rec.date in period else []
    first = max(period.start, rec.start or period.start)
    last = min(period.end, rec.end or period.end)
    days = {d.number for d in rec.days}
    return [d for d in date_range(first, last) if d.weekday() in days]


def _abs(inst: Instance, day: date, w: TimeWindow | WeeklyWindow) -> Interval:
    tz = inst.policy.timezone
    return (local_to_minutes(day, w.start, tz), local_to_minutes(day, w.end, tz))


def expand(inst: Instance, needs: Sequence[Need] | None = None) -> list[Occurrence]:
    """Every occurrence of ``needs`` (default: all), ordered by need order then date."""
    out = []
    for n in inst.needs if needs is None else needs:
        for d in need_dates(inst, n):
            wins = tuple(sorted(_abs(inst, d, w) for w in n.windows))
            out.append(Occurrence(n.id, d, wins, n.duration_minutes))
    return out


def helper_windows(inst: Instance, helper: Helper, day: date) -> list[Interval]:
    """The helper's availability on ``day`` in absolute minutes (empty when absent)."""
    if helper.is_absent(day):
        return []
    wd = Weekday.of(day)
    return sorted(_abs(inst, day, w) for w in helper.availability if w.day is wd)


def _service_dates(inst: Instance, s: FormalService) -> list[date]:
    period = inst.policy.period
    first, last = period.start, period.end
    if s.valid is not None:
        first, last = max(first, s.valid.start), min(last, s.valid.end)
    return date_range(first, last)


def formal_visits(inst: Instance) -> dict[str, list[FormalVisit]]:
    """Formal visits per resident id, sorted by start."""
    out: dict[str, list[FormalVisit]] = defaultdict(list)
    for s in inst.services:
        for d in _service_dates(inst, s):
            wd = Weekday.of(d)
            for w in s.schedule:
                if w.day is wd:
                    a, b = _abs(inst, d, w)
                    for r in sorted(s.recipients):
                        out[r].append(FormalVisit(s.id, d, a, b))
    for visits in out.values():
        visits.sort(key=lambda v: (v.start, v.end, v.service))
    return dict(out)
