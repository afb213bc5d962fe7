"""The independent checker: a valid plan, then each constraint of docs/constraints.md broken alone.

The base instance covers one ISO week (Mon 2026-03-23 .. Sun 2026-03-29, the spring-forward
day). Every case changes the instance and/or the plan with ``attrs.evolve`` and asserts the exact
set of violation codes, so a case that breaks a second constraint by accident fails too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone

import pytest
from attrs import evolve

from cus_match import Assignment, Covered, Instance, Referral, Result, Unmet
from cus_match.clock import Weekday, from_minutes, local_to_minutes
from cus_match.model import (
    Agreement,
    Credentials,
    DateRange,
    FormalService,
    Helper,
    Ipus,
    Need,
    Place,
    Policy,
    PriorService,
    Recurrence,
    Resident,
    TimeWindow,
    TravelSettings,
    WeeklyWindow,
)
from cus_match.plan.check import Violation, check
from cus_match.reasons import Reason

TZ = "Europe/Warsaw"
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 3, 23) + timedelta(days=i) for i in range(7))
VOLUNTEER_CATEGORIES = [
    "shopping", "escort", "transport", "companionship", "walk", "homework_help", "home_repair",
    "digital_help", "respite", "group_session", "childrens_club", "neighbour_care",
]
ALL_WEEK = [WeeklyWindow(d, "08:00", "20:00") for d in Weekday]


def make_helper(hid: str, home: str, **changes: object) -> Helper:
    fields: dict[str, object] = dict(
        weekly_hours_cap=20,
        availability=ALL_WEEK,
        agreement=Agreement("2026-01-01", "2026-12-31", written=True,
                            categories=VOLUNTEER_CATEGORIES),
        credentials=Credentials(rsps_checked_on="2026-01-05", krk_presented_on="2026-01-05",
                                bhp_briefed_on="2026-01-05", first_aid_valid_to="2027-01-01",
                                fitness_declared_on="2026-01-05", nnw_valid_from="2026-01-01",
                                nnw_valid_to="2026-12-31"),
        modes=["walk"],
        max_travel_minutes=30,
    )
    fields.update(changes)
    return Helper(hid, home, **fields)  # type: ignore[arg-type]


def need(nid: str, resident: str, category: str, day: date | Recurrence, window: tuple[str, str],
         minutes: int, **changes: object) -> Need:
    rec = day if isinstance(day, Recurrence) else Recurrence.once(day)
    return Need(nid, category=category, duration_minutes=minutes, resident=resident,
                windows=[TimeWindow(*window)], recurrence=rec, applied_on="2026-03-01",
                **changes)  # type: ignore[arg-type]


def base_instance() -> Instance:
    return Instance(
        # The strict reading of the span of service (only known dates of service); the
        # default, from the agreement's first day, has its own cases below.
        policy=Policy(period=DateRange(MON, SUN), service_since_agreement=False),
        places=[Place("a", lat=49.480, lon=22.070), Place("b", lat=49.482, lon=22.072)],
        helpers=[
            make_helper("h1", "a"),
            make_helper("h2", "b"),
            make_helper("h3", "a", is_minor=True, guardian_consent=True,
                        credentials=Credentials(bhp_briefed_on="2026-01-05",
                                                first_aid_valid_to="2027-01-01",
                                                fitness_declared_on="2026-01-05",
                                                nnw_valid_to="2026-12-31")),
            make_helper("h4", "b", kind="neighbour_service",
                        agreement=Agreement("2026-03-01", "2026-03-31", written=True,
                                            categories=["neighbour_care"]),
                        credentials=Credentials(bhp_briefed_on="2026-01-05",
                                                first_aid_valid_to="2027-01-01",
                                                fitness_declared_on="2026-01-05",
                                                organiser_accepted_on="2026-02-01")),
        ],
        residents=[Resident("r1", home="a", accepted_neighbours=["h4"]),
                   Resident("r2", home="b")],
        needs=[
            need("shop", "r1", "shopping", TUE, ("09:00", "12:00"), 60),
            need("walk", "r1", "walk", Recurrence.weekly("tue", "thu"), ("14:00", "16:00"), 60),
            need("homework", "r2", "homework_help", WED, ("16:00", "18:00"), 60),
            need("repair", "r2", "home_repair", THU, ("10:00", "13:00"), 120, helpers_needed=2),
            need("care", "r1", "neighbour_care", FRI, ("08:00", "10:00"), 60),
            need("dst", "r2", "companionship", SUN, ("09:00", "10:00"), 60),
            need("late", "r2", "shopping", SAT, ("10:00", "11:00"), 60),
            need("comp", "r1", "companionship", MON, ("09:00", "11:00"), 60),
            need("psy", "r1", "psychotherapy", WED, ("10:00", "12:00"), 60),
            need("legal", "r2", "digital_help", WED, ("10:00", "12:00"), 60,
                 required_qualifications=["lawyer"]),
        ],
        services=[FormalService("care-1", provider="GOPS", category="personal_care",
                                recipients=["r1"], covers=["companionship"],
                                schedule=[WeeklyWindow("mon", "08:00", "10:00")])],
    )


def visit(inst: Instance, nid: str, hid: str, day: date, hhmm: str, mode: str = "walk",
          minutes: int | None = None) -> Assignment:
    """A visit with the right DST-aware times and the travel table's minutes."""
    n, h = inst.need(nid), inst.helper(hid)
    start = local_to_minutes(day, time.fromisoformat(hhmm), TZ)
    length = n.duration_minutes if minutes is None else minutes
    travel = inst.travel.minutes(h.home, inst.need_place(n), mode)  # type: ignore[arg-type]
    return Assignment(nid, day, hid, from_minutes(start, TZ), from_minutes(start + length, TZ),
                      travel_minutes=travel if travel is not None else 0.0, mode=mode)


