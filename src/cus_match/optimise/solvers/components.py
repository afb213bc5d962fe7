"""Solving component by component: the driver every component method shares.

The compatibility graph splits into components that share no helper, resident or PUS-limited
category; each is handed to a :class:`~cus_match.optimise.solvers.method.ComponentMethod` (in
parallel on a caller's executor, if given), and the plans are merged in component order, so the
result does not depend on the executor. A component whose solve fails to beat the FIFO greedy
keeps the greedy's plan: a method never returns less than the baseline, and never nothing.

Time: one :class:`~cus_match.optimise.options.Deadline` for the whole solve. The components
share what is left of it after the compatibility graph and a reserve for assembling the plan,
smallest first, each getting its size's share of what is still left (a component proven
quickly hands its unused time on); a component whose share has run out keeps the greedy's
plan. In ``deterministic`` mode each component's share of work units is fixed in advance
(:attr:`SolveOptions.work <cus_match.optimise.options.SolveOptions.work>`), so the plan repeats
on any machine; the deadline is then a hard wall-clock cap (every stop check fires at it), and a
run it cuts short is marked ``Result.cut_by_clock``: its plan is the best found by then, not a
reproducible one.
"""

from __future__ import annotations

import logging
import time as _time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from cus_match.compat import Compat, build_compat
from cus_match.model.instance import Instance
from cus_match.optimise.options import Deadline, ProgressEvent, SolveOptions
from cus_match.optimise.rules import Rule
from cus_match.optimise.solvers.greedy import fifo_order, greedy_state
from cus_match.optimise.solvers.method import (
    GREEDY,
    ComponentMethod,
    ComponentSolution,
    trivial_bound,
    value_minutes,
)
from cus_match.optimise.solvers.pins import place_pins
from cus_match.optimise.solvers.state import PlanState, assemble
from cus_match.plan.result import Assignment, PhaseTime, Result, Status

__all__ = ["active_components", "components_end", "solve_by_components", "value_minutes"]

_LOG = logging.getLogger("cus_match")

#: Share of the time limit kept back for assembling the plan and explaining unmet visits
#: (at least ``_RESERVE_MIN`` seconds, at most ``_RESERVE_MAX``).
_RESERVE, _RESERVE_MIN, _RESERVE_MAX = 0.1, 0.1, 5.0
#: Seconds per eligible pair added to the reserve once the graph is built: merging, filling
#: and listing the plan walk every candidate (city 4x, 13.5 M pairs: 2.1 s at load 2, so
#: twice that on a loaded machine), and the fixed reserve alone let it start its
#: explanations at the deadline (measured 2026-12-03, ``benchmarks/README.md``).
_RESERVE_PER_PAIR = 3e-7
#: The pairs' part of the reserve is at most this share of the time limit.
_RESERVE_CAP = 0.25
#: Seconds a small component may take beyond its size's share (while time is left).
_SMALL_SHARE = 0.2
#: A component gets no solver below this many seconds (it keeps the greedy's plan).
_SHORTEST = 0.005
#: The smallest share of a component in deterministic mode (deterministic time units).
_DETERMINISTIC_FLOOR = 0.05


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


def components_end(deadline: Deadline, options: SolveOptions, pairs: int = 0) -> float:
    """When the components must be done (monotonic seconds): the deadline less a reserve.

    The reserve, for assembling the plan and explaining unmet visits, is ``_RESERVE`` of the
    budget, at least ``_RESERVE_MIN`` and at most ``_RESERVE_MAX`` seconds, and
    ``_RESERVE_PER_PAIR`` seconds for each of the graph's ``pairs`` (0 before it is built),
    that part at most ``_RESERVE_CAP`` of the budget.

    Examples
    --------
    >>> d, o = Deadline(0.0, 120.0), SolveOptions(time_limit=120)
    >>> components_end(d, o), round(components_end(d, o, pairs=10_000_000), 6)
    (115.0, 112.0)
    """
    reserve = min(max(_RESERVE * options.budget, _RESERVE_MIN), _RESERVE_MAX)
    reserve += min(_RESERVE_PER_PAIR * pairs, _RESERVE_CAP * options.budget)
    return deadline.end - reserve


def run_component(method: ComponentMethod, compat: Compat, comp: list[int], hint: PlanState,
                  rule: Rule, fixed: PlanState | None, options: SolveOptions, end: float,
                  share: float, work: float) -> ComponentSolution:
    """Run ``method`` on one component, its deadline counted from when it starts.

    A module-level function, so that a process pool can run it; ``end`` (monotonic seconds)
    is the solve's own deadline for components, which no share goes past.
    """
    now = _time.monotonic()
    deadline = Deadline(now, min(end, now + share))
    if options.deterministic and options.stopped():
        # The wall-clock cap (or the caller) stopped the run before this component's turn.
        return GREEDY(compat, comp, hint, rule=rule, fixed=fixed, options=options,
                      deadline=deadline, work=work)
    if not options.deterministic and deadline.left() < _SHORTEST:
        return GREEDY(compat, comp, hint, rule=rule, fixed=fixed, options=options,
                      deadline=deadline, work=work)
    return method(compat, comp, hint, rule=rule, fixed=fixed, options=options,
                  deadline=deadline, work=work)


