"""Issue 12: explanations that are true, and the constraints to the letter of the law.

Near misses are checked by definition: every listed near miss, put into the plan at each start of
the need's windows, breaks exactly one constraint of the independent checker (and never none).
Then one scenario per legal reading and per reason, each penalised and unpenalised.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from builders import CREDS, PERIOD, evolve, helper, instance, need
from cus_match import Assignment, Result
from cus_match.analysis.explain import explain
from cus_match.clock import from_minutes, local_to_minutes
from cus_match.generate import generate
from cus_match.model import (
    DEFAULT_CATEGORIES,
    Agreement,
    Category,
    DateRange,
    FormalService,
    Policy,
    PriorService,
    Recurrence,
    Resident,
    TimeWindow,
    WeeklyWindow,
)
from cus_match.model.instance import Instance
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import Unmet
from cus_match.reasons import Reason
from strategies import instances

TUE = date(2026, 3, 24)

# The per-date reading of the span of service is stricter than the checker's reading of the
# plan's actual span in two documented cases (docs/constraints.md, "The span of service"): an
# oral agreement outside the 30 days from the period's first covered date with no earlier
# service, and insurance over earlier service that the rest of the plan may push past 30 days.
_STRICTER_PER_DATE = {Reason.AGREEMENT_NOT_WRITTEN, Reason.ACCIDENT_INSURANCE}


def _grid(inst: Instance, need_id: str, day: date) -> list[int]:
    """Every start on the policy's step inside the need's windows (absolute minutes)."""
    n, tz, step = inst.need(need_id), inst.policy.timezone, inst.policy.time_step_minutes
    out: set[int] = set()
    for w in n.windows:
        a, b = local_to_minutes(day, w.start, tz), local_to_minutes(day, w.end, tz)
        out.update(range(a, b - n.duration_minutes + 1, step))
    return sorted(out)


def near_miss_failures(inst: Instance, result: Result, u: Unmet, helper_id: str) -> list[set[str]]:
    """Per start of the need, the checker's violation codes once ``helper_id`` takes the visit."""
    n, h, tz = inst.need(u.need), inst.helper(helper_id), inst.policy.timezone
    place = inst.need_place(n)
    allowed = h.modes if n.required_mode is None else h.modes & {n.required_mode}
    best = inst.travel.best(h.home, place, allowed)
    if best is not None:
        minutes, mode = best
    else:  # no allowed way there: go by the required (or own) mode, whatever it takes
        mode = n.required_mode or sorted(h.modes)[0]
        minutes = inst.travel.minutes(h.home, place, mode) or 0.0
    rest = [x for x in result.unmet if (x.need, x.date) != (u.need, u.date)]
    # Only the visits that can interact with this one: the helper's, the resident's, and the
    # category's when it has a PUS limit (the checker is fast, but town has ~1700 near misses).
    # What the reduced plan breaks already (occurrences it leaves out, a required need unmet)
    # is not the helper's doing: only new violations count.
    pus = inst.category(n.category).pus_hours_limit is not None
    keys = {(a.need, a.date) for a in result.assignments
            if a.helper == helper_id or (n.resident is not None
                                         and inst.need(a.need).resident == n.resident)
            or (pus and inst.need(a.need).category == n.category)}
    needs = {k[0] for k in keys} | {u.need}
    inst = attrs.evolve(inst, needs=[x for x in inst.needs if x.id in needs])
    result = attrs.evolve(
        result, assignments=[a for a in result.assignments if (a.need, a.date) in keys],
        covered=[c for c in result.covered if c.need in needs],
        referrals=[x for x in result.referrals if x.need in needs])
    rest = [x for x in rest if x.need in needs]
    before = set(check(inst, attrs.evolve(result, unmet=rest)))
    out = []
    for s in _grid(inst, u.need, u.date):
        a = Assignment(u.need, u.date, helper_id, from_minutes(s, tz),
                       from_minutes(s + n.duration_minutes, tz), travel_minutes=minutes,
                       mode=mode)
        plan = attrs.evolve(result, assignments=[*result.assignments, a], unmet=rest)
        codes = {v.code for v in check(inst, plan) if v not in before}
        if n.helpers_needed > 1:  # one helper of a team: the team's size is not theirs to fix
            codes.discard("not_enough_helpers")
        out.append(codes)
    return out


