"""The solver-side form of a problem: minimisation, integer costs, useless arcs removed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cus_match.optimise.engine.problem import GapProblem

#: Float costs are scaled so that the largest magnitude is at most this (then rounded).
FLOAT_COST_RANGE = 2.0**31


def integer_costs(cost: np.ndarray, limit: float = FLOAT_COST_RANGE) -> tuple[np.ndarray, float]:
    """Integer costs and the factor they were multiplied by (1.0 for integer input).

    Float costs that are all whole numbers within ``limit`` are used as they are; others are
    multiplied by the largest power of two that keeps them within ``limit``, then rounded. The
    scale depends only on the data, so the result is reproducible.

    Examples
    --------
    >>> c, s = integer_costs(np.array([0.5, 1.25]))
    >>> s == 2.0**30, (c / s).tolist()
    (True, [0.5, 1.25])
    """
    if cost.dtype.kind in "iub":
        return cost.astype(np.int64, copy=False), 1.0
    c = np.asarray(cost, np.float64)
    big = float(np.abs(c).max()) if c.size else 0.0
    if big <= limit and np.all(c == np.round(c)):
        return c.astype(np.int64), 1.0
    if big == 0.0:
        return np.zeros(c.shape, np.int64), 1.0
    scale = 2.0 ** math.floor(math.log2(limit / big))
    return np.round(c * scale).astype(np.int64), scale


@dataclass
class Prep:
    """A problem as the solvers see it.

    Costs are in minimisation form (profits negated) and integer (``scale`` > 1 when float
    costs were scaled). Arcs that can never be used are left out: weight above the agent's
    capacity, and, for optional jobs, arcs that cost more than leaving the job out.
    ``arc`` maps each kept arc to its index in the problem.
    """

    problem: GapProblem
    arc: np.ndarray
    a: np.ndarray
    j: np.ndarray
    w: np.ndarray
    c: np.ndarray
    cap: np.ndarray
    scale: float
    exact_costs: bool
    m: int
    n: int
    assign_all: bool
    by_job: np.ndarray = field(init=False)  # kept arcs sorted by (job, cost)
    job_start: np.ndarray = field(init=False)  # CSR starts into by_job, length n + 1

    def __post_init__(self) -> None:
        self.by_job = np.lexsort((self.c, self.j))
        self.job_start = np.searchsorted(self.j[self.by_job], np.arange(self.n + 1))

    @property
    def k(self) -> int:
        """Number of kept arcs."""
        return int(self.a.shape[0])

    def jobs_without_arcs(self) -> np.ndarray:
        """Jobs that no kept arc reaches."""
        return np.flatnonzero(np.diff(self.job_start) == 0)

    def to_problem_bound(self, bound_min: float | None) -> float | None:
        """A bound of the solver form, as a bound in the problem's own sense and units."""
        if bound_min is None:
            return None
        b = float(bound_min)
        if not self.exact_costs:
            # Each chosen arc's cost was rounded by at most half a unit.
            b -= 0.5 * self.n
        b /= self.scale
        if self.problem.sense == "max":
            b = -b
        if self.exact_costs and self.scale == 1.0 and self.problem.cost.dtype.kind == "i":
            return round(b)
        return b

    def job_agent(self, job_arc: np.ndarray) -> np.ndarray:
        """Agent of each job from kept-arc indices (``-1`` stays ``-1``)."""
        out = np.full(self.n, -1, np.int64)
        ok = job_arc >= 0
        out[ok] = self.a[job_arc[ok]]
        return out

    def problem_arcs(self, job_arc: np.ndarray) -> np.ndarray:
        """Problem arc index of each job from kept-arc indices."""
        out = np.full(self.n, -1, np.int64)
        ok = job_arc >= 0
        out[ok] = self.arc[job_arc[ok]]
        return out

    def cost_of(self, job_arc: np.ndarray) -> int:
        """Solver-form objective of kept-arc indices."""
        used = job_arc[job_arc >= 0]
        return int(self.c[used].sum())

    def loads(self, job_arc: np.ndarray) -> np.ndarray:
        """Capacity used on each agent."""
        used = job_arc[job_arc >= 0]
        return np.bincount(self.a[used], weights=self.w[used], minlength=self.m).astype(np.int64)

    def is_feasible(self, job_arc: np.ndarray) -> bool:
        """Capacities hold and, when required, every job is assigned."""
        if self.assign_all and (job_arc < 0).any():
            return False
        return bool(np.all(self.loads(job_arc) <= self.cap))

    def from_problem_arcs(self, problem_arc: np.ndarray) -> np.ndarray:
        """Kept-arc index of each job from problem arc indices (dropped arcs become ``-1``)."""
        inv = np.full(self.problem.n_arcs, -1, np.int64)
        inv[self.arc] = np.arange(self.k)
        out = np.full(self.n, -1, np.int64)
        ok = problem_arc >= 0
        out[ok] = inv[problem_arc[ok]]
        return out


def prepare(p: GapProblem) -> Prep:
    """Build the solver form of ``p``."""
    cint, scale = integer_costs(p.cost)
    exact = scale == 1.0
    cmin = -cint if p.sense == "max" else cint
    keep = p.weight <= p.capacity[p.agent] if p.n_arcs else np.zeros(0, bool)
    if not p.assign_all:
        keep &= cmin <= 0
    arc = np.flatnonzero(keep)
    return Prep(
        problem=p,
        arc=arc,
        a=p.agent[arc].astype(np.int64),
        j=p.job[arc].astype(np.int64),
        w=p.weight[arc].astype(np.int64),
        c=cmin[arc].astype(np.int64),
        cap=p.capacity.astype(np.int64),
        scale=scale,
        exact_costs=exact,
        m=p.n_agents,
        n=p.n_jobs,
        assign_all=p.assign_all,
    )
