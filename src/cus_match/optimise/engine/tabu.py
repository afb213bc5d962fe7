"""Tabu search with strategic oscillation for the generalized assignment problem.

The search walks through infeasible solutions too: capacity excess is priced by a weight
``alpha`` that grows while the solution is over capacity and shrinks while it is not
(strategic oscillation, as in Díaz and Fernández 2001). Each iteration evaluates, with numpy on
dense ``m x n`` matrices,

* every **shift** (one job to another agent),
* the **swaps** of a rotating sample of jobs (``SWAP_SAMPLE``) with every other job, and
* the **ejection chains** of depth 2 of that sample (Yagiura, Ibaraki and Glover 2004): a job
  moves to the agent of another job, which is ejected to a third agent. The ejected job's best
  third agent does not depend on the first job, so the best and second-best destination of
  every job (read off the shift evaluation) price every chain in ``O(sample x n)``; chains of
  depth 3 and Yagiura's restricted candidate lists are not implemented,

and makes the best move that is not tabu (moving a job back to an agent it recently left is tabu
for a random tenure), unless it gives a feasible solution better than the best one (aspiration).
Costs are those of the solver form (minimisation). The walk is deterministic for a seed; a
wall-clock deadline only cuts it short, and ``max_iters`` bounds it in deterministic mode.
"""

from __future__ import annotations

import time

import numpy as np

from cus_match.optimise.engine.prep import Prep

__all__ = ["TABU_CELLS", "tabu_search"]

#: Problems with more than this many agent-job cells are not searched (dense matrices).
TABU_CELLS = 4_000_000

#: Jobs whose swaps and chains are evaluated per iteration (rotating through all jobs).
SWAP_SAMPLE = 200

_BIG = 1e18

#: Oscillation: every agent's price of excess is multiplied by ``UP`` after an iteration that
#: leaves some agent over capacity, and divided by ``DOWN`` after one that leaves none. (Per
#: agent, rising only where the excess is, was tried on 2026-12-03 and found nothing better
#: than its start on d20100 in 5 s.)
UP = 1.05
DOWN = 1.05
#: Tabu tenure, as a share of the number of jobs (random between ``TENURE`` and twice it).
TENURE = 0.05


