"""The neighbourhoods both large-neighbourhood searches free: helpers linked by shared visits.

The CP-SAT search (:mod:`.lns`) and the time-indexed one
(:mod:`cus_match.optimise.timeindexed.solve`) grow a neighbourhood alike: from a random helper,
breadth first to at most four random helpers who share a candidate visit with one already
freed, until ``target`` visits are free; a visit whose team is not wholly freed stays fixed.
The module imports no solver, so that the time-indexed path does not load CP-SAT.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from cus_match.compat import Candidate

__all__ = ["grow_neighbourhood"]


def grow_neighbourhood(rng: random.Random, pool: Sequence[str],
                       occs_of: Mapping[str, Sequence[int]],
                       helpers_of: Mapping[int, Sequence[str]],
                       chosen: Mapping[int, tuple[int, list[Candidate]]], target: int, *,
                       count_partial: bool, start: Sequence[str] | None = None
                       ) -> tuple[set[str], set[int]]:
    """The helpers freed and the visits they free, grown from ``rng.choice(pool)``.

    Parameters
    ----------
    rng : random.Random
        The search's generator (two calls a helper: reproducible for a seed).
    pool : sequence of str
        Helpers to start from (sorted, for determinism).
    occs_of, helpers_of : mapping
        A helper's candidate visits; a visit's candidate helpers.
    chosen : mapping
        The plan: occurrence to (start, team).
    target : int
        Visits to free before the growth stops.
    count_partial : bool
        Whether a visit whose team is not yet wholly freed counts towards ``target`` while
        growing (the time-indexed search's way) or not (the CP-SAT search's); either way it
        is not in the visits returned.
    start : sequence of str, optional
        Helpers to grow from instead of a random one of ``pool`` (then ``rng`` is called only
        while growing).

    Returns
    -------
    (set of str, set of int)
        The freed helpers and the freed visits.

    Examples
    --------
    >>> occs = {"a": [0, 1], "b": [1, 2], "c": [2]}
    >>> helpers = {0: ["a"], 1: ["a", "b"], 2: ["b", "c"]}
    >>> free_h, free = grow_neighbourhood(random.Random(1), ["a", "b", "c"], occs, helpers, {},
    ...                                   9, count_partial=False)
    >>> sorted(free_h), sorted(free)
    (['a', 'b', 'c'], [0, 1, 2])
    """
    free_h: set[str] = set()
    free: set[int] = set()
    queue = list(start) if start is not None else [rng.choice(pool)]
    while queue and len(free) < target:
        h = queue.pop(0)
        if h in free_h:
            continue
        free_h.add(h)
        for i in occs_of[h]:
            got = chosen.get(i)
            if count_partial or got is None or all(c.helper in free_h for c in got[1]):
                free.add(i)
        nxt = sorted({g for i in occs_of[h] for g in helpers_of[i]} - free_h)
        rng.shuffle(nxt)
        queue.extend(nxt[:4])
    # Visits of a team only partly freed stay fixed.
    free = {i for i in free if i not in chosen or all(c.helper in free_h for c in chosen[i][1])}
    return free_h, free
