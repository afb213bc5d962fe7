"""Every option of ``solve()``, validated the same way for every method and algorithmic rule.

A *row* is one way to solve: a method (``greedy``, ``cpsat``, ``flow``, ``auto``,
``timeindexed``) or an algorithmic rule (``stable``, ``stable-helpers``, ``nearest``: their own
method). A *case* is one value of one option. Every row meets every case, from two tables:

- a bad value raises :class:`cus_match.InvalidOptionError` naming the option, from ``solve()``
  itself: the solvers are replaced by a tripwire, so a value refused only once a solver has
  started (or never) fails the test;
- a good value gives a :class:`cus_match.Result` that says what was asked (method, rule, seed,
  kept pins, changes against the baseline), and the conftest checker passes the plan.

The contract is the stricter behaviour: a seed is an integer in 0..2**31-1 (what CP-SAT takes),
a time limit is finite, ``deterministic`` is a bool, an algorithmic rule takes no method other
than ``auto``, ``pinned=None`` is no pins, and an unknown keyword is an ``InvalidOptionError``
naming it. (These were 51 strict xfails until ``SolveOptions`` validated every option once.)
"""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

from cus_match import InvalidOptionError, Result, solve
from cus_match.generate import generate
from cus_match.optimise.rules import RULES, Rule, from_weights
from cus_match.optimise.solve import REGISTRY

METHODS = ("greedy", "cpsat", "flow", "auto", "timeindexed")
#: Methods that optimise linear stages only: a max-min (equity) rule is refused.
LINEAR_ONLY = ("flow", "timeindexed")
ALGORITHMIC = ("stable", "stable-helpers", "nearest")
ROWS = METHODS + ALGORITHMIC
OPTIMISING = tuple(name for name, rule in RULES.items() if rule.algorithm is None)
MINE = from_weights("mine", {"coverage": 3, "travel": 1})


@attrs.frozen
class FromEnv:
    """A value taken from the module's ``env`` fixture when the case runs."""

    name: str  # "plan" (a greedy Result), "pins" (its first visit) or "executor"

    def __repr__(self) -> str:
        return self.name


def row_kwargs(row: str) -> dict[str, Any]:
    return {"method": row} if row in METHODS else {"rule": row}


def good_cases(row: str) -> list[tuple[str, Any]]:
    if row in METHODS:
        rules: list[Any] = [r for r in OPTIMISING if not (row in LINEAR_ONLY and r == "equity")]
        rules += [RULES["priority"], MINE]
        methods, pins = [row], [(), FromEnv("pins")]
    else:
        rules, methods, pins = [RULES[row]], ["auto"], [()]
    return [
        *(("rule", r) for r in rules),
        *(("method", m) for m in methods),
        ("time_limit", None), ("time_limit", 0.5), ("time_limit", 2),
        ("seed", 0), ("seed", 7), ("seed", 2**31 - 1),
        ("workers", 1), ("workers", 2),
        ("deterministic", False), ("deterministic", True),
        ("work_limit", None),  # a work limit needs deterministic=True: tests/test_limits_clock.py
        ("executor", None), ("executor", FromEnv("executor")),
        ("progress", None), ("progress", print_nothing),
        ("stop", None), ("stop", threading.Event()), ("stop", never),
        *(("pinned", p) for p in pins), ("pinned", None),
        ("baseline", None), ("baseline", FromEnv("plan")),
    ]


