"""The independent checker: re-verify every constraint of a plan.

:func:`check` implements ``docs/constraints.md`` (constraints 1-25) from its text alone. It
shares no code with the solvers: it expands occurrences itself, converts wall-clock windows to
absolute instants itself (through :func:`cus_match.clock.local_to_minutes`) and uses only the
model, the :class:`~cus_match.model.instance.Instance` lookups and its travel table. Every test
and benchmark run calls it, so a solver bug shows up as a :class:`Violation` rather than as a
wrong plan.

Times are compared as absolute instants (minutes since the Unix epoch), never as datetimes:
two aware datetimes sharing one ``tzinfo`` compare and subtract by *wall clock* in Python, which is
wrong on the days the clocks change (01:00+01:00 to 04:00+02:00 on 2026-03-29 is 120 real
minutes, not 180).

Violation codes are :class:`~cus_match.reasons.Reason` values where one fits (their
``constraint`` is ``Reason.constraint``: ``H1`` ... ``H10``, ``quality``, ``travel``,
``subsidiarity``); the others are

==============================  ============  ==================================================
code                            constraint    meaning
==============================  ============  ==================================================
``wrong_duration``              time          ``end - start`` (real minutes) is not the duration
``wrong_travel_minutes``        travel        ``travel_minutes`` differs from the travel table
``not_fastest_mode``            travel        a faster (or tie-winning) allowed mode exists
``unknown_need``                completeness  an entry names a need the instance lacks
``unknown_helper``              completeness  an assignment names an unknown helper
``unknown_service``             completeness  a covered entry names an unknown formal service
``unknown_occurrence``          completeness  the need has no occurrence on that date
``missing_occurrence``          completeness  an occurrence is in none of the three lists
``duplicate_occurrence``        completeness  an occurrence is listed more than once
``referred_need_listed``        completeness  a need that must be referred has plan entries
``required_unmet``              completeness  a required occurrence is unmet or referred
``duplicates_formal_service``   formal        an occurrence a formal service covers is assigned
``should_be_covered``           formal        an occurrence a formal service covers is unmet
``bad_covered``                 formal        a covered entry that its service does not cover
``bad_referral``                referral      a need referred wrongly, or with a wrong reason
``missing_referral``            referral      a need that must be referred is not
``duplicate_referral``          referral      a need referred twice
==============================  ============  ==================================================
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

from attrs import frozen

from cus_match.clock import Weekday, format_time, iso_week, local_to_minutes
from cus_match.model import (
    Category,
    CredentialKind,
    FormalService,
    Helper,
    HelperKind,
    Need,
    RecurrenceKind,
    Resident,
    TimeWindow,
    TravelMode,
    WeeklyWindow,
)
from cus_match.model.instance import Instance
from cus_match.plan.result import Assignment, Result
from cus_match.reasons import Reason

__all__ = ["TOLERANCE_MINUTES", "Violation", "check"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Tolerance on float minutes (travel times, caps) when comparing with the plan's numbers.
TOLERANCE_MINUTES = 1e-6
_EPS = TOLERANCE_MINUTES
_REASON_CODES = frozenset(r.value for r in Reason)

_OTHER_CONSTRAINTS = {
    "wrong_duration": "time",
    "wrong_travel_minutes": "travel",
    "not_fastest_mode": "travel",
    "unknown_need": "completeness",
    "unknown_helper": "completeness",
    "unknown_service": "completeness",
    "unknown_occurrence": "completeness",
    "missing_occurrence": "completeness",
    "duplicate_occurrence": "completeness",
    "referred_need_listed": "completeness",
    "required_unmet": "completeness",
    "duplicates_formal_service": "formal",
    "should_be_covered": "formal",
    "bad_covered": "formal",
    "bad_referral": "referral",
    "missing_referral": "referral",
    "duplicate_referral": "referral",
}


@frozen
class Violation:
    """One broken constraint of a plan.

    Parameters
    ----------
    constraint : str
        The constraint (``"H1"`` ... ``"H10"``) or the group of practical constraints
        (``"time"``, ``"travel"``, ``"quality"``, ``"subsidiarity"``, ``"completeness"``,
        ``"formal"``, ``"referral"``).
    code : str
        A :class:`~cus_match.reasons.Reason` value where one fits, else a checker code (see the
        module docstring).
    message : str
        Plain English, naming the ids, the date and the offending values.
    need, helper : str, optional
        The need and helper concerned, when there is one.
    date : date, optional
        The occurrence's date (or the Monday of the ISO week for weekly caps).
    """

    constraint: str
    code: str
    message: str
    need: str | None = None
    helper: str | None = None
    date: date | None = None

    def __str__(self) -> str:
        return f"{self.constraint} [{self.code}] {self.message}"


def _sort_key(v: Violation) -> tuple[str, date, str, str, str, str]:
    return (v.need or "", v.date or date.min, v.helper or "", v.constraint, v.code, v.message)


def check(instance: Instance, result: Result) -> list[Violation]:
    """Every violation of ``docs/constraints.md`` by ``result`` on ``instance``; ``[]`` when valid.

    Parameters
    ----------
    instance : Instance
        The planning round the plan was made for.
    result : Result
        The plan: assignments, unmet occurrences, referrals and covered occurrences.

    Returns
    -------
    list of Violation
        Sorted by need, date, helper, constraint, code and message.

    Examples
    --------
    >>> from datetime import date, time
    >>> import attrs
    >>> from cus_match import Assignment, Instance, Result
    >>> from cus_match.clock import from_minutes, local_to_minutes
    >>> from cus_match.model import *
    >>> inst = Instance(
    ...     policy=Policy(period=DateRange("2026-03-23", "2026-03-29")),
    ...     places=[Place("a", lat=49.48, lon=22.07)],
    ...     helpers=[Helper("h1", home="a", weekly_hours_cap=3,
    ...                     availability=[WeeklyWindow("tue", "09:00", "12:00")],
    ...                     agreement=Agreement("2026-01-01", "2026-12-31", written=True,
    ...                                         categories=["shopping"]),
    ...                     credentials=Credentials(bhp_briefed_on="2026-01-05"))],
    ...     residents=[Resident("r1", home="a")],
    ...     needs=[Need("n1", category="shopping", duration_minutes=60, resident="r1",
    ...                 windows=[TimeWindow("09:00", "11:00")],
    ...                 recurrence=Recurrence.once("2026-03-24"), applied_on="2026-03-01")],
    ... )
    >>> day = date(2026, 3, 24)
    >>> visit = Assignment(
    ...     "n1", day, "h1", start=from_minutes(local_to_minutes(day, time(9, 0))),
    ...     end=from_minutes(local_to_minutes(day, time(10, 0))), travel_minutes=5.0, mode="walk")
    >>> visit.start.isoformat()
    '2026-03-24T09:00:00+01:00'
    >>> plan = Result("feasible", method="by hand", rule="none", assignments=[visit])
    >>> check(inst, plan)
    []

    The resident refuses this helper:

    >>> vetoed = attrs.evolve(inst, residents=[Resident("r1", home="a", vetoes=["h1"])])
    >>> for v in check(vetoed, plan):
    ...     print(v)
    H8 [resident_veto] helper h1 on need n1 on 2026-03-24: resident r1 refuses helper h1
    """
    return sorted(_Checker(instance, result).run(), key=_sort_key)


def _occurrence_dates(need: Need, first: date, last: date) -> list[date]:
    """The dates of ``need``'s occurrences within the period ``first..last`` (constraints.md)."""
    rec = need.recurrence
    if rec.kind is RecurrenceKind.ONCE:
        assert rec.date is not None
        return [rec.date] if first <= rec.date <= last else []
    lo = max(first, rec.start or first)
    hi = min(last, rec.end or last)
    weekdays = {d.number for d in rec.days}
    out = []
    day = lo
    while day <= hi:
        if day.weekday() in weekdays:
            out.append(day)
        day += timedelta(days=1)
    return out