def base_result(inst: Instance) -> Result:
    return Result(
        "feasible", method="by hand", rule="none",
        assignments=[
            visit(inst, "shop", "h1", TUE, "09:00"),
            visit(inst, "walk", "h3", TUE, "14:00"),
            visit(inst, "walk", "h3", THU, "14:00"),
            visit(inst, "homework", "h1", WED, "16:00"),
            visit(inst, "repair", "h1", THU, "10:00"),
            visit(inst, "repair", "h2", THU, "10:00"),
            visit(inst, "care", "h4", FRI, "08:00"),
            visit(inst, "dst", "h2", SUN, "09:00"),
        ],
        unmet=[Unmet("late", SAT, [])],
        referrals=[Referral("psy", "professional_only"), Referral("legal", "no_qualified_helper")],
        covered=[Covered("comp", MON, "care-1")],
    )


# Building blocks for the cases -------------------------------------------------------------
Change = Callable[[Instance], Instance]
PlanChange = Callable[[Instance, Result], Result]


def helper_(hid: str, **kw: object) -> Change:
    return lambda inst: evolve(inst, helpers=[evolve(h, **kw) if h.id == hid else h
                                              for h in inst.helpers])


def prior(hid: str, *days: date) -> Change:
    """Earlier approved service of ``hid`` on ``days`` (the history store's dates)."""
    return lambda inst: evolve(inst, policy=evolve(
        inst.policy, prior_service=[*inst.policy.prior_service, PriorService(hid, days)]))


def creds(hid: str, **kw: object) -> Change:
    return lambda inst: helper_(hid, credentials=evolve(inst.helper(hid).credentials, **kw))(inst)


def agreement(hid: str, **kw: object) -> Change:
    def change(inst: Instance) -> Instance:
        ag = inst.helper(hid).agreement
        new = None if kw.get("none") else evolve(ag, **kw)  # type: ignore[arg-type]
        return helper_(hid, agreement=new)(inst)
    return change


def need_(nid: str, **kw: object) -> Change:
    return lambda inst: evolve(inst, needs=[evolve(n, **kw) if n.id == nid else n
                                            for n in inst.needs])


def add_need(n: Need) -> Change:
    return lambda inst: evolve(inst, needs=[*inst.needs, n])


def resident_(rid: str, **kw: object) -> Change:
    return lambda inst: evolve(inst, residents=[evolve(r, **kw) if r.id == rid else r
                                                for r in inst.residents])


def category_(cid: str, **kw: object) -> Change:
    return lambda inst: evolve(inst, policy=evolve(inst.policy, categories=[
        evolve(c, **kw) if c.id == cid else c for c in inst.policy.categories]))


def policy_(**kw: object) -> Change:
    return lambda inst: evolve(inst, policy=evolve(inst.policy, **kw))


def service_(**kw: object) -> Change:
    return lambda inst: evolve(inst, services=[evolve(inst.services[0], **kw)])


