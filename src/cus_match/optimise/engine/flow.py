"""Min-cost flow: exact for uniform resource use per agent, a relaxation (bound) otherwise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from cus_match.errors import SolverError
from cus_match.optimise.engine.prep import Prep


@dataclass
class FlowResult:
    """What the flow network says about a problem (solver form)."""

    exact: bool  # the flow problem is the problem itself
    feasible: bool  # False: the relaxation, hence the problem, has no solution
    job_arc: np.ndarray  # kept-arc index per job, -1 unassigned (may overload agents if not exact)
    cost: int  # optimal flow cost: the optimum when exact, a lower bound otherwise


def agent_units(prep: Prep) -> tuple[np.ndarray, np.ndarray]:
    """Jobs each agent can take when counted in units, and whether that count is exact.

    An agent is *exact* when its positive-weight arcs all have one weight (capacity in units
    is ``capacity // weight``) or when its capacity exceeds the total weight of its arcs (no
    limit). Otherwise the count uses its smallest positive weight, which no feasible
    assignment can exceed, so the flow is a relaxation.
    """
    m = prep.m
    pos = prep.w > 0
    a, w = prep.a[pos], prep.w[pos]
    big = np.iinfo(np.int64).max
    wmin = np.full(m, big, np.int64)
    np.minimum.at(wmin, a, w)
    wmax = np.zeros(m, np.int64)
    np.maximum.at(wmax, a, w)
    total = np.bincount(a, weights=w, minlength=m)
    has = wmax > 0
    units = np.full(m, prep.n, np.int64)
    units[has] = np.minimum(prep.cap[has] // wmin[has], prep.n)
    unlimited = total <= prep.cap
    units[unlimited] = prep.n
    exact = ~has | unlimited | (wmin == wmax)
    return units, exact


def solve_flow(prep: Prep) -> FlowResult:
    """Solve the flow network of ``prep`` (see :func:`agent_units`)."""
    m, n, k = prep.m, prep.n, prep.k
    units, exact_agents = agent_units(prep)
    exact = bool(exact_agents.all())
    # Nodes: 0 source, 1 sink, 2..m+1 agents, m+2..2m+1 agents' zero-weight side, then jobs.
    src, snk = 0, 1
    agent_node = 2 + np.arange(m, dtype=np.int64)
    free_node = 2 + m + np.arange(m, dtype=np.int64)
    job_node = 2 + 2 * m + np.arange(n, dtype=np.int64)
    tail_of_arc = np.where(prep.w > 0, agent_node[prep.a], free_node[prep.a])

    tails = np.concatenate([
        np.full(m, src), np.full(m, src), tail_of_arc, job_node,
        [src] if not prep.assign_all else np.zeros(0, np.int64),
    ]).astype(np.int64)
    heads = np.concatenate([
        agent_node, free_node, job_node[prep.j], np.full(n, snk),
        [snk] if not prep.assign_all else np.zeros(0, np.int64),
    ]).astype(np.int64)
    caps = np.concatenate([
        units, np.full(m, n), np.ones(k), np.ones(n),
        [n] if not prep.assign_all else np.zeros(0, np.int64),
    ]).astype(np.int64)
    costs = np.concatenate([
        np.zeros(2 * m), prep.c, np.zeros(n),
        [0] if not prep.assign_all else np.zeros(0, np.int64),
    ]).astype(np.int64)

    smcf = min_cost_flow.SimpleMinCostFlow()
    # The ignores: ortools' stubs write ndarray[numpy.int32], the dtype where numpy's ndarray
    # takes the shape (no array fits), and type the arrays they return as object.
    arcs: np.ndarray = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)  # type: ignore[arg-type, assignment]
    smcf.set_nodes_supplies(np.array([src, snk], np.int64), np.array([n, -n], np.int64))  # type: ignore[arg-type]
    status = smcf.solve()
    empty = np.full(n, -1, np.int64)
    if status == smcf.INFEASIBLE or status == smcf.UNBALANCED:
        return FlowResult(exact, False, empty, 0)
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow failed with status {status!r}")
    flows: np.ndarray = smcf.flows(arcs[2 * m: 2 * m + k])  # type: ignore[arg-type, assignment]
    used = np.flatnonzero(flows > 0)
    job_arc = empty.copy()
    job_arc[prep.j[used]] = used
    return FlowResult(exact, True, job_arc, int(smcf.optimal_cost()))
