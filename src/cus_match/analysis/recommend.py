"""Top-k recommendations for one new need, fitted into the current plan without moving anyone.

A coordinator on the phone with a resident asks: who could help, and when, *given the plan we
already have*? :class:`Recommender` is built once per session from an instance and its current
plan (a :class:`~cus_match.plan.result.Result`): it tabulates, per helper and date, the visits
already
planned (with their places, for travel gaps), the minutes used per helper and ISO week, the
residents each helper serves, the PUS minutes used per category, and each resident's busy times
(planned visits and formal services). :meth:`Recommender.recommend` then takes a need that is
*not* in the instance (it may name an existing resident and place), works out its visits and
eligible helpers for that one need only (the compatibility rules of :mod:`cus_match.compat`,
on tables over the helpers built once), and checks each (helper team, start) against the
busy tables. No existing assignment is ever moved.

Constraints honoured (``docs/constraints.md``): eligibility constraints 1-15 (as
:func:`~cus_match.compat.build_compat` applies them), constraint 16 (``helpers_needed`` distinct
helpers at one time, an adult among minors for personal care), 17 (the helper's other visits that
day, with the travel gap before and after), 18 (the resident's other visits and formal services), 19
(weekly minutes), 20 (``max_residents``), 21 (PUS hours), 22 (visits a formal service covers get no
option) and 23 (a need that must be referred gets none). Every option added to the plan as its
assignments passes :func:`cus_match.plan.check.check` (``tests/test_recommend.py`` checks this, and
that the options are exactly the ones an exhaustive search accepts).

**One option per team and visit.** Each :class:`Recommendation` is one team (one helper, or
``helpers_needed`` helpers) for one visit, at the team's earliest feasible start;
``other_starts`` lists every later start on the policy's grid that fits as well, so a
coordinator can offer the resident another time without asking again.

**Ranking** (per visit, deterministic), the ``fifo`` rule's secondary order after a series term:

1. ``series`` first: the team that can take the most of the need's visits *together* (same
   helpers every time, weekly hours and PUS hours added up) ranks first, so a helper who fits
   every visit ranks above one who fits only some;
2. more team members who helped the resident before (continuity);
3. more team members living in the visit's place (locality);
4. less travel (the team's total minutes from home);
5. helper ids (the sorted tuple of the team's ids), then the earlier start.

Examples
--------
>>> from cus_match import solve
>>> from cus_match.generate import generate
>>> import attrs
>>> inst = generate("tiny", seed=1)
>>> new = attrs.evolve(inst.needs[0], id="new-1", required=False)
>>> rec = Recommender(inst, solve(inst, method="greedy"))
>>> for option in rec.recommend(new, k=2):
...     print(option)
1. Thu 26.03 17:45-18:45 h-00001 (Katarzyna H.): 10 min on foot, helped this resident before,
   already visits this resident, lives there, 2.0 h left that week; also at 18:00, 18:15, 18:30
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from attrs import field, frozen

from cus_match.clock import from_minutes, iso_week

# The per-need half of compat's build, on tables over the helpers built once per session: the
# same code the solvers' candidates come from, so the two cannot drift apart
# (tests/test_recommend.py also compares it with build_compat on an instance with the need).
from cus_match.compat import (
    Candidate,
    HelperTables,
    covering_service,
    need_candidates,
    start_grid,
)
from cus_match.errors import InvalidInputError, InvalidOptionError, Problem
from cus_match.io.cells import (
    CellError,
    NameIndex,
    category_names,
    place_names,
    read_date,
    read_days,
    read_number,
    read_windows,
)
from cus_match.io.json_format import instance_digest
from cus_match.lang import MODE_BY, check_lang, day_date, number
from cus_match.model import Need, TravelMode
from cus_match.model.eligibility import outside_ipus
from cus_match.model.instance import Instance, cross_check
from cus_match.model.occurrences import FormalVisit, Occurrence, formal_visits
from cus_match.plan.references import check_result
from cus_match.plan.result import Assignment, Covered, ReasonCount, Result, Status, Unmet
from cus_match.problem_texts import ProblemCode
from cus_match.reasons import Reason

__all__ = [
    "Recommendation",
    "Recommender",
    "TeamMember",
    "Visit",
    "category_index",
    "format_recommendations",
    "load_need",
    "loads_need",
    "need_from_request",
    "place_index",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Tolerances as in cus_match.plan.check, the contract: travel gaps, weekly and PUS hours.
_EPS = 1e-6
# Teams of helpers_needed > 1 are enumerated exhaustively up to this many per visit; beyond it,
# from the best few helpers free at each start (see Recommender.recommend).
_MAX_TEAMS = 5000


# ---------------------------------------------------------------------------------------------
# Records


@frozen
class TeamMember:
    """One helper of a recommended team, with the soft terms of the pair.

    Attributes
    ----------
    helper, name : str
        The helper's id and display name (may be empty).
    travel_minutes : float
        One-way travel from the helper's home by ``mode``, the fastest allowed.
    mode : TravelMode
        How the helper gets there.
    continuity : bool
        The helper helped this resident before (``previous_helpers``).
    locality : bool
        The helper lives in the place of the visit.
    already_serves : bool
        The helper visits this resident in the current plan (for another need).
    weekly_minutes_left : float
        Minutes of the helper's weekly cap still free in the visit's ISO week *after* this
        visit.
    """

    helper: str
    name: str
    travel_minutes: float
    mode: TravelMode
    continuity: bool
    locality: bool
    already_serves: bool
    weekly_minutes_left: float


@frozen
class Recommendation:
    """One team for one visit of a new need, at its earliest feasible start.

    Attributes
    ----------
    need : str
        The new need's id.
    date : date
        The visit's local date.
    start, end : datetime
        The earliest feasible start and its end (local, with UTC offset).
    members : tuple of TeamMember
        The team, sorted by helper id (``helpers_needed`` of them).
    other_starts : tuple of datetime
        Later starts on the policy's time grid at which the same team fits too.
    series : tuple of date
        The need's visits this same team can take together, this one included (weekly and
        PUS hours added up over them).
    visits : int
        How many visits of the need want helpers (not covered by formal services, inside the
        IPUS).
    rank : int
        1 for the best option of the visit.
    lang : str
        The default language of :meth:`text`.
    """

    need: str
    date: dt.date  # not `date`: in the class body that name is this field
    start: datetime
    end: datetime
    members: tuple[TeamMember, ...]
    other_starts: tuple[datetime, ...]
    series: tuple[dt.date, ...]
    visits: int
    rank: int
    lang: str = field(default="en", converter=check_lang)

    @property
    def helpers(self) -> tuple[str, ...]:
        """The team's helper ids, sorted."""
        return tuple(m.helper for m in self.members)

    @property
    def starts(self) -> tuple[datetime, ...]:
        """Every feasible start of the team on this date, earliest first."""
        return (self.start, *self.other_starts)

    @property
    def continuity(self) -> int:
        """Team members who helped the resident before."""
        return sum(m.continuity for m in self.members)

    @property
    def locality(self) -> int:
        """Team members living in the visit's place."""
        return sum(m.locality for m in self.members)

    @property
    def travel_minutes(self) -> float:
        """The team's total one-way travel minutes."""
        return sum(m.travel_minutes for m in self.members)

    @property
    def fits_all(self) -> bool:
        """Whether the same team can take every visit of the need."""
        return len(self.series) == self.visits

    def sort_key(self) -> tuple[int, int, int, float, tuple[str, ...], datetime]:
        """The ranking key (smaller is better); see the module docstring."""
        return (-len(self.series), -self.continuity, -self.locality, self.travel_minutes,
                self.helpers, self.start)

    def assignments(self, start: datetime | None = None) -> tuple[Assignment, ...]:
        """The team's assignments to add to the plan (at ``start``, default the earliest).

        Raises
        ------
        InvalidOptionError
            When ``start`` is not one of :attr:`starts`.
        """
        if start is None:
            start = self.start
        elif start not in self.starts:
            raise InvalidOptionError(f"{start.isoformat()} is not a feasible start of this "
                                     f"option; choose one of its starts")
        # Through UTC: aware datetimes sharing a tzinfo subtract by wall clock (wrong on DST days).
        length = self.end.astimezone(UTC) - self.start.astimezone(UTC)
        end = (start.astimezone(UTC) + length).astimezone(self.start.tzinfo)
        return tuple(Assignment(need=self.need, date=self.date, helper=m.helper, start=start,
                                end=end, travel_minutes=m.travel_minutes, mode=m.mode,
                                continuity=m.continuity or len(self.series) > 1,
                                locality=m.locality)
                     for m in self.members)

    def text(self, lang: str | None = None) -> str:
        """One line for a coordinator, in ``lang`` (``"en"`` or ``"pl"``; default :attr:`lang`).

        Names the helpers by id (and display name), never the resident.
        """
        lang = check_lang(self.lang if lang is None else lang)
        t = _TEXT[lang]
        who = []
        for m in self.members:
            terms = [t["travel"].format(min=m.travel_minutes, mode=MODE_BY[lang][m.mode])]
            if m.continuity:
                terms.append(t["continuity"])
            if m.already_serves:
                terms.append(t["serves"])
            if m.locality:
                terms.append(t["locality"])
            terms.append(t["left"].format(h=number(m.weekly_minutes_left / 60, lang,
                                                   fixed=True)))
            label = f"{m.helper} ({m.name})" if m.name else m.helper
            who.append(f"{label}: {', '.join(terms)}")
        head = (f"{self.rank}. {day_date(self.date, lang)} {self.start:%H:%M}-{self.end:%H:%M} ")
        line = head + "; ".join(who)
        if self.visits > 1:
            which = "series" if len(self.members) == 1 else "team_series"
            line += "; " + t[which].format(n=len(self.series), of=self.visits)
        if self.other_starts:
            more = ", ".join(f"{s:%H:%M}" for s in self.other_starts[:6])
            if len(self.other_starts) > 6:
                more += ", …"
            line += "; " + t["also"].format(times=more)
        return line

    def __str__(self) -> str:
        return self.text()