def assert_near_misses_by_definition(inst: Instance, result: Result) -> int:
    """Every near miss fails exactly one constraint at some start, and none fits outright."""
    seen = 0
    for u in result.unmet:
        for nm in u.near_misses:
            seen += 1
            per_start = near_miss_failures(inst, result, u, nm.helper)
            what = f"{nm.helper} for {u.need} on {u.date} ({nm.reason.value}): {per_start}"
            if nm.reason in _STRICTER_PER_DATE and set() in per_start:
                continue
            assert set() not in per_start, f"fits outright: {what}"
            assert {nm.reason.value} in per_start, f"not exactly one failing: {what}"
        assert len({nm.helper for nm in u.near_misses}) == len(u.near_misses)
        ranks = [nm.reason.fix_rank for nm in u.near_misses]
        assert ranks == sorted(ranks), "near misses come easiest fix first"
    return seen


# Near misses by definition ----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("profile", ["rural", "town"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_misses_fail_exactly_one_constraint_on_generated_gminas(profile, seed):
    inst = generate(profile, seed=seed)
    result = solve(inst, method="greedy")
    assert assert_near_misses_by_definition(inst, result) > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(flaw_rate=40, max_helpers=6, max_needs=6))
def test_near_misses_fail_exactly_one_constraint_on_hypothesis_instances(inst):
    assert_near_misses_by_definition(inst, solve(inst, method="greedy"))


def test_the_issue_example_child_protection_dated_after_the_visit_is_no_near_miss():
    # Issue 12: h-00022 was listed as missing only the agreement category, though its
    # child-protection check was dated after the visit. Now it is counted on both.
    late = evolve(CREDS, rsps_checked_on="2026-03-26")
    shop_only = Agreement("2026-01-01", written=True, categories=["shopping"])
    inst = instance([helper("h1", agreement=shop_only, credentials=late)],
                    [need("n1", category="homework_help")])
    (u,) = solve(inst, method="greedy").unmet
    assert u.near_misses == ()
    assert {rc.reason: rc.helpers for rc in u.reasons} == {
        Reason.AGREEMENT_CATEGORY: 1, Reason.CHILD_PROTECTION: 1}


def test_a_helper_busy_and_over_hours_is_no_near_miss_but_counted_twice():
    hs = [helper("h1", weekly_hours_cap=1)]
    hour = [TimeWindow("09:00", "10:00")]
    inst = instance(hs, [need("a", priority=3, windows=hour), need("b", priority=1,
                                                                   windows=hour)])
    r = solve(inst, method="greedy")
    (u,) = r.unmet
    assert {rc.reason for rc in u.reasons} == {Reason.HOURS_CAP, Reason.BUSY}
    assert u.near_misses == ()


def test_near_misses_rank_the_easiest_fix_first_and_explain_says_so():
    # A nearer helper is vetoed (nobody may change that), a farther one lacks insurance.
    near_home = helper("h1")
    # Agreed five days ago: five days of service, which need insurance.
    far_home = helper("h2", home="b", credentials=evolve(CREDS, nnw_valid_to=None,
                                                         nnw_valid_from=None),
                      agreement=Agreement("2026-03-20", written=True, categories=["shopping"]))
    inst = instance([near_home, far_home], [need("n1")],
                    residents=[Resident("r1", home="a", vetoes=["h1"]),
                               Resident("r2", home="b")])
    r = solve(inst, method="greedy")
    (u,) = r.unmet
    assert [(m.helper, m.reason) for m in u.near_misses] == [
        ("h2", Reason.ACCIDENT_INSURANCE), ("h1", Reason.RESIDENT_VETO)]
    assert u.main_reason is Reason.ACCIDENT_INSURANCE
    en = explain(inst, r, "n1").text
    assert "easiest fix first" in en
    assert "Main reason (the most actionable): no accident insurance" in en
    pl = explain(inst, r, "n1", lang="pl").text
    assert "najpierw najłatwiejsze do zmiany" in pl
    assert "Główna przyczyna (na którą można najłatwiej wpłynąć): brak ubezpieczenia NNW" in pl


def test_report_and_explain_name_the_same_main_reason():
    from cus_match.report.tables import plan_tables

    inst = generate("rural", seed=1)
    r = solve(inst, method="greedy")
    u = next(u for u in r.unmet if u.near_misses)
    tables = {t.key: t for t in plan_tables(inst, r, lang="en")}
    rows = [row for row in tables["unmet"].rows if u.need in row and u.date in row]
    assert rows
    assert all(u.main_reason.text("en") in row for row in rows)
    assert f"Main reason (the most actionable): {u.main_reason.text('en')}" in explain(
        inst, r, u.need).text


