"""The conftest guard is in place: every solver solve() dispatches to is checker-wrapped.

Also the registry it is installed through: names, replacement, wrapping and the METHODS view.
"""

from __future__ import annotations

import attrs
import pytest

from conftest import checked
from cus_match.errors import InvalidOptionError
from cus_match.generate import generate
from cus_match.optimise.solve import METHODS, REGISTRY, MethodRegistry, solve
from cus_match.optimise.solvers.greedy import solve_greedy


@pytest.fixture(scope="module")
def tiny():
    return generate("tiny", seed=1)


def broken(inst, **kw):
    r = solve_greedy(inst, **kw)
    a = r.assignments[0]
    # The same helper at the same time on another need: a clash the checker reports.
    twin = attrs.evolve(a, need=next(n.id for n in inst.needs if n.id != a.need))
    return attrs.evolve(r, assignments=(*r.assignments, twin))


def test_the_default_solvers_are_registered():
    assert REGISTRY.names() == ("auto", "cpsat", "flow", "greedy", "timeindexed")
    assert REGISTRY.names(algorithm=True) == ("nearest", "stable", "stable-helpers")


@pytest.mark.parametrize("algorithm", [False, True])
def test_every_solver_is_wrapped(algorithm):
    names = REGISTRY.names(algorithm=algorithm)
    assert names
    for name in names:
        assert getattr(REGISTRY.get(name, algorithm=algorithm), "checked", False), name


def test_the_methods_view_is_wrapped_and_read_only():
    assert sorted(METHODS) == list(REGISTRY.names())
    for name, fn in METHODS.items():
        assert getattr(fn, "checked", False), name
    with pytest.raises(TypeError):
        METHODS["greedy"] = solve_greedy  # type: ignore[index]
    with pytest.raises(KeyError):
        METHODS["magic"]


def test_checked_passes_a_valid_plan_and_catches_a_broken_one(tiny):
    assert checked(solve_greedy)(tiny).assignments
    with pytest.raises(AssertionError, match="checker found"):
        checked(broken)(tiny)


def test_a_broken_method_registered_by_a_test_is_caught(tiny):
    with REGISTRY.registered("broken", broken):
        assert "broken" in METHODS
        with pytest.raises(AssertionError, match="checker found"):
            solve(tiny, method="broken")
        with pytest.raises(AssertionError, match="checker found"):
            METHODS["broken"](tiny)
    assert "broken" not in REGISTRY.names()
    with pytest.raises(InvalidOptionError, match="unknown method 'broken'"):
        solve(tiny, method="broken")


def test_a_broken_algorithm_replacing_a_rule_is_caught_and_restored(tiny):
    with REGISTRY.registered("stable", broken, algorithm=True), \
            pytest.raises(AssertionError, match="checker found"):
        solve(tiny, rule="stable")
    # The real deferred acceptance is back, and still passes the guard.
    assert solve(tiny, rule="stable").rule == "stable"


def test_wrapped_applies_to_every_kind_stacks_and_unwinds():
    registry = MethodRegistry()
    registry.register("m", lambda inst, **kw: [inst])
    registry.register("a", lambda inst, **kw: [inst], algorithm=True)

    def tag(label):
        return lambda fn: (lambda inst, **kw: [*fn(inst, **kw), label])

    outer, inner = tag("outer"), tag("inner")
    with registry.wrapped(outer):
        assert registry.get("m")(0) == [0, "outer"]
        with registry.wrapped(inner):
            assert registry.get("a", algorithm=True)(0) == [0, "outer", "inner"]
        # Registered inside the block: wrapped too, as long as the block lasts.
        registry.register("late", lambda inst, **kw: [inst])
        assert registry.get("late")(0) == [0, "outer"]
    assert registry.get("m")(0) == registry.get("late")(0) == [0]


def test_wrapped_unwinds_after_an_error():
    registry = MethodRegistry()
    registry.register("m", lambda inst, **kw: inst)
    with pytest.raises(ValueError, match="inside"), registry.wrapped(lambda fn: None):
        raise ValueError("inside")
    assert registry.get("m")(1) == 1


def test_register_replaces_and_registered_restores():
    registry = MethodRegistry()
    registry.register("m", lambda inst, **kw: "first")
    with registry.registered("m", lambda inst, **kw: "stub"):
        assert registry.get("m")(None) == "stub"
    assert registry.get("m")(None) == "first"
    registry.register("m", lambda inst, **kw: "second")
    assert registry.get("m")(None) == "second"
    assert registry.names() == ("m",)


def test_methods_and_algorithms_are_separate_kinds():
    registry = MethodRegistry()
    registry.register("x", lambda inst, **kw: "algorithm", algorithm=True)
    assert registry.names() == ()
    with pytest.raises(InvalidOptionError, match=r"unknown method 'x'; choose one of: $"):
        registry.get("x")
    with pytest.raises(InvalidOptionError, match="unknown algorithm 'y'; choose one of: x"):
        registry.get("y", algorithm=True)


@pytest.mark.parametrize(("name", "fn"), [("", print), (3, print), ("m", "not callable")])
def test_register_rejects_bad_entries(name, fn):
    with pytest.raises(InvalidOptionError):
        MethodRegistry().register(name, fn)
