"""Solving a :class:`~cus_match.optimise.timeindexed.model.TimeIndexedModel`: CP-SAT or a MIP.

Two backends read the same arrays:

* ``"cpsat"`` — the rows become CP-SAT constraints (``at_most_one`` for the clique rows), hinted
  with a plan; anytime (every time-out returns its incumbent), seeded, and reproducible in
  deterministic mode (a work limit instead of the clock);
* ``"highs"`` — HiGHS (bundled in OR-Tools) through MathOpt, the model written straight into
  a ``ModelProto`` from the arrays (0.1 s for the town's 65,000 columns, where adding the terms
  one by one took 2.1 s): a run stopped by its time limit returns its incumbent and its dual
  bound (OR-Tools' model builder returns neither: only the status ``UNKNOWN``), and it takes
  a plan as a MIP start;
* ``"scip"`` — SCIP (bundled), through OR-Tools' model builder: nothing on a time-out.

:func:`lp_value` solves the LP relaxation (GLOP, PDLP or HiGHS's simplex) for a bound.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from cus_match.errors import InvalidOptionError
from cus_match.optimise.timeindexed.model import TimeIndexedModel

__all__ = ["BACKENDS", "LP_SOLVERS", "MIP_ABS_GAP", "STOP_POLL_SECONDS", "Outcome", "lp_solution",
           "lp_value", "model_proto", "run_backend"]

#: Absolute optimality gap of the MIP backends (HiGHS, SCIP). Objective coefficients are whole
#: numbers, so a gap below 1 proves optimality, where their default relative gaps (1e-4) would
#: stop short of it; the relative gap is set to 0. (Here, not in ``engine.params``: importing
#: the engine package loads CP-SAT, 0.7 s and 40 MB that a rural time-indexed solve of 1-2 s
#: measurably paid.)
MIP_ABS_GAP = 0.99
#: Seconds between two looks at a caller's stop during a HiGHS run.
STOP_POLL_SECONDS = 0.1

#: Backends of :func:`run_backend`.
BACKENDS = ("cpsat", "highs", "scip")
#: LP solvers of :func:`lp_value`.
LP_SOLVERS = ("glop", "pdlp", "highs")


@frozen
class Outcome:
    """What a backend returned.

    Attributes
    ----------
    x : ndarray or None
        A 0-1 solution (None when there is none).
    objective : float or None
        Its value.
    bound : float
        An upper bound on the optimum (``inf`` when none is known).
    proven : bool
        Whether the solution is proven optimal.
    infeasible : bool
        Whether the model is proven infeasible.
    seconds : float
        Wall time of the solve.
    """

    x: npt.NDArray[np.float64] | None
    objective: float | None
    bound: float
    proven: bool
    infeasible: bool
    seconds: float


def _check(backend: str, known: Sequence[str], what: str) -> None:
    if backend not in known:
        raise InvalidOptionError(f"unknown {what} {backend!r}; known: {', '.join(known)}")


def run_backend(model: TimeIndexedModel, cost: npt.NDArray[np.float64], *, backend: str,
                time_limit: float, seed: int = 0, workers: int = 1,
                deterministic: bool = False, hint: npt.NDArray[np.float64] | None = None,
                floors: Sequence[tuple[npt.NDArray[np.float64], float]] = (),
                stopped: Callable[[], bool] | None = None, log: bool = False,
                highs_options: Mapping[str, bool | int | float | str] | None = None
                ) -> Outcome:
    """Maximise ``cost @ x`` over the model (plus rows ``c @ x >= v`` for each of ``floors``).

    Parameters
    ----------
    model : TimeIndexedModel
        The model.
    cost : ndarray
        Integer objective coefficients per column.
    backend : str
        One of :data:`BACKENDS`.
    time_limit : float
        Seconds (deterministic CP-SAT: work units).
    seed, workers, deterministic
        Search settings. The MIP backends ignore ``deterministic``, and ``workers``: HiGHS's
        thread count is a process-wide setting that MathOpt refuses per solve, so it runs on
        its default scheduler.
    hint : ndarray, optional
        A 0-1 solution to start from: CP-SAT's hint, HiGHS's MIP start (HiGHS checks it and
        starts from it when feasible; SCIP ignores it).
    floors : sequence of (ndarray, float)
        Earlier stages' objectives and the values to keep.
    stopped : callable, optional
        The caller's stop, looked at every :data:`STOP_POLL_SECONDS` during a CP-SAT or HiGHS
        run. CP-SAT stops and returns its best solution. HiGHS under MathOpt ignores an
        interrupt (OR-Tools 9.15, measured: sent at 3, 5 and 12 s into a 30 s run, it ran
        30 s), so on a stop the call returns at once with no solution and leaves the HiGHS
        run to end at its own limit in a background thread (never later than this call's
        deadline; its answer is dropped).
    log : bool
        HiGHS only: its log on the process's standard output (diagnosis; off by default).
    highs_options : mapping of str to bool, int, float or str, optional
        HiGHS only: options by HiGHS's own names (``mip_heuristic_effort``, ...), set after
        this function's own.

    Returns
    -------
    Outcome
        The solution, its value and the bound.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.timeindexed.model import build_model, stage_costs
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> cost = stage_costs(c, m, RULES["fifo"].stages[0])
    >>> a = run_backend(m, cost, backend="cpsat", time_limit=10, deterministic=True)
    >>> b = run_backend(m, cost, backend="highs", time_limit=10)
    >>> a.proven and b.proven and a.objective == b.objective == a.bound
    True
    """
    _check(backend, BACKENDS, "backend")
    t0 = time.perf_counter()
    if model.num_cols == 0:
        return Outcome(np.zeros(0), 0.0, 0.0, True, bool(model.unmeetable_required), 0.0)
    if backend == "cpsat":
        return _cpsat(model, cost, time_limit, seed, workers, deterministic, hint, floors, t0,
                      stopped)
    if backend == "highs":
        return _highs(model, cost, time_limit, seed, hint, floors, t0, stopped, log,
                      highs_options or {})
    return _mip(model, cost, backend, time_limit, seed, floors, t0)


def _rows(model: TimeIndexedModel) -> list[tuple[list[int], list[int], float, float]]:
    starts = model.a_start.tolist()
    idx = model.a_index.tolist()
    val = model.a_value.tolist()
    lo, hi = model.row_lower.tolist(), model.row_upper.tolist()
    return [(idx[a:e], [round(v) for v in val[a:e]], lo[r], hi[r])
            for r, (a, e) in enumerate(itertools.pairwise(starts))]


def _cpsat(model: TimeIndexedModel, cost: npt.NDArray[np.float64], time_limit: float,
           seed: int, workers: int, deterministic: bool,
           hint: npt.NDArray[np.float64] | None,
           floors: Sequence[tuple[npt.NDArray[np.float64], float]], t0: float,
           stopped: Callable[[], bool] | None = None) -> Outcome:
    from ortools.sat.python import cp_model

    from cus_match.optimise.engine.params import stop_search_when

    m = cp_model.CpModel()
    lower, upper = model.lower.tolist(), model.upper.tolist()
    xs = [m.new_int_var(int(lo), int(hi), "") for lo, hi in zip(lower, upper, strict=True)]
    for cols, vals, lo, hi in _rows(model):
        if hi == 1.0 and math.isinf(lo) and all(v == 1 for v in vals):
            m.add_at_most_one(xs[j] for j in cols)
            continue
        expr = cp_model.LinearExpr.weighted_sum([xs[j] for j in cols], vals)
        if lo == hi:
            m.add(expr == int(lo))
        elif math.isinf(lo):
            m.add(expr <= math.floor(hi))
        elif math.isinf(hi):
            m.add(expr >= math.ceil(lo))
        else:
            m.add_linear_constraint(expr, math.ceil(lo), math.floor(hi))
    for c, v in floors:
        nz = np.flatnonzero(c)
        m.add(cp_model.LinearExpr.weighted_sum([xs[j] for j in nz.tolist()],
                                               [round(a) for a in c[nz].tolist()]) >= round(v))
    nz = np.flatnonzero(cost)
    m.maximize(cp_model.LinearExpr.weighted_sum([xs[j] for j in nz.tolist()],
                                                [round(a) for a in cost[nz].tolist()]))
    if hint is not None:
        for j, v in enumerate(hint.tolist()):
            m.add_hint(xs[j], round(v))
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.num_workers = 1 if deterministic else workers
    # The clique rows are the model's strength: have CP-SAT put all of them in its LP.
    p.linearization_level = 2
    left = max(time_limit - (time.perf_counter() - t0), 0.01)
    if deterministic:
        p.max_deterministic_time = left
    else:
        p.max_time_in_seconds = left
    with stop_search_when(solver, stopped):
        code = solver.solve(m)
    seconds = time.perf_counter() - t0
    if code == cp_model.INFEASIBLE:
        return Outcome(None, None, -math.inf, False, True, seconds)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome(None, None, math.inf, False, False, seconds)
    x = np.array([solver.value(v) for v in xs], dtype=np.float64)
    return Outcome(x, float(solver.objective_value), float(solver.best_objective_bound),
                   code == cp_model.OPTIMAL, False, seconds)


def _helper(model: TimeIndexedModel, cost: npt.NDArray[np.float64],
            floors: Sequence[tuple[npt.NDArray[np.float64], float]], integral: bool) -> Any:
    """The model in OR-Tools' model builder (term by term: scipy is not a dependency)."""
    from ortools.linear_solver.python import model_builder_helper as mbh

    h = mbh.ModelBuilderHelper()
    n = model.num_cols
    # OR-Tools' stubs spell numpy arrays wrongly (``ndarray[float64, ...]``).
    h.add_var_array_with_bounds(model.lower, model.upper, np.full(n, integral), "")  # type: ignore[arg-type]
    h.set_objective_coefficients(list(range(n)), cost.tolist())
    add = h.add_term_to_constraint
    starts, idx, val = model.a_start.tolist(), model.a_index.tolist(), model.a_value.tolist()
    for r, (lo, hi) in enumerate(zip(model.row_lower.tolist(), model.row_upper.tolist(),
                                     strict=True)):
        ct = h.add_linear_constraint()
        h.set_constraint_lower_bound(ct, lo)
        h.set_constraint_upper_bound(ct, hi)
        for k in range(starts[r], starts[r + 1]):
            add(ct, idx[k], val[k])
    for c, v in floors:
        ct = h.add_linear_constraint()
        h.set_constraint_lower_bound(ct, v)
        h.set_constraint_upper_bound(ct, math.inf)
        for j in np.flatnonzero(c).tolist():
            add(ct, j, float(c[j]))
    h.set_maximize(True)
    return h


