"""The ``auto`` component method: ``flow`` where exact, ``timeindexed`` where it fits, ``cpsat``.

A module-level object, so it pickles by reference: ``solve(..., executor=ProcessPoolExecutor())``
works with the default method.

The CP-SAT and flow methods are imported when a component is given to them, not with this
module: CP-SAT's Python package loads pandas (0.6 s of a rural solve of 1-2 s, measured
2026-12-03, ``benchmarks/README.md``), and a rural instance needs neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from attrs import frozen

from cus_match.compat import Compat
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import Linear, Rule
from cus_match.optimise.solvers.method import ComponentMethod, ComponentSolution
from cus_match.optimise.solvers.state import PlanState
from cus_match.optimise.timeindexed.model import count_z
from cus_match.optimise.timeindexed.solve import (
    LP_FIXED_SECONDS,
    MODEL_MAX_Z,
    POLISH_MAX_Z,
    TIMEINDEXED,
    lp_bound,
)
from cus_match.plan.result import Status

__all__ = ["AUTO", "EXACT_FLOW_MAX_Z", "TIMEINDEXED_MAX_Z", "Auto", "pick"]

#: Components with at most this many helper-start columns go to the time-indexed method
#: (measured 2026-12-03, ``benchmarks/README.md``: it proves every rural component and gives
#: the town better plans and a tighter bound than CP-SAT; larger components, the city's, are
#: CP-SAT's).
TIMEINDEXED_MAX_Z = MODEL_MAX_Z
#: Outside deterministic mode, a component on which the flow is exact goes to the time-indexed
#: method when its model has at most this many helper-start columns: HiGHS proves such a
#: component in milliseconds with every stage of the rule (the flow optimises the first only),
#: and the flow would load CP-SAT's package for it (0.6 s; rural seeds 2-5 have such
#: components beside others, measured 2026-12-03). Unproven there, the flow runs after it.
EXACT_FLOW_MAX_Z = POLISH_MAX_Z


def pick(compat: Compat, component: Sequence[int], rule: Rule, fixed: PlanState | None,
         *, deterministic: bool = False) -> ComponentMethod:
    """The component method ``auto`` runs on ``component``.

    Min-cost flow where it is the whole problem (no two visits can clash in time, each needs
    one helper, no resident or PUS limit binds: :func:`flow_is_exact`; a linear first stage,
    no pinned visits), but outside ``deterministic`` mode the time-indexed model where its
    model is small (:data:`EXACT_FLOW_MAX_Z` helper-start columns, every stage linear); else,
    outside ``deterministic`` mode, the time-indexed model for a rule of linear stages on a
    component of at most :data:`TIMEINDEXED_MAX_Z` helper-start columns; CP-SAT for the rest
    (and for every rule with an equity stage). In deterministic mode CP-SAT keeps those
    components: its limits count work, where HiGHS's count seconds (measured 2026-12-03: two
    deterministic town runs of the time-indexed method gave two plans on the loaded machine),
    and the time-indexed LP then tightens CP-SAT's bound.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.solvers.components import active_components
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = active_components(c)[0]
    >>> pick(c, comp, RULES["fifo"], None).name, pick(c, comp, RULES["fifo"], None,
    ...                                              deterministic=True).name
    ('timeindexed', 'flow')
    """
    from cus_match.optimise.solvers.flow import flow_is_exact

    if isinstance(rule.stages[0], Linear) and fixed is None and flow_is_exact(compat, component):
        if not deterministic and _fits(compat, component, rule,
                                       min(EXACT_FLOW_MAX_Z, TIMEINDEXED_MAX_Z)):
            return TIMEINDEXED
        return _flow()
    if not deterministic and _fits(compat, component, rule, TIMEINDEXED_MAX_Z):
        return TIMEINDEXED
    from cus_match.optimise.solvers.cpsat import CPSAT

    return CPSAT


def _flow() -> ComponentMethod:
    from cus_match.optimise.solvers.flow import FLOW

    return FLOW


def _fits(compat: Compat, component: Sequence[int], rule: Rule, max_z: int) -> bool:
    return (all(isinstance(s, Linear) for s in rule.stages)
            and count_z(compat, component, limit=max_z) <= max_z)


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
        if (method is TIMEINDEXED and sol.status is Status.FEASIBLE and not options.stopped()
                and fixed is None and isinstance(first, Linear)):
            from cus_match.optimise.solvers.flow import flow_is_exact

            if flow_is_exact(compat, component):
                sol = _better(compat, rule, sol, _flow()(
                    compat, component, hint, rule=rule, fixed=fixed, options=options,
                    deadline=deadline, work=work))
        if (method.name == "cpsat" and sol.status in (Status.FEASIBLE, Status.NO_SOLUTION)
                and isinstance(first, Linear)
                and _fits(compat, component, rule, TIMEINDEXED_MAX_Z)
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


def _better(compat: Compat, rule: Rule, a: ComponentSolution, b: ComponentSolution
            ) -> ComponentSolution:
    """The better plan of two runs on one component, with the least of their proven bounds."""
    best = a if rule.score(compat, a.chosen) >= rule.score(compat, b.chosen) else b
    value = float(rule.stages[0].value(compat, best.chosen)) if isinstance(
        rule.stages[0], Linear) else best.bound_minutes
    bound = max(min(a.bound_minutes, b.bound_minutes), value)
    return attrs.evolve(best, bound_minutes=bound, seconds=a.seconds + b.seconds,
                        status=Status.OPTIMAL if value >= bound else best.status)


#: The ``auto`` component method.
AUTO = Auto()
