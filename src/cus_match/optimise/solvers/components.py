"""Solving component by component: the driver every optimising method shares.

The compatibility graph splits into components that share no helper, resident or PUS-limited
category; each is solved on its own (in parallel on a caller's executor, if given), by the
method chosen for it, and the plans are merged in component order, so the result does not
depend on the executor. A component whose solve fails to beat the FIFO greedy keeps the
greedy's plan: a method never returns less than the baseline, and never nothing.
"""

from __future__ import annotations

import time as _time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from attrs import frozen

from cus_match.compat import Candidate, Compat, build_compat
from cus_match.model.instance import Instance
from cus_match.optimise.rules import Linear, Rule, get_rule
from cus_match.optimise.solvers.greedy import fifo_order, greedy_state
from cus_match.optimise.solvers.pins import place_pins
from cus_match.optimise.solvers.state import PlanState, assemble
from cus_match.plan.result import Assignment, Result, Status

__all__ = ["ComponentSolution", "active_components", "solve_by_components", "value_minutes"]


@frozen
class ComponentSolution:
    """What a method decided for one component."""

    chosen: dict[int, tuple[int, list[Candidate]]]
    status: Status
    bound_minutes: float  # upper bound on the rule's first-stage value (its scaled units)
    seconds: float
    method: str = ""


def value_minutes(compat: Compat, i: int) -> int:
    """Primary value of occurrence ``i`` in weighted minutes: ``(1 + priority) * duration``."""
    need = compat.inst.need(compat.occurrences[i].need)
    return (1 + need.priority) * compat.occurrences[i].duration


