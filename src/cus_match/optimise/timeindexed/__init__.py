"""The time-indexed formulation: one binary column per (visit, helper, start), clique rows.

:mod:`~cus_match.optimise.timeindexed.model` builds the model of one component as arrays,
:mod:`~cus_match.optimise.timeindexed.backends` solves it (HiGHS or SCIP bundled in OR-Tools,
CP-SAT) or its LP relaxation (GLOP, PDLP, HiGHS), and
:mod:`~cus_match.optimise.timeindexed.solve` is the method: the LP bound, one MIP where it
fits, large-neighbourhood search on sub-MIPs of the same model elsewhere.
:data:`~cus_match.optimise.timeindexed.solve.TIMEINDEXED` is the component method registered as
``solve(method="timeindexed")``.
"""

from cus_match.optimise.timeindexed.solve import (
    MIP_MAX_Z,
    TIMEINDEXED,
    TimeIndexed,
    TimeIndexedSolution,
    solve_component,
    solve_timeindexed,
)

__all__ = ["MIP_MAX_Z", "TIMEINDEXED", "TimeIndexed", "TimeIndexedSolution", "solve_component",
           "solve_timeindexed"]
