"""Feasible solutions from preferences (rounding), repair, and local search (shift and swap).

All functions work on the solver form (:class:`~cus_match.optimise.engine.prep.Prep`): a solution is
``job_arc``, the kept-arc index of each job or ``-1``. They are deterministic: a deadline only
cuts the number of passes short, and in deterministic mode no deadline is given.
"""

from __future__ import annotations

import time

import numpy as np

from cus_match.optimise.engine.prep import Prep

#: Local search keeps dense m x n matrices when they are at most this many cells.
DENSE_CELLS = 4_000_000


def construct(prep: Prep, score: np.ndarray, job_order: np.ndarray) -> np.ndarray:
    """Give each job, in ``job_order``, its best-scored arc (lowest score) that still fits.

    For optional jobs only arcs with negative cost are considered. Jobs that fit nowhere stay
    ``-1``.
    """
    order = np.lexsort((score, prep.j))
    starts = prep.job_start
    resid = prep.cap.copy()
    job_arc = np.full(prep.n, -1, np.int64)
    a, w, c = prep.a, prep.w, prep.c
    optional = not prep.assign_all
    for jj in job_order.tolist():
        for arc in order[starts[jj]: starts[jj + 1]].tolist():
            if optional and c[arc] >= 0:
                continue
            i = a[arc]
            if w[arc] <= resid[i]:
                resid[i] -= w[arc]
                job_arc[jj] = arc
                break
    return job_arc


def repair(prep: Prep, job_arc: np.ndarray) -> np.ndarray:
    """Place unassigned jobs (when every job must be) by moving one other job out of the way.

    For an unplaced job and each of its arcs, look for a job on that agent whose removal makes
    room and which fits on another agent; take the cheapest such pair of moves. Jobs that
    still fit nowhere stay ``-1``.
    """
    if not prep.assign_all:
        return job_arc
    job_arc = job_arc.copy()
    resid = prep.cap - prep.loads(job_arc)
    a, w, c = prep.a, prep.w, prep.c
    starts, by_job = prep.job_start, prep.by_job
    for jj in np.flatnonzero(job_arc < 0).tolist():
        arcs = by_job[starts[jj]: starts[jj + 1]]
        fits = arcs[w[arcs] <= resid[a[arcs]]]
        if fits.size:
            arc = fits[np.argmin(c[fits])]
            job_arc[jj] = arc
            resid[a[arc]] -= w[arc]
            continue
        best = None
        for arc in arcs.tolist():
            i = a[arc]
            need = w[arc] - resid[i]
            on_i = np.flatnonzero((job_arc >= 0) & (a[np.maximum(job_arc, 0)] == i))
            for kk in on_i.tolist():
                cur = job_arc[kk]
                if w[cur] < need:
                    continue
                alt = by_job[starts[kk]: starts[kk + 1]]
                alt = alt[(a[alt] != i) & (w[alt] <= resid[a[alt]])]
                if not alt.size:
                    continue
                move = alt[np.argmin(c[alt])]
                delta = c[arc] + c[move] - c[cur]
                if best is None or delta < best[0]:
                    best = (delta, arc, kk, move)
        if best is not None:
            _, arc, kk, move = best
            cur = job_arc[kk]
            resid[a[cur]] += w[cur]
            resid[a[move]] -= w[move]
            job_arc[kk] = move
            resid[a[arc]] -= w[arc]
            job_arc[jj] = arc
    return job_arc


