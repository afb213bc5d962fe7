"""The conftest guard is in place: every method solve() dispatches to is checker-wrapped."""

from __future__ import annotations

import importlib

import attrs
import pytest

from conftest import _checked
from cus_match.generate import generate
from cus_match.optimise.solvers.greedy import solve_greedy

solve_module = importlib.import_module("cus_match.optimise.solve")


def test_every_method_is_wrapped():
    for name, fn in solve_module.METHODS.items():
        assert hasattr(fn, "__wrapped__"), name


def test_a_broken_plan_is_caught():
    inst = generate("tiny", seed=1)

    def broken(i, **kw):
        r = solve_greedy(i, **kw)
        a = r.assignments[0]
        # The same helper at the same time on another need: a clash the checker reports.
        twin = attrs.evolve(a, need=next(n.id for n in i.needs if n.id != a.need))
        return attrs.evolve(r, assignments=(*r.assignments, twin))

    assert _checked(solve_greedy)(inst).assignments  # a valid plan passes
    with pytest.raises(AssertionError, match="checker found"):
        _checked(broken)(inst)
