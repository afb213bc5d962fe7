"""A town where formal care covers weekdays and volunteers fill the weekends and evenings.

Sanok: the social welfare centre (OPS) delivers care services (usługi opiekuńcze) to four
residents on weekdays, 8:00-16:00, and that service also does their shopping and keeps them
company. Volunteers fill the gaps: weekends, and evenings after the carer leaves. The plan must
never duplicate the formal service (its visits are *covered*, not matched) and never put a
volunteer in a resident's home while the carer is there.

Run::

    python examples/town_weekends.py --lang pl
    python examples/town_weekends.py --lang en
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from datetime import date
from typing import NamedTuple

from cus_match import solve
from cus_match.clock import Weekday, minutes_of_day
from cus_match.model import (
    Agreement,
    Credentials,
    DateRange,
    FormalService,
    Helper,
    Need,
    Place,
    PlaceKind,
    Policy,
    Recurrence,
    Resident,
    TimeWindow,
    WeeklyWindow,
)
from cus_match.model.instance import Instance
from cus_match.plan.check import check
from cus_match.plan.result import Assignment, Result
from cus_match.report.text import format_plan

WEEK = DateRange("2026-04-13", "2026-04-19")  # Monday to Sunday
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EVERY_DAY = (*WEEKDAYS, "sat", "sun")
CARE_RECIPIENTS = ("r-01", "r-02", "r-03", "r-04")

T = {
    "pl": {
        "title": "Sanok: usługi opiekuńcze w dni robocze, wolontariusze w weekendy i wieczorami",
        "intro": "Usługa formalna: {provider}, pon-pt {start}-{end}, dla {n} osób; obejmuje "
                 "też zakupy i towarzystwo.\nWolontariusze: {helpers}",
        "plan": "PLAN TYGODNIA",
        "gaps": "CO WOLONTARIUSZE ZROBILI W LUKACH",
        "weekend": "  Weekend ({n}):",
        "evening": "  Wieczory w dni robocze, po wyjściu opiekunki ({n}):",
        "daytime": "  W ciągu dnia, u osób bez usług formalnych ({n}):",
        "row": "    {day:<3} {time}  {cat:<34} {res} <- {who}",
        "covered": "NIE DUBLUJEMY USŁUG FORMALNYCH",
        "covered_row": "  {need} ({cat}, {res}): zapewnia OPS w dni: {days}",
        "clash": "  Żadna wizyta wolontariusza u podopiecznych OPS nie nakłada się na godziny "
                 "opiekunki (sprawdzono: {n}).",
        "clash_bad": "  UWAGA: nakłada się na godziny opiekunki: {n}!",
        "check": "KONTROLA PLANU",
        "ok": "  Niezależna kontrola: plan spełnia wszystkie wymogi.",
        "bad": "  Naruszenia wymogów ({n}):",
    },
    "en": {
        "title": "Sanok: care services on weekdays, volunteers at weekends and in the evenings",
        "intro": "Formal service: {provider}, Mon-Fri {start}-{end}, for {n} residents; it "
                 "also covers shopping and company.\nVolunteers: {helpers}",
        "plan": "THE WEEK'S PLAN",
        "gaps": "WHAT VOLUNTEERS COVERED IN THE GAPS",
        "weekend": "  Weekend ({n}):",
        "evening": "  Weekday evenings, after the carer has left ({n}):",
        "daytime": "  Daytime, for residents without formal services ({n}):",
        "row": "    {day:<3} {time}  {cat:<34} {res} <- {who}",
        "covered": "NO DUPLICATION OF FORMAL SERVICES",
        "covered_row": "  {need} ({cat}, {res}): delivered by the OPS on {days}",
        "clash": "  No volunteer visit to an OPS care recipient overlaps the carer's hours "
                 "(checked: {n}).",
        "clash_bad": "  WARNING: {n} visits overlap the carer's hours!",
        "check": "PLAN CHECK",
        "ok": "  Independent check: the plan meets every constraint.",
        "bad": "  Constraint violations ({n}):",
    },
}
DAYS = {"pl": ("pon", "wt", "śr", "czw", "pt", "sob", "nd"),
        "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def build_instance() -> Instance:
    """The town: districts, the OPS care service, volunteers, residents and their needs."""
    district = PlaceKind.DISTRICT
    # No travel network: in town, straight-line distance with the default detour is good enough.
    places = [
        Place("srodmiescie", "Śródmieście", district, lat=49.558, lon=22.205),
        Place("posada", "Posada", district, lat=49.553, lon=22.222),
        Place("olchowce", "Olchowce", district, lat=49.566, lon=22.232),
        Place("wojtostwo", "Wójtostwo", district, lat=49.552, lon=22.195),
        Place("blonie", "Błonie", district, lat=49.563, lon=22.188),
        Place("dabrowka", "Dąbrówka", district, lat=49.545, lon=22.190),
    ]
    care = FormalService(
        "ops-care", provider="OPS Sanok, usługi opiekuńcze", category="personal_care",
        recipients=CARE_RECIPIENTS,
        schedule=[WeeklyWindow(d, "08:00", "16:00") for d in WEEKDAYS],
        # The carer also shops and keeps company: these needs are met on weekdays already.
        covers=["shopping", "companionship"],
    )

    def agreement(*categories: str) -> Agreement:
        return Agreement("2026-01-01", written=True, categories=categories)

    briefed = Credentials(bhp_briefed_on="2026-01-15")
    usual = ("shopping", "companionship", "walk", "digital_help")
    helpers = [
        Helper("kasia", home="srodmiescie", name="Kasia N.", weekly_hours_cap=6,
               modes=["walk", "bike"], max_travel_minutes=25,
               availability=[WeeklyWindow("sat", "09:00", "18:00"),
                             WeeklyWindow("sun", "09:00", "18:00")],
               agreement=agreement(*usual), credentials=briefed),
        Helper("marek", home="posada", name="Marek L.", weekly_hours_cap=6, modes=["car"],
               availability=[*(WeeklyWindow(d, "16:00", "20:00") for d in WEEKDAYS),
                             WeeklyWindow("sat", "10:00", "14:00")],
               agreement=agreement(*usual), credentials=briefed),
        Helper("ewa", home="olchowce", name="Ewa R.", weekly_hours_cap=5, modes=["walk", "bus"],
               max_travel_minutes=35,
               availability=[WeeklyWindow(d, "17:00", "20:00") for d in EVERY_DAY],
               agreement=agreement("companionship", "walk"), credentials=briefed),
        Helper("tomasz", home="blonie", name="Tomasz G.", weekly_hours_cap=4,
               modes=["walk", "bike"],
               availability=[WeeklyWindow("sun", "10:00", "16:00")],
               agreement=agreement(*usual), credentials=briefed),
        # A retired teacher, free in the daytime on weekdays: mostly the carer's hours, so she
        # helps residents without formal services, and care recipients only after 16:00.
        Helper("helena", home="wojtostwo", name="Helena S.", weekly_hours_cap=5,
               modes=["walk", "bus"], max_travel_minutes=35,
               availability=[WeeklyWindow(d, "10:00", "17:00") for d in WEEKDAYS],
               agreement=agreement(*usual), credentials=briefed),
    ]
    homes = {"r-01": "srodmiescie", "r-02": "posada", "r-03": "olchowce", "r-04": "blonie",
             "r-05": "dabrowka", "r-06": "wojtostwo"}
    residents = [Resident(rid, home=home) for rid, home in homes.items()]

    def need(nid: str, resident: str, category: str, minutes: int, window: tuple[str, str],
             days: tuple[str, ...], applied: str) -> Need:
        return Need(nid, resident=resident, category=category, duration_minutes=minutes,
                    windows=[TimeWindow(*window)], recurrence=Recurrence.weekly(*days),
                    applied_on=applied)

    needs = [
        # Daily shopping: the carer does it on weekdays; at weekends it is a volunteer's job.
        need("shop-01", "r-01", "shopping", 60, ("09:00", "12:00"), EVERY_DAY, "2026-01-20"),
        need("shop-03", "r-03", "shopping", 60, ("10:00", "13:00"), ("wed", "sat"),
             "2026-02-03"),
        # Company in the evening, after the carer has gone home: a gap every day.
        need("evening-02", "r-02", "companionship", 60, ("17:00", "19:00"), EVERY_DAY,
             "2026-01-22"),
        # A walk in the afternoon: not a care service's task, and on weekdays it must not clash
        # with the carer's hours (until 16:00).
        need("walk-04", "r-04", "walk", 60, ("14:00", "18:00"), ("tue", "thu", "sun"),
             "2026-02-10"),
        # Residents without formal services.
        need("digital-05", "r-05", "digital_help", 60, ("10:00", "14:00"), ("wed",),
             "2026-02-12"),
        need("comp-06", "r-06", "companionship", 60, ("11:00", "15:00"), ("mon", "fri"),
             "2026-02-17"),
    ]
    return Instance(policy=Policy(period=WEEK), places=places, helpers=helpers,
                    residents=residents, needs=needs, services=[care], name="sanok-week-16")


def _overlaps_formal(inst: Instance, a: Assignment) -> bool:
    """Whether a volunteer visit overlaps a formal visit of its resident (wall clock)."""
    resident = inst.need(a.need).resident
    start, end = minutes_of_day(a.start.time()), minutes_of_day(a.end.time())
    for service in inst.services:
        if resident not in service.recipients:
            continue
        for w in service.schedule:
            if w.day is Weekday.of(a.date) and (
                    start < minutes_of_day(w.end) and minutes_of_day(w.start) < end):
                return True
    return False


class Story(NamedTuple):
    """What the story produced, for tests and further use."""

    instance: Instance
    plan: Result
    clashes: int


def main(lang: str = "pl") -> Story:
    """Plan the week around the formal care service and show what volunteers add."""
    t = T[lang]
    inst = build_instance()
    plan = solve(inst, rule="fifo", method="auto", time_limit=5, deterministic=True, seed=1)
    care = inst.service("ops-care")

    print(f"=== {t['title']} ===")
    print(t["intro"].format(provider=care.provider, start=f"{care.schedule[0].start:%H:%M}",
                            end=f"{care.schedule[0].end:%H:%M}", n=len(care.recipients),
                            helpers=", ".join(h.name for h in inst.helpers)))
    print(f"\n--- {t['plan']} ---")
    print(format_plan(inst, plan, lang=lang))

    def category(need_id: str) -> str:
        c = inst.category(inst.need(need_id).category)
        return c.name_pl if lang == "pl" else c.name_en

    # Group the volunteers' visits by the gap they fill.
    gaps: dict[str, list[Assignment]] = {"weekend": [], "evening": [], "daytime": []}
    for a in plan.assignments:
        if a.date.weekday() >= 5:
            gaps["weekend"].append(a)
        elif a.start.hour >= 16:
            gaps["evening"].append(a)
        else:
            gaps["daytime"].append(a)
    print(f"\n--- {t['gaps']} ---")
    for gap, visits in gaps.items():
        print(t[gap].format(n=len(visits)))
        for a in visits:
            print(t["row"].format(day=DAYS[lang][a.date.weekday()],
                                  time=f"{a.start:%H:%M}-{a.end:%H:%M}", cat=category(a.need),
                                  res=inst.need(a.need).resident,
                                  who=inst.helper(a.helper).name))

    print(f"\n--- {t['covered']} ---")
    by_need: dict[str, list[date]] = defaultdict(list)
    for c in plan.covered:
        by_need[c.need].append(c.date)
    for need_id, days in sorted(by_need.items()):
        print(t["covered_row"].format(need=need_id, cat=category(need_id),
                                      res=inst.need(need_id).resident,
                                      days=", ".join(DAYS[lang][d.weekday()] for d in days)))
    to_recipients = [a for a in plan.assignments
                     if inst.need(a.need).resident in care.recipients]
    clashes = sum(_overlaps_formal(inst, a) for a in to_recipients)
    print(t["clash"].format(n=len(to_recipients)) if not clashes
          else t["clash_bad"].format(n=clashes))

    print(f"\n--- {t['check']} ---")
    violations = check(inst, plan)
    print(t["ok"] if not violations else t["bad"].format(n=len(violations)))
    for v in violations:
        print(f"    {v.constraint} {v.code}: {v.message}")
    return Story(inst, plan, clashes)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["pl", "en"], default="pl")
    main(parser.parse_args().lang)