def bad_cases(row: str) -> list[tuple[str, Any]]:
    # An algorithmic rule cannot keep pins; flow and timeindexed cannot optimise a max-min
    # (equity) rule.
    own = ([("rule", "equity")] if row in LINEAR_ONLY else []) if row in METHODS else [
        *(("method", m) for m in METHODS if m != "auto"), ("pinned", FromEnv("pins"))]
    return [
        ("rule", "magic"), ("rule", None), ("rule", 3),
        ("method", "magic"), ("method", None),
        ("time_limit", 0), ("time_limit", -1), ("time_limit", math.nan),
        ("time_limit", math.inf), ("time_limit", "1"), ("time_limit", True),
        ("seed", -1), ("seed", 2**40), ("seed", 1.5), ("seed", True), ("seed", "1"),
        ("seed", None),
        ("workers", 0), ("workers", 1.5), ("workers", True), ("workers", "2"),
        ("deterministic", "no"),
        ("work_limit", 0), ("work_limit", math.inf), ("work_limit", "1"),
        ("work_limit", 1.0),  # without deterministic=True
        ("executor", "pool"),
        ("progress", "bar"), ("stop", "now"),
        ("pinned", 3), ("pinned", ["x"]),
        ("baseline", "x"), ("baseline", FromEnv("pins")),
        ("time_limt", 5),  # an unknown keyword (a typo)
        *own,
    ]


def print_nothing(_event: Any) -> None:
    """A progress callback that shows nothing."""


def never() -> bool:
    """A stop callable that never stops."""
    return False


class WorkStarted(Exception):  # noqa: N818 - names the event, not a fault
    """A solver was called although an option was bad."""


def case_id(option: str, value: Any) -> str:
    if isinstance(value, Rule):
        shown = value.name
    elif isinstance(value, threading.Event):
        shown = "Event()"
    elif callable(value) and hasattr(value, "__name__"):
        shown = value.__name__
    elif type(value) is int and value > 2**16 and not value & (value - 1):
        shown = f"2**{value.bit_length() - 1}"
    else:
        shown = repr(value)
    return f"{option}={shown}"


def params(table: Any) -> list[Any]:
    return [pytest.param(row, option, value, id=f"{row}-{case_id(option, value)}")
            for row in ROWS for option, value in table(row)]


@pytest.fixture(scope="module")
def env() -> Iterator[SimpleNamespace]:
    inst = generate("tiny", seed=1)
    plan = solve(inst, method="greedy")
    assert plan.assignments, "the pinned and baseline cases need a visit to work with"
    with ThreadPoolExecutor(2) as executor:
        yield SimpleNamespace(inst=inst, plan=plan, pins=plan.assignments[:1], executor=executor)


def resolve(value: Any, env: SimpleNamespace) -> Any:
    return getattr(env, value.name) if isinstance(value, FromEnv) else value


@pytest.mark.parametrize(("row", "option", "value"), params(bad_cases))
def test_a_bad_value_is_refused_before_any_work(row, option, value, env):
    def tripwire(*_args: Any, **_kwargs: Any) -> Result:
        raise WorkStarted(f"{row} started with {case_id(option, value)}")

    kwargs = {**row_kwargs(row), option: resolve(value, env)}
    # Every method and algorithm becomes the tripwire, through the registry's public hook.
    with REGISTRY.wrapped(lambda _solver: tripwire), \
            pytest.raises(InvalidOptionError, match=option):
        solve(env.inst, **kwargs)


@pytest.mark.parametrize(("row", "option", "value"), params(good_cases))
def test_a_good_value_gives_a_result_that_says_so(row, option, value, env):
    given = resolve(value, env)
    r = solve(env.inst, **{**row_kwargs(row), option: given})
    assert isinstance(r, Result)
    rule = given if option == "rule" else row if row in ALGORITHMIC else "fifo"
    assert r.rule == (rule.name if isinstance(rule, Rule) else rule)
    assert r.method == {"stable-helpers": "stable"}.get(row, row)
    assert r.seed == (given if option == "seed" else 0)
    assert (r.changes is not None) == (option == "baseline" and given is not None)
    if option == "pinned" and given:
        dropped = {(d.need, d.date, d.helper) for d in r.dropped_pins}
        for a in given:
            assert a in r.assignments or (a.need, a.date, a.helper) in dropped


def test_every_option_of_solve_has_good_and_bad_cases_for_every_row():
    # A new option of solve() must join both tables.
    options = {name for name, p in inspect.signature(solve).parameters.items()
               if p.kind is p.KEYWORD_ONLY}
    for row in ROWS:
        assert {o for o, _ in good_cases(row)} == options, row
        assert {o for o, _ in bad_cases(row)} == options | {"time_limt"}, row