def both(*changes: Change) -> Change:
    def change(inst: Instance) -> Instance:
        for c in changes:
            inst = c(inst)
        return inst
    return change


def drop(nid: str, day: date, hid: str | None = None) -> PlanChange:
    """Remove the visits of occurrence (nid, day) (only helper hid's, when given)."""
    return lambda inst, res: evolve(res, assignments=[
        a for a in res.assignments
        if not (a.need == nid and a.date == day and (hid is None or a.helper == hid))])


def add(*args: object, **kw: object) -> PlanChange:
    return lambda inst, res: evolve(res, assignments=[*res.assignments,
                                                      visit(inst, *args, **kw)])  # type: ignore[arg-type]


def replace(nid: str, day: date, hid: str, *args: object, **kw: object) -> PlanChange:
    def change(inst: Instance, res: Result) -> Result:
        res = drop(nid, day, hid)(inst, res)
        return add(*args, **kw)(inst, res)
    return change


def edit(nid: str, day: date, hid: str, **kw: object) -> PlanChange:
    return lambda inst, res: evolve(res, assignments=[
        evolve(a, **kw) if (a.need, a.date, a.helper) == (nid, day, hid) else a
        for a in res.assignments])


def plan(**kw: object) -> PlanChange:
    return lambda inst, res: evolve(res, **kw)


def chain(*changes: PlanChange) -> PlanChange:
    def change(inst: Instance, res: Result) -> Result:
        for c in changes:
            res = c(inst, res)
        return res
    return change


def same(inst: Instance) -> Instance:
    return inst


def keep(inst: Instance, res: Result) -> Result:
    return res


def codes(inst_change: Change = same, plan_change: PlanChange = keep) -> set[str]:
    inst = inst_change(base_instance())
    return {v.code for v in check(inst, plan_change(inst, base_result(inst)))}


# The valid plan ----------------------------------------------------------------------------
def test_base_plan_is_valid() -> None:
    inst = base_instance()
    assert check(inst, base_result(inst)) == []


def test_base_plan_has_one_visit_in_summer_time() -> None:
    inst = base_instance()
    dst = [a for a in base_result(inst).assignments if a.need == "dst"]
    assert [a.start.isoformat() for a in dst] == ["2026-03-29T09:00:00+02:00"]


