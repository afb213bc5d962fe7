"""Time limits kept: the command's budget, and deterministic mode's wall-clock cap (issue 11.3).

No test here is timed: each asserts the budget arithmetic, or a cap so short that no machine
finishes the work before it.
"""

from __future__ import annotations

import pickle
import time

import attrs
import pytest

from cus_match.cli import plans
from cus_match.cli.main import main
from cus_match.errors import InvalidOptionError
from cus_match.generate import generate
from cus_match.io.json_format import dump_instance, dumps_result, loads_result
from cus_match.optimise.options import (
    DEFAULT_TIME_LIMIT,
    WORK_CAP_FACTOR,
    WORK_PER_SECOND,
    ClockCap,
    Deadline,
    SolveOptions,
    default_work,
)
from cus_match.optimise.solve import solve
from cus_match.plan.result import Status


@pytest.fixture(scope="module")
def rural_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("limits") / "rural.json"
    dump_instance(generate("rural", seed=1), path)
    return path


# ---------------------------------------------------------------------------------------------
# The command's budget: the solve gets the limit less what came before and a reserve after.


def test_the_solve_gets_the_limit_less_the_time_spent_and_the_reserve():
    # 1.2 s spent (0.8 of it reading the instance): the reserve is 1.3 x 0.8.
    assert plans.solve_share(20.0, 1.2, 0.8) == pytest.approx(20.0 - 1.2 - 1.3 * 0.8)


def test_the_reserve_has_a_floor():
    assert plans.solve_share(10.0, 0.0, 0.0) == pytest.approx(10.0 - plans.AFTER_MIN)


def test_the_reserve_is_at_most_a_quarter_of_the_limit():
    assert plans.solve_share(10.0, 1.0, 50.0) == pytest.approx(10.0 - 1.0 - 2.5)


def test_the_solve_keeps_a_share_when_reading_took_the_whole_limit():
    assert plans.solve_share(2.0, 5.0, 4.0) == pytest.approx(plans.SOLVE_MIN_SHARE * 2.0)


def _spy_solve(monkeypatch):
    import cus_match.optimise.solve as solve_module

    asked: list[dict[str, object]] = []
    real = solve_module.solve

    def spy(*a, **k):
        asked.append(k)
        return real(*a, **k)

    monkeypatch.setattr(solve_module, "solve", spy)
    return asked


def test_the_command_passes_its_share_measured_on_its_clock(tmp_path, monkeypatch):
    # The share is computed from the measured times: a spy on solve_share sees them, and
    # solve receives exactly what it returned.
    path = tmp_path / "tiny.json"
    dump_instance(generate("tiny", seed=1), path)
    shares: list[tuple[float, float, float, float]] = []
    real_share = plans.solve_share

    def share(limit, spent, loading):
        got = real_share(limit, spent, loading)
        shares.append((limit, spent, loading, got))
        return got

    monkeypatch.setattr(plans, "solve_share", share)
    asked = _spy_solve(monkeypatch)
    assert main(["solve", str(path), "-o", str(tmp_path / "r.json"), "--time-limit", "7",
                 "--method", "greedy", "--quiet"]) == 0
    (limit, spent, loading, got), = shares
    assert limit == 7
    assert 0 <= loading <= spent
    assert asked[0]["time_limit"] == got
    assert asked[0]["work_limit"] is None


def test_without_a_limit_the_command_budgets_the_default(tmp_path, monkeypatch):
    path = tmp_path / "tiny.json"
    dump_instance(generate("tiny", seed=1), path)
    asked = _spy_solve(monkeypatch)
    assert main(["solve", str(path), "-o", str(tmp_path / "r.json"), "--method", "greedy",
                 "--quiet"]) == 0
    assert asked[0]["time_limit"] < DEFAULT_TIME_LIMIT


def test_deterministic_work_comes_from_the_limit_asked_for(tmp_path, monkeypatch):
    # Not from the share left after reading: that depends on the machine.
    path = tmp_path / "tiny.json"
    dump_instance(generate("tiny", seed=1), path)
    asked = _spy_solve(monkeypatch)
    # The exit code is not the point (a loaded machine may leave a required visit unmet).
    main(["solve", str(path), "-o", str(tmp_path / "r.json"), "--time-limit", "7",
          "--deterministic", "--quiet"])
    assert asked[0]["work_limit"] == default_work(7)
    assert asked[0]["time_limit"] < 7


# ---------------------------------------------------------------------------------------------
# Deterministic mode: work decides, the clock caps.


def test_work_follows_the_time_limit_at_the_calibrated_rate():
    assert SolveOptions(time_limit=20, deterministic=True).work == pytest.approx(
        20 * WORK_PER_SECOND)


