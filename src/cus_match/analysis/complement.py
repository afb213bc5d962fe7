"""Where formal services leave gaps, and what volunteers covered there.

For every resident who receives a formal service in the period, each visit of their needs that
the service does not cover is a *gap visit*, classed by when it falls: ``weekend`` (Saturday or
Sunday), ``evening`` (starting at 17:00 or later) or ``daytime`` (a weekday outside the
service's reach). Each is met by volunteers (with their ids) or unmet (with the main reason).
Visits the service covers are counted too, so a coordinator sees both sides.

Examples
--------
>>> from cus_match.generate import demo_instance
>>> from cus_match.optimise.solve import solve
>>> inst = demo_instance()
>>> gaps = formal_gaps(inst, solve(inst, method="greedy"))
>>> sorted({g.kind for g in gaps.visits}) <= ["daytime", "evening", "weekend"]
True
>>> print(gaps.text("en").splitlines()[0])  # doctest: +ELLIPSIS
Formal services cover ... visits of ... residents; the gaps they leave:
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from attrs import frozen

from cus_match.lang import count, pick
from cus_match.model.instance import Instance
from cus_match.plan.result import Result

__all__ = ["FormalGaps", "GapVisit", "formal_gaps"]

EVENING = 17 * 60


@frozen
class GapVisit:
    """One visit of a formally served resident that no formal service covers."""

    resident: str
    need: str
    date: date
    kind: str  # weekend | evening | daytime
    helpers: tuple[str, ...]  # empty: unmet
    reason: str | None  # main reason when unmet


@frozen
class FormalGaps:
    """Gap visits and covered visits of the residents who receive formal services."""

    residents: tuple[str, ...]
    covered: int
    visits: tuple[GapVisit, ...]

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per kind: (visits met by volunteers, visits unmet)."""
        met: Counter[str] = Counter()
        unmet: Counter[str] = Counter()
        for v in self.visits:
            (met if v.helpers else unmet)[v.kind] += 1
        return {k: (met[k], unmet[k]) for k in ("weekend", "evening", "daytime")}

    def text(self, lang: str = "en") -> str:
        """A short summary in Polish or English."""
        t = pick(_TEXT, lang)
        lines = [t["head"].format(visits=count(self.covered, lang, *t["visits"]),
                                  residents=count(len(self.residents), lang, *t["residents"]))]
        lines += [t["row"].format(kind=t[k], met=m, unmet=u)
                  for k, (m, u) in self.counts().items()]
        return "\n".join(lines)


_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "head": "Formal services cover {visits} of {residents}; the gaps they leave:",
        "visits": ("visit", "visits"), "residents": ("resident", "residents"),
        "row": "  {kind}: {met} met by volunteers, {unmet} unmet",
        "weekend": "weekend", "evening": "evening", "daytime": "daytime",
    },
    "pl": {
        "head": "Usługi formalne pokrywają {visits} u {residents}; luki wypełniane przez "
                "wolontariuszy:",
        "visits": ("wizytę", "wizyty", "wizyt"), "residents": ("osoby", "osób", "osób"),
        "row": "  {kind}: {met} zapewnione, {unmet} bez pomocy",
        "weekend": "weekendy", "evening": "wieczory", "daytime": "dni robocze",
    },
}


def _kind(day: date, start_minute: int) -> str:
    if day.weekday() >= 5:
        return "weekend"
    return "evening" if start_minute >= EVENING else "daytime"


def formal_gaps(instance: Instance, result: Result) -> FormalGaps:
    """The visits formal services leave to volunteers, and what became of them.

    Parameters
    ----------
    instance : Instance
        The instance planned.
    result : Result
        Its plan.

    Returns
    -------
    FormalGaps
    """
    served = sorted({r for s in instance.services for r in s.recipients})
    mine = set(served)
    covered = sum(1 for c in result.covered if instance.need(c.need).resident in mine)
    teams: dict[tuple[str, date], list[str]] = {}
    starts: dict[tuple[str, date], datetime] = {}
    for a in result.assignments:
        teams.setdefault((a.need, a.date), []).append(a.helper)
        starts.setdefault((a.need, a.date), a.start)
    visits = []
    for (nid, day), team in sorted(teams.items()):
        resident = instance.need(nid).resident
        if resident in mine:
            at = starts[(nid, day)]
            visits.append(GapVisit(resident, nid, day, _kind(day, at.hour * 60 + at.minute),
                                   tuple(sorted(team)), None))
    for u in result.unmet:
        need = instance.need(u.need)
        if need.resident in mine:
            first = min(w.start for w in need.windows)
            # An unmet entry read from a plan file may list no reasons.
            reason = u.main_reason.value if u.main_reason is not None else None
            visits.append(GapVisit(need.resident, u.need, u.date,
                                   _kind(u.date, first.hour * 60 + first.minute), (), reason))
    visits.sort(key=lambda v: (v.date, v.resident or "", v.need))
    return FormalGaps(tuple(served), covered, tuple(visits))