# One constraint broken at a time --------------------------------------------------------------
BROKEN: list[tuple[str, Change, PlanChange, set[str]]] = [
    # 1. professional-only needs are referred (the need then also lacks its referral).
    ("1_professional_only", category_("shopping", professional_only=True), keep,
     {"professional_only", "missing_referral", "referred_need_listed"}),
    # 2. H1
    ("H1_no_rsps", creds("h1", rsps_checked_on=None), keep, {"child_protection"}),
    ("H1_krk_after_start", creds("h1", krk_presented_on=date(2026, 3, 26)), keep,
     {"child_protection"}),
    ("H1_abroad_without_foreign_record", creds("h1", lived_abroad_recently=True), keep,
     {"child_protection"}),
    ("H1_need_flag", need_("walk", involves_minors=True), keep, {"child_protection"}),
    # Checks "before the start": a date on the visit's own day does not show that (default).
    ("H1_checked_on_the_day", creds("h1", rsps_checked_on=WED, krk_presented_on=WED), keep,
     {"child_protection"}),
    # 3. H2
    ("H2_no_agreement", agreement("h2", none=True), keep, {"no_agreement"}),
    ("H2_category", agreement("h2", categories=["companionship"]), keep,
     {"agreement_category"}),
    ("H2_dates", agreement("h2", valid_to=date(2026, 3, 28)), keep, {"agreement_dates"}),
    # The span of service: earlier approved service (Feb 1) and this week's visits, 57 days.
    ("H2_not_written", both(agreement("h2", written=False), prior("h2", date(2026, 2, 1))),
     keep, {"agreement_not_written"}),
    ("H2_open_not_written",
     both(agreement("h2", written=False, valid_to=None), prior("h2", date(2026, 2, 20))), keep,
     {"agreement_not_written"}),
    # 4. H3
    ("H3_short_no_nnw", creds("h2", nnw_valid_from=None, nnw_valid_to=None), keep,
     {"accident_insurance"}),
    ("H3_nnw_not_over_the_earlier_service",
     both(creds("h2", nnw_valid_from=date(2026, 3, 15)), prior("h2", date(2026, 3, 10))), keep,
     {"accident_insurance"}),
    ("H3_nnw_ends_inside_the_span", creds("h2", nnw_valid_to=date(2026, 3, 28)), keep,
     {"accident_insurance"}),
    ("H3_service_since_a_recent_agreement",
     both(policy_(service_since_agreement=True), agreement("h2", valid_from=date(2026, 3, 10)),
          creds("h2", nnw_valid_from=None, nnw_valid_to=None)), keep, {"accident_insurance"}),
    ("H2_oral_since_january", both(policy_(service_since_agreement=True),
                                   agreement("h2", written=False)), keep,
     {"agreement_not_written"}),
    ("H3_nnw_starts_late",
     both(agreement("h2", valid_from=date(2026, 3, 10), valid_to=date(2026, 4, 8)),
          creds("h2", nnw_valid_from=date(2026, 3, 27), nnw_valid_to=date(2026, 12, 31))),
     keep, {"accident_insurance"}),
    ("H3_nnw_ends_early",
     both(agreement("h2", valid_from=date(2026, 3, 10), valid_to=date(2026, 4, 8)),
          creds("h2", nnw_valid_to=date(2026, 3, 28))),
     keep, {"accident_insurance"}),
    # 5. H5
    ("H5_no_briefing", creds("h1", bhp_briefed_on=None), keep, {"safety_briefing"}),
    ("H5_briefed_on_the_day", creds("h1", bhp_briefed_on=TUE), keep, {"safety_briefing"}),
    ("H5_briefed_after", creds("h1", bhp_briefed_on=date(2026, 3, 25)), keep,
     {"safety_briefing"}),
    # 6. H6
    ("H6_no_consent", helper_("h3", guardian_consent=False), keep, {"minor_consent"}),
    ("H6_minor_alone_personal_care", same, replace("care", FRI, "h4", "care", "h3", FRI, "08:00"),
     {"minor_personal_care"}),
    # 7. H7
    ("H7_not_accepted", resident_("r1", accepted_neighbours=[]), keep, {"neighbour_rules"}),
    ("H7_family", helper_("h4", family_of=["r1"]), keep, {"neighbour_rules"}),
    ("H7_same_household", both(helper_("h4", household="hh1"), resident_("r1", household="hh1")),
     keep, {"neighbour_rules"}),
    ("H7_too_far_to_walk", policy_(neighbour_max_walk_minutes=1), keep, {"neighbour_rules"}),
    ("H7_organiser", creds("h4", organiser_accepted_on=None), keep, {"neighbour_rules"}),
    ("H7_minor", helper_("h4", is_minor=True, guardian_consent=True), keep,
     {"neighbour_rules", "minor_personal_care"}),
    # 8. H8
    ("H8_resident_veto", resident_("r1", vetoes=["h1"]), keep, {"resident_veto"}),
    ("H8_helper_vetoes_resident", helper_("h1", vetoes_residents=["r1"]), keep, {"helper_veto"}),
    ("H8_helper_vetoes_category", helper_("h1", vetoes_categories=["shopping"]), keep,
     {"helper_veto"}),
    # 9. H9 (h2 holds the qualification, so the need is not referred)
    ("H9_qualification",
     both(need_("shop", required_qualifications=["nurse"]),
          helper_("h2", qualifications=["nurse"])),
     keep, {"qualification"}),
    # 10. credentials of the category
    ("10_first_aid",
     both(category_("shopping", requires_credentials=["first_aid"]),
          creds("h1", first_aid_valid_to=None)), keep, {"credential"}),
    ("10_fitness",
     both(category_("shopping", requires_credentials=["fitness_declaration"]),
          creds("h1", fitness_declared_on=date(2026, 3, 24) + timedelta(days=1))), keep,
     {"credential"}),
    # 11. skills and languages
    ("11_skill", need_("shop", required_skills=["driving"]), keep, {"skill"}),
    ("11_language_required", need_("shop", required_languages=["uk"]), keep, {"language"}),
    ("11_language_resident", resident_("r2", languages=["uk"]), keep, {"language"}),
    # 12. travel
    ("12_required_mode", need_("shop", required_mode="car"), keep, {"travel_mode"}),
    ("12_mode_not_owned", same, edit("shop", TUE, "h1", mode="bike"), {"travel_mode"}),
    ("12_too_far", helper_("h1", max_travel_minutes=1), keep, {"too_far"}),
    ("12_travel_minutes", same, edit("shop", TUE, "h1", travel_minutes=7.5),
     {"wrong_travel_minutes"}),
    ("12_not_fastest", helper_("h1", modes=["walk", "bike"]), keep, {"not_fastest_mode"}),
    # 13. absences
    ("13_absent", helper_("h1", unavailable=[DateRange(TUE, TUE)]), keep, {"absent"}),
    # 14. H10 IPUS
    ("14_ipus", need_("shop", ipus=Ipus("i1", date(2026, 3, 25), date(2026, 6, 30))), keep,
     {"outside_ipus"}),
    # 15. times
    ("15_duration", same, replace("shop", TUE, "h1", "shop", "h1", TUE, "09:00", minutes=75),
     {"wrong_duration"}),
    ("15_outside_need_window", same, replace("shop", TUE, "h1", "shop", "h1", TUE, "11:30"),
     {"no_common_time"}),
    ("15_outside_availability",
     helper_("h1", availability=[w for w in ALL_WEEK if w.day != "tue"]
             + [WeeklyWindow("tue", "09:30", "20:00")]), keep, {"no_common_time"}),
    # 16. k helpers
    ("16_one_of_two", same, drop("repair", THU, "h2"), {"not_enough_helpers"}),
    ("16_three_of_two", same, add("repair", "h3", THU, "10:00"), {"not_enough_helpers"}),
    ("16_different_times", same,
     replace("repair", THU, "h2", "repair", "h2", THU, "10:15"), {"not_enough_helpers"}),
    ("16_same_helper_twice", same,
     replace("repair", THU, "h2", "repair", "h1", THU, "10:00"), {"not_enough_helpers", "busy"}),
    # 17. a helper in one place at a time
    ("17_overlap", add_need(need("x", "r2", "shopping", TUE, ("09:00", "12:00"), 60)),
     add("x", "h1", TUE, "09:30"), {"busy"}),
    ("17_no_time_to_travel", add_need(need("x", "r2", "shopping", TUE, ("09:00", "12:00"), 60)),
     add("x", "h1", TUE, "10:00"), {"busy"}),
    ("17_same_place_needs_within_place_minutes",
     add_need(need("x", "r1", "walk", TUE, ("09:00", "12:00"), 60)),
     add("x", "h1", TUE, "10:00"), {"busy"}),
    # 18. a resident's day
    ("18_resident_overlap", add_need(need("x", "r1", "companionship", TUE, ("09:00", "12:00"), 60)),
     add("x", "h2", TUE, "09:30"), {"busy"}),
    ("18_formal_visit", add_need(need("x", "r1", "shopping", MON, ("09:00", "12:00"), 60)),
     add("x", "h1", MON, "09:30"), {"formal_clash"}),
    # 19-21. caps and limits
    ("19_hours_cap", helper_("h1", weekly_hours_cap=3.5), keep, {"hours_cap"}),
    ("19_agreement_cap", agreement("h1", weekly_hours_cap=3), keep, {"hours_cap"}),
    ("20_max_residents", helper_("h1", max_residents=1), keep, {"max_residents"}),
    ("21_pus_limit", category_("home_repair", pus_hours_limit=3.5), keep, {"pus_limit"}),
    # 22. formal services
    ("22_assigned_though_covered", same,
     chain(plan(covered=[]), add("comp", "h1", MON, "10:00")), {"duplicates_formal_service"}),
    ("22_unmet_though_covered", same,
     plan(covered=[], unmet=[Unmet("late", SAT, []), Unmet("comp", MON, [])]),
     {"should_be_covered"}),
    ("22_covered_but_not", same,
     plan(unmet=[], covered=[Covered("comp", MON, "care-1"), Covered("late", SAT, "care-1")]),
     {"bad_covered"}),
    ("22_service_not_valid_then", service_(valid=DateRange(TUE, SUN)), keep, {"bad_covered"}),
    ("22_windows_do_not_overlap", service_(schedule=[WeeklyWindow("mon", "07:00", "09:00")]),
     keep, {"bad_covered"}),
    ("22_unknown_service", same, plan(covered=[Covered("comp", MON, "care-9")]),
     {"unknown_service"}),
    # 23. referrals
    ("23_missing_referral", same,
     plan(referrals=[Referral("legal", "no_qualified_helper")],
          unmet=[Unmet("late", SAT, []), Unmet("psy", WED, [])]),
     {"missing_referral", "referred_need_listed"}),
    ("23_referred_wrongly", same,
     chain(drop("shop", TUE), plan(referrals=[Referral("psy", "professional_only"),
                                              Referral("legal", "no_qualified_helper"),
                                              Referral("shop", "no_qualified_helper")])),
     {"bad_referral", "missing_occurrence"}),
    ("23_wrong_reason", same,
     plan(referrals=[Referral("psy", "no_qualified_helper"),
                     Referral("legal", "no_qualified_helper")]), {"bad_referral"}),
    ("23_twice", same,
     plan(referrals=[Referral("psy", "professional_only"), Referral("psy", "professional_only"),
                     Referral("legal", "no_qualified_helper")]), {"duplicate_referral"}),
    ("23_qualification_now_held", helper_("h2", qualifications=["lawyer"]), keep,
     {"bad_referral", "missing_occurrence"}),
    # 24. completeness
    ("24_missing", same, plan(unmet=[]), {"missing_occurrence"}),
    ("24_weekly_occurrence_missing", same, drop("walk", THU), {"missing_occurrence"}),
    ("24_twice", same, plan(unmet=[Unmet("late", SAT, []), Unmet("shop", TUE, [])]),
     {"duplicate_occurrence"}),
    ("24_unmet_twice", same, plan(unmet=[Unmet("late", SAT, []), Unmet("late", SAT, [])]),
     {"duplicate_occurrence"}),
    ("24_unknown_need", same, plan(unmet=[Unmet("late", SAT, []), Unmet("nope", SAT, [])]),
     {"unknown_need"}),
    ("24_no_such_date", same, plan(unmet=[Unmet("late", SAT, []), Unmet("late", FRI, [])]),
     {"unknown_occurrence"}),
    ("24_weekly_ends_early",
     need_("walk", recurrence=Recurrence.weekly("tue", "thu", end=TUE)), keep,
     {"unknown_occurrence"}),
    ("24_unknown_helper", same, edit("shop", TUE, "h1", helper="hx"), {"unknown_helper"}),
    # 25. required needs
    ("25_required_unmet", need_("late", required=True), keep, {"required_unmet"}),
    ("25_required_referred", need_("psy", required=True), keep, {"required_unmet"}),
]


