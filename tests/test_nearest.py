"""The nearest-helper rule: order of application, nearest free helper, always check()-clean."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from builders import helper, instance, need
from cus_match.model import Place, Recurrence, Resident, WeeklyWindow
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.nearest import solve_nearest
from cus_match.plan.check import check
from cus_match.reasons import Reason
from strategies import instances

# "c" lies about 6 km from "a": car 10 minutes, walk beyond reach.
PLACES = [Place("a", "Bukowsko", lat=49.483, lon=22.066),
          Place("b", "Nowotaniec", lat=49.442, lon=22.118),
          Place("c", "Wola Sękowa", lat=49.530, lon=22.100)]


def nearest(inst):
    r = solve_nearest(inst)
    assert check(inst, r) == []
    return r


def pairs(r):
    return sorted((a.need, a.helper) for a in r.assignments)


def test_order_of_application_not_priority_decides_who_gets_the_only_helper():
    inst = instance([helper("h1", weekly_hours_cap=1)],
                    [need("urgent", priority=3, applied_on="2026-03-05"),
                     need("early", priority=0, applied_on="2026-03-01")])
    fifo = solve(inst, method="greedy")
    assert pairs(fifo) == [("urgent", "h1")]  # FIFO serves the higher priority first
    r = nearest(inst)
    assert pairs(r) == [("early", "h1")]  # by hand: whoever applied first
    assert [(u.need, u.main_reason) for u in r.unmet] == [("urgent", Reason.HOURS_CAP)]
    assert (r.method, r.rule) == ("nearest", "nearest")


def test_nearest_helper_rather_than_the_residents_previous_one():
    residents = [Resident("r1", home="a", previous_helpers=["far"]), Resident("r2", home="b")]
    hs = [helper("far", home="c"), helper("near", home="a")]
    inst = instance(hs, [need("n1")], residents=residents, places=PLACES)
    assert pairs(solve(inst, method="greedy")) == [("n1", "far")]  # continuity first
    r = nearest(inst)
    assert pairs(r) == [("n1", "near")]
    assert r.assignments[0].travel_minutes == 5.0  # within the village


def test_each_visit_takes_the_nearest_free_helper_not_the_needs_earlier_one():
    # "near" works only on Monday; on Wednesday the next nearest takes over.
    hs = [helper("near", availability=[WeeklyWindow("mon", "08:00", "20:00")]),
          helper("next", home="c"), helper("third", home="b")]
    n = need("n1", recurrence=Recurrence.weekly("mon", "wed"))
    inst = instance(hs, [n], places=PLACES)
    r = nearest(inst)
    by_day = {a.date.isoformat(): a.helper for a in r.assignments}
    travel = {a.helper: a.travel_minutes for a in r.assignments}
    assert by_day == {"2026-03-23": "near", "2026-03-25": "next"}
    third = inst.travel.best("b", "a", inst.helper("third").modes)[0]
    assert travel["next"] < third


def test_required_needs_still_go_first():
    inst = instance([helper("h1", weekly_hours_cap=1)],
                    [need("early", applied_on="2026-03-01"),
                     need("must", applied_on="2026-03-09", required=True)])
    assert pairs(nearest(inst)) == [("must", "h1")]


def test_teams_get_the_nearest_helpers_at_one_time():
    hs = [helper("h1", home="b"), helper("h2"), helper("h3")]
    r = nearest(instance(hs, [need("n1", helpers_needed=2)], places=PLACES))
    assert pairs(r) == [("n1", "h2"), ("n1", "h3")]
    assert len({a.start for a in r.assignments}) == 1


@pytest.mark.slow
@settings(max_examples=60)
@given(instances())
def test_nearest_plans_pass_the_independent_checker(inst):
    r = solve_nearest(inst)
    assert check(inst, r) == []
    assert all(u.reasons for u in r.unmet)
