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

from attrs import frozen

from cus_match.compat import Candidate, Compat
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import RULES, Rule
from cus_match.optimise.solvers.method import drop_unprofitable
from cus_match.optimise.solvers.relaxation import Duals, Relaxation, flow_relaxation
from cus_match.optimise.solvers.rounding import lp_guided
from cus_match.optimise.solvers.state import PlanState

__all__ = ["FlowStart", "flow_guided", "flow_plan"]


@frozen
class FlowStart:
    """What :func:`flow_guided` gives: the flow's bound and duals (None if not had) and a plan.

    Attributes
    ----------
    bound : float or None
        The flow's proven bound on the rule's first stage.
    duals : Duals or None
        The flow's duals (from its node potentials), a start for the Lagrangian bound.
    plan : dict
        Occurrence to (start, team): the better of the flow's rounding and the start's plan.
    """

    bound: float | None
    duals: Duals | None
    plan: dict[int, tuple[int, list[Candidate]]]


def flow_plan(compat: Compat, comp: Sequence[int], rule: Rule | None = None,
              deadline: Deadline | None = None) -> tuple[Relaxation, Duals] | None:
    """The LP relaxation of ``comp`` for ``rule``'s first stage, solved as a min-cost flow.

    Returns the flow's bound
    (:func:`~cus_match.optimise.solvers.relaxation.flow_relaxation`) with the fractional ``y``
    and ``x`` of its optimal flows, and its duals; or None where the flow form does not apply
    (an equity first stage) or its build does not finish by ``deadline``.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> (bound, y, x), duals = flow_plan(c, range(len(c.occurrences)))
    >>> all(0 <= v <= 1 + 1e-9 for v in [*y.values(), *x.values()])
    True
    """
    rule = rule or RULES["fifo"]
    flows: dict[tuple[int, str], int] = {}
    got = flow_relaxation(compat, comp, rule.stages[0], deadline, flows)
    if got is None:
        return None
    bound, duals = got
    inst = compat.inst
    y: dict[int, float] = {}
    x: dict[tuple[int, str], float] = {}
    for (i, helper), minutes in sorted(flows.items()):
        o = compat.occurrences[i]
        k = inst.need(o.need).helpers_needed
        x[(i, helper)] = minutes / o.duration
        y[i] = y.get(i, 0.0) + minutes / (k * o.duration)
    return (bound, y, x), duals


def flow_guided(compat: Compat, comp: Sequence[int], start: PlanState,
                rule: Rule | None = None, fixed: PlanState | None = None,
                deadline: Deadline | None = None) -> FlowStart:
    """Round the flow's LP plan of ``comp`` (:func:`flow_plan`, then ``lp_guided``).

    Returns the flow's bound and duals (None if not had) and the better, by ``rule`` (default
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
    >>> got = flow_guided(c, comp, greedy)
    >>> fifo = RULES["fifo"]
    >>> fifo.score(c, got.plan) >= fifo.score(c, {i: greedy.chosen[i] for i in comp
    ...                                       if i in greedy.chosen})
    True
    """
    rule = rule or RULES["fifo"]
    got = flow_plan(compat, comp, rule, deadline)
    if got is None:
        return FlowStart(None, None, drop_unprofitable(
            compat, rule, {i: start.chosen[i] for i in comp if i in start.chosen}))
    relaxation, duals = got
    return FlowStart(relaxation[0], duals,
                     lp_guided(compat, comp, start, rule, fixed, relaxation, keep_caps=True))
