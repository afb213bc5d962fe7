"""A start for large components from the LP's plan, had as a min-cost flow.

On the city's large component GLOP does not solve the LP relaxation within a 60 s run, so the
LP rounding (:func:`~cus_match.optimise.solvers.rounding.lp_guided`) had nothing to round and
LNS started from the FIFO greedy. The same LP as a min-cost flow
(:func:`~cus_match.optimise.solvers.relaxation.flow_bound`) is solved in seconds, and its
optimal flows are the LP's plan: ``f_ic`` minutes from visit ``i`` to helper ``c`` is
``x_ic = f_ic / d_i``, and ``y_i = sum_c f_ic / (k_i d_i)``. Those are rounded as the LP's are.
"""

from __future__ import annotations

from collections.abc import Sequence

from cus_match.compat import Candidate, Compat
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import RULES, Rule
from cus_match.optimise.solvers.method import drop_unprofitable
from cus_match.optimise.solvers.relaxation import Relaxation, flow_bound
from cus_match.optimise.solvers.rounding import lp_guided
from cus_match.optimise.solvers.state import PlanState

__all__ = ["flow_guided", "flow_relaxation"]


def flow_relaxation(compat: Compat, comp: Sequence[int], rule: Rule | None = None,
                    deadline: Deadline | None = None) -> Relaxation | None:
    """The LP relaxation of ``comp`` for ``rule``'s first stage, solved as a min-cost flow.

    Returns the flow's bound (:func:`~cus_match.optimise.solvers.relaxation.flow_bound`) and
    the fractional ``y`` and ``x`` of its optimal flows, or None where the flow form does not
    apply (an equity first stage) or its build does not finish by ``deadline``.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> bound, y, x = flow_relaxation(c, range(len(c.occurrences)))
    >>> all(0 <= v <= 1 + 1e-9 for v in [*y.values(), *x.values()])
    True
    """
    rule = rule or RULES["fifo"]
    flows: dict[tuple[int, str], int] = {}
    bound = flow_bound(compat, comp, rule.stages[0], deadline, flows=flows)
    if bound is None:
        return None
    inst = compat.inst
    y: dict[int, float] = {}
    x: dict[tuple[int, str], float] = {}
    for (i, helper), minutes in sorted(flows.items()):
        o = compat.occurrences[i]
        k = inst.need(o.need).helpers_needed
        x[(i, helper)] = minutes / o.duration
        y[i] = y.get(i, 0.0) + minutes / (k * o.duration)
    return bound, y, x


def flow_guided(compat: Compat, comp: Sequence[int], start: PlanState,
                rule: Rule | None = None, fixed: PlanState | None = None,
                deadline: Deadline | None = None
                ) -> tuple[float | None, dict[int, tuple[int, list[Candidate]]]]:
    """Round the flow's LP plan of ``comp`` (:func:`flow_relaxation`, then ``lp_guided``).

    Returns the flow's bound (None if not had) and the better, by ``rule`` (default
    ``fifo``), of the rounding and ``start``'s plan of ``comp``, so never worse than
    ``start``. ``fixed`` holds visits outside ``comp``, planned around.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solvers.greedy import greedy_state
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = range(len(c.occurrences))
    >>> greedy = greedy_state(c)
    >>> bound, plan = flow_guided(c, comp, greedy)
    >>> fifo = RULES["fifo"]
    >>> fifo.score(c, plan) >= fifo.score(c, {i: greedy.chosen[i] for i in comp
    ...                                       if i in greedy.chosen})
    True
    """
    rule = rule or RULES["fifo"]
    relaxation = flow_relaxation(compat, comp, rule, deadline)
    if relaxation is None:
        return None, drop_unprofitable(compat, rule, {i: start.chosen[i] for i in comp
                                                      if i in start.chosen})
    return relaxation[0], lp_guided(compat, comp, start, rule, fixed, relaxation)