def test_an_explicit_work_limit_wins():
    assert SolveOptions(time_limit=20, deterministic=True, work_limit=3).work == 3.0


def test_a_work_limit_alone_caps_the_wall_at_a_multiple_of_its_seconds():
    opts = SolveOptions(deterministic=True, work_limit=2)
    assert opts.budget == pytest.approx(WORK_CAP_FACTOR * 2 / WORK_PER_SECOND)


def test_a_work_limit_without_deterministic_is_refused():
    with pytest.raises(InvalidOptionError, match="work_limit counts deterministic work"):
        SolveOptions(work_limit=2)


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan"), "2", True])
def test_a_bad_work_limit_is_refused(bad):
    with pytest.raises(InvalidOptionError, match="work_limit must be"):
        SolveOptions(deterministic=True, work_limit=bad)


def test_the_cap_is_a_stop_only_in_deterministic_mode():
    d = Deadline(0.0, 0.0)  # long past
    assert SolveOptions(deterministic=True).capped(d).stopped()
    free = SolveOptions()
    assert free.capped(d) is free


def test_the_cap_keeps_the_callers_stop():
    opts = SolveOptions(deterministic=True, stop=lambda: True).capped(Deadline.after(60))
    assert opts.stopped()


def test_the_cap_crosses_to_a_process_without_the_callers_stop():
    import threading

    opts = SolveOptions(deterministic=True, stop=threading.Event()).capped(Deadline.after(60))
    far = opts.portable(keep_stop=False)
    assert isinstance(far.stop, ClockCap)
    assert far.stop.inner is None
    assert pickle.loads(pickle.dumps(far.stop)).end == far.stop.end
    assert opts.portable(keep_stop=True).stop is opts.stop


def test_a_deterministic_run_within_its_cap_repeats_and_is_not_marked():
    inst = generate("rural", seed=2)
    a = solve(inst, deterministic=True, time_limit=60, work_limit=0.5, seed=3)
    b = solve(inst, deterministic=True, time_limit=60, work_limit=0.5, seed=3)
    assert not a.cut_by_clock
    assert not b.cut_by_clock
    assert a.assignments == b.assignments
    assert a.status is b.status


def test_a_deterministic_run_its_cap_cuts_keeps_its_best_plan_and_says_so():
    inst = generate("town", seed=1)
    t0 = time.monotonic()
    # 3 s: the build (0.2-1.2 s) always fits, 500 work units (an hour) never do.
    r = solve(inst, deterministic=True, time_limit=3.0, work_limit=500.0)
    wall = time.monotonic() - t0
    assert r.cut_by_clock
    # The clock, not the caller, stopped it: the status says how good the plan is.
    assert r.status in (Status.FEASIBLE, Status.OPTIMAL, Status.PARTIAL)
    assert r.assignments  # never less than the greedy's plan
    # 500 work units take an hour; the cap ended it (a generous margin for a loaded machine).
    assert wall < 60


def test_the_caller_stopping_a_deterministic_run_is_a_stop_not_a_cut():
    r = solve(generate("rural", seed=1), deterministic=True, time_limit=60, stop=lambda: True)
    assert r.status is Status.STOPPED
    assert not r.cut_by_clock


def test_the_summary_says_a_cut_plan_is_not_reproducible_in_both_languages():
    r = solve(generate("tiny", seed=1), method="greedy")
    cut = attrs.evolve(r, cut_by_clock=True)
    assert "not reproducible" in cut.summary("en")
    assert "nie da się odtworzyć" in cut.summary("pl")
    assert "reproducible" not in r.summary("en")


def test_the_mark_survives_a_json_round_trip():
    r = attrs.evolve(solve(generate("tiny", seed=1), method="greedy"), cut_by_clock=True)
    assert loads_result(dumps_result(r)).cut_by_clock


# ---------------------------------------------------------------------------------------------
# The compatibility build under a deadline.


def test_a_build_past_its_time_lists_the_rest_as_unexamined():
    from cus_match.compat import build_compat

    inst = generate("rural", seed=1)
    whole = build_compat(inst)
    late = build_compat(inst, until=0.0)
    assert late.occurrences == []
    assert late.unexamined == whole.occurrences
    # What costs little is still sorted out.
    assert late.referrals == whole.referrals
    assert late.covered == whole.covered
    assert late.outside_ipus == whole.outside_ipus


def test_a_build_with_time_left_is_the_whole_build():
    from cus_match.compat import build_compat

    inst = generate("rural", seed=1)
    assert build_compat(inst, until=time.monotonic() + 3600) == build_compat(inst)