def active_components(compat: Compat) -> list[list[int]]:
    """Components of the occurrences that can be met at all (enough candidates, a start).

    The others never enter a model; left in, they glue unrelated visits together through
    their residents and PUS categories and make components needlessly large.
    """
    inst = compat.inst
    active = [i for i, o in enumerate(compat.occurrences)
              if compat.starts[i]
              and len(compat.candidates[i]) >= inst.need(o.need).helpers_needed]
    parent = {i: i for i in active}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[tuple[str, str], int] = {}
    for i in active:
        need = inst.need(compat.occurrences[i].need)
        keys = [("h", c.helper) for c in compat.candidates[i]]
        if need.resident is not None:
            keys.append(("r", need.resident))
        if inst.category(need.category).pus_hours_limit is not None:
            keys.append(("c", need.category))
        for k in keys:
            if k in first:
                a, b = find(first[k]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first[k] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in active:
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


ComponentSolver = Callable[..., ComponentSolution]


def _solver(name: str) -> ComponentSolver:
    from cus_match.optimise.solvers.cpsat import solve_component
    from cus_match.optimise.solvers.flow import flow_is_exact, solve_flow_component

    if name == "cpsat":
        return solve_component
    if name == "flow":
        return solve_flow_component

    def auto(compat: Compat, comp: list[int], hint: PlanState, **kw: Any) -> ComponentSolution:
        rule = kw.get("rule")
        linear = not isinstance(rule, Rule) or isinstance(rule.stages[0], Linear)
        pinned = kw.get("fixed") is not None
        if linear and not pinned and flow_is_exact(compat, comp):
            return solve_flow_component(compat, comp, hint, **kw)
        return solve_component(compat, comp, hint, **kw)

    return auto


def solve_by_components(inst: Instance, *, method: str, seed: int = 0,
                        rule: str | Rule = "fifo",
                        time_limit: float | None = None, workers: int = 1,
                        deterministic: bool = False, executor: Executor | None = None,
                        compat: Compat | None = None, pinned: Sequence[Assignment] = (),
                        **_: object) -> Result:
    """Plan ``inst`` component by component with ``method`` (``cpsat``, ``flow`` or ``auto``).

    Parameters
    ----------
    inst : Instance
        The instance.
    method : str
        The per-component method; ``auto`` takes ``flow`` where it is exact, else ``cpsat``.
    seed : int
        Random seed of the searches.
    rule : str or Rule
        What is optimised (see :mod:`cus_match.optimise.rules`); a rule with an equity stage links
        all components, which are then solved as one.
    time_limit : float, optional
        Seconds for the whole solve (default 30), shared among components by size.
    workers : int
        CP-SAT workers per model.
    deterministic : bool
        Work-based limits and one worker: same input and seed, same plan.
    executor : concurrent.futures.Executor, optional
        Solve components in parallel on it.
    compat : Compat, optional
        A compatibility structure already built for ``inst``.
    pinned : sequence of Assignment
        Confirmed visits, kept as they are (or dropped with a reason when the instance no
        longer allows them: see :mod:`cus_match.optimise.solvers.pins`); everything else is planned
        around them.

    Returns
    -------
    Result
        ``optimal`` when every component is proven optimal; ``feasible`` otherwise, with the
        bound; ``infeasible`` when required needs cannot all be met (the plan returned is then
        the greedy's); never nothing.
    """
    t0 = _time.perf_counter()
    budget = 30.0 if time_limit is None else float(time_limit)
    compat = compat if compat is not None else build_compat(inst)
    rule_ = get_rule(rule)
    fixed, dropped = place_pins(compat, pinned) if pinned else (None, [])
    hint = greedy_state(compat, fixed)
    comps = active_components(compat)
    if fixed is not None:
        comps = [c for c in ([i for i in comp if i not in fixed.chosen] for comp in comps) if c]
    if rule_.coupled and comps:
        comps = [sorted(i for c in comps for i in c)]
    sizes = [sum(len(compat.candidates[i]) + 1 for i in c) for c in comps]
    total = float(sum(sizes)) or 1.0
    # Deterministic mode must not depend on how long the set-up took on this machine.
    remaining = budget if deterministic else max(budget - (_time.perf_counter() - t0), 0.1)
    limits = [max(remaining * sz / total, 0.05) for sz in sizes]
    solve_one = _solver(method)
    kw = dict(seed=seed, workers=workers, deterministic=deterministic, rule=rule_, fixed=fixed)
    if executor is not None:
        futures = [executor.submit(solve_one, compat, c, hint, time_limit=lim, **kw)
                   for c, lim in zip(comps, limits, strict=True)]
        sols = [f.result() for f in futures]
    else:
        sols = [solve_one(compat, c, hint, time_limit=lim, **kw)
                for c, lim in zip(comps, limits, strict=True)]
    state = fixed.copy() if fixed is not None else PlanState(compat)
    infeasible = False
    for sol in sols:
        infeasible |= sol.status is Status.INFEASIBLE
        for i, (s, team) in sorted(sol.chosen.items()):
            if fixed is None or i not in fixed.chosen:
                state.add(i, s, team)
    if infeasible:
        state = hint
        status = Status.INFEASIBLE
    elif all(sol.status is Status.OPTIMAL for sol in sols):
        status = Status.OPTIMAL
    else:
        status = Status.FEASIBLE
    # Nothing that still fits is left out (a time-limited component may leave room), as
    # long as it does not lower the rule's score (a rule may price travel above a visit).
    before = dict(state.chosen)
    state.fill(fifo_order(compat))
    if rule_.score(compat, state.chosen) < rule_.score(compat, before):
        state = PlanState(compat)
        for i, (s, team) in sorted(before.items()):
            state.add(i, s, team)
    if fixed is not None:
        # Pinned visits count in the value; the components' bounds do not include them.
        bound_fixed = rule_.score(compat, fixed.chosen)[0] if not rule_.coupled else 0
    if rule_.coupled:
        bound = sols[0].bound_minutes if sols else float(rule_.score(compat, state.chosen)[0])
    else:
        bound = sum(sol.bound_minutes for sol in sols)
        if fixed is not None:
            bound += bound_fixed
    value = rule_.score(compat, state.chosen)[0]
    return assemble(state, method=method, rule=rule_.name, seed=seed,
                    runtime=_time.perf_counter() - t0, status=status,
                    bound=None if infeasible else rule_.primary_display(max(bound, value)),
                    objective=rule_.primary_display(value), dropped_pins=dropped)
