"""The HiGHS MIP peer of the scale benchmark (benchmarks/mip_peer.py) against our CP-SAT model."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from builders import helper, instance, need
from cus_match.compat import build_compat
from cus_match.generate import generate
from cus_match.model import TimeWindow
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.plan.result import Status
from strategies import instances

pytest.importorskip("highspy")

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "mip_peer.py"
_spec = importlib.util.spec_from_file_location("mip_peer", _PATH)
assert _spec is not None
assert _spec.loader is not None
mip_peer = importlib.util.module_from_spec(_spec)
sys.modules["mip_peer"] = mip_peer
_spec.loader.exec_module(mip_peer)


def peer(inst, **kw):
    return mip_peer.run_peer(inst, build_compat(inst), time_limit=kw.pop("time_limit", 20.0),
                             **kw)


def assert_same_optimum(inst, *, drawn=False):
    ours = solve(inst, method="cpsat", time_limit=10, deterministic=True)
    assert check(inst, ours) == []
    if drawn:  # only a proven optimum can be compared exactly
        assume(ours.status is Status.OPTIMAL)
    else:
        assert ours.status is Status.OPTIMAL
    got = peer(inst)
    assert got["status"] == "optimal", got
    assert got["violations"] == 0
    assert got["objective"] == pytest.approx(ours.objective, abs=1e-6)
    assert got["highs_objective"] == pytest.approx(ours.objective, abs=1e-6)
    assert got["bound"] == pytest.approx(ours.objective, abs=0.99 / 60)
    return got


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_tiny_generated_optimum_equals_cpsat(seed):
    assert_same_optimum(generate("tiny", seed=seed))


def test_travel_between_places_is_a_conflict():
    # One helper, two one-hour visits back to back at places a and b: travel forbids both, so
    # the optimum keeps the more valuable one (priority 2: 3 h of value against 1 h).
    inst = instance(
        [helper("h1")],
        [need("n1", "r1", windows=[TimeWindow("09:00", "10:00")]),
         need("n2", "r2", windows=[TimeWindow("10:00", "11:00")], priority=2)])
    got = assert_same_optimum(inst)
    assert got["objective"] == pytest.approx(3.0)
    assert got["mip"]["rows_per_rule"].get("helper_travel", 0) + got["mip"][
        "rows_per_rule"].get("helper_clique", 0) >= 1


def test_teams_hours_and_residents():
    # A two-helper visit, a weekly cap of 2 h and at most one resident per helper.
    inst = instance(
        [helper("h1", weekly_hours_cap=2, max_residents=1), helper("h2", home="b"),
         helper("h3", weekly_hours_cap=1)],
        [need("n1", "r1", helpers_needed=2, windows=[TimeWindow("09:00", "13:00")]),
         need("n2", "r2", windows=[TimeWindow("09:00", "13:00")], priority=1),
         need("n3", "r1", windows=[TimeWindow("10:00", "12:00")], duration_minutes=90)])
    got = assert_same_optimum(inst)
    rules = got["mip"]["rows_per_rule"]
    for rule in ("team", "resident", "weekly_hours", "max_residents"):
        assert rules.get(rule, 0) >= 1, rule


@pytest.mark.slow
@settings(max_examples=12, suppress_health_check=[HealthCheck.filter_too_much])
@given(instances(max_helpers=4, max_needs=5))
def test_hypothesis_instances_optimum_equals_cpsat(inst):
    assert_same_optimum(inst, drawn=True)


def test_an_invalid_solution_is_reported_invalid(monkeypatch):
    # A solution that sets every column: visits double-booked, teams too large.
    inst = generate("rural", seed=1)

    def everything(mip, **_kw):
        return mip_peer.PeerRun("optimal", float(mip.cost.sum()), float(mip.cost.sum()), 0.1,
                                0.1, np.ones(mip.num_col), None)

    monkeypatch.setattr(mip_peer, "solve_mip", everything)
    got = peer(inst)
    assert got["status"] == "invalid"
    assert got["violations"] > 0


def test_a_run_past_its_wall_clock_is_killed():
    got = peer(generate("rural", seed=1), time_limit=0.01, grace=0.0)
    assert got["status"] == "killed"
    assert got["objective"] is None or got["violations"] == 0


def test_too_large_models_are_not_built():
    got = peer(generate("rural", seed=1), max_z=10)
    assert got["status"] == "too large"
    assert got["mip"]["z_cols"] > 10


@pytest.mark.slow
def test_rural_optimum_equals_cpsat():
    # A realistic instance: 372 visits, travel conflicts, weekly caps, resident limits.
    got = assert_same_optimum(generate("rural", seed=1))
    assert got["mip"]["rows_per_rule"]["helper_travel"] > 0


def _timeindexed(inst):
    import time

    from cus_match.optimise.rules import RULES
    from cus_match.optimise.solvers.components import active_components
    from cus_match.optimise.solvers.greedy import greedy_state
    from cus_match.optimise.timeindexed import solve_timeindexed

    compat = build_compat(inst)
    stage = RULES["fifo"].stages[0]
    hint = greedy_state(compat).chosen
    sols = [solve_timeindexed(compat, comp, stage, deadline=time.perf_counter() + 20, hint=hint)
            for comp in active_components(compat)]
    value = sum(stage.value(compat, s.chosen) for s in sols) / 6000
    return value, sum(s.bound for s in sols) / 6000, [s.status for s in sols]


@pytest.mark.parametrize(("profile", "seed"),
                         [("tiny", 1), ("tiny", 2), ("tiny", 3), ("rural", 1)])
def test_library_model_and_peer_bound_each_other(profile, seed):
    # The library's time-indexed model (per component, OR-Tools' HiGHS) and the peer (whole
    # instance, highspy in its own process): each one's bound is above the other's plan, and
    # both prove the same optimum.
    inst = generate(profile, seed=seed)
    value, bound, statuses = _timeindexed(inst)
    got = peer(inst)
    assert got["status"] == "optimal", got
    assert bound >= got["objective"] - 1e-9
    assert got["bound"] >= value - 0.99 / 60
    assert statuses == [Status.OPTIMAL] * len(statuses)
    assert value == pytest.approx(got["objective"], abs=1e-9)


def test_library_model_has_the_peers_rows():
    # Same formulation: on the whole of rural seed 1 (one active component plus the visits no
    # one can meet), the library's model has the peer's columns and rows, rule by rule.
    from cus_match.optimise.solvers.components import active_components
    from cus_match.optimise.timeindexed.model import build_model

    inst = generate("rural", seed=1)
    compat = build_compat(inst)
    mip = mip_peer.build_mip(compat)
    ours = [build_model(compat, comp) for comp in active_components(compat)]
    assert sum(m.num_cols for m in ours) == mip.num_col
    assert sum(m.num_rows for m in ours) == mip.num_row
    rules: dict[str, int] = {}
    for m in ours:
        for k, n in m.rows_per_rule.items():
            rules[k] = rules.get(k, 0) + n
    assert rules == {k: n for k, n in mip.rows_per_rule.items() if n}