@pytest.mark.parametrize(("case", "inst_change", "plan_change", "expected"), BROKEN,
                         ids=[c[0] for c in BROKEN])
def test_each_broken_constraint_is_flagged(case: str, inst_change: Change,
                                           plan_change: PlanChange, expected: set[str]) -> None:
    assert codes(inst_change, plan_change) == expected


#: The practical constraint groups of the checker's own codes (module docstring of plan.check).
CHECKER_GROUPS = {"time", "travel", "completeness", "formal", "referral"}


@pytest.mark.parametrize(("case", "inst_change", "plan_change", "expected"), BROKEN,
                         ids=[c[0] for c in BROKEN])
def test_a_violation_names_the_constraint_of_its_reason(case: str, inst_change: Change,
                                                        plan_change: PlanChange,
                                                        expected: set[str]) -> None:
    inst = inst_change(base_instance())
    found = check(inst, plan_change(inst, base_result(inst)))
    assert found
    reasons = {r.value for r in Reason}
    for v in found:
        if v.code in reasons:
            assert v.constraint == Reason(v.code).constraint
        else:
            assert v.constraint in CHECKER_GROUPS
    if case.startswith("H") and case[1].isdigit():  # the design's numbered constraints
        assert case.split("_")[0] in {v.constraint for v in found}


