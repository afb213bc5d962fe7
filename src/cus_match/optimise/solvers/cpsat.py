"""The full model on CP-SAT, one connected component at a time.

Per occurrence ``i``: a start ``s_i`` on the grid of its need's windows (never over a formal visit
of its resident), ``y_i`` (met or not) and ``x_ih`` per eligible helper ``h``. Constraints, each
one of ``docs/constraints.md``:

- ``sum_h x_ih = k_i * y_i``: k helpers or none (constraint 16); ``required`` needs force ``y_i``;
- ``x_ih -> s_i in starts(i, h)``: inside the helper's availability (constraint 15);
- per helper, optional intervals ``[s_i, s_i + d_i)`` present when ``x_ih``, no overlap; and on
  the same date, a travel gap between any two visits, whichever comes first (constraint 17);
- per resident, the visits of different occurrences do not overlap (constraint 18);
- per helper and ISO week, visit minutes within the cap (constraint 19); distinct residents within
  ``max_residents`` (constraint 20); per category, PUS hours (constraint 21); an adult in every
  personal-care visit that has a minor (constraint 6).

Objective, lexicographic: first the priority-weighted minutes met,
``sum_i (1 + priority_i) * d_i * y_i`` (the rule's primary value, reported in hours); then, with
that kept, helpers the resident knows and helpers living nearby, less travel. The search is
hinted with the FIFO greedy plan, so a time-out returns at least the greedy's quality.
"""

from __future__ import annotations

import math
import random
import time as _time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs
from ortools.sat.python import cp_model

from cus_match.clock import iso_week
from cus_match.compat import Candidate, Compat
from cus_match.model import Helper
from cus_match.model.instance import Instance
from cus_match.model.occurrences import helper_windows
from cus_match.optimise.rules import EQUITY_RESOLUTION, RULES, Equity, Linear, Rule, Stage
from cus_match.optimise.solvers.components import (
    ComponentSolution,
    solve_by_components,
    value_minutes,
)
from cus_match.optimise.solvers.state import PlanState
from cus_match.plan.result import Result, Status

__all__ = ["lns", "lp_bound", "solve_component", "solve_cpsat"]

def _value(compat: Compat, i: int) -> int:
    return value_minutes(compat, i)