def _minutes(dt: datetime) -> float:
    """Absolute minutes of an aware datetime (an instant, whatever its offset)."""
    return (dt - _EPOCH).total_seconds() / 60.0


def _window_text(w: TimeWindow | WeeklyWindow) -> str:
    return f"{format_time(w.start)}-{format_time(w.end)}"


def _not_on_or_before(name: str, value: date | None, day: date) -> str | None:
    """A problem text unless ``value`` is set and ``<= day``."""
    if value is None:
        return f"{name} is missing"
    if value > day:
        return f"{name} {value} is after {day}"
    return None


def _not_checked_before(name: str, value: date | None, day: date, same_day: bool) -> str | None:
    """A problem text unless ``value`` is set and before ``day`` (or on it, when ``same_day``)."""
    if value is None:
        return f"{name} is missing"
    if value > day or (value == day and not same_day):
        return (f"{name} {value} is not before {day} (the policy does not accept a check "
                "dated on the visit's date)" if value == day else f"{name} {value} is after {day}")
    return None


def _not_on_or_after(name: str, value: date | None, day: date) -> str | None:
    """A problem text unless ``value`` is set and ``>= day``."""
    if value is None:
        return f"{name} is missing"
    if value < day:
        return f"{name} {value} is before {day}"
    return None


@frozen
class _Visit:
    """An assignment with its instants and entities resolved."""

    a: Assignment
    need: Need
    helper: Helper | None  # None: unknown helper
    start: float
    end: float
    place: str