# Exemptions and edge cases that must NOT be flagged --------------------------------------------
FINE: list[tuple[str, Change, PlanChange]] = [
    ("H1_family_exempt", both(creds("h1", rsps_checked_on=None, krk_presented_on=None),
                              helper_("h1", family_of=["r2"])), keep),
    ("H1_checked_on_the_day_when_the_policy_allows",
     both(creds("h1", rsps_checked_on=WED, krk_presented_on=WED),
          policy_(checks_on_visit_day=True)), keep),
    ("H5_briefed_on_the_day_when_the_policy_allows",
     both(creds("h1", bhp_briefed_on=TUE), policy_(checks_on_visit_day=True)), keep),
    ("H7_household_shared_by_a_volunteer_is_fine",
     both(helper_("h1", household="hh1"), resident_("r1", household="hh1")), keep),
    ("H9_qualified_helper_who_cannot_be_matched_still_referred",
     helper_("h2", qualifications=["lawyer"], unavailable=[DateRange(MON, SUN)]),
     chain(drop("repair", THU), drop("dst", SUN),
           plan(unmet=[Unmet("late", SAT, []), Unmet("repair", THU, []),
                       Unmet("dst", SUN, [])]))),
    ("H1_abroad_with_foreign_record",
     creds("h1", lived_abroad_recently=True, foreign_record_on=date(2026, 2, 1)), keep),
    ("H2_short_unwritten_with_nnw",
     both(agreement("h2", valid_from=date(2026, 3, 10), valid_to=date(2026, 4, 8), written=False),
          creds("h2", nnw_valid_to=date(2026, 12, 31))), keep),
    ("H3_not_for_service_since_january",
     both(policy_(service_since_agreement=True), creds("h1", nnw_valid_to=date(2026, 1, 31))),
     keep),
    ("H3_not_for_service_over_30_days",
     both(creds("h1", nnw_valid_to=date(2026, 1, 31)), prior("h1", date(2026, 2, 1))), keep),
    ("H3_nnw_over_earlier_service_and_the_week",
     both(creds("h2", nnw_valid_from=date(2026, 3, 10)), prior("h2", date(2026, 3, 10))), keep),
    ("H2_prior_service_under_an_earlier_agreement_does_not_count",
     both(agreement("h2", written=False, valid_from=date(2026, 3, 1)),
          prior("h2", date(2026, 1, 15))), keep),
    ("H3_not_for_neighbour_service",
     agreement("h4", valid_from=date(2026, 3, 1), valid_to=date(2026, 3, 30)), keep),
    ("H6_minor_with_adult",
     need_("care", helpers_needed=2),
     chain(drop("care", FRI), add("care", "h3", FRI, "08:00"), add("care", "h4", FRI, "08:00"))),
    ("H6_policy_allows_minor_alone", policy_(minors_solo_personal_care=True),
     replace("care", FRI, "h4", "care", "h3", FRI, "08:00")),
    ("11_resident_language_shared", resident_("r2", languages=["uk", "pl"]), keep),
    ("12_fastest_mode_used", helper_("h1", modes=["walk", "bike"]),
     chain(replace("homework", WED, "h1", "homework", "h1", WED, "16:00", mode="bike"),
           replace("repair", THU, "h1", "repair", "h1", THU, "10:00", mode="bike"))),
    ("17_enough_time_to_travel",
     add_need(need("x", "r2", "shopping", TUE, ("09:00", "12:00"), 60)),
     add("x", "h1", TUE, "10:05")),
    ("17_touching_same_place_without_travel",
     both(add_need(need("x", "r1", "walk", TUE, ("09:00", "12:00"), 60)),
          policy_(travel=TravelSettings(within_place_minutes=0))),
     add("x", "h1", TUE, "10:00")),
    ("17_different_days_need_no_travel_gap",
     both(add_need(need("x1", "r1", "walk", TUE, ("23:00", "24:00"), 60)),
          add_need(need("x2", "r2", "walk", WED, ("00:00", "01:00"), 60)),
          helper_("h2", availability=[WeeklyWindow(d, "00:00", "24:00") for d in Weekday])),
     chain(add("x1", "h2", TUE, "23:00"), add("x2", "h2", WED, "00:00"))),
    ("18_resident_touching",
     add_need(need("x", "r1", "companionship", TUE, ("09:00", "12:00"), 60)),
     add("x", "h2", TUE, "10:00")),
    ("18_formal_visit_touching",
     add_need(need("x", "r1", "shopping", MON, ("09:00", "12:00"), 60)),
     add("x", "h1", MON, "10:00")),
    ("19_cap_exactly_used", helper_("h1", weekly_hours_cap=4), keep),
    ("20_max_residents_exactly", helper_("h1", max_residents=2), keep),
    ("21_pus_limit_exactly", category_("home_repair", pus_hours_limit=4), keep),
    ("22_service_covering_other_category", service_(covers=[]),
     chain(plan(covered=[]), add("comp", "h1", MON, "10:00"))),
    ("25_required_assigned_or_covered", both(need_("shop", required=True),
                                             need_("comp", required=True)), keep),
]


