"""The LP relaxation of a component's model: a bound and a fractional plan to round.

Visits become fractional; kept are k helpers per visit, weekly hour caps, each helper's
available minutes per day and each resident's need-window minutes per day (start times and
travel are relaxed away, which is what makes the bound weak on towns and cities). Solved with
GLOP; the build and the solve both stop at the deadline given, falling back to the trivial
bound (every meetable visit met at its best) rather than overrunning.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from attrs import frozen

from cus_match.clock import iso_week
from cus_match.compat import Compat
from cus_match.model.occurrences import helper_windows
from cus_match.optimise.engine.params import lp_seconds
from cus_match.optimise.options import Deadline
from cus_match.optimise.rules import EQUITY_RESOLUTION, Equity, Linear, Stage
from cus_match.optimise.solvers.method import value_minutes

__all__ = ["Duals", "Relaxation", "flow_bound", "flow_relaxation", "lp_bound", "lp_relaxation",
           "lp_with_duals"]

#: The LP's value, and the fractional ``y`` (per visit) and ``x`` (per visit and helper).
Relaxation = tuple[float, dict[int, float], dict[tuple[int, str], float]]


@frozen
class Duals:
    """The LP's dual values that a Lagrangian relaxation can start from.

    Attributes
    ----------
    team : dict of int to float
        Per visit, the dual of its row ``sum_c x_ic - k_i y_i = 0``.
    week : dict of (str, (int, int)) to float
        Per helper and ISO week, the dual of the weekly-hours row.
    pair : dict of (int, str) to float
        Per visit and helper whose ``x`` sits at its upper bound 1, its reduced cost (the
        dual of ``x <= 1``; pairs not listed have 0).
    """

    team: dict[int, float]
    week: dict[tuple[str, tuple[int, int]], float]
    pair: dict[tuple[int, str], float]

#: Visits added to the LP between two looks at the deadline.
_CHECK_EVERY = 256


def lp_bound(compat: Compat, comp: Sequence[int], stage: Stage | None = None,
             deadline: Deadline | None = None) -> float:
    """An upper bound on a stage's value over ``comp`` from an LP relaxation.

    Without ``stage``, the bound is on the priority-weighted minutes met. Visits become
    fractional; kept are k helpers per visit, weekly hour caps, each helper's available
    minutes per day and each resident's need-window minutes per day. Solved with GLOP, by
    ``deadline`` if given (else the trivial bound).
    """
    return lp_relaxation(compat, comp, stage, deadline)[0]


def _trivial(compat: Compat, comp: Sequence[int], stage: Stage | None) -> float:
    """Every meetable visit met at its best: the bound when the LP is not solved."""
    inst = compat.inst
    meetable = [i for i in comp if compat.starts[i] and len(compat.candidates[i])
                >= inst.need(compat.occurrences[i].need).helpers_needed]
    if stage is None:
        return float(sum(value_minutes(compat, i) for i in meetable))
    if isinstance(stage, Linear):
        # Without helper terms (fifo's first stage) every pair is 0: the city's 800,000
        # candidates need no pricing, which took 1-3 s just when time had run out.
        return float(sum(max(stage.visit_coef(compat, i), 0) for i in meetable)
                     + (sum(max(stage.pair_coef(compat, c), 0) for i in meetable
                            for c in compat.candidates[i]) if stage.has_pairs else 0))
    return float(EQUITY_RESOLUTION)


def lp_relaxation(compat: Compat, comp: Sequence[int], stage: Stage | None = None,
                  deadline: Deadline | None = None) -> Relaxation:
    """The LP of :func:`lp_bound`: its value and the fractional ``y`` and ``x``.

    With a ``deadline``, an LP not built and solved by then gives the trivial bound (every
    meetable visit met at its best) and no fractional solution.
    """
    return _lp(compat, comp, stage, deadline)[0]


def lp_with_duals(compat: Compat, comp: Sequence[int], stage: Stage | None = None,
                  deadline: Deadline | None = None) -> tuple[Relaxation, Duals | None]:
    """:func:`lp_relaxation`, and the duals of its team and weekly rows (None if unsolved).

    The duals start :func:`~cus_match.optimise.solvers.lagrange.lagrangian_bound` near the
    LP's value.

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = range(len(c.occurrences))
    >>> relaxation, duals = lp_with_duals(c, comp)
    >>> relaxation[0] == lp_bound(c, comp), sorted(duals.team) == sorted(relaxation[1])
    (True, True)
    """
    return _lp(compat, comp, stage, deadline)


def _lp(compat: Compat, comp: Sequence[int], stage: Stage | None,
        deadline: Deadline | None) -> tuple[Relaxation, Duals | None]:
    from ortools.linear_solver import pywraplp

    inf = pywraplp.Solver.infinity()
    inst = compat.inst
    lp = pywraplp.Solver.CreateSolver("GLOP")
    obj = lp.Objective()
    # Rows are filled coefficient by coefficient: the natural expression API took over 30 s
    # to build the city LP; this takes a few.
    y: dict[int, Any] = {}
    xvar: dict[tuple[int, str], Any] = {}
    week: dict[tuple[str, tuple[int, int]], Any] = {}
    day: dict[tuple[str, date], Any] = {}
    res_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    team_rows: dict[int, Any] = {}
    linear = stage if isinstance(stage, Linear) else None
    pairs = linear is not None and linear.has_pairs
    for n, i in enumerate(comp):
        if deadline is not None and n % _CHECK_EVERY == 0 and deadline.expired():
            return (_trivial(compat, comp, stage), {}, {}), None
        o = compat.occurrences[i]
        need = inst.need(o.need)
        cands = compat.candidates[i]
        if not compat.starts[i] or len(cands) < need.helpers_needed:
            continue
        yi = y[i] = lp.NumVar(1 if need.required else 0, 1, "")
        team = team_rows[i] = lp.Constraint(0, 0)
        team.SetCoefficient(yi, -need.helpers_needed)
        if stage is None:
            obj.SetCoefficient(yi, value_minutes(compat, i))
        elif linear is not None:
            obj.SetCoefficient(yi, linear.visit_coef(compat, i))
        for c in cands:
            x = xvar[(i, c.helper)] = lp.NumVar(0, 1, "")
            team.SetCoefficient(x, 1)
            wk = (c.helper, iso_week(o.date))
            row = week.get(wk)
            if row is None:
                row = week[wk] = lp.Constraint(-inf, inst.helper(c.helper).effective_weekly_minutes)
            row.SetCoefficient(x, o.duration)
            dk = (c.helper, o.date)
            row = day.get(dk)
            if row is None:
                h = inst.helper(c.helper)
                row = day[dk] = lp.Constraint(
                    -inf, sum(b - a for a, b in helper_windows(inst, h, o.date)))
            row.SetCoefficient(x, o.duration)
            if pairs and linear is not None:  # pairs implies linear; mypy cannot tell
                obj.SetCoefficient(x, linear.pair_coef(compat, c))
        if need.resident is not None:
            res_day[(need.resident, o.date)].append(i)
    for occs in res_day.values():
        if len(occs) > 1:
            spans = sorted(w for i in occs for w in compat.occurrences[i].windows)
            covered, end = 0, -1
            for a, b in spans:  # minutes of the union of the windows
                covered += max(0, b - max(a, end)) if b > end else 0
                end = max(end, b)
            row = lp.Constraint(-inf, covered)
            for i in occs:
                row.SetCoefficient(y[i], compat.occurrences[i].duration)
    if isinstance(stage, Equity):
        t = lp.NumVar(0, EQUITY_RESOLUTION, "t")
        obj.SetCoefficient(t, 1)
        occ = compat.occurrences
        for occs in stage.groups(compat).values():
            row = lp.Constraint(0, inf)
            row.SetCoefficient(t, -sum(occ[i].duration for i in occs))
            for i in occs:
                if i in y:
                    row.SetCoefficient(y[i], EQUITY_RESOLUTION * occ[i].duration)
    obj.SetMaximization()
    if deadline is not None:
        if deadline.expired():
            return (_trivial(compat, comp, stage), {}, {}), None
        lp.SetTimeLimit(max(1, int(lp_seconds(deadline.left()) * 1000)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        # Not solved in time, or infeasible (required visits cannot all be met even
        # fractionally): the trivial bound.
        return (_trivial(compat, comp, stage), {}, {}), None
    value = float(obj.Value())
    if isinstance(stage, Equity):
        value = math.floor(value + 1e-6)  # the integer stage value cannot exceed it
    duals = Duals({i: row.dual_value() for i, row in team_rows.items()},
                  {k: row.dual_value() for k, row in week.items()},
                  {k: abs(rc) for k, rc in ((k, x.reduced_cost()) for k, x in xvar.items()
                                            if x.solution_value() > 1 - 1e-9)
                   if abs(rc) > 1e-9})
    return ((value,
             {i: v.solution_value() for i, v in y.items()},
             {k: v.solution_value() for k, v in xvar.items()}), duals)


#: The largest common multiple of the visits' minutes x team sizes used as the flow's cost
#: scale; past it, per-minute values are rounded up (the bound stays valid, a little looser).
_FLOW_SCALE_MAX = 720_720


def flow_bound(compat: Compat, comp: Sequence[int], stage: Stage | None = None,
               deadline: Deadline | None = None,
               arc_minutes: dict[tuple[int, str], int] | None = None,
               day_minutes: Mapping[tuple[str, date], int] | None = None) -> float | None:
    """The bound of :func:`flow_relaxation` alone (None where it gives none).

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = range(len(c.occurrences))
    >>> flow_bound(c, comp) >= lp_bound(c, comp) - 1e-6
    True
    """
    got = flow_relaxation(compat, comp, stage, deadline, arc_minutes, day_minutes)
    return None if got is None else got[0]


def flow_relaxation(compat: Compat, comp: Sequence[int], stage: Stage | None = None,
                    deadline: Deadline | None = None,
                    arc_minutes: dict[tuple[int, str], int] | None = None,
                    day_minutes: Mapping[tuple[str, date], int] | None = None
                    ) -> tuple[float, Duals] | None:
    """The LP of :func:`lp_bound` as a min-cost flow in minutes: the same bound, in a second.

    A helper's share of a visit is ``d_i x_ic`` minutes flowing source -> visit -> helper-day
    -> helper-week -> sink; the visit's arc holds ``k_i d_i`` minutes (``y_i <= 1``), its arc to
    a helper-day ``d_i`` (``x_ic <= 1``), the helper-day's its available minutes and the
    helper-week's the weekly cap; a resident-day of one-helper visits whose windows cannot
    hold all of them passes through a node holding the union of the windows. A minute on visit
    ``i`` is worth ``v_i / (k_i d_i)``, one to helper ``c`` also ``p_ic / d_i``. Relaxed beyond
    the LP (each only enlarges what is allowed): required visits may be unmet, and resident-
    days with a two-helper visit have no row. Flows are integral and the LP of a network is
    its flow, so this is :func:`lp_bound` up to those two rows, where GLOP took 48-200 s on the
    city's large component (2026-12-03) and min-cost flow takes about a second.

    The duals come from the optimal flow's node potentials (shortest paths in its residual
    network, a few numpy passes): a visit's team row is priced at ``d_i`` times the potential
    drop from its node to the sink, a weekly cap at the drop from the helper-week to the sink,
    a saturated (visit, helper) arc at minus its reduced cost over ``d_i``. They are what
    :func:`~cus_match.optimise.solvers.lagrange.lagrangian_bound` starts from where GLOP's are
    not had.

    Given ``day_minutes`` (per helper and date), a helper-day holds at most that many minutes
    where it is less than its available minutes: valid where no plan gives the helper more
    (:func:`~cus_match.optimise.solvers.lagrange.chain_minutes`, the longest chain of the
    helper's visits that day, travel included), and a cut the LP misses (town seed 1: 1683.0
    hours against 1703.75; city 16,067.25 against 16,271.9).

    Returns
    -------
    (float, Duals) or None
        The bound (rounded down for a stage) and the duals; None for an equity stage, or when
        the build does not finish by ``deadline``. Given ``arc_minutes``, it is filled with
        the optimal minutes on each visit -> helper arc that carries any (``d_i x_ic``: the
        LP's plan, for :mod:`.flow_start` to round).

    Examples
    --------
    >>> from cus_match.compat import build_compat
    >>> from cus_match.generate import generate
    >>> c = build_compat(generate("tiny", seed=1))
    >>> comp = range(len(c.occurrences))
    >>> value, duals = flow_relaxation(c, comp)
    >>> value == flow_bound(c, comp), len(duals.team) > 0
    (True, True)
    """
    from ortools.graph.python import min_cost_flow

    if stage is not None and not isinstance(stage, Linear):
        return None
    inst = compat.inst
    linear = stage if isinstance(stage, Linear) else None
    pairs = linear is not None and linear.has_pairs
    visits: list[tuple[int, int, int, float]] = []  # (occurrence, k, minutes, value)
    for i in sorted(comp):
        o = compat.occurrences[i]
        k = inst.need(o.need).helpers_needed
        if compat.starts[i] and len(compat.candidates[i]) >= k:
            value = float(value_minutes(compat, i) if linear is None else linear.visit_coef(
                compat, i))
            visits.append((i, k, o.duration, value))
    if not visits:
        return 0.0, Duals({}, {}, {})
    scale = 1
    for _i, k, d, _v in visits:
        scale = math.lcm(scale, k * d, d)
        if scale > _FLOW_SCALE_MAX:
            break
    exact = scale <= _FLOW_SCALE_MAX
    if not exact:
        scale = _FLOW_SCALE_MAX

    def per_minute(value: float, minutes: int) -> int:
        # Rounded up: an overestimated worth only loosens an upper bound.
        return math.ceil(value * scale / minutes - 1e-9)

    nodes: dict[object, int] = {}

    def node(key: object) -> int:
        got = nodes.get(key)
        if got is None:
            got = nodes[key] = len(nodes)
        return got

    src, snk = node("source"), node("sink")
    tails, heads, caps, costs = array("q"), array("q"), array("q"), array("q")

    def arc(a: int, b: int, cap: int, cost: int) -> None:
        tails.append(a)
        heads.append(b)
        caps.append(cap)
        costs.append(cost)

    # Resident-days of one-helper visits whose windows cannot hold them all: a node each.
    res_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    for n, (i, _k, _d, _v) in enumerate(visits):
        r = inst.need(compat.occurrences[i].need).resident
        if r is not None:
            res_day[(r, compat.occurrences[i].date)].append(n)
    via: dict[int, int] = {}
    for key, members in sorted(res_day.items()):
        if len(members) < 2 or any(visits[n][1] > 1 for n in members):
            continue
        spans = sorted(w for n in members for w in compat.occurrences[visits[n][0]].windows)
        covered, end = 0, -1
        for a, b in spans:
            covered += max(0, b - max(a, end)) if b > end else 0
            end = max(end, b)
        if covered < sum(visits[n][2] for n in members):
            rd = node(("res", key))
            arc(src, rd, covered, 0)
            for n in members:
                via[n] = rd
    total = 0
    # Visit -> helper-day arcs, the bulk (the city: 806,000), gathered apart: per visit its
    # node and count, per arc its head and cost.
    v_node, v_count, v_minutes = array("q"), array("q"), array("q")
    a_head, a_cost = array("q"), array("q")
    day_of: dict[date, dict[str, int]] = {}
    week_of: dict[tuple[str, tuple[int, int]], int] = {}
    for n, (i, k, d, value) in enumerate(visits):
        if deadline is not None and n % _CHECK_EVERY == 0 and deadline.expired():
            return None
        o = compat.occurrences[i]
        vn = node(("visit", i))
        arc(via.get(n, src), vn, k * d, -per_minute(value, k * d))
        total += k * d
        days = day_of.get(o.date)
        if days is None:
            days = day_of[o.date] = {}
        cands = compat.candidates[i]
        for c in cands:
            hd = days.get(c.helper)
            if hd is None:
                hd = days[c.helper] = node(("day", c.helper, o.date))
                h = inst.helper(c.helper)
                wk = (c.helper, iso_week(o.date))
                hw = week_of.get(wk)
                if hw is None:
                    hw = week_of[wk] = node(("week", *wk))
                    arc(hw, snk, h.effective_weekly_minutes, 0)
                held = sum(b - a for a, b in helper_windows(inst, h, o.date))
                if day_minutes is not None:
                    held = min(held, day_minutes.get((c.helper, o.date), held))
                arc(hd, hw, held, 0)
            a_head.append(hd)
        if pairs and linear is not None:  # pairs implies linear; mypy cannot tell
            a_cost.extend(-per_minute(float(linear.pair_coef(compat, c)), d) for c in cands)
        v_node.append(vn)
        v_count.append(len(cands))
        v_minutes.append(d)
    arc(src, snk, total, 0)  # what no visit takes
    counts = np.frombuffer(v_count, dtype=np.int64)
    bulk_tails = np.repeat(np.frombuffer(v_node, dtype=np.int64), counts)
    bulk_caps = np.repeat(np.frombuffer(v_minutes, dtype=np.int64), counts)
    bulk_costs = (np.frombuffer(a_cost, dtype=np.int64) if len(a_cost)
                  else np.zeros(len(bulk_tails), dtype=np.int64))
    all_tails = np.concatenate([np.frombuffer(tails, dtype=np.int64), bulk_tails])
    all_heads = np.concatenate([np.frombuffer(heads, dtype=np.int64),
                                np.frombuffer(a_head, dtype=np.int64)])
    all_caps = np.concatenate([np.frombuffer(caps, dtype=np.int64), bulk_caps])
    all_costs = np.concatenate([np.frombuffer(costs, dtype=np.int64), bulk_costs])
    smcf = min_cost_flow.SimpleMinCostFlow()
    # The ignores: ortools' stubs write ndarray[numpy.int32], the dtype where numpy's ndarray
    # takes the shape (no array fits), as engine/flow.py says.
    smcf.add_arcs_with_capacity_and_unit_cost(all_tails, all_heads,  # type: ignore[arg-type]
                                              all_caps, all_costs)  # type: ignore[arg-type]
    smcf.set_nodes_supplies(np.array([src, snk], dtype=np.int64),  # type: ignore[arg-type]
                            np.array([total, -total], dtype=np.int64))  # type: ignore[arg-type]
    if smcf.solve() != smcf.OPTIMAL:
        return None
    value = -float(smcf.optimal_cost()) / scale
    if linear is not None:
        value = math.floor(value + 1e-6)  # the integer stage value cannot exceed it
    flows = np.asarray(smcf.flows(np.arange(len(all_tails))), dtype=np.int64)  # type: ignore[arg-type]
    if arc_minutes is not None:
        # The visit -> helper-day arcs come after the others, visit by visit, in candidate order.
        got = flows[len(tails):].tolist()
        n = 0
        for i, _k, _d, _v in visits:
            for c in compat.candidates[i]:
                if got[n]:
                    arc_minutes[(i, c.helper)] = int(got[n])
                n += 1
    dist = _potentials(len(nodes), all_tails, all_heads, all_caps, all_costs, flows) / scale
    sink = dist[snk]
    team = {i: d * float(dist[nodes[("visit", i)]] - sink) for i, _k, d, _v in visits}
    week = {(h, wk): max(0.0, float(sink - dist[n])) for (h, wk), n in week_of.items()}
    helper_of = {n: h for days in day_of.values() for h, n in days.items()}
    occ_of = {n: i for i, _k, _d, _v in visits for n in (nodes[("visit", i)],)}
    first = len(tails)
    pair: dict[tuple[int, str], float] = {}
    full = np.flatnonzero(flows[first:] >= bulk_caps) + first
    for a, t, hd in zip(full.tolist(), all_tails[full].tolist(), all_heads[full].tolist(),
                        strict=True):
        reduced = all_costs[a] / scale + dist[t] - dist[hd]
        if reduced < 0:
            i = occ_of[t]
            pair[(i, helper_of[hd])] = -float(reduced) * compat.occurrences[i].duration
    return value, Duals(team, week, pair)


def _potentials(n: int, tails: npt.NDArray[np.int64], heads: npt.NDArray[np.int64],
                caps: npt.NDArray[np.int64], costs: npt.NDArray[np.int64],
                flows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Shortest-path distances from node 0 in the residual network of an optimal flow.

    No cycle of the residual network is negative at an optimum, so Bellman-Ford settles; all
    arcs are relaxed at once per pass (the city: 16 passes over 1.6 M arcs, 0.24 s).
    """
    fwd, back = flows < caps, flows > 0
    t = np.concatenate([tails[fwd], heads[back]])
    h = np.concatenate([heads[fwd], tails[back]])
    w = np.concatenate([costs[fwd], -costs[back]]).astype(np.float64)
    order = np.argsort(h, kind="stable")
    t, h, w = t[order], h[order], w[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    into = h[starts]
    dist = np.full(n, np.inf)
    dist[0] = 0.0
    for _ in range(n):
        best = np.minimum(dist[into], np.minimum.reduceat(dist[t] + w, starts))
        if np.array_equal(best, dist[into]):
            break
        dist[into] = best
    # A node the source cannot reach in the residual network is priced as the sink.
    dist[np.isinf(dist)] = dist[1] if np.isfinite(dist[1]) else 0.0
    return dist
