"""How a solve runs: :class:`SolveOptions`, its :class:`Deadline`, and the progress it reports.

:func:`cus_match.optimise.solve.solve` builds one :class:`SolveOptions` from its keywords,
validated once, and passes it whole to every layer below (the method, the per-component driver,
each component method, the engine), together with one :class:`Deadline` made when ``solve()``
was entered. Nothing below re-reads loose keywords, so a misspelt option cannot be swallowed on
the way down.

Examples
--------
>>> opts = SolveOptions(time_limit=2, seed=7)
>>> opts.time_limit, opts.seed, opts.budget
(2.0, 7, 2.0)
>>> SolveOptions(seed=2**40)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: seed must be an integer in 0..2147483647 ...
>>> SolveOptions(deterministic="no")
Traceback (most recent call last):
...
cus_match.errors.InvalidOptionError: deterministic must be True or False, got 'no'
"""

from __future__ import annotations

import math
import numbers
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import attrs
from attrs import field, frozen

from cus_match.errors import InvalidOptionError

__all__ = ["DEFAULT_TIME_LIMIT", "SEED_MAX", "WORK_CAP_FACTOR", "WORK_PER_SECOND", "ClockCap",
           "Deadline", "ProgressEvent", "SolveOptions", "default_work"]

#: The largest seed: CP-SAT's ``random_seed`` is a signed 32-bit integer, and every other
#: backend (numpy, :mod:`random`) takes any value in ``0..SEED_MAX``.
SEED_MAX = 2**31 - 1

#: Seconds an optimising method spends when no ``time_limit`` is given.
DEFAULT_TIME_LIMIT = 30.0

#: Deterministic work units (CP-SAT's deterministic time, and the LNS rounds counted from it)
#: per second of time limit, in ``deterministic`` mode when no ``work_limit`` is given.
#: Calibrated 2026-12-03 (benchmarks/README.md, "Deterministic mode under a wall-clock cap"):
#: one unit of the town took 6.5 s of wall time at load 3 and 17 s at load 6 on 2 cores (about
#: 4-6 s of one free core), so at this rate a deterministic run spends about half its time
#: limit on a quiet machine and the limit, a hard cap, is rarely what ends it there; on a
#: loaded one it is (and the result says so).
WORK_PER_SECOND = 0.08
#: With a ``work_limit`` and no ``time_limit``, the wall-clock cap is this many times the
#: seconds the work takes at :data:`WORK_PER_SECOND` (room for a loaded machine).
WORK_CAP_FACTOR = 4.0

#: Phases a solve goes through, in order (see :class:`ProgressEvent`).
PHASES = ("build", "solve", "assemble", "explain", "done")


def _check_time_limit(_inst: object, _attr: object, value: float | None) -> None:
    if value is None:
        return
    # A limit is a finite number of seconds: an infinite one is what None already says
    # (the default), and CP-SAT's and the LP solvers' limits must be finite numbers.
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(value) or not value > 0):
        raise InvalidOptionError(f"time_limit must be a finite number of seconds > 0, "
                                 f"got {value!r}")


def _to_time_limit(value: Any) -> Any:
    _check_time_limit(None, None, value)
    return None if value is None else float(value)


def _to_seed(value: Any) -> int:
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or not 0 <= int(value) <= SEED_MAX):
        raise InvalidOptionError(f"seed must be an integer in 0..{SEED_MAX} (what every "
                                 f"backend accepts), got {value!r}")
    return int(value)


def _to_workers(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InvalidOptionError(f"workers must be an integer >= 1, got {value!r}")
    return int(value)


def _to_bool(value: Any) -> bool:
    # Only a real bool: "no" (a non-empty string) would otherwise count as True.
    if not isinstance(value, bool):
        raise InvalidOptionError(f"deterministic must be True or False, got {value!r}")
    return value


def _to_work_limit(value: Any) -> float | None:
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(float(value)) or not float(value) > 0):
        raise InvalidOptionError(f"work_limit must be a finite number of work units > 0, "
                                 f"got {value!r}")
    return float(value)


def default_work(time_limit: float | None) -> float:
    """Deterministic work units for a time limit (seconds): :data:`WORK_PER_SECOND` of each.

    Examples
    --------
    >>> default_work(20)
    1.6
    >>> default_work(None) == default_work(DEFAULT_TIME_LIMIT)
    True
    """
    seconds = DEFAULT_TIME_LIMIT if time_limit is None else float(time_limit)
    return round(seconds * WORK_PER_SECOND, 9)


def _check_executor(_inst: object, _attr: object, value: Executor | None) -> None:
    if value is not None and not isinstance(value, Executor):
        raise InvalidOptionError(f"executor must be a concurrent.futures.Executor, "
                                 f"got {type(value).__name__}")


