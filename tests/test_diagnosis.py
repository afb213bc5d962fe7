from __future__ import annotations

import pytest
from hypothesis import given, settings

from builders import CREDS, evolve, helper, instance, need
from cus_match import check, solve
from cus_match.analysis.diagnosis import (
    AddHelper,
    Band,
    Extend,
    Extension,
    ExtraHours,
    GapKind,
    MetTotals,
    apply_change,
    candidate_changes,
    format_what_if,
    full_credentials,
    met_totals,
    shortage,
    suggest_changes,
    what_if,
)
from cus_match.analysis.metrics import compute_metrics
from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.generate import generate
from cus_match.model import Category, Ipus, Policy, Recurrence, Resident, TimeWindow
from cus_match.model.occurrences import need_dates
from cus_match.plan.result import Result
from cus_match.reasons import Reason
from strategies import instances

SAT = Recurrence.once("2026-03-28")  # a Saturday in the builders' period


def _minutes(inst, result) -> int:
    """Covered need minutes straight from the assignments, independently of the module."""
    met = {(a.need, a.date) for a in result.assignments}
    return sum(inst.need(n).duration_minutes for n, _ in met)


def _gain(inst, base, changed, again) -> float:
    return (_minutes(changed, again) - _minutes(inst, base)) / 60


@pytest.fixture
def two_gaps():
    """h1 lacks first aid for respite in a; nobody walks to b for shopping there."""
    h1 = helper("h1", name="Anna", credentials=evolve(CREDS, first_aid_valid_to=None),
                modes=["walk"], max_travel_minutes=30)
    h2 = helper("h2", name="Ola", credentials=evolve(CREDS, first_aid_valid_to=None),
                modes=["walk"], max_travel_minutes=30)
    return instance([h1, h2], [
        need("n1", category="respite", recurrence=SAT, duration_minutes=120),
        need("n2", resident="r2", recurrence=SAT),
    ])


def _cell(diag, place, category):
    [c] = [c for c in diag.cells if (c.place, c.category) == (place, category)]
    return c


# Shortage map ------------------------------------------------------------------------------

def test_shortage_cells_name_the_place_time_and_missing_supply(two_gaps):
    plan = solve(two_gaps, method="greedy")
    diag = shortage(two_gaps, plan)
    assert [(c.place, c.category) for c in diag.cells] == [("a", "respite"), ("b", "shopping")]
    respite = _cell(diag, "a", "respite")
    assert (respite.weekday.value, respite.band, respite.visits, respite.hours) == (
        "sat", Band.MORNING, 1, 2.0)
    [gap] = respite.gaps
    assert (gap.kind, gap.value, gap.reason, gap.helpers) == (
        GapKind.CREDENTIAL, "first_aid", Reason.CREDENTIAL, ("h1", "h2"))
    assert gap.everyone  # nobody at all has first aid
    shopping = _cell(diag, "b", "shopping")
    [reach] = shopping.gaps
    # Both fail only the travel limit: near misses now (issue 12), named in the gap.
    assert (reach.kind, reach.value, reach.everyone, reach.helpers) == (
        GapKind.REACH, "b", True, ("h1", "h2"))
    assert diag.visits == 2
    assert diag.hours == 3.0


def test_shortage_text_in_english_and_polish(two_gaps):
    diag = shortage(two_gaps, solve(two_gaps, method="greedy"))
    en = diag.text("en")
    assert "Shortage: 2 unmet visits, 3.0 hours, in 2 places" in en
    assert ("2.0 unmet hours (1 visit) of Respite for a family carer in Bukowsko, "
            "Saturday mornings: no helper has a valid first-aid certificate "
            "(the only obstacle for Anna, Ola)") in en
    assert "Shopping in Nowotaniec, Saturday mornings: no helper within travel limit" in en
    pl = diag.text("pl")
    assert "Niedobór pomocy: 2 wizyty bez pomocy, 3,0 h, w 2 miejscach" in pl
    assert "Wytchnienie dla opiekuna, Bukowsko, w soboty rano" in pl
    assert "ważnego zaświadczenia o kursie pierwszej pomocy" in pl
    assert "Zakupy, Nowotaniec, w soboty rano: nikt w zasięgu dojazdu" in pl
    assert "r1" not in en + pl
    assert "r2" not in en + pl