# Right cause ------------------------------------------------------------------------------------

def _formal(schedule: list[WeeklyWindow]) -> list[FormalService]:
    return [FormalService("care-1", provider="GOPS", category="personal_care",
                          recipients=["r1"], covers=[], schedule=schedule)]


def test_a_visit_blocked_only_by_the_residents_formal_visit_says_so():
    inst = instance([helper("h1")], [need("n1")],
                    services=_formal([WeeklyWindow("tue", "08:30", "12:00")]))
    (u,) = solve(inst, method="greedy").unmet
    assert u.main_reason is Reason.FORMAL_CLASH
    assert [(m.helper, m.reason) for m in u.near_misses] == [("h1", Reason.FORMAL_CLASH)]
    assert "formal service" in Reason.FORMAL_CLASH.text("en")


def test_a_formal_visit_leaving_room_does_not_block():
    inst = instance([helper("h1")], [need("n1")],
                    services=_formal([WeeklyWindow("tue", "08:00", "10:00")]))
    r = solve(inst, method="greedy")
    assert not r.unmet
    assert r.assignments[0].start.hour == 10


def _pus(hours: float) -> list[Category]:
    return [attrs.evolve(c, pus_hours_limit=hours) if c.id == "shopping" else c
            for c in DEFAULT_CATEGORIES]


def test_the_pus_limit_is_reported_as_such():
    cats = _pus(1)
    inst = instance([helper("h1"), helper("h2")], [need("a", priority=2), need("b")],
                    policy=Policy(period=PERIOD, categories=cats))
    r = solve(inst, method="greedy")
    (u,) = r.unmet
    assert u.main_reason is Reason.PUS_LIMIT
    assert Reason.NOT_ENOUGH_HELPERS not in {rc.reason for rc in u.reasons}


def test_room_in_the_pus_limit_meets_both():
    cats = _pus(2)
    inst = instance([helper("h1"), helper("h2")], [need("a"), need("b")],
                    policy=Policy(period=PERIOD, categories=cats))
    assert not solve(inst, method="greedy").unmet


# The law, each choice explicit in Policy ------------------------------------------------------

def _homework(**creds: object) -> Instance:
    return instance([helper("h1", credentials=evolve(CREDS, **creds))],
                    [need("n1", category="homework_help")])


def test_child_protection_check_dated_on_the_visit_day_is_refused_by_default():
    inst = _homework(rsps_checked_on=TUE)
    (u,) = solve(inst, method="greedy").unmet
    assert u.main_reason is Reason.CHILD_PROTECTION


def test_child_protection_check_on_the_visit_day_with_the_policy_switch():
    inst = _homework(rsps_checked_on=TUE)
    inst = attrs.evolve(inst, policy=attrs.evolve(inst.policy, checks_on_visit_day=True))
    assert solve(inst, method="greedy").assignments


def test_safety_briefing_on_the_visit_day_is_refused_by_default_and_allowed_by_switch():
    inst = instance([helper("h1", credentials=evolve(CREDS, bhp_briefed_on=TUE))], [need("n1")])
    assert solve(inst, method="greedy").unmet[0].main_reason is Reason.SAFETY_BRIEFING
    inst = attrs.evolve(inst, policy=attrs.evolve(inst.policy, checks_on_visit_day=True))
    assert solve(inst, method="greedy").assignments


def _oral(prior: list[str] | None = None, **creds: object) -> Instance:
    h = helper("h1", agreement=Agreement("2026-01-01", written=False, categories=["shopping"]),
               credentials=evolve(CREDS, **creds))
    # The strict reading: only the dates of service known (no start on the agreement's day).
    policy = Policy(period=PERIOD, prior_service=[PriorService("h1", prior)] if prior else [],
                    service_since_agreement=False)
    return instance([h], [need("n1")], policy=policy)


