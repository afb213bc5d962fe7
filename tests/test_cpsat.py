"""CP-SAT against brute force and the greedy; every plan independently checked."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import helper, instance, need
from cus_match.clock import from_minutes, local_to_minutes
from cus_match.model import Agreement, Recurrence, TimeWindow, WeeklyWindow
from cus_match.model.instance import Instance
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import Assignment, ReasonCount, Result, Status, Unmet
from cus_match.reasons import Reason
from strategies import instances

DAYS = ["2026-03-24", "2026-03-25"]


def _value(inst: Instance, need_id: str) -> float:
    n = inst.need(need_id)
    return (1 + n.priority) * n.duration_minutes / 60


@st.composite
def tiny(draw) -> Instance:
    """2-3 helpers, 2-4 one-off needs, windows with 1-3 possible starts: brute-forceable."""
    cats = ["shopping", "companionship", "walk"]
    helpers = []
    for j in range(draw(st.integers(2, 3))):
        start = draw(st.sampled_from(["08:00", "09:00", "10:00"]))
        end = draw(st.sampled_from(["11:00", "12:00", "13:00"]))
        helpers.append(helper(
            f"h{j}", home=draw(st.sampled_from(["a", "b"])),
            weekly_hours_cap=draw(st.sampled_from([1.0, 1.5, 2.0, 3.0])),
            availability=[WeeklyWindow(d, start, end) for d in ("tue", "wed")],
            agreement=Agreement("2026-01-01", written=True,
                                categories=draw(st.sets(st.sampled_from(cats), min_size=1))),
            max_residents=draw(st.sampled_from([None, 1])),
        ))
    needs = []
    for j in range(draw(st.integers(2, 4))):
        dur = draw(st.sampled_from([30, 60]))
        w0 = draw(st.sampled_from([9 * 60, 10 * 60, 10 * 60 + 30]))
        slack = draw(st.sampled_from([0, 15, 30]))
        needs.append(need(
            f"n{j}", resident=draw(st.sampled_from(["r1", "r2"])),
            category=draw(st.sampled_from(cats)), duration_minutes=dur,
            windows=[TimeWindow(f"{w0 // 60:02d}:{w0 % 60:02d}",
                                f"{(w0 + dur + slack) // 60:02d}:{(w0 + dur + slack) % 60:02d}")],
            recurrence=Recurrence.once(draw(st.sampled_from(DAYS))),
            helpers_needed=draw(st.sampled_from([1, 1, 1, 2])),
            priority=draw(st.integers(0, 2)),
        ))
    return instance(helpers, needs)


def brute_force(inst: Instance) -> float:
    """Best primary value over every plan the independent checker accepts."""
    tz = inst.policy.timezone
    options = []
    for n in inst.needs:
        d = n.recurrence.date
        w = n.windows[0]
        ws, we = local_to_minutes(d, w.start, tz), local_to_minutes(d, w.end, tz)
        opts: list[tuple | None] = [None]
        for s in range(ws, we - n.duration_minutes + 1, 15):
            for team in itertools.combinations(inst.helpers, n.helpers_needed):
                opts.append((s, team))
        options.append(opts)
    best = 0.0
    for combo in itertools.product(*options):
        assignments, unmet, value = [], [], 0.0
        for n, opt in zip(inst.needs, combo, strict=True):
            d = n.recurrence.date
            if opt is None:
                unmet.append(Unmet(n.id, d, (ReasonCount(Reason.NO_HELPERS, 0),)))
                continue
            s, team = opt
            for h in team:
                t = inst.travel.best(h.home, inst.need_place(n), h.modes)
                if t is None:
                    break
                assignments.append(Assignment(n.id, d, h.id, from_minutes(s, tz),
                                              from_minutes(s + n.duration_minutes, tz),
                                              t[0], t[1]))
            else:
                value += _value(inst, n.id)
                continue
            value = -1.0
            break
        if value <= best:
            continue
        r = Result(Status.FEASIBLE, "brute", "fifo", assignments, unmet)
        if not check(inst, r):
            best = value
    return best


SLOW = settings(max_examples=25)


@pytest.mark.slow
@SLOW
@given(tiny())
def test_cpsat_matches_brute_force_and_beats_or_ties_greedy(inst):
    exact = brute_force(inst)
    r = solve(inst, method="cpsat", time_limit=10, deterministic=True)
    g = solve(inst, method="greedy")
    assert check(inst, r) == []
    assert check(inst, g) == []
    assert r.status is Status.OPTIMAL
    assert r.objective == pytest.approx(exact)
    assert r.bound == pytest.approx(exact)
    assert g.objective <= r.objective + 1e-9


@pytest.mark.slow
@settings(max_examples=30)
@given(instances(max_helpers=4, max_needs=5))
def test_cpsat_plans_pass_the_checker_and_never_lose_to_greedy(inst):
    r = solve(inst, method="cpsat", time_limit=5)
    g = solve(inst, method="greedy")
    assert check(inst, r) == []
    assert r.objective >= g.objective - 1e-9
    if r.bound is not None:
        assert r.bound >= r.objective - 1e-6


def test_required_need_that_cannot_be_met_is_infeasible_with_a_plan():
    inst = instance([helper("h1", weekly_hours_cap=1)],
                    [need("a", required=True), need("b", required=True,
                                                    recurrence=Recurrence.once("2026-03-25"))])
    r = solve(inst, method="cpsat", time_limit=5)
    assert r.status is Status.INFEASIBLE
    assert len(r.assignments) == 1  # the greedy's plan, never nothing
    assert [v.code for v in check(inst, r)] == ["required_unmet"]


def test_cpsat_finds_what_fifo_misses():
    # FIFO gives the only morning helper to the early applicant, whose need another helper
    # could meet in the afternoon; CP-SAT meets both.
    h_morning = helper("m", availability=[WeeklyWindow("tue", "09:00", "10:00")])
    h_any = helper("x", availability=[WeeklyWindow("tue", "13:00", "14:00")])
    early = need("early", windows=[TimeWindow("09:00", "14:00")], applied_on="2026-01-01")
    late = need("late", resident="r2", windows=[TimeWindow("09:00", "10:00")],
                applied_on="2026-02-01")
    inst = instance([h_morning, h_any], [early, late])
    g = solve(inst, method="greedy")
    r = solve(inst, method="cpsat", time_limit=5)
    assert check(inst, r) == []
    assert {a.need for a in g.assignments} == {"early"}
    assert {a.need for a in r.assignments} == {"early", "late"}
    assert r.objective > g.objective
    assert r.status is Status.OPTIMAL


def test_deterministic_mode_repeats_exactly():
    from cus_match.generate import demo_instance

    inst = demo_instance()
    a = solve(inst, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True, seed=7)
    b = solve(inst, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True, seed=7)
    assert a.to_records() == b.to_records()
    assert a.objective == b.objective


def test_executor_gives_the_same_plan():
    from concurrent.futures import ThreadPoolExecutor

    from cus_match.generate import demo_instance

    inst = demo_instance()
    a = solve(inst, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True)
    with ThreadPoolExecutor(2) as ex:
        b = solve(inst, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True,
                  executor=ex)
    assert a.to_records() == b.to_records()


@pytest.mark.parametrize("bad", [dict(workers=0), dict(workers=1.5), dict(time_limit=0),
                                 dict(executor="pool")])
def test_bad_cpsat_options(bad):
    from cus_match.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError):
        solve(instance([helper("h1")], [need("n1")]), method="cpsat", **bad)


def test_empty_instances():
    for inst in (instance([], [need("n1")]), instance([helper("h1")], [])):
        r = solve(inst, method="cpsat", time_limit=2)
        assert check(inst, r) == []
        assert r.objective == 0




@pytest.mark.slow
@settings(max_examples=20)
@given(tiny())
def test_lp_bound_and_lns_against_brute_force(inst):
    from cus_match.compat import build_compat
    from cus_match.optimise.options import Deadline, SolveOptions
    from cus_match.optimise.solvers.greedy import greedy_state
    from cus_match.optimise.solvers.lns import lns
    from cus_match.optimise.solvers.method import value_minutes
    from cus_match.optimise.solvers.relaxation import lp_bound
    from cus_match.optimise.solvers.rounding import lp_guided

    exact = brute_force(inst)
    compat = build_compat(inst)
    bound = sum(lp_bound(compat, c) for c in compat.components()) / 60
    assert bound >= exact - 1e-6
    start = greedy_state(compat)
    chosen = {}
    options = SolveOptions(time_limit=1, deterministic=True, seed=1)
    for comp in compat.components():
        chosen.update(lns(compat, comp, start, options=options, deadline=Deadline.after(1),
                          work=1.0))
    value = sum(value_minutes(compat, i) for i in chosen) / 60
    assert value <= exact + 1e-9
    assert value >= start.objective() - 1e-9
    rounded = {}
    for comp in compat.components():
        rounded.update(lp_guided(compat, comp, start))
    value = sum(value_minutes(compat, i) for i in rounded) / 60
    assert start.objective() - 1e-9 <= value <= exact + 1e-9


@pytest.mark.slow
@settings(max_examples=15)
@given(instances(max_helpers=5, max_needs=6))
def test_lns_plans_pass_the_checker(inst):
    with _lns_everywhere():
        r = solve(inst, method="cpsat", time_limit=2, deterministic=True)
    assert check(inst, r) == []
    assert r.objective >= solve(inst, method="greedy").objective - 1e-9
    assert r.bound is None or r.bound >= r.objective - 1e-6


@contextlib.contextmanager
def _lns_everywhere():
    import cus_match.optimise.solvers.cpsat as cp

    old, cp.LNS_THRESHOLD = cp.LNS_THRESHOLD, 0  # every component goes through LNS
    try:
        yield
    finally:
        cp.LNS_THRESHOLD = old


def _renamed(inst: Instance) -> Instance:
    import attrs as _attrs

    hmap = {h.id: f"z-{h.id[::-1]}" for h in inst.helpers}
    nmap = {n.id: f"q{n.id}x" for n in inst.needs}
    helpers = [_attrs.evolve(h, id=hmap[h.id]) for h in inst.helpers][::-1]
    needs = [_attrs.evolve(n, id=nmap[n.id]) for n in inst.needs][::-1]
    residents = [_attrs.evolve(r, vetoes={hmap[v] for v in r.vetoes},
                               previous_helpers={hmap[v] for v in r.previous_helpers},
                               accepted_neighbours={hmap[v] for v in r.accepted_neighbours})
                 for r in inst.residents][::-1]
    return _attrs.evolve(inst, helpers=helpers, needs=needs, residents=residents,
                         places=list(inst.places)[::-1])


@settings(max_examples=20)
@given(tiny(), st.data())
def test_metamorphic_renaming_shuffling_and_adding_a_helper(inst, data):
    base = solve(inst, method="cpsat", time_limit=10, deterministic=True)
    assert base.status is Status.OPTIMAL
    other = _renamed(inst)
    r = solve(other, method="cpsat", time_limit=10, deterministic=True)
    assert check(other, r) == []
    assert r.objective == pytest.approx(base.objective)
    extra = helper("extra", home=data.draw(st.sampled_from(["a", "b"])),
                   weekly_hours_cap=data.draw(st.sampled_from([0.5, 1.0, 2.0])))
    more = instance([*inst.helpers, extra], list(inst.needs))
    r2 = solve(more, method="cpsat", time_limit=10, deterministic=True)
    assert check(more, r2) == []
    assert r2.objective >= base.objective - 1e-9