def test_near_miss_helpers_named_with_exactly_what_they_lack():
    inst = instance(
        [helper("h1", name="Anna", skills=["lifting"]),  # has the skill: assigned
         helper("h2", name="Ola"),  # lacks the skill only
         helper("h3", name="Jan", languages=["pl"])],  # lacks the skill only, too
        # n2 is another resident's: with n1's resident busy then, the others would fail twice.
        [need("n1", required_skills=["lifting"]),
         need("n2", resident="r2", required_skills=["lifting"],
              windows=[TimeWindow("09:00", "10:00")])])
    plan = solve(inst, method="greedy")
    diag = shortage(inst, plan)
    assert len(plan.unmet) == 1
    [cell] = diag.cells
    skill = next(g for g in cell.gaps if g.kind is GapKind.SKILL)
    assert (skill.value, skill.helpers, skill.everyone) == ("lifting", ("h2", "h3"), False)
    assert "2 near-miss helpers (Ola, Jan) lack the skill 'lifting'" in diag.text("en")
    assert "2 osoby bliskie dopasowania (Ola, Jan): brak umiejętności „lifting”" in diag.text(
        "pl")


def test_language_and_child_protection_gaps():
    inst = instance(
        [helper("h1", credentials=evolve(CREDS, rsps_checked_on=None))],
        [need("n1", category="homework_help", windows=[TimeWindow("15:00", "17:00")]),
         need("n2", resident="r2", windows=[TimeWindow("18:00", "20:00")])],
        residents=[Resident("r1", home="a"), Resident("r2", home="a", languages=["uk"])])
    diag = shortage(inst, solve(inst, method="greedy"))
    homework = _cell(diag, "a", "homework_help")
    assert homework.band is Band.AFTERNOON
    assert [(g.kind, g.value) for g in homework.gaps] == [(GapKind.CREDENTIAL,
                                                           "child_protection")]
    shopping = _cell(diag, "a", "shopping")
    assert shopping.band is Band.EVENING
    assert [(g.kind, g.value) for g in shopping.gaps] == [(GapKind.LANGUAGE, "uk")]
    assert "RSPS" in diag.text("en")
    assert "KRK" in diag.text("pl")


def test_bands_follow_the_earliest_window():
    inst = instance([helper("h1", languages=["de"])],
                    [need("m", windows=[TimeWindow("13:00", "15:00"),
                                        TimeWindow("11:00", "12:00")]),
                     need("e", windows=[TimeWindow("17:00", "19:00")])],
                    residents=[Resident("r1", home="a", languages=["uk"])])
    diag = shortage(inst, solve(inst, method="greedy"))
    assert {c.needs: c.band for c in diag.cells} == {("m",): Band.MORNING, ("e",): Band.EVENING}


def test_records_and_totals_are_tidy(two_gaps):
    diag = shortage(two_gaps, solve(two_gaps, method="greedy"))
    recs = diag.to_records()
    assert recs[0] == {
        "place": "a", "place_name": "Bukowsko", "place_kind": "other", "category": "respite",
        "weekday": "sat", "band": "morning", "visits": 1, "hours": 2.0, "helper_hours": 2.0,
        "weighted_hours": 4.0, "needs": 1, "residents": 1, "main_reason": "credential",
        "missing": "credential:first_aid", "near_miss_helpers": 2}
    gaps = diag.gap_records()
    assert [(g["kind"], g["value"], g["helpers"]) for g in gaps] == [
        ("credential", "first_aid", 2), ("reach", "b", 2)]
    assert diag.totals(("weekday", "band")) == [
        {"weekday": "sat", "band": "morning", "visits": 2, "hours": 3.0, "helper_hours": 3.0,
         "weighted_hours": 6.0}]
    assert [t["place"] for t in diag.totals()] == ["a", "b"]
    with pytest.raises(InvalidOptionError, match="group by"):
        diag.totals(("village",))


