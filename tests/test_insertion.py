"""Insertion with ejection (solvers/insertion.py): feasible, never worse, reproducible."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cus_match.compat import build_compat
from cus_match.generate import generate
from cus_match.model.instance import Instance
from cus_match.optimise.rules import RULES
from cus_match.optimise.solvers.greedy import greedy_state
from cus_match.optimise.solvers.insertion import insert_with_ejection
from cus_match.optimise.solvers.state import PlanState, assemble
from cus_match.plan.check import check
from cus_match.plan.result import Status
from strategies import instances

FIFO = RULES["fifo"]


def _checked(inst: Instance, state: PlanState) -> None:
    result = assemble(state, method="insertion", rule="fifo", seed=1, runtime=0.0,
                      status=Status.FEASIBLE, bound=None)
    assert check(inst, result) == []


def _improve(inst: Instance, rule_name: str = "fifo", *, chains: bool = False
             ) -> tuple[PlanState, int, tuple[int, ...]]:
    compat = build_compat(inst)
    rule = RULES[rule_name]
    state = greedy_state(compat)
    before = rule.score(compat, state.chosen)
    gain = 0
    for comp in compat.components():
        gain += insert_with_ejection(compat, comp, state, rule, chains=chains)
    return state, gain, before


@settings(max_examples=40, deadline=None)
@given(instances(max_helpers=5, max_needs=7), st.booleans())
def test_insertion_keeps_the_constraints_and_never_loses(inst: Instance, chains: bool):
    state, gain, before = _improve(inst, chains=chains)
    _checked(inst, state)
    after = FIFO.score(state.compat, state.chosen)
    assert gain >= 0
    assert after[0] == before[0] + gain
    assert after >= before


@settings(max_examples=20, deadline=None)
@given(instances(max_helpers=4, max_needs=6))
def test_insertion_with_pair_terms_counts_its_gain(inst: Instance):
    # utilitarian prices travel per helper visit: a move's gain includes the pairs' terms.
    state, gain, before = _improve(inst, "utilitarian")
    _checked(inst, state)
    after = RULES["utilitarian"].score(state.compat, state.chosen)
    assert after[0] == before[0] + gain


@pytest.mark.parametrize(("profile", "chains"), [("rural", False), ("town", False),
                                                 ("town", True)])
def test_insertion_gains_on_generated_gminas_and_repeats(profile: str, chains: bool):
    inst = generate(profile, seed=1)
    a, gain_a, _before = _improve(inst, chains=chains)
    b, gain_b, _ = _improve(inst, chains=chains)
    _checked(inst, a)
    assert gain_a == gain_b
    assert a.chosen == b.chosen
    if profile == "town":  # the greedy leaves room that moves can use
        assert gain_a > 0


def test_pinned_visits_outside_the_component_stay_put():
    inst = generate("town", seed=1)
    compat = build_compat(inst)
    state = greedy_state(compat)
    comps = sorted(compat.components(), key=len)
    kept = {i: state.chosen[i] for comp in comps[:-1] for i in comp if i in state.chosen}
    insert_with_ejection(compat, comps[-1], state, FIFO)
    assert {i: state.chosen[i] for i in kept} == kept
    _checked(inst, state)


def test_equity_first_stage_leaves_the_plan():
    inst = generate("tiny", seed=1)
    compat = build_compat(inst)
    rule = next(r for r in RULES.values() if r.coupled)
    state = greedy_state(compat)
    before = dict(state.chosen)
    assert insert_with_ejection(compat, range(len(compat.occurrences)), state, rule) == 0
    assert state.chosen == before


@settings(max_examples=10, deadline=None)
@given(instances(max_helpers=5, max_needs=7))
def test_lns_with_blocked_neighbourhoods_and_repair_keeps_the_constraints(inst: Instance):
    from cus_match.optimise.options import Deadline, SolveOptions
    from cus_match.optimise.solvers.lns import lns

    compat = build_compat(inst)
    state = greedy_state(compat)
    options = SolveOptions(seed=3, deterministic=True)
    for comp in compat.components():
        mine = {i: state.chosen[i] for i in comp if i in state.chosen}
        got = [lns(compat, comp, state, options=options, deadline=Deadline.after(60), work=1.0,
                   rule=FIFO, blocked_share=0.5, repair=True) for _ in range(2)]
        assert got[0] == got[1]  # deterministic for a seed
        assert FIFO.score(compat, got[0]) >= FIFO.score(compat, mine)
        for i in comp:
            if i in state.chosen:
                state.remove(i)
        for i, (s, team) in sorted(got[0].items()):
            state.add(i, s, team)
    _checked(inst, state)
