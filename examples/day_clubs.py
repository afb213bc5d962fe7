"""Children's day clubs in three schools, and volunteers still missing child-protection checks.

Gmina Olszanica runs day clubs (świetlice) after classes in three primary schools, 13:30-15:00 every
school day, each with one volunteer alongside the teacher. Work with children requires the
child-protection checks before the first session (child-protection act, art. 21; constraint H1 in
docs/constraints.md): the sex-offender register (RSPS) checked, criminal-record information (KRK)
presented, and — for someone who lived abroad in the last 20 years — foreign criminal-record
information. Only the dates of the checks are stored, never the documents.

Three of the six volunteers lack a check, so some sessions stay unmet. The script shows the
near misses ("would fit but lacks the child-protection checks") and asks *what if* those three
completed their checks: how much more of the clubs would be covered.

Run::

    python examples/day_clubs.py --lang pl
    python examples/day_clubs.py --lang en
"""

from __future__ import annotations

import argparse
from typing import NamedTuple

from cus_match import solve
from cus_match.analysis.diagnosis import Extend, WhatIf, apply_change, format_what_if, what_if
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
    TimeWindow,
    WeeklyWindow,
)
from cus_match.model.instance import Instance
from cus_match.plan.check import check
from cus_match.plan.result import Result
from cus_match.report.text import format_plan

WEEK = DateRange("2026-04-13", "2026-04-17")  # a school week, Monday to Friday
SCHOOL_DAYS = ("mon", "tue", "wed", "thu", "fri")
UNCHECKED = ("patryk", "szymon", "weronika")  # volunteers with a child-protection check missing

T = {
    "pl": {
        "title": "Gmina Olszanica: świetlice w trzech szkołach, 13:30-15:00, pon-pt",
        "intro": "{sessions} zajęć w tygodniu, {helpers} wolontariuszy; sprawdzenia (RSPS, KRK, "
                 "informacja z rejestrów zagranicznych) ma {checked} z nich.",
        "checks": "SPRAWDZENIA DO PRACY Z DZIEĆMI (daty, bez dokumentów)",
        "row": "  {name:<14} RSPS: {rsps:<10}  KRK: {krk:<10}  zagranica: {abroad}",
        "abroad_no": "nie dotyczy",
        "missing": "brak",
        "plan": "PLAN TYGODNIA",
        "why": "DLACZEGO ZAJĘCIA W {school} ZOSTAJĄ BEZ WOLONTARIUSZA",
        "whatif": "CO JEŚLI TE OSOBY UZUPEŁNIĄ SPRAWDZENIA",
        "after": "Plan po uzupełnieniu sprawdzeń przez: {names}",
        "check": "KONTROLA PLANÓW",
        "ok": "  Niezależna kontrola: oba plany spełniają wszystkie wymogi.",
        "bad": "  Naruszenia wymogów ({n}):",
    },
    "en": {
        "title": "Gmina Olszanica: day clubs in three schools, 13:30-15:00, Mon-Fri",
        "intro": "{sessions} sessions a week, {helpers} volunteers; {checked} of them have "
                 "the checks (RSPS, KRK, foreign records).",
        "checks": "CHECKS FOR WORK WITH CHILDREN (dates only, no documents)",
        "row": "  {name:<14} RSPS: {rsps:<10}  KRK: {krk:<10}  abroad: {abroad}",
        "abroad_no": "n/a",
        "missing": "missing",
        "plan": "THE WEEK'S PLAN",
        "why": "WHY SESSIONS AT {school} STAY WITHOUT A VOLUNTEER",
        "whatif": "WHAT IF THESE VOLUNTEERS COMPLETE THEIR CHECKS",
        "after": "The plan once these complete their checks: {names}",
        "check": "PLAN CHECKS",
        "ok": "  Independent check: both plans meet every constraint.",
        "bad": "  Constraint violations ({n}):",
    },
}


