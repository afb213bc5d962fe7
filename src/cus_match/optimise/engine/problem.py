"""Problem and solution classes of the engine, and their validation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from attrs import field, frozen

from cus_match.errors import InvalidInputError, InvalidOptionError, Problem
from cus_match.plan.result import Status
from cus_match.problem_texts import ProblemCode

__all__ = ["GapProblem", "GapSolution", "LapSolution"]

SENSES = ("min", "max")


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


def _int_array(value: Any) -> np.ndarray:
    """Convert to a read-only int64 array; integral floats are accepted, the rest is left as is.

    Non-integral or non-numeric input is kept (as an array) so that validation can report it
    with a path instead of a bare numpy error.
    """
    a = np.asarray(value)
    if a.dtype.kind in "iub":
        return _readonly(a.astype(np.int64))
    if a.dtype.kind == "f" and a.size and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        return _readonly(a.astype(np.int64))
    if a.dtype.kind == "f" and a.size == 0:
        return _readonly(a.astype(np.int64))
    return _readonly(a)


def _cost_array(value: Any) -> np.ndarray:
    a = np.asarray(value)
    if a.dtype.kind in "iub":
        return _readonly(a.astype(np.int64))
    if a.dtype.kind == "f":
        return _readonly(a.astype(np.float64))
    return _readonly(a)


def check_sense(sense: str) -> str:
    if sense not in SENSES:
        raise InvalidOptionError(f"sense must be 'min' or 'max', got {sense!r}")
    return sense


@frozen(eq=False)
class GapProblem:
    """A generalized assignment problem on sparse arcs.

    Agents ``0..n_agents-1`` have a capacity; jobs ``0..n_jobs-1`` are given to at most one agent
    (exactly one when ``assign_all``). Arc ``k`` allows job ``job[k]`` to go to agent
    ``agent[k]``, at ``cost[k]`` and using ``weight[k]`` of the agent's capacity.

    Parameters
    ----------
    n_agents, n_jobs : int
        Numbers of agents (m) and jobs (n).
    agent, job : array of int, shape (k,)
        The arcs' ends. A pair may appear only once.
    cost : array of int or float, shape (k,)
        Cost (``sense="min"``) or profit (``sense="max"``) of using the arc. Finite.
    weight : array of int, shape (k,)
        Capacity the arc uses on its agent, >= 0. It may depend on the agent.
    capacity : array of int, shape (n_agents,)
        Capacity of each agent, >= 0.
    sense : {"min", "max"}
        Minimise total cost or maximise total profit.
    assign_all : bool
        Every job must be assigned (OR-Library GAP). Otherwise jobs are optional and an
        unassigned job adds nothing to the objective.

    Raises
    ------
    InvalidInputError
        Listing every problem with the arrays (shapes, ranges, negative values, duplicates).
    InvalidOptionError
        For an unknown ``sense``.

    Examples
    --------
    Two agents, three jobs, every pair allowed:

    >>> import numpy as np
    >>> p = GapProblem.from_dense(cost=[[1, 5, 3], [4, 2, 6]], weight=[[2, 2, 2], [1, 1, 1]],
    ...                           capacity=[2, 5])
    >>> p.n_agents, p.n_jobs, p.n_arcs
    (2, 3, 6)
    >>> p.objective_of(np.array([0, 1, 1]))
    9
    """

    n_agents: int = field(converter=int)
    n_jobs: int = field(converter=int)
    agent: np.ndarray = field(converter=_int_array, repr=False)
    job: np.ndarray = field(converter=_int_array, repr=False)
    cost: np.ndarray = field(converter=_cost_array, repr=False)
    weight: np.ndarray = field(converter=_int_array, repr=False)
    capacity: np.ndarray = field(converter=_int_array, repr=False)
    sense: str = field(default="min", kw_only=True, converter=check_sense)
    assign_all: bool = field(default=True, kw_only=True, converter=bool)

    def __attrs_post_init__(self) -> None:
        problems = list(_validate(self))
        if problems:
            raise InvalidInputError(problems, source="GapProblem")

    @property
    def n_arcs(self) -> int:
        """Number of arcs (allowed agent-job pairs)."""
        return int(self.agent.shape[0])

    @classmethod
    def from_dense(
        cls,
        cost: Any,
        weight: Any,
        capacity: Any,
        *,
        allowed: Any = None,
        sense: str = "min",
        assign_all: bool = True,
    ) -> GapProblem:
        """Build from ``m x n`` cost and weight matrices (row = agent, column = job).

        Parameters
        ----------
        cost, weight : array, shape (m, n)
        capacity : array, shape (m,)
        allowed : array of bool, shape (m, n), optional
            Pairs that may be used; all pairs by default.
        sense, assign_all
            As in the class.

        Examples
        --------
        >>> p = GapProblem.from_dense([[3, 1]], [[1, 1]], [1], allowed=[[True, False]])
        >>> p.agent.tolist(), p.job.tolist(), p.cost.tolist()
        ([0], [0], [3])
        """
        c = np.asarray(cost)
        w = np.asarray(weight)
        if c.ndim != 2 or w.shape != c.shape:
            raise InvalidInputError(
                [Problem("weight", ProblemCode.MATRICES_NOT_ALIGNED,
                         {"cost": c.shape, "weight": w.shape})], source="GapProblem")
        mask = np.ones(c.shape, bool) if allowed is None else np.asarray(allowed, bool)
        if mask.shape != c.shape:
            raise InvalidInputError(
                [Problem("allowed", ProblemCode.WRONG_SHAPE,
                         {"expected": c.shape, "got": mask.shape})],
                source="GapProblem")
        ag, jb = np.nonzero(mask)
        return cls(c.shape[0], c.shape[1], ag, jb, c[ag, jb], w[ag, jb], capacity,
                   sense=sense, assign_all=assign_all)

    def objective_of(self, job_agent: np.ndarray) -> int | float:
        """Objective of an assignment (``-1`` = unassigned), from this problem's arcs.

        Raises
        ------
        InvalidInputError
            If a job is given to an agent it has no arc to, or the shape is wrong.
        """
        arcs = self.arcs_of(job_agent)
        used = arcs[arcs >= 0]
        total = self.cost[used].sum()
        return int(total) if self.cost.dtype.kind == "i" else float(total)

    def arcs_of(self, job_agent: np.ndarray) -> np.ndarray:
        """The arc index used by each job (``-1`` for an unassigned job)."""
        ja = np.asarray(job_agent)
        if ja.shape != (self.n_jobs,):
            raise InvalidInputError(
                [Problem("job_agent", ProblemCode.WRONG_SHAPE,
                         {"expected": (self.n_jobs,), "got": ja.shape})])
        if ja.size and (ja.dtype.kind not in "iu" or ja.min() < -1):
            raise InvalidInputError(
                [Problem("job_agent", ProblemCode.NOT_AGENT_INDICES)])
        key = self.job.astype(np.int64) * max(self.n_agents, 1) + self.agent
        order = np.argsort(key, kind="stable")
        assigned = ja >= 0
        want = np.arange(self.n_jobs, dtype=np.int64) * max(self.n_agents, 1) + ja
        pos = np.searchsorted(key[order], want)
        pos = np.minimum(pos, max(len(order) - 1, 0))
        found = np.zeros(self.n_jobs, bool)
        if len(order):
            found = key[order][pos] == want
        bad = assigned & ~found
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise InvalidInputError(
                [Problem(f"job_agent[{j}]", ProblemCode.NO_ARC, {"job": j, "agent": ja[j]})])
        out = np.full(self.n_jobs, -1, np.int64)
        if len(order):
            out[assigned] = order[pos[assigned]]
        return out


def _validate(p: GapProblem) -> list[Problem]:
    out: list[Problem] = []
    if p.n_agents < 0:
        out.append(Problem("n_agents", ProblemCode.NEGATIVE, {"value": p.n_agents}))
    if p.n_jobs < 0:
        out.append(Problem("n_jobs", ProblemCode.NEGATIVE, {"value": p.n_jobs}))
    arrays = {"agent": p.agent, "job": p.job, "cost": p.cost, "weight": p.weight}
    k = None
    for name, a in arrays.items():
        if a.ndim != 1:
            out.append(Problem(name, ProblemCode.NOT_ONE_DIMENSIONAL, {"shape": a.shape}))
            continue
        if k is None:
            k = a.shape[0]
        elif a.shape[0] != k:
            out.append(Problem(name, ProblemCode.LENGTH_MISMATCH,
                               {"count": a.shape[0], "expected": k}))
    for name in ("agent", "job", "weight", "capacity"):
        a = getattr(p, name)
        if a.dtype.kind != "i" and a.size:
            out.append(Problem(name, ProblemCode.NOT_INTEGERS, {"dtype": str(a.dtype)}))
    if p.cost.dtype.kind not in "if" and p.cost.size:
        out.append(Problem("cost", ProblemCode.NOT_NUMBERS, {"dtype": str(p.cost.dtype)}))
    if p.capacity.shape != (max(p.n_agents, 0),):
        out.append(Problem("capacity", ProblemCode.WRONG_SHAPE,
                           {"expected": (p.n_agents,), "got": p.capacity.shape}))
    if out:
        return out
    if p.agent.size and (p.agent.min() < 0 or p.agent.max() >= p.n_agents):
        k = int(np.flatnonzero((p.agent < 0) | (p.agent >= p.n_agents))[0])
        out.append(Problem(f"agent[{k}]", ProblemCode.INDEX_OUT_OF_RANGE,
                           {"last": p.n_agents - 1, "value": p.agent[k]}))
    if p.job.size and (p.job.min() < 0 or p.job.max() >= p.n_jobs):
        k = int(np.flatnonzero((p.job < 0) | (p.job >= p.n_jobs))[0])
        out.append(Problem(f"job[{k}]", ProblemCode.INDEX_OUT_OF_RANGE,
                           {"last": p.n_jobs - 1, "value": p.job[k]}))
    if p.weight.size and p.weight.min() < 0:
        k = int(np.flatnonzero(p.weight < 0)[0])
        out.append(Problem(f"weight[{k}]", ProblemCode.NEGATIVE, {"value": p.weight[k]}))
    if p.capacity.size and p.capacity.min() < 0:
        k = int(np.flatnonzero(p.capacity < 0)[0])
        out.append(Problem(f"capacity[{k}]", ProblemCode.NEGATIVE, {"value": p.capacity[k]}))
    if p.cost.dtype.kind == "f" and not np.all(np.isfinite(p.cost)):
        k = int(np.flatnonzero(~np.isfinite(p.cost))[0])
        out.append(Problem(f"cost[{k}]", ProblemCode.ENTRY_NOT_FINITE, {"value": p.cost[k]}))
    if not out and p.agent.size:
        key = p.job * max(p.n_agents, 1) + p.agent
        uniq, counts = np.unique(key, return_counts=True)
        if (counts > 1).any():
            dup = uniq[counts > 1][0]
            ks = np.flatnonzero(key == dup)[:2].tolist()
            out.append(Problem(f"agent[{ks[1]}]", ProblemCode.DUPLICATE_ARC, {
                "first": ks[0], "second": ks[1], "agent": p.agent[ks[0]], "job": p.job[ks[0]]}))
    return out


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``|objective - bound| / max(1, |objective|)``, or None when either is unknown."""
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


