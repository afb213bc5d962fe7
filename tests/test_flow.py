"""The flow method: exact on components without time conflicts, a valid bound elsewhere."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import helper, instance, need
from cus_match.compat import build_compat
from cus_match.model import Agreement, Recurrence, TimeWindow, WeeklyWindow
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.components import active_components
from cus_match.optimise.solvers.flow import flow_is_exact
from cus_match.plan.check import check
from cus_match.plan.result import Status
from strategies import instances

SLOTS = ["08:00", "11:00", "14:00", "17:00"]
DATES = ["2026-03-23", "2026-03-24", "2026-03-25", "2026-03-26", "2026-03-27"]


@st.composite
def conflict_free(draw):
    """Visits at fixed, well-separated times: only weekly hours make it hard (a GAP)."""
    cats = ["shopping", "companionship", "walk"]
    helpers = [helper(f"h{j}", home=draw(st.sampled_from(["a", "b"])),
                      weekly_hours_cap=draw(st.sampled_from([1.0, 1.5, 2.0, 3.0])),
                      availability=[WeeklyWindow(d, "07:00", "20:00")
                                    for d in ("mon", "tue", "wed", "thu", "fri")],
                      agreement=Agreement("2026-01-01", written=True,
                                          categories=draw(st.sets(st.sampled_from(cats),
                                                                  min_size=1))))
               for j in range(draw(st.integers(1, 4)))]
    slots = draw(st.lists(st.tuples(st.sampled_from(DATES), st.sampled_from(SLOTS)),
                          min_size=1, max_size=8, unique=True))
    needs = []
    for j, (day, start) in enumerate(slots):
        dur = draw(st.sampled_from([30, 60, 90]))
        h, m = divmod(int(start[:2]) * 60 + dur, 60)
        needs.append(need(f"n{j}", resident=draw(st.sampled_from(["r1", "r2"])),
                          category=draw(st.sampled_from(cats)), duration_minutes=dur,
                          windows=[TimeWindow(start, f"{h:02d}:{m:02d}")],
                          recurrence=Recurrence.once(day), priority=draw(st.integers(0, 3))))
    return instance(helpers, needs)


SETTINGS = settings(max_examples=40)


@SETTINGS
@given(conflict_free())
def test_flow_is_exact_and_equals_cpsat_without_time_conflicts(inst):
    compat = build_compat(inst)
    assert all(flow_is_exact(compat, c) for c in active_components(compat))
    f = solve(inst, method="flow", time_limit=10, deterministic=True)
    c = solve(inst, method="cpsat", time_limit=10, deterministic=True)
    assert check(inst, f) == []
    assert check(inst, c) == []
    assert f.status is Status.OPTIMAL
    assert f.objective == c.objective
    assert f.bound == f.objective


@pytest.mark.slow
@settings(max_examples=25)
@given(instances(max_helpers=4, max_needs=6))
def test_flow_and_auto_plans_are_valid_and_bound_everything(inst):
    f = solve(inst, method="flow", time_limit=5, deterministic=True)
    a = solve(inst, method="auto", time_limit=5, deterministic=True)
    g = solve(inst, method="greedy")
    for r in (f, a):
        assert check(inst, r) == []
        assert r.objective >= g.objective - 1e-9
    # Every method's bound holds for every other method's plan.
    for r in (f, a):
        if r.bound is not None:
            assert r.bound >= max(f.objective, a.objective, g.objective) - 1e-6


def test_clashing_visits_are_not_called_exact():
    h = helper("h1", availability=[WeeklyWindow("tue", "09:00", "12:00")])
    inst = instance([h], [need("a", windows=[TimeWindow("09:00", "11:00")]),
                          need("b", resident="r2", windows=[TimeWindow("09:30", "11:30")])])
    compat = build_compat(inst)
    assert not any(flow_is_exact(compat, c) for c in active_components(compat))
