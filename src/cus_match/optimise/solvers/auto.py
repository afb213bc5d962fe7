"""The ``auto`` component method: ``flow`` where exact, ``timeindexed`` where it fits, ``cpsat``.

A module-level object, so it pickles by reference: ``solve(..., executor=ProcessPoolExecutor())``
works with the default method.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from attrs import frozen

from cus_match.compat import Compat
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import Linear, Rule
from cus_match.optimise.solvers.cpsat import CPSAT
from cus_match.optimise.solvers.flow import FLOW, flow_is_exact
from cus_match.optimise.solvers.method import ComponentMethod, ComponentSolution
from cus_match.optimise.solvers.state import PlanState
from cus_match.optimise.timeindexed.model import count_z
from cus_match.optimise.timeindexed.solve import (
    LP_FIXED_SECONDS,
    MODEL_MAX_Z,
    TIMEINDEXED,
    lp_bound,
)
from cus_match.plan.result import Status

__all__ = ["AUTO", "TIMEINDEXED_MAX_Z", "Auto", "pick"]

#: Components with at most this many helper-start columns go to the time-indexed method
#: (measured 2026-12-03, ``benchmarks/README.md``: it proves every rural component and gives
#: the town better plans and a tighter bound than CP-SAT; larger components, the city's, are
#: CP-SAT's).
TIMEINDEXED_MAX_Z = MODEL_MAX_Z


def pick(compat: Compat, component: Sequence[int], rule: Rule, fixed: PlanState | None,
         *, deterministic: bool = False) -> ComponentMethod:
    """The component method ``auto`` runs on ``component``.

    Min-cost flow where it is the whole problem (no two visits can clash in time, each needs
    one helper, no resident or PUS limit binds: :func:`flow_is_exact`; a linear first stage,
    no pinned visits); else, outside ``deterministic`` mode, the time-indexed model for a rule
    of linear stages on a component of at most :data:`TIMEINDEXED_MAX_Z` helper-start
    columns; CP-SAT for the rest (and for every rule with an equity stage). In deterministic
    mode CP-SAT keeps those components: its limits count work, where HiGHS's count seconds
    (measured 2026-12-03: two deterministic town runs of the time-indexed method gave two
    plans on the loaded machine), and the time-indexed LP then tightens CP-SAT's bound.
    """
    if isinstance(rule.stages[0], Linear) and fixed is None and flow_is_exact(compat, component):
        return FLOW
    if not deterministic and _fits(compat, component, rule):
        return TIMEINDEXED
    return CPSAT


def _fits(compat: Compat, component: Sequence[int], rule: Rule) -> bool:
    return (all(isinstance(s, Linear) for s in rule.stages)
            and count_z(compat, component, limit=TIMEINDEXED_MAX_Z) <= TIMEINDEXED_MAX_Z)


@frozen
class Auto:
    """Flow where exact, the time-indexed model where it fits, CP-SAT elsewhere (:func:`pick`).

    The bound of each component is the least of the proven upper bounds at hand: the one its
    method proves (the time-indexed method's own is already the least of its MIP, LP and
    trivial bounds), and, where CP-SAT ran on a component the time-indexed model fits without
    proving it, the time-indexed LP's.
    """

    name: str = "auto"

    def __call__(self, compat: Compat, component: Sequence[int], hint: PlanState, *,
                 rule: Rule, fixed: PlanState | None, options: SolveOptions,
                 deadline: Deadline, work: float) -> ComponentSolution:
        """Plan ``component`` with the method :func:`pick` chooses."""
        det = options.deterministic
        method = pick(compat, component, rule, fixed, deterministic=det)
        sol = method(compat, component, hint, rule=rule, fixed=fixed, options=options,
                     deadline=deadline, work=work)
        first = rule.stages[0]
        if (method is CPSAT and sol.status in (Status.FEASIBLE, Status.NO_SOLUTION)
                and isinstance(first, Linear) and _fits(compat, component, rule)
                and not options.stopped()):
            # Each bound is proven, so the least is: the time-indexed LP's is usually the
            # tighter (town seed 1: 1053.25 against CP-SAT's LP without start times, 1096.5).
            tighter = lp_bound(compat, component, first, fixed=fixed,
                               time_limit=LP_FIXED_SECONDS if det else deadline.left())
            value = float(first.value(compat, sol.chosen))
            if tighter is not None and tighter < sol.bound_minutes:
                bound = max(tighter, value)
                sol = attrs.evolve(sol, bound_minutes=bound, status=(
                    Status.OPTIMAL if value >= bound else sol.status))
        return sol


#: The ``auto`` component method.
AUTO = Auto()
