"""``solve_gap``: the methods and how they are combined."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from cus_match.errors import InvalidOptionError
from cus_match.optimise.engine import heuristics as heur
from cus_match.optimise.engine.cpsat import solve_cpsat
from cus_match.optimise.engine.flow import agent_units, solve_flow
from cus_match.optimise.engine.lagrange import (
    LagrangeResult,
    job_duals,
    knapsack_bound,
    lagrangian_bound,
)
from cus_match.optimise.engine.lns import lns
from cus_match.optimise.engine.lp import solve_lp
from cus_match.optimise.engine.params import GAP_LNS
from cus_match.optimise.engine.prep import Prep, prepare
from cus_match.optimise.engine.problem import GapProblem, GapSolution, relative_gap
from cus_match.optimise.engine.tabu import tabu_search
from cus_match.plan.result import Status

__all__ = ["METHODS", "check_options", "solve_gap"]

METHODS = ("auto", "cpsat", "flow", "lp")

#: Shares of the remaining time: CP-SAT on the whole model first (proves small problems),
#: then large-neighbourhood search, then CP-SAT again with the rest.
PHASE_W = 0.1
PHASE_A = 0.6
PHASE_A_LOOSE = 0.1
PHASE_B = 0.85
#: Where fixing is loose, phase B runs in this many rounds, each giving this share of its
#: time to tabu search first (the rest to large-neighbourhood search).
TABU_ROUNDS = 3
TABU_SHARE = 0.3
#: Tabu iterations per second of budget in deterministic mode (about what one core does on
#: d20100 under load with the depth-3 chains: 592 a second, 2026-12-03, fourth session).
TABU_ITERS_PER_SECOND = 600
#: Phase A is short when reduced-cost fixing keeps more than this share of the arcs.
LOOSE = 0.9
#: Models with at most this many arcs get one CP-SAT worker unless ``workers`` is given.
SMALL_MODEL = 1000
#: Lagrangian bound (knapsack subproblems) on models above this many arcs (CP-SAT proves the
#: smaller ones at once): at most ``LAGRANGE_SHARE`` of the time left, and ``LAGRANGE_ITERS``
#: subgradient steps (the only limit in deterministic mode). c20200: LP bound 2376.9, this
#: one 2389.6 after 300 steps (0.44 s), so fixing with the optimum keeps 314 arcs of 4000
#: instead of 1459.
LAGRANGE_MIN_ARCS = SMALL_MODEL
LAGRANGE_SHARE = 0.1
LAGRANGE_ITERS = 300


def check_options(method: str, time_limit: float, seed: int, workers: int | None) -> None:
    """Raise :class:`InvalidOptionError` for an option ``solve_gap`` cannot use."""
    if method not in METHODS:
        raise InvalidOptionError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if (isinstance(time_limit, bool) or not isinstance(time_limit, int | float)
            or not math.isfinite(time_limit) or time_limit <= 0):
        raise InvalidOptionError(f"time_limit must be a finite number of seconds > 0, "
                                 f"got {time_limit!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not (
            0 <= seed < 2**31):
        raise InvalidOptionError(f"seed must be an integer in 0..2**31-1, got {seed!r}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(
            workers, int | np.integer) or workers < 1):
        raise InvalidOptionError(f"workers must be an integer >= 1, got {workers!r}")


class _Best:
    """The best feasible solution seen so far and the best bound (solver form)."""

    def __init__(self, prep: Prep) -> None:
        self.prep = prep
        self.job_arc: np.ndarray | None = None
        self.cost: int | None = None
        self.bound: float | None = None

    def offer(self, job_arc: np.ndarray | None) -> bool:
        if job_arc is None or not self.prep.is_feasible(job_arc):
            return False
        cost = self.prep.cost_of(job_arc)
        if self.cost is None or cost < self.cost:
            self.job_arc, self.cost = job_arc.copy(), cost
            return True
        return False

    def raise_bound(self, bound: float | None) -> None:
        if bound is None:
            return
        # Solver-form costs are integers: round a float bound up, allowing for float error.
        b = math.ceil(bound - 1e-6 * max(1.0, abs(bound)))
        if self.bound is None or b > self.bound:
            self.bound = b

    @property
    def proven(self) -> bool:
        return self.cost is not None and self.bound is not None and self.cost <= self.bound


def _result(
    prep: Prep, best: _Best, method: str, t0: float, *, infeasible: bool = False
) -> GapSolution:
    p = prep.problem
    seconds = time.perf_counter() - t0
    empty = np.full(p.n_jobs, -1, np.int64)
    if infeasible:
        return GapSolution(empty, None, None, None, Status.INFEASIBLE, seconds, method, empty)
    bound = prep.to_problem_bound(best.bound)
    if best.job_arc is None:
        return GapSolution(empty, None, bound, None, Status.NO_SOLUTION, seconds, method, empty)
    job_agent = prep.job_agent(best.job_arc)
    objective = p.objective_of(job_agent)
    if best.proven:
        status = Status.OPTIMAL
        bound = objective
    else:
        status = Status.FEASIBLE
    return GapSolution(job_agent, objective, bound, relative_gap(objective, bound), status,
                       seconds, method, prep.problem_arcs(best.job_arc))


def solve_gap(
    problem: GapProblem,
    *,
    method: str = "auto",
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    deterministic: bool = False,
    hint: Any = None,
    local_search: bool = True,
) -> GapSolution:
    """Solve a generalized assignment problem.

    Parameters
    ----------
    problem : GapProblem
        The problem.
    method : {"auto", "cpsat", "flow", "lp"}
        ``flow``: OR-Tools min-cost flow. Exact when every agent's arcs use one weight (or its
        capacity never binds); otherwise a relaxation giving the bound, rounded and repaired
        into a solution. ``lp``: LP relaxation (HiGHS bundled in OR-Tools) for the bound,
        rounded and repaired. ``cpsat``: the LP bound and rounding, then CP-SAT on the arcs
        that can still improve on the rounded solution (reduced-cost fixing), hinted with it.
        ``auto``: ``flow`` when it is exact, else ``cpsat``.
    time_limit : float
        Seconds for the whole call, > 0. With ``deterministic`` it is CP-SAT's deterministic
        time, so the wall time may differ somewhat.
    seed : int
        CP-SAT's random seed.
    workers : int, optional
        CP-SAT's worker threads (its default, every core, when None; 1 with
        ``deterministic``).
    deterministic : bool
        Reproducible mode: the same problem, seed and workers give the same solution on the same
        machine (interleaved CP-SAT search under a deterministic time limit; local search is
        bounded by passes, not time).
    hint : array of int, shape (n_jobs,), optional
        A solution (agent per job, ``-1`` unassigned) to start from; used when it is feasible.
    local_search : bool
        Improve rounded solutions by shift and swap moves.

    Returns
    -------
    GapSolution
        Never nothing: the best solution found and the bound. ``infeasible`` only when proven;
        ``no_solution`` (all jobs ``-1``) when time ran out before any feasible solution.

    Raises
    ------
    InvalidOptionError
        For an unknown method or a bad time limit, seed or worker count (before any work).
    InvalidInputError
        For a hint of the wrong shape or using a pair that has no arc.

    Examples
    --------
    >>> from cus_match.optimise.engine import GapProblem, solve_gap
    >>> p = GapProblem.from_dense(cost=[[1, 5, 4], [4, 2, 6]], weight=[[2, 1, 2], [1, 2, 1]],
    ...                           capacity=[2, 3])
    >>> s = solve_gap(p)
    >>> s.job_agent.tolist(), s.objective, s.status.value, s.method
    ([0, 1, 1], 9, 'optimal', 'cpsat')

    With one weight per agent the min-cost flow is exact:

    >>> q = GapProblem.from_dense([[1, 5, 3], [4, 2, 6]], [[1, 1, 1], [1, 1, 1]], [1, 5])
    >>> s = solve_gap(q)
    >>> s.job_agent.tolist(), s.objective, s.status.value, s.method
    ([0, 1, 1], 9, 'optimal', 'flow')
    """
    check_options(method, time_limit, seed, workers)
    t0 = time.perf_counter()
    deadline = t0 + float(time_limit)
    hint_arcs = problem.arcs_of(np.asarray(hint)) if hint is not None else None
    prep = prepare(problem)
    best = _Best(prep)
    if method == "auto":
        _, exact = agent_units(prep)
        method = "flow" if exact.all() else "cpsat"
    if prep.n == 0:
        best.offer(np.zeros(0, np.int64))
        best.raise_bound(0)
        return _result(prep, best, method, t0)
    if prep.assign_all and prep.jobs_without_arcs().size:
        return _result(prep, best, method, t0, infeasible=True)
    if hint_arcs is not None:
        best.offer(prep.from_problem_arcs(hint_arcs))
    if method == "flow":
        return _run_flow(prep, best, t0, deadline, deterministic, local_search)
    if method == "lp":
        return _run_lp(prep, best, t0, deadline, deterministic, local_search)
    return _run_cpsat(prep, best, t0, deadline, time_limit, seed, workers, deterministic,
                      local_search)


def _improve(
    prep: Prep, best: _Best, job_arc: np.ndarray, deadline: float | None, local_search: bool
) -> None:
    job_arc = heur.repair(prep, job_arc)
    if local_search and prep.is_feasible(job_arc):
        job_arc = heur.local_search(prep, job_arc, deadline=deadline)
    best.offer(job_arc)


def _cost_rank(prep: Prep) -> np.ndarray:
    rank = np.empty(prep.k, np.int64)
    rank[np.argsort(prep.c, kind="stable")] = np.arange(prep.k)
    return rank


def _run_flow(prep: Prep, best: _Best, t0: float, deadline: float, deterministic: bool,
              local_search: bool) -> GapSolution:
    fr = solve_flow(prep)
    if not fr.feasible:
        return _result(prep, best, "flow", t0, infeasible=True)
    best.raise_bound(fr.cost)
    if fr.exact:
        best.offer(fr.job_arc)
        return _result(prep, best, "flow", t0)
    # Prefer the flow's arcs, then cheap ones; place the most constrained jobs first.
    in_flow = np.zeros(prep.k, bool)
    in_flow[fr.job_arc[fr.job_arc >= 0]] = True
    score = np.lexsort((prep.c, ~in_flow))
    rank = np.empty(prep.k, np.int64)
    rank[score] = np.arange(prep.k)
    order = heur.regret_order(prep, rank)
    _improve(prep, best, heur.construct(prep, rank, order),
             None if deterministic else deadline, local_search)
    return _result(prep, best, "flow", t0)


def _run_lp(prep: Prep, best: _Best, t0: float, deadline: float, deterministic: bool,
            local_search: bool) -> GapSolution:
    limit = deadline - time.perf_counter()
    lp = solve_lp(prep, limit if not deterministic else limit + 3600.0)
    if lp.infeasible:
        return _result(prep, best, "lp", t0, infeasible=True)
    best.raise_bound(lp.bound)
    if lp.solved:
        rank, order = heur.lp_order(prep, lp.x, lp.reduced)
    else:
        rank = _cost_rank(prep)
        order = heur.regret_order(prep, rank)
    _improve(prep, best, heur.construct(prep, rank, order),
             None if deterministic else deadline, local_search)
    return _result(prep, best, "lp", t0)


def _run_cpsat(prep: Prep, best: _Best, t0: float, deadline: float, time_limit: float,
               seed: int, workers: int | None, deterministic: bool,
               local_search: bool) -> GapSolution:
    remaining = deadline - time.perf_counter()
    lp = solve_lp(prep, 0.4 * remaining if not deterministic else 3600.0)
    if lp.infeasible and best.cost is None:
        # Let CP-SAT prove it on the full model rather than trusting floating point.
        lp.solved = False
    best.raise_bound(lp.bound)  # valid even when the LP did not finish (see lagrangian)
    if lp.solved:
        rank, order = heur.lp_order(prep, lp.x, lp.reduced)
    else:
        rank = _cost_rank(prep)
        order = heur.regret_order(prep, rank)
    ls_deadline = None if deterministic else time.perf_counter() + 0.1 * remaining
    _improve(prep, best, heur.construct(prep, rank, order), ls_deadline, local_search)
    if best.proven:
        return _result(prep, best, "cpsat", t0)
    lag: LagrangeResult | None = None
    if lp.solved and lp.duals is not None and prep.k > LAGRANGE_MIN_ARCS:
        lag_end = None if deterministic else time.perf_counter() + LAGRANGE_SHARE * (
            deadline - time.perf_counter())
        lag = lagrangian_bound(prep, job_duals(prep, lp.duals),
                               upper=None if best.cost is None else float(best.cost),
                               deadline=lag_end, max_iters=LAGRANGE_ITERS)
        if lag is not None:
            best.raise_bound(lag.bound)
            if best.proven:
                return _result(prep, best, "cpsat", t0)
            # Round the knapsacks' solution too (a Lagrangian heuristic): c20200 2397 after
            # local search, against 2417 from the LP; d20200 12380 against 12480.
            _, x = knapsack_bound(prep, lag.u)
            score = np.lexsort((prep.c, lag.into, -x))
            lrank = np.empty(prep.k, np.int64)
            lrank[score] = np.arange(prep.k)
            ls_deadline = None if deterministic else time.perf_counter() + 0.05 * (
                deadline - time.perf_counter())
            _improve(prep, best, heur.construct(prep, lrank, heur.regret_order(prep, lrank)),
                     ls_deadline, local_search)
            if best.proven:
                return _result(prep, best, "cpsat", t0)

    def run_global(share: float) -> str:
        """CP-SAT on the arcs that can still improve the incumbent, for a share of the time."""
        arcs = _fixing(prep, best, lp, lag)
        if deterministic:
            limit = share * float(time_limit)
        else:
            limit = max(share * (deadline - time.perf_counter()), 0.01)
        # Small models: one worker proves them faster and more steadily than a portfolio
        # (measured on gap1-12: 0.3-0.6 s against 0.5-2.2 s with two workers).
        use = workers if workers is not None or prep.k > SMALL_MODEL else 1
        cp = solve_cpsat(prep, arcs, hint=best.job_arc, time_limit=limit, seed=seed,
                         workers=use, deterministic=deterministic,
                         cuts=None if lag is None else lag.cuts(prep, arcs))
        if cp.status == "infeasible" and best.cost is None:
            return "infeasible"
        best.offer(cp.job_arc if cp.cost is not None else None)
        # The model holds every improving solution and the incumbent, so its bound (and its
        # optimality proof) hold for the whole problem.
        best.raise_bound(cp.bound)
        return cp.status

    def wall_share(share: float) -> float | None:
        """Wall-clock end of ``share`` of the time left (None in deterministic mode)."""
        if deterministic:
            return None
        return time.perf_counter() + share * (deadline - time.perf_counter())

    # Phase W: a short large-neighbourhood search first. A better incumbent is what makes
    # reduced-cost fixing bite (c20200: 97 % of the arcs survive the rounding's incumbent),
    # so the whole model of phase A is smaller and proves sooner.
    # Small models skip it: CP-SAT proves them at once (gap1-12 in 0.3-0.6 s), and this
    # search cannot stop on a proof.
    if prep.k > SMALL_MODEL:
        best.offer(_lns_phase(prep, best, lp, lag, seed, wall_share(PHASE_W),
                              PHASE_W * float(time_limit)))
    if best.proven:
        return _result(prep, best, "cpsat", t0)
    # Phase A: the whole model, which proves small problems optimal quickly. When fixing
    # keeps nearly every arc (type D: the LP says nothing about which arcs to use), CP-SAT on
    # the whole model stalls and the time goes to the searches instead.
    loose = _fixing(prep, best, lp, lag).size > LOOSE * prep.k
    if run_global(PHASE_A_LOOSE if loose else PHASE_A) == "infeasible":
        return _result(prep, best, "cpsat", t0, infeasible=True)
    if best.proven or best.job_arc is None:
        if not best.proven and (deterministic or time.perf_counter() < deadline - 0.01):
            run_global(1.0)
        return _result(prep, best, "cpsat", t0)
    # Phase B: large-neighbourhood search around the incumbent; where fixing is loose, in
    # rounds that each start with a tabu search (it walks out of the local optima the
    # neighbourhoods stop in, through infeasible solutions).
    rounds = TABU_ROUNDS if loose and TABU_SHARE > 0 else 1
    end_b = wall_share(PHASE_B)
    for r in range(rounds):
        share = 1.0 / (rounds - r)
        dtime = PHASE_B * (1 - PHASE_A_LOOSE) * float(time_limit) / rounds
        if rounds > 1:
            until = None if end_b is None else time.perf_counter() + TABU_SHARE * share * (
                end_b - time.perf_counter())
            iters = int(TABU_ITERS_PER_SECOND * TABU_SHARE * dtime) if deterministic else 10**9
            _tabu_phase(prep, best, seed + 2 * r + 1, until, iters,
                        lp.reduced if lag is None else lag.into)
        until = None if end_b is None else time.perf_counter() + share * (
            end_b - time.perf_counter())
        best.offer(_lns_phase(prep, best, lp, lag, seed + 2 * r + 2, until,
                              (1 - TABU_SHARE) * dtime if rounds > 1 else dtime))
        if best.proven:
            return _result(prep, best, "cpsat", t0)
    # Phase C: the whole model again, smaller now that the incumbent is better.
    if deterministic or time.perf_counter() < deadline - 0.01:
        run_global(1.0 if not deterministic else (1 - PHASE_A) * (1 - PHASE_B))
    return _result(prep, best, "cpsat", t0)


def _lns_phase(prep: Prep, best: _Best, lp: Any, lag: LagrangeResult | None, seed: int,
               until: float | None, dtime: float,
               patience: int = GAP_LNS.patience) -> np.ndarray | None:
    """Large-neighbourhood search from the incumbent until ``until`` (wall clock).

    With ``until`` None (deterministic mode), for ``dtime`` of CP-SAT's deterministic time.
    """
    if best.job_arc is None:
        return None
    # Every solution better than the incumbent uses only the arcs fixing keeps, and so does
    # every improving step of the search: the parts leave the others out.
    allowed = np.zeros(prep.k, bool)
    allowed[_fixing(prep, best, lp, lag)] = True
    return lns(prep, best.job_arc, reduced=lp.reduced, seed=seed % 2**31, deadline=until,
               dtime_budget=0.5 * dtime if until is None else None, patience=patience,
               allowed=allowed)


def _tabu_phase(prep: Prep, best: _Best, seed: int, until: float | None, iters: int,
                guide: np.ndarray | None) -> None:
    """Tabu search from the incumbent until ``until`` or for ``iters`` iterations.

    ``guide`` (Lagrangian or LP reduced costs per arc) orders its candidate lists.
    """
    if best.job_arc is None or best.proven:
        return
    best.offer(tabu_search(prep, best.job_arc, seed=seed % 2**31, deadline=until,
                           max_iters=iters, guide=guide,
                           target=None if best.bound is None else int(best.bound)))


def _fixing(prep: Prep, best: _Best, lp: Any, lag: LagrangeResult | None = None) -> np.ndarray:
    """Arcs that a solution better than the incumbent may use (reduced-cost fixing).

    A solution costing at most ``ub - 1`` costs at least ``bound + its arcs' reduced costs``,
    so arcs with a reduced cost above ``ub - 1 - bound`` are out; with the Lagrangian
    (knapsack) result, also the arcs it excludes (each rule alone is valid, so both are).
    The incumbent's arcs stay, so the model still holds it.
    """
    if best.cost is None or best.job_arc is None or not lp.solved:
        return np.arange(prep.k)
    slack = best.cost - 1 - lp.bound + 1e-6 * max(1.0, abs(best.cost))
    keep = lp.reduced <= slack
    if lag is not None:
        keep &= lag.keep(best.cost, best.job_arc, prep)
    keep[best.job_arc[best.job_arc >= 0]] = True
    return np.flatnonzero(keep)