@frozen
class Visit:
    """A visit of a new need and whether it wants helpers.

    ``status`` is ``"open"`` (helpers wanted), ``"covered"`` (a formal service meets it:
    ``detail`` is the service id), ``"outside_ipus"`` or ``"referred"`` (the need goes to formal
    services: ``detail`` is the reason code).
    """

    date: date
    status: str
    detail: str = ""


_TEXT = {
    "en": {
        "travel": "{min:.0f} min {mode}", "continuity": "helped this resident before",
        "serves": "already visits this resident", "locality": "lives there",
        "left": "{h} h left that week", "series": "the same helper fits {n} of {of} visits",
        "team_series": "the same team fits {n} of {of} visits",
        "also": "also at {times}", "none": "no helper fits this visit without moving others",
        "covered": "met by formal service {detail}", "outside_ipus": "outside the IPUS",
        "referred": "refer to formal services: {detail}", "need": "Options for need {need}",
    },
    "pl": {
        "travel": "{min:.0f} min {mode}", "continuity": "pomagał(a) już tej osobie",
        "serves": "już odwiedza tę osobę", "locality": "mieszka na miejscu",
        "left": "zostaje {h} h w tym tygodniu",
        "series": "ta sama osoba pasuje do {n} z {of} wizyt",
        "team_series": "ten sam zespół pasuje do {n} z {of} wizyt", "also": "także o {times}",
        "none": "nikt nie pasuje do tej wizyty bez przesuwania innych",
        "covered": "objęta usługą formalną {detail}", "outside_ipus": "poza okresem IPUS",
        "referred": "skierować do usług formalnych: {detail}",
        "need": "Propozycje dla potrzeby {need}",
    },
}


