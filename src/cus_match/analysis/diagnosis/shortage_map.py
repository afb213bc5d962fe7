"""The shortage map: where unmet help is, and which missing supply would meet it.

Every unmet visit of a plan — and every visit of a need referred only because no helper holds
its qualification; but not the visits outside their IPUS period, which nobody should make —
falls into a *cell*: place x category x weekday x time of day (bands: morning before 12:00,
afternoon 12:00-17:00, evening from 17:00, by where the need's earliest window starts). A cell
sums the unmet hours and says what is missing there, read from the plan's own explanations:

* the *near misses* of each unmet visit — helpers blocked by a single rule — become gaps with
  names ("2 near-miss helpers lack a valid first-aid certificate");
  :mod:`cus_match.model.eligibility`
  tells exactly which skill, language, qualification or credential each of them lacks;
* a rule that excluded *every* helper on a visit becomes a gap without names ("no helper within
  travel limit", "no helper has the skill 'lifting'").

Places are the need's place, else the resident's home. The Place model has no parent (a place
*is* the village, district or venue), so :meth:`Shortage.totals` groups by place, category,
weekday or time band, in any combination.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any

from attrs import field, frozen

from cus_match.analysis.diagnosis import words
from cus_match.clock import Weekday, format_time, minutes_of_day
from cus_match.errors import InvalidOptionError
from cus_match.lang import (
    DAY_RECURRING,
    MODE_NOUNS,
    check_lang,
    count,
    local_name,
    number,
    pick,
    plural,
)
from cus_match.model import Category, CredentialKind, Helper, Need, TravelMode
from cus_match.model.eligibility import required_qualifications
from cus_match.model.instance import Instance
from cus_match.model.occurrences import need_dates
from cus_match.plan.references import check_result
from cus_match.plan.result import Result
from cus_match.reasons import Reason

__all__ = ["Band", "Cell", "Gap", "GapKind", "Shortage", "shortage"]

#: Time-of-day bands by the hour a visit may start: morning before 12:00, afternoon 12:00-16:59,
#: evening from 17:00.
AFTERNOON_FROM = 12 * 60
EVENING_FROM = 17 * 60


class Band(enum.StrEnum):
    """Time of day: morning (before 12:00), afternoon (12:00-17:00), evening (from 17:00)."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @classmethod
    def of(cls, at: time) -> Band:
        """The band a wall-clock time falls in.

        >>> Band.of(time(11, 59)), Band.of(time(12, 0)), Band.of(time(17, 0))
        (<Band.MORNING: 'morning'>, <Band.AFTERNOON: 'afternoon'>, <Band.EVENING: 'evening'>)
        """
        m = minutes_of_day(at)
        if m < AFTERNOON_FROM:
            return cls.MORNING
        return cls.AFTERNOON if m < EVENING_FROM else cls.EVENING

    @property
    def order(self) -> int:
        """0, 1, 2 through the day."""
        return _BAND_ORDER[self]


_BAND_ORDER = {Band.MORNING: 0, Band.AFTERNOON: 1, Band.EVENING: 2}


def need_band(need: Need) -> Band:
    """The band of a need's visits: where its earliest window starts.

    A need usually has one window; when a window spans two bands (10:00-14:00), the visit can
    start in the first, and that is when a helper would have to be free.

    Examples
    --------
    >>> from cus_match.model import Need, Recurrence, TimeWindow
    >>> n = Need("n1", category="walk", duration_minutes=60, applied_on="2026-03-01",
    ...          windows=[TimeWindow("17:30", "19:00"), TimeWindow("12:00", "14:00")],
    ...          recurrence=Recurrence.weekly("sat"), resident="r1")
    >>> need_band(n).value
    'afternoon'
    """
    return Band.of(min((w.start for w in need.windows), key=minutes_of_day))


def _to_tuple(value: Iterable[str]) -> tuple[str, ...]:
    # ``converter=tuple`` itself would do, but mypy's attrs plugin cannot solve its type variable.
    return tuple(value)