def build_instance() -> Instance:
    """Three schools, six volunteers with their checks, and a week of club sessions."""
    school = PlaceKind.SCHOOL
    places = [
        Place("olszanica", "Olszanica", PlaceKind.VILLAGE, lat=49.459, lon=22.437),
        Place("uherce", "Uherce Mineralne", PlaceKind.VILLAGE, lat=49.478, lon=22.402),
        Place("wankowa", "Wańkowa", PlaceKind.VILLAGE, lat=49.444, lon=22.474),
        Place("sp-olszanica", "SP Olszanica", school, lat=49.4595, lon=22.4385),
        Place("sp-uherce", "SP Uherce Mineralne", school, lat=49.4775, lon=22.4035),
        Place("sp-wankowa", "SP Wańkowa", school, lat=49.4445, lon=22.4725),
    ]
    after_class = [WeeklyWindow(d, "13:00", "16:00") for d in SCHOOL_DAYS]
    agreement = Agreement("2026-02-01", written=True, categories=["childrens_club"])

    def checks(rsps: str | None, krk: str | None, *, abroad: bool = False,
               foreign: str | None = None) -> Credentials:
        # Dates the checks were made, never the documents (RODO art. 10).
        return Credentials(rsps_checked_on=rsps, krk_presented_on=krk,
                           lived_abroad_recently=abroad, foreign_record_on=foreign,
                           bhp_briefed_on="2026-02-01")

    helpers = [
        Helper("iwona", home="olszanica", name="Iwona T.", weekly_hours_cap=4.5,
               modes=["walk", "car"], availability=after_class, agreement=agreement,
               credentials=checks("2026-02-02", "2026-02-03")),
        Helper("krzysztof", home="uherce", name="Krzysztof J.", weekly_hours_cap=4.5,
               modes=["car"], availability=after_class, agreement=agreement,
               credentials=checks("2026-02-05", "2026-02-05")),
        # Worked in Ireland until 2024: foreign criminal-record information was presented too.
        Helper("lena", home="wankowa", name="Lena B.", weekly_hours_cap=4.5, modes=["walk"],
               availability=[WeeklyWindow(d, "13:00", "16:00") for d in ("mon", "wed", "fri")],
               agreement=agreement,
               credentials=checks("2026-02-10", "2026-02-11", abroad=True,
                                  foreign="2026-03-02")),
        # No checks at all yet.
        Helper("patryk", home="uherce", name="Patryk Z.", weekly_hours_cap=4.5,
               modes=["walk", "bike"], availability=after_class, agreement=agreement,
               credentials=checks(None, None)),
        # Register checked, criminal-record information not presented yet.
        Helper("szymon", home="olszanica", name="Szymon R.", weekly_hours_cap=4.5,
               modes=["walk", "bike"], availability=after_class, agreement=agreement,
               credentials=checks("2026-03-10", None)),
        # Lived abroad recently: the foreign record information is still missing.
        Helper("weronika", home="wankowa", name="Weronika P.", weekly_hours_cap=3,
               modes=["car"], availability=after_class, agreement=agreement,
               credentials=checks("2026-03-03", "2026-03-04", abroad=True)),
    ]
    needs = [
        # A club session is a need without a resident: it happens at the school.
        Need(f"club-{s}", resident=None, place=f"sp-{s}", category="childrens_club",
             duration_minutes=90, windows=[TimeWindow("13:30", "15:00")],
             recurrence=Recurrence.weekly(*SCHOOL_DAYS), applied_on="2026-01-15")
        for s in ("olszanica", "uherce", "wankowa")
    ]
    return Instance(policy=Policy(period=WEEK), places=places, helpers=helpers, residents=[],
                    needs=needs, name="olszanica-day-clubs")


class Story(NamedTuple):
    """What the story produced, for tests and further use."""

    instance: Instance
    plan: Result
    what_ifs: list[WhatIf]


def _date(d: object, missing: str) -> str:
    return missing if d is None else f"{d:%d.%m.%Y}"


def main(lang: str = "pl") -> Story:
    """Plan the clubs, explain the near misses, and measure what completing the checks gains."""
    t = T[lang]
    inst = build_instance()
    plan = solve(inst, rule="fifo", method="auto", time_limit=5, deterministic=True, seed=1)

    checked = [h for h in inst.helpers if h.id not in UNCHECKED]
    sessions = sum(len(n.recurrence.days) for n in inst.needs)
    print(f"=== {t['title']} ===")
    print(t["intro"].format(sessions=sessions, helpers=len(inst.helpers),
                            checked=len(checked)))
    print(f"\n--- {t['checks']} ---")
    for h in inst.helpers:
        c = h.credentials
        abroad = (_date(c.foreign_record_on, t["missing"]) if c.lived_abroad_recently
                  else t["abroad_no"])
        print(t["row"].format(name=h.name, rsps=_date(c.rsps_checked_on, t["missing"]),
                              krk=_date(c.krk_presented_on, t["missing"]), abroad=abroad))

    print(f"\n--- {t['plan']} ---")
    print(format_plan(inst, plan, lang=lang))

    # The school with most unmet sessions, explained visit by visit: the near misses name the
    # volunteers who would fit but for the missing check.
    unmet_by_need = {n.id: sum(u.need == n.id for u in plan.unmet) for n in inst.needs}
    worst = max(sorted(unmet_by_need), key=lambda nid: unmet_by_need[nid])
    if unmet_by_need[worst]:
        school = inst.place(inst.need(worst).place or "").name
        print(f"\n--- {t['why'].format(school=school)} ---")
        print(explain(inst, plan, worst, lang).text)

    # What if: all three complete their checks, or just one of them — whom to ask first.
    all_three = Extend(UNCHECKED, "credential", "child_protection")
    candidates = [all_three, *(Extend([h], "credential", "child_protection") for h in UNCHECKED)]
    ranked = what_if(inst, plan, candidates, method="auto", time_limit=5)
    print(f"\n--- {t['whatif']} ---")
    print(format_what_if(inst, ranked, lang))
    # The plan with all three checked: the re-solved plan comes with each what-if.
    together = next(w for w in ranked if w.change == all_three)
    print()
    print(t["after"].format(names=", ".join(inst.helper(h).name for h in UNCHECKED)))
    print(together.result.summary(lang))

    print(f"\n--- {t['check']} ---")
    violations = check(inst, plan) + check(apply_change(inst, all_three), together.result)
    print(t["ok"] if not violations else t["bad"].format(n=len(violations)))
    for v in violations:
        print(f"    {v.constraint} {v.code}: {v.message}")
    return Story(inst, plan, ranked)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["pl", "en"], default="pl")
    main(parser.parse_args().lang)