def solve_by_components(inst: Instance, method: ComponentMethod, *, rule: Rule,
                        options: SolveOptions, deadline: Deadline,
                        pinned: Sequence[Assignment] = (), compat: Compat | None = None,
                        name: str | None = None) -> Result:
    """Plan ``inst`` component by component with ``method``.

    Parameters
    ----------
    inst : Instance
        The instance.
    method : ComponentMethod
        Plans each component (``cpsat``, ``flow``, ``auto``, ``greedy`` or one registered).
    rule : Rule
        What is optimised; a rule with an equity stage links all components, which are then
        solved as one.
    options : SolveOptions
        Seed, workers, deterministic mode, executor, progress and stop.
    deadline : Deadline
        When the whole solve must be done (made when ``solve()`` was entered).
    pinned : sequence of Assignment
        Confirmed visits, kept as they are (or dropped with a reason when the instance no
        longer allows them: see :mod:`cus_match.optimise.solvers.pins`); everything else is
        planned around them.
    compat : Compat, optional
        A compatibility structure already built for ``inst``.
    name : str, optional
        The method name the result records (default ``method.name``).

    Returns
    -------
    Result
        ``optimal`` when the plan reaches its proven bound; ``feasible`` otherwise, with the
        bound; ``infeasible`` when required needs cannot all be met (the plan returned is then
        the greedy's); ``stopped`` when ``options.stop`` ended the search early; never nothing.
    """
    t0 = _time.perf_counter()
    options.report(ProgressEvent("build", elapsed=deadline.elapsed()))
    _LOG.info("build: compatibility graph")
    # The build stops working out candidates where the components' time ends: the needs
    # left are listed as not examined (Result.unexamined), not built past the limit.
    compat = (compat if compat is not None
              else build_compat(inst, until=components_end(deadline, options)))
    fixed, dropped = place_pins(compat, pinned) if pinned else (None, [])
    hint = greedy_state(compat, fixed)
    comps = active_components(compat)
    if fixed is not None:
        comps = [c for c in ([i for i in comp if i not in fixed.chosen] for comp in comps) if c]
    if rule.coupled and comps:
        comps = [sorted(i for c in comps for i in c)]
    sizes = [sum(len(compat.candidates[i]) + 1 for i in c) for c in comps]
    # Assembling walks every candidate, met or not: the reserve grows with all of them.
    end = components_end(deadline, options, sum(len(c) for c in compat.candidates))
    floor = [float(rule.score(compat, {i: hint.chosen[i] for i in c if i in hint.chosen})[0])
             for c in comps]
    ceiling = [max(trivial_bound(compat, c, rule), f) for c, f in zip(comps, floor, strict=True)]
    t_build = _time.perf_counter()
    _LOG.info("solve: %d components, %d eligible pairs, method %s",
              len(comps), sum(sizes), method.name)
    got = _solve_all(method, compat, comps, sizes, floor, ceiling, hint, rule, fixed, options,
                     deadline, end)
    t_solve = _time.perf_counter()
    # Deterministic mode: the clock reached the components' cap (before the work was all
    # done, or so close to it that it may have been), and it was not the caller's stop.
    cut = (options.deterministic and not options.stopped()
           and _time.monotonic() >= end)
    if cut:
        _LOG.warning("solve: the time limit cut the deterministic search short; the plan is "
                     "the best found by then and may differ between runs")
    options.report(ProgressEvent("assemble", len(comps), len(comps), elapsed=deadline.elapsed()))
    _LOG.info("assemble: merging %d components", len(comps))
    state = fixed.copy() if fixed is not None else PlanState(compat)
    # A component the stop left unsolved keeps the greedy's plan.
    stopped = options.stopped() or (not cut and any(sol is None for sol in got))
    sols = [sol if sol is not None else GREEDY(compat, c, hint, rule=rule, fixed=fixed,
                                               options=options, deadline=deadline, work=0.0)
            for sol, c in zip(got, comps, strict=True)]
    infeasible = any(sol.status is Status.INFEASIBLE for sol in sols)
    for sol in sols:
        for i, (s, team) in sorted(sol.chosen.items()):
            if fixed is None or i not in fixed.chosen:
                state.add(i, s, team)
    if infeasible:
        state = hint
    # Nothing that still fits is left out (a time-limited component may leave room), as
    # long as it does not lower the rule's score (a rule may price travel above a visit).
    before = dict(state.chosen)
    state.fill(fifo_order(compat))
    if rule.score(compat, state.chosen) < rule.score(compat, before):
        state = PlanState(compat)
        for i, (s, team) in sorted(before.items()):
            state.add(i, s, team)
    if rule.coupled:
        bound = sols[0].bound_minutes if sols else float(rule.score(compat, state.chosen)[0])
    else:
        bound = sum(sol.bound_minutes for sol in sols)
        if fixed is not None:
            # Pinned visits count in the value; the components' bounds do not include them.
            bound += rule.score(compat, fixed.chosen)[0]
    value = rule.score(compat, state.chosen)[0]
    if infeasible:
        status = Status.INFEASIBLE
    elif stopped:
        status = Status.STOPPED
    elif compat.unexamined:
        # Visits never examined may hold value: nothing is proven, and no bound is known.
        status = Status.FEASIBLE
    elif value >= bound - 1e-6 or all(sol.status is Status.OPTIMAL for sol in sols):
        # Optimal whenever the plan reaches a proven bound, whichever method got there.
        status = Status.OPTIMAL
    else:
        status = Status.FEASIBLE
    ran: dict[str, int] = defaultdict(int)
    for sol in sols:
        ran[sol.method or method.name] += 1
    phases = (PhaseTime("build", t_build - t0), PhaseTime("solve", t_solve - t_build))
    merging = _time.perf_counter() - t_solve
    return assemble(state, method=name or method.name, rule=rule, seed=options.seed,
                    runtime=_time.perf_counter() - t0, status=status,
                    bound=None if infeasible or compat.unexamined
                    else rule.primary_display(max(bound, value)),
                    objective=rule.primary_display(value), dropped_pins=dropped,
                    methods=dict(ran), phases=phases, deadline=deadline, options=options,
                    assembling=merging, cut_by_clock=cut)


