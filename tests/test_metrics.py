"""Metrics on hand-made plans whose every value is known by hand."""

from __future__ import annotations

import json

import attrs
import pytest

from builders import helper, instance, need
from cus_match.analysis.metrics import (
    SCALARS,
    Coverage,
    compute_metrics,
    gini,
    metrics_markdown,
    metrics_table,
)
from cus_match.errors import InvalidInputError
from cus_match.model import Recurrence, Resident, WeeklyWindow
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.stable import solve_stable
from cus_match.plan.check import check


def _case(**helper_kw):
    """r1 in "a": shopping Mon+Wed, 1 h, priority 1. r2 in "b": companionship Tue, 2 h,
    priority 0; digital help Thu, 30 min, priority 2, asking a skill nobody has. A
    psychotherapy need is referred. h1 lives in "a", h2 in "b"; h3 has no agreement."""
    needs = [
        need("n1", resident="r1", recurrence=Recurrence.weekly("mon", "wed"), priority=1),
        need("n2", resident="r2", category="companionship", duration_minutes=120,
             recurrence=Recurrence.once("2026-03-24"), priority=0),
        need("n3", resident="r2", category="digital_help", duration_minutes=30,
             recurrence=Recurrence.once("2026-03-26"), priority=2,
             required_skills=["sign_language"]),
        need("n4", resident="r1", category="psychotherapy"),
    ]
    hs = [helper("h1", **helper_kw), helper("h2", home="b"), helper("h3", agreement=None)]
    return instance(hs, needs)


def _greedy(inst):
    r = solve(inst, method="greedy")
    assert check(inst, r) == []
    return r


def test_every_metric_of_a_hand_made_plan():
    inst = _case()
    r = _greedy(inst)
    assert sorted((a.need, a.date.isoformat(), a.helper) for a in r.assignments) == [
        ("n1", "2026-03-23", "h1"), ("n1", "2026-03-25", "h1"), ("n2", "2026-03-24", "h2")]
    m = compute_metrics(inst, r)
    # Coverage: 4 visits (n4 is referred), n3's unmet.
    assert (m.visits, m.visits_met, m.visits_share) == (4, 3, 0.75)
    assert (m.hours, m.hours_met) == (4.5, 4.0)
    assert m.hours_share == pytest.approx(4 / 4.5)
    # (1+1)*1 h twice + (1+0)*2 h met; (1+2)*0.5 h unmet.
    assert (m.weighted_hours_met, m.weighted_hours_share) == (6.0, 0.8)
    assert m.helper_hours == 4.0
    assert m.by_place == {"a": Coverage(2, 2, 2.0, 2.0), "b": Coverage(2, 1, 2.5, 2.0)}
    assert m.by_category == {"companionship": Coverage(1, 1, 2.0, 2.0),
                             "digital_help": Coverage(1, 0, 0.5, 0.0),
                             "shopping": Coverage(2, 2, 2.0, 2.0)}
    assert m.min_place_share == 0.5
    # Travel: three visits within the helper's own village, 5 minutes each.
    assert m.travel_minutes == 15.0
    assert m.travel_by_helper == {"h1": 10.0, "h2": 5.0}
    assert m.travel_per_visit == 5.0
    # Load: h3 cannot serve anybody, so only h1 and h2 count, 2 hours each: equal, Gini 0.
    assert m.load_hours == {"h1": 2.0, "h2": 2.0}
    assert (m.load_gini, m.load_max, m.load_mean) == (0.0, 2.0, 2.0)
    assert (m.helpers_could_serve, m.helpers_used) == (2, 2)
    assert (m.recurring_needs, m.continuity_share) == (1, 1.0)
    assert m.locality_share == 1.0
    assert m.blocking_pairs == 0
    assert m.unmet_by_reason == {"skill": 1}
    assert (m.referrals, m.covered) == (1, 0)
    assert (m.previous_pairs, m.previous_pairs_kept, m.previous_pairs_share) == (None,) * 3
    assert (m.method, m.rule, m.status) == ("greedy", "fifo", "feasible")
    assert m.runtime_seconds == r.runtime_seconds


def test_split_visits_break_continuity_and_locality_and_load_is_unequal():
    # h1 works only on Mondays: Wednesday's shopping goes to h2 from the other village.
    inst = _case(availability=[WeeklyWindow("mon", "08:00", "20:00")])
    r = _greedy(inst)
    by_day = {a.date.isoformat(): a.helper for a in r.assignments if a.need == "n1"}
    assert by_day == {"2026-03-23": "h1", "2026-03-25": "h2"}
    m = compute_metrics(inst, r)
    assert (m.recurring_needs, m.continuity_share) == (1, 0.0)
    assert m.locality_share == pytest.approx(2 / 3)  # h2 in "a" is not local
    assert m.load_hours == {"h1": 1.0, "h2": 3.0}
    # sum |x_i - x_j| over ordered pairs = 4; 2 n^2 mean = 2 * 4 * 2 = 16.
    assert m.load_gini == 0.25
    assert m.travel_by_helper["h1"] == 5.0
    assert m.travel_by_helper["h2"] > 5.0