class _Checker:
    """One run of the checker: caches and the violations found."""

    def __init__(self, inst: Instance, result: Result) -> None:
        self.inst = inst
        self.result = result
        self.tz = inst.policy.timezone
        self.period = inst.policy.period
        self.out: list[Violation] = []
        self._instants: dict[tuple[date, time], int] = {}
        self.needs = {n.id: n for n in inst.needs}
        self.helpers = {h.id: h for h in inst.helpers}
        self.services = {s.id: s for s in inst.services}
        self.occ = {n.id: _occurrence_dates(n, self.period.start, self.period.end)
                    for n in inst.needs}
        self.occ_sets = {k: set(v) for k, v in self.occ.items()}
        self.services_of: dict[str, list[FormalService]] = defaultdict(list)
        for f in inst.services:
            for r in sorted(f.recipients):
                self.services_of[r].append(f)
        self.referred = self._expected_referrals()

    # Utilities ------------------------------------------------------------------------------
    def add(self, code: str | Reason, message: str, need: str | None = None,
            helper: str | None = None, day: date | None = None) -> None:
        code = str(code)
        constraint = (Reason(code).constraint if code in _REASON_CODES
                      else _OTHER_CONSTRAINTS[code])
        self.out.append(Violation(constraint, code, message, need, helper, day))

    def at(self, day: date, t: time) -> int:
        """Absolute minutes of wall-clock ``t`` on ``day`` (cached)."""
        key = (day, t)
        m = self._instants.get(key)
        if m is None:
            m = self._instants[key] = local_to_minutes(day, t, self.tz)
        return m

    def category(self, need: Need) -> Category:
        return self.inst.category(need.category)

    def resident(self, need: Need) -> Resident | None:
        return None if need.resident is None else self.inst.resident(need.resident)

    def _expected_referrals(self) -> dict[str, Reason]:
        """Constraint 23: the needs that must be referred, with their reason."""
        out: dict[str, Reason] = {}
        for n in self.inst.needs:
            c = self.category(n)
            quals = n.required_qualifications | c.required_qualifications
            if c.professional_only:
                out[n.id] = Reason.PROFESSIONAL_ONLY
            elif quals and not any(quals <= h.qualifications and self._matchable(h, n)
                                   for h in self.inst.helpers):
                out[n.id] = Reason.NO_QUALIFIED_HELPER
        return out

    def _matchable(self, h: Helper, n: Need) -> bool:
        """Constraint 23: an agreement for the category on a date of the need, not absent."""
        ag = h.agreement
        return ag is not None and n.category in ag.categories and any(
            ag.covers(d) and not h.is_absent(d) for d in self.occ[n.id])

    def covering_services(self, need: Need, day: date) -> list[str]:
        """Constraint 22: ids of the formal services that cover occurrence ``(need, day)``."""
        if need.resident is None:
            return []
        wd = Weekday.of(day)
        out = []
        for f in self.services_of.get(need.resident, ()):
            if need.category not in f.covered_categories:
                continue
            if day not in (f.valid or self.period):
                continue
            if any(
                max(self.at(day, fw.start), self.at(day, nw.start))
                < min(self.at(day, fw.end), self.at(day, nw.end))
                for fw in f.schedule if fw.day is wd
                for nw in need.windows
            ):
                out.append(f.id)
        return out

    # The run ---------------------------------------------------------------------------------
    def run(self) -> list[Violation]:
        visits = self._resolve_assignments()
        for v in visits:
            if v.helper is not None:
                self._per_assignment(v, v.helper)
        self._occurrence_groups(visits)
        self._helper_schedules(visits)
        self._service_spans(visits)
        self._resident_schedules(visits)
        self._pus_limits(visits)
        self._referrals()
        self._completeness(visits)
        return self.out

    def _resolve_assignments(self) -> list[_Visit]:
        visits = []
        for a in self.result.assignments:
            n = self.needs.get(a.need)
            if n is None:
                self.add("unknown_need", f"assignment of helper {a.helper} on {a.date} names "
                         f"unknown need {a.need}", a.need, a.helper, a.date)
                continue
            h = self.helpers.get(a.helper)
            if h is None:
                self.add("unknown_helper", f"assignment on need {a.need} on {a.date} names "
                         f"unknown helper {a.helper}", a.need, a.helper, a.date)
            visits.append(_Visit(a, n, h, _minutes(a.start), _minutes(a.end),
                                 self.inst.need_place(n)))
        return visits

    def _flag(self, v: _Visit, h: Helper, code: str | Reason,
              problems: list[str | None] | str) -> None:
        """Add a violation of assignment ``v`` unless ``problems`` lists none."""
        if isinstance(problems, str):
            problems = [problems]
        found = [p for p in problems if p]
        if found:
            self.add(code, f"helper {h.id} on need {v.need.id} on {v.a.date}: "
                     + "; ".join(found), v.need.id, h.id, v.a.date)

    # Constraints 1-15: each assignment on its own -------------------------------------------------
    def _per_assignment(self, v: _Visit, h: Helper) -> None:
        a, n, d = v.a, v.need, v.a.date
        c = self.category(n)
        r = self.resident(n)
        cr = h.credentials

        def flag(code: str | Reason, problems: list[str | None] | str) -> None:
            self._flag(v, h, code, problems)

        # 1. Professional-only needs are referred, never assigned.
        if c.professional_only:
            flag(Reason.PROFESSIONAL_ONLY,
                 f"category {c.id} is professional-only: the need must be referred")

        # 2. H1: child protection, unless the helper is family of the resident.
        with_minors = (n.involves_minors or c.involves_minors
                       or CredentialKind.CHILD_PROTECTION in c.requires_credentials)
        same_day = self.inst.policy.checks_on_visit_day
        if with_minors and not (r is not None and r.id in h.family_of):
            flag(Reason.CHILD_PROTECTION, [
                _not_checked_before("rsps_checked_on", cr.rsps_checked_on, d, same_day),
                _not_checked_before("krk_presented_on", cr.krk_presented_on, d, same_day),
                _not_checked_before("foreign_record_on (lived abroad recently)",
                                    cr.foreign_record_on, d, same_day)
                if cr.lived_abroad_recently else None,
            ])

        # 3. H2: the agreement (its form and 4. H3, the insurance, are measured on the span of
        # service: _service_spans).
        ag = h.agreement
        if ag is None:
            flag(Reason.NO_AGREEMENT, f"helper {h.id} has no agreement")
        else:
            if c.id not in ag.categories:
                flag(Reason.AGREEMENT_CATEGORY,
                     f"the agreement covers {sorted(ag.categories)}, not category {c.id}")
            if not ag.covers(d):
                flag(Reason.AGREEMENT_DATES,
                     f"the agreement runs {ag.valid_from}..{ag.valid_to or 'open'}")

        # 5. H5: health-and-safety briefing.
        flag(Reason.SAFETY_BRIEFING, [
            _not_checked_before("bhp_briefed_on", cr.bhp_briefed_on, d, same_day)])

        # 6. H6: a minor needs guardian consent (personal care alone: see the groups).
        if h.is_minor and not h.guardian_consent:
            flag(Reason.MINOR_CONSENT, f"helper {h.id} is a minor without guardian consent")

        # 7. H7: neighbour service.
        if h.kind is HelperKind.NEIGHBOUR_SERVICE:
            self._neighbour_rules(v, h, r)

        # 8. H8: vetoes.
        if r is not None and h.id in r.vetoes:
            flag(Reason.RESIDENT_VETO, f"resident {r.id} refuses helper {h.id}")
        if r is not None and r.id in h.vetoes_residents:
            flag(Reason.HELPER_VETO, f"helper {h.id} refuses resident {r.id}")
        if c.id in h.vetoes_categories:
            flag(Reason.HELPER_VETO, f"helper {h.id} refuses category {c.id}")

        # 9. H9: statutory qualifications.
        missing = (n.required_qualifications | c.required_qualifications) - h.qualifications
        if missing:
            flag(Reason.QUALIFICATION, f"lacks qualifications {sorted(missing)}")

        # 10. Credentials the category requires.
        flag(Reason.CREDENTIAL, [
            _not_on_or_after("first_aid_valid_to", cr.first_aid_valid_to, d)
            if CredentialKind.FIRST_AID in c.requires_credentials else None,
            _not_on_or_before("fitness_declared_on", cr.fitness_declared_on, d)
            if CredentialKind.FITNESS_DECLARATION in c.requires_credentials else None,
        ])

        # 11. Skills and languages.
        if n.required_skills - h.skills:
            flag(Reason.SKILL, f"lacks skills {sorted(n.required_skills - h.skills)}")
        if n.required_languages - h.languages:
            flag(Reason.LANGUAGE,
                 f"does not speak {sorted(n.required_languages - h.languages)}")
        if r is not None and r.languages and not (r.languages & h.languages):
            flag(Reason.LANGUAGE, f"shares no language with resident {r.id} "
                 f"({sorted(h.languages)} vs {sorted(r.languages)})")

        # 12. Travel from home: mode, limit, the minutes stated, the fastest allowed mode.
        self._travel_from_home(v, h)

        # 13. Absences.
        if h.is_absent(d):
            flag(Reason.ABSENT, f"helper {h.id} is absent on {d}")

        # 14. H10: inside the IPUS.
        if n.ipus is not None and not n.ipus.valid_from <= d <= n.ipus.valid_to:
            flag(Reason.OUTSIDE_IPUS,
                 f"IPUS {n.ipus.id} runs {n.ipus.valid_from}..{n.ipus.valid_to}")

        # 15. Times: duration, inside a window of the need and of the helper.
        span = f"{a.start.isoformat()}..{a.end.isoformat()}"
        real = v.end - v.start  # absolute: ``a.end - a.start`` is wall-clock for one tzinfo
        if abs(real - n.duration_minutes) > 1e-9:
            flag("wrong_duration",
                 f"the visit {span} lasts {real:g} real minutes, the need takes "
                 f"{n.duration_minutes}")
        if not any(self.at(d, w.start) <= v.start and v.end <= self.at(d, w.end)
                   for w in n.windows):
            flag(Reason.NO_COMMON_TIME, f"the visit {span} is outside every window of the "
                 f"need on {d} ({', '.join(_window_text(w) for w in n.windows)})")
        wd = Weekday.of(d)
        avail = [w for w in h.availability if w.day is wd]
        if not any(self.at(d, w.start) <= v.start and v.end <= self.at(d, w.end)
                   for w in avail):
            flag(Reason.NO_COMMON_TIME, f"the visit {span} is outside every availability "
                 f"window of helper {h.id} on {wd.value} "
                 f"({', '.join(_window_text(w) for w in avail) or 'none'})")

    def _neighbour_rules(self, v: _Visit, h: Helper, r: Resident | None) -> None:
        """Constraint 7 (H7)."""
        d, cr = v.a.date, h.credentials
        problems: list[str | None] = []
        if r is None:
            problems.append("the need has no resident (a group session)")
        if h.is_minor:
            problems.append(f"helper {h.id} is a minor")
        if r is not None and r.id in h.family_of:
            problems.append(f"helper {h.id} is family of resident {r.id}")
        if r is not None and h.household is not None and h.household == r.household:
            problems.append(f"helper {h.id} shares household {h.household} with resident {r.id}")
        walk = self.inst.travel.minutes(h.home, v.place, TravelMode.WALK)
        limit = self.inst.policy.neighbour_max_walk_minutes
        if walk is None:
            problems.append(f"no walking route from {h.home} to {v.place}")
        elif walk > limit:
            problems.append(f"walking from {h.home} to {v.place} takes {walk:.1f} minutes, "
                            f"more than {limit:g}")
        problems.append(_not_on_or_after("first_aid_valid_to", cr.first_aid_valid_to, d))
        problems.append(_not_on_or_before("fitness_declared_on", cr.fitness_declared_on, d))
        problems.append(_not_on_or_before("organiser_accepted_on", cr.organiser_accepted_on, d))
        if r is not None and h.id not in r.accepted_neighbours:
            problems.append(f"resident {r.id} has not accepted {h.id} as a neighbour")
        self._flag(v, h, Reason.NEIGHBOUR_RULES, problems)

    def _travel_from_home(self, v: _Visit, h: Helper) -> None:
        """Constraint 12."""
        a, n = v.a, v.need
        problems = []
        if a.mode not in h.modes:
            problems.append(f"travels by {a.mode.value}, which helper {h.id} does not have "
                            f"({', '.join(sorted(m.value for m in h.modes))})")
        if n.required_mode is not None and a.mode is not n.required_mode:
            problems.append(f"travels by {a.mode.value}, the need requires "
                            f"{n.required_mode.value}")
        if problems:
            self._flag(v, h, Reason.TRAVEL_MODE, "; ".join(problems))
        minutes = self.inst.travel.minutes(h.home, v.place, a.mode)
        if minutes is None:
            self._flag(v, h, Reason.TOO_FAR,
                 f"no route by {a.mode.value} from {h.home} to {v.place}")
        else:
            if minutes > h.max_travel_minutes:
                self._flag(v, h, Reason.TOO_FAR,
                     f"travel by {a.mode.value} from {h.home} to {v.place} takes "
                     f"{minutes:.1f} minutes, more than the helper's {h.max_travel_minutes:g}")
            if abs(a.travel_minutes - minutes) > _EPS:
                self._flag(v, h, "wrong_travel_minutes",
                     f"travel_minutes is {a.travel_minutes:g}, but {a.mode.value} from "
                     f"{h.home} to {v.place} takes {minutes:g}")
        allowed = h.modes if n.required_mode is None else h.modes & {n.required_mode}
        best = self.inst.travel.best(h.home, v.place, allowed)
        if best is not None and a.mode in allowed and best[1] is not a.mode:
            self._flag(v, h, "not_fastest_mode",
                 f"travels by {a.mode.value}, but {best[1].value} is the fastest allowed mode "
                 f"({best[0]:g} minutes; ties go to walk, bike, car, bus)")

    # Constraints 6 (personal care) and 16: the helpers of one occurrence --------------------------
    def _occurrence_groups(self, visits: list[_Visit]) -> None:
        groups: dict[tuple[str, date], list[_Visit]] = defaultdict(list)
        for v in visits:
            groups[(v.need.id, v.a.date)].append(v)
        policy = self.inst.policy
        for (nid, d), vs in groups.items():
            n = vs[0].need
            ids = [v.a.helper for v in vs]
            distinct = sorted(set(ids))
            twice = sorted(i for i, k in Counter(ids).items() if k > 1)
            what = f"need {nid} on {d}"
            if twice:
                self.add(Reason.NOT_ENOUGH_HELPERS, f"{what}: helper(s) {twice} assigned more "
                         "than once", nid, None, d)
            if len(distinct) != n.helpers_needed:
                self.add(Reason.NOT_ENOUGH_HELPERS, f"{what} has {len(distinct)} distinct "
                         f"helper(s) {distinct}, it needs exactly {n.helpers_needed}",
                         nid, None, d)
            times = sorted({(v.start, v.end) for v in vs})
            if len(times) > 1:
                spans = sorted({f"{v.a.helper} {v.a.start.isoformat()}..{v.a.end.isoformat()}"
                                for v in vs})
                self.add(Reason.NOT_ENOUGH_HELPERS, f"{what}: its helpers are not all at the "
                         f"same time ({'; '.join(spans)})", nid, None, d)
            known = [v.helper for v in vs if v.helper is not None]
            minors = sorted(h.id for h in known if h.is_minor)
            if (self.category(n).personal_care and not policy.minors_solo_personal_care
                    and minors and all(h.is_minor for h in known)):
                self.add(Reason.MINOR_PERSONAL_CARE, f"{what}: personal care by minor(s) "
                         f"{minors} with no adult helper assigned", nid, minors[0], d)

    # Constraints 17, 19, 20: each helper's schedule -----------------------------------------------
    def _helper_schedules(self, visits: list[_Visit]) -> None:
        by_helper: dict[str, list[_Visit]] = defaultdict(list)
        for v in visits:
            if v.helper is not None:
                by_helper[v.helper.id].append(v)
        for hid, vs in by_helper.items():
            h = self.helpers[hid]
            vs.sort(key=lambda v: (v.start, v.end, v.need.id, v.a.date))
            self._helper_places(h, vs)
            self._weekly_hours(h, vs)
            residents = sorted({v.need.resident for v in vs if v.need.resident is not None})
            if h.max_residents is not None and len(residents) > h.max_residents:
                self.add(Reason.MAX_RESIDENTS, f"helper {hid} serves {len(residents)} "
                         f"residents {residents}, more than max_residents {h.max_residents}",
                         None, hid, None)

    def _helper_places(self, h: Helper, vs: list[_Visit]) -> None:
        """Constraint 17: no overlap; same-date visits leave time to travel."""
        by_day: dict[date, list[_Visit]] = defaultdict(list)
        for v in vs:
            by_day[v.a.date].append(v)
        for day_visits in by_day.values():  # already sorted by start
            for i, v1 in enumerate(day_visits):
                for v2 in day_visits[i + 1:]:
                    best = self.inst.travel.best(v1.place, v2.place, h.modes)
                    t = float("inf") if best is None else best[0]
                    if v1.end + t > v2.start + _EPS:
                        self._busy_pair(h, v1, v2, t)
        # Visits on different dates may not overlap either (no travel constraint between them).
        active: list[_Visit] = []
        for v in vs:
            active = [u for u in active if u.end > v.start]
            for u in active:
                if u.a.date != v.a.date:
                    self._busy_pair(h, u, v, 0.0)
            active.append(v)

    def _busy_pair(self, h: Helper, v1: _Visit, v2: _Visit, t: float) -> None:
        first = (f"{v1.need.id} on {v1.a.date} at {v1.place} "
                 f"({v1.a.start.isoformat()}..{v1.a.end.isoformat()})")
        second = (f"{v2.need.id} on {v2.a.date} at {v2.place} "
                  f"({v2.a.start.isoformat()}..{v2.a.end.isoformat()})")
        if v2.start < v1.end:
            why = "the visits overlap"
        elif t == float("inf"):
            why = f"helper {h.id} cannot travel from {v1.place} to {v2.place} by any own mode"
        else:
            why = (f"travel from {v1.place} to {v2.place} takes {t:.1f} minutes but the gap is "
                   f"{v2.start - v1.end:g}")
        self.add(Reason.BUSY, f"helper {h.id}: visit {first} then {second}: {why}",
                 v2.need.id, h.id, v2.a.date)

    def _weekly_hours(self, h: Helper, vs: list[_Visit]) -> None:
        """Constraint 19: visit minutes per ISO week (by local date) within the cap."""
        week_minutes: dict[tuple[int, int], float] = defaultdict(float)
        for v in vs:
            week_minutes[iso_week(v.a.date)] += v.end - v.start
        cap = h.effective_weekly_minutes
        for (year, week), used in sorted(week_minutes.items()):
            if used > cap + _EPS:
                self.add(Reason.HOURS_CAP, f"helper {h.id} has {used:g} visit minutes in ISO "
                         f"week {year}-W{week:02d}, more than the cap of {cap}",
                         None, h.id, date.fromisocalendar(year, week, 1))

    # Constraints 3 and 4 (H2, H3): the span of service --------------------------------------------
    def _service_spans(self, visits: list[_Visit]) -> None:
        """Written agreement beyond 30 days of service; NNW over a service of up to 30 days.

        The span runs from the first to the last date of service under the helper's agreement:
        this plan's visits and the policy's ``prior_service`` dates the agreement covers.
        """
        dates: dict[str, set[date]] = defaultdict(set)
        first: dict[str, _Visit] = {}
        for v in sorted(visits, key=lambda v: (v.a.date, v.start, v.need.id)):
            if v.helper is not None and v.helper.agreement is not None:
                dates[v.helper.id].add(v.a.date)
                first.setdefault(v.helper.id, v)
        for ps in self.inst.policy.prior_service:
            h = self.helpers.get(ps.helper)
            if h is not None and h.agreement is not None and ps.helper in dates:
                dates[ps.helper].update(d for d in ps.dates if h.agreement.covers(d))
        if self.inst.policy.service_since_agreement:  # the agreement's first day starts it
            for hid, ds in dates.items():
                ag = self.helpers[hid].agreement
                assert ag is not None
                ds.add(ag.valid_from)
        for hid, ds in sorted(dates.items()):
            h, v = self.helpers[hid], first[hid]
            ag = h.agreement
            assert ag is not None
            lo, hi = min(ds), max(ds)
            days = (hi - lo).days + 1
            if days > 30:
                if not ag.written:
                    self._flag(v, h, Reason.AGREEMENT_NOT_WRITTEN,
                               f"service runs {lo}..{hi} ({days} days, over 30) under an "
                               "agreement not in writing")
            elif h.kind is not HelperKind.NEIGHBOUR_SERVICE:
                cr = h.credentials
                self._flag(v, h, Reason.ACCIDENT_INSURANCE, [
                    _not_on_or_after(f"nnw_valid_to (service {lo}..{hi}, {days} days)",
                                     cr.nnw_valid_to, hi),
                    None if cr.nnw_valid_from is None
                    else _not_on_or_before(f"nnw_valid_from (service {lo}..{hi})",
                                           cr.nnw_valid_from, lo)])

    # Constraint 18: each resident's day -----------------------------------------------------------
    def _resident_schedules(self, visits: list[_Visit]) -> None:
        by_resident: dict[str, set[tuple[float, float, str, date]]] = defaultdict(set)
        for v in visits:
            if v.need.resident is not None:
                by_resident[v.need.resident].add((v.start, v.end, v.need.id, v.a.date))
        for rid, spans in by_resident.items():
            ordered = sorted(spans)
            active: list[tuple[float, float, str, date]] = []
            for s, e, nid, d in ordered:
                active = [u for u in active if u[1] > s]
                for _us, _ue, unid, ud in active:
                    if (unid, ud) != (nid, d):
                        self.add(Reason.BUSY, f"resident {rid}: the visit of need {nid} on {d} "
                                 f"overlaps the visit of need {unid} on {ud}", nid, None, d)
                active.append((s, e, nid, d))
                self._formal_clash(rid, s, e, nid, d)

    def _formal_clash(self, rid: str, s: float, e: float, nid: str, d: date) -> None:
        wd = Weekday.of(d)
        for f in self.services_of.get(rid, ()):
            if d not in (f.valid or self.period):
                continue
            for w in f.schedule:
                if w.day is wd and self.at(d, w.start) < e and s < self.at(d, w.end):
                    self.add(Reason.FORMAL_CLASH, f"resident {rid}: the visit of need {nid} on {d} "
                             f"overlaps formal service {f.id} ({wd.value} {_window_text(w)})",
                             nid, None, d)

    # Constraint 21: PUS hours per category --------------------------------------------------------
    def _pus_limits(self, visits: list[_Visit]) -> None:
        used: dict[str, float] = defaultdict(float)
        for v in visits:
            used[v.need.category] += v.end - v.start
        for cid, minutes in sorted(used.items()):
            limit = self.inst.category(cid).pus_hours_limit
            if limit is not None and minutes / 60 > limit + _EPS:
                self.add(Reason.PUS_LIMIT, f"category {cid} uses {minutes / 60:g} helper-hours, "
                         f"more than its PUS limit of {limit:g}")

    # Constraint 23: referrals ---------------------------------------------------------------------
    def _referrals(self) -> None:
        seen: set[str] = set()
        for ref in self.result.referrals:
            nid = ref.need
            if nid not in self.needs:
                self.add("unknown_need", f"referral names unknown need {nid}", nid)
            elif nid in seen:
                self.add("duplicate_referral", f"need {nid} is referred more than once", nid)
            elif nid not in self.referred:
                self.add("bad_referral", f"need {nid} is referred ({ref.reason.value}) but its "
                         "category is not professional-only and some helper holds its "
                         "qualifications", nid)
            elif ref.reason is not self.referred[nid]:
                self.add("bad_referral", f"need {nid} is referred for {ref.reason.value}, the "
                         f"reason must be {self.referred[nid].value}", nid)
            seen.add(nid)
        for nid, reason in sorted(self.referred.items()):
            if nid not in seen:
                self.add("missing_referral", f"need {nid} must be referred "
                         f"({reason.value}) but is not in referrals", nid)
            if self.needs[nid].required:
                self.add("required_unmet", f"need {nid} is required but must be referred "
                         f"({reason.value})", nid)

    # Constraints 22, 24, 25: every occurrence exactly once ----------------------------------------
    def _completeness(self, visits: list[_Visit]) -> None:
        assigned = {(v.need.id, v.a.date) for v in visits}
        unmet: Counter[tuple[str, date]] = Counter()
        covered: dict[tuple[str, date], list[str]] = defaultdict(list)
        for um in self.result.unmet:
            if um.need not in self.needs:
                self.add("unknown_need", f"unmet entry names unknown need {um.need}",
                         um.need, None, um.date)
            else:
                unmet[(um.need, um.date)] += 1
        for cv in self.result.covered:
            if cv.need not in self.needs:
                self.add("unknown_need", f"covered entry names unknown need {cv.need}",
                         cv.need, None, cv.date)
            else:
                covered[(cv.need, cv.date)].append(cv.service)

        # Entries for dates that are no occurrence, or for needs that are referred.
        lists = (("assignments", sorted(assigned)), ("unmet", sorted(unmet)),
                 ("covered", sorted(covered)))
        for where, keys in lists:
            for nid, d in keys:
                if d not in self.occ_sets[nid]:
                    self.add("unknown_occurrence", f"{where} lists need {nid} on {d}, which is "
                             "not one of its occurrences in the planning period", nid, None, d)
                if nid in self.referred:
                    self.add("referred_need_listed", f"{where} lists need {nid} on {d}, but "
                             "the need must be referred", nid, None, d)

        # Covered entries: the service must exist and cover the occurrence.
        for (nid, d), service_ids in sorted(covered.items()):
            ok = set(self.covering_services(self.needs[nid], d))
            for sid in service_ids:
                if sid not in self.services:
                    self.add("unknown_service", f"need {nid} on {d} is listed as covered by "
                             f"unknown formal service {sid}", nid, None, d)
                elif sid not in ok:
                    self.add("bad_covered", f"need {nid} on {d} is listed as covered by formal "
                             f"service {sid}, which does not cover it (recipient, category, "
                             "dates and overlapping schedule)", nid, None, d)

        for n in self.inst.needs:
            if n.id in self.referred:
                continue
            for d in self.occ[n.id]:
                key = (n.id, d)
                a, u, c = int(key in assigned), unmet[key], len(covered.get(key, ()))
                what = f"need {n.id} on {d}"
                if a + u + c == 0:
                    self.add("missing_occurrence", f"{what} is in none of assignments, unmet "
                             "and covered", n.id, None, d)
                elif a + u + c > 1:
                    self.add("duplicate_occurrence", f"{what} is listed {a + u + c} times "
                             f"(assignments {a}, unmet {u}, covered {c}); it must be once",
                             n.id, None, d)
                formal = self.covering_services(n, d)
                if formal and a:
                    self.add("duplicates_formal_service", f"{what} is assigned, but formal "
                             f"service(s) {formal} already cover it", n.id, None, d)
                if formal and u:
                    self.add("should_be_covered", f"{what} is listed as unmet, but formal "
                             f"service(s) {formal} cover it: list it in covered", n.id, None, d)
                if n.required and not a and not c:
                    self.add("required_unmet", f"{what} is required but neither assigned nor "
                             "covered", n.id, None, d)
