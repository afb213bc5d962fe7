"""Lagrangian bound of the GAP with 0-1 knapsack subproblems, and the fixing it allows.

Relaxing "each job to exactly one agent" with multipliers ``u`` (free, one per job) leaves one
0-1 knapsack per agent: agent ``i`` takes the jobs of positive profit ``u_j - c_ij`` that fit
in its capacity. With ``K_i(u)`` the best knapsack profit,

    L(u) = sum_j u_j - sum_i K_i(u)

is a lower bound on the minimum cost for *any* ``u``. The knapsacks are solved exactly by
dynamic programming over the (small, integer) capacities with numpy, so ``L`` is at least the
LP bound at the LP's own duals, where the search starts (the LP relaxes the knapsacks too).
The multipliers then follow a subgradient walk with Polyak steps towards the incumbent's cost.

**Fixing.** For the best ``u``, the knapsack of each agent is solved again from both ends
(prefix and suffix tables), which gives, for every arc, the best profit with that job forced
into the knapsack and forced out of it. A solution using arc ``(i, j)`` costs at least
``L + K_i - K_i(j in)``; one *not* using it at least ``L + K_i - K_i(j out)``. So an arc whose
first value exceeds ``incumbent - 1`` is in no better solution, and a job whose arc's second
value does is assigned to that agent in every better solution (its other arcs are out). For the
GAP this is stronger than LP reduced-cost fixing, because the bound is.

Only problems whose every job must be assigned are relaxed this way (optional jobs keep the
LP bound).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from cus_match.optimise.engine.prep import Prep

__all__ = ["LAGRANGE_CELLS", "LagrangeResult", "job_duals", "knapsack_bound", "lagrangian_bound"]

#: Problems whose knapsack tables (positive items x capacity, summed over agents) could exceed
#: this many cells are not relaxed (memory and time of one evaluation).
LAGRANGE_CELLS = 20_000_000

#: Subgradient: the first step factor, how many iterations without a better bound before it
#: is halved, and the factor below which the walk stops.
STEP_START = 1.0
STEP_PATIENCE = 15
STEP_MIN = 1e-4
#: Multipliers are scaled by this and rounded for the integer cuts given to CP-SAT.
CUT_SCALE = 16


@dataclass
class LagrangeResult:
    """The best Lagrangian bound found and what fixing needs (solver form).

    ``into[a]``: how much more than ``bound`` any solution using arc ``a`` costs at least;
    ``out_of[a]``: how much more than ``bound`` any solution *not* using arc ``a`` costs at
    least (0 for arcs outside the knapsack optimum). Both are >= 0.
    """

    bound: float
    u: np.ndarray
    into: np.ndarray
    out_of: np.ndarray
    iterations: int

    def keep(self, incumbent: int, job_arc: np.ndarray, prep: Prep) -> np.ndarray:
        """Mask of arcs that a solution costing at most ``incumbent - 1`` may use.

        The incumbent's own arcs (``job_arc``) are kept, so a model over the mask still holds
        it and its bound holds for the whole problem.
        """
        slack = incumbent - 1 - self.bound + 1e-6 * max(1.0, abs(incumbent))
        keep = self.into <= slack
        forced = self.out_of > slack
        if forced.any():
            # Job j must use arc a in any better solution: its other arcs are out.
            must = np.full(prep.n, -1, np.int64)
            must[prep.j[forced]] = np.flatnonzero(forced)
            mj = must[prep.j]
            keep &= (mj < 0) | (mj == np.arange(prep.k))
        used = job_arc[job_arc >= 0]
        keep[used] = True
        return keep

    def cuts(self, prep: Prep, arcs: np.ndarray,
             scale: int = CUT_SCALE) -> list[tuple[np.ndarray, np.ndarray, int]]:
        """Knapsack cuts over the model's ``arcs``: ``sum_a p_a x_a <= K_i`` per agent.

        With integer multipliers ``U = round(scale u)`` and profits ``p = U_j - scale c``, no
        set of jobs that fits agent ``i`` has more profit than the knapsack optimum ``K_i``
        (over the arcs with ``p > 0``). Given to CP-SAT, these make its linear relaxation at
        least the Lagrangian bound at ``U / scale``, which it does not find on its own.
        """
        big_u = np.round(scale * self.u).astype(np.int64)
        profit = big_u[prep.j] - scale * prep.c
        in_model = np.zeros(prep.k, bool)
        in_model[arcs] = True
        out = []
        for i, agent_arcs in enumerate(_agent_arcs(prep)):
            pos = agent_arcs[in_model[agent_arcs] & (profit[agent_arcs] > 0)]
            if pos.size == 0 or int(prep.w[pos].sum()) <= int(prep.cap[i]):
                continue  # every set fits: the cut says nothing the objective does not
            k_i, _ = _knapsack(profit[pos].astype(np.float64), prep.w[pos], int(prep.cap[i]))
            out.append((pos, profit[pos], round(k_i)))
        return out


def job_duals(prep: Prep, v: np.ndarray) -> np.ndarray:
    """The LP's job multipliers from its capacity duals ``v <= 0``.

    Each job's cheapest ``c - v w`` (complementary slackness): the search's starting point.

    Examples
    --------
    >>> from cus_match.optimise.engine import GapProblem
    >>> from cus_match.optimise.engine.prep import prepare
    >>> prep = prepare(GapProblem.from_dense([[1, 2], [2, 1]], [[1, 1], [1, 1]], [1, 1]))
    >>> job_duals(prep, np.array([-1.0, 0.0])).tolist()
    [2.0, 1.0]
    """
    r = prep.c.astype(np.float64) - np.minimum(v, 0.0)[prep.a] * prep.w
    u = np.zeros(prep.n)
    if prep.k:
        starts = prep.job_start
        mins = np.minimum.reduceat(r[prep.by_job], np.minimum(starts[:-1], prep.k - 1))
        nonempty = starts[:-1] < starts[1:]
        u[nonempty] = mins[nonempty]
    return u


def _table_cells(prep: Prep) -> int:
    per_agent = np.bincount(prep.a, minlength=prep.m)
    return int((per_agent * (prep.cap + 1)).sum())


def knapsack_bound(prep: Prep, u: np.ndarray) -> tuple[float, np.ndarray]:
    """``L(u)`` and the knapsack solution (one 0/1 per kept arc) for multipliers ``u``.

    Examples
    --------
    Two agents of capacity 1, two jobs: with ``u = (3, 3)`` each agent takes one job.

    >>> from cus_match.optimise.engine import GapProblem
    >>> from cus_match.optimise.engine.prep import prepare
    >>> prep = prepare(GapProblem.from_dense([[1, 2], [2, 1]], [[1, 1], [1, 1]], [1, 1]))
    >>> bound, x = knapsack_bound(prep, np.array([3.0, 3.0]))
    >>> bound, x.tolist()
    (2.0, [1, 0, 0, 1])
    """
    profit = u[prep.j] - prep.c
    x = np.zeros(prep.k, np.int8)
    total = 0.0
    for i, arcs in enumerate(_agent_arcs(prep)):
        pos = arcs[profit[arcs] > 0]
        if pos.size == 0:
            continue
        k_i, take = _knapsack(profit[pos], prep.w[pos], int(prep.cap[i]))
        total += k_i
        x[pos[take]] = 1
    return float(u.sum() - total), x


def lagrangian_bound(
    prep: Prep,
    u0: np.ndarray,
    *,
    upper: float | None,
    deadline: float | None,
    max_iters: int = 300,
) -> LagrangeResult | None:
    """Maximise ``L(u)`` from ``u0`` by subgradient steps; then the fixing values.

    Parameters
    ----------
    prep : Prep
        The problem (solver form). None is returned when jobs are optional or the knapsack
        tables would be too large (``LAGRANGE_CELLS``).
    u0 : array of float, shape (n,)
        Starting multipliers (the LP's job duals).
    upper : float, optional
        Cost of a known solution: the Polyak step's target, and the walk stops once the
        bound proves it optimal.
    deadline : float, optional
        ``time.perf_counter()`` value after which no new step starts.
    max_iters : int
        Subgradient steps at most (the only limit in deterministic mode).

    Returns
    -------
    LagrangeResult or None

    Examples
    --------
    Two agents of capacity 2; jobs 0 and 1 of weight 1, job 2 of weight 2, so the agent that
    takes job 2 takes nothing else and the optimum is 12. The LP splits the jobs and says 4;
    the knapsacks see the capacities whole:

    >>> from cus_match.optimise.engine import GapProblem
    >>> from cus_match.optimise.engine.lp import solve_lp
    >>> from cus_match.optimise.engine.prep import prepare
    >>> prep = prepare(GapProblem.from_dense([[1, 9, 2], [9, 1, 2]], [[1, 1, 2], [1, 1, 2]],
    ...                                      [2, 2]))
    >>> lp = solve_lp(prep, 10.0)
    >>> r = lagrangian_bound(prep, job_duals(prep, lp.duals), upper=None, deadline=None)
    >>> round(lp.bound, 2), round(r.bound, 2)
    (4.0, 12.0)
    """
    if not prep.assign_all or prep.n == 0 or _table_cells(prep) > LAGRANGE_CELLS:
        return None
    u = np.asarray(u0, np.float64).copy()
    best_u = u.copy()
    best, x = knapsack_bound(prep, u)
    cur = best
    step = STEP_START
    stale = 0
    it = 0
    while it < max_iters and step > STEP_MIN:
        if deadline is not None and time.perf_counter() > deadline:
            break
        if upper is not None and np.ceil(best - 1e-6 * max(1.0, abs(best))) >= upper:
            break
        g = 1.0 - np.bincount(prep.j, weights=x, minlength=prep.n)
        norm = float(g @ g)
        if norm == 0.0:
            break  # the knapsack solution assigns every job once: it is optimal
        # Without a known solution aim a little above the bound (scale of the costs).
        target = upper if upper is not None else cur + 0.05 * max(abs(cur), 1.0)
        u = u + step * max(target - cur, 1e-9 * max(abs(cur), 1.0)) / norm * g
        it += 1
        cur, x = knapsack_bound(prep, u)
        if cur > best + 1e-9 * max(1.0, abs(best)):
            best, best_u, stale = cur, u.copy(), 0
        else:
            stale += 1
            if stale >= STEP_PATIENCE:
                step, stale = step / 2, 0
    into, out_of = _fixing_values(prep, best_u)
    return LagrangeResult(best, best_u, into, out_of, it)


def _agent_arcs(prep: Prep) -> list[np.ndarray]:
    by_agent = np.argsort(prep.a, kind="stable")
    starts = np.searchsorted(prep.a[by_agent], np.arange(prep.m + 1))
    return [by_agent[starts[i]: starts[i + 1]] for i in range(prep.m)]


def _knapsack(p: np.ndarray, w: np.ndarray, cap: int) -> tuple[float, np.ndarray]:
    """Best profit and chosen items of a 0-1 knapsack (integer weights, profits > 0)."""
    if int(w.sum()) <= cap:
        return float(p.sum()), np.ones(p.size, bool)
    q = p.size
    table = np.zeros((q + 1, cap + 1))
    for t in range(q):
        prev, row, wt = table[t], table[t + 1], int(w[t])
        row[:] = prev
        if wt <= cap:
            np.maximum(row[wt:], prev[: cap + 1 - wt] + p[t], out=row[wt:])
    take = np.zeros(q, bool)
    c = cap
    for t in range(q - 1, -1, -1):
        if table[t + 1, c] != table[t, c]:
            take[t] = True
            c -= int(w[t])
    return float(table[q, cap]), take


def _fixing_values(prep: Prep, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``into`` and ``out_of`` of every kept arc at multipliers ``u`` (see the module)."""
    profit = u[prep.j] - prep.c
    into = np.zeros(prep.k)
    out_of = np.zeros(prep.k)
    for i, arcs in enumerate(_agent_arcs(prep)):
        cap = int(prep.cap[i])
        pos = arcs[profit[arcs] > 0]
        rest = arcs[profit[arcs] <= 0]
        q = pos.size
        pw = prep.w[pos].astype(np.int64)
        pp = profit[pos]
        # fwd[t][c]: best profit of items < t within weight c; bwd[t][c]: of items >= t.
        fwd = np.zeros((q + 1, cap + 1))
        bwd = np.zeros((q + 1, cap + 1))
        for t in range(q):
            wt = int(pw[t])
            fwd[t + 1] = fwd[t]
            np.maximum(fwd[t + 1, wt:], fwd[t, : cap + 1 - wt] + pp[t], out=fwd[t + 1, wt:])
            s = q - 1 - t
            ws = int(pw[s])
            bwd[s] = bwd[s + 1]
            np.maximum(bwd[s, ws:], bwd[s + 1, : cap + 1 - ws] + pp[s], out=bwd[s, ws:])
        k_i = float(fwd[q, cap])
        if q:
            # Best without item t: max over c of fwd[t][c] + bwd[t+1][cap-c].
            without = (fwd[:q] + bwd[1:, ::-1]).max(axis=1)
            with_t = np.empty(q)
            for t in range(q):
                r = cap - int(pw[t])
                with_t[t] = pp[t] + (fwd[t, : r + 1] + bwd[t + 1, r::-1]).max()
            into[pos] = k_i - with_t
            out_of[pos] = k_i - without
        if rest.size:
            rw = prep.w[rest].astype(np.int64)
            into[rest] = k_i - (profit[rest] + fwd[q, cap - rw])
    return np.maximum(into, 0.0), np.maximum(out_of, 0.0)