@pytest.mark.parametrize(("case", "inst_change", "plan_change"), FINE, ids=[c[0] for c in FINE])
def test_exemption_is_not_flagged(case: str, inst_change: Change, plan_change: PlanChange) -> None:
    inst = inst_change(base_instance())
    res = plan_change(inst, base_result(inst))
    assert res != base_result(inst) or inst != base_instance()  # the case changes something
    assert check(inst, res) == []


# DST ----------------------------------------------------------------------------------------
def test_dst_visit_with_the_right_offset_passes_and_one_hour_off_is_flagged() -> None:
    inst = base_instance()
    res = base_result(inst)
    right = evolve(res, assignments=[
        evolve(a, start="2026-03-29T09:00:00+02:00", end="2026-03-29T10:00:00+02:00")
        if a.need == "dst" else a for a in res.assignments])
    assert check(inst, right) == []
    winter = timezone(timedelta(hours=1))  # the offset before the clocks changed: 1 hour off
    wrong = evolve(res, assignments=[
        evolve(a, start=datetime(2026, 3, 29, 9, tzinfo=winter),
               end=datetime(2026, 3, 29, 10, tzinfo=winter))
        if a.need == "dst" else a for a in res.assignments])
    found = check(inst, wrong)
    assert [(v.code, v.need, v.helper, v.date) for v in found] == [
        ("no_common_time", "dst", "h2", SUN)]
    assert "outside every window of the need" in found[0].message


