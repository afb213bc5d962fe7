"""A plan under construction: who is where, hours used, residents' busy times.

Shared by every method: the greedy builds with it, the optimisers fill and repair with it, and
:func:`assemble` turns it into a :class:`~cus_match.plan.result.Result` with unmet needs explained.
"""

from __future__ import annotations

import bisect
import logging
import time as _time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from cus_match.clock import from_minutes, iso_week
from cus_match.compat import Candidate, Compat
from cus_match.compat.unmet import unmet_of
from cus_match.model import Need
from cus_match.optimise.options import Deadline, ProgressEvent, SolveOptions
from cus_match.optimise.rules import Rule, rule_stages
from cus_match.plan.result import (
    Assignment,
    DroppedPin,
    MethodCount,
    PhaseTime,
    ReasonCount,
    Result,
    Status,
    Unmet,
)
from cus_match.reasons import Reason

__all__ = ["PlanState", "assemble", "fifo_key", "primary_value"]

_LOG = logging.getLogger("cus_match")


def fifo_key(need: Need) -> tuple[bool, int, date, str]:
    """FIFO order: required first, then priority (high first), application date, id."""
    return (not need.required, -need.priority, need.applied_on, need.id)


def primary_value(need: Need, duration: int) -> float:
    """Value of meeting one occurrence: priority-weighted hours, ``(1 + priority) * hours``."""
    return (1 + need.priority) * duration / 60


