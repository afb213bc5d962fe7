"""Stable matching: no blocking pairs, both proposing sides, and hand-made textbook cases."""

from __future__ import annotations

import warnings
from datetime import date

import attrs
import pytest
from hypothesis import given, settings

from builders import PERIOD, helper, instance, need
from cus_match.compat import build_compat
from cus_match.errors import InvalidInputError, InvalidOptionError
from cus_match.model import Place, Policy, Resident, TravelSettings, WeeklyWindow
from cus_match.optimise.solve import solve
from cus_match.optimise.solvers.stable import (
    BlockingPair,
    StabilityWarning,
    blocking_pairs,
    solve_stable,
)
from cus_match.plan.check import check
from cus_match.plan.result import Status
from strategies import instances


def stable(inst, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", StabilityWarning)  # a cycle would fail the test
        r = solve_stable(inst, **kw)
    assert check(inst, r) == []
    return r


def pairs(r):
    return sorted((a.need, a.helper) for a in r.assignments)


@pytest.mark.slow
@settings(max_examples=60)
@given(instances())
@pytest.mark.parametrize("proposing", ["residents", "helpers"])
def test_stable_plans_pass_check_and_have_no_blocking_pairs(proposing, inst):
    compat = build_compat(inst)
    r = stable(inst, proposing=proposing, compat=compat)
    assert r.method == "stable"
    assert blocking_pairs(inst, r, compat=compat) == []


@settings(max_examples=20)
@given(instances(max_helpers=4, max_needs=5))
def test_same_input_same_stable_plan(inst):
    a, b = stable(inst), stable(inst)
    assert attrs.evolve(a, runtime_seconds=0) == attrs.evolve(b, runtime_seconds=0)


def _continuity_case():
    # Both residents live in "a", as do both helpers; h1 has an hour a week. r2 had h1 before.
    residents = [Resident("r1", home="a"), Resident("r2", home="a", previous_helpers=["h1"])]
    needs = [need("n1", resident="r1", applied_on="2026-03-01"),
             need("n2", resident="r2", applied_on="2026-03-05")]
    return instance([helper("h1", weekly_hours_cap=1), helper("h2")], needs,
                    residents=residents)


def test_fifo_greedy_has_a_blocking_pair_that_stable_removes():
    inst = _continuity_case()
    greedy = solve(inst, method="greedy")
    assert check(inst, greedy) == []
    # FIFO serves the earlier application first with its best helper, h1 ...
    assert pairs(greedy) == [("n1", "h1"), ("n2", "h2")]
    # ... but r2 wants h1 back (continuity) and h1 prefers r2 for the same reason.
    bp = blocking_pairs(inst, greedy)
    assert [(b.need, b.helper, b.current) for b in bp] == [("n2", "h1", ("h2",))]
    assert isinstance(bp[0], BlockingPair)
    assert bp[0].date == date(2026, 3, 24)
    assert bp[0].start.isoformat() == "2026-03-24T09:00:00+01:00"
    for proposing in ("residents", "helpers"):
        r = stable(inst, proposing=proposing)
        assert pairs(r) == [("n1", "h2"), ("n2", "h1")]
        assert blocking_pairs(inst, r) == []
        assert r.status is Status.FEASIBLE


def _two_villages():
    # Two villages 0.7 km apart, but a house call within a village takes 10 minutes: by car the
    # other village is nearer (1.2 min). Residents prefer a helper from their own village
    # (locality), helpers prefer the shorter trip: the textbook 2x2 with two stable matchings.
    policy = Policy(period=PERIOD, travel=TravelSettings(within_place_minutes=10))
    places = [Place("a", "Bukowsko", lat=49.483, lon=22.066),
              Place("b", "Nowotaniec", lat=49.489, lon=22.066)]
    helpers = [helper("h1", home="a", modes=["car"], weekly_hours_cap=1),
               helper("h2", home="b", modes=["car"], weekly_hours_cap=1)]
    needs = [need("n1", resident="r1"), need("n2", resident="r2")]
    return instance(helpers, needs, policy=policy, places=places,
                    residents=[Resident("r1", home="a"), Resident("r2", home="b")])


def test_residents_and_helpers_proposing_reach_their_own_optimal_stable_plans():
    inst = _two_villages()
    by_residents = stable(inst, proposing="residents")
    by_helpers = stable(inst, proposing="helpers")
    # Each side gets its first choice when it proposes.
    assert pairs(by_residents) == [("n1", "h1"), ("n2", "h2")]
    assert all(a.locality for a in by_residents.assignments)
    assert pairs(by_helpers) == [("n1", "h2"), ("n2", "h1")]
    assert all(a.travel_minutes < 2 for a in by_helpers.assignments)
    # Both are stable: neither side can do better without the other side losing.
    assert blocking_pairs(inst, by_residents) == blocking_pairs(inst, by_helpers) == []
    assert by_residents.rule == "stable"
    assert by_helpers.rule == "stable-helpers"
    assert solve_stable(inst, rule="stable-helpers").assignments == by_helpers.assignments


def test_a_blocking_pair_needs_the_helper_to_want_the_visit_too():
    inst = _two_villages()
    # n1 (with h2) would rather have h1, but h1 prefers n2, which it has: not blocking.
    r = stable(inst, proposing="helpers")
    assert [a.helper for a in r.assignments if a.need == "n1"] == ["h2"]
    assert blocking_pairs(inst, r) == []


def test_unmet_visit_and_a_helper_with_room_block():
    inst = instance([helper("h1")], [need("n1"), need("n2", applied_on="2026-03-02")])
    r = stable(inst)
    assert pairs(r) == [("n1", "h1"), ("n2", "h1")]
    # Leave n2 unmet by hand: h1 has room, so (n2, h1) blocks.
    greedy = solve(inst, method="greedy")
    drop = [a for a in greedy.assignments if a.need == "n2"]
    partial = attrs.evolve(greedy, assignments=[a for a in greedy.assignments if a not in drop])
    assert [(b.need, b.helper, b.current) for b in blocking_pairs(inst, partial)] == [
        ("n2", "h1", ())]


def test_team_visits_are_matched_whole_and_stably():
    hs = [helper("h1"), helper("h2", availability=[WeeklyWindow("tue", "10:00", "12:00")]),
          helper("h3", home="b")]
    inst = instance(hs, [need("n1", helpers_needed=2), need("n2", resident="r2")])
    for proposing in ("residents", "helpers"):
        r = stable(inst, proposing=proposing)
        team = sorted(a.helper for a in r.assignments if a.need == "n1")
        assert len(team) == 2
        assert len({a.start for a in r.assignments if a.need == "n1"}) == 1
        assert blocking_pairs(inst, r) == []


def test_blocking_pairs_reject_an_ineligible_assignment():
    inst = instance([helper("h1"), helper("h2", agreement=None)], [need("n1")])
    r = solve(inst, method="greedy")
    bad = attrs.evolve(r, assignments=[attrs.evolve(r.assignments[0], helper="h2")])
    with pytest.raises(InvalidInputError, match=r"assignments\[0\].helper.*h2"):
        blocking_pairs(inst, bad)


def test_unknown_proposing_side_raises():
    with pytest.raises(InvalidOptionError, match="proposing"):
        solve_stable(instance([helper("h1")], [need("n1")]), proposing="coordinators")


def test_options_of_other_methods_are_refused_not_swallowed():
    inst = instance([helper("h1")], [need("n1")])
    with pytest.raises(TypeError, match="time_limit"):
        solve_stable(inst, time_limit=5, workers=2, seed=7)
    r = solve_stable(inst, seed=7)
    assert r.seed == 7
    assert pairs(r) == [("n1", "h1")]


def test_a_plan_left_unstable_is_kept_with_a_warning(monkeypatch):
    import cus_match.optimise.solvers.stable as stable_module

    inst = instance([helper("h1"), helper("h2")], [need("n1", helpers_needed=2)])
    # Team visits are placed by the stabilisation; with no sweep allowed the team stays unmet
    # and blocks with both helpers.
    monkeypatch.setattr(stable_module, "_MAX_SWEEPS", 0)
    with pytest.warns(StabilityWarning, match="2 blocking pair"):
        r = solve_stable(inst)
    assert check(inst, r) == []
    assert [u.need for u in r.unmet] == ["n1"]
