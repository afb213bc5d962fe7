"""A rural gmina's week: mountain villages, one bus line, and what stays unmet.

Gmina Komańcza (Bieszczady / Beskid Niski border): eight villages along mountain roads, one bus
line (Szczawne - Rzepedź - Komańcza - Radoszyce) and six volunteers, two of whom have no car
and reach other villages only by bus. The script builds the instance with the public model
classes, proposes a plan for one week, checks it independently, explains the visits that stay
unmet and prints a shortage diagnosis: what supply is missing, where.

Coordinates are approximate and bus and road minutes illustrative: replace them with your own.

Run::

    python examples/rural_week.py --lang pl
    python examples/rural_week.py --lang en
"""

from __future__ import annotations

import argparse
from typing import NamedTuple

from cus_match import solve
from cus_match.analysis.diagnosis import Shortage, shortage
from cus_match.analysis.explain import explain
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

T = {
    "pl": {
        "title": "Gmina Komańcza: tydzień 13-19 kwietnia 2026",
        "intro": "{places} miejscowości w górach, {helpers} wolontariuszy, {needs} zgłoszonych "
                 "potrzeb, jedna linia autobusowa: {line}.",
        "plan": "PLAN TYGODNIA",
        "bus": "KTO DOJEŻDŻA AUTOBUSEM (osoby bez samochodu)",
        "bus_row": "  {who}: {day} {time} do {place} ({minutes:.0f} min autobusem)",
        "why": "DLACZEGO TE POTRZEBY ZOSTAJĄ BEZ POMOCY",
        "diag": "DIAGNOZA NIEDOBORÓW (gdzie i czego brakuje)",
        "check": "KONTROLA PLANU",
        "ok": "  Niezależna kontrola: plan spełnia wszystkie wymogi.",
        "bad": "  Naruszenia wymogów ({n}):",
    },
    "en": {
        "title": "Gmina Komańcza: the week of 13-19 April 2026",
        "intro": "{places} mountain villages, {helpers} volunteers, {needs} needs reported, "
                 "one bus line: {line}.",
        "plan": "THE WEEK'S PLAN",
        "bus": "WHO TRAVELS BY BUS (helpers without a car)",
        "bus_row": "  {who}: {day} {time} to {place} ({minutes:.0f} min by bus)",
        "why": "WHY THESE NEEDS STAY UNMET",
        "diag": "SHORTAGE DIAGNOSIS (what is missing, where)",
        "check": "PLAN CHECK",
        "ok": "  Independent check: the plan meets every constraint.",
        "bad": "  Constraint violations ({n}):",
    },
}
DAYS = {"pl": ("pon", "wt", "śr", "czw", "pt", "sob", "nd"),
        "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}

BUS_LINE = ["szczawne", "rzepedz", "komancza", "radoszyce"]


def build_instance() -> Instance:
    """The gmina: villages, roads and the bus line, volunteers, residents and their needs."""
    village = PlaceKind.VILLAGE
    places = [
        Place("szczawne", "Szczawne", village, lat=49.385, lon=22.127),
        Place("rzepedz", "Rzepedź", village, lat=49.355, lon=22.100),
        Place("turzansk", "Turzańsk", village, lat=49.362, lon=22.135),
        Place("komancza", "Komańcza", village, lat=49.340, lon=22.060),
        Place("radoszyce", "Radoszyce", village, lat=49.303, lon=22.021),
        Place("duszatyn", "Duszatyn", village, lat=49.299, lon=22.103),
        Place("wola-michowa", "Wola Michowa", village, lat=49.268, lon=22.169),
        Place("lupkow", "Łupków", village, lat=49.250, lon=22.076),
    ]
    # Mountain roads: straight lines mislead here, so travel minutes come from this network.
    # A mode left out of an edge cannot use it: the bus runs only along the main road.
    roads = [
        TravelEdge("szczawne", "rzepedz", {"walk": 55, "bike": 15, "car": 6, "bus": 8}),
        TravelEdge("rzepedz", "komancza", {"walk": 50, "bike": 14, "car": 6, "bus": 8}),
        TravelEdge("komancza", "radoszyce", {"walk": 100, "bike": 30, "car": 10, "bus": 14}),
        TravelEdge("rzepedz", "turzansk", {"walk": 30, "bike": 10, "car": 4}),
        TravelEdge("komancza", "duszatyn", {"walk": 110, "bike": 35, "car": 12}),
        TravelEdge("duszatyn", "wola-michowa", {"walk": 100, "bike": 35, "car": 12}),
        TravelEdge("wola-michowa", "lupkow", {"walk": 90, "bike": 30, "car": 12}),
    ]

    def agreement(*categories: str) -> Agreement:
        # A written, open-ended volunteering agreement (art. 44) for these kinds of help.
        return Agreement("2026-01-01", written=True, categories=categories)

    briefed = Credentials(bhp_briefed_on="2026-01-15")  # safety briefing (art. 45)
    helpers = [
        Helper("maria", home="komancza", name="Maria K.", weekly_hours_cap=8,
               modes=["walk", "car"], max_travel_minutes=30,
               availability=[WeeklyWindow(d, "09:00", "15:00")
                             for d in ("mon", "tue", "wed", "thu", "fri")],
               agreement=agreement("shopping", "escort", "transport", "companionship"),
               credentials=briefed),
        Helper("jan", home="rzepedz", name="Jan W.", weekly_hours_cap=4,
               modes=["walk", "bus"], max_travel_minutes=30,
               availability=[WeeklyWindow("tue", "09:00", "14:00"),
                             WeeklyWindow("thu", "09:00", "14:00")],
               agreement=agreement("companionship", "shopping", "digital_help"),
               credentials=briefed),
        Helper("zofia", home="szczawne", name="Zofia P.", weekly_hours_cap=4,
               modes=["walk", "bus"], max_travel_minutes=35,
               availability=[WeeklyWindow("mon", "09:00", "14:00"),
                             WeeklyWindow("wed", "09:00", "14:00")],
               agreement=agreement("companionship", "walk"), credentials=briefed),
        Helper("piotr", home="wola-michowa", name="Piotr D.", weekly_hours_cap=5,
               modes=["car"], max_travel_minutes=40,
               availability=[WeeklyWindow("wed", "09:00", "15:00"),
                             WeeklyWindow("sat", "09:00", "15:00")],
               agreement=agreement("home_repair", "shopping", "transport"), credentials=briefed),
        # A student: free after classes, no car, and no child-protection checks yet (H1).
        Helper("ola", home="komancza", name="Ola S.", weekly_hours_cap=4,
               modes=["walk", "bus"], max_travel_minutes=30,
               availability=[WeeklyWindow(d, "15:00", "19:00")
                             for d in ("mon", "tue", "wed", "thu", "fri")],
               agreement=agreement("digital_help", "homework_help"), credentials=briefed),
        Helper("tadeusz", home="turzansk", name="Tadeusz B.", weekly_hours_cap=3,
               modes=["walk", "bike"], max_travel_minutes=30,
               availability=[WeeklyWindow("mon", "08:00", "12:00"),
                             WeeklyWindow("thu", "08:00", "12:00")],
               agreement=agreement("shopping", "home_repair"), credentials=briefed),
    ]
    # Residents are pseudonymous ids with a home village: no names, no diagnoses (RODO).
    homes = {"r-01": "szczawne", "r-02": "komancza", "r-03": "radoszyce", "r-04": "turzansk",
             "r-05": "duszatyn", "r-06": "lupkow", "r-07": "radoszyce", "r-08": "komancza",
             "r-09": "lupkow", "r-10": "szczawne", "r-11": "rzepedz"}
    residents = [Resident(rid, home=home) for rid, home in homes.items()]

    def need(nid: str, resident: str, category: str, minutes: int, window: tuple[str, str],
             days: tuple[str, ...], applied: str, **kw: object) -> Need:
        return Need(nid, resident=resident, category=category, duration_minutes=minutes,
                    windows=[TimeWindow(*window)], recurrence=Recurrence.weekly(*days),
                    applied_on=applied, **kw)  # type: ignore[arg-type]

    needs = [
        need("shop-01", "r-01", "shopping", 60, ("09:00", "12:00"), ("tue",), "2026-02-02"),
        need("comp-02", "r-02", "companionship", 60, ("10:00", "12:00"), ("tue", "thu"),
             "2026-02-05"),
        need("comp-03", "r-03", "companionship", 90, ("10:00", "13:00"), ("mon", "wed"),
             "2026-02-09"),
        # A ride to the clinic: only a helper with a car can take it.
        need("ride-04", "r-04", "transport", 120, ("08:00", "12:00"), ("thu",), "2026-02-11",
             required_mode="car", priority=2),
        need("escort-05", "r-05", "escort", 180, ("09:00", "13:00"), ("wed",), "2026-02-12",
             priority=2),
        need("shop-06", "r-06", "shopping", 60, ("09:00", "13:00"), ("sat",), "2026-02-16"),
        need("repair-07", "r-07", "home_repair", 120, ("10:00", "14:00"), ("sat",),
             "2026-02-20"),
        need("lessons-08", "r-08", "homework_help", 60, ("16:00", "18:00"),
             ("mon", "tue", "wed", "thu"), "2026-02-23"),
        need("comp-09", "r-09", "companionship", 60, ("14:00", "17:00"), ("wed",),
             "2026-02-25"),
        need("digital-10", "r-10", "digital_help", 60, ("15:00", "17:00"), ("fri",),
             "2026-03-02"),
        need("walk-11", "r-11", "walk", 60, ("14:00", "16:00"), ("sun",), "2026-03-04"),
    ]
    return Instance(policy=Policy(period=WEEK), places=places, helpers=helpers,
                    residents=residents, needs=needs, travel_edges=roads,
                    name="gmina-komancza-week-16")


class Story(NamedTuple):
    """What the story produced, for tests and further use."""

    instance: Instance
    plan: Result
    diagnosis: Shortage


def main(lang: str = "pl") -> Story:
    """Plan the week, explain what stays unmet and diagnose the shortage; print it all."""
    t = T[lang]
    inst = build_instance()
    # Deterministic search: the same instance always gives the same plan.
    plan = solve(inst, rule="fifo", method="auto", time_limit=5, deterministic=True, seed=1)

    line = " - ".join(inst.place(p).name for p in BUS_LINE)
    print(f"=== {t['title']} ===")
    print(t["intro"].format(places=len(inst.places), helpers=len(inst.helpers),
                            needs=len(inst.needs), line=line))
    print(f"\n--- {t['plan']} ---")
    print(format_plan(inst, plan, lang=lang))

    print(f"\n--- {t['bus']} ---")
    for a in plan.assignments:
        if a.mode.value == "bus":
            place = inst.place(inst.need_place(inst.need(a.need)))
            print(t["bus_row"].format(who=inst.helper(a.helper).name,
                                      day=DAYS[lang][a.date.weekday()],
                                      time=f"{a.start:%H:%M}", place=place.name,
                                      minutes=a.travel_minutes))

    # Two of the unmet needs, explained: homework help (nobody with the child-protection checks)
    # and a visit in Łupków, the remote village beyond the bus line.
    print(f"\n--- {t['why']} ---")
    for need_id in ("lessons-08", "comp-09"):
        print(explain(inst, plan, need_id, lang).text)
        print()

    diagnosis = shortage(inst, plan)
    print(f"--- {t['diag']} ---")
    print(diagnosis.text(lang))

    print(f"\n--- {t['check']} ---")
    violations = check(inst, plan)
    print(t["ok"] if not violations else t["bad"].format(n=len(violations)))
    for v in violations:
        print(f"    {v.constraint} {v.code}: {v.message}")
    return Story(inst, plan, diagnosis)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["pl", "en"], default="pl")
    main(parser.parse_args().lang)