class _Dense:
    """Dense cost and weight matrices, with a virtual last agent for optional jobs."""

    def __init__(self, prep: Prep) -> None:
        m, n = prep.m, prep.n
        rows = m + (0 if prep.assign_all else 1)
        self.cost = np.full((rows, n), np.inf)
        self.weight = np.zeros((rows, n), np.int64)
        self.cost[prep.a, prep.j] = prep.c
        self.weight[prep.a, prep.j] = prep.w
        self.arc = np.full((rows, n), -1, np.int64)
        self.arc[prep.a, prep.j] = np.arange(prep.k)
        cap = prep.cap.astype(np.int64)
        if not prep.assign_all:
            self.cost[m, :] = 0.0
            cap = np.append(cap, np.iinfo(np.int64).max // 4)
        self.cap = cap
        self.virtual = m if not prep.assign_all else -1


def local_search(
    prep: Prep,
    job_arc: np.ndarray,
    *,
    deadline: float | None = None,
    max_passes: int = 50,
) -> np.ndarray:
    """Improve a feasible solution by shifts (one job to another agent) and swaps (two jobs).

    Stops at a local optimum, after ``max_passes`` passes, or at ``deadline``
    (``time.perf_counter()`` value). Needs dense matrices, so larger problems
    (above ``DENSE_CELLS``) only get the sparse shift pass.
    """
    if prep.n == 0:
        return job_arc
    rows = prep.m + (0 if prep.assign_all else 1)
    if rows * prep.n > DENSE_CELLS:
        return _sparse_shift(prep, job_arc, deadline, max_passes)
    d = _Dense(prep)
    n = prep.n
    cols = np.arange(n)
    ag = prep.job_agent(job_arc)
    if d.virtual >= 0:
        ag[ag < 0] = d.virtual
    if (ag < 0).any():
        return job_arc
    load = np.zeros(rows, np.int64)
    np.add.at(load, ag, d.weight[ag, cols])
    resid = d.cap - load
    cm, wm = d.cost, d.weight
    for _ in range(max_passes):
        improved = False
        # Shift: each job to the agent that lowers the cost most and has room.
        for jj in range(n):
            i0 = ag[jj]
            room = wm[:, jj] <= resid
            room[i0] = False
            delta = np.where(room, cm[:, jj] - cm[i0, jj], np.inf)
            i1 = int(np.argmin(delta))
            if delta[i1] < 0:
                resid[i0] += wm[i0, jj]
                resid[i1] -= wm[i1, jj]
                ag[jj] = i1
                improved = True
        if deadline is not None and time.perf_counter() > deadline:
            break
        # Swap: exchange the agents of two jobs when both still fit and the cost drops.
        for j1 in range(n):
            i1 = ag[j1]
            i2 = ag
            delta = cm[i2, j1] + cm[i1, cols] - cm[i1, j1] - cm[i2, cols]
            ok = (i2 != i1) & (resid[i2] + wm[i2, cols] - wm[i2, j1] >= 0)
            ok &= resid[i1] + wm[i1, j1] - wm[i1, cols] >= 0
            delta = np.where(ok, delta, np.inf)
            j2 = int(np.argmin(delta))
            if delta[j2] < 0:
                k2 = ag[j2]
                resid[i1] += wm[i1, j1] - wm[i1, j2]
                resid[k2] += wm[k2, j2] - wm[k2, j1]
                ag[j1], ag[j2] = k2, i1
                improved = True
        if not improved or (deadline is not None and time.perf_counter() > deadline):
            break
    out: np.ndarray = d.arc[ag, cols]
    if d.virtual >= 0:
        out[ag == d.virtual] = -1
    return out


def _sparse_shift(
    prep: Prep, job_arc: np.ndarray, deadline: float | None, max_passes: int
) -> np.ndarray:
    job_arc = job_arc.copy()
    resid = prep.cap - prep.loads(job_arc)
    a, w, c = prep.a, prep.w, prep.c
    starts, by_job = prep.job_start, prep.by_job
    for _ in range(max_passes):
        improved = False
        for jj in range(prep.n):
            cur = job_arc[jj]
            arcs = by_job[starts[jj]: starts[jj + 1]]
            if not arcs.size:
                continue
            base = c[cur] if cur >= 0 else 0
            room = w[arcs] <= resid[a[arcs]]
            if cur >= 0:
                room &= arcs != cur
            if not room.any():
                continue
            cand = arcs[room]
            best = cand[np.argmin(c[cand])]
            gain = base - c[best]
            if gain > 0:
                if cur >= 0:
                    resid[a[cur]] += w[cur]
                resid[a[best]] -= w[best]
                job_arc[jj] = best
                improved = True
        if not improved or (deadline is not None and time.perf_counter() > deadline):
            break
    return job_arc


def lp_order(prep: Prep, x: np.ndarray, reduced: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score and job order for rounding an LP solution.

    Arcs are preferred by LP value, then reduced cost, then cost; jobs whose LP value is most
    concentrated (integral first) are placed first, so the fractional ones go last.
    """
    score = np.lexsort((prep.c, reduced, -np.round(x, 6)))
    rank = np.empty(prep.k, np.int64)
    rank[score] = np.arange(prep.k)
    top = np.zeros(prep.n)
    if prep.k:
        np.maximum.at(top, prep.j, x)
    job_order = np.lexsort((np.arange(prep.n), -np.round(top, 6)))
    return rank, job_order


def regret_order(prep: Prep, score: np.ndarray) -> np.ndarray:
    """Jobs with the fewest arcs first, then the largest gap between their two best scores."""
    deg = np.diff(prep.job_start)
    order = np.lexsort((score, prep.j))
    s = score[order].astype(np.float64)
    first = np.full(prep.n, np.inf)
    second = np.full(prep.n, np.inf)
    has1 = deg >= 1
    has2 = deg >= 2
    first[has1] = s[prep.job_start[:-1][has1]]
    second[has2] = s[prep.job_start[:-1][has2] + 1]
    regret = np.full(prep.n, np.inf)
    regret[has2] = second[has2] - first[has2]
    return np.lexsort((np.arange(prep.n), -regret, deg))
