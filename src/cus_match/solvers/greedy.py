"""The FIFO greedy: what coordinators do by hand today, and the legal baseline.

Needs are taken in order — ``required`` first, then higher priority, then earlier application
(order of application is the statutory tie-break), then id — and each occurrence, in date order,
gets the best eligible helper(s) and the earliest time that still fit everything already
planned. "Best" prefers, in turn: the helper already serving this need (continuity), a helper
who helped the resident before, a helper living in the same place (locality), the shortest
travel, the helper id.

Nothing is ever moved once placed, so the plan is feasible but not optimal; the
optimisation methods improve on it.
"""

from __future__ import annotations

import bisect
import math
import time as _time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from cus_match.clock import from_minutes, iso_week
from cus_match.eligibility import (
    date_reasons,
    outside_ipus,
    pair_reasons,
    referral_reason,
    travel_for,
)
from cus_match.instance import Instance
from cus_match.model import Helper, Need, TravelMode
from cus_match.occurrences import Interval, Occurrence, expand, formal_visits, helper_windows
from cus_match.reasons import Reason
from cus_match.result import (
    Assignment,
    Covered,
    NearMiss,
    ReasonCount,
    Referral,
    Result,
    Status,
    Unmet,
)

__all__ = ["fifo_order", "solve_greedy"]


def fifo_order(needs: Iterable[Need]) -> list[Need]:
    """Needs in FIFO order: required first, then priority (high first), application date, id."""
    return sorted(needs, key=lambda n: (not n.required, -n.priority, n.applied_on, n.id))


