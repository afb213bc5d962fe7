"""What if: re-solve with a change to the supply of help and measure the coverage gained.

The gain is measured on the plan itself, not on a rule's objective: the :class:`MetTotals` of a
plan are the visits, need hours and priority-weighted hours of the occurrences it assigns (a
visit counted once, however many helpers it needs). So gains compare across rules. (A group's
share of visits met, with its denominator, is :class:`cus_match.analysis.metrics.Coverage`.)
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from attrs import field, frozen

from cus_match.analysis.diagnosis import words
from cus_match.analysis.diagnosis.changes import (
    AddHelper,
    Change,
    Extend,
    Extension,
    ExtraHours,
    apply_change,
    full_credentials,
)
from cus_match.analysis.diagnosis.shortage_map import GapKind, Shortage, shortage, unmet_visits
from cus_match.clock import Weekday, iso_week, minutes_of_day
from cus_match.errors import InvalidInputError, InvalidOptionError, Problem
from cus_match.lang import check_lang, count, number, pick, plural
from cus_match.model import Agreement, Helper, Need, TravelMode, WeeklyWindow
from cus_match.model.eligibility import required_qualifications
from cus_match.model.instance import Instance
from cus_match.plan.result import Result
from cus_match.problem_texts import ProblemCode
from cus_match.reasons import Reason

__all__ = ["MetTotals", "WhatIf", "candidate_changes", "format_what_if", "met_totals",
           "suggest_changes", "what_if"]


@frozen
class MetTotals:
    """The totals of the visits a plan meets: visits, need minutes, priority-weighted minutes.

    Weighted minutes are ``(1 + priority) * duration`` per visit, as in the FIFO rule's value.
    Only what is met is counted (no denominator), so the totals of two plans of different
    instances subtract into a gain.

    >>> t = MetTotals(visits=2, minutes=90, weighted_minutes=150)
    >>> t.hours, t.weighted_hours
    (1.5, 2.5)
    """

    visits: int
    minutes: int
    weighted_minutes: int

    @property
    def hours(self) -> float:
        """Need hours met."""
        return self.minutes / 60

    @property
    def weighted_hours(self) -> float:
        """Priority-weighted hours met."""
        return self.weighted_minutes / 60


def met_totals(instance: Instance, result: Result) -> MetTotals:
    """The totals of the visits ``result`` meets, from its assignments.

    Examples
    --------
    >>> from cus_match import solve
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> c = met_totals(inst, solve(inst, method="greedy"))
    >>> c.visits >= 1 and c.hours > 0
    True
    """
    met = sorted({(a.need, a.date) for a in result.assignments})
    known = {x.id for x in instance.needs}
    problems = [Problem("assignments", ProblemCode.UNKNOWN_NEED, {"id": n})
                for n in sorted({n for n, _ in met}) if n not in known]
    if problems:
        raise InvalidInputError(problems, source="result (does it belong to this instance?)")
    minutes = weighted = 0
    for n, _d in met:
        need = instance.need(n)
        minutes += need.duration_minutes
        weighted += (1 + need.priority) * need.duration_minutes
    return MetTotals(len(met), minutes, weighted)


@frozen
class WhatIf:
    """The effect of one change: the totals met before and after re-solving with it.

    ``gain`` is in need hours; ``result`` is the re-solved plan of the changed instance.
    """

    change: Change
    before: MetTotals
    after: MetTotals
    result: Result = field(repr=False, eq=False)

    @property
    def gain(self) -> float:
        """Need hours gained (negative: lost, which a greedy can do)."""
        return (self.after.minutes - self.before.minutes) / 60

    @property
    def gain_visits(self) -> int:
        """Visits gained."""
        return self.after.visits - self.before.visits

    @property
    def gain_weighted(self) -> float:
        """Priority-weighted hours gained."""
        return (self.after.weighted_minutes - self.before.weighted_minutes) / 60

    def text(self, instance: Instance, lang: str = "en") -> str:
        """One line: the gain and the change."""
        visits = (f"{self.gain_visits:+d} "
                  f"{plural(abs(self.gain_visits), lang, *pick(words.NOUNS, lang)['visit'])}")
        head = pick(words.WHAT_IF, lang)["gain"].format(
            gain=_signed(self.gain, lang), visits=visits,
            weighted=_signed(self.gain_weighted, lang))
        return f"{head}: {self.change.describe(instance, lang)}"

    def to_record(self, instance: Instance, lang: str = "en") -> dict[str, Any]:
        """A flat record for tables."""
        check_lang(lang)
        return {
            "change": self.change.key, "kind": type(self.change).__name__,
            "description": self.change.describe(instance, lang),
            "gain_hours": round(self.gain, 4), "gain_visits": self.gain_visits,
            "gain_weighted_hours": round(self.gain_weighted, 4),
            "hours_before": round(self.before.hours, 4), "hours_after": round(self.after.hours, 4),
            "status": self.result.status.value,
        }


def _settings(result: Result, rule: str | None, method: str | None,
              seed: int | None) -> tuple[str, str, int]:
    from cus_match.optimise.solve import METHODS

    if method is None:
        method = result.method if result.method in METHODS else "auto"
    return (rule if rule is not None else result.rule, method,
            result.seed if seed is None else seed)


def what_if(
    instance: Instance,
    result: Result,
    candidates: Sequence[Change],
    *,
    rule: str | None = None,
    method: str | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
    deterministic: bool = True,
    rebase: bool = False,
) -> list[WhatIf]:
    """Re-solve with each change and rank the changes by the coverage they gain.

    Parameters
    ----------
    instance : Instance
        The instance.
    result : Result
        The current plan: the baseline the gains are measured against.
    candidates : sequence of Change
        :class:`AddHelper`, :class:`Extend` or :class:`ExtraHours` changes.
    rule, method : str, optional
        Passed to :func:`cus_match.optimise.solve`; default the ``result``'s own (``auto`` when its
        method is not a :func:`~cus_match.optimise.solve` method).
    time_limit : float, optional
        Seconds per solve.
    seed : int, optional
        Default the ``result``'s seed.
    deterministic : bool
        Reproducible CP-SAT search (the greedy always is).
    rebase : bool
        Re-solve the unchanged instance with the same settings and measure gains against that
        instead of ``result`` (use it when ``result`` came from other settings).

    Returns
    -------
    list of WhatIf
        Most need hours gained first; ties by weighted hours, visits, then the change's key.
        ``what_if(...)[k].gain`` equals the need hours met by
        ``solve(apply_change(instance, change), ...)`` minus those of the baseline.

    Raises
    ------
    InvalidInputError
        Every problem of every change (paths ``candidates[k].change...``), before any solve.

    Examples
    --------
    >>> from cus_match import solve
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> base = solve(inst, method="greedy")
    >>> [w] = what_if(inst, base, [Extend([inst.helpers[0].id], "skill", "lifting")])
    >>> w.gain >= 0 and w.after.visits >= w.before.visits
    True
    """
    from cus_match.optimise.solve import solve

    rule, method, seed = _settings(result, rule, method, seed)
    changed: list[Instance] = []
    problems: list[Problem] = []
    for k, change in enumerate(candidates):
        try:
            changed.append(apply_change(instance, change))
        except InvalidInputError as e:
            problems += [Problem(f"candidates[{k}].{p.path}", p.code, p.args)
                         for p in e.problems]
    if problems:
        raise InvalidInputError(problems, source="what_if candidates")

    def run(inst: Instance) -> Result:
        return solve(inst, rule=rule, method=method, time_limit=time_limit, seed=seed,
                     deterministic=deterministic)

    base = run(instance) if rebase else result
    before = met_totals(instance, base)
    out = []
    for change, inst in zip(candidates, changed, strict=True):
        r = run(inst)
        out.append(WhatIf(change, before, met_totals(inst, r), r))
    order = sorted(range(len(out)), key=lambda i: (
        -(out[i].after.minutes - before.minutes),
        -(out[i].after.weighted_minutes - before.weighted_minutes),
        -out[i].gain_visits, out[i].change.key, i))
    return [out[i] for i in order]


# Proposals --------------------------------------------------------------------------------

_EXTENSIBLE = {GapKind.CREDENTIAL: Extension.CREDENTIAL, GapKind.SKILL: Extension.SKILL,
               GapKind.QUALIFICATION: Extension.QUALIFICATION}


#: Weekly hours of a recruit when the instance has no helpers to take the typical offer from.
_DEFAULT_RECRUIT_HOURS = 10.0


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def _recruit(inst: Instance, place: str, category: str, visits: list[tuple[Need, date]],
             taken: set[str]) -> AddHelper:
    """A helper living at ``place`` who meets every requirement of the unmet visits there."""
    by_day: dict[Weekday, list[tuple[int, int]]] = defaultdict(list)
    week_minutes: Counter[tuple[int, int]] = Counter()
    skills: set[str] = set()
    quals: set[str] = set()
    langs = {"pl"}
    modes = {TravelMode.WALK}
    for need, day in visits:
        by_day[Weekday.of(day)] += [(minutes_of_day(w.start), minutes_of_day(w.end))
                                    for w in need.windows]
        week_minutes[iso_week(day)] += need.duration_minutes
        skills |= need.required_skills
        quals |= required_qualifications(inst, need)
        langs |= need.required_languages
        if need.required_mode is not None:
            modes.add(need.required_mode)
    for need, _day in sorted(visits, key=lambda v: (v[0].id, v[1])):
        res = inst.resident(need.resident) if need.resident is not None else None
        if res is not None and res.languages and not res.languages & langs:
            langs.add(min(res.languages))
    availability = [WeeklyWindow(d, _hhmm(a), _hhmm(b))
                    for d in sorted(by_day, key=lambda d: d.number) for a, b in _merge(by_day[d])]
    # Enough weekly hours for the busiest week of unmet visits, rounded up to a half hour, but
    # no more than the instance's typical helper offers: a recruit like the helpers it has.
    caps = sorted(h.effective_weekly_minutes for h in inst.helpers)
    typical = caps[len(caps) // 2] / 60 if caps else _DEFAULT_RECRUIT_HOURS
    cap = max(1.0, min(math.ceil(max(week_minutes.values()) / 30) / 2,
                       math.ceil(typical * 2) / 2))
    base = f"recruit-{place}-{category}"[:120]
    hid, n = base, 1
    while hid in taken:
        n += 1
        hid = f"{base}-{n}"
    taken.add(hid)
    period = inst.policy.period
    return AddHelper(Helper(
        hid, home=place, weekly_hours_cap=cap, availability=availability,
        agreement=Agreement(period.start, written=True, categories=[category]),
        modes=modes, skills=skills, languages=langs, qualifications=quals,
        credentials=full_credentials(period.start, period.end)))


def candidate_changes(
    instance: Instance,
    result: Result,
    *,
    max_candidates: int = 10,
    max_helpers: int = 5,
    diagnosis: Shortage | None = None,
) -> list[Change]:
    """Changes worth trying, read from the shortage map (not yet evaluated).

    Three kinds, taken in turn (one of each, then the next of each) until ``max_candidates``:

    * recruit one helper at each place with most unmet hours in a category: living there, with
      the skills, languages, qualifications and travel modes the unmet needs require, every
      credential, weekly windows covering the unmet visits' windows on their weekdays, and the
      weekly hours of the busiest week of those visits, at most the median helper's cap;
    * extend a credential, skill or qualification (or the agreement's categories) that blocks
      near-miss helpers — most unmet visits first — to up to ``max_helpers`` of them (languages
      and travel modes are not proposed: they are not a training away);
    * more weekly hours for near-miss helpers whose cap is used up.

    Examples
    --------
    >>> from cus_match import solve
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> changes = candidate_changes(inst, solve(inst, method="greedy"))
    >>> type(changes[0]).__name__
    'AddHelper'
    """
    if max_candidates < 0 or max_helpers < 1:
        raise InvalidOptionError(f"need max_candidates >= 0 and max_helpers >= 1, got "
                                 f"{max_candidates} and {max_helpers}")
    diag = diagnosis if diagnosis is not None else shortage(instance, result)
    # Recruits: unmet visits grouped by (place, category), most unmet minutes first.
    groups: dict[tuple[str, str], list[tuple[Need, date]]] = defaultdict(list)
    for need, day, _reason, _gaps in unmet_visits(instance, result):
        groups[(instance.need_place(need), need.category)].append((need, day))

    def group_key(kv: tuple[tuple[str, str], list[tuple[Need, date]]]) -> tuple[Any, ...]:
        (place, cat), vs = kv
        return (-sum(n.duration_minutes for n, _ in vs),
                -sum((1 + n.priority) * n.duration_minutes for n, _ in vs), place, cat)

    taken = {h.id for h in instance.helpers}
    recruits: list[Change] = [_recruit(instance, p, c, vs, taken)
                              for (p, c), vs in sorted(groups.items(), key=group_key)]

    # Extensions and extra hours: near-miss gaps summed over cells.
    ext_visits: Counter[tuple[Extension, str]] = Counter()
    ext_helpers: dict[tuple[Extension, str], Counter[str]] = defaultdict(Counter)
    cap_minutes: Counter[str] = Counter()
    for cell in diag.cells:
        for g in cell.gaps:
            if not g.helpers:
                continue
            if g.kind in _EXTENSIBLE or g.reason is Reason.AGREEMENT_CATEGORY:
                key = (_EXTENSIBLE.get(g.kind, Extension.CATEGORY), g.value)
                ext_visits[key] += g.visits
                ext_helpers[key].update(g.helpers)
            elif g.reason is Reason.HOURS_CAP:
                for h in g.helpers:
                    cap_minutes[h] += cell.minutes * g.visits // cell.visits
    extensions: list[Change] = []
    for key in sorted(ext_visits, key=lambda k: (-ext_visits[k], -len(ext_helpers[k]),
                                                 k[0].value, k[1])):
        ranked = sorted(ext_helpers[key].items(), key=lambda kv: (-kv[1], kv[0]))
        extensions.append(Extend([h for h, _ in ranked[:max_helpers]], key[0], key[1]))
    weeks = max(1, math.ceil(instance.policy.period.days / 7))
    hours: list[Change] = []
    if cap_minutes:
        ranked_h = sorted(cap_minutes.items(), key=lambda kv: (-kv[1], kv[0]))[:max_helpers]
        per_week = sum(m for _, m in ranked_h) / weeks / len(ranked_h)
        hours.append(ExtraHours([h for h, _ in ranked_h], max(1, math.ceil(per_week / 60))))

    out: list[Change] = []
    seen: set[str] = set()
    for i in range(max(len(recruits), len(extensions), len(hours))):
        for pool in (recruits, extensions, hours):
            if i < len(pool) and pool[i].key not in seen and len(out) < max_candidates:
                seen.add(pool[i].key)
                out.append(pool[i])
    return out


def suggest_changes(
    instance: Instance,
    result: Result,
    *,
    top: int = 5,
    max_candidates: int = 10,
    rule: str | None = None,
    method: str | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
    deterministic: bool = True,
) -> list[WhatIf]:
    """Propose changes from the shortage map and evaluate them: whom to recruit or train.

    Runs :func:`candidate_changes` then :func:`what_if` (same settings for every solve) and
    keeps the ``top`` changes that gain coverage (need hours or weighted hours); a change that
    gains nothing is not a suggestion.

    Examples
    --------
    >>> from cus_match import solve
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> best = suggest_changes(inst, solve(inst, method="greedy"), top=2)
    >>> len(best) <= 2 and all(w.gain > 0 or w.gain_weighted > 0 for w in best)
    True
    """
    if top < 0:
        raise InvalidOptionError(f"top must be >= 0, got {top}")
    changes = candidate_changes(instance, result, max_candidates=max_candidates)
    ranked = what_if(instance, result, changes, rule=rule, method=method,
                     time_limit=time_limit, seed=seed, deterministic=deterministic)
    return [w for w in ranked if w.gain > 0 or w.gain_weighted > 0][:top]


def format_what_if(instance: Instance, whatifs: Sequence[WhatIf], lang: str = "en") -> str:
    """The evaluated changes as text, best first, for a coordinator.

    Examples
    --------
    >>> from cus_match import solve
    >>> from cus_match.generate import generate
    >>> inst = generate("tiny", seed=1)
    >>> plan = solve(inst, method="greedy")
    >>> print(format_what_if(inst, suggest_changes(inst, plan, top=1), "pl"))
    ... # doctest: +ELLIPSIS
    Co jeśli (teraz pokryte: 1,0 h, 1 wizyta):
      1. +... h (...): ...
    """
    t = pick(words.WHAT_IF, lang)
    if not whatifs:
        return t["none"]
    before = whatifs[0].before
    head = t["head"].format(hours=number(before.hours, lang, fixed=True),
                            visits=count(before.visits, lang,
                                         *pick(words.NOUNS, lang)["visit"]))
    return "\n".join([head, *(f"  {k}. {w.text(instance, lang)}"
                              for k, w in enumerate(whatifs, 1))])


def _signed(x: float, lang: str) -> str:
    """Hours gained with their sign: ``+2,0``, ``-0,5``, ``+0,0``."""
    return ("+" if x >= 0 else "") + number(x, lang, fixed=True)
