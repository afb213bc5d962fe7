"""LP rounding: a plan of a component built in the order the LP relaxation values its visits.

On town components the rounding starts the search 4-6 % above the FIFO greedy, in well under
the time of one LNS round; on the city's large component, where GLOP does not finish, it rounds
the same LP's plan had as a min-cost flow (:mod:`.flow_start`: +3.9 %, 2026-12-03).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from cus_match.clock import iso_week
from cus_match.compat import Candidate, Compat
from cus_match.optimise.rules import RULES, Rule
from cus_match.optimise.solvers.method import drop_unprofitable, value_minutes
from cus_match.optimise.solvers.relaxation import Relaxation, lp_relaxation
from cus_match.optimise.solvers.state import PlanState

__all__ = ["lp_guided"]


def lp_guided(compat: Compat, comp: Sequence[int], start: PlanState,
              rule: Rule | None = None, fixed: PlanState | None = None,
              relaxation: Relaxation | None = None, *, keep_caps: bool = False
              ) -> dict[int, tuple[int, list[Candidate]]]:
    """Round the LP: visits in order of LP value, each with its helpers by LP weight.

    With ``keep_caps``, required visits come first, and any other visit goes to a helper the LP
    did not give it only while that helper's week keeps room for the minutes the LP gives it
    in visits not yet rounded, so that fallbacks do not take the weekly caps the LP's later
    visits need (alone it meets more visits of less value, city seed 1: 14,186.25 h against
    14,495.5; followed by :mod:`.insertion` it is ahead, 14,648.75 against 14,608.5).
    Returns the better (by ``rule``, default ``fifo``) of this rounding and ``start``'s plan
    of ``comp``.
    """
    rule = rule or RULES["fifo"]
    _bound, yv, xv = relaxation or lp_relaxation(compat, comp, rule.stages[0])
    state = fixed.copy() if fixed is not None else PlanState(compat)
    required = [compat.inst.need(compat.occurrences[i].need).required for i in comp]
    order = [i for _r, *_k, i in sorted(
        (keep_caps and not r, -round(yv.get(i, 0.0), 6), -value_minutes(compat, i), i)
        for i, r in zip(comp, required, strict=True))]
    is_required = dict(zip(comp, required, strict=True))
    # The LP's minutes per helper-week in visits not yet rounded.
    promised: dict[tuple[str, tuple[int, int]], float] = defaultdict(float)
    lp_helpers: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for (i, h), v in sorted(xv.items()):
        if v > 1e-9:
            lp_helpers[i].append((h, v))
    if keep_caps:
        for i, hs in lp_helpers.items():
            o = compat.occurrences[i]
            for h, v in hs:
                promised[(h, iso_week(o.date))] += v * o.duration
    cap = {h.id: h.effective_weekly_minutes for h in compat.inst.helpers}
    for i in order:
        o = compat.occurrences[i]
        week = iso_week(o.date)
        mine = dict(lp_helpers.get(i, ()))
        for h, v in mine.items():
            promised[(h, week)] -= v * o.duration
        if yv.get(i, 0.0) < 1e-6 and not (keep_caps and is_required[i]):
            continue
        need = compat.inst.need(o.need)
        cands = sorted(compat.candidates[i], key=lambda c: -xv.get((i, c.helper), 0.0))
        if need.helpers_needed == 1:
            for c in cands:
                if not (state.hours_ok(c.helper, i) and state.residents_ok(c.helper, i)
                        and state.pus_ok(i, 1)):
                    continue
                if (keep_caps and c.helper not in mine and not is_required[i]
                        and state.week_minutes[(c.helper, week)] + o.duration
                        + promised[(c.helper, week)] > cap[c.helper] + 1e-6):
                    continue
                s = next((s for s in c.starts if state.resident_free(i, s)
                          and state.helper_free(c.helper, i, s)), None)
                if s is not None:
                    state.add(i, s, [c])
                    break
        else:
            got = state.choose(i)
            if got is not None:
                state.add(i, *got)
    state.fill(sorted(comp, key=lambda i: (-value_minutes(compat, i), i)))
    mine_plan = drop_unprofitable(compat, rule, {i: state.chosen[i] for i in comp
                                                  if i in state.chosen})
    theirs = drop_unprofitable(compat, rule, {i: start.chosen[i] for i in comp
                                               if i in start.chosen})
    return mine_plan if rule.score(compat, mine_plan) > rule.score(compat, theirs) else theirs