# Objective coefficients are whole numbers: an absolute gap below 1 proves optimality, where the
# solvers' default relative gaps (1e-4) would stop short of it.
_PARAMS: Mapping[str, str] = {
    "scip": f"limits/gap = 0\nlimits/absgap = {MIP_ABS_GAP}\n"
            "randomization/randomseedshift = {seed}",
}


def model_proto(model: TimeIndexedModel, cost: npt.NDArray[np.float64], *,
                floors: Sequence[tuple[npt.NDArray[np.float64], float]] = (),
                integral: bool = True) -> Any:
    """The model as a MathOpt ``ModelProto`` (maximise ``cost @ x``), written from the arrays.

    Variable ``j`` is column ``j``; row ``r`` is constraint ``r``, then one row per floor.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.timeindexed.model import build_model, stage_costs
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> p = model_proto(m, stage_costs(c, m, RULES["fifo"].stages[0]))
    >>> len(p.variables.ids) == m.num_cols, len(p.linear_constraints.ids) == m.num_rows
    (True, True)
    """
    from ortools.math_opt import model_pb2

    n = model.num_cols
    p = model_pb2.ModelProto()
    v = p.variables
    v.ids[:] = range(n)
    v.lower_bounds[:] = model.lower.tolist()
    v.upper_bounds[:] = model.upper.tolist()
    v.integers[:] = [integral] * n
    p.objective.maximize = True
    nz = np.flatnonzero(cost)
    p.objective.linear_coefficients.ids[:] = nz.tolist()
    p.objective.linear_coefficients.values[:] = cost[nz].tolist()
    rows = np.repeat(np.arange(model.num_rows, dtype=np.int64), np.diff(model.a_start))
    cols, vals = model.a_index, model.a_value
    lo, hi = model.row_lower.tolist(), model.row_upper.tolist()
    for k, (c, floor) in enumerate(floors):
        fz = np.flatnonzero(c)
        rows = np.concatenate([rows, np.full(len(fz), model.num_rows + k, dtype=np.int64)])
        cols = np.concatenate([cols, fz])
        vals = np.concatenate([vals, c[fz]])
        lo.append(float(floor))
        hi.append(math.inf)
    # MathOpt wants the matrix sorted by row, then column, without repeats.
    order = np.lexsort((cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    if len(rows) > 1:
        new = np.concatenate([[True], (np.diff(rows) != 0) | (np.diff(cols) != 0)])
        if not new.all():
            at = np.flatnonzero(new)
            rows, cols, vals = rows[at], cols[at], np.add.reduceat(vals, at)
    lc = p.linear_constraints
    lc.ids[:] = range(len(lo))
    lc.lower_bounds[:] = lo
    lc.upper_bounds[:] = hi
    mat = p.linear_constraint_matrix
    mat.row_ids[:] = rows.tolist()
    mat.column_ids[:] = cols.tolist()
    mat.coefficients[:] = vals.tolist()
    return p


def _highs(model: TimeIndexedModel, cost: npt.NDArray[np.float64], time_limit: float,
           seed: int, hint: npt.NDArray[np.float64] | None,
           floors: Sequence[tuple[npt.NDArray[np.float64], float]], t0: float,
           stopped: Callable[[], bool] | None, log: bool = False,
           options: Mapping[str, bool | int | float | str] | None = None) -> Outcome:
    """HiGHS through MathOpt's solve on the protos.

    Protos only, no ``mathopt`` Python package: no ``Model`` of 65,000 Python objects, and
    0.3 s less import (what a rural solve of 1-2 s notices).
    """
    from ortools.math_opt import (
        callback_pb2,
        model_parameters_pb2,
        parameters_pb2,
        result_pb2,
        solution_pb2,
    )
    from ortools.math_opt.core.python import solver as core
    from ortools.util.python import solve_interrupter

    proto = model_proto(model, cost, floors=floors)
    hints = model_parameters_pb2.ModelSolveParametersProto()
    if hint is not None:
        h = hints.solution_hints.add()
        h.variable_values.ids[:] = range(model.num_cols)
        # HiGHS fails outright (kError) on a start outside a column's bounds (a required
        # visit the plan leaves out): keep the start within them; rows it breaks HiGHS
        # checks itself and then ignores the start.
        start = np.clip(np.asarray(hint, dtype=np.float64).round(), model.lower, model.upper)
        h.variable_values.values[:] = start.tolist()
    left = max(time_limit - (time.perf_counter() - t0), 0.01)
    params = parameters_pb2.SolveParametersProto(relative_gap_tolerance=0.0,
                                                 absolute_gap_tolerance=MIP_ABS_GAP,
                                                 random_seed=int(seed), enable_output=log)
    for name, val in (options or {}).items():
        # bool before int: a bool is an int in Python.
        group = (params.highs.bool_options if isinstance(val, bool)
                 else params.highs.int_options if isinstance(val, int)
                 else params.highs.double_options if isinstance(val, float)
                 else params.highs.string_options)
        group[name] = val
    params.time_limit.FromTimedelta(timedelta(seconds=left))
    interrupter = solve_interrupter.SolveInterrupter()
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = core.solve(
                proto, parameters_pb2.SOLVER_TYPE_HIGHS,
                parameters_pb2.SolverInitializerProto(), params, hints, None,
                callback_pb2.CallbackRegistrationProto(), None, interrupter.pybind_interrupter)
        except Exception as exc:  # re-raised in the caller's thread below
            box["error"] = exc

    if stopped is None:
        run()
    else:
        worker = threading.Thread(target=run, name="cus_match-highs", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(STOP_POLL_SECONDS)
            if worker.is_alive() and stopped():
                interrupter.interrupt()
                break
    seconds = time.perf_counter() - t0
    if "error" in box:
        raise RuntimeError(f"HiGHS (MathOpt) failed: {box['error']}") from box["error"]
    if "result" not in box:
        return Outcome(None, None, math.inf, False, False, seconds)
    res = box["result"]
    reason = res.termination.reason
    if reason == result_pb2.TERMINATION_REASON_INFEASIBLE:
        return Outcome(None, None, -math.inf, False, True, seconds)
    dual = float(res.termination.objective_bounds.dual_bound)
    bound = dual if math.isfinite(dual) else math.inf
    feasible = [s.primal_solution for s in res.solutions if s.HasField("primal_solution")
                and s.primal_solution.feasibility_status
                == solution_pb2.SOLUTION_STATUS_FEASIBLE]
    if not feasible:
        return Outcome(None, None, bound, False, False, seconds)
    x = np.zeros(model.num_cols)
    vv = feasible[0].variable_values
    x[np.asarray(vv.ids, dtype=np.int64)] = np.asarray(vv.values, dtype=np.float64)
    x = x.round()
    return Outcome(x, float(cost @ x), max(bound, float(cost @ x)),
                   reason == result_pb2.TERMINATION_REASON_OPTIMAL, False, seconds)


def _mip(model: TimeIndexedModel, cost: npt.NDArray[np.float64], backend: str,
         time_limit: float, seed: int,
         floors: Sequence[tuple[npt.NDArray[np.float64], float]], t0: float) -> Outcome:
    from ortools.linear_solver.python import model_builder_helper as mbh

    h = _helper(model, cost, floors, integral=True)
    s = mbh.ModelSolverHelper(backend)
    s.set_solver_specific_parameters(_PARAMS[backend].format(seed=seed))
    s.set_time_limit_in_seconds(max(time_limit - (time.perf_counter() - t0), 0.01))
    s.solve(h)
    seconds = time.perf_counter() - t0
    status = s.status()
    if status == mbh.SolveStatus.INFEASIBLE:
        return Outcome(None, None, -math.inf, False, True, seconds)
    if not s.has_solution():
        return Outcome(None, None, math.inf, False, False, seconds)
    x = np.asarray(s.variable_values(), dtype=np.float64).round()
    bound = float(s.best_objective_bound())
    value = float(cost @ x)
    return Outcome(x, value, bound if math.isfinite(bound) else math.inf,
                   status == mbh.SolveStatus.OPTIMAL, False, seconds)


def lp_value(model: TimeIndexedModel, cost: npt.NDArray[np.float64], *, solver: str = "glop",
             time_limit: float = 60.0) -> float | None:
    """The optimum of the LP relaxation, or None when it is not solved to optimality in time.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.timeindexed.model import build_model, stage_costs
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> cost = stage_costs(c, m, RULES["fifo"].stages[0])
    >>> lp_value(m, cost) >= run_backend(m, cost, backend="highs", time_limit=10).bound - 1e-6
    True
    """
    got = lp_solution(model, cost, solver=solver, time_limit=time_limit)
    return None if got is None else got[0]


def lp_solution(model: TimeIndexedModel, cost: npt.NDArray[np.float64], *,
                solver: str = "glop", time_limit: float = 60.0
                ) -> tuple[float, npt.NDArray[np.float64]] | None:
    """The LP relaxation's optimum and its (fractional) solution, or None when not solved.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.timeindexed.model import build_model, stage_costs
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> value, x = lp_solution(m, stage_costs(c, m, RULES["fifo"].stages[0]))
    >>> len(x) == m.num_cols, bool(((x > -1e-9) & (x < 1 + 1e-9)).all())
    (True, True)
    """
    from ortools.linear_solver.python import model_builder_helper as mbh

    _check(solver, LP_SOLVERS, "LP solver")
    if model.num_cols == 0:
        return 0.0, np.zeros(0)
    h = _helper(model, cost, (), integral=False)
    s = mbh.ModelSolverHelper(solver)
    if solver == "highs":
        s.set_solver_specific_parameters("output_flag=false")
    s.set_time_limit_in_seconds(time_limit)
    s.solve(h)
    if s.status() != mbh.SolveStatus.OPTIMAL:
        return None
    return float(s.objective_value()), np.asarray(s.variable_values(), dtype=np.float64)
