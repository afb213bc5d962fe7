"""The CP-SAT model of one component (or of an LNS neighbourhood of it).

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
that kept, helpers the resident knows and helpers living nearby, less travel. The driver
(:mod:`cus_match.optimise.solvers.cpsat`) hints it with the FIFO greedy plan, so a time-out
returns at least the greedy's quality.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import attrs
from ortools.sat.python import cp_model

from cus_match.clock import iso_week
from cus_match.compat import Candidate, Compat
from cus_match.model import Helper
from cus_match.model.occurrences import helper_windows
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import EQUITY_RESOLUTION, Equity, Linear, Rule, Stage
from cus_match.optimise.solvers.state import PlanState

__all__ = ["ComponentModel", "OutOfTime", "as_state"]


class OutOfTime(Exception):  # noqa: N818 - names the event, like StopIteration
    """The deadline passed while a model was being built (the caller keeps what it has)."""


class ComponentModel:
    """The CP-SAT model of one component (see the module docstring)."""

    def __init__(self, compat: Compat, comp: Sequence[int],
                 helpers: set[str] | None = None, fixed: PlanState | None = None,
                 deadline: Deadline | None = None) -> None:
        """Model ``comp``; with ``helpers`` and ``fixed``, a neighbourhood for LNS.

        ``helpers`` restricts candidates; ``fixed`` is the rest of the plan, kept as it is:
        its visits block helpers' and residents' times, and use up hours, residents and PUS.
        Building a large model takes seconds: past ``deadline`` it stops with
        :class:`OutOfTime`.
        """
        inst = compat.inst
        self.deadline, self._ticks = deadline, 0
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
            self._tick()
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
            self._tick()
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
                self._tick()
                gap = self._least_travel(h, day_occs)
                items = [(t, t + compat.occurrences[i].duration + gap, z)
                         for i in day_occs for t, z in self.z[(i, hid)]]
                self._cliques(items)
        for occs in by_resident.values():
            items = [(t, t + compat.occurrences[i].duration, w[(i, t)])
                     for i in occs for t in self.starts_of[i] if (i, t) in w]
            self._cliques(items)

    def _tick(self, every: int = 16) -> None:
        """Stop building once past the deadline (looked at every ``every`` steps)."""
        self._ticks += 1
        if self.deadline is not None and self._ticks % every == 0 and self.deadline.expired():
            raise OutOfTime

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
        # A sweep over the start points: the items running at ``p`` (``a <= p < b``), in the
        # order given (so the model, and a deterministic search on it, does not change).
        by_start = sorted(range(len(items)), key=lambda n: items[n][0])
        running: set[int] = set()
        ends: list[tuple[int, int]] = []
        at = 0
        for p in points:
            while at < len(by_start) and items[by_start[at]][0] <= p:
                n = by_start[at]
                running.add(n)
                heapq.heappush(ends, (items[n][1], n))
                at += 1
            while ends and ends[0][0] <= p:
                running.discard(heapq.heappop(ends)[1])
            members = [items[n][2] for n in sorted(running)]
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
            self._tick(every=1)
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
        """Hint the search with ``state``'s plan of the component."""
        for i in self.comp:
            got = state.chosen.get(i)
            self.m.add_hint(self.y[i], got is not None)
            if got is not None:
                self.m.add_hint(self.s[i], got[0])
            team = {c.helper for c in got[1]} if got else set()
            for c in self.cands_of[i]:
                self.m.add_hint(self.x[(i, c.helper)], c.helper in team)

    def read(self, solver: cp_model.CpSolver) -> dict[int, tuple[int, list[Candidate]]]:
        """The plan of the component in ``solver``'s solution."""
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


def as_state(compat: Compat, chosen: dict[int, tuple[int, list[Candidate]]]) -> PlanState:
    """A :class:`PlanState` holding exactly ``chosen``."""
    state = PlanState(compat)
    for i, (s, team) in sorted(chosen.items()):
        state.add(i, s, team)
    return state
