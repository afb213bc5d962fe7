"""``solve_lap``: linear (1:1) assignment, dispatched per input to the fastest backend.

Measured on the OR-Library assignment files (benchmarks/README.md, 2026-12-03, same run):
scipy's ``linear_sum_assignment`` (shortest augmenting path, LAPJV-like) is 3-5x faster than
OR-Tools' ``SimpleLinearSumAssignment`` on dense matrices; on sparse arcs scipy's
``min_weight_full_bipartite_matching`` is faster while rows hold many arcs (assignp800,
assignp1500: 125 and 67 arcs per row) and OR-Tools from fewer (assignp3000, assignp5000: 33
and 20). scipy is optional (the ``bench`` extra); without it every input goes to OR-Tools,
which costs the factors above on dense inputs.
"""

from __future__ import annotations

import functools
import importlib
import time
from typing import Any

import numpy as np
from ortools.graph.python import linear_sum_assignment, min_cost_flow

from cus_match.errors import InvalidInputError, Problem, SolverError
from cus_match.optimise.engine.prep import integer_costs
from cus_match.optimise.engine.problem import LapSolution, check_sense
from cus_match.problem_texts import ProblemCode

__all__ = ["SPARSE_SCIPY_ARCS_PER_ROW", "solve_lap"]


#: Whether to use scipy where it is faster (when it is installed); tests switch it off to
#: measure and check the core-only path.
USE_SCIPY = True


@functools.cache
def _scipy(module: str, name: str) -> Any:
    """A scipy function, or None without scipy (optional: used where measured faster).

    Imported on first use, not with the package: scipy.optimize alone takes a few tenths of a
    second to import, which every command-line call would otherwise pay.
    """
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:  # pragma: no cover - scipy is installed with the test extra
        return None


def _scipy_dense() -> Any:
    return _scipy("scipy.optimize", "linear_sum_assignment") if USE_SCIPY else None


def _scipy_sparse() -> Any:
    return _scipy("scipy.sparse.csgraph", "min_weight_full_bipartite_matching") if (
        USE_SCIPY) else None

#: Sparse inputs with at least this many arcs per row (of the larger side) go to scipy.
SPARSE_SCIPY_ARCS_PER_ROW = 50