def test_by_default_service_runs_from_the_agreements_first_day():
    def oral(since: str) -> Instance:
        h = helper("h1", agreement=Agreement(since, written=False, categories=["shopping"]))
        return instance([h], [need("n1")])

    (u,) = solve(oral("2026-01-01"), method="greedy").unmet  # serving since January
    assert u.main_reason is Reason.AGREEMENT_NOT_WRITTEN
    assert solve(oral("2026-03-16"), method="greedy").assignments  # nine days of service
    # Insurance: needed for nine days of service, not for three months.
    no_nnw = evolve(CREDS, nnw_valid_from=None, nnw_valid_to=None)
    recent = helper("h1", credentials=no_nnw,
                    agreement=Agreement("2026-03-16", written=True, categories=["shopping"]))
    (u,) = solve(instance([recent], [need("n1")]), method="greedy").unmet
    assert u.main_reason is Reason.ACCIDENT_INSURANCE
    long_ago = helper("h1", credentials=no_nnw)
    assert solve(instance([long_ago], [need("n1")]), method="greedy").assignments


def test_an_open_ended_oral_agreement_serves_a_week():
    assert solve(_oral(), method="greedy").assignments


def test_an_oral_agreement_beyond_30_days_of_service_needs_writing():
    (u,) = solve(_oral(prior=["2026-02-10"]), method="greedy").unmet
    assert u.main_reason is Reason.AGREEMENT_NOT_WRITTEN


def test_a_written_agreement_beyond_30_days_needs_no_insurance():
    h = helper("h1", credentials=evolve(CREDS, nnw_valid_from=None, nnw_valid_to=None))
    inst = instance([h], [need("n1")],
                    policy=Policy(period=PERIOD, prior_service=[PriorService("h1",
                                                                             ["2026-02-10"])]))
    r = solve(inst, method="greedy")
    assert r.assignments
    assert check(inst, r) == []


def test_short_service_needs_insurance_over_the_whole_span():
    # Earlier service on 2026-03-17 and this visit: 8 days, insurance only from 2026-03-20.
    (u,) = solve(_oral(prior=["2026-03-17"], nnw_valid_from="2026-03-20"), method="greedy").unmet
    assert u.main_reason is Reason.ACCIDENT_INSURANCE
    assert solve(_oral(prior=["2026-03-17"], nnw_valid_from="2026-03-17"),
                 method="greedy").assignments


def test_the_checker_measures_the_actual_span_of_service():
    # A plan made without the history, checked with it: 2026-02-20..2026-03-24 is 33 days.
    inst = _oral(prior=["2026-02-20"])
    r = solve(attrs.evolve(inst, policy=attrs.evolve(inst.policy, prior_service=[])),
              method="greedy")
    assert {v.code for v in check(inst, r)} == {"agreement_not_written"}


def _neighbour(helper_household: str | None, resident_household: str | None) -> Instance:
    nb = helper("n1h", kind="neighbour_service", household=helper_household,
                agreement=Agreement("2026-01-01", written=True, categories=["neighbour_care"]),
                credentials=evolve(CREDS, organiser_accepted_on="2026-01-10"))
    return instance([nb], [need("c1", category="neighbour_care")],
                    residents=[Resident("r1", home="a", accepted_neighbours=["n1h"],
                                        household=resident_household),
                               Resident("r2", home="b")])


def test_neighbour_service_is_refused_within_the_household():
    (u,) = solve(_neighbour("hh-7", "hh-7"), method="greedy").unmet
    assert u.main_reason is Reason.NEIGHBOUR_RULES


def test_neighbour_service_for_another_household():
    assert solve(_neighbour("hh-7", "hh-8"), method="greedy").assignments
    assert solve(_neighbour(None, "hh-8"), method="greedy").assignments


def test_a_volunteer_may_help_their_own_household():
    h = helper("h1", household="hh-7")
    inst = instance([h], [need("n1")], residents=[Resident("r1", home="a", household="hh-7")])
    assert solve(inst, method="greedy").assignments


def test_referral_when_no_matchable_helper_holds_the_qualification():
    absent = helper("h1", qualifications=["nurse"], unavailable=[DateRange(PERIOD.start,
                                                                           PERIOD.end)])
    inst = instance([absent], [need("n1", required_qualifications=["nurse"])])
    r = solve(inst, method="greedy")
    (ref,) = r.referrals
    assert ref.reason is Reason.NO_QUALIFIED_HELPER
    assert ref.detail.endswith(": nurse")
    assert "Required qualifications: nurse" in explain(inst, r, "n1").text
    no_agreement = helper("h1", qualifications=["nurse"], agreement=None)
    r = solve(instance([no_agreement], [need("n1", required_qualifications=["nurse"])]),
              method="greedy")
    assert [x.reason for x in r.referrals] == [Reason.NO_QUALIFIED_HELPER]


