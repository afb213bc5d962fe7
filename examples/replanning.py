"""A planning round and a re-plan mid-week: a volunteer falls ill, an urgent request arrives.

Gmina Zarszyn. On Monday the coordinator confirms the week's plan with the volunteers and the
residents. On Tuesday evening two things happen: Ewa falls ill for the rest of the week, and an
urgent request comes in (an escort on Thursday, priority 3). The data and the printed plan say
only that Ewa is *unavailable* from Wednesday: why is her health, which a plan shared with other
volunteers must not reveal (RODO art. 9). The coordinator re-plans:

* **repair** — keep every confirmed visit that still can happen (``pinned``), drop the others
  with a reason, and change as little as possible (``rule="repair"`` against the first plan);
* versus **from scratch** — solve the changed week anew (``rule="fifo"``) and count how many
  confirmed visits that would overturn: people already told "Grzegorz comes on Wednesday"
  would hear otherwise.

Run::

    python examples/replanning.py --lang pl
    python examples/replanning.py --lang en
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import NamedTuple

import attrs

from cus_match import solve
from cus_match.model import (
    Agreement,
    Credentials,
    DateRange,
    Helper,
    Need,
    Place,
    PlaceKind,
    Policy,
    Recurrence,
    Resident,
    TimeWindow,
    TravelEdge,
    WeeklyWindow,
)
from cus_match.model.instance import Instance
from cus_match.plan.check import check
from cus_match.plan.result import Result
from cus_match.report.text import format_plan

WEEK = DateRange("2026-04-13", "2026-04-19")  # Monday to Sunday
AWAY_FROM = DateRange("2026-04-15", "2026-04-19")  # Ewa is unavailable from Wednesday

T = {
    "pl": {
        "title": "Gmina Zarszyn: plan tygodnia i zmiana planu w połowie tygodnia",
        "first": "PONIEDZIAŁEK: PLAN ZATWIERDZONY Z WOLONTARIUSZAMI ({n} wizyt)",
        "news": "WTOREK WIECZOREM: {who} jest niedostępna od środy; pilne zgłoszenie {need} "
                "(priorytet {prio}, czwartek).",
        "repair": "ZMIANA PLANU: zatwierdzone wizyty zostają, zmieniamy tylko to, co trzeba",
        "dropped": "Zatwierdzone wizyty, których nie da się utrzymać:",
        "dropped_row": "  {day} {need} ({res}) — {who}: {why}",
        "changes": "Zmienione zatwierdzone wizyty: {n}",
        "added": "Nowe lub przejęte wizyty:",
        "moved": "Zatwierdzone wizyty, które plan od nowa odbiera zdrowym wolontariuszom:",
        "row": "  {day} {need} ({res}) — {who}",
        "none": "  (brak)",
        "scratch": "DLA PORÓWNANIA: PLAN OD NOWA (reguła fifo, bez przypięcia)",
        "compare": "Zmiany zatwierdzonych wizyt: naprawa {repair}, plan od nowa {scratch}.",
        "check": "KONTROLA PLANÓW",
        "ok": "  Niezależna kontrola: wszystkie trzy plany spełniają wszystkie wymogi.",
        "bad": "  Naruszenia wymogów ({n}):",
    },
    "en": {
        "title": "Gmina Zarszyn: a week's plan and a re-plan mid-week",
        "first": "MONDAY: THE PLAN CONFIRMED WITH THE VOLUNTEERS ({n} visits)",
        "news": "TUESDAY EVENING: {who} is unavailable from Wednesday; urgent request {need} "
                "(priority {prio}, Thursday).",
        "repair": "RE-PLAN: confirmed visits stay, change only what must change",
        "dropped": "Confirmed visits that cannot be kept:",
        "dropped_row": "  {day} {need} ({res}) — {who}: {why}",
        "changes": "Confirmed visits changed: {n}",
        "added": "New or taken-over visits:",
        "moved": "Confirmed visits the fresh plan takes away from healthy volunteers:",
        "row": "  {day} {need} ({res}) — {who}",
        "none": "  (none)",
        "scratch": "FOR COMPARISON: A FRESH PLAN (rule fifo, nothing pinned)",
        "compare": "Confirmed visits changed: repair {repair}, fresh plan {scratch}.",
        "check": "PLAN CHECKS",
        "ok": "  Independent check: all three plans meet every constraint.",
        "bad": "  Constraint violations ({n}):",
    },
}
DAYS = {"pl": ("pon", "wt", "śr", "czw", "pt", "sob", "nd"),
        "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def build_instance() -> Instance:
    """The week as planned on Monday."""
    village = PlaceKind.VILLAGE
    places = [
        Place("zarszyn", "Zarszyn", village, lat=49.579, lon=22.011),
        Place("bazanowka", "Bażanówka", village, lat=49.598, lon=22.027),
        Place("jacmierz", "Jaćmierz", village, lat=49.617, lon=22.044),
        Place("odrzechowa", "Odrzechowa", village, lat=49.573, lon=21.966),
        Place("nowosielce", "Nowosielce", village, lat=49.553, lon=21.944),
    ]
    roads = [
        TravelEdge("zarszyn", "bazanowka", {"walk": 40, "bike": 14, "car": 6}),
        TravelEdge("bazanowka", "jacmierz", {"walk": 45, "bike": 15, "car": 7}),
        TravelEdge("zarszyn", "jacmierz", {"walk": 70, "bike": 25, "car": 10}),
        TravelEdge("zarszyn", "odrzechowa", {"walk": 55, "bike": 18, "car": 8}),
        TravelEdge("odrzechowa", "nowosielce", {"walk": 60, "bike": 20, "car": 9}),
    ]

    def agreement(*categories: str) -> Agreement:
        return Agreement("2026-01-01", written=True, categories=categories)

    briefed = Credentials(bhp_briefed_on="2026-01-15")
    usual = agreement("companionship", "shopping", "digital_help")
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    helpers = [
        Helper("ewa", home="jacmierz", name="Ewa N.", weekly_hours_cap=6,
               modes=["walk", "car"], agreement=usual, credentials=briefed,
               availability=[WeeklyWindow(d, "09:00", "13:00") for d in weekdays]),
        Helper("grzegorz", home="jacmierz", name="Grzegorz O.", weekly_hours_cap=3,
               modes=["walk", "car"], agreement=usual, credentials=briefed,
               availability=[WeeklyWindow("wed", "09:00", "13:00")]),
        Helper("henryk", home="odrzechowa", name="Henryk U.", weekly_hours_cap=5,
               modes=["car"], agreement=usual, credentials=briefed,
               availability=[WeeklyWindow(d, "09:00", "13:00") for d in weekdays]),
        Helper("irena", home="zarszyn", name="Irena F.", weekly_hours_cap=4,
               modes=["walk", "bike"], agreement=usual, credentials=briefed,
               availability=[WeeklyWindow(d, "09:00", "13:00") for d in ("tue", "thu")]),
        Helper("jolanta", home="nowosielce", name="Jolanta C.", weekly_hours_cap=4,
               modes=["walk", "car"], agreement=agreement("escort", "transport", "shopping"),
               credentials=briefed,
               availability=[WeeklyWindow(d, "08:00", "14:00") for d in ("mon", "thu")]),
    ]
    residents = [
        # Ewa has visited r-01 for months: the plan keeps them together (continuity).
        Resident("r-01", home="jacmierz", previous_helpers=["ewa"]),
        Resident("r-02", home="bazanowka"),
        Resident("r-03", home="zarszyn", previous_helpers=["irena"]),
        Resident("r-04", home="odrzechowa"),
        Resident("r-05", home="nowosielce"),
    ]

    def need(nid: str, resident: str, category: str, minutes: int, window: tuple[str, str],
             days: tuple[str, ...], applied: str) -> Need:
        return Need(nid, resident=resident, category=category, duration_minutes=minutes,
                    windows=[TimeWindow(*window)], recurrence=Recurrence.weekly(*days),
                    applied_on=applied)

    needs = [
        need("comp-01", "r-01", "companionship", 60, ("10:00", "11:00"), ("mon", "wed", "fri"),
             "2026-01-12"),
        need("shop-02", "r-02", "shopping", 60, ("10:00", "11:00"), ("wed",), "2026-01-19"),
        need("shop-03", "r-03", "shopping", 90, ("09:00", "12:00"), ("tue", "thu"),
             "2026-01-26"),
        need("digital-04", "r-04", "digital_help", 60, ("10:00", "12:00"), ("thu",),
             "2026-02-02"),
        need("shop-05", "r-05", "shopping", 60, ("09:00", "12:00"), ("mon",), "2026-02-09"),
    ]
    return Instance(policy=Policy(period=WEEK), places=places, helpers=helpers,
                    residents=residents, needs=needs, travel_edges=roads,
                    name="zarszyn-week-16")


def tuesday_news(inst: Instance) -> Instance:
    """The week as it stands on Tuesday evening: Ewa away from Wednesday, an urgent request."""
    ewa = inst.helper("ewa")
    # Only the dates are recorded, not the reason (she is ill: health data, RODO art. 9).
    away = attrs.evolve(ewa, unavailable=(*ewa.unavailable, AWAY_FROM))
    urgent = Need("escort-urgent", resident="r-05", category="escort", duration_minutes=120,
                  windows=[TimeWindow("09:00", "13:00")],
                  recurrence=Recurrence.once("2026-04-16"), priority=3,
                  applied_on="2026-04-14")
    return attrs.evolve(
        inst, helpers=tuple(away if h.id == "ewa" else h for h in inst.helpers),
        needs=(*inst.needs, urgent), name="zarszyn-week-16-tuesday")


class Story(NamedTuple):
    """What the story produced, for tests and further use."""

    first: Result
    repaired: Result
    scratch: Result
    before: Instance
    after: Instance


def _visits(result: Result) -> set[tuple[str, date, str]]:
    return {(a.need, a.date, a.helper) for a in result.assignments}


def _by_date(visit: tuple[str, date, str]) -> tuple[date, str, str]:
    return visit[1], visit[0], visit[2]


def main(lang: str = "pl") -> Story:
    """Plan the week, re-plan it on Tuesday evening, and compare with a fresh plan."""
    t = T[lang]
    before = build_instance()
    # Deterministic search, so the confirmed plan is the same every time the script runs.
    first = solve(before, rule="fifo", method="auto", time_limit=5, deterministic=True, seed=1)
    after = tuesday_news(before)

    def row(need_id: str, day: date, helper: str, key: str = "row", **kw: str) -> str:
        d = DAYS[lang][day.weekday()]
        return t[key].format(day=d, need=need_id, res=after.need(need_id).resident,
                             who=after.helper(helper).name, **kw)

    print(f"=== {t['title']} ===")
    print(f"\n--- {t['first'].format(n=len(first.assignments))} ---")
    print(format_plan(before, first, lang=lang))
    urgent = after.need("escort-urgent")
    news = t["news"].format(who=after.helper("ewa").name, need=urgent.id, prio=urgent.priority)
    print(f"\n--- {news} ---")

    # Every confirmed visit is pinned: kept exactly where it still can happen. The repair rule
    # then prefers plans that keep the baseline's visits over ones that shuffle them.
    confirmed = first.assignments
    repaired = solve(after, rule="repair", pinned=confirmed, baseline=first, method="auto",
                     time_limit=5, deterministic=True, seed=1)
    print(f"\n--- {t['repair']} ---")
    print(format_plan(after, repaired, lang=lang))
    print()
    print(t["dropped"])
    for d in repaired.dropped_pins:
        print(row(d.need, d.date, d.helper, "dropped_row", why=d.reason.text(lang)))
    print(t["changes"].format(n=repaired.changes))
    print(t["added"])
    for need_id, day, helper in sorted(_visits(repaired) - _visits(first), key=_by_date):
        print(row(need_id, day, helper))

    # From scratch: the same week solved anew, compared with the confirmed plan.
    scratch = solve(after, rule="fifo", baseline=first, method="auto", time_limit=5,
                    deterministic=True, seed=1)
    print(f"\n--- {t['scratch']} ---")
    print(scratch.summary(lang))
    print(t["moved"])
    moved = sorted(((n, d, h) for n, d, h in _visits(first) - _visits(scratch)
                    if not after.helper(h).is_absent(d)), key=_by_date)
    for need_id, day, helper in moved:
        print(row(need_id, day, helper))
    if not moved:
        print(t["none"])
    print()
    print(t["compare"].format(repair=repaired.changes, scratch=scratch.changes))

    print(f"\n--- {t['check']} ---")
    violations = check(before, first) + check(after, repaired) + check(after, scratch)
    print(t["ok"] if not violations else t["bad"].format(n=len(violations)))
    for v in violations:
        print(f"    {v.constraint} {v.code}: {v.message}")
    return Story(first, repaired, scratch, before, after)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["pl", "en"], default="pl")
    main(parser.parse_args().lang)