def test_referral_for_a_missing_qualification_is_a_shortage_and_ipus_is_not():
    period = instance([], []).policy.period
    policy = Policy(period=period, categories=(
        *Policy(period=period).categories,
        Category("nursing", "Pielęgnacja", "Nursing", required_qualifications=["nurse"])))
    ag = evolve(helper("x").agreement, categories=["shopping", "nursing"])
    inst = instance([helper("h1", agreement=ag)], [
        need("n1", category="nursing"),
        need("n2", recurrence=Recurrence.weekly("mon", "tue"),
             ipus=Ipus("ip", "2026-03-24", "2026-12-31"))], policy=policy)
    plan = solve(inst, method="greedy")
    assert [r.reason for r in plan.referrals] == [Reason.NO_QUALIFIED_HELPER]
    diag = shortage(inst, plan)
    [cell] = diag.cells
    assert (cell.category, cell.gaps[0].kind, cell.gaps[0].value) == (
        "nursing", GapKind.QUALIFICATION, "nurse")
    assert diag.outside_ipus == 1  # n2 on Monday: not wanted, not a shortage
    assert "outside their IPUS period left out" in diag.text()
    nurse = AddHelper(helper("nurse1", qualifications=["nurse"], agreement=ag))
    [w] = what_if(inst, plan, [nurse], method="greedy")
    assert ("n1", "nurse1") in {(a.need, a.helper) for a in w.result.assignments}
    assert w.gain == 1.0


def test_empty_shortage_and_foreign_result(two_gaps):
    inst = instance([helper("h1")], [need("n1")])
    diag = shortage(inst, solve(inst, method="greedy"))
    assert diag.cells == ()
    assert diag.to_records() == []
    assert diag.text("en") == "No unmet visits: no shortage."
    assert diag.text("pl").startswith("Brak wizyt bez pomocy")
    foreign = solve(two_gaps, method="greedy")
    with pytest.raises(InvalidInputError) as e:
        shortage(inst, foreign)
    paths = {p.path for p in e.value.problems}
    # n1 and h1 exist; h2 is a near miss of both visits (beyond reach of b: issue 12)
    assert paths == {"unmet[1].need", "unmet[0].near_misses[1].helper",
                     "unmet[1].near_misses[1].helper"}


# Changes ------------------------------------------------------------------------------------

def test_apply_change_extends_only_the_named_helpers(two_gaps):
    new = apply_change(two_gaps, Extend(["h1"], "credential", "first_aid"))
    assert new.helper("h1").credentials.first_aid_valid_to == two_gaps.policy.period.end
    assert new.helper("h2") == two_gaps.helper("h2")
    assert two_gaps.helper("h1").credentials.first_aid_valid_to is None  # original untouched
    cp = apply_change(two_gaps, Extend(["h1", "h2"], Extension.CREDENTIAL, "child_protection"))
    assert cp.helper("h2").credentials.rsps_checked_on == CREDS.rsps_checked_on  # kept earlier
    cat = apply_change(two_gaps, Extend(["h2"], "category", "escort"))
    assert "escort" in cat.helper("h2").agreement.categories
    more = apply_change(two_gaps, ExtraHours(["h1"], 2.5))
    assert more.helper("h1").weekly_hours_cap == two_gaps.helper("h1").weekly_hours_cap + 2.5
    added = apply_change(two_gaps, AddHelper(helper("new", home="b")))
    assert [h.id for h in added.helpers] == ["h1", "h2", "new"]


def test_apply_change_reports_every_problem_at_once(two_gaps):
    with pytest.raises(InvalidInputError) as e:
        apply_change(two_gaps, Extend(["h1", "x", "y"], "category", "juggling"))
    assert [str(p) for p in e.value.problems] == [
        "change.helpers[1]: unknown helper 'x'", "change.helpers[2]: unknown helper 'y'",
        "change.value: unknown category 'juggling'"]
    with pytest.raises(InvalidInputError) as e:
        apply_change(two_gaps, AddHelper(helper("h1", home="zz")))
    assert [p.path for p in e.value.problems] == ["change.helper.id", "change.helper.home"]
    with pytest.raises(ValueError, match="unknown credential"):
        Extend(["h1"], "credential", "driving_licence")
    with pytest.raises(ValueError, match="at least one helper"):
        Extend([], "skill", "lifting")


