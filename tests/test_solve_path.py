"""The solve path as one designed thing: options, component methods, status, time, progress, stop.

Every plan here also passes the conftest checker (``solve()`` dispatches through the registry).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import attrs
import pytest
from hypothesis import given, settings

from cus_match.errors import InvalidOptionError
from cus_match.generate import demo_instance, generate
from cus_match.io.json_format import dumps_result, loads_result
from cus_match.optimise.options import Deadline, ProgressEvent, SolveOptions
from cus_match.optimise.rules import lexicographic
from cus_match.optimise.solve import REGISTRY, solve
from cus_match.optimise.solvers.method import GREEDY, ComponentMethod, Greedy
from cus_match.plan.check import check
from cus_match.plan.result import MethodCount, RuleStage, Status
from strategies import instances


@pytest.fixture(scope="module")
def demo():
    return demo_instance()


# Status ------------------------------------------------------------------------------------

@settings(max_examples=15)
@given(instances(max_helpers=4, max_needs=5))
@pytest.mark.parametrize("method", ["flow", "cpsat", "auto"])
def test_a_plan_at_its_proven_bound_is_optimal_whatever_the_method(method, inst):
    r = solve(inst, method=method, time_limit=5, deterministic=True)
    if r.status in (Status.PARTIAL, Status.INFEASIBLE):
        return
    assert r.bound is not None
    assert r.objective is not None
    assert r.bound >= r.objective - 1e-6
    assert (r.status is Status.OPTIMAL) == (r.objective >= r.bound - 1e-6)


def test_flow_says_optimal_where_it_is_exact(demo):
    # The demo's components are small; flow solves the exact ones and repairs the rest.
    r = solve(demo, method="flow", time_limit=5, deterministic=True)
    if r.objective == r.bound:
        assert r.status is Status.OPTIMAL


# What ran, the rule as optimised, phases ---------------------------------------------------

def test_the_result_records_what_ran_per_component_and_keeps_the_asked_name(demo):
    r = solve(demo, method="auto", time_limit=5, deterministic=True)
    assert r.method == "auto"
    assert sum(m.components for m in r.methods) == 4  # the demo has four components
    assert {m.method for m in r.methods} <= {"flow", "cpsat", "cpsat-lns", "flow+repair",
                                              "greedy", "timeindexed"}


def test_the_result_records_the_rule_as_optimised():
    rule = lexicographic("mine", ["equity", {"coverage": 2, "travel": 1}])
    r = solve(generate("tiny", seed=1), rule=rule, method="cpsat", time_limit=2)
    assert r.rule == "mine"
    assert r.rule_stages == (RuleStage("equity"),
                             RuleStage("linear", {"coverage": 2.0, "travel": 1.0}))


def test_phase_times_cover_every_phase_and_fit_the_runtime(demo):
    r = solve(demo, method="cpsat", time_limit=5)
    phases = {p.phase: p.seconds for p in r.phases}
    assert list(phases) == ["build", "solve", "assemble", "explain"]
    assert sum(phases.values()) <= r.runtime_seconds + 1e-3


def test_new_fields_round_trip_through_json(demo):
    r = solve(demo, method="auto", time_limit=5, deterministic=True)
    back = loads_result(dumps_result(r))
    assert back == r
    assert back.methods == r.methods
    assert back.rule_stages == r.rule_stages
    assert back.phases == r.phases
    assert back.unexplained == r.unexplained == 0


def test_explaining_stops_at_the_deadline_and_says_so():
    from cus_match.compat import build_compat
    from cus_match.optimise.solvers.greedy import greedy_state
    from cus_match.optimise.solvers.state import PlanState, assemble

    inst = generate("rural", seed=1)
    compat = build_compat(inst)
    state = PlanState(compat)  # nothing planned: every visit unmet
    gone = Deadline(time.monotonic() - 20, time.monotonic() - 10)  # past any grace
    r = assemble(state, method="m", rule="fifo", seed=0, runtime=0.0,
                 status=Status.FEASIBLE, bound=None, deadline=gone, options=SolveOptions())
    assert r.unexplained == len(compat.occurrences) > 0
    assert sum(not u.reasons for u in r.unmet) == r.unexplained
    full = assemble(greedy_state(compat), method="m", rule="fifo", seed=0, runtime=0.0,
                    status=Status.FEASIBLE, bound=None)
    assert full.unexplained == 0
    assert all(u.reasons for u in full.unmet)


# Component methods ----------------------------------------------------------------------------

@attrs.frozen
class Lazy:
    """A component method of a test's own: the greedy, under another name."""

    name: str = "lazy"

    def __call__(self, compat, component, hint, **kw):
        return attrs.evolve(GREEDY(compat, component, hint, **kw), method=self.name)