def test_no_referral_when_a_matchable_helper_holds_it():
    inst = instance([helper("h1", qualifications=["nurse"])],
                    [need("n1", required_qualifications=["nurse"])])
    r = solve(inst, method="greedy")
    assert not r.referrals
    assert r.assignments


def test_the_household_round_trips_in_json():
    from cus_match.io.json_format import dumps_instance, loads_instance

    inst = _neighbour("hh-7", "hh-8")
    assert loads_instance(dumps_instance(inst)) == inst
    plain = _neighbour(None, None)
    assert "household" not in dumps_instance(plain)  # old documents keep their bytes


def test_prior_service_round_trips_in_json():
    from cus_match.io.json_format import dumps_instance, loads_instance

    inst = _oral(prior=["2026-03-17", "2026-03-10"])
    assert loads_instance(dumps_instance(inst)) == inst
    assert inst.policy.prior_dates("h1") == (date(2026, 3, 10), date(2026, 3, 17))
    assert PERIOD.start - timedelta(days=14) == date(2026, 3, 9)


# docs/constraints.md: precise enough to re-implement, and in step with the code ---------------

_DOC = Path(__file__).resolve().parents[1] / "docs" / "constraints.md"


def _documented_constants() -> dict[str, float]:
    """The "Constants" table of docs/constraints.md: code expression -> value."""
    text = _DOC.read_text(encoding="utf-8")
    table = text.split("## Constants", 1)[1]
    out = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("`") and cells[1][:1].isdigit():
            out[cells[2].strip("`")] = float(cells[1])
    return out


def _code_value(expr: str) -> float:
    from cus_match.model import TravelSettings, eligibility, travel
    from cus_match.plan import check as check_module

    fields = {f.name: f for f in attrs.fields(Policy)}
    values = {
        "cus_match.model.travel.EARTH_RADIUS_KM": travel.EARTH_RADIUS_KM,
        "cus_match.model.eligibility.LONG_SERVICE_DAYS": eligibility.LONG_SERVICE_DAYS,
        "TravelSettings().detour_factor": TravelSettings().detour_factor,
        "TravelSettings().within_place_minutes": TravelSettings().within_place_minutes,
        "Policy.neighbour_max_walk_minutes": fields["neighbour_max_walk_minutes"].default,
        "Policy.time_step_minutes": fields["time_step_minutes"].default,
        "cus_match.plan.check.TOLERANCE_MINUTES": check_module.TOLERANCE_MINUTES,
    }
    values.update({f'TravelSettings().speeds_kmh["{m.value}"]': v
                   for m, v in TravelSettings().speeds_kmh.items()})
    return float(values[expr])


def test_the_documented_constants_are_the_codes():
    documented = _documented_constants()
    assert len(documented) == 11
    for expr, value in documented.items():
        assert _code_value(expr) == value, expr


def test_the_documented_formula_gives_the_codes_travel_minutes():
    import math

    from cus_match.model import TravelSettings
    from cus_match.model.travel import great_circle_km

    r = _documented_constants()["cus_match.model.travel.EARTH_RADIUS_KM"]
    lat1, lon1, lat2, lon2 = map(math.radians, (49.483, 22.066, 49.442, 22.118))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    km = 2 * r * math.asin(min(1, math.sqrt(h)))
    assert km == pytest.approx(great_circle_km(49.483, 22.066, 49.442, 22.118), abs=1e-12)
    inst = instance([], [])
    s = TravelSettings()
    assert inst.travel.minutes("a", "b", "walk") == pytest.approx(
        km * s.detour_factor / s.speeds_kmh["walk"] * 60, abs=1e-6)


@pytest.mark.parametrize("question", [
    "great_circle_km", "R = 6371.0088 km", "every pair", "absolute instants",
    "`valid`", "replaces", "## Status", "partial", "span of service", "checks_on_visit_day",
    "household", "matchable", "## Unmet visits: reasons and near misses",
])
def test_the_constraints_doc_answers_the_issues_questions(question):
    assert question in _DOC.read_text(encoding="utf-8")