# What if ------------------------------------------------------------------------------------

def test_what_if_equals_re_solving_the_changed_instance(two_gaps):
    base = solve(two_gaps, method="greedy")
    changes = [Extend(["h1"], "credential", "first_aid"),
               AddHelper(helper("new-b", home="b", modes=["walk"])),
               Extend(["h2"], "skill", "lifting")]
    ranked = what_if(two_gaps, base, changes, method="greedy")
    assert [w.change.key for w in ranked] == [
        "extend:credential:first_aid:h1", "add:new-b", "extend:skill:lifting:h2"]
    for w in ranked:
        changed = apply_change(two_gaps, w.change)
        again = solve(changed, method="greedy")
        assert w.gain == _gain(two_gaps, base, changed, again)
        assert w.result.assignments == again.assignments
        assert check(changed, w.result) == []
    assert [w.gain for w in ranked] == [2.0, 1.0, 0.0]
    assert ranked[1].gain_visits == 1
    assert ranked[0].gain_weighted == 4.0


def test_what_if_equals_re_solve_with_deterministic_cpsat(two_gaps):
    base = solve(two_gaps, method="cpsat", deterministic=True, time_limit=60, work_limit=0.4)
    change = Extend(["h2"], "credential", "first_aid")
    [w] = what_if(two_gaps, base, [change], method="cpsat", time_limit=5)
    again = solve(apply_change(two_gaps, change), method="cpsat", deterministic=True,
                  time_limit=60, work_limit=0.4)
    assert w.gain == _gain(two_gaps, base, two_gaps, again) == 2.0


def test_what_if_defaults_to_the_results_settings_and_can_rebase(two_gaps):
    base = solve(two_gaps, method="greedy", seed=3)
    [w] = what_if(two_gaps, base, [AddHelper(helper("new-b", home="b"))])
    assert (w.result.method, w.result.seed, w.result.rule) == ("greedy", 3, "fifo")
    empty = Result(status="feasible", method="greedy", rule="fifo")  # a plan with nothing in it
    recruit = AddHelper(helper("new-b", home="b", modes=["walk"]))
    [w0] = what_if(two_gaps, empty, [recruit])
    [w1] = what_if(two_gaps, empty, [recruit], rebase=True)
    assert w0.before.visits == 0
    assert w1.before == met_totals(two_gaps, base)
    assert w1.gain == 1.0


def test_met_totals_count_a_team_visit_once_and_weigh_it_by_priority():
    inst = instance([helper("h1"), helper("h2")], [
        need("pair", helpers_needed=2, priority=2, duration_minutes=60),
        need("solo", priority=0, duration_minutes=30, recurrence=Recurrence.once("2026-03-25")),
    ])
    plan = solve(inst, method="greedy")
    assert check(inst, plan) == []
    assert len(plan.assignments) == 3  # two helpers on "pair", one on "solo"
    totals = met_totals(inst, plan)
    assert totals == MetTotals(visits=2, minutes=90, weighted_minutes=3 * 60 + 1 * 30)
    assert (totals.hours, totals.weighted_hours) == (1.5, 3.5)
    # The same numbers as the plan's metrics (met visits, hours, weighted hours).
    m = compute_metrics(inst, plan)
    assert (m.visits_met, m.hours_met, m.weighted_hours_met) == (2, 1.5, 3.5)
    with pytest.raises(InvalidInputError, match="does it belong to this instance"):
        met_totals(instance([helper("h1")], [need("other")]), plan)


def test_what_if_collects_problems_of_all_candidates_before_solving(two_gaps):
    base = solve(two_gaps, method="greedy")
    with pytest.raises(InvalidInputError) as e:
        what_if(two_gaps, base, [Extend(["zz"], "skill", "x"), AddHelper(helper("h2"))])
    assert [p.path for p in e.value.problems] == ["candidates[0].change.helpers[0]",
                                                  "candidates[1].change.helper.id"]


