"""A support group that needs two trained facilitators, and needs referred to professionals.

Gmina Bukowsko's social services centre (CUS) runs a weekly support group for adults living
with a family member's addiction (grupa wsparcia dla osób współuzależnionych) in its meeting
room. Every session needs two co-facilitators who completed the facilitators' training. The
group is a *need without a resident*: it has a place (the room) instead, and its participants
are not in the data at all.

Privacy (RODO art. 9): health and addiction are special-category data. Nothing here says who
attends the group or why anyone is referred: residents are pseudonymous ids, and the
professional-only category that stands for therapy carries a neutral label ("specialist
support"), so a printed plan reveals no diagnosis. The group itself is listed under a neutral
name too: a plan is shared with volunteers, who do not need to know more.

Run::

    python examples/support_group.py --lang pl
    python examples/support_group.py --lang en
"""

from __future__ import annotations

import argparse
from typing import NamedTuple

from cus_match import solve
from cus_match.analysis.explain import explain
from cus_match.model import (
    DEFAULT_CATEGORIES,
    Agreement,
    Category,
    Credentials,
    DateRange,
    Helper,
    HelperKind,
    Need,
    Place,
    PlaceKind,
    Policy,
    Recurrence,
    Resident,
    TimeWindow,
    WeeklyWindow,
)
from cus_match.model.eligibility import pair_reasons
from cus_match.model.instance import Instance
from cus_match.plan.check import check
from cus_match.plan.result import Result
from cus_match.report.text import format_plan

PERIOD = DateRange("2026-04-13", "2026-04-26")  # two weeks, Monday to Sunday
TRAINING = "support_group_training"  # the facilitators' training, a required qualification

T = {
    "pl": {
        "title": "Grupa wsparcia w CUS Bukowsko: czwartki 17:30-19:30, sala spotkań CUS",
        "intro": "Każde spotkanie prowadzą 2 osoby po szkoleniu dla prowadzących grupy. "
                 "Uczestników grupy nie ma w danych.",
        "plan": "PLAN NA DWA TYGODNIE",
        "who": "KTO MOŻE WSPÓŁPROWADZIĆ GRUPĘ",
        "may": "  {name}: może",
        "away": " (nieobecność {start}-{end})",
        "may_not": "  {name}: nie może — {why}",
        "group": "KTO PROWADZI GRUPĘ I DLACZEGO",
        "referrals": "SKIEROWANIA DO USŁUG FORMALNYCH (dlaczego nie wolontariusze)",
        "check": "KONTROLA PLANU",
        "ok": "  Niezależna kontrola: plan spełnia wszystkie wymogi.",
        "bad": "  Naruszenia wymogów ({n}):",
    },
    "en": {
        "title": "A support group at CUS Bukowsko: Thursdays 17:30-19:30, CUS meeting room",
        "intro": "Each session is run by 2 people who completed the facilitators' training. "
                 "The group's participants are not in the data.",
        "plan": "THE PLAN FOR TWO WEEKS",
        "who": "WHO MAY CO-FACILITATE THE GROUP",
        "may": "  {name}: may",
        "away": " (away {start}-{end})",
        "may_not": "  {name}: may not — {why}",
        "group": "WHO FACILITATES THE GROUP, AND WHY",
        "referrals": "REFERRALS TO FORMAL SERVICES (why not volunteers)",
        "check": "PLAN CHECK",
        "ok": "  Independent check: the plan meets every constraint.",
        "bad": "  Constraint violations ({n}):",
    },
}