def _minutes(dt: datetime) -> float:
    """Absolute minutes of an aware datetime (as cus_match.plan.check reads assignments)."""
    return (dt - _EPOCH).total_seconds() / 60.0


# ---------------------------------------------------------------------------------------------
# The recommender


class _Team:
    """A team's feasible starts on one visit, and what ranks it."""

    __slots__ = ("cands", "key", "series", "starts")

    def __init__(self, cands: tuple[Candidate, ...], starts: list[int]) -> None:
        self.cands = cands
        self.starts = starts
        self.series: list[int] = []
        self.key: tuple[Any, ...] = ()


class Recommender:
    """Recommend helpers and times for new needs, fitted into one current plan.

    Parameters
    ----------
    instance : Instance
        The planning round the plan was made for.
    result : Result
        The current plan. Its assignments are taken as fixed; it is not re-verified here
        (run :func:`cus_match.plan.check.check` on it first when it was edited by hand).

    Raises
    ------
    InvalidInputError
        When an assignment names a need or helper the instance lacks (every such problem, with
        its path ``assignments[i]``).

    Examples
    --------
    >>> from cus_match import solve
    >>> from cus_match.generate import generate
    >>> from cus_match.model import Need, Recurrence, TimeWindow
    >>> inst = generate("tiny", seed=2)
    >>> rec = Recommender(inst, solve(inst, method="greedy"))
    >>> need = Need("call-1", category="companionship", duration_minutes=60,
    ...             resident=inst.residents[0].id, windows=[TimeWindow("10:00", "16:00")],
    ...             recurrence=Recurrence.weekly("tue", "thu"), applied_on="2026-03-20")
    >>> for option in rec.recommend(need, k=2, lang="pl"):
    ...     print(option)
    1. wt 24.03 10:00-11:00 h-00003 (Ewa O.): 10 min pieszo, mieszka na miejscu,
       zostaje 1,0 h w tym tygodniu; ta sama osoba pasuje do 1 z 2 wizyt;
       także o 10:15, 10:30, 10:45, 11:00
    2. wt 24.03 15:00-16:00 h-00002 (Krzysztof K.): 10 min samochodem,
       zostaje 1,0 h w tym tygodniu; ta sama osoba pasuje do 1 z 2 wizyt
    >>> [v.status for v in rec.visits(need)]
    ['open', 'open']
    """

    def __init__(self, instance: Instance, result: Result) -> None:
        inst = instance
        self.instance = inst
        self.result = result
        check_result(inst, result)
        self._tables = HelperTables(inst)
        self._tz = inst.policy.timezone
        self._step = inst.policy.time_step_minutes
        formal = formal_visits(inst)
        self._formal_on: dict[tuple[str, date], list[FormalVisit]] = defaultdict(list)
        for r, vs in formal.items():
            for v in vs:
                self._formal_on[(r, v.date)].append(v)
        self._formal_busy = {r: (np.array([v.start for v in vs], dtype=np.int64),
                                 np.array([v.end for v in vs], dtype=np.int64))
                             for r, vs in formal.items()}
        # The plan's tables: what a new visit must fit around.
        self._visits: dict[tuple[str, date], list[tuple[float, float, str]]] = defaultdict(list)
        # Minutes (floats), so no Counter (whose values are ints to a type checker); reads of a
        # missing key give 0 either way.
        self._week: defaultdict[tuple[str, tuple[int, int]], float] = defaultdict(int)
        self._serves: dict[str, set[str]] = defaultdict(set)
        self._pus: defaultdict[str, float] = defaultdict(int)
        self._resident_busy: dict[tuple[str, date], list[tuple[float, float]]] = (
            defaultdict(list))
        seen: set[tuple[str, date]] = set()
        for a in result.assignments:
            need = inst.need(a.need)
            s, e = _minutes(a.start), _minutes(a.end)
            self._visits[(a.helper, a.date)].append((s, e, inst.need_place(need)))
            self._week[(a.helper, iso_week(a.date))] += e - s
            self._pus[need.category] += e - s
            if need.resident is not None:
                self._serves[a.helper].add(need.resident)
                if (a.need, a.date) not in seen:  # a team's visit is one visit of the resident
                    seen.add((a.need, a.date))
                    self._resident_busy[(need.resident, a.date)].append((s, e))
        for planned in self._visits.values():
            planned.sort()
        self._need_ids = {n.id for n in inst.needs}
        self._ids = {
            "places": [(i, p.id) for i, p in enumerate(inst.places)],
            "residents": [(i, r.id) for i, r in enumerate(inst.residents)],
            "policy.categories": [(i, c.id) for i, c in enumerate(inst.policy.categories)],
        }

    # Input -------------------------------------------------------------------------------------
    def _validate(self, need: Need) -> None:
        if not isinstance(need, Need):
            raise InvalidOptionError(f"expected a Need, got {type(need).__name__}")
        problems = [Problem(p.path.replace("needs[0]", "need", 1), p.code, p.args) for p in
                    cross_check(self.instance.policy, [], [], [], [(0, need)], [], [],
                                ids={**self._ids, "needs": [(0, need.id)]}, has_network=True)]
        if need.id in self._need_ids:
            problems.insert(0, Problem("need.id", ProblemCode.NEED_ALREADY_IN_INSTANCE,
                                       {"id": need.id}))
        if problems:
            raise InvalidInputError(problems, source="need")

    def visits(self, need: Need) -> list[Visit]:
        """The new need's visits in the planning period, and which of them want helpers.

        Raises
        ------
        InvalidInputError
            When the need repeats an id of the instance or names an unknown resident, place or
            category, or has no visit in the period (every problem, with its path).
        """
        self._validate(need)
        return self._prepare(need)[0]

    def _prepare(self, need: Need) -> tuple[list[Visit], list[tuple[Occurrence, list[int]]],
                                            list[list[Candidate]]]:
        tables = self._tables
        occs = tables.expand(need)
        why = tables.referral(need)
        if why is not None:
            return [Visit(o.date, "referred", why.value) for o in occs], [], []
        visits: list[Visit] = []
        kept: list[tuple[Occurrence, list[int]]] = []
        busy = None if need.resident is None else self._formal_busy.get(need.resident)
        for occ in occs:
            svc = covering_service(self.instance, need, occ, self._formal_on)
            if svc is not None:
                visits.append(Visit(occ.date, "covered", svc))
            elif outside_ipus(need, occ.date):
                visits.append(Visit(occ.date, "outside_ipus", Reason.OUTSIDE_IPUS.value))
            else:
                visits.append(Visit(occ.date, "open"))
                kept.append((occ, start_grid(occ, self._step, busy)))
        cands = need_candidates(tables, need, kept, 0, {}) if kept else []
        return visits, kept, cands

    # Feasibility against the plan ------------------------------------------------------------
    def _free_starts(self, need: Need, place: str, occ: Occurrence, c: Candidate,
                     resident_ok: set[int]) -> list[int]:
        """``c``'s starts at which the helper is free (travel included) and so is the resident."""
        h = self.instance.helper(c.helper)
        d, dur = occ.date, occ.duration
        if self._week[(h.id, iso_week(d))] + dur > h.effective_weekly_minutes + _EPS:
            return []
        if (h.max_residents is not None and need.resident is not None
                and need.resident not in self._serves[h.id]
                and len(self._serves[h.id]) + 1 > h.max_residents):
            return []
        # Each visit of the helper that day rules out the starts s with
        # s + dur + travel(here -> there) > vs  and  ve + travel(there -> here) > s.
        blocked: list[tuple[float, float]] = []
        tt = self.instance.travel
        for vs, ve, vp in self._visits.get((h.id, d), ()):
            to = tt.best(place, vp, h.modes)
            back = tt.best(vp, place, h.modes)
            blocked.append((-math.inf if to is None else vs - dur - to[0] + _EPS,
                            math.inf if back is None else ve + back[0] - _EPS))
        # Visits on the neighbouring dates may not overlap either (no travel rule between them).
        for other in (d - timedelta(days=1), d + timedelta(days=1)):
            for vs, ve, _ in self._visits.get((h.id, other), ()):
                blocked.append((vs - dur, ve))
        out = []
        for s in c.starts:
            if s in resident_ok and not any(lo < s < hi for lo, hi in blocked):
                out.append(s)
        return out

    def _resident_ok(self, need: Need, occ: Occurrence, grid: list[int]) -> set[int]:
        if need.resident is None:
            return set(grid)
        busy = self._resident_busy.get((need.resident, occ.date), ())
        dur = occ.duration
        return {s for s in grid if not any(bs < s + dur and s < be for bs, be in busy)}

    def _pus_room(self, need: Need) -> float:
        """Minutes of the need's category the PUS limit still allows (``inf``: no limit)."""
        limit = self.instance.category(need.category).pus_hours_limit
        if limit is None:
            return math.inf
        return (limit + _EPS) * 60 - self._pus[need.category]

    # The recommendation ------------------------------------------------------------------------
    def recommend(self, need: Need, k: int | None = 5, lang: str = "en") -> list[Recommendation]:
        """The ``k`` best options for each visit of ``need``, fitted into the current plan.

        Parameters
        ----------
        need : Need
            A need not in the instance; its resident, place and category must exist there.
        k : int or None
            Options per visit (``None``: every feasible team; for teams of two or more helpers
            this is exhaustive and may be slow on large instances).
        lang : {"en", "pl"}
            The default language of :meth:`Recommendation.text`.

        Returns
        -------
        list of Recommendation
            By date, then rank. A visit with no option (or covered, outside the IPUS, or of a
            need to refer) has none: see :meth:`visits`.

        Raises
        ------
        InvalidInputError
            For a need that repeats an id of the instance or names unknown entities.
        InvalidOptionError
            For ``k`` not a positive integer or ``None``, or an unknown language.

        Notes
        -----
        Teams (``helpers_needed`` = m > 1) are enumerated exhaustively when a visit has at
        most 5,000 of them; beyond that, for each start, from the ``k + m - 1`` best helpers
        free then (and the ``k`` best adults, when an adult must be in the team), best by the
        ranking terms of a single helper. The ``k`` best teams under the continuity, locality,
        travel and id terms are always among them; the series term is then exact only among
        them.
        """
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise InvalidOptionError(f"k must be a positive integer or None, got {k!r}")
        lang = check_lang(lang)
        self._validate(need)
        _, kept, cands = self._prepare(need)
        if not kept:
            return []
        inst = self.instance
        m = need.helpers_needed
        place = inst.need_place(need)
        cat = inst.category(need.category)
        adult_needed = m > 1 and cat.personal_care and not inst.policy.minors_solo_personal_care
        pus_room = self._pus_room(need)
        if m * kept[0][0].duration > pus_room:
            return []
        # Per visit and helper: the feasible starts.
        free: list[dict[str, list[int]]] = []
        by_helper: list[dict[str, Candidate]] = []
        for (occ, grid), cs in zip(kept, cands, strict=True):
            ok = self._resident_ok(need, occ, grid)
            row: dict[str, list[int]] = {}
            for c in cs:
                st = self._free_starts(need, place, occ, c, ok)
                if st:
                    row[c.helper] = st
            free.append(row)
            by_helper.append({c.helper: c for c in cs if c.helper in row})
        solo_series: dict[str, int] = {}
        if m > 1:  # ranks helpers within each start's pool (see Notes)
            for h in sorted({h for row in free for h in row}):
                solo_series[h] = len(self._series(kept, free, (h,), None, pus_room, 1))
        out: list[Recommendation] = []
        for j, (occ, _) in enumerate(kept):
            teams = self._teams(j, kept, free, by_helper, m, k, adult_needed, solo_series)
            for t in teams:
                ids = tuple(c.helper for c in t.cands)
                t.series = self._series(kept, free, ids, j, pus_room, m)
                t.key = (-len(t.series), -sum(c.continuity for c in t.cands),
                         -sum(c.locality for c in t.cands), sum(c.travel for c in t.cands),
                         ids, t.starts[0])
            teams.sort(key=lambda t: t.key)
            for rank, t in enumerate(teams[:k] if k is not None else teams, start=1):
                out.append(self._record(need, occ, t, kept, rank, len(kept), lang))
        return out

    def accept(self, need: Need, option: Recommendation,
               start: datetime | None = None) -> tuple[Instance, Result]:
        """The instance with ``need`` added and the plan with ``option`` taken.

        The plan keeps every existing entry; it gains the option's assignments (at ``start``,
        default the earliest), and the need's other visits as ``unmet`` with no reason yet
        (still to arrange; outside the IPUS: with that reason) or ``covered``. Objective and
        bound are dropped (the plan is no longer the solver's) and ``optimal`` becomes
        ``feasible``. The Recommender itself is not changed: build a new one on the returned
        pair to recommend further.

        Raises
        ------
        InvalidOptionError
            When ``option`` is not for ``need``, or ``start`` is not one of its starts.
        """
        if option.need != need.id:
            raise InvalidOptionError(f"the option is for need {option.need!r}, not {need.id!r}")
        return self._with(need, option.assignments(start))

    def accept_series(self, need: Need, option: Recommendation) -> tuple[Instance, Result]:
        """Like :meth:`accept`, for every visit of :attr:`Recommendation.series` at once.

        The same team takes each visit of the series at its earliest feasible start that day
        (weekly and PUS hours over the series are what :attr:`~Recommendation.series` already
        counted), so a weekly need gets its helper every week, not only on one date.

        Raises
        ------
        InvalidOptionError
            When ``option`` is not for ``need``.
        """
        if option.need != need.id:
            raise InvalidOptionError(f"the option is for need {option.need!r}, not {need.id!r}")
        wanted = set(option.series) - {option.date}
        same = {o.date: o for o in self.recommend(need, k=None, lang=option.lang)
                if o.helpers == option.helpers and o.date in wanted}
        # Every date of the series has the team among all options: series counts only dates
        # where each member is free at a common start (see _series).
        assert set(same) == wanted
        taken = [*option.assignments(), *(a for d in sorted(same) for a in same[d].assignments())]
        return self._with(need, taken)

    def _with(self, need: Need, taken: Sequence[Assignment]) -> tuple[Instance, Result]:
        visits = self.visits(need)
        dates = {a.date for a in taken}
        outside = (ReasonCount(Reason.OUTSIDE_IPUS, len(self.instance.helpers)),)
        unmet = [Unmet(need.id, v.date, outside if v.status == "outside_ipus" else ())
                 for v in visits if v.status in ("open", "outside_ipus") and v.date not in dates]
        covered = [Covered(need.id, v.date, v.detail) for v in visits if v.status == "covered"]
        r = self.result
        inst = attrs.evolve(self.instance, needs=[*self.instance.needs, need])
        plan = attrs.evolve(
            r, status=Status.FEASIBLE if r.status is Status.OPTIMAL else r.status,
            assignments=sorted([*r.assignments, *taken],
                               key=lambda a: (a.start, a.need, a.helper)),
            unmet=sorted([*r.unmet, *unmet], key=lambda u: (u.date, u.need)),
            covered=sorted([*r.covered, *covered], key=lambda c: (c.date, c.need)),
            objective=None, bound=None, instance_digest=instance_digest(inst))
        return inst, plan

    def _teams(self, j: int, kept: list[tuple[Occurrence, list[int]]],
               free: list[dict[str, list[int]]], by_helper: list[dict[str, Candidate]],
               m: int, k: int | None, adult_needed: bool, solo: dict[str, int]) -> list[_Team]:
        row, cmap = free[j], by_helper[j]
        helpers = sorted(row)
        if m == 1:
            return [_Team((cmap[h],), row[h]) for h in helpers]
        if len(helpers) < m:
            return []
        inst = self.instance
        minor = {h: inst.helper(h).is_minor for h in helpers}
        sets = {h: set(row[h]) for h in helpers}

        def team(ids: tuple[str, ...]) -> _Team | None:
            if adult_needed and all(minor[h] for h in ids):
                return None
            common = set.intersection(*(sets[h] for h in ids))
            return _Team(tuple(cmap[h] for h in ids), sorted(common)) if common else None

        if k is None or math.comb(len(helpers), m) <= _MAX_TEAMS:
            groups: Iterable[tuple[str, ...]] = combinations(helpers, m)
        else:
            def member_key(h: str) -> tuple[int, int, int, float, str]:
                c = cmap[h]
                return (-solo[h], -c.continuity, -c.locality, c.travel, h)

            ranked = sorted(helpers, key=member_key)
            found: set[tuple[str, ...]] = set()
            for s in sorted({s for h in helpers for s in row[h]}):
                at = [h for h in ranked if s in sets[h]]
                pool = at[:k + m - 1]
                if adult_needed:
                    pool += [h for h in at if not minor[h]][:k]
                found.update(combinations(sorted(set(pool)), m))
            groups = sorted(found)
        return [t for t in map(team, groups) if t is not None]

    def _series(self, kept: list[tuple[Occurrence, list[int]]],
                free: list[dict[str, list[int]]], ids: tuple[str, ...], first: int | None,
                pus_room: float, m: int) -> list[int]:
        """Visits (indices) the team takes together: ``first`` (if given), then by date.

        Each visit uses its minutes from every member's week and ``m`` times its minutes from
        the PUS room; with every visit of equal length, taking them greedily gives the most.
        """
        inst = self.instance
        left: dict[str, dict[tuple[int, int], float]] = {h: {} for h in ids}
        room = pus_room
        order = ([first] if first is not None else []) + [
            i for i in range(len(kept)) if i != first]
        taken = []
        for i in order:
            occ = kept[i][0]
            row = free[i]
            if any(h not in row for h in ids):
                continue
            if len(ids) > 1 and not set.intersection(*(set(row[h]) for h in ids)):
                continue
            week = iso_week(occ.date)
            dur = occ.duration
            if m * dur > room:
                continue
            budgets = []
            for h in ids:
                b = left[h].get(week)
                if b is None:
                    b = (inst.helper(h).effective_weekly_minutes + _EPS
                         - self._week[(h, week)])
                budgets.append(b)
            if any(b < dur for b in budgets):
                continue
            for h, b in zip(ids, budgets, strict=True):
                left[h][week] = b - dur
            room -= m * dur
            taken.append(i)
        return sorted(taken)

    def _record(self, need: Need, occ: Occurrence, t: _Team,
                kept: list[tuple[Occurrence, list[int]]], rank: int, visits: int,
                lang: str) -> Recommendation:
        inst, tz = self.instance, self._tz
        week = iso_week(occ.date)
        members = []
        for c in t.cands:
            h = inst.helper(c.helper)
            members.append(TeamMember(
                helper=h.id, name=h.name, travel_minutes=c.travel, mode=c.mode,
                continuity=c.continuity, locality=c.locality,
                already_serves=need.resident is not None
                and need.resident in self._serves.get(h.id, ()),
                weekly_minutes_left=h.effective_weekly_minutes - self._week[(h.id, week)]
                - occ.duration))
        s0 = t.starts[0]
        return Recommendation(
            need=need.id, date=occ.date, start=from_minutes(s0, tz),
            end=from_minutes(s0 + occ.duration, tz), members=tuple(members),
            other_starts=tuple(from_minutes(s, tz) for s in t.starts[1:]),
            series=tuple(kept[i][0].date for i in t.series), visits=visits, rank=rank,
            lang=lang)


