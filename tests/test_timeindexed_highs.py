"""HiGHS through MathOpt on the time-indexed model: bound, time-out, MIP start, stop, strategies.

The bound HiGHS reports (also when its time limit stops it) is compared with brute force on tiny
instances; a time-out on the town's large component must still give a plan the independent
checker accepts, at least as good as the MIP start, with a bound not below it; a stop during a
long HiGHS run must return within about a second.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings

import cus_match.optimise.timeindexed.solve as ti
from cus_match.compat import build_compat
from cus_match.generate import generate
from cus_match.optimise.rules import RULES
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.components import active_components
from cus_match.optimise.solvers.greedy import greedy_state
from cus_match.optimise.solvers.state import PlanState, assemble
from cus_match.optimise.timeindexed import solve_timeindexed
from cus_match.optimise.timeindexed.backends import model_proto, run_backend
from cus_match.optimise.timeindexed.model import build_model, decode, stage_costs
from cus_match.optimise.timeindexed.solve import STRATEGIES, plan_vector
from cus_match.plan.check import check
from cus_match.plan.result import Status
from test_cpsat import brute_force, tiny

PRIMARY = RULES["fifo"].stages[0]


def _checked(inst, compat, chosen, rest):
    """Checker findings of ``chosen`` with ``rest`` (other components' visits) around it."""
    state = PlanState(compat)
    for i, (s, team) in sorted({**rest, **chosen}.items()):
        state.add(i, s, team)
    result = assemble(state, method="timeindexed", rule="fifo", seed=0, runtime=0.0,
                      status=Status.FEASIBLE, bound=None)
    hopeless = {(o.need, o.date) for o, cands in zip(compat.occurrences, compat.candidates,
                                                     strict=True) if not cands}
    return [v for v in check(inst, result)
            if not (v.code == "required_unmet" and (v.need, v.date) in hopeless)]


@settings(max_examples=6, deadline=None)
@given(tiny())
def test_every_strategy_agrees_with_brute_force_and_bounds_it(inst):
    # POLISH_MAX_Z = 0 sends even tiny components down each strategy's large-component path
    # (LP, LNS and the hinted MIP in its order), not the early one-MIP attempt.
    exact = brute_force(inst)
    compat = build_compat(inst)
    hint = greedy_state(compat).chosen
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ti, "POLISH_MAX_Z", 0)
        for strategy in STRATEGIES:
            chosen: dict = {}
            bound = 0.0
            for comp in active_components(compat):
                sol = solve_timeindexed(compat, comp, PRIMARY, hint=hint, strategy=strategy,
                                        deadline=time.perf_counter() + 1)
                chosen.update(sol.chosen)
                bound += sol.bound
            assert _checked(inst, compat, chosen, {}) == []
            value = PRIMARY.value(compat, chosen)
            assert value >= PRIMARY.value(compat, hint)
            assert value / 6000 <= exact + 1e-9
            assert bound / 6000 >= exact - 1e-9, strategy


@settings(max_examples=6, deadline=None)
@given(tiny())
def test_the_highs_bound_is_never_below_the_optimum(inst):
    exact = brute_force(inst)
    compat = build_compat(inst)
    bound = 0.0
    chosen: dict = {}
    for comp in active_components(compat):
        m = build_model(compat, comp)
        out = run_backend(m, stage_costs(compat, m, PRIMARY), backend="highs", time_limit=5)
        bound += out.bound
        assert out.proven
        assert out.x is not None
        chosen.update(decode(compat, m, out.x))
    assert _checked(inst, compat, chosen, {}) == []
    assert PRIMARY.value(compat, chosen) / 6000 == pytest.approx(exact, abs=1e-9)
    assert bound / 6000 >= exact - 1e-9


def test_a_plan_survives_the_round_trip_through_columns():
    compat = build_compat(generate("rural", seed=2))
    plan = greedy_state(compat).chosen
    for comp in active_components(compat):
        m = build_model(compat, comp)
        mine = {i: plan[i] for i in sorted(plan) if i in set(comp)}
        x = plan_vector(compat, m, mine)
        assert decode(compat, m, x) == mine
        # Every row holds at the plan's columns: HiGHS can take it as its MIP start.
        rows = np.repeat(np.arange(m.num_rows), np.diff(m.a_start))
        act = np.bincount(rows, weights=m.a_value * x[m.a_index], minlength=m.num_rows)
        assert ((act >= m.row_lower - 1e-9) & (act <= m.row_upper + 1e-9)).all()