def _solve_all(method: ComponentMethod, compat: Compat, comps: list[list[int]],
               sizes: list[int], floor: list[float], ceiling: list[float], hint: PlanState,
               rule: Rule, fixed: PlanState | None, options: SolveOptions,
               deadline: Deadline, end: float) -> list[ComponentSolution | None]:
    """Every component's solution, in component order; ``None`` for one left by a stop.

    Smallest first, serially or on the executor, all done by ``end`` (monotonic seconds);
    progress after each.
    """
    total = float(sum(sizes)) or 1.0
    # Deterministic shares depend on the work limit alone, never on the clock; the clock
    # only caps them: every stop check (between components, LNS rounds, inside CP-SAT) fires
    # at the components' end.
    det = options.deterministic
    work = [max(options.work * sz / total, _DETERMINISTIC_FLOOR) for sz in sizes]
    options = options.capped(Deadline(deadline.start, end))
    order = sorted(range(len(comps)), key=lambda k: (sizes[k], k))
    done: dict[int, ComponentSolution] = {}
    incumbent, bound = list(floor), list(ceiling)

    def report() -> None:
        options.report(ProgressEvent(
            "solve", len(done), len(comps),
            incumbent=rule.primary_display(sum(incumbent)),
            bound=rule.primary_display(sum(bound)), elapsed=deadline.elapsed()))

    def record(k: int, sol: ComponentSolution) -> None:
        done[k] = sol
        incumbent[k] = float(rule.score(compat, sol.chosen)[0])
        bound[k] = max(sol.bound_minutes, incumbent[k])
        report()

    report()
    executor = options.executor
    if executor is None or len(comps) < 2:
        left_size = total
        for k in order:
            if options.stopped():
                break
            left = max(end - _time.monotonic(), 0.0)
            # Its size's share of what is left, but a small component gets a little more: it
            # is proven in a fraction of that, and what it does not use passes on. In
            # deterministic mode its work decides, and the cap is the components' end.
            share = left if det else max(left * sizes[k] / left_size,
                                         min(_SMALL_SHARE, left / (len(comps) - len(done))))
            left_size -= sizes[k]
            record(k, run_component(method, compat, comps[k], hint, rule, fixed, options, end,
                                    share, work[k]))
    else:
        portable = options.portable(keep_stop=isinstance(executor, ThreadPoolExecutor))
        futures: dict[Future[ComponentSolution], int] = {}
        for k in order:
            # Each starts its own clock when it runs; a queued one waits within ``end``.
            share = max(end - _time.monotonic(), 0.0) * (1.0 if det else sizes[k] / total)
            futures[executor.submit(run_component, method, compat, comps[k], hint, rule,
                                    fixed, portable, end, share, work[k])] = k
        for f in as_completed(futures):
            record(futures[f], f.result())
            if options.stopped():
                for g in futures:
                    g.cancel()
                # Those already running finish within their share; they are kept.
                for g, k in futures.items():
                    if k not in done and not g.cancelled():
                        record(k, g.result())
                break
    return [done.get(k) for k in range(len(comps))]