class PlanState:
    """Mutable state of a plan over a :class:`Compat` (occurrences by index)."""

    def __init__(self, compat: Compat) -> None:
        self.compat = compat
        inst = compat.inst
        self.inst = inst
        self.needs = [inst.need(o.need) for o in compat.occurrences]
        self.places = [inst.need_place(n) for n in self.needs]
        self.visits: dict[tuple[str, date], list[tuple[int, int, str]]] = defaultdict(list)
        self.week_minutes: Counter[tuple[str, tuple[int, int]]] = Counter()
        self.resident_count: dict[str, Counter[str]] = defaultdict(Counter)
        self.resident_busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
        from cus_match.model.occurrences import formal_visits

        for r, vs in formal_visits(inst).items():
            self.resident_busy[r] = sorted((v.start, v.end) for v in vs)
        self.pus_minutes: Counter[str] = Counter()
        self.chosen: dict[int, tuple[int, list[Candidate]]] = {}
        self._cap = {h.id: h.effective_weekly_minutes for h in inst.helpers}
        self._max_res = {h.id: h.max_residents for h in inst.helpers}
        self._modes = {h.id: h.modes for h in inst.helpers}

    # Queries -----------------------------------------------------------------------------
    def hours_ok(self, helper: str, i: int) -> bool:
        """Whether the helper's weekly cap leaves room for occurrence ``i``."""
        o = self.compat.occurrences[i]
        used = self.week_minutes[(helper, iso_week(o.date))]
        return used + o.duration <= self._cap[helper]

    def residents_ok(self, helper: str, i: int) -> bool:
        """Whether the helper may take occurrence ``i``'s resident (``max_residents``)."""
        r = self.needs[i].resident
        m = self._max_res[helper]
        if r is None or m is None:
            return True
        seen = self.resident_count[helper]
        return seen[r] > 0 or sum(1 for v in seen.values() if v > 0) < m

    def helper_free(self, helper: str, i: int, s: int) -> bool:
        """Whether the helper is free at ``s`` for ``i``, travel to and from included."""
        o = self.compat.occurrences[i]
        e, place = s + o.duration, self.places[i]
        tt = self.inst.travel
        for vs, ve, vp in self.visits[(helper, o.date)]:
            if ve <= s:
                t = tt.best(vp, place, self._modes[helper])
                if t is None or ve + t[0] > s:
                    return False
            elif e <= vs:
                t = tt.best(place, vp, self._modes[helper])
                if t is None or e + t[0] > vs:
                    return False
            else:
                return False
        return True

    def resident_free(self, i: int, s: int) -> bool:
        """Whether ``i``'s resident is free at ``s`` (formal and planned visits)."""
        r = self.needs[i].resident
        if r is None:
            return True
        e = s + self.compat.occurrences[i].duration
        return not any(bs < e and s < be for bs, be in self.resident_busy[r])

    def pus_ok(self, i: int, k: int) -> bool:
        """Whether the category's PUS hours leave room for ``k`` helpers at ``i``."""
        need = self.needs[i]
        limit = self.inst.category(need.category).pus_hours_limit
        return limit is None or (
            self.pus_minutes[need.category] + k * self.compat.occurrences[i].duration
            <= limit * 60 + 1e-9)

    def fits(self, c: Candidate, s: int) -> bool:
        """Whether candidate ``c`` can start at ``s`` given everything placed so far."""
        return (self.hours_ok(c.helper, c.occ) and self.residents_ok(c.helper, c.occ)
                and self.helper_free(c.helper, c.occ, s))

    def copy(self) -> PlanState:
        """An independent plan state with the same visits."""
        other = PlanState(self.compat)
        for i, (s, team) in sorted(self.chosen.items()):
            other.add(i, s, list(team))
        return other

    # Changes -----------------------------------------------------------------------------
    def add(self, i: int, s: int, team: list[Candidate]) -> None:
        """Place occurrence ``i`` at ``s`` with ``team``."""
        o = self.compat.occurrences[i]
        need = self.needs[i]
        for c in team:
            bisect.insort(self.visits[(c.helper, o.date)], (s, s + o.duration, self.places[i]))
            self.week_minutes[(c.helper, iso_week(o.date))] += o.duration
            if need.resident is not None:
                self.resident_count[c.helper][need.resident] += 1
            self.pus_minutes[need.category] += o.duration
        if need.resident is not None:
            bisect.insort(self.resident_busy[need.resident], (s, s + o.duration))
        self.chosen[i] = (s, list(team))

    def remove(self, i: int) -> None:
        """Take occurrence ``i`` out of the plan."""
        s, team = self.chosen.pop(i)
        o = self.compat.occurrences[i]
        need = self.needs[i]
        for c in team:
            self.visits[(c.helper, o.date)].remove((s, s + o.duration, self.places[i]))
            self.week_minutes[(c.helper, iso_week(o.date))] -= o.duration
            if need.resident is not None:
                self.resident_count[c.helper][need.resident] -= 1
            self.pus_minutes[need.category] -= o.duration
        if need.resident is not None:
            self.resident_busy[need.resident].remove((s, s + o.duration))

    def choose(self, i: int, serving: set[str] | frozenset[str] = frozenset()
               ) -> tuple[int, list[Candidate]] | None:
        """The earliest start for the best helper (k=1), or the earliest start with k helpers.

        ``serving`` are helpers already serving this need's other visits (preferred first).
        """
        cands = self.compat.candidates[i]
        need = self.needs[i]
        k = need.helpers_needed
        if len(cands) < k or not self.pus_ok(i, k):
            return None
        if serving:
            cands = sorted(cands, key=lambda c: c.helper not in serving)  # stable
        if k == 1:
            for c in cands:
                if not (self.hours_ok(c.helper, i) and self.residents_ok(c.helper, i)):
                    continue
                for s in c.starts:
                    if self.resident_free(i, s) and self.helper_free(c.helper, i, s):
                        return s, [c]
            return None
        cat = self.inst.category(need.category)
        adult_needed = cat.personal_care and not self.inst.policy.minors_solo_personal_care
        ok = [c for c in cands if self.hours_ok(c.helper, i) and self.residents_ok(c.helper, i)]
        if len(ok) < k:
            return None
        sets = {c.helper: set(c.starts) for c in ok}
        for s in self.compat.starts[i]:
            if not self.resident_free(i, s):
                continue
            free = [c for c in ok if s in sets[c.helper] and self.helper_free(c.helper, i, s)]
            if len(free) < k:
                continue
            team = free[:k]
            if adult_needed and all(self.inst.helper(c.helper).is_minor for c in team):
                adult = next((c for c in free[k:] if not self.inst.helper(c.helper).is_minor),
                             None)
                if adult is None:
                    continue
                team = [*team[:-1], adult]
            return s, team
        return None

    def fill(self, order: list[int]) -> None:
        """Greedily place every unplaced occurrence of ``order`` that still fits."""
        serving: dict[str, set[str]] = defaultdict(set)
        for i, (_s, team) in self.chosen.items():
            serving[self.needs[i].id].update(c.helper for c in team)
        for i in order:
            if i in self.chosen:
                continue
            got = self.choose(i, serving[self.needs[i].id])
            if got is not None:
                self.add(i, *got)
                serving[self.needs[i].id].update(c.helper for c in got[1])

    def objective(self) -> float:
        """Primary objective of the plan: priority-weighted hours met."""
        return sum(primary_value(self.needs[i], self.compat.occurrences[i].duration)
                   for i in self.chosen)


def _unmet(state: PlanState, i: int) -> Unmet:
    # Counts and near misses are defined in one place, beside the exclusions they extend.
    return unmet_of(state.compat, state, i)


#: Unmet visits explained between two looks at the deadline: every one, since one
#: explanation walks the visit's candidates and the helpers' exclusions (city 4x: 8 ms on
#: average; with a look every 32, explaining ended 2.5 s past its cut-off), a look a clock read.
_EXPLAIN_CHECK = 1
#: Of the overrun a time limit allows (5 % and a second), what explaining may use: a plan
#: whose search used its whole budget still explains what it can.
_GRACE, _GRACE_SECONDS = 0.03, 0.4


