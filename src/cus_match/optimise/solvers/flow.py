"""The capacity core as a generalized assignment problem, on the engine's min-cost flow.

Agents are (helper, ISO week) pairs with the helper's weekly minutes as capacity; jobs are the
component's visits, each using its duration and worth its priority-weighted minutes. When no
two visits of a component can ever clash in time (for a helper, travel included, or for a
resident), all visits need one helper, and no ``max_residents`` or PUS limit can bind, this
*is* the component's problem, and the engine solves it exactly (min-cost flow where durations
allow, CP-SAT on the GAP otherwise). Elsewhere it is a relaxation: its bound is valid, and its
assignment guides a repair that keeps every constraint.
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from attrs import frozen

from cus_match.clock import iso_week
from cus_match.compat import Compat
from cus_match.errors import InvalidOptionError
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import Linear, Rule
from cus_match.optimise.solvers.method import (
    ComponentSolution,
    drop_unprofitable,
    value_minutes,
)
from cus_match.optimise.solvers.state import PlanState
from cus_match.plan.result import Status

if TYPE_CHECKING:
    from cus_match.optimise.engine import GapProblem

__all__ = ["FLOW", "Flow", "flow_is_exact", "gap_of", "solve_flow_component"]


def _never_clash(a: tuple[int, int, int], b: tuple[int, int, int], gap_ab: float,
                 gap_ba: float) -> bool:
    """Whether visits with start ranges ``[lo, hi]`` and duration ``d`` can never clash."""
    a_lo, a_hi, a_d = a
    b_lo, b_hi, b_d = b
    return a_hi + a_d + gap_ab <= b_lo or b_hi + b_d + gap_ba <= a_lo


def flow_is_exact(compat: Compat, comp: Sequence[int]) -> bool:
    """Whether the capacity-only GAP of ``comp`` is exactly its scheduling problem."""
    inst = compat.inst
    helpers_res: dict[str, set[str]] = defaultdict(set)
    helper_day: dict[tuple[str, object], list[int]] = defaultdict(list)
    res_day: dict[tuple[str, object], list[int]] = defaultdict(list)
    for i in comp:
        o = compat.occurrences[i]
        need = inst.need(o.need)
        if need.helpers_needed != 1:
            return False
        if inst.category(need.category).pus_hours_limit is not None:
            return False
        for c in compat.candidates[i]:
            helper_day[(c.helper, o.date)].append(i)
            if need.resident is not None:
                helpers_res[c.helper].add(need.resident)
        if need.resident is not None:
            res_day[(need.resident, o.date)].append(i)
    for hid, residents in helpers_res.items():
        cap = inst.helper(hid).max_residents
        if cap is not None and len(residents) > cap:
            return False
    span = {i: (min(compat.starts[i]), max(compat.starts[i]), compat.occurrences[i].duration)
            for i in comp}
    place = {i: inst.need_place(inst.need(compat.occurrences[i].need)) for i in comp}
    for (hid, _d), occs in helper_day.items():
        modes = inst.helper(hid).modes
        for a, i in enumerate(occs):
            for j in occs[a + 1:]:
                t_ij = inst.travel.best(place[i], place[j], modes)
                t_ji = inst.travel.best(place[j], place[i], modes)
                if t_ij is None or t_ji is None or not _never_clash(
                        span[i], span[j], t_ij[0], t_ji[0]):
                    return False
    for occs in res_day.values():
        for a, i in enumerate(occs):
            for j in occs[a + 1:]:
                if not _never_clash(span[i], span[j], 0, 0):
                    return False
    return True


def gap_of(compat: Compat, comp: Sequence[int], stage: Linear | None = None
           ) -> tuple[GapProblem, list[tuple[str, tuple[int, int]]]]:
    """The component's capacity core as a :class:`GapProblem` (and its agents' keys).

    An arc (helper-week, visit) is worth the ``stage``'s value of that helper on that visit
    (default: the ``fifo`` rule's first stage, priority-weighted minutes); arcs worth less
    than nothing are left out. Required visits are worth more than all others together, so
    they are met whenever the capacities allow.
    """
    # The engine loads CP-SAT (and pandas with it, 0.5 s): ``auto`` asks only
    # flow_is_exact of most components, and should not pay for it.
    from cus_match.optimise.engine import GapProblem

    stage = stage or _FIRST
    inst = compat.inst
    agents: dict[tuple[str, tuple[int, int]], int] = {}
    arcs_a, arcs_j, cost, weight = [], [], [], []
    big = _big(compat, comp, stage)
    for j, i in enumerate(comp):
        o = compat.occurrences[i]
        required = inst.need(o.need).required
        base = stage.visit_coef(compat, i)
        for c in compat.candidates[i]:
            value = base + stage.pair_coef(compat, c)
            if value < 0 and not required:
                continue
            key = (c.helper, iso_week(o.date))
            a = agents.setdefault(key, len(agents))
            arcs_a.append(a)
            arcs_j.append(j)
            cost.append(value + (big if required else 0))
            weight.append(o.duration)
    keys = list(agents)
    capacity = [inst.helper(h).effective_weekly_minutes for h, _w in keys]
    problem = GapProblem(n_agents=max(len(keys), 1), n_jobs=len(comp),
                         agent=np.array(arcs_a, dtype=np.int64),
                         job=np.array(arcs_j, dtype=np.int64),
                         cost=np.array(cost, dtype=np.int64),
                         weight=np.array(weight, dtype=np.int64),
                         capacity=np.array(capacity or [0], dtype=np.int64),
                         sense="max", assign_all=False)
    return problem, keys


_FIRST = Linear((("weighted_coverage", 1.0),))


def _big(compat: Compat, comp: Sequence[int], stage: Linear) -> int:
    return sum(abs(stage.visit_coef(compat, i))
               + max((abs(stage.pair_coef(compat, c)) for c in compat.candidates[i]), default=0)
               for i in comp) + 1


def solve_flow_component(compat: Compat, comp: Sequence[int], hint: PlanState, *,
                         rule: Rule, fixed: PlanState | None, options: SolveOptions,
                         deadline: Deadline, work: float) -> ComponentSolution:
    """Solve the capacity core; exact when :func:`flow_is_exact`, else bound and repair.

    Only the rule's first stage is optimised (later stages need the CP-SAT model); status and
    bound are those of the first stage. With pinned visits (``fixed``) the flow is only a guide:
    the repair plans around them and the result is not claimed optimal.
    """
    from cus_match.optimise.engine import solve_gap
    from cus_match.optimise.engine.params import MIN_CPSAT_SECONDS
    from cus_match.optimise.solvers.relaxation import lp_bound

    stage = rule.stages[0]
    if not isinstance(stage, Linear):
        raise InvalidOptionError(f"method 'flow' cannot optimise rule {rule.name!r} (its first "
                                 f"stage is not linear); use 'cpsat' or 'auto'")
    t0 = _time.perf_counter()
    comp = list(comp)
    exact = not (fixed is not None and fixed.chosen) and flow_is_exact(compat, comp)
    problem, keys = gap_of(compat, comp, stage)
    det = options.deterministic
    sol = solve_gap(problem, method="auto" if exact else "flow",
                    time_limit=work if det else max(deadline.left(), MIN_CPSAT_SECONDS),
                    seed=options.seed, workers=options.workers, deterministic=det)
    big = _big(compat, comp, stage)
    n_required = sum(inst_required(compat, i) for i in comp)
    state = fixed.copy() if fixed is not None else PlanState(compat)
    order = sorted(range(len(comp)), key=lambda j: (-value_minutes(compat, comp[j]), comp[j]))
    for j in order:
        a = int(sol.job_agent[j])
        if a < 0:
            continue
        i, hid = comp[j], keys[a][0]
        if compat.inst.need(compat.occurrences[i].need).helpers_needed != 1:
            continue  # teams are placed by the repair below, all helpers at once
        c = next(c for c in compat.candidates[i] if c.helper == hid)
        if not (state.hours_ok(hid, i) and state.residents_ok(hid, i) and state.pus_ok(i, 1)):
            continue
        for s in c.starts:
            if state.resident_free(i, s) and state.helper_free(hid, i, s):
                state.add(i, s, [c])
                break
    state.fill(sorted(comp, key=lambda i: (-value_minutes(compat, i), i)))
    chosen = drop_unprofitable(compat, rule, {i: state.chosen[i] for i in comp
                                               if i in state.chosen})
    hinted = drop_unprofitable(compat, rule,
                                {i: hint.chosen[i] for i in comp if i in hint.chosen})
    if rule.score(compat, hinted) > rule.score(compat, chosen):
        chosen = hinted
    value = stage.value(compat, chosen)
    gap_bound = (float(sol.bound) - n_required * big) if sol.bound is not None else float("inf")
    # An exact, optimal flow is its own bound; the LP only tightens relaxations.
    exact_optimal = exact and sol.status is Status.OPTIMAL
    bound = gap_bound if exact_optimal else min(
        gap_bound, lp_bound(compat, comp, stage, None if det else deadline))
    # Optimal whenever the plan reaches a proven bound, exact or not: a repaired plan that
    # meets the LP's bound is as proven as the flow's own optimum.
    status = Status.OPTIMAL if value >= bound - 1e-6 else Status.FEASIBLE
    return ComponentSolution(chosen, status, max(bound, value), _time.perf_counter() - t0,
                             "flow" if exact else "flow+repair")


@frozen
class Flow:
    """The ``flow`` component method: the capacity core on the engine's min-cost flow."""

    name: str = "flow"

    def __call__(self, compat: Compat, component: Sequence[int], hint: PlanState, *,
                 rule: Rule, fixed: PlanState | None, options: SolveOptions,
                 deadline: Deadline, work: float) -> ComponentSolution:
        """Plan ``component`` with :func:`solve_flow_component`."""
        return solve_flow_component(compat, component, hint, rule=rule, fixed=fixed,
                                    options=options, deadline=deadline, work=work)


#: The ``flow`` component method.
FLOW = Flow()


def inst_required(compat: Compat, i: int) -> bool:
    """Whether occurrence ``i`` belongs to a required need."""
    return compat.inst.need(compat.occurrences[i].need).required