class GapKind(enum.StrEnum):
    """What kind of supply is missing."""

    SKILL = "skill"
    LANGUAGE = "language"
    QUALIFICATION = "qualification"  # statutory (H9)
    CREDENTIAL = "credential"  # child protection, first aid, fitness, BHP, NNW
    AGREEMENT = "agreement"  # the agreement does not cover the category (or dates, or form)
    TRAVEL_MODE = "travel_mode"
    REACH = "reach"  # beyond the helper's travel limit
    TIME = "time"  # not available at the need's times (or absent that day)
    CAPACITY = "capacity"  # eligible but hours, other visits or residents used up
    OTHER = "other"  # vetoes, minors' rules, neighbour-service rules, PUS limit, IPUS


@frozen
class Gap:
    """One missing piece of supply in a cell.

    Parameters
    ----------
    kind : GapKind
        Skill, language, qualification, credential, ...
    value : str
        What exactly: the skill or language, the credential (``first_aid``,
        ``child_protection``, ``safety_briefing``, ...), the category the agreement misses, the
        travel mode, the need's window (``"09:00-12:00"``), the place out of reach, or the reason
        code for capacity and other gaps.
    reason : Reason
        The rule behind it.
    helpers : tuple of str
        Near-miss helpers blocked by this alone on some unmet visit of the cell, sorted.
    visits : int
        Unmet visits of the cell on which the gap shows.
    everyone : bool
        On at least one of those visits the rule excluded every helper of the instance.
    """

    kind: GapKind = field(converter=GapKind)
    value: str
    reason: Reason = field(converter=Reason)
    helpers: tuple[str, ...] = field(default=(), converter=_to_tuple)
    visits: int = 0
    everyone: bool = False

    def text(self, lang: str = "en", names: dict[str, str] | None = None) -> str:
        """The gap in one phrase (helper names from ``names``, else their ids)."""
        return _gap_text(self, check_lang(lang), names or {})


@frozen
class Cell:
    """Unmet help at one place, in one category, on one weekday, in one time band.

    Minutes are need minutes (a visit counted once); ``helper_minutes`` counts each of the
    helpers a visit needs; ``weighted_minutes`` weighs by priority, ``(1 + priority)``.
    """

    place: str
    category: str
    weekday: Weekday = field(converter=Weekday)
    band: Band = field(converter=Band)
    visits: int
    minutes: int
    helper_minutes: int
    weighted_minutes: int
    needs: tuple[str, ...]
    residents: int
    reasons: tuple[tuple[Reason, int], ...]  # main reason -> unmet visits, most first
    gaps: tuple[Gap, ...]

    @property
    def hours(self) -> float:
        """Unmet need hours."""
        return self.minutes / 60

    @property
    def key(self) -> tuple[str, str, int, int]:
        """Sort key: place, category, weekday, band."""
        return (self.place, self.category, self.weekday.number, self.band.order)


@frozen
class _Labels:
    places: dict[str, tuple[str, str]] = field(hash=False)  # id -> (name, kind)
    categories: dict[str, Category] = field(hash=False)
    helpers: dict[str, str] = field(hash=False)  # id -> display name

    def place(self, pid: str) -> str:
        return self.places.get(pid, (pid, ""))[0] or pid

    def category(self, cid: str, lang: str) -> str:
        c = self.categories.get(cid)
        return local_name(c, lang) if c is not None else cid


_AXES = ("place", "category", "weekday", "band")


