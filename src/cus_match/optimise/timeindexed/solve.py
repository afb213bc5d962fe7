"""One component on the time-indexed model: HiGHS MIPs, the LP, and LNS on sub-MIPs.

:func:`solve_timeindexed` is the whole method for one stage of a rule:

1. a component of at most :data:`POLISH_MAX_Z` helper-start columns is solved as one MIP by
   HiGHS (bundled in OR-Tools, through MathOpt) in at most half the time; proven optimal, it
   is the answer;
2. the time-indexed LP (GLOP) gives a bound, and its solution rounded a start better than the
   hint, where it is; then (:data:`STRATEGY` ``"rens"``) one HiGHS MIP over the columns of the
   LP's support and the plan, every other column fixed at 0, improves that start;
3. large-neighbourhood search: a group of helpers linked by shared candidate visits is freed,
   and the same model over their visits, with the rest of the plan fixed, is solved by HiGHS
   (hinted with the visits as they were); a better plan is kept;
4. on a component of at most :data:`MIP_MAX_Z` (the town's), the whole-model HiGHS MIP,
   hinted, gives its dual bound (a proven upper bound even when its time limit stops it) and
   its plan where better: with two or more workers on a second thread beside steps 2-3
   (:data:`PARALLEL_STRATEGY`); on one worker not at all (:data:`STRATEGY`: measured on the
   town, sharing one core's time between LNS and HiGHS's root costs more plan than the bound
   gains; ``benchmarks/README.md``). The reported bound is the least of the LP's and HiGHS's;
5. a component of more than :data:`MODEL_MAX_Z` helper-start columns is not modelled whole:
   the bound is the CP-SAT method's LP without start times, and the search LNS alone
   (:func:`solve_component` hands such components to the CP-SAT method instead: measured on
   the city, that pays; ``benchmarks/README.md``).

:func:`solve_component` is the component method of the solve driver
(:class:`~cus_match.optimise.solvers.method.ComponentMethod`; registered as
``solve(method="timeindexed")`` through :data:`TIMEINDEXED`), the later stages of a
lexicographic rule polished on the whole model with the earlier stages' values kept, where it
is small enough.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt
from attrs import frozen

from cus_match.compat import Candidate, Compat
from cus_match.errors import InvalidOptionError
from cus_match.optimise.options import Deadline, SolveOptions
from cus_match.optimise.rules import Linear, Rule
from cus_match.optimise.solvers.method import ComponentSolution
from cus_match.optimise.solvers.neighbourhood import grow_neighbourhood
from cus_match.optimise.solvers.state import PlanState
from cus_match.optimise.timeindexed.backends import Outcome, lp_solution, run_backend
from cus_match.optimise.timeindexed.model import (
    COLUMN_KINDS,
    TimeIndexedModel,
    build_model,
    count_z,
    decode,
    stage_costs,
)
from cus_match.plan.result import Status

__all__ = ["LP_FIXED_SECONDS", "MIP_MAX_Z", "MODEL_MAX_Z", "PARALLEL_STRATEGY", "POLISH_MAX_Z",
           "STRATEGIES", "STRATEGY", "TIMEINDEXED", "TimeIndexed", "TimeIndexedSolution",
           "lp_bound", "plan_vector", "solve_component", "solve_timeindexed"]

Chosen = dict[int, tuple[int, list[Candidate]]]

#: Components with at most this many helper-start columns are solved as one HiGHS MIP (with LP
#: and LNS around it, by :data:`STRATEGY`). The town's largest component has 54,000 (65,000
#: columns in all); HiGHS through MathOpt returns its incumbent and dual bound on a time-out.
MIP_MAX_Z = 200_000
#: Later stages of a rule are polished by one HiGHS MIP only on models this small (a quarter of
#: the first stage's time: on the town that would be taken from the first stage for little).
POLISH_MAX_Z = 20_000
#: What runs on a component of at most ``MIP_MAX_Z``: ``"lns"`` (MIP in half the time, LP,
#: LNS), ``"mip"`` (LP, then one MIP hinted with the LP's rounding for the rest),
#: ``"mip-lns"`` (MIP first for :data:`MIP_FIRST_SHARE`, then LNS from the better plan),
#: ``"parallel"`` (the MIP on a second thread, to the deadline, alongside LP and LNS),
#: ``"lns-mip"`` (LP, LNS, then a MIP hinted with the LNS plan for the last
#: :data:`LAST_MIP_SHARE`). Components of at most ``POLISH_MAX_Z`` are tried as one MIP in
#: half the time first in every strategy.
STRATEGIES = ("lns", "mip", "mip-lns", "lns-mip", "parallel", "rens", "rens-mip", "highs")
#: ``"highs"``: the whole-model MIP first, hinted, with all the time (then the LP and LNS if
#: it proves early).
#: The strategy on one worker (``options.workers == 1``), and on two or more (``"parallel"``
#: also runs the RENS step of ``"rens"`` on the first thread). Measured on the town's largest
#: component at 57 s, one worker (2026-12-03, fourth session, ``benchmarks/README.md``):
#: ``"rens"`` +9.75, +6.5, -0.75 over ``"lns"`` on seeds 1-3; ``"highs"`` +8.75 and +3.75 on
#: seeds 2-3 but -164.75 on seed 1, whose HiGHS root did not end in time.
STRATEGY = "rens"
PARALLEL_STRATEGY = "parallel"
#: ``"rens"`` and ``"rens-mip"`` (issue 11, fourth session): after the LP, one HiGHS MIP over
#: the columns in the LP solution's support or in the best plan (and every helper at the
#: starts those use: :data:`RENS_ALL_HELPERS`), all others fixed at 0 (RENS,
#: a relaxation-induced neighbourhood; what HiGHS's own sub-MIP heuristic does at the end of its
#: root, which on the town arrives only 35-60 s into a loaded minute), in at most
#: :data:`RENS_SHARE` of the time left; then LNS to the deadline (``"rens"``), or the whole-model
#: MIP hinted with the plan (``"rens-mip"``, for its dual bound). Columns whose LP value is at
#: most :data:`RENS_EPS` are fixed.
RENS_SHARE = 0.5
RENS_EPS = 1e-6
#: Whether the RENS sub-MIP frees every helper at the starts the LP or the plan uses (town at
#: 57 s, seeds 1-3: +2.5, +5.0, +2.5 over the LP's helpers only).
RENS_ALL_HELPERS = True
#: Share of the time of the MIP of ``"mip-lns"``.
MIP_FIRST_SHARE = 0.5
#: Share of the time left after the LP for the last MIP of ``"lns-mip"``.
LAST_MIP_SHARE = 0.5
#: The last MIP of ``"lns-mip"`` and the MIP of ``"parallel"`` run only with this many seconds
#: or more: HiGHS's presolve of the town's component alone takes 5 s, its root 20 s.
LAST_MIP_MIN_SECONDS = 15.0
#: The background MIP of ``"parallel"`` stops this many seconds before the deadline.
_PARALLEL_MARGIN = 0.5
#: Components with more are not modelled whole (the generated city has 6 million: the peer's
#: model of it took 19 GB to build): the bound is then the CP-SAT method's LP without start
#: times, and the search LNS alone.
MODEL_MAX_Z = 1_000_000


@frozen
class TimeIndexedSolution:
    """What :func:`solve_timeindexed` decided for one component.

    Attributes
    ----------
    chosen : dict of int to (int, list of Candidate)
        Occurrence -> (start minute, team).
    bound : float
        A proven upper bound on the stage's (scaled, integer) value over the component, never
        below the value of ``chosen``.
    status : Status
        ``optimal`` (the value meets the bound), ``feasible`` or ``infeasible`` (a required
        visit cannot be met).
    seconds : float
        Wall time.
    how : str
        ``"mip"`` (one MIP), ``"lns"``, ``"rens"`` (the LP's support as one sub-MIP, not
        improved by LNS), ``"lp"`` (the LP's rounding, not improved) or
        ``"hint"`` (nothing better found).
    """

    chosen: Chosen
    bound: float
    status: Status
    seconds: float
    how: str


def _floor_bound(value: float) -> float:
    """An LP or dual bound of an integer objective, rounded down past solver tolerances.

    The objective's coefficients are whole numbers, so no plan is worth a fraction; the slack
    of 1e-7 relative (HiGHS's and GLOP's feasibility tolerances are 1e-7) keeps a bound
    reported a hair below a whole number from being rounded below it.
    """
    return float(math.floor(value + 1e-7 * max(1.0, abs(value))))


def solve_timeindexed(compat: Compat, comp: Sequence[int], stage: Linear, *, deadline: float,
                      hint: Mapping[int, tuple[int, Sequence[Candidate]]] | None = None,
                      fixed: PlanState | None = None, seed: int = 0,
                      mip_max_z: int = MIP_MAX_Z, lns_target: int = 60,
                      sub_limit: float = 2.0, rounds: int | None = None,
                      strategy: str | None = None, workers: int = 1) -> TimeIndexedSolution:
    """Solve one component for one linear stage of a rule, by the time-indexed model.

    Parameters
    ----------
    compat : Compat
        The compatibility structure.
    comp : sequence of int
        Occurrence indices of one component
        (:func:`~cus_match.optimise.solvers.components.active_components`).
    stage : Linear
        What is maximised (a linear stage of a rule: ``rule.stages[0]`` for the primary value).
    deadline : float
        A :func:`time.perf_counter` instant: the search stops by then (each HiGHS run gets the
        time left; building the model and the LP are not interrupted).
    hint : mapping of int to (int, list of Candidate), optional
        A feasible plan of ``comp`` to start from (the FIFO greedy's, say); it is never lost:
        the answer is at least as good.
    fixed : PlanState, optional
        Visits outside ``comp`` kept as they are (pinned visits): planned around.
    seed : int
        Seed of the neighbourhood choice and of HiGHS.
    mip_max_z : int
        Components with more helper-start columns skip the one-MIP attempt.
    lns_target, sub_limit
        Visits freed per neighbourhood at first (it adapts), and seconds per sub-MIP.
    rounds : int, optional
        Deterministic mode: exactly this many LNS rounds whatever the clock says, the one-MIP
        attempt limited to ``10 * sub_limit`` seconds and the LP to ``60 * sub_limit`` instead
        of the deadline. The same input and seed then give the same plan as long as every MIP
        and the LP finish within their limits (HiGHS has no work-based limit); an unproven
        HiGHS answer is dropped there.
    strategy : str, optional
        One of :data:`STRATEGIES`: the order of LP, LNS and the one HiGHS MIP on a component
        of at most ``mip_max_z`` helper-start columns (default :data:`STRATEGY`, and
        :data:`PARALLEL_STRATEGY` with two or more ``workers``).
    workers : int
        Threads the search may use (two or more: the whole-model MIP runs beside LNS).

    Returns
    -------
    TimeIndexedSolution
        The plan of ``comp``, a proven bound on the stage's value over ``comp`` and the status.

    Examples
    --------
    >>> import time
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.solvers.components import active_components
    >>> c = build_compat(generate("tiny", seed=1))
    >>> stage = RULES["fifo"].stages[0]
    >>> sols = [solve_timeindexed(c, comp, stage, deadline=time.perf_counter() + 10)
    ...         for comp in active_components(c)]
    >>> all(s.status.value == "optimal" and s.bound == stage.value(c, s.chosen) for s in sols)
    True
    """
    if not isinstance(stage, Linear):
        raise InvalidOptionError("the time-indexed model optimises linear stages only; "
                                 f"got {type(stage).__name__}")
    return _solve(compat, comp, stage, deadline, hint, fixed, seed, mip_max_z, lns_target,
                  sub_limit, rounds, strategy=strategy, workers=workers)[0]


def _solve(compat: Compat, comp: Sequence[int], stage: Linear, deadline: float,
           hint: Mapping[int, tuple[int, Sequence[Candidate]]] | None,
           fixed: PlanState | None, seed: int, mip_max_z: int, lns_target: int,
           sub_limit: float, rounds: int | None = None,
           stopped: Callable[[], bool] | None = None, strategy: str | None = None,
           workers: int = 1) -> tuple[TimeIndexedSolution, TimeIndexedModel | None]:
    """:func:`solve_timeindexed`, with the model it built (for later stages).

    ``stopped``: the caller's stop, looked at before each solver run and each LNS round, and
    during each HiGHS run. ``strategy``: one of :data:`STRATEGIES` (default :data:`STRATEGY`,
    :data:`PARALLEL_STRATEGY` with two or more ``workers``), for components of at most
    ``mip_max_z`` helper-start columns.
    """
    def stop() -> bool:
        return stopped is not None and stopped()

    if strategy is None:
        strategy = STRATEGY if workers < 2 else PARALLEL_STRATEGY
    if strategy not in STRATEGIES:
        raise InvalidOptionError(f"unknown strategy {strategy!r}; known: "
                                 f"{', '.join(STRATEGIES)}")
    t0 = time.perf_counter()
    comp = sorted(comp)
    mine = set(comp)
    start: Chosen = {i: (s, list(team)) for i, (s, team) in (hint or {}).items() if i in mine}
    if count_z(compat, comp, limit=MODEL_MAX_Z) > MODEL_MAX_Z:
        return _solve_large(compat, comp, stage, deadline, start, fixed, seed, lns_target,
                            sub_limit, t0, rounds, stopped), None
    model = build_model(compat, comp, fixed=fixed)
    if model.unmeetable_required:
        return (TimeIndexedSolution({}, 0.0, Status.INFEASIBLE, time.perf_counter() - t0,
                                    "hint"), model)
    cost = stage_costs(compat, model, stage)
    # The trivial bound: every visit met with its best-paid team members.
    bound = _floor_bound(float(np.maximum(cost, 0.0).sum()))
    best, how = start, "hint"
    value = stage.value(compat, best)
    z_cols = int((model.kind == 2).sum())
    det = rounds is not None
    # Deterministic mode keeps the one-MIP attempt to models HiGHS usually proves within its
    # fixed limit (an unproven answer is dropped there, so a longer try would be time lost).
    fits = z_cols <= (min(mip_max_z, POLISH_MAX_Z) if det else mip_max_z)

    def mip(share: float) -> bool:
        """One HiGHS MIP of the whole model, hinted with ``best``, in ``share`` of the time.

        Its plan is kept when better, its dual bound always (a proven upper bound, even on a
        time-out). False when the model is infeasible.
        """
        nonlocal best, value, how, bound
        left = (deadline - time.perf_counter()) * share if not det else 10 * sub_limit
        out = run_backend(model, cost, backend="highs", seed=seed, time_limit=max(left, 0.01),
                          hint=plan_vector(compat, model, best), stopped=stopped)
        if out.infeasible:
            return False
        # Deterministic: only a proven answer, whatever the clock (a time-out's incumbent and
        # bound depend on how far HiGHS got).
        if det and not out.proven:
            return True
        if out.x is not None:
            got = decode(compat, model, out.x)
            if stage.value(compat, got) > value:
                best, value, how = got, stage.value(compat, got), "mip"
        if math.isfinite(out.bound):
            bound = min(bound, _floor_bound(out.bound))
        return True

    def infeasible() -> tuple[TimeIndexedSolution, TimeIndexedModel]:
        return (TimeIndexedSolution({}, 0.0, Status.INFEASIBLE, time.perf_counter() - t0,
                                    "mip"), model)

    # A component of at most POLISH_MAX_Z helper-start columns is tried as one MIP in half the
    # time first whatever the strategy: it is usually proven outright (rural: under a second),
    # and then neither the LP nor LNS is needed. On larger ones HiGHS's presolve alone takes
    # 5 s (town), so a short try is time lost.
    small = z_cols <= POLISH_MAX_Z
    first_share = (0.5 if small else MIP_FIRST_SHARE if strategy == "mip-lns"
                   else 1.0 if strategy == "highs" and not det else 0.0)
    if value < bound and fits and first_share > 0 and not stop() and not mip(first_share):
        return infeasible()
    background: threading.Thread | None = None
    box: dict[str, Outcome] = {}
    if (strategy == "parallel" and fits and not small and not det and value < bound
            and deadline - time.perf_counter() >= LAST_MIP_MIN_SECONDS and not stop()):
        # HiGHS releases the GIL: the whole-model MIP (for its bound) runs on a second core
        # while this thread rounds the LP and runs LNS; it ends shortly before the deadline.
        hinted = plan_vector(compat, model, best)
        limit = deadline - time.perf_counter() - _PARALLEL_MARGIN

        def run() -> None:
            box["out"] = run_backend(model, cost, backend="highs", seed=seed,
                                     time_limit=limit, hint=hinted, stopped=stopped)

        background = threading.Thread(target=run, name="cus_match-highs-mip", daemon=True)
        background.start()
    lp_x: npt.NDArray[np.float64] | None = None
    # After a whole-model MIP that ran to the deadline ("highs"), no LP: its bound is weaker.
    late = strategy == "highs" and deadline - time.perf_counter() < 1.0
    if value < bound and not stop() and not late and (strategy != "mip-lns" or not fits):
        left = deadline - time.perf_counter() if not det else 60 * sub_limit
        lp = lp_solution(model, cost, time_limit=max(left, 0.1))
        if lp is not None:
            bound = min(bound, _floor_bound(lp[0]))
            lp_x = lp[1]
            rounded = _round(compat, model, lp[1], fixed)
            if stage.value(compat, rounded) > value:
                best, value, how = rounded, stage.value(compat, rounded), "lp"
    # --- RENS (issue 11, fourth session): the LP's support as one sub-MIP. Not in
    # deterministic mode (which keeps the "lns" steps: an unproven answer would be dropped).
    rens = strategy in ("rens", "rens-mip", "parallel") and not det and not small
    if rens and lp_x is not None and value < bound and not stop():
        keep = ((lp_x > RENS_EPS) | (plan_vector(compat, model, best) > 0.5)
                | (model.kind == COLUMN_KINDS["y"]) | (model.kind == COLUMN_KINDS["u"]))
        if RENS_ALL_HELPERS:
            # Every helper at a start the LP or the plan uses, not only those it picked.
            at = (model.kind == COLUMN_KINDS["w"]) | (model.kind == COLUMN_KINDS["z"])
            key = model.occ * (1 << 32) + model.start
            keep |= at & np.isin(key, key[at & keep])
        sub = attrs.evolve(model, upper=np.where(keep, model.upper, 0.0))
        left = (deadline - time.perf_counter()) * RENS_SHARE
        got_sub = run_backend(sub, cost, backend="highs", seed=seed,
                              time_limit=max(left, 0.01), hint=plan_vector(compat, model, best),
                              stopped=stopped)
        # Its bound holds for the sub-model only; infeasible says nothing of the whole.
        if got_sub.x is not None:
            got = decode(compat, model, got_sub.x)
            if stage.value(compat, got) > value:
                best, value, how = got, stage.value(compat, got), "rens"
    if (strategy == "rens-mip" and rens and fits and value < bound and not stop()
            and deadline - time.perf_counter() >= LAST_MIP_MIN_SECONDS and not mip(1.0)):
        return infeasible()
    # --- end RENS
    if value < bound and fits and strategy == "mip" and not stop() and not mip(1.0):
        return infeasible()
    lns_end = deadline
    last_mip = (fits and strategy == "lns-mip" and not det
                and (deadline - time.perf_counter()) * LAST_MIP_SHARE >= LAST_MIP_MIN_SECONDS)
    if last_mip:
        lns_end = time.perf_counter() + (deadline - time.perf_counter()) * (1 - LAST_MIP_SHARE)
    if value < bound and (det or time.perf_counter() < lns_end) and strategy != "mip":
        best, lns_how = _lns(compat, comp, stage, best, fixed, lns_end, seed, lns_target,
                             sub_limit, how, rounds, stopped, bound)
        if stage.value(compat, best) > value:
            value, how = stage.value(compat, best), lns_how
    if value < bound and last_mip and not stop() and not mip(1.0):
        return infeasible()
    if background is not None and value < bound and not stop():
        background.join(max(deadline - time.perf_counter(), 0.0) + _PARALLEL_MARGIN)
        out = box.get("out")
        if out is not None and out.infeasible:
            return infeasible()
        if out is not None and out.x is not None:
            got = decode(compat, model, out.x)
            if stage.value(compat, got) > value:
                best, value, how = got, stage.value(compat, got), "mip"
        if out is not None and math.isfinite(out.bound):
            bound = min(bound, _floor_bound(out.bound))
    bound = max(bound, float(value))
    status = Status.OPTIMAL if value >= bound else Status.FEASIBLE
    return TimeIndexedSolution(best, bound, status, time.perf_counter() - t0, how), model


def plan_vector(compat: Compat, model: TimeIndexedModel,
                chosen: Mapping[int, tuple[int, Sequence[Candidate]]]) -> npt.NDArray[np.float64]:
    """The 0-1 column vector of a plan of the model's visits (a MIP start for HiGHS).

    Visits of ``chosen`` outside the model, or at a start or with a helper it has no column
    for, are left out; the ``u`` columns (a helper's distinct residents) are set where a
    chosen team member serves the resident.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.solvers.greedy import greedy_state
    >>> c = build_compat(generate("tiny", seed=1))
    >>> m = build_model(c, range(len(c.occurrences)))
    >>> plan = greedy_state(c).chosen
    >>> decode(c, m, plan_vector(c, m, plan)) == {i: plan[i] for i in sorted(plan)}
    True
    """
    x = np.zeros(model.num_cols)
    if not chosen:
        return x
    kind, occ, start = model.kind, model.occ, model.start
    start_of = np.full(max(len(compat.occurrences), 1), -1, dtype=np.int64)
    for i, (t, _team) in chosen.items():
        start_of[i] = t
    safe = np.where(occ >= 0, occ, 0)
    at = (occ >= 0) & (start_of[safe] >= 0)
    x[at & (kind == 0)] = 1.0
    x[at & (kind == 1) & (start == start_of[safe])] = 1.0
    served = {(i, compat.candidates[i].index(c)) for i, (_t, team) in chosen.items()
              for c in team if c in compat.candidates[i]}
    for j in np.flatnonzero(at & (kind == 2) & (start == start_of[safe])).tolist():
        if (int(occ[j]), int(model.cand[j])) in served:
            x[j] = 1.0
    us = kind == 3
    if us.any():
        rows = np.repeat(np.arange(model.num_rows), np.diff(model.a_start))
        cols, vals = model.a_index, model.a_value
        lit = np.bincount(rows, weights=x[cols] * (vals > 0), minlength=model.num_rows) > 0
        link = us[cols] & (vals < 0) & lit[rows]
        x[cols[link]] = 1.0
    return x


def lp_bound(compat: Compat, comp: Sequence[int], stage: Linear, *,
             fixed: PlanState | None = None, time_limit: float = 60.0) -> float | None:
    """The time-indexed LP's bound on ``stage`` over ``comp``, rounded down; None if unsolved.

    A proven upper bound (the LP relaxes the component's exact model, ``fixed`` planned
    around), and no worse than every visit met at its best. ``None`` when the LP is not
    solved within ``time_limit`` seconds, or a required visit cannot be met at all.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.solvers.components import active_components
    >>> c = build_compat(generate("tiny", seed=1))
    >>> stage = RULES["fifo"].stages[0]
    >>> comp = active_components(c)[0]
    >>> sol = solve_timeindexed(c, comp, stage, deadline=time.perf_counter() + 10)
    >>> lp_bound(c, comp, stage) >= sol.bound == stage.value(c, sol.chosen)
    True
    """
    model = build_model(compat, sorted(comp), fixed=fixed)
    if model.unmeetable_required:
        return None
    cost = stage_costs(compat, model, stage)
    lp = lp_solution(model, cost, time_limit=max(time_limit, 0.1))
    if lp is None:
        return None
    return min(_floor_bound(float(np.maximum(cost, 0.0).sum())), _floor_bound(lp[0]))


def _solve_large(compat: Compat, comp: list[int], stage: Linear, deadline: float,
                 start: Chosen, fixed: PlanState | None, seed: int, lns_target: int,
                 sub_limit: float, t0: float, rounds: int | None,
                 stopped: Callable[[], bool] | None = None) -> TimeIndexedSolution:
    """A component too large to model whole: the weak LP bound, and LNS from the hint."""
    from cus_match.optimise.options import Deadline
    from cus_match.optimise.solvers.relaxation import lp_relaxation

    left = deadline - time.perf_counter()
    bound = _floor_bound(lp_relaxation(compat, comp, stage,
                                       Deadline.after(max(left * 0.3, 0.1)))[0])
    best, how = _lns(compat, comp, stage, start, fixed, deadline, seed, lns_target,
                     sub_limit, "hint", rounds, stopped)
    value = stage.value(compat, best)
    bound = max(bound, float(value))
    status = Status.OPTIMAL if value >= bound else Status.FEASIBLE
    return TimeIndexedSolution(best, bound, status, time.perf_counter() - t0, how)


def _round(compat: Compat, model: TimeIndexedModel, x: npt.NDArray[np.float64],
           fixed: PlanState | None) -> Chosen:
    """A plan from the LP solution: visits by LP value, each at its heaviest (helper, start).

    A visit's options are its ``z`` columns, heaviest first; a visit of k helpers takes the
    start whose k heaviest free helpers weigh most. Whatever fits is placed, then the visits
    left are filled greedily.
    """
    state = fixed.copy() if fixed is not None else PlanState(compat)
    kind, occ, start, cand = model.kind, model.occ, model.start, model.cand
    ys = np.flatnonzero(kind == 0)
    yval = dict(zip(occ[ys].tolist(), x[ys].tolist(), strict=True))
    zs = np.flatnonzero((kind == 2) & (x > 1e-6))
    opts: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for j in zs[np.argsort(-x[zs], kind="stable")].tolist():
        opts[int(occ[j])].append((float(x[j]), int(start[j]), int(cand[j])))
    inst = compat.inst
    order = sorted(yval, key=lambda i: (-round(yval[i], 6), i))
    for i in order:
        if yval[i] < 1e-6:
            break
        k = inst.need(compat.occurrences[i].need).helpers_needed
        if not state.pus_ok(i, k):
            continue
        by_start: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for v, t, ci in opts[i]:
            by_start[t].append((v, ci))
        ranked = sorted(by_start.items(), key=lambda kv: (-sum(v for v, _ in kv[1]), kv[0]))
        for t, cs in ranked:
            if not state.resident_free(i, t):
                continue
            team = [compat.candidates[i][ci] for _v, ci in cs
                    if state.fits(compat.candidates[i][ci], t)][:k]
            if len(team) == k and _adult_ok(compat, i, team):
                state.add(i, t, team)
                break
    mine = set(model.comp)
    state.fill(sorted(mine, key=lambda i: (-yval.get(i, 0.0), i)))
    return {i: v for i, v in state.chosen.items() if i in mine}


def _adult_ok(compat: Compat, i: int, team: Sequence[Candidate]) -> bool:
    """Constraint 6: a personal-care team of two or more has an adult, unless policy allows."""
    inst = compat.inst
    need = inst.need(compat.occurrences[i].need)
    if len(team) < 2 or inst.policy.minors_solo_personal_care:
        return True
    if not inst.category(need.category).personal_care:
        return True
    return any(not inst.helper(c.helper).is_minor for c in team)


def _lns(compat: Compat, comp: list[int], stage: Linear, start: Chosen,
         fixed: PlanState | None, deadline: float, seed: int, target: int, sub_limit: float,
         how: str, rounds: int | None = None,
         stopped: Callable[[], bool] | None = None,
         bound: float = math.inf) -> tuple[Chosen, str]:
    """Large-neighbourhood search: the time-indexed model of a helper group, the rest fixed."""
    rng = random.Random(seed)
    state = fixed.copy() if fixed is not None else PlanState(compat)
    for i, (s, team) in sorted(start.items()):
        state.add(i, s, team)
    helpers_of = {i: sorted({c.helper for c in compat.candidates[i]}) for i in comp}
    occs_of: dict[str, list[int]] = defaultdict(list)
    for i in comp:
        for h in helpers_of[i]:
            occs_of[h].append(i)
    pool = sorted(occs_of)
    mine = set(comp)
    improved = False
    done = 0
    value = stage.value(compat, start)
    while pool and (time.perf_counter() < deadline if rounds is None else done < rounds):
        # A plan at the bound is optimal: nothing left to search for.
        if value >= bound or (stopped is not None and stopped()):
            break
        done += 1
        free_h, free = grow_neighbourhood(rng, pool, occs_of, helpers_of, state.chosen, target,
                                          count_partial=True)
        if not free:
            continue
        before = {i: state.chosen[i] for i in free if i in state.chosen}
        for i in before:
            state.remove(i)
        model = build_model(compat, sorted(free), fixed=state, helpers=free_h)
        keep = before
        if not model.unmeetable_required:
            cost = stage_costs(compat, model, stage)
            left = (sub_limit if rounds is not None
                    else min(sub_limit, deadline - time.perf_counter()))
            out = run_backend(model, cost, backend="highs", seed=rng.randrange(1 << 30),
                              time_limit=max(left, 0.01),
                              hint=plan_vector(compat, model, before), stopped=stopped)
            # Deterministic: a sub-MIP's answer counts only when proven (a time-out's
            # incumbent depends on the clock).
            if out.x is not None and (rounds is None or out.proven):
                after = decode(compat, model, out.x)
                gain = stage.value(compat, after) - stage.value(compat, before)
                if gain > 0:
                    keep, improved, value = after, True, value + gain
            # Grow neighbourhoods that HiGHS proves, shrink those it does not.
            target = min(400, target + 10) if out.proven else max(20, target - 10)
        for i, (s, team) in sorted(keep.items()):
            state.add(i, s, team)
    chosen = {i: v for i, v in state.chosen.items() if i in mine}
    return chosen, ("lns" if improved else how)


def solve_component(compat: Compat, comp: Sequence[int], hint: PlanState, *, rule: Rule,
                    fixed: PlanState | None, options: SolveOptions, deadline: Deadline,
                    work: float) -> ComponentSolution:
    """Plan one component by the time-indexed model (see :class:`TimeIndexed`).

    The first stage of ``rule`` is solved by the steps of :func:`solve_timeindexed` in 85 % of
    the component's time (when nothing will be polished: all of it but the larger of 3 % and
    :data:`_FIRST_STAGE_MARGIN` seconds; 97 % in deterministic mode); the later stages are polished
    with HiGHS on the whole model, each earlier stage's value kept, when it has at most
    :data:`POLISH_MAX_Z` helper-start columns (each in a quarter of the time the first stage
    took). A component of more than :data:`MODEL_MAX_Z` helper-start columns is handed to the
    CP-SAT method (``method`` of the answer ``cpsat`` or ``cpsat-lns``, else
    ``timeindexed``). With ``options.workers`` of two or more, the whole-model HiGHS MIP of a
    component of more than :data:`POLISH_MAX_Z` (and at most :data:`MIP_MAX_Z`) runs on a
    second thread beside the LP and LNS, for its dual bound and its plan
    (:data:`PARALLEL_STRATEGY`); on one worker it does not run (:data:`STRATEGY`: the LP, one
    HiGHS MIP over the LP's support, then LNS).

    In ``options.deterministic`` mode the clock decides nothing: ``2 * work`` LNS rounds, each
    sub-MIP, the one-MIP attempt, the LP and each polish with a fixed limit in seconds, and a
    HiGHS answer counts only when proven. The same input and seed then give the same plan as
    long as every HiGHS run finishes within its limit (HiGHS has no work-based limit). A stop
    (``options.stop``) is looked at before each HiGHS or LP run, each LNS round and every
    0.1 s during a HiGHS run: HiGHS under MathOpt ignores an interrupt, so the call returns
    with the best plan so far and the HiGHS run ends at its own limit in the background.

    Parameters
    ----------
    compat, comp, hint, rule, fixed, options, deadline, work
        See :class:`~cus_match.optimise.solvers.method.ComponentMethod`.

    Returns
    -------
    ComponentSolution
        The plan of ``comp``, its status and a proven bound on the first stage over ``comp``.

    Raises
    ------
    InvalidOptionError
        For a rule with a non-linear (equity) stage: ``solve()`` refuses it with this method
        before any work, and ``auto`` gives such rules to CP-SAT.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> from cus_match.optimise.rules import RULES
    >>> from cus_match.optimise.solvers.components import active_components
    >>> from cus_match.optimise.solvers.greedy import greedy_state
    >>> c = build_compat(generate("tiny", seed=1))
    >>> sol = solve_component(c, active_components(c)[0], greedy_state(c), rule=RULES["fifo"],
    ...                       fixed=None, options=SolveOptions(), deadline=Deadline.after(10),
    ...                       work=10.0)
    >>> sol.status.value, sol.method, sol.bound_minutes >= RULES["fifo"].stages[0].value(
    ...     c, sol.chosen)
    ('optimal', 'timeindexed', True)
    """
    t0 = time.perf_counter()
    first = rule.stages[0]
    if not isinstance(first, Linear) or not all(isinstance(s, Linear) for s in rule.stages):
        raise InvalidOptionError(f"method 'timeindexed' cannot optimise rule {rule.name!r} "
                                 f"(max-min is not a linear objective); use 'cpsat' or 'auto'")
    if count_z(compat, comp, limit=MODEL_MAX_Z) > MODEL_MAX_Z:
        # Measured on the city (6 million helper-start columns, 2026-12-03): LNS on sub-MIPs of
        # the time-indexed model did not improve the greedy plan in 60 s, where the CP-SAT
        # method's LNS gains 1.2 %; that method keeps components this large.
        from cus_match.optimise.solvers.cpsat import solve_component as cpsat_component

        return cpsat_component(compat, comp, hint, rule=rule, fixed=fixed, options=options,
                               deadline=deadline, work=work)
    det = options.deterministic
    limit = work if det else deadline.left()
    # Deterministic: a number of LNS rounds set by the limit, not the clock.
    rounds = max(1, int(2 * work)) if det else None
    stopped = options.stopped if options.stop is not None else None
    mine = set(comp)
    hinted = {i: v for i, v in hint.chosen.items() if i in mine}
    if rule.score(compat, hinted)[0] < 0:
        hinted = {}
    # Later stages are polished only on models small enough for one MIP; larger ones give
    # the first stage all the time.
    polish = (len(rule.stages) > 1
              and count_z(compat, comp, limit=POLISH_MAX_Z) <= POLISH_MAX_Z)
    # The first stage's end: the component's own end less what a HiGHS run may overshoot its
    # time limit by (0.2-1.9 s measured at load 2-5), unless later stages are polished.
    first_end = (t0 + 0.85 * limit if polish
                 else t0 + 0.97 * limit if det
                 else t0 + max(0.97 * limit, limit - _FIRST_STAGE_MARGIN))
    sol, model = _solve(compat, comp, first, first_end,
                        hinted, fixed, options.seed, MIP_MAX_Z, 60, _SUB_LIMIT, rounds,
                        stopped, workers=options.workers)
    if sol.status is Status.INFEASIBLE:
        return ComponentSolution({}, Status.INFEASIBLE, 0.0, time.perf_counter() - t0,
                                 "timeindexed")
    chosen = sol.chosen
    end = t0 + limit
    first_took = time.perf_counter() - t0
    later = [s for s in rule.stages[1:] if isinstance(s, Linear)]
    if (polish and later and model is not None and (det or time.perf_counter() < end)
            and not model.unmeetable_required and int((model.kind == 2).sum()) <= POLISH_MAX_Z):
        floors: list[tuple[npt.NDArray[np.float64], float]] = []
        prev: Linear = first
        for stage in later:
            if stopped is not None and stopped():
                break
            floors.append((stage_costs(compat, model, prev), float(prev.value(compat,
                                                                             chosen))))
            # Later stages only polish, in a quarter of what the first took (as the
            # CP-SAT method does): on rural seed 1 the fifo secondary stage is not proven in
            # 3.7 s, so more time buys nothing. Deterministic: a fixed limit, and only a
            # proven answer, so that the clock cannot change the plan.
            left = (_DET_POLISH_SECONDS if det
                    else min(end - time.perf_counter(), max(0.2, first_took / 4)))
            if left <= 0:
                break
            hinted_x = plan_vector(compat, model, chosen)
            out = run_backend(model if det else _met_kept(model, hinted_x),
                              stage_costs(compat, model, stage), backend="highs",
                              seed=options.seed, time_limit=left, floors=floors,
                              hint=hinted_x, stopped=stopped)
            if out.x is not None and (not det or out.proven):
                better = decode(compat, model, out.x)
                if rule.score(compat, better) >= rule.score(compat, chosen):
                    chosen = better
            prev = stage
    return ComponentSolution(chosen, sol.status, max(sol.bound, float(first.value(compat,
                                                                               chosen))),
                             time.perf_counter() - t0, "timeindexed")


# --- rural engineer (issue 11, fixed costs of a small solve): the later stages' polish ----


def _met_kept(model: TimeIndexedModel, x: npt.NDArray[np.float64]) -> TimeIndexedModel:
    """``model`` with the visits ``x`` meets kept met and the others left out.

    What a polish outside deterministic mode solves: only starts and teams are free. HiGHS
    proves it on a rural component in 0.05-0.2 s, where the whole model with the earlier
    stages as floors took 0.6-1.9 s to prove, so the polish's quarter of the first stage's
    time (0.2-0.5 s) ended unproven with the hint on rural seeds 2-4 (measured 2026-12-03,
    ``benchmarks/README.md``).
    """
    ys = model.kind == 0
    lower, upper = model.lower.copy(), model.upper.copy()
    lower[ys] = upper[ys] = np.clip(x[ys], model.lower[ys], model.upper[ys])
    return attrs.evolve(model, lower=lower, upper=upper)


# --- end of the rural engineer's lines ---------------------------------------------------

#: Seconds the first stage leaves of a component's time when nothing is polished (what a
#: HiGHS run may overshoot its limit by); never more than 3 % of it.
_FIRST_STAGE_MARGIN = 0.5
#: Seconds per HiGHS sub-MIP of the LNS.
_SUB_LIMIT = 2.0
#: Seconds per polish in deterministic mode, where only a proven polish counts: rural seed 1's
#: fifo secondary stage is proven in 1.2-2.0 s under load (MathOpt and the model builder
#: alike), so 2 s made the plan depend on the load (one run in two, measured 2026-12-03).
_DET_POLISH_SECONDS = 5 * _SUB_LIMIT
#: Seconds for the time-indexed LP where the clock must not decide (deterministic mode).
LP_FIXED_SECONDS = 60 * _SUB_LIMIT


@frozen
class TimeIndexed:
    """The ``timeindexed`` component method: :func:`solve_component` on each component.

    ``solve(method="timeindexed")`` and ``cus-match solve --method timeindexed`` run it; it is
    also what ``auto`` runs on components up to
    :data:`~cus_match.optimise.solvers.auto.TIMEINDEXED_MAX_Z` helper-start columns.

    Examples
    --------
    >>> TIMEINDEXED.name, TIMEINDEXED == TimeIndexed()
    ('timeindexed', True)
    """

    name: str = "timeindexed"

    def __call__(self, compat: Compat, component: Sequence[int], hint: PlanState, *,
                 rule: Rule, fixed: PlanState | None, options: SolveOptions,
                 deadline: Deadline, work: float) -> ComponentSolution:
        """Plan ``component`` with :func:`solve_component`."""
        return solve_component(compat, component, hint, rule=rule, fixed=fixed,
                               options=options, deadline=deadline, work=work)


#: The ``timeindexed`` component method.
TIMEINDEXED = TimeIndexed()