# ---------------------------------------------------------------------------------------------
# Text and files


def format_recommendations(visits: Sequence[Visit], options: Sequence[Recommendation],
                           need: str, *, lang: str = "en") -> str:
    """The options of one need by visit, as plain text for a terminal.

    Parameters
    ----------
    visits : sequence of Visit
        :meth:`Recommender.visits` of the need.
    options : sequence of Recommendation
        :meth:`Recommender.recommend` of the need.
    need : str
        The need's id, for the heading.
    lang : {"en", "pl"}
        Language.

    Examples
    --------
    >>> print(format_recommendations([Visit(date(2026, 3, 24), "covered", "s1")], [], "n9"))
    Options for need n9
      Tue 24.03: met by formal service s1
    """
    lang = check_lang(lang)
    t = _TEXT[lang]
    by_date: dict[date, list[Recommendation]] = defaultdict(list)
    for o in options:
        by_date[o.date].append(o)
    lines = [t["need"].format(need=need)]
    for v in visits:
        if v.status != "open":
            lines.append(f"  {day_date(v.date, lang)}: {t[v.status].format(detail=v.detail)}")
        elif not by_date.get(v.date):
            lines.append(f"  {day_date(v.date, lang)}: {t['none']}")
        else:
            lines += [f"  {o.text(lang)}" for o in sorted(by_date[v.date], key=lambda o: o.rank)]
    return "\n".join(lines)