def test_window_across_spring_forward_is_shorter_in_real_minutes() -> None:
    # 01:00-04:00 wall clock on 2026-03-29 is only 120 real minutes.
    inst = both(add_need(need("night", "r2", "companionship", SUN, ("01:00", "04:00"), 120)),
                helper_("h2", availability=[*ALL_WEEK[:6], WeeklyWindow("sun", "00:00", "24:00")]))(
        base_instance())
    ok = add("night", "h2", SUN, "01:00")(inst, base_result(inst))
    night = next(a for a in ok.assignments if a.need == "night")
    assert (night.start.isoformat(), night.end.isoformat()) == (
        "2026-03-29T01:00:00+01:00", "2026-03-29T04:00:00+02:00")
    assert check(inst, ok) == []
    # Starting at 02:00 wall clock (which does not exist: read as 03:00 CEST) runs past 04:00.
    late = add("night", "h2", SUN, "02:30")(inst, base_result(inst))
    assert {v.code for v in check(inst, late)} == {"no_common_time"}


# The output itself ------------------------------------------------------------------------------
def test_violations_are_sorted_and_name_what_is_wrong() -> None:
    inst = both(resident_("r1", vetoes=["h1"]), creds("h1", bhp_briefed_on=None))(base_instance())
    found = check(inst, base_result(inst))
    assert found == sorted(found, key=lambda v: (v.need or "", v.date or date.min,
                                                 v.helper or "", v.constraint, v.code, v.message))
    veto = next(v for v in found if v.code == "resident_veto")
    assert veto == Violation("H8", "resident_veto",
                             "helper h1 on need shop on 2026-03-24: resident r1 refuses helper h1",
                             "shop", "h1", TUE)
    assert str(veto).startswith("H8 [resident_veto] helper h1")
    briefing = {(v.need, v.date) for v in found if v.code == "safety_briefing"}
    assert briefing == {("shop", TUE), ("homework", WED), ("repair", THU)}


def test_hours_cap_is_per_iso_week() -> None:
    # Two weeks; h1 has 4 h in the first week and 1 h in the second: a 4-hour cap holds.
    inst = both(policy_(period=DateRange(MON, date(2026, 4, 5))),
                need_("walk", recurrence=Recurrence.weekly("tue", "thu", end=SUN)),
                add_need(need("x", "r1", "shopping", date(2026, 3, 31), ("09:00", "12:00"), 60)),
                helper_("h1", weekly_hours_cap=4))(base_instance())
    res = add("x", "h1", date(2026, 3, 31), "09:00")(inst, base_result(inst))
    assert check(inst, res) == []
    tight = helper_("h1", weekly_hours_cap=3.5)(inst)
    found = [v for v in check(tight, res) if v.code == "hours_cap"]
    assert [(v.helper, v.date) for v in found] == [("h1", MON)]