def assemble(state: PlanState, *, method: str, rule: Rule | str, seed: int, runtime: float,
             status: Status, bound: float | None, objective: float | None = None,
             dropped_pins: Sequence[DroppedPin] = (), methods: Mapping[str, int] | None = None,
             phases: Sequence[PhaseTime] = (), deadline: Deadline | None = None,
             options: SolveOptions | None = None, assembling: float = 0.0,
             cut_by_clock: bool = False) -> Result:
    """Turn a plan state into a :class:`Result`, explaining every unmet occurrence.

    With a ``deadline``, the unmet visits are explained until it passes (with a little of the
    overrun the limit allows); those left get no reasons and are counted in
    ``Result.unexplained``, so a plan says plainly that its explanations were cut short (in
    deterministic ``options`` that also marks the result ``cut_by_clock``, as does
    ``cut_by_clock`` given: the time limit, a hard cap there, ended work the work limit had
    left). ``runtime`` is then the time since
    the deadline was made (the whole solve), and ``phases`` gains ``assemble`` (with the
    ``assembling`` seconds the caller spent merging before) and ``explain``.
    """
    t0 = _time.perf_counter()
    inst, compat = state.inst, state.compat
    tz = inst.policy.timezone
    # Continuity: the resident's previous helper, or a helper kept for several visits of a need.
    pairs = Counter((state.needs[i].id, c.helper) for i, (_s, t) in state.chosen.items()
                    for c in t)
    assignments = []
    for i, (s, team) in state.chosen.items():
        o = compat.occurrences[i]
        for c in team:
            assignments.append(Assignment(
                need=o.need, date=o.date, helper=c.helper, start=from_minutes(s, tz),
                end=from_minutes(s + o.duration, tz), travel_minutes=c.travel, mode=c.mode,
                continuity=c.continuity or pairs[(o.need, c.helper)] > 1,
                locality=c.locality))
    t1 = _time.perf_counter()
    missing = [i for i in range(len(compat.occurrences)) if i not in state.chosen]
    if options is not None:
        options.report(ProgressEvent("explain", elapsed=deadline.elapsed() if deadline else 0.0))
    _LOG.info("explain: %d unmet visits", len(missing))
    budgeted = deadline is not None
    explain_by = (deadline.later(_GRACE * (options.budget if options else 0.0) + _GRACE_SECONDS)
                  if deadline is not None else None)
    unmet: list[Unmet] = []
    unexplained = 0
    for n, i in enumerate(missing):
        if budgeted and (unexplained or (n % _EXPLAIN_CHECK == 0 and explain_by is not None
                                         and explain_by.expired())):
            o = compat.occurrences[i]
            unmet.append(Unmet(o.need, o.date, ()))
            unexplained += 1
            continue
        unmet.append(_unmet(state, i))
    if unexplained:
        _LOG.warning("explain: time limit reached, %d of %d unmet visits left unexplained",
                     unexplained, len(missing))
    unmet += [Unmet(o.need, o.date, (ReasonCount(Reason.OUTSIDE_IPUS, len(inst.helpers)),))
              for o in compat.outside_ipus]
    # The build ran out of time before their candidates: unmet, with no reasons to give.
    unmet += [Unmet(o.need, o.date, ()) for o in compat.unexamined]
    if compat.unexamined:
        _LOG.warning("build: time limit reached, %d visits not examined",
                     len(compat.unexamined))
    required_missing = any(
        inst.need(u.need).required for u in unmet) or any(
        inst.need(r.need).required for r in compat.referrals)
    if required_missing and status in (Status.OPTIMAL, Status.FEASIBLE):
        status = Status.PARTIAL
    objective = state.objective() if objective is None else objective
    if not inst.needs:
        status, bound = Status.OPTIMAL, 0.0
    t2 = _time.perf_counter()
    rule_ = rule if isinstance(rule, Rule) else None
    result = Result(
        status=status, method=method, rule=rule_.name if rule_ is not None else str(rule),
        assignments=sorted(assignments, key=lambda a: (a.start, a.need, a.helper)),
        unmet=sorted(unmet, key=lambda u: (u.date, u.need)),
        referrals=sorted(compat.referrals, key=lambda r: r.need),
        covered=sorted(compat.covered, key=lambda c: (c.date, c.need)),
        objective=round(objective, 6), bound=None if bound is None else round(bound, 6),
        runtime_seconds=round(deadline.elapsed() if deadline is not None else runtime, 6),
        seed=seed, instance_name=inst.name,
        dropped_pins=sorted(dropped_pins, key=lambda d: (d.date, d.need, d.helper)),
        methods=[MethodCount(m, n) for m, n in sorted((methods or {}).items())],
        rule_stages=rule_stages(rule_) if rule_ is not None else (),
        phases=[*phases, PhaseTime("assemble", round(
            assembling + t1 - t0 + _time.perf_counter() - t2, 6)),
                PhaseTime("explain", round(t2 - t1, 6))],
        unexplained=unexplained,
        unexamined=len(compat.unexamined),
        cut_by_clock=cut_by_clock or bool(
            (unexplained or compat.unexamined) and options is not None
            and options.deterministic),
    )
    _LOG.info("done: %s, %d visits planned, %d unmet", result.status.value,
              len(result.assignments), len(result.unmet))
    return result
