"""The ``auto`` component method: ``flow`` where it is exact, ``cpsat`` elsewhere.

A module-level object, so it pickles by reference: ``solve(..., executor=ProcessPoolExecutor())``
works with the default method.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from cus_match.compat import Compat
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import Linear, Rule
from cus_match.optimise.solvers.cpsat import CPSAT
from cus_match.optimise.solvers.flow import FLOW, flow_is_exact
from cus_match.optimise.solvers.method import ComponentSolution
from cus_match.optimise.solvers.state import PlanState

__all__ = ["AUTO", "Auto"]


@frozen
class Auto:
    """Min-cost flow on components where it is the whole problem, CP-SAT on the others.

    The flow is exact on a component when no two of its visits can clash in time, each needs
    one helper and no resident or PUS limit binds (:func:`flow_is_exact`), for a rule whose
    first stage is linear and without pinned visits.
    """

    name: str = "auto"

    def __call__(self, compat: Compat, component: Sequence[int], hint: PlanState, *,
                 rule: Rule, fixed: PlanState | None, options: SolveOptions,
                 deadline: Deadline, work: float) -> ComponentSolution:
        """Plan ``component`` with ``flow`` or ``cpsat``."""
        linear = isinstance(rule.stages[0], Linear)
        pick = (FLOW if linear and fixed is None and flow_is_exact(compat, component)
                else CPSAT)
        return pick(compat, component, hint, rule=rule, fixed=fixed, options=options,
                    deadline=deadline, work=work)


#: The ``auto`` component method.
AUTO = Auto()
