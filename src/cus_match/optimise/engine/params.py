"""One home for the solvers' settings: CP-SAT parameters, LP limits, LNS sizes.

The domain solvers (:mod:`cus_match.optimise.solvers`) and the array engine (GAP and the
OR-Library path) both build their CP-SAT solvers with :func:`cpsat_solver` and read their LP and
LNS settings here, so a setting measured once applies everywhere it is meant to.

Examples
--------
>>> s = cpsat_solver(time_limit=2.0, seed=7, workers=1, deterministic=True)
>>> s.parameters.max_deterministic_time, s.parameters.num_workers, s.parameters.random_seed
(2.0, 1, 7)
>>> cpsat_solver(time_limit=2.0, seed=2**31, workers=1, deterministic=False)
... # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: seed must be an integer in 0..2147483647 ...
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from attrs import frozen
from ortools.sat.python import cp_model

from cus_match.errors import InvalidOptionError
from cus_match.optimise.options import SEED_MAX

__all__ = [
    "DOMAIN_LINEARIZATION",
    "DOMAIN_LNS",
    "GAP_LNS",
    "LP_MIN_SECONDS",
    "MIN_CPSAT_SECONDS",
    "STOP_POLL_SECONDS",
    "DomainLns",
    "GapLns",
    "cpsat_solver",
    "lp_seconds",
]

#: CP-SAT's linearization level for the domain models. Measured on rural instances: the full LP
#: (with the time-indexed cliques) proves optimality in 1-2 s on one worker, where the default
#: level takes 10-20 s. The GAP models keep CP-SAT's default (``None``).
DOMAIN_LINEARIZATION = 2

#: The shortest CP-SAT call worth making, in seconds: below it a model is only loaded.
MIN_CPSAT_SECONDS = 0.01

#: Seconds between two looks at a caller's stop during a solver run.
STOP_POLL_SECONDS = 0.1

#: The shortest LP time limit passed to GLOP (it refuses 0), in seconds.
LP_MIN_SECONDS = 0.01


@frozen
class DomainLns:
    """Large-neighbourhood search settings of the domain solver (a component's visits).

    Attributes
    ----------
    target : int
        Visits freed by the first neighbourhood; grows by ``step`` after a neighbourhood solved
        to optimality, shrinks by ``step`` otherwise, within ``smallest..largest``.
    sub_limit : float
        Seconds (deterministic time units in deterministic mode) per neighbourhood.
    rounds_per_second : int
        Neighbourhoods per second of the time limit in deterministic mode (the round count,
        not the clock, ends the search there).
    threshold : int
        Components with more eligible (visit, helper) pairs than this are searched by LNS
        from the LP rounding instead of one CP-SAT model.
    """

    target: int = 120
    step: int = 20
    smallest: int = 30
    largest: int = 400
    sub_limit: float = 1.0
    rounds_per_second: int = 4
    threshold: int = 3000


#: The settings the domain solver uses.
DOMAIN_LNS = DomainLns()


@frozen
class GapLns:
    """Large-neighbourhood search settings of the array GAP engine (:mod:`.lns`).

    Attributes
    ----------
    patience : int
        Neighbourhoods in a row without improvement before the search stops.
    sub_limit : float
        Seconds of one neighbourhood's CP-SAT solve.
    start_agents, start_jobs : int
        First sizes of the two kinds of neighbourhood (every job of a few agents; a set of
        jobs free to move anywhere).
    mix : int
        One neighbourhood in ``mix`` frees jobs; the others free agents.
    """

    patience: int = 200
    sub_limit: float = 0.5
    start_agents: int = 3
    start_jobs: int = 30
    mix: int = 2


#: The settings the GAP engine (and so the OR-Library path) uses.
GAP_LNS = GapLns()


def cpsat_solver(*, time_limit: float, seed: int, workers: int | None, deterministic: bool,
                 linearization_level: int | None = DOMAIN_LINEARIZATION,
                 interleave: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver set up for one call.

    Parameters
    ----------
    time_limit : float
        Seconds of wall time; with ``deterministic``, CP-SAT's deterministic time units.
    seed : int
        CP-SAT's ``random_seed``, in ``0..SEED_MAX`` (a signed 32-bit integer).
    workers : int, optional
        Search workers; ``None`` leaves CP-SAT's default (every core). ``deterministic``
        without ``interleave`` uses one.
    deterministic : bool
        Same model and seed, same answer: a work-based limit (and one worker unless
        ``interleave``, whose interleaved search is deterministic with several).
    linearization_level : int, optional
        CP-SAT's ``linearization_level``; ``None`` keeps its default.
    interleave : bool
        Interleaved search (deterministic with ``workers`` threads; the GAP engine uses it).

    Returns
    -------
    ortools.sat.python.cp_model.CpSolver

    Raises
    ------
    InvalidOptionError
        For a seed outside ``0..SEED_MAX`` or a non-finite time limit.
    """
    if isinstance(seed, bool) or not 0 <= int(seed) <= SEED_MAX or int(seed) != seed:
        raise InvalidOptionError(f"seed must be an integer in 0..{SEED_MAX} (what every "
                                 f"backend accepts), got {seed!r}")
    if not math.isfinite(time_limit):
        raise InvalidOptionError(f"time_limit must be a finite number of seconds > 0, "
                                 f"got {time_limit!r}")
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = int(seed)
    p.log_search_progress = False
    if workers is not None:
        p.num_workers = int(workers)
    if linearization_level is not None:
        p.linearization_level = linearization_level
    limit = max(float(time_limit), MIN_CPSAT_SECONDS)
    if deterministic:
        if interleave:
            p.interleave_search = True
            if workers is None:
                p.num_workers = 1
        else:
            p.num_workers = 1
        p.max_deterministic_time = limit
    else:
        p.max_time_in_seconds = limit
    return solver


@contextmanager
def stop_search_when(solver: cp_model.CpSolver, stopped: Callable[[], bool] | None,
                     every: float = STOP_POLL_SECONDS) -> Iterator[None]:
    """Inside the block, stop ``solver``'s search once ``stopped()`` is true.

    A caller's stop must not wait for a long CP-SAT call to time out: a watcher thread looks
    every ``every`` seconds and asks CP-SAT to stop (it then returns its best solution).
    """
    if stopped is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(every):
            if stopped():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def lp_seconds(seconds: float) -> float:
    """An LP time limit the solvers accept: at least :data:`LP_MIN_SECONDS`, finite."""
    if not math.isfinite(seconds):
        return 3600.0
    return max(float(seconds), LP_MIN_SECONDS)
