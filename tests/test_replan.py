"""Re-planning: pinned visits kept or dropped with a reason; few changes against a baseline."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import helper, instance, need
from cus_match.errors import InvalidOptionError
from cus_match.generate import generate
from cus_match.model import DateRange, FormalService, Recurrence, WeeklyWindow
from cus_match.optimise.solve import solve
from cus_match.plan.check import check
from cus_match.reasons import Reason

METHODS = ["greedy", "cpsat", "flow", "auto"]


def _visits(result):
    return {(a.need, a.date, a.helper, a.start) for a in result.assignments}


def _base():
    days = ["2026-03-24", "2026-03-25", "2026-03-26"]
    return instance(
        [helper("h1", home="a"), helper("h2", home="a"), helper("h3", home="b")],
        [need(f"n{k}", resident="r1" if k % 2 else "r2",
              recurrence=Recurrence.once(days[k % 3])) for k in range(6)],
    )


@pytest.mark.parametrize("method", METHODS)
def test_pins_are_kept_exactly_when_an_urgent_need_arrives(method):
    inst = _base()
    first = solve(inst, method=method, time_limit=5)
    urgent = need("urgent", resident="r1", priority=3, recurrence=Recurrence.once("2026-03-24"))
    later = attrs.evolve(inst, needs=(*inst.needs, urgent))
    again = solve(later, method=method, time_limit=5, pinned=first.assignments)
    assert _visits(first) <= _visits(again)
    assert again.dropped_pins == ()
    assert not check(later, again)


@pytest.mark.parametrize("method", METHODS)
def test_withdrawn_helper_and_cancelled_need_drop_their_pins_with_reasons(method):
    inst = _base()
    first = solve(inst, method=method, time_limit=5)
    gone = first.assignments[0].helper
    cancelled = next(a.need for a in first.assignments if a.helper != gone)
    later = attrs.evolve(inst, helpers=tuple(h for h in inst.helpers if h.id != gone),
                         needs=tuple(n for n in inst.needs if n.id != cancelled))
    again = solve(later, method=method, time_limit=5, pinned=first.assignments)
    dropped = {(d.need, d.helper): d.reason for d in again.dropped_pins}
    expected = {(a.need, a.helper): (Reason.VISIT_CANCELLED if a.need == cancelled
                                     else Reason.HELPER_WITHDRAWN)
                for a in first.assignments if a.helper == gone or a.need == cancelled}
    assert dropped == expected
    kept = {v for v in _visits(first) if (v[0], v[2]) not in expected}
    assert kept <= _visits(again)
    assert not check(later, again)


def test_absence_and_formal_service_changes_are_named():
    inst = _base()
    first = solve(inst, method="cpsat", time_limit=5)
    a = first.assignments[0]
    # The helper is away that day from now on.
    away = attrs.evolve(inst.helper(a.helper), unavailable=[DateRange(a.date, "2026-03-29")])
    later = attrs.evolve(inst, helpers=tuple(away if h.id == a.helper else h
                                             for h in inst.helpers))
    again = solve(later, method="cpsat", time_limit=5, pinned=first.assignments)
    assert {(d.need, d.helper, d.reason) for d in again.dropped_pins} >= {
        (a.need, a.helper, Reason.ABSENT)}
    # A formal service now covers the visit.
    n = inst.need(a.need)
    svc = FormalService("s1", provider="OPS", category=n.category, recipients=[n.resident],
                        schedule=[WeeklyWindow(d, "08:00", "13:00")
                                  for d in ("mon", "tue", "wed", "thu", "fri")],
                        covers=[n.category])
    later = attrs.evolve(inst, services=(svc,))
    again = solve(later, method="cpsat", time_limit=5, pinned=first.assignments)
    reasons = {(d.need, d.reason) for d in again.dropped_pins}
    assert (a.need, Reason.VISIT_CANCELLED) in reasons
    assert not check(later, again)


def test_clashing_pins_keep_the_first_and_explain_the_second():
    inst = _base()
    first = solve(inst, method="greedy")
    a = first.assignments[0]
    other = next(n for n in inst.needs if n.id != a.need and n.resident != inst.need(
        a.need).resident and n.recurrence.date == a.date)
    clash = attrs.evolve(a, need=other.id)  # the same helper, the same time, another resident
    res = solve(inst, method="cpsat", time_limit=5, pinned=[a, clash])
    assert (a.need, a.date, a.helper, a.start) in _visits(res)
    assert [(d.need, d.reason) for d in res.dropped_pins] == [(other.id, Reason.BUSY)]


def test_pins_are_refused_by_matching_procedures_and_checked():
    inst = _base()
    first = solve(inst, method="greedy")
    with pytest.raises(InvalidOptionError, match="pinned"):
        solve(inst, rule="nearest", pinned=first.assignments)
    with pytest.raises(InvalidOptionError, match="Assignment"):
        solve(inst, pinned=["h1"])
    with pytest.raises(InvalidOptionError, match="baseline"):
        solve(inst, baseline="x")


SLOW = settings(max_examples=10)


@SLOW
@given(st.integers(0, 10_000), st.sampled_from(["withdraw", "urgent", "cap"]))
def test_repair_changes_no_more_than_solving_from_scratch(seed, event):
    inst = generate("tiny", seed=seed)
    before = solve(inst, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True)
    if event == "withdraw" and before.assignments:
        a = before.assignments[0]  # its helper withdraws from that date on
        later = attrs.evolve(inst, helpers=tuple(
            attrs.evolve(h, unavailable=[DateRange(a.date, inst.policy.period.end)])
            if h.id == a.helper else h for h in inst.helpers))
    elif event == "cap":
        later = attrs.evolve(inst, helpers=tuple(attrs.evolve(h, weekly_hours_cap=1.0)
                                                 for h in inst.helpers))
    else:
        n = inst.needs[0]
        later = attrs.evolve(inst, needs=(*inst.needs, attrs.evolve(n, id="urgent",
                                                                     priority=3)))
    scratch = solve(later, method="cpsat", time_limit=60, work_limit=0.4, deterministic=True,
                    baseline=before)
    repair = solve(later, rule="repair", method="cpsat", time_limit=60, work_limit=0.4,
                   deterministic=True, baseline=before)
    # A required visit nobody can take any more is the only acceptable finding.
    assert {v.code for v in check(later, repair)} <= {"required_unmet"}
    if scratch.status is repair.status is scratch.status.OPTIMAL:
        assert repair.objective == pytest.approx(scratch.objective)  # coverage first
    assert repair.changes is not None
    assert scratch.changes is not None
    assert repair.changes <= scratch.changes


def test_result_with_dropped_pins_round_trips_through_json():
    from cus_match.io.json_format import dumps_result, loads_result

    inst = _base()
    first = solve(inst, method="greedy")
    later = attrs.evolve(inst, helpers=inst.helpers[1:])
    again = solve(later, method="greedy", pinned=first.assignments, baseline=first)
    assert again.dropped_pins
    assert again.changes is not None
    assert loads_result(dumps_result(again)) == again