class _Plan:
    """What has been placed so far: helpers' visits and hours, residents' busy times."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        # helper -> date -> sorted [(start, end, place)]
        self.visits: dict[str, dict[date, list[tuple[int, int, str]]]] = defaultdict(
            lambda: defaultdict(list))
        self.week_minutes: dict[tuple[str, tuple[int, int]], int] = Counter()
        self.residents: dict[str, set[str]] = defaultdict(set)
        self.resident_busy: dict[str, list[Interval]] = defaultdict(list)
        for r, vs in formal_visits(inst).items():
            self.resident_busy[r] = sorted((v.start, v.end) for v in vs)
        self.pus_minutes: Counter[str] = Counter()

    def helper_free(self, h: Helper, day: date, s: int, e: int, place: str) -> bool:
        tt = self.inst.travel
        for vs, ve, vp in self.visits[h.id][day]:
            if vs >= e + 24 * 60 or ve <= s - 24 * 60:
                continue
            if ve <= s:
                t = tt.best(vp, place, h.modes)
                if t is None or ve + t[0] > s:
                    return False
            elif e <= vs:
                t = tt.best(place, vp, h.modes)
                if t is None or e + t[0] > vs:
                    return False
            else:
                return False
        return True

    def resident_free(self, resident: str | None, s: int, e: int) -> bool:
        if resident is None:
            return True
        # Open intervals: a visit may start when the previous one ends.
        return not any(bs < e and s < be for bs, be in self.resident_busy[resident])

    def hours_left(self, h: Helper, day: date) -> int:
        return h.effective_weekly_minutes - self.week_minutes[(h.id, iso_week(day))]

    def can_take_resident(self, h: Helper, resident: str | None) -> bool:
        if resident is None or h.max_residents is None:
            return True
        seen = self.residents[h.id]
        return resident in seen or len(seen) < h.max_residents

    def place(self, h: Helper, need: Need, day: date, s: int, e: int, place: str) -> None:
        bisect.insort(self.visits[h.id][day], (s, e, place))
        self.week_minutes[(h.id, iso_week(day))] += e - s
        if need.resident is not None:
            self.residents[h.id].add(need.resident)
        self.pus_minutes[need.category] += e - s

    def book_resident(self, resident: str | None, s: int, e: int) -> None:
        if resident is not None:
            bisect.insort(self.resident_busy[resident], (s, e))


def _starts(occ: Occurrence, step: int) -> list[int]:
    out: set[int] = set()
    for ws, we in occ.windows:
        s = ws
        while s + occ.duration <= we:
            out.add(s)
            s += step
    return sorted(out)


def _fits_window(windows: list[Interval], s: int, e: int) -> bool:
    return any(ws <= s and e <= we for ws, we in windows)


def _covered_by(inst: Instance, need: Need, occ: Occurrence,
                formal: dict[str, list]) -> str | None:
    if need.resident is None:
        return None
    for v in formal.get(need.resident, []):
        if v.date != occ.date:
            continue
        svc = inst.service(v.service)
        if need.category in svc.covered_categories and any(
                v.start < we and ws < v.end for ws, we in occ.windows):
            return svc.id
    return None


def solve_greedy(inst: Instance, *, seed: int = 0, rule: str = "fifo") -> Result:
    """Plan ``inst`` with the FIFO greedy.

    Parameters
    ----------
    inst : Instance
        The instance.
    seed : int
        Recorded in the result; the greedy itself is deterministic.
    rule : str
        Recorded in the result.

    Returns
    -------
    Result
        ``feasible`` when every required need is met, else ``partial``.
    """
    t0 = _time.perf_counter()
    plan = _Plan(inst)
    formal = formal_visits(inst)
    helpers = sorted(inst.helpers, key=lambda h: h.id)
    assignments: list[Assignment] = []
    unmet: list[Unmet] = []
    referrals: list[Referral] = []
    covered: list[Covered] = []
    objective = 0.0
    required_unmet = False

    for need in fifo_order(inst.needs):
        why = referral_reason(inst, need)
        if why is not None:
            referrals.append(Referral(need.id, why, why.text("en")))
            required_unmet |= need.required
            continue
        static = {h.id: pair_reasons(inst, h, need) for h in helpers}
        travel = {h.id: travel_for(inst, h, need) for h in helpers if not static[h.id]}
        place = inst.need_place(need)
        res = inst.resident(need.resident) if need.resident is not None else None
        serving: set[str] = set()
        for occ in expand(inst, [need]):
            svc = _covered_by(inst, need, occ, formal)
            if svc is not None:
                covered.append(Covered(need.id, occ.date, svc))
                continue
            if outside_ipus(need, occ.date):
                unmet.append(Unmet(need.id, occ.date,
                                   (ReasonCount(Reason.OUTSIDE_IPUS, len(helpers)),)))
                required_unmet |= need.required
                continue
            dated = {h.id: date_reasons(inst, h, need, occ.date)
                     for h in helpers if not static[h.id]}
            cands = [h for h in helpers if not static[h.id] and not dated[h.id]]

            cands.sort(key=lambda h, r=res, sv=serving, tr=travel, p=place: (
                h.id not in sv, r is None or h.id not in r.previous_helpers,
                h.home != p, tr[h.id][0], h.id))  # type: ignore[index]
            chosen = _choose(plan, inst, need, occ, cands)
            if chosen is None:
                reasons, near = _unmet_reasons(plan, inst, need, occ, helpers, static, dated)
                unmet.append(Unmet(need.id, occ.date, reasons, near))
                required_unmet |= need.required
                continue
            s, team = chosen
            e = s + occ.duration
            for h in team:
                plan.place(h, need, occ.date, s, e, place)
                minutes, mode = travel[h.id]  # type: ignore[misc]
                assignments.append(_assignment(inst, need, occ, h, s, e, minutes, mode,
                                               h.id in serving or (
                                                   res is not None
                                                   and h.id in res.previous_helpers),
                                               h.home == place))
                serving.add(h.id)
            plan.book_resident(need.resident, s, e)
            objective += (1 + need.priority) * occ.duration / 60
    assignments.sort(key=lambda a: (a.start, a.need, a.helper))
    unmet.sort(key=lambda u: (u.date, u.need))
    covered.sort(key=lambda c: (c.date, c.need))
    referrals.sort(key=lambda r: r.need)
    if not inst.needs:
        status, bound = Status.OPTIMAL, 0.0
    else:
        status, bound = (Status.PARTIAL if required_unmet else Status.FEASIBLE), None
    return Result(
        status=status, method="greedy", rule=rule, assignments=assignments, unmet=unmet,
        referrals=referrals, covered=covered, objective=round(objective, 6), bound=bound,
        runtime_seconds=round(_time.perf_counter() - t0, 6), seed=seed,
        instance_name=inst.name,
    )


def _assignment(inst: Instance, need: Need, occ: Occurrence, h: Helper, s: int, e: int,
                minutes: float, mode: TravelMode, continuity: bool, locality: bool
                ) -> Assignment:
    tz = inst.policy.timezone
    return Assignment(need=need.id, date=occ.date, helper=h.id, start=from_minutes(s, tz),
                      end=from_minutes(e, tz), travel_minutes=minutes, mode=mode,
                      continuity=continuity, locality=locality)


def _fits(plan: _Plan, inst: Instance, h: Helper, need: Need, occ: Occurrence, s: int,
          hwin: list[Interval], place: str) -> bool:
    e = s + occ.duration
    return (_fits_window(hwin, s, e) and plan.hours_left(h, occ.date) >= occ.duration
            and plan.can_take_resident(h, need.resident)
            and plan.helper_free(h, occ.date, s, e, place))


def _choose(plan: _Plan, inst: Instance, need: Need, occ: Occurrence,
            cands: list[Helper]) -> tuple[int, list[Helper]] | None:
    """The earliest start for the best helper (k=1), or the earliest start with k free helpers."""
    if not cands:
        return None
    cat = inst.category(need.category)
    limit = cat.pus_hours_limit
    k = need.helpers_needed
    if limit is not None and plan.pus_minutes[need.category] + k * occ.duration > limit * 60:
        return None
    place = inst.need_place(need)
    starts = [s for s in _starts(occ, inst.policy.time_step_minutes)
              if plan.resident_free(need.resident, s, s + occ.duration)]
    hwins = {h.id: helper_windows(inst, h, occ.date) for h in cands}
    if k == 1:
        for h in cands:
            for s in starts:
                if _fits(plan, inst, h, need, occ, s, hwins[h.id], place):
                    return s, [h]
        return None
    adult_needed = cat.personal_care and not inst.policy.minors_solo_personal_care
    for s in starts:
        free = [h for h in cands if _fits(plan, inst, h, need, occ, s, hwins[h.id], place)]
        if len(free) < k:
            continue
        team = free[:k]
        if adult_needed and all(h.is_minor for h in team):
            adult = next((h for h in free[k:] if not h.is_minor), None)
            if adult is None:
                continue
            team = [*team[:-1], adult]
        return s, team
    return None


def _unmet_reasons(plan: _Plan, inst: Instance, need: Need, occ: Occurrence,
                   helpers: list[Helper], static: dict[str, list[Reason]],
                   dated: dict[str, list[Reason]]
                   ) -> tuple[tuple[ReasonCount, ...], tuple[NearMiss, ...]]:
    """Count, per reason, the helpers it excluded; and the nearest single-reason misses."""
    if not helpers:
        return (ReasonCount(Reason.NO_HELPERS, 0),), ()
    near: list[tuple[float, str, Reason]] = []
    place = inst.need_place(need)
    counts: Counter[Reason] = Counter()
    cat = inst.category(need.category)
    if cat.pus_hours_limit is not None and (
            plan.pus_minutes[need.category] + need.helpers_needed * occ.duration
            > cat.pus_hours_limit * 60):
        counts[Reason.PUS_LIMIT] = len(helpers)
    available = 0
    for h in helpers:
        rs = static[h.id] + dated.get(h.id, [])
        if rs:
            counts.update(rs)
            if len(rs) == 1:
                t = inst.travel.best(h.home, place, h.modes)
                near.append((t[0] if t else math.inf, h.id, rs[0]))
            continue
        hwin = helper_windows(inst, h, occ.date)
        common = [s for s in _starts(occ, inst.policy.time_step_minutes)
                  if _fits_window(hwin, s, s + occ.duration)]
        if not common:
            why = Reason.NO_COMMON_TIME
        elif plan.hours_left(h, occ.date) < occ.duration:
            why = Reason.HOURS_CAP
        elif not plan.can_take_resident(h, need.resident):
            why = Reason.MAX_RESIDENTS
        elif not any(plan.helper_free(h, occ.date, s, s + occ.duration, place)
                     and plan.resident_free(need.resident, s, s + occ.duration)
                     for s in common):
            why = Reason.BUSY
        else:
            available += 1
            continue
        counts[why] += 1
        near.append((travel_for(inst, h, need)[0], h.id, why))  # type: ignore[index]
    if available and not counts.get(Reason.PUS_LIMIT):
        counts[Reason.NOT_ENOUGH_HELPERS] = available
    reasons = tuple(ReasonCount(r, n) for r, n in
                    sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].value)))
    return reasons, tuple(NearMiss(hid, r) for _, hid, r in sorted(near)[:3])