def test_pairs_kept_from_the_previous_round():
    inst = _case()
    r = _greedy(inst)
    # Last round: n1 with h2 (not kept), n2 with h2 (kept), and a need no longer planned.
    a1 = next(a for a in r.assignments if a.need == "n1")
    a2 = next(a for a in r.assignments if a.need == "n2")
    previous = attrs.evolve(r, assignments=[attrs.evolve(a1, helper="h2"), a2])
    m = compute_metrics(inst, r, previous)
    assert (m.previous_pairs, m.previous_pairs_kept, m.previous_pairs_share) == (2, 1, 0.5)


def test_gini_definition():
    assert gini([3.0] * 5) == 0.0
    assert gini([0.0, 0.0, 0.0, 4.0]) == 0.75
    assert gini([1.0, 3.0]) == 0.25
    assert gini([0.0, 0.0]) == 0.0
    assert gini([]) is None


def test_nothing_to_share_is_none_not_zero():
    inst = instance([helper("h1")], [])
    m = compute_metrics(inst, _greedy(inst))
    assert (m.visits, m.visits_share, m.hours_share, m.min_place_share) == (0, None, None, None)
    assert (m.travel_per_visit, m.locality_share, m.continuity_share) == (None, None, None)
    assert m.load_hours == {}
    assert m.load_gini is None
    assert m.load_max == 0.0


def test_blocking_pairs_count_tells_stable_from_fifo():
    residents = [Resident("r1", home="a"), Resident("r2", home="a", previous_helpers=["h1"])]
    inst = instance([helper("h1", weekly_hours_cap=1), helper("h2")],
                    [need("n1"), need("n2", resident="r2", applied_on="2026-03-05")],
                    residents=residents)
    assert compute_metrics(inst, _greedy(inst)).blocking_pairs == 1
    assert compute_metrics(inst, solve_stable(inst)).blocking_pairs == 0
    assert compute_metrics(inst, _greedy(inst), blocking=False).blocking_pairs is None


def test_unknown_ids_in_a_result_are_all_reported():
    inst = _case()
    r = _greedy(inst)
    a = r.assignments[0]
    bad = attrs.evolve(r, assignments=[attrs.evolve(a, need="ghost"),
                                       attrs.evolve(a, helper="nobody")])
    with pytest.raises(InvalidInputError) as err:
        compute_metrics(inst, bad)
    assert [p.path for p in err.value.problems] == ["assignments[0].need",
                                                   "assignments[1].helper"]


def test_to_dict_is_json_and_tables_are_tidy():
    inst = _case()
    m = compute_metrics(inst, _greedy(inst))
    d = m.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["by_place"]["b"] == {"visits": 2, "met": 1, "hours": 2.5, "hours_met": 2.0,
                                  "share": 0.5, "hours_share": 0.8}
    assert d["hours_share"] == round(4 / 4.5, 6)
    recs = metrics_table([("fifo", m), ("stable", compute_metrics(inst, solve_stable(inst)))])
    assert {tuple(sorted(r)) for r in recs} == {("group", "label", "metric", "value")}
    assert [r["metric"] for r in recs[:len(SCALARS)]] == list(SCALARS)
    found = {(r["label"], r["metric"], r["group"]): r["value"] for r in recs}
    assert found[("fifo", "visits_share", None)] == 0.75
    assert found[("fifo", "by_place.share", "b")] == 0.5
    assert found[("stable", "load_hours", "h1")] == 2.0
    assert found[("fifo", "unmet_by_reason", "skill")] == 1


def test_markdown_puts_plans_side_by_side():
    inst = _case()
    m = compute_metrics(inst, _greedy(inst))
    text = metrics_markdown([("fifo", m), ("again", m)],
                            metrics=["visits_share", "travel_minutes", "previous_pairs"])
    assert text.splitlines() == [
        "| metric | fifo | again |",
        "|---|---|---|",
        "| visits_share | 0.750 | 0.750 |",
        "| travel_minutes | 15 | 15 |",
        "| previous_pairs | – | – |",
    ]
    assert len(metrics_markdown([("fifo", m)]).splitlines()) == 2 + len(SCALARS)
    with pytest.raises(ValueError, match="by_place"):
        metrics_markdown([("fifo", m)], metrics=["by_place"])
