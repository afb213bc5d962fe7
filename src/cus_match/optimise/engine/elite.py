"""An elite pool of good feasible GAP solutions, and solving their merge exactly.

Tabu search visits many feasible solutions near its best one. The pool keeps the ``size``
cheapest distinct ones. **Solution merging** then gives CP-SAT the GAP restricted to the
union of their arcs (each job keeps the few agents that good solutions gave it, usually 1-3):
a much smaller model than the whole, which CP-SAT solves or nearly solves quickly, and whose
optimum is at least as good as every pooled solution. It recombines the pooled solutions
where a tabu walk, one move at a time, cannot (a path relinking done exactly).
"""

from __future__ import annotations

import numpy as np

from cus_match.optimise.engine.prep import Prep

__all__ = ["ElitePool", "merge_arcs"]


class ElitePool:
    """The ``size`` cheapest distinct feasible solutions offered (solver form).

    Solutions are stored as agent per job (what tabu search walks on). Equal costs keep the
    one offered first, so the pool is deterministic for a deterministic walk.

    Examples
    --------
    >>> pool = ElitePool(2)
    >>> for cost, ag in [(9, [0, 1]), (7, [1, 1]), (9, [0, 1]), (8, [1, 0])]:
    ...     pool.offer(np.array(ag), cost)
    >>> [(c, a.tolist()) for c, a in pool.items()]
    [(7, [1, 1]), (8, [1, 0])]
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[bytes, tuple[float, int, np.ndarray]] = {}
        self._count = 0

    def __len__(self) -> int:
        return len(self._items)

    def worst(self) -> float:
        """Cost of the dearest pooled solution (infinite while the pool is not full)."""
        if len(self._items) < self.size:
            return float("inf")
        return max(c for c, _, _ in self._items.values())

    def offer(self, agent: np.ndarray, cost: float) -> None:
        """Add a feasible solution (agent per job) if it is among the cheapest."""
        if cost >= self.worst():
            return
        key = np.asarray(agent, np.int64).tobytes()
        if key in self._items:
            return
        self._count += 1
        self._items[key] = (float(cost), self._count, np.array(agent, np.int64))
        if len(self._items) > self.size:
            drop = max(self._items, key=lambda k: self._items[k][:2])
            del self._items[drop]

    def items(self) -> list[tuple[float, np.ndarray]]:
        """(cost, agent per job) of every pooled solution, cheapest first."""
        return [(c, a) for c, _, a in sorted(self._items.values(), key=lambda t: t[:2])]


def merge_arcs(prep: Prep, agents: list[np.ndarray]) -> np.ndarray:
    """Kept-arc indices used by any of the solutions (agent per job), sorted.

    Examples
    --------
    >>> from cus_match.optimise.engine import GapProblem
    >>> from cus_match.optimise.engine.prep import prepare
    >>> prep = prepare(GapProblem.from_dense([[1, 2], [2, 1]], [[1, 1], [1, 1]], [2, 2]))
    >>> merge_arcs(prep, [np.array([0, 1]), np.array([0, 0])]).tolist()
    [0, 1, 3]
    """
    arc_of = np.full((prep.m, prep.n), -1, np.int64)
    arc_of[prep.a, prep.j] = np.arange(prep.k)
    cols = np.arange(prep.n)
    used = np.concatenate([arc_of[np.asarray(ag, np.int64), cols] for ag in agents])
    return np.unique(used[used >= 0])