def build_instance() -> Instance:
    """The gmina, the meeting room, the facilitators and the needs of two weeks."""
    categories = (
        *(c for c in DEFAULT_CATEGORIES if c.professional_only is False),
        # The group: co-facilitation needs the training (H9); volunteers without it are
        # excluded with the reason "lacks a required qualification".
        Category("support_group", "Współprowadzenie grupy wsparcia",
                 "Co-facilitating a support group", required_qualifications=[TRAINING]),
        # Professional help (therapy) under a neutral label: the label is printed next to a
        # resident's pseudonymous id, and must not reveal a diagnosis (RODO art. 9).
        Category("specialist", "Wsparcie specjalistyczne", "Specialist support",
                 professional_only=True),
    )
    places = [
        Place("bukowsko", "Bukowsko", PlaceKind.VILLAGE, lat=49.482, lon=22.066),
        Place("nowotaniec", "Nowotaniec", PlaceKind.VILLAGE, lat=49.442, lon=22.118),
        Place("nadolany", "Nadolany", PlaceKind.VILLAGE, lat=49.470, lon=22.119),
        Place("cus-room", "Sala CUS Bukowsko", PlaceKind.VENUE, lat=49.484,
              lon=22.068),
    ]

    def agreement(*categories: str) -> Agreement:
        return Agreement("2026-01-01", written=True, categories=categories)

    briefed = Credentials(bhp_briefed_on="2026-01-15")
    thursday = WeeklyWindow("thu", "16:00", "20:00")
    helpers = [
        Helper("agnieszka", home="bukowsko", name="Agnieszka M.", weekly_hours_cap=3,
               modes=["walk", "car"], availability=[thursday],
               qualifications=[TRAINING], agreement=agreement("support_group"),
               credentials=briefed),
        # On leave in the second week: someone else must take her place then.
        Helper("barbara", home="nadolany", name="Barbara K.", weekly_hours_cap=3,
               modes=["car"], availability=[thursday],
               unavailable=[DateRange("2026-04-20", "2026-04-26")],
               qualifications=[TRAINING], agreement=agreement("support_group"),
               credentials=briefed),
        Helper("cezary", home="nowotaniec", name="Cezary W.", weekly_hours_cap=4,
               modes=["car"], availability=[thursday, WeeklyWindow("sat", "09:00", "13:00")],
               qualifications=[TRAINING],
               agreement=agreement("support_group", "companionship", "shopping"),
               credentials=briefed),
        # A member of a self-help group: keen to help at the sessions but not trained yet, so
        # she visits residents instead.
        Helper("dorota", home="bukowsko", name="Dorota S.", kind=HelperKind.SELF_HELP,
               weekly_hours_cap=3, modes=["walk"],
               availability=[thursday, WeeklyWindow("tue", "10:00", "13:00")],
               agreement=agreement("support_group", "companionship", "shopping"),
               credentials=briefed),
    ]
    residents = [Resident("r-101", home="bukowsko"), Resident("r-102", home="nowotaniec"),
                 Resident("r-103", home="nadolany")]
    needs = [
        # The group: no resident, a place instead, and two facilitators at the same time.
        Need("group-thu", resident=None, place="cus-room", category="support_group",
             duration_minutes=120, windows=[TimeWindow("17:30", "19:30")],
             recurrence=Recurrence.weekly("thu"), helpers_needed=2, applied_on="2026-01-10"),
        Need("comp-101", resident="r-101", category="companionship", duration_minutes=60,
             windows=[TimeWindow("10:00", "12:00")], recurrence=Recurrence.weekly("tue"),
             applied_on="2026-02-01"),
        Need("shop-103", resident="r-103", category="shopping", duration_minutes=60,
             windows=[TimeWindow("09:00", "12:00")], recurrence=Recurrence.weekly("sat"),
             applied_on="2026-02-04"),
        # Only professionals may meet it: referred to formal services, never to volunteers.
        Need("ref-102", resident="r-102", category="specialist", duration_minutes=60,
             windows=[TimeWindow("09:00", "15:00")], recurrence=Recurrence.weekly("wed"),
             applied_on="2026-02-06"),
        # An escort to the office with a sign-language interpreter: nobody holds that
        # qualification, so the need is referred too, with a different reason.
        Need("escort-103", resident="r-103", category="escort", duration_minutes=90,
             windows=[TimeWindow("09:00", "13:00")], recurrence=Recurrence.once("2026-04-15"),
             required_qualifications=["sign_language"], applied_on="2026-03-20"),
    ]
    return Instance(policy=Policy(period=PERIOD, categories=categories), places=places,
                    helpers=helpers, residents=residents, needs=needs,
                    name="bukowsko-support-group")


class Story(NamedTuple):
    """What the story produced, for tests and further use."""

    instance: Instance
    plan: Result


def main(lang: str = "pl") -> Story:
    """Plan two weeks of the support group and the residents' needs; print it all."""
    t = T[lang]
    inst = build_instance()
    plan = solve(inst, rule="fifo", method="auto", time_limit=5, deterministic=True, seed=1)

    print(f"=== {t['title']} ===")
    print(t["intro"])
    print(f"\n--- {t['plan']} ---")
    print(format_plan(inst, plan, lang=lang))

    # The date-independent rules, helper by helper: who could ever take the group.
    print(f"\n--- {t['who']} ---")
    group = inst.need("group-thu")
    for h in inst.helpers:
        reasons = pair_reasons(inst, h, group)
        if reasons:
            print(t["may_not"].format(name=h.name,
                                      why="; ".join(r.text(lang) for r in reasons)))
        else:
            away = "".join(t["away"].format(start=f"{r.start:%d.%m}", end=f"{r.end:%d.%m}")
                           for r in h.unavailable)
            print(t["may"].format(name=h.name) + away)

    print(f"\n--- {t['group']} ---")
    print(explain(inst, plan, "group-thu", lang).text)

    print(f"\n--- {t['referrals']} ---")
    for referral in plan.referrals:
        print(explain(inst, plan, referral.need, lang).text)

    print(f"\n--- {t['check']} ---")
    violations = check(inst, plan)
    print(t["ok"] if not violations else t["bad"].format(n=len(violations)))
    for v in violations:
        print(f"    {v.constraint} {v.code}: {v.message}")
    return Story(inst, plan)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["pl", "en"], default="pl")
    main(parser.parse_args().lang)
