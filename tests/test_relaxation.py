"""The LP without start times and its min-cost-flow form (cus_match.optimise.solvers.relaxation).

Both are proven upper bounds: checked against brute force on tiny instances and against
checked plans on generated ones; the flow form gives the LP's value where no row it relaxes
binds (the town), and what the ``cpsat`` method reports on a large component is the least of
its bounds.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from builders import pair_term_plan
from cus_match.compat import build_compat
from cus_match.generate import generate
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import RULES
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.components import active_components
from cus_match.optimise.solvers.lagrange import chain_minutes, lagrangian_bound
from cus_match.optimise.solvers.method import trivial_bound
from cus_match.optimise.solvers.relaxation import (
    flow_bound,
    flow_relaxation,
    lp_bound,
    lp_with_duals,
)
from strategies import instances
from test_cpsat import brute_force, tiny

FIFO = RULES["fifo"]
PRIMARY = FIFO.stages[0]


@settings(max_examples=25, deadline=None)
@given(tiny())
def test_flow_bound_is_at_least_the_optimum_and_the_lp(inst):
    exact = brute_force(inst)  # hours of priority-weighted visits
    compat = build_compat(inst)
    total_minutes = total_stage = 0.0
    for comp in active_components(compat):
        minutes = flow_bound(compat, comp)
        stage = flow_bound(compat, comp, PRIMARY)
        assert minutes is not None
        assert stage is not None
        # It relaxes the LP (required visits, resident-days with a team): never below it.
        assert minutes >= lp_bound(compat, comp) - 1e-6
        assert stage <= trivial_bound(compat, comp, FIFO)
        total_minutes += minutes
        total_stage += stage
    assert total_minutes / 60 >= exact - 1e-9
    assert total_stage / 6000 >= exact - 1e-9


@settings(max_examples=20, deadline=None)
@given(instances(max_helpers=4, max_needs=5))
def test_flow_bound_is_never_below_a_checked_plan_with_pair_terms(inst):
    compat, stage, chosen = pair_term_plan(inst)
    bound = sum(flow_bound(compat, comp, stage) for comp in active_components(compat))
    assert bound >= stage.value(compat, chosen)


@pytest.fixture(scope="module")
def town():
    inst = generate("town", seed=1)
    compat = build_compat(inst)
    return inst, compat, max(active_components(compat), key=len)


def test_flow_form_is_the_lp_on_the_town(town):
    _inst, compat, comp = town
    # 2026-12-03: both 10,222,500 on the large component (0.11 s against 0.36 s).
    assert flow_bound(compat, comp, PRIMARY) == lp_bound(compat, comp, PRIMARY)
    relaxation, duals = lp_with_duals(compat, comp, PRIMARY)
    assert duals is not None
    assert relaxation[0] == lp_bound(compat, comp, PRIMARY)
    assert set(duals.team) == set(relaxation[1])


def test_flow_bound_refuses_equity_and_stops_at_the_deadline(town):
    _inst, compat, comp = town
    assert flow_bound(compat, comp, RULES["equity"].stages[0]) is None
    assert flow_bound(compat, comp, PRIMARY, Deadline.after(0)) is None
    assert flow_bound(compat, [], PRIMARY) == 0.0


def test_cpsat_reports_the_least_of_its_bounds_on_the_town(town):
    inst, compat, _comp = town
    r = solve(inst, method="cpsat", time_limit=10, seed=1)
    lp = sum(lp_bound(compat, c, PRIMARY) for c in active_components(compat)) / 6000
    assert r.objective <= r.bound
    # The chains' bound, started from the LP's duals, is below the LP's at its first round.
    assert r.bound < lp


@settings(max_examples=15, deadline=None)
@given(tiny())
def test_chains_priced_by_the_flows_duals_bound_the_optimum(inst):
    exact = brute_force(inst)
    compat = build_compat(inst)
    total = 0.0
    for comp in active_components(compat):
        got = flow_relaxation(compat, comp, PRIMARY)
        assert got is not None
        chains = lagrangian_bound(compat, comp, PRIMARY, start=got[1], rounds=1,
                                  tighten=False)
        assert chains is not None
        total += chains.value
    assert total / 6000 >= exact - 1e-9


@settings(max_examples=25, deadline=None)
@given(tiny())
def test_helper_days_held_to_their_longest_chains_still_bound_the_optimum(inst):
    exact = brute_force(inst)
    compat = build_compat(inst)
    total_minutes = total_stage = 0.0
    for comp in active_components(compat):
        held = chain_minutes(compat, comp)
        minutes = flow_bound(compat, comp, day_minutes=held)
        stage = flow_bound(compat, comp, PRIMARY, day_minutes=held)
        assert minutes is not None
        assert stage is not None
        # A cut: never above the plain flow.
        assert stage <= flow_bound(compat, comp, PRIMARY)
        total_minutes += minutes
        total_stage += stage
    assert total_minutes / 60 >= exact - 1e-9
    assert total_stage / 6000 >= exact - 1e-9


@settings(max_examples=20, deadline=None)
@given(instances(max_helpers=4, max_needs=5))
def test_the_held_flow_is_never_below_a_checked_plan_with_pair_terms(inst):
    compat, stage, chosen = pair_term_plan(inst)
    bound = sum(flow_bound(compat, comp, stage, day_minutes=chain_minutes(compat, comp))
                for comp in active_components(compat))
    assert bound >= stage.value(compat, chosen)


def test_the_held_flow_is_tighter_on_the_town(town):
    _inst, compat, comp = town
    plain = flow_bound(compat, comp, PRIMARY)
    held = flow_bound(compat, comp, PRIMARY, day_minutes=chain_minutes(compat, comp))
    assert plain is not None
    assert held is not None
    # Town seed 1, 2026-12-03 (fourth session): 1683.0 hours against 1703.75.
    assert held < plain * 0.995


def test_the_flows_duals_price_the_town_below_the_lp(town):
    _inst, compat, comp = town
    got = flow_relaxation(compat, comp, PRIMARY)
    assert got is not None
    value, duals = got
    chains = lagrangian_bound(compat, comp, PRIMARY, start=duals, rounds=1, tighten=False)
    assert chains is not None
    # 2026-12-03: 10,180,500 after one round against the LP's 10,222,500.
    assert chains.value < value
    # The held flow's duals price lower still (fourth session: 10,063,500, 1677.25 hours).
    held = lagrangian_bound(compat, comp, PRIMARY, start=duals, rounds=2)
    assert held is not None
    assert held.flow is not None
    assert held.value < chains.value
    assert held.value <= held.flow < value


def test_cpsat_without_glop_takes_the_flows_bound_and_duals(town, monkeypatch):
    import cus_match.optimise.solvers.cpsat as cpsat

    inst, compat, _comp = town
    monkeypatch.setattr(cpsat, "FLOW_START_PAIRS", 0)
    r = solve(inst, method="cpsat", time_limit=10, seed=1)
    lp = sum(lp_bound(compat, c, PRIMARY) for c in active_components(compat)) / 6000
    assert r.objective <= r.bound < lp


def test_the_time_indexed_lp_without_travel_rows_is_still_a_bound(town):
    from cus_match.optimise.timeindexed.backends import lp_solution
    from cus_match.optimise.timeindexed.model import build_model, stage_costs

    _inst, compat, comp = town
    full = build_model(compat, comp)
    cliques = build_model(compat, comp, travel_rows=False)
    assert cliques.rows_per_rule.get("helper_travel", 0) == 0
    assert full.rows_per_rule["helper_travel"] > 0
    a = lp_solution(full, stage_costs(compat, full, PRIMARY), time_limit=120)
    b = lp_solution(cliques, stage_costs(compat, cliques, PRIMARY), time_limit=120)
    assert a is not None
    assert b is not None
    # A relaxation of the full model: never below it (town seed 1: equal, 1623.37 hours).
    assert b[0] >= a[0] - 1e-6
