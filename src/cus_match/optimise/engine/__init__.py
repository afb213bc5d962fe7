"""The low-level assignment engine: numpy arrays in, typed results out.

Two problems, both on sparse arcs:

* :class:`GapProblem` / :func:`solve_gap` — the generalized assignment problem: agents with
  capacities, jobs using agent-dependent resources, every job assigned (OR-Library) or jobs
  optional (a need may stay unmet). Methods: min-cost flow (exact for uniform resource use),
  LP rounding, a Lagrangian bound with knapsack subproblems, CP-SAT with LP and Lagrangian
  fixing, large-neighbourhood search and tabu search with ejection chains.
* :func:`solve_lap` — one-to-one linear assignment: scipy where it is measured faster (dense
  matrices, sparse arcs with many per row) when installed, OR-Tools otherwise.

The domain solver and the OR-Library benchmark (``benchmarks/orlib.py``) call the same functions.

Examples
--------
A need can stay unmet (``assign_all=False``) and we maximise priority profits:

>>> import numpy as np
>>> from cus_match.optimise.engine import GapProblem, solve_gap
>>> p = GapProblem(n_agents=1, n_jobs=3, agent=[0, 0, 0], job=[0, 1, 2], cost=[5, 4, 3],
...                weight=[60, 30, 30], capacity=[60], sense="max", assign_all=False)
>>> s = solve_gap(p, method="cpsat")
>>> s.job_agent.tolist(), s.objective, s.status.value
([-1, 0, 0], 7, 'optimal')
"""

from cus_match.optimise.engine.gap import METHODS, solve_gap
from cus_match.optimise.engine.lap import solve_lap
from cus_match.optimise.engine.problem import GapProblem, GapSolution, LapSolution

__all__ = ["METHODS", "GapProblem", "GapSolution", "LapSolution", "solve_gap", "solve_lap"]