def test_a_build_stopped_midway_keeps_whole_needs(monkeypatch):
    # A clock that passes the deadline after the first look: the first chunk of needs is
    # built, the rest is not, and no need is split.
    from cus_match.compat import graph

    inst = generate("town", seed=1)
    looks = iter([0.0] + [10.0] * 10_000)
    monkeypatch.setattr(graph.time, "monotonic", lambda: next(looks))
    part = graph.build_compat(inst, until=5.0)
    built = {o.need for o in part.occurrences}
    left = {o.need for o in part.unexamined}
    assert built
    assert left
    assert not built & left
    assert len(built) <= graph.UNTIL_CHECK_EVERY


def test_a_solve_whose_build_ran_out_says_so_and_claims_nothing():
    inst = generate("rural", seed=1)
    r = solve(inst, time_limit=0.05)  # less than the reserve: no time for candidates at all
    assert r.unexamined > 0
    assert r.bound is None
    assert r.status is not Status.OPTIMAL
    assert "not examined" in r.summary("en")
    assert "niezbadane" in r.summary("pl")
    assert not r.cut_by_clock  # outside deterministic mode the clock always decides


def test_a_deterministic_solve_whose_build_ran_out_is_cut():
    r = solve(generate("rural", seed=1), time_limit=0.05, deterministic=True)
    assert r.unexamined > 0
    assert r.cut_by_clock


def test_the_trivial_bound_without_pair_terms_is_the_priced_one():
    # The shortcut for a first stage without helper terms gives what pricing every
    # candidate at 0 gives.
    from cus_match.compat import build_compat
    from cus_match.optimise.rules import Linear, get_rule
    from cus_match.optimise.solvers.method import trivial_bound

    compat = build_compat(generate("rural", seed=1))
    comp = list(range(len(compat.occurrences)))
    fifo = get_rule("fifo")
    first = fifo.stages[0]
    assert isinstance(first, Linear)
    assert not first.has_pairs
    priced = sum(max(first.visit_coef(compat, i) + sum(sorted(
        (first.pair_coef(compat, c) for c in compat.candidates[i]), reverse=True)[
            :compat.inst.need(compat.occurrences[i].need).helpers_needed]), 0) for i in comp)
    assert trivial_bound(compat, comp, fifo) == priced


@pytest.mark.parametrize(("lang", "cut", "unexamined"), [
    ("en", "not reproducible", "not examined"),
    ("pl", "nie da się odtworzyć", "niezbadane"),
])
def test_the_command_says_when_its_limit_cut_the_plan_short(rural_file, tmp_path, capsys, lang,
                                                             cut, unexamined):
    main(["--lang", lang, "solve", str(rural_file), "-o", str(tmp_path / "r.json"),
          "--time-limit", "0.01", "--deterministic", "--quiet"])
    out = capsys.readouterr().out
    assert cut in out
    assert unexamined in out


def test_solve_takes_work_units_and_repeats_its_plan(rural_file, tmp_path, capsys):
    # --work-limit asks for the deterministic mode: two runs give the same plan file.
    plans_made = []
    for run in ("a", "b"):
        out = tmp_path / f"{run}.json"
        code = main(["solve", str(rural_file), "-o", str(out), "--method", "cpsat",
                     "--work-limit", "0.5", "--time-limit", "60", "--quiet"])
        assert code == 0
        plans_made.append(loads_result(out.read_text()))
    capsys.readouterr()
    assert plans_made[0].assignments == plans_made[1].assignments
    assert plans_made[0].objective == plans_made[1].objective


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "--work-limit must be positive, got 0"),
    ("pl", "--work-limit musi być liczbą dodatnią, podano 0"),
])
def test_solve_refuses_work_units_that_are_not_positive(rural_file, tmp_path, capsys, lang,
                                                         said):
    code = main(["--lang", lang, "solve", str(rural_file), "-o", str(tmp_path / "x.json"),
                 "--work-limit", "0"])
    assert code == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_the_build_is_given_the_components_end(monkeypatch):
    # The limit less the reserve for assembling and explaining (10 % of it, 0.1-5 s),
    # counted from when solve() was entered.
    from cus_match.optimise.solvers import components

    seen: list[float] = []
    real = components.build_compat

    def spy(inst, *, until=None):
        seen.append(until)
        return real(inst, until=until)

    monkeypatch.setattr(components, "build_compat", spy)
    before = time.monotonic()
    solve(generate("tiny", seed=1), time_limit=10)
    after = time.monotonic()
    (until,) = seen
    assert before + 10 - 1.0 <= until <= after + 10 - 1.0


# ---------------------------------------------------------------------------------------------
# Assembling on a large graph (issue 11: the 4x city's 13.5 M pairs): the reserve grows with
# the graph, and explaining stops at its first look past the cut-off.