def test_the_proto_sums_repeated_terms_and_adds_floors():
    compat = build_compat(generate("tiny", seed=1))
    m = build_model(compat, range(len(compat.occurrences)))
    cost = stage_costs(compat, m, PRIMARY)
    p = model_proto(m, cost, floors=[(cost, 5.0)])
    assert len(p.linear_constraints.ids) == m.num_rows + 1
    assert p.linear_constraints.lower_bounds[-1] == 5.0
    pairs = list(zip(p.linear_constraint_matrix.row_ids, p.linear_constraint_matrix.column_ids,
                     strict=True))
    assert pairs == sorted(set(pairs))


@pytest.fixture(scope="module")
def town():
    inst = generate("town", seed=1)
    compat = build_compat(inst)
    comp = max(active_components(compat), key=len)
    model = build_model(compat, comp)
    greedy = greedy_state(compat).chosen
    mine = {i: greedy[i] for i in sorted(greedy) if i in set(comp)}
    rest = {i: v for i, v in greedy.items() if i not in set(comp)}
    return inst, compat, model, mine, rest


def test_a_highs_time_out_returns_a_checked_plan_at_least_the_start_and_a_bound(town):
    inst, compat, model, mine, rest = town
    cost = stage_costs(compat, model, PRIMARY)
    start = PRIMARY.value(compat, mine)
    out = run_backend(model, cost, backend="highs", time_limit=4,
                      hint=plan_vector(compat, model, mine))
    assert not out.proven
    assert not out.infeasible
    assert out.x is not None
    got = decode(compat, model, out.x)
    assert _checked(inst, compat, got, rest) == []
    assert PRIMARY.value(compat, got) == out.objective >= start
    assert out.bound >= out.objective


def test_a_stop_during_a_long_highs_run_returns_within_a_second(town):
    # HiGHS under MathOpt ignores the interrupter (OR-Tools 9.15): the call returns on the
    # stop with nothing, and the run ends at its own limit (10 s here) in the background.
    _inst, compat, model, mine, _rest = town
    cost = stage_costs(compat, model, PRIMARY)
    hint = plan_vector(compat, model, mine)
    t0 = time.perf_counter()
    said: list[float] = []

    def stopped():
        if time.perf_counter() - t0 > 1.0:
            said.append(time.perf_counter())
            return True
        return False

    out = run_backend(model, cost, backend="highs", time_limit=10, hint=hint, stopped=stopped)
    assert said
    assert time.perf_counter() - said[0] < 1.0
    assert out.x is None
    assert not out.proven


