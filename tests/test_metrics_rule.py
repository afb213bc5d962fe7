"""Metrics count the plan's value on the rule it was optimised for (issue 11, item 1).

The instance of tests/test_explain_rule.py: one visit of r1 (home "a"); h1 lives in "b" and
helped r1 before, h2 lives in "a". fifo gives the visit to h1, a travel-heavy rule to h2.
"""

from __future__ import annotations

import math

import attrs
import pytest

from builders import helper, instance, need
from cus_match.analysis.metrics import compute_metrics, metrics_table, rule_values
from cus_match.compat import build_compat
from cus_match.io.json_format import dumps_result, loads_result
from cus_match.model import Resident
from cus_match.optimise.rules import RULES, from_weights, lexicographic, rule_stages
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import RuleStage

TRIPS = from_weights("trips", {"weighted_coverage": 1, "travel": 5})


@pytest.fixture(scope="module")
def two():
    inst = instance([helper("h1", home="b"), helper("h2")], [need("n1")],
                    residents=[Resident("r1", home="a", previous_helpers=["h1"]),
                               Resident("r2", home="b")])
    fifo = solve(inst, rule="fifo", method="cpsat")
    trips = solve(inst, rule=TRIPS, method="cpsat")
    for r in (fifo, trips):
        assert check(inst, r) == []
    assert [a.helper for a in fifo.assignments] == ["h1"]
    assert [a.helper for a in trips.assignments] == ["h2"]
    return inst, fifo, trips


def _travel(result):
    (a,) = result.assignments
    return math.ceil(a.travel_minutes - 1e-9)


def test_each_plan_is_valued_by_its_own_rule(two):
    inst, fifo, trips = two
    weighted = (1 + 1) * 60  # priority 1, one hour
    f = compute_metrics(inst, fifo).rule_values
    assert f == {"1": weighted, "2": 30 - _travel(fifo)}
    t = compute_metrics(inst, trips).rule_values
    assert t == {"1": weighted - 5 * _travel(trips)}
    # The first stage is the solver's objective (in hours), recomputed from the plan.
    assert f["1"] / 60 == pytest.approx(fifo.objective)
    assert t["1"] / 60 == pytest.approx(trips.objective)


def test_the_values_follow_the_recorded_stages(two):
    inst, fifo, trips = two
    # The trips plan valued by fifo's stages is worse on stage 2 than the fifo plan.
    as_fifo = attrs.evolve(trips, rule="fifo", rule_stages=rule_stages(RULES["fifo"]))
    compat = build_compat(inst)
    assert rule_values(compat, as_fifo)["2"] == 10 - _travel(trips)
    assert rule_values(compat, as_fifo)["2"] < rule_values(compat, fifo)["2"]
    lex = lexicographic("lex", ["equity", {"visits": 2}, {"locality": 0.5, "travel": 0.25}])
    forged = attrs.evolve(trips, rule="lex", rule_stages=rule_stages(lex))
    assert rule_values(compat, forged) == {"1": 1.0, "2": 2.0,
                                           "3": 0.5 - 0.25 * _travel(trips)}


def test_json_round_trip_keeps_the_values(two):
    inst, _, trips = two
    back = loads_result(dumps_result(trips))
    assert compute_metrics(inst, back) == compute_metrics(inst, trips)
    assert compute_metrics(inst, back).rule_values == compute_metrics(inst, trips).rule_values


def test_results_without_stages(two):
    inst, _, trips = two
    compat = build_compat(inst)
    assert rule_values(compat, attrs.evolve(trips, rule_stages=())) == {}  # custom, unknown
    named = attrs.evolve(trips, rule="priority", rule_stages=())  # an old file
    assert rule_values(compat, named) == {"1": 120, "2": -_travel(trips), "3": 1.0}
    assert compute_metrics(inst, solve(inst, rule="nearest")).rule_values == {}


def test_kept_needs_the_previous_plan(two):
    inst, fifo, trips = two
    repair = attrs.evolve(trips, rule="repair", rule_stages=rule_stages(RULES["repair"]))
    values = compute_metrics(inst, repair).rule_values
    assert values["2"] is None
    assert values["3"] == 10 - _travel(trips)
    assert compute_metrics(inst, repair, previous=trips).rule_values["2"] == 1
    assert compute_metrics(inst, repair, previous=fifo).rule_values["2"] == 0


def test_values_in_the_tidy_table_and_dict(two):
    inst, fifo, _ = two
    m = compute_metrics(inst, fifo)
    assert m.to_dict()["rule_values"] == {"1": 120, "2": 30 - _travel(fifo)}
    recs = {(r["metric"], r["group"]): r["value"] for r in metrics_table([("fifo", m)])}
    assert recs[("rule_values", "2")] == 30 - _travel(fifo)
    forged = attrs.evolve(fifo, rule_stages=[RuleStage("linear", {"coverage": 1})])
    assert compute_metrics(inst, forged).rule_values == {"1": 60}