def solve_lap(
    cost: Any,
    sense: str = "min",
    *,
    rows: Any = None,
    cols: Any = None,
    shape: tuple[int, int] | None = None,
) -> LapSolution:
    """Solve a linear assignment problem: match rows to columns one to one.

    Every row is matched when there are no more rows than columns (otherwise every column is),
    as in :func:`scipy.optimize.linear_sum_assignment`. Dense matrices go to scipy's
    ``linear_sum_assignment`` and sparse arcs with many arcs per row to scipy's
    ``min_weight_full_bipartite_matching`` when scipy is installed; other square problems go to
    OR-Tools' ``SimpleLinearSumAssignment``, other rectangular ones to its min-cost flow (arcs
    added from numpy arrays in one call).

    Parameters
    ----------
    cost : array
        Either an ``r x c`` matrix (every pair allowed) or, with ``rows`` and ``cols``, the cost
        of each allowed pair (sparse form). Finite numbers; floats are scaled to integers.
    sense : {"min", "max"}
        Minimise total cost or maximise total profit.
    rows, cols : array of int, optional
        The pairs of the sparse form, 0-based.
    shape : (int, int), optional
        ``(r, c)`` of the sparse form; by default one more than the largest index.

    Returns
    -------
    LapSolution
        ``status`` is ``infeasible`` (and ``row_col`` all ``-1``) when no matching covers
        every row (or column).

    Examples
    --------
    >>> s = solve_lap([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    >>> s.row_col.tolist(), s.objective, s.status.value
    ([1, 0, 2], 5, 'optimal')
    >>> solve_lap([5, 1, 2], rows=[0, 0, 1], cols=[0, 1, 0]).row_col.tolist()
    [1, 0]
    >>> solve_lap([[1, 9]], sense="max").row_col.tolist()
    [1]
    """
    t0 = time.perf_counter()
    sense = check_sense(sense)
    c = np.asarray(cost)
    if rows is None and cols is None:
        if c.ndim != 2:
            raise InvalidInputError([Problem("cost", ProblemCode.NOT_A_MATRIX,
                                             {"shape": c.shape})])
        n_rows, n_cols = c.shape
        dense = _scipy_dense()
        if dense is not None and c.size and c.dtype.kind in "iubf":
            if c.dtype.kind == "f" and not np.isfinite(c).all():
                raise InvalidInputError([Problem("cost", ProblemCode.NOT_ALL_FINITE)])
            rr, cc = dense(c, maximize=sense == "max")
            row_col = np.full(n_rows, -1, np.int64)
            row_col[rr] = cc
            total = c[rr, cc].sum()
            return LapSolution(row_col, int(total) if c.dtype.kind in "iub" else float(total),
                               "optimal", time.perf_counter() - t0)
        r = np.repeat(np.arange(n_rows, dtype=np.int64), n_cols)
        k = np.tile(np.arange(n_cols, dtype=np.int64), n_rows)
        c = c.reshape(-1)
    else:
        if rows is None or cols is None:
            raise InvalidInputError([Problem("cols" if cols is None else "rows",
                                             ProblemCode.ROWS_COLS_TOGETHER)])
        r = np.asarray(rows).astype(np.int64, copy=False)
        k = np.asarray(cols).astype(np.int64, copy=False)
        if r.ndim != 1 or r.shape != k.shape or c.shape != r.shape:
            raise InvalidInputError([Problem("cost", ProblemCode.ARRAYS_NOT_ALIGNED, {
                "rows": r.shape, "cols": k.shape, "cost": c.shape})])
        if shape is None:
            shape = (int(r.max()) + 1 if r.size else 0, int(k.max()) + 1 if k.size else 0)
        n_rows, n_cols = (int(shape[0]), int(shape[1]))
        if r.size and (r.min() < 0 or r.max() >= n_rows or k.min() < 0 or k.max() >= n_cols):
            raise InvalidInputError([Problem("rows", ProblemCode.PAIRS_OUT_OF_RANGE,
                                             {"rows": n_rows, "cols": n_cols})])
    if c.dtype.kind not in "iubf":
        raise InvalidInputError([Problem("cost", ProblemCode.NOT_NUMBERS,
                                         {"dtype": str(c.dtype)})])
    if c.dtype.kind == "f" and not np.isfinite(c).all():
        raise InvalidInputError([Problem("cost", ProblemCode.NOT_ALL_FINITE)])
    row_col = np.full(n_rows, -1, np.int64)
    if n_rows == 0 or n_cols == 0:
        return LapSolution(row_col, _zero(c), "optimal", time.perf_counter() - t0)
    if (rows is not None and r.size >= SPARSE_SCIPY_ARCS_PER_ROW * max(n_rows, n_cols)
            and _scipy_sparse() is not None):
        done = _scipy_sparse_lap(r, k, c, sense, n_rows, n_cols, row_col)
        if done is not None:
            ok, objective = done
            if not ok:
                return LapSolution(np.full(n_rows, -1, np.int64), None, "infeasible",
                                   time.perf_counter() - t0)
            return LapSolution(row_col, objective, "optimal", time.perf_counter() - t0)
    cint, _ = integer_costs(c)
    if sense == "max":
        cint = -cint
    exact = c.dtype.kind in "iub"
    if n_rows == n_cols:
        ok, total_int = _square(r, k, cint, n_rows, row_col)
        if ok and exact:
            # OR-Tools' optimal cost is the caller's, for integer costs (negated for max).
            objective = total_int if sense == "min" else -total_int
            return LapSolution(row_col, objective, "optimal", time.perf_counter() - t0)
    else:
        ok = _rectangular(r, k, cint, n_rows, n_cols, row_col)
    if not ok:
        return LapSolution(np.full(n_rows, -1, np.int64), None, "infeasible",
                           time.perf_counter() - t0)
    # Objective from the caller's costs (the cheapest arc of a pair given twice).
    chosen = np.flatnonzero(row_col[r] == k)
    is_int = c.dtype.kind in "iub"
    vals = c[chosen].astype(np.int64 if is_int else np.float64)
    if is_int:
        info = np.iinfo(np.int64)
        best = np.full(n_rows, info.max if sense == "min" else info.min, np.int64)
    else:
        best = np.full(n_rows, np.inf if sense == "min" else -np.inf)
    (np.minimum if sense == "min" else np.maximum).at(best, r[chosen], vals)
    total = best[row_col >= 0].sum()
    objective = int(total) if is_int else float(total)
    return LapSolution(row_col, objective, "optimal", time.perf_counter() - t0)


