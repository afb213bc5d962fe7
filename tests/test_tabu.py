"""Tabu search of the GAP engine (cus_match.optimise.engine.tabu) against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cus_match.optimise.engine import GapProblem, solve_gap
from cus_match.optimise.engine import gap as engine_gap
from cus_match.optimise.engine.prep import prepare
from cus_match.optimise.engine.tabu import tabu_search
from cus_match.plan.result import Status


@st.composite
def tight_gaps(draw):
    """Dense GAPs with every job assigned and capacities that bind (as in type D)."""
    m = draw(st.integers(2, 3))
    n = draw(st.integers(2, 7))
    weight = np.array(draw(st.lists(st.integers(1, 9), min_size=m * n, max_size=m * n)))
    cost = np.array(draw(st.lists(st.integers(0, 20), min_size=m * n, max_size=m * n)))
    weight, cost = weight.reshape(m, n), cost.reshape(m, n)
    share = draw(st.floats(0.4, 1.0))
    cap = np.maximum(np.ceil(share * weight.sum(axis=1) / m * 1.5), weight.min(axis=1))
    return GapProblem.from_dense(cost, weight, cap.astype(int))


def brute_force(p: GapProblem) -> tuple[int | None, np.ndarray | None, np.ndarray | None]:
    """Optimum, an optimal and a worst feasible assignment (None when infeasible)."""
    c = np.zeros((p.n_agents, p.n_jobs), np.int64)
    w = np.zeros((p.n_agents, p.n_jobs), np.int64)
    c[p.agent, p.job] = p.cost
    w[p.agent, p.job] = p.weight
    best = worst = None
    cols = np.arange(p.n_jobs)
    for combo in itertools.product(range(p.n_agents), repeat=p.n_jobs):
        ag = np.array(combo)
        if (np.bincount(ag, weights=w[ag, cols], minlength=p.n_agents) > p.capacity).any():
            continue
        v = int(c[ag, cols].sum())
        if best is None or v < best[0]:
            best = (v, ag)
        if worst is None or v > worst[0]:
            worst = (v, ag)
    if best is None or worst is None:
        return None, None, None
    return best[0], best[1], worst[1]


@settings(max_examples=80, deadline=None)
@given(tight_gaps(), st.integers(0, 3), st.booleans())
def test_tabu_from_the_worst_plan_is_feasible_never_worse_and_finds_the_optimum(p, seed,
                                                                               chains):
    opt, _, worst = brute_force(p)
    if opt is None:
        return
    prep = prepare(p)
    start = prep.from_problem_arcs(p.arcs_of(worst))
    out = tabu_search(prep, start, seed=seed, deadline=None, max_iters=3000, chains=chains)
    assert prep.is_feasible(out)
    assert prep.cost_of(out) <= prep.cost_of(start)
    # Tiny problems: the walk (through infeasible plans too) reaches the optimum.
    assert prep.cost_of(out) == opt
    again = tabu_search(prep, start, seed=seed, deadline=None, max_iters=3000, chains=chains)
    assert again.tolist() == out.tolist()


def test_an_ejection_chain_is_the_one_move_that_improves():
    # Jobs 0, 1, 2 on agents 0, 1, 2 cost 3 + 3 + 0; agents 0 and 1 hold one job, agent 2
    # two. Job 0 is cheaper on agent 1 (full), whose job 1 is cheaper on agent 2: the chain
    # "job 0 to agent 1, ejecting job 1 to agent 2" costs 1 + 1 + 0 = 2. The best shift (job 1
    # to agent 2) gives 4, the swap of jobs 0 and 1 gives 10.
    cost = [[3, 9, 9], [1, 3, 9], [9, 1, 0]]
    weight = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    p = GapProblem.from_dense(cost, weight, [1, 1, 2])
    prep = prepare(p)
    start = prep.from_problem_arcs(p.arcs_of(np.array([0, 1, 2])))
    one = tabu_search(prep, start, seed=0, deadline=None, max_iters=1)
    assert prep.job_agent(one).tolist() == [1, 2, 2]
    assert prep.cost_of(one) == 2
    plain = tabu_search(prep, start, seed=0, deadline=None, max_iters=1, chains=False)
    assert prep.cost_of(plain) > 2


def test_an_ejection_chain_of_depth_3_is_the_best_single_move():
    # Jobs 0-3 on agents 0-3; agents 0-2 hold one job, agent 3 two. Each of jobs 0, 1, 2 is
    # cheaper on the next agent: the chain 0 -> 1, 1 -> 2, 2 -> 3 costs 1 + 1 + 1 + 0 = 3
    # from 3 + 3 + 3 + 0 = 9. The best chain of depth 2 (1 -> 2, 2 -> 3) gives 5, the best
    # shift (2 -> 3) 7.
    cost = [[3, 9, 9, 9], [1, 3, 9, 9], [9, 1, 3, 9], [9, 9, 1, 0]]
    p = GapProblem.from_dense(cost, np.ones((4, 4), int), [1, 1, 1, 2])
    prep = prepare(p)
    start = prep.from_problem_arcs(p.arcs_of(np.array([0, 1, 2, 3])))
    one = tabu_search(prep, start, seed=0, deadline=None, max_iters=1)
    assert prep.job_agent(one).tolist() == [1, 2, 3, 3]
    assert prep.cost_of(one) == 3
    two = tabu_search(prep, start, seed=0, deadline=None, max_iters=1, depth3=False)
    assert prep.cost_of(two) == 5


@settings(max_examples=60, deadline=None)
@given(tight_gaps(), st.integers(0, 3), st.data())
def test_tabu_with_any_guide_stays_feasible_and_repeats(p, seed, data):
    """Any guide (it only orders the candidate lists): what is returned fits the capacities,
    is no worse than the start and the optimum is below it; same seed, same walk."""
    opt, _, worst = brute_force(p)
    if opt is None:
        return
    prep = prepare(p)
    guide = np.array(data.draw(st.lists(st.integers(-5, 5), min_size=prep.k,
                                        max_size=prep.k)), float)
    start = prep.from_problem_arcs(p.arcs_of(worst))
    runs = []
    for _ in range(2):
        out = tabu_search(prep, start, seed=seed, deadline=None, max_iters=300, guide=guide)
        runs.append(out.tolist())
        assert prep.is_feasible(out)
        assert opt <= prep.cost_of(out) <= prep.cost_of(start)
    assert runs[0] == runs[1]


def test_tabu_stops_at_a_target_and_leaves_what_it_cannot_search():
    p = GapProblem.from_dense([[1, 5, 4], [4, 2, 6]], [[2, 1, 2], [1, 2, 1]], [2, 3])
    prep = prepare(p)
    start = prep.from_problem_arcs(p.arcs_of(np.array([1, 0, 1])))  # cost 4 + 5 + 6 = 15
    out = tabu_search(prep, start, seed=0, deadline=None, max_iters=10**6, target=15)
    assert out.tolist() == start.tolist()  # already at the target: no move made
    optional = GapProblem.from_dense([[1, 2]], [[1, 1]], [2], assign_all=False)
    q = prepare(optional)
    s = np.array([0, 1])
    assert tabu_search(q, s, seed=0, deadline=None, max_iters=10).tolist() == [0, 1]


@pytest.mark.parametrize("deterministic", [False, True])
def test_solve_gap_with_tabu_rounds_keeps_its_promises(deterministic, monkeypatch):
    """Tight problems take the tabu rounds (fixing keeps every arc): the answer is feasible,
    the bound below it, and deterministic mode repeats itself."""
    monkeypatch.setattr(engine_gap, "LOOSE", -1.0)  # every problem counts as loosely fixed
    rng = np.random.default_rng(3)
    w = rng.integers(5, 25, size=(4, 24))
    c = 111 - w + rng.integers(-10, 11, size=w.shape)
    p = GapProblem.from_dense(c, w, (0.8 * w.sum(axis=1) / 4).astype(int))
    runs = [solve_gap(p, time_limit=1.0, seed=1, deterministic=deterministic)
            for _ in range(2 if deterministic else 1)]
    s = runs[0]
    assert s.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert s.bound is not None
    assert s.bound <= s.objective
    loads = np.bincount(s.job_agent, weights=w[s.job_agent, np.arange(24)], minlength=4)
    assert (loads <= p.capacity).all()
    assert s.objective == int(c[s.job_agent, np.arange(24)].sum())
    if deterministic:
        assert runs[1].job_agent.tolist() == s.job_agent.tolist()
