"""Recommendations for one new need: feasible, complete against brute force, ranked as documented.

Every option, added to the plan as assignments, must pass the independent checker; on small
instances the options must be *exactly* the (team, start) pairs an exhaustive search over the
policy's start grid accepts with :func:`cus_match.plan.check.check`.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cus_match.analysis.recommend as recommend_mod
from builders import PERIOD, helper, instance, need
from cus_match import solve
from cus_match.analysis.recommend import (
    Recommendation,
    Recommender,
    Visit,
    format_recommendations,
    loads_need,
)
from cus_match.clock import from_minutes, local_to_minutes
from cus_match.compat import build_compat
from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.generate import generate
from cus_match.model import (
    DEFAULT_CATEGORIES,
    FormalService,
    Need,
    Policy,
    Recurrence,
    Resident,
    TimeWindow,
    WeeklyWindow,
)
from cus_match.model.eligibility import travel_for
from cus_match.model.instance import Instance
from cus_match.plan.check import check
from cus_match.plan.result import Assignment, Result, Unmet
from strategies import instances

TUE = date(2026, 3, 24)


# ---------------------------------------------------------------------------------------------
# Helpers of the tests


def _without(inst: Instance, nid: str) -> Instance:
    return attrs.evolve(inst, needs=[n for n in inst.needs if n.id != nid])


def _minutes(dt: object) -> int:
    from datetime import UTC, datetime
    assert isinstance(dt, datetime)
    return round((dt - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 60)


def _with_visit(base: Instance, plan: Result, new: Need, day: date,
                team: tuple[str, ...], s: int) -> tuple[Instance, Result]:
    """The plan plus ``team`` at ``s`` on ``day``, built by hand (not by the code under test).

    The need's other visits are listed as unmet; the checker's complaints about them (formal
    cover, completeness) are filtered out by :func:`_violations`.
    """
    full = attrs.evolve(base, needs=[*base.needs, new])
    tz = base.policy.timezone
    added = []
    for hid in team:
        t = travel_for(full, full.helper(hid), new)
        assert t is not None
        added.append(Assignment(new.id, day, hid, from_minutes(s, tz),
                                from_minutes(s + new.duration_minutes, tz), t[0], t[1]))
    others = [Unmet(new.id, d, ()) for d in _dates(base, new) if d != day]
    return full, attrs.evolve(plan, assignments=[*plan.assignments, *added],
                              unmet=[*plan.unmet, *others])


def _dates(inst: Instance, n: Need) -> list[date]:
    from cus_match.model.occurrences import need_dates
    return need_dates(inst, n)


def _violations(full: Instance, plan: Result, new: Need, day: date) -> list[object]:
    return [v for v in check(full, plan)
            if not (v.need == new.id and v.date is not None and v.date != day)]


def _brute_force(base: Instance, plan: Result, new: Need, day: date,
                 ) -> set[tuple[tuple[str, ...], int]]:
    """Every (team, start) on ``day`` that the checker accepts, start grid as compat makes it."""
    tz, step = base.policy.timezone, base.policy.time_step_minutes
    starts: set[int] = set()
    for w in new.windows:
        a, b = local_to_minutes(day, w.start, tz), local_to_minutes(day, w.end, tz)
        starts.update(range(a, b - new.duration_minutes + 1, step))
    full = attrs.evolve(base, needs=[*base.needs, new])
    helpers = sorted(h.id for h in base.helpers if travel_for(full, h, new) is not None)
    out = set()
    for team in combinations(helpers, new.helpers_needed):
        for s in sorted(starts):
            f, p = _with_visit(base, plan, new, day, team, s)
            if not _violations(f, p, new, day):
                out.add((team, s))
    return out


def _offered(options: list[Recommendation], day: date) -> set[tuple[tuple[str, ...], int]]:
    return {(o.helpers, _minutes(s)) for o in options if o.date == day for s in o.starts}


def _assert_ranked(options: list[Recommendation]) -> None:
    by_day: dict[date, list[Recommendation]] = {}
    for o in options:
        by_day.setdefault(o.date, []).append(o)
    assert [o.date for o in options] == sorted(o.date for o in options)
    for day_opts in by_day.values():
        assert [o.rank for o in day_opts] == list(range(1, len(day_opts) + 1))
        keys = [o.sort_key() for o in day_opts]
        assert keys == sorted(keys)
        assert len({o.helpers for o in day_opts}) == len(day_opts)  # one option per team
        for o in day_opts:
            assert list(o.starts) == sorted(o.starts)
            assert o.date in o.series


# ---------------------------------------------------------------------------------------------
# Properties on generated instances


@pytest.mark.slow
@settings(max_examples=40)
@given(inst=instances(max_helpers=4, max_needs=5, max_places=3), data=st.data())
def test_options_are_exactly_what_the_checker_accepts(inst: Instance, data: st.DataObject
                                                      ) -> None:
    # Sometimes a team of two (adult-with-minor and common-start rules).
    new = attrs.evolve(data.draw(st.sampled_from(inst.needs)), required=False,
                       helpers_needed=data.draw(st.sampled_from([1, 1, 2])))
    base = _without(inst, new.id)
    plan = solve(base, method="greedy")
    assume(check(base, plan) == [])
    rec = Recommender(base, plan)
    options = rec.recommend(new, k=None)
    _assert_ranked(options)
    # Every option, at every one of its starts, passes the checker (first start via accept).
    for o in options:
        full, with_it = rec.accept(new, o)
        assert check(full, with_it) == []
        assert set(plan.assignments) <= set(with_it.assignments)  # nothing moved
        for s in o.other_starts[:2]:
            full, with_it = rec.accept(new, o, s)
            assert check(full, with_it) == []
    # Exhaustive search on one visit date: the same set.
    dates = _dates(base, new)
    day = data.draw(st.sampled_from(dates))
    assert _offered(options, day) == _brute_force(base, plan, new, day)


@pytest.mark.slow
@settings(max_examples=25)
@given(inst=instances(max_helpers=5, max_needs=6, max_places=3), data=st.data())
def test_top_k_is_a_prefix_of_all_options(inst: Instance, data: st.DataObject) -> None:
    new = attrs.evolve(data.draw(st.sampled_from(inst.needs)), required=False)
    base = _without(inst, new.id)
    rec = Recommender(base, solve(base, method="greedy"))
    every = rec.recommend(new, k=None)
    k = data.draw(st.integers(1, 3))
    top = rec.recommend(new, k=k)
    assert top == [o for o in every if o.rank <= k]
    assert rec.recommend(new, k=k) == top  # deterministic


@pytest.mark.parametrize(("profile", "seed"), [("tiny", 1), ("tiny", 2), ("rural", 3)])
def test_generated_profiles_match_brute_force(profile: str, seed: int) -> None:
    inst = generate(profile, seed=seed, weeks=1)
    # A few needs of the profile, each taken out and recommended back into the plan.
    for new in sorted(inst.needs, key=lambda n: n.id)[:: max(1, len(inst.needs) // 3)][:3]:
        new = attrs.evolve(new, required=False)
        base = _without(inst, new.id)
        plan = solve(base, method="greedy")
        assert check(base, plan) == []
        rec = Recommender(base, plan)
        options = rec.recommend(new, k=None)
        _assert_ranked(options)
        for o in options[:10]:
            full, with_it = rec.accept(new, o)
            assert check(full, with_it) == []
        day = _dates(base, new)[0]
        if profile == "tiny":
            assert _offered(options, day) == _brute_force(base, plan, new, day)


def test_candidates_equal_build_compat_of_the_instance_with_the_need() -> None:
    inst = generate("rural", seed=5, weeks=1)
    for new in sorted(inst.needs, key=lambda n: n.id)[::10]:
        base = _without(inst, new.id)
        rec = Recommender(base, Result("feasible", "none", "none"))
        _, kept, cands = rec._prepare(new)
        compat = build_compat(inst)
        idx = [i for i, o in enumerate(compat.occurrences) if o.need == new.id]
        assert [compat.occurrences[i] for i in idx] == [o for o, _ in kept]
        assert [compat.starts[i] for i in idx] == [g for _, g in kept]
        assert [[attrs.evolve(c, occ=0) for c in compat.candidates[i]] for i in idx] == \
            [[attrs.evolve(c, occ=0) for c in cs] for cs in cands]


# ---------------------------------------------------------------------------------------------
# Hand-made cases: busy, travel gaps, caps, vetoes, resident's day


def _planned(inst: Instance) -> tuple[Recommender, Result]:
    plan = solve(inst, method="greedy")
    assert check(inst, plan) == []
    return Recommender(inst, plan), plan


def test_a_busy_helper_is_not_offered_at_that_time() -> None:
    # h1 works 9:00-11:00 for r2 on Tuesday (the only helper available then).
    inst = instance(
        [helper("h1", availability=[WeeklyWindow("tue", "09:00", "14:00")]),
         helper("h2", availability=[WeeklyWindow("tue", "12:00", "14:00")])],
        [need("n1", resident="r2", duration_minutes=120, windows=[TimeWindow("09:00", "11:00")])])
    rec, _ = _planned(inst)
    new = need("new", resident="r1", windows=[TimeWindow("09:00", "14:00")])
    options = rec.recommend(new, k=None)
    h1 = next(o for o in options if o.helpers == ("h1",))
    tz = inst.policy.timezone
    walk_back = inst.travel.best("b", "a", inst.helper("h1").modes)
    assert walk_back is not None
    free_from = local_to_minutes(TUE, TimeWindow("11:00", "12:00").start, tz) + walk_back[0]
    assert all(_minutes(s) >= free_from for s in h1.starts)  # the travel gap is kept
    assert min(_minutes(s) for s in h1.starts) < free_from + 15
    assert {o.helpers for o in options} == {("h1",), ("h2",)}


def test_an_unreachable_place_blocks_the_helpers_whole_day() -> None:
    # h1 has no way from r2's village to r1's (walk only, and the limit is on the way from home,
    # but between two visits no route means never on the same day).
    inst = instance(
        [helper("h1", modes=["walk"], max_travel_minutes=600,
                availability=[WeeklyWindow("tue", "08:00", "20:00")])],
        [need("n1", resident="r2", windows=[TimeWindow("09:00", "10:00")])])
    rec, plan = _planned(inst)
    assert plan.assignments
    new = need("new", resident="r1", windows=[TimeWindow("12:00", "18:00")])
    offered = rec.recommend(new, k=None)
    brute = _brute_force(inst, plan, new, TUE)
    assert _offered(offered, TUE) == brute


def test_over_cap_and_max_residents_and_vetoed_helpers_never_appear() -> None:
    inst = instance(
        [helper("capped", weekly_hours_cap=1),           # its hour goes to n1
         helper("one", max_residents=1),                  # serves r2 already
         helper("vetoed"), helper("free")],
        [need("n1", resident="r2", windows=[TimeWindow("09:00", "10:00")]),
         need("n2", resident="r2", windows=[TimeWindow("13:00", "14:00")])],
        residents=[Resident("r1", home="a", vetoes=["vetoed"]), Resident("r2", home="b")])
    plan = Result("feasible", "by hand", "none", assignments=[
        Assignment("n1", TUE, "capped", from_minutes(local_to_minutes(
            TUE, TimeWindow("09:00", "10:00").start)), from_minutes(local_to_minutes(
                TUE, TimeWindow("09:00", "10:00").end)),
            travel_for(inst, inst.helper("capped"), inst.need("n1"))[0], "car"),
        Assignment("n2", TUE, "one", from_minutes(local_to_minutes(
            TUE, TimeWindow("13:00", "14:00").start)), from_minutes(local_to_minutes(
                TUE, TimeWindow("13:00", "14:00").end)),
            travel_for(inst, inst.helper("one"), inst.need("n2"))[0], "car")])
    assert check(inst, plan) == []
    rec = Recommender(inst, plan)
    new = need("new", resident="r1", recurrence=Recurrence.once("2026-03-26"))
    assert {o.helpers for o in rec.recommend(new, k=None)} == {("free",)}
    # The same helpers may take a new need of r2 (no veto; "one" already serves r2).
    other = need("new2", resident="r2", recurrence=Recurrence.once("2026-03-26"))
    assert {o.helpers for o in rec.recommend(other, k=None)} == {("one",), ("vetoed",),
                                                                   ("free",)}


def test_the_residents_other_visits_and_formal_services_are_respected() -> None:
    inst = instance(
        [helper("h1"), helper("h2")],
        [need("n1", resident="r1", windows=[TimeWindow("09:00", "10:00")])],
        services=[FormalService("care", provider="GOPS", category="personal_care",
                                recipients=["r1"],
                                schedule=[WeeklyWindow("tue", "10:30", "11:00")])])
    rec, plan = _planned(inst)
    new = need("new", resident="r1", category="walk", windows=[TimeWindow("09:00", "12:00")])
    options = rec.recommend(new, k=None)
    tz = inst.policy.timezone
    busy = [(local_to_minutes(TUE, TimeWindow("09:00", "10:00").start, tz),
             local_to_minutes(TUE, TimeWindow("09:00", "10:00").end, tz)),
            (local_to_minutes(TUE, TimeWindow("10:30", "11:00").start, tz),
             local_to_minutes(TUE, TimeWindow("10:30", "11:00").end, tz))]
    offered = _offered(options, TUE)
    assert offered  # 11:00-12:00 is free
    for _, s in offered:
        assert not any(a < s + 60 and s < b for a, b in busy)
    assert offered == _brute_force(inst, plan, new, TUE)


def test_a_visit_a_formal_service_covers_gets_no_option() -> None:
    inst = instance(
        [helper("h1")], [],
        services=[FormalService("shop", provider="GOPS", category="shopping",
                                recipients=["r1"], covers=["shopping"],
                                schedule=[WeeklyWindow("tue", "10:00", "11:00")])])
    rec = Recommender(inst, solve(inst, method="greedy"))
    new = need("new", windows=[TimeWindow("09:00", "12:00")])
    assert rec.recommend(new) == []
    assert rec.visits(new) == [Visit(TUE, "covered", "shop")]


def test_a_need_to_refer_gets_no_option() -> None:
    inst = instance([helper("h1")], [])
    rec = Recommender(inst, solve(inst, method="greedy"))
    new = need("new", category="personal_care")
    assert rec.recommend(new) == []
    assert [v.status for v in rec.visits(new)] == ["referred"]


def test_pus_limit_counts_the_plan_and_the_team() -> None:
    cats = tuple(attrs.evolve(c, pus_hours_limit=2.5) if c.id == "shopping" else c
                 for c in DEFAULT_CATEGORIES)
    inst = instance([helper("h1"), helper("h2"), helper("h3")],
                    [need("n1", duration_minutes=120, resident="r2")],
                    policy=Policy(period=PERIOD, categories=cats))
    rec, plan = _planned(inst)
    assert len(plan.assignments) == 1  # 2 of 2.5 hours used
    assert rec.recommend(need("a", duration_minutes=30))  # 30 more minutes fit
    assert rec.recommend(need("b", duration_minutes=45)) == []
    assert rec.recommend(need("c", duration_minutes=30, helpers_needed=2)) == []


# ---------------------------------------------------------------------------------------------
# Ranking and series


def test_ranking_continuity_then_locality_then_travel_then_id() -> None:
    inst = instance(
        [helper("far", home="b"), helper("near", home="a"), helper("known", home="b"),
         helper("also_near", home="a")],
        [], residents=[Resident("r1", home="a", previous_helpers=["known"]),
                       Resident("r2", home="b")])
    rec = Recommender(inst, solve(inst, method="greedy"))
    options = rec.recommend(need("new"), k=None)
    assert [o.helpers[0] for o in options] == ["known", "also_near", "near", "far"]
    assert options[0].continuity == 1
    assert options[1].locality == 1
    assert options[1].travel_minutes == options[2].travel_minutes  # tie: by id
    assert [o.helpers[0] for o in rec.recommend(need("new"), k=2)] == ["known", "also_near"]


def test_a_helper_who_fits_every_visit_ranks_first() -> None:
    # A weekly need on Mon, Wed, Fri. "known" helped the resident before but has only 2 hours a
    # week; "steady" can take all three visits.
    inst = instance([helper("known", weekly_hours_cap=2), helper("steady", home="b")], [],
                    residents=[Resident("r1", home="a", previous_helpers=["known"]),
                               Resident("r2", home="b")])
    rec = Recommender(inst, solve(inst, method="greedy"))
    new = need("new", recurrence=Recurrence.weekly("mon", "wed", "fri"))
    options = rec.recommend(new, k=None)
    assert len({o.date for o in options}) == 3
    for day in sorted({o.date for o in options}):
        first, second = [o for o in options if o.date == day]
        assert first.helpers == ("steady",)
        assert first.fits_all
        assert len(first.series) == 3
        assert second.helpers == ("known",)
        assert len(second.series) == 2
        assert day in second.series
        assert not second.fits_all
    assert "1 h" not in options[0].text("en")
    assert "3 of 3 visits" in options[0].text("en")
    assert "ta sama osoba pasuje do 3 z 3 wizyt" in options[0].text("pl")


def test_teams_of_two_need_an_adult_for_personal_care() -> None:
    # Respite is personal care: two minors alone may not do it (policy default).
    inst = instance([helper("adult"), helper("kid1", is_minor=True, guardian_consent=True),
                     helper("kid2", is_minor=True, guardian_consent=True)], [])
    plan = solve(inst, method="greedy")
    rec = Recommender(inst, plan)
    new = need("new", category="respite", helpers_needed=2)
    options = rec.recommend(new, k=None)
    assert {o.helpers for o in options} == {("adult", "kid1"), ("adult", "kid2")}
    assert _offered(options, TUE) == _brute_force(inst, plan, new, TUE)


def test_team_pools_give_the_exact_top_k_of_a_single_visit(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    inst = instance([helper(f"h{i}", home="ab"[i % 2]) for i in range(7)], [])
    rec = Recommender(inst, solve(inst, method="greedy"))
    new = need("new", helpers_needed=2, windows=[TimeWindow("09:00", "12:00")])
    exhaustive = rec.recommend(new, k=4)
    monkeypatch.setattr(recommend_mod, "_MAX_TEAMS", 0)
    assert rec.recommend(new, k=4) == exhaustive
    assert len(exhaustive) == 4


# ---------------------------------------------------------------------------------------------
# Input, text, files


def test_bad_input_is_reported_with_paths() -> None:
    inst = instance([helper("h1")], [need("n1")])
    rec = Recommender(inst, solve(inst, method="greedy"))
    with pytest.raises(InvalidInputError) as e:
        rec.recommend(need("n1", resident="nobody", category="knitting"))
    paths = [p.path for p in e.value.problems]
    assert paths == ["need.id", "need.category", "need.resident"]
    with pytest.raises(InvalidInputError, match="outside the planning period"):
        rec.recommend(need("n2", recurrence=Recurrence.once("2027-01-01")))
    with pytest.raises(InvalidOptionError, match="k must be"):
        rec.recommend(need("n2"), k=0)
    with pytest.raises(InvalidOptionError, match="lang must be one of en, pl"):
        rec.recommend(need("n2"), lang="de")
    bad = Result("feasible", "x", "x", assignments=[attrs.evolve(
        solve(inst, method="greedy").assignments[0], helper="ghost", need="gone")])
    with pytest.raises(InvalidInputError) as e:
        Recommender(inst, bad)
    assert [p.path for p in e.value.problems] == ["assignments[0].need", "assignments[0].helper"]


def test_accept_rejects_starts_that_are_not_offered() -> None:
    inst = instance([helper("h1")], [])
    rec = Recommender(inst, solve(inst, method="greedy"))
    new = need("new")
    o = rec.recommend(new, k=1)[0]
    with pytest.raises(InvalidOptionError, match="not a feasible start"):
        rec.accept(new, o, o.start - timedelta(minutes=7))
    with pytest.raises(InvalidOptionError, match="is for need"):
        rec.accept(need("other"), o)


def test_text_in_both_languages_and_the_report() -> None:
    inst = instance([helper("h1", name="Anna K.")], [])
    rec = Recommender(inst, solve(inst, method="greedy"))
    new = need("new", windows=[TimeWindow("09:00", "10:30")])
    o = rec.recommend(new, k=1, lang="pl")[0]
    assert o.text() == o.text("pl") == str(o)
    assert o.text("pl").startswith("1. wt 24.03 09:00-10:00 h1 (Anna K.): ")
    assert "mieszka na miejscu" in o.text("pl")
    assert "także o 09:15, 09:30" in o.text("pl")
    assert o.text("en").startswith("1. Tue 24.03 09:00-10:00 h1 (Anna K.): ")
    report = format_recommendations(rec.visits(new), [o], "new", lang="en")
    assert report.splitlines() == ["Options for need new", "  " + o.text("en")]
    none = format_recommendations([Visit(TUE, "open")], [], "new", lang="pl")
    assert "nikt nie pasuje" in none


def test_loads_need_reports_every_problem() -> None:
    with pytest.raises(InvalidInputError) as e:
        loads_need('{"id": "n9", "duration_minutes": -5}', source="need.json")
    assert e.value.source == "need.json"
    assert len(e.value.problems) >= 2
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        loads_need("{", source="need.json")


# --- the phone path from the command line (issue 13) ------------------------------------------


def _phone_files(tmp_path):
    from cus_match.io.json_format import dump_instance, dump_result

    inst = generate("tiny", seed=2)
    dump_instance(inst, tmp_path / "gmina.json")
    dump_result(solve(inst, method="greedy"), tmp_path / "plan.json")
    return inst


def test_phone_request_from_flags_accept_then_check_report_export_history(tmp_path, capsys):
    from cus_match.cli.main import main
    from cus_match.io.json_format import load_instance, load_result

    inst = _phone_files(tmp_path)
    rid = inst.residents[0].id
    g, p = str(tmp_path / "gmina.json"), str(tmp_path / "plan.json")
    new_plan = tmp_path / "plan2.json"
    assert main(["--lang", "pl", "recommend", g, p, "--resident", rid,
                 "--category", "Odwiedziny towarzystwo", "--days", "wt,czw",
                 "--hours", "10-16", "--minutes", "60", "--applied-on", "20.03.2026",
                 "--accept", "1", "-o", str(new_plan)]) == 0
    out = capsys.readouterr().out
    new_inst = tmp_path / "plan2-instance.json"
    assert f"Zapisano plan w {new_plan}, a dane z nową potrzebą w {new_inst}." in out
    assert "Przyjęto: potrzeba r-" in out
    inst2, plan2 = load_instance(new_inst), load_result(new_plan)
    added = inst2.needs[-1]
    assert (added.category, added.applied_on) == ("companionship", date(2026, 3, 20))
    assert sorted(d.value for d in added.recurrence.days) == ["thu", "tue"]
    assert {a.need for a in plan2.assignments} >= {added.id}
    assert check(inst2, plan2) == []
    # The pair is accepted by everything that reads a plan.
    i2, p2 = str(new_inst), str(new_plan)
    assert main(["check", i2, p2]) == 0
    assert main(["report", i2, p2, "-o", str(tmp_path / "r.html")]) == 0
    assert main(["export", i2, p2, "--xlsx", str(tmp_path / "e.xlsx"),
                 "--ics", str(tmp_path / "ics")]) == 0
    assert main(["history", str(tmp_path / "h.sqlite"), "save", "w13", i2, p2]) == 0
    # The old instance does not know the new need: the two files belong together.
    assert main(["check", g, p2]) != 0


def test_phone_request_problems_are_all_told_at_once(tmp_path, capsys):
    from cus_match.cli.main import main

    _phone_files(tmp_path)
    g, p = str(tmp_path / "gmina.json"), str(tmp_path / "plan.json")
    assert main(["--lang", "pl", "recommend", g, p, "--resident", "r-nobody",
                 "--category", "zakpy", "--date", "31.04.2026", "--hours", "8-12",
                 "--minutes", "60"]) == 1
    err = capsys.readouterr().err
    assert "--category: nieznana kategoria 'zakpy'; czy chodzi o 'Zakupy'?" in err
    assert "--date: '31.04.2026': nie ma takiego dnia w kalendarzu" in err
    assert main(["recommend", g, p, "--resident", "r-nobody", "--category", "zakupy",
                 "--date", "24.03.2026", "--hours", "8-12", "--minutes", "60"]) == 1
    assert "--resident: unknown resident 'r-nobody'" in capsys.readouterr().err
    assert main(["recommend", g, p]) == 2  # no request at all
    assert main(["recommend", g, p, "--category", "zakupy"]) == 2
    assert "--hours, --minutes" in capsys.readouterr().err


def test_phone_request_from_one_row_of_the_needs_sheet(tmp_path, capsys):
    from openpyxl import load_workbook

    from cus_match.cli.main import main
    from cus_match.io.sheets import write_instance

    inst = _phone_files(tmp_path)
    write_instance(inst, tmp_path / "gmina.xlsx", lang="pl")
    wb = load_workbook(tmp_path / "gmina.xlsx")
    ws = wb["potrzeby"]
    heads = [c.value for c in ws[1]]
    row = ws.max_row + 1
    values = {"id": "call-1", "mieszkaniec": inst.residents[0].id, "kategoria": "zakupy",
              "czas (min)": 60, "godziny": "10-16", "dni tygodnia": "wt, czw",
              "data zgłoszenia": "20.03.2026"}
    for header, value in values.items():
        ws.cell(row, heads.index(header) + 1, value)
    wb.save(tmp_path / "gmina.xlsx")
    g, p = str(tmp_path / "gmina.json"), str(tmp_path / "plan.json")
    assert main(["recommend", g, p, "--from-sheet", str(tmp_path / "gmina.xlsx"),
                 "--row", str(row)]) == 0
    assert "Options for need call-1" in capsys.readouterr().out
    ws.cell(row, heads.index("godziny") + 1, "10-")
    wb.save(tmp_path / "gmina.xlsx")
    assert main(["recommend", g, p, "--from-sheet", str(tmp_path / "gmina.xlsx"),
                 "--row", str(row)]) == 1
    assert f"sheet 'potrzeby', row {row}, column 'godziny'" in capsys.readouterr().err


def test_phone_request_names_the_resident_from_the_names_file(tmp_path, capsys):
    from cus_match.cli.main import main

    inst = _phone_files(tmp_path)
    rid = inst.residents[0].id
    (tmp_path / "imiona.csv").write_bytes(f"{rid};Halina Żak\r\n".encode("cp1250"))
    g, p = str(tmp_path / "gmina.json"), str(tmp_path / "plan.json")
    assert main(["recommend", g, p, "--resident", "halina zak", "--names",
                 str(tmp_path / "imiona.csv"), "--category", "companionship",
                 "--date", "24.03.2026", "--hours", "10-16", "--minutes", "60",
                 "--id", "call-2"]) == 0
    assert "Options for need call-2" in capsys.readouterr().out


def test_accept_series_gives_a_weekly_need_its_helper_every_week() -> None:
    inst = generate("rural", seed=1)
    plan = solve(inst, method="greedy")
    rec = Recommender(inst, plan)
    rid = inst.residents[0].id
    new = Need("weekly-1", category="companionship", duration_minutes=60, resident=rid,
               windows=[TimeWindow("08:00", "20:00")],
               recurrence=Recurrence.weekly("mon", "tue", "wed", "thu", "fri"),
               applied_on="2026-03-20")
    options = rec.recommend(new, k=3)
    best = max(options, key=lambda o: (len(o.series), -o.rank))
    assert len(best.series) > 1
    inst2, plan2 = rec.accept_series(new, best)
    mine = [a for a in plan2.assignments if a.need == new.id]
    assert sorted(a.date for a in mine) == sorted(best.series)
    assert {a.helper for a in mine} == set(best.helpers)
    assert check(inst2, plan2) == []
    with pytest.raises(InvalidOptionError, match="is for need"):
        rec.accept_series(attrs.evolve(new, id="other"), best)


def test_cli_accept_series_writes_every_visit_of_the_team(tmp_path, capsys):
    from cus_match.cli.main import main
    from cus_match.io.json_format import dump_instance, dump_result, load_instance, load_result

    inst = generate("rural", seed=1)
    dump_instance(inst, tmp_path / "g.json")
    dump_result(solve(inst, method="greedy"), tmp_path / "p.json")
    assert main(["recommend", str(tmp_path / "g.json"), str(tmp_path / "p.json"),
                 "--resident", inst.residents[0].id, "--category", "companionship",
                 "--days", "pon-pt", "--hours", "8-20", "--minutes", "60", "--k", "3",
                 "--applied-on", "2026-03-20", "--accept", "1", "--series",
                 "-o", str(tmp_path / "p2.json")]) == 0
    accepted = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Accepted")]
    inst2 = load_instance(tmp_path / "p2-instance.json")
    plan2 = load_result(tmp_path / "p2.json")
    new = inst2.needs[-1].id
    team = {a.helper for a in plan2.assignments if a.need == new}
    assert len(accepted) == len({a.date for a in plan2.assignments if a.need == new}) >= 1
    assert len(team) == 1
    assert check(inst2, plan2) == []
