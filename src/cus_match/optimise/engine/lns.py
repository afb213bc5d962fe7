"""Large-neighbourhood search: re-solve small parts of a solution exactly with CP-SAT.

A neighbourhood frees either every job of a few agents (the jobs may move only among those
agents) or a set of jobs with cheap alternatives (they may move anywhere that has room). Each
part is solved by CP-SAT, hinted with the current solution, so it never gets worse. Sizes adapt:
a part solved to optimality quickly grows the next one, a part that hits its limit shrinks it.
"""

from __future__ import annotations

import time

import numpy as np

from cus_match.optimise.engine.cpsat import solve_cpsat
from cus_match.optimise.engine.params import GAP_LNS
from cus_match.optimise.engine.prep import Prep


def lns(
    prep: Prep,
    job_arc: np.ndarray,
    *,
    reduced: np.ndarray,
    seed: int,
    deadline: float | None,
    dtime_budget: float | None,
    patience: int = GAP_LNS.patience,
    sub_limit: float = GAP_LNS.sub_limit,
    start_agents: int = GAP_LNS.start_agents,
    start_jobs: int = GAP_LNS.start_jobs,
    mix: int = GAP_LNS.mix,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """Improve a feasible ``job_arc``; return the best solution found.

    Parameters
    ----------
    prep : Prep
        The problem.
    job_arc : array of int
        A feasible solution (kept-arc index per job).
    reduced : array of float
        Reduced cost of each kept arc (LP); guides which jobs and agents to free together.
    seed : int
        Seed of the neighbourhood choice and of CP-SAT.
    deadline : float, optional
        ``time.perf_counter()`` value to stop at (wall-clock mode).
    dtime_budget : float, optional
        Total CP-SAT deterministic time to spend (deterministic mode).
    patience : int
        Stop after this many neighbourhoods in a row without improvement.
    sub_limit : float
        Time limit of one neighbourhood's CP-SAT solve.
    allowed : array of bool, optional
        Arcs a better solution may use (reduced-cost fixing); the others stay out of every
        part (the current solution's arcs are always in).
    """
    rng = np.random.default_rng(seed)
    cur = job_arc.copy()
    cost = prep.cost_of(cur)
    m, n = prep.m, prep.n
    a, j, c = prep.a, prep.j, prep.c
    n_agents = min(start_agents, m)
    n_jobs = min(start_jobs, n)
    spent = 0.0
    stale = 0
    it = 0
    # Arcs sorted by reduced cost per job: the cheap alternatives of each job.
    cheap = reduced <= np.quantile(reduced, 0.25) if reduced.size else np.zeros(0, bool)
    while stale < patience:
        if deadline is not None and time.perf_counter() >= deadline:
            break
        if dtime_budget is not None and spent >= dtime_budget:
            break
        it += 1
        load = prep.loads(cur)
        resid = prep.cap - load
        cur_agent = a[cur]
        if it % mix and m >= 2:
            # Every job of a few agents; agents linked by cheap alternative arcs go together.
            first = int(rng.integers(m))
            on_first = cur_agent == first
            links = cheap & np.isin(j, np.flatnonzero(on_first)) & (a != first)
            weights = np.bincount(a[links], minlength=m).astype(np.float64) + 0.2
            weights[first] = 0.0
            k = min(n_agents, m) - 1
            others = rng.choice(m, size=k, replace=False, p=weights / weights.sum())
            agents = np.concatenate([[first], others])
            jobs = np.flatnonzero(np.isin(cur_agent, agents))
            arcs = np.flatnonzero(np.isin(j, jobs) & np.isin(a, agents))
            cap = resid.copy()
            cap[agents] = prep.cap[agents]
            kind = "agents"
        else:
            # Jobs near an anchor job's cheap alternatives, free to move anywhere with room.
            size = min(n_jobs, n)
            jobs = rng.choice(n, size=size, replace=False)
            arcs = np.flatnonzero(np.isin(j, jobs))
            cap = resid.copy()
            np.add.at(cap, cur_agent[jobs], prep.w[cur[jobs]])
            kind = "jobs"
        if not jobs.size:
            continue
        if allowed is not None:
            arcs = arcs[allowed[arcs] | (cur[j[arcs]] == arcs)]
        before = int(c[cur[jobs]].sum())
        limit = sub_limit
        if deadline is not None:
            limit = min(limit, max(deadline - time.perf_counter(), 0.01))
        r = solve_cpsat(prep, arcs, hint=cur, time_limit=limit, seed=int(rng.integers(2**31)),
                        workers=1, deterministic=dtime_budget is not None, jobs=jobs, cap=cap)
        spent += r.dtime
        if r.cost is not None and r.cost < before:
            cur[jobs] = r.job_arc[jobs]
            cost -= before - r.cost
            stale = 0
        else:
            stale += 1
        if r.status == "optimal" and r.wall < limit / 4:
            if kind == "agents":
                n_agents = min(n_agents + 1, m, 12)
            else:
                n_jobs = min(int(n_jobs * 1.2) + 1, n, 400)
        elif r.status != "optimal":
            if kind == "agents":
                n_agents = max(2, n_agents - 1)
            else:
                n_jobs = max(10, int(n_jobs / 1.3))
    return cur
