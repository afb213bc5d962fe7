from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import helper, instance, need
from cus_match.clock import (
    END_OF_DAY,
    Weekday,
    from_minutes,
    local_to_minutes,
    parse_date,
    parse_time,
    to_minutes,
)
from cus_match.model import DateRange, TimeWindow, WeeklyWindow
from cus_match.model.occurrences import expand, helper_windows


def test_spring_forward_day_is_23_hours_and_window_over_the_gap_is_shorter():
    day = date(2026, 3, 29)
    assert local_to_minutes(day, END_OF_DAY) - to_minutes(day, time(0, 0)) == 23 * 60
    # 01:00-04:00 on the spring-forward night lasts two real hours.
    assert to_minutes(day, time(4, 0)) - to_minutes(day, time(1, 0)) == 120


def test_fall_back_day_is_25_hours():
    day = date(2026, 10, 25)
    assert local_to_minutes(day, END_OF_DAY) - to_minutes(day, time(0, 0)) == 25 * 60
    assert to_minutes(day, time(4, 0)) - to_minutes(day, time(1, 0)) == 240


def test_nonexistent_wall_time_maps_forward():
    m = to_minutes(date(2026, 3, 29), time(2, 30))
    assert from_minutes(m).isoformat() == "2026-03-29T03:30:00+02:00"


def test_weekly_window_on_both_sides_of_dst_keeps_wall_clock():
    inst = instance([helper("h1", availability=[WeeklyWindow("sat", "08:00", "12:00"),
                                                WeeklyWindow("sun", "08:00", "12:00")])],
                    [])
    h = inst.helpers[0]
    sat = helper_windows(inst, h, date(2026, 3, 28))[0]
    sun = helper_windows(inst, h, date(2026, 3, 29))[0]
    assert from_minutes(sat[0]).hour == 8
    assert from_minutes(sun[0]).hour == 8
    assert sun[0] - sat[0] == 23 * 60


def test_weekly_need_expands_to_each_weekday_in_period():
    from cus_match.model import Recurrence

    inst = instance([helper("h1")], [need("n1", recurrence=Recurrence.weekly("mon", "sun"))])
    occs = expand(inst)
    assert [o.date for o in occs] == [date(2026, 3, 23), date(2026, 3, 29)]
    assert all(o.duration == 60 for o in occs)


@pytest.mark.parametrize("text", ["8", "8:0", "24:01", "-1:00", "12:60", "ab:cd", "", "8.00"])
def test_bad_times_are_rejected(text):
    with pytest.raises(ValueError, match="not a time of day"):
        parse_time(text)


@pytest.mark.parametrize("text", ["2026-02-30", "30.02.2026", "2026-1-5", "20260105"])
def test_bad_dates_are_rejected(text):
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


def test_windows_crossing_midnight_are_rejected_clearly():
    with pytest.raises(ValueError, match="cannot cross midnight"):
        TimeWindow("22:00", "02:00")
    with pytest.raises(ValueError, match="cannot cross midnight"):
        WeeklyWindow("fri", "20:00", "20:00")
    assert TimeWindow("18:00", "24:00").minutes == 360


def test_date_range_end_before_start():
    with pytest.raises(ValueError, match="before start"):
        DateRange("2026-03-02", "2026-03-01")


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
       st.integers(0, 23), st.integers(0, 59))
def test_round_trip_through_absolute_minutes(day, h, m):
    at = time(h, m)
    back = from_minutes(to_minutes(day, at))
    # Only the spring-forward gap hour is shifted; everything else is exact.
    if back.date() == day and back.time() == at:
        return
    assert day.month == 3
    assert h == 2
    assert Weekday.of(day) is Weekday.SUN
