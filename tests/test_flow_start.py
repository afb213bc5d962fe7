"""The flow-guided start of large components: the LP's plan from a min-cost flow, rounded."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from hypothesis import given, settings

from cus_match.compat import build_compat
from cus_match.generate import generate
from cus_match.model.instance import Instance
from cus_match.optimise.rules import RULES
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.flow_start import flow_guided, flow_plan
from cus_match.optimise.solvers.greedy import greedy_state
from cus_match.optimise.solvers.relaxation import flow_bound
from cus_match.optimise.solvers.satmodel import as_state
from cus_match.optimise.solvers.state import assemble
from cus_match.plan.check import check
from cus_match.plan.result import Status
from strategies import instances

FIFO = RULES["fifo"]


@contextlib.contextmanager
def _flow_start_everywhere() -> Iterator[None]:
    import cus_match.optimise.solvers.cpsat as cp

    old = cp.LNS_THRESHOLD, cp.FLOW_START_PAIRS
    cp.LNS_THRESHOLD, cp.FLOW_START_PAIRS = 0, 0  # every component: LNS from the flow
    try:
        yield
    finally:
        cp.LNS_THRESHOLD, cp.FLOW_START_PAIRS = old


def _greedy_of(compat, comp):
    g = greedy_state(compat)
    return g, {i: g.chosen[i] for i in comp if i in g.chosen}


def _assert_flow_is_the_lp_plan(compat) -> None:
    for comp in compat.components():
        got = flow_plan(compat, comp)
        assert got is not None
        (bound, y, x), _duals = got
        assert bound == flow_bound(compat, comp, FIFO.stages[0])
        for i, yi in y.items():
            k = compat.inst.need(compat.occurrences[i].need).helpers_needed
            assert -1e-9 <= yi <= 1 + 1e-9
            assert abs(k * yi - sum(v for (j, _h), v in x.items() if j == i)) < 1e-9
        assert all(0 <= v <= 1 + 1e-9 for v in x.values())
        # The flow's value is the (floored) value of its plan: the arcs read are the right ones.
        value = sum(FIFO.stages[0].visit_coef(compat, i) * yi for i, yi in y.items())
        assert bound - 1e-6 <= value < bound + 1


@settings(max_examples=30, deadline=None)
@given(instances(max_helpers=5, max_needs=6))
def test_flow_plan_is_the_lp_plan_and_its_rounding_never_loses_to_greedy(inst: Instance):
    compat = build_compat(inst)
    _assert_flow_is_the_lp_plan(compat)
    for comp in compat.components():
        greedy, mine = _greedy_of(compat, comp)
        got = flow_guided(compat, comp, greedy)
        assert got.bound is not None
        assert got.duals is not None
        assert FIFO.score(compat, got.plan) >= FIFO.score(compat, mine)
        assert FIFO.stages[0].value(compat, got.plan) <= got.bound + 1e-6
        assert set(got.plan) <= set(comp)


@settings(max_examples=15, deadline=None)
@given(instances(max_helpers=5, max_needs=6))
def test_solves_started_from_the_flow_pass_the_checker(inst: Instance):
    with _flow_start_everywhere():
        r = solve(inst, method="cpsat", time_limit=2, deterministic=True)
    assert check(inst, r) == []
    assert r.objective >= solve(inst, method="greedy").objective - 1e-9
    assert r.bound is None or r.bound >= r.objective - 1e-6


@pytest.mark.parametrize("seed", [1, 2])
def test_flow_start_on_generated_rural_is_feasible_and_not_worse_than_greedy(seed: int):
    inst = generate("rural", seed=seed)
    compat = build_compat(inst)
    _assert_flow_is_the_lp_plan(compat)
    whole = {}
    for comp in compat.components():
        greedy, mine = _greedy_of(compat, comp)
        plan = flow_guided(compat, comp, greedy).plan
        assert FIFO.score(compat, plan) >= FIFO.score(compat, mine)
        whole.update(plan)
    # Feasible on its own: the checker accepts the roundings as the whole plan.
    result = assemble(as_state(compat, whole), method="flow-start", rule="fifo", seed=1,
                      runtime=0.0, status=Status.FEASIBLE, bound=None)
    assert check(inst, result) == []
    assert result.objective >= solve(inst, method="greedy").objective - 1e-9


def test_deterministic_mode_repeats_with_the_flow_start():
    from cus_match.generate import demo_instance

    inst = demo_instance()
    with _flow_start_everywhere():
        a = solve(inst, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True,
                  seed=7)
        b = solve(inst, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True,
                  seed=7)
    assert not a.cut_by_clock
    assert not b.cut_by_clock
    assert a.to_records() == b.to_records()
    assert a.objective == b.objective
    assert check(inst, a) == []


def test_equity_first_stage_has_no_flow_and_keeps_the_start():
    inst = generate("tiny", seed=1)
    compat = build_compat(inst)
    comp = list(range(len(compat.occurrences)))
    rule = next(r for r in RULES.values() if r.coupled)
    greedy, _mine = _greedy_of(compat, comp)
    assert flow_plan(compat, comp, rule) is None
    got = flow_guided(compat, comp, greedy, rule)
    assert got.bound is None
    assert rule.score(compat, got.plan) >= rule.score(
        compat, {i: greedy.chosen[i] for i in comp if i in greedy.chosen})