class _Model:
    """The CP-SAT model of one component (see the module docstring)."""

    def __init__(self, compat: Compat, comp: Sequence[int],
                 helpers: set[str] | None = None, fixed: PlanState | None = None) -> None:
        """Model ``comp``; with ``helpers`` and ``fixed``, a neighbourhood for LNS.

        ``helpers`` restricts candidates; ``fixed`` is the rest of the plan, kept as it is:
        its visits block helpers' and residents' times, and use up hours, residents and PUS.
        """
        inst = compat.inst
        self.compat, self.comp = compat, list(comp)
        self.fixed = fixed
        m = self.m = cp_model.CpModel()
        self.y: dict[int, cp_model.IntVar] = {}
        self.s: dict[int, cp_model.IntVar] = {}
        self.x: dict[tuple[int, str], cp_model.IntVar] = {}
        self.cand: dict[tuple[int, str], Candidate] = {}
        self.cands_of: dict[int, list[Candidate]] = {}
        self.starts_of: dict[int, list[int]] = {}
        self.z: dict[tuple[int, str], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        by_helper: dict[str, list[int]] = defaultdict(list)
        by_resident: dict[str, list[int]] = defaultdict(list)
        for i in self.comp:
            o = compat.occurrences[i]
            need = inst.need(o.need)
            y = self.y[i] = m.new_bool_var(f"y{i}")
            starts = compat.starts[i]
            cands = compat.candidates[i]
            if fixed is not None:
                starts = [s for s in starts if fixed.resident_free(i, s)]
                cands = [c for c in cands if helpers is None or c.helper in helpers]
                cands = [_restrict(c, fixed) for c in cands]
                cands = [c for c in cands if c.starts]
            self.cands_of[i] = cands
            if not starts or len(cands) < need.helpers_needed:
                m.add(y == 0)
                starts = starts or [0]
            s = self.s[i] = m.new_int_var_from_domain(cp_model.Domain.from_values(starts),
                                                      f"s{i}")
            self.starts_of[i] = starts
            xs = []
            for c in cands:
                x = self.x[(i, c.helper)] = m.new_bool_var(f"x{i}_{c.helper}")
                self.cand[(i, c.helper)] = c
                xs.append(x)
                by_helper[c.helper].append(i)
                if not set(starts) <= set(c.starts):
                    m.add_linear_expression_in_domain(
                        s, cp_model.Domain.from_values(c.starts)).only_enforce_if(x)
            m.add(sum(xs) == need.helpers_needed * y)
            if need.required:
                m.add(y == 1)
            cat = inst.category(need.category)
            if (cat.personal_care and need.helpers_needed > 1
                    and not inst.policy.minors_solo_personal_care):
                adults = [self.x[(i, c.helper)] for c in cands
                          if not inst.helper(c.helper).is_minor]
                m.add(sum(adults) >= y)
            if need.resident is not None:
                by_resident[need.resident].append(i)
        self._helpers(by_helper)
        self._residents(by_resident)
        self._time_indexed(by_helper, by_resident)
        self._pus()

    def _time_indexed(self, by_helper: dict[str, list[int]],
                      by_resident: dict[str, list[int]]) -> None:
        """A time-indexed copy of the schedule, for a much stronger LP relaxation.

        ``w[i, t]``: occurrence ``i`` starts at ``t``; ``z[i, h, t]``: helper ``h`` serves it
        then. At every start time, the visits running (for a helper: plus the least travel it
        could need before the next) hold at most one — the clique inequalities of an interval
        graph. Redundant with the intervals and travel disjunctions, which stay for exactness.
        """
        compat, m, inst = self.compat, self.m, self.compat.inst
        w: dict[tuple[int, int], cp_model.IntVar] = {}
        for i in self.comp:
            if not self.cands_of[i]:
                continue
            k = inst.need(compat.occurrences[i].need).helpers_needed
            ws = {t: m.new_bool_var(f"w{i}_{t}") for t in self.starts_of[i]}
            w.update({(i, t): v for t, v in ws.items()})
            m.add(sum(ws.values()) == self.y[i])
            m.add(self.s[i] == sum(t * v for t, v in ws.items())).only_enforce_if(self.y[i])
            per_t: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for c in self.cands_of[i]:
                zs = []
                for t in c.starts:
                    if t in ws:
                        z = m.new_bool_var(f"z{i}_{c.helper}_{t}")
                        m.add_implication(z, ws[t])
                        per_t[t].append(z)
                        zs.append((t, z))
                        self.z[(i, c.helper)].append((t, z))
                m.add(sum(z for _t, z in zs) == self.x[(i, c.helper)])
            for t, v in ws.items():
                m.add(sum(per_t[t]) == k * v)
        for hid, occs in by_helper.items():
            h = inst.helper(hid)
            per_day: dict[date, list[int]] = defaultdict(list)
            for i in occs:
                per_day[compat.occurrences[i].date].append(i)
            for day_occs in per_day.values():
                gap = self._least_travel(h, day_occs)
                items = [(t, t + compat.occurrences[i].duration + gap, z)
                         for i in day_occs for t, z in self.z[(i, hid)]]
                self._cliques(items)
        for occs in by_resident.values():
            items = [(t, t + compat.occurrences[i].duration, w[(i, t)])
                     for i in occs for t in self.starts_of[i] if (i, t) in w]
            self._cliques(items)

    def _least_travel(self, h: Helper, occs: list[int]) -> int:
        inst = self.compat.inst
        places = sorted({inst.need_place(inst.need(self.compat.occurrences[i].need))
                         for i in occs})
        best = math.inf
        for a in places:
            for b in places:
                t = inst.travel.best(a, b, h.modes)
                if t is not None:
                    best = min(best, t[0])
        return 0 if best == math.inf else math.floor(best)

    def _cliques(self, items: list[tuple[int, int, cp_model.IntVar]]) -> None:
        if len(items) < 2:
            return
        points = sorted({a for a, _b, _v in items})
        seen: set[tuple[int, ...]] = set()
        for p in points:
            members = [v for a, b, v in items if a <= p < b]
            key = tuple(sorted(v.index for v in members))
            if len(members) > 1 and key not in seen:
                seen.add(key)
                self.m.add_at_most_one(members)

    def _interval(self, i: int, present: cp_model.IntVar) -> cp_model.IntervalVar:
        d = self.compat.occurrences[i].duration
        return self.m.new_optional_fixed_size_interval_var(self.s[i], d, present, f"iv{i}")

    def _helpers(self, by_helper: dict[str, list[int]]) -> None:
        compat, m, inst = self.compat, self.m, self.compat.inst
        for hid in sorted(by_helper):
            occs = by_helper[hid]
            h = inst.helper(hid)
            if len(occs) > 1:
                m.add_no_overlap([self._interval(i, self.x[(i, hid)]) for i in occs])
            per_day: dict[date, list[int]] = defaultdict(list)
            per_week: dict[tuple[int, int], list[int]] = defaultdict(list)
            for i in occs:
                per_day[compat.occurrences[i].date].append(i)
                per_week[iso_week(compat.occurrences[i].date)].append(i)
            for day, day_occs in per_day.items():
                self._travel_gaps(hid, day_occs)
                # Redundant but strong for the LP relaxation: a day holds no more visit
                # minutes than the helper's availability that day (no_overlap alone does not
                # tell the LP).
                avail = sum(b - a for a, b in helper_windows(inst, h, day))
                if self.fixed is not None:
                    avail -= sum(e - s for s, e, _ in self.fixed.visits[(hid, day)])
                if sum(compat.occurrences[i].duration for i in day_occs) > avail:
                    m.add(sum(compat.occurrences[i].duration * self.x[(i, hid)]
                              for i in day_occs) <= avail)
            for week, week_occs in per_week.items():
                cap = h.effective_weekly_minutes - (
                    self.fixed.week_minutes[(hid, week)] if self.fixed else 0)
                if sum(compat.occurrences[i].duration for i in week_occs) > cap:
                    m.add(sum(compat.occurrences[i].duration * self.x[(i, hid)]
                              for i in week_occs) <= cap)
            if h.max_residents is not None:
                res_occs: dict[str, list[int]] = defaultdict(list)
                for i in occs:
                    r = inst.need(compat.occurrences[i].need).resident
                    if r is not None:
                        res_occs[r].append(i)
                known = ({r for r, n in self.fixed.resident_count[hid].items() if n > 0}
                         if self.fixed else set())
                new = {r: o for r, o in res_occs.items() if r not in known}
                room = h.max_residents - len(known)
                if len(new) > room:
                    z = {}
                    for r, r_occs in sorted(new.items()):
                        z[r] = m.new_bool_var(f"z{hid}_{r}")
                        for i in r_occs:
                            m.add_implication(self.x[(i, hid)], z[r])
                    m.add(sum(z.values()) <= room)

    def _travel_gaps(self, hid: str, occs: list[int]) -> None:
        compat, m, inst = self.compat, self.m, self.compat.inst
        modes = inst.helper(hid).modes
        place = {i: inst.need_place(inst.need(compat.occurrences[i].need)) for i in occs}
        for a_pos, i in enumerate(occs):
            for j in occs[a_pos + 1:]:
                oi, oj = compat.occurrences[i], compat.occurrences[j]
                t_ij = inst.travel.best(place[i], place[j], modes)
                t_ji = inst.travel.best(place[j], place[i], modes)
                xi, xj = self.x[(i, hid)], self.x[(j, hid)]
                if t_ij is None or t_ji is None:
                    m.add_bool_or([xi.Not(), xj.Not()])
                    continue
                gap_ij, gap_ji = math.ceil(t_ij[0] - 1e-9), math.ceil(t_ji[0] - 1e-9)
                si_lo, si_hi = min(compat.starts[i]), max(compat.starts[i])
                sj_lo, sj_hi = min(compat.starts[j]), max(compat.starts[j])
                i_first_always = si_hi + oi.duration + gap_ij <= sj_lo
                j_first_always = sj_hi + oj.duration + gap_ji <= si_lo
                if i_first_always or j_first_always:
                    continue
                b = m.new_bool_var(f"o{i}_{j}_{hid}")
                m.add(self.s[j] >= self.s[i] + oi.duration + gap_ij).only_enforce_if(
                    [xi, xj, b])
                m.add(self.s[i] >= self.s[j] + oj.duration + gap_ji).only_enforce_if(
                    [xi, xj, b.Not()])

    def _residents(self, by_resident: dict[str, list[int]]) -> None:
        for r in sorted(by_resident):
            occs = by_resident[r]
            days: dict[object, list[int]] = defaultdict(list)
            for i in occs:
                days[self.compat.occurrences[i].date].append(i)
            for day_occs in days.values():
                if len(day_occs) > 1:
                    self.m.add_no_overlap([self._interval(i, self.y[i]) for i in day_occs])

    def _pus(self) -> None:
        inst = self.compat.inst
        per_cat: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for (i, hid) in self.x:
            cat = inst.need(self.compat.occurrences[i].need).category
            if inst.category(cat).pus_hours_limit is not None:
                per_cat[cat].append((i, hid))
        for cat, pairs in sorted(per_cat.items()):
            limit = inst.category(cat).pus_hours_limit
            assert limit is not None
            used = self.fixed.pus_minutes[cat] if self.fixed else 0
            self.m.add(sum(self.compat.occurrences[i].duration * self.x[(i, h)]
                           for i, h in pairs) <= math.floor(limit * 60 + 1e-9) - used)

    def stage_expr(self, stage: Stage) -> cp_model.LinearExpr | int:
        """The objective of one rule stage on this model (to maximise).

        With a fixed context (LNS), the equity stage counts the fixed visits' minutes too, and
        places without free visits bound it by their (constant) ratio.
        """
        if isinstance(stage, Linear):
            return (sum(stage.visit_coef(self.compat, i) * self.y[i] for i in self.comp)
                    + sum(stage.pair_coef(self.compat, c) * self.x[key]
                          for key, c in self.cand.items()))
        occ = self.compat.occurrences
        free = set(self.comp)
        met_fixed = self.fixed.chosen if self.fixed is not None else {}
        t = self.m.new_int_var(0, EQUITY_RESOLUTION, "equity")
        for occs in stage.groups(self.compat).values():
            demand = sum(occ[i].duration for i in occs)
            fixed = sum(occ[i].duration for i in occs if i in met_fixed)
            mine = [i for i in occs if i in free]
            if mine:
                self.m.add(EQUITY_RESOLUTION * (fixed + sum(occ[i].duration * self.y[i]
                                                            for i in mine)) >= demand * t)
            else:
                self.m.add(t <= EQUITY_RESOLUTION * fixed // demand)
        return t

    def stage_range(self, stage: Stage) -> int:
        """An upper bound on the spread of :meth:`stage_expr` (for weighting stages)."""
        if isinstance(stage, Equity):
            return EQUITY_RESOLUTION + 1
        return (sum(abs(stage.visit_coef(self.compat, i)) for i in self.comp)
                + sum(abs(stage.pair_coef(self.compat, c)) for c in self.cand.values()) + 1)

    def combined(self, rule: Rule) -> cp_model.LinearExpr | int:
        """All stages in one objective, each weighted above the spread of all later ones."""
        total: cp_model.LinearExpr | int = 0
        weight = 1
        for stage in reversed(rule.stages):
            total = total + weight * self.stage_expr(stage)
            weight *= self.stage_range(stage)
        return total

    def hint(self, state: PlanState) -> None:
        for i in self.comp:
            got = state.chosen.get(i)
            self.m.add_hint(self.y[i], got is not None)
            if got is not None:
                self.m.add_hint(self.s[i], got[0])
            team = {c.helper for c in got[1]} if got else set()
            for c in self.cands_of[i]:
                self.m.add_hint(self.x[(i, c.helper)], c.helper in team)

    def read(self, solver: cp_model.CpSolver) -> dict[int, tuple[int, list[Candidate]]]:
        out = {}
        for i in self.comp:
            if solver.boolean_value(self.y[i]):
                team = [c for c in self.cands_of[i]
                        if solver.boolean_value(self.x[(i, c.helper)])]
                out[i] = (solver.value(self.s[i]), team)
        return out


def _restrict(c: Candidate, fixed: PlanState) -> Candidate:
    """``c`` with only the starts its helper's fixed visits (and travel) leave free."""
    ok = tuple(s for s in c.starts if fixed.helper_free(c.helper, c.occ, s))
    return c if len(ok) == len(c.starts) else attrs.evolve(c, starts=ok)


def _params(time_limit: float, seed: int, workers: int,
            deterministic: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.num_workers = workers
    # Measured on rural instances: the full LP (with the time-indexed cliques) proves optimality
    # in 1-2 s on one worker, where the default settings take 10-20 s.
    p.linearization_level = 2
    if deterministic:
        # Same input and seed, same plan: one search thread and a work-based (not wall) limit.
        p.num_workers = 1
        p.max_deterministic_time = time_limit
    else:
        p.max_time_in_seconds = time_limit
    return solver


def lp_bound(compat: Compat, comp: Sequence[int], stage: Stage | None = None) -> float:
    """An upper bound on a stage's value over ``comp`` from an LP relaxation.

    Without ``stage``, the bound is on the priority-weighted minutes met. Visits become
    fractional; kept are k helpers per visit, weekly hour caps, each helper's available
    minutes per day and each resident's need-window minutes per day. Solved with GLOP.
    """
    return lp_relaxation(compat, comp, stage)[0]


def lp_relaxation(compat: Compat, comp: Sequence[int], stage: Stage | None = None,
                  time_limit: float | None = None
                  ) -> tuple[float, dict[int, float], dict[tuple[int, str], float]]:
    """The LP of :func:`lp_bound`: its value and the fractional ``y`` and ``x``.

    With ``time_limit`` (seconds) an LP not solved in time gives the trivial bound (every
    meetable visit met) and no fractional solution.
    """
    from ortools.linear_solver import pywraplp

    inf = pywraplp.Solver.infinity()
    inst = compat.inst
    lp = pywraplp.Solver.CreateSolver("GLOP")
    obj = lp.Objective()
    # Rows are filled coefficient by coefficient: the natural expression API took over 30 s
    # to build the city LP; this takes a few.
    y: dict[int, Any] = {}
    xvar: dict[tuple[int, str], Any] = {}
    week: dict[tuple[str, tuple[int, int]], Any] = {}
    day: dict[tuple[str, date], Any] = {}
    res_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    linear = stage if isinstance(stage, Linear) else None
    pairs = linear is not None and linear.has_pairs
    t_build = _time.perf_counter()
    for i in comp:
        o = compat.occurrences[i]
        need = inst.need(o.need)
        cands = compat.candidates[i]
        if not compat.starts[i] or len(cands) < need.helpers_needed:
            continue
        yi = y[i] = lp.NumVar(1 if need.required else 0, 1, "")
        team = lp.Constraint(0, 0)
        team.SetCoefficient(yi, -need.helpers_needed)
        if stage is None:
            obj.SetCoefficient(yi, _value(compat, i))
        elif linear is not None:
            obj.SetCoefficient(yi, linear.visit_coef(compat, i))
        for c in cands:
            x = xvar[(i, c.helper)] = lp.NumVar(0, 1, "")
            team.SetCoefficient(x, 1)
            wk = (c.helper, iso_week(o.date))
            row = week.get(wk)
            if row is None:
                row = week[wk] = lp.Constraint(-inf, inst.helper(c.helper).effective_weekly_minutes)
            row.SetCoefficient(x, o.duration)
            dk = (c.helper, o.date)
            row = day.get(dk)
            if row is None:
                h = inst.helper(c.helper)
                row = day[dk] = lp.Constraint(
                    -inf, sum(b - a for a, b in helper_windows(inst, h, o.date)))
            row.SetCoefficient(x, o.duration)
            if pairs and linear is not None:  # pairs implies linear; mypy cannot tell
                obj.SetCoefficient(x, linear.pair_coef(compat, c))
        if need.resident is not None:
            res_day[(need.resident, o.date)].append(i)
    for occs in res_day.values():
        if len(occs) > 1:
            spans = sorted(w for i in occs for w in compat.occurrences[i].windows)
            covered, end = 0, -1
            for a, b in spans:  # minutes of the union of the windows
                covered += max(0, b - max(a, end)) if b > end else 0
                end = max(end, b)
            row = lp.Constraint(-inf, covered)
            for i in occs:
                row.SetCoefficient(y[i], compat.occurrences[i].duration)
    if isinstance(stage, Equity):
        t = lp.NumVar(0, EQUITY_RESOLUTION, "t")
        obj.SetCoefficient(t, 1)
        occ = compat.occurrences
        for occs in stage.groups(compat).values():
            row = lp.Constraint(0, inf)
            row.SetCoefficient(t, -sum(occ[i].duration for i in occs))
            for i in occs:
                if i in y:
                    row.SetCoefficient(y[i], EQUITY_RESOLUTION * occ[i].duration)
    obj.SetMaximization()
    if time_limit is not None:
        left = time_limit - (_time.perf_counter() - t_build)
        lp.SetTimeLimit(max(1, int(left * 1000)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        # Not solved in time, or infeasible (required visits cannot all be met even
        # fractionally): the trivial bound, every meetable visit met at its best.
        if stage is None:
            trivial = float(sum(_value(compat, i) for i in y))
        elif linear is not None:
            trivial = float(sum(max(linear.visit_coef(compat, i), 0) for i in y)
                            + sum(max(linear.pair_coef(compat, c), 0) for i in y
                                  for c in compat.candidates[i]))
        else:
            trivial = float(EQUITY_RESOLUTION)
        return trivial, {}, {}
    value = float(obj.Value())
    if isinstance(stage, Equity):
        value = math.floor(value + 1e-6)  # the integer stage value cannot exceed it
    return (value,
            {i: v.solution_value() for i, v in y.items()},
            {k: v.solution_value() for k, v in xvar.items()})


def lp_guided(compat: Compat, comp: Sequence[int], start: PlanState,
              rule: Rule | None = None, fixed: PlanState | None = None,
              relaxation: tuple[float, dict[int, float], dict[tuple[int, str], float]]
              | None = None) -> dict[int, tuple[int, list[Candidate]]]:
    """Round the LP: visits in order of LP value, each with its helpers by LP weight.

    Returns the better (by ``rule``, default ``fifo``) of this rounding and ``start``'s plan
    of ``comp``.
    """
    rule = rule or RULES["fifo"]
    _bound, yv, xv = relaxation or lp_relaxation(compat, comp, rule.stages[0])
    state = fixed.copy() if fixed is not None else PlanState(compat)
    order = sorted(comp, key=lambda i: (-round(yv.get(i, 0.0), 6), -_value(compat, i), i))
    for i in order:
        if yv.get(i, 0.0) < 1e-6:
            continue
        need = compat.inst.need(compat.occurrences[i].need)
        cands = sorted(compat.candidates[i], key=lambda c: -xv.get((i, c.helper), 0.0))
        if need.helpers_needed == 1:
            for c in cands:
                if not (state.hours_ok(c.helper, i) and state.residents_ok(c.helper, i)
                        and state.pus_ok(i, 1)):
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
    state.fill(sorted(comp, key=lambda i: (-_value(compat, i), i)))
    mine = drop_unprofitable(compat, rule, {i: state.chosen[i] for i in comp
                                             if i in state.chosen})
    theirs = drop_unprofitable(compat, rule, {i: start.chosen[i] for i in comp
                                               if i in start.chosen})
    return mine if rule.score(compat, mine) > rule.score(compat, theirs) else theirs


def drop_unprofitable(compat: Compat, rule: Rule,
                       chosen: dict[int, tuple[int, list[Candidate]]]
                       ) -> dict[int, tuple[int, list[Candidate]]]:
    """Leave out visits whose first-stage value is negative, unless required.

    A rule may price travel above a visit's coverage; greedy starts would then start below
    the empty plan.
    """
    first = rule.stages[0]
    if not (isinstance(first, Linear) and first.has_pairs):
        return chosen
    inst = compat.inst
    return {i: (s, team) for i, (s, team) in chosen.items()
            if inst.need(compat.occurrences[i].need).required
            or first.visit_coef(compat, i) + sum(first.pair_coef(compat, c) for c in team) >= 0}


def lns(compat: Compat, comp: Sequence[int], start: PlanState, *, time_limit: float,
        seed: int = 0, workers: int = 1, deterministic: bool = False,
        target: int = 120, rule: Rule | None = None, fixed: PlanState | None = None
        ) -> dict[int, tuple[int, list[Candidate]]]:
    """Large-neighbourhood search: free a group of related helpers, re-solve exactly, repeat.

    A neighbourhood grows from a random helper through shared candidate visits until about
    ``target`` visits are free (their assignments and the unmet visits they could take);
    everything else stays fixed. CP-SAT re-solves it, hinted by the current plan, on all the
    rule's stages at once (each weighted above the spread of the later ones); a plan better by
    the rule (default ``fifo``) is kept. In ``deterministic`` mode the number of rounds, not the
    clock, ends the search.
    """
    rule = rule or RULES["fifo"]
    t_end = _time.perf_counter() + time_limit
    rng = random.Random(seed)
    comp = list(comp)
    state = fixed.copy() if fixed is not None else PlanState(compat)
    for i, (s, team) in sorted(drop_unprofitable(
            compat, rule, {i: start.chosen[i] for i in comp if i in start.chosen}).items()):
        state.add(i, s, team)
    helpers_of = {i: [c.helper for c in compat.candidates[i]] for i in comp}
    occs_of: dict[str, list[int]] = defaultdict(list)
    for i in comp:
        for h in helpers_of[i]:
            occs_of[h].append(i)
    pool = sorted(occs_of)
    if not pool:
        return dict(state.chosen)
    # Only the equity stage looks beyond the freed visits; linear stages compare on them alone.
    local = not rule.coupled
    rounds = max(1, int(time_limit * 4)) if deterministic else 10**9
    sub_limit = 1.0
    for _ in range(rounds):
        if not deterministic and _time.perf_counter() >= t_end:
            break
        free_h: set[str] = set()
        free: set[int] = set()
        queue = [rng.choice(pool)]
        while queue and len(free) < target:
            h = queue.pop(0)
            if h in free_h:
                continue
            free_h.add(h)
            for i in occs_of[h]:
                got = state.chosen.get(i)
                if got is None or all(c.helper in free_h for c in got[1]):
                    free.add(i)
            nxt = sorted({g for i in occs_of[h] for g in helpers_of[i]} - free_h)
            rng.shuffle(nxt)
            queue.extend(nxt[:4])
        # Visits of a team only partly freed stay fixed.
        free = {i for i in free if i not in state.chosen
                or all(c.helper in free_h for c in state.chosen[i][1])}
        if not free:
            continue
        old = rule.score(compat, {i: state.chosen[i] for i in free if i in state.chosen}
                         if local else state.chosen)
        before = {i: state.chosen[i] for i in free if i in state.chosen}
        for i in before:
            state.remove(i)
        model = _Model(compat, sorted(free), helpers=free_h, fixed=state)
        for i, (s, team) in before.items():
            model.m.add_hint(model.y[i], True)
            model.m.add_hint(model.s[i], s)
            for c in team:
                if (i, c.helper) in model.x:
                    model.m.add_hint(model.x[(i, c.helper)], True)
        model.m.maximize(model.combined(rule))
        left = sub_limit if deterministic else min(sub_limit, t_end - _time.perf_counter())
        solver = _params(max(left, 0.05), rng.randrange(1 << 30), workers, deterministic)
        code = solver.solve(model.m)
        after = model.read(solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
        keep = before
        if after is not None:
            new = rule.score(compat, after if local else {**state.chosen, **after})
            if new > old:
                keep = after
        for i, (s, team) in sorted(keep.items()):
            state.add(i, s, team)
        # Adapt: grow neighbourhoods that solve to optimality fast, shrink the others.
        target = min(400, target + 20) if code == cp_model.OPTIMAL else max(30, target - 20)
    mine = set(comp)
    return {i: v for i, v in state.chosen.items() if i in mine}


# Components with more eligible pairs than this are searched by LNS, not one CP-SAT model.
LNS_THRESHOLD = 3000


def solve_component(compat: Compat, comp: Sequence[int], hint: PlanState, *,
                    time_limit: float, seed: int = 0, workers: int = 1,
                    deterministic: bool = False, rule: Rule | None = None,
                    fixed: PlanState | None = None) -> ComponentSolution:
    """Solve one component exactly (or as well as ``time_limit`` allows) for ``rule``.

    The rule's stages are optimised in turn on one model, each later stage keeping the
    earlier optima; the reported status and bound are those of the first stage. ``fixed``
    holds pinned visits outside ``comp``, planned around.
    """
    rule = rule or RULES["fifo"]
    first = rule.stages[0]
    t0 = _time.perf_counter()
    pairs = sum(len(compat.candidates[i]) for i in comp)
    hinted = drop_unprofitable(compat, rule,
                                {i: hint.chosen[i] for i in comp if i in hint.chosen})
    if pairs > LNS_THRESHOLD:
        # The LP gives the bound and the start; on a busy machine it may not fit the budget,
        # and then the greedy starts the search alone (the bound is the trivial one).
        relaxation = lp_relaxation(compat, comp, first,
                                   None if deterministic else time_limit * 0.5)
        bound = relaxation[0]
        # Start from the better of the greedy and the LP rounding (4-6 % better on town and
        # city instances, in well under the time of one LNS round).
        start = fixed.copy() if fixed is not None else PlanState(compat)
        for i, (s, team) in sorted(lp_guided(compat, comp, hint, rule, fixed,
                                             relaxation).items()):
            if i not in start.chosen:
                start.add(i, s, team)
        # Deterministic mode counts work, not seconds: the clock must not size the search.
        left = (time_limit if deterministic
                else max(time_limit - (_time.perf_counter() - t0), 0.1))
        chosen = lns(compat, comp, start, time_limit=left, seed=seed, workers=workers,
                     deterministic=deterministic, rule=rule, fixed=fixed)
        value = rule.score(compat, chosen)[0]
        status = Status.OPTIMAL if value >= bound - 1e-6 else Status.FEASIBLE
        return ComponentSolution(chosen, status, max(bound, value), _time.perf_counter() - t0)
    model = _Model(compat, comp, fixed=fixed)
    model.hint(_as_state(compat, hinted))
    objective = model.stage_expr(first)
    model.m.maximize(objective)
    n_later = len(rule.stages) - 1
    solver = _params(time_limit * (0.8 if n_later else 0.95), seed, workers, deterministic)
    code = solver.solve(model.m)
    if code == cp_model.INFEASIBLE:
        return ComponentSolution({}, Status.INFEASIBLE, 0.0, _time.perf_counter() - t0)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        ub = float(lp_bound(compat, comp, first))
        return ComponentSolution(hinted, Status.NO_SOLUTION, ub, _time.perf_counter() - t0)
    chosen = model.read(solver)
    bound = float(solver.best_objective_bound)
    status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
    if rule.score(compat, chosen) < rule.score(compat, hinted):
        chosen = hinted  # CP-SAT did not reach its hint in time: never return worse
    # Later stages: keep each earlier stage's value, improve the next.
    for k, stage in enumerate(rule.stages[1:], start=1):
        if not model.cand:
            break
        model.m.add(objective >= rule.stages[k - 1].value(compat, chosen))
        model.m.clear_hints()
        model.hint(_as_state(compat, chosen))
        objective = model.stage_expr(stage)
        model.m.maximize(objective)
        # In deterministic mode the budget is work units, so the work done sizes it, not the
        # clock (which would make the same seed give different plans on a busier machine).
        spent = solver.deterministic_time if deterministic else _time.perf_counter() - t0
        # Later stages only polish: give them about what the first took, shared.
        left = min(max(time_limit - spent, 0.05), max(0.2, spent / 4)) / (n_later - k + 1)
        solver2 = _params(left, seed, workers, deterministic)
        if solver2.solve(model.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            better = model.read(solver2)
            if rule.score(compat, better) >= rule.score(compat, chosen):
                chosen = better
    return ComponentSolution(chosen, status, max(bound, float(first.value(compat, chosen))),
                             _time.perf_counter() - t0)


def _as_state(compat: Compat, chosen: dict[int, tuple[int, list[Candidate]]]) -> PlanState:
    state = PlanState(compat)
    for i, (s, team) in sorted(chosen.items()):
        state.add(i, s, team)
    return state


def solve_cpsat(inst: Instance, **options: Any) -> Result:
    """Plan ``inst`` with CP-SAT on every component (LNS on large ones), hinted by the greedy.

    Options are those of :func:`cus_match.optimise.solvers.components.solve_by_components`.
    """
    return solve_by_components(inst, method="cpsat", **options)
