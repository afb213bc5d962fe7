"""Lagrangian knapsack bound of the GAP engine (cus_match.optimise.engine.lagrange)."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cus_match.optimise.engine import GapProblem, lagrange, solve_gap
from cus_match.optimise.engine import gap as engine_gap
from cus_match.optimise.engine.lagrange import (
    job_duals,
    knapsack_bound,
    lagrangian_bound,
)
from cus_match.optimise.engine.lp import solve_lp
from cus_match.optimise.engine.orlib import read_gap
from cus_match.optimise.engine.prep import prepare
from cus_match.plan.result import Status

_HERE = Path(__file__).resolve()
ORLIB = next((p for p in (_HERE.parents[1] / ".." / "shared" / "data" / "orlib",
                          _HERE.parents[3] / "shared" / "data" / "orlib") if p.is_dir()),
             _HERE.parents[1] / ".." / "shared" / "data" / "orlib")
needs_data = pytest.mark.skipif(not (ORLIB / "gap").is_dir(), reason="OR-Library data absent")


@st.composite
def tight_gaps(draw):
    """Dense GAPs, every job assigned, capacities that bind; some pairs without an arc."""
    m = draw(st.integers(1, 3))
    n = draw(st.integers(1, 6))
    weight = np.array(draw(st.lists(st.integers(1, 9), min_size=m * n, max_size=m * n)))
    cost = np.array(draw(st.lists(st.integers(-5, 20), min_size=m * n, max_size=m * n)))
    weight, cost = weight.reshape(m, n), cost.reshape(m, n)
    share = draw(st.floats(0.3, 1.0))
    cap = np.maximum(np.ceil(share * weight.sum(axis=1) / m * 1.5), weight.min(axis=1))
    missing = np.array(draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n)))
    missing = missing.reshape(m, n) & (draw(st.integers(0, 3)) == 0)
    agent, job = np.nonzero(~missing)
    return GapProblem(agent=agent, job=job, cost=cost[agent, job], weight=weight[agent, job],
                      capacity=cap.astype(int), n_agents=m, n_jobs=n)


def brute_force(p: GapProblem) -> tuple[int | None, list[tuple[int, np.ndarray]]]:
    """Optimum (minimisation) and every feasible assignment (cost, problem arc indices)."""
    arcs_of_job = [np.flatnonzero(p.job == j) for j in range(p.n_jobs)]
    sols: list[tuple[int, np.ndarray]] = []
    for combo in itertools.product(*arcs_of_job):
        arcs = np.array(combo, np.int64)
        load = np.bincount(p.agent[arcs], weights=p.weight[arcs], minlength=p.n_agents)
        if (load > p.capacity).any():
            continue
        sols.append((int(p.cost[arcs].sum()), arcs))
    return (min(v for v, _ in sols) if sols else None), sols


def test_knapsack_bound_and_its_example_solution():
    p = GapProblem.from_dense([[1, 2], [2, 1]], [[1, 1], [1, 1]], [1, 1])
    prep = prepare(p)
    bound, x = knapsack_bound(prep, np.array([3.0, 3.0]))
    assert (bound, x.tolist()) == (2.0, [1, 0, 0, 1])
    # At u = 0 nothing has a positive profit: the bound is 0 and nothing is taken.
    assert knapsack_bound(prep, np.zeros(2)) == (0.0, pytest.approx(np.zeros(4)))


@settings(max_examples=120, deadline=None)
@given(tight_gaps(), st.lists(st.floats(-10, 30), min_size=6, max_size=6))
def test_bound_is_below_the_optimum_for_any_multipliers_and_fixing_keeps_every_optimum(p, u):
    opt, sols = brute_force(p)
    prep = prepare(p)
    if opt is None:
        return
    # Any multipliers give a lower bound (minimisation).
    bound, _ = knapsack_bound(prep, np.array(u[: p.n_jobs]))
    assert bound <= opt + 1e-6
    lp = solve_lp(prep, 10.0)
    lr = lagrangian_bound(prep, job_duals(prep, lp.duals), upper=None, deadline=None)
    assert lr is not None
    assert lr.bound <= opt + 1e-6
    # Started from the LP's duals it is at least the LP bound.
    assert lr.bound >= lp.bound - 1e-6
    # Fixing for "cost below v + 1" keeps every arc of every solution costing v, whatever v.
    none = np.full(p.n_jobs, -1, np.int64)
    for v, arcs in sols:
        keep = lr.keep(v + 1, none, prep)
        kept = np.zeros(p.n_arcs, bool)
        kept[prep.arc[keep]] = True
        assert kept[arcs].all(), (v, arcs)
    # Every feasible solution satisfies the knapsack cuts given to CP-SAT.
    cuts = lr.cuts(prep, np.arange(prep.k))
    for _, arcs in sols:
        x = np.zeros(prep.k, np.int64)
        x[prep.from_problem_arcs(arcs)] = 1
        for cut_arcs, coeffs, rhs in cuts:
            assert int(coeffs @ x[cut_arcs]) <= rhs
    # The incumbent's own arcs always stay, even where nothing better can use them.
    inc = prep.from_problem_arcs(next(arcs for v, arcs in sols if v == opt))
    assert lr.keep(opt, inc, prep)[inc].all()


def test_optional_jobs_and_large_tables_are_not_relaxed(monkeypatch):
    q = prepare(GapProblem.from_dense([[-1, -2]], [[1, 1]], [1], assign_all=False))
    assert lagrangian_bound(q, np.zeros(2), upper=None, deadline=None) is None
    p = prepare(GapProblem.from_dense([[1, 2]], [[1, 1]], [2]))
    monkeypatch.setattr(lagrange, "LAGRANGE_CELLS", 1)
    assert lagrangian_bound(p, np.zeros(2), upper=None, deadline=None) is None


def _known_min() -> dict[str, int]:
    with open(ORLIB / "known_values.csv") as f:
        return {r["instance"]: int(r["best_known"]) for r in csv.DictReader(f)
                if r["sense"] == "min" and r["proven_optimal"] == "yes"}


@needs_data
@pytest.mark.parametrize("file", ["gap4.txt", "gap8.txt", "gap12.txt"])
def test_orlib_c_files_bound_between_lp_and_the_known_optimum(file):
    known = _known_min()
    for name, p in read_gap(ORLIB / "gap" / file, sense="min"):
        prep = prepare(p)
        lp = solve_lp(prep, 10.0)
        lr = lagrangian_bound(prep, job_duals(prep, lp.duals), upper=known[name],
                              deadline=None)
        assert lr is not None
        assert lp.bound - 1e-6 <= lr.bound <= known[name] + 1e-6, name


@needs_data
def test_c20200_bound_is_much_stronger_than_the_lp_and_fixes_most_arcs():
    _, p = read_gap(ORLIB / "gap" / "gapc.txt", sense="min")[5]
    prep = prepare(p)
    lp = solve_lp(prep, 10.0)
    lr = lagrangian_bound(prep, job_duals(prep, lp.duals), upper=2391, deadline=None)
    assert lr is not None
    # LP 2376.9; the knapsack relaxation closes most of the gap to the optimum 2391.
    assert 2385 < lr.bound <= 2391
    keep = lr.keep(2391, np.full(p.n_jobs, -1, np.int64), prep)
    assert keep.sum() < 0.15 * prep.k


@settings(max_examples=60, deadline=None)
@given(tight_gaps())
def test_solve_gap_with_the_lagrangian_phase_matches_brute_force(p):
    opt, _ = brute_force(p)
    # Small models skip the Lagrangian phase; lower the threshold so these run it.
    old = engine_gap.LAGRANGE_MIN_ARCS
    engine_gap.LAGRANGE_MIN_ARCS = -1
    try:
        s = solve_gap(p, time_limit=10, local_search=False)
    finally:
        engine_gap.LAGRANGE_MIN_ARCS = old
    if opt is None:
        assert s.status == Status.INFEASIBLE
        return
    assert (s.objective, s.status) == (opt, Status.OPTIMAL)
    assert s.bound == opt
