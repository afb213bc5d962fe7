"""The ``cpsat`` component method: the full model on CP-SAT, or LNS from the LP rounding.

A component with at most :data:`LNS_THRESHOLD` eligible (visit, helper) pairs is one CP-SAT
model (:class:`~cus_match.optimise.solvers.satmodel.ComponentModel`), its rule's stages optimised
in turn, each keeping the earlier optima; a larger one gets its bound and start from the LP
relaxation (:mod:`.relaxation`, :mod:`.rounding`; the bound also from the same LP as a
min-cost flow, solved in seconds where GLOP runs out of time; a component of more than
:data:`FLOW_START_PAIRS` pairs skips GLOP and starts from the flow's LP plan,
:mod:`.flow_start`), the bound tightened by the Lagrangian relaxation over helper-day chains
(:mod:`.lagrange`) started from either's duals; the start is improved by insertion with
ejection (:mod:`.insertion`; past the flow's threshold also with two-link chains after the
bound) and then by large-neighbourhood search (:mod:`.lns`). Both are hinted by the FIFO
greedy and never return less than it.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Sequence

from attrs import frozen
from ortools.sat.python import cp_model

from cus_match.compat import Compat
from cus_match.optimise.engine.params import (
    DOMAIN_LNS,
    MIN_CPSAT_SECONDS,
    cpsat_solver,
    stop_search_when,
)
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import Rule
from cus_match.optimise.solvers.flow_start import flow_guided
from cus_match.optimise.solvers.insertion import insert_with_ejection
from cus_match.optimise.solvers.lagrange import lagrangian_bound
from cus_match.optimise.solvers.lns import lns
from cus_match.optimise.solvers.method import (
    ComponentSolution,
    drop_unprofitable,
    trivial_bound,
)
from cus_match.optimise.solvers.relaxation import (
    Duals,
    Relaxation,
    flow_relaxation,
    lp_bound,
    lp_with_duals,
)
from cus_match.optimise.solvers.rounding import lp_guided
from cus_match.optimise.solvers.satmodel import ComponentModel, OutOfTime, as_state
from cus_match.optimise.solvers.state import PlanState
from cus_match.plan.result import Status

__all__ = ["BLOCKED_SHARE", "CHAIN_DET_PAIRS", "CHAIN_DET_ROUNDS",
           "CHAIN_INSERT_SHARE", "CHAIN_SHARE", "CPSAT",
           "FLOW_START_PAIRS", "INSERT_SHARE", "LNS_THRESHOLD", "Cpsat", "solve_component"]

#: Components with more eligible pairs than this are searched by LNS, not one CP-SAT model
#: (read on each call, so a test may lower it).
LNS_THRESHOLD = DOMAIN_LNS.threshold

#: The share of the time left after the LP that the Lagrangian bound over helper-day chains
#: may take (measured 2026-12-03, ``benchmarks/README.md``); in deterministic mode, its rounds
#: and the largest component (in eligible pairs) it runs on. 0.4 since the fourth session:
#: under load the city's arrays and first round took 10.6 s of 0.3's 13 s, too little for
#: the held flow's round (110 h off its bound); LNS did not use the 6 s given back either.
CHAIN_SHARE, CHAIN_DET_ROUNDS, CHAIN_DET_PAIRS = 0.4, 20, 100_000

#: Components with more eligible pairs than this skip GLOP's LP, which does not finish on them
#: within a run (city seed 1, 806,000 pairs: 48-201 s, never within its half of a 60 s run;
#: the town's components: under 60,000), and take the LP's bound, duals and plan from its
#: network form instead (:mod:`.flow_start`). Read on each call.
FLOW_START_PAIRS = 200_000

#: The share of the time left after the start that insertion with ejection may take
#: (:mod:`.insertion`).
INSERT_SHARE = 0.3

#: The share of the time left after the bound that insertion with two-link chains may take on
#: components past :data:`FLOW_START_PAIRS`, before LNS (city seed 1 at 60 s, same run, load
#: 4.3-5.5: 15,058.0 and 15,062.5 against LNS alone's 15,045.5 and 15,043.25).
CHAIN_INSERT_SHARE = 0.4

#: The share of LNS rounds on components past :data:`FLOW_START_PAIRS` that grow from the
#: helpers blocking an unmet visit (:func:`~cus_match.optimise.solvers.lns.lns`).
BLOCKED_SHARE = 0.5

#: Shares of a component's time for the first stage: all of it for a one-stage rule, most of
#: it when later stages polish the plan.
_FIRST_SHARE, _FIRST_SHARE_ALONE = 0.8, 0.95


def solve_component(compat: Compat, comp: Sequence[int], hint: PlanState, *, rule: Rule,
                    fixed: PlanState | None, options: SolveOptions, deadline: Deadline,
                    work: float) -> ComponentSolution:
    """Solve one component exactly (or as well as its deadline allows) for ``rule``.

    The reported status and bound are those of the rule's first stage. ``fixed`` holds pinned
    visits outside ``comp``, planned around. See
    :class:`~cus_match.optimise.solvers.method.ComponentMethod` for the parameters.
    """
    first = rule.stages[0]
    t0 = _time.perf_counter()
    det = options.deterministic
    pairs = sum(len(compat.candidates[i]) for i in comp)
    hinted = drop_unprofitable(compat, rule,
                               {i: hint.chosen[i] for i in comp if i in hint.chosen})
    if pairs > LNS_THRESHOLD:
        # The LP gives the bound and the start; given half the time at most (in deterministic
        # mode, where the plan must not depend on the machine, all it needs up to the cap: a
        # run the cap cuts is marked as such), and when it does not fit, the greedy starts the
        # search alone with the trivial bound.
        flow: tuple[float, Duals] | None
        relaxation: Relaxation
        if pairs > FLOW_START_PAIRS:
            # The LP's network form has the LP's value, duals and plan in seconds; the plan is
            # rounded for the start, so in deterministic mode it is had without the clock.
            got = flow_guided(compat, comp, hint, rule, fixed, None if det else deadline)
            flow = (None if got.bound is None or got.duals is None
                    else (got.bound, got.duals))
            guided = got.plan
            relaxation, duals = (trivial_bound(compat, comp, rule), {}, {}), None
        else:
            # The network form's bound and duals first (0.1-0.2 s on the town); they never
            # change the plan, so they keep the clock in deterministic mode too.
            flow = flow_relaxation(compat, comp, first, deadline)
            relaxation, duals = lp_with_duals(
                compat, comp, first, deadline if det else deadline.sooner(0.5 * deadline.left()))
            # An LP the deadline left unsolved has nothing to round: the greedy's plan starts.
            guided = (lp_guided(compat, comp, hint, rule, fixed, relaxation)
                      if relaxation[1] else hinted)
        start = fixed.copy() if fixed is not None else PlanState(compat)
        for i, (s, team) in sorted(guided.items()):
            if i not in start.chosen:
                start.add(i, s, team)
        # Unmet visits placed by moving blocking ones (city seed 1: +630 h over the flow's
        # rounding in one pass, 9-15 s, where LNS gained 20-30 h in 40 s). In deterministic
        # mode one pass, unclocked, and, as for the chains' bound, only on components of at
        # most CHAIN_DET_PAIRS pairs: on the city's the pass alone takes 9-15 s, which the
        # time limit, a hard cap there, may not have.
        insert = not det or pairs <= CHAIN_DET_PAIRS
        if insert:
            insert_with_ejection(
                compat, comp, start, rule,
                None if det else deadline.sooner(INSERT_SHARE * deadline.left()),
                passes=1 if det else 2)
        # Every bound here is proven: the least is the claim. The chains', started from the
        # LP's duals (or the flow's), tighten the LP's (town seed 1: 10,001,625 against
        # 10,222,500; city seed 1: 16,115.5 hours against 16,271.9 after one round).
        bound = relaxation[0]
        if flow is not None:
            bound = min(bound, flow[0])
        duals = duals if duals is not None else (flow[1] if flow is not None else None)
        if duals is not None:
            bound = min(bound, _chain_bound(compat, comp, rule, start, duals, det, deadline,
                                            pairs))
        if not det and pairs > FLOW_START_PAIRS:
            # Chains of two links, after the bound (which needs its share more than these
            # need theirs), in the time LNS would take.
            insert_with_ejection(compat, comp, start, rule,
                                 deadline.sooner(CHAIN_INSERT_SHARE * deadline.left()),
                                 passes=1, chains=True)
        if not det and deadline.left() < MIN_CPSAT_SECONDS:
            # No time for one LNS round: its set-up alone indexes every candidate.
            mine = set(comp)
            chosen = {i: v for i, v in start.chosen.items() if i in mine}
        else:
            # Past the flow's threshold (the city), half the rounds free the helpers whose caps
            # block a valuable unmet visit, and a round that gains is followed by insertion
            # (city seed 1, 20 s from the same start, two seeds: +11.1 h against +5.5 h).
            large = pairs > FLOW_START_PAIRS
            chosen = lns(compat, comp, start, options=options, deadline=deadline, work=work,
                         rule=rule, fixed=fixed, blocked_share=BLOCKED_SHARE if large else 0.0,
                         repair=large and insert)
        value = rule.score(compat, chosen)[0]
        status = Status.OPTIMAL if value >= bound - 1e-6 else Status.FEASIBLE
        return ComponentSolution(chosen, status, max(bound, value), _time.perf_counter() - t0,
                                 "cpsat-lns")
    try:
        model = ComponentModel(compat, comp, fixed=fixed, deadline=None if det else deadline)
    except OutOfTime:
        # No time left even to build the model: the greedy's plan, with a bound that costs
        # nothing to compute.
        return ComponentSolution(hinted, Status.FEASIBLE, max(
            trivial_bound(compat, comp, rule), rule.score(compat, hinted)[0]),
            _time.perf_counter() - t0, "greedy")
    model.hint(as_state(compat, hinted))
    objective = model.stage_expr(first)
    model.m.maximize(objective)
    n_later = len(rule.stages) - 1
    share = _FIRST_SHARE if n_later else _FIRST_SHARE_ALONE
    solver = cpsat_solver(time_limit=share * (work if det else deadline.left()),
                          seed=options.seed, workers=options.workers, deterministic=det)
    with stop_search_when(solver, options.stopped if options.stop is not None else None):
        code = solver.solve(model.m)
    if code == cp_model.INFEASIBLE:
        return ComponentSolution({}, Status.INFEASIBLE, 0.0, _time.perf_counter() - t0, "cpsat")
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        ub = float(lp_bound(compat, comp, first, None if det else deadline))
        return ComponentSolution(hinted, Status.NO_SOLUTION, max(ub, rule.score(
            compat, hinted)[0]), _time.perf_counter() - t0, "cpsat")
    chosen = model.read(solver)
    bound = float(solver.best_objective_bound)
    status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
    if rule.score(compat, chosen) < rule.score(compat, hinted):
        chosen = hinted  # CP-SAT did not reach its hint in time: never return worse
    # Later stages only polish: give them about a quarter of what the first took (counted in
    # CP-SAT's deterministic time in deterministic mode, so that the plan repeats), shared.
    spent = solver.deterministic_time if det else _time.perf_counter() - t0
    for k, stage in enumerate(rule.stages[1:], start=1):
        if not model.cand or options.stopped():
            break
        room = (work - spent) if det else deadline.left()
        left = min(room, max(0.2, spent / 4)) / (n_later - k + 1)
        if left < MIN_CPSAT_SECONDS:
            break
        model.m.add(objective >= rule.stages[k - 1].value(compat, chosen))
        model.m.clear_hints()
        model.hint(as_state(compat, chosen))
        objective = model.stage_expr(stage)
        model.m.maximize(objective)
        solver2 = cpsat_solver(time_limit=left, seed=options.seed, workers=options.workers,
                               deterministic=det)
        if solver2.solve(model.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            better = model.read(solver2)
            if rule.score(compat, better) >= rule.score(compat, chosen):
                chosen = better
        spent += solver2.deterministic_time if det else 0.0
    return ComponentSolution(chosen, status, max(bound, float(first.value(compat, chosen))),
                             _time.perf_counter() - t0, "cpsat")


def _chain_bound(compat: Compat, comp: Sequence[int], rule: Rule, start: PlanState,
                 duals: Duals, det: bool, deadline: Deadline, pairs: int) -> float:
    """The Lagrangian bound over helper-day chains on the first stage (inf if not had).

    A share of the time left (:data:`CHAIN_SHARE`); in deterministic mode a fixed number of
    rounds instead, on components of at most :data:`CHAIN_DET_PAIRS` pairs (the bound must
    not depend on the machine, and a round on the city's component takes seconds).
    """
    if det and pairs > CHAIN_DET_PAIRS:
        return math.inf
    got = lagrangian_bound(
        compat, comp, rule.stages[0], plan=start.chosen, start=duals,
        rounds=CHAIN_DET_ROUNDS if det else None,
        deadline=None if det else deadline.sooner(CHAIN_SHARE * deadline.left()))
    return math.inf if got is None else got.value


@frozen
class Cpsat:
    """The ``cpsat`` component method (see the module docstring)."""

    name: str = "cpsat"

    def __call__(self, compat: Compat, component: Sequence[int], hint: PlanState, *,
                 rule: Rule, fixed: PlanState | None, options: SolveOptions,
                 deadline: Deadline, work: float) -> ComponentSolution:
        """Plan ``component`` with :func:`solve_component`."""
        return solve_component(compat, component, hint, rule=rule, fixed=fixed,
                               options=options, deadline=deadline, work=work)


#: The ``cpsat`` component method.
CPSAT = Cpsat()