def test_the_components_reserve_grows_with_the_pairs():
    from cus_match.optimise.solvers import components

    d, o = Deadline(0.0, 120.0), SolveOptions(time_limit=120)
    base = components.components_end(d, o)
    assert base == pytest.approx(115.0)
    sized = components.components_end(d, o, pairs=13_500_000)
    assert sized == pytest.approx(base - components._RESERVE_PER_PAIR * 13_500_000)


def test_the_pairs_part_of_the_reserve_is_at_most_a_quarter_of_the_limit():
    from cus_match.optimise.solvers import components

    d, o = Deadline(0.0, 10.0), SolveOptions(time_limit=10)
    assert components.components_end(d, o, pairs=10**12) == pytest.approx(10.0 - 1.0 - 2.5)


def test_the_components_end_counts_the_graphs_pairs(monkeypatch):
    # A reserve of 1 ms a pair: the components' end moves back by the graph's pairs' worth.
    from cus_match.compat import build_compat
    from cus_match.optimise.solvers import components

    inst = generate("tiny", seed=1)
    compat = build_compat(inst)
    pairs = sum(len(c) for c in compat.candidates)
    assert pairs > 0
    monkeypatch.setattr(components, "_RESERVE_PER_PAIR", 1e-3)
    ends: list[float] = []
    real = components.run_component

    def spy(method, compat, comp, hint, rule, fixed, options, end, share, work):
        ends.append(end)
        return real(method, compat, comp, hint, rule, fixed, options, end, share, work)

    monkeypatch.setattr(components, "run_component", spy)
    deadline = Deadline.after(100.0)
    r = _solve_with_compat(inst, compat, deadline)
    assert r.assignments
    assert ends
    assert ends == [pytest.approx(deadline.end - 5.0 - 1e-3 * pairs)] * len(ends)


def _solve_with_compat(inst, compat, deadline):
    from cus_match.optimise.solve import METHODS

    return METHODS["auto"](inst, options=SolveOptions(time_limit=100), compat=compat,
                           deadline=deadline)


@attrs.frozen
class _Looks:
    """A cut-off that passes at the ``n``-th look (a fake clock: nothing here is timed)."""

    n: int
    seen: list[int] = attrs.field(factory=lambda: [0])

    def expired(self) -> bool:
        self.seen[0] += 1
        return self.seen[0] > self.n


@attrs.frozen
class _FakeDeadline:
    looks: _Looks

    def later(self, seconds: float) -> _Looks:
        return self.looks

    def elapsed(self) -> float:
        return 0.0


def test_explaining_stops_at_its_first_look_past_the_cut_off():
    from cus_match.compat import build_compat
    from cus_match.optimise.solvers.state import PlanState, assemble

    compat = build_compat(generate("rural", seed=1))
    state = PlanState(compat)  # nothing planned: every visit unmet
    missing = len(compat.occurrences)
    assert missing > 40
    r = assemble(state, method="m", rule="fifo", seed=0, runtime=0.0, status=Status.FEASIBLE,
                 bound=None, deadline=_FakeDeadline(_Looks(3)),  # type: ignore[arg-type]
                 options=SolveOptions())
    # Three looks in time: three visits explained, every later one counted as not.
    assert r.unexplained == missing - 3
    assert sum(bool(u.reasons) for u in r.unmet) >= 3


class _LeftOnce:
    """A deadline with time left at its first look only (a fake clock: nothing is timed)."""

    def __init__(self) -> None:
        self.looks = 0

    def left(self) -> float:
        self.looks += 1
        return 1000.0 if self.looks == 1 else 0.0

    def expired(self) -> bool:
        return self.left() <= 0.0


def test_the_lns_set_up_stops_at_the_deadline_with_the_start(monkeypatch):
    from cus_match.compat import build_compat
    from cus_match.optimise.solvers import lns as lns_module
    from cus_match.optimise.solvers.components import active_components
    from cus_match.optimise.solvers.greedy import greedy_state

    compat = build_compat(generate("rural", seed=1))
    comp = max(active_components(compat), key=len)
    assert len(comp) > 2
    start = greedy_state(compat)

    def never(*args, **kwargs):
        raise AssertionError("no round after the deadline")

    monkeypatch.setattr(lns_module, "_SETUP_CHECK", 1)
    monkeypatch.setattr(lns_module, "ComponentModel", never)
    deadline = _LeftOnce()
    got = lns_module.lns(compat, comp, start, options=SolveOptions(), work=0.0,
                         deadline=deadline)  # type: ignore[arg-type]
    assert deadline.looks == 2  # the second visit's look ends the set-up
    assert got == {i: v for i, v in start.chosen.items() if i in set(comp)}
