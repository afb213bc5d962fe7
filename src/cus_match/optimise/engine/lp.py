"""LP relaxation, its Lagrangian bound and reduced costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh

from cus_match.optimise.engine.params import lp_seconds
from cus_match.optimise.engine.prep import Prep


@dataclass
class LpResult:
    """The LP relaxation of a problem (solver form)."""

    solved: bool  # the LP solver finished with an optimal basis
    infeasible: bool  # the LP solver proved the relaxation (hence the problem) infeasible
    x: np.ndarray  # value of each kept arc (zeros when not solved)
    bound: float  # valid lower bound (Lagrangian of the capacity constraints)
    reduced: np.ndarray  # reduced cost of each kept arc, >= 0
    solver: str
    duals: np.ndarray | None = None  # capacity multipliers v <= 0 behind ``bound``


def lagrangian(prep: Prep, v: np.ndarray) -> tuple[float, np.ndarray]:
    """Lower bound and reduced costs for capacity multipliers ``v <= 0``.

    Relaxing ``sum w x <= cap`` with ``v`` leaves each job to pick its cheapest arc at
    ``c - v w``, so ``sum_j min_a (c_a - v_a w_a) + sum_i v_i cap_i`` bounds the optimum for
    *any* ``v <= 0``, whatever solver produced it. The reduced cost of an arc is how much more
    than its job's cheapest choice it costs; a solution using arcs of total reduced cost ``D``
    costs at least ``bound + D``.
    """
    v = np.minimum(v, 0.0)
    r = prep.c.astype(np.float64) - v[prep.a] * prep.w
    order = prep.by_job
    starts = prep.job_start
    nonempty = starts[:-1] < starts[1:]
    u = np.zeros(prep.n)
    if prep.k:
        mins = np.minimum.reduceat(r[order], np.minimum(starts[:-1], prep.k - 1))
        u[nonempty] = mins[nonempty]
    if not prep.assign_all:
        u = np.minimum(u, 0.0)
    bound = float(u.sum() + (v * prep.cap).sum())
    reduced = np.maximum(r - u[prep.j], 0.0)
    return bound, reduced


def solve_lp(prep: Prep, time_limit: float, solver: str = "glop", params: str = "") -> LpResult:
    """Solve the LP relaxation with GLOP (HiGHS through this wrapper returns no duals)."""
    k, n, m = prep.k, prep.n, prep.m
    model = mbh.ModelBuilderHelper()
    # ortools' stubs write ndarray[numpy.float64], the dtype where numpy's ndarray takes the shape.
    idx = model.add_var_array_with_bounds(np.zeros(k), np.full(k, np.inf), np.zeros(k, bool), "")  # type: ignore[arg-type]
    model.set_objective_coefficients(idx.tolist(), prep.c.astype(np.float64).tolist())
    add = model.safe_add_term_to_constraint
    for jj in range(n):
        row = model.add_linear_constraint()
        model.set_constraint_lower_bound(row, 1.0 if prep.assign_all else -np.inf)
        model.set_constraint_upper_bound(row, 1.0)
        for arc in prep.by_job[prep.job_start[jj]: prep.job_start[jj + 1]].tolist():
            add(row, arc, 1.0)
    loads = np.bincount(prep.a, weights=prep.w, minlength=m)
    binding = np.flatnonzero(loads > prep.cap)
    by_agent = np.argsort(prep.a, kind="stable")
    agent_start = np.searchsorted(prep.a[by_agent], np.arange(m + 1))
    rows = {}
    for i in binding.tolist():
        row = model.add_linear_constraint()
        rows[i] = row
        model.set_constraint_lower_bound(row, -np.inf)
        model.set_constraint_upper_bound(row, float(prep.cap[i]))
        arcs = by_agent[agent_start[i]: agent_start[i + 1]]
        for arc, w in zip(arcs.tolist(), prep.w[arcs].astype(np.float64).tolist(), strict=True):
            add(row, arc, w)
    name = solver if mbh.ModelSolverHelper(solver).solver_is_supported() else "glop"
    lp = mbh.ModelSolverHelper(name)
    lp.enable_output(False)
    if name == "highs":
        lp.set_solver_specific_parameters("output_flag=false")
    elif params:
        lp.set_solver_specific_parameters(params)
    lp.set_time_limit_in_seconds(lp_seconds(time_limit))
    lp.solve(model)
    status = lp.status()
    v = np.zeros(m)
    solved = status == mbh.SolveStatus.OPTIMAL
    x = np.zeros(k)
    if solved:
        x = np.clip(np.asarray(lp.variable_values(), np.float64), 0.0, 1.0)
        duals = np.asarray(lp.dual_values(), np.float64)
        for i, row in rows.items():
            v[i] = duals[row]
    bound, reduced = lagrangian(prep, v)
    infeasible = status in (mbh.SolveStatus.INFEASIBLE,)
    return LpResult(solved, infeasible, x, bound, reduced, name, np.minimum(v, 0.0))