@frozen(eq=False)
class GapSolution:
    """The answer of :func:`~cus_match.optimise.engine.solve_gap`.

    Parameters
    ----------
    job_agent : array of int, shape (n_jobs,)
        The agent of each job, ``-1`` when unassigned.
    objective : int or float or None
        Total cost (or profit) of ``job_agent``; None when no solution was found.
    bound : int or float or None
        Proven bound on the optimum: lower for ``min``, upper for ``max``; None if unknown
        (for example when the problem is infeasible).
    gap : float or None
        ``|objective - bound| / max(1, |objective|)``: 0 when proven optimal.
    status : Status
        ``optimal``, ``feasible``, ``infeasible`` or ``no_solution``.
    seconds : float
        Wall-clock time of the whole call.
    method : str
        The method that ran (``auto`` resolves to ``flow`` or ``cpsat``).
    job_arc : array of int, shape (n_jobs,)
        Index of the arc used by each job, ``-1`` when unassigned.
    """

    job_agent: np.ndarray = field(converter=_readonly, repr=False)
    objective: int | float | None
    bound: int | float | None
    gap: float | None
    status: Status = field(converter=Status)
    seconds: float
    method: str
    job_arc: np.ndarray = field(converter=_readonly, repr=False)

    @property
    def n_assigned(self) -> int:
        """Number of jobs given to an agent."""
        return int((self.job_agent >= 0).sum())


@frozen(eq=False)
class LapSolution:
    """The answer of :func:`~cus_match.optimise.engine.solve_lap`.

    Parameters
    ----------
    row_col : array of int, shape (n_rows,)
        Column matched to each row, ``-1`` for a row left out (only when there are more rows
        than columns).
    objective : int or float or None
        Total cost of the matching; None when there is no complete matching.
    status : Status
        ``optimal`` or ``infeasible`` (no matching covers every row, or every column when there
        are fewer columns).
    seconds : float
        Wall-clock time of the call.
    """

    row_col: np.ndarray = field(converter=_readonly, repr=False)
    objective: int | float | None
    status: Status = field(converter=Status)
    seconds: float


def finite_or_none(x: float | None) -> float | None:
    """None for None or NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return x