def test_adding_the_right_helper_covers_the_need(two_gaps):
    base = solve(two_gaps, method="greedy")
    recruit = AddHelper(helper("nurse-a", home="a", modes=["walk"],
                               credentials=full_credentials(*_period(two_gaps))))
    [w] = what_if(two_gaps, base, [recruit], method="greedy")
    assert {(a.need, a.helper) for a in w.result.assignments} == {("n1", "nurse-a")}
    assert w.gain == 2.0
    assert not any(u.need == "n1" for u in w.result.unmet)


def _period(inst):
    return inst.policy.period.start, inst.policy.period.end


# Suggestions --------------------------------------------------------------------------------

def test_suggest_changes_finds_the_obvious_recruit_and_training(two_gaps):
    base = solve(two_gaps, method="greedy")
    changes = candidate_changes(two_gaps, base)
    assert [c.key for c in changes] == ["add:recruit-a-respite",
                                        "extend:credential:first_aid:h1,h2",
                                        "add:recruit-b-shopping"]
    recruit_b = changes[2].helper
    assert (recruit_b.home, recruit_b.agreement.categories) == ("b", frozenset({"shopping"}))
    assert [(w.day.value, str(w.start), str(w.end)) for w in recruit_b.availability] == [
        ("sat", "09:00:00", "12:00:00")]
    best = suggest_changes(two_gaps, base, top=3)
    assert [(w.change.key, w.gain) for w in best] == [
        ("add:recruit-a-respite", 2.0), ("extend:credential:first_aid:h1,h2", 2.0),
        ("add:recruit-b-shopping", 1.0)]
    assert suggest_changes(two_gaps, base, top=1)[0].change.key == "add:recruit-a-respite"
    en, pl = format_what_if(two_gaps, best, "en"), format_what_if(two_gaps, best, "pl")
    assert "What if (covered now: 0.0 h, 0 visits):" in en
    assert "+2.0 h (+1 visit, weighted +4.0): Anna, Ola complete a valid first-aid" in en
    assert "recruit a helper living in Nowotaniec: Shopping; languages: pl; Sat 09:00-12:00" in en
    assert "nowy pomagający z miejsca Nowotaniec: Zakupy; języki: pl; sob 09:00-12:00" in pl
    assert "Anna, Ola: uzupełnienie ważnego zaświadczenia" in pl


def test_suggestions_propose_more_hours_when_caps_bind():
    inst = instance([helper("h1", weekly_hours_cap=1)],
                    [need("n1"), need("n2", recurrence=Recurrence.once("2026-03-25"))])
    base = solve(inst, method="greedy")
    diag = shortage(inst, base)
    assert diag.cells[0].gaps[0].reason is Reason.HOURS_CAP
    changes = candidate_changes(inst, base)
    assert ExtraHours(["h1"], 1) in changes
    best = suggest_changes(inst, base)
    assert {w.change.key: w.gain for w in best} == {"add:recruit-a-shopping": 1.0,
                                                   "hours:1:h1": 1.0}