def _check_progress(_inst: object, _attr: object,
                    value: Callable[[ProgressEvent], None] | None) -> None:
    if value is not None and not callable(value):
        raise InvalidOptionError(f"progress must be a callable taking a ProgressEvent, "
                                 f"got {type(value).__name__}")


def _check_stop(_inst: object, _attr: object,
                value: threading.Event | Callable[[], bool] | None) -> None:
    if value is not None and not isinstance(value, threading.Event) and not callable(value):
        raise InvalidOptionError(f"stop must be a threading.Event or a callable returning "
                                 f"True to stop, got {type(value).__name__}")


@frozen
class ProgressEvent:
    """What a running solve reports to its ``progress`` callback.

    Parameters
    ----------
    phase : str
        ``build`` (the compatibility graph), ``solve`` (components), ``assemble`` (the plan),
        ``explain`` (reasons of unmet visits) or ``done``.
    components_done, components_total : int
        Components solved so far, and how many there are (0 before they are known).
    incumbent, bound : float, optional
        The best plan's objective so far, and the proven bound on it (report units), once
        known. A component not yet solved counts with its greedy plan and its trivial bound.
    elapsed : float
        Seconds since ``solve()`` was entered.

    Examples
    --------
    >>> e = ProgressEvent("solve", 3, 4, incumbent=90.0, bound=100.0, elapsed=1.5)
    >>> e.gap
    0.1
    """

    phase: str
    components_done: int = 0
    components_total: int = 0
    incumbent: float | None = None
    bound: float | None = None
    elapsed: float = 0.0

    @property
    def gap(self) -> float | None:
        """Relative gap of incumbent to bound, when both are known."""
        if self.incumbent is None or self.bound is None:
            return None
        return abs(self.bound - self.incumbent) / max(abs(self.bound), 1e-9)