def loads_need(text: str, *, source: str = "<string>") -> Need:
    """A :class:`Need` from JSON text (the object of one entry of an instance's ``needs``).

    Raises
    ------
    InvalidInputError
        With every problem found, each with its path.

    Examples
    --------
    >>> n = loads_need('{"id": "n9", "category": "shopping", "duration_minutes": 60, '
    ...                '"resident": "r1", "windows": [{"start": "09:00", "end": "12:00"}], '
    ...                '"recurrence": {"kind": "once", "date": "2026-03-24"}, '
    ...                '"applied_on": "2026-03-20"}')
    >>> n.id, n.duration_minutes
    ('n9', 60)
    """
    import json

    from cus_match.io.structure import structure_or_raise

    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidInputError([Problem("", ProblemCode.INVALID_JSON, {
            "detail": e.msg, "line": e.lineno, "column": e.colno})], source=source) from None
    return structure_or_raise(data, Need, source)


def category_index(instance: Instance) -> NameIndex:
    """The instance's categories by id, Polish and English name (see :class:`NameIndex`).

    >>> from cus_match.generate import generate
    >>> category_index(generate("tiny", seed=1)).find("zakupy")
    'shopping'
    """
    return category_names((c.id, (c.name_pl, c.name_en)) for c in instance.policy.categories)