def _scipy_sparse_lap(r: np.ndarray, k: np.ndarray, c: np.ndarray, sense: str, n_rows: int,
                      n_cols: int, row_col: np.ndarray) -> tuple[bool, int | float] | None:
    """Solve with scipy's sparse matching; None when it cannot take the input (duplicates)."""
    # scipy drops explicit zeros and sums duplicate pairs: shift the costs to >= 1 (every
    # complete matching has min(rows, cols) arcs, so a shift changes no choice) and leave
    # inputs with a repeated pair to OR-Tools, which keeps the cheapest.
    # In place: on assignp800 (100,057 arcs) the two temporaries cost 0.1 ms of a 4-5 ms solve.
    v = c.astype(np.float64)
    if sense == "max":
        np.negative(v, out=v)
    v -= v.min() - 1.0
    g = _scipy("scipy.sparse", "csr_matrix")((v, (r, k)), shape=(n_rows, n_cols))
    if g.nnz != r.size:
        return None
    try:
        rr, cc = _scipy_sparse()(g)
    except ValueError:  # no matching covers the smaller side
        return False, 0
    row_col[rr] = cc
    # Undo the shift on the chosen pairs: exact for integer costs (float64 holds them).
    shift = 1.0 - (float(c.min()) if sense == "min" else float(-c.max()))
    total = float(np.asarray(g[rr, cc]).sum()) - shift * rr.size
    if sense == "max":
        total = -total
    return True, round(total) if c.dtype.kind in "iub" else total


def _zero(c: np.ndarray) -> int | float:
    return 0 if c.dtype.kind in "iub" else 0.0


def _square(r: np.ndarray, k: np.ndarray, c: np.ndarray, n: int,
            row_col: np.ndarray) -> tuple[bool, int]:
    lsa = linear_sum_assignment.SimpleLinearSumAssignment()
    # ortools' stubs write ndarray[numpy.int32], the dtype where numpy's ndarray takes the shape.
    lsa.add_arcs_with_cost(r, k, c)  # type: ignore[arg-type]
    if lsa.num_nodes() != n:
        return False, 0  # some row or column has no arc
    status = lsa.solve()
    if status == lsa.INFEASIBLE:
        return False, 0
    if status != lsa.OPTIMAL:
        raise SolverError(f"linear assignment failed with status {status!r} (cost range?)")
    mate = lsa.right_mate
    row_col[:] = [mate(i) for i in range(n)]
    return True, int(lsa.optimal_cost())


def _rectangular(r: np.ndarray, k: np.ndarray, c: np.ndarray, n_rows: int, n_cols: int,
                 row_col: np.ndarray) -> bool:
    flow = min(n_rows, n_cols)
    src, snk = n_rows + n_cols, n_rows + n_cols + 1
    tails = np.concatenate([np.full(n_rows, src), r, n_rows + np.arange(n_cols)])
    heads = np.concatenate([np.arange(n_rows), n_rows + k, np.full(n_cols, snk)])
    caps = np.ones(tails.shape[0], np.int64)
    costs = np.concatenate([np.zeros(n_rows, np.int64), c, np.zeros(n_cols, np.int64)])
    mcf = min_cost_flow.SimpleMinCostFlow()
    # The ignores: ortools' stubs write ndarray[numpy.int32], the dtype where numpy's ndarray
    # takes the shape (no array fits), and type the arrays they return as object.
    arcs: np.ndarray = mcf.add_arcs_with_capacity_and_unit_cost(  # type: ignore[assignment]
        tails.astype(np.int64), heads.astype(np.int64), caps, costs.astype(np.int64))  # type: ignore[arg-type]
    mcf.set_nodes_supplies(np.array([src, snk], np.int64), np.array([flow, -flow], np.int64))  # type: ignore[arg-type]
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        if status in (mcf.INFEASIBLE, mcf.UNBALANCED):
            return False
        raise SolverError(f"min-cost flow failed with status {status!r}")
    f: np.ndarray = mcf.flows(arcs[n_rows: n_rows + r.shape[0]])  # type: ignore[arg-type, assignment]
    used = np.flatnonzero(f > 0)
    row_col[r[used]] = k[used]
    return True