def test_every_pair_of_visits_needs_its_travel_not_only_consecutive_ones():
    # docs/constraints.md, constraint 17: A 9:00-10:00, B 10:02-10:05, A 10:07 with 2 minutes
    # A-B but 10 minutes within A: consecutive gaps suffice, the pair (A, A) does not.
    from cus_match.model import Place, TravelEdge, TravelSettings

    places = [Place("a", "A"), Place("b", "B")]
    edges = [TravelEdge("a", "b", {"walk": 2})]
    policy = Policy(period=PERIOD, travel=TravelSettings(within_place_minutes=10))
    needs = [need("x1", windows=[TimeWindow("09:00", "10:00")]),
             need("x2", resident="r2", windows=[TimeWindow("10:00", "11:00")],
                  duration_minutes=3),
             need("x3", resident="r3", windows=[TimeWindow("10:00", "12:00")])]
    inst = instance([helper("h1")], needs, places=places, travel_edges=edges, policy=policy,
                    residents=[Resident("r1", home="a"), Resident("r2", home="b"),
                               Resident("r3", home="a")])
    tz = inst.policy.timezone

    def at(nid: str, hh: int, mm: int, minutes: int) -> Assignment:
        s = local_to_minutes(TUE, time(hh, mm), tz)
        home_to = inst.travel.minutes("a", inst.need_place(inst.need(nid)), "walk")
        return Assignment(nid, TUE, "h1", from_minutes(s, tz), from_minutes(s + minutes, tz),
                          travel_minutes=home_to, mode="walk")

    plan = Result("feasible", method="by hand", rule="none",
                  assignments=[at("x1", 9, 0, 60), at("x2", 10, 2, 3), at("x3", 10, 7, 60)])
    found = check(inst, plan)
    assert [(v.code, v.need) for v in found] == [("busy", "x3")]


# Right status -----------------------------------------------------------------------------------

# flow said "feasible" here before the solve path gave every method the same status rule.
@pytest.mark.parametrize("method", ["cpsat", "flow", "auto"])
def test_objective_equal_to_a_proven_bound_is_optimal(method):
    inst = instance([helper("h1"), helper("h2", home="b")],
                    [need("n1"), need("n2", resident="r2")])
    r = solve(inst, method=method)
    assert r.bound is not None
    assert r.objective == r.bound
    assert r.status == "optimal"


def test_a_required_need_left_unmet_without_proof_is_partial():
    inst = instance([helper("h1", weekly_hours_cap=1)],
                    [need("n1", required=True), need("n2", required=True)])
    r = solve(inst, method="greedy")
    assert r.status == "partial"


def test_solve_and_check_take_the_span_of_service_from_the_history_store(tmp_path, capsys):
    from cus_match.cli.main import main
    from cus_match.io.json_format import dump_instance, load_result
    from cus_match.store import HistoryStore

    inst = _oral()  # an open-ended oral agreement: fine for this week alone
    feb = _oral()
    feb = attrs.evolve(feb, policy=attrs.evolve(feb.policy, period=DateRange("2026-02-09",
                                                                             "2026-02-15")),
                       needs=[need("n1", recurrence=Recurrence.once("2026-02-10"))])
    with HistoryStore(tmp_path / "h.sqlite") as store:
        earlier = solve(feb, method="greedy")
        assert earlier.assignments  # served on 2026-02-10, in an approved round
        store.save("w07", feb, earlier, approved_by="k")
        assert store.prior_service(inst.policy.period.start) == (
            PriorService("h1", [a.date for a in earlier.assignments]),)
    dump_instance(inst, tmp_path / "g.json")
    args = ["solve", str(tmp_path / "g.json"), "--method", "greedy", "--quiet", "-o"]
    assert main([*args, str(tmp_path / "alone.json")]) == 0
    assert load_result(tmp_path / "alone.json").assignments
    # With the history the service runs from February: over 30 days, the agreement must be
    # written, so the one visit stays unmet, for the reason the law gives.
    main([*args, str(tmp_path / "with.json"), "--history", str(tmp_path / "h.sqlite")])
    (u,) = load_result(tmp_path / "with.json").unmet
    assert u.main_reason is Reason.AGREEMENT_NOT_WRITTEN
    # The plan made without the history breaks the rule once the history is known.
    capsys.readouterr()
    assert main(["check", str(tmp_path / "g.json"), str(tmp_path / "alone.json"),
                 "--history", str(tmp_path / "h.sqlite")]) == 1
    assert "agreement_not_written" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "g.json"), str(tmp_path / "with.json"),
                 "--history", str(tmp_path / "h.sqlite")]) == 0
