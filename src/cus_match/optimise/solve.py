"""The one entry point: ``solve(instance, rule=..., method=...) -> Result``.

Examples
--------
>>> from cus_match.generate import generate
>>> result = solve(generate("tiny", seed=1))
>>> result.status.value in {"feasible", "optimal", "partial"}
True
>>> solve(generate("tiny", seed=1), method="magic")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: unknown method 'magic'; choose one of: auto, cpsat, ...
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

import attrs

from cus_match.errors import InvalidOptionError
from cus_match.model.instance import Instance
from cus_match.optimise.rules import RULES as _RULES
from cus_match.optimise.rules import Equity, Rule, get_rule
from cus_match.optimise.solvers.components import solve_by_components
from cus_match.optimise.solvers.cpsat import solve_cpsat
from cus_match.optimise.solvers.greedy import solve_greedy
from cus_match.plan.result import Assignment, Result

__all__ = ["METHODS", "RULES", "solve"]

RULES: tuple[str, ...] = tuple(_RULES)
METHODS: dict[str, Callable[..., Result]] = {
    "greedy": solve_greedy,
    "cpsat": solve_cpsat,
    "flow": lambda inst, **kw: solve_by_components(inst, method="flow", **kw),
    "auto": lambda inst, **kw: solve_by_components(inst, method="auto", **kw),
}


def solve(
    instance: Instance,
    *,
    rule: str | Rule = "fifo",
    method: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    workers: int = 1,
    deterministic: bool = False,
    executor: Executor | None = None,
    pinned: Sequence[Assignment] = (),
    baseline: Result | None = None,
) -> Result:
    """Propose a plan for ``instance``.

    Parameters
    ----------
    instance : Instance
        A validated instance.
    rule : str or Rule
        What is optimised: a name from :data:`cus_match.optimise.rules.RULES` (``"fifo"``, the legal
        default; ``"priority"``, ``"utilitarian"``, ``"equity"``) or a :class:`Rule` built
        with :func:`cus_match.optimise.rules.from_weights` /
        :func:`~cus_match.optimise.rules.lexicographic`.
        The algorithmic rules ``"stable"``, ``"stable-helpers"`` and ``"nearest"`` are their
        own method: ``method`` is then not used. With ``method="greedy"`` the rule only scores
        the FIFO plan.
    method : str
        How: ``"greedy"`` (the FIFO baseline, what coordinators do by hand); ``"cpsat"`` (the
        full model on CP-SAT per connected component, LNS on large ones, hinted by the
        greedy); ``"flow"`` (the capacity core on min-cost flow: exact where no visits can
        clash in time, elsewhere a bound and a repaired plan); ``"auto"`` (``flow`` where it is
        exact, ``cpsat`` elsewhere).
    time_limit : float, optional
        Seconds for the whole solve; must be positive. The greedy does not need it.
    seed : int
        Random seed (same input and seed give the same result in ``deterministic`` mode).
    workers : int
        Search workers per CP-SAT model (at least 1; 1 is fastest on these models).
    deterministic : bool
        Reproducible search: one worker and a work-based time limit.
    executor : concurrent.futures.Executor, optional
        Solve independent components in parallel on it; results merge deterministically.
    pinned : sequence of Assignment
        Confirmed helper visits to keep exactly (need, date, start, helper). One the instance
        no longer allows is dropped and listed in ``Result.dropped_pins`` with its reason.
    baseline : Result, optional
        The plan being re-planned: the result reports ``changes`` (its helper visits not
        kept), and the rule's ``kept`` term (e.g. ``rule="repair"``) counts the kept ones.

    Returns
    -------
    Result
        The plan, never ``None``.

    Raises
    ------
    InvalidOptionError
        For an unknown rule or method, a non-positive time limit or a non-integer seed, before
        any work is done.
    """
    if not isinstance(instance, Instance):
        raise InvalidOptionError(f"expected an Instance, got {type(instance).__name__}")
    rule_ = get_rule(rule)
    if method not in METHODS:
        raise InvalidOptionError(
            f"unknown method {method!r}; choose one of: {', '.join(sorted(METHODS))}")
    if method == "flow" and rule_.stages and isinstance(rule_.stages[0], Equity):
        raise InvalidOptionError(f"method 'flow' cannot optimise rule {rule_.name!r} (max-min "
                                 f"is not a flow objective); use 'cpsat' or 'auto'")
    if time_limit is not None and (
            isinstance(time_limit, bool) or not isinstance(time_limit, numbers.Real)
            or not time_limit > 0):
        raise InvalidOptionError(f"time_limit must be a positive number of seconds, "
                                 f"got {time_limit!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InvalidOptionError(f"seed must be an integer, got {seed!r}")
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise InvalidOptionError(f"workers must be an integer >= 1, got {workers!r}")
    if executor is not None and not isinstance(executor, Executor):
        raise InvalidOptionError(f"executor must be a concurrent.futures.Executor, "
                                 f"got {type(executor).__name__}")
    pins = tuple(pinned)
    if any(not isinstance(a, Assignment) for a in pins):
        raise InvalidOptionError("pinned must be a sequence of cus_match.plan.result.Assignment")
    if baseline is not None and not isinstance(baseline, Result):
        raise InvalidOptionError(f"baseline must be a Result, got {type(baseline).__name__}")
    if rule_.algorithm is not None:
        if pins:
            raise InvalidOptionError(f"rule {rule_.name!r} is a matching procedure and cannot "
                                     f"keep pinned visits; use an optimising rule")
        result = _algorithm(rule_.algorithm)(instance, seed=int(seed), rule=rule_.name)
    else:
        if baseline is not None:
            rule_ = rule_.with_baseline((a.need, a.date, a.helper)
                                        for a in baseline.assignments)
        result = METHODS[method](instance, seed=int(seed), rule=rule_, time_limit=time_limit,
                                 workers=int(workers), deterministic=bool(deterministic),
                                 executor=executor, pinned=pins)
    if baseline is not None:
        now = {(a.need, a.date, a.helper) for a in result.assignments}
        result = attrs.evolve(result, changes=sum(
            (a.need, a.date, a.helper) not in now for a in baseline.assignments))
    return result


def _algorithm(name: str) -> Callable[..., Result]:
    from cus_match.optimise.solvers.nearest import solve_nearest
    from cus_match.optimise.solvers.stable import solve_stable

    if name == "nearest":
        return solve_nearest
    proposing = "helpers" if name == "stable-helpers" else "residents"
    return lambda inst, **kw: solve_stable(inst, proposing=proposing, **kw)