def place_index(instance: Instance) -> NameIndex:
    """The instance's places by id and name (see :class:`NameIndex`)."""
    return place_names((p.id, (p.name,)) for p in instance.places)


def _free_id(instance: Instance, resident: str | None) -> str:
    taken = {n.id for n in instance.needs}
    stem = f"{resident or 'group'}-new"
    k = 1
    while f"{stem}-{k}" in taken:
        k += 1
    return f"{stem}-{k}"


def need_from_request(instance: Instance, *, category: str, minutes: object, hours: object,
                      resident: str | None = None, date: object = None, days: object = None,
                      place: str | None = None, helpers: object = None,
                      priority: object = None, applied_on: object = None,
                      need_id: str | None = None, today: dt.date | None = None) -> Need:
    """A new need from what a coordinator types on the phone, Polish or English.

    Every value is read the way the spreadsheets read it (:mod:`cus_match.io.cells`): the
    category by id or by its Polish or English name (any case, diacritics optional), the place
    by id or name, dates ``01.04.2026`` or ``2026-04-01``, weekdays ``pon,śr`` or ``mon,wed``,
    hours ``8-12`` or ``8:00-12:00; 14-16``, minutes ``60``.

    Parameters
    ----------
    instance : Instance
        The planning round; the need is not added to it.
    category : str
        Id or name of the category.
    minutes : str or int
        Minutes of one visit.
    hours : str
        The windows the visit may start and end in.
    resident : str, optional
        The resident's id (none: a group session at ``place``).
    date : str, optional
        A one-off visit's date; exactly one of ``date`` and ``days`` is given.
    days : str, optional
        Weekdays of a weekly need (over the whole planning period).
    place : str, optional
        Where, when not the resident's home.
    helpers, priority : str or int, optional
        Helpers per visit (default 1) and priority (default 1).
    applied_on : str, optional
        The application date (default ``today``: the order of application is the legal
        tie-break, and a call is an application).
    need_id : str, optional
        Default: ``<resident>-new-<n>``, the first not in the instance.
    today : date, optional
        Default: today in the instance's time zone.

    Returns
    -------
    Need

    Raises
    ------
    InvalidInputError
        Every problem at once, each at the option that holds it (``--category``, ...).

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> n = need_from_request(inst, resident=inst.residents[0].id, category="Zakupy",
    ...                       days="pon, śr", hours="8-12", minutes="60",
    ...                       today=dt.date(2026, 3, 20))
    >>> n.category, sorted(d.value for d in n.recurrence.days), n.windows[0].start.isoformat()
    ('shopping', ['mon', 'wed'], '08:00:00')
    >>> need_from_request(inst, category="zakpy", date="31.02.2026", hours="8-12",
    ...                   minutes="godzina")  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidInputError: request: 3 problems
      --category: unknown category 'zakpy'; did you mean 'Zakupy'?
      --minutes: 'godzina' is not a number (write e.g. 2,5 or 2.5)
      --date: '31.02.2026' is not a date in the calendar
    """
    from cus_match.io.structure import structure_or_raise

    problems: list[Problem] = []
    raw: dict[str, Any] = {}

    def read(option: str, key: str, value: object, reader: Any) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        try:
            raw[key] = reader(value)
        except CellError as e:
            problems.append(Problem(option, e.code, e.params))

    read("--category", "category", category, category_index(instance).find)
    read("--place", "place", place, place_index(instance).find)
    read("--minutes", "duration_minutes", minutes, read_number)
    read("--hours", "windows", hours, read_windows)
    read("--helpers", "helpers_needed", helpers, read_number)
    read("--priority", "priority", priority, read_number)
    read("--applied-on", "applied_on", applied_on, read_date)
    if (date is None) == (days is None):
        problems.append(Problem("--date", ProblemCode.NEED_WITHOUT_DATE_OR_DAYS))
    elif date is not None:
        read("--date", "date", date, read_date)
        if "date" in raw:
            raw["recurrence"] = {"kind": "once", "date": raw.pop("date")}
    else:
        read("--days", "days", days, read_days)
        if "days" in raw:
            raw["recurrence"] = {"kind": "weekly", "days": raw.pop("days")}
    if resident is not None:
        raw["resident"] = resident
    if problems:
        raise InvalidInputError(problems, source="request")
    if today is None:
        from zoneinfo import ZoneInfo

        today = datetime.now(ZoneInfo(instance.policy.timezone)).date()
    raw.setdefault("applied_on", today.isoformat())
    raw["id"] = need_id or _free_id(instance, resident)
    need = structure_or_raise(raw, Need, "request")
    # The request's references (resident, place, category) are checked with its options' names.
    found = [Problem(_OPTION_OF.get(p.path, p.path), p.code, p.args)
             for p in cross_check(instance.policy, [], [], [], [(0, need)], [], [],
                                  ids=_ids(instance, need), has_network=True)]
    if found:
        raise InvalidInputError(found, source="request")
    return need


_OPTION_OF = {"needs[0].resident": "--resident", "needs[0].place": "--place",
              "needs[0].category": "--category"}


def _ids(instance: Instance, need: Need) -> dict[str, list[tuple[int, str]]]:
    return {"places": [(i, p.id) for i, p in enumerate(instance.places)],
            "residents": [(i, r.id) for i, r in enumerate(instance.residents)],
            "policy.categories": [(i, c.id) for i, c in enumerate(instance.policy.categories)],
            "needs": [(0, need.id)]}


def load_need(path: str | Path) -> Need:
    """:func:`loads_need` of a file."""
    p = Path(path)
    return loads_need(p.read_text(encoding="utf-8"), source=str(p))
