"""Large-neighbourhood search on a component: free a group of related helpers, re-solve.

A neighbourhood grows from a random helper through shared candidate visits; everything else
stays fixed, and CP-SAT re-solves the freed part exactly (:class:`ComponentModel` with the rest
as ``fixed``). Its settings are :data:`cus_match.optimise.engine.params.DOMAIN_LNS`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from cus_match.compat import Candidate, Compat
from cus_match.optimise.engine.params import (
    DOMAIN_LNS,
    MIN_CPSAT_SECONDS,
    cpsat_solver,
    stop_search_when,
)
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import RULES, Rule
from cus_match.optimise.solvers.insertion import insert_with_ejection
from cus_match.optimise.solvers.method import drop_unprofitable, value_minutes
from cus_match.optimise.solvers.neighbourhood import grow_neighbourhood
from cus_match.optimise.solvers.satmodel import ComponentModel, OutOfTime
from cus_match.optimise.solvers.state import PlanState

__all__ = ["lns"]

#: Visits indexed between two looks at the deadline in the set-up.
_SETUP_CHECK = 256


def lns(compat: Compat, comp: Sequence[int], start: PlanState, *, options: SolveOptions,
        deadline: Deadline, work: float, rule: Rule | None = None,
        fixed: PlanState | None = None, seed: int | None = None, blocked_share: float = 0.0,
        repair: bool = False) -> dict[int, tuple[int, list[Candidate]]]:
    """Large-neighbourhood search: free a group of related helpers, re-solve exactly, repeat.

    A neighbourhood grows from a random helper through shared candidate visits until about
    ``target`` visits are free (their assignments and the unmet visits they could take);
    everything else stays fixed. CP-SAT re-solves it, hinted by the current plan, on all the
    rule's stages at once (each weighted above the spread of the later ones); a plan better by
    the rule (default ``fifo``) is kept. The search ends at ``deadline`` or when ``options``
    say stop; in ``deterministic`` mode the number of rounds (``work`` seconds' worth), not the
    clock, ends it. ``seed`` overrides ``options.seed`` (default).

    With ``blocked_share`` > 0, that share of rounds grows its neighbourhood instead from the
    candidate helpers of an unmet visit (one of the most valuable, at random) whose week
    cap is full, so that CP-SAT may free a cap by moving their visits to the helpers around
    them. With ``repair``, a round that improves the plan is followed by insertion with
    ejection (:mod:`.insertion`) of the unmet visits the freed helpers could take. Both keep
    the generator's calls of the plain search when off.
    """
    rule = rule or RULES["fifo"]
    settings = DOMAIN_LNS
    deterministic = options.deterministic
    rng = random.Random(options.seed if seed is None else seed)
    comp = list(comp)
    state = fixed.copy() if fixed is not None else PlanState(compat)
    for i, (s, team) in sorted(drop_unprofitable(
            compat, rule, {i: start.chosen[i] for i in comp if i in start.chosen}).items()):
        state.add(i, s, team)
    # Indexing every candidate takes seconds on a large component (city 4x, 13.5 M pairs:
    # it ran 4 s past the component's end): it looks at the clock as it goes, and a set-up
    # the deadline cuts short leaves the start's plan.
    helpers_of: dict[int, list[str]] = {}
    occs_of: dict[str, list[int]] = defaultdict(list)
    for n, i in enumerate(comp):
        if not deterministic and n % _SETUP_CHECK == 0 and deadline.left() < MIN_CPSAT_SECONDS:
            mine = set(comp)
            return {i: v for i, v in state.chosen.items() if i in mine}
        helpers_of[i] = hs = [c.helper for c in compat.candidates[i]]
        for h in hs:
            occs_of[h].append(i)
    pool = sorted(occs_of)
    if not pool:
        return dict(state.chosen)
    # Only the equity stage looks beyond the freed visits; linear stages compare on them alone.
    local = not rule.coupled
    rounds = max(1, int(work * settings.rounds_per_second)) if deterministic else 10**9
    target = settings.target
    for _ in range(rounds):
        if options.stopped() or (not deterministic and deadline.left() < MIN_CPSAT_SECONDS):
            break
        begin = (_blocked_helpers(compat, comp, state, rng)
                 if blocked_share > 0 and rng.random() < blocked_share else None)
        free_h, free = grow_neighbourhood(rng, pool, occs_of, helpers_of, state.chosen, target,
                                          count_partial=False, start=begin or None)
        if not free:
            continue
        old = rule.score(compat, {i: state.chosen[i] for i in free if i in state.chosen}
                         if local else state.chosen)
        before = {i: state.chosen[i] for i in free if i in state.chosen}
        for i in before:
            state.remove(i)
        try:
            model = ComponentModel(compat, sorted(free), helpers=free_h, fixed=state,
                                   deadline=None if deterministic else deadline)
        except OutOfTime:
            for i, (s, team) in sorted(before.items()):
                state.add(i, s, team)
            break
        for i, (s, team) in before.items():
            model.m.add_hint(model.y[i], True)
            model.m.add_hint(model.s[i], s)
            for c in team:
                if (i, c.helper) in model.x:
                    model.m.add_hint(model.x[(i, c.helper)], True)
        model.m.maximize(model.combined(rule))
        left = (settings.sub_limit if deterministic
                else min(settings.sub_limit, deadline.left()))
        solver = cpsat_solver(time_limit=left, seed=rng.randrange(1 << 30),
                              workers=options.workers, deterministic=deterministic)
        with stop_search_when(solver, options.stopped if options.stop is not None else None):
            code = solver.solve(model.m)
        after = model.read(solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
        keep = before
        if after is not None:
            new = rule.score(compat, after if local else {**state.chosen, **after})
            if new > old:
                keep = after
        for i, (s, team) in sorted(keep.items()):
            state.add(i, s, team)
        if repair and keep is after and (deterministic or deadline.left() > MIN_CPSAT_SECONDS):
            insert_with_ejection(compat, comp, state, rule,
                                 None if deterministic else deadline.sooner(deadline.left() / 2),
                                 passes=1, targets=sorted(
                                     {i for h in free_h for i in occs_of[h]}))
        # Adapt: grow neighbourhoods that solve to optimality fast, shrink the others.
        target = (min(settings.largest, target + settings.step) if code == cp_model.OPTIMAL
                  else max(settings.smallest, target - settings.step))
    mine = set(comp)
    return {i: v for i, v in state.chosen.items() if i in mine}


#: Unmet visits, the most valuable first, that a blocked-helper neighbourhood starts from.
_BLOCKED_POOL = 200


def _blocked_helpers(compat: Compat, comp: Sequence[int], state: PlanState,
                     rng: random.Random) -> list[str]:
    """Up to three candidate helpers, whose week cap is full, of a valuable unmet visit."""
    unmet = sorted((-value_minutes(compat, i), i) for i in comp
                   if i not in state.chosen and compat.candidates[i])[:_BLOCKED_POOL]
    if not unmet:
        return []
    i = rng.choice(unmet)[1]
    full = sorted(c.helper for c in compat.candidates[i] if not state.hours_ok(c.helper, i))
    rng.shuffle(full)
    return full[:3]