def test_a_component_method_plugs_in_through_the_registry(demo):
    assert isinstance(Lazy(), ComponentMethod)
    with REGISTRY.registered("lazy", _component(Lazy())):
        r = solve(demo, method="lazy", time_limit=2)
    g = solve(demo, method="greedy")
    assert r.method == "lazy"
    assert r.methods == (MethodCount("lazy", 4),)
    assert r.objective >= g.objective - 1e-9


def _component(method):
    from cus_match.optimise.solve import ByComponents

    return ByComponents(method.name, method=method)


def test_register_component_refuses_what_is_not_a_component_method():
    from cus_match.optimise.solve import MethodRegistry

    with pytest.raises(InvalidOptionError, match="component method"):
        MethodRegistry().register_component("x", lambda *a: None)  # no name


def test_the_default_method_pickles_and_a_process_pool_gives_the_serial_plan(demo):
    import pickle

    from cus_match.optimise.solvers.auto import AUTO

    assert pickle.loads(pickle.dumps(AUTO)) == AUTO
    serial = solve(demo, time_limit=60, work_limit=0.4, deterministic=True)
    with ProcessPoolExecutor(2) as pool:
        parallel = solve(demo, time_limit=60, work_limit=0.4, deterministic=True, executor=pool)
    with ThreadPoolExecutor(2) as pool:
        threads = solve(demo, time_limit=60, work_limit=0.4, deterministic=True, executor=pool)
    assert parallel.to_records() == serial.to_records() == threads.to_records()
    assert parallel.objective == serial.objective
    assert parallel.status is serial.status


def test_greedy_is_a_component_method_too(demo):
    assert isinstance(GREEDY, Greedy)
    assert isinstance(GREEDY, ComponentMethod)
    with REGISTRY.registered("greedy-parts", _component(GREEDY)):
        r = solve(demo, method="greedy-parts", time_limit=2)
    assert r.objective == pytest.approx(solve(demo, method="greedy").objective)


# Progress, stop, logging ------------------------------------------------------------------

def test_progress_events_go_through_the_phases_with_components_done_monotone(demo):
    events: list[ProgressEvent] = []
    r = solve(demo, method="cpsat", time_limit=5, progress=events.append)
    phases = [e.phase for e in events]
    assert phases[0] == "build"
    assert phases[-1] == "done"
    order = ["build", "solve", "assemble", "explain", "done"]
    assert [order.index(p) for p in phases] == sorted(order.index(p) for p in phases)
    solving = [e for e in events if e.phase == "solve"]
    done = [e.components_done for e in solving]
    assert done == sorted(done)
    assert done[-1] == solving[-1].components_total == 4
    assert all(e.bound is None or e.incumbent is None or e.bound >= e.incumbent - 1e-6
               for e in events)
    assert events[-1].incumbent == r.objective


def test_stop_from_the_callback_after_the_first_component_returns_a_checked_plan(demo):
    stop = threading.Event()

    def watch(e: ProgressEvent) -> None:
        if e.phase == "solve" and e.components_done >= 1:
            stop.set()

    r = solve(demo, method="cpsat", time_limit=10, progress=watch, stop=stop)
    assert r.status is Status.STOPPED
    assert check(demo, r) == [] or all(v.code == "required_unmet" for v in check(demo, r))
    assert r.objective >= solve(demo, method="greedy").objective - 1e-9
    assert r.assignments