@frozen
class Shortage:
    """The shortage map of a plan: unmet help by place x category x weekday x time band.

    Build it with :func:`shortage`. Cells come most unmet hours first.
    """

    cells: tuple[Cell, ...]
    labels: _Labels = field(repr=False, eq=False)
    outside_ipus: int = 0  # unmet visits left out: outside their IPUS, so not wanted then

    @property
    def visits(self) -> int:
        """Unmet visits in all cells."""
        return sum(c.visits for c in self.cells)

    @property
    def hours(self) -> float:
        """Unmet need hours in all cells."""
        return sum(c.minutes for c in self.cells) / 60

    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per cell, for tables (gaps summarised; see :meth:`gap_records`)."""
        out = []
        for c in self.cells:
            name, kind = self.labels.places.get(c.place, ("", ""))
            out.append({
                "place": c.place, "place_name": name, "place_kind": kind,
                "category": c.category, "weekday": c.weekday.value, "band": c.band.value,
                "visits": c.visits, "hours": round(c.minutes / 60, 4),
                "helper_hours": round(c.helper_minutes / 60, 4),
                "weighted_hours": round(c.weighted_minutes / 60, 4),
                "needs": len(c.needs), "residents": c.residents,
                "main_reason": c.reasons[0][0].value if c.reasons else "",
                "missing": "; ".join(f"{g.kind.value}:{g.value}" for g in c.gaps),
                "near_miss_helpers": len({h for g in c.gaps for h in g.helpers}),
            })
        return out

    def gap_records(self) -> list[dict[str, Any]]:
        """One flat record per (cell, gap): what is missing where, tidy."""
        return [
            {"place": c.place, "category": c.category, "weekday": c.weekday.value,
             "band": c.band.value, "kind": g.kind.value, "value": g.value,
             "reason": g.reason.value, "helpers": len(g.helpers),
             "helper_ids": ",".join(g.helpers), "visits": g.visits, "everyone": g.everyone,
             "cell_hours": round(c.minutes / 60, 4)}
            for c in self.cells for g in c.gaps
        ]

    def totals(self, by: Sequence[str] = ("place",)) -> list[dict[str, Any]]:
        """Unmet visits and hours summed by some of ``place``, ``category``, ``weekday``, ``band``.

        Most unmet hours first, ties by the grouping values.
        """
        bad = [b for b in by if b not in _AXES]
        if bad or not by:
            raise InvalidOptionError(f"group by one or more of {', '.join(_AXES)}; got {by!r}")
        acc: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for c in self.cells:
            k = tuple({"place": c.place, "category": c.category, "weekday": c.weekday,
                       "band": c.band}[b] for b in by)
            a = acc[k]
            a[0] += c.visits
            a[1] += c.minutes
            a[2] += c.helper_minutes
            a[3] += c.weighted_minutes

        def sort_key(kv: tuple[tuple[Any, ...], list[int]]) -> tuple[Any, ...]:
            k, a = kv
            order = tuple(x.number if isinstance(x, Weekday) else
                          x.order if isinstance(x, Band) else x for x in k)
            return (-a[1], -a[3], order)

        return [
            {**{b: str(v) for b, v in zip(by, k, strict=True)}, "visits": a[0],
             "hours": round(a[1] / 60, 4), "helper_hours": round(a[2] / 60, 4),
             "weighted_hours": round(a[3] / 60, 4)}
            for k, a in sorted(acc.items(), key=sort_key)
        ]

    def text(self, lang: str = "en", *, max_cells: int = 20, max_gaps: int = 4) -> str:
        """The shortage map for a coordinator, in English (``"en"``) or Polish (``"pl"``).

        Residents never appear; helpers appear by name (they sign agreements with the CUS).
        """
        t, nouns = pick(words.SHORTAGE, lang), pick(words.NOUNS, lang)
        if not self.cells:
            return t["none"]
        by_place = self.totals(("place",))
        head = t["head"].format(visits=count(self.visits, lang, *nouns["unmet_visit"]),
                                hours=number(self.hours, lang, fixed=True),
                                places=count(len(by_place), lang, *nouns["place_in"]))
        places = ", ".join(f"{self.labels.place(r['place'])} "
                           f"{number(r['hours'], lang, fixed=True)} h" for r in by_place[:8])
        lines = [head, t["by_place"].format(places=places)]
        for c in self.cells[:max_cells]:
            lines.append("  " + self._cell_text(c, lang, max_gaps))
        if len(self.cells) > max_cells:
            lines.append(t["more"].format(n=len(self.cells) - max_cells))
        if self.outside_ipus:
            lines.append(t["outside"].format(
                visits=count(self.outside_ipus, lang, *nouns["visit_acc"])))
        return "\n".join(lines)

    def _cell_text(self, c: Cell, lang: str, max_gaps: int) -> str:
        head = pick(words.SHORTAGE, lang)["cell"].format(
            hours=number(c.minutes / 60, lang, fixed=True),
            visits=count(c.visits, lang, *pick(words.NOUNS, lang)["visit"]),
            cat=self.labels.category(c.category, lang), place=self.labels.place(c.place),
            day=pick(DAY_RECURRING, lang)[c.weekday.number],
            band=pick(words.BANDS, lang)[c.band.value])
        parts = [g.text(lang, self.labels.helpers) for g in c.gaps[:max_gaps]]
        if not parts and c.reasons:
            parts = [c.reasons[0][0].text(lang)]
        return f"{head}: {'; '.join(parts)}"


# Building ---------------------------------------------------------------------------------

_CAPACITY = {Reason.HOURS_CAP, Reason.BUSY, Reason.MAX_RESIDENTS, Reason.NOT_ENOUGH_HELPERS}
_AGREEMENT = {Reason.NO_AGREEMENT, Reason.AGREEMENT_DATES, Reason.AGREEMENT_NOT_WRITTEN}
_CREDENTIAL_REASONS = {Reason.CHILD_PROTECTION: "child_protection",
                       Reason.SAFETY_BRIEFING: "safety_briefing",
                       Reason.ACCIDENT_INSURANCE: "accident_insurance"}


def gap_values(inst: Instance, need: Need, day: date, reason: Reason,
               helper: Helper | None = None) -> list[tuple[GapKind, str]]:
    """What supply ``reason`` says is missing for ``need`` on ``day``.

    With a ``helper`` (a near miss), exactly what that helper lacks; without, what the need
    requires.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> gap_values(inst, inst.needs[0], inst.policy.period.start, Reason.TOO_FAR)[0][0].value
    'reach'
    """
    if reason is Reason.SKILL:
        have = helper.skills if helper else frozenset()
        return [(GapKind.SKILL, s) for s in sorted(need.required_skills - have)]
    if reason is Reason.LANGUAGE:
        have = helper.languages if helper else frozenset()
        missing = sorted(need.required_languages - have)
        if missing:
            return [(GapKind.LANGUAGE, x) for x in missing]
        res = inst.resident(need.resident) if need.resident is not None else None
        if res is not None and res.languages:
            return [(GapKind.LANGUAGE, "/".join(sorted(res.languages)))]  # any one of them
        return []
    if reason is Reason.QUALIFICATION:
        have = helper.qualifications if helper else frozenset()
        return [(GapKind.QUALIFICATION, q)
                for q in sorted(required_qualifications(inst, need) - have)]
    if reason in _CREDENTIAL_REASONS:
        return [(GapKind.CREDENTIAL, _CREDENTIAL_REASONS[reason])]
    if reason is Reason.CREDENTIAL:
        return [(GapKind.CREDENTIAL, c) for c in _failing_credentials(inst, need, day, helper)]
    if reason is Reason.AGREEMENT_CATEGORY:
        return [(GapKind.AGREEMENT, need.category)]
    if reason in _AGREEMENT:
        return [(GapKind.AGREEMENT, reason.value)]
    if reason is Reason.TRAVEL_MODE and need.required_mode is not None:
        return [(GapKind.TRAVEL_MODE, need.required_mode.value)]
    if reason is Reason.TOO_FAR:
        return [(GapKind.REACH, inst.need_place(need))]
    if reason is Reason.NO_COMMON_TIME:
        return [(GapKind.TIME, ", ".join(f"{format_time(w.start)}-{format_time(w.end)}"
                                        for w in need.windows))]
    if reason is Reason.ABSENT:
        return [(GapKind.TIME, reason.value)]
    if reason in _CAPACITY:
        return [(GapKind.CAPACITY, reason.value)]
    return [(GapKind.OTHER, reason.value)]


def _failing_credentials(inst: Instance, need: Need, day: date,
                         helper: Helper | None) -> list[str]:
    wanted = inst.category(need.category).requires_credentials
    out = []
    cr = helper.credentials if helper else None
    if CredentialKind.FIRST_AID in wanted and (
            cr is None or cr.first_aid_valid_to is None or cr.first_aid_valid_to < day):
        out.append("first_aid")
    if CredentialKind.FITNESS_DECLARATION in wanted and (
            cr is None or cr.fitness_declared_on is None or cr.fitness_declared_on > day):
        out.append("fitness_declaration")
    return out


UnmetVisit = tuple[Need, date, Reason, list[tuple[GapKind, str, Reason, str | None, bool]]]


def unmet_visits(inst: Instance, result: Result) -> list[UnmetVisit]:
    n_helpers = len(inst.helpers)
    out: list[UnmetVisit] = []
    for u in result.unmet:
        if u.main_reason is Reason.OUTSIDE_IPUS:
            continue  # not wanted on that date: no helper is missing
        need = inst.need(u.need)
        gaps: list[tuple[GapKind, str, Reason, str | None, bool]] = []
        for nm in u.near_misses:
            for kind, value in gap_values(inst, need, u.date, nm.reason, inst.helper(nm.helper)):
                gaps.append((kind, value, nm.reason, nm.helper, False))
        for rc in u.reasons:
            # Helpers beyond travel reach count under too_far only, so too_far == every helper
            # means nobody is within reach; any other reason counting every helper is a rule
            # nobody passes.
            if rc.reason is Reason.NO_HELPERS or (n_helpers and rc.helpers >= n_helpers):
                for kind, value in gap_values(inst, need, u.date, rc.reason):
                    gaps.append((kind, value, rc.reason, None, True))
        out.append((need, u.date, u.main_reason or Reason.NO_HELPERS, gaps))
    for r in result.referrals:
        if r.reason is not Reason.NO_QUALIFIED_HELPER:
            continue  # professional-only needs are formal services' work, not a shortage
        need = inst.need(r.need)
        quals = required_qualifications(inst, need)
        held = set().union(*(h.qualifications for h in inst.helpers))
        missing = sorted(quals - held) or sorted(quals)
        for d in need_dates(inst, need):
            out.append((need, d, r.reason, [(GapKind.QUALIFICATION, q, Reason.QUALIFICATION,
                                             None, True) for q in missing]))
    return out


def shortage(instance: Instance, result: Result) -> Shortage:
    """The shortage map of ``result``: unmet hours by place x category x weekday x time band.

    Parameters
    ----------
    instance : Instance
        The instance the plan was made for.
    result : Result
        The plan (from :func:`cus_match.optimise.solve` or read from JSON).

    Returns
    -------
    Shortage
        Cells most unmet hours first (ties by place, category, weekday, band), each with the
        missing supply (gaps) most frequent first.

    Raises
    ------
    InvalidInputError
        When the result names needs or helpers the instance does not have (every one listed).

    Examples
    --------
    >>> from cus_match import solve
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> s = shortage(inst, solve(inst, method="greedy"))
    >>> s.visits == sum(c.visits for c in s.cells) > 0
    True
    >>> sorted(s.to_records()[0])[:4]
    ['band', 'category', 'helper_hours', 'hours']
    """
    check_result(instance, result)
    groups: dict[tuple[str, str, Weekday, Band], list[UnmetVisit]] = defaultdict(list)
    for v in unmet_visits(instance, result):
        need, day = v[0], v[1]
        groups[(instance.need_place(need), need.category, Weekday.of(day),
                need_band(need))].append(v)
    cells = [_cell(key, visits) for key, visits in groups.items()]
    cells.sort(key=lambda c: (-c.minutes, -c.weighted_minutes, c.key))
    labels = _Labels(
        places={p.id: (p.name, p.kind.value) for p in instance.places},
        categories={c.id: c for c in instance.policy.categories},
        helpers={h.id: h.name or h.id for h in instance.helpers},
    )
    left_out = sum(1 for u in result.unmet if u.main_reason is Reason.OUTSIDE_IPUS)
    return Shortage(tuple(cells), labels, left_out)


def _cell(key: tuple[str, str, Weekday, Band], visits: list[UnmetVisit]) -> Cell:
    place, category, weekday, band = key
    minutes = helper_minutes = weighted = 0
    needs: set[str] = set()
    residents: set[str] = set()
    main: Counter[Reason] = Counter()
    gap_helpers: dict[tuple[GapKind, str, Reason], set[str]] = defaultdict(set)
    gap_visits: Counter[tuple[GapKind, str, Reason]] = Counter()
    gap_everyone: set[tuple[GapKind, str, Reason]] = set()
    for need, _day, reason, gaps in visits:
        d = need.duration_minutes
        minutes += d
        helper_minutes += d * need.helpers_needed
        weighted += (1 + need.priority) * d
        needs.add(need.id)
        if need.resident is not None:
            residents.add(need.resident)
        main[reason] += 1
        for k in {(kind, value, r) for kind, value, r, _h, _e in gaps}:
            gap_visits[k] += 1
        for kind, value, r, h, everyone in gaps:
            if h is not None:
                gap_helpers[(kind, value, r)].add(h)
            if everyone:
                gap_everyone.add((kind, value, r))
    gaps_out = [Gap(k[0], k[1], k[2], tuple(sorted(gap_helpers.get(k, ()))), n,
                    k in gap_everyone) for k, n in gap_visits.items()]
    gaps_out.sort(key=lambda g: (-g.visits, not g.everyone, -len(g.helpers), g.kind.value,
                                 g.value, g.reason.value))
    return Cell(place=place, category=category, weekday=weekday, band=band,
                visits=len(visits), minutes=minutes, helper_minutes=helper_minutes,
                weighted_minutes=weighted, needs=tuple(sorted(needs)), residents=len(residents),
                reasons=tuple(sorted(main.items(), key=lambda kv: (-kv[1], kv[0].value))),
                gaps=tuple(gaps_out))


# Texts ------------------------------------------------------------------------------------

def _noun(g: Gap, lang: str) -> str | None:
    """The missing thing as a noun phrase (en; pl genitive, after "brak"), or None."""
    missing, v = pick(words.MISSING, lang), g.value
    if g.kind in (GapKind.SKILL, GapKind.LANGUAGE, GapKind.QUALIFICATION):
        return missing[g.kind.value].format(v=v)
    if g.kind is GapKind.CREDENTIAL:
        return pick(words.CREDENTIALS, lang).get(v)
    if g.kind is GapKind.AGREEMENT and g.reason is Reason.AGREEMENT_CATEGORY:
        return missing["agreement"]
    if g.kind is GapKind.TRAVEL_MODE:
        return missing["travel_mode"].format(v=pick(MODE_NOUNS, lang)[TravelMode(v)])
    return None


def _gap_text(g: Gap, lang: str, names: dict[str, str]) -> str:
    noun = _noun(g, lang)
    if noun is not None:
        case = "noun"
    elif g.kind is GapKind.REACH:
        case = "reach"
    elif g.kind is GapKind.TIME and g.reason is Reason.NO_COMMON_TIME:
        case = "time"
    else:
        case = "other"
    fill = {"noun": noun, "window": g.value, "reason": g.reason.text(lang)}
    parts = []
    n = len(g.helpers)
    who = ", ".join(names.get(h, h) for h in g.helpers[:3]) + (f" +{n - 3}" if n > 3 else "")
    if g.helpers and not g.everyone:
        lead = f"{count(n, lang, *pick(words.NOUNS, lang)['near_helper'])} ({who})"
        parts.append(lead + plural(n, lang, *pick(words.NEAR, lang)[case]).format(**fill))
    if g.everyone:
        everyone = pick(words.EVERYONE, lang)
        parts.append(everyone[case].format(**fill))
        if g.helpers:  # the same rule is all that blocks these helpers
            parts[-1] += everyone["only"].format(who=who)
    return "; ".join(parts)
