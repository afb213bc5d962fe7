"""Rules: each optimises what it claims, checked by hand and against brute force."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings

from builders import helper, instance, need
from cus_match.clock import from_minutes, local_to_minutes
from cus_match.errors import InvalidOptionError
from cus_match.model import Recurrence, Resident
from cus_match.model.instance import Instance
from cus_match.optimise.rules import RULES, from_weights, get_rule, lexicographic, utilitarian
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import Assignment, ReasonCount, Result, Status, Unmet
from cus_match.reasons import Reason
from test_cpsat import tiny

DAY = "2026-03-24"


def _assigned(result: Result) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a in result.assignments:
        out.setdefault(a.need, set()).add(a.helper)
    return out


def _travel(result: Result) -> int:
    return sum(math.ceil(a.travel_minutes) for a in result.assignments)


# ---------------------------------------------------------------- hand-made differences

def _continuity_or_short_trip() -> Instance:
    """r2 (in b) knows h1 (from a); h2 lives in b. Coverage is the same either way."""
    return instance(
        [helper("h1", home="a", modes=["car"]), helper("h2", home="b", modes=["car"])],
        [need("n1", resident="r2")],
        residents=[Resident("r1", home="a"), Resident("r2", home="b", previous_helpers=["h1"])],
    )


def test_fifo_keeps_the_known_helper_priority_takes_the_short_trip():
    inst = _continuity_or_short_trip()
    fifo = solve(inst, rule="fifo", method="cpsat", time_limit=5)
    prio = solve(inst, rule="priority", method="cpsat", time_limit=5)
    assert _assigned(fifo) == {"n1": {"h1"}}  # continuity (30) outweighs a longer trip
    assert _assigned(prio) == {"n1": {"h2"}}  # travel is minimised before continuity
    assert fifo.objective == prio.objective == 2.0  # same priority-weighted hours
    assert _travel(prio) < _travel(fifo)
    assert not check(inst, fifo)
    assert not check(inst, prio)


def test_utilitarian_leaves_a_visit_unmet_when_the_trip_costs_more_than_it_is_worth():
    inst = instance([helper("h1", home="a", modes=["car"])],
                    [need("n1", resident="r2", priority=0)])
    trip = solve(inst, rule="priority", method="cpsat", time_limit=5)
    assert _assigned(trip) == {"n1": {"h1"}}
    assert trip.assignments[0].travel_minutes > 6  # a -> b by car
    costly = from_weights("costly-trips", {"coverage": 1, "travel": 10})
    for method in ("cpsat", "flow", "auto"):
        res = solve(inst, rule=costly, method=method, time_limit=5)
        assert res.assignments == (), method
        assert res.rule == "costly-trips"
        assert res.objective == 0.0
    cheap = solve(inst, rule=utilitarian({"coverage": 1, "travel": 0.1}), time_limit=5)
    assert _assigned(cheap) == {"n1": {"h1"}}


def _two_villages() -> Instance:
    """One helper, two hours a week: two urgent visits in a, one ordinary visit in b."""
    days = ["2026-03-24", "2026-03-25", "2026-03-26"]
    return instance(
        [helper("h1", home="a", modes=["car"], weekly_hours_cap=2)],
        [need("a1", resident="r1", priority=2, recurrence=Recurrence.once(days[0])),
         need("a2", resident="r1", priority=2, recurrence=Recurrence.once(days[1])),
         need("b1", resident="r2", priority=0, recurrence=Recurrence.once(days[2]))],
    )


@pytest.mark.parametrize("method", ["cpsat", "auto"])
def test_equity_serves_the_worst_served_place_first(method):
    inst = _two_villages()
    fifo = solve(inst, rule="fifo", method=method, time_limit=5)
    fair = solve(inst, rule="equity", method=method, time_limit=5)
    assert set(_assigned(fifo)) == {"a1", "a2"}  # 2 x 3 weighted hours beat 3 + 1
    assert "b1" in _assigned(fair)
    assert len(_assigned(fair)) == 2
    assert fair.objective == 0.5  # the worst place is half served
    assert fair.status is Status.OPTIMAL
    assert not check(inst, fair)


def test_equity_is_not_a_flow_objective():
    with pytest.raises(InvalidOptionError, match="flow"):
        solve(_two_villages(), rule="equity", method="flow")


def test_greedy_is_scored_by_the_rule_but_not_changed_by_it():
    inst = _two_villages()
    fifo = solve(inst, rule="fifo", method="greedy")
    fair = solve(inst, rule="equity", method="greedy")
    assert fifo.assignments == fair.assignments
    assert fair.rule == "equity"
    assert fair.objective == 0.0


# ---------------------------------------------------------------- brute force

def _plans(inst: Instance):
    """Every plan of a one-off-needs instance that the independent checker accepts."""
    tz = inst.policy.timezone
    options = []
    for n in inst.needs:
        d = n.recurrence.date
        w = n.windows[0]
        ws, we = local_to_minutes(d, w.start, tz), local_to_minutes(d, w.end, tz)
        opts: list = [None]
        for s in range(ws, we - n.duration_minutes + 1, 15):
            opts.extend((s, team) for team in itertools.combinations(inst.helpers,
                                                                     n.helpers_needed))
        options.append(opts)
    for combo in itertools.product(*options):
        assignments, unmet, ok = [], [], True
        for n, opt in zip(inst.needs, combo, strict=True):
            d = n.recurrence.date
            if opt is None:
                unmet.append(Unmet(n.id, d, (ReasonCount(Reason.NO_HELPERS, 0),)))
                continue
            s, team = opt
            for h in team:
                t = inst.travel.best(h.home, inst.need_place(n), h.modes)
                if t is None:
                    ok = False
                    break
                assignments.append(Assignment(n.id, d, h.id, from_minutes(s, tz),
                                              from_minutes(s + n.duration_minutes, tz),
                                              t[0], t[1]))
        if not ok:
            continue
        r = Result(Status.FEASIBLE, "brute", "x", assignments, unmet)
        if not check(inst, r):
            yield r


def _terms(inst: Instance, r: Result) -> dict[str, float]:
    """The soft terms of a plan, computed from its assignments alone."""
    met = {a.need for a in r.assignments}
    out = {"weighted_coverage": sum((1 + inst.need(n).priority) * inst.need(n).duration_minutes
                                    for n in met),
           "coverage": sum(inst.need(n).duration_minutes for n in met),
           "visits": len(met), "travel": 0, "continuity": 0, "locality": 0}
    for a in r.assignments:
        n = inst.need(a.need)
        out["travel"] += math.ceil(a.travel_minutes)
        res = inst.resident(n.resident) if n.resident else None
        out["continuity"] += bool(res and a.helper in res.previous_helpers)
        out["locality"] += inst.helper(a.helper).home == inst.need_place(n)
    return out


def _lex(inst: Instance, rule, r: Result) -> tuple[float, ...]:
    t = _terms(inst, r)
    sense = {"travel": -1}
    return tuple(round(sum(sense.get(k, 1) * w * t[k] for k, w in stage.weights), 6)
                 for stage in rule.stages)


SLOW = settings(max_examples=15)


@pytest.mark.slow
@SLOW
@given(tiny())
def test_lexicographic_rules_reach_the_brute_force_optimum_stage_by_stage(inst):
    plans = list(_plans(inst))
    for rule in (RULES["priority"], RULES["fifo"], utilitarian()):
        best = max(_lex(inst, rule, r) for r in plans)
        got = solve(inst, rule=rule, method="cpsat", time_limit=10, deterministic=True)
        assert not check(inst, got)
        assert _lex(inst, rule, got) == best, rule.name


# ---------------------------------------------------------------- defining rules

@pytest.mark.parametrize(("weights", "match"), [
    ({"travle": 1}, "unknown term 'travle'"),
    ({"travel": -1}, "weight of term 'travel' must not be negative"),
    ({"travel": "1"}, "weight of term 'travel' must be a finite number"),
    ({"coverage": True}, "weight of term 'coverage' must be a finite number"),
    ({"coverage": float("nan")}, "weight of term 'coverage' must be a finite number"),
    ({"coverage": 0}, "at least one positive weight"),
    ({}, "non-empty"),
])
def test_bad_weights_name_the_term(weights, match):
    with pytest.raises(InvalidOptionError, match=match):
        from_weights("mine", weights)


def test_bad_rules_and_stages():
    with pytest.raises(InvalidOptionError, match="unknown rule 'magic'"):
        solve(_two_villages(), rule="magic")
    with pytest.raises(InvalidOptionError, match="unknown stage 'fair'"):
        lexicographic("x", ["fair"])
    with pytest.raises(InvalidOptionError, match="non-empty name"):
        from_weights("", {"coverage": 1})
    assert get_rule(RULES["equity"]) is RULES["equity"]


def test_every_named_rule_is_documented_and_solves():
    inst = _two_villages()
    for name, rule in RULES.items():
        assert rule.describe().startswith(name)
        res = solve(inst, rule=name, time_limit=5)
        assert res.rule == name
        assert not check(inst, res), name
