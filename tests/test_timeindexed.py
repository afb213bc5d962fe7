"""The time-indexed model (cus_match.optimise.timeindexed) against brute force and the checker.

Every plan it returns is assembled into a Result and verified with the independent checker;
its bound is compared with the brute-force optimum (tiny instances) and with CP-SAT's proven
optimum (rural).
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings

from cus_match.compat import build_compat
from cus_match.errors import InvalidOptionError
from cus_match.generate import generate
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import RULES, from_weights
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.components import active_components
from cus_match.optimise.solvers.cpsat import CPSAT
from cus_match.optimise.solvers.greedy import greedy_state
from cus_match.optimise.solvers.state import PlanState, assemble
from cus_match.optimise.timeindexed import solve_component, solve_timeindexed
from cus_match.optimise.timeindexed.backends import lp_value, run_backend
from cus_match.optimise.timeindexed.model import build_model, decode, stage_costs
from cus_match.plan.check import check
from cus_match.plan.result import Status
from test_cpsat import brute_force, tiny

FIFO = RULES["fifo"]
PRIMARY = FIFO.stages[0]


def _plan(compat, chosen, fixed=None):
    state = fixed.copy() if fixed is not None else PlanState(compat)
    for i, (s, team) in sorted(chosen.items()):
        if i not in state.chosen:
            state.add(i, s, team)
    return state


def _violations(inst, compat, result):
    """What the checker finds, but a required visit nobody can take (no candidate at all)."""
    hopeless = {(o.need, o.date) for o, cands in zip(compat.occurrences, compat.candidates,
                                                     strict=True) if not cands}
    return [v for v in check(inst, result)
            if not (v.code == "required_unmet" and (v.need, v.date) in hopeless)]


def _result(compat, state):
    return assemble(state, method="timeindexed", rule="fifo", seed=0, runtime=0.0,
                    status=Status.FEASIBLE, bound=None)


def _component(compat, comp, hint, *, time_limit=20.0, rule=FIFO, fixed=None, **options):
    """The component method as the solve driver calls it."""
    return solve_component(compat, comp, hint, rule=rule, fixed=fixed,
                           options=SolveOptions(time_limit=time_limit, **options),
                           deadline=Deadline.after(time_limit), work=time_limit)


def _solve_all(compat, **kw):
    hint = greedy_state(compat)
    chosen, bound, statuses = {}, 0.0, []
    for comp in active_components(compat):
        sol = _component(compat, comp, hint, **kw)
        chosen.update(sol.chosen)
        bound += sol.bound_minutes
        statuses.append(sol.status)
    return chosen, bound, statuses


@pytest.mark.slow
@settings(max_examples=20, deadline=None)
@given(tiny())
def test_optimum_and_bound_agree_with_brute_force(inst):
    exact = brute_force(inst)
    compat = build_compat(inst)
    chosen, bound, statuses = _solve_all(compat)
    assert _violations(inst, compat, _result(compat, _plan(compat, chosen))) == []
    value = PRIMARY.value(compat, chosen) / 6000
    assert all(s is Status.OPTIMAL for s in statuses)
    assert value == pytest.approx(exact, abs=1e-9)
    assert bound / 6000 >= exact - 1e-9
    # The LP relaxation of the same model is a bound too.
    lp = sum(lp_value(m, stage_costs(compat, m, PRIMARY))
             for m in (build_model(compat, c) for c in active_components(compat)))
    assert lp / 6000 >= exact - 1e-6


@settings(max_examples=6, deadline=None)
@given(tiny())
def test_tiny_plans_pass_the_checker_and_bound_their_value(inst):
    compat = build_compat(inst)
    chosen, bound, _ = _solve_all(compat)
    assert _violations(inst, compat, _result(compat, _plan(compat, chosen))) == []
    assert bound >= PRIMARY.value(compat, chosen)
    assert PRIMARY.value(compat, chosen) >= PRIMARY.value(compat, greedy_state(compat).chosen)


@pytest.fixture(scope="module")
def rural():
    inst = generate("rural", seed=1)
    return inst, build_compat(inst)


@pytest.fixture(scope="module")
def cpsat_optimum(rural):
    """CP-SAT's proven optimum of rural seed 1's largest component, and the component."""
    _inst, compat = rural
    comp = max(active_components(compat), key=len)
    sol = CPSAT(compat, comp, greedy_state(compat), rule=FIFO, fixed=None,
                options=SolveOptions(time_limit=30), deadline=Deadline.after(30), work=30.0)
    assert sol.status is Status.OPTIMAL
    return comp, PRIMARY.value(compat, sol.chosen)


def test_rural_is_proven_at_the_cpsat_optimum(rural):
    inst, compat = rural
    chosen, bound, statuses = _solve_all(compat, time_limit=30)
    assert _violations(inst, compat, _result(compat, _plan(compat, chosen))) == []
    assert statuses == [Status.OPTIMAL] * len(statuses)
    # CP-SAT's proven optimum, by an independent model.
    cpsat = solve(inst, method="cpsat", time_limit=30)
    assert cpsat.objective == cpsat.bound
    assert PRIMARY.value(compat, chosen) == bound == cpsat.objective * 6000


def test_lns_alone_keeps_the_hint_and_a_valid_bound(rural, cpsat_optimum):
    # No one-MIP attempt: the search improves the greedy plan by sub-MIPs, rest fixed.
    inst, compat = rural
    hint = greedy_state(compat)
    comp, optimum = cpsat_optimum
    sol = solve_timeindexed(compat, comp, PRIMARY, deadline=time.perf_counter() + 1.5,
                            hint=hint.chosen, mip_max_z=0, seed=3)
    assert _violations(inst, compat, _result(compat, _plan(compat, sol.chosen))) == []
    assert PRIMARY.value(compat, sol.chosen) >= PRIMARY.value(
        compat, {i: v for i, v in hint.chosen.items() if i in set(comp)})
    assert sol.bound >= optimum
    assert sol.how in ("lns", "lp", "hint")


def test_fixed_visits_are_planned_around(rural, cpsat_optimum):
    # Half the greedy plan is kept as it is; the model plans the rest around it.
    inst, compat = rural
    comp, optimum = cpsat_optimum
    hint = greedy_state(compat)
    kept = sorted(i for i in comp if i in hint.chosen)[::2]
    fixed = PlanState(compat)
    for i in kept:
        fixed.add(i, *hint.chosen[i])
    free = [i for i in comp if i not in fixed.chosen]
    sol = solve_timeindexed(compat, free, PRIMARY, deadline=time.perf_counter() + 20,
                            fixed=fixed)
    assert not set(sol.chosen) & set(kept)
    assert _violations(inst, compat, _result(compat, _plan(compat, sol.chosen, fixed))) == []
    assert sol.status is Status.OPTIMAL
    # Planning around fixed visits can only lose against planning freely.
    assert PRIMARY.value(compat, sol.chosen) + PRIMARY.value(
        compat, fixed.chosen) <= optimum


@pytest.mark.slow
def test_later_stages_keep_the_first_and_pair_terms_count(rural, cpsat_optimum):
    inst, compat = rural
    rule = from_weights("short-trips", {"weighted_coverage": 1, "travel": 1})
    hint = greedy_state(compat)
    comp, optimum = cpsat_optimum
    sol = _component(compat, comp, hint, time_limit=30, rule=rule)
    assert _violations(inst, compat, _result(compat, _plan(compat, sol.chosen))) == []
    assert sol.bound_minutes >= rule.stages[0].value(compat, sol.chosen)
    fifo = _component(compat, comp, hint, time_limit=30)
    assert PRIMARY.value(compat, fifo.chosen) == optimum
    # Lexicographic fifo: polishing the secondary stage kept the primary optimum.
    assert _violations(inst, compat, _result(compat, _plan(compat, fifo.chosen))) == []


def test_backends_agree_on_a_small_model():
    compat = build_compat(generate("tiny", seed=2))
    for comp in active_components(compat):
        m = build_model(compat, comp)
        cost = stage_costs(compat, m, PRIMARY)
        a = run_backend(m, cost, backend="cpsat", time_limit=10, deterministic=True)
        b = run_backend(m, cost, backend="highs", time_limit=10)
        assert a.proven
        assert b.proven
        assert a.objective == b.objective
        assert PRIMARY.value(compat, decode(compat, m, b.x)) == b.objective


def test_unknown_backends_and_equity_are_refused(rural):
    _inst, compat = rural
    comp = active_components(compat)[0]
    m = build_model(compat, comp)
    with pytest.raises(InvalidOptionError, match="unknown backend"):
        run_backend(m, stage_costs(compat, m, PRIMARY), backend="gurobi", time_limit=1)
    with pytest.raises(InvalidOptionError, match="not a linear objective"):
        _component(compat, comp, greedy_state(compat), time_limit=1, rule=RULES["equity"])


def test_components_too_large_to_model_go_to_cpsat(monkeypatch):
    import cus_match.optimise.timeindexed.solve as ti

    inst = generate("tiny", seed=1)
    compat = build_compat(inst)
    monkeypatch.setattr(ti, "MODEL_MAX_Z", 0)
    hint = greedy_state(compat)
    chosen = {}
    for comp in active_components(compat):
        sol = _component(compat, comp, hint, time_limit=5)
        assert sol.method in ("cpsat", "cpsat-lns")
        assert sol.bound_minutes >= PRIMARY.value(compat, sol.chosen)
        chosen.update(sol.chosen)
    assert _violations(inst, compat, _result(compat, _plan(compat, chosen))) == []


def test_a_fixed_number_of_rounds_repeats_the_plan(rural, cpsat_optimum):
    # Deterministic mode: rounds, not the clock, end the search (an already passed deadline
    # does not stop it); the same seed gives the same plan.
    inst, compat = rural
    hint = greedy_state(compat)
    comp, _optimum = cpsat_optimum
    runs = [solve_timeindexed(compat, comp, PRIMARY, deadline=time.perf_counter() - 1,
                              hint=hint.chosen, mip_max_z=0, seed=5, rounds=3, sub_limit=30)
            for _ in range(2)]
    assert runs[0].chosen == runs[1].chosen
    assert runs[0].bound == runs[1].bound
    assert _violations(inst, compat, _result(compat, _plan(compat, runs[0].chosen))) == []


# Through solve(): the registered method -----------------------------------------------------

@settings(max_examples=8, deadline=None)
@given(tiny())
def test_solve_with_the_method_agrees_with_brute_force_and_bounds_it(inst):
    exact = brute_force(inst)
    r = solve(inst, method="timeindexed", time_limit=10)
    assert r.method == "timeindexed"
    assert r.objective == pytest.approx(exact, abs=1e-9)
    # The bound is proven: never below the best plan there is.
    assert r.bound >= exact - 1e-9
    assert r.status in (Status.OPTIMAL, Status.PARTIAL)


def test_solve_records_the_method_and_beats_the_greedy_on_rural(rural):
    inst, _compat = rural
    r = solve(inst, method="timeindexed", time_limit=20)
    assert {m.method for m in r.methods} == {"timeindexed"}
    assert r.objective >= solve(inst, method="greedy").objective
    assert r.bound == r.objective  # every rural component proven


def test_deterministic_mode_repeats_the_plan(rural):
    inst, _compat = rural
    a, b = (solve(inst, method="timeindexed", time_limit=60, work_limit=0.4, seed=4,
                  deterministic=True)
            for _ in range(2))
    assert a.to_records() == b.to_records()
    assert (a.objective, a.bound, a.status) == (b.objective, b.bound, b.status)


def test_a_process_pool_gives_the_serial_plan(rural):
    from concurrent.futures import ProcessPoolExecutor

    inst, _compat = rural
    serial = solve(inst, method="timeindexed", time_limit=60, work_limit=0.8,
                   deterministic=True)
    with ProcessPoolExecutor(2) as pool:
        parallel = solve(inst, method="timeindexed", time_limit=60, work_limit=0.8,
                         deterministic=True, executor=pool)
    assert parallel.to_records() == serial.to_records()
    assert (parallel.objective, parallel.bound) == (serial.objective, serial.bound)
    assert parallel.methods == serial.methods


def test_a_stop_returns_the_greedy_plan_stopped(rural):
    inst, _compat = rural
    r = solve(inst, method="timeindexed", time_limit=10, stop=lambda: True)
    assert r.status is Status.STOPPED
    assert r.objective >= solve(inst, method="greedy").objective


def test_a_stop_inside_the_lns_ends_it_with_the_plan_so_far(rural, cpsat_optimum,
                                                             monkeypatch):
    # No one-MIP attempt: the LP, then LNS, which looks at the stop before each sub-MIP. A
    # stop after a few looks ends the search long before its deadline, with a plan at least
    # as good as the hint.
    import cus_match.optimise.timeindexed.solve as ti

    monkeypatch.setattr(ti, "MIP_MAX_Z", 0)
    inst, compat = rural
    comp, _optimum = cpsat_optimum
    hint = greedy_state(compat)
    calls = []

    def stopped():
        calls.append(1)
        return len(calls) > 3

    t0 = time.perf_counter()
    sol = solve_component(compat, comp, hint, rule=FIFO, fixed=None,
                          options=SolveOptions(time_limit=60, stop=stopped),
                          deadline=Deadline.after(60), work=60.0)
    assert time.perf_counter() - t0 < 30
    # The LP, then three LNS rounds, then the stop (also looked at during each sub-MIP).
    assert len(calls) >= 4
    assert _violations(inst, compat, _result(compat, _plan(compat, sol.chosen))) == []
    assert PRIMARY.value(compat, sol.chosen) >= PRIMARY.value(
        compat, {i: v for i, v in hint.chosen.items() if i in set(comp)})


def test_solve_refuses_an_equity_rule_before_any_work(rural):
    inst, _compat = rural
    with pytest.raises(InvalidOptionError, match="not a linear objective"):
        solve(inst, method="timeindexed", rule="equity")


def test_auto_picks_flow_where_exact_timeindexed_where_it_fits_cpsat_elsewhere(rural,
                                                                                monkeypatch):
    import cus_match.optimise.solvers.auto as auto

    inst, compat = rural
    comps = active_components(compat)
    picked = {auto.pick(compat, c, FIFO, None).name for c in comps}
    assert picked <= {"flow", "timeindexed"}
    assert "timeindexed" in picked
    # Rules with a max-min stage are CP-SAT's; so are components over the threshold.
    assert {auto.pick(compat, c, RULES["equity"], None).name for c in comps} <= {"cpsat"}
    monkeypatch.setattr(auto, "TIMEINDEXED_MAX_Z", 0)
    assert {auto.pick(compat, c, FIFO, None).name for c in comps} <= {"flow", "cpsat"}
    r = solve(inst, time_limit=20)
    assert {m.method for m in r.methods} <= {"flow", "cpsat"}


def test_auto_proves_rural_with_the_time_indexed_model(rural):
    inst, _compat = rural
    r = solve(inst, time_limit=20)
    assert {m.method for m in r.methods} <= {"flow", "timeindexed"}
    assert r.bound == r.objective
    assert r.objective >= solve(inst, method="greedy").objective


def test_deterministic_auto_keeps_cpsat_and_takes_the_tighter_proven_bound(rural,
                                                                           monkeypatch):
    # Deterministic mode: CP-SAT plans (its limits count work), the time-indexed LP tightens
    # its bound. CP-SAT forced to LNS (its weak LP bound) shows it: auto's bound is the least
    # of the two, and still not below the proven optimum.
    import cus_match.optimise.solvers.auto as auto
    import cus_match.optimise.solvers.cpsat as cpsat

    inst, compat = rural
    assert {auto.pick(compat, c, FIFO, None, deterministic=True).name
            for c in active_components(compat)} <= {"flow", "cpsat"}
    optimum = solve(inst, method="timeindexed", time_limit=20)
    assert optimum.bound == optimum.objective
    monkeypatch.setattr(cpsat, "LNS_THRESHOLD", 0)
    # A small work limit under a roomy clock: the runs end by their work, not cut by the clock.
    lns = solve(inst, method="cpsat", time_limit=30, work_limit=0.16, deterministic=True)
    r = solve(inst, time_limit=30, work_limit=0.16, deterministic=True)
    assert not lns.cut_by_clock
    assert not r.cut_by_clock
    assert {m.method for m in r.methods} <= {"flow", "cpsat-lns"}
    assert optimum.objective <= r.bound <= lns.bound
    assert r.bound < lns.bound  # the LP without start times is weaker here
    again = solve(inst, time_limit=30, work_limit=0.16, deterministic=True)
    assert again.to_records() == r.to_records()


def test_the_polish_keeps_the_first_stage_s_visits_and_never_lowers_the_later_stages(rural):
    # Outside deterministic mode the later stages' polish frees starts and teams only: the
    # visits met are those of the first stage's plan (the same plan a one-stage rule gets,
    # from the same model and seed), and the later stages score at least as well.
    from cus_match.optimise.rules import lexicographic

    inst, compat = rural
    comp = max(active_components(compat), key=len)
    hint = greedy_state(compat)
    first_only = lexicographic("first", [{"weighted_coverage": 1}], "the first stage")
    one = _component(compat, comp, hint, rule=first_only, seed=1)
    both = _component(compat, comp, hint, seed=1)
    assert both.status is one.status is Status.OPTIMAL
    assert set(both.chosen) == set(one.chosen)
    assert FIFO.score(compat, both.chosen) >= FIFO.score(compat, one.chosen)
    assert FIFO.stages[1].value(compat, both.chosen) > FIFO.stages[1].value(compat, one.chosen)
    assert _violations(inst, compat, _result(compat, _plan(compat, both.chosen))) == []
    # Deterministic mode polishes the whole model, the earlier stages as floors: it may
    # trade met visits of equal first-stage value, never the value itself.
    det = _component(compat, comp, hint, seed=1, deterministic=True)
    assert PRIMARY.value(compat, det.chosen) == PRIMARY.value(compat, one.chosen)
    assert FIFO.score(compat, det.chosen) >= FIFO.score(compat, both.chosen)
