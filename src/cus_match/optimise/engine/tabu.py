"""Tabu search with strategic oscillation and ejection chains for the generalized assignment.

The search walks through infeasible solutions too: capacity excess is priced by a weight
``alpha`` that grows while the solution is over capacity and shrinks while it is not
(strategic oscillation, as in Díaz and Fernández 2001). Each iteration evaluates, with numpy,

* every **shift** (one job to another agent, on the dense ``m x n`` matrices),
* for a rotating sample of jobs j1, the moves through **candidate lists** (Yagiura, Ibaraki
  and Glover 2004): j1 goes to one of its ``CANDIDATES`` agents i2 of least *guide* value
  (the Lagrangian or LP reduced cost of the arc, from the caller; the cost otherwise), and
  one of i2's jobs j2 leaves it:

  - **swap**: j2 goes to j1's agent;
  - **ejection chain of depth 2**: j2 goes to its best other agent. That destination does
    not depend on j1 (only when it is j1's agent, then j2's second best), so the best and
    second-best destination of every job, read off the shift evaluation, price every chain;
  - **ejection chain of depth 3**: j2 goes to one of its own candidates i3, ejecting a job j3
    of i3 to j3's best agent. The best such tail of every job is computed once per
    iteration, so every chain is priced in ``O(sample x candidates x jobs per agent)``,

and makes the best move that is not tabu (moving a job back to an agent it recently left is tabu
for a random tenure), unless a shift or swap gives a feasible solution better than the best one
(aspiration). Chains are priced with the loads of the agents their links touch, ignoring that
a later link may land on an earlier link's agent; the cost and loads are updated exactly
whatever move is made, and only a feasible solution is ever returned.

With the guide, restricted lists pay: 4 s from the LP rounding (2026-12-03, load 4.5), d20100
6248 and d40400 24515 against 6275-6280 and 24555-24572 for the unrestricted shift, swap and
depth-2 walk at 5 s; ordered by cost instead, d40400 found nothing better than its start.

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

#: Candidate agents per job (destinations of the first job of a swap or chain).
CANDIDATES = 8
#: Evaluations of (job, candidate agent, job on it) per iteration: sets how many jobs, in
#: rotation, start the swaps and chains of one iteration.
CELLS = 60_000

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
    guide: np.ndarray | None = None,
    depth3: bool = True,
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
    guide : array of float, optional
        A value per kept arc, lower for arcs more likely in good solutions (Lagrangian or LP
        reduced costs): orders the candidate lists. The cost by default.
    depth3 : bool
        With ``chains``, also chains of depth 3.

    Returns
    -------
    numpy.ndarray
        The best feasible ``job_arc`` seen (``job_arc`` itself if nothing better).
    """
    m, n = prep.m, prep.n
    if not prep.assign_all or n < 2 or m < 2 or m * n > TABU_CELLS or (job_arc < 0).any():
        return job_arc
    rng = np.random.default_rng(seed)
    # One more column, a dummy job n that fits nowhere: pads the table of each agent's jobs.
    cost_x = np.full((m, n + 1), _BIG)
    cost_x[prep.a, prep.j] = prep.c
    weight_x = np.zeros((m, n + 1), np.float64)
    weight_x[prep.a, prep.j] = prep.w
    arc_of = np.full((m, n), -1, np.int64)
    arc_of[prep.a, prep.j] = np.arange(prep.k)
    allowed = arc_of >= 0
    if arcs is not None:
        mask = np.asarray(arcs, bool).copy()
        mask[job_arc] = True
        allowed = np.zeros((m, n), bool)
        allowed[prep.a[mask], prep.j[mask]] = True
        cost_x[:, :n][~allowed] = _BIG  # the swaps and chains read "no arc" off the cost
    cost, weight = cost_x[:, :n], weight_x[:, :n]
    cap = prep.cap.astype(np.float64)
    cols = np.arange(n)
    # Candidate lists: each job's ``CANDIDATES`` agents of least guide (then cost), the only
    # destinations of the first job of a swap or chain (Yagiura, Ibaraki and Glover).
    g = np.full((m, n), _BIG)
    g[prep.a, prep.j] = prep.c if guide is None else np.asarray(guide, np.float64)
    g[~allowed] = _BIG
    width_l = min(CANDIDATES, m)
    cand = np.argsort(np.where(g < _BIG, g + cost * 1e-9, _BIG), axis=0,
                      kind="stable")[:width_l].T.copy()  # (n, L)
    # Sample size: about ``CELLS`` evaluations of (job, candidate, job of the candidate).
    sample = max(1, min(n, CELLS // max(1, width_l * (n // m + 1))))

    ag = prep.a[job_arc].copy()
    load = np.bincount(ag, weights=weight[ag, cols], minlength=m)
    cur_cost = float(cost[ag, cols].sum())
    best_ag = ag.copy()
    best_cost = cur_cost
    # Price of excess capacity (one for every agent): start near a typical cost per unit of
    # resource.
    scale = float(np.median(prep.c) / max(np.median(prep.w), 1))
    alpha = max(scale, 1e-3)
    tabu_x = np.zeros((m, n + 1), np.int64)  # iteration until which job j may not go to i
    tabu = tabu_x[:, :n]
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
        rem_pen = alpha * left - pen_now[ag]  # (n,) change on the old agent
        rem_ex = left - over[ag]
        add_ex = np.maximum(load[:, None] + weight - cap[:, None], 0.0) - over[:, None]
        delta = cost - cur_c + alpha * add_ex + rem_pen
        ex_after = over.sum() + add_ex + rem_ex  # total excess after the move
        cost_after = cur_cost + cost - cur_c
        delta[ag, cols] = _BIG
        delta[~allowed] = _BIG
        aspire = (ex_after <= 0) & (cost_after < best_cost - 0.5)
        ok = (tabu <= it) | aspire
        d_shift = np.where(ok, delta, _BIG)
        flat = int(np.argmin(d_shift))
        i_new, j = divmod(flat, n)
        best_val, path = float(d_shift.flat[flat]), [(j, i_new)]
        # Swaps and ejection chains of a rotating sample of jobs, restricted to candidate
        # lists: job j1 goes to one of its ``cand`` agents i2, and job j2, one of i2's jobs
        # (padded table ``mem``), moves to j1's agent (swap), to its best other agent (chain
        # of depth 2) or to one of its own candidates i3, ejecting a job j3 of i3 to j3's
        # best agent (depth 3).
        if sample >= n:
            s = cols
        else:
            if pos + sample > n:
                sample_order = rng.permutation(n)
                pos = 0
            s = sample_order[pos: pos + sample]
            pos += sample
        order = np.argsort(ag, kind="stable")
        counts = np.bincount(ag, minlength=m)
        width = max(int(counts.max()), 1)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        mem = np.full((m, width), n, np.int64)  # job n: a dummy that costs _BIG everywhere
        sorted_ag = ag[order]
        mem[sorted_ag, np.arange(n) - starts[sorted_ag]] = order
        cur_cx = np.append(cur_c, 0.0)
        cur_wx = np.append(cur_w, 0.0)
        i1 = ag[s]  # (S,)
        i2 = cand[s]  # (S, L)
        j2 = mem[i2]  # (S, L, K)
        c_j1_i2 = cost[i2, s[:, None]]  # (S, L)
        w_j1_i2 = weight[i2, s[:, None]]
        c_j2_i1 = cost_x[i1[:, None, None], j2]  # (S, L, K)
        w_j2_i1 = weight_x[i1[:, None, None], j2]
        cs, ws = cur_c[s][:, None, None], cur_w[s][:, None, None]
        # Load of i2 after j1 comes in and j2 leaves: shared by the swap and the chains.
        ex2 = np.maximum(load[i2][:, :, None] + w_j1_i2[:, :, None] - cur_wx[j2]
                         - cap[i2][:, :, None], 0.0)
        dpen2 = alpha * (ex2 - over[i2][:, :, None])
        ex1 = np.maximum(load[i1][:, None, None] + w_j2_i1 - ws - cap[i1][:, None, None], 0.0)
        dc = c_j1_i2[:, :, None] + c_j2_i1 - cs - cur_cx[j2]
        d_swap = dc + alpha * (ex1 - over[i1][:, None, None]) + dpen2
        bad1 = ((i2 == i1[:, None]) | (c_j1_i2 >= _BIG))[:, :, None]
        sw_ex = (over.sum() + (ex1 - over[i1][:, None, None]) + (ex2 - over[i2][:, :, None]))
        sw_aspire = (sw_ex <= 0) & (cur_cost + dc < best_cost - 0.5)
        t_j1 = (tabu[i2, s[:, None]] > it)[:, :, None]
        sw_tabu = t_j1 | (tabu_x[i1[:, None, None], j2] > it)
        d_swap = np.where(bad1 | (c_j2_i1 >= _BIG) | (sw_tabu & ~sw_aspire), _BIG, d_swap)
        fs = int(np.argmin(d_swap))
        if d_swap.flat[fs] < best_val:
            a_, l_, k_ = np.unravel_index(fs, d_swap.shape)
            jj1, jj2 = int(s[a_]), int(j2[a_, l_, k_])
            best_val, path = float(d_swap.flat[fs]), [(jj1, int(ag[jj2])), (jj2, int(ag[jj1]))]
        if chains:
            # The ejected job's best destination hardly depends on j1 (only when it is i1,
            # then its second best), so the best and second-best agent of every job, from
            # the shift evaluation, price every chain. Chains are priced with the loads of
            # the agents they touch, the exact cost change is taken when one is made.
            sh_in = np.where(ok & (delta < _BIG), cost - cur_c + alpha * add_ex, _BIG)
            two = np.argpartition(sh_in, 1, axis=0)[:2] if m > 2 else np.argsort(sh_in, axis=0)
            v_two = np.take_along_axis(sh_in, two, axis=0)
            first = v_two[0] <= v_two[1]
            b1 = np.append(np.where(first, two[0], two[1]), 0)
            b2 = np.append(np.where(first, two[1], two[0]), 0)
            v1 = np.append(np.minimum(v_two[0], v_two[1]), _BIG)
            v2 = np.append(np.maximum(v_two[0], v_two[1]), _BIG)
            use2 = b1[j2] == i1[:, None, None]
            tail = np.where(use2, v2[j2], v1[j2])  # depth 2: j2 to its best agent but i1
            kind_t = np.zeros(tail.shape, np.int64)
            if depth3:
                t3, t3_arg = _tails(cand, mem, ag, cost_x, weight_x, cur_cx, cur_wx, load, cap,
                                    over, alpha, tabu_x, it, b1, b2, v1, v2, n)
                tail3 = t3[j2]
                better = tail3 < tail
                tail = np.where(better, tail3, tail)
                kind_t = better.astype(np.int64)
            d_chain = (c_j1_i2[:, :, None] - cs + rem_pen[s][:, None, None] + dpen2 + tail)
            ch_bad = bad1 | t_j1 | (tail >= _BIG) | (j2 == n)
            d_chain = np.where(ch_bad, _BIG, d_chain)
            fc = int(np.argmin(d_chain))
            if d_chain.flat[fc] < best_val:
                a_, l_, k_ = np.unravel_index(fc, d_chain.shape)
                jj1, jj2 = int(s[a_]), int(j2[a_, l_, k_])
                best_val, path = float(d_chain.flat[fc]), [(jj1, int(i2[a_, l_]))]
                if kind_t[a_, l_, k_]:
                    i3, jj3, i4 = (int(v) for v in t3_arg[jj2])
                    path += [(jj2, i3), (jj3, i4)]
                else:
                    path.append((jj2, int(b2[jj2] if use2[a_, l_, k_] else b1[jj2])))
        if best_val >= _BIG:
            break
        # Links are made in order, each priced on the loads and cost as they then are.
        for j, i_new in path:
            i_old = int(ag[j])
            cur_cost += float(cost[i_new, j] - cost[i_old, j])
            _apply(ag, load, weight, j, i_new)
            tabu[i_old, j] = it + int(rng.integers(t_lo, t_hi + 1))
        over_after = load > cap + 1e-9
        # Strategic oscillation: excess gets dearer on agents over capacity, cheaper elsewhere.
        alpha = alpha * UP if over_after.any() else max(alpha / DOWN, 1e-3 * scale)
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


def _tails(cand: np.ndarray, mem: np.ndarray, ag: np.ndarray, cost_x: np.ndarray,
           weight_x: np.ndarray, cur_cx: np.ndarray, cur_wx: np.ndarray, load: np.ndarray,
           cap: np.ndarray, over: np.ndarray, alpha: float, tabu_x: np.ndarray, it: int,
           b1: np.ndarray, b2: np.ndarray, v1: np.ndarray, v2: np.ndarray,
           n: int) -> tuple[np.ndarray, np.ndarray]:
    """Best chain tail of every job j2 once it has left its agent.

    j2 goes to a candidate i3, ejecting a job j3 of i3 to j3's best agent (not j2's old one).

    Returns the tail's value per job (``_BIG`` for none; the dummy job n included) and its
    (i3, j3, i4). The leaving agent's load is priced by the caller; the first job's agent is
    not excluded here (the exact cost change is taken when the move is made).
    """
    i2 = ag  # (n,)
    i3 = cand  # (n, L)
    j3 = mem[i3]  # (n, L, K)
    cols = np.arange(n)
    c_in = cost_x[i3, cols[:, None]]  # j2 on i3, (n, L)
    w_in = weight_x[i3, cols[:, None]]
    ex3 = np.maximum(load[i3][:, :, None] + w_in[:, :, None] - cur_wx[j3]
                     - cap[i3][:, :, None], 0.0)
    use2 = b1[j3] == i2[:, None, None]
    v_j3 = np.where(use2, v2[j3], v1[j3])
    val = ((c_in - cur_cx[:n][:, None])[:, :, None] + alpha * (ex3 - over[i3][:, :, None])
           + v_j3)
    bad = ((i3 == i2[:, None]) | (c_in >= _BIG) | (tabu_x[i3, cols[:, None]] > it))[:, :, None]
    val = np.where(bad | (j3 == n) | (v_j3 >= _BIG), _BIG, val)
    flat = val.reshape(n, -1)
    arg = np.argmin(flat, axis=1)
    best = np.append(flat[cols, arg], _BIG)
    l_, k_ = np.divmod(arg, j3.shape[2])
    i3b = i3[cols, l_]
    j3b = j3[cols, l_, k_]
    i4 = np.where(use2[cols, l_, k_], b2[j3b], b1[j3b])
    return best, np.stack([i3b, j3b, i4], axis=1)