@frozen
class SolveOptions:
    """How to solve: limits, seed, parallelism, observation and cancellation.

    Built once by :func:`cus_match.optimise.solve.solve` and passed whole to every layer;
    every field is validated here, so a bad value fails before any work.

    Parameters
    ----------
    time_limit : float, optional
        Seconds for the whole solve, finite and > 0 (compatibility graph, search, assembling
        and explaining unmet visits included). ``None``: :data:`DEFAULT_TIME_LIMIT`.
    seed : int
        Random seed, in ``0..SEED_MAX``.
    workers : int
        CP-SAT search workers per model (>= 1).
    deterministic : bool
        Reproducible search: one worker and work-based (not wall-clock) limits, so the same
        input and seed give the same plan on any machine. The work is ``work_limit`` units,
        or :data:`WORK_PER_SECOND` per second of the time limit; the time limit stays a hard
        wall-clock cap: a run it cuts short returns its best plan marked
        ``Result.cut_by_clock`` (not reproducible).
    work_limit : float, optional
        Deterministic work units (CP-SAT's deterministic time) for the whole solve; only with
        ``deterministic``. Without a ``time_limit`` the cap is then :data:`WORK_CAP_FACTOR`
        times the seconds it takes at :data:`WORK_PER_SECOND`.
    executor : concurrent.futures.Executor, optional
        Solve independent components on it (threads or processes); the plan is the serial one.
    progress : callable, optional
        Called with a :class:`ProgressEvent` at each phase and after each component, in the
        calling thread.
    stop : threading.Event or callable, optional
        Set (or returning ``True``) to stop: the best plan so far is returned, its status
        ``stopped``.

    Examples
    --------
    >>> import threading
    >>> stop = threading.Event()
    >>> opts = SolveOptions(stop=stop)
    >>> opts.stopped()
    False
    >>> stop.set()
    >>> opts.stopped()
    True
    >>> SolveOptions(time_limit=float("inf"))
    Traceback (most recent call last):
    ...
    cus_match.errors.InvalidOptionError: time_limit must be a finite number of seconds > 0, got inf
    """

    time_limit: float | None = field(default=None, converter=_to_time_limit)
    seed: int = field(default=0, converter=_to_seed)
    workers: int = field(default=1, converter=_to_workers)
    deterministic: bool = field(default=False, converter=_to_bool)
    work_limit: float | None = field(default=None, converter=_to_work_limit)
    executor: Executor | None = field(default=None, validator=_check_executor, eq=False)
    progress: Callable[[ProgressEvent], None] | None = field(
        default=None, validator=_check_progress, eq=False)
    stop: threading.Event | Callable[[], bool] | None = field(
        default=None, validator=_check_stop, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.work_limit is not None and not self.deterministic:
            raise InvalidOptionError("work_limit counts deterministic work: give it with "
                                     "deterministic=True, or give time_limit (seconds)")

    @property
    def budget(self) -> float:
        """Seconds the solve may take (the wall-clock cap).

        The time limit; else, for a ``work_limit`` alone, :data:`WORK_CAP_FACTOR` times its
        calibrated seconds; else :data:`DEFAULT_TIME_LIMIT`.

        Examples
        --------
        >>> SolveOptions(deterministic=True, work_limit=2).budget
        100.0
        """
        if self.time_limit is not None:
            return self.time_limit
        if self.work_limit is not None:
            return WORK_CAP_FACTOR * self.work_limit / WORK_PER_SECOND
        return DEFAULT_TIME_LIMIT

    @property
    def work(self) -> float:
        """Deterministic work units of the whole solve (used in ``deterministic`` mode).

        Examples
        --------
        >>> SolveOptions(time_limit=10, deterministic=True).work
        0.8
        >>> SolveOptions(time_limit=10, deterministic=True, work_limit=3).work
        3.0
        """
        if self.work_limit is not None:
            return self.work_limit
        return default_work(self.time_limit)

    def stopped(self) -> bool:
        """Whether the caller asked to stop."""
        if self.stop is None:
            return False
        if isinstance(self.stop, threading.Event):
            return self.stop.is_set()
        return bool(self.stop())

    def report(self, event: ProgressEvent) -> None:
        """Pass ``event`` to the progress callback, if there is one."""
        if self.progress is not None:
            self.progress(event)

    def capped(self, deadline: Deadline) -> SolveOptions:
        """A copy whose stop also fires when ``deadline`` passes (deterministic mode's cap).

        Every place that honours a stop (the component driver, LNS rounds, a running CP-SAT
        search) then ends at the wall-clock cap too; outside ``deterministic`` mode the
        deadline already bounds them and ``self`` is returned.
        """
        if not self.deterministic:
            return self
        return attrs.evolve(self, stop=ClockCap(deadline.end, self.stop))

    def portable(self, *, keep_stop: bool = False) -> SolveOptions:
        """A copy for a component solved on the executor.

        The executor and the callback stay with the caller (progress is reported from the
        calling thread). The stop goes along only with ``keep_stop`` (threads); it cannot
        cross to another process, where a component runs to its own deadline.
        """
        stop = self.stop
        if isinstance(stop, ClockCap):
            # The cap is a point on the system-wide clock: it crosses to a process; the
            # caller's own stop inside it only to a thread.
            stop = stop if keep_stop else ClockCap(stop.end, None)
        elif not keep_stop:
            stop = None
        return attrs.evolve(self, executor=None, progress=None, stop=stop)


@frozen(eq=False)
class ClockCap:
    """A stop that fires at a point of the monotonic clock, or when the caller's stop does.

    Picklable (a worker process reads the same system-wide clock) as long as ``inner`` is.

    Examples
    --------
    >>> import time
    >>> ClockCap(time.monotonic() + 60, None)(), ClockCap(time.monotonic() - 1, None)()
    (False, True)
    >>> ClockCap(time.monotonic() + 60, lambda: True)()
    True
    """

    end: float
    inner: threading.Event | Callable[[], bool] | None

    def __call__(self) -> bool:
        """Whether the cap has passed or the caller asked to stop."""
        if time.monotonic() >= self.end:
            return True
        if self.inner is None:
            return False
        if isinstance(self.inner, threading.Event):
            return self.inner.is_set()
        return bool(self.inner())


@frozen
class Deadline:
    """One point on the monotonic clock that a whole solve ends by.

    Made once when ``solve()`` is entered and passed down, so that every phase (building the
    compatibility graph, each component, assembling, explaining) spends from the same budget
    instead of each starting its own clock. :func:`time.monotonic` is system-wide, so a
    deadline means the same in a worker process.

    Examples
    --------
    >>> d = Deadline.after(60)
    >>> 59 < d.left() <= 60, d.expired()
    (True, False)
    >>> Deadline.after(0).expired()
    True
    """

    start: float
    end: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline ``seconds`` from now."""
        now = time.monotonic()
        return cls(now, now + max(float(seconds), 0.0))

    def left(self) -> float:
        """Seconds until the deadline (0 once past)."""
        return max(self.end - time.monotonic(), 0.0)

    def elapsed(self) -> float:
        """Seconds since the deadline was made."""
        return time.monotonic() - self.start

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return time.monotonic() >= self.end

    def later(self, seconds: float) -> Deadline:
        """The same deadline, ``seconds`` later (a grace period)."""
        return Deadline(self.start, self.end + max(seconds, 0.0))

    def sooner(self, seconds: float) -> Deadline:
        """The sooner of this deadline and ``seconds`` from now (a share of the rest)."""
        return Deadline(self.start, min(self.end, time.monotonic() + max(seconds, 0.0)))