def tabu_search(
    prep: Prep,
    job_arc: np.ndarray,
    *,
    seed: int,
    deadline: float | None,
    max_iters: int,
    stall: int | None = None,
    target: int | None = None,
    chains: bool = True,
    arcs: np.ndarray | None = None,
) -> np.ndarray:
    """Improve a feasible solution by tabu search; return the best feasible one found.

    Parameters
    ----------
    prep : Prep
        The problem (solver form). Only problems whose every job must be assigned are
        searched; others are returned unchanged.
    job_arc : array of int
        A feasible solution (kept-arc index per job).
    seed : int
        Seed of the tenures and of the order in which swap candidates are sampled.
    deadline : float, optional
        ``time.perf_counter()`` value to stop at.
    max_iters : int
        Iterations at most.
    stall : int, optional
        Stop after this many iterations without a better feasible solution.
    target : int, optional
        Stop once a feasible solution costs at most this (a proven bound).
    chains : bool
        Also evaluate ejection chains of depth 2 (a job moves to another agent, which
        ejects one of its jobs to a third).
    arcs : array of bool, optional
        Kept arcs the walk may use (e.g. those reduced-cost fixing leaves); the start's own
        arcs are always allowed. Every arc by default.

    Returns
    -------
    numpy.ndarray
        The best feasible ``job_arc`` seen (``job_arc`` itself if nothing better).
    """
    m, n = prep.m, prep.n
    if not prep.assign_all or n < 2 or m < 2 or m * n > TABU_CELLS or (job_arc < 0).any():
        return job_arc
    rng = np.random.default_rng(seed)
    cost = np.full((m, n), _BIG)
    cost[prep.a, prep.j] = prep.c
    weight = np.zeros((m, n), np.float64)
    weight[prep.a, prep.j] = prep.w
    arc_of = np.full((m, n), -1, np.int64)
    arc_of[prep.a, prep.j] = np.arange(prep.k)
    allowed = arc_of >= 0
    if arcs is not None:
        mask = np.asarray(arcs, bool).copy()
        mask[job_arc] = True
        allowed = np.zeros((m, n), bool)
        allowed[prep.a[mask], prep.j[mask]] = True
        cost[~allowed] = _BIG  # the swaps and chains read "no arc" off the cost
    cap = prep.cap.astype(np.float64)
    cols = np.arange(n)

    ag = prep.a[job_arc].copy()
    load = np.bincount(ag, weights=weight[ag, cols], minlength=m)
    cur_cost = float(cost[ag, cols].sum())
    best_ag = ag.copy()
    best_cost = cur_cost
    # Prices of excess capacity: start near a typical cost per unit of resource.
    scale = float(np.median(prep.c) / max(np.median(prep.w), 1))
    alpha = np.full(m, max(scale, 1e-3))
    tabu = np.zeros((m, n), np.int64)  # iteration until which job j may not go to agent i
    t_lo = max(3, int(TENURE * n))
    t_hi = t_lo + max(3, int(TENURE * n))
    since_best = 0
    sample_order = rng.permutation(n)
    pos = 0
    it = 0
    while it < max_iters:
        if deadline is not None and it % 16 == 0 and time.perf_counter() > deadline:
            break
        if stall is not None and since_best >= stall:
            break
        if target is not None and best_cost <= target:
            break
        it += 1
        over = np.maximum(load - cap, 0.0)
        pen_now = alpha * over
        # Shift: job j from ag[j] to agent i.
        cur_c = cost[ag, cols]
        cur_w = weight[ag, cols]
        left = np.maximum(load[ag] - cur_w - cap[ag], 0.0)
        rem_pen = alpha[ag] * left - pen_now[ag]  # (n,) change on the old agent
        rem_ex = left - over[ag]
        add_ex = np.maximum(load[:, None] + weight - cap[:, None], 0.0) - over[:, None]
        delta = cost - cur_c + alpha[:, None] * add_ex + rem_pen
        ex_after = over.sum() + add_ex + rem_ex  # total excess after the move
        cost_after = cur_cost + cost - cur_c
        delta[ag, cols] = _BIG
        delta[~allowed] = _BIG
        aspire = (ex_after <= 0) & (cost_after < best_cost - 0.5)
        ok = (tabu <= it) | aspire
        d_shift = np.where(ok, delta, _BIG)
        flat = int(np.argmin(d_shift))
        best_move = ("shift", float(d_shift.flat[flat]), flat)
        # Swaps and two-step ejection chains from a rotating sample of jobs.
        size = min(SWAP_SAMPLE, n)
        if pos + size > n:
            sample_order = rng.permutation(n)
            pos = 0
        s = sample_order[pos: pos + size]
        pos += size
        i1 = ag[s]  # (s,)
        i2 = ag  # (n,)
        # j1 = s[a] goes to agent i2[b] (the agent of job b), job b moves to agent i1[a].
        c_j1_i2 = cost[i2[None, :], s[:, None]]
        c_j2_i1 = cost[i1[:, None], cols[None, :]]
        w_j1_i2 = weight[i2[None, :], s[:, None]]
        w_j2_i1 = weight[i1[:, None], cols[None, :]]
        dl1 = w_j2_i1 - cur_w[s][:, None]  # load change of i1
        dl2 = w_j1_i2 - cur_w[None, :]  # load change of i2
        ex1 = np.maximum(load[i1][:, None] + dl1 - cap[i1][:, None], 0.0)
        ex2 = np.maximum(load[i2][None, :] + dl2 - cap[i2][None, :], 0.0)
        dc = c_j1_i2 + c_j2_i1 - cur_c[s][:, None] - cur_c[None, :]
        dpen = (alpha[i1][:, None] * ex1 - pen_now[i1][:, None]
                + alpha[i2][None, :] * ex2 - pen_now[i2][None, :])
        d_swap = dc + dpen
        same = i1[:, None] == i2[None, :]
        bad = same | (c_j1_i2 >= _BIG) | (c_j2_i1 >= _BIG)
        sw_ex = (over.sum() + (ex1 - over[i1][:, None]) + (ex2 - over[i2][None, :]))
        sw_aspire = (sw_ex <= 0) & (cur_cost + dc < best_cost - 0.5)
        sw_tabu = (tabu[i2[None, :], s[:, None]] > it) | (tabu[i1[:, None], cols[None, :]] > it)
        d_swap = np.where(bad | (sw_tabu & ~sw_aspire), _BIG, d_swap)
        fs = int(np.argmin(d_swap))
        if d_swap.flat[fs] < best_move[1]:
            best_move = ("swap", float(d_swap.flat[fs]), fs)
        if chains:
            # Ejection chain of depth 2: j1 = s[a] goes to i2 = ag[b], ejecting job b to a
            # third agent i3. The ejected job's best destination does not depend on j1 (i3 is
            # neither i1 nor i2), so the best and second-best i3 of every job, from the shift
            # evaluation, give every chain's value in O(S n) (the second when the best is i1).
            sh_in = np.where(ok & (delta < _BIG), cost - cur_c + alpha[:, None] * add_ex, _BIG)
            two = np.argpartition(sh_in, 1, axis=0)[:2] if m > 2 else np.argsort(sh_in, axis=0)
            v_two = np.take_along_axis(sh_in, two, axis=0)
            first = v_two[0] <= v_two[1]
            b1 = np.where(first, two[0], two[1])
            b2 = np.where(first, two[1], two[0])
            v1, v2 = np.minimum(v_two[0], v_two[1]), np.maximum(v_two[0], v_two[1])
            use2 = b1[None, :] == i1[:, None]
            v_sel = np.where(use2, v2[None, :], v1[None, :])
            d_chain = (c_j1_i2 - cur_c[s][:, None] + rem_pen[s][:, None]
                       + alpha[i2][None, :] * ex2 - pen_now[i2][None, :] + v_sel)
            ch_bad = (same | (c_j1_i2 >= _BIG) | (tabu[i2[None, :], s[:, None]] > it)
                      | (v_sel >= _BIG))
            d_chain = np.where(ch_bad, _BIG, d_chain)
            fc = int(np.argmin(d_chain))
            if d_chain.flat[fc] < best_move[1]:
                a_, b_ = divmod(fc, n)
                i3 = int(b2[b_] if use2[a_, b_] else b1[b_])
                best_move = ("chain", float(d_chain.flat[fc]), fc * m + i3)
        if best_move[1] >= _BIG:
            break
        kind, _, flat = best_move
        if kind == "shift":
            i_new, j = divmod(flat, n)
            i_old = int(ag[j])
            _apply(ag, load, weight, j, i_new)
            tabu[i_old, j] = it + int(rng.integers(t_lo, t_hi + 1))
            cur_cost += float(cost[i_new, j] - cur_c[j])
        elif kind == "chain":
            fc, i3 = divmod(flat, m)
            a_, b_ = divmod(fc, n)
            j1, j2 = int(s[a_]), int(b_)
            ia, ib = int(ag[j1]), int(ag[j2])
            cur_cost += float(cost[ib, j1] + cost[i3, j2] - cur_c[j1] - cur_c[j2])
            _apply(ag, load, weight, j1, ib)
            _apply(ag, load, weight, j2, i3)
            tabu[ia, j1] = it + int(rng.integers(t_lo, t_hi + 1))
            tabu[ib, j2] = it + int(rng.integers(t_lo, t_hi + 1))
        else:
            a_, b_ = divmod(flat, n)
            j1, j2 = int(s[a_]), int(b_)
            ia, ib = int(ag[j1]), int(ag[j2])
            cur_cost += float(cost[ib, j1] + cost[ia, j2] - cur_c[j1] - cur_c[j2])
            _apply(ag, load, weight, j1, ib)
            _apply(ag, load, weight, j2, ia)
            tabu[ia, j1] = it + int(rng.integers(t_lo, t_hi + 1))
            tabu[ib, j2] = it + int(rng.integers(t_lo, t_hi + 1))
        over_after = load > cap + 1e-9
        # Strategic oscillation: excess gets dearer on agents over capacity, cheaper elsewhere.
        alpha = alpha * UP if over_after.any() else np.maximum(alpha / DOWN, 1e-3 * scale)
        if not over_after.any() and cur_cost < best_cost - 0.5:
            best_cost = cur_cost
            best_ag = ag.copy()
            since_best = 0
        else:
            since_best += 1
    out: np.ndarray = arc_of[best_ag, cols]
    return out


def _apply(ag: np.ndarray, load: np.ndarray, weight: np.ndarray, j: int, i_new: int) -> None:
    i_old = ag[j]
    load[i_old] -= weight[i_old, j]
    load[i_new] += weight[i_new, j]
    ag[j] = i_new
