"""The nearest-helper rule: what coordinators do by hand with a map and a phone.

Needs are taken in order of application (``applied_on``, then id), priority ignored; only
``required`` needs go first, since a plan leaving one unmet is no plan. Each of their visits,
in date order, gets the nearest eligible helper who is still free: shortest one-way travel from
the helper's home, then helper id; at the earliest start that fits everything already planned.
A need's other visits, a resident's previous helper or a helper from the same village count for
nothing unless they are also the nearest. Teams (``helpers_needed = k > 1``) get the nearest
``k`` helpers free at the earliest common start (with an adult swapped in where constraint 6
asks for one).

It is a baseline for the research harness: compare it with ``fifo`` (priority first,
continuity and locality preferred) and the optimising rules on the same metrics.

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.plan.check import check
>>> inst = generate("tiny", seed=1)
>>> result = solve_nearest(inst)
>>> result.method, result.rule, check(inst, result)
('nearest', 'nearest', [])
"""

from __future__ import annotations

import time as _time

import attrs

from cus_match.compat import Compat, build_compat
from cus_match.model.instance import Instance
from cus_match.optimise.solvers.state import PlanState, assemble
from cus_match.plan.result import Result, Status

__all__ = ["nearest_order", "solve_nearest"]


def nearest_order(compat: Compat) -> list[int]:
    """Occurrence indices: required first, then ``applied_on``, need id, date."""
    inst = compat.inst

    def key(i: int) -> tuple[object, ...]:
        o = compat.occurrences[i]
        need = inst.need(o.need)
        return (not need.required, need.applied_on, o.need, o.date)

    return sorted(range(len(compat.occurrences)), key=key)


def solve_nearest(instance: Instance, *, seed: int = 0, rule: str = "nearest",
                  compat: Compat | None = None) -> Result:
    """Plan ``instance`` by the nearest free helper, in order of application.

    Parameters
    ----------
    instance : Instance
        The instance.
    seed : int
        Recorded; the rule is deterministic.
    rule : str
        Recorded in the result.
    compat : Compat, optional
        A compatibility structure already built for ``instance``.

    Returns
    -------
    Result
        Method ``"nearest"``, status ``feasible`` (``partial`` when a required need is left
        unmet), every unmet visit explained.

    Examples
    --------
    >>> from cus_match.generate import generate
    >>> r = solve_nearest(generate("tiny", seed=2))
    >>> r.status.value in ("feasible", "partial")
    True
    """
    t0 = _time.perf_counter()
    compat = compat if compat is not None else build_compat(instance)
    # The plan state takes candidates in list order: give it them nearest first (ties: id).
    nearest = attrs.evolve(compat, candidates=[sorted(cs, key=lambda c: (c.travel, c.helper))
                                               for cs in compat.candidates])
    state = PlanState(nearest)
    for i in nearest_order(nearest):
        got = state.choose(i)
        if got is not None:
            state.add(i, *got)
    return assemble(state, method="nearest", rule=rule, seed=seed,
                    runtime=_time.perf_counter() - t0, status=Status.FEASIBLE, bound=None,
                    methods={"nearest": 1})