def test_two_highs_runs_at_once_give_each_a_checked_plan(town):
    # The "parallel" strategy runs the whole-model MIP on a thread while LNS solves sub-MIPs:
    # two HiGHS instances at once must not disturb each other.
    import threading

    inst, compat, model, mine, rest = town
    cost = stage_costs(compat, model, PRIMARY)
    hint = plan_vector(compat, model, mine)
    outs = []
    runs = [threading.Thread(target=lambda: outs.append(
        run_backend(model, cost, backend="highs", time_limit=3, hint=hint))) for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert len(outs) == 2
    for out in outs:
        assert out.x is not None
        assert _checked(inst, compat, decode(compat, model, out.x), rest) == []
        assert out.bound >= out.objective >= PRIMARY.value(compat, mine)


def test_parallel_strategy_on_the_town_keeps_a_checked_plan_and_a_bound(town):
    inst, compat, model, mine, rest = town
    comp = list(model.comp)
    sol = solve_timeindexed(compat, comp, PRIMARY, hint=mine, workers=2,
                            deadline=time.perf_counter() + 8)
    assert _checked(inst, compat, sol.chosen, rest) == []
    assert sol.bound >= PRIMARY.value(compat, sol.chosen) >= PRIMARY.value(compat, mine)


@pytest.mark.slow
def test_a_stop_in_solve_during_the_highs_mip_returns_the_best_plan(town, monkeypatch):
    # "mip-lns" starts the town's large component with one HiGHS MIP: a stop 4 s in lands in
    # it, and solve() returns within about a second with the greedy plan, checked, stopped.
    inst, _compat, _model, _mine, _rest = town
    monkeypatch.setattr(ti, "STRATEGY", "mip-lns")
    t0 = time.perf_counter()
    r = solve(inst, method="timeindexed", time_limit=60,
              stop=lambda: time.perf_counter() - t0 > 4.0)
    took = time.perf_counter() - t0
    # About a second on a quiet machine; the margin is for a loaded one: without the stop the
    # MIP alone would run on to half the 60 s limit.
    assert took < 4.0 + 10.0, took
    assert r.status is Status.STOPPED
    assert r.objective >= solve(inst, method="greedy").objective
    assert r.bound is None or r.bound >= r.objective


def test_a_start_outside_the_column_bounds_is_not_an_error():
    # An empty plan leaves the required visits' y at 0 below their lower bound 1: HiGHS
    # fails outright on such a start (kError), so the backend keeps it within the bounds.
    compat = build_compat(generate("rural", seed=1))
    comp = max(active_components(compat), key=len)
    m = build_model(compat, comp)
    assert (m.lower > 0).any()
    cost = stage_costs(compat, m, PRIMARY)
    out = run_backend(m, cost, backend="highs", time_limit=20, hint=np.zeros(m.num_cols))
    assert out.proven
    assert out.objective == run_backend(m, cost, backend="highs", time_limit=20).objective


def test_highs_options_reach_highs_and_leave_the_optimum_alone():
    # Options by HiGHS's own names go through MathOpt's HighsOptionsProto: presolve off and a
    # heuristic effort change the path, never the proven optimum; a misspelt one is an error.
    compat = build_compat(generate("tiny", seed=1))
    m = build_model(compat, range(len(compat.occurrences)))
    cost = stage_costs(compat, m, PRIMARY)
    plain = run_backend(m, cost, backend="highs", time_limit=10)
    tuned = run_backend(m, cost, backend="highs", time_limit=10,
                        highs_options={"presolve": "off", "mip_heuristic_effort": 0.3,
                                       "mip_max_start_nodes": 100,
                                       "mip_heuristic_run_zi_round": True})
    assert plain.proven
    assert tuned.proven
    assert tuned.objective == plain.objective == plain.bound
    with pytest.raises(RuntimeError):
        run_backend(m, cost, backend="highs", time_limit=10,
                    highs_options={"no_such_option": 1})


def test_the_rens_step_on_the_town_keeps_a_checked_plan_and_the_lp_bound(town):
    # "rens": the LP, one HiGHS MIP over its support (the rest fixed at 0), then LNS. The plan
    # is the whole model's (checked with the other component's visits around it), never below
    # the start, and the bound is still the whole model's LP, not the sub-MIP's.
    inst, compat, model, mine, rest = town
    comp = list(model.comp)
    sol = solve_timeindexed(compat, comp, PRIMARY, hint=mine, strategy="rens",
                            deadline=time.perf_counter() + 10)
    assert _checked(inst, compat, sol.chosen, rest) == []
    assert sol.bound >= PRIMARY.value(compat, sol.chosen) >= PRIMARY.value(compat, mine)
    assert sol.bound <= ti.lp_bound(compat, comp, PRIMARY) + 1e-9


def test_deterministic_mode_runs_the_same_steps_whatever_the_strategy(monkeypatch):
    # Deterministic mode keeps the steps of "lns" (RENS and the whole-model MIP first are
    # clock-bound): the default strategy gives the plan the old default gave.
    inst = generate("rural", seed=1)
    got = solve(inst, method="timeindexed", deterministic=True, time_limit=20)
    monkeypatch.setattr(ti, "STRATEGY", "lns")
    old = solve(inst, method="timeindexed", deterministic=True, time_limit=20)
    assert got.assignments == old.assignments
    assert got.objective == old.objective