def test_what_if_and_suggestions_on_a_generated_gmina():
    inst = generate("rural", seed=2)
    base = solve(inst, method="greedy")
    diag = shortage(inst, base)
    unmet_minutes = sum(inst.need(u.need).duration_minutes for u in base.unmet
                        if u.main_reason is not Reason.OUTSIDE_IPUS)
    referred = [inst.need(r.need) for r in base.referrals
                if r.reason is Reason.NO_QUALIFIED_HELPER]
    assert referred  # this gmina lacks a sign-language (PJM) interpreter
    referred_minutes = sum(n.duration_minutes * len(need_dates(inst, n)) for n in referred)
    assert sum(c.minutes for c in diag.cells) == unmet_minutes + referred_minutes
    assert any(g.kind is GapKind.QUALIFICATION and g.everyone
               for c in diag.cells for g in c.gaps)
    assert diag.to_records() == shortage(inst, base).to_records()  # deterministic
    caps = sorted(h.effective_weekly_minutes / 60 for h in inst.helpers)
    recruits = [c.helper for c in candidate_changes(inst, base) if isinstance(c, AddHelper)]
    assert recruits
    assert all(1 <= r.weekly_hours_cap <= caps[len(caps) // 2] for r in recruits)
    best = suggest_changes(inst, base, top=3, max_candidates=6)
    assert best
    assert all(w.gain > 0 or w.gain_weighted > 0 for w in best)
    assert [w.change.key for w in best] == [
        w.change.key for w in suggest_changes(inst, base, top=3, max_candidates=6)]
    for w in best:
        changed = apply_change(inst, w.change)
        again = solve(changed, method="greedy")
        assert w.gain == _gain(inst, base, changed, again)
        assert check(changed, w.result) == []
    assert "What if" in format_what_if(inst, best)
    assert format_what_if(inst, [], "pl").startswith("Żadna")


def test_options_are_checked(two_gaps):
    base = solve(two_gaps, method="greedy")
    with pytest.raises(InvalidOptionError):
        candidate_changes(two_gaps, base, max_helpers=0)
    with pytest.raises(InvalidOptionError):
        suggest_changes(two_gaps, base, top=-1)
    with pytest.raises(InvalidOptionError, match="unknown method"):
        what_if(two_gaps, base, [ExtraHours(["h1"], 1)], method="magic")


# Command line -------------------------------------------------------------------------------

def test_cli_diagnose_prints_the_map_and_suggestions(two_gaps, tmp_path, capsys):
    from cus_match.cli.main import main
    from cus_match.io.json_format import dump_instance, dump_result

    inst_file, plan_file, out = tmp_path / "g.json", tmp_path / "p.json", tmp_path / "d.json"
    dump_instance(two_gaps, inst_file)
    dump_result(solve(two_gaps, method="greedy"), plan_file)
    assert main(["diagnose", str(inst_file), str(plan_file)]) == 0
    text = capsys.readouterr().out
    assert "no helper within travel limit" in text
    assert "What if" not in text
    assert main(["diagnose", str(inst_file), str(plan_file), "--lang", "pl", "--what-if",
                 "--top", "2", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "nikt w zasięgu dojazdu" in text
    assert "Co jeśli" in text
    assert "3." not in text.split("Co jeśli")[1]  # --top 2
    import json

    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [c["category"] for c in doc["cells"]] == ["respite", "shopping"]
    assert [w["change"] for w in doc["what_if"]] == ["add:recruit-a-respite",
                                                    "extend:credential:first_aid:h1,h2"]
    assert main(["--lang", "pl", "diagnose", str(inst_file), str(plan_file)]) == 0
    assert "Niedobór pomocy" in capsys.readouterr().out
    assert main(["diagnose", str(inst_file), str(plan_file), "--top", "-1"]) == 2


# Properties ---------------------------------------------------------------------------------

@pytest.mark.slow
@settings(max_examples=40)
@given(instances(max_helpers=4, max_needs=5))
def test_every_unmet_visit_is_mapped_and_what_if_equals_re_solving(inst):
    base = solve(inst, method="greedy")
    diag = shortage(inst, base)
    unmet = [u for u in base.unmet if u.main_reason is not Reason.OUTSIDE_IPUS]
    referred = [inst.need(r.need) for r in base.referrals
                if r.reason is Reason.NO_QUALIFIED_HELPER]
    assert diag.visits == len(unmet) + sum(len(need_dates(inst, n)) for n in referred)
    assert sum(c.minutes for c in diag.cells) == (
        sum(inst.need(u.need).duration_minutes for u in unmet)
        + sum(n.duration_minutes * len(need_dates(inst, n)) for n in referred))
    for c in diag.cells:
        for g in c.gaps:
            for hid in g.helpers:  # a named helper really lacks what the gap says
                h = inst.helper(hid)
                if g.kind is GapKind.SKILL:
                    assert g.value not in h.skills
                if g.kind is GapKind.QUALIFICATION:
                    assert g.value not in h.qualifications
                if g.reason is Reason.AGREEMENT_CATEGORY:
                    assert g.value not in h.agreement.categories
    ranked = what_if(inst, base, candidate_changes(inst, base, max_candidates=4),
                     method="greedy")
    assert [w.gain for w in ranked] == sorted((w.gain for w in ranked), reverse=True)
    for w in ranked:
        changed = apply_change(inst, w.change)
        again = solve(changed, method="greedy")
        assert w.gain == _gain(inst, base, changed, again)
        assert check(changed, w.result) == []