def test_stop_interrupts_a_long_cpsat_search_and_keeps_its_plan():
    inst = generate("rural", seed=1)  # one component: the stop must reach inside CP-SAT
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    t0 = time.monotonic()
    try:
        r = solve(inst, method="cpsat", time_limit=60, stop=stop)
    finally:
        timer.cancel()
    assert time.monotonic() - t0 < 30  # far below the limit: stopped, not timed out
    assert r.status is Status.STOPPED
    assert r.objective >= solve(inst, method="greedy").objective - 1e-9


def test_a_stop_callable_works_like_an_event(demo):
    r = solve(demo, method="auto", time_limit=5, stop=lambda: True)
    assert r.status is Status.STOPPED
    assert r.methods == (MethodCount("greedy", 4),)


def test_logging_at_phase_boundaries_names_no_resident(demo, caplog):
    with caplog.at_level(logging.INFO, logger="cus_match"):
        solve(demo, method="cpsat", time_limit=5)
    text = [r.getMessage() for r in caplog.records if r.name == "cus_match"]
    for phase in ("solve:", "build:", "assemble:", "explain:", "done:", "solve done:"):
        assert any(t.startswith(phase) for t in text), (phase, text)
    residents = {r.id for r in demo.residents}
    assert not any(rid in t for t in text for rid in residents)


def test_options_are_validated_once_and_refuse_the_same_way_everywhere():
    with pytest.raises(InvalidOptionError, match="seed"):
        SolveOptions(seed=-1)
    with pytest.raises(InvalidOptionError, match="time_limit"):
        SolveOptions(time_limit=float("inf"))
    with pytest.raises(InvalidOptionError, match="workers"):
        SolveOptions(workers=0)
    with pytest.raises(InvalidOptionError, match="stop"):
        SolveOptions(stop="now")
    assert SolveOptions(time_limit=3).portable() == SolveOptions(time_limit=3)


# Time limits kept ---------------------------------------------------------------------------

def _wall(inst, limit, method):
    # The method itself, not through the registry: the conftest guard's own check of the plan
    # would count in the time. The plan is checked here instead, after the clock stops.
    from cus_match.optimise.solve import ByComponents

    fn = ByComponents(method, f"cus_match.optimise.solvers.{method}", method.upper())
    fn.component()  # importing OR-Tools is start-up, not solving
    t0 = time.monotonic()
    r = fn(inst, options=SolveOptions(time_limit=limit))
    wall = time.monotonic() - t0
    assert [v for v in check(inst, r) if v.code != "required_unmet"] == []
    return wall, r


def _kept(wall, limit, r):
    """Whether the solve kept its limit: 5 % and a second on top (the issue's target).

    Building the compatibility graph cannot stop half-way; on a machine so loaded that it
    alone takes longer than the limit, what it overran is not the solve's to keep.
    """
    build = next(p.seconds for p in r.phases if p.phase == "build")
    return wall <= 1.05 * limit + 1 + max(0.0, build - limit)


def test_a_tiny_time_limit_is_kept_on_the_rural_profile():
    inst = generate("rural", seed=1)
    wall, r = _wall(inst, 0.5, method="cpsat")
    assert _kept(wall, 0.5, r), (wall, r.phases)
    assert r.runtime_seconds <= wall + 1e-3


@pytest.mark.slow
@pytest.mark.parametrize(("method", "limit"), [("auto", 0.5), ("cpsat", 0.5), ("cpsat", 3)])
def test_a_time_limit_is_kept_on_the_town_profile(method, limit):
    inst = generate("town", seed=1)
    wall, r = _wall(inst, limit, method=method)
    assert _kept(wall, limit, r), (wall, r.phases)
    assert r.status in (Status.FEASIBLE, Status.OPTIMAL, Status.PARTIAL)
