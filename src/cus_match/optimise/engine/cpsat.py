"""CP-SAT model of the generalized assignment problem, built straight into the model proto."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from cus_match.errors import SolverError
from cus_match.optimise.engine.params import cpsat_solver
from cus_match.optimise.engine.prep import Prep


@dataclass
class CpsatResult:
    """What CP-SAT returned (solver form)."""

    status: str  # "optimal", "feasible", "infeasible" or "unknown"
    job_arc: np.ndarray  # kept-arc index per job (-1 unassigned); all -1 without a solution
    cost: int | None
    bound: float | None  # lower bound on solutions that use only the arcs given to the model
    wall: float
    dtime: float  # CP-SAT's deterministic time


def solve_cpsat(
    prep: Prep,
    arcs: np.ndarray,
    *,
    hint: np.ndarray | None,
    time_limit: float,
    seed: int,
    workers: int | None,
    deterministic: bool,
    jobs: np.ndarray | None = None,
    cap: np.ndarray | None = None,
    cuts: list[tuple[np.ndarray, np.ndarray, int]] | None = None,
) -> CpsatResult:
    """Solve with CP-SAT using only the kept arcs listed in ``arcs``.

    Parameters
    ----------
    prep : Prep
        The problem.
    arcs : array of int
        Kept-arc indices to give a variable to (others are fixed to 0).
    hint : array of int, optional
        A solution (kept-arc index per job) to start from; arcs outside ``arcs`` are ignored.
    time_limit : float
        Seconds (wall clock), or deterministic-time units when ``deterministic``.
    seed, workers, deterministic
        See :func:`cus_match.optimise.engine.solve_gap`.
    jobs : array of int, optional
        Solve only these jobs (a neighbourhood); the others are left out of the model and
        ``job_arc`` is -1 for them. All jobs by default.
    cap : array of int, optional
        Capacities to use instead of the problem's (what the fixed jobs leave).
    cuts : list of (arcs, coefficients, rhs), optional
        Valid inequalities ``sum coefficients x[arcs] <= rhs`` over kept arcs (arcs outside
        ``arcs`` are 0 and left out), e.g. the Lagrangian knapsack cuts.
    """
    n = prep.n
    cap = prep.cap if cap is None else cap
    job_list = np.arange(n) if jobs is None else np.asarray(jobs)
    arcs = np.sort(arcs)
    nv = arcs.shape[0]
    model = cp_model.CpModel()
    proto = model.proto
    for _ in range(nv):
        proto.variables.add().domain.extend((0, 1))
    jv = prep.j[arcs]
    order = np.argsort(jv, kind="stable")
    starts = np.searchsorted(jv[order], np.arange(n + 1))
    # Each job is done by exactly one agent (at most one when jobs are optional).
    for jj in job_list.tolist():
        lits = order[starts[jj]: starts[jj + 1]].tolist()
        if not lits:
            if prep.assign_all:
                return CpsatResult("infeasible", np.full(n, -1, np.int64), None, None, 0.0, 0.0)
            continue
        ct = proto.constraints.add()
        if prep.assign_all:
            ct.exactly_one.literals.extend(lits)
        else:
            ct.at_most_one.literals.extend(lits)
    # An agent's jobs fit in its capacity (skipped when all its arcs fit together).
    av = prep.a[arcs]
    wv = prep.w[arcs]
    by_agent = np.argsort(av, kind="stable")
    astarts = np.searchsorted(av[by_agent], np.arange(prep.m + 1))
    for i in range(prep.m):
        vs = by_agent[astarts[i]: astarts[i + 1]]
        ws = wv[vs]
        pos = ws > 0
        if ws.sum() <= cap[i]:
            continue
        ct = proto.constraints.add()
        ct.linear.vars.extend(vs[pos].tolist())
        ct.linear.coeffs.extend(ws[pos].tolist())
        ct.linear.domain.extend((0, int(cap[i])))
    if cuts:
        pos_in = np.full(prep.k, -1, np.int64)
        pos_in[arcs] = np.arange(nv)
        for cut_arcs, coeffs, rhs in cuts:
            at = pos_in[cut_arcs]
            ct = proto.constraints.add()
            ct.linear.vars.extend(at[at >= 0].tolist())
            ct.linear.coeffs.extend(np.asarray(coeffs)[at >= 0].tolist())
            ct.linear.domain.extend((-(2**62), int(rhs)))
    # Minimise the total cost (profits are negated in the solver form).
    proto.objective.vars.extend(range(nv))
    proto.objective.coeffs.extend(prep.c[arcs].tolist())
    if hint is not None:
        pos_of = np.full(prep.k, -1, np.int64)
        pos_of[arcs] = np.arange(nv)
        val = np.zeros(nv, np.int64)
        h = hint[hint >= 0]
        hv = pos_of[h]
        val[hv[hv >= 0]] = 1
        proto.solution_hint.vars.extend(range(nv))
        proto.solution_hint.values.extend(val.tolist())

    # CP-SAT's default linearization suits the GAP; the interleaved search is what keeps
    # several workers deterministic.
    solver = cpsat_solver(time_limit=time_limit, seed=seed, workers=workers,
                          deterministic=deterministic, linearization_level=None,
                          interleave=True)
    st = solver.solve(model)
    if st == cp_model.MODEL_INVALID:
        raise SolverError(f"CP-SAT rejected the model: {model.validate()}")
    job_arc = np.full(n, -1, np.int64)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        sol = np.asarray(solver.response_proto.solution, np.int64)
        chosen = np.flatnonzero(sol[:nv] > 0)
        job_arc[prep.j[arcs[chosen]]] = arcs[chosen]
        cost = int(prep.c[arcs[chosen]].sum())
        bound = float(solver.best_objective_bound)
        name = "optimal" if st == cp_model.OPTIMAL else "feasible"
        if name == "optimal":
            bound = float(cost)
        return CpsatResult(name, job_arc, cost, bound, solver.wall_time, solver.deterministic_time)
    if st == cp_model.INFEASIBLE:
        return CpsatResult("infeasible", job_arc, None, None, solver.wall_time,
                           solver.deterministic_time)
    return CpsatResult("unknown", job_arc, None, None, solver.wall_time,
                       solver.deterministic_time)
