"""The FIFO greedy: what coordinators do by hand today, and the legal baseline.

Needs are taken in order — ``required`` first, then higher priority, then earlier application
(order of application is the statutory tie-break), then id — and each occurrence, in date order,
gets the best eligible helper(s) and the earliest time that still fit everything already
planned. "Best" prefers, in turn: the helper already serving this need (continuity), a helper
who helped the resident before, a helper living in the same place (locality), the shortest
travel, the helper id.

Nothing is ever moved once placed, so the plan is feasible but not optimal; the optimisation
methods improve on it.
"""

from __future__ import annotations

import time as _time
from collections.abc import Sequence

from cus_match.compat import Compat, build_compat
from cus_match.model.instance import Instance
from cus_match.optimise.options import Deadline, ProgressEvent, SolveOptions
from cus_match.optimise.rules import Rule, get_rule
from cus_match.optimise.solvers.state import PlanState, assemble, fifo_key
from cus_match.plan.result import Assignment, PhaseTime, Result, Status

__all__ = ["fifo_order", "greedy_state", "solve_greedy"]


def fifo_order(compat: Compat) -> list[int]:
    """Occurrence indices in FIFO order (by need, then date)."""
    inst = compat.inst
    return sorted(range(len(compat.occurrences)),
                  key=lambda i: (fifo_key(inst.need(compat.occurrences[i].need)),
                                 compat.occurrences[i].date))


def greedy_state(compat: Compat, fixed: PlanState | None = None) -> PlanState:
    """The FIFO greedy plan as a :class:`PlanState` (a start point for other methods).

    With ``fixed`` (pinned visits), the greedy fills around them.
    """
    state = fixed.copy() if fixed is not None else PlanState(compat)
    state.fill(fifo_order(compat))
    return state


def solve_greedy(inst: Instance, *, rule: str | Rule = "fifo",
                 options: SolveOptions | None = None, pinned: Sequence[Assignment] = (),
                 compat: Compat | None = None, deadline: Deadline | None = None) -> Result:
    """Plan ``inst`` with the FIFO greedy.

    Parameters
    ----------
    inst : Instance
        The instance.
    rule : str or Rule
        Scores the plan (the result's objective); the greedy itself does not depend on it.
    options : SolveOptions, optional
        Only the seed (recorded; the greedy itself is deterministic) and the progress callback
        are used.
    pinned : sequence of Assignment
        Confirmed visits kept as they are (see :mod:`cus_match.optimise.solvers.pins`).
    compat : Compat, optional
        A compatibility structure already built for ``inst``.
    deadline : Deadline, optional
        When the solve must be done: explaining unmet visits stops there.

    Returns
    -------
    Result
        ``feasible`` when every required need is met, else ``partial``.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> solve_greedy(generate("tiny", seed=1)).methods
    (MethodCount(method='greedy', components=1),)
    """
    from cus_match.optimise.solvers.pins import place_pins

    options = options if options is not None else SolveOptions()
    t0 = _time.perf_counter()
    options.report(ProgressEvent("build", elapsed=deadline.elapsed() if deadline else 0.0))
    compat = compat if compat is not None else build_compat(inst)
    t1 = _time.perf_counter()
    fixed, dropped = place_pins(compat, pinned) if pinned else (None, [])
    state = greedy_state(compat, fixed)
    rule_ = get_rule(rule)
    objective = (rule_.primary_display(rule_.score(compat, state.chosen)[0])
                 if rule_.stages else None)
    phases = (PhaseTime("build", t1 - t0), PhaseTime("solve", _time.perf_counter() - t1))
    return assemble(state, method="greedy", rule=rule_, seed=options.seed,
                    runtime=_time.perf_counter() - t0, status=Status.FEASIBLE, bound=None,
                    objective=objective, dropped_pins=dropped, methods={"greedy": 1},
                    phases=phases, deadline=deadline, options=options)
