"""The assignment engine (cus_match.optimise.engine) against brute force, its own promises and
OR-Library."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.optimise.engine import GapProblem, GapSolution, solve_gap, solve_lap
from cus_match.optimise.engine import gap as engine_solve
from cus_match.optimise.engine import lap as lap_module
from cus_match.optimise.engine.cpsat import CpsatResult
from cus_match.optimise.engine.orlib import read_assign, read_gap
from cus_match.plan.result import Status

# The shared data sits beside the main checkout (../shared) or two levels up from a worktree.
_HERE = Path(__file__).resolve()
ORLIB = next((p for p in (_HERE.parents[1] / ".." / "shared" / "data" / "orlib",
                          _HERE.parents[3] / "shared" / "data" / "orlib") if p.is_dir()),
             _HERE.parents[1] / ".." / "shared" / "data" / "orlib")


# ------------------------------------------------------------------------------------------
# Strategies and independent references


@st.composite
def gaps(draw, uniform: bool = False, max_agents: int = 3, max_jobs: int = 7):
    """Tiny GAPs: any sense, assign_all or optional, sparse arcs, agent-dependent weights."""
    m = draw(st.integers(1, max_agents))
    n = draw(st.integers(0, max_jobs))
    pairs = [(i, j) for i in range(m) for j in range(n)]
    mask = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    arcs = [p for p, keep in zip(pairs, mask, strict=True) if keep or draw(st.booleans())]
    k = len(arcs)
    cost = draw(st.lists(st.integers(-5, 20), min_size=k, max_size=k))
    if uniform:
        per_agent = draw(st.lists(st.integers(0, 4), min_size=m, max_size=m))
        weight = [per_agent[i] for i, _ in arcs]
    else:
        weight = draw(st.lists(st.integers(0, 6), min_size=k, max_size=k))
    capacity = draw(st.lists(st.integers(0, 12), min_size=m, max_size=m))
    return GapProblem(
        m, n,
        agent=np.array([i for i, _ in arcs], np.int64),
        job=np.array([j for _, j in arcs], np.int64),
        cost=np.array(cost, np.int64), weight=np.array(weight, np.int64),
        capacity=np.array(capacity, np.int64),
        sense=draw(st.sampled_from(["min", "max"])),
        assign_all=draw(st.booleans()),
    )


def brute_force(p: GapProblem) -> int | float | None:
    """Optimal objective by enumerating every assignment (None when infeasible)."""
    n = p.n_jobs
    options = []
    for j in range(n):
        arcs = [int(k) for k in np.flatnonzero(p.job == j)]
        options.append(arcs + ([] if p.assign_all else [-1]))
    best = None
    for choice in itertools.product(*options):
        load = np.zeros(p.n_agents, np.int64)
        total = 0
        for k in choice:
            if k >= 0:
                load[p.agent[k]] += p.weight[k]
                total += p.cost[k]
        if (load > p.capacity).any():
            continue
        if best is None or (total < best if p.sense == "min" else total > best):
            best = total
    return best


def assert_feasible(p: GapProblem, s: GapSolution) -> None:
    """Check a solution without engine code: arcs exist, one agent per job, capacities."""
    ja = s.job_agent
    assert ja.shape == (p.n_jobs,)
    pairs = {(int(a), int(j)): k for k, (a, j) in enumerate(zip(p.agent, p.job, strict=True))}
    load = np.zeros(p.n_agents, np.int64)
    total = 0
    for j, a in enumerate(ja.tolist()):
        if a < 0:
            assert not p.assign_all, f"job {j} unassigned"
            continue
        assert (a, j) in pairs, f"job {j} given to agent {a} without an arc"
        k = pairs[(a, j)]
        assert s.job_arc[j] == k
        load[a] += p.weight[k]
        total += p.cost[k]
    assert (load <= p.capacity).all(), f"loads {load} over {p.capacity}"
    assert s.objective == pytest.approx(total)


def better_or_equal(a: float, b: float, sense: str) -> bool:
    return a <= b + 1e-9 if sense == "min" else a >= b - 1e-9


# ------------------------------------------------------------------------------------------
# Against brute force


@given(gaps())
def test_cpsat_objective_equals_brute_force(p):
    opt = brute_force(p)
    s = solve_gap(p, method="cpsat", time_limit=5)
    if opt is None:
        assert s.status is Status.INFEASIBLE
        assert (s.job_agent == -1).all()
        assert s.objective is None
        return
    assert s.status is Status.OPTIMAL
    assert s.objective == opt
    assert s.bound == opt
    assert s.gap == 0
    assert_feasible(p, s)


@given(gaps(uniform=True))
def test_flow_is_exact_with_one_weight_per_agent(p):
    opt = brute_force(p)
    s = solve_gap(p, method="flow")
    assert s.method == "flow"
    if opt is None:
        assert s.status is Status.INFEASIBLE
        return
    assert s.status is Status.OPTIMAL
    assert s.objective == opt
    assert_feasible(p, s)
    assert solve_gap(p).method == "flow"  # auto takes the exact flow


@given(gaps())
def test_flow_and_lp_bounds_are_valid_and_their_solutions_feasible(p):
    opt = brute_force(p)
    for method in ("flow", "lp"):
        s = solve_gap(p, method=method, time_limit=5)
        if opt is None:
            assert s.status in (Status.INFEASIBLE, Status.NO_SOLUTION)
            assert s.objective is None
            continue
        assert s.status is not Status.INFEASIBLE
        assert s.bound is not None
        assert better_or_equal(s.bound, opt, p.sense), (method, s.bound, opt)
        if s.status is Status.NO_SOLUTION:
            assert (s.job_agent == -1).all()
            continue
        assert_feasible(p, s)
        assert better_or_equal(opt, s.objective, p.sense)
        if s.status is Status.OPTIMAL:
            assert s.objective == opt


@pytest.mark.slow
@settings(max_examples=80)
@given(gaps(), st.integers(1, 3))
def test_float_costs_give_the_same_optimum(p, divisor):
    q = GapProblem(p.n_agents, p.n_jobs, p.agent, p.job, p.cost / (10.0 * divisor), p.weight,
                   p.capacity, sense=p.sense, assign_all=p.assign_all)
    opt = brute_force(p)
    s = solve_gap(q, method="cpsat", time_limit=5)
    if opt is None:
        assert s.status is Status.INFEASIBLE
        return
    assert s.objective == pytest.approx(opt / (10.0 * divisor))
    assert isinstance(s.objective, float)
    assert_feasible(q, s)


@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_lap_equals_brute_force(r, c, data):
    cost = np.array(data.draw(st.lists(st.integers(-9, 30), min_size=r * c, max_size=r * c)))
    cost = cost.reshape(r, c)
    sense = data.draw(st.sampled_from(["min", "max"]))
    s = solve_lap(cost, sense)
    pick = min if sense == "min" else max
    if r <= c:
        best = pick(sum(cost[i, perm[i]] for i in range(r))
                    for perm in itertools.permutations(range(c), r))
    else:
        best = pick(sum(cost[perm[j], j] for j in range(c))
                    for perm in itertools.permutations(range(r), c))
    assert s.status is Status.OPTIMAL
    assert s.objective == best
    used = s.row_col[s.row_col >= 0]
    assert len(set(used.tolist())) == used.size == min(r, c)
    assert sum(cost[i, j] for i, j in enumerate(s.row_col.tolist()) if j >= 0) == best


@pytest.mark.parametrize("backend", ["scipy", "ortools"])
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_sparse_lap_equals_brute_force_on_each_backend(backend, r, c, data):
    """Both sparse backends (scipy's matching and OR-Tools) agree with brute force, zero and
    negative costs and repeated pairs (the cheapest counts) included."""
    pairs = data.draw(st.lists(st.tuples(st.integers(0, r - 1), st.integers(0, c - 1)),
                               min_size=1, max_size=2 * r * c))
    cost = np.array(data.draw(st.lists(st.integers(-9, 9), min_size=len(pairs),
                                       max_size=len(pairs))))
    sense = data.draw(st.sampled_from(["min", "max"]))
    rows = np.array([p[0] for p in pairs])
    cols = np.array([p[1] for p in pairs])
    pick = min if sense == "min" else max
    best_of: dict[tuple[int, int], int] = {}
    for (i, j), v in zip(pairs, cost.tolist(), strict=True):
        best_of[(i, j)] = pick(best_of.get((i, j), v), v)
    values = []
    if r <= c:
        for perm in itertools.permutations(range(c), r):
            if all((i, perm[i]) in best_of for i in range(r)):
                values.append(sum(best_of[(i, perm[i])] for i in range(r)))
    else:
        for perm in itertools.permutations(range(r), c):
            if all((perm[j], j) in best_of for j in range(c)):
                values.append(sum(best_of[(perm[j], j)] for j in range(c)))
    threshold = 0 if backend == "scipy" else 10**9
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lap_module, "SPARSE_SCIPY_ARCS_PER_ROW", threshold)
        s = solve_lap(cost, sense, rows=rows, cols=cols, shape=(r, c))
    if not values:
        assert s.status is Status.INFEASIBLE
        return
    assert s.status is Status.OPTIMAL
    assert s.objective == pick(values)
    used = [(i, j) for i, j in enumerate(s.row_col.tolist()) if j >= 0]
    assert len(used) == min(r, c) == len({j for _, j in used})
    assert sum(best_of[p] for p in used) == pick(values)


def test_dense_lap_without_scipy_uses_ortools(monkeypatch):
    """The core-only path (no scipy) gives the same optimum."""
    monkeypatch.setattr(lap_module, "USE_SCIPY", False)
    s = solve_lap([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    assert (s.row_col.tolist(), s.objective) == ([1, 0, 2], 5)
    assert solve_lap([[1.5, 9.0]], sense="max").objective == 9.0


# ------------------------------------------------------------------------------------------
# Statuses and limits


def test_job_without_arc_is_infeasible_for_every_method():
    p = GapProblem(2, 2, agent=[0, 1], job=[0, 0], cost=[1, 2], weight=[1, 1], capacity=[5, 5])
    for method in ("auto", "cpsat", "flow", "lp"):
        s = solve_gap(p, method=method)
        assert s.status is Status.INFEASIBLE, method
        assert s.job_agent.tolist() == [-1, -1]


def test_capacity_infeasibility_is_proven():
    # Three jobs of weight 2 (agent 0) or 3 (agent 1); capacities 3 and 5 hold only two.
    p = GapProblem.from_dense([[1, 1, 1], [2, 2, 2]], [[2, 2, 2], [3, 3, 3]], [3, 5])
    assert solve_gap(p, method="cpsat").status is Status.INFEASIBLE
    assert solve_gap(p, method="flow").status is Status.INFEASIBLE
    q = GapProblem.from_dense([[1, 1, 1], [2, 2, 2]], [[2, 3, 2], [3, 3, 4]], [3, 5])
    assert solve_gap(q, method="cpsat").status is Status.INFEASIBLE


def test_optional_jobs_never_infeasible_and_empty_problems():
    p = GapProblem.from_dense([[5, 4]], [[9, 9]], [3], sense="max", assign_all=False)
    s = solve_gap(p)
    assert (s.status, s.objective, s.job_agent.tolist()) == (Status.OPTIMAL, 0, [-1, -1])
    e = GapProblem(0, 0, [], [], [], [], [])
    s = solve_gap(e, method="cpsat")
    assert (s.status, s.objective, s.job_agent.size) == (Status.OPTIMAL, 0, 0)
    no_agents = GapProblem(0, 2, [], [], [], [], [])
    assert solve_gap(no_agents).status is Status.INFEASIBLE


def _random_gap(m, n, seed, tight=0.8):
    rng = np.random.default_rng(seed)
    w = rng.integers(5, 26, (m, n))
    c = 111 - w + rng.integers(-10, 11, (m, n))  # Chu-Beasley type D: hard
    cap = (tight * w.sum(axis=1) / m).astype(np.int64)
    return GapProblem.from_dense(c, w, cap)


def test_time_limit_returns_a_checked_solution():
    p = _random_gap(10, 120, seed=3)
    s = solve_gap(p, method="cpsat", time_limit=1.0)
    assert s.status in (Status.FEASIBLE, Status.OPTIMAL)
    assert s.seconds < 5.0
    assert_feasible(p, s)
    assert s.bound is not None
    assert s.bound <= s.objective
    assert s.gap == pytest.approx((s.objective - s.bound) / s.objective)


def test_nothing_found_in_time_gives_no_solution_not_nothing(monkeypatch):
    p = _random_gap(3, 12, seed=1)
    monkeypatch.setattr(engine_solve.heur, "construct",
                        lambda prep, score, order: np.full(prep.n, -1, np.int64))
    monkeypatch.setattr(engine_solve.heur, "repair", lambda prep, job_arc: job_arc)

    def nothing(prep, arcs, **kw):
        return CpsatResult("unknown", np.full(prep.n, -1, np.int64), None, None, 0.0, 0.0)

    monkeypatch.setattr(engine_solve, "solve_cpsat", nothing)
    s = solve_gap(p, method="cpsat", time_limit=1)
    assert s.status is Status.NO_SOLUTION
    assert s.objective is None
    assert (s.job_agent == -1).all()
    assert s.bound is not None  # the LP bound is still reported


@pytest.mark.slow
def test_deterministic_mode_repeats_itself():
    p = _random_gap(8, 80, seed=7)
    runs = [solve_gap(p, method="cpsat", time_limit=0.5, seed=5, deterministic=True)
            for _ in range(2)]
    assert runs[0].objective == runs[1].objective
    assert runs[0].job_agent.tolist() == runs[1].job_agent.tolist()
    assert_feasible(p, runs[0])


def test_feasible_hint_is_never_made_worse():
    p = _random_gap(5, 30, seed=2, tight=1.5)
    hint = np.array([int(np.argmin([p.weight[(p.agent == i) & (p.job == j)][0]
                                    for i in range(5)])) for j in range(30)])
    s = solve_gap(p, method="lp", hint=hint, local_search=False)
    assert s.objective <= p.objective_of(hint)
    with pytest.raises(InvalidInputError, match="no arc"):
        solve_gap(GapProblem(1, 1, [0], [0], [1], [1], [1]), hint=[1])
    with pytest.raises(InvalidInputError, match="-1 for unassigned"):
        solve_gap(GapProblem(1, 1, [0], [0], [1], [1], [1]), hint=[-2])
    with pytest.raises(InvalidInputError, match="shape"):
        solve_gap(GapProblem(1, 1, [0], [0], [1], [1], [1]), hint=[0, 0])


# ------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("kwargs", [
    {"method": "simplex"}, {"time_limit": 0}, {"time_limit": -1}, {"time_limit": math.nan},
    {"time_limit": math.inf}, {"time_limit": "10"}, {"workers": 0}, {"workers": 1.5},
    {"seed": -1}, {"seed": 2.0},
])
def test_bad_options_raise_before_any_work(kwargs):
    p = GapProblem(1, 1, [0], [0], [1], [1], [1])
    with pytest.raises(InvalidOptionError):
        solve_gap(p, **kwargs)


@pytest.mark.parametrize(("change", "where"), [
    ({"weight": [-1]}, "weight[0]"),
    ({"agent": [2]}, "agent[0]"),
    ({"job": [5]}, "job[0]"),
    ({"cost": [math.nan]}, "cost[0]"),
    ({"capacity": [1, 2]}, "capacity"),
    ({"capacity": [-3]}, "capacity[0]"),
    ({"weight": [1.5]}, "weight"),
    ({"agent": [0, 0], "job": [0, 0], "cost": [1, 2], "weight": [1, 1]}, "agent[1]"),
    ({"cost": [1, 2]}, "cost"),
])
def test_bad_arrays_are_reported_with_a_path(change, where):
    base = {"agent": [0], "job": [0], "cost": [1], "weight": [1], "capacity": [1]}
    base.update(change)
    with pytest.raises(InvalidInputError) as e:
        GapProblem(1, 1, **base)
    assert where in str(e.value)


def test_bad_sense_and_lap_shapes():
    with pytest.raises(InvalidOptionError):
        GapProblem(1, 1, [0], [0], [1], [1], [1], sense="best")
    with pytest.raises(InvalidOptionError):
        solve_lap([[1]], "avg")
    with pytest.raises(InvalidInputError):
        solve_lap([1, 2, 3])
    with pytest.raises(InvalidInputError):
        solve_lap([1, 2], rows=[0, 1], cols=[0])


def test_sparse_lap_without_perfect_matching_is_infeasible():
    s = solve_lap([1, 2, 3], rows=[0, 1, 1], cols=[0, 0, 0], shape=(2, 2))
    assert s.status is Status.INFEASIBLE
    assert s.objective is None
    assert s.row_col.tolist() == [-1, -1]


# ------------------------------------------------------------------------------------------
# Real OR-Library instances (shared data beside the repository)

needs_data = pytest.mark.skipif(not (ORLIB / "gap").is_dir(), reason="OR-Library data absent")


@needs_data
@pytest.mark.parametrize(("file", "index", "sense", "known"), [
    ("gap1.txt", 0, "max", 336), ("gap1.txt", 0, "min", 261),
    ("gap12.txt", 4, "max", 1446), ("gap12.txt", 4, "min", 945),
    ("gapa.txt", 0, "min", 1698), ("gapb.txt", 2, "min", 1407),
])
def test_orlib_small_instances_reach_their_known_optimum(file, index, sense, known):
    name, p = read_gap(ORLIB / "gap" / file, sense=sense)[index]
    s = solve_gap(p, time_limit=20)
    assert (s.objective, s.status) == (known, Status.OPTIMAL), name
    assert_feasible(p, s)


@needs_data
def test_orlib_names_and_assignment_file():
    names = [name for name, _ in read_gap(ORLIB / "gap" / "gapd.txt")]
    assert names == ["d05100", "d05200", "d10100", "d10200", "d20100", "d20200"]
    data = read_assign(ORLIB / "assign" / "assignp800.txt")
    s = solve_lap(data.cost, rows=data.rows, cols=data.cols, shape=(data.n, data.n))
    assert (s.objective, s.status) == (2239, Status.OPTIMAL)
