from __future__ import annotations

from datetime import date

import pytest

from builders import helper, instance, need
from cus_match.model import Credentials, Recurrence, Resident, TimeWindow, WeeklyWindow
from cus_match.optimise.solve import solve as _solve
from cus_match.plan.check import check
from cus_match.plan.result import Status
from cus_match.reasons import Reason


def solve(inst, **kw):
    r = _solve(inst, **{"method": "greedy", **kw})
    assert check(inst, r) == []
    return r


def test_one_need_one_helper_gets_the_earliest_time():
    r = solve(instance([helper("h1")], [need("n1")]))
    assert r.status is Status.FEASIBLE
    assert [(a.need, a.helper) for a in r.assignments] == [("n1", "h1")]
    a = r.assignments[0]
    assert a.start.isoformat() == "2026-03-24T09:00:00+01:00"
    assert a.minutes == 60
    assert not r.unmet


def test_priority_then_application_date_decides_who_gets_the_only_helper():
    h = helper("h1", weekly_hours_cap=1)
    needs = [need("late", applied_on="2026-03-05"), need("early", applied_on="2026-03-01"),
             need("low", applied_on="2026-02-01", priority=0)]
    r = solve(instance([h], needs))
    assert [a.need for a in r.assignments] == ["early"]
    unmet = {u.need: u.main_reason for u in r.unmet}
    assert unmet == {"late": Reason.HOURS_CAP, "low": Reason.HOURS_CAP}


def test_professional_only_need_is_referred_not_matched():
    r = solve(instance([helper("h1")], [need("n1", category="psychotherapy")]))
    assert not r.assignments
    assert [(x.need, x.reason) for x in r.referrals] == [("n1", Reason.PROFESSIONAL_ONLY)]


def test_unmet_need_explains_missing_child_protection_check():
    h = helper("h1", credentials=Credentials(bhp_briefed_on="2026-01-01",
                                             nnw_valid_to="2026-12-31"))
    r = solve(instance([h], [need("n1", category="homework_help")]))
    assert r.unmet[0].main_reason is Reason.CHILD_PROTECTION


def test_two_helpers_needed_share_the_same_time():
    hs = [helper("h1", availability=[WeeklyWindow("tue", "10:00", "12:00")]), helper("h2")]
    r = solve(instance(hs, [need("n1", helpers_needed=2)]))
    assert sorted(a.helper for a in r.assignments) == ["h1", "h2"]
    assert len({(a.start, a.end) for a in r.assignments}) == 1
    assert r.assignments[0].start.hour == 10


def test_weekly_need_keeps_its_helper_across_the_week():
    n = need("n1", recurrence=Recurrence.weekly("mon", "wed", "fri"))
    r = solve(instance([helper("h1"), helper("h2")], [n]))
    assert {a.helper for a in r.assignments} == {"h1"}
    assert [a.date for a in r.assignments] == [date(2026, 3, 23), date(2026, 3, 25),
                                               date(2026, 3, 27)]


def test_resident_veto_is_respected():
    inst = instance([helper("h1"), helper("h2")], [need("n1")],
                    residents=[Resident("r1", home="a", vetoes=["h1"]),
                               Resident("r2", home="b")])
    r = solve(inst)
    assert [a.helper for a in r.assignments] == ["h2"]


def test_visit_on_dst_day_has_real_duration():
    n = need("n1", recurrence=Recurrence.once("2026-03-29"),
             windows=[TimeWindow("01:00", "04:00")], duration_minutes=120)
    r = solve(instance([helper("h1", availability=[WeeklyWindow("sun", "00:00", "06:00")])],
                       [n]))
    a = r.assignments[0]
    assert a.minutes == 120
    assert a.start.utcoffset() != a.end.utcoffset()  # crosses the change at 02:00


@pytest.mark.parametrize("bad", [dict(method="magic"), dict(rule="nope"),
                                 dict(time_limit=0), dict(time_limit=-1), dict(seed=1.5)])
def test_bad_options_raise_before_work(bad):
    from cus_match.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError):
        solve(instance([helper("h1")], [need("n1")]), **bad)


def test_no_needs_gives_an_empty_optimal_plan():
    r = solve(instance([helper("h1")], []))
    assert r.status is Status.OPTIMAL
    assert not r.assignments
